//! Every estimate of one calibration, from a call log: what `output` writes and the command prints.

use super::estimate::{
    self, ArrivalProfile, CreditEstimate, HandleTimeFit, PatienceFit, RepeatStats,
};
use super::read::CallLog;
use super::staffing::{self, CANDIDATE_GAPS_MIN, OnDuty};
use super::{CalibrationError, DAY_S};
use crate::time::date::weekday_of;
use std::collections::BTreeMap;

/// Options of a calibration.
#[derive(Debug, Clone)]
pub struct FitOptions {
    /// Reporting interval of the scenario and the history (divides a day).
    pub interval_s: f64,
    /// The staffing estimator's gap, minutes.
    pub gap_min: u32,
    /// Service-level target written in the scenario and used for the history's `service_level`.
    pub target_within_s: f64,
    pub target_share: f64,
    /// A credit given by the user (seconds), instead of the estimate.
    pub credit_s: Option<f64>,
    /// The credit where it cannot be estimated (the bank: its documented 90 s; a generic log: 0, FIFO).
    pub default_credit_s: f64,
    /// Window of the repeat-contact statistic.
    pub repeat_window_s: f64,
    /// The class whose waits the others' credits are measured against (default: the largest class).
    pub base_class: Option<String>,
    /// Add the after-call work estimated from agent activity to the talk times
    /// (`estimate::after_call_work`).
    pub after_call: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            interval_s: 3600.0,
            gap_min: staffing::DEFAULT_GAP_MIN,
            target_within_s: 20.0,
            target_share: 0.8,
            credit_s: None,
            default_credit_s: 0.0,
            repeat_window_s: DAY_S,
            base_class: None,
            after_call: true,
        }
    }
}

/// One priority class.
#[derive(Debug, Clone)]
pub struct ClassFit {
    pub name: String,
    pub offered: usize,
    pub share: f64,
    /// Mean wait of the class's offered contacts.
    pub mean_wait_s: f64,
    pub abandon_rate: f64,
    /// Its own handle time and patience, when it has enough data (at least 200 answered calls, 50
    /// abandonments); otherwise it takes the channel's.
    pub handle: Option<HandleTimeFit>,
    pub patience: Option<PatienceFit>,
    /// Credit against the base class (the base class itself: none).
    pub credit: Option<CreditEstimate>,
}

/// Staffing per gap candidate.
#[derive(Debug, Clone)]
pub struct GapCandidate {
    pub gap_min: u32,
    /// Mean agents on duty over the observed intervals with any agent activity, and in the interval of
    /// the week with the most arrivals.
    pub mean_agents: f64,
    pub peak_agents: f64,
}

/// Every estimate of a calibration.
#[derive(Debug, Clone)]
pub struct Calibration {
    pub options: FitOptions,
    pub arrivals: ArrivalProfile,
    pub handle: HandleTimeFit,
    pub patience: Option<PatienceFit>,
    pub classes: Vec<ClassFit>,
    pub repeats: Option<RepeatStats>,
    /// Agents available to the inbound queue per absolute interval: on duty (chosen gap) minus the agent
    /// time spent on the center's own call-backs.
    pub available: OnDuty,
    /// The week of `size`: mean available agents per weekday × interval over the observed days.
    pub size_week: Vec<f64>,
    pub gaps: Vec<GapCandidate>,
    /// After-call work estimated and added to the talk times (`None`: not estimated or no gaps seen).
    pub after_call: Option<estimate::AfterCallWork>,
    /// Mean agents busy in the peak interval of the week (the lower bound on those on duty).
    pub peak_busy: f64,
    /// Queued callers who joined the queue while an agent on duty (chosen gap) was idle
    /// (`staffing::idle_while_queued`; `None`: nobody queued).
    pub idle_while_queued: Option<staffing::IdleWhileQueued>,
    /// Outbound (call-back) records' share of agent busy time.
    pub outbound_busy_share: f64,
    pub offered: usize,
    pub answered: usize,
    pub abandoned: usize,
    pub blocked: usize,
}

