//! The reusable runner: one pool, any range of replications, progress by callback, tallies that survive a
//! trip through JSON (so shards run on other machines can be merged).

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use supportsim::experiment::{Runner, run_replications};
use supportsim::model::Compiled;
use supportsim::stats::ReplicationTally;

#[test]
fn ranges_concatenate_to_the_whole_run_on_any_pool_and_round_trip_through_json() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/omnichannel.toml"
    ))
    .expect("example");
    let mut s = common::scenario(&text);
    s.replications = 5;
    let whole = run_replications(&s);
    let model = Compiled::new(&s);
    let (one, two) = (
        Runner::new(Some(1)).expect("pool"),
        Runner::new(Some(2)).expect("pool"),
    );
    assert_eq!(two.threads(), 2);
    let done = AtomicU64::new(0);
    let count = || {
        done.fetch_add(1, Ordering::Relaxed);
    };
    let mut parts = one
        .run(&model, model.staffing(), s.seed, 0..2, &count)
        .expect("its own staffing");
    parts.extend(
        two.run(&model, model.staffing(), s.seed, 2..5, &count)
            .expect("its own staffing"),
    );
    // A staffing made for another scenario is refused.
    let other = Compiled::new(&common::scenario(
        &text.replace("\"back office\"", "\"back-office\""),
    ));
    assert!(
        one.run(&model, other.staffing(), s.seed, 0..1, &|| {})
            .is_err()
    );
    assert_eq!(
        done.load(Ordering::Relaxed),
        5,
        "progress once per replication"
    );
    for (i, (a, b)) in parts.iter().zip(&whole).enumerate() {
        for (c, (x, y)) in a.channels.iter().zip(&b.channels).enumerate() {
            assert!(x.total == y.total, "total {i} {c}");
            assert!(x.intervals == y.intervals, "intervals {i} {c}");
            assert!(x.waits == y.waits, "waits {i} {c}");
            assert!(x.cases == y.cases, "cases {i} {c}");
        }
        assert!(a.groups == b.groups, "groups {i}");
    }
    assert!(parts == whole, "ranges concatenate to the whole run");
    let json = serde_json::to_string(&parts).expect("serialisable");
    let back: Vec<ReplicationTally> = serde_json::from_str(&json).expect("deserialisable");
    assert!(back == whole, "a JSON round trip keeps every tally");
}
