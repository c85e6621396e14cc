//! The shipped omnichannel week: every contact is accounted for on every channel, nothing is served while a
//! channel is closed, and results do not depend on the number of threads.

use supportsim::experiment::run_replications_on;
use supportsim::model::center::simulate;
use supportsim::report::{Report, json::summary_json};
use supportsim::scenario::{ChannelKind, Scenario};

fn week() -> Scenario {
    Scenario::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/omnichannel.toml"
    )))
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_contact_is_answered_abandoned_blocked_contained_unreached_or_still_open() {
    let s = week();
    for r in 0..3 {
        let t = simulate(&s, r);
        for (c, ch) in t.channels.iter().enumerate() {
            let name = &s.channels[c].name;
            let k = &ch.total;
            assert!(k.offered > 0, "{name}");
            if s.channels[c].kind == ChannelKind::SelfService {
                assert_eq!(k.offered, k.contained + k.fell_through, "{name}");
                assert_eq!(k.answered, 0);
                continue;
            }
            assert_eq!(
                k.offered,
                k.answered + k.abandoned + k.blocked + k.callbacks_unreached + k.unfinished,
                "{name}: {k:?}"
            );
            let mut sum = supportsim::stats::IntervalTally::default();
            for i in &ch.intervals {
                assert_eq!(
                    i.offered,
                    i.answered + i.abandoned + i.blocked + i.callbacks_unreached + i.unfinished,
                    "{name}"
                );
                sum.add(i);
            }
            assert_eq!(sum.offered, k.offered);
            if s.channels[c].classes.len() > 1 {
                assert_eq!(
                    ch.classes.iter().map(|x| x.offered).sum::<u64>(),
                    k.offered,
                    "{name}: classes add up"
                );
            }
            // The run follows every contact to its end: nothing is left over.
            assert_eq!(k.unfinished, 0, "{name}");
        }
        // The IVR's fall-throughs arrive on the phone line.
        let (ivr, phone) = (
            s.channel_index("ivr").expect("ivr"),
            s.channel_index("phone").expect("phone"),
        );
        assert!(t.channels[phone].total.offered > t.channels[ivr].total.fell_through);
        for g in &t.groups {
            assert!(g.busy_s <= g.staffed_s + 1e-6);
            assert!(g.break_s > 0.0 && g.shrinkage_s > 0.0);
        }
    }
}

#[test]
fn closed_channels_get_no_new_contacts_and_deferred_work_waits_for_opening() {
    let s = week();
    let t = simulate(&s, 0);
    for (c, ch) in t.channels.iter().enumerate() {
        let open = |k: usize| s.channels[c].open.at(k as i64);
        for (k, iv) in ch.intervals.iter().enumerate() {
            if s.channels[c].kind == ChannelKind::Deferred {
                if !open(k) && k > 0 && !open(k - 1) {
                    assert_eq!(
                        iv.work_s, 0.0,
                        "{} worked while closed (interval {k})",
                        s.channels[c].name
                    );
                }
            } else if !open(k) {
                // Nothing arriving while closed is served: only IVR callers falling through just after
                // closing time arrive, and they are told the line is closed (blocked).
                assert_eq!(
                    iv.offered, iv.blocked,
                    "{} took contacts while closed (interval {k})",
                    s.channels[c].name
                );
            }
        }
    }
    // Sunday: the phone line is closed all day, email waits for Monday 08:00.
    let phone = s.channel_index("phone").expect("phone");
    assert!(
        t.channels[phone].intervals[6 * 48..]
            .iter()
            .all(|k| k.offered == 0)
    );
    let email = s.channel_index("email").expect("email");
    assert!(
        t.channels[email].backlog[7 * 48 - 1] > 300,
        "{}",
        t.channels[email].backlog[7 * 48 - 1]
    );
}

#[test]
fn identical_results_on_one_and_two_threads() {
    let mut s = week();
    s.replications = 4;
    let one = summary_json(&Report::build(
        &s,
        &run_replications_on(&s, Some(1)).expect("pool"),
    ));
    let two = summary_json(&Report::build(
        &s,
        &run_replications_on(&s, Some(2)).expect("pool"),
    ));
    assert_eq!(one, two);
}
