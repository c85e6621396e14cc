//! Cases and customer journeys: first-contact resolution, accuracy, repeat contacts, retries after
//! abandonment, and the case KPIs.

mod common;
use common::{mean, run, scenario};
use supportsim::model::center::simulate;
use supportsim::scenario::Scenario;

const BASE: &str = r#"
name = "journeys"
seed = 31
replications = 10
horizon = "2d"
interval = "1h"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 40 }
handle_time = { dist = "exponential", mean = "4m" }
JOURNEY
[[channels]]
name = "email"
kind = "deferred"
arrivals = { per_hour = 5 }
handle_time = { dist = "exponential", mean = "6m" }
[[groups]]
name = "agents"
size = SIZE
skills = { phone = PROF, email = 1.0 }
"#;

fn text(journey: &str, size: u32, proficiency: f64) -> String {
    BASE.replace("JOURNEY", journey)
        .replace("SIZE", &size.to_string())
        .replace("PROF", &format!("{proficiency:?}"))
}

#[test]
fn certain_resolution_means_one_contact_per_case() {
    let r = run(&text("", 10, 1.0));
    let c = &r.channels["phone"].cases;
    assert_eq!(mean(&c.cases), mean(&r.channels["phone"].contacts.offered));
    assert_eq!(mean(&c.fcr_rate), 1.0);
    assert_eq!(mean(&c.contacts_per_case), 1.0);
    assert_eq!(mean(&c.resolution_rate), 1.0);
}

#[test]
fn contacts_per_case_approach_one_over_p() {
    // Resolution with probability 0.6 per contact, nobody gives up: contacts per case are geometric, mean 1/0.6.
    let r = run(&text(
        "resolution = { first_contact = 0.6 }\nrepeat = { delay = { dist = \"exponential\", mean = \"20m\" }, max_contacts = 100 }",
        14,
        1.0,
    ));
    let c = &r.channels["phone"].cases;
    let cpc = mean(&c.contacts_per_case);
    // 10 replications of ~1900 cases: se of the mean about 0.007
    assert!((cpc - 1.0 / 0.6).abs() < 0.05, "contacts per case {cpc}");
    assert!(
        (mean(&c.fcr_rate) - 0.6).abs() < 0.02,
        "FCR {}",
        mean(&c.fcr_rate)
    );
    assert!(mean(&c.resolution_rate) > 0.99);
    // Repeat contacts are real load: the phone line gets about 1/0.6 contacts per arrival.
    let offered = mean(&r.channels["phone"].contacts.offered);
    assert!((offered / mean(&c.cases) - 1.0 / 0.6).abs() < 0.05);
}

#[test]
fn low_fcr_raises_the_load_and_the_waits() {
    let good = run(&text("", 9, 1.0));
    let poor = run(&text(
        "resolution = { first_contact = 0.7 }\nrepeat = { delay = { dist = \"exponential\", mean = \"30m\" } }",
        9,
        1.0,
    ));
    let asa = |r: &supportsim::report::Report| mean(&r.channels["phone"].contacts.asa_s);
    assert!(
        asa(&poor) > 2.0 * asa(&good),
        "{} vs {}",
        asa(&poor),
        asa(&good)
    );
    // Common random numbers: the first contacts (one per case) are the same customers.
    assert_eq!(
        mean(&good.channels["phone"].cases.cases),
        mean(&poor.channels["phone"].cases.cases)
    );
}

#[test]
fn proficiency_raises_fcr_and_accuracy_brings_customers_back() {
    let journey = "resolution = { first_contact = 0.8, accuracy = 0.9 }\nrepeat = { delay = { dist = \"exponential\", mean = \"30m\" } }";
    let expert = run(&text(journey, 20, 1.0));
    let novice = run(&text(journey, 20, 0.49));
    let fcr = |r: &supportsim::report::Report| mean(&r.channels["phone"].cases.fcr_rate);
    // At proficiency 1: resolved 0.8 × correct 0.9 = 0.72. At 0.49 (exponents 0.5): 0.8·0.7 × 0.9·0.7 = 0.353.
    assert!((fcr(&expert) - 0.72).abs() < 0.02, "{}", fcr(&expert));
    assert!(
        (fcr(&novice) - 0.8 * 0.7 * 0.9 * 0.7).abs() < 0.02,
        "{}",
        fcr(&novice)
    );
}

#[test]
fn proficiency_matters_whenever_resolution_is_given() {
    // `resolution = { first_contact = 1, accuracy = 1 }` is a certain resolution by experts only: at
    // proficiency 0.49 (exponents 0.5) an agent resolves 70% of cases, 70% of those correctly.
    let fcr = |r: &supportsim::report::Report| mean(&r.channels["phone"].cases.fcr_rate);
    let given = run(&text(
        "resolution = { first_contact = 1.0, accuracy = 1.0 }\nrepeat = { delay = { dist = \"exponential\", mean = \"30m\" } }",
        20,
        0.49,
    ));
    assert!((fcr(&given) - 0.49).abs() < 0.02, "{}", fcr(&given));
    // Without `resolution`, every handled contact resolves correctly, whoever handles it.
    assert_eq!(fcr(&run(&text("", 20, 0.49))), 1.0);
}

