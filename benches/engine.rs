//! Speed benchmark (a bench binary, not a test): `cargo bench --bench engine`.
//!
//! The model of ../shared/bench: 100 identical agents, Poisson arrivals at 95% load (1140/h), exponential
//! handle time with mean 300 s; Erlang A adds exponential patience with mean 600 s. Reports
//! - contacts simulated per second on one core by supportsim's engine and, alternating with it in the same
//!   process, by a minimal hand-written event loop of the same model (a binary heap of (time, sequence,
//!   event), exponential draws, the statistics that loop needs), and their ratio;
//! - the omnichannel week (scenarios/omnichannel.toml) and the year of a 1,000-agent center
//!   (scenarios/year-1000-agents.toml) on one core and on all cores;
//! - the speed-up of replications on all cores over the same replications run one after another.
//!
//! Environment: BENCH_CUSTOMERS (default 5,000,000 per run), BENCH_RUNS (default 5), BENCH_ONLY (one part:
//! `engine-c`, `engine-a`, `loop-c`, `loop-a`, `omnichannel`, `year`, for callgrind), BENCH_YEAR=0 skips the
//! year (it simulates about 50 million contacts per replication).

use rand::SeedableRng;
use rand_distr::{Distribution, Exp};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};
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

/// The hand-written reference: the smallest correct event loop of the bench model, as one would write it
/// without a simulation library. A binary heap of (time, sequence, event), a FIFO of waiting callers with
/// lazy removal of those who hung up, exponential draws from one PCG stream, and the statistics the loop
/// needs for the headline KPIs (offered, answered, answered within 20 s, abandoned, summed waits, busy time).
mod hand_loop {
    use super::*;

    #[derive(Clone, Copy)]
    pub enum Ev {
        Arrival,
        End,
        Abandon(u64),
    }

    struct Entry(f64, u64, Ev);
    impl PartialEq for Entry {
        fn eq(&self, o: &Self) -> bool {
            self.cmp(o) == Ordering::Equal
        }
    }
    impl Eq for Entry {}
    impl PartialOrd for Entry {
        fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
            Some(self.cmp(o))
        }
    }
    impl Ord for Entry {
        fn cmp(&self, o: &Self) -> Ordering {
            o.0.total_cmp(&self.0).then(o.1.cmp(&self.1))
        }
    }

    #[derive(Default, Debug)]
    pub struct Stats {
        pub offered: u64,
        pub answered: u64,
        pub within: u64,
        pub abandoned: u64,
        pub wait_s: f64,
        pub busy_s: f64,
    }

    /// Simulates `customers` arrivals and returns the statistics.
    pub fn run(patience: bool, customers: u64, seed: u64) -> Stats {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
        let (arrive, serve, quit) = (
            Exp::new(1140.0 / 3600.0).expect("rate > 0"),
            Exp::new(1.0 / 300.0).expect("rate > 0"),
            Exp::new(1.0 / 600.0).expect("rate > 0"),
        );
        let mut heap = BinaryHeap::with_capacity(1024);
        let mut seq = 0u64;
        let mut push = |heap: &mut BinaryHeap<Entry>, t: f64, e: Ev| {
            seq += 1;
            heap.push(Entry(t, seq, e));
        };
        // Waiting callers in arrival order: (id, arrival, hung up). Ids rise along the queue, so a caller
        // whose patience runs out is found by its id's distance from the head (lazy removal, O(1)).
        let mut queue: VecDeque<(u64, f64, bool)> = VecDeque::new();
        let (mut free, mut next_id) = (100u32, 0u64);
        let mut s = Stats::default();
        push(&mut heap, arrive.sample(&mut rng), Ev::Arrival);
        while let Some(Entry(t, _, ev)) = heap.pop() {
            match ev {
                Ev::Arrival => {
                    s.offered += 1;
                    if s.offered < customers {
                        push(&mut heap, t + arrive.sample(&mut rng), Ev::Arrival);
                    }
                    let h = serve.sample(&mut rng);
                    if free > 0 {
                        free -= 1;
                        s.answered += 1;
                        s.within += 1;
                        s.busy_s += h;
                        push(&mut heap, t + h, Ev::End);
                    } else {
                        next_id += 1;
                        queue.push_back((next_id, t, false));
                        if patience {
                            push(&mut heap, t + quit.sample(&mut rng), Ev::Abandon(next_id));
                        }
                    }
                }
                Ev::End => {
                    free += 1;
                    while let Some((_, arrived, hung_up)) = queue.pop_front() {
                        if hung_up {
                            continue;
                        }
                        free -= 1;
                        let wait = t - arrived;
                        let h = serve.sample(&mut rng);
                        s.answered += 1;
                        s.within += u64::from(wait <= 20.0);
                        s.wait_s += wait;
                        s.busy_s += h;
                        push(&mut heap, t + h, Ev::End);
                        break;
                    }
                }
                Ev::Abandon(id) => {
                    // Still waiting if not yet taken from the head: mark it (skipped when it reaches the head).
                    if let Some(&(head, _, _)) = queue.front()
                        && id >= head
                    {
                        queue[(id - head) as usize].2 = true;
                        s.abandoned += 1;
                    }
                }
            }
        }
        s
    }
}

