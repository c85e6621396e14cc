//! The simulator against exact queueing theory: every Erlang C, Erlang A, Erlang B, M/M/c/K and M/G/1 case
//! of ../shared/reference/queueing_cases.json.
//!
//! Sizing (from the cases' `sample_size_guidance_z4`, which gives the customers one run needs so that
//! 4 standard errors stay within 0.01 absolute for probabilities and 5% relative for means): each case
//! simulates the largest guidance among the metrics compared, at least 300k and at most 25M customers
//! (about 100M in all, under 10 s in release on 2 cores), split over 32 independent replications after a warm-up of
//! 20 relaxation times. Where the guidance exceeds 25M (ASA of C14 and A13) the interval is wider
//! than the guidance's tolerance and the comparison is correspondingly weaker, but still real.
//!
//! Tolerance: |simulated mean − exact| <= 5 · se + slack, where se = ci95 / t(0.975, 31) is the standard
//! error over the 32 replications (P(|t_31| > 5) ≈ 2e-5 per comparison) and slack is a small stated
//! allowance for finite-horizon bias: 0.002 absolute for probabilities, 1% relative (at least 0.01 s) for
//! mean waits.
//! Seeds are fixed, so the test is deterministic: it cannot flake, only fail if the simulator disagrees.

mod common;
use common::{f, reference_cases};
use serde_json::Value;
use supportsim::experiment::run_replications;
use supportsim::report::Report;
use supportsim::scenario::Scenario;
use supportsim::stats::t_quantile_975;

const REPLICATIONS: u32 = 32;
const MIN_CUSTOMERS: f64 = 300_000.0;
const MAX_CUSTOMERS: f64 = 25_000_000.0;
const Z: f64 = 5.0;

/// (simulated KPI in summary.json, reference key, is a probability)
fn metrics(threshold: i64) -> Vec<(&'static str, String, bool)> {
    vec![
        ("prob_wait", "p_wait_gt_0".into(), true),
        ("abandon_rate", "p_abandon".into(), true),
        ("block_rate", "p_block".into(), true),
        ("occupancy", "occupancy".into(), true),
        ("service_level", format!("sl_{threshold}"), true),
        (
            "service_level_answered",
            format!("sl_answered_{threshold}"),
            true,
        ),
        ("asa_s", "asa".into(), false),
    ]
}

fn handle_time(case: &Value) -> String {
    let inputs = &case["inputs"];
    let aht = f(inputs, "aht_seconds");
    match inputs.get("service_distribution").and_then(|d| d.as_str()) {
        None => format!("{{ dist = \"exponential\", mean = {aht} }}"),
        Some("det") => format!("{{ dist = \"fixed\", mean = {aht} }}"),
        Some("erlang") => format!(
            "{{ dist = \"erlang\", mean = {aht}, k = {} }}",
            inputs["service_params"]["k"]
        ),
        Some("lognormal") => format!(
            "{{ dist = \"lognormal\", mean = {aht}, cv = {} }}",
            f(&inputs["service_params"], "scv").sqrt()
        ),
        Some("h2") => format!(
            "{{ dist = \"hyperexponential\", mean = {aht}, cv = {} }}",
            f(&inputs["service_params"], "scv").sqrt()
        ),
        Some(other) => panic!("service distribution {other} not mapped"),
    }
}

/// Whether a simulated KPI ({"mean", "ci95"} over REPLICATIONS replications) agrees with its exact value
/// within Z standard errors plus the stated slack; prints the comparison and records a failure.
fn agrees(
    what: &str,
    kpi: &Value,
    exact: f64,
    is_probability: bool,
    failures: &mut Vec<String>,
) -> bool {
    let mean = kpi["mean"]
        .as_f64()
        .unwrap_or_else(|| panic!("{what} has no mean"));
    let se = kpi["ci95"].as_f64().unwrap_or(0.0) / t_quantile_975(REPLICATIONS as usize - 1);
    let slack = if is_probability {
        0.002
    } else {
        (0.01 * exact).max(0.01)
    };
    let tolerance = Z * se + slack;
    let ok = (mean - exact).abs() <= tolerance;
    println!(
        "{what:<30} sim {mean:>12.6} exact {exact:>12.6} |diff| {:>10.6} tol {tolerance:>10.6} {}",
        (mean - exact).abs(),
        if ok { "ok" } else { "FAIL" }
    );
    if !ok {
        failures.push(format!(
            "{what}: simulated {mean} vs exact {exact} (tolerance {tolerance})"
        ));
    }
    ok
}

