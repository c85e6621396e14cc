//! Issue 13's corpus of malformed and hostile scenarios (tests/hostile/, one file per case, the data files
//! they name beside them): each is refused by `check` and by `run` with exit code 2, a message that names
//! the file, the line (where the case has one) and the key, a pinned fragment of the message, no panic, no
//! raw control character on the terminal, and nothing written.

use std::path::{Path, PathBuf};
use std::process::Output;

/// Case file (without `.toml`), the line the message points at (`None`: the problem is the whole file),
/// the key it names, and a fragment of the message.
const CASES: &[(&str, Option<usize>, &str, &str)] = &[
    // Syntax
    (
        "syntax-unclosed-string",
        Some(1),
        "name",
        "unclosed text: end it with `\"` on the same line",
    ),
    (
        "syntax-missing-equals",
        Some(4),
        "`horizon`",
        "key with no value, expected `=`: write `horizon = <value>`",
    ),
    (
        "syntax-duplicate-key",
        Some(3),
        "`seed`",
        "duplicate key: `seed` is set twice in the same table; keep one of them",
    ),
    (
        "syntax-single-bracket-channels",
        Some(7),
        "[channels]",
        "is one table, but channels is a list of tables: write `[[channels]]`",
    ),
    (
        "syntax-raw-nul-byte",
        Some(1),
        "name",
        "a control character (U+0000) in the text: remove it",
    ),
    // Types
    (
        "type-seed-text",
        Some(2),
        "seed",
        "got the text \"seven\", expected a whole number",
    ),
    (
        "type-replications-fraction",
        Some(3),
        "replications",
        "got the number `2.5`, expected a whole number",
    ),
    (
        "type-size-text",
        Some(16),
        "groups[0].size",
        "got the text \"two\", expected a number",
    ),
    (
        "type-per-hour-boolean",
        Some(10),
        "channels[0].arrivals.per_hour",
        "got the boolean `true`, expected a number",
    ),
    // A bare number is seconds: a horizon of 2 s that 30-minute intervals cannot divide.
    (
        "type-horizon-bare-number",
        Some(5),
        "interval",
        "the horizon (2s) must be a whole number of intervals",
    ),
    // Unknown keys and values
    (
        "unknown-top-level-key",
        Some(5),
        "`horizn`",
        "did you mean `horizon`?",
    ),
    (
        "unknown-channel-key",
        Some(10),
        "channels[0]",
        "unknown field `handle_tme`: did you mean `handle_time`?",
    ),
    (
        "unknown-distribution",
        Some(11),
        "channels[0].handle_time.dist",
        "\"gaussian\": unknown distribution; use exponential",
    ),
    // NaN and infinities
    (
        "nan-horizon",
        Some(4),
        "horizon",
        "nan is not a duration: write a number and a unit",
    ),
    (
        "nan-skill",
        Some(17),
        "groups[0].skills.phone",
        "= NaN: proficiency must be in (0, 1]",
    ),
    (
        "inf-per-hour",
        Some(10),
        "channels[0].arrivals.per_hour",
        "= inf: must be a rate between 0 and 1e7 contacts per hour",
    ),
    (
        "inf-negative-share",
        Some(13),
        "channels[0].target.share",
        "= -inf: must be in (0, 1]",
    ),
    // Huge numbers and arrays
    (
        "huge-seed-beyond-64-bits",
        Some(2),
        "seed",
        "99999999999999999999 is out of range: whole numbers here go from",
    ),
    (
        "huge-group-size",
        Some(16),
        "groups[0].size",
        "= 9e9: must be a whole number of agents",
    ),
    (
        "huge-replications",
        Some(3),
        "replications",
        "= 1000000000: must be between 1 and 1000000",
    ),
    (
        "huge-duration-exponent",
        Some(11),
        "channels[0].handle_time.mean",
        ": 1e300 is too long a duration: at most 1e9 s",
    ),
    (
        "huge-per-hour-array",
        Some(10),
        "channels[0].arrivals.per_hour",
        "has 20000 values but the horizon has 4 intervals",
    ),
    (
        "huge-array-nesting",
        Some(10),
        "channels[0].arrivals.per_hour",
        "arrays or tables nested too deeply",
    ),
    // Empty arrays and tables
    (
        "empty-per-hour-array",
        Some(10),
        "channels[0].arrivals.per_hour",
        "= []: give one value, or one value per interval",
    ),
    (
        "empty-skills",
        Some(17),
        "groups[0].skills",
        "= {}: give at least one skill",
    ),
    (
        "empty-no-channels",
        Some(1),
        "[[channels]]",
        "no [[channels]]: add at least one channel",
    ),
    // Duplicate names
    (
        "duplicate-channel-names",
        Some(15),
        "channels[1].name",
        "channels[0] has the same name; channel names must be unique",
    ),
    (
        "duplicate-group-names",
        Some(20),
        "groups[1].name",
        "groups[0] has the same name; group names must be unique",
    ),
    // Missing references
    (
        "missing-skill-channel",
        Some(17),
        "groups[0].skills.email",
        "no channel is named \"email\"; skills name channels: \"phone\"",
    ),
    (
        "missing-overflow-group",
        Some(13),
        "channels[0].overflow.to",
        "no group is named \"backoffice\"; groups: \"agents\"",
    ),
    (
        "missing-training-group",
        Some(21),
        "training[0].group",
        "= \"trainees\": no group has that name; groups: \"agents\"",
    ),
    (
        "forecast-missing-file",
        Some(10),
        "channels[0].arrivals.file",
        "cannot read the forecast file",
    ),
    // Control characters and very long names
    (
        "control-escape-in-duplicate-name",
        Some(20),
        "groups[1].name",
        "= \"ag\\u{1b}ents\": groups[0] has the same name",
    ),
    (
        "long-name-unserved-channel",
        Some(15),
        "channels[1].name",
        "a name of 5000 characters, more than 1000; give a shorter name",
    ),
    // Sizes: refused before anything is simulated
    (
        "interval-one-second-over-a-year",
        Some(4),
        "horizon",
        "gives 31536000 intervals, more than 1000000; use a longer interval",
    ),
    (
        "interval-one-second-over-eleven-days",
        None,
        "intervals",
        "2 replications of 950400 intervals would hold about 16.6 GiB in memory",
    ),
    (
        "rate-beyond-any-center",
        Some(10),
        "channels[0].arrivals.per_hour",
        "= 1e9: must be a rate between 0 and 1e7 contacts per hour",
    ),
    (
        "rate-year-of-replications",
        None,
        "replications",
        "100000 replications of 8760 intervals would hold about",
    ),
    // Empirical sample files
    (
        "empirical-missing-file",
        Some(11),
        "channels[0].handle_time.file",
        "No such file or directory (os error 2); a relative path is read from the scenario file's folder",
    ),
    (
        "empirical-empty-file",
        Some(11),
        "channels[0].handle_time.file",
        "empty-sample.txt: has no values: give one value per line",
    ),
    (
        "empirical-binary-file",
        Some(11),
        "channels[0].handle_time.file",
        "binary-sample.bin:1: not UTF-8 text (a binary file?)",
    ),
    (
        "empirical-directory",
        Some(11),
        "channels[0].handle_time.file",
        ".: is a directory: name a file",
    ),
    (
        "empirical-dev-zero",
        Some(11),
        "channels[0].handle_time.file",
        "/dev/zero: is not a regular file (a device, a pipe or a socket)",
    ),
];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("hostile")
}

