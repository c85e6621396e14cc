//! Shrinkage as planners mean it (issue 14): a share of the agents present is off the phones in every
//! interval, so the staffed time is (1 − s) × the time on the floor, a plan of ⌈n / (1 − s)⌉ positions
//! keeps n on the phones, and whole-day absence (`absence`) is a different thing with its own draws.

mod common;
use common::{mean, run, scenario};

use supportsim::model::center::simulate;
use supportsim::staffing::{QueueModel, positions};

/// A week of one phone line at a flat 200 calls an hour, AHT 3 minutes (10 Erlangs, Erlang C: 14 agents
/// for 80/20), 30-minute intervals; GROUP is replaced by the group's head-count keys.
const LINE: &str = r#"
name = "line"
seed = 5
replications = 20
horizon = "7d"
warmup = "1h"
interval = "30m"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 200 }
handle_time = { dist = "exponential", mean = "3m" }
target = { within = "20s", share = 0.8 }
[[groups]]
name = "agents"
skills = { phone = 1.0 }
GROUP
"#;

fn line(group: &str) -> String {
    LINE.replace("GROUP", group)
}

/// The window is 7 days of 48 intervals; every replication's per-interval deviation from s·n is one
/// Bernoulli draw of the rounding, whose time lies in [0, width]: variance at most width²/4.
#[test]
fn a_size_plan_loses_its_share_and_the_rest_is_staffed() {
    let s = scenario(&line("size = 10\nshrinkage = 0.25"));
    let window_h = 7.0 * 24.0;
    let (mut staffed, mut shrink) = (0.0, 0.0);
    let reps = 10u64;
    for r in 0..reps {
        let t = simulate(&s, r);
        let g = &t.groups[0];
        // Every interval: 2 or 3 of the 10 off (2.5 on average), so 7 or 8 staffed, never fewer, and
        // more only by agents finishing the call in hand (at most one leaves per boundary).
        for (i, (&st, &sh)) in g
            .staffed_intervals
            .iter()
            .zip(&g.shrinkage_intervals)
            .enumerate()
        {
            assert!(
                (sh - 2.0 * 1800.0).abs() < 1e-6 || (sh - 3.0 * 1800.0).abs() < 1e-6,
                "interval {i}: {sh} agent-seconds off the phones"
            );
            assert!(
                st >= 10.0 * 1800.0 - sh - 1e-6,
                "interval {i}: staffed {st}"
            );
        }
        staffed += g.staffed_s / 3600.0;
        shrink += g.shrinkage_s / 3600.0;
    }
    // 336 intervals × 10 replications: the total off-phone time's standard deviation is at most
    // 0.5 h / 2 × sqrt(3360) = 14.5 h; 4.5 of them is 65 h out of the expected 4,200.
    let scheduled = 10.0 * window_h * reps as f64;
    assert!(
        (shrink - 0.25 * scheduled).abs() < 65.0,
        "off the phones {shrink} h, expected {}",
        0.25 * scheduled
    );
    // Staffed: the rest, plus the finishing calls (at most one agent per boundary finishing a call whose
    // remaining time has mean 3 minutes: under 3,360 × 0.05 h = 168 h in expectation).
    let rest = scheduled - shrink;
    assert!(
        staffed >= rest - 1e-6 && staffed < rest + 168.0,
        "staffed {staffed} h, {rest} h on the floor"
    );
}

