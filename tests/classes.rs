//! Priority classes with waiting-time credit and their own handle time and patience (docs/scenario.md
//! `classes`), and fractional staffing (`size = 9.5`).

mod common;
use common::{mean, run, scenario};

use supportsim::experiment::run_replications;
use supportsim::report::Report;
use supportsim::scenario::{Scenario, Staffing, StaffingError};
use supportsim::stats::ReplicationTally;

/// One voice channel with two classes of equal priority (CLASSES replaced), 9 agents (SIZE), 8.3 erlangs.
const BASE: &str = r#"
name = "classes"
seed = 11
replications = 30
horizon = "8h"
warmup = "1h"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 100 }
handle_time = { dist = "exponential", mean = "5m" }
patience = { dist = "exponential", mean = "20m" }
classes = [CLASSES]
[[groups]]
name = "agents"
size = SIZE
skills = { phone = 1.0 }
"#;

fn text(classes: &str, size: &str) -> String {
    BASE.replace("CLASSES", classes).replace("SIZE", size)
}

fn two(high: &str) -> String {
    text(
        &format!("{{ name = \"regular\", share = 0.7 }}, {{ name = \"high\", share = 0.3{high} }}"),
        "9",
    )
}

fn same_kpis(a: &Report, b: &Report) {
    let (x, y) = (&a.channels["phone"], &b.channels["phone"]);
    for ((name, p), (_, q)) in x.contacts.fields().iter().zip(y.contacts.fields().iter()) {
        assert_eq!(p.mean, q.mean, "{name}");
        assert_eq!(p.ci95, q.ci95, "{name}");
    }
    for (k, class) in &x.classes {
        for ((name, p), (_, q)) in class.fields().iter().zip(y.classes[k].fields().iter()) {
            assert_eq!(p.mean, q.mean, "{k}.{name}");
        }
    }
}

/// Per replication, the mean wait of the answered contacts of class `k` of channel 0.
fn class_asa(reps: &[ReplicationTally], k: usize) -> Vec<f64> {
    reps.iter()
        .map(|r| {
            let t = &r.channels[0].classes[k];
            t.wait_answered_s / t.answered as f64
        })
        .collect()
}

/// Mean and 95% half-width (normal quantile; 30 pairs) of the paired differences a − b.
fn paired(a: &[f64], b: &[f64]) -> (f64, f64) {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    let n = d.len() as f64;
    let m = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, 1.96 * (var / n).sqrt())
}

#[test]
fn zero_credits_are_first_come_first_served_exactly() {
    let none = run(&two(""));
    let zero = run(&two(", credit = \"0s\""));
    same_kpis(&none, &zero);
    // And the resolved scenario leaves a zero credit out, as it was before credits existed.
    let s = scenario(&two(", credit = \"0s\""));
    assert!(!supportsim::scenario::resolved::to_toml(&s).contains("credit"));
}

#[test]
fn a_huge_credit_is_strict_priority() {
    let credit = run(&two(", credit = \"1000h\""));
    let strict = run(&two(", priority = 1"));
    same_kpis(&credit, &strict);
    // And not FIFO: the high class waits less than with no credit.
    let fifo = run(&two(""));
    assert!(
        mean(&credit.channels["phone"].classes["high"].asa_s)
            < mean(&fifo.channels["phone"].classes["high"].asa_s)
    );
}

#[test]
fn an_intermediate_credit_lies_between_fifo_and_strict_priority() {
    let asa = |high: &str| class_asa(&run_replications(&scenario(&two(high))), 1);
    let (fifo, mid, strict) = (asa(""), asa(", credit = \"60s\""), asa(", priority = 1"));
    let (d1, h1) = paired(&fifo, &mid);
    let (d2, h2) = paired(&mid, &strict);
    assert!(d1 - h1 > 0.0, "FIFO − credit: {d1} ± {h1}");
    assert!(d2 - h2 > 0.0, "credit − strict: {d2} ± {h2}");
    // The credit reorders, it adds no work: the regular class waits longer than under FIFO.
    let regular = |high: &str| class_asa(&run_replications(&scenario(&two(high))), 0);
    let (d, h) = paired(&regular(", credit = \"60s\""), &regular(""));
    assert!(d - h > 0.0, "regular class: {d} ± {h}");
}

