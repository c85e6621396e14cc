//! `supportsim plan` through the binary: the files it writes, planned.toml reproducing the check, a given
//! requirement with an interval no shift can cover, and bad input (exit code 2, nothing written).

use assert_cmd::Command;
use std::path::Path;

fn bin() -> Command {
    Command::cargo_bin("supportsim").expect("the binary is built")
}

fn plan(args: &[&str]) -> std::process::Output {
    bin().arg("plan").args(args).output().expect("runs")
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).expect("csv");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let mut rows = vec![header];
    rows.extend(
        r.records()
            .map(|x| x.expect("row").iter().map(String::from).collect()),
    );
    rows
}

#[test]
fn the_planned_day_holds_and_planned_toml_repeats_the_check() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("plan");
    let o = plan(&[
        "scenarios/plan-day.toml",
        "--out",
        out.to_str().expect("utf-8"),
        "--no-plots",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("phone: targets met in"), "{stdout}");
    for f in [
        "plan.csv",
        "shifts.csv",
        "planned.toml",
        "plan.json",
        "plan.xlsx",
        "report.html",
    ] {
        assert!(out.join(f).is_file(), "{f} written");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).expect("json"))
            .expect("parses");
    assert_eq!(
        json["check_misses"].as_array().map(Vec::len),
        Some(0),
        "{json}"
    );
    // Every break of every shift lies inside the window its template allows.
    let shifts = csv_rows(&out.join("shifts.csv"));
    assert_eq!(
        shifts[0],
        [
            "template", "group", "day", "weekday", "start", "end", "breaks", "count", "cost"
        ]
    );
    let minutes = |t: &str| {
        let (h, m) = t.split_once(':').expect("hh:mm");
        h.parse::<i64>().expect("h") * 60 + m.parse::<i64>().expect("m")
    };
    for row in &shifts[1..] {
        let start = minutes(&row[4]);
        let breaks: Vec<i64> = row[6]
            .split(' ')
            .map(|b| minutes(b.split('-').next().expect("start")) - start)
            .collect();
        match row[0].as_str() {
            "full day" => {
                assert_eq!(breaks.len(), 2);
                assert!(
                    (120..=180).contains(&breaks[0]) && (240..=300).contains(&breaks[1]),
                    "{row:?}"
                );
            }
            "part time" => assert!(
                breaks.len() == 1 && (120..=240).contains(&breaks[0]),
                "{row:?}"
            ),
            other => panic!("unknown template {other}"),
        }
    }
    // The planned scenario, run, gives the check's numbers: plan.csv's service level per interval.
    let run_out = dir.path().join("run");
    let o = bin()
        .args([
            "run",
            out.join("planned.toml").to_str().expect("utf-8"),
            "--out",
            run_out.to_str().expect("utf-8"),
            "--no-plots",
        ])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let planned = csv_rows(&out.join("plan.csv"));
    let run = csv_rows(&run_out.join("intervals.csv"));
    let col =
        |rows: &[Vec<String>], name: &str| rows[0].iter().position(|h| h == name).expect("column");
    let (ps, rs) = (col(&planned, "service_level"), col(&run, "service_level"));
    let (pt, rt) = (col(&planned, "start_s"), col(&run, "start_s"));
    let mut compared = 0;
    for p in &planned[1..] {
        let r = run[1..]
            .iter()
            .find(|r| r[rt] == p[pt])
            .expect("same interval");
        assert_eq!(p[ps], r[rs], "interval {}", p[pt]);
        compared += !p[ps].is_empty() as usize;
    }
    assert!(compared > 40, "{compared} intervals with contacts compared");
}

