//! Paired comparison of scenarios run with common random numbers (`supportsim compare`).
//!
//! Every scenario runs the same replications with the same seed, so replication i of each sees the same
//! arrivals, patience and base handle times (the random streams are keyed by seed, replication, channel name
//! and purpose). The difference of a KPI between two scenarios is then estimated from the per-replication
//! differences d_i = x_i(B) − x_i(A): mean d̄ and 95% half-width t_{0.975, n−1} · s_d / √n. Because both runs
//! share their noise, s_d is usually far smaller than the spread of either run, and the interval far narrower
//! than the unpaired (Welch) interval t_{0.975, ν} · √(s_A²/n + s_B²/n) that independent runs would give;
//! both are reported so the gain is visible.
//!
//! Which KPIs: every estimate in summary.json (channel, class, group, case, service-level and standard
//! measures), taken from a report of each replication on its own. A KPI's value in a scenario is the mean of
//! its per-replication values; for every KPI but the wait quantiles this is the summary.json mean.

use super::Report;
use super::kpi::{self, KpiId, Measure};
use super::sheet::{Cell, Sheet, Unit, WorkbookError, show};
pub use super::sheet::{number, signed};
use crate::scenario::Scenario;
use crate::stats::{ReplicationTally, t_quantile_975};
use indexmap::IndexMap;
use serde::Serialize;

/// The period of a comparison's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    Week,
}

impl Period {
    pub fn seconds(self) -> f64 {
        match self {
            Period::Day => 86_400.0,
            Period::Week => 7.0 * 86_400.0,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
        }
    }

    /// Intervals per period, or why the scenario's horizon cannot be cut into whole periods.
    pub fn intervals_in(self, s: &Scenario) -> Result<usize, TimelineError> {
        let whole = |x: f64| (x - x.round()).abs() < 1e-9 && x.round() >= 1.0;
        let per = self.seconds() / s.interval_s;
        if !whole(per) {
            return Err(TimelineError::Interval { period: self });
        }
        if !whole(s.horizon_s / self.seconds()) {
            return Err(TimelineError::Horizon { period: self });
        }
        Ok(per.round() as usize)
    }
}

/// Why a scenario's horizon cannot be cut into whole periods (`Period::intervals_in`): the comparison is
/// then made without a timeline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimelineError {
    /// A period is not a whole number of the scenario's intervals.
    #[error("no {} timeline: the interval must divide a {}", .period.name(), .period.name())]
    Interval { period: Period },
    /// The horizon is not a whole number of periods.
    #[error(
        "no {} timeline: the horizon is not a whole number of {}s",
        .period.name(),
        .period.name()
    )]
    Horizon { period: Period },
}

