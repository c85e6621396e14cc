//! A horizon that starts at a clock time (`start = "2026-03-02T08:00"`): days, opening hours, shifts,
//! hour-of-day means, forecast rows and training sessions keep to the calendar's midnights, and the outputs
//! read the real clock.

mod common;
use common::{column, run, scenario};

use supportsim::model::center::simulate;
use supportsim::report::csv::{groups_csv, intervals_csv};
use supportsim::scenario::Scenario;

fn rejected(text: &str) -> String {
    Scenario::from_toml(text, "test.toml", None)
        .expect_err("should be rejected")
        .to_string()
}

/// One or more days of half-hours: a phone line open on weekdays 08:00-18:00 (Saturdays closed), a
/// weekday shift 08:00-16:00 of 4 agents and one 12:00-18:00 of 3. `START` and `HORIZON` are spliced in.
const OFFICE: &str = r#"
name = "office"
seed = 5
replications = 3
horizon = "HORIZON"
interval = "30m"
start = "START"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_day = 400, profile = { all = [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,3,3,3,3,2,2,2,2,3,3,3,3,2,2,2,2,1,1,0,0,0,0,0,0,0,0,0,0,0,0] } }
handle_time = { dist = "exponential", mean = "4m" }
open = { weekday = ["08:00", "18:00"], saturday = "closed", sunday = "closed" }
[[groups]]
name = "agents"
skills = { phone = 1.0 }
shifts = [
  { days = "weekday", start = "08:00", end = "16:00", agents = 4 },
  { days = "weekday", start = "12:00", end = "18:00", agents = 3 },
]
"#;

fn office(start: &str, horizon: &str) -> String {
    OFFICE.replace("START", start).replace("HORIZON", horizon)
}

#[test]
fn a_clock_start_shifts_every_calendar_table_by_its_intervals() {
    // Monday 08:00 to Tuesday 08:00 is the midnight-started Monday moved on by 16 half-hours: the
    // Tuesday night that closes it is a weekday night like Monday's.
    let at_eight = scenario(&office("2026-03-02T08:00", "1d"));
    let midnight = scenario(&office("2026-03-02", "1d"));
    assert_eq!(at_eight.calendar.start_clock_s, 8.0 * 3600.0);
    let (a, m) = (&at_eight.channels[0], &midnight.channels[0]);
    for k in 0..48i64 {
        assert_eq!(a.open.at(k), m.open.at(k + 16), "open, interval {k}");
        assert_eq!(
            a.arrivals_per_hour.at(k),
            m.arrivals_per_hour.at(k + 16),
            "arrivals, interval {k}"
        );
    }
    // The shifts too: agents on duty in each interval, 4 from 08:00, 7 from 12:00, 3 from 16:00.
    let (ta, tm) = (simulate(&at_eight, 0), simulate(&midnight, 0));
    let width = 1800.0;
    for k in 0..48 {
        let on = ta.groups[0].staffed_intervals[k] / width;
        let expected = tm.groups[0].staffed_intervals[(k + 16) % 48] / width;
        assert!(
            (on - expected).abs() < 1e-9,
            "interval {k}: {on} agents, expected {expected}"
        );
    }
    assert_eq!(ta.groups[0].staffed_intervals[0] / width, 4.0);
    assert_eq!(ta.groups[0].staffed_intervals[8] / width, 7.0);
    // After 18:00 only agents finishing a call are on the floor; by 19:00 nobody.
    assert_eq!(ta.groups[0].staffed_intervals[22], 0.0);
}

#[test]
fn days_change_at_midnight_not_a_day_after_the_start() {
    // Friday 2026-03-06 12:00 to Saturday 12:00: the line and the shifts are Friday's until midnight,
    // then Saturday's (closed, no weekday shifts).
    let s = scenario(&office("2026-03-06T12:00", "1d"));
    let t = simulate(&s, 0);
    for k in 0..48usize {
        let clock_h = 12.0 + k as f64 / 2.0;
        let friday_open = clock_h < 18.0;
        assert_eq!(s.channels[0].open.at(k as i64), friday_open, "interval {k}");
        let agents = t.groups[0].staffed_intervals[k] / 1800.0;
        let expected = match clock_h {
            h if h < 16.0 => 7.0,
            h if h < 18.0 => 3.0,
            _ => 0.0,
        };
        // An agent at the end of a shift finishes the call in hand: up to one interval later.
        let after_end = [16.0, 18.0].contains(&clock_h);
        let ok = if after_end {
            agents >= expected && agents < expected + 3.0
        } else {
            agents == expected
        };
        assert!(
            ok,
            "interval {k} ({clock_h} h): {agents} agents, expected {expected}"
        );
    }
    // Nobody arrives on the closed Saturday morning.
    assert!(t.channels[0].intervals[12..].iter().all(|i| i.offered == 0));
}

#[test]
fn outputs_carry_the_real_clock_and_weekday() {
    let report = run(&office("2026-03-02T08:00", "1d"));
    for csv in [intervals_csv(&report), groups_csv(&report)] {
        let start = column(&csv, "start");
        let weekday = column(&csv, "weekday");
        assert_eq!(start[0], "2026-03-02T08:00", "{csv}");
        assert_eq!(weekday[0], "Mon");
        assert_eq!(start[31], "2026-03-02T23:30");
        assert_eq!(start[32], "2026-03-03T00:00");
        assert_eq!(weekday[32], "Tue");
        assert_eq!(column(&csv, "end")[47], "2026-03-03T08:00");
    }
    // Staffed while open: no warning of open intervals without agents.
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let text =
        supportsim::scenario::resolved::to_toml(&scenario(&office("2026-03-02T08:00", "1d")));
    assert!(text.contains("start = \"2026-03-02T08:00\""), "{text}");
}

