//! Regressions for cases found in review: inputs that used to crash, hang or lose work.

mod common;
use common::scenario;
use supportsim::model::center::simulate;
use supportsim::scenario::Scenario;

#[test]
fn holidays_without_whole_days_are_refused_not_a_crash() {
    let text = r#"
name = "x"
horizon = "10h"
holidays = [0]
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 10 }
handle_time = { dist = "exponential", mean = "3m" }
[[groups]]
name = "g"
size = 2
skills = { phone = 1.0 }
"#;
    let err = Scenario::from_toml(text, "t.toml", None)
        .expect_err("rejected")
        .to_string();
    assert!(
        err.contains("holidays: calendar features need a horizon of whole days"),
        "{err}"
    );
}

#[test]
fn friday_evening_mail_is_worked_on_monday() {
    // Monday to Friday; email arrives around the clock; agents work weekdays 08:00-17:00. At Friday 17:00 the
    // backlog is empty, yet mail keeps arriving until midnight: Monday's shift must still come and work it.
    let s = scenario(
        r#"
name = "weekend mail"
seed = 4
replications = 1
horizon = "5d"
interval = "1h"
start = "monday"
[[channels]]
name = "email"
kind = "deferred"
arrivals = { per_day = 48 }
handle_time = { dist = "fixed", mean = "1m" }
open = { weekday = ["08:00", "17:00"] }
[[groups]]
name = "g"
skills = { email = 1.0 }
shifts = [{ days = "weekday", start = "08:00", end = "17:00", agents = 5 }]
"#,
    );
    let t = simulate(&s, 0);
    let k = &t.channels[0].total;
    assert!(k.offered > 150);
    assert_eq!(k.unfinished, 0, "{k:?}");
    assert_eq!(k.answered, k.offered);
}

#[test]
fn overflow_groups_work_deferred_backlogs_when_the_channel_opens() {
    let s = scenario(
        r#"
name = "overflow mail"
seed = 5
replications = 1
horizon = "2d"
interval = "1h"
[[channels]]
name = "email"
kind = "deferred"
arrivals = { per_day = 100 }
handle_time = { dist = "fixed", mean = "2m" }
open = { weekday = ["08:00", "17:00"] }
overflow = { after = "1h", to = ["back office"] }
[[groups]]
name = "back office"
size = 3
skills = { email = 1.0 }
"#,
    );
    let t = simulate(&s, 0);
    let k = &t.channels[0].total;
    assert_eq!(k.unfinished, 0, "{k:?}");
    assert_eq!(k.answered, k.offered);
    assert_eq!(k.overflowed, k.answered);
}

#[test]
fn fractional_warmups_neither_hang_nor_overbook_agents() {
    // A warm-up that is not a whole number of intervals puts interval starts on inexact times: the opening
    // of a deferred channel and a 24-hour shift must still work (these used to loop and to panic).
    let s = scenario(
        r#"
name = "odd warm-up"
seed = 6
replications = 1
horizon = "2d"
warmup = "100.7s"
interval = "1m"
[[channels]]
name = "email"
kind = "deferred"
arrivals = { per_day = 500 }
handle_time = { dist = "exponential", mean = "2m" }
open = { weekday = ["09:06", "17:00"], saturday = ["09:06", "17:00"], sunday = ["09:06", "17:00"] }
[[groups]]
name = "g"
size = 4
skills = { email = 1.0 }
"#,
    );
    let k = simulate(&s, 0).channels[0].total;
    assert_eq!(k.answered + k.unfinished, k.offered);
    let s = scenario(
        r#"
name = "round the clock"
seed = 7
replications = 1
horizon = "3d"
warmup = "7.3s"
interval = "30m"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 30 }
handle_time = { dist = "exponential", mean = "4m" }
[[groups]]
name = "g"
skills = { phone = 1.0 }
shifts = [{ days = "all", start = "08:00", end = "08:00", agents = 4 }]
"#,
    );
    let t = simulate(&s, 0);
    assert!(
        (t.groups[0].staffed_s / 3600.0 - 4.0 * 72.0).abs() < 1.0,
        "{}",
        t.groups[0].staffed_s / 3600.0
    );
}

#[test]
fn resolved_scenarios_keep_midnight_windows_and_named_classes() {
    let s = scenario(
        r#"
name = "midnight"
horizon = "2d"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 10, forecast_cv = 0.05 }
handle_time = { dist = "exponential", mean = "3m" }
classes = [{ name = "everyone", share = 1.0 }]
[[groups]]
name = "g"
skills = { phone = 1.0 }
shifts = [{ days = "all", start = "00:00", end = "24:00", agents = 3, breaks = [{ within = ["20:00", "24:00"], duration = "30m" }] }]
"#,
    );
    let text = supportsim::scenario::resolved::to_toml(&s);
    let again =
        Scenario::from_toml(&text, "resolved.toml", None).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(s.groups[0].shifts, again.groups[0].shifts);
    assert_eq!(again.channels[0].classes[0].name, "everyone");
    assert_eq!(
        simulate(&s, 0).channels[0].total,
        simulate(&again, 0).channels[0].total
    );
    // "24:00" ends a day; it does not start a shift.
    let err = Scenario::from_toml(
        &text.replace("start = \"00:00\"", "start = \"24:00\""),
        "t.toml",
        None,
    )
    .expect_err("rejected")
    .to_string();
    assert!(
        err.contains("start = \"24:00\": give a time of day"),
        "{err}"
    );
}

#[test]
fn a_vanishing_forecast_cv_is_refused() {
    let err = Scenario::from_toml(
        "name = \"x\"\nhorizon = \"1d\"\n[[channels]]\nname = \"p\"\nkind = \"voice\"\narrivals = { per_hour = 5, forecast_cv = 1e-200 }\nhandle_time = { dist = \"exponential\", mean = \"1m\" }\n[[groups]]\nname = \"g\"\nsize = 1\nskills = { p = 1.0 }\n",
        "t.toml",
        None,
    )
    .expect_err("rejected")
    .to_string();
    assert!(
        err.contains("forecast_cv = 1e-200: must be 0 (no uncertainty) or between 0.001 and 2"),
        "{err}"
    );
}
