//! Hostile names and thread counts (issue 13, hardening): a channel named `=HYPERLINK("http://x")` and a
//! group named `+cmd|calc` stay inert text in every CSV that `run`, `sweep` and `compare` write (OWASP's
//! CSV-injection advice), numbers stay numbers; control characters in names never reach the terminal raw;
//! `--threads 100000` is cut to what helps, with a note.

use assert_cmd::Command;
use std::path::Path;

fn bin() -> Command {
    Command::cargo_bin("supportsim").expect("the binary is built")
}

const CHANNEL: &str = "=HYPERLINK(\"http://x\")";
const GROUP: &str = "+cmd|calc";

/// The Erlang A example, one day (so that compare writes a day timeline), two replications, with hostile
/// names for its channel and its group.
fn hostile_scenario() -> String {
    let toml_name = CHANNEL.replace('"', "\\\"");
    include_str!("../scenarios/erlang-a.toml")
        .replace("name = \"phone\"", &format!("name = \"{toml_name}\""))
        .replace(
            "skills = { phone = 1.0 }",
            &format!("skills = {{ \"{toml_name}\" = 1.0 }}"),
        )
        .replace("name = \"agents\"", &format!("name = \"{GROUP}\""))
        .replace("replications = 8", "replications = 2")
        .replace("horizon = \"10h\"", "horizon = \"1d\"")
        .replace("per_hour = 114.0", "per_hour = 30.0")
        .replace("size = 10", "size = 4")
}

/// Every field of a CSV file, the header's too.
fn fields(text: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .flat_map(|r| {
            r.expect("a CSV record")
                .iter()
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Checks one CSV: no field a spreadsheet would evaluate (numbers aside, a negative one included), and
/// each of `escaped` present as a whole field. Returns whether it holds a negative number.
fn check_csv(name: &str, text: &str, escaped: &[String]) -> bool {
    let fields = fields(text);
    for f in &fields {
        let live = f.starts_with(['=', '+', '-', '@', '\t', '\r']);
        assert!(
            !live || f.parse::<f64>().is_ok(),
            "{name}: a live formula {f:?}"
        );
    }
    for e in escaped {
        assert!(fields.contains(e), "{name}: no field {e:?}");
    }
    fields
        .iter()
        .any(|f| f.starts_with('-') && f.parse::<f64>().is_ok())
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn names_that_look_like_formulas_stay_text_in_every_csv_of_run_sweep_and_compare() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = hostile_scenario();
    std::fs::write(dir.path().join("s.toml"), &text).expect("write");
    // The second scenario of the comparison is named by its file: a name that starts with `@`.
    std::fs::write(
        dir.path().join("@x.toml"),
        text.replace("size = 4", "size = 5"),
    )
    .expect("write");
    let channel = format!("'{CHANNEL}");
    let group = format!("'{GROUP}");
    let run = |args: &[&str]| {
        let o = bin()
            .current_dir(dir.path())
            .args(args)
            .args(["--no-plots", "--quiet"])
            .output()
            .expect("runs");
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).expect("utf-8")
    };

    std::fs::create_dir(dir.path().join("run")).expect("mkdir");
    run(&["run", "s.toml", "--out", "run", "--calls", "run/calls.csv"]);
    let out = dir.path().join("run");
    check_csv(
        "intervals.csv",
        &read(&out.join("intervals.csv")),
        std::slice::from_ref(&channel),
    );
    check_csv(
        "groups.csv",
        &read(&out.join("groups.csv")),
        std::slice::from_ref(&group),
    );
    // The call log: the channel, and agents named after their group (`+cmd|calc-1`).
    check_csv(
        "calls.csv",
        &read(&out.join("calls.csv")),
        &[channel.clone(), format!("{group}-1")],
    );
    let summary = run(&["run", "s.toml", "--out", "run", "--format", "csv"]);
    check_csv("run --format csv", &summary, std::slice::from_ref(&channel));

    // A sweep of a text value: the scenario's name.
    let sweep = run(&[
        "sweep",
        "s.toml",
        "--set",
        "name=@one,-two",
        "--out",
        "sweep",
        "--format",
        "csv",
    ]);
    for csv in [sweep, read(&dir.path().join("sweep/sweep.csv"))] {
        check_csv("sweep.csv", &csv, &["'@one".into(), "'-two".into()]);
    }

    run(&["compare", "s.toml", "@x.toml", "--out", "cmp"]);
    let cmp = dir.path().join("cmp");
    let negative = check_csv(
        "comparison.csv",
        &read(&cmp.join("comparison.csv")),
        &["'@x.toml".into()],
    );
    // One more agent shortens the waits: negative differences, written as the numbers they are.
    assert!(negative, "comparison.csv: no negative difference");
    check_csv(
        "timeline.csv",
        &read(&cmp.join("timeline.csv")),
        &["'@x.toml".into()],
    );
}

#[test]
fn control_characters_in_names_are_shown_escaped_in_tables_warnings_and_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A valid scenario: its name and its channel's carry an ESC sequence, a NUL and a bell.
    let name = "ph\\u001b[2Jone\\u0000\\u0007";
    let text = include_str!("../scenarios/erlang-a.toml")
        .replace("Erlang A check", name)
        .replace("name = \"phone\"", &format!("name = \"{name}\""))
        .replace(
            "skills = { phone = 1.0 }",
            &format!("skills = {{ \"{name}\" = 1.0 }}"),
        )
        .replace("replications = 8", "replications = 2");
    let path = dir.path().join("s.toml");
    std::fs::write(&path, &text).expect("write");
    let raw = |bytes: &[u8]| bytes.iter().any(|&b| b == 0x1b || b == 0 || b == 7);
    for args in [
        vec!["run", "s.toml", "--out", "run", "--no-plots"],
        vec!["check", "s.toml"],
    ] {
        let o = bin()
            .current_dir(dir.path())
            .args(&args)
            .output()
            .expect("runs");
        assert!(o.status.success(), "{args:?}");
        assert!(
            !raw(&o.stdout) && !raw(&o.stderr),
            "{args:?}: raw control bytes in {:?}",
            String::from_utf8_lossy(&o.stdout)
        );
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("ph\\u{1b}[2Jone\\u{0}\\u{7}"),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stdout)
        );
    }
    // An invalid one: a group's skill names a channel that does not exist, with an ESC in its name.
    let bad = text.replace(
        &format!("skills = {{ \"{name}\" = 1.0 }}"),
        &format!("skills = {{ \"{name}\" = 1.0, \"x\\u001b]0;owned\\u0007\" = 1.0 }}"),
    );
    std::fs::write(&path, bad).expect("write");
    let o = bin()
        .current_dir(dir.path())
        .args(["run", "s.toml", "--out", "bad"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        !raw(&o.stderr),
        "raw control bytes: {:?}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("x\\u{1b}]0;owned\\u{7}"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!dir.path().join("bad").exists(), "nothing is written");
}

