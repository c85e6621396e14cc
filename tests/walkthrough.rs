//! docs/walkthrough.md tells the truth: its TOML blocks are the files in scenarios/walkthrough/, every
//! `supportsim` command in it runs as written (from a folder holding those files), and the numbers it
//! quotes are the ones those commands produce. A change to the engine that moves them fails here, with
//! the number to correct in the doc.

use serde_json::Value;
use std::path::Path;

const DOC: &str = include_str!("../docs/walkthrough.md");

/// The contents of the doc's fenced blocks of one language.
fn blocks(lang: &str) -> Vec<String> {
    let fence = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = DOC;
    while let Some(start) = rest.find(&fence) {
        let body = &rest[start + fence.len()..];
        let end = body.find("```").expect("a closed block");
        out.push(body[..end].to_string());
        rest = &body[end..][3..];
    }
    out
}

/// The doc's prose with its line breaks folded, so a quoted phrase may wrap.
fn prose() -> String {
    DOC.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn says(phrase: &str) {
    assert!(
        prose().contains(phrase),
        "docs/walkthrough.md should say \"{phrase}\" (what the commands print now)"
    );
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("json")
}

fn pct(x: &Value) -> String {
    format!("{:.2}%", 100.0 * x.as_f64().expect("a number"))
}

#[test]
fn the_walkthrough_files_are_in_the_doc_as_they_are() {
    let toml = blocks("toml");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/walkthrough");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios/walkthrough")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable");
        assert!(
            toml.contains(&text),
            "docs/walkthrough.md should show {} exactly as it is",
            f.display()
        );
    }
    assert_eq!(toml.len(), files.len(), "every TOML block is a file");
}

#[test]
fn every_command_runs_as_written_and_the_numbers_are_what_it_prints() {
    // A folder like a user's checkout: scenarios/walkthrough/ and nothing else, outputs under output/.
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path().join("scenarios/walkthrough");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for name in ["first.toml", "roster.toml"] {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("scenarios/walkthrough")
                .join(name),
            dir.join(name),
        )
        .expect("copy");
    }
    let commands: Vec<String> = blocks("sh")
        .iter()
        .flat_map(|b| b.lines().map(str::to_string).collect::<Vec<_>>())
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(commands.len(), 6, "{commands:?}");
    let mut printed = Vec::new();
    for line in &commands {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], "supportsim", "{line}");
        let o = assert_cmd::Command::cargo_bin("supportsim")
            .expect("the binary is built")
            .args(&words[1..])
            .current_dir(root.path())
            .output()
            .expect("runs");
        assert!(
            o.status.success(),
            "{line}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        printed.push(String::from_utf8(o.stdout).expect("utf-8"));
    }
    let out = root.path().join("output");

    // Steps 1 and 2: check, then run.
    assert!(
        printed[0].contains("ok: \"my first center\""),
        "{}",
        printed[0]
    );
    let phone = &json(&out.join("first/summary.json"))["channels"]["phone"];
    says(&format!(
        "{} ± {:.2} against the 80% target",
        pct(&phone["service_level"]["mean"]),
        100.0 * phone["service_level"]["ci95"].as_f64().expect("ci")
    ));
    says(&format!(
        "{} of callers hang up",
        pct(&phone["abandon_rate"]["mean"])
    ));
    says(&format!(
        "here {}: every day",
        pct(&phone["p_target_missed"]["mean"])
    ));
    assert_eq!(phone["p_target_missed"]["mean"], 1.0);

    // Step 3: the sweep.
    let sweep = json(&out.join("sweep-first/sweep.json"));
    let points = sweep["points"].as_array().expect("points");
    let sl: Vec<String> = points
        .iter()
        .map(|p| pct(&p["summary"]["channels"]["phone"]["service_level"]["mean"]))
        .collect();
    assert_eq!(sl.len(), 4);
    says(&format!(
        "{} with 9 agents, {} with 10, {} with 11, {} with 12",
        sl[0], sl[1], sl[2], sl[3]
    ));
    says(&format!("ten are just short on average ({})", sl[1]));

    // Step 4: Erlang, as a table as written, and its numbers in JSON.
    let erlang = &commands[3];
    assert!(printed[3].contains("positions"), "{}", printed[3]);
    let o = assert_cmd::Command::cargo_bin("supportsim")
        .expect("binary")
        .args(erlang.split_whitespace().skip(1))
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let e: Value = serde_json::from_slice(&o.stdout).expect("json");
    let (agents, positions) = (
        e["agents"].as_u64().expect("n"),
        e["positions"].as_u64().expect("n"),
    );
    says(&format!(
        "**{agents} agents** on the phones (service level {})",
        pct(&e["service_level"])
    ));
    says(&format!(
        "**{positions} paid positions**: ⌈{agents} / (1 − 0.3)⌉"
    ));
    assert_eq!(positions, (agents as f64 / 0.7).ceil() as u64);

    // Step 5: the plan and its roster run. planned.toml must be runnable (its seed a TOML integer).
    let plan = json(&out.join("plan-roster/plan.json"));
    let shifts: u64 = plan["shifts"]
        .as_array()
        .expect("shifts")
        .iter()
        .map(|s| s["count"].as_u64().expect("count"))
        .sum();
    let met = &plan["targets"][0];
    assert_eq!(met["intervals_met"], met["intervals_judged"]);
    says(&format!(
        "here {shifts} shifts (the `shifts.csv` file lists them, breaks placed), {:.1} paid hours for {:.2}, and the target met in {} of {} open half hours",
        plan["paid_hours"].as_f64().expect("hours"),
        plan["cost"].as_f64().expect("cost"),
        met["intervals_met"],
        met["intervals_judged"]
    ));
    says(&format!("{positions} positions × 10 open hours"));
    assert!(printed[5].contains("(planned)"), "{}", printed[5]);
    let planned = json(&out.join("planned/summary.json"));
    says(&format!(
        "Its service level over the day is {}",
        pct(&planned["channels"]["phone"]["service_level"]["mean"])
    ));
}
