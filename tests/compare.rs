//! `supportsim compare`: paired differences under common random numbers. A scenario compared with itself
//! (or with a copy under another seed) differs by exactly zero; one more agent's gain in service level
//! matches exact Erlang A within the paired interval, which is several times narrower than the unpaired one;
//! three files work from the command line and bad input writes nothing.

mod common;
use assert_cmd::Command;
use supportsim::experiment::run_replications;
use supportsim::report::compare::{Comparison, KpiSamples};
use supportsim::report::kpi::{KpiId, Measure};
use supportsim::scenario::Scenario;
use supportsim::staffing::QueueModel;

const BASE: &str = include_str!("../scenarios/erlang-a.toml");

fn agents(n: u32) -> String {
    BASE.replace("size = 10", &format!("size = {n}"))
}

fn samples(s: &Scenario) -> KpiSamples {
    KpiSamples::new(s, &run_replications(s))
}

fn compare(texts: &[String], replications: u32) -> Comparison {
    let samples: Vec<KpiSamples> = texts
        .iter()
        .map(|t| {
            let mut s = common::scenario(t);
            s.replications = replications;
            samples(&s)
        })
        .collect();
    Comparison::new(&samples, 7, replications)
}

#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero() {
    let c = compare(&[agents(10), agents(10)], 6);
    assert!(c.kpis.len() > 50, "{} KPIs", c.kpis.len());
    for row in &c.kpis {
        let d = &row.differences[0];
        if d.pairs > 0 {
            assert_eq!(d.mean, Some(0.0), "{}", row.kpi);
            assert!(!d.significant, "{}", row.kpi);
        }
        assert_eq!(row.values[0].mean, row.values[1].mean, "{}", row.kpi);
    }
    // The KPI values are the summary.json means (wait quantiles aside, which pool the replications).
    let mut s = common::scenario(&agents(10));
    s.replications = 6;
    let report = supportsim::report::Report::build(&s, &run_replications(&s));
    let sl = c
        .row(&KpiId::channel("phone", "service_level"))
        .expect("service level");
    let expected = report.channels["phone"]
        .contacts
        .service_level
        .mean
        .unwrap();
    assert!((sl.values[0].mean.unwrap() - expected).abs() < 1e-12);
    // The scorecard of each scenario is the run's.
    assert_eq!(c.standards_met.len(), 2);
    for (name, row) in &report.standards {
        assert_eq!(c.standards_met[0][*name], row.met, "{name}");
        assert_eq!(c.standards_met[1][*name], row.met, "{name}");
    }
    assert_eq!(
        c.standards_met[0]["time"],
        Some(false),
        "53% in 20 s misses 80/20"
    );
}

#[test]
fn one_more_agent_gains_what_erlang_a_says_with_a_narrow_paired_interval() {
    let c = compare(&[agents(10), agents(11)], 30);
    // Exact Erlang A: 114/h, AHT 5 min, patience 10 min, 20 s.
    let model = QueueModel::new('a', 114.0, 300.0, Some(600.0)).expect("valid model");
    let exact = model.service_level(11, 20.0).unwrap() - model.service_level(10, 20.0).unwrap();
    let d = &c
        .row(&KpiId::channel("phone", "service_level"))
        .expect("row")
        .differences[0];
    let (gain, half) = (d.mean.unwrap(), d.ci95.unwrap());
    // 2.5 half-widths is about 5 standard errors; 0.005 allows for the finite 10-hour day's start-up.
    assert!(
        (gain - exact).abs() < 2.5 * half + 0.005,
        "gain {gain} ± {half}, exact {exact}"
    );
    assert!(d.significant);
    // Common random numbers: the paired interval is far narrower than independent runs would give
    // (about 0.3 of it here; docs/compare.md).
    let ratio = half / d.ci95_unpaired.unwrap();
    assert!(ratio < 0.6, "paired / unpaired = {ratio}");
    // Fewer abandons, shorter waits.
    let asa = &c
        .row(&KpiId::channel("phone", "asa_s"))
        .unwrap()
        .differences[0];
    assert!(asa.significant && asa.mean.unwrap() < 0.0);
}

#[test]
fn cost_is_paid_hours_at_the_rate_and_buys_service() {
    let priced = |n: u32| agents(n).replace("size = ", "cost_per_hour = 25.0\nsize = ");
    let c = compare(&[priced(10), priced(11)], 8);
    // 10 agents paid for the 10-hour window at 25 an hour; one more costs 10 × 25 more, in every replication.
    let cost = c.row(&KpiId::cost("total")).expect("cost row");
    assert!((cost.values[0].mean.unwrap() - 2500.0).abs() < 1e-6);
    assert!((cost.differences[0].mean.unwrap() - 250.0).abs() < 1e-6);
    let staff = c
        .row(&KpiId::group("agents", "staff_cost"))
        .expect("group cost");
    assert_eq!(staff.values[0].mean, cost.values[0].mean);
    // Value for money: the cost difference over the (significant) service-level gain in points.
    let v = &c.value_for_money[0];
    let gain = c.row(&KpiId::standard("time")).unwrap().differences[0]
        .mean
        .unwrap();
    assert!((v.cost_per_service_level_point.unwrap() - 250.0 / (100.0 * gain)).abs() < 1e-9);
    let lift = c
        .row(&KpiId::experience(Measure::Field("level_4_or_above")))
        .unwrap()
        .differences[0]
        .mean
        .unwrap();
    let cases = c.row(&KpiId::cases("cases")).unwrap().values[0]
        .mean
        .unwrap();
    assert!((v.cost_per_case_lifted.unwrap() - 250.0 / (lift * cases)).abs() < 1e-9);
    // Cheaper and better has no price: 11 agents at 20 cost 2200, less than 10 at 25.
    let cheaper = compare(
        &[
            priced(10),
            priced(11).replace("cost_per_hour = 25.0", "cost_per_hour = 20.0"),
        ],
        4,
    );
    let v = &cheaper.value_for_money[0];
    assert!((v.cost_difference.unwrap() + 300.0).abs() < 1e-6);
    assert!(v.service_level_points.unwrap() > 0.0);
    assert_eq!(v.cost_per_service_level_point, None);
    assert_eq!(v.cost_per_case_lifted, None);
    // No gain, no price: the same scenario twice.
    let same = compare(&[priced(10), priced(10)], 4);
    assert_eq!(same.value_for_money[0].cost_per_service_level_point, None);
    assert_eq!(same.value_for_money[0].cost_difference, Some(0.0));
}

