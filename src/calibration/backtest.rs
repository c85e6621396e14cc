//! Backtest (issue 12, contract E): every day of an observed history simulated with the scenario and that
//! day's observed arrivals and staffing, beside exact Erlang A on the same inputs, and scored against what
//! happened (docs/backtest.md).
//!
//! A day's model is the scenario, edited without TOML ([`day_scenario`]): a horizon of one day from
//! midnight of the history's date (so weekday and hour-of-day keys apply), no warm-up, Poisson arrivals at
//! the day's offered / interval length in each interval (none where the history has no row), and the day's
//! `agents` per interval. One run per day, so queues carry over between intervals. Each day draws from its
//! own streams, seeded from (scenario seed, date): a day's predictions do not depend on the other days of
//! the history. Days × replications run in parallel on the [`Runner`]'s pool.

use super::history::{History, HistoryRow};
use crate::experiment::Runner;
use crate::model::{Compiled, simulate_compiled};
use crate::scenario::{
    Channel, ChannelKind, ContactClass, MeanProfile, Scenario, Staffing, StaffingError,
};
use crate::staffing::erlang::{QueueModel, sl_key};
use crate::stats::{Estimate, IntervalTally, ReplicationTally};
use crate::time::date::{civil_from_days, format_clock, format_date, weekday_of};
use crate::time::profile::PerInterval;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Replications per day unless `--replications` says otherwise.
pub const DEFAULT_REPLICATIONS: u32 = 20;

/// Intervals with fewer offered contacts than this are left out of the interval-level scores (their
/// observed shares are too noisy to say anything about a model: 1 abandoned of 3 is 33%).
pub const MIN_OFFERED: f64 = 10.0;

/// The KPIs predicted and scored, in the order of the outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kpi {
    AbandonRate,
    AsaS,
    ProbWait,
    ServiceLevel,
}

impl Kpi {
    pub const ALL: [Kpi; 4] = [
        Kpi::AbandonRate,
        Kpi::AsaS,
        Kpi::ProbWait,
        Kpi::ServiceLevel,
    ];

    /// The column name (as the history and supportsim's outputs name the KPI).
    pub fn name(self) -> &'static str {
        match self {
            Kpi::AbandonRate => "abandon_rate",
            Kpi::AsaS => "asa_s",
            Kpi::ProbWait => "prob_wait",
            Kpi::ServiceLevel => "service_level",
        }
    }

    /// A share in [0, 1] (else seconds).
    pub fn is_share(self) -> bool {
        self != Kpi::AsaS
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Who predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// The simulation of the scenario.
    Supportsim,
    /// Exact Erlang A with the scenario's overall mean handle time and mean patience.
    ErlangA,
    /// Exact Erlang A with the means of the interval's hour of day.
    ErlangAHourly,
}

impl Model {
    pub const ALL: [Model; 3] = [Model::Supportsim, Model::ErlangA, Model::ErlangAHourly];

    /// Prefix of its columns in the outputs.
    pub fn name(self) -> &'static str {
        match self {
            Model::Supportsim => "supportsim",
            Model::ErlangA => "erlang_a",
            Model::ErlangAHourly => "erlang_a_hourly",
        }
    }

    /// How tables and charts name it.
    pub fn label(self) -> &'static str {
        match self {
            Model::Supportsim => "supportsim",
            Model::ErlangA => "Erlang A (one mean)",
            Model::ErlangAHourly => "Erlang A (hour-of-day means)",
        }
    }
}

/// One interval of the history with its predictions.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// Days since 1970-01-01.
    pub date: i64,
    /// Seconds after midnight.
    pub start_s: f64,
    /// Offered contacts and agents as the history gives them (0 and the carried agents where missing).
    pub offered: f64,
    pub agents: f64,
    /// Observed answered contacts, where given (the weight of ASA in cell averages).
    pub answered: Option<f64>,
    /// The interval is missing from the history inside its day: simulated with no arrivals and the agents
    /// of the interval before it.
    pub missing: bool,
    /// supportsim: mean over replications and the 95% half-width, per KPI in [`Kpi::ALL`] order.
    pub simulated: [Estimate; 4],
    pub observed: [Option<f64>; 4],
    pub erlang_a: [Option<f64>; 4],
    pub erlang_a_hourly: [Option<f64>; 4],
}

impl Prediction {
    pub fn predicted(&self, model: Model, kpi: Kpi) -> Option<f64> {
        let k = kpi.index();
        match model {
            Model::Supportsim => self.simulated[k].mean,
            Model::ErlangA => self.erlang_a[k],
            Model::ErlangAHourly => self.erlang_a_hourly[k],
        }
    }

    pub fn observed(&self, kpi: Kpi) -> Option<f64> {
        self.observed[kpi.index()]
    }

    /// `YYYY-MM`.
    pub fn month(&self) -> String {
        let (y, m, _) = civil_from_days(self.date);
        format!("{y:04}-{m:02}")
    }

