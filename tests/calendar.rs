//! The week: deferred backlogs, opening hours, business-hours targets, arrivals per day with intraday
//! profiles, weekdays and holidays.

mod common;
use common::{mean, scenario};

use supportsim::experiment::run_replications;
use supportsim::model::center::simulate;
use supportsim::report::Report;
use supportsim::scenario::Scenario;

fn rejected(text: &str) -> String {
    Scenario::from_toml(text, "test.toml", None)
        .expect_err("should be rejected")
        .to_string()
}

#[test]
fn a_deferred_backlog_grows_by_arrivals_minus_work_done() {
    // 3 agents, fixed 10-minute emails: 18 an hour of capacity against 30 an hour of demand.
    let s = scenario(
        r#"
name = "backlog"
seed = 1
replications = 4
horizon = "2d"
interval = "1h"
[[channels]]
name = "email"
kind = "deferred"
arrivals = { per_hour = 30 }
handle_time = { dist = "fixed", mean = "10m" }
[[groups]]
name = "g"
size = 3
skills = { email = 1.0 }
"#,
    );
    for r in 0..4 {
        let t = simulate(&s, r);
        let ch = &t.channels[0];
        for (i, &b) in ch.backlog.iter().enumerate() {
            let elapsed_h = (i + 1) as f64;
            let arrived: u64 = ch.intervals[..=i].iter().map(|k| k.offered).sum();
            // Work done by the end of hour i: 18 per hour, give or take the 3 contacts in hand.
            let expected = arrived as f64 - 18.0 * elapsed_h;
            assert!(
                (f64::from(b) - expected).abs() <= 3.0,
                "hour {i}: backlog {b}, expected {expected}"
            );
        }
        // Contacts that arrived are worked off after the horizon (the run follows them to the end).
        assert_eq!(ch.total.unfinished, 0);
        assert_eq!(ch.total.answered, ch.total.offered);
    }
}

const OFFICE: &str = r#"
name = "office hours"
seed = 2
replications = 6
horizon = "7d"
interval = "30m"
start = "monday"
[[channels]]
name = "email"
kind = "deferred"
arrivals = { per_day = 240 }
handle_time = { dist = "exponential", mean = "8m" }
target = { within = "4h", share = 0.9 BUSINESS }
open = { weekday = ["09:00", "17:00"] }
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 20 }
handle_time = { dist = "exponential", mean = "4m" }
patience = { dist = "exponential", mean = "3m" }
open = { weekday = ["08:00", "18:00"], saturday = ["09:00", "13:00"] }
[[groups]]
name = "team"
size = 6
skills = { phone = 1.0, email = 1.0 }
"#;

#[test]
fn closed_hours_receive_no_service() {
    let s = scenario(&OFFICE.replace(" BUSINESS", ""));
    let open = |c: usize, k: usize| s.channels[c].open.at(k as i64);
    for r in 0..3 {
        let t = simulate(&s, r);
        for (k, iv) in t.channels[0].intervals.iter().enumerate() {
            // No email is worked in an interval that is closed and follows a closed one (work started just
            // before closing may run a few minutes into the next interval).
            if !open(0, k) && k > 0 && !open(0, k - 1) {
                assert_eq!(iv.work_s, 0.0, "email worked in closed interval {k}");
            }
        }
        for (k, iv) in t.channels[1].intervals.iter().enumerate() {
            if !open(1, k) {
                assert_eq!(iv.offered, 0, "phone calls offered in closed interval {k}");
            }
        }
        // Sunday: both closed all day.
        let sunday = 6 * 48..7 * 48;
        assert!(
            t.channels[1].intervals[sunday.clone()]
                .iter()
                .all(|k| k.offered == 0)
        );
        // Email keeps arriving while closed and waits: the backlog at Sunday midnight is a day's mail.
        assert!(
            t.channels[0].backlog[7 * 48 - 1] > 150,
            "{}",
            t.channels[0].backlog[7 * 48 - 1]
        );
        // Saturday phones open 09:00-13:00 only.
        let saturday: u64 = t.channels[1].intervals[5 * 48..6 * 48]
            .iter()
            .map(|k| k.offered)
            .sum();
        assert!((40..=130).contains(&saturday), "{saturday}");
    }
}

