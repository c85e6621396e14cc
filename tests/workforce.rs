//! Shifts, breaks, absence and shrinkage: the staffed time follows the schedule, breaks and absence show as group
//! states, night shifts cross midnight, and agents finish what they hold when a shift or break starts.

mod common;
use common::{mean, scenario};

use supportsim::experiment::run_replications;
use supportsim::model::center::simulate;
use supportsim::report::Report;
use supportsim::scenario::Scenario;

const WEEK: &str = r#"
name = "shifts"
seed = 8
replications = 12
horizon = "7d"
interval = "30m"
start = "monday"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 6 }
handle_time = { dist = "exponential", mean = "4m" }
patience = { dist = "exponential", mean = "5m" }
[[groups]]
name = "team"
skills = { phone = 1.0 }
SHRINKAGE
shifts = [
  { days = "weekday", start = "08:00", end = "16:00", agents = 5, breaks = [{ at = "12:00", duration = "30m" }] },
  { days = ["saturday"], start = "09:00", end = "13:00", agents = 2 },
  { days = "all", start = "22:00", end = "06:00", agents = 1, breaks = [{ within = ["01:00", "03:00"], duration = "20m" }] },
]
"#;

#[test]
fn staffed_time_follows_shifts_and_breaks() {
    let s = scenario(&WEEK.replace("SHRINKAGE", ""));
    // Weekdays: 5 agents × (8 h − 30 min); Saturday: 2 × 4 h; nights: 1 × (8 h − 20 min) every night, of which
    // the horizon holds 6 full nights plus Sunday night's first 2 h, and Monday 00:00-06:00 (the night that
    // began before the horizon, simulated as the previous night of the repeating week).
    let planned_h = 5.0 * 5.0 * 7.5 + 2.0 * 4.0 + 6.0 * (8.0 - 1.0 / 3.0) + 2.0 + 6.0;
    let breaks_h = 5.0 * 5.0 * 0.5 + 6.0 * (1.0 / 3.0) + 1.0 / 3.0;
    for r in 0..3 {
        let t = simulate(&s, r);
        let g = &t.groups[0];
        let staffed_h = g.staffed_s / 3600.0;
        // Agents finish the contact in hand when a break or shift starts: a little over the plan, never under.
        assert!(
            staffed_h >= planned_h - 1e-6 && staffed_h < planned_h + 2.0,
            "staffed {staffed_h} h, planned {planned_h} h"
        );
        assert!(
            (g.break_s / 3600.0 - breaks_h).abs() < 1e-6,
            "breaks {} h",
            g.break_s / 3600.0
        );
        assert_eq!(g.shrinkage_s, 0.0);
        // Sunday daytime: nobody scheduled, so no call is answered then (calls wait for the night agent).
        let sunday_noon = 6 * 48 + 24;
        assert_eq!(g.staffed_intervals[sunday_noon], 0.0);
        // Weekday 12:00-12:30: all five on their break at once.
        assert!(
            g.staffed_intervals[24] <= 1800.0 * 1.0 + 1e-6,
            "{}",
            g.staffed_intervals[24]
        );
        // Every call is answered or abandons: nobody is left over.
        let k = &t.channels[0].total;
        assert_eq!(k.offered, k.answered + k.abandoned + k.unfinished);
        assert_eq!(k.unfinished, 0);
    }
}

#[test]
fn absence_removes_its_share_of_scheduled_time() {
    let s = scenario(&WEEK.replace("SHRINKAGE", "absence = 0.2"));
    let r = Report::build(&s, &run_replications(&s));
    let g = &r.groups["team"];
    let (staffed, shrink, breaks) = (
        mean(&g.staffed_hours),
        mean(&g.shrinkage_hours),
        mean(&g.break_hours),
    );
    // Scheduled = staffed + breaks + absence; absence about 20% of the scheduled shift time.
    let scheduled = staffed + breaks + shrink;
    let share = shrink / scheduled;
    let se = g.shrinkage_hours.ci95.expect("ci") / 2.2 / scheduled;
    assert!(
        (share - 0.2).abs() < 4.0 * se + 0.01,
        "absence share {share} (se {se})"
    );
    // States add up: handling + idle = staffed.
    assert!((mean(&g.handling_hours) + mean(&g.idle_hours) - staffed).abs() < 1e-6);
    let none = scenario(&WEEK.replace("SHRINKAGE", ""));
    let r0 = Report::build(&none, &run_replications(&none));
    assert!(mean(&r0.groups["team"].staffed_hours) > staffed * 1.15);
}

#[test]
fn the_resolved_scenario_reproduces_shift_runs() {
    let s = scenario(&WEEK.replace("SHRINKAGE", "absence = 0.1\nshrinkage = 0.2"));
    let text = supportsim::scenario::resolved::to_toml(&s);
    assert!(
        text.contains("absence = 0.1\n") && text.contains("shrinkage = 0.2\n"),
        "{text}"
    );
    let again =
        Scenario::from_toml(&text, "resolved.toml", None).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(s.groups[0].shifts, again.groups[0].shifts);
    let (a, b) = (simulate(&s, 1), simulate(&again, 1));
    assert_eq!(a.groups[0], b.groups[0]);
    assert_eq!(a.channels[0].total, b.channels[0].total);
}

#[test]
fn shift_mistakes_are_explained() {
    let base = WEEK.replace("SHRINKAGE", "");
    for (from, to, message) in [
        (
            "shifts = [",
            "size = 3\nshifts = [",
            "groups[0]: give either size or shifts, not both",
        ),
        (
            "{ days = [\"saturday\"]",
            "{ days = [\"caturday\"]",
            "groups[0].shifts[1].days: \"caturday\" is not a day",
        ),
        (
            "{ at = \"12:00\", duration = \"30m\" }",
            "{ at = \"17:00\", duration = \"30m\" }",
            "groups[0].shifts[0].breaks[0]: the break must fit inside the shift (08:00 to 16:00)",
        ),
        (
            "{ at = \"12:00\", duration = \"30m\" }",
            "{ duration = \"30m\" }",
            "groups[0].shifts[0].breaks[0]: give either at = \"HH:MM\" or within",
        ),
        (
            "start = \"08:00\"",
            "start = \"8am\"",
            "groups[0].shifts[0].start = \"8am\": give a time of day \"HH:MM\"",
        ),
        (
            "agents = 5",
            "agents = -5",
            "groups[0].shifts[0].agents = -5: must be a whole number from 0 to 100000",
        ),
        (
            "SHRINKAGE",
            "shrinkage = 1.0",
            "groups[0].shrinkage = 1: must be at least 0 and below 1",
        ),
        (
            "SHRINKAGE",
            "absence = -0.1",
            "groups[0].absence = -0.1: must be at least 0 and below 1",
        ),
        (
            "horizon = \"7d\"",
            "horizon = \"36h\"",
            "groups[0].shifts: calendar features need an interval that divides a day",
        ),
    ] {
        let source = if from == "SHRINKAGE" {
            WEEK.to_string()
        } else {
            base.clone()
        };
        let text = source.replace(from, to);
        assert_ne!(text, source, "{from}");
        let text = text.replace("SHRINKAGE", "");
        let err = Scenario::from_toml(&text, "test.toml", None)
            .expect_err("rejected")
            .to_string();
        assert!(err.contains(message), "{to}:\n{err}");
    }
}
