//! The estimators: arrivals per weekday and interval, handle time (hour-of-day means and a family chosen by
//! Kolmogorov-Smirnov distance), patience from censored waits (Kaplan-Meier with an exponential tail),
//! the priority classes' waiting-time credit, and repeat contacts. Each is a small function of the records;
//! docs/calibration.md says why each is built the way it is.

use super::{CallRecord, DAY_S, Outcome};
use crate::time::date::weekday_of;
use statrs::distribution::{ContinuousCDF, Gamma, LogNormal};
use std::collections::{BTreeMap, BTreeSet};

/// Clock hour of the day (0..24) of absolute second `t`.
pub fn hour_of(t: f64) -> usize {
    ((t.rem_euclid(DAY_S)) / 3600.0).floor().min(23.0) as usize
}

/// Arrivals per weekday and interval of the day.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalProfile {
    /// Intervals per day.
    pub per_day: usize,
    /// Mean arrivals per hour in each interval of the week, Monday 00:00 first (7 × `per_day` values).
    pub per_hour: Vec<f64>,
    /// Days observed of each weekday (0 = Monday): the divisor of that weekday's means.
    pub days: [u32; 7],
}

/// Mean arrivals per hour in each weekday × interval: the arrivals counted in that interval on every
/// observed day of that weekday, divided by the number of such days. A day counts as observed when any row
/// of the files falls on it (`dates`), even one without an offered contact; a day with no row at all (a
/// gap in the files) is left out rather than counted as a day without calls. Arrivals on a day not
/// observed (a call that wrapped past the last midnight) are not counted.
pub fn arrivals(records: &[CallRecord], dates: &BTreeSet<i64>, interval_s: f64) -> ArrivalProfile {
    let per_day = (DAY_S / interval_s).round() as usize;
    let mut counts = vec![0.0; 7 * per_day];
    let mut days = [0u32; 7];
    for &d in dates {
        days[usize::from(weekday_of(d))] += 1;
    }
    for r in records.iter().filter(|r| !r.outbound) {
        let date = (r.arrival_s / DAY_S).floor() as i64;
        if !dates.contains(&date) {
            continue;
        }
        let slot = ((r.arrival_s - date as f64 * DAY_S) / interval_s).floor() as usize;
        counts[usize::from(weekday_of(date)) * per_day + slot.min(per_day - 1)] += 1.0;
    }
    let per_hour = counts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let n = days[i / per_day];
            if n == 0 {
                0.0
            } else {
                c / f64::from(n) * 3600.0 / interval_s
            }
        })
        .collect();
    ArrivalProfile {
        per_day,
        per_hour,
        days,
    }
}

/// Kolmogorov-Smirnov distance sup |F(x) − F_n(x)| between the sample (sorted ascending) and `cdf`. Ties
/// are handled: at a run of equal values the empirical CDF is compared just before and just after it.
pub fn ks_distance(sorted: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let n = sorted.len() as f64;
    let mut d: f64 = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let x = sorted[i];
        let mut j = i;
        while j < sorted.len() && sorted[j] == x {
            j += 1;
        }
        let f = cdf(x);
        d = d
            .max((f - i as f64 / n).abs())
            .max((j as f64 / n - f).abs());
        i = j;
    }
    d
}

/// Mean and coefficient of variation of a sample (population standard deviation).
pub fn mean_cv(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, if mean > 0.0 { var.sqrt() / mean } else { 0.0 })
}

/// A handle-time family fitted to the hour-normalised talk times (scaled back to the overall mean).
#[derive(Debug, Clone, PartialEq)]
pub enum Family {
    /// Lognormal by maximum likelihood on the log: `mu`, `sigma` of ln(seconds) (positive values only).
    LogNormal { mu: f64, sigma: f64 },
    /// Gamma by moments.
    Gamma { mean: f64, cv: f64 },
    /// A share of short calls (exponential, those under [`SHORT_CALL_S`]) and a lognormal by moments
    /// for the rest.
    Mixture {
        short_share: f64,
        short_mean: f64,
        long_mean: f64,
        long_cv: f64,
    },
    /// The sample itself, as [`EMPIRICAL_POINTS`] quantiles.
    Empirical { values: Vec<f64> },
}

/// Calls shorter than this (seconds of talk) form the mixture's short component (the bank data has about
/// 6.6% of them: hang-ups at greeting, wrong numbers, transfers).
pub const SHORT_CALL_S: f64 = 10.0;

/// Quantiles kept for the empirical family.
pub const EMPIRICAL_POINTS: usize = 200;

/// An hour with fewer answered calls than this takes the overall mean as its hour-of-day mean.
pub const MIN_CALLS_PER_HOUR: usize = 30;

