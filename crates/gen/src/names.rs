//! Synthetic Chinese-looking personal names (pseudonyms), unique per roster.

use std::collections::BTreeSet;

use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾",
    "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎", "孔", "孟", "颜", "曲", "毕", "房", "牟",
    "逄", "鞠", "隋",
];

const GIVEN: &[&str] = &[
    "明", "远", "志", "华", "建", "国", "伟", "军", "峰", "磊", "洋", "勇", "杰", "涛", "斌", "超", "鹏", "辉", "刚",
    "健", "文", "博", "宇", "浩", "晨", "昊", "鑫", "凯", "帆", "凡", "秀", "丽", "静", "敏", "燕", "霞", "娜", "婷",
    "雪", "琳", "慧", "颖", "倩", "璐", "蕾", "欣", "悦", "彤", "瑶", "佳", "晓", "海", "春", "秋", "立", "振", "德",
    "善", "安", "宁", "新", "东", "泉", "山", "岳", "川", "雨", "晴", "阳", "光", "锋", "楠", "然", "清", "宏", "亮",
    "成", "青", "云", "航",
];

/// Hands out names that are not yet used.
pub(crate) struct NameBook {
    used: BTreeSet<String>,
}

impl NameBook {
    pub(crate) fn new() -> NameBook {
        NameBook { used: BTreeSet::new() }
    }

    /// A fresh name: surname plus one or (mostly) two given-name characters.
    pub(crate) fn next(&mut self, rng: &mut ChaCha8Rng) -> String {
        loop {
            let mut name = String::from(*SURNAMES.choose(rng).expect("non-empty"));
            let len = if rng.random_bool(0.75) { 2 } else { 1 };
            for _ in 0..len {
                name.push_str(GIVEN.choose(rng).expect("non-empty"));
            }
            if self.used.insert(name.clone()) {
                return name;
            }
        }
    }
}