#[test]
fn the_resolved_scenario_keeps_the_clock_start() {
    for start in ["2026-03-02T08:00", "2026-03-06T12:00"] {
        let s = scenario(&office(start, "2d"));
        let text = supportsim::scenario::resolved::to_toml(&s);
        let again = Scenario::from_toml(&text, "resolved.toml", None)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(s.calendar, again.calendar);
        assert_eq!(
            s.channels[0].open, again.channels[0].open,
            "{start}\n{text}"
        );
        assert_eq!(
            s.channels[0].arrivals_per_hour,
            again.channels[0].arrivals_per_hour
        );
        let (a, b) = (simulate(&s, 1), simulate(&again, 1));
        assert_eq!(a.channels[0].total, b.channels[0].total);
    }
}

#[test]
fn hour_of_day_means_count_from_midnight() {
    // Calls between 08:00 and 09:00 take 10 minutes, every other hour 1 minute: a horizon starting at
    // 08:00 sees the long calls in its first hour, not at 16:00.
    let hours: Vec<String> = (0..24)
        .map(|h| {
            if h == 8 {
                "\"10m\"".into()
            } else {
                "\"1m\"".into()
            }
        })
        .collect();
    let text = format!(
        r#"
name = "hourly"
seed = 9
replications = 1
horizon = "2h"
interval = "1h"
start = "2026-03-02T08:00"
[[channels]]
name = "phone"
kind = "voice"
arrivals = {{ per_hour = 300 }}
handle_time = {{ dist = "exponential", mean = "1m", mean_by_hour = [{}] }}
[[groups]]
name = "agents"
size = 200
skills = {{ phone = 1.0 }}
"#,
        hours.join(", ")
    );
    let t = simulate(&scenario(&text), 0);
    let aht = |k: usize| {
        let i = &t.channels[0].intervals[k];
        i.handle_s / i.answered as f64
    };
    // ~300 exponential calls an hour: the mean is within 4 standard errors (mean / sqrt(n)).
    let n = t.channels[0].intervals[0].answered as f64;
    assert!(
        (aht(0) - 600.0).abs() < 4.0 * 600.0 / n.sqrt(),
        "08:00-09:00: {}",
        aht(0)
    );
    let n = t.channels[0].intervals[1].answered as f64;
    assert!(
        (aht(1) - 60.0).abs() < 4.0 * 60.0 / n.sqrt(),
        "09:00-10:00: {}",
        aht(1)
    );
}

#[test]
fn forecast_rows_and_training_sessions_use_the_clock() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let csv = dir.path().join("forecast.csv");
    std::fs::write(
        &csv,
        "start,channel,contacts\n2026-03-02T08:00,phone,10\n2026-03-02T08:30,phone,20\n",
    )
    .expect("written");
    let text = format!(
        r#"
name = "forecast"
horizon = "1h"
interval = "30m"
start = "2026-03-02T08:00"
[[channels]]
name = "phone"
kind = "voice"
arrivals = {{ file = "{}" }}
handle_time = {{ dist = "exponential", mean = "3m" }}
[[groups]]
name = "agents"
size = 5
skills = {{ phone = 1.0 }}
"#,
        csv.display()
    );
    let s = scenario(&text);
    assert_eq!(s.channels[0].arrivals_per_hour.values(), &[20.0, 40.0]);
    // A row before the start is outside the horizon.
    std::fs::write(&csv, "start,channel,contacts\n2026-03-02T07:30,phone,10\n").expect("written");
    let e = rejected(&text);
    assert!(
        e.contains("outside the horizon") && e.contains("2026-03-02T08:00"),
        "{e}"
    );

    // A session on day 1 at 07:00 would begin before a horizon starting at 08:00.
    let training = office("2026-03-02T08:00", "1d")
        + r#"
[[training]]
name = "course"
group = "agents"
participants = 2
sessions = [{ day = 1, at = "07:00", duration = "2h" }]
gain = { phone = 0.1 }
"#;
    let e = rejected(&training);
    assert!(e.contains("before the horizon starts at 08:00"), "{e}");
    let ok = training.replace("at = \"07:00\"", "at = \"09:00\"");
    let s = scenario(&ok);
    let t = simulate(&s, 0);
    // Two participants in class 09:00-11:00: 2 x 2 h of training time.
    assert!(
        (t.training_s[0] - 4.0 * 3600.0).abs() < 1e-6,
        "{:?}",
        t.training_s
    );
}

#[test]
fn the_planner_refuses_day_targets_and_rosters_with_the_fix() {
    let base = office("2026-03-02T08:00", "1d");
    let s = scenario(&base);
    let refused = |extra: &str| {
        let text = format!("{base}{extra}");
        supportsim::scenario::planning::Planning::from_toml(&text, "test.toml", &s)
            .expect_err("should be refused")
            .to_string()
    };
    let e = refused("\n[planning]\nholds = \"day\"\n");
    assert!(
        e.contains("planning.holds") && e.contains("start = \"2026-03-02\""),
        "{e}"
    );
    // Per-interval targets plan as usual.
    let text = format!("{base}\n[planning]\nholds = \"interval\"\n");
    let p = supportsim::scenario::planning::Planning::from_toml(&text, "test.toml", &s);
    assert!(p.is_ok_and(|p| p.is_some()));
}
