//! Issue 14, "Headlines that do not mislead": returning contacts follow the opening hours, standards a
//! scenario does not model read "not modelled", intervals of shares stay in [0, 1], a run that offers
//! contacts to a channel with nobody on duty says so.

mod common;
use common::{mean, run, scenario};

const ERLANG_A: &str = include_str!("../scenarios/erlang-a.toml");

#[test]
fn standards_the_simplest_example_does_not_model_read_not_modelled() {
    let r = run(&ERLANG_A.replace("replications = 8", "replications = 2"));
    // No announcements, no resolution, no retry, no complaints: four standards are not modelled.
    for name in ["speed", "transparency", "accuracy", "efficiency", "action"] {
        let row = &r.standards[name];
        assert!(!row.modelled, "{name}");
        assert_eq!(row.met, None, "{name}: neither met nor missed");
    }
    for name in ["time", "accessibility", "friendliness"] {
        assert!(r.standards[name].modelled, "{name}");
        assert!(r.standards[name].met.is_some(), "{name}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&supportsim::report::json::summary_json(&r)).expect("json");
    assert_eq!(json["standards"]["transparency"]["modelled"], false);
    assert!(json["standards"]["transparency"]["met"].is_null());
    let text = supportsim::report::table::render(&r);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.trim_start_matches(['│', ' ']).starts_with(name))
            .unwrap_or_else(|| panic!("no {name} row in\n{text}"))
            .to_string()
    };
    for name in ["transparency", "speed"] {
        let l = line(name);
        assert!(l.contains("not modelled"), "{l}");
        // No value (100% FCR without `resolution` is no result), neither met nor missed.
        let cells: Vec<&str> = l.split(['│', '┆']).map(str::trim).collect();
        assert_eq!(cells[3], "-", "{l}");
        assert!(!l.contains("MISSED") && !l.contains("┆ met"), "{l}");
    }
    assert!(!line("time").contains("not modelled"));
    // With announcements the same scenario models transparency again.
    let announced = ERLANG_A
        .replace("replications = 8", "replications = 2")
        .replace(
            "target = { within",
            "announce = { share = 1.0, patience_factor = 1.2 }\ntarget = { within",
        );
    let s = scenario(&announced);
    assert!(supportsim::report::standard_modelled(&s, "transparency"));
    assert!(!supportsim::report::standard_modelled(&s, "speed"));
}

/// A line open 08:00-18:00 every day where unresolved customers come back a day later: today they came
/// back into the night, to a closed line.
fn service_line(open: &str) -> String {
    format!(
        r#"
name = "day line"
seed = 5
replications = 3
horizon = "4d"
interval = "1h"

[[channels]]
name = "phone"
kind = "voice"
arrivals = {{ per_hour = [0, 0, 0, 0, 0, 0, 0, 0, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 0, 0, 0, 0, 0, 0] }}
handle_time = {{ dist = "exponential", mean = "4m" }}
patience = {{ dist = "exponential", mean = "3m" }}
target = {{ within = "30s", share = 0.80 }}
resolution = {{ first_contact = 0.7, accuracy = 1.0 }}
repeat = {{ delay = {{ dist = "exponential", mean = "5h" }}, give_up = 0.1 }}
retry = {{ share = 0.5, delay = {{ dist = "exponential", mean = "2h" }} }}
{open}

[[groups]]
name = "agents"
size = [0, 0, 0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 0, 0, 0, 0, 0, 0]
skills = {{ phone = 1.0 }}
"#
    )
}