/// The contract of `erlang --shrinkage` and the planner: 14 agents on the phones meet 80/20 on this line,
/// 20 positions at 30% shrinkage keep 14 on the phones, so the simulated service level is Erlang C's for
/// 14 agents; the same 20 seats with 30% whole-day absence keep 14 only on average and do worse.
#[test]
fn positions_for_the_shrinkage_hold_in_simulation() {
    let model = QueueModel::new('c', 200.0, 180.0, None).expect("valid");
    let erlang_14 = model.service_level(14, 20.0).expect("stable");
    assert!(erlang_14 >= 0.8, "{erlang_14}");
    let seats = positions(14, 0.3).expect("valid");
    assert_eq!(seats, 20);
    let shrunk = run(&line(&format!("size = {seats}\nshrinkage = 0.3")));
    let sl = &shrunk.channels["phone"].contacts.service_level;
    let half = sl.ci95.expect("20 replications");
    // 14 on the phones in every interval: the week's service level is Erlang C's (the simulation's own
    // interval, widened by 0.01 for the warm-up and the agents finishing calls at the boundaries).
    assert!(
        (mean(sl) - erlang_14).abs() < half + 0.01,
        "simulated {} ± {half}, Erlang C {erlang_14}",
        mean(sl)
    );
    let g = &shrunk.groups["agents"];
    let on_phones = mean(&g.staffed_hours) / (7.0 * 24.0);
    assert!(
        (on_phones - 14.0).abs() < 0.05,
        "{on_phones} agents staffed"
    );
    // Whole-day absence at the same rate: 20 seats keep 14 on average, but some days far fewer.
    let absent = run(&line(&format!("size = {seats}\nabsence = 0.3")));
    let asl = &absent.channels["phone"].contacts.service_level;
    assert!(
        mean(asl) + asl.ci95.expect("ci") < mean(sl) - half,
        "absence {} ± {:?}, shrinkage {} ± {half}",
        mean(asl),
        asl.ci95,
        mean(sl)
    );
}

/// On shifts, with breaks and whole-day absence: absence comes first (the same keyed draws as without
/// shrinkage), then shrinkage takes its share of the agents on the floor (present and not on a break).
#[test]
fn on_shifts_shrinkage_takes_its_share_of_the_present_agents_off_break() {
    let week = |keys: &str| {
        format!(
            r#"
name = "shifts"
seed = 8
replications = 12
horizon = "7d"
interval = "30m"
start = "monday"
[[channels]]
name = "phone"
kind = "voice"
arrivals = {{ per_hour = 6 }}
handle_time = {{ dist = "exponential", mean = "4m" }}
patience = {{ dist = "exponential", mean = "5m" }}
[[groups]]
name = "team"
skills = {{ phone = 1.0 }}
{keys}
shifts = [
  {{ days = "weekday", start = "08:00", end = "16:00", agents = 25, breaks = [{{ within = ["11:00", "13:00"], duration = "30m" }}] }},
  {{ days = ["saturday"], start = "09:00", end = "13:00", agents = 8 }},
]
"#
        )
    };
    let both = scenario(&week("absence = 0.1\nshrinkage = 0.3"));
    let absence_only = scenario(&week("absence = 0.1"));
    // Scheduled shift time in the window: 5 weekdays × 25 × 8 h + 8 × 4 h.
    let scheduled_h = 5.0 * 25.0 * 8.0 + 8.0 * 4.0;
    let (mut off, mut floor) = (0.0, 0.0);
    let reps = 12u64;
    for r in 0..reps {
        let (a, b) = (simulate(&absence_only, r), simulate(&both, r));
        let (ga, gb) = (&a.groups[0], &b.groups[0]);
        // The same absences and breaks: absence is drawn first, with its own keys.
        assert_eq!(ga.break_s, gb.break_s);
        let absent_h = ga.shrinkage_s / 3600.0;
        assert!(absent_h > 0.0);
        off += (gb.shrinkage_s - ga.shrinkage_s) / 3600.0;
        floor += scheduled_h - absent_h - ga.break_s / 3600.0;
    }
    // Per interval the rounding's deviation is one draw of time in [0, 0.5 h] (variance at most
    // 0.0625 h²); at most 336 × 12 intervals have agents: a standard deviation of at most 15.9 h, and
    // 4.5 of them is 72 h of the expected 0.3 × ~10,000 h. Shrinkage taken of the scheduled time instead
    // (breaks included) would be 0.3 × 12 × 62.5 = 225 h more.
    assert!(
        (off - 0.3 * floor).abs() < 72.0,
        "off the phones {off} h of {floor} h on the floor: {}",
        off / floor
    );
}