/// Mean per weekday × interval of per-interval values over the observed dates.
fn week_means(values: impl Fn(i64) -> f64, log: &CallLog, interval_s: f64) -> Vec<f64> {
    let per_day = (DAY_S / interval_s).round() as i64;
    let mut sum = vec![0.0; 7 * per_day as usize];
    let mut days = [0u32; 7];
    for &d in &log.dates_seen {
        let w = usize::from(weekday_of(d));
        days[w] += 1;
        for k in 0..per_day {
            sum[w * per_day as usize + k as usize] += values(d * per_day + k);
        }
    }
    sum.iter()
        .enumerate()
        .map(|(i, s)| {
            let n = days[i / per_day as usize];
            if n == 0 { 0.0 } else { s / f64::from(n) }
        })
        .collect()
}

/// Agents available to the inbound queue per absolute interval under the gap rule with `gap_min`: on
/// duty minus the agent time spent on the center's own call-backs; and its week of means (`size`).
pub fn available_agents(log: &CallLog, gap_min: u32, interval_s: f64) -> (OnDuty, Vec<f64>) {
    let outbound = staffing::outbound_busy(&log.records, interval_s);
    let on_duty = staffing::estimate(&log.records, f64::from(gap_min) * 60.0, interval_s);
    let available = OnDuty {
        first_interval: on_duty.first_interval,
        interval_s,
        agents: on_duty
            .agents
            .iter()
            .enumerate()
            .map(|(i, a)| (a - outbound.of_interval(on_duty.first_interval + i as i64)).max(0.0))
            .collect(),
    };
    let size_week = week_means(|k| available.of_interval(k), log, interval_s);
    (available, size_week)
}

impl Calibration {
    /// The same calibration with the staffing of another gap.
    pub fn with_gap(&self, log: &CallLog, gap_min: u32) -> Calibration {
        let (available, size_week) = available_agents(log, gap_min, self.options.interval_s);
        let mut c = self.clone();
        c.options.gap_min = gap_min;
        c.available = available;
        c.size_week = size_week;
        c.idle_while_queued = staffing::idle_while_queued(
            &log.records,
            f64::from(gap_min) * 60.0,
            c.handle.after_call_s,
        );
        c
    }
}

