//! The filed documents as printed: a city's workbook and its letters rendered to PDF by
//! LibreOffice (`soffice --headless --convert-to pdf`), read back with poppler's `pdfinfo` and
//! `pdftotext` (issue 11, item 6). Needs `scripts/setup.sh --office`; fails, saying so, without.

mod common;

use std::path::Path;
use std::process::Command;

use common::{fixture, solve};
use sanlian_files::{letters::letters, letters_docx, plan_xlsx};

fn require(tool: &str) {
    let found =
        Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success());
    assert!(found, "{tool} is missing: install LibreOffice and poppler with `scripts/setup.sh --office`");
}

/// `file` in `dir` rendered to PDF; the PDF's path.
fn to_pdf(dir: &Path, file: &str, bytes: &[u8]) -> std::path::PathBuf {
    require("soffice");
    std::fs::write(dir.join(file), bytes).unwrap();
    let profile = format!("-env:UserInstallation=file://{}", dir.join("lo-profile").display());
    let out = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(dir.join(file))
        .output()
        .expect("run soffice");
    let pdf = dir.join(Path::new(file).with_extension("pdf"));
    assert!(pdf.exists(), "soffice made no PDF of {file}: {}", String::from_utf8_lossy(&out.stderr));
    pdf
}

/// Each page's text, by `pdftotext -layout`.
fn pages(pdf: &Path) -> Vec<String> {
    require("pdftotext");
    let out = Command::new("pdftotext").arg("-layout").arg(pdf).arg("-").output().expect("run pdftotext");
    let text = String::from_utf8(out.stdout).expect("UTF-8 text");
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// (width, height) in points of every page, by `pdfinfo -f 1 -l N`.
fn page_sizes(pdf: &Path, n: usize) -> Vec<(f64, f64)> {
    require("pdfinfo");
    let out = Command::new("pdfinfo").args(["-f", "1", "-l", &n.to_string()]).arg(pdf).output().expect("run pdfinfo");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .map(|l| {
            let nums: Vec<f64> =
                l.split(':').nth(1).unwrap().split_whitespace().filter_map(|w| w.parse().ok()).take(2).collect();
            (nums[0], nums[1])
        })
        .collect()
}

/// A4 is 595 × 842 pt.
fn is_a4(w: f64, h: f64) -> bool {
    let near = |a: f64, b: f64| (a - b).abs() < 2.0;
    (near(w, 595.3) && near(h, 841.9)) || (near(w, 841.9) && near(h, 595.3))
}

#[test]
fn a_city_workbook_prints_on_landscape_pages_a_county_a_page() {
    let inst = fixture("shandong");
    let plan = solve(&inst);
    let dir = tempfile::tempdir().unwrap();
    let pdf = to_pdf(dir.path(), "dongying.xlsx", &plan_xlsx(&inst, &plan, Some("东营市")).unwrap());
    let pages = pages(&pdf);
    let groups: Vec<_> = plan.groups.iter().filter(|g| g.city == "370500").collect();
    let title = "团东营市委“三联四促”常态化下沉基层工作组名单";
    // 汇总 (one page for 东营市's 38 cadres), a page per county, 名册, 说明.
    let members: usize = groups.iter().map(|g| g.members.len()).sum();
    assert!(members <= 40, "the expectation below assumes 汇总 fits one page ({members} rows)");
    let expected = 1 + groups.len() + 1 + 1;
    assert_eq!(
        pages.len(),
        expected,
        "pages: {:#?}",
        pages.iter().map(|p| p.lines().find(|l| !l.trim().is_empty())).collect::<Vec<_>>()
    );
    for (w, h) in page_sizes(&pdf, pages.len()) {
        assert!(is_a4(w, h) && w > h, "a page of {w} × {h} pt is not A4 landscape");
    }
    assert!(pages[0].contains(title) && !pages[0].contains("工作组）"), "汇总 first, under the title");
    for (i, g) in groups.iter().enumerate() {
        let page = &pages[1 + i];
        assert!(
            page.contains(&format!("{title}（{}工作组）", g.county_name)),
            "page {} is {}'s sheet",
            i + 2,
            g.county_name
        );
        for header in ["序号", "组长", "集中下沉时段一", "每周工作日", "联系电话"] {
            assert!(page.contains(header), "{}'s page lacks the header {header}", g.county_name);
        }
        assert!(page.contains("（盖章）") || page.contains("盖章"), "{}'s page has the seal line", g.county_name);
        for id in &g.members {
            let c = inst.cadres.iter().find(|c| &c.id == id).unwrap();
            assert!(page.contains(&c.name), "{} is on {}'s page", c.name, g.county_name);
        }
    }
    assert!(pages[pages.len() - 2].contains("编号") && pages[pages.len() - 2].contains("所在县区"), "名册");
    let notes = &pages[pages.len() - 1];
    assert!(notes.contains("项目") && notes.contains("内容"), "说明's two columns print on one page");
    for other in plan.groups.iter().filter(|g| g.city != "370500") {
        assert!(
            !pages.iter().any(|p| p.contains(&format!("（{}工作组）", other.county_name))),
            "{} is not 东营市's",
            other.county_name
        );
    }
}

#[test]
fn letters_print_one_letter_from_the_top_of_a_page() {
    let inst = fixture("shandong");
    let plan = solve(&inst);
    let dir = tempfile::tempdir().unwrap();
    let ls = letters(&inst, &plan, Some("东营市")).unwrap();
    let pdf = to_pdf(dir.path(), "letters.docx", &letters_docx(&inst, &plan, Some("东营市")).unwrap());
    let pages = pages(&pdf);
    for (w, h) in page_sizes(&pdf, pages.len()) {
        assert!(is_a4(w, h) && h > w, "a page of {w} × {h} pt is not A4 portrait");
    }
    // Each letter opens a page; a group of up to 10 fits on it, a larger one runs onto one more.
    let openings: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.trim_start().starts_with("关于“三联四促”"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(openings.len(), ls.len(), "every letter starts a page");
    let expected: usize = ls.iter().map(|l| if l.rows.len() <= 10 { 1 } else { 2 }).sum();
    assert_eq!(
        pages.len(),
        expected,
        "{} letters of {:?} cadres",
        ls.len(),
        ls.iter().map(|l| l.rows.len()).collect::<Vec<_>>()
    );
    for (l, &at) in ls.iter().zip(&openings) {
        let end = openings.iter().find(|&&o| o > at).copied().unwrap_or(pages.len());
        let text: String = pages[at..end].concat();
        let to = l.to.trim_end_matches('：');
        assert!(text.contains(to), "the letter to {to}");
        assert!(text.contains("共青团东营市委") && text.contains("年") && text.contains("日"), "signed and dated");
    }
}
