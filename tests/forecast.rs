//! Forecast uncertainty: day volumes are Poisson-gamma around the forecast, and P(target missed) shows the
//! risk a staffing plan runs.

mod common;
use common::scenario;

use supportsim::experiment::run_replications;
use supportsim::report::Report;
use supportsim::scenario::Scenario;

const DAY: &str = r#"
name = "forecast"
seed = 21
replications = 300
horizon = "1d"
interval = "1h"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 100 FORECAST }
handle_time = { dist = "exponential", mean = "3m" }
patience = { dist = "exponential", mean = "2m" }
[[groups]]
name = "agents"
size = AGENTS
skills = { phone = 1.0 }
"#;

fn day(forecast: &str, agents: u32) -> Scenario {
    scenario(
        &DAY.replace("FORECAST", forecast)
            .replace("AGENTS", &agents.to_string()),
    )
}

fn daily_volumes(s: &Scenario) -> Vec<f64> {
    run_replications(s)
        .iter()
        .map(|r| r.channels[0].total.offered as f64)
        .collect()
}

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    (
        m,
        (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt(),
    )
}

#[test]
fn day_volumes_are_poisson_gamma() {
    let lambda: f64 = 2400.0; // 100 an hour for a day
    let (m0, sd0) = mean_sd(&daily_volumes(&day("", 10)));
    let (m, sd) = mean_sd(&daily_volumes(&day(", forecast_cv = 0.25", 10)));
    // Without uncertainty: Poisson, sd = sqrt(2400) ≈ 49.
    assert!((sd0 / lambda.sqrt() - 1.0).abs() < 0.15, "Poisson sd {sd0}");
    // With cv 0.25: variance λ + cv²λ² (negative binomial), sd ≈ 602; 300 days estimate it to about ±4%,
    // the gamma draws themselves to about ±6%.
    let expected = (lambda + 0.0625 * lambda * lambda).sqrt();
    assert!(
        (sd / expected - 1.0).abs() < 0.15,
        "Poisson-gamma sd {sd} vs {expected}"
    );
    // The forecast is unbiased: the mean stays λ (se = sd/√300 ≈ 35).
    assert!(
        (m - lambda).abs() < 4.0 * expected / 300f64.sqrt(),
        "mean {m}"
    );
    assert!(
        (m0 - lambda).abs() < 4.0 * lambda.sqrt() / 300f64.sqrt() + 1.0,
        "mean {m0}"
    );
}

#[test]
fn uncertainty_raises_the_risk_of_missing_the_target() {
    let report = |s: &Scenario| Report::build(s, &run_replications(s));
    let p = |r: &Report| {
        r.channels["phone"]
            .contacts
            .p_target_missed
            .mean
            .expect("defined")
    };
    // 7 agents for 5 erlangs: about 80/20 on a forecast day.
    let certain = report(&day("", 7));
    let uncertain = report(&day(", forecast_cv = 0.2", 7));
    assert!(
        p(&uncertain) > p(&certain) + 0.1,
        "P(missed) {} with uncertainty, {} without",
        p(&uncertain),
        p(&certain)
    );
    // Heavily overstaffed: never missed.
    assert_eq!(p(&report(&day(", forecast_cv = 0.2", 20))), 0.0);
    // Per interval too, between 0 and 1.
    for row in &uncertain.intervals["phone"] {
        let v = row.contacts.p_target_missed.mean.expect("defined");
        assert!((0.0..=1.0).contains(&v));
    }
}

#[test]
fn forecast_mistakes_are_explained() {
    for (forecast, message) in [
        (
            ", forecast_cv = -0.1",
            "channels[0].arrivals.forecast_cv = -0.1: must be 0 (no uncertainty) or between 0.001 and 2",
        ),
        (
            ", forecast_cv = 3",
            "channels[0].arrivals.forecast_cv = 3: must be 0 (no uncertainty) or between 0.001 and 2",
        ),
    ] {
        let err = Scenario::from_toml(
            &DAY.replace("FORECAST", forecast).replace("AGENTS", "5"),
            "t.toml",
            None,
        )
        .expect_err("rejected")
        .to_string();
        assert!(err.contains(message), "{err}");
    }
    let err = Scenario::from_toml(
        &DAY.replace("FORECAST", ", forecast_cv = 0.1")
            .replace("AGENTS", "5")
            .replace("interval = \"1h\"", "interval = \"7h\"")
            .replace("horizon = \"1d\"", "horizon = \"7h\""),
        "t.toml",
        None,
    )
    .expect_err("rejected")
    .to_string();
    assert!(err.contains("the interval must divide a day"), "{err}");
}