#[test]
fn business_hours_count_only_opening_hours() {
    // Email open 09:00-17:00 every day, enough staff to clear the overnight mail in about two hours.
    let every_day = OFFICE
        .replace("open = { weekday = [\"09:00\", \"17:00\"] }", "open = { weekday = [\"09:00\", \"17:00\"], saturday = [\"09:00\", \"17:00\"], sunday = [\"09:00\", \"17:00\"] }")
        .replace("size = 6", "size = 10");
    let run = |text: String| {
        let s = scenario(&text);
        Report::build(&s, &run_replications(&s))
    };
    let calendar = run(every_day.replace(" BUSINESS", ""));
    let business = run(every_day.replace(" BUSINESS", ", business_hours = true"));
    let (cal, bus) = (
        mean(&calendar.channels["email"].contacts.service_level),
        mean(&business.channels["email"].contacts.service_level),
    );
    // Mail arriving overnight waits for 09:00: late in real time, on time in business hours.
    assert!(cal < 0.6, "calendar-time service level {cal}");
    assert!(bus > 0.9, "business-hours service level {bus}");
    // The waits themselves are real time either way.
    assert_eq!(
        calendar.channels["email"].contacts.asa_s.mean,
        business.channels["email"].contacts.asa_s.mean
    );
    assert!(business.channels["email"].backlog_end_of_day.mean.is_some());
}

#[test]
fn per_day_volumes_follow_the_profile_weekdays_and_holidays() {
    let profile_morning: Vec<String> = (0..24)
        .map(|h| if (8..12).contains(&h) { "3" } else { "1" }.to_string())
        .collect();
    let text = format!(
        r#"
name = "profiles"
seed = 3
replications = 20
horizon = "7d"
interval = "1h"
start = "wednesday"
holidays = [1]
[[channels]]
name = "phone"
kind = "voice"
arrivals = {{ per_day = [700, 700, 700, 700, 700, 300, 100], profile = {{ all = [{}] }} }}
handle_time = {{ dist = "exponential", mean = "2m" }}
[[groups]]
name = "g"
size = 20
skills = {{ phone = 1.0 }}
"#,
        profile_morning.join(", ")
    );
    let s = scenario(&text);
    assert_eq!(
        s.calendar.day_type(0),
        supportsim::scenario::DayType::Weekday
    );
    assert_eq!(
        s.calendar.day_type(1),
        supportsim::scenario::DayType::Holiday
    );
    assert_eq!(
        s.calendar.day_type(3),
        supportsim::scenario::DayType::Saturday
    );
    let r = Report::build(&s, &run_replications(&s));
    let rows = &r.intervals["phone"];
    let day = |d: usize| {
        rows[d * 24..(d + 1) * 24]
            .iter()
            .map(|k| mean(&k.contacts.offered))
            .sum::<f64>()
    };
    // Day 1 is a holiday: closed, no calls. Other days: their volume (20 replications: se ≈ sqrt(v/20)).
    assert_eq!(day(1), 0.0);
    for (d, v) in [(0, 700.0), (2, 700.0), (5, 300.0), (6, 100.0)] {
        assert!(
            (day(d) - v).abs() < 4.0 * (v / 20.0f64).sqrt(),
            "day {d}: {} vs {v}",
            day(d)
        );
    }
    // Morning hours carry three times the weight: 3/(4·3 + 20) of the day in each.
    let nine = mean(&rows[9].contacts.offered);
    assert!(
        (nine - 700.0 * 3.0 / 32.0).abs() < 4.0 * (700.0 * 3.0 / 32.0 / 20.0f64).sqrt(),
        "{nine}"
    );
}

