//! The six service levels in whole runs: shares add up, the default rules place the textbook cases, and
//! more agents never make customers' experience worse beyond noise.

mod common;
use common::{mean, run};

const CENTER: &str = r#"
name = "experience"
seed = 41
replications = 12
horizon = "1d"
interval = "1h"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 60 }
handle_time = { dist = "exponential", mean = "5m" }
patience = { dist = "exponential", mean = "3m" }
resolution = { first_contact = 0.85, accuracy = 0.95 }
repeat = { delay = { dist = "exponential", mean = "2h" }, give_up = 0.1 }
retry = { share = 0.5, delay = { dist = "exponential", mean = "10m" } }
[[groups]]
name = "agents"
size = SIZE
friendliness = FRIENDLY
skills = { phone = PROF }
"#;

fn center(size: u32, friendliness: f64, proficiency: f64) -> String {
    CENTER
        .replace("SIZE", &size.to_string())
        .replace("FRIENDLY", &format!("{friendliness:?}"))
        .replace("PROF", &format!("{proficiency:?}"))
}

#[test]
fn level_shares_add_up_to_one_overall_and_per_interval() {
    let r = run(&center(6, 0.7, 1.0));
    let total: f64 = r.experience.overall.levels.values().map(mean).sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    let below4: f64 = r.experience.overall.levels.values().take(3).map(mean).sum();
    let held: f64 = r.experience.overall.held_down_by.values().map(mean).sum();
    assert!(
        (below4 - held).abs() < 1e-9,
        "every case below level 4 has one main factor: {below4} vs {held}"
    );
    for row in &r.intervals["phone"] {
        let shares: Vec<f64> = row.levels.iter().filter_map(|e| e.mean).collect();
        if shares.len() == 6 {
            assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
    }
}

#[test]
fn the_default_rules_place_the_textbook_cases() {
    // Plenty of friendly experts and certain resolution: answered at once, resolved first time: amazing.
    let delighted = run(&CENTER
        .replace(
            "resolution = { first_contact = 0.85, accuracy = 0.95 }\n",
            "",
        )
        .replace("SIZE", "40")
        .replace("FRIENDLY", "0.95")
        .replace("PROF", "1.0"));
    let amazing = mean(&delighted.experience.overall.levels["6_amazing"]);
    assert!(amazing > 0.95, "{amazing}");
    // Nobody to answer: every caller abandons, every case is disappointing, held down by abandonment.
    let abandoned = run(&center(0, 0.7, 1.0).replace(
        "retry = { share = 0.5, delay = { dist = \"exponential\", mean = \"10m\" } }\n",
        "",
    ));
    assert_eq!(
        mean(&abandoned.experience.overall.levels["1_disappointing"]),
        1.0
    );
    assert_eq!(
        mean(&abandoned.experience.overall.held_down_by["abandonment"]),
        1.0
    );
}

#[test]
fn more_agents_never_lower_the_share_at_level_four_or_above() {
    // Common random numbers: the same customers each time; only the head-count changes.
    let mut last = 0.0;
    let mut last_ci = 0.0;
    for size in [5, 6, 7, 9, 12] {
        let r = run(&center(size, 0.7, 1.0));
        let e = &r.experience.overall.level_4_or_above;
        let (m, ci) = (mean(e), e.ci95.expect("ci"));
        assert!(m >= last - (ci + last_ci), "{size} agents: {m} < {last}");
        last = m;
        last_ci = ci;
    }
    assert!(last > 0.8, "{last}");
}

#[test]
fn friendlier_and_more_proficient_teams_lift_customers() {
    let plain = run(&center(12, 0.7, 1.0));
    let warm = run(&center(12, 0.9, 1.0));
    let rude = run(&center(12, 0.25, 1.0));
    // Novices take twice as long: staff them so that waits are not the issue, and skill shows.
    let novice = run(&center(30, 0.7, 0.5));
    let top = |r: &supportsim::report::Report| {
        mean(&r.experience.overall.levels["5_exceeds_expectations"])
            + mean(&r.experience.overall.levels["6_amazing"])
    };
    assert_eq!(
        top(&plain),
        0.0,
        "0.7 is not friendly enough to exceed expectations"
    );
    assert!(top(&warm) > 0.5, "{}", top(&warm));
    assert_eq!(
        mean(&rude.experience.overall.levels["1_disappointing"]),
        1.0,
        "rude handling disappoints everyone"
    );
    assert!(mean(&novice.experience.overall.held_down_by["low_skill"]) > 0.2);
    assert!(mean(&novice.cases.fcr_rate) < mean(&plain.cases.fcr_rate));
}

#[test]
fn the_scorecard_judges_each_standard_against_its_target() {
    let base = center(6, 0.7, 1.0);
    let r = run(&base);
    assert_eq!(r.standards.len(), 8);
    for (name, row) in &r.standards {
        if let Some(m) = row.value.mean {
            let expect = if row.direction == "at_least" {
                m >= row.target
            } else {
                m <= row.target
            };
            // A standard the scenario does not model (transparency without announcements) is not judged.
            let judged = row.modelled.then_some(expect);
            assert_eq!(row.met, judged, "{name}");
        }
    }
    // Targets come from [standards].
    let strict = run(&format!(
        "{base}\n[standards]\nspeed = 0.99\nefficiency = 1.0\n"
    ));
    assert_eq!(strict.standards["speed"].met, Some(false));
    assert_eq!(strict.standards["speed"].target, 0.99);
    // Announcements raise the transparency share.
    let told = run(&base.replace(
        "patience = { dist",
        "announce = { patience_factor = 1.2 }\npatience = { dist",
    ));
    assert_eq!(mean(&r.standards["transparency"].value), 0.0);
    assert!(mean(&told.standards["transparency"].value) > 0.99);
    assert_eq!(
        r.standards["action"].met, None,
        "no complaints channel: nothing to judge"
    );
}

#[test]
fn disappointed_customers_complain_and_complaints_are_answered() {
    let text = format!(
        "{}\n[[channels]]\nname = \"complaints\"\nkind = \"deferred\"\narrivals = {{ per_hour = 0 }}\nhandle_time = {{ dist = \"exponential\", mean = \"10m\" }}\ntarget = {{ within = \"4h\", share = 0.9 }}\n\n[complaints]\nshare = 0.5\nchannel = \"complaints\"\n",
        center(4, 0.7, 1.0).replace(
            "skills = { phone = 1.0 }",
            "skills = { phone = 1.0, complaints = 1.0 }"
        )
    );
    let r = run(&text);
    let disappointed = mean(&r.experience.by_first_channel["phone"].levels["1_disappointing"])
        * mean(&r.channels["phone"].cases.cases);
    let filed = mean(&r.standards["action"].measures["complaints"]);
    assert!(
        (filed / disappointed - 0.5).abs() < 0.05,
        "{filed} of {disappointed}"
    );
    // They arrive as work on the complaints channel and are judged by its target.
    assert!(mean(&r.channels["complaints"].contacts.offered) > 0.9 * filed);
    assert!(r.standards["action"].met.is_some());
    let err = supportsim::scenario::Scenario::from_toml(
        &text.replace("channel = \"complaints\"", "channel = \"phone\""),
        "t.toml",
        None,
    )
    .expect_err("rejected")
    .to_string();
    assert!(
        err.contains(
            "complaints.channel = \"phone\": complaints are written work: name a deferred channel"
        ),
        "{err}"
    );
}

#[test]
fn personal_touches_lift_customers() {
    // Light load so that the agent a case had before is often free when the customer comes back.
    let base = center(20, 0.7, 1.0).replace(
        "arrivals = { per_hour = 60 }",
        "arrivals = { per_hour = 30 }",
    );
    let plain = run(&base);
    let personal = run(&format!("{base}\n[routing]\npersonalised = true\n"));
    let top = |r: &supportsim::report::Report| mean(&r.experience.overall.level_4_or_above);
    assert!(
        top(&personal) > top(&plain) + 0.02,
        "{} vs {}",
        top(&personal),
        top(&plain)
    );
    // Same customers, same contacts: only who serves the returning ones changed.
    assert_eq!(mean(&personal.cases.cases), mean(&plain.cases.cases));

    // Proactive follow-ups: half the resolved cases get one; they exceed expectations, cost agent time, and
    // are not inbound contacts.
    let follow = run(&base.replace(
        "retry = {",
        "follow_up = { share = 0.5, delay = { dist = \"fixed\", mean = \"1h\" }, handle_time = { dist = \"fixed\", mean = \"3m\" } }\nretry = {",
    ));
    let five = |r: &supportsim::report::Report| {
        mean(&r.experience.overall.levels["5_exceeds_expectations"])
    };
    assert_eq!(five(&plain), 0.0);
    assert!(five(&follow) > 0.3, "{}", five(&follow));
    // Follow-ups are not inbound contacts: the same customers open the same cases (offered contacts may
    // differ a little, through retries, as agents are busier).
    assert_eq!(mean(&follow.cases.cases), mean(&plain.cases.cases));
    assert!(
        mean(&follow.groups["agents"].busy_hours) > mean(&plain.groups["agents"].busy_hours) + 10.0
    );
    let s = common::scenario(&base.replace("retry = {", "follow_up = { share = 0.5, delay = { dist = \"fixed\", mean = \"1h\" }, handle_time = { dist = \"fixed\", mean = \"3m\" } }\nretry = {"));
    let again = supportsim::scenario::Scenario::from_toml(
        &supportsim::scenario::resolved::to_toml(&s),
        "r.toml",
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(again.channels[0].follow_up.is_some());
}