/// The KPIs of a timeline, per channel (`channels.<name>.<kpi>`, and `level_4_or_above` of the cases that
/// started in the period) and per group (`groups.<name>.<kpi>`): columns of intervals.csv and groups.csv, over
/// the period.
fn timeline_channel_kpis(row: &super::IntervalKpis) -> [(&'static str, Option<f64>); 7] {
    [
        ("offered", row.contacts.offered.mean),
        ("service_level", row.contacts.service_level.mean),
        ("asa_s", row.contacts.asa_s.mean),
        ("abandon_rate", row.contacts.abandon_rate.mean),
        ("occupancy", row.contacts.occupancy.mean),
        ("backlog", row.backlog.mean),
        ("staffed_agents", row.staffed_agents.mean),
    ]
}

fn timeline_group_kpis(row: &super::GroupIntervalKpis) -> [(&'static str, Option<f64>); 3] {
    [
        ("occupancy", row.occupancy.mean),
        ("staffed_agents", row.staffed_agents.mean),
        ("absent_agents", row.absent_agents.mean),
    ]
}

/// One scenario's per-replication values of every KPI (in summary.json order). `None` where the KPI is
/// undefined in that replication.
pub struct KpiSamples {
    pub scenario: String,
    pub values: IndexMap<KpiId, Vec<Option<f64>>>,
    /// Per timeline KPI, per period, per replication (empty without a timeline).
    pub timeline: IndexMap<KpiId, Vec<Vec<Option<f64>>>>,
    /// Whether the run meets each of the eight standards (summary.json `standards.<name>.met`).
    pub standards_met: IndexMap<String, Option<bool>>,
    /// The KPIs with a target, for the charts' target lines (kpi::targets).
    pub targets: IndexMap<KpiId, (f64, String)>,
    /// The scenario's currency, for cost labels.
    pub currency: Option<String>,
    /// The scenario's calendar, for the timeline's dates and weekdays.
    pub calendar: crate::scenario::Calendar,
}

impl KpiSamples {
    /// The samples of a run, with a timeline of `per` intervals per period when given.
    pub fn with_timeline(
        s: &Scenario,
        reps: &[ReplicationTally],
        per: Option<usize>,
    ) -> KpiSamples {
        let mut samples = KpiSamples::new(s, reps);
        let Some(per) = per else {
            return samples;
        };
        let mut coarse = s.clone();
        coarse.interval_s *= per as f64;
        let periods = s.intervals() / per;
        let mut put = |key: KpiId, p: usize, i: usize, v: Option<f64>| {
            samples
                .timeline
                .entry(key)
                .or_insert_with(|| vec![vec![None; reps.len()]; periods])[p][i] = v;
        };
        for (i, rep) in reps.iter().enumerate() {
            let report = Report::build(&coarse, std::slice::from_ref(&rep.rebin(per)));
            for (channel, rows) in &report.intervals {
                for (p, row) in rows.iter().enumerate() {
                    for (k, v) in timeline_channel_kpis(row) {
                        put(KpiId::channel(channel, k), p, i, v);
                    }
                    // Levels 4 to 6 together, when any case started in the period.
                    let top: Vec<f64> = row.levels[3..].iter().filter_map(|e| e.mean).collect();
                    let share = (!top.is_empty()).then(|| top.iter().sum());
                    put(KpiId::channel(channel, "level_4_or_above"), p, i, share);
                }
            }
            for (group, rows) in &report.group_intervals {
                for (p, row) in rows.iter().enumerate() {
                    for (k, v) in timeline_group_kpis(row) {
                        put(KpiId::group(group, k), p, i, v);
                    }
                }
            }
        }
        samples
    }

    pub fn new(s: &Scenario, reps: &[ReplicationTally]) -> KpiSamples {
        let mut values: IndexMap<KpiId, Vec<Option<f64>>> = IndexMap::new();
        for (i, rep) in reps.iter().enumerate() {
            let one = Report::build(s, std::slice::from_ref(rep));
            for (key, e) in kpi::estimates(&one) {
                let column = values.entry(key).or_insert_with(|| vec![None; reps.len()]);
                column[i] = e.mean;
            }
        }
        let all = Report::build(s, reps);
        let standards_met = all
            .standards
            .iter()
            .map(|(name, row)| (name.to_string(), row.met))
            .collect();
        KpiSamples {
            scenario: s.name.clone(),
            values,
            timeline: IndexMap::new(),
            standards_met,
            targets: super::kpi::targets(&all),
            currency: s.currency.clone(),
            calendar: s.calendar.clone(),
        }
    }
}

/// A scenario's value of one KPI: mean over the replications where it is defined, with its own 95%
/// half-width (Student t over those replications; null with fewer than two).
#[derive(Debug, Clone, Serialize)]
pub struct Value {
    pub mean: Option<f64>,
    pub ci95: Option<f64>,
    /// The ends of a bounded interval (a share near 0 or 1, a count near 0), as in summary.json.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95_low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95_high: Option<f64>,
}

/// The difference of one KPI between a scenario and the first.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    /// Mean of the per-replication differences (this scenario minus the first).
    pub mean: Option<f64>,
    /// 95% half-width from the paired differences.
    pub ci95: Option<f64>,
    /// 95% half-width the same replications would give if the runs were independent (Welch).
    pub ci95_unpaired: Option<f64>,
    /// Whether the paired interval excludes zero.
    pub significant: bool,
    /// Replications in which the KPI is defined in both scenarios.
    pub pairs: usize,
}

/// One KPI across the scenarios.
#[derive(Debug, Clone, Serialize)]
pub struct KpiRow {
    /// Written as its path.
    pub kpi: KpiId,
    /// One per scenario, in the order given.
    pub values: Vec<Value>,
    /// One per scenario after the first: its difference to the first.
    pub differences: Vec<Difference>,
}

/// What a scenario's extra cost buys compared with the baseline.
#[derive(Debug, Clone, Serialize)]
pub struct ValueForMoney {
    /// Difference in `cost.total`.
    pub cost_difference: Option<f64>,
    /// Difference in the pooled service level (`standards.time.value`), in percentage points.
    pub service_level_points: Option<f64>,
    /// Cost difference per percentage point gained; null unless the cost difference is positive and the gain
    /// positive and significant.
    pub cost_per_service_level_point: Option<f64>,
    /// Cases more at level 4 or above: the difference in their share times the baseline's ended cases.
    pub cases_lifted_to_level_4: Option<f64>,
    /// Cost difference per case lifted; null unless the cost difference is positive and the lift positive
    /// and significant.
    pub cost_per_case_lifted: Option<f64>,
}

/// One KPI period by period, for each scenario, with its paired differences to the baseline.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// Written as its path.
    pub kpi: KpiId,
    /// Per scenario, per period: the mean over replications.
    pub values: Vec<Vec<Option<f64>>>,
    /// Per scenario after the first, per period: the difference to the baseline.
    pub differences: Vec<Vec<Difference>>,
}