impl Family {
    pub fn name(&self) -> &'static str {
        match self {
            Family::LogNormal { .. } => "lognormal",
            Family::Gamma { .. } => "gamma",
            Family::Mixture { .. } => "mixture",
            Family::Empirical { .. } => "empirical",
        }
    }

    /// The distribution function, for the KS distance.
    pub fn cdf(&self) -> Box<dyn Fn(f64) -> f64 + '_> {
        match self {
            Family::LogNormal { mu, sigma } => match LogNormal::new(*mu, *sigma) {
                Ok(d) => Box::new(move |x| if x <= 0.0 { 0.0 } else { d.cdf(x) }),
                Err(_) => Box::new(|_| f64::NAN),
            },
            Family::Gamma { mean, cv } => gamma_cdf(*mean, *cv),
            Family::Mixture {
                short_share,
                short_mean,
                long_mean,
                long_cv,
            } => {
                let long = lognormal_cdf(*long_mean, *long_cv);
                let (p, m) = (*short_share, *short_mean);
                Box::new(move |x| {
                    if x <= 0.0 {
                        0.0
                    } else {
                        p * (1.0 - (-x / m).exp()) + (1.0 - p) * long(x)
                    }
                })
            }
            Family::Empirical { values } => {
                let n = values.len() as f64;
                Box::new(move |x| values.partition_point(|v| *v <= x) as f64 / n)
            }
        }
    }

    /// The family with every duration multiplied by `factor` (the shape kept, the mean times `factor`).
    pub fn scaled(&self, factor: f64) -> Family {
        match self {
            Family::LogNormal { mu, sigma } => Family::LogNormal {
                mu: mu + factor.ln(),
                sigma: *sigma,
            },
            Family::Gamma { mean, cv } => Family::Gamma {
                mean: mean * factor,
                cv: *cv,
            },
            Family::Mixture {
                short_share,
                short_mean,
                long_mean,
                long_cv,
            } => Family::Mixture {
                short_share: *short_share,
                short_mean: short_mean * factor,
                long_mean: long_mean * factor,
                long_cv: *long_cv,
            },
            Family::Empirical { values } => Family::Empirical {
                values: values.iter().map(|v| v * factor).collect(),
            },
        }
    }

    /// The TOML inline table of the family (without the mean-by-hour key), durations in seconds.
    pub fn toml(&self) -> String {
        match self {
            // Full precision, within the ranges the scenario accepts (sigma at most 3.03, cv in (0, 100]),
            // so that a fit from a degenerate log still writes a valid scenario.
            Family::LogNormal { mu, sigma } => {
                format!(
                    "dist = \"lognormal\", mu = {mu}, sigma = {}",
                    sigma.clamp(1e-6, 3.03)
                )
            }
            Family::Gamma { mean, cv } => {
                format!(
                    "dist = \"gamma\", mean = \"{}s\", cv = {}",
                    mean.max(1e-3),
                    cv.clamp(1e-6, 100.0)
                )
            }
            Family::Mixture {
                short_share,
                short_mean,
                long_mean,
                long_cv,
            } => format!(
                "dist = \"mixture\", parts = [{{ share = {short_share:.4}, dist = \"exponential\", mean = \"{}s\" }}, {{ share = {}, dist = \"lognormal\", mean = \"{}s\", cv = {} }}]",
                short_mean.max(1e-3),
                1.0 - (short_share * 1e4).round() / 1e4,
                long_mean.max(1e-3),
                long_cv.clamp(1e-6, 100.0)
            ),
            Family::Empirical { values } => format!(
                "dist = \"empirical\", values = [{}]",
                values
                    .iter()
                    .map(|v| format!("{v:.1}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

fn lognormal_cdf(mean: f64, cv: f64) -> Box<dyn Fn(f64) -> f64> {
    let s2 = (1.0 + cv * cv).ln();
    match LogNormal::new(mean.ln() - s2 / 2.0, s2.sqrt()) {
        Ok(d) => Box::new(move |x| if x <= 0.0 { 0.0 } else { d.cdf(x) }),
        Err(_) => Box::new(|_| f64::NAN),
    }
}

/// The smallest coefficient of variation a gamma candidate is fitted at (shape at most 10,000).
pub const MIN_GAMMA_CV: f64 = 0.01;

fn gamma_cdf(mean: f64, cv: f64) -> Box<dyn Fn(f64) -> f64> {
    let shape = 1.0 / (cv * cv);
    match Gamma::new(shape, shape / mean) {
        Ok(d) => Box::new(move |x| if x <= 0.0 { 0.0 } else { d.cdf(x) }),
        Err(_) => Box::new(|_| f64::NAN),
    }
}

/// A candidate family and its KS distance to the normalised sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub family: Family,
    pub ks: f64,
}

/// The handle-time estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct HandleTimeFit {
    /// Answered calls used.
    pub n: usize,
    /// Mean and cv of the raw talk times.
    pub mean_s: f64,
    pub cv: f64,
    /// cv of the hour-normalised talk times (the shape the families describe).
    pub normalised_cv: f64,
    /// Share of calls under [`SHORT_CALL_S`].
    pub short_share: f64,
    /// Mean talk time of calls arriving in each clock hour (the overall mean where the hour has fewer than
    /// [`MIN_CALLS_PER_HOUR`] calls).
    pub mean_by_hour: [f64; 24],
    pub calls_by_hour: [usize; 24],
    /// Every family tried, with its KS distance.
    pub candidates: Vec<Candidate>,
    /// Index of the chosen one in `candidates`.
    pub chosen: usize,
    /// The 5% critical value of the KS test for this sample size, 1.358/√n.
    pub ks_critical: f64,
    /// After-call work added to every talk time in the scenario (seconds; [`after_call_work`]).
    pub after_call_s: f64,
}

impl HandleTimeFit {
    pub fn family(&self) -> &Family {
        &self.candidates[self.chosen].family
    }
}

/// Mean of `values` per clock hour (`hours`), the overall mean where an hour has fewer than `min_n`.
pub fn means_by_hour(samples: &[(usize, f64)], min_n: usize) -> ([f64; 24], [usize; 24]) {
    let mut sum = [0.0; 24];
    let mut n = [0usize; 24];
    for &(h, v) in samples {
        sum[h] += v;
        n[h] += 1;
    }
    let overall = sum.iter().sum::<f64>() / (n.iter().sum::<usize>().max(1)) as f64;
    let mut means = [overall; 24];
    for h in 0..24 {
        if n[h] >= min_n && n[h] > 0 {
            means[h] = sum[h] / n[h] as f64;
        }
    }
    (means, n)
}

/// Fits handle time: each call's talk time is divided by its arrival hour's mean (so the hour-of-day
/// effect is taken out, and put back by `mean_by_hour`), scaled by the overall mean; lognormal (MLE on the
/// log), gamma (moments), a short-call mixture and the empirical quantiles are fitted to that and scored by
/// KS distance. The choice: the parametric family with the smallest distance when it is within the 5%
/// critical value (the data do not reject it), else the smallest distance of all. `None` without answered
/// calls.
pub fn handle_time<'a>(records: impl IntoIterator<Item = &'a CallRecord>) -> Option<HandleTimeFit> {
    let samples: Vec<(usize, f64)> = records
        .into_iter()
        .filter(|r| !r.outbound)
        .filter_map(|r| r.handle_s.map(|h| (hour_of(r.arrival_s), h)))
        .collect();
    if samples.is_empty() {
        return None;
    }
    let raw: Vec<f64> = samples.iter().map(|s| s.1).collect();
    let (mean_s, cv) = mean_cv(&raw);
    if mean_s <= 0.0 {
        return None;
    }
    let (mean_by_hour, calls_by_hour) = means_by_hour(&samples, MIN_CALLS_PER_HOUR);
    let mut y: Vec<f64> = samples
        .iter()
        .map(|&(h, v)| {
            if mean_by_hour[h] > 0.0 {
                v / mean_by_hour[h] * mean_s
            } else {
                v
            }
        })
        .collect();
    let short: Vec<bool> = raw.iter().map(|v| *v < SHORT_CALL_S).collect();
    let short_share = short.iter().filter(|s| **s).count() as f64 / raw.len() as f64;
    let mut candidates = Vec::new();
    let logs: Vec<f64> = y.iter().filter(|v| **v > 0.0).map(|v| v.ln()).collect();
    if logs.len() >= 2 {
        let mu = logs.iter().sum::<f64>() / logs.len() as f64;
        let var = logs.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / logs.len() as f64;
        if var > 0.0 {
            candidates.push(Family::LogNormal {
                mu,
                sigma: var.sqrt(),
            });
        }
    }
    let (ymean, ycv) = mean_cv(&y);
    // Below MIN_GAMMA_CV the handle times are all but constant: the gamma's shape (1 / cv²) would pass
    // 10,000, where its CDF (statrs' regularised incomplete gamma) takes seconds per value, for a fit
    // that the lognormal and the empirical quantiles make as well (fuzz/corpus/calibration_logs).
    if ycv >= MIN_GAMMA_CV {
        candidates.push(Family::Gamma {
            mean: ymean,
            cv: ycv,
        });
    }
    let shorts: Vec<f64> = y
        .iter()
        .zip(&short)
        .filter(|p| *p.1)
        .map(|p| *p.0)
        .collect();
    let longs: Vec<f64> = y
        .iter()
        .zip(&short)
        .filter(|p| !*p.1)
        .map(|p| *p.0)
        .collect();
    let (sm, _) = mean_cv(&shorts);
    let (lm, lcv) = mean_cv(&longs);
    if shorts.len() >= 10 && longs.len() >= 10 && sm > 0.0 && lcv > 0.0 {
        candidates.push(Family::Mixture {
            short_share,
            short_mean: sm,
            long_mean: lm,
            long_cv: lcv,
        });
    }
    y.sort_by(f64::total_cmp);
    let q: Vec<f64> = (0..EMPIRICAL_POINTS)
        .map(|k| {
            let p = (k as f64 + 0.5) / EMPIRICAL_POINTS as f64;
            y[((p * y.len() as f64) as usize).min(y.len() - 1)]
        })
        .collect();
    if q.iter().any(|v| *v > 0.0) {
        candidates.push(Family::Empirical { values: q });
    }
    let candidates: Vec<Candidate> = candidates
        .into_iter()
        .map(|family| {
            let ks = ks_distance(&y, family.cdf());
            Candidate { family, ks }
        })
        .filter(|c| c.ks.is_finite())
        .collect();
    let n = y.len();
    let ks_critical = 1.358 / (n as f64).sqrt();
    let best = |parametric: bool| {
        candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| !parametric || !matches!(c.family, Family::Empirical { .. }))
            .min_by(|a, b| a.1.ks.total_cmp(&b.1.ks))
            .map(|(i, _)| i)
    };
    let chosen = match best(true) {
        Some(i) if candidates[i].ks <= ks_critical => i,
        _ => best(false)?,
    };
    Some(HandleTimeFit {
        n,
        mean_s,
        cv,
        normalised_cv: ycv,
        short_share,
        mean_by_hour,
        calls_by_hour,
        candidates,
        chosen,
        ks_critical,
        after_call_s: 0.0,
    })
}

/// One step of a Kaplan-Meier estimate: at time `t`, `events` of the `at_risk` still waiting left;
/// `survival` is S just after `t`.
#[derive(Debug, Clone, PartialEq)]
pub struct KmStep {
    pub t: f64,
    pub at_risk: usize,
    pub events: usize,
    pub survival: f64,
}

/// Kaplan-Meier estimate of the survival function from `(time, event)` pairs (event false = censored:
/// the true time is larger). At a tie, censored observations are at risk at that time (the usual
/// convention: events before censoring). One step per distinct event time.
pub fn kaplan_meier(observations: &[(f64, bool)]) -> Vec<KmStep> {
    let mut obs: Vec<(f64, bool)> = observations.to_vec();
    obs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut at_risk = obs.len();
    let mut s = 1.0;
    let mut steps = Vec::new();
    let mut i = 0;
    while i < obs.len() {
        let t = obs[i].0;
        let mut j = i;
        let mut events = 0;
        while j < obs.len() && obs[j].0 == t {
            events += usize::from(obs[j].1);
            j += 1;
        }
        if events > 0 {
            s *= 1.0 - events as f64 / at_risk as f64;
            steps.push(KmStep {
                t,
                at_risk,
                events,
                survival: s,
            });
        }
        at_risk -= j - i;
        i = j;
    }
    steps
}

/// S(t) of a Kaplan-Meier estimate (right-continuous).
pub fn km_survival(steps: &[KmStep], t: f64) -> f64 {
    let k = steps.partition_point(|s| s.t <= t);
    if k == 0 { 1.0 } else { steps[k - 1].survival }
}

/// Times of the survival curve's points (seconds), kept while enough callers are still at risk.
pub const PATIENCE_GRID_S: [f64; 24] = [
    5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 150.0, 180.0, 240.0, 300.0, 360.0, 420.0,
    480.0, 600.0, 720.0, 900.0, 1200.0, 1500.0, 1800.0, 2400.0, 3600.0,
];

/// The patience estimate: a survival curve (piecewise linear through Kaplan-Meier values) with an
/// exponential tail.
#[derive(Debug, Clone, PartialEq)]
pub struct PatienceFit {
    /// Callers used (answered and abandoned after queueing).
    pub n: usize,
    pub abandoned: usize,
    /// (seconds, S) from (0, 1).
    pub points: Vec<(f64, f64)>,
    /// Mean of the exponential beyond the last point (`None` when the curve reaches 0).
    pub tail_mean_s: Option<f64>,
    /// The curve's mean patience ∫S.
    pub mean_s: f64,
    /// The naive mean of the abandoners' waits (biased low: the patient callers were served first).
    pub naive_mean_s: f64,
    /// The exponential maximum-likelihood mean with censoring (total waiting time / abandonments).
    pub exponential_mean_s: f64,
}

/// Patience from censored waits: an abandoner's wait is their patience; a served caller's wait is a lower
/// bound on it (censored). Kaplan-Meier is read at [`PATIENCE_GRID_S`] while at least
/// max(20, n/500) callers are still waiting; beyond the last point the tail is exponential with the
/// hazard measured there: abandonments after the last point / waiting time after it. `None` when nobody
/// abandoned (patience is not identified: leave it out and nobody abandons).
pub fn patience<'a>(records: impl IntoIterator<Item = &'a CallRecord>) -> Option<PatienceFit> {
    let obs: Vec<(f64, bool)> = records
        .into_iter()
        .filter(|r| !r.outbound)
        .filter_map(|r| match r.outcome {
            Outcome::Answered => Some((r.wait_s, false)),
            Outcome::Abandoned => Some((r.wait_s, true)),
            Outcome::Blocked => None,
        })
        .collect();
    let abandoned = obs.iter().filter(|o| o.1).count();
    if abandoned == 0 {
        return None;
    }
    let total_wait: f64 = obs.iter().map(|o| o.0).sum();
    let naive_mean_s = obs.iter().filter(|o| o.1).map(|o| o.0).sum::<f64>() / abandoned as f64;
    let steps = kaplan_meier(&obs);
    let min_at_risk = (obs.len() / 500).max(20);
    let mut points = vec![(0.0, 1.0)];
    for &t in &PATIENCE_GRID_S {
        let at_risk = obs.iter().filter(|o| o.0 >= t).count();
        if at_risk < min_at_risk {
            break;
        }
        let s = km_survival(&steps, t);
        points.push((t, s));
        if s <= 0.0 {
            break;
        }
    }
    let &(t_last, s_last) = points.last().expect("the curve starts at (0, 1)");
    let tail_mean_s = (s_last > 0.0).then(|| {
        let beyond: Vec<&(f64, bool)> = obs.iter().filter(|o| o.0 > t_last).collect();
        let events = beyond.iter().filter(|o| o.1).count();
        let exposure: f64 = beyond.iter().map(|o| o.0 - t_last).sum();
        if events > 0 && exposure > 0.0 {
            exposure / events as f64
        } else {
            // No abandonment seen beyond the last point: the whole sample's exponential rate.
            total_wait / abandoned as f64
        }
    });
    let mut mean_s: f64 = points
        .windows(2)
        .map(|w| (w[1].0 - w[0].0) * (w[0].1 + w[1].1) / 2.0)
        .sum();
    mean_s += s_last * tail_mean_s.unwrap_or(0.0);
    Some(PatienceFit {
        n: obs.len(),
        abandoned,
        points,
        tail_mean_s,
        mean_s,
        naive_mean_s,
        exponential_mean_s: total_wait / abandoned as f64,
    })
}