#[test]
fn a_given_requirement_with_an_uncoverable_interval_still_gets_a_plan() {
    let dir = tempfile::tempdir().expect("dir");
    let req = dir.path().join("need.csv");
    // 03:00 is outside opening hours: no shift may be on the floor then.
    let mut text = String::from("start,group,agents\n");
    for h in 8..18 {
        text.push_str(&format!("{h:02}:00,agents,12\n{h:02}:30,agents,12\n"));
    }
    text.push_str("03:00,agents,4\n");
    std::fs::write(&req, text).expect("write");
    let out = dir.path().join("plan");
    let o = plan(&[
        "scenarios/plan-day.toml",
        "--requirement",
        req.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
        "--no-plots",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json on stdout");
    let short = json["short"].as_array().expect("short");
    assert!(
        short
            .iter()
            .any(|x| x["start_s"] == 3.0 * 3600.0 && x["required"] == 4 && x["scheduled"] == 0),
        "{short:?}"
    );
    assert!(
        json["shifts"].as_array().is_some_and(|s| !s.is_empty()),
        "a plan came back"
    );
    assert_eq!(json["search_simulations"], 0);
    let rows = csv_rows(&out.join("plan.csv"));
    let need = rows[0]
        .iter()
        .position(|h| h == "simulated_requirement")
        .expect("column");
    assert!(
        rows[1..].iter().all(|r| r[need].is_empty()),
        "no simulated requirement when given"
    );
}

#[test]
fn bad_planning_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let base = std::fs::read_to_string("scenarios/plan-day.toml").expect("example");
    for (bad, expect) in [
        (
            base.replace("max_occupancy = 0.9", "max_occupancy = 1.5"),
            "planning.max_occupancy = 1.5",
        ),
        (
            base.replace("length = \"6h\"", "length = \"6h10m\""),
            "length",
        ),
        (
            base.replace(
                "group = \"agents\"\nstarts = { from = \"07:00\", to = \"15:00\"",
                "group = \"agnets\"\nstarts = { from = \"07:00\", to = \"15:00\"",
            ),
            "planning.shifts[1].group = \"agnets\"",
        ),
    ] {
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, &bad).expect("write");
        let out = dir.path().join("out");
        let o = plan(&[
            path.to_str().expect("utf-8"),
            "--out",
            out.to_str().expect("utf-8"),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(expect) && stderr.contains("bad.toml:"),
            "{stderr}"
        );
        assert!(!out.exists(), "nothing written");
    }
    let req = dir.path().join("need.csv");
    std::fs::write(&req, "start,group,agents\n08:00,nobody,3\n").expect("write");
    let o = plan(&[
        "scenarios/plan-day.toml",
        "--requirement",
        req.to_str().expect("utf-8"),
        "--out",
        dir.path().join("o2").to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("need.csv:2: group \"nobody\""), "{stderr}");
}

#[test]
fn the_omnichannel_week_is_planned_end_to_end_and_its_roster_meets_the_targets() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("plan");
    let o = plan(&[
        "scenarios/omnichannel.toml",
        "--out",
        out.to_str().expect("utf-8"),
        "--no-plots",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        json["check_misses"].as_array().map(Vec::len),
        Some(0),
        "{}",
        json["check_misses"]
    );
    assert_eq!(
        json["short"].as_array().map(Vec::len),
        Some(0),
        "{}",
        json["short"]
    );
    for t in json["targets"].as_array().expect("targets") {
        assert_eq!(t["intervals_met"], t["intervals_judged"], "{t}");
    }
    // The roster as a scenario: `supportsim run planned.toml` meets every channel's service level.
    let run = bin()
        .args([
            "run",
            out.join("planned.toml").to_str().expect("utf-8"),
            "--no-plots",
            "--format",
            "json",
            "--out",
            dir.path().join("run").to_str().expect("utf-8"),
        ])
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).expect("summary json");
    for (name, share) in [
        ("phone", 0.8),
        ("chat", 0.8),
        ("email", 0.9),
        ("social media", 0.9),
    ] {
        let sl = summary["channels"][name]["service_level"]["mean"]
            .as_f64()
            .expect("service level");
        assert!(sl >= share, "{name}: {sl}");
    }
}
