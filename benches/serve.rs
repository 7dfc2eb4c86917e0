//! The HTTP service's cost: a Shandong solve through HTTP (submit, wait, fetch the plan)
//! against the same work done directly (prepare, solve, check, serialise), and 20
//! concurrent small solves through a queue of 2 workers, none dropped.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use sanlian_model::{Instance, Prepared};
use sanlian_solver::{solve, Outcome, SolveOptions};
use serde_json::Value;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(300))).build().into()
}

fn post(agent: &ureq::Agent, url: &str, body: &[u8]) -> Value {
    let mut r = agent.post(url).header("content-type", "application/json").send(body).expect("accepted");
    serde_json::from_slice(&r.body_mut().with_config().limit(64 << 20).read_to_vec().expect("a body")).expect("JSON")
}

fn get(agent: &ureq::Agent, url: &str) -> Vec<u8> {
    let mut r = agent.get(url).call().expect("served");
    r.body_mut().with_config().limit(64 << 20).read_to_vec().expect("a body")
}

/// Submit a solve, wait for it, fetch the plan; the plan's bytes.
fn solve_over_http(agent: &ureq::Agent, base: &str, instance: i64) -> Vec<u8> {
    let job = post(agent, &format!("{base}/api/instances/{instance}/solve"), b"");
    let id = job["id"].as_i64().expect("a job");
    loop {
        let done: Value = serde_json::from_slice(&get(agent, &format!("{base}/api/jobs/{id}?wait=60"))).expect("JSON");
        match done["state"].as_str() {
            Some("done") => {
                let plan = done["result"]["plan"].as_i64().expect("planned");
                return get(agent, &format!("{base}/api/plans/{plan}"));
            }
            Some("failed") => panic!("job failed: {done}"),
            _ => continue,
        }
    }
}

fn bench(c: &mut Criterion) {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/fixtures/shandong/instance.json")).expect("fixture");
    let inst = Instance::from_json(&text).expect("parses");
    let small = std::fs::read(format!("{root}/fixtures/small/instance.json")).expect("fixture");
    let dir = tempfile::tempdir().expect("temp dir");
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let config = sanlian_server::Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        db: dir.path().join("bench.db"),
        workers: 2,
        queue: 64,
        single_user: true,
        ..sanlian_server::Config::default()
    };
    let running = runtime.block_on(sanlian_server::start(config)).expect("the server starts");
    let base = format!("http://{}", running.addr);
    let agent = agent();
    let shandong = post(&agent, &format!("{base}/api/instances"), text.as_bytes())["id"].as_i64().unwrap();
    let small = post(&agent, &format!("{base}/api/instances"), &small)["id"].as_i64().unwrap();

    let mut g = c.benchmark_group("serve");
    g.sample_size(10);
    g.bench_function("shandong_solve_direct", |b| {
        b.iter(|| {
            let prep = Prepared::new(&inst).unwrap();
            let Outcome::Planned(plan) = solve(&prep, &SolveOptions::default()).unwrap().outcome else {
                panic!("feasible")
            };
            assert!(sanlian_check::check(prep.inst, &plan).expect("a valid instance").is_valid());
            serde_json::to_vec(&plan).unwrap()
        })
    });
    g.bench_function("shandong_solve_http", |b| b.iter(|| solve_over_http(&agent, &base, shandong)));
    g.bench_function("small_20_concurrent_http", |b| {
        b.iter(|| {
            let plans: Vec<usize> = std::thread::scope(|s| {
                let handles: Vec<_> =
                    (0..20).map(|_| s.spawn(|| solve_over_http(&agent, &base, small).len())).collect();
                handles.into_iter().map(|h| h.join().expect("no request failed")).collect()
            });
            assert_eq!(plans.len(), 20);
            assert!(plans.iter().all(|&n| n > 0));
        })
    });
    g.finish();
    runtime.block_on(running.stop()).expect("stops cleanly");
}

criterion_group!(benches, bench);
criterion_main!(benches);
