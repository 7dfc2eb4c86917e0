//! Criterion benchmark: a planner's edit of the Shandong fixture's plan — checked and
//! answered at once (target ≤ 50 ms), the repair around it (target ≤ 0.5 s), and the top-5
//! alternatives for a cadre and for a county's leader (target ≤ 1 s each).

use criterion::{criterion_group, criterion_main, Criterion};
use sanlian_check::Rules;
use sanlian_explain::alternatives::{alternatives, Subject};
use sanlian_explain::edit::{apply_edit, repair_edit, Edit};
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
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
