//! The staffing planner against exact theory and against the rules other tools use (docs/planning.md).
//!
//! The statistical cases are sized so that the planner's answer is decided by far more than the noise of
//! the replications: where a test expects Erlang's head-count, Erlang's own service level with one agent
//! fewer is several standard errors below the target, and with Erlang's head-count several above.

use supportsim::experiment::Runner;
use supportsim::model::Compiled;
use supportsim::planner::requirement::{Judge, primary_group, size_staffing};
use supportsim::planner::{PlanInputs, plan as make_plan};
use supportsim::scenario::Scenario;
use supportsim::scenario::planning::Planning;
use supportsim::staffing::{QueueModel, Targets, agents_for_targets, positions};

fn load(text: &str) -> (Scenario, Planning) {
    let s = Scenario::from_toml(text, "t.toml", None).expect("valid scenario");
    let p = Planning::from_toml(text, "t.toml", &s)
        .expect("valid planning")
        .unwrap_or_else(|| Planning::defaults(&s));
    (s, p)
}

/// The plan of a scenario and its planning section, the requirement found by simulation, no progress.
fn plan_of(
    runner: &Runner,
    scenario: &Scenario,
    planning: &Planning,
) -> Result<supportsim::planner::Plan, supportsim::planner::PlanError> {
    make_plan(
        runner,
        PlanInputs {
            scenario,
            planning,
            requirement: None,
        },
        &|_| {},
    )
}

fn runner() -> Runner {
    Runner::new(None).expect("threads")
}

/// A stationary day in 2-hour intervals: one voice line, 200 calls an hour, AHT 3 minutes.
fn stationary(patience: &str, target: f64, shrinkage: f64, planning: &str) -> String {
    format!(
        "name = \"stationary\"\nseed = 5\nreplications = 20\nhorizon = \"12h\"\nwarmup = \"2h\"\ninterval = \"2h\"\n\
         [[channels]]\nname = \"phone\"\nkind = \"voice\"\narrivals = {{ per_hour = 200 }}\n\
         handle_time = {{ dist = \"exponential\", mean = \"3m\" }}\n{patience}\
         target = {{ within = \"20s\", share = {target} }}\n\
         [[groups]]\nname = \"agents\"\nsize = 1\nshrinkage = {shrinkage}\nskills = {{ phone = 1.0 }}\n{planning}"
    )
}

fn erlang(patience: Option<f64>, target: f64, max_occupancy: Option<f64>) -> u32 {
    let kind = if patience.is_some() { 'a' } else { 'c' };
    let model = QueueModel::new(kind, 200.0, 180.0, patience).expect("model");
    let targets = Targets {
        service_level: Some((20.0, target)),
        max_abandon: None,
        max_asa_s: None,
        max_p_wait: None,
        max_occupancy,
    };
    agents_for_targets(&model, &targets).expect("reachable")
}

#[test]
fn a_stationary_queue_is_planned_at_the_exact_erlang_c_and_a_head_count() {
    for (patience_line, patience, target) in [
        ("", None, 0.85),
        (
            "patience = { dist = \"exponential\", mean = \"5m\" }\n",
            Some(300.0),
            0.80,
        ),
    ] {
        let (s, p) = load(&stationary(patience_line, target, 0.0, ""));
        let n = erlang(patience, target, None);
        let plan = plan_of(&runner(), &s, &p).expect("plan");
        assert!(
            plan.erlang[0].iter().all(|&x| x == n),
            "Erlang start {:?} vs {n}",
            plan.erlang[0]
        );
        // The documented rule: Erlang's head-count, or one more where noise demands it; never fewer.
        for (i, &x) in plan.requirement[0].iter().enumerate() {
            assert!(
                x == n || x == n + 1,
                "interval {i}: planned {x}, Erlang {n} ({patience:?})"
            );
        }
        assert!(plan.check_misses.is_empty(), "{:?}", plan.check_misses);
    }
}

