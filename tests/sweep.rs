//! `supportsim sweep`: a grid of scenario values, each point run like `run` would run it (same seed, same
//! replications: common random numbers across points), the same results on any number of threads, and
//! bad keys or values refused before anything runs.

mod common;
use assert_cmd::Command;
use supportsim::experiment::sweep;
use supportsim::report::Report;

const BASE: &str = include_str!("../scenarios/erlang-a.toml");

fn bin() -> Command {
    Command::cargo_bin("supportsim").expect("the binary is built")
}

#[test]
fn more_agents_raise_the_service_level_point_by_point() {
    let axes = vec![sweep::parse_axis("groups.agents.size=9..12:1").unwrap()];
    let points = sweep::scenarios(BASE, "erlang-a.toml", None, &axes).expect("valid points");
    let scenarios: Vec<_> = points.iter().map(|(_, s)| s.clone()).collect();
    let tallies = sweep::run(&scenarios, &|| {});
    let sl: Vec<f64> = scenarios
        .iter()
        .zip(&tallies)
        .map(|(s, t)| {
            Report::build(s, t).channels["phone"]
                .contacts
                .service_level
                .mean
                .unwrap()
        })
        .collect();
    assert!(sl.windows(2).all(|w| w[1] > w[0]), "{sl:?}");
    // Each point is exactly the run of that scenario: the 10-agent point is the example itself.
    let example = common::run(BASE);
    assert_eq!(
        Some(sl[1]),
        example.channels["phone"].contacts.service_level.mean
    );
}

#[test]
fn sweep_files_do_not_depend_on_threads_and_grids_multiply() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.toml");
    std::fs::write(&path, BASE).unwrap();
    let csv = |threads: &str| {
        let out = dir.path().join(format!("out{threads}"));
        let o = bin()
            .arg("sweep")
            .arg(&path)
            .args([
                "--set",
                "groups.agents.size=10,11",
                "--set",
                "channels.phone.arrivals.per_hour=100..120:10",
                "--replications",
                "4",
                "--threads",
                threads,
                "--out",
            ])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read_to_string(out.join("sweep.csv")).unwrap()
    };
    let one = csv("1");
    assert_eq!(one, csv("2"));
    let lines: Vec<&str> = one.lines().collect();
    assert_eq!(lines.len(), 1 + 2 * 3);
    assert!(lines[0].starts_with("groups.agents.size,channels.phone.arrivals.per_hour,"));
    assert!(lines[0].contains(",channels.phone.service_level,channels.phone.service_level_ci95,"));
    assert!(
        lines[1].starts_with("10,100,") && lines[6].starts_with("11,120,"),
        "{one}"
    );
}

#[test]
fn bad_keys_and_values_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.toml");
    std::fs::write(&path, BASE).unwrap();
    let out = dir.path().join("out");
    let refused = |set: &str| {
        let o = bin()
            .arg("sweep")
            .arg(&path)
            .args(["--set", set, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert!(!out.exists());
        String::from_utf8(o.stderr).unwrap()
    };
    let e = refused("groups.team.size=10");
    assert!(
        e.contains(
            "--set groups.team.size: no element of `groups` is named \"team\"; names: \"agents\""
        ),
        "{e}"
    );
    let e = refused("groups.agents.size=10,-1");
    assert!(
        e.contains("groups.agents.size=-1:") && e.contains("must be a whole number of agents"),
        "{e}"
    );
    let e = refused("groups.agents.size");
    assert!(e.contains("give KEY=V1,V2,... or KEY=FROM..TO:STEP"), "{e}");
    let e = refused("groups.agents.size=12..10:1");
    assert!(e.contains("a range is FROM..TO:STEP"), "{e}");
}