/// The KPIs day by day (or week by week): timeline.json (docs/compare.md).
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub scenarios: Vec<String>,
    pub period: Period,
    pub periods: usize,
    pub series: Vec<Series>,
    /// The baseline's targets, for the charts (not in timeline.json).
    #[serde(skip)]
    pub targets: IndexMap<KpiId, (f64, String)>,
    /// The baseline's calendar: the charts label each period by its first day's date or weekday.
    #[serde(skip)]
    pub calendar: crate::scenario::Calendar,
}

impl Timeline {
    /// The timeline of `samples` (baseline first), each built with the same period.
    pub fn new(samples: &[KpiSamples], period: Period) -> Timeline {
        let periods = samples[0].timeline.values().next().map_or(0, |v| v.len());
        // Every scenario's KPIs, the baseline's first (a channel only a later scenario has is included).
        let mut keys: IndexMap<&KpiId, ()> = IndexMap::new();
        for s in samples {
            for k in s.timeline.keys() {
                keys.insert(k, ());
            }
        }
        let series = keys
            .keys()
            .map(|&kpi| {
                let column = |s: &KpiSamples| s.timeline.get(kpi).cloned();
                let a = column(&samples[0]).unwrap_or_default();
                Series {
                    kpi: kpi.clone(),
                    values: samples
                        .iter()
                        .map(|s| {
                            (0..periods)
                                .map(|p| {
                                    column(s)
                                        .and_then(|c| mean(c.get(p)?.iter().flatten().copied()))
                                })
                                .collect()
                        })
                        .collect(),
                    differences: samples[1..]
                        .iter()
                        .map(|s| {
                            let b = column(s).unwrap_or_default();
                            (0..periods)
                                .map(|p| {
                                    difference(
                                        a.get(p).map_or(&[][..], |v| v),
                                        b.get(p).map_or(&[][..], |v| v),
                                    )
                                })
                                .collect()
                        })
                        .collect(),
                }
            })
            .collect();
        Timeline {
            scenarios: samples.iter().map(|s| s.scenario.clone()).collect(),
            period,
            periods,
            series,
            targets: samples[0].targets.clone(),
            calendar: samples[0].calendar.clone(),
        }
    }

    pub fn series(&self, kpi: &KpiId) -> Option<&Series> {
        self.series.iter().find(|s| s.kpi == *kpi)
    }
}

/// timeline.csv: one row per KPI, period and scenario (periods numbered from 1).
pub fn timeline_sheet(t: &Timeline) -> Sheet {
    let header = [
        "kpi",
        t.period.name(),
        "scenario",
        "mean",
        "difference",
        "ci95",
        "significant",
    ];
    let mut sheet = Sheet::new("Timeline", header.map(String::from).to_vec());
    for s in &t.series {
        let unit = s.kpi.unit();
        for p in 0..t.periods {
            for (i, name) in t.scenarios.iter().enumerate() {
                let mut row = vec![
                    Cell::Text(s.kpi.path()),
                    Cell::Number((p + 1) as f64, Unit::Plain),
                    Cell::Text(name.clone()),
                    Cell::number(s.values[i][p], unit),
                ];
                match i.checked_sub(1).map(|j| &s.differences[j][p]) {
                    None => row.extend([Cell::Blank, Cell::Blank, Cell::Blank]),
                    Some(d) => row.extend([
                        Cell::number(d.mean, unit),
                        Cell::number(d.ci95, unit),
                        Cell::Bool(d.significant),
                    ]),
                }
                sheet.rows.push(row);
            }
        }
    }
    sheet
}

