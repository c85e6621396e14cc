//! Training programmes (`[[training]]`): class time takes participants off the floor and costs, gains build
//! along the curve after the sessions, and a programme that changes nothing changes nothing.

mod common;
use common::{mean, run, scenario};
use supportsim::experiment::run_replications;
use supportsim::report::compare::{Comparison, KpiSamples, Period, Timeline};
use supportsim::report::kpi::{KpiId, Measure, Scope};

const BASELINE: &str = include_str!("../scenarios/training-baseline.toml");
const TRAINING: &str = include_str!("../scenarios/training-soft-skills.toml");

fn samples(text: &str, reps: u32) -> KpiSamples {
    let mut s = scenario(text);
    s.replications = reps;
    let per = Period::Day.intervals_in(&s).expect("whole days");
    KpiSamples::with_timeline(&s, &run_replications(&s), Some(per))
}

#[test]
fn gains_build_along_the_curve_and_fade() {
    let s = scenario(TRAINING);
    let t = &s.training[0];
    // The first session ends on day 8 at 12:00; half the gain 5 days later, decayed by 2^(-5/90).
    let end = 7.0 * 86_400.0 + 12.0 * 3600.0;
    assert_eq!(t.progress(end), 0.0);
    assert_eq!(t.progress(end - 3600.0), 0.0);
    let half = t.progress(end + 5.0 * 86_400.0);
    assert!(
        (half - 0.5 * (-5.0f64 / 90.0).exp2()).abs() < 1e-12,
        "{half}"
    );
    assert_eq!(t.sessions.len(), 5);
    assert_eq!(s.training[0].participants, 6);
}

#[test]
fn a_programme_that_changes_nothing_changes_nothing() {
    // No gain, no class time, no cost: every KPI of the baseline, replication by replication.
    let nothing = format!(
        "{BASELINE}\n[[training]]\nname = \"nothing\"\ngroup = \"agents\"\nparticipants = 6\nsessions = [{{ day = 8, at = \"09:00\", duration = \"0s\" }}]\n"
    );
    let c = Comparison::new(&[samples(BASELINE, 4), samples(&nothing, 4)], 21, 4);
    let mut compared = 0;
    for row in &c.kpis {
        let d = &row.differences[0];
        if d.pairs > 0 {
            assert_eq!(d.mean, Some(0.0), "{}", row.kpi);
            compared += 1;
        }
    }
    assert!(compared > 50, "{compared}");

    // A real session at night, when nobody is scheduled: still nothing changes on the floor, but the
    // participants attend (in their own time) and the programme counts their hours.
    let night = nothing.replace(
        "at = \"09:00\", duration = \"0s\"",
        "at = \"03:00\", duration = \"3h\"",
    );
    let c = Comparison::new(&[samples(BASELINE, 4), samples(&night, 4)], 21, 4);
    for row in c.kpis.iter().filter(|r| r.differences[0].pairs > 0) {
        assert_eq!(row.differences[0].mean, Some(0.0), "{}", row.kpi);
    }
    let hours = c
        .row(&KpiId::new(
            Scope::Training("nothing".into()),
            Measure::Field("participant_hours"),
        ))
        .expect("row");
    assert_eq!(hours.values[1].mean, Some(18.0));
}

#[test]
fn programmes_in_session_together_share_their_seats() {
    // Two programmes of 6 on the same group, both on day 8 at 09:00 for 3 hours: the same first 6 seats,
    // so 6 agents leave the floor (18 agent-hours of shrinkage), and each programme counts its 18 hours.
    let two = format!(
        "{BASELINE}\n[[training]]\nname = \"a\"\ngroup = \"agents\"\nparticipants = 6\nsessions = [{{ day = 8, at = \"09:00\", duration = \"3h\" }}]\n\n[[training]]\nname = \"b\"\ngroup = \"agents\"\nparticipants = 6\nsessions = [{{ day = 8, at = \"09:00\", duration = \"3h\" }}]\n"
    )
    .replace("replications = 10", "replications = 2");
    let r = run(&two);
    assert!((mean(&r.groups["agents"].shrinkage_hours) - 18.0).abs() < 1e-9);
    assert!((mean(&r.training["a"].participant_hours) - 18.0).abs() < 1e-9);
    assert!((mean(&r.training["b"].participant_hours) - 18.0).abs() < 1e-9);
    // One programme's own sessions may not overlap.
    let e = supportsim::scenario::Scenario::from_toml(
        &two.replace(
            "sessions = [{ day = 8, at = \"09:00\", duration = \"3h\" }]\n\n[[training]]",
            "sessions = [{ day = 8, at = \"09:00\", duration = \"3h\" }, { day = 8, at = \"10:00\", duration = \"1h\" }]\n\n[[training]]",
        ),
        "t.toml",
        None,
    )
    .expect_err("rejected")
    .to_string();
    assert!(
        e.contains("training[0].sessions: two sessions overlap on day 8"),
        "{e}"
    );
}

