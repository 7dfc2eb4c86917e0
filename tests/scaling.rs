//! Preparation grows at most linearly with the input (issue 10): validation, the solver's
//! reading of the rules (`Prepared`), the certificates and the checker's reading take at most
//! about ten times as long on a ten times larger roster, with every list at its limit.
//! Wall-clock ratios, not absolute times: each figure is the best of five runs.

use std::time::{Duration, Instant};

use sanlian_model::validate::SIZES;
use sanlian_model::{Instance, PlanMode, Prepared};

fn shandong() -> Instance {
    let path = format!("{}/fixtures/shandong/instance.json", env!("CARGO_MANIFEST_DIR"));
    Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The Shandong instance with its roster repeated `times` over (new ids), every cadre with
/// the most strengths and every township with the most needs.
fn scaled(times: usize) -> Instance {
    let mut inst = shandong();
    let base = inst.cadres.clone();
    inst.cadres.clear();
    for r in 0..times {
        for c in &base {
            let mut c = c.clone();
            c.id = format!("{}-{r}", c.id);
            c.strengths = (0..SIZES.tags).map(|i| format!("tag{}", (i + r) % 100)).collect();
            inst.cadres.push(c);
        }
    }
    for t in &mut inst.region.townships {
        t.needs = (0..SIZES.tags).map(|i| format!("tag{}", i * 3 % 100)).collect();
    }
    inst
}

fn best(f: &dyn Fn()) -> Duration {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
fn preparation_is_near_linear_in_the_roster() {
    let (small, large) = (scaled(1), scaled(10));
    type Stage = (&'static str, fn(&Instance));
    let stages: [Stage; 4] = [
        ("validate", |i| assert!(i.validate().is_ok())),
        ("prepare", |i| {
            let p = Prepared::new(i).unwrap();
            // S2's coefficients: every cadre against the townships of its first county.
            let n: usize = (0..p.n_cadres())
                .map(|c| p.townships_of[p.eligible[c][0]].iter().map(|&t| p.matches(c, t)).sum::<usize>())
                .sum();
            assert!(n > 0);
        }),
        ("certificates", |i| {
            let p = Prepared::new(i).unwrap();
            let _ = sanlian_solver::certificate::find(&p, PlanMode::Strict);
        }),
        ("checker's reading", |i| {
            let r = sanlian_check::Rules::new(i).unwrap();
            let n: usize = (0..r.n_cadres())
                .map(|c| r.townships_of[r.eligible[c][0]].iter().map(|&t| r.matches(c, t)).sum::<usize>())
                .sum();
            assert!(n > 0);
        }),
    ];
    for (name, stage) in stages {
        let (a, b) = (best(&|| stage(&small)), best(&|| stage(&large)));
        let ratio = b.as_secs_f64() / a.as_secs_f64().max(1e-6);
        eprintln!("{name}: {a:?} for 1,035 cadres, {b:?} for 10,350 (×{ratio:.1})");
        assert!(ratio <= 20.0, "{name} grows faster than the input: ×{ratio:.1} ({a:?} → {b:?})");
    }
}