pub fn timeline_csv(t: &Timeline) -> String {
    timeline_sheet(t).to_csv()
}

pub fn timeline_json(t: &Timeline) -> String {
    let mut s = serde_json::to_string_pretty(t).expect("a timeline serialises");
    s.push('\n');
    s
}

/// The comparison of two or more scenarios (comparison.json; docs/compare.md).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub scenarios: Vec<String>,
    pub seed: u64,
    pub replications: u32,
    pub kpis: Vec<KpiRow>,
    /// Per scenario: whether it meets each standard (null when the standard cannot be judged).
    pub standards_met: Vec<IndexMap<String, Option<bool>>>,
    /// One per scenario after the first.
    pub value_for_money: Vec<ValueForMoney>,
    /// The baseline's currency, for cost labels (not in comparison.json).
    #[serde(skip)]
    pub currency: Option<String>,
}

impl Comparison {
    /// `samples[0]` is the baseline. KPIs are those of the baseline, in its summary.json order, followed by
    /// any the others add (a channel only they have); a KPI a scenario lacks has no value there.
    pub fn new(samples: &[KpiSamples], seed: u64, replications: u32) -> Comparison {
        let mut keys: IndexMap<&KpiId, ()> = IndexMap::new();
        for s in samples {
            for k in s.values.keys() {
                keys.insert(k, ());
            }
        }
        let empty: Vec<Option<f64>> = Vec::new();
        let kpis = keys
            .keys()
            .map(|&kpi| {
                let column = |s: &KpiSamples| s.values.get(kpi).unwrap_or(&empty).clone();
                let base = column(&samples[0]);
                KpiRow {
                    kpi: kpi.clone(),
                    values: samples
                        .iter()
                        .map(|s| bounded(kpi, value(&column(s)), &column(s)))
                        .collect(),
                    differences: samples[1..]
                        .iter()
                        .map(|s| difference(&base, &column(s)))
                        .collect(),
                }
            })
            .collect();
        let mut c = Comparison {
            scenarios: samples.iter().map(|s| s.scenario.clone()).collect(),
            seed,
            replications,
            kpis,
            standards_met: samples.iter().map(|s| s.standards_met.clone()).collect(),
            value_for_money: Vec::new(),
            currency: samples[0].currency.clone(),
        };
        c.value_for_money = (0..samples.len() - 1)
            .map(|j| c.value_for_money(j))
            .collect();
        c
    }

    /// Value for money of scenario `j + 1` against the baseline.
    fn value_for_money(&self, j: usize) -> ValueForMoney {
        let diff = |kpi: KpiId| self.row(&kpi).map(|r| &r.differences[j]);
        let cost = diff(KpiId::cost("total")).and_then(|d| d.mean);
        // A gain only counts when it is real: positive with an interval that excludes zero.
        let gain = |d: Option<&Difference>| {
            d.filter(|d| d.significant)
                .and_then(|d| d.mean)
                .filter(|&m| m > 0.0)
        };
        let sl = diff(KpiId::standard("time"));
        let lift = diff(KpiId::experience(Measure::Field("level_4_or_above")));
        // The level shares are shares of ended cases: scale by the baseline's ended (not open) cases.
        let mean0 = |kpi: KpiId| self.row(&kpi).and_then(|r| r.values[0].mean);
        let cases = mean0(KpiId::cases("cases"))
            .zip(mean0(KpiId::cases("open")))
            .map(|(n, open)| n - open);
        // A price only for money spent: a cheaper scenario that gains has no cost per gain.
        let per = |cost: Option<f64>, gain: Option<f64>| Some(cost.filter(|&c| c > 0.0)? / gain?);
        ValueForMoney {
            cost_difference: cost,
            service_level_points: sl.and_then(|d| d.mean).map(|m| 100.0 * m),
            cost_per_service_level_point: per(cost, gain(sl).map(|g| 100.0 * g)),
            cases_lifted_to_level_4: lift.and_then(|d| d.mean).zip(cases).map(|(m, n)| m * n),
            cost_per_case_lifted: per(cost, gain(lift).zip(cases).map(|(g, n)| g * n)),
        }
    }

    pub fn row(&self, kpi: &KpiId) -> Option<&KpiRow> {
        self.kpis.iter().find(|r| r.kpi == *kpi)
    }
}

