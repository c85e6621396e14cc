//! The output folder as a set (issue 13, hardening): replaced as a whole or not at all, whatever stops the
//! run on the way (a write that fails, a kill while writing, Ctrl-C), checked before anything runs, never
//! deleting what supportsim did not write, and file names derived from long names kept short.
//!
//! Failures are injected with the file size limit (`ulimit -f`), which holds for root too: with SIGXFSZ
//! ignored a large write fails (EFBIG, as on a full disk); with its default effect the process is killed
//! in the middle of writing its results (as by SIGKILL).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_supportsim");
const BASE: &str = include_str!("../scenarios/erlang-a.toml");

/// A scenario that takes a while (30 replications of a year, a million contacts each: seconds on one
/// thread): a test that returns quickly did not simulate it.
fn long_scenario() -> String {
    BASE.replace("horizon = \"10h\"", "horizon = \"365d\"")
        .replace("interval = \"30m\"", "interval = \"1d\"")
        .replace("replications = 8", "replications = 30")
}

fn utf8(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir` (relative path -> bytes).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("inside").to_path_buf();
                out.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The hidden entries of `dir` (staging folders, temporary files).
fn hidden(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

/// An old output folder `work/out` of the scenario with seed 1: (scenario, out, its files).
fn old_output(work: &Path) -> (PathBuf, PathBuf, BTreeMap<PathBuf, Vec<u8>>) {
    let scenario = write(work, "erlang-a.toml", BASE);
    let out = work.join("out");
    let o = run(&["run", utf8(&scenario), "--out", utf8(&out), "--seed", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = snapshot(&out);
    assert!(files.contains_key(Path::new("summary.json")));
    assert!(files.keys().any(|p| p.starts_with("plots")));
    (scenario, out, files)
}

/// `supportsim run` (seed 2, so every result file differs from the old one) under a file size limit of
/// 100 blocks (51 or 102 kB: the text files and the workbook fit, the charts do not), SIGXFSZ ignored
/// (`ignore`: writes fail) or not (the process is killed while writing).
fn run_limited(scenario: &Path, out: &Path, ignore: bool) -> Output {
    let trap = if ignore { "trap '' XFSZ; " } else { "" };
    Command::new("sh")
        .arg("-c")
        .arg(format!("{trap}ulimit -f 100 && exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(["run", utf8(scenario), "--out", utf8(out), "--seed", "2"])
        .output()
        .expect("runs sh")
}

#[test]
fn a_write_that_fails_leaves_the_old_output_exactly_as_it_was_and_no_staging_folder() {
    let work = tempfile::tempdir().expect("temp dir");
    let (scenario, out, before) = old_output(work.path());
    let o = run_limited(&scenario, &out, true);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("File too large"), "{err}");
    assert!(snapshot(&out) == before, "the old output changed: {err}");
    assert_eq!(hidden(work.path()), Vec::<String>::new());
    assert_eq!(hidden(&out), Vec::<String>::new());
}

#[test]
fn a_kill_while_writing_leaves_the_old_output_and_the_next_run_removes_the_leftover() {
    use std::os::unix::process::ExitStatusExt;
    let work = tempfile::tempdir().expect("temp dir");
    let (scenario, out, before) = old_output(work.path());
    let o = run_limited(&scenario, &out, false);
    assert_eq!(o.status.signal(), Some(25), "killed by SIGXFSZ: {o:?}");
    assert!(snapshot(&out) == before, "the old output changed");
    assert_eq!(hidden(&out), Vec::<String>::new());
    // At most the dead process's staging folder and its lock file (held by nobody now) beside it, never
    // taken for output ...
    let left = hidden(work.path());
    assert!(
        left.iter()
            .all(|n| n.starts_with(".out.staging-") || n == ".out.lock"),
        "{left:?}"
    );
    // ... and the next run removes it.
    let o = run(&["run", utf8(&scenario), "--out", utf8(&out), "--seed", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(hidden(work.path()), Vec::<String>::new());
    let after = snapshot(&out);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    assert_ne!(
        after[Path::new("summary.json")],
        before[Path::new("summary.json")]
    );
}

#[test]
fn ctrl_c_during_a_run_exits_130_and_leaves_the_old_output() {
    let work = tempfile::tempdir().expect("temp dir");
    let (_, out, before) = old_output(work.path());
    let long = write(work.path(), "year.toml", &long_scenario());
    let child = Command::new(BIN)
        .args(["run", utf8(&long), "--out", utf8(&out), "--threads", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    std::thread::sleep(std::time::Duration::from_millis(1000));
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    let o = child.wait_with_output().expect("waits");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(130), "{o:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("interrupted by SIGINT"), "{err}");
    assert!(snapshot(&out) == before, "the old output changed");
    assert_eq!(hidden(work.path()), Vec::<String>::new());
    assert_eq!(hidden(&out), Vec::<String>::new());
}

#[test]
fn an_output_folder_that_cannot_be_one_is_refused_before_anything_runs() {
    let work = tempfile::tempdir().expect("temp dir");
    let long = write(work.path(), "year.toml", &long_scenario());
    let file = write(work.path(), "taken", "x");
    let under = file.join("results");
    let l = utf8(&long);
    for out in [&file, &under] {
        for args in [
            vec!["run", l],
            vec!["compare", l, l],
            vec!["sweep", l, "--set", "groups.agents.size=9,10"],
            vec!["plan", l],
            vec!["merge", "part-0000-of-0002.json"],
        ] {
            let o = Command::new(BIN)
                .args(&args)
                .args(["--out", utf8(out)])
                .output()
                .expect("runs");
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{args:?} --out {out:?}: {err}");
            let expected = if out == &file {
                format!("--out {}: a file is there, not a folder", file.display())
            } else {
                format!("{} is a file, not a folder", file.display())
            };
            assert!(err.contains(&expected), "{err}");
            assert!(!err.contains("simulated"), "{err}");
            assert_eq!(std::fs::read_to_string(&file).expect("read"), "x");
        }
    }
    let mut names: Vec<String> = std::fs::read_dir(work.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["taken", "year.toml"], "nothing written");
}

#[test]
fn a_folder_holding_files_supportsim_did_not_write_is_refused_and_kept() {
    let work = tempfile::tempdir().expect("temp dir");
    let long = write(work.path(), "year.toml", &long_scenario());
    // A user's folder, and the current folder.
    let mine = work.path().join("mine");
    std::fs::create_dir(&mine).expect("mkdir");
    write(&mine, "notes.txt", "keep me");
    let o = run(&["run", utf8(&long), "--out", utf8(&mine)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("holds files supportsim did not write (notes.txt)"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.txt")).expect("kept"),
        "keep me"
    );
    assert_eq!(std::fs::read_dir(&mine).expect("read").count(), 1);
    let o = Command::new(BIN)
        .current_dir(&mine)
        .args(["run", utf8(&long), "--out", "."])
        .output()
        .expect("runs");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--out .: is the current folder"), "{err}");
    // The parts of a sharded run are not merged over.
    let parts = work.path().join("parts");
    std::fs::create_dir(&parts).expect("mkdir");
    let part = write(&parts, "part-0000-of-0001.json", "{}");
    let o = run(&["merge", utf8(&part), "--out", utf8(&parts)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("holds the parts of a sharded run (part-0000-of-0001.json)"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&part).expect("kept"), "{}");
}

#[test]
fn charts_of_long_channel_names_get_short_distinct_file_names() {
    let work = tempfile::tempdir().expect("temp dir");
    let a = format!("{}a", "phone ".repeat(40));
    let b = format!("{}b", "phone ".repeat(40));
    let text = BASE
        .replace("name = \"phone\"", &format!("name = \"{a}\""))
        .replace(
            "skills = { phone = 1.0 }",
            &format!("skills = {{ \"{a}\" = 1.0, \"{b}\" = 1.0 }}"),
        )
        .replace("replications = 8", "replications = 2")
        + &format!(
            "\n[[channels]]\nname = \"{b}\"\nkind = \"voice\"\narrivals = {{ per_hour = 10.0 }}\nhandle_time = {{ dist = \"exponential\", mean = \"5m\" }}\ntarget = {{ within = \"20s\", share = 0.80 }}\n"
        );
    let scenario = write(work.path(), "long.toml", &text);
    let out = work.path().join("out");
    let o = run(&["run", utf8(&scenario), "--out", utf8(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let charts: Vec<String> = std::fs::read_dir(out.join("plots"))
        .expect("plots/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(charts.iter().all(|n| n.len() <= 160), "{charts:?}");
    let contacts = |i: u32| {
        charts
            .iter()
            .find(|n| {
                n.starts_with(&format!("{i:02}-phone-phone-")) && n.ends_with("-contacts.png")
            })
            .unwrap_or_else(|| panic!("no contacts chart of channel {i}: {charts:?}"))
            .trim_start_matches(&format!("{i:02}-"))
            .to_string()
    };
    assert_ne!(contacts(1), contacts(2), "two long names, two files");
    assert!(out.join("report.html").is_file());
}

/// Two runs into the same `--out` at once: the second is refused before it simulates (exit 2, naming the
/// folder and the process holding it) and nothing of it is written; the lock of a killed process blocks
/// nothing, and a finished run leaves no lock file behind.
#[test]
fn a_second_run_into_a_folder_being_written_is_refused_and_a_dead_holder_blocks_nothing() {
    let work = tempfile::tempdir().expect("temp dir");
    let (scenario, out, before) = old_output(work.path());
    let long = write(work.path(), "year.toml", &long_scenario());
    let mut first = Command::new(BIN)
        .args(["run", utf8(&long), "--out", utf8(&out), "--threads", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawns");
    let lock = work.path().join(".out.lock");
    let pid = first.id().to_string();
    let start = std::time::Instant::now();
    while std::fs::read_to_string(&lock).map_or(true, |t| t != pid) {
        assert!(
            start.elapsed().as_secs() < 20,
            "no lock file {}",
            lock.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let second = run(&["run", utf8(&scenario), "--out", utf8(&out), "--seed", "3"]);
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(2), "{err}");
    assert_eq!(
        err.trim_end(),
        format!(
            "error: --out {}: another supportsim (process {pid}) is writing its results there (lock {}): wait for it to finish, or give another folder",
            out.display(),
            std::fs::canonicalize(work.path())
                .expect("real")
                .join(".out.lock")
                .display()
        )
    );
    // Killed: the old output stays, and so does a lock file nobody holds.
    first.kill().expect("kill");
    first.wait().expect("waits");
    assert!(snapshot(&out) == before, "the old output changed");
    assert!(lock.exists());
    let third = run(&["run", utf8(&scenario), "--out", utf8(&out), "--seed", "3"]);
    assert!(third.status.success(), "{}", stderr(&third));
    assert!(
        snapshot(&out) != before,
        "the third run's results are in place"
    );
    assert_eq!(hidden(work.path()), Vec::<String>::new());
}

/// Issue 13: a run that would take more than a minute says how big it is before it starts (on stderr, not
/// with --quiet). The threshold is lowered by SUPPORTSIM_ESTIMATE_AFTER_S so the run stays small; a run
/// under the threshold prints no estimate.
#[test]
fn a_long_run_prints_its_size_and_time_first() {
    let work = tempfile::tempdir().expect("temp dir");
    let scenario = write(work.path(), "erlang-a.toml", BASE);
    let run_with = |after: &str, quiet: bool| {
        let mut c = Command::new(BIN);
        c.args([
            "run",
            utf8(&scenario),
            "--no-plots",
            "--threads",
            "2",
            "--out",
        ])
        .arg(work.path().join(format!("out-{after}-{quiet}")))
        .env("SUPPORTSIM_ESTIMATE_AFTER_S", after);
        if quiet {
            c.arg("--quiet");
        }
        let o = c.output().expect("runs");
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    // 8 replications of 114 contacts per hour over 12 h (2 h warm-up): 10,944 contacts.
    let err = run_with("0", false);
    assert_eq!(
        err.lines().next(),
        Some("about 1.1e4 contacts, about 1 s on 2 threads"),
        "{err}"
    );
    assert!(!run_with("60", false).contains("contacts, about"));
    assert_eq!(run_with("0", true), "");
}

/// Issue 13: `compare`, `sweep` and `plan` say how big a long run is before it starts, as `run` does:
/// compare and sweep count every scenario's (point's) replications, plan gives a search round and the
/// upper bound its round limits set (`[planning]` max_rounds and check_rounds).
#[test]
fn compare_sweep_and_plan_print_their_size_first() {
    let work = tempfile::tempdir().expect("temp dir");
    let scenario = write(work.path(), "erlang-a.toml", BASE);
    let s = utf8(&scenario);
    let first_line = |args: &[&str], after: &str| {
        let o = Command::new(BIN)
            .args(args)
            .args(["--no-plots", "--threads", "2", "--out"])
            .arg(work.path().join(format!("out-{}-{after}", args[0])))
            .env("SUPPORTSIM_ESTIMATE_AFTER_S", after)
            .output()
            .expect("runs");
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        stderr(&o)
            .lines()
            .find(|l| l.starts_with("about "))
            .map(str::to_string)
    };
    // Two scenarios (two sweep points) of 8 replications of 10,944 / 8 contacts: 21,888 contacts.
    let two = Some("about 2.2e4 contacts, about 1 s on 2 threads".to_string());
    assert_eq!(first_line(&["compare", s, s], "0"), two);
    assert_eq!(first_line(&["sweep", s, "--set", "seed=1,2"], "0"), two);
    assert_eq!(first_line(&["compare", s, s], "60"), None);
    let plan = first_line(&["plan", s], "0").expect("plan prints its size");
    assert!(
        plan.starts_with("about 1.1e4 contacts a search round of 8 replications; at most "),
        "{plan}"
    );
    assert!(plan.ends_with(" on 2 threads"), "{plan}");
    assert_eq!(first_line(&["plan", s], "60"), None);
}
