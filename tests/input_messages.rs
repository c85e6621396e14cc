//! Issue 13's messages to improve: each test names the input and pins the message it must get (today's
//! code gave a worse one or none), and the data files a scenario names are read with a size cap, regular
//! files only, with the data file's path and line in every message about its contents.

use assert_cmd::Command;
use std::path::Path;
use supportsim::scenario::Scenario;

fn bin() -> Command {
    Command::cargo_bin("supportsim").expect("the binary is built")
}

/// A small valid scenario; `edit` replaces one line of it.
const BASE: &str = r#"name = "x"
seed = 7
replications = 2
horizon = "2h"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 20 }
handle_time = { dist = "exponential", mean = "3m" }
[[groups]]
name = "g"
size = 2
skills = { phone = 1.0 }
"#;

fn edit(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from}");
    BASE.replacen(from, to, 1)
}

fn rejected(text: &str) -> String {
    Scenario::from_toml(text, "t.toml", None)
        .expect_err("rejected")
        .to_string()
}

/// The scenario with its channel's handle time read from `file` (relative to `dir`).
fn with_sample_file(dir: &Path, file: &str) -> Result<Scenario, String> {
    let text = edit(
        "handle_time = { dist = \"exponential\", mean = \"3m\" }",
        &format!("handle_time = {{ dist = \"empirical\", file = \"{file}\" }}"),
    );
    Scenario::from_toml(&text, "t.toml", Some(dir)).map_err(|e| e.to_string())
}

#[test]
fn a_bare_nan_is_not_a_duration_rather_than_too_long() {
    let err = rejected(&edit("horizon = \"2h\"", "horizon = nan"));
    assert!(
        err.starts_with("t.toml:4:11: horizon: nan is not a duration: write a number and a unit"),
        "{err}"
    );
    // An infinity is too long, as before.
    let err = rejected(&edit("horizon = \"2h\"", "horizon = inf"));
    assert!(err.contains("horizon: inf is too long a duration"), "{err}");
}

#[test]
fn a_whole_number_beyond_64_bits_is_out_of_range_without_rust_type_names() {
    let err = rejected(&edit("seed = 7", "seed = 99999999999999999999"));
    assert!(
        err.starts_with("t.toml:2:8: seed: 99999999999999999999 is out of range: whole numbers here go from -9223372036854775808 to 9223372036854775807"),
        "{err}"
    );
    assert!(!err.contains("i128"), "{err}");
}

#[test]
fn a_number_where_text_is_meant_asks_for_text_in_quotes() {
    let err = rejected(&edit("name = \"x\"", "name = 5"));
    assert!(
        err.starts_with("t.toml:1:8: name: got the whole number `5`, expected text in quotes"),
        "{err}"
    );
}

#[test]
fn a_single_bracket_list_table_names_itself_not_the_table_before_it() {
    // `[groups]` after a `[[channels]]` entry: the message used to start "channels[0]: ".
    let err = rejected(&edit("[[groups]]", "[groups]"));
    assert!(
        err.starts_with("t.toml:10:1: `[groups]` is one table, but groups is a list of tables: write `[[groups]]` (two brackets) before each of its entries"),
        "{err}"
    );
}

#[test]
fn every_independent_problem_is_listed_even_when_the_horizon_is_refused() {
    let text = r#"name = "x"
replications = 0
horizon = "-3h"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = [1, 2, 3, 4, 5, 6, 7] }
handle_time = { dist = "exponential", mean = "-5m" }
[[groups]]
name = "g"
size = 2
friendliness = 7
shrinkage = 2
joins_on_day = 40
skills = { phone = 1.0, mail = 0.5 }
"#;
    let err = rejected(text);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("t.toml:")).collect();
    // Refused keys of their own; not the array length or the day number, which depend on the horizon.
    let expected = [
        "t.toml:2:16: replications = 0",
        "t.toml:3:11: horizon = \"-3h\"",
        "t.toml:8:46: channels[0].handle_time.mean = \"-5m\"",
        "t.toml:12:16: groups[0].friendliness = 7",
        "t.toml:13:13: groups[0].shrinkage = 2",
        "t.toml:15:32: groups[0].skills.mail: no channel is named \"mail\"",
    ];
    assert_eq!(lines.len(), expected.len(), "{err}");
    for (line, want) in lines.iter().zip(expected) {
        assert!(line.starts_with(want), "{line}\nwanted {want}\n{err}");
    }
}

#[test]
fn one_group_with_several_bad_keys_gets_them_all_and_no_repeats() {
    let text = edit(
        "size = 2",
        "size = -2\ncost_per_hour = -1\nabsence = 1.5\njoins_on_day = 3\nlearning = { rate = 9 }",
    );
    let err = rejected(&text);
    for key in [
        "groups[0].size = -2",
        "groups[0].cost_per_hour = -1",
        "groups[0].absence = 1.5",
        "groups[0].learning.rate = 9",
        // The horizon of 2h has no whole days: said once, not also as "a day from 1 to 0".
        "groups[0].joins_on_day: calendar features need",
    ] {
        assert!(err.contains(key), "{key}\n{err}");
    }
    let about_joining = err
        .lines()
        .filter(|l| l.starts_with("t.toml:") && l.contains("joins_on_day"))
        .count();
    assert_eq!(about_joining, 1, "{err}");
}