fn mean(xs: impl Iterator<Item = f64>) -> Option<f64> {
    let (mut n, mut sum) = (0usize, 0.0);
    for x in xs {
        n += 1;
        sum += x;
    }
    (n > 0).then(|| sum / n as f64)
}

/// A scenario's mean of one KPI and its 95% half-width, t_{n−1} · s / √n.
fn value(xs: &[Option<f64>]) -> Value {
    let xs: Vec<f64> = xs.iter().flatten().copied().collect();
    let n = xs.len();
    Value {
        mean: mean(xs.iter().copied()),
        ci95: (n >= 2).then(|| t_quantile_975(n - 1) * (variance(&xs) / n as f64).sqrt()),
        ci95_low: None,
        ci95_high: None,
    }
}

/// A scenario's own value of `kpi` with the interval summary.json gives it: a share's inside [0, 1], a
/// count's at or above 0 (crate::stats::Estimate).
fn bounded(kpi: &KpiId, v: Value, xs: &[Option<f64>]) -> Value {
    let e = crate::stats::Estimate::from_values(xs.iter().copied());
    let e = match (kpi.measure, kpi.unit()) {
        (Measure::Field("p_target_missed"), _) => e.share_of_replications(),
        (_, Unit::Share) => e.share(),
        _ => e,
    };
    Value {
        ci95_low: e.ci95_low,
        ci95_high: e.ci95_high,
        ..v
    }
}

/// Sample variance (n − 1 in the denominator).
fn variance(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)
}

/// Paired difference `b − a` over the replications where both are defined.
fn difference(a: &[Option<f64>], b: &[Option<f64>]) -> Difference {
    let pairs: Vec<(f64, f64)> = a
        .iter()
        .zip(b)
        .filter_map(|(x, y)| Some(((*x)?, (*y)?)))
        .collect();
    let n = pairs.len();
    let d: Vec<f64> = pairs.iter().map(|(x, y)| y - x).collect();
    let mean_d = mean(d.iter().copied());
    if n < 2 {
        return Difference {
            mean: mean_d,
            ci95: None,
            ci95_unpaired: None,
            significant: false,
            pairs: n,
        };
    }
    let nf = n as f64;
    let half = t_quantile_975(n - 1) * (variance(&d) / nf).sqrt();
    // Welch: standard error √(s_A²/n + s_B²/n), degrees of freedom by Welch–Satterthwaite.
    let xa: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let xb: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let (va, vb) = (variance(&xa) / nf, variance(&xb) / nf);
    let se = (va + vb).sqrt();
    let df = if va + vb > 0.0 {
        // Rounded down: fewer degrees of freedom, a wider (safe) interval.
        ((va + vb).powi(2) / (va * va / (nf - 1.0) + vb * vb / (nf - 1.0))).floor() as usize
    } else {
        n - 1
    };
    let unpaired = t_quantile_975(df.max(1)) * se;
    let m = mean_d.expect("n >= 2");
    Difference {
        mean: mean_d,
        ci95: Some(half),
        ci95_unpaired: Some(unpaired),
        significant: m.abs() > half,
        pairs: n,
    }
}