/// The waiting-time credit of a high-priority class.
#[derive(Debug, Clone, PartialEq)]
pub struct CreditEstimate {
    pub credit_s: f64,
    /// False: too few busy intervals to measure it, `credit_s` is the documented default.
    pub estimated: bool,
    /// Intervals used.
    pub intervals: usize,
}

/// The default credit where it cannot be measured: the bank's documented "about 1.5 minutes".
pub const DEFAULT_CREDIT_S: f64 = 90.0;

/// Regular callers' mean wait an interval must reach to measure the credit: below it a credit barely
/// shows (nobody waits long enough to be overtaken).
pub const CREDIT_BUSY_WAIT_S: f64 = 120.0;

/// Estimates the credit of class `high` over `regular` at equal load: in each interval (same day, same
/// hour: same offered load and staffing) where regular callers waited on average at least
/// [`CREDIT_BUSY_WAIT_S`] and both classes had callers (at least 5 regular and 3 high), the difference of
/// the classes' mean waits; the credit is their average weighted by the smaller count. Under a credit c,
/// once queues are longer than c a high caller waits about c less than a regular one who arrived at the
/// same time. Fewer than 20 such intervals: [`DEFAULT_CREDIT_S`], `estimated` false. Clamped to [0, 600].
pub fn credit(
    records: &[CallRecord],
    high: &str,
    regular: &str,
    interval_s: f64,
) -> CreditEstimate {
    let mut cells: BTreeMap<i64, [(f64, usize); 2]> = BTreeMap::new();
    for r in records
        .iter()
        .filter(|r| !r.outbound && r.outcome != Outcome::Blocked)
    {
        let k = if r.class == high {
            1
        } else if r.class == regular {
            0
        } else {
            continue;
        };
        let cell = cells
            .entry((r.arrival_s / interval_s).floor() as i64)
            .or_insert([(0.0, 0); 2]);
        cell[k].0 += r.wait_s;
        cell[k].1 += 1;
    }
    let (mut sum, mut weight, mut used) = (0.0, 0.0, 0);
    for c in cells.values() {
        let [(rw, rn), (hw, hn)] = *c;
        if rn < 5 || hn < 3 {
            continue;
        }
        let (rm, hm) = (rw / rn as f64, hw / hn as f64);
        if rm < CREDIT_BUSY_WAIT_S {
            continue;
        }
        let w = rn.min(hn) as f64;
        sum += w * (rm - hm);
        weight += w;
        used += 1;
    }
    if used < 20 || weight <= 0.0 {
        return CreditEstimate {
            credit_s: DEFAULT_CREDIT_S,
            estimated: false,
            intervals: used,
        };
    }
    CreditEstimate {
        credit_s: (sum / weight).clamp(0.0, 600.0),
        estimated: true,
        intervals: used,
    }
}

