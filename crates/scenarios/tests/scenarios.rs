//! Scenario sweeps on the small fixture: variants are deterministic and named,
//! bad specs are refused with the place and the reason, and the rows agree
//! with single solves of the same instances.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use sanlian_model::{Instance, Level, Mode, PlanMode, Prepared};
use sanlian_scenarios::{chart_svg, run, to_csv, to_json, variants, Row, Spec, SpecError, Variant};
use sanlian_solver::{solve, Outcome, SolveOptions};

fn small() -> &'static Instance {
    static I: OnceLock<Instance> = OnceLock::new();
    I.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/small/instance.json");
        Instance::from_json(&std::fs::read_to_string(path).expect("fixture")).expect("parses")
    })
}

fn spec(json: &str) -> Spec {
    Spec::from_json(json).unwrap_or_else(|e| panic!("{e}"))
}

fn err(json: &str) -> SpecError {
    match Spec::from_json(json) {
        Err(e) => e,
        Ok(s) => variants(small(), &s).expect_err("the spec should be refused"),
    }
}

const ALL_KINDS: &str = r#"{
  "name": "all kinds",
  "seed": 7,
  "sweeps": [
    {"kind": "province_cadres", "from": 0, "to": 8, "step": 4},
    {"kind": "remove_city_seniors"},
    {"kind": "unavailable_share", "values": [0.25, 0.5, 1]},
    {"kind": "department_share", "from": 0.1, "to": 0.3, "step": 0.1},
    {"kind": "nearby_km", "values": [40, 120]},
    {"kind": "parameter", "name": "max_cadres_per_township_year", "values": [1, 3]}
  ]
}"#;

fn province_ids(inst: &Instance) -> Vec<&str> {
    inst.cadres.iter().filter(|c| c.level == Level::Province).map(|c| c.id.as_str()).collect()
}

#[test]
fn variants_are_deterministic_and_named() {
    let base = small();
    let s = spec(ALL_KINDS);
    let a = variants(base, &s).unwrap();
    let b = variants(base, &s).unwrap();
    assert_eq!(a, b);
    let names: Vec<(String, String, f64)> = a.iter().map(|v| (v.sweep.clone(), v.parameter.clone(), v.value)).collect();
    let expect = |sweep: &str, parameter: &str, value: f64| (sweep.to_string(), parameter.to_string(), value);
    assert_eq!(
        names,
        vec![
            expect("province_cadres", "province_cadres", 0.0),
            expect("province_cadres", "province_cadres", 4.0),
            expect("province_cadres", "province_cadres", 8.0),
            expect("remove_city_seniors", "370500 东营市", 3.0),
            expect("unavailable_share", "unavailable_share", 0.25),
            expect("unavailable_share", "unavailable_share", 0.5),
            expect("unavailable_share", "unavailable_share", 1.0),
            expect("department_share", "max_department_away_share", 0.1),
            expect("department_share", "max_department_away_share", 0.2),
            expect("department_share", "max_department_away_share", 0.3),
            expect("nearby_km", "nearby_km", 40.0),
            expect("nearby_km", "nearby_km", 120.0),
            expect("max_cadres_per_township_year", "max_cadres_per_township_year", 1.0),
            expect("max_cadres_per_township_year", "max_cadres_per_township_year", 3.0),
        ]
    );
    // Instance names say which variant they are; all names differ.
    let inames: BTreeSet<&str> = a.iter().map(|v| v.instance.name.as_str()).collect();
    assert_eq!(inames.len(), a.len());
    assert!(a[1].instance.name.ends_with("province_cadres: province_cadres = 4"), "{}", a[1].instance.name);

    // province_cadres: the first N in roster order; copies beyond the base, with new unique ids.
    let base_p = province_ids(base);
    assert_eq!(base_p.len(), 6);
    assert!(province_ids(&a[0].instance).is_empty());
    assert_eq!(province_ids(&a[1].instance), base_p[..4]);
    let eight = province_ids(&a[2].instance);
    assert_eq!(eight.len(), 8);
    assert_eq!(eight[..6], base_p[..]);
    assert_eq!(eight[6..], [format!("{}-copy1", base_p[0]), format!("{}-copy1", base_p[1])]);
    let ids: BTreeSet<&str> = a[2].instance.cadres.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), a[2].instance.cadres.len());
    // Non-province cadres are untouched, in order.
    let others = |i: &Instance| -> Vec<String> {
        i.cadres.iter().filter(|c| c.level != Level::Province).map(|c| c.id.clone()).collect()
    };
    for v in &a[..3] {
        assert_eq!(others(&v.instance), others(base));
    }

    // remove_city_seniors: exactly the city's senior city cadres are gone.
    let removed: Vec<&str> = base
        .cadres
        .iter()
        .filter(|c| !a[3].instance.cadres.iter().any(|d| d.id == c.id))
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(removed.len(), 3);
    for id in removed {
        let c = base.cadres.iter().find(|c| c.id == id).unwrap();
        assert!(c.level == Level::City && c.senior);
    }

    // unavailable_share: round(s × n) cadres get one more month; a larger share takes a superset.
    let away = base.cadres.iter().filter(|c| c.mode() != Mode::Weekly).count();
    let grown = |v: &Variant| -> BTreeSet<String> {
        v.instance
            .cadres
            .iter()
            .zip(&base.cadres)
            .filter(|(x, b)| {
                assert!(x.unavailable_months.len() <= b.unavailable_months.len() + 1);
                x.unavailable_months.len() == b.unavailable_months.len() + 1
            })
            .map(|(x, _)| x.id.clone())
            .collect()
    };
    let (g1, g2, g3) = (grown(&a[4]), grown(&a[5]), grown(&a[6]));
    assert_eq!(g1.len(), (away as f64 * 0.25).round() as usize);
    assert_eq!(g2.len(), (away as f64 * 0.5).round() as usize);
    assert_eq!(g3.len(), away);
    assert!(g1.is_subset(&g2) && g2.is_subset(&g3));
    for v in &a[4..7] {
        Prepared::new(&v.instance).expect("months added stay valid");
    }

    // Parameters.
    assert_eq!(a[8].instance.parameters.max_department_away_share, 0.2);
    assert_eq!(a[11].instance.parameters.nearby_km, 120.0);
    assert_eq!(a[13].instance.parameters.max_cadres_per_township_year, 3);

    // Another seed draws other cadres.
    let other = Spec { seed: 8, ..s };
    let b = variants(base, &other).unwrap();
    assert_ne!(grown(&a[4]), grown(&b[4]));
}

