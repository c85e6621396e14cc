//! Forecasts from a file: `arrivals = { file = "forecast.csv" }` with `start,channel,contacts` rows, the way
//! forecasts leave a WFM tool.

mod common;
use common::mean;

use supportsim::experiment::run_replications;
use supportsim::report::Report;
use supportsim::scenario::Scenario;

/// A day of hours from Monday 2026-03-02: phone and email read one forecast file.
const SCENARIO: &str = r#"
name = "forecast from a file"
seed = 11
replications = 40
horizon = "1d"
interval = "1h"
start = "2026-03-02"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { file = "forecast.csv" }
handle_time = { dist = "exponential", mean = "3m" }
[[channels]]
name = "email"
kind = "deferred"
arrivals = { file = "forecast.csv" }
handle_time = { dist = "fixed", mean = "5m" }
[[groups]]
name = "agents"
size = 40
skills = { phone = 1.0, email = 1.0 }
"#;

/// Writes the scenario and its forecast file into a temporary folder and loads it from there.
fn load(forecast: &str) -> (tempfile::TempDir, Result<Scenario, String>) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("forecast.csv"), forecast).expect("the forecast written");
    let path = dir.path().join("s.toml");
    std::fs::write(&path, SCENARIO).expect("the scenario written");
    let s = Scenario::load(&path).map_err(|e| e.to_string());
    (dir, s)
}

/// Phone: a shaped day (no calls at night, a morning peak); email: a flat 6 an hour from 08:00 to 17:00.
fn day_forecast() -> (String, Vec<f64>, Vec<f64>) {
    let phone: Vec<f64> = (0..24)
        .map(|h| match h {
            0..=6 | 21..=23 => 0.0,
            9 | 10 => 130.0,
            _ => 40.0 + 3.0 * h as f64,
        })
        .collect();
    let email: Vec<f64> = (0..24)
        .map(|h| if (8..17).contains(&h) { 6.0 } else { 0.0 })
        .collect();
    let mut text = String::from("start,channel,contacts\n");
    for h in 0..24 {
        text += &format!("2026-03-02T{h:02}:00,phone,{}\n", phone[h]);
        // Email rows only where there is mail: absent intervals have none.
        if email[h] > 0.0 {
            text += &format!("2026-03-02 {h:02}:00:00,email,{}\n", email[h]);
        }
    }
    (text, phone, email)
}

#[test]
fn simulated_arrivals_per_interval_match_the_file() {
    let (text, phone, email) = day_forecast();
    let (_dir, s) = load(&text);
    let s = s.unwrap_or_else(|e| panic!("{e}"));
    let report = Report::build(&s, &run_replications(&s));
    let r = f64::from(s.replications);
    for (channel, expected) in [("phone", &phone), ("email", &email)] {
        let rows = &report.intervals[channel];
        assert_eq!(rows.len(), 24);
        for (h, (row, &x)) in rows.iter().zip(expected).enumerate() {
            let got = mean(&row.contacts.offered);
            // Poisson counts: the mean over r replications has standard deviation sqrt(x / r); 4.5 of them
            // over 48 intervals flakes about once in 20,000 runs.
            let bound = 4.5 * (x / r).sqrt();
            assert!(
                (got - x).abs() <= bound,
                "{channel} hour {h}: {got} offered on average, the file says {x} (± {bound})"
            );
            if x == 0.0 {
                assert_eq!(got, 0.0, "{channel} hour {h}");
            }
        }
    }
}

/// The error for a forecast file, with its CSV line.
fn refused(forecast: &str) -> String {
    let (_dir, s) = load(forecast);
    s.expect_err("should be refused")
}

#[test]
fn errors_in_the_file_name_its_line_and_column() {
    let head = "start,channel,contacts\n2026-03-02T08:00,phone,10\n2026-03-02T08:00,email,1\n";
    let cases = [
        (
            "2026-03-02T09:00,fax,3\n",
            ":4:18:",
            "channel \"fax\" is not a channel",
        ),
        ("2026-03-0209:00,phone,3\n", ":4:1:", "is not a time"),
        (
            "2026-03-02T09:15,phone,3\n",
            ":4:1:",
            "not on the interval grid",
        ),
        ("2026-03-03T00:00,phone,3\n", ":4:1:", "outside the horizon"),
        (
            "2026-03-02T08:00,phone,3\n",
            ":4:1:",
            "line 2 has the first",
        ),
        (
            "2026-03-02T09:00,phone,-3\n",
            ":4:24:",
            "cannot be negative",
        ),
        (
            "2026-03-02T09:00,phone,many\n",
            ":4:24:",
            "give a number of contacts",
        ),
        ("2026-03-02T09:00,phone\n", ":4:1:", "one value per column"),
    ];
    for (row, place, message) in cases {
        let e = refused(&format!("{head}{row}"));
        assert!(
            e.contains(&format!("forecast.csv{place}")) && e.contains(message),
            "{row}: {e}"
        );
        // The scenario's key is named too.
        assert!(e.contains("channels[0].arrivals.file"), "{e}");
    }
    let e = refused("start,channel,contacts,aht_s\n2026-03-02T08:00,phone,10,-3\n");
    assert!(
        e.contains("forecast.csv:2:") && e.contains("aht_s = \"-3\""),
        "{e}"
    );
    let e = refused("start,channel,contacts,aht\n2026-03-02T08:00,phone,10,180\n");
    assert!(
        e.contains("forecast.csv:1:24:") && e.contains("optionally aht_s"),
        "{e}"
    );
    let e = refused("begin,channel,contacts\n");
    assert!(
        e.contains("forecast.csv:1:1:") && e.contains("start, channel and contacts"),
        "{e}"
    );
    let e = refused("start,channel,contacts\n2026-03-02T08:00,phone,10\n");
    assert!(e.contains("no row for channel \"email\""), "{e}");
}