#[test]
fn bad_values_in_an_empirical_file_give_its_path_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("aht.txt");
    std::fs::write(&path, "# handle times\n120\n\n-5\n3m\n").expect("write");
    let err = with_sample_file(dir.path(), "aht.txt").expect_err("refused");
    let shown = path.display().to_string();
    assert!(
        err.contains(&format!(
            "channels[0].handle_time.file = \"aht.txt\": {shown}:4: -5: must be zero or a positive duration"
        )),
        "{err}"
    );
    std::fs::write(&path, "120\nsoon\n").expect("write");
    let err = with_sample_file(dir.path(), "aht.txt").expect_err("refused");
    assert!(
        err.contains(&format!("{shown}:2: \"soon\" is not a duration")),
        "{err}"
    );
    std::fs::write(&path, "# nothing yet\n\n").expect("write");
    let err = with_sample_file(dir.path(), "aht.txt").expect_err("refused");
    assert!(
        err.contains(&format!("{shown}: has no values: give one value per line")),
        "{err}"
    );
    std::fs::write(&path, "0\n0s\n").expect("write");
    let err = with_sample_file(dir.path(), "aht.txt").expect_err("refused");
    assert!(
        err.contains(&format!("{shown}: all values are zero")),
        "{err}"
    );
    std::fs::write(&path, b"120\n\x00\xff\xfe binary\n").expect("write");
    let err = with_sample_file(dir.path(), "aht.txt").expect_err("refused");
    assert!(
        err.contains(&format!("{shown}:2: not UTF-8 text (a binary file?)")),
        "{err}"
    );
    // A good file still reads.
    std::fs::write(&path, "120\n3m\n").expect("write");
    with_sample_file(dir.path(), "aht.txt").expect("accepted");
}

#[test]
fn an_empirical_file_that_is_a_device_a_directory_or_huge_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("samples")).expect("dir");
    let err = with_sample_file(dir.path(), "samples").expect_err("refused");
    assert!(
        err.contains("samples: is a directory: name a file"),
        "{err}"
    );
    // Sparse: 257 MiB long, nothing written; refused on its size before a byte is read.
    let big = std::fs::File::create(dir.path().join("big.txt")).expect("create");
    big.set_len(257 << 20).expect("set_len");
    let err = with_sample_file(dir.path(), "big.txt").expect_err("refused");
    assert!(err.contains("big.txt: is larger than 256 MiB"), "{err}");
    if Path::new("/dev/zero").exists() {
        // Used to be read until memory ran out (8 GB and more).
        let started = std::time::Instant::now();
        let err = with_sample_file(dir.path(), "/dev/zero").expect_err("refused");
        assert!(
            err.contains("/dev/zero: is not a regular file (a device, a pipe or a socket)"),
            "{err}"
        );
        assert!(started.elapsed().as_secs() < 5);
    }
}

#[test]
fn a_forecast_or_scenario_file_that_is_a_device_is_refused() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let text = edit(
        "arrivals = { per_hour = 20 }",
        "arrivals = { file = \"/dev/zero\" }",
    );
    let err = Scenario::from_toml(&text, "t.toml", None)
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("/dev/zero: the forecast file is not a regular file"),
        "{err}"
    );
    let err = Scenario::load(Path::new("/dev/zero"))
        .expect_err("refused")
        .to_string();
    assert_eq!(
        err,
        "/dev/zero: the scenario file is not a regular file (a device, a pipe or a socket): name a file of text"
    );
}

#[test]
fn run_with_an_empirical_device_file_exits_2_and_writes_nothing() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = dir.path().join("s.toml");
    std::fs::write(
        &scenario,
        edit(
            "handle_time = { dist = \"exponential\", mean = \"3m\" }",
            "handle_time = { dist = \"empirical\", file = \"/dev/zero\" }",
        ),
    )
    .expect("write");
    let out = dir.path().join("out");
    let o = bin()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("/dev/zero: is not a regular file"),
        "{stderr}"
    );
    assert!(!out.exists());
}

/// Every command that reads a file the user names reads it as the scenario loader does: a device is
/// refused at once, with the file named, exit 2 (`plan` and `sweep` read their scenario a second time
/// for their own sections, `plan --requirement`, `backtest --history` and `calibrate`'s logs used to be
/// read without a cap: /dev/zero until memory ran out).
#[test]
fn every_command_refuses_a_device_for_a_file_at_once() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, BASE).expect("write");
    let s = scenario.to_str().expect("utf-8");
    let out = dir.path().join("out");
    let o = out.to_str().expect("utf-8");
    let device = "/dev/zero: the scenario file is not a regular file";
    let cases: [(&[&str], &str); 6] = [
        (&["plan", "/dev/zero", "--out", o], device),
        (
            &["sweep", "/dev/zero", "--set", "seed=1,2", "--out", o],
            device,
        ),
        (
            &["plan", s, "--requirement", "/dev/zero", "--out", o],
            "/dev/zero: is not a regular file (a device, a pipe or a socket)",
        ),
        (
            &["backtest", s, "--history", "/dev/zero", "--out", o],
            "/dev/zero: is not a regular file (a device, a pipe or a socket)",
        ),
        (
            &["calibrate", "/dev/zero", "--out", &format!("{o}.toml")],
            "/dev/zero: is not a regular file (a device, a pipe or a socket)",
        ),
        (
            &[
                "plan",
                s,
                "--requirement",
                dir.path().to_str().expect("utf-8"),
                "--out",
                o,
            ],
            ": is a directory: name a file",
        ),
    ];
    for (args, message) in cases {
        let started = std::time::Instant::now();
        let result = bin()
            .args(args)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&result.stderr).to_string();
        assert_eq!(result.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(
            started.elapsed().as_secs() < 10,
            "{args:?} took {:?}",
            started.elapsed()
        );
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
        assert!(!dir.path().join("out.toml").exists(), "{args:?}");
    }
}
