//! The Erlang B, C and A calculators against every erlang_* case of ../shared/reference, to 1e-9 relative.
//! Every output the reference gives for a case must be computed (none skipped) and match.

mod common;
use common::{f, reference_cases};
use supportsim::staffing::QueueModel;

#[test]
fn calculators_match_every_reference_case() {
    let mut compared = 0;
    let mut cases = 0;
    let Some(reference) = reference_cases() else {
        return;
    };
    for case in reference {
        let model = case["model"].as_str().expect("model");
        let kind = match model {
            "erlang_b" => 'b',
            "erlang_c" => 'c',
            "erlang_a" => 'a',
            _ => continue,
        };
        cases += 1;
        let id = case["id"].as_str().expect("id");
        let inputs = &case["inputs"];
        let patience = inputs.get("patience_mean_seconds").and_then(|v| v.as_f64());
        let m = QueueModel::new(
            kind,
            f(inputs, "arrival_rate_per_hour"),
            f(inputs, "aht_seconds"),
            patience,
        )
        .expect("valid inputs");
        let thresholds: Vec<f64> = inputs["sl_thresholds_seconds"]
            .as_array()
            .expect("thresholds")
            .iter()
            .map(|v| v.as_f64().expect("number"))
            .collect();
        let agents = inputs["agents"].as_u64().expect("agents") as u32;
        let ours = m.metrics(agents, &thresholds).expect("metrics");
        for (key, expected) in case["outputs"].as_object().expect("outputs") {
            let expected = expected.as_f64().expect("numeric output");
            let got = *ours
                .get(key)
                .unwrap_or_else(|| panic!("{id}: the calculator does not compute `{key}`"));
            let err = if expected == 0.0 {
                got.abs()
            } else {
                (got / expected - 1.0).abs()
            };
            assert!(
                err <= 1e-9,
                "{id} {key}: got {got:e}, reference {expected:e} (relative error {err:e})"
            );
            compared += 1;
        }
    }
    assert!(
        cases >= 15 && compared > 200,
        "only {cases} cases / {compared} values compared"
    );
}

/// Without ../shared the tests say what is missing and how to provide it: in CI they fail with it, outside
/// CI they skip with it on stderr; a present folder gives its cases.
#[test]
fn a_missing_shared_folder_is_named() {
    let missing = std::env::temp_dir().join("supportsim-no-shared-here");
    let err = common::load_reference(&missing, true).expect_err("missing in CI fails");
    let file = missing.join("reference").join("queueing_cases.json");
    assert!(
        err.starts_with(&format!("{} not found", file.display()))
            && err.contains("SUPPORTSIM_SHARED="),
        "{err}"
    );
    assert_eq!(common::load_reference(&missing, false), Ok(None));
    if common::shared_dir().join("reference").is_dir() {
        let cases = common::load_reference(&common::shared_dir(), true)
            .expect("readable")
            .expect("present");
        assert!(cases.len() >= 15);
    }
}
