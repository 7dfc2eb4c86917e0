//! The filed documents as printed: a city's workbook, its letters, 报到 lists and budget
//! rendered to PDF by LibreOffice (`soffice --headless --convert-to pdf`), read back with
//! poppler's `pdfinfo`, `pdftotext` and `pdffonts` (issue 11, item 6; issue 13, item 5). Needs
//! `scripts/setup.sh --office`; fails, saying so, without.

mod common;

use std::path::Path;
use std::process::Command;

use common::{fixture, solve};
use sanlian_files::budget::{budget, yuan_text};
use sanlian_files::checkin::{checkin_lists, day_text};
use sanlian_files::{budget_docx, checkin_docx, letters::letters, letters_docx, plan_xlsx, Scope};

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

/// The fonts a PDF embeds, by `pdffonts`.
fn fonts(pdf: &Path) -> String {
    require("pdffonts");
    let out = Command::new("pdffonts").arg(pdf).output().expect("run pdffonts");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A page's text without the spaces `pdftotext` puts between Chinese and digits.
fn squeezed(page: &str) -> String {
    page.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn a_citys_letters_and_checkin_lists_print_a_county_group_a_page_in_a_cjk_font() {
    let inst = fixture("shandong");
    let plan = solve(&inst);
    // 潍坊市: twelve groups of 5 to 8, each letter and list one page.
    let scope = Scope::new(&inst.region, Some("370700"), None).unwrap();
    let groups: Vec<_> = plan.groups.iter().filter(|g| scope.holds(g)).collect();
    assert!(groups.len() > 5 && groups.iter().all(|g| g.members.len() <= 10), "a page per group holds up to 10");
    let dir = tempfile::tempdir().unwrap();
    let letters_pdf =
        to_pdf(dir.path(), "letters.docx", &sanlian_files::letters::letters_docx_in(&inst, &plan, &scope).unwrap());
    let checkin_pdf = to_pdf(dir.path(), "checkin.docx", &checkin_docx(&inst, &plan, &scope).unwrap());
    let lists = checkin_lists(&inst, &plan, &scope);
    for pdf in [&letters_pdf, &checkin_pdf] {
        let pages = pages(pdf);
        assert_eq!(pages.len(), groups.len(), "{}: a page per county group", pdf.display());
        for (w, h) in page_sizes(pdf, pages.len()) {
            assert!(is_a4(w, h) && h > w, "a page of {w} × {h} pt is not A4 portrait");
        }
        let fonts = fonts(pdf);
        assert!(fonts.contains("NotoSerifCJK"), "{}: set in Noto Serif CJK:\n{fonts}", pdf.display());
        assert!(!fonts.contains("NotoSansCJK"), "{}: no fallback to another CJK font:\n{fonts}", pdf.display());
        for ((page, g), list) in pages.iter().zip(&groups).zip(&lists) {
            let text = squeezed(page);
            let leader = inst.cadres.iter().find(|c| Some(&c.id) == g.leader.as_ref()).unwrap();
            assert!(text.contains(&g.county_name), "{}'s page names it", g.county_name);
            assert!(text.contains(&leader.name), "{}'s page names its leader {}", g.county_name, leader.name);
            assert!(
                text.contains(&format!("{}报到", list.place)) || text.contains(&format!("报到地点：{}", list.place)),
                "{}'s page says where to report: {text}",
                g.county_name
            );
            let first = list.days.iter().flatten().map(|r| r.day).min().unwrap();
            assert!(text.contains(&day_text(first)), "{}'s page gives the group's first 报到 day", g.county_name);
        }
    }
    // The lists: every member with a 报到 date, a column to sign.
    for (page, list) in pages(&checkin_pdf).iter().zip(&lists) {
        let text = squeezed(page);
        assert!(text.contains("签到") && text.contains("报到日期") && text.contains("经办人"));
        for row in &list.rows {
            assert!(text.contains(&row[1]), "{} on the list", row[1]);
            for line in row[5].lines() {
                assert!(text.contains(&squeezed(line)), "{}'s date {}", row[1], row[5]);
            }
        }
    }
}

#[test]
fn a_checkin_list_of_the_largest_group_still_fits_its_page() {
    let inst = fixture("shandong");
    let plan = solve(&inst);
    let scope = Scope::new(&inst.region, Some("济南"), None).unwrap();
    let groups: Vec<_> = plan.groups.iter().filter(|g| scope.holds(g)).collect();
    let largest = groups.iter().map(|g| g.members.len()).max().unwrap();
    assert!(largest >= 15, "济南市 has a large group ({largest})");
    let dir = tempfile::tempdir().unwrap();
    let pdf = to_pdf(dir.path(), "checkin.docx", &checkin_docx(&inst, &plan, &scope).unwrap());
    let pages = pages(&pdf);
    assert_eq!(pages.len(), groups.len(), "a page per group, the group of {largest} included");
    for (page, g) in pages.iter().zip(&groups) {
        let text = squeezed(page);
        assert!(text.starts_with(&format!("{}“三联四促”工作组报到名单", g.county_name)), "{text}");
        assert!(text.contains("经办人"), "{}'s page ends with the signature line", g.county_name);
    }
}

#[test]
fn a_citys_budget_prints_its_units_and_totals() {
    let inst = fixture("shandong");
    let plan = solve(&inst);
    let scope = Scope::new(&inst.region, Some("东营市"), None).unwrap();
    let b = budget(&inst, &plan, &scope).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = to_pdf(dir.path(), "budget.docx", &budget_docx(&inst, &plan, &scope).unwrap());
    let pages = pages(&pdf);
    for (w, h) in page_sizes(&pdf, pages.len()) {
        assert!(is_a4(w, h) && w > h, "a page of {w} × {h} pt is not A4 landscape");
    }
    assert!(fonts(&pdf).contains("NotoSerifCJK"));
    // The first page: the units and the total, the basis; then a page (or more) per unit.
    let first = squeezed(&pages[0]);
    assert!(first.contains("经费测算表") && first.contains("测算依据") && first.contains(&yuan_text(b.total)));
    for u in &b.units {
        assert!(first.contains(&u.unit) && first.contains(&yuan_text(u.total)), "{} on the first page", u.unit);
    }
    assert!(pages.len() > b.units.len(), "{} pages for {} units", pages.len(), b.units.len());
    for u in &b.units {
        let at = pages.iter().position(|p| squeezed(p).contains(&format!("{}下沉干部经费测算明细", u.unit))).unwrap();
        let text: String = pages[at..].iter().map(|p| squeezed(p)).collect();
        assert!(text.contains("计算公式"), "{}: the formula", u.unit);
        for r in &u.rows {
            assert!(text.contains(&r.name) && text.contains(&yuan_text(r.total)), "{} of {}", r.name, u.unit);
        }
    }
}