#[test]
fn bad_specs_are_refused_with_place_and_reason() {
    let cases: &[(&str, &str, &str)] = &[
        (r#"{"name":"x","sweeps":[]}"#, "sweeps", "no sweeps"),
        (
            r#"{"name":"x","sweeps":[{"kind":"nearby_km","values":[80]},{"kind":"province_cadres","from":1,"to":5,"step":0}]}"#,
            "sweeps[1].step",
            "positive step",
        ),
        (
            r#"{"name":"x","sweeps":[{"kind":"province_cadres","from":5,"to":1,"step":1}]}"#,
            "sweeps[0].from",
            "greater than",
        ),
        (r#"{"name":"x","sweeps":[{"kind":"province_cadres","from":1,"to":5}]}"#, "sweeps[0].step", "missing"),
        (r#"{"name":"x","sweeps":[{"kind":"province_cadres","values":[2.5]}]}"#, "sweeps[0].values[0]", "whole number"),
        (r#"{"name":"x","sweeps":[{"kind":"province_cadres","values":[1],"from":1}]}"#, "sweeps[0].values", "not both"),
        (r#"{"name":"x","sweeps":[{"kind":"nearby_km"}]}"#, "sweeps[0].values", "give `values`"),
        (r#"{"name":"x","sweeps":[{"kind":"nearby_km","values":[]}]}"#, "sweeps[0].values", "empty"),
        (
            r#"{"name":"x","sweeps":[{"kind":"nearby_km","values":[80, 0]}]}"#,
            "sweeps[0].values[1]",
            "positive distance",
        ),
        (
            r#"{"name":"x","sweeps":[{"kind":"unavailable_share","values":[0]}]}"#,
            "sweeps[0].values[0]",
            "outside (0, 1]",
        ),
        (
            r#"{"name":"x","sweeps":[{"kind":"department_share","values":[0.5, 1.5]}]}"#,
            "sweeps[0].values[1]",
            "outside (0, 1]",
        ),
        (
            r#"{"name":"x","sweeps":[{"kind":"department_share","from":0,"to":0.5,"step":0.1}]}"#,
            "sweeps[0].from/to/step (value 0)",
            "outside (0, 1]",
        ),
        (
            r#"{"name":"x","sweeps":[{"kind":"remove_city_seniors","cities":["370500","379900"]}]}"#,
            "sweeps[0].cities[1]",
            "379900 is not a city",
        ),
        (
            r#"{"name":"x","sweeps":[{"kind":"remove_city_seniors","cities":["370500","370500"]}]}"#,
            "sweeps[0].cities[1]",
            "twice",
        ),
        (
            r#"{"name":"x","sweeps":[{"kind":"parameter","name":"nearby","values":[1]}]}"#,
            "sweeps[0].name",
            "not a parameter",
        ),
        (
            r#"{"name":"x","sweeps":[{"kind":"parameter","name":"blocks_per_year","values":[1.5]}]}"#,
            "sweeps[0].values[0]",
            "does not fit",
        ),
        (
            r#"{"name":"x","sweeps":[{"kind":"nearby_km","values":[1]},{"kind":"parameter","name":"nearby_km","values":[2]}]}"#,
            "sweeps[1]",
            "different `label`",
        ),
        (
            r#"{"name":"x","sweeps":[{"kind":"nearby_km","from":1,"to":100000,"step":1}]}"#,
            "sweeps[0].step",
            "more than 1000",
        ),
        (r#"{"name":"x","time_limit":0,"sweeps":[{"kind":"nearby_km","values":[1]}]}"#, "time_limit", "positive"),
        (
            r#"{"name":"x","sweeps":[{"kind":"nearby_km","values":[1],"colour":"red"}]}"#,
            "spec",
            "unknown field `colour`",
        ),
        (r#"{"name":"x","sweeps":[{"kind":"warp_speed","values":[1]}]}"#, "spec", "unknown variant `warp_speed`"),
        (r#"{"name":"x","extra":1,"sweeps":[]}"#, "spec", "unknown field `extra`"),
        (r#"{"name":"x","sweeps":[{"kind":"nearby_km","values":[1]}"#, "spec", "line 1"),
    ];
    for (json, path, words) in cases {
        let e = err(json);
        assert_eq!(e.path, *path, "{json}: {e}");
        assert!(e.to_string().contains(words), "{json}: `{e}` lacks `{words}`");
    }
    // A label tells two sweeps of one kind apart.
    let ok = spec(
        r#"{"name":"x","sweeps":[{"kind":"nearby_km","values":[1]},{"kind":"nearby_km","label":"wide","values":[200]}]}"#,
    );
    let v = variants(small(), &ok).unwrap();
    assert_eq!(v[1].sweep, "wide");
}

/// Sweep 0, 2, 4, 6 province cadres on the small fixture; compare with single solves.
#[test]
fn province_sweep_agrees_with_single_solves() {
    let base = small();
    let s = spec(r#"{"name":"province cadres","sweeps":[{"kind":"province_cadres","from":0,"to":6,"step":2}]}"#);
    let vs = variants(base, &s).unwrap();
    assert_eq!(vs.len(), 4);
    let calls = AtomicUsize::new(0);
    let last = AtomicUsize::new(0);
    let rows = run(&vs, &|done, total| {
        assert_eq!(total, 4);
        assert!(done <= total);
        calls.fetch_add(1, Ordering::SeqCst);
        last.fetch_max(done, Ordering::SeqCst);
    });
    assert_eq!(calls.load(Ordering::SeqCst), 5, "once at the start and once per variant");
    assert_eq!(last.load(Ordering::SeqCst), 4);
    assert_eq!(rows.len(), 4);

    for (v, r) in vs.iter().zip(&rows) {
        assert_eq!(
            (r.sweep.as_str(), r.parameter.as_str(), r.value),
            (v.sweep.as_str(), v.parameter.as_str(), v.value)
        );
        assert!(r.error.is_none(), "{v}: {:?}", r.error);
        assert_eq!(r.cadres, v.instance.cadres.len());
        assert_eq!(r.townships, 50);
        assert_eq!(r.groups, 5);
        let prep = Prepared::new(&v.instance).unwrap();
        let strict = SolveOptions { threads: 1, ..SolveOptions::default() };
        match solve(&prep, &strict).unwrap().outcome {
            Outcome::Planned(plan) => {
                assert!(r.feasible, "{v}");
                assert_eq!(r.plan, Some(PlanMode::Strict));
                assert_eq!(r.coverage_best_effort, r.townships);
                let s1 = plan.stages.iter().find(|s| s.id == "S1").unwrap().objective;
                assert!((r.s1_cost.unwrap() - s1).abs() < 1e-6, "{v}: {:?} vs {s1}", r.s1_cost);
                assert_eq!(r.leaders_senior, 5, "strict: every leader is senior");
                assert!(r.certificate_rules.is_empty());
                assert!(r.proven_optimal);
            }
            Outcome::Infeasible(certs) => {
                assert!(!r.feasible, "{v}");
                let rules: BTreeSet<&str> = certs.iter().map(|c| c.rule.as_str()).collect();
                assert_eq!(r.certificate_rules.iter().map(String::as_str).collect::<BTreeSet<_>>(), rules);
                let best = SolveOptions { mode: PlanMode::BestEffort, ..strict };
                let Outcome::Planned(plan) = solve(&prep, &best).unwrap().outcome else { panic!("best-effort plans") };
                assert_eq!(r.plan, Some(PlanMode::BestEffort));
                assert_eq!(r.coverage_best_effort, plan.coverage.total);
                let s1 = plan.stages.iter().find(|s| s.id == "S1").unwrap().objective;
                assert!((r.s1_cost.unwrap() - s1).abs() < 1e-6);
                let senior = plan
                    .groups
                    .iter()
                    .filter(|g| {
                        g.leader.as_ref().is_some_and(|l| v.instance.cadres.iter().any(|c| &c.id == l && c.senior))
                    })
                    .count();
                assert_eq!(r.leaders_senior, senior);
            }
        }
    }
    // With no province cadre the small fixture cannot hold H3; with all six it is feasible.
    assert!(!rows[0].feasible);
    assert!(rows[3].feasible);
    for w in rows.windows(2) {
        assert!(
            w[0].coverage_best_effort <= w[1].coverage_best_effort,
            "coverage falls from {} to {}",
            w[0].value,
            w[1].value
        );
    }

    let csv = to_csv(&rows);
    assert_eq!(csv.lines().count(), rows.len() + 1);
    assert!(csv.starts_with("sweep,parameter,value,cadres,feasible,plan,coverage_best_effort,townships,"));
    let json = to_json(&rows);
    let back: Vec<Row> = serde_json::from_str(&json).unwrap();
    assert_eq!(back.len(), rows.len());
    for (b, r) in back.iter().zip(&rows) {
        let same_cost = match (b.s1_cost, r.s1_cost) {
            (Some(x), Some(y)) => (x - y).abs() < 1e-6,
            (x, y) => x == y,
        };
        assert!(same_cost && (b.seconds - r.seconds).abs() < 1e-9);
        assert_eq!(Row { s1_cost: None, seconds: 0.0, ..b.clone() }, Row { s1_cost: None, seconds: 0.0, ..r.clone() });
    }
    let svg = chart_svg(&rows, "province_cadres");
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("<circle").count(), 2 * 4 + 2, "two series of 4 points and two legend markers");
    let empty = chart_svg(&rows, "nothing");
    assert!(empty.contains("<svg") && empty.contains("nothing"));
}

/// A variant that does not validate becomes a row with its error, never a panic.
#[test]
fn invalid_variants_become_error_rows() {
    let s = spec(
        r#"{"name":"x","sweeps":[
            {"kind":"parameter","name":"blocks_per_year","values":[0, 2]},
            {"kind":"remove_city_seniors","cities":["370500"]}
        ]}"#,
    );
    let vs = variants(small(), &s).unwrap();
    let rows = run(&vs, &|_, _| {});
    assert_eq!(rows.len(), 3);
    let e = rows[0].error.as_deref().expect("blocks_per_year 0 does not validate");
    assert!(e.contains("parameters.blocks_per_year"), "{e}");
    assert!(!rows[0].feasible && rows[0].plan.is_none() && rows[0].s1_cost.is_none());
    assert!(rows[1].feasible && rows[1].error.is_none());
    // Without 团东营市委's seniors H3 fails: certificates, then a best-effort plan.
    assert!(!rows[2].feasible);
    assert!(rows[2].certificate_rules.contains(&"H3".to_string()), "{:?}", rows[2].certificate_rules);
    assert_eq!(rows[2].plan, Some(PlanMode::BestEffort));
    assert!(rows[2].leaders_senior < rows[2].groups);
    assert!(rows[2].error.is_none(), "{:?}", rows[2].error);
    let csv = to_csv(&rows);
    assert_eq!(csv.lines().count(), 4, "{csv}");
    let svg = chart_svg(&rows, "remove_city_seniors");
    assert!(svg.contains("370500 东营市"));
    let svg = chart_svg(&rows, "blocks_per_year");
    assert!(svg.contains("无方案") && svg.contains("<path d="));
}

/// A run builds each variant just before its solve (a scenario job once held every variant of
/// Shandong at once, 225 MB): recipes build exactly the variants, and a run over recipes gives
/// the rows of a run over the built variants.
#[test]
fn recipes_build_the_variants_and_run_to_the_same_rows() {
    let base = small();
    let s = spec(
        r#"{"name":"all kinds","seed":5,"sweeps":[
            {"kind":"province_cadres","values":[0,3]},
            {"kind":"remove_city_seniors"},
            {"kind":"unavailable_share","values":[0.5]},
            {"kind":"department_share","values":[0.2]},
            {"kind":"nearby_km","values":[60]},
            {"kind":"parameter","name":"max_cadres_per_township_year","values":[3]}]}"#,
    );
    let recipes = sanlian_scenarios::recipes(base, &s).unwrap();
    let built = variants(base, &s).unwrap();
    assert_eq!(recipes.len(), built.len());
    assert!(recipes.len() >= 7, "every kind of sweep is here: {}", recipes.len());
    for (r, v) in recipes.iter().zip(&built) {
        assert_eq!(r.build(base), *v);
    }
    let strip = |rows: Vec<Row>| -> Vec<Row> { rows.into_iter().map(|r| Row { seconds: 0.0, ..r }).collect() };
    let opts = sanlian_scenarios::RunOptions::of(&s);
    let lazy = strip(sanlian_scenarios::run_recipes(base, &recipes, &opts, &|_, _| {}));
    let eager = strip(sanlian_scenarios::run_with(&built, &opts, &|_, _| {}));
    assert_eq!(lazy, eager);
    assert!(lazy.iter().any(|r| r.feasible), "{lazy:?}");
}

/// Stop and keep what is done (`RunOptions::settle`), set after the second variant: the
/// batch returns every row — the ones finished before the stop with their plans, the ones
/// under way finished with their best (marked when not proven optimal), the rest not run and
/// marked — and nothing is lost or invented.
#[test]
fn a_stopped_batch_keeps_the_rows_done_and_marks_the_rest() {
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;
    let s = spec(r#"{"name":"stop","sweeps":[{"kind":"province_cadres","from":0,"to":40,"step":1}]}"#);
    let vs = variants(small(), &s).expect("variants");
    let settle = Arc::new(AtomicBool::new(false));
    let opts = sanlian_scenarios::RunOptions { settle: Some(settle.clone()), ..sanlian_scenarios::RunOptions::of(&s) };
    let calls = AtomicUsize::new(0);
    let rows = sanlian_scenarios::run_with(&vs, &opts, &|done, _| {
        calls.fetch_add(1, Ordering::SeqCst);
        if done >= 2 {
            settle.store(true, Ordering::Relaxed);
        }
    });
    assert_eq!(rows.len(), vs.len(), "one row per variant, in order");
    assert_eq!(calls.load(Ordering::SeqCst), vs.len() + 1, "progress once before and once per variant");
    let (not_run, done): (Vec<&Row>, Vec<&Row>) =
        rows.iter().partition(|r| r.error.as_deref() == Some("stopped: not run"));
    assert!(done.len() >= 2, "the variants finished before the stop are kept: {}", done.len());
    assert!(!not_run.is_empty(), "variants after the stop are not started ({} rows)", rows.len());
    for r in &not_run {
        assert!(r.stopped && r.plan.is_none() && r.s1_cost.is_none() && !r.proven_optimal, "{r:?}");
    }
    // The rows kept are the rows an unstopped run gives for the same variants (figures equal
    // when proven optimal), marked exactly when their plan is not proven optimal.
    let full = run(&vs, &|_, _| {});
    for (r, f) in rows.iter().zip(&full) {
        if r.error.as_deref() == Some("stopped: not run") {
            continue;
        }
        assert_eq!(r.plan, f.plan, "{r:?}");
        assert_eq!(r.feasible, f.feasible, "{r:?}");
        assert_eq!(r.stopped, r.plan.is_some() && !r.proven_optimal, "{r:?}");
        if r.proven_optimal {
            assert_eq!(r.s1_cost, f.s1_cost, "{}", r.value);
            assert_eq!(r.coverage_best_effort, f.coverage_best_effort, "{}", r.value);
        }
    }
    let json = to_json(&rows);
    assert!(json.contains("\"stopped\": true"), "the JSON table marks them");
}