#[test]
fn a_huge_thread_count_is_cut_to_what_helps_with_a_note() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = include_str!("../scenarios/erlang-a.toml")
        .replace("replications = 8", "replications = 2")
        .replace("horizon = \"10h\"", "horizon = \"1h\"");
    std::fs::write(dir.path().join("s.toml"), text).expect("write");
    std::fs::write(
        dir.path().join("h.csv"),
        "date,start,offered,agents\n2026-05-04,08:00,10,3\n",
    )
    .expect("write");
    // Cut to the cores (2 here) or, on a machine of more cores, to the 2 replications.
    let cut = |err: &str, asked: &str| {
        let note = format!("note: {asked} cut to ");
        let line = err
            .lines()
            .find(|l| l.starts_with(&note))
            .unwrap_or_else(|| panic!("no {note:?} in {err}"));
        assert!(
            line.ends_with("(the cores this machine has)")
                || line.ends_with("(the one core this machine has)")
                || line.ends_with("(the replications to run)"),
            "{line}"
        );
        assert_eq!(err.matches(" cut to ").count(), 1, "one note: {err}");
    };
    let commands: [&[&str]; 4] = [
        &["run", "s.toml", "--out", "run", "--no-plots"],
        &[
            "sweep",
            "s.toml",
            "--set",
            "groups.agents.size=9,10",
            "--out",
            "sweep",
            "--no-plots",
        ],
        &["compare", "s.toml", "s.toml", "--out", "cmp", "--no-plots"],
        &[
            "backtest",
            "s.toml",
            "--history",
            "h.csv",
            "--replications",
            "2",
            "--out",
            "bt",
            "--no-plots",
        ],
    ];
    for args in commands {
        let o = bin()
            .current_dir(dir.path())
            .args(args)
            .args(["--threads", "100000"])
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{args:?}: {err}");
        cut(&err, "--threads 100000");
    }
    // The scheduler's count is cut the same way; --quiet leaves the note out; a count that helps has none.
    let run = |env: Option<&str>, extra: &[&str]| {
        let mut cmd = bin();
        cmd.current_dir(dir.path())
            .args(["run", "s.toml", "--out", "run", "--no-plots"])
            .args(extra)
            .env_remove("SLURM_CPUS_PER_TASK");
        if let Some(n) = env {
            cmd.env("SLURM_CPUS_PER_TASK", n);
        }
        let o = cmd.output().expect("runs");
        assert!(o.status.success());
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    cut(&run(Some("100000"), &[]), "SLURM_CPUS_PER_TASK=100000");
    assert!(!run(Some("100000"), &["--quiet"]).contains("note:"));
    assert!(!run(None, &["--threads", "1"]).contains("note:"));
}
