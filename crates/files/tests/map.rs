//! The SVG maps: one mark per county, coverage by year adding up to the plan's, XML escaped.

mod common;

use common::{fixture, solve};
use sanlian_files::map::{svg, svg_by_year};

/// The numbers after each label in the coverage-year titles.
fn counts(svg: &str, label: &str) -> usize {
    svg.split("<title>")
        .skip(1)
        .map(|t| {
            let after = &t[t.find(label).unwrap() + label.len()..];
            after.trim_start().chars().take_while(char::is_ascii_digit).collect::<String>().parse::<usize>().unwrap()
        })
        .sum()
}

#[test]
fn coverage_by_year_adds_up_to_the_plan() {
    for name in ["small", "shandong"] {
        let inst = fixture(name);
        let plan = solve(&inst);
        let s = svg_by_year(&inst, &plan);
        assert!(s.starts_with("<svg") && s.trim_end().ends_with("</svg>"));
        assert_eq!(s.matches("<title>").count(), inst.region.counties.len(), "one pie per county");
        assert_eq!(counts(&s, "第一年"), plan.coverage.year1);
        assert_eq!(counts(&s, "第一年") + counts(&s, "第二年新覆盖"), plan.coverage.total);
        assert_eq!(counts(&s, "未覆盖"), plan.coverage.townships - plan.coverage.total);
        for legend in ["乡镇覆盖年度", "第一年（2027）覆盖", "第二年（2028）覆盖", "未覆盖"] {
            assert!(s.contains(legend), "{legend}");
        }
        assert!(s.contains("#4e79a7") && s.contains("#f28e2b"), "both years' colours are drawn");
    }
}

#[test]
fn both_maps_escape_xml() {
    let mut inst = fixture("small");
    let plan = solve(&inst);
    inst.name = "东营<测试> & \"引号\"".into();
    inst.region.counties[0].name = "东营<区>".into();
    for s in [svg(&inst, &plan), svg_by_year(&inst, &plan)] {
        assert!(s.contains("东营&lt;测试&gt; &amp; &quot;引号&quot;"), "{s}");
        assert!(!s.contains("<测试>") && !s.contains("<区>"));
    }
    assert!(svg_by_year(&inst, &plan).contains("东营&lt;区&gt;"));
}
