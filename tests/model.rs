//! Behaviour of the model beyond steady-state theory: conservation of contacts, common random numbers,
//! staffing plans that change head-count, proficiency, time-varying arrivals, routing across groups.

mod common;
use common::scenario;

use supportsim::experiment::run_replications;
use supportsim::model::center::simulate;
use supportsim::report::Report;

const DAY: &str = r#"
name = "a day with a staffing plan"
seed = 3
replications = 6
horizon = "8h"
warmup = "1h"
interval = "30m"

[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = [60, 80, 120, 160, 200, 160, 120, 80, 60, 40, 100, 140, 180, 120, 60, 30] }
handle_time = { dist = "lognormal", mean = "4m", cv = 0.8 }
patience = { dist = "weibull", mean = "3m", shape = 1.5 }
queue_capacity = 25

[[channels]]
name = "sales"
kind = "voice"
arrivals = { per_hour = 30 }
handle_time = { dist = "gamma", mean = "6m", cv = 0.5 }

[[groups]]
name = "day"
size = [4, 5, 8, 11, 13, 11, 8, 6, 4, 3, 7, 10, 12, 8, 4, 2]
skills = { phone = 1.0, sales = 0.6 }

[[groups]]
name = "sales"
size = 2
skills = { sales = 1.0 }
"#;

#[test]
fn every_contact_is_answered_abandoned_blocked_or_unfinished() {
    let s = scenario(DAY);
    for r in 0..4 {
        let t = simulate(&s, r);
        for (c, ch) in t.channels.iter().enumerate() {
            let k = &ch.total;
            assert!(k.offered > 0);
            assert_eq!(
                k.offered,
                k.answered + k.abandoned + k.blocked + k.unfinished,
                "channel {c} replication {r}"
            );
            assert_eq!(
                k.unfinished, 0,
                "agents come back, so every contact finishes"
            );
            assert!(k.answered_within <= k.answered && k.waited <= k.offered - k.blocked);
            let mut sum = supportsim::stats::IntervalTally::default();
            for i in &ch.intervals {
                assert_eq!(
                    i.offered,
                    i.answered + i.abandoned + i.blocked + i.unfinished
                );
                sum.add(i);
            }
            assert_eq!(
                (sum.offered, sum.answered, sum.abandoned, sum.blocked),
                (k.offered, k.answered, k.abandoned, k.blocked)
            );
            assert!((sum.busy_s - k.busy_s).abs() < 1e-6 * k.busy_s.max(1.0));
            assert_eq!(ch.waits.count(), k.answered);
        }
        // agent time: busy never exceeds staffed, in total and per interval
        for g in &t.groups {
            assert!(g.busy_s <= g.staffed_s + 1e-6);
            for (b, s) in g.busy_intervals.iter().zip(&g.staffed_intervals) {
                assert!(*b <= *s + 1e-6, "busy {b} > staffed {s}");
            }
        }
    }
}

#[test]
fn staffed_time_follows_the_plan_and_leavers_finish_their_contact() {
    let s = scenario(DAY);
    let plan: f64 = s.groups[0]
        .size
        .values()
        .iter()
        .map(|&n| f64::from(n) * 1800.0)
        .sum();
    for r in 0..4 {
        let t = simulate(&s, r);
        let staffed = t.groups[0].staffed_s;
        // Agents who leave while busy stay on duty until their contact ends: a little over the plan, never under.
        assert!(
            staffed >= plan - 1e-6,
            "staffed {staffed} below plan {plan}"
        );
        assert!(
            staffed <= plan * 1.02,
            "staffed {staffed} far above plan {plan}"
        );
        for (i, (&n, &st)) in s.groups[0]
            .size
            .values()
            .iter()
            .zip(&t.groups[0].staffed_intervals)
            .enumerate()
        {
            assert!(st >= f64::from(n) * 1800.0 - 1e-6, "interval {i}");
        }
        assert_eq!(t.groups[1].staffed_s, 2.0 * 8.0 * 3600.0);
    }
}

#[test]
fn common_random_numbers_same_contacts_whatever_the_staffing() {
    let a = scenario(DAY);
    let b = scenario(
        &DAY.replace("size = 2\n", "size = 5\n")
            .replace("[4, 5, 8,", "[6, 7, 9,"),
    );
    for r in 0..3 {
        let (ta, tb) = (simulate(&a, r), simulate(&b, r));
        for c in 0..2 {
            assert_eq!(
                ta.channels[c].total.offered, tb.channels[c].total.offered,
                "same arrivals"
            );
            let (ia, ib): (Vec<u64>, Vec<u64>) = ta.channels[c]
                .intervals
                .iter()
                .zip(&tb.channels[c].intervals)
                .map(|(x, y)| (x.offered, y.offered))
                .unzip();
            assert_eq!(ia, ib);
        }
        assert_ne!(
            ta.channels[1].total.wait_answered_s, tb.channels[1].total.wait_answered_s,
            "but different service"
        );
    }
    // A channel's stream is keyed by its name: adding a channel leaves the others' contacts unchanged.
    let c = scenario(&DAY.replace("[[groups]]\nname = \"sales\"", "[[channels]]\nname = \"vip\"\nkind = \"voice\"\narrivals = { per_hour = 10 }\nhandle_time = { dist = \"exponential\", mean = \"3m\" }\n\n[[groups]]\nname = \"sales\"").replace("skills = { sales = 1.0 }", "skills = { sales = 1.0, vip = 1.0 }"));
    let (ta, tc) = (simulate(&a, 0), simulate(&c, 0));
    assert_eq!(ta.channels[0].total.offered, tc.channels[0].total.offered);
}