#[test]
fn without_a_start_date_rows_start_at_day_and_clock_times() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("f.csv"),
        "start,channel,contacts\n00:00,phone,30\n01:00,phone,60\n3600,phone,1\n",
    )
    .unwrap();
    let text = r#"
name = "undated"
horizon = "2h"
interval = "1h"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { file = "f.csv" }
handle_time = { dist = "exponential", mean = "3m" }
[[groups]]
name = "agents"
size = 10
skills = { phone = 1.0 }
"#;
    // 01:00 and 3600 are the same interval.
    let e = Scenario::from_toml(text, "u.toml", Some(dir.path()))
        .expect_err("a duplicate")
        .to_string();
    assert!(
        e.contains("f.csv:4:1:") && e.contains("line 3 has the first"),
        "{e}"
    );
    std::fs::write(
        dir.path().join("f.csv"),
        "start,channel,contacts\n00:00,phone,30\n3600,phone,60\n",
    )
    .unwrap();
    let s = Scenario::from_toml(text, "u.toml", Some(dir.path())).unwrap_or_else(|e| panic!("{e}"));
    let rates = &s.channels[0].arrivals_per_hour;
    assert_eq!((rates.at(0), rates.at(1)), (30.0, 60.0));
    // A date needs a start date.
    std::fs::write(
        dir.path().join("f.csv"),
        "start,channel,contacts\n2026-03-02T00:00,phone,30\n",
    )
    .unwrap();
    let e = Scenario::from_toml(text, "u.toml", Some(dir.path()))
        .expect_err("no start date")
        .to_string();
    assert!(
        e.contains("f.csv:2:1:") && e.contains("give the scenario a start date"),
        "{e}"
    );
}

/// `aht_s` gives the channel's mean handle time per interval (the shape of its `handle_time` kept): with
/// 180 s in every row the run is the scalar scenario's exactly, and with 90 s in the morning and 360 s in
/// the afternoon each interval's measured handle time follows its row (exponential handle times: the
/// standard error of an interval's mean over 40 replications of about 20 calls is mean / sqrt(800)).
#[test]
fn aht_per_interval_from_the_forecast_sets_each_interval_s_handle_time() {
    let rows = |aht: &dyn Fn(usize) -> String| {
        let mut text = String::from("start,channel,contacts,aht_s\n");
        for h in 8..18 {
            text.push_str(&format!("2026-03-02T{h:02}:00,phone,20,{}\n", aht(h)));
            text.push_str(&format!("2026-03-02T{h:02}:00,email,5,\n"));
        }
        text
    };
    let (_d1, flat) = load(&rows(&|_| "180".into()));
    let (_d2, none) = load(&rows(&|_| String::new()));
    let flat = flat.expect("valid");
    let none = none.expect("valid");
    assert!(flat.channels[0].handle_time_means.is_some());
    assert!(
        none.channels[0].handle_time_means.is_none(),
        "empty aht_s is the channel's own"
    );
    let a = Report::build(&flat, &run_replications(&flat));
    let b = Report::build(&none, &run_replications(&none));
    assert_eq!(
        a.channels["phone"].contacts.aht_s.mean, b.channels["phone"].contacts.aht_s.mean,
        "a constant aht_s equal to the mean changes nothing"
    );
    let (_d3, two) = load(&rows(&|h| if h < 13 { "90".into() } else { "360".into() }));
    let two = two.expect("valid");
    let r = Report::build(&two, &run_replications(&two));
    for (k, row) in r.intervals["phone"]
        .iter()
        .enumerate()
        .filter(|(k, _)| (8..18).contains(k))
    {
        let want = if k < 13 { 90.0 } else { 360.0 };
        let got = mean(&row.contacts.aht_s);
        assert!(
            (got - want).abs() < 5.0 * want / 800f64.sqrt(),
            "interval {k}: aht {got} against {want}"
        );
    }
}