#[test]
fn repeats_and_retries_come_back_while_the_channel_is_open() {
    let hours = r#"open = { weekday = ["08:00", "18:00"], saturday = ["08:00", "18:00"], sunday = ["08:00", "18:00"] }"#;
    let r = run(&service_line(hours));
    let rows = &r.intervals["phone"];
    let offered = |i: usize| mean(&rows[i].contacts.offered);
    let blocked = |i: usize| mean(&rows[i].contacts.blocked);
    let night: Vec<usize> = (0..rows.len())
        .filter(|i| !(8..18).contains(&(i % 24)))
        .collect();
    // Nothing arrives while the line is closed: not the first contacts, not the repeats and retries.
    for &i in &night {
        assert_eq!(offered(i), 0.0, "interval {i}");
    }
    assert_eq!((0..rows.len()).map(blocked).sum::<f64>(), 0.0);
    // The returning contacts are there, spread over the day rather than piled up at opening: first
    // contacts are 60 an hour, so every hour after the first day carries more than that, and the 08:00
    // hour carries less than twice the others' mean.
    let day = |d: usize| (d * 24 + 8..d * 24 + 18).collect::<Vec<_>>();
    for d in 1..4 {
        let hours = day(d);
        let m = hours.iter().map(|&i| offered(i)).sum::<f64>() / hours.len() as f64;
        assert!(m > 68.0, "day {d}: {m} an hour");
        assert!(
            offered(hours[0]) < 2.0 * m,
            "day {d}: opening hour {}",
            offered(hours[0])
        );
    }
    // Without opening hours the channel is open around the clock and the repeats come back at night:
    // the rule changes nothing there.
    let around = run(&service_line(""));
    let rows = &around.intervals["phone"];
    let at_night: f64 = night.iter().map(|&i| mean(&rows[i].contacts.offered)).sum();
    assert!(at_night > 100.0, "{at_night}");
}