    /// Clock hour of the interval's start, 0..23.
    pub fn hour(&self) -> usize {
        ((self.start_s / 3600.0).floor() as usize).min(23)
    }

    /// Its weight in a cell's average: offered contacts (ASA, a mean over answered contacts: the answered
    /// where the history gives them).
    fn weight(&self, kpi: Kpi) -> f64 {
        match (kpi, self.answered) {
            (Kpi::AsaS, Some(a)) => a,
            _ => self.offered,
        }
    }
}

/// What a score is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Every scored interval.
    Overall,
    /// The intervals of one month.
    Month,
    /// The intervals starting in one clock hour.
    Hour,
    /// Month × hour-of-day cells, each cell's intervals averaged before comparing.
    MonthHour,
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::Overall => "overall",
            Scope::Month => "month",
            Scope::Hour => "hour",
            Scope::MonthHour => "month_hour",
        }
    }
}

/// Mean absolute error and bias (mean of predicted − observed) of one model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub mae: f64,
    pub bias: f64,
}

/// The scores of the three models on one KPI over one scope's group, on the same `n` intervals or cells.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    pub scope: Scope,
    /// `all`, a month `2026-05` or an hour `08`.
    pub group: String,
    pub kpi: Kpi,
    pub n: usize,
    /// In [`Model::ALL`] order; `None` when `n` is 0.
    pub scores: [Option<Score>; 3],
}

/// A backtest's results.
#[derive(Debug, Clone)]
pub struct Backtest {
    pub scenario: String,
    pub channel: String,
    /// The service-level threshold (the channel's target), seconds.
    pub target_s: f64,
    pub interval_s: f64,
    pub replications: u32,
    pub seed: u64,
    pub days: usize,
    /// The formula of the exact columns: "Erlang A", or "Erlang C" for a scenario without patience.
    pub formula: &'static str,
    /// Mean handle time and patience of the "one mean" variant (s).
    pub mean_handle_s: f64,
    pub mean_patience_s: Option<f64>,
    /// Whether the scenario gives hour-of-day means (else the hourly variant equals the one-mean one).
    pub hourly_means: bool,
    pub min_offered: f64,
    pub predictions: Vec<Prediction>,
    pub scorecard: Vec<ScoreRow>,
    pub warnings: Vec<String>,
}

/// Why a backtest cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BacktestError {
    #[error(
        "the scenario has several assisted channels ({names}): the history describes one; pick it with --channel NAME"
    )]
    SeveralChannels { names: String },
    #[error("the scenario has no assisted channel (voice, chat or deferred) to backtest")]
    NoChannel,
    #[error("--channel {name:?}: the scenario has no such assisted channel (it has {names})")]
    UnknownChannel { name: String, names: String },
    #[error(
        "channel {channel:?} is served by {groups}: the history's agents belong to one group; give the channel a single agent group"
    )]
    Groups { channel: String, groups: String },
    #[error(
        "the scenario's interval of {interval_s} s does not divide a day: the history's clock times need one that does (15m, 30m, 1h)"
    )]
    Interval { interval_s: f64 },
    #[error(
        "the scenario's horizon starts at {clock}: a backtest simulates whole days from midnight; give start a date alone (start = \"2026-03-02\")"
    )]
    ClockStart { clock: String },
    #[error("--replications 0: give at least 1")]
    NoReplications,
    #[error("{date}: {source}")]
    Staffing {
        date: String,
        #[source]
        source: StaffingError,
    },
}

