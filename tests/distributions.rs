//! The distribution forms of issue 12 (lognormal by mu and sigma, mixtures, survival curves), the
//! time-varying means of handle time and patience, and the call log of `supportsim run --calls`.

use assert_cmd::Command;
use supportsim::model::Compiled;
use supportsim::scenario::{Scenario, resolved};

const BASE: &str = r#"name = "dists"
seed = 7
horizon = "1d"
interval = "1h"

[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 60 }
handle_time = { dist = "exponential", mean = "4m" }
patience = { dist = "exponential", mean = "3m" }

[[groups]]
name = "agents"
size = 5
skills = { phone = 1.0 }
"#;

const HANDLE: &str = r#"handle_time = { dist = "exponential", mean = "4m" }"#;
const PATIENCE: &str = r#"patience = { dist = "exponential", mean = "3m" }"#;

fn parse(text: &str) -> Result<Scenario, String> {
    Scenario::from_toml(text, "t.toml", None).map_err(|e| e.to_string())
}

/// `t.toml:LINE:COLUMN` of the first occurrence of `needle` in `text`.
fn at(text: &str, needle: &str) -> String {
    let pos = text.find(needle).expect("needle in text");
    let line = text[..pos].matches('\n').count() + 1;
    let column = pos - text[..pos].rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("t.toml:{line}:{column}")
}

/// The first error of `text`, which must be rejected.
fn rejected(text: &str) -> String {
    parse(text).expect_err("rejected")
}

#[test]
fn the_new_forms_read_back_from_the_resolved_scenario_as_given() {
    let text = BASE
        .replace(
            HANDLE,
            r#"handle_time = { dist = "mixture", parts = [{ share = 0.066, dist = "exponential", mean = "4s" }, { share = 0.934, dist = "lognormal", mu = 4.8, sigma = 1.1 }], mean_by_hour = ["1m", "1m", "1m", "1m", "1m", "1m", "2m", "3m", "4m", "5m", "5m", "5m", "4m", "4m", "5m", "5m", "4m", "3m", "3m", "2m", "2m", "1m", "1m", "1m"] }"#,
        )
        .replace(
            PATIENCE,
            r#"patience = { dist = "survival", points = [["0s", 1.0], ["30s", 0.80], ["2m", 0.55], ["10m", 0.20]], tail_mean = "6m", mean_by_interval = ["3m", "4m"] }"#,
        );
    let s = parse(&text).expect("valid");
    let c = &s.channels[0];
    assert_eq!(c.handle_time.family(), "mixture");
    let exact = 0.066 * 4.0 + 0.934 * (4.8f64 + 1.21 / 2.0).exp();
    assert!((c.handle_time.mean() - exact).abs() < 1e-9);
    assert!((c.patience.as_ref().expect("patience").mean() - 339.75).abs() < 1e-9);
    let toml = resolved::to_toml(&s);
    assert!(toml.contains("mu = 4.8, sigma = 1.1"), "{toml}");
    assert!(toml.contains("tail_mean = \"6m\""), "{toml}");
    assert!(toml.contains("mean_by_hour = [\"1m\""), "{toml}");
    assert!(
        toml.contains("mean_by_interval = [\"3m\", \"4m\"]"),
        "{toml}"
    );
    let again = parse(&toml).expect("the resolved scenario is valid");
    assert_eq!(resolved::to_toml(&again), toml);
    assert_eq!(again.channels[0].handle_time_means, c.handle_time_means);
    assert_eq!(again.channels[0].patience_means, c.patience_means);
    // Same distributions: the same run, to the bit.
    let (a, b) = (
        supportsim::model::simulate(&s, 0),
        supportsim::model::simulate(&again, 0),
    );
    assert_eq!(a, b);
}

