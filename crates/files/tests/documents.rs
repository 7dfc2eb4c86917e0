//! The documents of an approved plan: the budget per dispatching unit against an independent
//! reading of the cost model (PLANNING_RULES §4, work plan §五), its workbook read back, the
//! 报到 lists and the letters' 报到 paragraph, and the scope of a city or a county.

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::{fixture, solve};
use sanlian_files::budget::{budget, yuan_text, Budget, SHEET_HEADERS, SUMMARY_HEADERS};
use sanlian_files::checkin::{checkin_lists, day_text, is_working_day, report_day};
use sanlian_files::letters::letters_in;
use sanlian_files::{budget_xlsx, FilesError, Scope};
use sanlian_model::{Instance, Mode, Plan};

/// Great-circle km, written here from the formula (R = 6371.0 km), not taken from the model.
fn haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// Days of a calendar month.
fn month_days(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// (travel, stay) of every cadre in yuan, recomputed from the instance and the plan's
/// decisions alone: road km from the coordinates, trips from the modes and block counts,
/// days from the months.
fn recomputed(inst: &Instance, plan: &Plan) -> BTreeMap<String, (f64, f64, u32)> {
    let p = &inst.parameters;
    plan.assignments
        .iter()
        .map(|a| {
            let c = inst.cadres.iter().find(|c| c.id == a.cadre).unwrap();
            let k = inst.region.counties.iter().find(|k| k.code == a.county).unwrap();
            let km = haversine((c.base.lat, c.base.lon), (k.seat.lat, k.seat.lon)) * p.road_factor;
            let mut trips = 0.0;
            let mut days = 0;
            for y in &a.years {
                let blocks = y.blocks.len() as f64;
                trips += blocks * f64::from(p.trips_per_month);
                if c.mode() != Mode::Blocks {
                    trips += p.weeks_per_year - 4.3 * blocks;
                }
                for b in &y.blocks {
                    let (year, month) = b.month.split_once('-').unwrap();
                    days += month_days(year.parse().unwrap(), month.parse().unwrap());
                }
            }
            let travel = trips * 2.0 * km * p.fare_per_km;
            let stay = f64::from(days) * (p.lodging_per_day + p.meal_per_day);
            (c.id.clone(), (travel, stay, days))
        })
        .collect()
}

/// Every sum of `b` is the sum of what it sums.
fn assert_sums(b: &Budget) {
    for u in &b.units {
        assert_eq!(u.travel, u.rows.iter().map(|r| r.travel).sum::<i64>(), "{}: travel", u.unit);
        assert_eq!(u.stay, u.rows.iter().map(|r| r.stay).sum::<i64>(), "{}: stay", u.unit);
        assert_eq!(u.total, u.travel + u.stay, "{}: total", u.unit);
        for r in &u.rows {
            assert_eq!(r.total, r.travel + r.stay, "{}", r.name);
            assert!((r.round_trips - r.block_trips - r.weekly_trips).abs() < 1e-9, "{}: trips", r.name);
        }
    }
    assert_eq!(b.travel, b.units.iter().map(|u| u.travel).sum::<i64>());
    assert_eq!(b.stay, b.units.iter().map(|u| u.stay).sum::<i64>());
    assert_eq!(b.total, b.travel + b.stay);
}

#[test]
fn the_budget_adds_up_and_equals_the_cost_model_recomputed() {
    let inst = fixture("small");
    let plan = solve(&inst);
    let b = budget(&inst, &plan, &Scope::all()).unwrap();
    assert_sums(&b);
    let expected = recomputed(&inst, &plan);
    let rows: Vec<_> = b.units.iter().flat_map(|u| u.rows.iter().map(move |r| (u, r))).collect();
    assert_eq!(rows.len(), inst.cadres.len(), "every cadre once");
    assert!(b.travel > 0 && b.stay > 0);
    for (u, r) in &rows {
        let c = inst.cadres.iter().find(|c| c.id == r.cadre).unwrap();
        assert_eq!(c.unit, u.unit, "{} is budgeted under its own dispatching unit", c.name);
        let (travel, stay, days) = expected[&r.cadre];
        assert!((r.travel as f64 / 100.0 - travel).abs() <= 0.005 + 1e-9, "{}: {} against {travel}", c.name, r.travel);
        assert!((r.stay as f64 / 100.0 - stay).abs() <= 0.005 + 1e-9, "{}: {} against {stay}", c.name, r.stay);
        assert_eq!(r.stay_days, days, "{}", c.name);
        // At most two round trips per block month (§五).
        assert!(r.block_trips <= 2.0 * f64::from(r.block_months) + 1e-9);
        if c.mode() == Mode::Weekly {
            assert_eq!((r.block_months, r.stay), (0, 0), "{}: 4+1 only, no stay", c.name);
        }
    }
    // The totals are the plan's (which the checker recomputes), within a fen per row.
    let n = rows.len() as f64 * 0.005;
    assert!((b.travel as f64 / 100.0 - plan.costs.travel).abs() <= n, "{} vs {}", b.travel, plan.costs.travel);
    assert!((b.stay as f64 / 100.0 - plan.costs.stay).abs() <= n);
    for u in &b.units {
        let reported = plan.costs.units.iter().find(|x| x.unit == u.unit).unwrap();
        assert_eq!(reported.cadres, u.rows.len(), "{}", u.unit);
        assert!((u.travel as f64 / 100.0 - reported.travel).abs() <= u.rows.len() as f64 * 0.005, "{}", u.unit);
    }
    // Units: province, city, county, universities, enterprises.
    let levels: Vec<usize> =
        b.units.iter().map(|u| sanlian_model::Level::ALL.iter().position(|l| *l == u.level).unwrap()).collect();
    assert!(levels.windows(2).all(|w| w[0] <= w[1]), "{levels:?}");
    // The notes name the rules and the parameters in force.
    let notes = b.notes.join("\n");
    for needle in ["每月 2 次", "每月不超过2次", "1.3", "0.6", "350", "100", "43 周", "4.3", "lodging_per_day"]
    {
        assert!(notes.contains(needle), "the notes say {needle}: {notes}");
    }
}

#[test]
fn the_budget_follows_the_parameters_in_force() {
    let mut inst = fixture("small");
    inst.parameters.lodging_per_day = 200.0;
    inst.parameters.meal_per_day = 80.0;
    inst.parameters.fare_per_km = 0.9;
    let plan = solve(&inst);
    let b = budget(&inst, &plan, &Scope::all()).unwrap();
    assert_sums(&b);
    let expected = recomputed(&inst, &plan);
    for r in b.units.iter().flat_map(|u| &u.rows) {
        assert_eq!(r.stay, i64::from(r.stay_days) * 280 * 100, "{}", r.name);
        assert!((r.travel as f64 / 100.0 - expected[&r.cadre].0).abs() <= 0.005 + 1e-9);
    }
    assert!(b.notes.iter().any(|n| n.contains("住宿 200 元 + 伙食补助 80 元") && n.contains("驻点费")));
    assert!(b.notes.iter().any(|n| n.contains("每公里 0.9 元")));
}

/// Cell (row, col) of a sheet as a number.
fn number(range: &calamine::Range<Data>, row: u32, col: u32) -> f64 {
    match range.get_value((row, col)) {
        Some(Data::Float(x)) => *x,
        Some(Data::Int(x)) => *x as f64,
        other => panic!("({row}, {col}) is {other:?}, not a number"),
    }
}

fn text(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    range.get_value((row, col)).map(|d| d.to_string()).unwrap_or_default()
}

#[test]
fn the_budget_workbook_reads_back_with_its_formulas() {
    let inst = fixture("shandong");
    let plan = solve(&inst);
    let scope = Scope::new(&inst.region, Some("东营"), None).unwrap();
    let b = budget(&inst, &plan, &scope).unwrap();
    assert_sums(&b);
    let bytes = budget_xlsx(&inst, &plan, &scope).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names.first().map(String::as_str), Some("汇总"));
    assert_eq!(names.last().map(String::as_str), Some("测算依据"));
    assert_eq!(names.len(), b.units.len() + 2, "{names:?}");

    let summary = wb.worksheet_range("汇总").unwrap();
    assert_eq!(text(&summary, 0, 0), b.title);
    for (c, h) in SUMMARY_HEADERS.iter().enumerate() {
        assert_eq!(text(&summary, 2, c as u32), *h);
    }
    for (i, u) in b.units.iter().enumerate() {
        let r = 3 + i as u32;
        assert_eq!(text(&summary, r, 1), u.unit);
        assert_eq!(number(&summary, r, 3), u.rows.len() as f64);
        assert_eq!(number(&summary, r, 6), u.total as f64 / 100.0);
    }
    let total = 3 + b.units.len() as u32;
    assert_eq!(text(&summary, total, 0), "合计");
    assert_eq!(number(&summary, total, 4), b.travel as f64 / 100.0);
    assert_eq!(number(&summary, total, 6), b.total as f64 / 100.0);

    let basis = wb.worksheet_range("测算依据").unwrap();
    let p = &plan.parameters;
    assert_eq!(number(&basis, 1, 1), p.fare_per_km);
    assert_eq!(number(&basis, 2, 1), f64::from(p.trips_per_month));
    assert_eq!((number(&basis, 3, 1), number(&basis, 4, 1)), (p.lodging_per_day, p.meal_per_day));

    for (u, name) in b.units.iter().zip(&names[1..]) {
        let ws = wb.worksheet_range(name).unwrap();
        let formulas = wb.worksheet_formula(name).unwrap();
        for (c, h) in SHEET_HEADERS.iter().enumerate() {
            assert_eq!(text(&ws, 2, c as u32), *h);
        }
        for (i, r) in u.rows.iter().enumerate() {
            let row = 3 + i as u32;
            assert_eq!(text(&ws, row, 1), r.name);
            let (km, trips) = (number(&ws, row, 7), number(&ws, row, 10));
            let travel = number(&ws, row, 11);
            // The stored value is what the formula gives on the row's own cells.
            let by_formula = (trips * 2.0 * km * p.fare_per_km * 100.0).round() / 100.0;
            assert!((travel - by_formula).abs() < 1e-9, "{}: {travel} vs {by_formula}", r.name);
            assert_eq!(travel, r.travel as f64 / 100.0);
            let days = number(&ws, row, 12);
            assert_eq!(number(&ws, row, 13), days * (p.lodging_per_day + p.meal_per_day));
            assert_eq!(number(&ws, row, 14), r.total as f64 / 100.0);
            let n = row + 1;
            let f = |c: u32| formulas.get_value((row, c)).cloned().unwrap_or_default();
            assert_eq!(f(8), format!("F{n}*'测算依据'!$B$3"));
            assert_eq!(f(11), format!("ROUND(K{n}*2*H{n}*'测算依据'!$B$2,2)"));
            assert_eq!(f(13), format!("ROUND(M{n}*('测算依据'!$B$4+'测算依据'!$B$5),2)"));
        }
        let sub = 3 + u.rows.len() as u32;
        assert_eq!(text(&ws, sub, 0), "小计");
        assert_eq!(number(&ws, sub, 14), u.total as f64 / 100.0);
        assert!(text(&ws, sub + 2, 0).starts_with("计算公式"), "{name}: the formula under the table");
    }
}