#[test]
fn the_timeline_shows_the_day_the_scenarios_differ() {
    // Three days; B has two agents fewer on day 2 only (as if in class).
    let sizes = |day2: u32| {
        let v: Vec<String> = (0..72)
            .map(|h| if (24..48).contains(&h) { day2 } else { 11 }.to_string())
            .collect();
        format!("[{}]", v.join(", "))
    };
    let text = |day2: u32| {
        agents(11)
            .replace("horizon = \"10h\"", "horizon = \"3d\"")
            .replace("interval = \"30m\"", "interval = \"1h\"")
            .replace("size = 11", &format!("size = {}", sizes(day2)))
    };
    let samples: Vec<KpiSamples> = [text(11), text(9)]
        .iter()
        .map(|t| {
            let mut s = common::scenario(t);
            s.replications = 8;
            let per = supportsim::report::compare::Period::Day
                .intervals_in(&s)
                .expect("whole days");
            assert_eq!(per, 24);
            KpiSamples::with_timeline(&s, &run_replications(&s), Some(per))
        })
        .collect();
    let t = supportsim::report::compare::Timeline::new(
        &samples,
        supportsim::report::compare::Period::Day,
    );
    assert_eq!(t.periods, 3);
    // The days add up to the whole horizon.
    let offered = t
        .series(&KpiId::channel("phone", "offered"))
        .expect("offered");
    let c = Comparison::new(&samples, 7, 8);
    let total: f64 = offered.values[0].iter().map(|v| v.unwrap()).sum();
    let whole = c.row(&KpiId::channel("phone", "offered")).unwrap().values[0]
        .mean
        .unwrap();
    assert!((total - whole).abs() < 1e-6, "{total} vs {whole}");
    // Same callers every day (common random numbers); waits differ on day 2 only.
    assert!(offered.differences[0].iter().all(|d| d.mean == Some(0.0)));
    let asa = &t
        .series(&KpiId::channel("phone", "asa_s"))
        .expect("asa")
        .differences[0];
    assert!(
        asa[1].significant && asa[1].mean.unwrap() > 5.0,
        "{:?}",
        asa[1]
    );
    assert!(asa[0].mean.unwrap().abs() < 1.0, "{:?}", asa[0]);
    let staffed = &t
        .series(&KpiId::group("agents", "staffed_agents"))
        .expect("staffed")
        .differences[0];
    // Two agents fewer, less the few minutes leaving agents spend finishing their last contact.
    assert!(
        (staffed[1].mean.unwrap() + 2.0).abs() < 0.02,
        "{:?}",
        staffed[1]
    );
    assert_eq!(staffed[0].mean, Some(0.0));
}

fn bin() -> Command {
    Command::cargo_bin("supportsim").expect("the binary is built")
}

#[test]
fn three_files_and_seeds_from_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let a = write("a.toml", &agents(10));
    // Same center, another seed in the file: compare runs it with the baseline's seed, so it is identical.
    let b = write("b.toml", &agents(10).replace("seed = 7", "seed = 99"));
    let c = write("c.toml", &agents(12));
    let out = dir.path().join("out");
    let o = bin()
        .args(["compare", &a, &b, &c, "--replications", "4", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let table = String::from_utf8(o.stdout).unwrap();
    assert!(table.contains("comparison of 3 scenarios, 4 paired replications"));
    assert!(table.contains("identical"));
    // Ten hours are no whole day: no timeline, and a note that says why.
    assert!(!out.join("timeline.csv").exists());
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("no day timeline: the horizon is not a whole number of days")
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("comparison.json")).unwrap())
            .unwrap();
    assert_eq!(json["scenarios"].as_array().unwrap().len(), 3);
    assert_eq!(json["seed"], 7);
    let sl = json["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kpi"] == "channels.phone.service_level")
        .expect("service level row");
    assert_eq!(sl["differences"][0]["mean"], 0.0);
    assert!(sl["differences"][1]["mean"].as_f64().unwrap() > 0.1);
    let csv = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    assert!(csv.starts_with("kpi,scenario,mean,difference,ci95,ci95_unpaired,significant,pairs\n"));
    assert_eq!(
        csv.lines().count(),
        1 + 3 * json["kpis"].as_array().unwrap().len()
    );

    // A bad third file: exit 2, its name and line in the message, nothing written.
    let bad = write("bad.toml", &agents(10).replace("size = 10", "size = -1"));
    let out2 = dir.path().join("out2");
    let o = bin()
        .args(["compare", &a, &b, &bad, "--out"])
        .arg(&out2)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("bad.toml:") && err.contains("size"), "{err}");
    assert!(!out2.exists());
    // One file is not a comparison.
    let o = bin().args(["compare", &a]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}