#[test]
fn bad_new_forms_name_the_key_at_its_place() {
    let cases: [(&str, &str, &str); 8] = [
        (
            r#"patience = { dist = "survival", points = [["10s", 1.0], ["2m", 0.0]] }"#,
            r#"["10s", 1.0]"#,
            "channels[0].patience.points[0] = [10, 1]: the curve starts at [\"0s\", 1.0]",
        ),
        (
            r#"patience = { dist = "survival", points = [["0s", 1.0], ["1m", 0.5], ["2m", 0.6], ["3m", 0.0]] }"#,
            r#"["2m", 0.6]"#,
            "channels[0].patience.points[2]: S = 0.6 is above the previous point's 0.5: a survival curve never increases",
        ),
        (
            r#"patience = { dist = "survival", points = [["0s", 1.0], ["1m", 0.5]] }"#,
            r#"["1m", 0.5]"#,
            "channels[0].patience.points[1]: the last S is 0.5, not 0: end the curve at 0 or give `tail_mean`",
        ),
        (
            r#"patience = { dist = "mixture", parts = [{ share = 0.5, dist = "fixed", mean = "1m" }, { share = 0.4, dist = "fixed", mean = "2m" }] }"#,
            "[{ share = 0.5",
            "channels[0].patience.parts: the shares add up to 0.9: they must add up to 1",
        ),
        (
            r#"patience = { dist = "lognormal", mu = 4.8, mean = "3m" }"#,
            r#""3m" }"#,
            "channels[0].patience: give either `mean` and `cv`, or `mu` and `sigma` (of ln seconds), not both",
        ),
        (
            r#"patience = { dist = "mixture", parts = [{ share = 0.5, dist = "fixed", mean = "1m" }, { share = 0.5, dist = "mixture", parts = [] }] }"#,
            r#""mixture", parts = []"#,
            "channels[0].patience.parts[1].dist = \"mixture\": a part cannot be a mixture itself",
        ),
        (
            r#"patience = { dist = "exponential", mean = "3m", mean_by_hour = ["3m", "4m"] }"#,
            r#"["3m", "4m"]"#,
            "channels[0].patience.mean_by_hour: has 2 values: give 24",
        ),
        (
            r#"patience = { dist = "exponential", mean = "3m", share = 0.5 }"#,
            "0.5 }",
            "channels[0].patience.share: only the parts of a mixture have a share",
        ),
    ];
    for (patience, needle, message) in cases {
        let text = BASE.replace(PATIENCE, patience);
        let err = rejected(&text);
        let want = format!("{}: {message}", at(&text, needle));
        assert!(err.starts_with(&want), "got\n{err}\nwant\n{want}");
    }
    // A time-varying mean belongs to handle_time and patience only.
    let text = BASE.replace(
        PATIENCE,
        r#"retry = { share = 0.5, delay = { dist = "exponential", mean = "5m", mean_by_interval = ["5m"] } }"#,
    );
    assert!(
        rejected(&text).contains("channels[0].retry.delay.mean_by_interval: a time-varying mean applies to the handle_time and patience of a channel or a class only"),
        "{}",
        rejected(&text)
    );
    let text = BASE.replace(
        PATIENCE,
        r#"patience = { dist = "exponential", mean = "3m", mean_by_hour = [], mean_by_interval = ["3m"] }"#,
    );
    assert!(
        rejected(&text).contains("give either `mean_by_hour` or `mean_by_interval`, not both"),
        "{}",
        rejected(&text)
    );
}

/// A mean_by_hour of 24 times the distribution's mean is the scalar scenario: the same draws, the same
/// results to the bit (it runs on the general engine, the scalar one on the single-queue kernel).
#[test]
fn a_constant_profile_equals_the_scalar_run() {
    let scalar = parse(&BASE.replace(
        HANDLE,
        r#"handle_time = { dist = "lognormal", mean = "4m", cv = 0.8 }"#,
    ))
    .expect("valid");
    let hours = |m: &str| vec![format!("\"{m}\""); 24].join(", ");
    let profiled = parse(
        &BASE
            .replace(
                HANDLE,
                &format!(
                    r#"handle_time = {{ dist = "lognormal", mean = "4m", cv = 0.8, mean_by_hour = [{}] }}"#,
                    hours("4m")
                ),
            )
            .replace(
                PATIENCE,
                &format!(
                    r#"patience = {{ dist = "exponential", mean = "3m", mean_by_interval = [{}] }}"#,
                    hours("3m")
                ),
            ),
    )
    .expect("valid");
    let (m1, m2) = (Compiled::new(&scalar), Compiled::new(&profiled));
    assert!(supportsim::model::on_single_queue_kernel(
        &m1,
        m1.staffing()
    ));
    assert!(!supportsim::model::on_single_queue_kernel(
        &m2,
        m2.staffing()
    ));
    for rep in 0..3 {
        assert_eq!(
            supportsim::model::simulate(&scalar, rep),
            supportsim::model::simulate(&profiled, rep)
        );
    }
}

/// Two levels by hour of day, with agents enough that nobody waits: each interval's handle time is the
/// profile's mean for its hour, within 5 standard errors (exponential: sd = mean).
#[test]
fn a_two_level_profile_gives_each_hour_its_mean() {
    let means: Vec<f64> = (0..24)
        .map(|h| if h < 12 { 120.0 } else { 360.0 })
        .collect();
    let list: Vec<String> = means.iter().map(|m| format!("\"{m}s\"")).collect();
    let text = BASE
        .replace(
            HANDLE,
            &format!(
                r#"handle_time = {{ dist = "exponential", mean = "4m", mean_by_hour = [{}] }}"#,
                list.join(", ")
            ),
        )
        .replace(PATIENCE, "")
        .replace("size = 5", "size = 40");
    let s = parse(&text).expect("valid");
    let reps = 30;
    let mut handle = [0.0f64; 24];
    let mut answered = [0u64; 24];
    for rep in 0..reps {
        let t = supportsim::model::simulate(&s, rep);
        for (k, i) in t.channels[0].intervals.iter().enumerate() {
            assert_eq!(i.answered, i.offered);
            handle[k] += i.handle_s;
            answered[k] += i.answered;
        }
    }
    for h in 0..24 {
        let n = answered[h] as f64;
        let aht = handle[h] / n;
        let se = means[h] / n.sqrt();
        assert!(
            (aht - means[h]).abs() < 5.0 * se,
            "hour {h}: aht {aht} vs {} (n {n})",
            means[h]
        );
    }
}