/// The assisted channel the history is for: `name`, or the scenario's only one.
fn pick_channel(s: &Scenario, name: Option<&str>) -> Result<usize, BacktestError> {
    let assisted: Vec<usize> = (0..s.channels.len())
        .filter(|&i| s.channels[i].kind != ChannelKind::SelfService)
        .collect();
    let names = || {
        assisted
            .iter()
            .map(|&i| s.channels[i].name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match name {
        Some(n) => assisted
            .iter()
            .copied()
            .find(|&i| s.channels[i].name == n)
            .ok_or_else(|| BacktestError::UnknownChannel {
                name: n.to_string(),
                names: names(),
            }),
        None => match assisted[..] {
            [] => Err(BacktestError::NoChannel),
            [i] => Ok(i),
            _ => Err(BacktestError::SeveralChannels { names: names() }),
        },
    }
}

/// The one group with a skill on channel `ci`.
fn serving_group(s: &Scenario, ci: usize) -> Result<usize, BacktestError> {
    let groups: Vec<usize> = (0..s.groups.len())
        .filter(|&g| s.groups[g].skills.iter().any(|k| k.channel == ci))
        .collect();
    match groups[..] {
        [g] => Ok(g),
        _ => Err(BacktestError::Groups {
            channel: s.channels[ci].name.clone(),
            groups: if groups.is_empty() {
                "no agent group".into()
            } else {
                format!(
                    "{} groups ({})",
                    groups.len(),
                    groups
                        .iter()
                        .map(|&g| s.groups[g].name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
        }),
    }
}

/// The seed of a day's streams: keyed by the scenario's seed and the date alone.
pub fn day_seed(seed: u64, date: i64) -> u64 {
    crate::seed::mix(seed ^ crate::seed::mix((date as u64) ^ 0x6261_636b_7465_7374))
}

/// A day's inputs per interval of the day: arrivals (contacts per hour), agents, and which intervals the
/// history misses inside the day.
#[derive(Debug, Clone, PartialEq)]
pub struct DayInputs {
    pub per_hour: Vec<f64>,
    pub agents: Vec<f64>,
    pub missing: Vec<bool>,
    /// Interval indices of the day's first and last rows.
    pub first: usize,
    pub last: usize,
}

/// The day's inputs from its rows (sorted, on the grid). Intervals between the first and the last row that
/// have no row get no arrivals and the agents of the interval before. Before the first and after the last
/// row there are no arrivals and the last row's agents, so that contacts of the last interval are served
/// as that staffing would serve them. The day's model runs two days (see [`day_scenario`]): the second,
/// without arrivals and at the last row's agents, serves whoever still waits at midnight.
pub fn day_inputs(rows: &[HistoryRow], interval_s: f64) -> DayInputs {
    let n = (86_400.0 / interval_s).round() as usize;
    let index = |r: &HistoryRow| ((r.start_s / interval_s).round() as usize).min(n - 1);
    let first = index(&rows[0]);
    let last = index(&rows[rows.len() - 1]);
    let last_agents = rows[rows.len() - 1].agents;
    let mut per_hour = vec![0.0; n];
    let mut agents = vec![last_agents; n];
    let mut missing = vec![false; n];
    let mut given = vec![false; n];
    for r in rows {
        let i = index(r);
        per_hour[i] = r.offered / interval_s * 3600.0;
        agents[i] = r.agents;
        given[i] = true;
    }
    for i in first..=last {
        if !given[i] {
            missing[i] = true;
            agents[i] = agents[i - 1];
        }
    }
    DayInputs {
        per_hour,
        agents,
        missing,
        first,
        last,
    }
}

/// A per-interval value of the scenario's cycle read from the interval of date `offset` intervals after
/// the scenario's interval 0 (a weekly array on a Tuesday starts at its Tuesday), one day long.
fn rotated<T: Copy>(p: &PerInterval<T>, offset: i64, n: usize) -> PerInterval<T> {
    if p.is_constant() {
        return p.clone();
    }
    PerInterval::new((0..n as i64).map(|i| p.at(offset + i)).collect())
        .expect("a day has intervals")
}

/// The scenario of one day of the history (see the module notes). Besides arrivals and staffing:
/// - the channel is open all day (the history says when contacts came) and has no forecast error;
/// - repeat contacts, retries and the complaints they cause are switched off: the history's offered already
///   counts every contact, first or repeat;
/// - other channels get no arrivals, other groups no agents, the serving group no day absence (the history's
///   agents are those on duty; its shrinkage still applies), no training sessions;
/// - the day is a holiday when the scenario (with a start date) lists that date;
/// - other per-interval values of the scenario (opening hours of other channels) are read at the date's
///   place in the scenario's cycle (a weekly array from its weekday).
///
/// Staffing is set by [`set_agents`] on the model's [`Staffing`].
pub fn day_scenario(
    base: &Scenario,
    ci: usize,
    gi: usize,
    date: i64,
    inputs: &DayInputs,
    replications: u32,
) -> Scenario {
    let n = inputs.per_hour.len();
    let mut s = base.clone();
    let weekday = weekday_of(date);
    let offset = i64::from((weekday + 7 - base.calendar.start_weekday) % 7) * n as i64;
    // Two days: the history's day, then one without arrivals at the last row's agents, so that callers
    // still waiting at midnight are served by the evening's staffing (after the horizon the per-interval
    // values would repeat from the morning's).
    s.horizon_s = 2.0 * 86_400.0;
    s.warmup_s = 0.0;
    s.replications = replications;
    s.seed = day_seed(base.seed, date);
    let holiday = base
        .calendar
        .start_date
        .is_some_and(|d0| base.calendar.holidays.iter().any(|&h| d0 + h == date));
    s.calendar = crate::scenario::Calendar {
        start_weekday: weekday,
        start_date: Some(date),
        start_clock_s: 0.0,
        holidays: if holiday { vec![0] } else { Vec::new() },
    };
    s.complaints = None;
    s.training.clear();
    for (k, c) in s.channels.iter_mut().enumerate() {
        c.open = rotated(&c.open, offset, 2 * n);
        if k != ci {
            c.arrivals_per_hour = PerInterval::constant(0.0);
            continue;
        }
        let mut per_hour = inputs.per_hour.clone();
        per_hour.resize(2 * n, 0.0);
        c.arrivals_per_hour = PerInterval::new(per_hour).expect("a day has intervals");
        c.open = PerInterval::constant(true);
        c.forecast_cv = 0.0;
        c.resolution = None;
        c.repeat = None;
        c.retry = None;
    }
    for (g, group) in s.groups.iter_mut().enumerate() {
        group.size = PerInterval::constant(0);
        group.shifts.clear();
        group.joins_day = 0;
        if g == gi {
            group.absence = 0.0;
        }
    }
    s
}

/// The day's agents followed by a day at its last interval's agents (the second day of the day's model).
fn two_days(agents: &[f64]) -> Vec<f64> {
    let last = agents.last().copied().unwrap_or(0.0);
    let mut out = agents.to_vec();
    out.resize(2 * agents.len(), last);
    out
}

/// Sets the group's agents per interval of the day on `staffing`: fractional agents as the scenario's
/// fractional `size` places them (n + f: n agents all interval and one more for its first f).
pub fn set_agents(
    staffing: &mut Staffing,
    group: usize,
    agents: &[f64],
) -> Result<(), StaffingError> {
    staffing.set_fractional_sizes(group, agents.to_vec())
}

/// A class's mean handle time and patience at clock second `clock_s` of the day (its own distributions
/// where it has them, else the channel's), with hour-of-day means when `hourly`.
fn class_means(c: &Channel, k: &ContactClass, clock_s: Option<f64>) -> (f64, Option<f64>) {
    let at = |d: &crate::dist::Dist, m: Option<&MeanProfile>| match (m, clock_s) {
        (Some(p @ MeanProfile::ByHour(_)), Some(t)) => p.at(t, 3600.0),
        _ => d.mean(),
    };
    let handle = match &k.handle_time {
        Some(d) => at(d, k.handle_time_means.as_ref()),
        None => at(&c.handle_time, c.handle_time_means.as_ref()),
    };
    let patience = match (&k.patience, &c.patience) {
        (Some(d), _) => Some(at(d, k.patience_means.as_ref())),
        (None, Some(d)) => Some(at(d, c.patience_means.as_ref())),
        (None, None) => None,
    };
    (handle, patience)
}

/// The channel's mean handle time and patience over its classes, weighted by their shares: the inputs of
/// the one-mean Erlang A (`clock_s` None) or of the hour-of-day one at that time of day.
fn channel_means(c: &Channel, clock_s: Option<f64>) -> (f64, Option<f64>) {
    let mut handle = 0.0;
    let mut patience = Some(0.0);
    for k in &c.classes {
        let (h, p) = class_means(c, k, clock_s);
        handle += k.share * h;
        patience = patience.zip(p).map(|(a, p)| a + k.share * p);
    }
    (handle, patience)
}

/// The channel's mean handle time and patience by clock hour (0..23), from the `mean_by_hour` profiles of
/// the channel and its classes (weighted by the class shares); `None` when it has none (a
/// `mean_by_interval` profile is not read: the hourly Erlang A then equals the one-mean one).
fn hourly_means(c: &Channel) -> Option<([f64; 24], [Option<f64>; 24])> {
    let by_hour = |m: &Option<MeanProfile>| matches!(m, Some(MeanProfile::ByHour(_)));
    let any = by_hour(&c.handle_time_means)
        || by_hour(&c.patience_means)
        || c.classes
            .iter()
            .any(|k| by_hour(&k.handle_time_means) || by_hour(&k.patience_means));
    if !any {
        return None;
    }
    let mut handle = [0.0; 24];
    let mut patience = [None; 24];
    for h in 0..24 {
        let (hm, pm) = channel_means(c, Some(h as f64 * 3600.0 + 1800.0));
        handle[h] = hm;
        patience[h] = pm;
    }
    Some((handle, patience))
}

/// The KPIs of exact Erlang A (Erlang C without patience) for one interval: `offered` contacts over
/// `interval_s`, `agents` agents (fractional: linear interpolation between the floor and the ceiling, the
/// KPIs of n and n + 1 agents weighted by 1 − f and f), mean handle time and patience, service level within
/// `within_s`. `None` where the KPI is undefined (no arrivals; an unstable Erlang C; no agents and no
/// patience; ASA with nobody answered).
pub fn erlang_kpis(
    offered: f64,
    interval_s: f64,
    agents: f64,
    handle_s: f64,
    patience_s: Option<f64>,
    within_s: f64,
) -> [Option<f64>; 4] {
    if offered <= 0.0 || handle_s.is_nan() || handle_s <= 0.0 {
        return [None; 4];
    }
    let per_hour = offered / interval_s * 3600.0;
    let model = match QueueModel::new(
        if patience_s.is_some() { 'a' } else { 'c' },
        per_hour,
        handle_s,
        patience_s,
    ) {
        Ok(m) => m,
        Err(_) => return [None; 4],
    };
    let at = |n: u32| -> [Option<f64>; 4] {
        if n == 0 {
            // Nobody to answer: everyone waits, and (with patience) everyone abandons.
            return match patience_s {
                Some(_) => [Some(1.0), None, Some(1.0), Some(0.0)],
                None => [None; 4],
            };
        }
        match model.metrics(n, &[within_s]) {
            Ok(m) => [
                m.get("p_abandon").copied(),
                m.get("asa")
                    .copied()
                    .filter(|_| m.get("p_served").is_none_or(|&p| p > 0.0)),
                m.get("p_wait_gt_0").copied(),
                m.get(&sl_key("sl", within_s)).copied(),
            ],
            Err(_) => [None; 4],
        }
    };
    let agents = agents.max(0.0);
    let lo = agents.floor();
    let f = agents - lo;
    let lo_kpis = at(lo as u32);
    if f < 1e-9 {
        return lo_kpis;
    }
    let hi_kpis = at(lo as u32 + 1);
    let mut out = [None; 4];
    for k in 0..4 {
        out[k] = match (lo_kpis[k], hi_kpis[k]) {
            (Some(a), Some(b)) => Some((1.0 - f) * a + f * b),
            // ASA with no agent at the floor: the answered contacts are the extra agent's.
            (None, Some(b)) if k == Kpi::AsaS.index() && lo == 0.0 => Some(b),
            _ => None,
        };
    }
    out
}

/// supportsim's KPIs of one interval over the replications: each replication's value, then the mean and the
/// Student-t 95% half-width over replications (the symmetric interval).
fn simulated_kpis(reps: &[ReplicationTally], ci: usize, i: usize) -> [Estimate; 4] {
    let ratio = |f: fn(&IntervalTally) -> (f64, f64)| {
        let e = Estimate::from_values(reps.iter().map(|r| {
            let (num, den) = f(&r.channels[ci].intervals[i]);
            (den > 0.0).then(|| num / den)
        }));
        Estimate::symmetric(e.mean, e.ci95)
    };
    [
        ratio(|t| (t.abandoned as f64, t.offered as f64)),
        ratio(|t| (t.wait_answered_s, t.answered as f64)),
        ratio(|t| (t.waited as f64, t.offered as f64)),
        ratio(|t| (t.answered_within as f64, t.offered as f64)),
    ]
}

/// Options of a backtest.
#[derive(Debug, Clone)]
pub struct Options {
    pub replications: u32,
    /// The assisted channel the history is for (needed when the scenario has several).
    pub channel: Option<String>,
    /// The file's name, for warnings.
    pub origin: String,
}

/// Runs the backtest of `scenario` on `history` (its starts on the scenario's interval grid: read it with
/// the scenario's interval). `progress` is called once per simulated day and replication.
pub fn run(
    scenario: &Scenario,
    history: &History,
    options: &Options,
    runner: &Runner,
    progress: &(dyn Fn() + Sync),
) -> Result<Backtest, BacktestError> {
    if options.replications == 0 {
        return Err(BacktestError::NoReplications);
    }
    let interval_s = scenario.interval_s;
    let per_day = 86_400.0 / interval_s;
    if (per_day - per_day.round()).abs() > 1e-9 || per_day < 1.0 {
        return Err(BacktestError::Interval { interval_s });
    }
    if scenario.calendar.start_clock_s > 0.0 {
        return Err(BacktestError::ClockStart {
            clock: crate::time::date::format_clock(scenario.calendar.start_clock_s),
        });
    }
    let ci = pick_channel(scenario, options.channel.as_deref())?;
    let gi = serving_group(scenario, ci)?;
    let channel = &scenario.channels[ci];
    let within_s = channel.target.within_s;
    let (mean_handle_s, mean_patience_s) = channel_means(channel, None);
    let hourly = hourly_means(channel);
    let days = history.days();
    let reps = options.replications;

    let results: Vec<Result<Vec<Prediction>, BacktestError>> = runner.install(|| {
        days.par_iter()
            .map(|&(date, rows)| {
                let inputs = day_inputs(rows, interval_s);
                let day = day_scenario(scenario, ci, gi, date, &inputs, reps);
                let model = Compiled::new(&day);
                let mut staffing = model.staffing().clone();
                set_agents(&mut staffing, gi, &two_days(&inputs.agents)).map_err(|source| {
                    BacktestError::Staffing {
                        date: format_date(date),
                        source,
                    }
                })?;
                let tallies: Vec<ReplicationTally> = (0..u64::from(reps))
                    .into_par_iter()
                    .map(|r| {
                        let t = simulate_compiled(&model, &staffing, day.seed, r);
                        progress();
                        t
                    })
                    .collect();
                let mut by_index: BTreeMap<usize, &HistoryRow> = BTreeMap::new();
                for r in rows {
                    by_index.insert((r.start_s / interval_s).round() as usize, r);
                }
                Ok((inputs.first..=inputs.last)
                    .map(|i| {
                        let row = by_index.get(&i);
                        let start_s = i as f64 * interval_s;
                        let offered = row.map_or(0.0, |r| r.offered);
                        let agents = inputs.agents[i];
                        let hour = ((start_s / 3600.0) as usize).min(23);
                        let (handle_h, patience_h) = match &hourly {
                            Some((h, p)) => (h[hour], p[hour]),
                            None => (mean_handle_s, mean_patience_s),
                        };
                        Prediction {
                            date,
                            start_s,
                            offered,
                            agents,
                            answered: row.and_then(|r| r.answered),
                            missing: inputs.missing[i],
                            simulated: simulated_kpis(&tallies, ci, i),
                            observed: row.map_or([None; 4], |r| {
                                [r.abandon_rate(), r.asa_s, r.prob_wait, r.service_level]
                            }),
                            erlang_a: erlang_kpis(
                                offered,
                                interval_s,
                                agents,
                                mean_handle_s,
                                mean_patience_s,
                                within_s,
                            ),
                            erlang_a_hourly: erlang_kpis(
                                offered, interval_s, agents, handle_h, patience_h, within_s,
                            ),
                        }
                    })
                    .collect())
            })
            .collect()
    });
    let mut predictions = Vec::new();
    for r in results {
        predictions.extend(r?);
    }
    let warnings = warnings(&options.origin, &predictions);
    let scorecard = scorecard(&predictions, MIN_OFFERED);
    Ok(Backtest {
        scenario: scenario.name.clone(),
        channel: channel.name.clone(),
        target_s: within_s,
        interval_s,
        replications: reps,
        seed: scenario.seed,
        days: days.len(),
        formula: if mean_patience_s.is_some() {
            "Erlang A"
        } else {
            "Erlang C"
        },
        mean_handle_s,
        mean_patience_s,
        hourly_means: hourly.is_some(),
        min_offered: MIN_OFFERED,
        predictions,
        scorecard,
        warnings,
    })
}

/// Warnings about the history: intervals missing inside a day, fractional agents rounded by the
/// simulation, contacts offered to nobody.
fn warnings(origin: &str, predictions: &[Prediction]) -> Vec<String> {
    let mut out = Vec::new();
    let missing: Vec<&Prediction> = predictions.iter().filter(|p| p.missing).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing
            .iter()
            .take(3)
            .map(|p| format!("{} {}", format_date(p.date), format_clock(p.start_s)))
            .collect();
        let more = missing.len().saturating_sub(3);
        out.push(format!(
            "{origin}: {} interval{} missing inside {} day{} ({}{}): simulated with no arrivals and the agents of the interval before; flagged `missing` in predictions.csv and not scored",
            missing.len(),
            if missing.len() == 1 { " is" } else { "s are" },
            {
                let mut d: Vec<i64> = missing.iter().map(|p| p.date).collect();
                d.dedup();
                d.len()
            },
            {
                let mut d: Vec<i64> = missing.iter().map(|p| p.date).collect();
                d.dedup();
                if d.len() == 1 { "" } else { "s" }
            },
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    let unstaffed = predictions
        .iter()
        .filter(|p| p.offered > 0.0 && p.agents < 0.5)
        .count();
    if unstaffed > 0 {
        out.push(format!(
            "{origin}: {unstaffed} interval{} contacts offered and no agent on duty",
            if unstaffed == 1 { " has" } else { "s have" }
        ));
    }
    out
}

/// Errors of the three models over a set of (prediction, weight) points: the points where the observation
/// and all three predictions exist, so the models are compared on the same points.
fn score_points(points: &[(f64, [f64; 3])]) -> (usize, [Option<Score>; 3]) {
    let n = points.len();
    let mut scores = [None; 3];
    if n == 0 {
        return (0, scores);
    }
    for (m, s) in scores.iter_mut().enumerate() {
        let (mut abs, mut sum) = (0.0, 0.0);
        for (obs, pred) in points {
            let e = pred[m] - obs;
            abs += e.abs();
            sum += e;
        }
        *s = Some(Score {
            mae: abs / n as f64,
            bias: sum / n as f64,
        });
    }
    (n, scores)
}

/// The observation and the three predictions of an interval for `kpi`, when all exist and the interval is
/// not missing.
fn point(p: &Prediction, kpi: Kpi) -> Option<(f64, [f64; 3])> {
    if p.missing {
        return None;
    }
    let obs = p.observed(kpi)?;
    let pred = [
        p.predicted(Model::Supportsim, kpi)?,
        p.predicted(Model::ErlangA, kpi)?,
        p.predicted(Model::ErlangAHourly, kpi)?,
    ];
    Some((obs, pred))
}

/// A month × hour-of-day cell being summed: offered, the weights, and the weighted sums of the observed
/// and of each model's predicted values.
#[derive(Default)]
struct Cell {
    offered: f64,
    weight: f64,
    observed: f64,
    predicted: [f64; 3],
}

/// The scorecard: per KPI, MAE and bias of each model
/// - over intervals (overall, by month, by hour of day): each interval with at least `min_offered` offered
///   counts once;
/// - over month × hour-of-day cells: each cell's observed and predicted values are first averaged over its
///   intervals weighted by offered contacts (ASA by answered contacts where the history gives them), and
///   the cells with at least `min_offered` offered in all count once.
pub fn scorecard(predictions: &[Prediction], min_offered: f64) -> Vec<ScoreRow> {
    let mut rows = Vec::new();
    let scored: Vec<&Prediction> = predictions
        .iter()
        .filter(|p| p.offered >= min_offered)
        .collect();
    let mut group = |scope: Scope, key: &dyn Fn(&Prediction) -> String| {
        let mut groups: BTreeMap<String, ()> = BTreeMap::new();
        for p in &scored {
            groups.insert(key(p), ());
        }
        for g in groups.keys() {
            for kpi in Kpi::ALL {
                let points: Vec<(f64, [f64; 3])> = scored
                    .iter()
                    .filter(|p| &key(p) == g)
                    .filter_map(|p| point(p, kpi))
                    .collect();
                let (n, scores) = score_points(&points);
                rows.push(ScoreRow {
                    scope,
                    group: g.clone(),
                    kpi,
                    n,
                    scores,
                });
            }
        }
    };
    group(Scope::Overall, &|_| "all".to_string());
    group(Scope::Month, &|p| p.month());
    group(Scope::Hour, &|p| format!("{:02}", p.hour()));
    for kpi in Kpi::ALL {
        // The intervals scored elsewhere (at least `min_offered`): a cell averages the same intervals the
        // other scopes compare, so a night hour of one call a day does not become a cell of its own.
        let mut cells: BTreeMap<(String, usize), Cell> = BTreeMap::new();
        for p in &scored {
            let Some((obs, pred)) = point(p, kpi) else {
                continue;
            };
            let w = p.weight(kpi);
            let c = cells.entry((p.month(), p.hour())).or_default();
            c.offered += p.offered;
            c.weight += w;
            c.observed += w * obs;
            for (sum, x) in c.predicted.iter_mut().zip(pred) {
                *sum += w * x;
            }
        }
        let points: Vec<(f64, [f64; 3])> = cells
            .values()
            .filter(|c| c.offered >= min_offered && c.weight > 0.0)
            .map(|c| (c.observed / c.weight, c.predicted.map(|x| x / c.weight)))
            .collect();
        let (n, scores) = score_points(&points);
        rows.push(ScoreRow {
            scope: Scope::MonthHour,
            group: "all".into(),
            kpi,
            n,
            scores,
        });
    }
    rows
}

fn num(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| format!("{v}"))
}

/// The columns of predictions.csv, in order.
pub fn prediction_columns() -> Vec<String> {
    let mut h: Vec<String> = ["date", "start", "offered", "agents"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for k in Kpi::ALL {
        h.push(k.name().into());
        h.push(format!("{}_ci95", k.name()));
    }
    for k in Kpi::ALL {
        h.push(format!("observed_{}", k.name()));
    }
    for prefix in ["erlang_a", "erlang_a_hourly"] {
        for k in Kpi::ALL {
            h.push(format!("{prefix}_{}", k.name()));
        }
    }
    h.push("flag".into());
    h
}

/// predictions.csv: one row per interval of every day, from its first to its last row (docs/backtest.md).
pub fn predictions_csv(b: &Backtest) -> String {
    let mut out = prediction_columns().join(",");
    out.push('\n');
    for p in &b.predictions {
        let mut f = vec![
            format_date(p.date),
            format_clock(p.start_s),
            if p.missing {
                String::new()
            } else {
                format!("{}", p.offered)
            },
            format!("{}", p.agents),
        ];
        for e in &p.simulated {
            f.push(num(e.mean));
            f.push(num(e.ci95));
        }
        f.extend(p.observed.iter().map(|&v| num(v)));
        f.extend(p.erlang_a.iter().map(|&v| num(v)));
        f.extend(p.erlang_a_hourly.iter().map(|&v| num(v)));
        f.push(if p.missing { "missing" } else { "" }.into());
        out.push_str(&f.join(","));
        out.push('\n');
    }
    out
}

/// The columns of scorecard.csv, in order.
pub fn scorecard_columns() -> Vec<String> {
    let mut h: Vec<String> = ["scope", "group", "kpi", "n"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for m in Model::ALL {
        h.push(format!("{}_mae", m.name()));
        h.push(format!("{}_bias", m.name()));
    }
    h
}

/// scorecard.csv: one row per scope, group and KPI, the three models side by side.
pub fn scorecard_csv(b: &Backtest) -> String {
    let mut out = scorecard_columns().join(",");
    out.push('\n');
    for r in &b.scorecard {
        let mut f = vec![
            r.scope.name().to_string(),
            r.group.clone(),
            r.kpi.name().to_string(),
            r.n.to_string(),
        ];
        for s in &r.scores {
            f.push(num(s.map(|s| s.mae)));
            f.push(num(s.map(|s| s.bias)));
        }
        out.push_str(&f.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(start_s: f64, offered: f64, agents: f64) -> HistoryRow {
        HistoryRow {
            line: 0,
            date: 20_000,
            start_s,
            offered,
            agents,
            answered: None,
            abandoned: None,
            asa_s: None,
            prob_wait: None,
            service_level: None,
        }
    }

    #[test]
    fn a_missing_interval_has_no_arrivals_and_keeps_the_agents_before_it() {
        let rows = [row(3600.0, 10.0, 3.0), row(3.0 * 3600.0, 20.0, 5.0)];
        let d = day_inputs(&rows, 3600.0);
        assert_eq!((d.first, d.last), (1, 3));
        assert_eq!(d.per_hour[1..4], [10.0, 0.0, 20.0]);
        assert_eq!(d.agents[1..4], [3.0, 3.0, 5.0]);
        assert_eq!(d.missing[1..4], [false, true, false]);
        // Outside the day's rows: no arrivals, the last row's agents.
        assert_eq!((d.per_hour[0], d.agents[0], d.agents[23]), (0.0, 5.0, 5.0));
        assert!(!d.missing[0] && !d.missing[4]);
    }

    #[test]
    fn fractional_agents_interpolate_erlang_a_between_floor_and_ceiling() {
        let at = |n: f64| erlang_kpis(100.0, 3600.0, n, 180.0, Some(120.0), 20.0);
        let (lo, hi, mid) = (at(5.0), at(6.0), at(5.25));
        for k in 0..4 {
            let (a, b, m) = (lo[k].unwrap(), hi[k].unwrap(), mid[k].unwrap());
            assert!((m - (0.75 * a + 0.25 * b)).abs() < 1e-12);
            assert!(a != b);
        }
        // More agents, better service.
        assert!(hi[0].unwrap() < lo[0].unwrap() && hi[3].unwrap() > lo[3].unwrap());
        // No agents: everyone abandons; no arrivals: nothing to say.
        assert_eq!(at(0.0), [Some(1.0), None, Some(1.0), Some(0.0)]);
        assert_eq!(
            erlang_kpis(0.0, 3600.0, 3.0, 180.0, Some(120.0), 20.0),
            [None; 4]
        );
        // Without patience, Erlang C: unstable with too few agents.
        assert_eq!(
            erlang_kpis(100.0, 3600.0, 4.0, 180.0, None, 20.0),
            [None; 4]
        );
        assert_eq!(
            erlang_kpis(100.0, 3600.0, 7.0, 180.0, None, 20.0)[0],
            Some(0.0)
        );
    }

    fn prediction(date: i64, hour: usize, offered: f64, obs: f64, pred: [f64; 3]) -> Prediction {
        let e = Estimate::symmetric(Some(pred[0]), Some(0.0));
        Prediction {
            date,
            start_s: hour as f64 * 3600.0,
            offered,
            agents: 1.0,
            answered: None,
            missing: false,
            simulated: [e; 4],
            observed: [Some(obs); 4],
            erlang_a: [Some(pred[1]); 4],
            erlang_a_hourly: [Some(pred[2]); 4],
        }
    }

    #[test]
    fn scores_by_interval_skip_small_intervals_and_cells_average_before_comparing() {
        // 2024-10-03 and 2024-10-04 (days 20_000 and 20_001), both at 09:00.
        let p = [
            prediction(20_000, 9, 10.0, 0.2, [0.3, 0.1, 0.2]),
            prediction(20_001, 9, 30.0, 0.4, [0.3, 0.6, 0.4]),
            prediction(20_001, 10, 5.0, 0.9, [0.0, 0.0, 0.0]),
        ];
        let card = scorecard(&p, 10.0);
        let find = |scope: Scope, group: &str| {
            card.iter()
                .find(|r| r.scope == scope && r.group == group && r.kpi == Kpi::AbandonRate)
                .unwrap()
        };
        let overall = find(Scope::Overall, "all");
        assert_eq!(overall.n, 2);
        let s = overall.scores[0].unwrap();
        assert!((s.mae - 0.1).abs() < 1e-12 && s.bias.abs() < 1e-12);
        let e = overall.scores[1].unwrap();
        assert!((e.mae - 0.15).abs() < 1e-12 && (e.bias - 0.05).abs() < 1e-12);
        assert_eq!(find(Scope::Hour, "09").n, 2);
        assert!(card.iter().all(|r| r.group != "10"));
        // The 09:00 cell: observed (10·0.2 + 30·0.4)/40 = 0.35, supportsim 0.3, Erlang A 0.475;
        // the 10:00 cell has 5 offered and is left out.
        let cells = find(Scope::MonthHour, "all");
        assert_eq!(cells.n, 1);
        assert!((cells.scores[0].unwrap().mae - 0.05).abs() < 1e-12);
        assert!((cells.scores[1].unwrap().bias - 0.125).abs() < 1e-12);
        assert!(cells.scores[2].unwrap().mae.abs() < 1e-12);
    }
}