#[test]
fn a_city_budget_holds_the_cadres_of_its_groups_only() {
    let inst = fixture("shandong");
    let plan = solve(&inst);
    let dongying: Vec<&str> =
        plan.groups.iter().filter(|g| g.city == "370500").flat_map(|g| g.members.iter().map(String::as_str)).collect();
    let b = budget(&inst, &plan, &Scope::new(&inst.region, Some("370500"), None).unwrap()).unwrap();
    assert_sums(&b);
    let mut ids: Vec<&str> = b.units.iter().flat_map(|u| u.rows.iter().map(|r| r.cadre.as_str())).collect();
    ids.sort_unstable();
    let mut want = dongying.clone();
    want.sort_unstable();
    assert_eq!(ids, want);
    assert!(b.title.starts_with("团东营市委") && b.subtitle.contains("东营市"));
    // One county: that group's cadres, the county in the subtitle.
    let k = Scope::new(&inst.region, None, Some("370502")).unwrap();
    let one = budget(&inst, &plan, &k).unwrap();
    let members = &plan.groups.iter().find(|g| g.county == "370502").unwrap().members;
    assert_eq!(one.units.iter().map(|u| u.rows.len()).sum::<usize>(), members.len());
    assert!(one.subtitle.contains("东营区工作组"), "{}", one.subtitle);
    assert_eq!(yuan_text(123_456_789), "1,234,567.89");
    assert_eq!(yuan_text(5), "0.05");
}