fn bin() -> Command {
    Command::cargo_bin("supportsim").expect("binary")
}

/// Milliseconds since the epoch of `YYYY-MM-DDTHH:MM:SS.mmm` (and a check of its shape).
fn millis(stamp: &str) -> i64 {
    let b = stamp.as_bytes();
    assert_eq!(stamp.len(), 23, "{stamp}");
    assert!(
        b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && b[19] == b'.',
        "{stamp}"
    );
    let n = |a: usize, z: usize| stamp[a..z].parse::<i64>().expect("digits");
    let days = supportsim::time::date::days_from_civil(n(0, 4), n(5, 7) as u32, n(8, 10) as u32);
    ((days * 24 + n(11, 13)) * 60 + n(14, 16)) * 60_000 + n(17, 19) * 1000 + n(20, 23)
}

#[test]
fn the_call_log_matches_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("s.toml");
    // A queue of at most 3: some contacts are blocked. No start date: a Monday on or after 2001-01-01.
    std::fs::write(
        &scenario,
        BASE.replace("size = 5", "size = 4\n")
            .replace(PATIENCE, &format!("{PATIENCE}\nqueue_capacity = 3")),
    )
    .expect("write");
    let out = dir.path().join("out");
    let calls = dir.path().join("calls.csv");
    bin()
        .args([
            "run",
            scenario.to_str().expect("utf-8"),
            "--replications",
            "1",
            "--quiet",
            "--no-plots",
        ])
        .arg("--out")
        .arg(&out)
        .arg("--calls")
        .arg(&calls)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("summary"))
            .expect("json");
    let phone = &summary["channels"]["phone"];
    let kpi = |k: &str| {
        phone[k]["mean"]
            .as_f64()
            .unwrap_or_else(|| panic!("{k}: {phone}"))
    };
    let text = std::fs::read_to_string(&calls).expect("call log");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("arrival,queue_entry,answer,end,outcome,agent,channel,customer,priority")
    );
    let (mut answered, mut abandoned, mut blocked, mut wait_ms) = (0u64, 0u64, 0u64, 0i64);
    let mut previous = i64::MIN;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 9, "{line}");
        let arrival = millis(f[0]);
        assert!(arrival >= previous, "rows by arrival: {line}");
        previous = arrival;
        assert!(f[0].starts_with("2001-01-01T"), "{line}");
        assert!(millis(f[3]) >= arrival, "{line}");
        assert_eq!((f[6], f[8]), ("phone", "phone"), "{line}");
        assert!(f[7].parse::<u64>().is_ok_and(|c| c > 0), "{line}");
        match f[4] {
            "answered" => {
                answered += 1;
                let answer = millis(f[2]);
                wait_ms += answer - arrival;
                assert!(f[5].starts_with("agents-"), "{line}");
                assert!(
                    f[5][7..].parse::<u32>().is_ok_and(|k| (1..=4).contains(&k)),
                    "{line}"
                );
                assert_eq!(f[1].is_empty(), answer == arrival, "{line}");
                assert!(millis(f[3]) >= answer, "{line}");
            }
            "abandoned" => {
                abandoned += 1;
                assert_eq!(millis(f[1]), arrival, "{line}");
                assert!(f[2].is_empty() && f[5].is_empty(), "{line}");
            }
            "blocked" => {
                blocked += 1;
                assert!(
                    f[1].is_empty() && f[2].is_empty() && f[5].is_empty(),
                    "{line}"
                );
                assert_eq!(millis(f[3]), arrival, "{line}");
            }
            other => panic!("outcome {other}: {line}"),
        }
    }
    assert!(
        answered > 0 && abandoned > 0 && blocked > 0,
        "{answered} {abandoned} {blocked}"
    );
    assert_eq!(answered as f64, kpi("answered"));
    assert_eq!(abandoned as f64, kpi("abandoned"));
    assert_eq!(blocked as f64, kpi("blocked"));
    // Waits to the millisecond: the mean agrees with asa_s within half a millisecond.
    let asa = wait_ms as f64 / answered as f64 / 1000.0;
    assert!(
        (asa - kpi("asa_s")).abs() < 5e-4,
        "{asa} vs {}",
        kpi("asa_s")
    );
    // Written atomically: no temporary file left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");
}

#[test]
fn a_call_log_in_a_missing_folder_is_bad_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, BASE).expect("write");
    let out = dir.path().join("out");
    let calls = dir.path().join("nowhere").join("calls.csv");
    let assert = bin()
        .args([
            "run",
            scenario.to_str().expect("utf-8"),
            "--quiet",
            "--no-plots",
        ])
        .arg("--out")
        .arg(&out)
        .arg("--calls")
        .arg(&calls)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("--calls") && err.contains("does not exist"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
}
