//! New hires learning by experience (`[[groups]] learning`): the power law of practice, exactly as
//! documented, and no learning leaves a run unchanged.

mod common;
use common::{mean, run, scenario};
use supportsim::scenario::Learning;

const COHORT: &str = r#"
name = "cohort"
seed = 5
replications = REPS
horizon = "8h"
interval = "1h"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 6 }
handle_time = { dist = "fixed", mean = "60s" }
JOURNEY
[[groups]]
name = "new hires"
size = 1
skills = { phone = 0.4 }
LEARNING
"#;

fn cohort(reps: u32, journey: &str, learning: &str) -> String {
    COHORT
        .replace("REPS", &reps.to_string())
        .replace("JOURNEY", journey)
        .replace("LEARNING", learning)
}

#[test]
fn the_curve_reaches_the_ceiling_when_the_power_law_says() {
    let l = Learning {
        rate: 0.25,
        ceiling: 1.0,
    };
    // 0.5 · (1 + n)^0.25 = 1 at n = 2^4 − 1 = 15.
    assert!((l.proficiency(0.5, 15) - 1.0).abs() < 1e-12);
    assert!(l.proficiency(0.5, 14) < 1.0);
    assert_eq!(l.proficiency(0.5, 1000), 1.0);
    assert_eq!(l.proficiency(0.5, 0), 0.5);
    // A skill already above the ceiling stays where it is.
    let low = Learning {
        rate: 0.25,
        ceiling: 0.8,
    };
    assert_eq!(low.proficiency(0.9, 50), 0.9);
}

#[test]
fn handle_times_follow_the_power_law_of_practice_exactly() {
    // One agent, fixed 60 s base handle time, proficiency 0.4 rising at rate 0.3 to 0.9: the n-th contact
    // (from 0) takes 60 / min(0.9, 0.4 (1 + n)^0.3) seconds (power curve, exponent 1). Light load: every
    // contact is answered, in arrival order, and none arrived before the window (no warm-up).
    let r = run(&cohort(1, "", "learning = { rate = 0.3, ceiling = 0.9 }"));
    let k = &r.channels["phone"].contacts;
    let n = mean(&k.answered) as u32;
    assert_eq!(n as f64, mean(&k.offered));
    let l = Learning {
        rate: 0.3,
        ceiling: 0.9,
    };
    let exact = (0..n).map(|i| 60.0 / l.proficiency(0.4, i)).sum::<f64>() / f64::from(n);
    let aht = mean(&k.aht_s);
    assert!((aht - exact).abs() < 1e-9 * exact, "AHT {aht} vs {exact}");
    // Well below the 150 s of an agent who does not learn, above the 66.7 s at the ceiling.
    assert!(aht < 100.0 && aht > 60.0 / 0.9, "{aht}");
}

#[test]
fn learning_lifts_first_contact_resolution_and_rate_zero_changes_nothing() {
    let journey = "resolution = { first_contact = 0.9, accuracy = 1.0 }\nrepeat = { delay = { dist = \"exponential\", mean = \"2h\" } }";
    let fixed = run(&cohort(20, journey, ""));
    let learning = run(&cohort(
        20,
        journey,
        "learning = { rate = 0.4, ceiling = 1.0 }",
    ));
    let fcr = |r: &supportsim::report::Report| r.cases.fcr_rate;
    let (a, b) = (fcr(&fixed), fcr(&learning));
    // 0.9 · 0.4^0.5 = 0.57 without learning; learning raises it well beyond both intervals.
    assert!(
        mean(&b) - mean(&a) > a.ci95.unwrap() + b.ci95.unwrap(),
        "{a:?} vs {b:?}"
    );
    // Rate 0: the same run, draw for draw.
    let same = run(&cohort(20, journey, "learning = { rate = 0.0 }"));
    assert_eq!(
        supportsim::report::json::summary_json(&same),
        supportsim::report::json::summary_json(&fixed)
    );
    // The resolved scenario keeps the learning.
    let s = scenario(&cohort(2, "", "learning = { rate = 0.3, ceiling = 0.9 }"));
    let again = supportsim::scenario::Scenario::from_toml(
        &supportsim::scenario::resolved::to_toml(&s),
        "r.toml",
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.groups[0].learning, s.groups[0].learning);
    // Bad input is explained.
    let err = supportsim::scenario::Scenario::from_toml(
        &cohort(2, "", "learning = { rate = -1 }"),
        "t.toml",
        None,
    )
    .expect_err("rejected")
    .to_string();
    assert!(
        err.contains("groups[0].learning.rate = -1: give the power-law learning rate, between 0 (no learning) and 2"),
        "{err}"
    );
}