#[test]
fn the_resolved_scenario_reproduces_calendar_runs() {
    let s = scenario(
        &OFFICE
            .replace(" BUSINESS", ", business_hours = true")
            .replace("start = \"monday\"", "start = \"friday\"\nholidays = [3]"),
    );
    let text = supportsim::scenario::resolved::to_toml(&s);
    let again =
        Scenario::from_toml(&text, "resolved.toml", None).unwrap_or_else(|e| panic!("{e}\n{text}"));
    for c in 0..2 {
        assert_eq!(
            s.channels[c].open, again.channels[c].open,
            "opening hours of channel {c}"
        );
        assert_eq!(
            s.channels[c].arrivals_per_hour,
            again.channels[c].arrivals_per_hour
        );
    }
    let (a, b) = (simulate(&s, 0), simulate(&again, 0));
    assert_eq!(a.channels[0].total, b.channels[0].total);
    assert_eq!(a.channels[1].backlog, b.channels[1].backlog);
}

#[test]
fn calendar_mistakes_are_explained() {
    let base = OFFICE.replace(" BUSINESS", "");
    for (from, to, message) in [
        (
            "open = { weekday = [\"09:00\", \"17:00\"] }",
            "open = { weekday = [\"09:10\", \"17:00\"] }",
            "channels[0].open.weekday: \"09:10\" is not a time of day on an interval boundary",
        ),
        (
            "open = { weekday = [\"09:00\", \"17:00\"] }",
            "open = { weekday = [\"17:00\", \"09:00\"] }",
            "opens at 17:00 and closes at 09:00; the closing time must be later",
        ),
        (
            "open = { weekday = [\"09:00\", \"17:00\"] }",
            "open = { weekdays = \"24h\" }",
            "channels[0].open.weekdays: unknown day type",
        ),
        (
            "open = { weekday = [\"09:00\", \"17:00\"] }",
            "open = { holiday = \"24h\" }",
            "channels[0].open.holiday: holidays are closed",
        ),
        (
            "horizon = \"7d\"",
            "horizon = \"7d\"\nholidays = [9]",
            "holidays: day 9 is outside the horizon",
        ),
        (
            "start = \"monday\"",
            "start = \"mon\"",
            "start = \"mon\": give a weekday",
        ),
        (
            "arrivals = { per_day = 240 }",
            "arrivals = { per_day = 240, profile = { weekday = [1, 2] } }",
            "channels[0].arrivals.profile.weekday: give 48 weights >= 0",
        ),
        (
            "arrivals = { per_day = 240 }",
            "arrivals = { per_day = 240, per_hour = 10 }",
            "channels[0].arrivals: give either per_hour or per_day, not both",
        ),
        (
            "arrivals = { per_day = 240 }",
            "arrivals = { per_day = [1, 2, 3] }",
            "channels[0].arrivals.per_day: has 3 values but the horizon has 7 days",
        ),
        (
            "kind = \"deferred\"",
            "kind = \"email\"",
            "email, web forms and social media are kind = \"deferred\"",
        ),
        (
            "handle_time = { dist = \"exponential\", mean = \"8m\" }",
            "handle_time = { dist = \"exponential\", mean = \"8m\" }\npatience = { dist = \"exponential\", mean = \"8m\" }",
            "channels[0].patience: deferred work does not abandon; remove it",
        ),
        ("horizon = \"7d\"", "horizon = \"7d12h\"", "horizon"),
        (
            "interval = \"30m\"",
            "interval = \"7h\"",
            "channels[0].open: calendar features need an interval that divides a day",
        ),
    ] {
        let text = base.replace(from, to);
        assert_ne!(text, base, "{from}");
        let err = rejected(&text);
        assert!(err.contains(message), "{to}:\n{err}");
    }
}