#[test]
fn shrinkage_raises_paid_head_count_and_an_occupancy_cap_binds() {
    // Shrinkage 20%: the Erlang start schedules ceil(n / 0.8), and the search stays near it (the engine
    // keeps within one agent of 20% off the phones in every interval, docs/engine.md).
    let n = erlang(None, 0.85, None);
    let (s, p) = load(&stationary("", 0.85, 0.2, ""));
    let plan = plan_of(&runner(), &s, &p).expect("plan");
    let paid = positions(n, 0.2).expect("positions");
    assert_eq!(paid, (f64::from(n) / 0.8).ceil() as u32);
    assert!(
        plan.erlang[0].iter().all(|&x| x == paid),
        "{:?}",
        plan.erlang[0]
    );
    assert!(
        plan.requirement[0]
            .iter()
            .all(|&x| x >= paid - 1 && x <= paid + 2),
        "{:?} vs {paid}",
        plan.requirement[0]
    );

    // Whole-day absence 10% on top: on average 0.9 × 0.8 of the scheduled agents are on the phones, so
    // the Erlang start schedules ceil(n / 0.72); absence alone, ceil(n / 0.9).
    for (keys, on_phones) in [
        ("absence = 0.1\nshrinkage = 0.2", 0.9 * 0.8),
        ("absence = 0.1\nshrinkage = 0", 0.9),
    ] {
        let (s, p) = load(&stationary("", 0.85, 0.2, "").replace("shrinkage = 0.2", keys));
        let start = supportsim::planner::requirement::erlang_start(&s, &p).expect("start");
        let want = (f64::from(n) / on_phones - 1e-9).ceil() as u32;
        assert!(want > paid || on_phones == 0.9);
        assert!(
            start[0].iter().all(|&x| x == want),
            "{keys}: {start:?} vs {want}"
        );
    }

    // An occupancy cap of 60% needs ceil(10 / 0.6) = 17 agents, more than the 14 the service level needs.
    let (s, p) = load(&stationary(
        "",
        0.85,
        0.0,
        "[planning]\nmax_occupancy = 0.6\n",
    ));
    assert_eq!(erlang(None, 0.85, Some(0.6)), 17);
    assert!(erlang(None, 0.85, None) < 17);
    let plan = plan_of(&runner(), &s, &p).expect("plan");
    assert!(
        plan.erlang[0].iter().all(|&x| x == 17),
        "{:?}",
        plan.erlang[0]
    );
    for (i, &x) in plan.requirement[0].iter().enumerate() {
        assert!((16..=18).contains(&x), "interval {i}: {x}");
    }
    let report = supportsim::report::plan::check_report(&plan);
    for k in &report.group_intervals["agents"] {
        // The cap holds in the check (mean over replications, with room for the 95% interval).
        let occ = k.occupancy.mean.expect("staffed");
        assert!(
            occ <= 0.6 + k.occupancy.ci95.unwrap_or(0.0),
            "occupancy {occ}"
        );
    }
}

/// A day with a steep morning ramp and 20-minute calls in 30-minute intervals: work started in one
/// interval is still in hand in the next, which per-interval Erlang C ignores.
const RAMP: &str = r#"
name = "ramp"
seed = 3
replications = 20
horizon = "10h"
warmup = "1h"
interval = "30m"

[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = [30, 30, 60, 150, 240, 240, 210, 180, 120, 90, 90, 150, 210, 210, 150, 90, 60, 30, 30, 30] }
handle_time = { dist = "exponential", mean = "20m" }
target = { within = "20s", share = 0.80 }

[[groups]]
name = "agents"
size = 1
skills = { phone = 1.0 }

[planning]
replications = 20
"#;

#[test]
fn a_ramp_with_long_calls_per_interval_erlang_misses_and_the_plan_holds() {
    let (s, p) = load(RAMP);
    let runner = runner();
    let plan = plan_of(&runner, &s, &p).expect("plan");
    // Per-interval Erlang C on the same fresh replications as the check.
    let model = Compiled::new(&s);
    let erlang = size_staffing(&model, &plan.erlang).expect("staffing");
    let reps = runner
        .run(
            &model,
            &erlang,
            plan.check_seed,
            0..u64::from(p.check_replications),
            &|| {},
        )
        .expect("run");
    let judge = Judge {
        scenario: &s,
        planning: &p,
    };
    let erlang_misses = judge.misses(&reps);
    eprintln!(
        "ramp: per-interval Erlang C misses {} intervals; plan requirement {:?}, Erlang {:?}",
        erlang_misses.len(),
        plan.requirement[0],
        plan.erlang[0]
    );
    assert!(
        erlang_misses.len() >= 4,
        "per-interval Erlang C should miss on the ramp: {erlang_misses:?}"
    );
    assert!(
        plan.check_misses.is_empty(),
        "the plan misses {:?}",
        plan.check_misses
    );
    let hours = |v: &Vec<u32>| v.iter().map(|&x| f64::from(x)).sum::<f64>();
    let (planned, erlang_h) = (hours(&plan.requirement[0]), hours(&plan.erlang[0]));
    assert!(
        planned <= erlang_h * 1.05,
        "planned {planned} agent-intervals, Erlang {erlang_h}"
    );
}

/// Two voice lines; generalists take both, specialists only service.
const TWO_GROUPS: &str = r#"
name = "two groups"
seed = 9
replications = 20
horizon = "8h"
warmup = "1h"
interval = "1h"

[[channels]]
name = "sales"
kind = "voice"
arrivals = { per_hour = 120 }
handle_time = { dist = "exponential", mean = "4m" }
target = { within = "20s", share = 0.80 }

