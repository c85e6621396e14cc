//! Every independent problem of a file in one pass (issue 13: "some errors reported one at a time"): the
//! checks inside a channel, a training programme and `[planning]` used to stop at their first problem;
//! now each is reported with its line, and a problem that only follows from another is not.

use std::path::Path;
use supportsim::scenario::Scenario;
use supportsim::scenario::planning::Planning;

/// Two bad channels, a bad training programme and bad `[planning]` settings.
const BAD: &str = r#"name = "batch"
horizon = "1d"
interval = "1h"
[[channels]]
name = "phone"
kind = "fax"
arrivals = { per_hour = 20, forecast_cv = 5 }
handle_time = { dist = "exponential", mean = "3m" }
follow_up = { share = 2, delay = { dist = "exponential", mean = "-1h" }, handle_time = { dist = "exponential", mean = "5m" } }
[[channels]]
name = "chat"
kind = "voice"
arrivals = { per_hour = 10 }
handle_time = { dist = "exponential", mean = "4m" }
callback = { offer_after = "-2m", accept = 0.5, handle_time = { dist = "exponential", mean = "-3m" } }
overflow = { after = "-1m", to = ["nobody"] }
[[groups]]
name = "agents"
size = 3
skills = { phone = 1.0, chat = 1.0 }
[[training]]
name = "course"
group = "trainees"
share = 3
sessions = [{ day = 1, at = "25:00", duration = "1h" }]
fixed_cost = -5
[planning]
confidence = 2
gap = 5
"#;

/// The lines of a message that start a problem (`file:line:column: ...`).
fn problems(message: &str, file: &str) -> Vec<String> {
    message
        .lines()
        .map(|l| l.strip_prefix("error: ").unwrap_or(l))
        .filter(|l| l.starts_with(&format!("{file}:")))
        .map(str::to_string)
        .collect()
}

#[test]
fn two_bad_channels_a_bad_programme_and_bad_planning_keys_are_all_reported_by_one_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, BAD).expect("write");
    let o = assert_cmd::Command::cargo_bin("supportsim")
        .expect("the binary is built")
        .arg("check")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let shown = path.display().to_string();
    let found = problems(&stderr, &shown);
    // (line, key): each problem on its own line of the file; the ones marked "new" used to be hidden
    // behind the first problem of their channel, programme or section.
    let expected = [
        (6, "channels[0].kind = \"fax\""),
        (7, "channels[0].arrivals.forecast_cv = 5"), // new
        (9, "channels[0].follow_up.share = 2"),
        (9, "channels[0].follow_up.delay"), // new
        (15, "channels[1].callback.offer_after"),
        (15, "channels[1].callback.handle_time"), // new
        (16, "channels[1].overflow.after"),
        (16, "channels[1].overflow.to: no group is named \"nobody\""), // new
        (23, "training[0].group = \"trainees\""),
        (24, "training[0].share = 3"),                  // new
        (25, "training[0].sessions[0].at = \"25:00\""), // new
        (26, "training[0].fixed_cost = -5"),            // new
        (28, "planning.confidence = 2"),                // new
        (29, "planning.gap = 5"),                       // new
    ];
    for (line, key) in expected {
        let prefix = format!("{shown}:{line}:");
        assert!(
            found
                .iter()
                .any(|p| p.starts_with(&prefix) && p.contains(&format!(": {key}"))),
            "no problem at line {line} about {key}:\n{stderr}"
        );
    }
    // Nothing else: no problem that only follows from one of these.
    assert_eq!(found.len(), expected.len(), "{stderr}");
}

#[test]
fn a_programme_for_a_refused_group_is_not_reported_as_naming_no_group() {
    let text = r#"name = "x"
horizon = "1d"
interval = "1h"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 20 }
handle_time = { dist = "exponential", mean = "3m" }
[[groups]]
name = "agents"
size = 3
skills = { phone = 1.0 }
[[groups]]
name = "trainees"
size = -1
skills = { phone = 0.5 }
[[training]]
name = "course"
group = "trainees"
sessions = [{ day = 1, at = "09:00", duration = "1h" }]
"#;
    let err = Scenario::from_toml(text, "t.toml", None)
        .expect_err("refused")
        .to_string();
    let found = problems(&err, "t.toml");
    assert_eq!(found.len(), 1, "{err}");
    assert!(
        found[0].starts_with("t.toml:15:8: groups[1].size = -1"),
        "{err}"
    );
}

#[test]
fn every_problem_of_every_shift_template_is_reported_at_once() {
    let text = r#"name = "x"
horizon = "1d"
interval = "30m"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 20 }
handle_time = { dist = "exponential", mean = "3m" }
[[groups]]
name = "agents"
size = 3
skills = { phone = 1.0 }
[planning]
[[planning.shifts]]
name = "early"
group = "nobody"
starts = ["25:00"]
length = "8h"
cost_per_hour = 20
cost = 150
[[planning.shifts]]
name = "late"
group = "agents"
starts = ["14:10"]
length = "7h45m"
breaks = [{ after = "13m", duration = "30m" }]
max = -3
"#;
    let s = Scenario::from_toml(text, "t.toml", None).expect("the scenario is valid");
    let err = Planning::from_toml(text, "t.toml", &s)
        .expect_err("refused")
        .to_string();
    let found = problems(&err, "t.toml");
    let expected = [
        "t.toml:16:9: planning.shifts[0].group = \"nobody\"",
        "t.toml:17:10: planning.shifts[0].starts: give start times",
        "t.toml:20:8: planning.shifts[0]: give cost_per_hour or cost (per shift), not both",
        "t.toml:24:10: planning.shifts[1].starts: every start must fall on an interval boundary",
        "t.toml:25:10: planning.shifts[1].length = \"7h45m\"",
        "t.toml:27:7: planning.shifts[1].max = -3",
    ];
    for want in expected {
        assert!(found.iter().any(|p| p.starts_with(want)), "{want}\n{err}");
    }
    // The break is not checked against a refused length.
    assert_eq!(found.len(), expected.len(), "{err}");
}

#[test]
fn check_reads_the_planning_section_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("p.toml");
    let text = include_str!("../scenarios/erlang-a.toml").to_string()
        + "\n[planning]\nholds = \"month\"\n";
    std::fs::write(&path, &text).expect("write");
    let o = assert_cmd::Command::cargo_bin("supportsim")
        .expect("the binary is built")
        .arg("check")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("planning.holds = \"month\": use \"interval\""),
        "{stderr}"
    );
    assert!(Path::new(&path).exists());
}