#[test]
fn simulation_agrees_with_exact_values() {
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut total_customers = 0.0;
    let Some(cases) = reference_cases() else {
        return;
    };
    for (i, case) in cases.iter().enumerate() {
        let model = case["model"].as_str().expect("model");
        if !["erlang_c", "erlang_a", "erlang_b", "mmck", "mg1"].contains(&model) {
            continue;
        }
        let id = case["id"].as_str().expect("id");
        let inputs = &case["inputs"];
        let outputs = &case["outputs"];
        let thresholds = inputs["sl_thresholds_seconds"]
            .as_array()
            .expect("thresholds");
        // Rotate the service-level threshold over cases so every threshold is exercised.
        let threshold = thresholds[i % thresholds.len()].as_f64().expect("number") as i64;
        let metrics: Vec<_> = metrics(threshold)
            .into_iter()
            .filter(|(_, key, _)| outputs.get(key).is_some())
            .collect();

        let lambda = f(inputs, "arrival_rate_per_hour") / 3600.0;
        let agents = inputs["agents"].as_u64().expect("agents");
        let guidance = &case["sample_size_guidance_z4"];
        let needed = metrics
            .iter()
            .filter_map(|(_, key, _)| {
                guidance
                    .get(key.as_str())?
                    .get("customers_needed_z4")?
                    .as_f64()
            })
            .fold(0.0, f64::max);
        let customers = needed.clamp(MIN_CUSTOMERS, MAX_CUSTOMERS);
        total_customers += customers;
        let relaxation = case["derived"]
            .get("relaxation_time_seconds")
            .and_then(|v| v.as_f64())
            .unwrap_or_else(|| {
                // M/G/1: the M/M/1 relaxation time 1/(μ(1 − √ρ)²) as a scale.
                let rho = f(&case["derived"], "rho");
                f(inputs, "aht_seconds") / (1.0 - rho.sqrt()).powi(2)
            });
        let horizon = (customers / f64::from(REPLICATIONS) / lambda).round();
        let mut toml = format!(
            "name = \"{id}\"\nseed = {}\nreplications = {REPLICATIONS}\nhorizon = {horizon}\ninterval = {horizon}\nwarmup = {}\n\n\
             [[channels]]\nname = \"q\"\nkind = \"voice\"\narrivals = {{ per_hour = {} }}\nhandle_time = {}\ntarget = {{ within = {threshold}, share = 0.8 }}\n",
            1000 + i,
            (20.0 * relaxation).round(),
            f(inputs, "arrival_rate_per_hour"),
            handle_time(case)
        );
        if let Some(p) = inputs.get("patience_mean_seconds") {
            toml.push_str(&format!(
                "patience = {{ dist = \"exponential\", mean = {p} }}\n"
            ));
        }
        match model {
            "erlang_b" => toml.push_str("queue_capacity = 0\n"),
            "mmck" => toml.push_str(&format!(
                "queue_capacity = {}\n",
                inputs["system_capacity_K"].as_u64().expect("K") - agents
            )),
            _ => {}
        }
        toml.push_str(&format!(
            "\n[[groups]]\nname = \"agents\"\nsize = {agents}\nskills = {{ q = 1.0 }}\n"
        ));
        let scenario =
            Scenario::from_toml(&toml, id, None).unwrap_or_else(|e| panic!("{id}: {e}\n{toml}"));
        let reps = run_replications(&scenario);
        let report = Report::build(&scenario, &reps);
        let kpis = serde_json::to_value(&report.channels["q"]).expect("serialisable");
        for (kpi, key, is_probability) in &metrics {
            let exact = f(outputs, key);
            compared += 1;
            agrees(
                &format!("{id} {kpi}"),
                &kpis[kpi],
                exact,
                *is_probability,
                &mut failures,
            );
        }
    }
    println!("{compared} comparisons, {total_customers:.0} customers");
    assert!(compared >= 80, "only {compared} comparisons made");
    assert!(
        failures.is_empty(),
        "disagreements with exact theory:\n{}",
        failures.join("\n")
    );
}