[[channels]]
name = "service"
kind = "voice"
arrivals = { per_hour = 240 }
handle_time = { dist = "exponential", mean = "3m" }
target = { within = "20s", share = 0.80 }

[[groups]]
name = "generalists"
size = 1
skills = { sales = 1.0, service = 1.0 }

[[groups]]
name = "service desk"
size = 1
skills = { service = 1.0 }
"#;

#[test]
fn a_multi_skill_plan_meets_every_channel_where_pyworkforce_counting_misses() {
    let (s, p) = load(TWO_GROUPS);
    let runner = runner();
    assert_eq!(primary_group(&s, 0), Some(0));
    assert_eq!(
        primary_group(&s, 1),
        Some(0),
        "equal proficiency: the first group listed"
    );
    let plan = plan_of(&runner, &s, &p).expect("plan");
    assert!(plan.check_misses.is_empty(), "{:?}", plan.check_misses);
    // pyworkforce's rule: a generalist counts fully toward both skills, so the generalists cover sales and
    // as much of service as their number, the desk the rest.
    let need = |per_hour: f64, aht: f64| {
        let m = QueueModel::new('c', per_hour, aht, None).expect("model");
        supportsim::staffing::agents_for_target(&m, 0.8, 20.0).expect("agents")
    };
    let (sales, service) = (need(120.0, 240.0), need(240.0, 180.0));
    let optimistic = vec![
        vec![sales; s.intervals()],
        vec![service.saturating_sub(sales); s.intervals()],
    ];
    let model = Compiled::new(&s);
    let st = size_staffing(&model, &optimistic).expect("staffing");
    let reps = runner
        .run(&model, &st, plan.check_seed, 0..20, &|| {})
        .expect("run");
    let misses = Judge {
        scenario: &s,
        planning: &p,
    }
    .misses(&reps);
    eprintln!(
        "two groups: plan {:?}, pyworkforce {:?} misses {}",
        plan.requirement,
        optimistic,
        misses.len()
    );
    assert!(
        !misses.is_empty(),
        "counting generalists toward every skill should miss"
    );
    let total = |v: &[Vec<u32>]| v.iter().flatten().sum::<u32>();
    assert!(total(&plan.requirement) > total(&optimistic));
}

#[test]
fn planning_errors_name_the_line_and_key() {
    let bad = format!(
        "{}\n[planning]\nholds = \"month\"\n[planning.targets.fax]\nmax_abandon = 0.1\n[[planning.shifts]]\nname = \"x\"\ngroup = \"nobody\"\nstarts = [\"08:00\"]\nlength = \"8h\"\n",
        RAMP.replace("[planning]\nreplications = 20\n", "")
    );
    let s = Scenario::from_toml(&bad, "t.toml", None).expect("the scenario part is valid");
    let e = Planning::from_toml(&bad, "t.toml", &s)
        .expect_err("bad planning")
        .to_string();
    assert!(e.contains("planning.holds = \"month\""), "{e}");
    assert!(
        e.contains("planning.targets.fax: no channel is named \"fax\""),
        "{e}"
    );
    assert!(e.contains("planning.shifts[0].group = \"nobody\""), "{e}");
    assert!(e.contains("t.toml:"), "{e}");
}

#[test]
fn a_confidence_asks_more_than_the_mean_and_a_daily_target_holds_over_the_day() {
    let total = |v: &[Vec<u32>]| v.iter().flatten().sum::<u32>();
    let run = |extra: &str| {
        let (s, p) = load(&RAMP.replace("[planning]\n", &format!("[planning]\n{extra}\n")));
        plan_of(&runner(), &s, &p).expect("plan")
    };
    let mean = run("");
    let sure = run("confidence = 0.9");
    let daily = run("holds = \"day\"");
    assert!(sure.check_misses.is_empty() && daily.check_misses.is_empty());
    assert!(
        total(&sure.requirement) > total(&mean.requirement),
        "met in 90% of replications needs more than met on average"
    );
    eprintln!(
        "agent-intervals: every interval {}, 90% confidence {}, the day {}",
        total(&mean.requirement),
        total(&sure.requirement),
        total(&daily.requirement)
    );
}

/// A voice line whose VIP callers (20%, served first) are promised more than the line as a whole.
const CLASSES: &str = r#"
name = "classes"
seed = 21
replications = 20
horizon = "8h"
warmup = "1h"
interval = "1h"

[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 300 }
handle_time = { dist = "exponential", mean = "3m" }
patience = { dist = "exponential", mean = "4m" }
target = { within = "20s", share = 0.80 }
classes = [{ name = "vip", share = 0.2, priority = 1 }, { name = "standard", share = 0.8 }]

[[groups]]
name = "agents"
size = 1
skills = { phone = 1.0 }
"#;