/// Repeat contacts from customer ids.
#[derive(Debug, Clone, PartialEq)]
pub struct RepeatStats {
    pub window_s: f64,
    /// Offered contacts with a customer id, and their share of all offered contacts.
    pub identified: usize,
    pub identified_share: f64,
    pub customers: usize,
    /// Share of identified answered contacts followed by another contact of the same customer within the
    /// window (1 − this is the FCR proxy).
    pub repeat_share: f64,
    /// Share of customers who contacted the center more than once in the whole log.
    pub multi_contact_share: f64,
}

/// Repeat contacts: for each identified answered contact, whether the same customer contacted the center
/// again (offered, any outcome) within `window_s` after its end. `None` without customer ids.
pub fn repeats(records: &[CallRecord], window_s: f64) -> Option<RepeatStats> {
    let mut by_customer: BTreeMap<&str, Vec<&CallRecord>> = BTreeMap::new();
    let mut offered = 0usize;
    for r in records.iter().filter(|r| !r.outbound) {
        offered += 1;
        if let Some(c) = &r.customer {
            by_customer.entry(c).or_default().push(r);
        }
    }
    let identified: usize = by_customer.values().map(Vec::len).sum();
    if identified == 0 {
        return None;
    }
    let (mut answered, mut repeated) = (0usize, 0usize);
    for calls in by_customer.values_mut() {
        calls.sort_by(|a, b| a.arrival_s.total_cmp(&b.arrival_s));
        for (i, r) in calls.iter().enumerate() {
            let Some(end) = r.end_s() else { continue };
            answered += 1;
            if calls[i + 1..]
                .iter()
                .any(|n| n.arrival_s >= end && n.arrival_s - end <= window_s)
            {
                repeated += 1;
            }
        }
    }
    let customers = by_customer.len();
    Some(RepeatStats {
        window_s,
        identified,
        identified_share: identified as f64 / offered as f64,
        customers,
        repeat_share: if answered > 0 {
            repeated as f64 / answered as f64
        } else {
            0.0
        },
        multi_contact_share: by_customer.values().filter(|c| c.len() > 1).count() as f64
            / customers as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::date::days_from_civil;
    use rand::{RngExt, SeedableRng};

    fn call(arrival_s: f64, wait_s: f64, handle_s: Option<f64>, class: &str) -> CallRecord {
        CallRecord {
            arrival_s,
            wait_s,
            handle_s,
            outcome: if handle_s.is_some() {
                Outcome::Answered
            } else {
                Outcome::Abandoned
            },
            agent: None,
            customer: None,
            class: class.into(),
            outbound: false,
        }
    }

    #[test]
    fn kaplan_meier_matches_a_hand_computed_case() {
        // Times 1 (event), 2 (censored), 3 (event), 3 (censored), 4 (event), 5 (censored).
        // t=1: 6 at risk, 1 event: S = 5/6. t=3: 4 at risk (the censored 3 is at risk), 1 event:
        // S = 5/6 · 3/4 = 0.625. t=4: 2 at risk, 1 event: S = 0.3125.
        let obs = [
            (3.0, false),
            (1.0, true),
            (5.0, false),
            (3.0, true),
            (2.0, false),
            (4.0, true),
        ];
        let km = kaplan_meier(&obs);
        let got: Vec<(f64, usize, usize, f64)> = km
            .iter()
            .map(|s| (s.t, s.at_risk, s.events, s.survival))
            .collect();
        assert_eq!(got.len(), 3);
        let want = [
            (1.0, 6, 1, 5.0 / 6.0),
            (3.0, 4, 1, 0.625),
            (4.0, 2, 1, 0.3125),
        ];
        for (g, w) in got.iter().zip(&want) {
            assert_eq!((g.0, g.1, g.2), (w.0, w.1, w.2));
            assert!((g.3 - w.3).abs() < 1e-12, "{g:?} vs {w:?}");
        }
        assert_eq!(km_survival(&km, 0.5), 1.0);
        assert!((km_survival(&km, 3.5) - 0.625).abs() < 1e-12);
        assert!((km_survival(&km, 10.0) - 0.3125).abs() < 1e-12);
        // Without censoring KM is the empirical survival function.
        let plain = kaplan_meier(&[(1.0, true), (2.0, true), (2.0, true), (4.0, true)]);
        assert!((km_survival(&plain, 2.0) - 0.25).abs() < 1e-12);
        assert_eq!(km_survival(&plain, 4.0), 0.0);
    }

    /// Exponential patience (mean 200 s) and service that ends waits at an exponential time (mean 60 s):
    /// the abandoners' mean wait is the mean of min(patience, service) = 1/(1/200 + 1/60) ≈ 46 s, far
    /// below 200 s; Kaplan-Meier with the served waits censored recovers 200 s.
    #[test]
    fn censoring_corrects_the_naive_mean_of_abandoners_waits() {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(11);
        let n = 20_000;
        let records: Vec<CallRecord> = (0..n)
            .map(|i| {
                let patience = -200.0 * (1.0 - rng.random::<f64>()).ln();
                let answer = -60.0 * (1.0 - rng.random::<f64>()).ln();
                if answer < patience {
                    call(f64::from(i), answer, Some(100.0), "regular")
                } else {
                    call(f64::from(i), patience, None, "regular")
                }
            })
            .collect();
        let fit = patience(&records).expect("some abandoned");
        let min_mean = 1.0 / (1.0 / 200.0 + 1.0 / 60.0);
        // The naive mean estimates E[min] ≈ 46.2 s (standard error about 46/√4600 ≈ 0.7 s).
        assert!(
            (fit.naive_mean_s - min_mean).abs() < 4.0,
            "{}",
            fit.naive_mean_s
        );
        // About 4,600 abandonments: the exponential MLE has a relative standard error of 1/√4600 ≈ 1.5%;
        // the curve's mean (linear between points, tail fitted) within 8%.
        assert!((fit.exponential_mean_s - 200.0).abs() < 200.0 * 0.06);
        assert!((fit.mean_s - 200.0).abs() < 200.0 * 0.08, "{}", fit.mean_s);
        assert!(fit.naive_mean_s < 0.3 * fit.mean_s);
        // The curve: from (0, 1), non-increasing, close to exp(−t/200) where read.
        assert_eq!(fit.points[0], (0.0, 1.0));
        for w in fit.points.windows(2) {
            assert!(w[1].0 > w[0].0 && w[1].1 <= w[0].1);
        }
        for &(t, s) in &fit.points {
            assert!((s - (-t / 200.0).exp()).abs() < 0.03, "S({t}) = {s}");
        }
        assert!(fit.tail_mean_s.is_some());
    }

    #[test]
    fn ks_distance_against_hand_values() {
        // Sample {1, 2, 3} against U(0, 4): ECDF jumps to 1/3, 2/3, 1 at 1, 2, 3; F = 0.25, 0.5, 0.75.
        // Largest gap: at 3, 1 − 0.75 = 0.25; at 1, 1/3 − 0.25; at 2, 2/3 − 0.5 = 1/6.
        let d = ks_distance(&[1.0, 2.0, 3.0], |x| (x / 4.0).clamp(0.0, 1.0));
        assert!((d - 0.25).abs() < 1e-12);
        // Ties: {2, 2} against U(0, 4): ECDF 0 before 2, 1 at 2; F(2) = 0.5.
        let d = ks_distance(&[2.0, 2.0], |x| (x / 4.0).clamp(0.0, 1.0));
        assert!((d - 0.5).abs() < 1e-12);
    }

    #[test]
    fn handle_time_recovers_a_lognormal_and_an_hour_profile() {
        // Lognormal with cv 0.8; hours 8-11 have mean 200 s, hours 12-15 mean 300 s.
        let mut rng = rand_pcg::Pcg64::seed_from_u64(5);
        let sigma = (1.0f64 + 0.64).ln().sqrt();
        let records: Vec<CallRecord> = (0..16_000)
            .map(|i| {
                let hour = 8 + i % 8;
                let mean = if hour < 12 { 200.0 } else { 300.0 };
                let z: f64 =
                    rand_distr::Distribution::sample(&rand_distr::StandardNormal, &mut rng);
                let h = mean * (sigma * z - sigma * sigma / 2.0).exp();
                call(f64::from(hour) * 3600.0 + 10.0, 0.0, Some(h), "regular")
            })
            .collect();
        let fit = handle_time(&records).expect("answered calls");
        // Each hour's mean from 2,000 calls: standard error 0.8·mean/√2000 ≈ 1.8% of the mean.
        for h in 8..16 {
            let want = if h < 12 { 200.0 } else { 300.0 };
            assert!((fit.mean_by_hour[h] - want).abs() < 0.06 * want, "hour {h}");
            assert_eq!(fit.calls_by_hour[h], 2000);
        }
        assert!(
            (fit.mean_by_hour[3] - fit.mean_s).abs() < 1e-9,
            "an hour without calls takes the mean"
        );
        assert!(
            (fit.normalised_cv - 0.8).abs() < 0.06,
            "{}",
            fit.normalised_cv
        );
        // The lognormal is the best parametric fit and within the KS critical value.
        let ks = |name: &str| {
            fit.candidates
                .iter()
                .find(|c| c.family.name() == name)
                .map(|c| c.ks)
                .expect("tried")
        };
        assert!(ks("lognormal") < ks("gamma"));
        assert!(ks("lognormal") < fit.ks_critical);
        assert_eq!(fit.family().name(), "lognormal");
    }

    /// Found by fuzzing (fuzz/corpus/calibration_logs/slow-gamma-of-near-constant-handle-times): handle
    /// times all but equal gave a gamma of shape in the millions, whose CDF took over a minute for 78
    /// calls. Such a sample gets no gamma candidate; a spread one keeps it.
    #[test]
    fn near_constant_handle_times_get_no_gamma_candidate() {
        let fit_of = |spread: f64| {
            let records: Vec<CallRecord> = (0..200)
                .map(|i| {
                    let h = 180.0 + spread * f64::from(i % 2);
                    call(f64::from(i) * 60.0 + 36_000.0, 0.0, Some(h), "regular")
                })
                .collect();
            handle_time(&records).expect("answered")
        };
        let has_gamma =
            |fit: &HandleTimeFit| fit.candidates.iter().any(|c| c.family.name() == "gamma");
        // cv of 180 s and 180.5 s alternating: about 0.0014 (shape about 5e5).
        assert!(!has_gamma(&fit_of(0.5)));
        // cv about 0.2.
        assert!(has_gamma(&fit_of(80.0)));
    }

    #[test]
    fn a_share_of_short_calls_is_fitted_by_the_mixture() {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(9);
        let records: Vec<CallRecord> = (0..20_000)
            .map(|i| {
                let h = if rng.random::<f64>() < 0.1 {
                    -3.0 * (1.0 - rng.random::<f64>()).ln()
                } else {
                    let z: f64 =
                        rand_distr::Distribution::sample(&rand_distr::StandardNormal, &mut rng);
                    (5.3 + 0.5 * z).exp()
                };
                call(f64::from(i % 3600) + 36_000.0, 0.0, Some(h), "regular")
            })
            .collect();
        let fit = handle_time(&records).expect("answered");
        let mixture = fit
            .candidates
            .iter()
            .find(|c| c.family.name() == "mixture")
            .expect("tried");
        for c in &fit.candidates {
            if matches!(c.family, Family::LogNormal { .. } | Family::Gamma { .. }) {
                assert!(
                    mixture.ks < c.ks,
                    "{} {} vs mixture {}",
                    c.family.name(),
                    c.ks,
                    mixture.ks
                );
            }
        }
        assert!((fit.short_share - 0.1).abs() < 0.01);
    }

    #[test]
    fn arrivals_are_means_over_observed_days_only() {
        let monday = days_from_civil(2026, 3, 2);
        let at = |day: i64, clock: f64| call(day as f64 * DAY_S + clock, 0.0, Some(1.0), "regular");
        // Two Mondays observed: 3 calls at 09:xx on the first, 1 on the second. A Tuesday observed with
        // no call. The Monday a week later has no row at all: not a day of data.
        let records = [
            at(monday, 9.0 * 3600.0),
            at(monday, 9.5 * 3600.0),
            at(monday, 9.9 * 3600.0),
            at(monday + 14, 9.1 * 3600.0),
            at(monday + 14, 10.0 * 3600.0 + 1.0),
        ];
        let dates = BTreeSet::from([monday, monday + 1, monday + 14]);
        let p = arrivals(&records, &dates, 3600.0);
        assert_eq!(p.per_day, 24);
        assert_eq!(p.days, [2, 1, 0, 0, 0, 0, 0]);
        assert_eq!(p.per_hour[9], 2.0);
        assert_eq!(p.per_hour[10], 0.5);
        assert_eq!(p.per_hour[24 + 9], 0.0);
        // Half-hour intervals: rates stay per hour.
        let p = arrivals(&records, &dates, 1800.0);
        // 09:00-09:30: one call on each Monday, 1 per half hour = 2 per hour; 09:30-10:00: two calls on the
        // first Monday; 10:00-10:30: one on the second.
        assert_eq!(p.per_hour[18], 2.0);
        assert_eq!(p.per_hour[19], 2.0);
        assert_eq!(p.per_hour[20], 1.0);
        assert_eq!(p.per_hour.len(), 7 * 48);
    }

    #[test]
    fn the_credit_is_the_difference_of_waits_in_busy_intervals() {
        let mut records = Vec::new();
        for k in 0..30 {
            let t = f64::from(k) * 3600.0;
            for i in 0..6 {
                records.push(call(
                    t + f64::from(i),
                    200.0 + f64::from(i),
                    Some(60.0),
                    "regular",
                ));
            }
            for i in 0..3 {
                records.push(call(
                    t + f64::from(i),
                    120.0 + f64::from(i),
                    Some(60.0),
                    "high",
                ));
            }
        }
        // Regular mean 202.5, high mean 121: 81.5 s in every interval.
        let c = credit(&records, "high", "regular", 3600.0);
        assert!(c.estimated);
        assert_eq!(c.intervals, 30);
        assert!((c.credit_s - 81.5).abs() < 1e-9);
        // Light load: nothing to measure, the documented default.
        let light: Vec<CallRecord> = records
            .iter()
            .map(|r| CallRecord {
                wait_s: r.wait_s / 10.0,
                ..r.clone()
            })
            .collect();
        let c = credit(&light, "high", "regular", 3600.0);
        assert!(!c.estimated);
        assert_eq!(c.credit_s, DEFAULT_CREDIT_S);
    }

    #[test]
    fn repeats_count_contacts_again_within_the_window() {
        let mut a = call(0.0, 0.0, Some(100.0), "regular");
        a.customer = Some("c1".into());
        let mut b = call(3000.0, 0.0, Some(100.0), "regular");
        b.customer = Some("c1".into());
        let mut c = call(500.0, 0.0, Some(100.0), "regular");
        c.customer = Some("c2".into());
        let d = call(600.0, 0.0, Some(100.0), "regular");
        let s = repeats(&[a.clone(), b.clone(), c.clone(), d.clone()], 3600.0).expect("ids");
        assert_eq!(s.identified, 3);
        assert_eq!(s.customers, 2);
        assert!((s.identified_share - 0.75).abs() < 1e-12);
        // Answered identified contacts: a (repeated by b within 1 h), b, c: 1 of 3.
        assert!((s.repeat_share - 1.0 / 3.0).abs() < 1e-12);
        assert!((s.multi_contact_share - 0.5).abs() < 1e-12);
        let s = repeats(&[a, b, c, d], 1000.0).expect("ids");
        assert_eq!(s.repeat_share, 0.0);
        assert!(repeats(&[call(0.0, 0.0, Some(1.0), "regular")], 60.0).is_none());
    }
}

/// Gaps longer than this between an agent's services while callers waited are not after-call work but
/// breaks, other duties or another queue's work: left out of the estimate.
pub const MAX_AFTER_CALL_S: f64 = 60.0;

/// After-call work (wrap-up) estimated from agent activity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AfterCallWork {
    /// Mean time between the end of an agent's service and the start of their next while callers waited
    /// throughout (at most [`MAX_AFTER_CALL_S`]).
    pub mean_s: f64,
    /// Gaps the mean is taken over.
    pub gaps: usize,
}

/// After-call work from the log. Talk time in most ACD logs (the bank's `ser_time`) leaves out wrap-up,
/// but an agent is not free the moment the talking stops. When a caller is waiting all along, a free agent
/// would take them at once, so an agent's gap between one service's end and the next one's start, while
/// someone waited throughout, is the time the agent was not yet free: wrap-up plus the switch's routing.
/// The mean of those gaps (up to [`MAX_AFTER_CALL_S`]: longer ones are breaks or other work) is the
/// after-call work each service adds to the agent's time. `None` without such gaps (no agent ids, or never
/// a queue).
pub fn after_call_work(records: &[CallRecord]) -> Option<AfterCallWork> {
    // Spells when some caller waited, as (start, end), with the running maximum of the ends: a gap
    // [a, b] was covered by one waiting caller iff some spell starts at or before a and ends at or after b.
    let mut spells: Vec<(f64, f64)> = records
        .iter()
        .filter(|r| !r.outbound && r.wait_s > 0.0)
        .map(|r| (r.arrival_s, r.arrival_s + r.wait_s))
        .collect();
    spells.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut reach = Vec::with_capacity(spells.len());
    let mut m = f64::NEG_INFINITY;
    for s in &spells {
        m = m.max(s.1);
        reach.push(m);
    }
    let covered = |a: f64, b: f64| {
        let k = spells.partition_point(|s| s.0 <= a);
        k > 0 && reach[k - 1] >= b
    };
    let mut by_agent: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for r in records {
        if let (Some(agent), Some(start), Some(end)) = (&r.agent, r.answer_s(), r.end_s()) {
            by_agent
                .entry(agent.as_str())
                .or_default()
                .push((start, end));
        }
    }
    let (mut sum, mut n) = (0.0, 0usize);
    for services in by_agent.values_mut() {
        services.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in services.windows(2) {
            let (end, next) = (pair[0].1, pair[1].0);
            let gap = next - end;
            if (0.0..=MAX_AFTER_CALL_S).contains(&gap) && covered(end, next) {
                sum += gap;
                n += 1;
            }
        }
    }
    (n > 0).then(|| AfterCallWork {
        mean_s: sum / n as f64,
        gaps: n,
    })
}

#[cfg(test)]
mod after_call_tests {
    use super::*;

    fn served(arrival: f64, wait: f64, talk: f64, agent: &str) -> CallRecord {
        CallRecord {
            arrival_s: arrival,
            wait_s: wait,
            handle_s: Some(talk),
            outcome: Outcome::Answered,
            agent: Some(agent.into()),
            customer: None,
            class: "regular".into(),
            outbound: false,
        }
    }

    #[test]
    fn only_gaps_while_someone_waited_count() {
        // Agent a: services 0-100, 110-200 (a caller waited 50-110: the 10 s gap counts), then 260-300 (a
        // 60 s gap with nobody waiting: idle, not wrap-up), then 306-400 (a caller waited 250-306: 6 s).
        let records = vec![
            served(0.0, 0.0, 100.0, "a"),
            served(50.0, 60.0, 90.0, "a"),
            served(260.0, 0.0, 40.0, "a"),
            served(250.0, 56.0, 94.0, "a"),
        ];
        let w = after_call_work(&records).expect("two gaps");
        assert_eq!(w.gaps, 2);
        assert!((w.mean_s - 8.0).abs() < 1e-9, "{w:?}");
    }

    #[test]
    fn long_gaps_and_logs_without_queues_give_nothing() {
        // A 90 s gap while a caller waited is a break, not wrap-up; and without queueing there is no gap.
        let records = vec![served(0.0, 0.0, 100.0, "a"), served(10.0, 180.0, 50.0, "a")];
        assert_eq!(after_call_work(&records), None);
        let records = vec![served(0.0, 0.0, 100.0, "a"), served(105.0, 0.0, 50.0, "a")];
        assert_eq!(after_call_work(&records), None);
    }
}
