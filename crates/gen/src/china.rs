//! The province fixtures of `fixtures/china/`: the 29 provinces of `shared/data/china/`
//! (every mainland province but 河南 and 江苏), each imported with [`load`] and given a
//! roster by [`instance`].
//!
//! The division CSVs are verbatim copies in `fixtures/china/<dir>/data/`; Shandong's are
//! the ones of `fixtures/shandong/data/` (byte-identical to `shared/data/china/shandong/`).
//! The instances are not committed: `fixtures/china/instances.csv` ([`DIGESTS`]) holds
//! each one's size and [`fnv1a64`] digest of its file form ([`crate::fixtures::to_json`]),
//! and the tests regenerate every instance and compare.

use std::path::{Path, PathBuf};

use sanlian_model::Instance;

use crate::province::{load_province, ImportOptions, MissingSeat, ProvinceImport};
use crate::province_roster::{generate_for, ProvinceRosterSpec};
use crate::GenError;

/// (folder, province name) of every province, in the order of their codes.
pub const PROVINCES: [(&str, &str); 29] = [
    ("beijing", "北京市"),
    ("tianjin", "天津市"),
    ("hebei", "河北省"),
    ("shanxi", "山西省"),
    ("neimenggu", "内蒙古自治区"),
    ("liaoning", "辽宁省"),
    ("jilin", "吉林省"),
    ("heilongjiang", "黑龙江省"),
    ("shanghai", "上海市"),
    ("zhejiang", "浙江省"),
    ("anhui", "安徽省"),
    ("fujian", "福建省"),
    ("jiangxi", "江西省"),
    ("shandong", "山东省"),
    ("hubei", "湖北省"),
    ("hunan", "湖南省"),
    ("guangdong", "广东省"),
    ("guangxi", "广西壮族自治区"),
    ("hainan", "海南省"),
    ("chongqing", "重庆市"),
    ("sichuan", "四川省"),
    ("guizhou", "贵州省"),
    ("yunnan", "云南省"),
    ("xizang", "西藏自治区"),
    ("shaanxi", "陕西省"),
    ("gansu", "甘肃省"),
    ("qinghai", "青海省"),
    ("ningxia", "宁夏回族自治区"),
    ("xinjiang", "新疆维吾尔自治区"),
];

/// Seed of every province fixture.
pub const SEED: u64 = 1;

/// Import options of the fixtures: an official county without coordinates stands at its
/// city's seat (西藏's 米林市 and 错那市; listed in the region's note).
pub const OPTIONS: ImportOptions = ImportOptions { missing_seat: MissingSeat::CitySeat };

/// The digest table, relative to `fixtures/`.
pub const DIGESTS: &str = "china/instances.csv";

/// The division folder of province `dir` under the `fixtures` folder.
pub fn data_dir(fixtures: &Path, dir: &str) -> PathBuf {
    if dir == "shandong" {
        fixtures.join("shandong/data")
    } else {
        fixtures.join("china").join(dir).join("data")
    }
}

/// Import province `dir` from its fixture folder with [`OPTIONS`].
pub fn load(fixtures: &Path, dir: &str) -> Result<ProvinceImport, GenError> {
    load_province(&data_dir(fixtures, dir), &OPTIONS)
}

/// The fixture instance of an imported province: [`ProvinceRosterSpec::default`], seed [`SEED`].
pub fn instance(import: &ProvinceImport) -> Instance {
    generate_for(import, &ProvinceRosterSpec::default(), SEED)
}

/// 64-bit FNV-1a of `bytes`: a change detector for the digest table, not a security hash.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Header of the digest table.
pub const DIGEST_HEADER: &str = "dir,province,counties,townships,cadres,bytes,fnv1a64";

/// The digest table's line for instance `inst` of province `dir`, whose file form is `json`.
pub fn digest_line(dir: &str, inst: &Instance, json: &str) -> String {
    format!(
        "{dir},{},{},{},{},{},{:016x}",
        inst.region.province.name,
        inst.region.counties.len(),
        inst.region.townships.len(),
        inst.cadres.len(),
        json.len(),
        fnv1a64(json.as_bytes())
    )
}