#[test]
fn most_proficient_routing_follows_what_agents_have_learned() {
    // New hires start at 0.5 but learn fast (1.0 after one contact); the old hands stay at 0.7. Routing to
    // the most proficient must soon prefer the new hires, and so beat longest-idle routing on AHT.
    let text = |selection: &str| {
        format!(
            "name = \"mp\"\nseed = 3\nreplications = 10\nhorizon = \"8h\"\ninterval = \"1h\"\n[routing]\nagent_selection = \"{selection}\"\n[[channels]]\nname = \"phone\"\nkind = \"voice\"\narrivals = {{ per_hour = 40 }}\nhandle_time = {{ dist = \"fixed\", mean = \"120s\" }}\n[[groups]]\nname = \"old\"\nsize = 4\nskills = {{ phone = 0.7 }}\n[[groups]]\nname = \"new\"\nsize = 4\nskills = {{ phone = 0.5 }}\nlearning = {{ rate = 2.0, ceiling = 1.0 }}\n"
        )
    };
    let aht = |r: &supportsim::report::Report| mean(&r.channels["phone"].contacts.aht_s);
    let (idle, proficient) = (run(&text("longest-idle")), run(&text("most-proficient")));
    assert!(
        aht(&proficient) < aht(&idle) - 5.0,
        "{} vs {}",
        aht(&proficient),
        aht(&idle)
    );
    // Most of the work goes to the learned new hires (120 s a contact) rather than the old hands (171 s).
    let busy = |r: &supportsim::report::Report, g: &str| mean(&r.groups[g].busy_hours);
    assert!(
        busy(&proficient, "new") > 2.0 * busy(&proficient, "old"),
        "new {} old {}",
        busy(&proficient, "new"),
        busy(&proficient, "old")
    );
}

#[test]
fn a_cohort_joins_on_its_day_with_size_plans_and_shifts() {
    let staffed_by_day =
        |r: &supportsim::report::Report, group: &str, per_day: usize| -> Vec<f64> {
            r.group_intervals[group]
                .chunks(per_day)
                .map(|day| day.iter().map(|k| mean(&k.staffed_agents)).sum::<f64>())
                .collect()
        };
    // Size plan: the new hires of the example join on day 3 of 5; nobody else changes.
    let example = include_str!("../scenarios/new-hires.toml")
        .replace("replications = 10", "replications = 3");
    let joined = example.replace("learning = ", "joins_on_day = 3\nlearning = ");
    let (before, after) = (run(&example), run(&joined));
    let (b, a) = (
        staffed_by_day(&before, "new hires", 24),
        staffed_by_day(&after, "new hires", 24),
    );
    assert_eq!(&a[..2], &[0.0, 0.0]);
    assert!(a[2..].iter().all(|&x| x > 79.0), "{a:?}");
    assert!(b.iter().all(|&x| x > 79.0), "{b:?}");
    // Staff cost follows: no paid hours before the cohort joins.
    assert!(
        mean(&after.groups["new hires"].paid_hours)
            < 0.61 * mean(&before.groups["new hires"].paid_hours)
    );
    // Shifts (the omnichannel week, 30-minute intervals, a warm-up day): the back office joins on day 4.
    let week = include_str!("../scenarios/omnichannel.toml")
        .replace("replications = 10", "replications = 2");
    let late = week.replace(
        "name = \"back office\"\n",
        "name = \"back office\"\njoins_on_day = 4\n",
    );
    let w = staffed_by_day(&run(&late), "back office", 48);
    assert!(w[..3].iter().all(|&x| x == 0.0), "{w:?}");
    assert!(w[3..].iter().any(|&x| x > 0.0), "{w:?}");
    let err = supportsim::scenario::Scenario::from_toml(
        &joined.replace("joins_on_day = 3", "joins_on_day = 6"),
        "t.toml",
        None,
    )
    .expect_err("rejected")
    .to_string();
    assert!(
        err.contains("groups[1].joins_on_day = 6: give a day of the horizon, 1 (the first) to 5"),
        "{err}"
    );
    // The resolved scenario keeps the day.
    let s = scenario(&joined);
    let again = supportsim::scenario::Scenario::from_toml(
        &supportsim::scenario::resolved::to_toml(&s),
        "r.toml",
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.groups[1].joins_day, 2);
}