/// Contacts per second on one core for a shipped example, and its replications on all cores.
fn example(file: &str, label: &str, runs: u64) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file);
    let s = Scenario::load(&path).expect("the example scenario is valid");
    let mut rates = Vec::new();
    let mut contacts = 0;
    for r in 0..runs {
        let t0 = Instant::now();
        let tally = simulate(&s, r);
        rates.push(tally.contacts_simulated as f64 / t0.elapsed().as_secs_f64());
        contacts = tally.contacts_simulated;
    }
    println!(
        "{label}: one core: median {:.2} million contacts/s ({contacts} contacts per replication, median of {runs} replications)",
        median(rates) / 1e6,
    );
    let t0 = Instant::now();
    let reps = run_replications_on(&s, None).expect("pool");
    let secs = t0.elapsed().as_secs_f64();
    let total: u64 = reps.iter().map(|t| t.contacts_simulated).sum();
    println!(
        "{label}: {} replications on all cores: {secs:.3} s ({:.2} million contacts/s)",
        reps.len(),
        total as f64 / secs / 1e6
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would pass nothing useful: run either way.
    let customers = env("BENCH_CUSTOMERS", 5e6);
    let runs = env("BENCH_RUNS", 5.0) as u64;
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // One part alone, for `valgrind --tool=callgrind` (instructions per contact).
    if !only.is_empty() {
        let t0 = Instant::now();
        let contacts = match only.as_str() {
            "engine-c" | "engine-a" => {
                simulate(&model(only == "engine-a", customers, 1), 0).contacts_simulated
            }
            "loop-c" | "loop-a" => hand_loop::run(only == "loop-a", customers as u64, 1).offered,
            "omnichannel" | "year" => {
                let file = if only == "year" {
                    "year-1000-agents.toml"
                } else {
                    "omnichannel.toml"
                };
                let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("scenarios")
                    .join(file);
                let s = Scenario::load(&path).expect("valid");
                (0..runs).map(|r| simulate(&s, r).contacts_simulated).sum()
            }
            other => panic!(
                "BENCH_ONLY={other}: one of engine-c, engine-a, loop-c, loop-a, omnichannel, year"
            ),
        };
        println!(
            "{only}: {contacts} contacts in {:.3} s",
            t0.elapsed().as_secs_f64()
        );
        return;
    }
    println!(
        "supportsim {} engine benchmark: 100 agents, 95% load, {customers:.0} contacts per run, {runs} runs, {cores} cores",
        env!("CARGO_PKG_VERSION")
    );
    example("omnichannel.toml", "omnichannel week", runs * 4);
    if env("BENCH_YEAR", 1.0) > 0.0 {
        example("year-1000-agents.toml", "year, 1,000 agents", 1);
    }
    for (name, patience) in [("Erlang C", false), ("Erlang A", true)] {
        let s = model(patience, customers, 1);
        let (mut engine, mut hand) = (Vec::new(), Vec::new());
        let mut events_per_contact = 0.0;
        // Alternating, so that drifts of this shared machine hit both alike.
        for r in 0..runs {
            let t0 = Instant::now();
            let tally = simulate(&s, r);
            engine.push(tally.contacts_simulated as f64 / t0.elapsed().as_secs_f64());
            events_per_contact = tally.events as f64 / tally.contacts_simulated as f64;
            let t0 = Instant::now();
            let stats = hand_loop::run(patience, customers as u64, r + 1);
            hand.push(stats.offered as f64 / t0.elapsed().as_secs_f64());
            std::hint::black_box(stats);
        }
        let (me, mh) = (median(engine.clone()), median(hand.clone()));
        println!(
            "{name}: one core: supportsim median {:.2} million contacts/s (min {:.2}, max {:.2}), {events_per_contact:.2} events per contact; hand-written loop median {:.2} million contacts/s; ratio {:.2}x",
            me / 1e6,
            engine.iter().cloned().fold(f64::INFINITY, f64::min) / 1e6,
            engine.iter().cloned().fold(0.0, f64::max) / 1e6,
            mh / 1e6,
            me / mh
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