/// Non-preemptive priority classes within one channel (`classes`), against the np_priority cases: the mean
/// wait of each class (class 1 highest), and P(wait) and the overall mean wait where given. Same sizing and
/// tolerance rules as above; relaxation is taken as 20 × the M/M/c scale AHT / (1 − √ρ)².
#[test]
fn priority_classes_agree_with_exact_values() {
    let mut compared = 0;
    let mut failures = Vec::new();
    let Some(cases) = reference_cases() else {
        return;
    };
    for (i, case) in cases.iter().enumerate() {
        if case["model"] != "np_priority" {
            continue;
        }
        let id = case["id"].as_str().expect("id");
        let inputs = &case["inputs"];
        let outputs = &case["outputs"];
        let rates: Vec<f64> = inputs["class_arrival_rates_per_hour"]
            .as_array()
            .expect("rates")
            .iter()
            .map(|v| v.as_f64().expect("rate"))
            .collect();
        let ahts: Vec<f64> = inputs["class_aht_seconds"]
            .as_array()
            .expect("ahts")
            .iter()
            .map(|v| v.as_f64().expect("aht"))
            .collect();
        assert!(
            ahts.windows(2).all(|w| w[0] == w[1]),
            "{id}: per-class handle times are not modelled by one channel"
        );
        let total: f64 = rates.iter().sum();
        let lambda = total / 3600.0;
        let guidance = &case["sample_size_guidance_z4"];
        let needed = (1..=rates.len())
            .filter_map(|k| {
                guidance
                    .get(format!("class_mean_wait_{k}"))?
                    .get("customers_needed_z4")?
                    .as_f64()
            })
            .fold(0.0, f64::max);
        let customers = needed.clamp(MIN_CUSTOMERS, MAX_CUSTOMERS);
        let rho = f(&case["derived"], "rho");
        let relaxation = ahts[0] / (1.0 - rho.sqrt()).powi(2);
        let horizon = (customers / f64::from(REPLICATIONS) / lambda).round();
        let classes: Vec<String> = rates
            .iter()
            .enumerate()
            .map(|(k, r)| {
                format!(
                    "{{ name = \"c{}\", share = {}, priority = {} }}",
                    k + 1,
                    r / total,
                    rates.len() - k
                )
            })
            .collect();
        let toml = format!(
            "name = \"{id}\"\nseed = {}\nreplications = {REPLICATIONS}\nhorizon = {horizon}\ninterval = {horizon}\nwarmup = {}\n\n\
             [[channels]]\nname = \"q\"\nkind = \"voice\"\narrivals = {{ per_hour = {total} }}\nhandle_time = {{ dist = \"exponential\", mean = {} }}\nclasses = [{}]\n\n\
             [[groups]]\nname = \"agents\"\nsize = {}\nskills = {{ q = 1.0 }}\n",
            2000 + i,
            (20.0 * relaxation).round(),
            ahts[0],
            classes.join(", "),
            inputs["agents"]
        );
        let scenario =
            Scenario::from_toml(&toml, id, None).unwrap_or_else(|e| panic!("{id}: {e}\n{toml}"));
        let report = Report::build(&scenario, &run_replications(&scenario));
        let kpis = serde_json::to_value(&report.channels["q"]).expect("serialisable");
        let mut checks: Vec<(String, &Value, f64, bool)> = outputs["class_mean_wait"]
            .as_array()
            .expect("class waits")
            .iter()
            .enumerate()
            .map(|(k, w)| {
                (
                    format!("class c{} asa_s", k + 1),
                    &kpis["classes"][format!("c{}", k + 1)]["asa_s"],
                    w.as_f64().expect("wait"),
                    false,
                )
            })
            .collect();
        if let Some(p) = outputs.get("p_wait_gt_0") {
            checks.push((
                "prob_wait".into(),
                &kpis["prob_wait"],
                p.as_f64().expect("p"),
                true,
            ));
        }
        if let Some(w) = outputs.get("mean_wait_all") {
            checks.push((
                "asa_s".into(),
                &kpis["asa_s"],
                w.as_f64().expect("w"),
                false,
            ));
        }
        for (name, kpi, exact, is_probability) in checks {
            compared += 1;
            agrees(
                &format!("{id} {name}"),
                kpi,
                exact,
                is_probability,
                &mut failures,
            );
        }
    }
    assert!(compared >= 6, "only {compared} comparisons");
    assert!(
        failures.is_empty(),
        "disagreements with exact theory:\n{}",
        failures.join("\n")
    );
}