#[test]
fn a_class_handle_time_is_its_own_and_leaves_the_other_class_draws_alone() {
    // 40 agents for 8.3 erlangs: nobody waits, so each class's AHT is its handle-time mean.
    let classes = |high: &str| {
        text(
            &format!(
                "{{ name = \"regular\", share = 0.7 }}, {{ name = \"high\", share = 0.3{high} }}"
            ),
            "40",
        )
    };
    let own = run(&classes(
        ", handle_time = { dist = \"lognormal\", mean = \"2m\", cv = 0.5 }",
    ));
    let plain = run(&classes(""));
    for (report, class, expected) in [
        (&own, "high", 120.0),
        (&own, "regular", 300.0),
        (&plain, "high", 300.0),
    ] {
        let aht = &report.channels["phone"].classes[class].aht_s;
        let (m, ci) = (mean(aht), aht.ci95.expect("30 replications"));
        assert!((m - expected).abs() < 2.0 * ci, "{class}: {m} ± {ci}");
        assert!(
            ci < 0.05 * expected,
            "{class}: the CI is tight enough to tell"
        );
    }
    // The regular class draws the same handle times either way (common random numbers).
    let r = |rep: &Report| rep.channels["phone"].classes["regular"].aht_s.mean;
    assert_eq!(r(&own), r(&plain));
    // A channel's only class with its own handle time (the single-queue kernel must not take it).
    let only = run(&text(
        "{ name = \"all\", share = 1, handle_time = { dist = \"fixed\", mean = \"2m\" } }",
        "40",
    ));
    assert!((mean(&only.channels["phone"].contacts.aht_s) - 120.0).abs() < 1e-9);
}

#[test]
fn a_class_patience_is_its_own() {
    // No agents: every caller waits out exactly their patience, so the mean abandoned wait is the
    // patience's mean: 1 minute for the class's own, 20 minutes for the channel's.
    let s = scenario(&text(
        "{ name = \"regular\", share = 0.5 }, { name = \"high\", share = 0.5, patience = { dist = \"exponential\", mean = \"1m\" } }",
        "0",
    ));
    let reps = run_replications(&s);
    for (k, expected) in [(0, 1200.0), (1, 60.0)] {
        let (mut waited, mut abandoned) = (0.0, 0u64);
        for r in &reps {
            let t = &r.channels[0].classes[k];
            assert_eq!(t.answered, 0);
            waited += t.wait_abandoned_s;
            abandoned += t.abandoned;
        }
        // Exponential: sd = mean; 4 standard errors.
        let m = waited / abandoned as f64;
        let tol = 4.0 * expected / (abandoned as f64).sqrt();
        assert!(
            (m - expected).abs() < tol,
            "class {k}: {m} vs {expected} ± {tol}"
        );
    }
    // The abandon rate is 1 in both classes (all callers who arrived early enough to give up did).
    let report = Report::build(&s, &reps);
    assert!(mean(&report.channels["phone"].classes["high"].abandon_rate) > 0.99);
}

fn error_of(text: &str) -> String {
    match Scenario::from_toml(text, "s.toml", None) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_class_keys_are_errors_with_their_place() {
    let e = error_of(&two(", credit = -90"));
    assert!(
        e.contains("s.toml:13:86:")
            && e.contains(
                "channels[0].classes[1].credit = -90: give a waiting-time credit of 0 or more"
            ),
        "{e}"
    );
    let deferred = BASE
        .replace("kind = \"voice\"", "kind = \"deferred\"")
        .replace(
            "patience = { dist = \"exponential\", mean = \"20m\" }\n",
            "",
        )
        .replace(
            "CLASSES",
            "{ name = \"a\", share = 1, patience = { dist = \"exponential\", mean = \"1m\" } }",
        )
        .replace("SIZE", "1");
    let e = error_of(&deferred);
    assert!(
        e.contains("channels[0].classes[0].patience: deferred work does not abandon, in any class; remove it"),
        "{e}"
    );
    let e = error_of(&two(
        ", handle_time = { dist = \"lognormal\", mean = \"2m\" }",
    ));
    assert!(
        e.contains("channels[0].classes[1].handle_time: lognormal needs `cv`"),
        "{e}"
    );
    let e = error_of(&two(", wait_credit = \"1m\""));
    assert!(e.contains("wait_credit"), "{e}");
}

// ---- fractional staffing ----

/// Per replication, the service level of channel 0 (answered within target / offered).
fn service_levels(reps: &[ReplicationTally]) -> Vec<f64> {
    reps.iter()
        .map(|r| {
            let t = &r.channels[0].total;
            t.answered_within as f64 / t.offered as f64
        })
        .collect()
}

#[test]
fn half_an_agent_gives_a_service_level_between() {
    let one = "{ name = \"all\", share = 1 }";
    let sl = |size: &str| service_levels(&run_replications(&scenario(&text(one, size))));
    let (nine, half, ten) = (sl("9"), sl("9.5"), sl("10"));
    let (d1, h1) = paired(&half, &nine);
    let (d2, h2) = paired(&ten, &half);
    assert!(d1 - h1 > 0.0, "9.5 − 9: {d1} ± {h1}");
    assert!(d2 - h2 > 0.0, "10 − 9.5: {d2} ± {h2}");
    // A whole number written as a float is that whole number.
    same_kpis(&run(&text(one, "9.0")), &run(&text(one, "9")));
}

#[test]
fn fractional_sizes_staff_exactly_their_hours() {
    // No contacts, so nobody overruns: staffed time is the plan's, n + f agent-hours per hour.
    let s = scenario(
        r#"
name = "fraction"
replications = 2
horizon = "3h"
interval = "1h"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 0 }
handle_time = { dist = "exponential", mean = "5m" }
[[groups]]
name = "agents"
size = [2.5, 3, 0.25]
skills = { phone = 1.0 }
"#,
    );
    let reps = run_replications(&s);
    for r in &reps {
        let g = &r.groups[0];
        for (got, want) in g.staffed_intervals.iter().zip([2.5, 3.0, 0.25]) {
            assert!((got / 3600.0 - want).abs() < 1e-9, "{got} vs {want} h");
        }
        assert!((g.staffed_s / 3600.0 - 5.75).abs() < 1e-9);
    }
    let report = Report::build(&s, &reps);
    assert!((mean(&report.groups["agents"].staffed_hours) - 5.75).abs() < 1e-9);
    // With absence the absent agents' time is shrinkage, the extra agent's only for its part of the
    // interval: scheduled time is still n + f per hour.
    let s = scenario(&s_text_with_absence());
    let mut shrinkage = 0.0;
    for r in &run_replications(&s) {
        let g = &r.groups[0];
        for i in 0..3 {
            let paid = (g.staffed_intervals[i] + g.shrinkage_intervals[i]) / 3600.0;
            assert!(
                (paid - [2.5, 3.0, 0.25][i]).abs() < 1e-9,
                "interval {i}: {paid}"
            );
        }
        shrinkage += g.shrinkage_s;
    }
    assert!(shrinkage > 0.0, "somebody was absent");
}

