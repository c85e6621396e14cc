//! The staffing estimator chosen on the calibration data itself.
//!
//! Logs do not record who was logged in, so `staffing::estimate` counts an agent on duty between services
//! less than G minutes apart. No G is right a priori: too short and the agent seems to leave during every
//! quiet spell (too few agents, a pessimistic model), too long and breaks and lunch count as duty (too
//! many, an optimistic one). So each candidate G is tried the way the calibration will be used: the
//! calibrated scenario is backtested on the calibration days themselves, with each day's observed
//! arrivals and the agents G gives, and the G whose simulated days come closest to what happened is kept.
//! "Closest": the sum over the four KPIs (abandonment, ASA, P(wait), service level) of the overall mean
//! absolute error relative to the best candidate's on that KPI, so that seconds and shares weigh alike.
//! Only the data being calibrated is used: a later backtest on other months stays out of sample.

use super::backtest::{self, Kpi, Model, Scope};
use super::fit::Calibration;
use super::history::History;
use super::output::{self, Provenance};
use super::read::CallLog;
use crate::experiment::Runner;
use crate::scenario::Scenario;

/// Replications per day when trying a candidate: enough that the choice is not decided by simulation
/// noise (each candidate is scored over hundreds of intervals), few enough to take seconds.
pub const REPLICATIONS: u32 = 5;

/// One candidate's in-sample scores.
#[derive(Debug, Clone, PartialEq)]
pub struct GapScore {
    pub gap_min: u32,
    /// Overall MAE of the simulation per KPI, in [`Kpi::ALL`] order (`None`: no interval scored).
    pub mae: [Option<f64>; 4],
    /// Sum over the KPIs of the MAE relative to the best candidate's (the lower, the better).
    pub score: f64,
}

/// Why a candidate could not be tried (a bug rather than bad input: the scenario and history are ours).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChooseError {
    #[error("the calibrated scenario does not validate: {0}")]
    Scenario(String),
    #[error("the calibration history does not parse: {0}")]
    History(String),
    #[error("backtest of gap {gap_min} min: {message}")]
    Backtest { gap_min: u32, message: String },
}

/// Backtests `cal` with each gap of `candidates` on the log it was calibrated from, and returns the
/// scores (in `candidates` order) and the index of the best (ties: the shorter gap).
pub fn choose_gap(
    log: &CallLog,
    cal: &Calibration,
    provenance: &Provenance,
    candidates: &[u32],
    runner: &Runner,
) -> Result<(Vec<GapScore>, usize), ChooseError> {
    let mut scores = Vec::new();
    for &g in candidates {
        let c = cal.with_gap(log, g);
        let text = output::scenario_toml(&c, provenance);
        let scenario = Scenario::from_toml(&text, "calibrated scenario", None)
            .map_err(|e| ChooseError::Scenario(e.to_string()))?;
        let history = History::parse(
            &output::history_csv(log, &c),
            "calibration history",
            scenario.interval_s,
        )
        .map_err(|e| ChooseError::History(e.to_string()))?;
        let options = backtest::Options {
            replications: REPLICATIONS,
            channel: None,
            origin: "calibration history".into(),
        };
        let b = backtest::run(&scenario, &history, &options, runner, &|| {}).map_err(|e| {
            ChooseError::Backtest {
                gap_min: g,
                message: e.to_string(),
            }
        })?;
        let mut mae = [None; 4];
        for row in &b.scorecard {
            if row.scope == Scope::Overall {
                let k = Kpi::ALL.iter().position(|&k| k == row.kpi).unwrap_or(0);
                mae[k] = row.scores[0].map(|s| s.mae);
            }
        }
        debug_assert_eq!(Model::ALL[0], Model::Supportsim);
        scores.push(GapScore {
            gap_min: g,
            mae,
            score: 0.0,
        });
    }
    // A candidate whose simulation could not be scored on some KPI is not chosen.
    for s in &mut scores {
        if s.mae.iter().any(Option::is_none) {
            s.score = f64::INFINITY;
        }
    }
    for k in 0..4 {
        let best = scores
            .iter()
            .filter_map(|s| s.mae[k])
            .fold(f64::INFINITY, f64::min);
        for s in &mut scores {
            if let Some(m) = s.mae[k]
                && best > 0.0
                && best.is_finite()
            {
                s.score += m / best;
            }
        }
    }
    let best = (0..scores.len())
        .min_by(|&a, &b| {
            scores[a]
                .score
                .total_cmp(&scores[b].score)
                .then(candidates[a].cmp(&candidates[b]))
        })
        .unwrap_or(0);
    Ok((scores, best))
}