/// The comparison as a text table: each scenario's value, and for each later scenario its difference to
/// the first with the paired 95% interval, marked when the interval excludes zero.
pub fn render(c: &Comparison) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "comparison of {} scenarios, {} paired replications (common random numbers, seed {})",
        c.scenarios.len(),
        c.replications,
        c.seed
    );
    for (i, s) in c.scenarios.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}: {s}{}",
            letter(i),
            if i == 0 { " (baseline)" } else { "" }
        );
    }
    // One style with `run` and `sweep` (table::terminal_table); shares in percent and their differences in
    // percentage points, seconds in seconds, as `run` shows them.
    let mut grid = super::table::Grid {
        header: vec!["KPI".to_string()],
        rows: Vec::new(),
    };
    grid.header.extend((0..c.scenarios.len()).map(letter));
    grid.header
        .extend((1..c.scenarios.len()).map(|i| format!("{} - A [95% CI]", letter(i))));
    let mut any_insignificant = false;
    // The headline KPIs (KpiId::is_headline); everything else is in comparison.json and comparison.csv.
    // Money rows only when something is priced (a cost of 0.00 everywhere says nothing).
    let priced = |r: &&KpiRow| {
        r.kpi.unit() != Unit::Money || r.values.iter().any(|v| v.mean.is_some_and(|m| m != 0.0))
    };
    for row in c.kpis.iter().filter(|r| r.kpi.is_headline()).filter(priced) {
        let unit = row.kpi.unit();
        // Money rows name the currency when the scenario does: "cost.total (EUR)".
        let mut line = vec![match (&c.currency, unit) {
            (Some(cur), Unit::Money) => format!("{} ({cur})", row.kpi.path()),
            _ => row.kpi.path(),
        }];
        line.extend(row.values.iter().map(|v| show(unit, v.mean, None, false)));
        for d in &row.differences {
            let text = match (d.mean, d.ci95) {
                (Some(m), Some(h)) if m == 0.0 && h == 0.0 => "identical".to_string(),
                (Some(m), Some(h)) => {
                    any_insignificant |= !d.significant;
                    format!(
                        "{}{}",
                        show(unit, Some(m), Some(h), true),
                        if d.significant { " *" } else { "" }
                    )
                }
                (Some(m), None) => show(unit, Some(m), None, true),
                _ => "-".to_string(),
            };
            line.push(text);
        }
        grid.rows.push(line);
    }
    let _ = writeln!(out, "{}", grid.table());
    let _ = writeln!(
        out,
        "* the 95% interval of the paired difference excludes zero: a real difference at that level."
    );
    if any_insignificant {
        let _ = writeln!(
            out,
            "Differences without * are not significant: the scenarios may well perform the same; run more replications to tell."
        );
    }
    for line in standards_lines(c).into_iter().chain(value_lines(c)) {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// Per scenario: how many of the standards it meets, and which it misses.
pub fn standards_lines(c: &Comparison) -> Vec<String> {
    let mut out = Vec::new();
    for (i, met) in c.standards_met.iter().enumerate() {
        let judged = met.values().filter(|m| m.is_some()).count();
        let missed: Vec<&str> = met
            .iter()
            .filter(|(_, m)| **m == Some(false))
            .map(|(name, _)| name.as_str())
            .collect();
        out.push(format!(
            "{}: meets {} of {judged} standards judged{}",
            letter(i),
            judged - missed.len(),
            if missed.is_empty() {
                String::new()
            } else {
                format!(" (misses {})", missed.join(", "))
            }
        ));
    }
    out
}

/// Per scenario after the baseline with a cost difference: what it costs or saves, and what it gains or
/// loses. A significant loss is named as plainly as a gain: "service level fell significantly: -3.2 points
/// [-4.1, -2.3]" (percentage points, the paired 95% interval).
pub fn value_lines(c: &Comparison) -> Vec<String> {
    let mut out = Vec::new();
    for (j, v) in c.value_for_money.iter().enumerate() {
        let Some(cost) = v.cost_difference.filter(|&x| x != 0.0) else {
            continue;
        };
        let sl = change(
            c,
            j,
            KpiId::standard("time"),
            "service level",
            100.0,
            " points",
        );
        let lift = change(
            c,
            j,
            KpiId::experience(Measure::Field("level_4_or_above")),
            "share at level 4+",
            100.0,
            " points",
        );
        // "cost (EUR) +100.0" with a currency, "cost +100.0" without.
        let money = super::cost_label(c.currency.as_deref());
        let currency = c
            .currency
            .as_ref()
            .map_or(String::new(), |cur| format!(" {cur}"));
        if cost < 0.0 {
            out.push(format!(
                "{} vs A: saves {}{currency}; {sl}; {lift}",
                letter(j + 1),
                number(Some(-cost))
            ));
            continue;
        }
        // A price per unit only for a real gain; otherwise the change itself, loss or noise, is the news.
        let per = |x: Option<f64>, what: &str, otherwise: String| match x {
            Some(x) => format!("{} per {what}", number(Some(x))),
            None => otherwise,
        };
        out.push(format!(
            "{} vs A: {money} {}, {}, {}",
            letter(j + 1),
            signed(cost),
            per(v.cost_per_service_level_point, "service-level point", sl),
            per(v.cost_per_case_lifted, "case lifted to level 4+", lift)
        ));
    }
    out
}

/// How a KPI of scenario `j + 1` differs from the baseline's, in words: rose or fell significantly (the
/// paired interval excludes zero), or no significant change; with the difference and its interval, scaled.
fn change(c: &Comparison, j: usize, kpi: KpiId, what: &str, scale: f64, unit: &str) -> String {
    let Some(d) = c.row(&kpi).map(|r| &r.differences[j]) else {
        return format!("{what}: not compared");
    };
    let Some(m) = d.mean else {
        return format!("{what}: not compared");
    };
    let range = d.ci95.map_or(String::new(), |h| {
        format!(
            " [{}, {}]",
            signed1((m - h) * scale),
            signed1((m + h) * scale)
        )
    });
    let verdict = match (d.significant, m > 0.0) {
        (true, true) => "rose significantly",
        (true, false) => "fell significantly",
        (false, _) => "no significant change",
    };
    format!("{what} {verdict}: {}{unit}{range}", signed1(m * scale))
}

/// A signed number with one decimal: +1.0, -3.2.
fn signed1(x: f64) -> String {
    // Rounded first, so that a tiny negative prints as "+0.0", not "-0.0".
    let x = (x * 10.0).round() / 10.0;
    if x >= 0.0 {
        format!("+{:.1}", x.abs())
    } else {
        format!("{x:.1}")
    }
}

/// Scenario letters: A (the baseline), B, ...
pub fn letter(i: usize) -> String {
    if i < 26 {
        char::from(b'A' + i as u8).to_string()
    } else {
        format!("S{}", i + 1)
    }
}

/// comparison.csv: one row per KPI and scenario; the baseline's rows have no difference.
pub fn comparison_sheet(c: &Comparison) -> Sheet {
    let header = [
        "kpi",
        "scenario",
        "mean",
        "difference",
        "ci95",
        "ci95_unpaired",
        "significant",
        "pairs",
    ];
    let mut sheet = Sheet::new("Comparison", header.map(String::from).to_vec());
    for row in &c.kpis {
        let unit = row.kpi.unit();
        for (i, v) in row.values.iter().enumerate() {
            let mut cells = vec![
                Cell::Text(row.kpi.path()),
                Cell::Text(c.scenarios[i].clone()),
                Cell::number(v.mean, unit),
            ];
            match i.checked_sub(1).map(|j| &row.differences[j]) {
                None => cells.extend(std::iter::repeat_n(Cell::Blank, 5)),
                Some(d) => cells.extend([
                    Cell::number(d.mean, unit),
                    Cell::number(d.ci95, unit),
                    Cell::number(d.ci95_unpaired, unit),
                    Cell::Bool(d.significant),
                    Cell::Number(d.pairs as f64, Unit::Plain),
                ]),
            }
            sheet.rows.push(cells);
        }
    }
    sheet
}

pub fn comparison_csv(c: &Comparison) -> String {
    comparison_sheet(c).to_csv()
}

/// The comparison's workbook (comparison.xlsx): the comparison and, when there is one, the timeline.
pub fn comparison_workbook(c: &Comparison, t: Option<&Timeline>) -> Result<Vec<u8>, WorkbookError> {
    let mut sheets = vec![comparison_sheet(c)];
    sheets.extend(t.map(timeline_sheet));
    super::sheet::workbook(&sheets)
}

pub fn comparison_json(c: &Comparison) -> String {
    let mut s = serde_json::to_string_pretty(c).expect("a comparison serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_interval_follows_the_differences() {
        // b = a + 1 + small noise: the paired interval sees only the noise, the unpaired one all of a's spread.
        let a: Vec<Option<f64>> = (0..10).map(|i| Some(i as f64 * 10.0)).collect();
        let b: Vec<Option<f64>> = (0..10)
            .map(|i| Some(i as f64 * 10.0 + 1.0 + if i % 2 == 0 { 0.1 } else { -0.1 }))
            .collect();
        let d = difference(&a, &b);
        assert!((d.mean.unwrap() - 1.0).abs() < 1e-12);
        // s_d = 0.1·√(10/9); half = t_{.975,9} · s_d / √10.
        let expect = t_quantile_975(9) * 0.1 * (10.0f64 / 9.0).sqrt() / 10f64.sqrt();
        assert!((d.ci95.unwrap() - expect).abs() < 1e-12);
        assert!(d.significant);
        assert!(d.ci95_unpaired.unwrap() > 20.0 * d.ci95.unwrap());
        // Undefined values drop the pair.
        let mut b2 = b.clone();
        b2[3] = None;
        assert_eq!(difference(&a, &b2).pairs, 9);
    }

    #[test]
    fn a_scenarios_own_interval_is_students() {
        // 0, 10, ..., 90 and one undefined: mean 45, s² = 10² · 11·10/12 (variance of 0..9 times 100).
        let mut xs: Vec<Option<f64>> = (0..10).map(|i| Some(i as f64 * 10.0)).collect();
        xs.push(None);
        let v = value(&xs);
        assert_eq!(v.mean, Some(45.0));
        let s = (100.0f64 * 110.0 / 12.0).sqrt();
        let expect = t_quantile_975(9) * s / 10f64.sqrt();
        assert!((v.ci95.unwrap() - expect).abs() < 1e-12);
        assert_eq!(value(&[Some(1.0)]).ci95, None);
    }

    #[test]
    fn a_significant_loss_is_named_as_plainly_as_a_gain() {
        // Ten paired replications: B costs 100 more; its service level is 3.2 points lower (±0.1 noise),
        // C's 3.2 points higher, D's the same give or take noise.
        let samples = |sl: &dyn Fn(usize) -> f64, cost: f64, name: &str| KpiSamples {
            scenario: name.into(),
            values: [
                (
                    KpiId::standard("time"),
                    (0..10).map(|i| Some(sl(i))).collect(),
                ),
                (KpiId::cost("total"), vec![Some(cost); 10]),
            ]
            .into_iter()
            .collect(),
            timeline: IndexMap::new(),
            standards_met: IndexMap::new(),
            targets: Default::default(),
            currency: None,
            calendar: Default::default(),
        };
        let base = |i: usize| 0.8 + 0.01 * (i % 3) as f64;
        let noise = |i: usize| if i % 2 == 0 { 0.001 } else { -0.001 };
        let c = Comparison::new(
            &[
                samples(&base, 1000.0, "a"),
                samples(&|i| base(i) - 0.032 + noise(i), 1100.0, "b"),
                samples(&|i| base(i) + 0.032 + noise(i), 1100.0, "c"),
                samples(&|i| base(i) + 10.0 * noise(i), 1100.0, "d"),
            ],
            1,
            10,
        );
        let lines = value_lines(&c);
        assert!(
            lines[0].starts_with(
                "B vs A: cost +100.0, service level fell significantly: -3.2 points [-3.3, -3.1]"
            ),
            "{lines:?}"
        );
        assert!(!lines[0].contains("gain"), "{lines:?}");
        assert!(lines[1].contains("per service-level point"), "{lines:?}");
        assert!(
            lines[2].contains("service level no significant change: +0.0 points [-0.8, +0.8]"),
            "{lines:?}"
        );
        // With a currency the cost is labelled with it, in the lines and the table's money rows.
        let mut priced = c.clone();
        priced.currency = Some("EUR".into());
        let lines = value_lines(&priced);
        assert!(
            lines[0].starts_with("B vs A: cost (EUR) +100.0, "),
            "{lines:?}"
        );
        let shown = render(&priced);
        assert!(shown.contains("cost.total (EUR)"), "{shown}");
    }

    #[test]
    fn the_timeline_has_every_scenarios_kpis_and_csv_quotes_names() {
        let sample = |keys: &[&str]| KpiSamples {
            scenario: "s, one".into(),
            values: IndexMap::new(),
            standards_met: IndexMap::new(),
            targets: IndexMap::new(),
            currency: None,
            calendar: Default::default(),
            timeline: keys
                .iter()
                .map(|k| {
                    (
                        KpiId::channel(k, "offered"),
                        vec![vec![Some(1.0), Some(2.0)]; 3],
                    )
                })
                .collect(),
        };
        // The baseline lacks a channel the other has: its series is still there, with no baseline value.
        let t = Timeline::new(&[sample(&["a"]), sample(&["a", "b, x"])], Period::Day);
        assert_eq!(t.periods, 3);
        let b = t
            .series(&KpiId::channel("b, x", "offered"))
            .expect("union of keys");
        assert_eq!(b.values[0], vec![None; 3]);
        assert_eq!(b.values[1], vec![Some(1.5); 3]);
        assert_eq!(b.differences[0][0].pairs, 0);
        // Names with commas are quoted: every line has the header's 7 fields.
        let csv = timeline_csv(&t);
        assert!(
            csv.contains("\"channels.b, x.offered\",1,\"s, one\""),
            "{csv}"
        );
    }
}