#[test]
fn every_member_reports_on_a_working_day_at_the_county_organisation_department() {
    let inst = fixture("small");
    let plan = solve(&inst);
    let lists = checkin_lists(&inst, &plan, &Scope::all());
    let letters = letters_in(&inst, &plan, &Scope::all());
    assert_eq!(lists.len(), plan.groups.len());
    for ((l, letter), g) in lists.iter().zip(&letters).zip(&plan.groups) {
        assert_eq!(l.county, g.county);
        assert_eq!(l.rows.len(), g.members.len());
        assert!(l.title.starts_with(&g.county_name) && l.title.ends_with("报到名单"));
        assert_eq!(format!("{}：", l.place), letter.to, "the letter goes where the group reports");
        let leader = inst.cadres.iter().find(|c| Some(&c.id) == g.leader.as_ref()).unwrap();
        assert!(l.leader.starts_with(&leader.name));
        assert_eq!(l.rows[0][1], leader.name, "the leader first, as in the letter");
        let mut earliest = None;
        for (row, day) in l.rows.iter().zip(&l.days) {
            let c = inst.cadres.iter().find(|c| c.name == row[1]).unwrap();
            let a = plan.assignments.iter().find(|a| a.cadre == c.id).unwrap();
            let day = day.expect("every cadre is on site some day");
            assert_eq!(Some(day), report_day(&plan.parameters, c, &a.years));
            assert!(is_working_day(day.day), "{}: {}", c.name, day.day);
            assert!(row[5].starts_with(&day_text(day.day)), "{row:?}");
            assert_eq!(row[2], c.level.zh());
            assert!(row[6].is_empty(), "签到 is left to sign");
            // On site that day: inside a block, or the cadre's weekday.
            let in_block =
                a.years.iter().flat_map(|y| &y.blocks).any(|b| b.first_day <= day.day && day.day <= b.last_day);
            let weekly = a.years.iter().any(|y| y.weekday == Some(chrono::Datelike::weekday(&day.day)));
            assert!(in_block || weekly, "{} is on site on {}", c.name, day.day);
            // No block lies wholly before it.
            assert!(a.years.iter().flat_map(|y| &y.blocks).all(|b| b.last_day >= day.day), "{}", c.name);
            earliest = Some(earliest.map_or(day.day, |e: chrono::NaiveDate| e.min(day.day)));
        }
        let paragraph = letter.body.iter().find(|p| p.contains("组织部报到")).expect("the letter's 报到 paragraph");
        assert!(paragraph.contains(&l.place), "{paragraph}");
        assert!(paragraph.contains(&day_text(earliest.unwrap())), "{paragraph}");
    }
}

#[test]
fn a_scope_is_a_city_or_a_county_of_the_region() {
    let inst = fixture("shandong");
    let r = &inst.region;
    assert_eq!(Scope::new(r, Some("东营"), None).unwrap().city().unwrap().code, "370500");
    let k = Scope::new(r, None, Some("370502")).unwrap();
    assert_eq!((k.city().unwrap().code.as_str(), k.county().unwrap().name.as_str()), ("370500", "东营区"));
    assert_eq!(k.name(r), "东营市东营区");
    assert_eq!(Scope::new(r, Some("济南"), Some("市中区")).unwrap().county().unwrap().code, "370103");
    assert_eq!(Scope::new(r, Some("北京"), None).unwrap_err(), FilesError::UnknownCity("北京".into()));
    assert_eq!(Scope::new(r, None, Some("999999")).unwrap_err(), FilesError::UnknownCounty("999999".into()));
    assert!(matches!(Scope::new(r, None, Some("市中区")), Err(FilesError::AmbiguousCounty(..))));
    assert!(matches!(Scope::new(r, Some("东营"), Some("370102")), Err(FilesError::CountyOutsideCity { .. })));
}