/// Every `{mean, ci95, ...}` object in `v` with its path.
fn estimates(v: &serde_json::Value, path: String, out: &mut Vec<(String, serde_json::Value)>) {
    match v {
        serde_json::Value::Object(map) if map.contains_key("mean") && map.contains_key("ci95") => {
            out.push((path, v.clone()))
        }
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                estimates(child, format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// A share by its key, as docs/output.md names them.
fn is_share(path: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or("");
    let parent = path.rsplit('.').nth(1).unwrap_or("");
    parent == "levels"
        || parent == "held_down_by"
        || last.contains("service_level")
        || last.ends_with("_rate")
        || last.ends_with("_share")
        || last == "level_4_or_above"
        || matches!(last, "prob_wait" | "occupancy" | "p_target_missed")
        || (path.starts_with(".standards") && last == "value" && !path.contains("efficiency"))
}

#[test]
fn every_interval_of_a_share_in_every_example_stays_inside_0_and_1() {
    let mut shares = 0;
    for entry in std::fs::read_dir("scenarios").expect("scenarios/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        // Few replications (wide intervals: the hard case) and at most four weeks, to keep the test fast.
        let text = std::fs::read_to_string(&path).expect("readable");
        let text = regex_free_replace(&text, "replications = ", "replications = 3");
        let text = text.replace("horizon = \"364d\"", "horizon = \"14d\"");
        // Data files (a forecast CSV) are read beside the example, as when it is run.
        let s = supportsim::scenario::Scenario::from_toml(
            &text,
            &path.display().to_string(),
            path.parent(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let r =
            supportsim::report::Report::build(&s, &supportsim::experiment::run_replications(&s));
        let json: serde_json::Value =
            serde_json::from_str(&supportsim::report::json::summary_json(&r)).expect("json");
        let mut all = Vec::new();
        estimates(&json, String::new(), &mut all);
        for (p, e) in &all {
            let (Some(m), Some(h)) = (e["mean"].as_f64(), e["ci95"].as_f64()) else {
                continue;
            };
            let lo = e.get("ci95_low").and_then(|v| v.as_f64()).unwrap_or(m - h);
            let hi = e.get("ci95_high").and_then(|v| v.as_f64()).unwrap_or(m + h);
            assert!(
                lo <= m + 1e-12 && m <= hi + 1e-12,
                "{}: {p} {e}",
                path.display()
            );
            if is_share(p) && (0.0..=1.0).contains(&m) {
                shares += 1;
                assert!(
                    lo >= -1e-12 && hi <= 1.0 + 1e-12,
                    "{}: {p} = {e}",
                    path.display()
                );
            }
            // Every KPI of a run is a count, a time, a cost or a share: none can be negative.
            if m >= 0.0 {
                assert!(lo >= -1e-12, "{}: {p} = {e}", path.display());
            }
        }
    }
    assert!(shares > 500, "{shares} shares checked");
}

/// `text` with the value after `key` on its line replaced by `with` (the rest of the line kept).
fn regex_free_replace(text: &str, key: &str, with: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with(key) {
                let rest = l.find('#').map_or("", |i| &l[i..]);
                format!("{with} {rest}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_channel_open_with_nobody_on_duty_is_named_with_its_intervals() {
    // Open around the clock (no `open`), staffed 08:00-18:00: the repeats come back at night to nobody.
    let r = run(&service_line(""));
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    let w = &r.warnings[0];
    assert_eq!(w.channel, "phone");
    // No warm-up: nobody comes back before the first evening. Then every night from 19:00 (agents still
    // finishing calls after 18:00 are on duty) to 08:00, the last night ending with the horizon at midnight.
    let hour = 3600.0;
    assert_eq!(
        w.intervals,
        vec![
            (19.0 * hour, 32.0 * hour),
            (43.0 * hour, 56.0 * hour),
            (67.0 * hour, 80.0 * hour),
            (91.0 * hour, 96.0 * hour)
        ]
    );
    assert!(w.offered > 100.0);
    assert!(
        w.message.starts_with("phone: ")
            && w.message
                .contains("Mon 19:00-08:00, Tue 19:00-08:00, Wed 19:00-08:00, Thu 19:00-24:00"),
        "{}",
        w.message
    );
    let json: serde_json::Value =
        serde_json::from_str(&supportsim::report::json::summary_json(&r)).expect("json");
    assert_eq!(json["warnings"][0]["channel"], "phone");
    // With its opening hours the same line warns of nothing: nobody arrives while it is unstaffed.
    let hours = r#"open = { weekday = ["08:00", "18:00"], saturday = ["08:00", "18:00"], sunday = ["08:00", "18:00"] }"#;
    assert!(run(&service_line(hours)).warnings.is_empty());
    // `run` prints it on stderr.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("line.toml");
    std::fs::write(&file, service_line("")).expect("written");
    let o = assert_cmd::Command::cargo_bin("supportsim")
        .expect("built")
        .args([
            "run",
            file.to_str().expect("utf-8"),
            "--replications",
            "2",
            "--no-plots",
            "--out",
        ])
        .arg(dir.path().join("out"))
        .output()
        .expect("runs");
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("warning: phone: ") && err.contains("Mon 19:00-08:00"),
        "{err}"
    );
    // So does `compare`, naming the scenario: the line without opening hours, not the one with them.
    let open_file = dir.path().join("open.toml");
    std::fs::write(&open_file, service_line(hours)).expect("written");
    let o = assert_cmd::Command::cargo_bin("supportsim")
        .expect("built")
        .args([
            "compare",
            file.to_str().expect("utf-8"),
            open_file.to_str().expect("utf-8"),
        ])
        .args(["--replications", "2", "--no-plots", "--out"])
        .arg(dir.path().join("cmp"))
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    let warned: Vec<&str> = err.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(warned.len(), 1, "{err}");
    assert!(warned[0].contains("line.toml: phone: "), "{err}");
    // And `sweep`, naming the point.
    let o = assert_cmd::Command::cargo_bin("supportsim")
        .expect("built")
        .args(["sweep", file.to_str().expect("utf-8")])
        .args([
            "--set",
            "seed=1,2",
            "--replications",
            "2",
            "--no-plots",
            "--out",
        ])
        .arg(dir.path().join("sweep"))
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("warning: point seed=1: phone: ")
            && err.contains("warning: point seed=2: phone: "),
        "{err}"
    );
}

#[test]
fn the_run_table_says_contacts_are_followed_past_the_horizon() {
    let r = run(&service_line(""));
    let text = supportsim::report::table::render(&r);
    assert!(
        text.contains("Contacts arriving in the 4d horizon are followed until they finish"),
        "{text}"
    );
    assert!(
        text.contains("waiting when the horizon ended: phone"),
        "{text}"
    );
}

#[test]
fn contacts_in_service_at_the_horizon_end_average_the_offered_load() {
    // Erlang C: 100 calls an hour of 3 minutes on 8 agents; every call is served, so the mean number in
    // service at any instant in steady state is the offered load a = 100 x 3 / 60 = 5 erlangs.
    let text = r#"
name = "busy at the end"
seed = 11
replications = 60
horizon = "4h"
interval = "1h"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 100 }
handle_time = { dist = "exponential", mean = "3m" }
[[groups]]
name = "agents"
size = 8
skills = { phone = 1.0 }
"#;
    let r = run(text);
    let e = &r.channels["phone"].in_service_end;
    let (m, h) = (mean(e), e.ci95.expect("an interval"));
    // Twice the 95% half-width is about four standard errors: no flake, and a count of nobody (0) or of
    // the whole staff (8) fails.
    assert!(
        (m - 5.0).abs() <= 2.0 * h,
        "in service at the end: {m} ± {h}"
    );
    let table = supportsim::report::table::render(&r);
    assert!(
        table.contains("in service at horizon end") && table.contains("; in service: phone "),
        "{table}"
    );
}

#[test]
fn csv_intervals_carry_the_bounded_ends_of_every_interval() {
    let r = run(&ERLANG_A.replace("replications = 8", "replications = 2"));
    let shares = [
        "service_level",
        "service_level_answered",
        "abandon_rate",
        "prob_wait",
        "occupancy",
        "p_target_missed",
        "level_1_share",
        "level_4_share",
    ];
    let counts = ["offered", "answered", "abandoned", "backlog"];
    for csv in [
        supportsim::report::csv::intervals_csv(&r),
        supportsim::report::csv::groups_csv(&r),
        supportsim::report::csv::summary_csv(&r),
    ] {
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
        let col = |n: &str| header.iter().position(|h| *h == n);
        let mut wide = 0;
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            let num = |c: usize| cells[c].parse::<f64>().ok();
            for name in shares.iter().chain(&counts).chain(&["staffed_agents"]) {
                let (Some(m), Some(h), Some(lo), Some(hi)) = (
                    col(name),
                    col(&format!("{name}_ci95")),
                    col(&format!("{name}_low")),
                    col(&format!("{name}_high")),
                ) else {
                    continue;
                };
                let (Some(m), Some(lo), Some(hi)) = (num(m), num(lo), num(hi)) else {
                    continue;
                };
                assert!(
                    lo <= m + 1e-12 && m <= hi + 1e-12,
                    "{name}: {lo} <= {m} <= {hi}"
                );
                assert!(lo >= 0.0, "{name}: low {lo} below 0");
                if shares.contains(name) {
                    assert!(hi <= 1.0, "{name}: high {hi} above 1");
                    if num(h).is_some_and(|h| m + h > 1.0 || m - h < 0.0) {
                        wide += 1;
                    }
                }
            }
        }
        // Two replications make wide intervals: some share's mean ± ci95 leaves [0, 1] in intervals.csv,
        // which is why the ends are given.
        if header[0] == "channel" && header.contains(&"interval") {
            assert!(wide > 0, "no share interval needed bounding");
        }
        assert!(
            col("service_level_low").is_some() || col("occupancy_low").is_some(),
            "{}",
            header.join(",")
        );
    }
}