#[test]
fn switching_channels_and_giving_up() {
    let r = run(&text(
        "resolution = { first_contact = 0.5 }\nrepeat = { delay = { dist = \"fixed\", mean = \"1h\" }, switch = { email = 0.4 }, give_up = 0.2 }",
        14,
        1.0,
    ));
    let (phone, email) = (&r.channels["phone"], &r.channels["email"]);
    // Each phone contact fails with 0.5; then 20% give up, and of the rest 40% write an email (which always
    // resolves) and 60% call again. Email repeats per phone case: x = 0.5·0.8·(0.4 + 0.6x), x = 0.16/0.76.
    // (Slightly fewer are counted: repeats of cases opened late arrive after the window.)
    let expected_email_repeats = mean(&phone.cases.cases) * 0.16 / 0.76;
    let repeat_emails = mean(&email.contacts.offered) - mean(&email.cases.cases);
    assert!(
        (repeat_emails / expected_email_repeats - 1.0).abs() < 0.15,
        "{repeat_emails} vs {expected_email_repeats}"
    );
    let gave_up = mean(&phone.cases.gave_up_rate);
    // Giving up happens on phone attempts only: P = 0.5·0.2 / (1 − 0.5·0.8·0.6) = 0.1/0.76.
    assert!((gave_up - 0.1 / 0.76).abs() < 0.02, "{gave_up}");
}

#[test]
fn abandoned_callers_retry() {
    let base = "patience = { dist = \"exponential\", mean = \"1m\" }";
    // 3 agents for 2.7 erlangs: long waits, many hang up.
    let once = run(&text(base, 3, 1.0));
    let retrying = run(&text(
        &format!(
            "{base}\nretry = {{ share = 0.8, delay = {{ dist = \"exponential\", mean = \"15m\" }} }}"
        ),
        3,
        1.0,
    ));
    let (a, b) = (
        &once.channels["phone"].cases,
        &retrying.channels["phone"].cases,
    );
    assert!(mean(&a.left_unserved_rate) > 0.05);
    // Retrying rescues many cases, though the retries add load to an overloaded line (34% -> 18% here).
    assert!(
        mean(&b.left_unserved_rate) < 0.7 * mean(&a.left_unserved_rate),
        "{} vs {}",
        mean(&b.left_unserved_rate),
        mean(&a.left_unserved_rate)
    );
    assert!(
        mean(&retrying.channels["phone"].contacts.offered)
            > 1.3 * mean(&once.channels["phone"].contacts.offered)
    );
    assert!(mean(&b.contacts_per_case) > mean(&a.contacts_per_case));
    assert_eq!(mean(&a.contacts_per_case), 1.0);
}

#[test]
fn every_case_ends_one_way_or_another() {
    let s = scenario(&text(
        "resolution = { first_contact = 0.7, accuracy = 0.9 }\nrepeat = { delay = { dist = \"exponential\", mean = \"2h\" }, switch = { email = 0.3 }, give_up = 0.1, max_contacts = 4 }\npatience = { dist = \"exponential\", mean = \"2m\" }\nretry = { share = 0.5, delay = { dist = \"exponential\", mean = \"10m\" } }",
        9,
        1.0,
    ));
    for r in 0..3 {
        let t = simulate(&s, r);
        for ch in &t.channels {
            let k = &ch.cases;
            assert_eq!(
                k.cases,
                k.resolved + k.gave_up + k.left_unserved + k.open,
                "{k:?}"
            );
            assert!(k.resolved_first <= k.resolved && k.contacts >= k.cases);
        }
    }
    // And the resolved scenario reproduces the run.
    let again = Scenario::from_toml(
        &supportsim::scenario::resolved::to_toml(&s),
        "resolved.toml",
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        simulate(&s, 0).channels[0].cases,
        simulate(&again, 0).channels[0].cases
    );
}

#[test]
fn journey_mistakes_are_explained() {
    for (journey, message) in [
        (
            "resolution = { first_contact = 0.7 }",
            "channels[0].resolution: customers whose case is not resolved come back; say when with repeat",
        ),
        (
            "resolution = { first_contact = 1.5 }",
            "channels[0].resolution.first_contact = 1.5: must be in (0, 1]",
        ),
        (
            "resolution = { first_contact = 0.7 }\nrepeat = { delay = { dist = \"fixed\", mean = \"1h\" }, switch = { fax = 0.2 } }",
            "channels[0].repeat.switch.fax: no assisted channel is named \"fax\"",
        ),
        (
            "resolution = { first_contact = 0.7 }\nrepeat = { delay = { dist = \"fixed\", mean = \"1h\" }, switch = { email = 1.2 } }",
            "must be a share between 0 and 1",
        ),
        (
            "resolution = { first_contact = 0.7 }\nrepeat = { delay = { dist = \"fixed\", mean = \"1h\" }, give_up = 1.0 }",
            "channels[0].repeat.give_up = 1: must be in [0, 1)",
        ),
        (
            "retry = { share = 2, delay = { dist = \"fixed\", mean = \"1h\" } }",
            "channels[0].retry.share = 2: must be in [0, 1]",
        ),
    ] {
        let err = Scenario::from_toml(&text(journey, 5, 1.0), "t.toml", None)
            .expect_err("rejected")
            .to_string();
        assert!(err.contains(message), "{journey}:\n{err}");
    }
}
