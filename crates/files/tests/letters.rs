//! The letters to the counties (函告): one per county group, only the city's when filtered,
//! every cadre of the group listed, and a Word document that holds exactly those letters.

mod common;

use std::io::Read;

use common::{fixture, solve};
use sanlian_files::letters::{letters, COLUMNS};
use sanlian_files::{letters_docx, FilesError};

/// The text of word/document.xml inside a .docx.
fn document_xml(docx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a .docx is a ZIP archive");
    let mut xml = String::new();
    zip.by_name("word/document.xml").expect("word/document.xml").read_to_string(&mut xml).expect("UTF-8");
    xml
}

#[test]
fn a_letter_per_county_group_with_every_member() {
    let inst = fixture("small");
    let plan = solve(&inst);
    let all = letters(&inst, &plan, None).unwrap();
    assert_eq!(all.len(), plan.groups.len());
    for (l, g) in all.iter().zip(&plan.groups) {
        assert_eq!(l.county, g.county);
        assert!(l.title.contains(&g.county_name) && l.title.ends_with("开展工作的函"), "{}", l.title);
        assert!(l.to.starts_with("中共") && l.to.ends_with("委组织部："), "{}", l.to);
        assert_eq!(l.rows.len(), g.members.len(), "every member of {} is listed", g.county_name);
        let leader = inst.cadres.iter().find(|c| Some(&c.id) == g.leader.as_ref()).unwrap();
        assert_eq!(l.rows[0][1], format!("{}（组长）", leader.name), "the leader comes first");
        assert!(l.body[0].contains(&format!("由{}", leader.name)), "{}", l.body[0]);
        assert!(l.body[0].contains(&format!("共 {} 人", g.members.len())), "{}", l.body[0]);
        for (k, row) in l.rows.iter().enumerate() {
            assert_eq!(row[0], (k + 1).to_string());
            assert!(row[3] != "—" || row[4] != "—", "a township in at least one year: {row:?}");
        }
        let city = inst.region.cities.iter().find(|c| c.code == g.city).unwrap();
        assert_eq!(l.from, format!("共青团{}委", city.name));
    }
}

#[test]
fn a_city_gets_its_own_letters_only() {
    let inst = fixture("shandong");
    let plan = solve(&inst);
    let dongying: Vec<_> = plan.groups.iter().filter(|g| g.city == "370500").collect();
    assert!(!dongying.is_empty());
    for key in ["370500", "东营市", "东营"] {
        let ls = letters(&inst, &plan, Some(key)).unwrap();
        assert_eq!(
            ls.iter().map(|l| l.county.as_str()).collect::<Vec<_>>(),
            dongying.iter().map(|g| g.county.as_str()).collect::<Vec<_>>()
        );
        assert!(ls.iter().all(|l| l.city == "370500" && l.from == "共青团东营市委"));
    }
    // A district's committee carries its city's name; a county's does not.
    let ls = letters(&inst, &plan, Some("东营市")).unwrap();
    let dongying_qu = ls.iter().find(|l| l.county == "370502").expect("东营区 has a group");
    assert_eq!(dongying_qu.to, "中共东营市东营区委组织部：");
    if let Some(lijin) = ls.iter().find(|l| l.county == "370522") {
        assert_eq!(lijin.to, "中共利津县委组织部：");
    }

    let xml = document_xml(&letters_docx(&inst, &plan, Some("东营市")).unwrap());
    for g in &plan.groups {
        let title = format!("工作组到{}开展工作的函", g.county_name);
        assert_eq!(xml.contains(&title), g.city == "370500", "{} in 东营市's letters", g.county_name);
    }
    for (header, _) in COLUMNS {
        assert!(xml.contains(header), "the list's header {header}");
    }
    let pages = xml.matches("<w:pageBreakBefore").count();
    assert_eq!(pages, dongying.len() - 1, "a letter a page");
    for g in &dongying {
        for id in &g.members {
            let c = inst.cadres.iter().find(|c| &c.id == id).unwrap();
            assert!(xml.contains(&c.name), "{} of {} is in the letters", c.name, g.county_name);
        }
    }
    assert_eq!(letters(&inst, &plan, Some("379900")), Err(FilesError::UnknownCity("379900".into())));
}
