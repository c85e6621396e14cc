//! The single-queue kernel (model::single) against the general engine: the same replication, bit for bit,
//! on every kind of scenario the kernel takes (with and without patience, a full queue, warm-up, several
//! intervals, a per-interval plan of one value, a run past the horizon, no agents), and the general engine
//! for everything it does not take.

mod common;

use supportsim::model::{Compiled, on_single_queue_kernel, simulate_compiled, simulate_general};

fn scenario(extra_channel: &str, group: &str, top: &str) -> String {
    format!(
        "name = \"k\"\nseed = 3\nreplications = 2\n{top}\n\
         [[channels]]\nname = \"phone\"\nkind = \"voice\"\narrivals = {{ per_hour = 114 }}\n\
         handle_time = {{ dist = \"exponential\", mean = \"5m\" }}\n{extra_channel}\n\
         [[groups]]\nname = \"agents\"\nskills = {{ phone = 1.0 }}\n{group}\n"
    )
}

#[test]
fn the_kernel_reproduces_the_general_engine_bit_for_bit() {
    let cases = [
        // Erlang C, one interval.
        scenario("", "size = 10", "horizon = \"10h\"\ninterval = \"10h\""),
        // Erlang A with a warm-up and half-hour intervals.
        scenario(
            "patience = { dist = \"exponential\", mean = \"10m\" }",
            "size = 10",
            "horizon = \"10h\"\nwarmup = \"2h\"\ninterval = \"30m\"",
        ),
        // M/M/c/K: a full queue blocks; lognormal service, Weibull patience, a target of 30 s.
        scenario(
            "queue_capacity = 3\npatience = { dist = \"weibull\", mean = \"2m\", shape = 1.5 }\n\
             LOGNORMAL\ntarget = { within = \"30s\", share = 0.8 }",
            "size = 9",
            "horizon = \"6h\"\ninterval = \"15m\"",
        ),
        // Overloaded: the queue is still draining long after the horizon; a lower proficiency.
        scenario(
            "patience = { dist = \"exponential\", mean = \"1h\" }",
            "size = [7, 7, 7, 7]\nfriendliness = 0.4\nskills = { phone = 0.6 }",
            "horizon = \"4h\"\ninterval = \"1h\"",
        ),
        // Nobody to answer.
        scenario(
            "patience = { dist = \"exponential\", mean = \"3m\" }",
            "size = 0",
            "horizon = \"2h\"\ninterval = \"1h\"",
        ),
    ];
    for text in &cases {
        // The M/M/c/K case serves with a lognormal handle time (the kernel's non-exponential draw).
        let text = if text.contains("LOGNORMAL") {
            text.replace("LOGNORMAL\n", "").replace(
                "handle_time = { dist = \"exponential\", mean = \"5m\" }",
                "handle_time = { dist = \"lognormal\", mean = \"4m\", cv = 0.8 }",
            )
        } else {
            text.clone()
        };
        let text = if text.contains("skills = { phone = 0.6 }") {
            text.replace("skills = { phone = 1.0 }\n", "")
        } else {
            text
        };
        let s = common::scenario(&text);
        let model = Compiled::new(&s);
        assert!(on_single_queue_kernel(&model, model.staffing()), "{text}");
        for r in 0..3 {
            let (fast, general) = (
                simulate_compiled(&model, model.staffing(), s.seed, r),
                simulate_general(&model, model.staffing(), s.seed, r),
            );
            assert!(fast.contacts_simulated > 0);
            // Bit for bit: serde_json writes the shortest text that reads back as the same f64 (and -0.0
            // as -0.0), so equal text is equal bits.
            let text_of = |t: &supportsim::stats::ReplicationTally| {
                serde_json::to_string(t).expect("serialisable")
            };
            assert!(
                text_of(&fast) == text_of(&general),
                "replication {r} differs for\n{text}\nkernel: {:?}\ngeneral: {:?}",
                (
                    fast.channels[0].total,
                    fast.channels[0].cases,
                    fast.groups[0].busy_s
                ),
                (
                    general.channels[0].total,
                    general.channels[0].cases,
                    general.groups[0].busy_s
                )
            );
        }
    }
}

#[test]
fn anything_beyond_the_model_runs_on_the_general_engine() {
    let base = scenario("", "size = 10", "horizon = \"1d\"\ninterval = \"1h\"");
    let s = common::scenario(&base);
    let model = Compiled::new(&s);
    assert!(on_single_queue_kernel(&model, model.staffing()));
    // A plan that changes head-count, shrinkage, absence, a second class, an announcement: the general engine.
    let mut plan = model.staffing().clone();
    plan.set_size(0, 3, 12).expect("valid edit");
    assert!(!on_single_queue_kernel(&model, &plan));
    for (from, to) in [
        ("size = 10", "size = 10\nshrinkage = 0.1"),
        ("size = 10", "size = 10\nabsence = 0.1"),
        (
            "kind = \"voice\"",
            "kind = \"voice\"\nclasses = [{ name = \"vip\", share = 0.2, priority = 1 }, { name = \"rest\", share = 0.8 }]",
        ),
        (
            "kind = \"voice\"",
            "kind = \"voice\"\nannounce = { share = 1.0, patience_factor = 1.0 }",
        ),
    ] {
        let other = common::scenario(&base.replacen(from, to, 1));
        let m = Compiled::new(&other);
        assert!(!on_single_queue_kernel(&m, m.staffing()), "{to}");
    }
}
