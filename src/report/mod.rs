//! The report of a run: every KPI as a mean over replications with its 95% confidence interval, built from
//! replication tallies only (never from engine state), and the exporters that write it.
//!
//! A ratio KPI is computed within each replication first (answered within target / offered, ...) and then
//! averaged over replications, so its confidence interval comes from independent replications.

pub mod csv;
pub mod json;
pub mod table;
pub mod write;

use crate::scenario::Scenario;
use crate::stats::{Estimate, IntervalTally, ReplicationTally};
use indexmap::IndexMap;
use serde::Serialize;

/// KPIs of one channel over the horizon. Field order is the summary.json contract (docs/output.md).
#[derive(Debug, Clone, Serialize)]
pub struct ChannelKpis {
    pub offered: Estimate,
    pub answered: Estimate,
    pub abandoned: Estimate,
    pub blocked: Estimate,
    pub service_level: Estimate,
    pub service_level_answered: Estimate,
    pub asa_s: Estimate,
    pub abandon_rate: Estimate,
    pub block_rate: Estimate,
    pub prob_wait: Estimate,
    pub occupancy: Estimate,
    pub aht_s: Estimate,
    pub wait_p90_s: Estimate,
    pub unfinished: Estimate,
}

/// The KPIs shown per interval (the same definitions over the contacts that arrived in the interval).
#[derive(Debug, Clone, Serialize)]
pub struct IntervalKpis {
    pub offered: Estimate,
    pub answered: Estimate,
    pub abandoned: Estimate,
    pub blocked: Estimate,
    pub service_level: Estimate,
    pub service_level_answered: Estimate,
    pub asa_s: Estimate,
    pub abandon_rate: Estimate,
    pub block_rate: Estimate,
    pub prob_wait: Estimate,
    pub occupancy: Estimate,
    pub aht_s: Estimate,
    /// Mean number of agents on duty in the groups that serve the channel.
    pub staffed_agents: Estimate,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupKpis {
    pub occupancy: Estimate,
    pub staffed_hours: Estimate,
    pub busy_hours: Estimate,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChannelTarget {
    pub within_s: f64,
    pub share: f64,
}

/// Settings that shaped the run, echoed in summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub horizon_s: f64,
    pub warmup_s: f64,
    pub interval_s: f64,
    pub targets: IndexMap<String, ChannelTarget>,
    pub supportsim_version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub scenario: String,
    pub seed: u64,
    pub replications: u32,
    pub channels: IndexMap<String, ChannelKpis>,
    pub groups: IndexMap<String, GroupKpis>,
    pub run: RunInfo,
    /// Per channel, one row per interval (written to intervals.csv, not to summary.json).
    #[serde(skip)]
    pub intervals: IndexMap<String, Vec<IntervalKpis>>,
    /// Contacts and events simulated over all replications, warm-up included.
    #[serde(skip)]
    pub contacts_simulated: u64,
    #[serde(skip)]
    pub events: u64,
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| num / den)
}

/// Contact KPIs of one tally (a channel's horizon or one interval) within one replication.
struct ContactKpis {
    offered: f64,
    answered: f64,
    abandoned: f64,
    blocked: f64,
    service_level: Option<f64>,
    service_level_answered: Option<f64>,
    asa_s: Option<f64>,
    abandon_rate: Option<f64>,
    block_rate: Option<f64>,
    prob_wait: Option<f64>,
    aht_s: Option<f64>,
}

impl ContactKpis {
    fn of(t: &IntervalTally) -> Self {
        let offered = t.offered as f64;
        let answered = t.answered as f64;
        ContactKpis {
            offered,
            answered,
            abandoned: t.abandoned as f64,
            blocked: t.blocked as f64,
            service_level: ratio(t.answered_within as f64, offered),
            service_level_answered: ratio(t.answered_within as f64, answered),
            asa_s: ratio(t.wait_answered_s, answered),
            abandon_rate: ratio(t.abandoned as f64, offered),
            block_rate: ratio(t.blocked as f64, offered),
            prob_wait: ratio(t.waited as f64, offered),
            aht_s: ratio(t.handle_s, answered),
        }
    }
}

/// Mean and CI over replications of one quantity.
fn est<T>(reps: &[T], f: impl Fn(&T) -> Option<f64>) -> Estimate {
    Estimate::from_values(reps.iter().map(f))
}