#[test]
fn a_class_target_is_planned_for_that_class_alone() {
    let with = format!(
        "{CLASSES}\n[planning.targets.phone.classes.vip]\nservice_level = 0.97\nmax_asa = \"3s\"\n"
    );
    let (s, p) = load(&with);
    assert_eq!(p.targets.len(), 2, "the line's target and the VIP class's");
    assert_eq!(p.targets[1].label(&s), "phone/vip");
    let (s0, p0) = load(CLASSES);
    let base = plan_of(&runner(), &s0, &p0).expect("plan");
    let plan = plan_of(&runner(), &s, &p).expect("plan");
    assert!(plan.check_misses.is_empty(), "{:?}", plan.check_misses);
    // The per-class, per-interval tallies add up to the class totals the report uses.
    for r in &plan.check {
        let ch = &r.channels[0];
        let n = ch.intervals.len();
        for (k, total) in ch.classes.iter().enumerate() {
            let offered: u64 = (0..n).map(|i| ch.class_intervals[k * n + i].offered).sum();
            let within: u64 = (0..n)
                .map(|i| ch.class_intervals[k * n + i].answered_within)
                .sum();
            assert_eq!((offered, within), (total.offered, total.answered_within));
        }
    }
    // The VIP promise holds in every interval of the check, by its mean over replications.
    let n = s.intervals();
    for i in 0..n {
        let sl: Vec<f64> = plan
            .check
            .iter()
            .map(|r| {
                let t = &r.channels[0].class_intervals[i];
                t.answered_within as f64 / t.offered.max(1) as f64
            })
            .collect();
        let mean = sl.iter().sum::<f64>() / sl.len() as f64;
        assert!(mean >= 0.97, "interval {i}: VIP service level {mean}");
    }
    let total = |v: &[Vec<u32>]| v.iter().flatten().sum::<u32>();
    eprintln!(
        "classes: {} agent-intervals for the line, {} with the VIP promise",
        total(&base.requirement),
        total(&plan.requirement)
    );
    assert!(total(&plan.requirement) >= total(&base.requirement));
}

#[test]
fn a_floor_on_cases_at_level_four_or_above_asks_for_more_agents() {
    let level4 = |plan: &supportsim::planner::Plan| {
        let (mut good, mut all) = (0u64, 0u64);
        for r in &plan.check {
            for l in &r.channels[0].level_intervals {
                good += l[3] + l[4] + l[5];
                all += l.iter().sum::<u64>();
            }
        }
        good as f64 / all.max(1) as f64
    };
    let (s, p) = load(&stationary(
        "patience = { dist = \"exponential\", mean = \"5m\" }\n",
        0.8,
        0.0,
        "",
    ));
    let base = plan_of(&runner(), &s, &p).expect("plan");
    let floor = (level4(&base) + 0.05).min(0.99);
    let (s, p) = load(&stationary(
        "patience = { dist = \"exponential\", mean = \"5m\" }\n",
        0.8,
        0.0,
        &format!("[planning.targets.phone]\nmin_level4 = {floor}\n"),
    ));
    let plan = plan_of(&runner(), &s, &p).expect("plan");
    eprintln!(
        "level 4+: {:.3} at the service-level plan, floor {floor:.3}, {:.3} planned",
        level4(&base),
        level4(&plan)
    );
    assert!(plan.check_misses.is_empty(), "{:?}", plan.check_misses);
    assert!(level4(&plan) >= floor - 0.01, "{} < {floor}", level4(&plan));
    let total = |v: &[Vec<u32>]| v.iter().flatten().sum::<u32>();
    assert!(total(&plan.requirement) > total(&base.requirement));
}

/// The plan's terminal summary and its workbook name the scenario's currency ("cost (EUR) ..."; the
/// summary sheet keeps its `cost` key and gains a `currency` row); without one, plain "cost".
#[test]
fn the_plan_names_the_currency_of_its_cost() {
    let text = stationary("", 0.8, 0.0, "").replace("size = 1\n", "size = 1\ncost_per_hour = 20\n");
    let priced = format!("currency = \"EUR\"\n{text}");
    for (scenario, label) in [(&priced, "cost (EUR) "), (&text, ", cost ")] {
        let (s, p) = load(scenario);
        let plan = plan_of(&runner(), &s, &p).expect("plan");
        let shown = supportsim::report::plan::render(&s, &p, &plan);
        assert!(shown.contains(label), "{label:?} not in {shown}");
        let sheet = supportsim::report::plan::summary_sheet(&s, &p, &plan);
        let has_currency = sheet
            .rows
            .iter()
            .any(|r| matches!(&r[0], supportsim::report::sheet::Cell::Text(k) if k == "currency"));
        assert_eq!(has_currency, s.currency.is_some());
    }
}