#[test]
fn lower_proficiency_lengthens_handle_time_by_the_curve() {
    let base = r#"
name = "proficiency"
seed = 5
replications = 8
horizon = "20h"
[[channels]]
name = "q"
kind = "voice"
arrivals = { per_hour = 20 }
handle_time = { dist = "exponential", mean = "5m" }
[[groups]]
name = "g"
size = 30
skills = { q = PROF }
"#;
    for (extra, prof, multiplier) in [
        ("", "1.0", 1.0),
        ("", "0.5", 2.0),
        (
            "[proficiency]\ncurve = \"linear\"\nslowest = 3.0\n",
            "0.5",
            2.0,
        ),
        (
            "[proficiency]\ncurve = \"power\"\nexponent = 0.5\n",
            "0.25",
            2.0,
        ),
    ] {
        let s = scenario(&format!("{}\n{extra}", base.replace("PROF", prof)));
        let report = Report::build(&s, &run_replications(&s));
        let aht = report.channels["q"].contacts.aht_s;
        let (m, ci) = (aht.mean.expect("answered"), aht.ci95.expect("ci"));
        let expected = 300.0 * multiplier;
        assert!(
            (m - expected).abs() <= 4.0 * ci / 2.36 + 0.01 * expected,
            "prof {prof} {extra}: AHT {m} ± {ci}, expected {expected}"
        );
    }
}

#[test]
fn time_varying_arrivals_follow_the_profile() {
    let s = scenario(DAY);
    let report = Report::build(&s, &run_replications(&s));
    let rows = &report.intervals["phone"];
    let rates = s.channels[0].arrivals_per_hour.values();
    let mut within = 0;
    for (i, row) in rows.iter().enumerate() {
        let expected = rates[i] / 2.0; // per half hour
        let m = row.contacts.offered.mean.expect("mean");
        // 6 replications of a Poisson count: se = sqrt(expected / 6)
        if (m - expected).abs() <= 4.0 * (expected / 6.0).sqrt() {
            within += 1;
        }
    }
    assert_eq!(
        within,
        rows.len(),
        "offered per interval follows the rate profile"
    );
    // the staffing plan shows in staffed_agents (phone is served by "day" only)
    for (i, row) in rows.iter().enumerate() {
        let planned = f64::from(s.groups[0].size.values()[i]);
        let got = row.staffed_agents.mean.expect("staffed");
        assert!(
            got >= planned - 1e-9 && got <= planned + 1.0,
            "interval {i}: {got} vs {planned}"
        );
    }
}

#[test]
fn longest_idle_routing_balances_identical_groups() {
    let s = scenario(
        r#"
name = "two identical groups"
seed = 9
replications = 4
horizon = "40h"
[[channels]]
name = "q"
kind = "voice"
arrivals = { per_hour = 96 }
handle_time = { dist = "exponential", mean = "5m" }
[[groups]]
name = "a"
size = 5
skills = { q = 1.0 }
[[groups]]
name = "b"
size = 5
skills = { q = 1.0 }
"#,
    );
    let report = Report::build(&s, &run_replications(&s));
    let (a, b) = (
        report.groups["a"].occupancy.mean.expect("a"),
        report.groups["b"].occupancy.mean.expect("b"),
    );
    assert!(
        (a - 0.8).abs() < 0.03 && (b - 0.8).abs() < 0.03 && (a - b).abs() < 0.02,
        "occupancies {a} {b}"
    );
}

#[test]
fn after_the_horizon_the_plan_repeats_and_a_queue_with_no_agents_ever_stops() {
    let text = r#"
name = "evening"
seed = 1
replications = 1
horizon = "2h"
interval = "1h"
[[channels]]
name = "q"
kind = "voice"
arrivals = { per_hour = [60, 600] }
handle_time = { dist = "exponential", mean = "5m" }
[[groups]]
name = "g"
size = [3, 0]
skills = { q = 1.0 }
"#;
    // The plan repeats: the three agents come back for the next cycle and serve everyone left waiting.
    let t = simulate(&scenario(text), 0);
    let k = &t.channels[0].total;
    assert!(
        k.waited > 500 && k.unfinished == 0 && k.offered == k.answered,
        "{k:?}"
    );
    // Nobody abandons and no agent is ever scheduled: the run must stop, not loop, and say so.
    let t = simulate(&scenario(&text.replace("size = [3, 0]", "size = 0")), 0);
    let k = &t.channels[0].total;
    assert!(
        k.offered > 600 && k.unfinished == k.offered && k.answered == 0,
        "{k:?}"
    );
}

#[test]
fn an_agent_still_busy_when_the_run_stops_counts_as_busy_in_the_window() {
    // One agent, contacts of 8 days: the first one answered is still in hand when the run stops
    // (7 days after the window); its time inside the window is busy time all the same.
    let s = scenario(
        r#"
name = "very long contacts"
seed = 2
replications = 1
horizon = "10h"
[[channels]]
name = "q"
kind = "voice"
arrivals = { per_hour = 60 }
handle_time = { dist = "fixed", mean = "8d" }
[[groups]]
name = "g"
size = 1
skills = { q = 1.0 }
"#,
    );
    let t = simulate(&s, 0);
    let occupancy = t.groups[0].busy_s / t.groups[0].staffed_s;
    assert!(occupancy > 0.95 && occupancy <= 1.0, "{occupancy}");
    assert_eq!(t.channels[0].total.answered, 1);
}