impl Report {
    pub fn build(s: &Scenario, reps: &[ReplicationTally]) -> Report {
        let n_int = s.intervals();
        let mut channels = IndexMap::new();
        let mut intervals = IndexMap::new();
        for (ci, c) in s.channels.iter().enumerate() {
            let serving: Vec<usize> = s
                .groups
                .iter()
                .enumerate()
                .filter(|(_, g)| g.skills.iter().any(|k| k.channel == ci))
                .map(|(gi, _)| gi)
                .collect();
            let staffed =
                |r: &ReplicationTally| serving.iter().map(|&g| r.groups[g].staffed_s).sum::<f64>();
            let k: Vec<(ContactKpis, &ReplicationTally)> = reps
                .iter()
                .map(|r| (ContactKpis::of(&r.channels[ci].total), r))
                .collect();
            channels.insert(
                c.name.clone(),
                ChannelKpis {
                    offered: est(&k, |(x, _)| Some(x.offered)),
                    answered: est(&k, |(x, _)| Some(x.answered)),
                    abandoned: est(&k, |(x, _)| Some(x.abandoned)),
                    blocked: est(&k, |(x, _)| Some(x.blocked)),
                    service_level: est(&k, |(x, _)| x.service_level),
                    service_level_answered: est(&k, |(x, _)| x.service_level_answered),
                    asa_s: est(&k, |(x, _)| x.asa_s),
                    abandon_rate: est(&k, |(x, _)| x.abandon_rate),
                    block_rate: est(&k, |(x, _)| x.block_rate),
                    prob_wait: est(&k, |(x, _)| x.prob_wait),
                    occupancy: est(&k, |(_, r)| ratio(r.channels[ci].total.busy_s, staffed(r))),
                    aht_s: est(&k, |(x, _)| x.aht_s),
                    wait_p90_s: est(&k, |(_, r)| r.channels[ci].waits.quantile(0.9)),
                    unfinished: est(&k, |(_, r)| Some(r.channels[ci].total.unfinished as f64)),
                },
            );
            let rows = (0..n_int)
                .map(|i| {
                    let k: Vec<(ContactKpis, &ReplicationTally)> = reps
                        .iter()
                        .map(|r| (ContactKpis::of(&r.channels[ci].intervals[i]), r))
                        .collect();
                    let staffed_i = |r: &ReplicationTally| {
                        serving
                            .iter()
                            .map(|&g| r.groups[g].staffed_intervals[i])
                            .sum::<f64>()
                    };
                    IntervalKpis {
                        offered: est(&k, |(x, _)| Some(x.offered)),
                        answered: est(&k, |(x, _)| Some(x.answered)),
                        abandoned: est(&k, |(x, _)| Some(x.abandoned)),
                        blocked: est(&k, |(x, _)| Some(x.blocked)),
                        service_level: est(&k, |(x, _)| x.service_level),
                        service_level_answered: est(&k, |(x, _)| x.service_level_answered),
                        asa_s: est(&k, |(x, _)| x.asa_s),
                        abandon_rate: est(&k, |(x, _)| x.abandon_rate),
                        block_rate: est(&k, |(x, _)| x.block_rate),
                        prob_wait: est(&k, |(x, _)| x.prob_wait),
                        occupancy: est(&k, |(_, r)| {
                            ratio(r.channels[ci].intervals[i].busy_s, staffed_i(r))
                        }),
                        aht_s: est(&k, |(x, _)| x.aht_s),
                        staffed_agents: est(&k, |(_, r)| Some(staffed_i(r) / s.interval_s)),
                    }
                })
                .collect();
            intervals.insert(c.name.clone(), rows);
        }
        let groups = s
            .groups
            .iter()
            .enumerate()
            .map(|(gi, g)| {
                let kpis = GroupKpis {
                    occupancy: est(reps, |r| ratio(r.groups[gi].busy_s, r.groups[gi].staffed_s)),
                    staffed_hours: est(reps, |r| Some(r.groups[gi].staffed_s / 3600.0)),
                    busy_hours: est(reps, |r| Some(r.groups[gi].busy_s / 3600.0)),
                };
                (g.name.clone(), kpis)
            })
            .collect();
        Report {
            scenario: s.name.clone(),
            seed: s.seed,
            replications: s.replications,
            channels,
            groups,
            run: RunInfo {
                horizon_s: s.horizon_s,
                warmup_s: s.warmup_s,
                interval_s: s.interval_s,
                targets: s
                    .channels
                    .iter()
                    .map(|c| {
                        (
                            c.name.clone(),
                            ChannelTarget {
                                within_s: c.target.within_s,
                                share: c.target.share,
                            },
                        )
                    })
                    .collect(),
                supportsim_version: env!("CARGO_PKG_VERSION"),
            },
            intervals,
            contacts_simulated: reps.iter().map(|r| r.contacts_simulated).sum(),
            events: reps.iter().map(|r| r.events).sum(),
        }
    }
}