/// The case files of the corpus, by name without `.toml`, sorted.
fn case_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("tests/hostile")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            p.file_stem()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Everything in `dir`, sorted (names and sizes): nothing may appear, change or vanish.
fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            let e = e.expect("entry");
            let len = e.metadata().map_or(0, |m| m.len());
            (e.file_name().to_string_lossy().into_owned(), len)
        })
        .collect();
    out.sort();
    out
}

/// `supportsim ARGS` in `cwd` with a fixed memory limit (the size refusals do not depend on the machine).
fn supportsim(cwd: &Path, args: &[&std::ffi::OsStr]) -> Output {
    assert_cmd::Command::cargo_bin("supportsim")
        .expect("the binary is built")
        .current_dir(cwd)
        .env("SUPPORTSIM_MEMORY_LIMIT", "1GiB")
        .args(args)
        .output()
        .expect("the command starts")
}

#[test]
fn the_corpus_has_at_least_30_cases_and_every_case_has_an_expectation() {
    let files = case_files();
    assert!(files.len() >= 30, "{} cases: {files:?}", files.len());
    let expected: Vec<&str> = CASES.iter().map(|c| c.0).collect();
    for f in &files {
        assert!(
            expected.contains(&f.as_str()),
            "tests/hostile/{f}.toml has no expectation in CASES"
        );
    }
    for e in &expected {
        assert!(
            files.iter().any(|f| f == e),
            "CASES names {e}, but tests/hostile/{e}.toml is missing"
        );
    }
    let mut unique = expected.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), expected.len(), "a case is listed twice");
}