/// Calibrates from a sorted call log. Errors only when nothing usable is there (no offered contact, or
/// none answered: handle time cannot be estimated).
pub fn fit(log: &CallLog, options: &FitOptions) -> Result<Calibration, CalibrationError> {
    let interval_s = options.interval_s;
    let inbound: Vec<&super::CallRecord> = log.inbound().collect();
    let no_records = || CalibrationError::NoRecords {
        files: "the log".into(),
    };
    if inbound.is_empty() {
        return Err(no_records());
    }
    // Staffing is estimated from who served what: without any agent id there is nothing to estimate it
    // from, and a scenario with no agents would be written silently.
    if !inbound
        .iter()
        .any(|r| r.handle_s.is_some() && r.agent.as_deref().is_some_and(|a| !a.is_empty()))
    {
        return Err(CalibrationError::BadOption(
            "no answered contact names its agent, so the agents on duty cannot be estimated: map the log's agent column (--columns agent=NAME)".into(),
        ));
    }
    let arrivals = estimate::arrivals(&log.records, &log.dates_seen, interval_s);
    let mut handle = estimate::handle_time(inbound.iter().copied()).ok_or_else(no_records)?;
    let after_call = if options.after_call {
        estimate::after_call_work(&log.records)
    } else {
        None
    };
    let after_call_s = after_call.map_or(0.0, |w| w.mean_s);
    handle.after_call_s = after_call_s;
    let patience = estimate::patience(inbound.iter().copied());
    let count = |o: super::Outcome| inbound.iter().filter(|r| r.outcome == o).count();

    // Classes, largest first.
    let mut by_class: BTreeMap<&str, Vec<&super::CallRecord>> = BTreeMap::new();
    for r in &inbound {
        by_class.entry(r.class.as_str()).or_default().push(r);
    }
    let mut names: Vec<(&str, usize)> = by_class.iter().map(|(k, v)| (*k, v.len())).collect();
    names.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let base = options
        .base_class
        .clone()
        .filter(|b| by_class.contains_key(b.as_str()))
        .unwrap_or_else(|| names[0].0.to_string());
    let mut classes = Vec::new();
    if names.len() > 1 {
        for (name, n) in &names {
            let rs = &by_class[name];
            let answered = rs.iter().filter(|r| r.handle_s.is_some()).count();
            let abandoned = rs
                .iter()
                .filter(|r| r.outcome == super::Outcome::Abandoned)
                .count();
            let mut own_handle = (answered >= 200)
                .then(|| estimate::handle_time(rs.iter().copied()))
                .flatten();
            if let Some(h) = &mut own_handle {
                h.after_call_s = after_call_s;
                // Hours where the class has few calls: the channel's hour mean × the class's ratio.
                let ratio = h.mean_s / handle.mean_s;
                for hour in 0..24 {
                    if h.calls_by_hour[hour] < estimate::MIN_CALLS_PER_HOUR {
                        h.mean_by_hour[hour] = handle.mean_by_hour[hour] * ratio;
                    }
                }
            }
            let own_patience = (abandoned >= 50)
                .then(|| estimate::patience(rs.iter().copied()))
                .flatten();
            let credit = (*name != base).then(|| match options.credit_s {
                Some(c) => CreditEstimate {
                    credit_s: c,
                    estimated: false,
                    intervals: 0,
                },
                None => {
                    let mut c = estimate::credit(&log.records, name, &base, interval_s);
                    if !c.estimated {
                        c.credit_s = options.default_credit_s;
                    }
                    c
                }
            });
            classes.push(ClassFit {
                name: name.to_string(),
                offered: *n,
                share: *n as f64 / inbound.len() as f64,
                mean_wait_s: rs.iter().map(|r| r.wait_s).sum::<f64>() / *n as f64,
                abandon_rate: abandoned as f64 / *n as f64,
                handle: own_handle,
                patience: own_patience,
                credit,
            });
        }
    }
    let repeats = estimate::repeats(&log.records, options.repeat_window_s);

    // Staffing: every gap candidate, and the chosen one net of call-backs.
    let outbound = staffing::outbound_busy(&log.records, interval_s);
    let busy = staffing::busy(&log.records, interval_s);
    let per_day = (DAY_S / interval_s).round() as usize;
    // The interval of the week with the most arrivals.
    let peak_slot = (0..7 * per_day)
        .max_by(|a, b| arrivals.per_hour[*a].total_cmp(&arrivals.per_hour[*b]))
        .unwrap_or(0);
    let peak_of = |week: &[f64]| week.get(peak_slot).copied().unwrap_or(0.0);
    let mut gaps = Vec::new();
    for g in CANDIDATE_GAPS_MIN {
        let d = staffing::estimate(&log.records, f64::from(g) * 60.0, interval_s);
        let active: Vec<f64> = d.agents.iter().copied().filter(|a| *a > 0.0).collect();
        let week = week_means(|k| d.of_interval(k), log, interval_s);
        gaps.push(GapCandidate {
            gap_min: g,
            mean_agents: active.iter().sum::<f64>() / active.len().max(1) as f64,
            peak_agents: peak_of(&week),
        });
    }
    let (available, size_week) = available_agents(log, options.gap_min, interval_s);
    let peak_busy = peak_of(&week_means(|k| busy.of_interval(k), log, interval_s));
    let busy_total: f64 = busy.agents.iter().sum();
    let outbound_busy_share = if busy_total > 0.0 {
        outbound.agents.iter().sum::<f64>() / busy_total
    } else {
        0.0
    };
    Ok(Calibration {
        options: options.clone(),
        arrivals,
        handle,
        patience,
        classes,
        repeats,
        available,
        size_week,
        gaps,
        after_call,
        peak_busy,
        idle_while_queued: staffing::idle_while_queued(
            &log.records,
            f64::from(options.gap_min) * 60.0,
            after_call_s,
        ),
        outbound_busy_share,
        offered: inbound.len(),
        answered: count(super::Outcome::Answered),
        abandoned: count(super::Outcome::Abandoned),
        blocked: count(super::Outcome::Blocked),
    })
}