#[test]
fn class_time_dips_gains_lift_and_the_cost_is_counted() {
    let both = [samples(BASELINE, 6), samples(TRAINING, 6)];
    let t = Timeline::new(&both, Period::Day);
    // Over the four weeks, trained agents resolve more at the first contact.
    let c = Comparison::new(&both, 21, 6);
    let fcr = &c.row(&KpiId::cases("fcr_rate")).unwrap().differences[0];
    assert!(fcr.significant && fcr.mean.unwrap() > 0.0, "{fcr:?}");
    // Pairing pays on this example: half the unpaired interval over 20 replications (docs/compare.md).
    // Since repeat contacts come back in opening hours, into the day's queue, the runs drift apart more
    // than when the night swallowed them; over 6 replications, a noisy estimate of the ratio, 0.85.
    assert!(
        fcr.ci95.unwrap() < 0.95 * fcr.ci95_unpaired.unwrap(),
        "{fcr:?}"
    );
    let sl = &t
        .series(&KpiId::channel("phone", "service_level"))
        .unwrap()
        .differences[0];
    // Week 1 is the same, day for day (common random numbers, nothing differs yet).
    assert!(
        sl[..7].iter().all(|d| d.mean == Some(0.0)),
        "{:?}",
        &sl[..7]
    );
    // Days 8-12: six of 18 agents in class for three hours a day: the service level drops.
    for d in &sl[7..12] {
        assert!(d.significant && d.mean.unwrap() < -0.03, "{d:?}");
    }
    // Afterwards the trained agents are faster: shorter waits, a higher service level on most days.
    assert!(
        sl[12..].iter().all(|d| d.mean.unwrap() > 0.0),
        "{:?}",
        &sl[12..]
    );
    assert!(sl[12..].iter().filter(|d| d.significant).count() >= 10);
    // Weeks 3-4: the gains have built up: customers get better service, more of them at level 4+.
    let lift = &t
        .series(&KpiId::channel("phone", "level_4_or_above"))
        .unwrap()
        .differences[0];
    for d in &lift[14..] {
        assert!(d.mean.unwrap() > 0.0, "{d:?}");
    }
    assert!(lift[14..].iter().filter(|d| d.significant).count() >= 10);
    // Class time: 6 agents × 3 h × 5 sessions = 90 agent-hours, counted as shrinkage and at 30 an hour.
    let r = run(TRAINING);
    let p = &r.training["soft skills"];
    assert!((mean(&p.participant_hours) - 90.0).abs() < 1e-9);
    assert!((mean(&p.cost) - (4000.0 + 90.0 * 30.0)).abs() < 1e-6);
    assert!((mean(&r.groups["agents"].shrinkage_hours) - 90.0).abs() < 1e-9);
    assert!((mean(&r.cost.total) - mean(&r.cost.staff) - mean(&r.cost.training)).abs() < 1e-6);
}

#[test]
fn training_mistakes_are_explained() {
    let err = |text: &str| {
        supportsim::scenario::Scenario::from_toml(text, "t.toml", None)
            .expect_err("rejected")
            .to_string()
    };
    let e = err(&TRAINING.replace("group = \"agents\"", "group = \"agent\""));
    assert!(
        e.contains("training[0].group = \"agent\": no group has that name"),
        "{e}"
    );
    let e = err(&TRAINING.replace("phone = 0.15", "email = 0.15"));
    assert!(
        e.contains("training[0].gain.email: no channel has that name"),
        "{e}"
    );
    let e = err(&TRAINING.replace("times = 5", "times = 30"));
    assert!(
        e.contains(
            "training[0].sessions[0]: the last of its 30 sessions would start after the horizon"
        ),
        "{e}"
    );
    let e = err(&TRAINING.replace("participants = 6", "participants = 6\nshare = 0.5"));
    assert!(e.contains("give `participants` (agents) or `share`"), "{e}");
    let e = err(&TRAINING.replace("friendliness = 0.25", "friendliness = 1.5"));
    assert!(
        e.contains("training[0].gain.friendliness = 1.5: a gain is between 0 and 1"),
        "{e}"
    );
}