#[test]
fn every_hostile_scenario_is_refused_by_check_and_run_with_its_message_and_nothing_written() {
    let corpus = corpus_dir();
    let corpus_before = listing(&corpus);
    let mut failures = Vec::new();
    for &(case, line, key, fragment) in CASES {
        if case == "empirical-dev-zero" && !Path::new("/dev/zero").exists() {
            continue;
        }
        let file = corpus.join(format!("{case}.toml"));
        let shown = file.display().to_string();
        let place = match line {
            Some(l) => format!("{shown}:{l}:"),
            None => format!("{shown}: "),
        };
        for command in ["check", "run"] {
            let dir = tempfile::tempdir().expect("temp dir");
            let out = dir.path().join("out");
            let mut args: Vec<&std::ffi::OsStr> = vec![command.as_ref(), file.as_os_str()];
            if command == "run" {
                args.extend([std::ffi::OsStr::new("--out"), out.as_os_str()]);
            }
            let started = std::time::Instant::now();
            let o = supportsim(dir.path(), &args);
            let took = started.elapsed();
            let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
            let first = stderr.lines().next().unwrap_or("").to_string();
            let mut problems = Vec::new();
            if o.status.code() != Some(2) {
                problems.push(format!("exit code {:?}, not 2", o.status.code()));
            }
            if !first.starts_with(&format!("error: {place}")) {
                problems.push(format!(
                    "the first line does not start with `error: {place}`"
                ));
            }
            if !first.contains(key) {
                problems.push(format!("the first line does not name the key `{key}`"));
            }
            if !stderr.contains(fragment) {
                problems.push(format!("no `{fragment}`"));
            }
            if stderr.contains("panicked") {
                problems.push("a panic".into());
            }
            if stderr.chars().any(|c| c.is_control() && c != '\n') {
                problems.push("a raw control character on the terminal".into());
            }
            if out.exists() {
                problems.push("the --out folder was written".into());
            }
            let stray = listing(dir.path());
            if !stray.is_empty() {
                problems.push(format!("files appeared in the working folder: {stray:?}"));
            }
            // A refused file is refused before anything runs: well under a second (a generous bound for a
            // loaded machine; the cases take milliseconds).
            if took.as_secs_f64() > 5.0 {
                problems.push(format!("took {took:?}"));
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "{command} {case}: {}\n{}",
                    problems.join("; "),
                    stderr.chars().take(600).collect::<String>()
                ));
            }
        }
    }
    assert_eq!(
        listing(&corpus),
        corpus_before,
        "something was written beside the cases"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
