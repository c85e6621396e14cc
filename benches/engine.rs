//! Speed benchmark (a bench binary, not a test): `cargo bench --bench engine`.
//!
//! The model of ../shared/bench: 100 identical agents, Poisson arrivals at 95% load (1140/h), exponential
//! handle time with mean 300 s; Erlang A adds exponential patience with mean 600 s. Reports
//! - contacts simulated per second on one core (median of several runs of N contacts each), and
//! - the speed-up of replications on all cores over the same replications run one after another.
//!
//! Environment: BENCH_CUSTOMERS (default 5,000,000 per run), BENCH_RUNS (default 5).

use std::time::Instant;
use supportsim::experiment::run_replications_on;
use supportsim::model::center::simulate;
use supportsim::scenario::Scenario;

fn model(patience: bool, customers: f64, replications: u32) -> Scenario {
    let horizon = (customers / (1140.0 / 3600.0)).round();
    let text = format!(
        "name = \"bench\"\nseed = 1\nreplications = {replications}\nhorizon = {horizon}\ninterval = {horizon}\n\
         [[channels]]\nname = \"phone\"\nkind = \"voice\"\narrivals = {{ per_hour = 1140 }}\n\
         handle_time = {{ dist = \"exponential\", mean = 300 }}\n{}\
         [[groups]]\nname = \"agents\"\nsize = 100\nskills = {{ phone = 1.0 }}\n",
        if patience {
            "patience = { dist = \"exponential\", mean = 600 }\n"
        } else {
            ""
        }
    );
    Scenario::from_toml(&text, "bench", None).expect("the bench scenario is valid")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn env(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Contacts per second on one core for the shipped omnichannel week (scenarios/omnichannel.toml): five
/// channels of four kinds, three teams on shifts, forecast uncertainty.
fn omnichannel(runs: u64) {
    let path = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/omnichannel.toml"
    ));
    let s = Scenario::load(path).expect("the example scenario is valid");
    let mut rates = Vec::new();
    let mut contacts = 0;
    for r in 0..runs * 4 {
        let t0 = Instant::now();
        let tally = simulate(&s, r);
        rates.push(tally.contacts_simulated as f64 / t0.elapsed().as_secs_f64());
        contacts = tally.contacts_simulated;
    }
    println!(
        "omnichannel week: one core: median {:.2} million contacts/s ({contacts} contacts per replication, median of {} replications)",
        median(rates) / 1e6,
        runs * 4
    );
    let t0 = Instant::now();
    let reps = run_replications_on(&s, None).expect("pool");
    println!(
        "omnichannel week: {} replications on all cores (the README's command): {:.3} s",
        reps.len(),
        t0.elapsed().as_secs_f64()
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would pass nothing useful: run either way.
    let customers = env("BENCH_CUSTOMERS", 5e6);
    let runs = env("BENCH_RUNS", 5.0) as u64;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "supportsim {} engine benchmark: 100 agents, 95% load, {customers:.0} contacts per run, {runs} runs, {cores} cores",
        env!("CARGO_PKG_VERSION")
    );
    omnichannel(runs);
    for (name, patience) in [("Erlang C", false), ("Erlang A", true)] {
        let s = model(patience, customers, 1);
        let mut rates = Vec::new();
        let mut events_per_contact = 0.0;
        for r in 0..runs {
            let t0 = Instant::now();
            let tally = simulate(&s, r);
            let secs = t0.elapsed().as_secs_f64();
            rates.push(tally.contacts_simulated as f64 / secs);
            events_per_contact = tally.events as f64 / tally.contacts_simulated as f64;
        }
        println!(
            "{name}: one core: median {:.2} million contacts/s (min {:.2}, max {:.2}), {events_per_contact:.2} events per contact",
            median(rates.clone()) / 1e6,
            rates.iter().cloned().fold(f64::INFINITY, f64::min) / 1e6,
            rates.iter().cloned().fold(0.0, f64::max) / 1e6
        );
        // Speed-up: 4 replications per core, run on one thread, then on all cores.
        let reps = (4 * cores) as u32;
        let s = model(patience, customers / 4.0, reps);
        let t0 = Instant::now();
        let one = run_replications_on(&s, Some(1)).expect("pool");
        let t_one = t0.elapsed().as_secs_f64();
        let t0 = Instant::now();
        let all = run_replications_on(&s, Some(cores)).expect("pool");
        let t_all = t0.elapsed().as_secs_f64();
        assert_eq!(
            one.iter().map(|t| t.events).sum::<u64>(),
            all.iter().map(|t| t.events).sum::<u64>(),
            "same work on any thread count"
        );
        let total: u64 = all.iter().map(|t| t.contacts_simulated).sum();
        println!(
            "{name}: {reps} replications: 1 thread {t_one:.2} s, {cores} threads {t_all:.2} s: speed-up {:.2}x ({:.2} million contacts/s in all)",
            t_one / t_all,
            total as f64 / t_all / 1e6
        );
    }
}
