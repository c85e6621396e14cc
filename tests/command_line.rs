//! The command line as a user meets it: shell completions, `--quiet` and the progress bar, one table style
//! with the units `run` uses, durations written the way people write them, and headings that read
//! naturally.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn bin() -> Command {
    Command::cargo_bin("supportsim").expect("the binary is built")
}

const BASE: &str = include_str!("../scenarios/erlang-a.toml");

/// Writes `text` as scenario.toml in a fresh temp dir; returns (dir guard, scenario path, output dir).
fn scenario(text: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, text).expect("write scenario");
    let out = dir.path().join("out");
    (dir, path, out)
}

fn utf8(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Runs the binary, asserting success; returns (stdout, stderr).
fn ok(args: &[&str]) -> (String, String) {
    let o = bin().args(args).output().expect("runs");
    let (out, err) = (
        String::from_utf8(o.stdout).expect("utf-8"),
        String::from_utf8(o.stderr).expect("utf-8"),
    );
    assert!(o.status.success(), "{args:?} failed: {err}");
    (out, err)
}

#[test]
fn completions_for_every_shell_name_the_subcommands_and_flags() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef supportsim"),
        ("fish", "complete -c supportsim"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[supportsim]"),
    ] {
        let (script, _) = ok(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        for word in ["plan", "compare", "sweep", "replications", "quiet"] {
            assert!(script.contains(word), "{shell}: {word} missing");
        }
    }
    let o = bin().args(["completions", "tcsh"]).output().expect("runs");
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn completions_into_a_closed_pipe_do_not_panic() {
    // `supportsim completions bash | head -0`: the reader is gone before the script is written.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_supportsim"))
        .args(["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("waits");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.status.success(), "{err}");
}

#[test]
fn quiet_runs_print_no_progress_and_no_timing_line() {
    let (_dir, path, out) = scenario(&BASE.replace("replications = 8", "replications = 2"));
    let (table, err) = ok(&["run", utf8(&path), "--out", utf8(&out), "--no-plots"]);
    assert!(table.contains("service level"));
    // Not a terminal: the progress bar hides itself; the timing line is there.
    assert!(err.contains("simulated"), "{err}");
    assert!(
        !err.contains("replications ("),
        "a progress bar in a pipe: {err}"
    );
    let (table_quiet, err) = ok(&[
        "run",
        utf8(&path),
        "--out",
        utf8(&out),
        "--no-plots",
        "--quiet",
    ]);
    assert_eq!(err, "", "--quiet prints nothing on stderr");
    assert_eq!(table_quiet, table, "--quiet changes nothing on stdout");
    let (_, err) = ok(&[
        "compare",
        utf8(&path),
        utf8(&path),
        "--out",
        utf8(&out.join("c")),
        "--no-plots",
        "-q",
    ]);
    assert_eq!(err, "");
}

#[test]
fn one_replication_and_no_warm_up_read_naturally() {
    let text = BASE
        .replace("replications = 8", "replications = 1")
        .replace("warmup = \"2h\"", "warmup = \"0s\"");
    let (_dir, path, out) = scenario(&text);
    let (table, _) = ok(&["run", utf8(&path), "--out", utf8(&out), "--no-plots"]);
    let heading = table.lines().next().expect("a heading");
    assert!(heading.contains(": 1 replication, seed 7"), "{heading}");
    assert!(heading.contains("horizon 10h, no warm-up"), "{heading}");
    let (table, _) = ok(&[
        "run",
        utf8(&path),
        "--out",
        utf8(&out),
        "--no-plots",
        "--replications",
        "3",
    ]);
    assert!(table.contains(": 3 replications, seed 7"), "{table}");
}

#[test]
fn compound_durations_are_accepted_and_resolved_exactly() {
    let text = BASE
        .replace("horizon = \"10h\"", "horizon = \"1h30m\"")
        .replace("warmup = \"2h\"", "warmup = \"1h 30m\"")
        .replace("replications = 8", "replications = 2");
    let (_dir, path, out) = scenario(&text);
    let (table, _) = ok(&["run", utf8(&path), "--out", utf8(&out), "--no-plots"]);
    assert!(
        table.contains("horizon 1.5h after a 1.5h warm-up"),
        "{table}"
    );
    let resolved = std::fs::read_to_string(out.join("scenario.toml")).expect("scenario.toml");
    assert!(resolved.contains("horizon = \"1.5h\""), "{resolved}");
    // In the wrong order it is refused, with the key and the forms that work.
    let (_dir, path, out) = scenario(&BASE.replace("horizon = \"10h\"", "horizon = \"30m1h\""));
    let o = bin()
        .args(["run", utf8(&path), "--out", utf8(&out)])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("horizon: \"30m1h\" is not a duration") && err.contains("\"1h30m\""),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn compare_shows_shares_in_percent_and_their_differences_in_points() {
    let (dir, base, out) = scenario(&BASE.replace("replications = 8", "replications = 4"));
    let more = dir.path().join("eleven.toml");
    std::fs::write(
        &more,
        BASE.replace("replications = 8", "replications = 4")
            .replace("size = 10", "size = 11"),
    )
    .expect("write");
    let (table, _) = ok(&[
        "compare",
        utf8(&base),
        utf8(&more),
        "--out",
        utf8(&out),
        "--no-plots",
    ]);
    let row = table
        .lines()
        .find(|l| l.contains("channels.phone.service_level "))
        .unwrap_or_else(|| panic!("no service level row in {table}"));
    assert!(
        row.contains('%') && row.contains(" points"),
        "shares as run shows them: {row}"
    );
    let asa = table
        .lines()
        .find(|l| l.contains("channels.phone.asa_s"))
        .expect("an ASA row");
    assert!(asa.contains(" s"), "{asa}");
    // The table style of `run` (comfy-table's condensed UTF-8 borders).
    assert!(table.contains('│') && table.contains('╞'), "{table}");
}

#[test]
fn sweep_shows_what_a_manager_reads_and_no_cost_when_nothing_is_priced() {
    let (_dir, path, out) = scenario(&BASE.replace("replications = 8", "replications = 2"));
    let (table, _) = ok(&[
        "sweep",
        utf8(&path),
        "--set",
        "groups.agents.size=10,11",
        "--out",
        utf8(&out),
        "--no-plots",
    ]);
    let header: String = table.lines().take(4).collect::<Vec<_>>().join("\n");
    for column in ["service_level", "asa_s", "abandon_rate", "occupancy"] {
        assert!(header.contains(column), "{column} missing: {table}");
    }
    assert!(!table.contains("cost"), "nothing is priced: {table}");
    let (_dir, path, out) = scenario(
        &BASE
            .replace("replications = 8", "replications = 2")
            .replace("size = 10", "size = 10\ncost_per_hour = 30.0"),
    );
    let (table, _) = ok(&[
        "sweep",
        utf8(&path),
        "--set",
        "groups.agents.size=10,11",
        "--out",
        utf8(&out),
        "--no-plots",
    ]);
    assert!(table.contains("cost"), "priced: a cost column: {table}");
}

#[test]
fn an_output_folder_that_is_a_file_is_refused_before_anything_runs() {
    let (dir, path, _) = scenario(BASE);
    let file = dir.path().join("taken");
    std::fs::write(&file, "x").expect("write");
    for args in [
        vec!["run", utf8(&path)],
        vec!["sweep", utf8(&path), "--set", "groups.agents.size=9,10"],
        vec!["compare", utf8(&path), utf8(&path)],
    ] {
        let o = bin()
            .args(&args)
            .args(["--out", utf8(&file)])
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("a file is there, not a folder"), "{err}");
        // Refused up front: no simulation ran (its timing line would say so).
        assert!(!err.contains("simulated"), "{err}");
        assert_eq!(std::fs::read_to_string(&file).expect("read"), "x");
    }
}

#[test]
fn control_characters_in_a_name_are_not_sent_raw_to_the_terminal() {
    // A skill for a channel whose name carries an ESC sequence and a NUL: named in the error.
    let text = BASE.replace(
        "skills = { phone = 1.0 }",
        "skills = { phone = 1.0, \"x\\u001b[31mred\\u0000\" = 1.0 }",
    );
    let (_dir, path, out) = scenario(&text);
    let o = bin()
        .args(["run", utf8(&path), "--out", utf8(&out)])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        !o.stderr.contains(&0x1b) && !o.stderr.contains(&0),
        "raw control bytes: {:?}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("\\u{1b}[31mred\\u{0}"), "{err}");
}

#[test]
fn a_channel_named_like_a_formula_stays_text_in_every_csv() {
    let text = BASE
        .replace("name = \"phone\"", "name = \"=HYPERLINK(1)\"")
        .replace(
            "skills = { phone = 1.0 }",
            "skills = { \"=HYPERLINK(1)\" = 1.0 }",
        )
        .replace("replications = 8", "replications = 2");
    let (_dir, path, out) = scenario(&text);
    ok(&["run", utf8(&path), "--out", utf8(&out), "--no-plots"]);
    for name in ["intervals.csv", "groups.csv"] {
        let csv = std::fs::read_to_string(out.join(name)).expect("csv");
        if csv.contains("HYPERLINK") {
            for cell in csv.split([',', '\n']).filter(|c| c.contains("HYPERLINK")) {
                assert!(
                    cell.trim_matches('"').starts_with('\''),
                    "{name}: live formula {cell}"
                );
            }
        }
    }
    let (summary, _) = ok(&[
        "run",
        utf8(&path),
        "--out",
        utf8(&out),
        "--no-plots",
        "--format",
        "csv",
    ]);
    assert!(summary.contains("'=HYPERLINK(1)"), "{summary}");
}

#[test]
fn type_errors_and_a_single_bracket_table_get_plain_words_and_the_fix() {
    let check = |text: &str| {
        let (_dir, path, _) = scenario(text);
        let o = bin().args(["check", utf8(&path)]).output().expect("runs");
        assert_eq!(o.status.code(), Some(2));
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let err = check(&BASE.replace("replications = 8", "replications = \"eight\""));
    assert!(
        err.contains("replications: got the text \"eight\", expected a whole number"),
        "{err}"
    );
    let err = check(&BASE.replace("[[channels]]", "[channels]"));
    assert!(
        err.contains(
            "`[channels]` is one table, but channels is a list of tables: write `[[channels]]`"
        ),
        "{err}"
    );
}