fn s_text_with_absence() -> String {
    r#"
name = "fraction"
replications = 40
horizon = "3h"
interval = "1h"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 0 }
handle_time = { dist = "exponential", mean = "5m" }
[[groups]]
name = "agents"
size = [2.5, 3, 0.25]
absence = 0.3
skills = { phone = 1.0 }
"#
    .to_string()
}

#[test]
fn the_fractional_setter_round_trips_through_the_resolved_scenario() {
    let s = scenario(
        &text("{ name = \"all\", share = 1 }", "9")
            .replace("horizon = \"8h\"", "horizon = \"3h\"\ninterval = \"1h\""),
    );
    let mut st = Staffing::of(&s);
    st.set_fractional_sizes(0, vec![9.4, 10.0, 0.75])
        .expect("valid");
    assert_eq!(st.group(0).size.values(), &[9, 10, 0]);
    assert_eq!(st.group(0).max_agents(), 10);
    let got: Vec<f64> = (0..3).map(|i| st.group(0).agents_at(i)).collect();
    assert_eq!(got, [9.4, 10.0, 0.75]);
    let mut edited = s.clone();
    st.apply_to(&mut edited);
    let toml = supportsim::scenario::resolved::to_toml(&edited);
    assert!(toml.contains("size = [9.4, 10, 0.75]"), "{toml}");
    let again = Staffing::of(&Scenario::from_toml(&toml, "resolved.toml", None).expect("valid"));
    assert_eq!(again, st);
    // Whole numbers are the integer plan exactly.
    let mut whole = Staffing::of(&s);
    whole.set_sizes(0, vec![9, 10, 1]).expect("valid");
    st.set_fractional_sizes(0, vec![9.0, 10.0, 1.0])
        .expect("valid");
    assert_eq!(st, whole);
    // Checked like the file.
    for bad in [-0.5, f64::NAN, f64::INFINITY, 1e7] {
        assert!(matches!(
            st.set_fractional_sizes(0, vec![1.0, bad, 1.0]),
            Err(StaffingError::BadSize { interval: 1, .. })
        ));
    }
    assert!(matches!(
        st.set_fractional_sizes(0, vec![1.0]),
        Err(StaffingError::WrongLength { .. })
    ));
}

#[test]
fn negative_or_non_finite_sizes_are_errors_with_their_place() {
    let one = "{ name = \"all\", share = 1 }";
    for (size, shown) in [
        ("-1.5", "-1.5"),
        ("nan", "NaN"),
        ("inf", "inf"),
        ("[1, -2]", "-2"),
    ] {
        let e = error_of(&text(one, size));
        assert!(
            e.contains("s.toml:16:8:")
                && e.contains(&format!(
                    "= {shown}: must be a whole number of agents or a fraction"
                )),
            "{size}: {e}"
        );
    }
}
