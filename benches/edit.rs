//! Criterion benchmark: a planner's edit of the Shandong fixture's plan — checked and
//! answered at once (target ≤ 50 ms), the repair around it (target ≤ 0.5 s), and the top-5
//! alternatives for a cadre and for a county's leader (target ≤ 1 s each).

use criterion::{criterion_group, criterion_main, Criterion};
use sanlian_check::Rules;
use sanlian_explain::alternatives::{alternatives, Subject};
use sanlian_explain::edit::{apply_edit, apply_edits, repair_edit, Edit};
use sanlian_model::{Instance, Prepared};
use sanlian_solver::{solve, Outcome, SolveOptions};

fn bench(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/shandong/instance.json");
    let inst = Instance::from_json(&std::fs::read_to_string(path).expect("fixture")).expect("parses");
    let prep = Prepared::new(&inst).expect("valid");
    let Outcome::Planned(plan) = solve(&prep, &SolveOptions::default()).unwrap().outcome else { panic!("feasible") };
    // A province cadre who does not lead, moved to the first county of another group.
    let a = plan
        .assignments
        .iter()
        .find(|a| a.cadre.starts_with('P') && plan.groups.iter().all(|g| g.leader.as_ref() != Some(&a.cadre)))
        .expect("a province member");
    let there = plan.groups.iter().find(|g| g.county != a.county).expect("another group").county.clone();
    let edit = Edit::Move { cadre: a.cadre.clone(), county: there };
    let mut g = c.benchmark_group("shandong_edit");
    g.sample_size(20);
    g.bench_function("check_move", |b| {
        b.iter(|| {
            let rules = Rules::new(&inst).unwrap();
            apply_edit(&prep, &rules, &plan, &edit).unwrap()
        })
    });
    g.sample_size(10);
    g.bench_function("repair_move", |b| b.iter(|| repair_edit(&inst, &plan, &edit, &SolveOptions::default()).unwrap()));
    let cadre = Subject::Cadre(a.cadre.clone());
    g.bench_function("alternatives_cadre_top5", |b| {
        b.iter(|| alternatives(&inst, &plan, &cadre, 5, &SolveOptions::default()).unwrap())
    });
    let leader = Subject::Leader(plan.groups[0].county.clone());
    g.bench_function("alternatives_leader_top5", |b| {
        b.iter(|| alternatives(&inst, &plan, &leader, 5, &SolveOptions::default()).unwrap())
    });
    // The plan workbook with one row's 工作组 changed, read back as edits and answered.
    let book = sanlian_files::plan_xlsx(&inst, &plan, None).unwrap();
    let edited =
        moved_row(&book, &inst, &a.cadre, &plan.groups.iter().find(|g| g.county != a.county).unwrap().county_name);
    g.bench_function("workbook_edits", |b| {
        b.iter(|| {
            let read = sanlian_files::read_plan_edits(&edited, "plan.xlsx", &inst, &plan).unwrap();
            assert_eq!(read.edits.len(), 1);
            let edits: Vec<Edit> = read.edits.into_iter().map(|e| e.edit).collect();
            let rules = Rules::new(&inst).unwrap();
            apply_edits(&prep, &rules, &plan, &edits).unwrap()
        })
    });
    g.finish();
}

/// The 汇总 sheet of `book` as a one-sheet workbook, with cadre `id`'s 工作组 set to `county`.
fn moved_row(book: &[u8], inst: &Instance, id: &str, county: &str) -> Vec<u8> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(book.to_vec())).unwrap();
    let range = wb.worksheet_range("汇总").unwrap();
    let mut rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|d| d.to_string()).collect()).collect();
    let col = |h: &str| rows[1].iter().position(|x| x == h).unwrap();
    let (name, unit, group) = (col("姓名"), col("单位及职务"), col("工作组"));
    let c = inst.cadres.iter().find(|c| c.id == id).unwrap();
    let r = rows.iter().position(|r| r[name] == c.name && r[unit].starts_with(&c.unit)).unwrap();
    rows[r][group] = county.to_string();
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet();
    ws.set_name("汇总").unwrap();
    for (i, cells) in rows.iter().enumerate() {
        for (j, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(i as u32, j as u16, v).unwrap();
            }
        }
    }
    out.save_to_buffer().unwrap()
}

criterion_group!(benches, bench);
criterion_main!(benches);
