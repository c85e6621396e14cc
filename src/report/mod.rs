//! The report of a run: every KPI as a mean over replications with its 95% confidence interval, built from
//! replication tallies only (never from engine state), and the exporters that write it.
//!
//! A ratio KPI is computed within each replication first (answered within target / offered, ...) and then
//! averaged over replications, so its confidence interval comes from independent replications.

pub mod backtest;
pub mod calls;
pub mod compare;
pub mod csv;
pub mod html;
pub mod json;
pub mod kpi;
pub mod part;
pub mod plan;
pub mod plot;
pub mod sheet;
pub mod sweep;
pub mod table;
pub mod units;
pub mod write;

use crate::scenario::{ChannelKind, Scenario};
use crate::stats::{Estimate, IntervalTally, ReplicationTally};
use indexmap::IndexMap;
use serde::Serialize;

/// The contact KPIs a channel reports over the whole horizon and over each interval. Field order is the
/// summary.json contract (docs/output.md).
#[derive(Debug, Clone, Serialize)]
pub struct ContactKpis {
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
    /// Answered by an overflow (secondary) group.
    pub overflowed: Estimate,
    /// Contacts an engaged agent holds on average: handling time / engaged agent time (1 for voice).
    pub chats_per_agent: Estimate,
    /// Self-service: contacts resolved without an agent, and their share of those offered.
    pub contained: Estimate,
    pub containment_rate: Estimate,
    /// Callbacks offered, accepted, completed (reached) and unreached.
    pub callbacks_offered: Estimate,
    pub callbacks_accepted: Estimate,
    pub callbacks_completed: Estimate,
    pub callbacks_unreached: Estimate,
    /// Share of waiting contacts told the expected wait.
    pub informed_share: Estimate,
    /// Probability that the service level misses the target share (the share of replications in which it
    /// did): with forecast uncertainty, the risk a plan runs on a plausible day.
    pub p_target_missed: Estimate,
}

impl ContactKpis {
    /// The KPIs with their JSON (and CSV column) names, in contract order.
    pub fn fields(&self) -> [(&'static str, &Estimate); 22] {
        [
            ("offered", &self.offered),
            ("answered", &self.answered),
            ("abandoned", &self.abandoned),
            ("blocked", &self.blocked),
            ("service_level", &self.service_level),
            ("service_level_answered", &self.service_level_answered),
            ("asa_s", &self.asa_s),
            ("abandon_rate", &self.abandon_rate),
            ("block_rate", &self.block_rate),
            ("prob_wait", &self.prob_wait),
            ("occupancy", &self.occupancy),
            ("aht_s", &self.aht_s),
            ("overflowed", &self.overflowed),
            ("chats_per_agent", &self.chats_per_agent),
            ("contained", &self.contained),
            ("containment_rate", &self.containment_rate),
            ("callbacks_offered", &self.callbacks_offered),
            ("callbacks_accepted", &self.callbacks_accepted),
            ("callbacks_completed", &self.callbacks_completed),
            ("callbacks_unreached", &self.callbacks_unreached),
            ("informed_share", &self.informed_share),
            ("p_target_missed", &self.p_target_missed),
        ]
    }

    /// Mean and CI over replications, from each replication's tally of these contacts and the staffed
    /// agent time of the groups serving the channel over the same period.
    fn over(
        reps: &[ReplicationTally],
        tally: impl Fn(&ReplicationTally) -> &IntervalTally,
        staffed_s: impl Fn(&ReplicationTally) -> f64,
        target_share: f64,
    ) -> Self {
        Self::over_channel(reps, tally, staffed_s, Some(target_share))
    }

    /// As `over`; `target_share` is `None` for a self-service stage, which has no agents: its service level,
    /// waits, handle times and occupancy are undefined rather than zero.
    fn over_channel(
        reps: &[ReplicationTally],
        tally: impl Fn(&ReplicationTally) -> &IntervalTally,
        staffed_s: impl Fn(&ReplicationTally) -> f64,
        target_share: Option<f64>,
    ) -> Self {
        let served = target_share.is_some();
        let target_share = target_share.unwrap_or(0.0);
        // Ratios about agents' service; counts and the containment rate stay defined.
        let agent_ratio = |num: f64, den: f64| if served { ratio(num, den) } else { None };
        let est = |f: &dyn Fn(&IntervalTally, &ReplicationTally) -> Option<f64>| {
            Estimate::from_values(reps.iter().map(|r| f(tally(r), r)))
        };
        let share = |f: &dyn Fn(&IntervalTally, &ReplicationTally) -> Option<f64>| est(f).share();
        ContactKpis {
            offered: est(&|t, _| Some(t.offered as f64)),
            answered: est(&|t, _| Some(t.answered as f64)),
            abandoned: est(&|t, _| Some(t.abandoned as f64)),
            blocked: est(&|t, _| Some(t.blocked as f64)),
            service_level: share(&|t, _| agent_ratio(t.answered_within as f64, t.offered as f64)),
            service_level_answered: share(&|t, _| {
                agent_ratio(t.answered_within as f64, t.answered as f64)
            }),
            asa_s: est(&|t, _| agent_ratio(t.wait_answered_s, t.answered as f64)),
            abandon_rate: share(&|t, _| agent_ratio(t.abandoned as f64, t.offered as f64)),
            block_rate: share(&|t, _| agent_ratio(t.blocked as f64, t.offered as f64)),
            prob_wait: share(&|t, _| agent_ratio(t.waited as f64, t.offered as f64)),
            occupancy: share(&|t, r| agent_ratio(t.busy_s, staffed_s(r))),
            aht_s: est(&|t, _| agent_ratio(t.handle_s, t.answered as f64)),
            overflowed: est(&|t, _| Some(t.overflowed as f64)),
            chats_per_agent: est(&|t, _| agent_ratio(t.work_s, t.busy_s)),
            contained: est(&|t, _| Some(t.contained as f64)),
            containment_rate: share(&|t, _| ratio(t.contained as f64, t.offered as f64)),
            callbacks_offered: est(&|t, _| Some(t.callbacks_offered as f64)),
            callbacks_accepted: est(&|t, _| Some(t.callbacks_accepted as f64)),
            callbacks_completed: est(&|t, _| Some(t.callbacks_completed as f64)),
            callbacks_unreached: est(&|t, _| Some(t.callbacks_unreached as f64)),
            informed_share: share(&|t, _| agent_ratio(t.informed as f64, t.waited as f64)),
            // Per replication: 1 if its service level fell short of the target. The mean is the probability.
            // A share of replications: Wilson's interval for that many trials.
            p_target_missed: est(&|t, _| {
                agent_ratio(t.answered_within as f64, t.offered as f64)
                    .map(|sl| if sl < target_share { 1.0 } else { 0.0 })
            })
            .share_of_replications(),
        }
    }
}

/// Case KPIs: the customer's issue from first contact to resolution (docs/output.md, "Cases").
#[derive(Debug, Clone, Serialize)]
pub struct CaseKpis {
    /// Cases opened in the window (by a first contact).
    pub cases: Estimate,
    /// Resolved (correctly) at the first contact / cases.
    pub fcr_rate: Estimate,
    /// Resolved (correctly), at any contact / cases.
    pub resolution_rate: Estimate,
    /// Contacts per case, all channels, counting contacts that abandoned or were blocked.
    pub contacts_per_case: Estimate,
    /// Mean time from the first contact to the resolution, resolved cases (s).
    pub time_to_resolution_s: Estimate,
    /// Ended unresolved because the customer gave up / after a contact left unserved and not retried.
    pub gave_up_rate: Estimate,
    pub left_unserved_rate: Estimate,
    /// Still open when the run stopped.
    pub open: Estimate,
}

impl CaseKpis {
    /// The KPIs with their JSON names, in contract order.
    pub fn fields(&self) -> [(&'static str, &Estimate); 8] {
        [
            ("cases", &self.cases),
            ("fcr_rate", &self.fcr_rate),
            ("resolution_rate", &self.resolution_rate),
            ("contacts_per_case", &self.contacts_per_case),
            ("time_to_resolution_s", &self.time_to_resolution_s),
            ("gave_up_rate", &self.gave_up_rate),
            ("left_unserved_rate", &self.left_unserved_rate),
            ("open", &self.open),
        ]
    }

    fn over(
        reps: &[ReplicationTally],
        tally: impl Fn(&ReplicationTally) -> crate::stats::CaseTally,
    ) -> Self {
        let e = |f: &dyn Fn(&crate::stats::CaseTally) -> Option<f64>| {
            Estimate::from_values(reps.iter().map(|r| f(&tally(r))))
        };
        CaseKpis {
            cases: e(&|t| Some(t.cases as f64)),
            fcr_rate: e(&|t| ratio(t.resolved_first as f64, t.cases as f64)).share(),
            resolution_rate: e(&|t| ratio(t.resolved as f64, t.cases as f64)).share(),
            contacts_per_case: e(&|t| ratio(t.contacts as f64, t.cases as f64)),
            time_to_resolution_s: e(&|t| ratio(t.resolution_time_s, t.resolved as f64)),
            gave_up_rate: e(&|t| ratio(t.gave_up as f64, t.cases as f64)).share(),
            left_unserved_rate: e(&|t| ratio(t.left_unserved as f64, t.cases as f64)).share(),
            open: e(&|t| Some(t.open as f64)),
        }
    }
}

/// The service levels cases ended at: shares of ended cases (open cases are left out), with 95% intervals.
#[derive(Debug, Clone, Serialize)]
pub struct Experience {
    /// Share of ended cases at each level, `1_disappointing` to `6_amazing` (they add up to 1).
    pub levels: IndexMap<&'static str, Estimate>,
    /// Share at level 4 (meets expectations) or above.
    pub level_4_or_above: Estimate,
    /// Share of ended cases held below level 4 mainly by each factor (they add up to the share below 4).
    pub held_down_by: IndexMap<&'static str, Estimate>,
}

impl Experience {
    fn over(
        reps: &[ReplicationTally],
        tally: impl Fn(&ReplicationTally) -> crate::stats::CaseTally,
    ) -> Self {
        let share = |f: &dyn Fn(&crate::stats::CaseTally) -> u64| {
            Estimate::from_values(reps.iter().map(|r| {
                let t = tally(r);
                ratio(f(&t) as f64, t.levels.iter().sum::<u64>() as f64)
            }))
            .share()
        };
        Experience {
            levels: crate::experience::LEVELS
                .iter()
                .enumerate()
                .map(|(l, name)| (*name, share(&|t| t.levels[l])))
                .collect(),
            level_4_or_above: share(&|t| t.levels[3..].iter().sum()),
            held_down_by: crate::experience::Factor::ALL
                .iter()
                .enumerate()
                .map(|(k, f)| (f.as_str(), share(&|t| t.held_down[k])))
                .collect(),
        }
    }
}

/// One row of the service-standards scorecard.
#[derive(Debug, Clone, Serialize)]
pub struct StandardRow {
    /// The measure the standard is judged on, its value, and the target.
    pub headline: &'static str,
    pub value: Estimate,
    pub target: f64,
    /// "at_least" or "at_most".
    pub direction: &'static str,
    /// Whether the scenario models what the measure depends on (`modelled`): without announcements
    /// nobody is told the wait, without `resolution` every contact resolves, and so on. A standard not
    /// modelled is neither met nor missed.
    pub modelled: bool,
    /// Whether the mean meets the target (null when the measure is undefined, e.g. no complaints, or not
    /// modelled).
    pub met: Option<bool>,
    /// The standard's other measures.
    pub measures: IndexMap<&'static str, Estimate>,
}

/// Whether scenario `s` models what standard `name` is judged on: a measure the scenario does not model
/// (no announcements: nobody is informed; no `resolution`: every contact resolves at once, correctly) would
/// read as missed or perfect when it is neither. Time, accessibility (waits, abandonment and blocking as
/// configured) and friendliness (the groups' friendliness, default or given) are always modelled.
pub fn standard_modelled(s: &Scenario, name: &str) -> bool {
    let assisted = || {
        s.channels
            .iter()
            .filter(|c| c.kind != ChannelKind::SelfService)
    };
    match name {
        "speed" | "accuracy" => assisted().any(|c| c.resolution.is_some()),
        "transparency" => assisted().any(|c| c.announce.is_some()),
        // More than one contact per case needs an unresolved case coming back or a retry.
        "efficiency" => assisted().any(|c| c.resolution.is_some() || c.retry.is_some()),
        "action" => s.complaints.is_some(),
        _ => true,
    }
}

/// The eight standards of DOMAIN.md, over all channels (pooled per replication).
fn standards(s: &Scenario, reps: &[ReplicationTally]) -> IndexMap<&'static str, StandardRow> {
    // Pooled tallies of the assisted channels, per replication.
    let pooled = |r: &ReplicationTally| {
        let mut t = IntervalTally::default();
        for (c, ch) in s.channels.iter().zip(&r.channels) {
            if c.kind != ChannelKind::SelfService {
                t.add(&ch.total);
            }
        }
        t
    };
    let cases = |r: &ReplicationTally| {
        let mut t = crate::stats::CaseTally::default();
        for c in &r.channels {
            t.add(&c.cases);
        }
        t
    };
    let e =
        |f: &dyn Fn(&ReplicationTally) -> Option<f64>| Estimate::from_values(reps.iter().map(f));
    let complaints = s.complaints.map(|(_, c)| c);
    let mut rows = IndexMap::new();
    let mut row = |name: &'static str,
                   headline: &'static str,
                   value: Estimate,
                   measures: Vec<(&'static str, Estimate)>| {
        let (target, at_least) = s.standards.get(name);
        // Every headline but contacts per case is a share: its interval stays in [0, 1].
        let value = if headline == "contacts_per_case" {
            value
        } else {
            value.share()
        };
        let measures: Vec<(&'static str, Estimate)> = measures
            .into_iter()
            .map(|(k, e)| match k {
                "abandon_rate" | "block_rate" => (k, e.share()),
                _ => (k, e),
            })
            .collect();
        let modelled = standard_modelled(s, name);
        let met = value
            .mean
            .filter(|_| modelled)
            .map(|m| if at_least { m >= target } else { m <= target });
        rows.insert(
            name,
            StandardRow {
                headline,
                value,
                target,
                direction: if at_least { "at_least" } else { "at_most" },
                modelled,
                met,
                measures: measures.into_iter().collect(),
            },
        );
    };
    row(
        "speed",
        "fcr_rate",
        e(&|r| {
            let t = cases(r);
            ratio(t.resolved_first as f64, t.cases as f64)
        }),
        vec![
            (
                "first_response_s",
                e(&|r| {
                    let t = pooled(r);
                    ratio(t.wait_answered_s, t.answered as f64)
                }),
            ),
            (
                "time_to_resolution_s",
                e(&|r| {
                    let t = cases(r);
                    ratio(t.resolution_time_s, t.resolved as f64)
                }),
            ),
        ],
    );
    row(
        "time",
        "service_level",
        e(&|r| {
            let t = pooled(r);
            ratio(t.answered_within as f64, t.offered as f64)
        }),
        vec![(
            "asa_s",
            e(&|r| {
                let t = pooled(r);
                ratio(t.wait_answered_s, t.answered as f64)
            }),
        )],
    );
    row(
        "transparency",
        "informed_share",
        e(&|r| {
            let t = pooled(r);
            ratio(t.informed as f64, t.waited as f64)
        }),
        vec![],
    );
    row(
        "accuracy",
        "correct_resolution_share",
        e(&|r| {
            let t = cases(r);
            ratio(t.resolved as f64, (t.resolved + t.wrong_resolutions) as f64)
        }),
        vec![(
            "wrong_resolutions",
            e(&|r| Some(cases(r).wrong_resolutions as f64)),
        )],
    );
    row(
        "efficiency",
        "contacts_per_case",
        e(&|r| {
            let t = cases(r);
            ratio(t.contacts as f64, t.cases as f64)
        }),
        vec![
            (
                "agent_minutes_per_case",
                e(&|r| ratio(pooled(r).handle_s / 60.0, cases(r).cases as f64)),
            ),
            (
                "aht_s",
                e(&|r| {
                    let t = pooled(r);
                    ratio(t.handle_s, t.answered as f64)
                }),
            ),
        ],
    );
    row(
        "accessibility",
        "abandoned_or_blocked_share",
        e(&|r| {
            let t = pooled(r);
            ratio((t.abandoned + t.blocked) as f64, t.offered as f64)
        }),
        vec![
            (
                "abandon_rate",
                e(&|r| {
                    let t = pooled(r);
                    ratio(t.abandoned as f64, t.offered as f64)
                }),
            ),
            (
                "block_rate",
                e(&|r| {
                    let t = pooled(r);
                    ratio(t.blocked as f64, t.offered as f64)
                }),
            ),
            ("channels", e(&|_| Some(s.channels.len() as f64))),
        ],
    );
    row(
        "friendliness",
        "friendly_handling_share",
        e(&|r| {
            let t = pooled(r);
            ratio(t.friendly as f64, t.answered as f64)
        }),
        vec![],
    );
    row(
        "action",
        "complaints_answered_within_target",
        e(&|r| {
            complaints.and_then(|c| {
                ratio(
                    r.channels[c].total.answered_within as f64,
                    r.channels[c].total.offered as f64,
                )
            })
        }),
        vec![("complaints", e(&|r| Some(cases(r).complaints as f64)))],
    );
    rows
}

/// Experience overall and by the channel of the cases' first contact.
#[derive(Debug, Clone, Serialize)]
pub struct ExperienceReport {
    pub overall: Experience,
    pub by_first_channel: IndexMap<String, Experience>,
}

/// KPIs of one channel over the horizon.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelKpis {
    #[serde(flatten)]
    pub contacts: ContactKpis,
    pub wait_p90_s: Estimate,
    /// The distribution of waits of answered contacts, all replications pooled: (t seconds, share answered
    /// within t), for charts (not in summary.json); in opening hours when the target counts business hours.
    #[serde(skip)]
    pub wait_cdf: Vec<(f64, f64)>,
    pub unfinished: Estimate,
    /// Contacts waiting at the end of the horizon (the backlog carried forward).
    pub backlog_end: Estimate,
    /// Mean over the horizon's days of the contacts waiting at midnight (null unless the interval divides
    /// a day and the horizon is whole days).
    pub backlog_end_of_day: Estimate,
    /// Contacts in service at the end of the horizon (followed until they finish).
    pub in_service_end: Estimate,
    /// Per priority class, for channels with classes (occupancy is not split by class: null).
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub classes: IndexMap<String, ContactKpis>,
    /// Cases whose first contact came on this channel.
    pub cases: CaseKpis,
}

/// KPIs of one channel over one interval (contacts that arrived in it; agent time spent in it).
#[derive(Debug, Clone, Serialize)]
pub struct IntervalKpis {
    #[serde(flatten)]
    pub contacts: ContactKpis,
    /// Mean number of agents on duty in the groups that serve the channel.
    pub staffed_agents: Estimate,
    /// Contacts waiting at the end of the interval.
    pub backlog: Estimate,
    /// Share of the cases that started in the interval (first contact on this channel) at each level.
    pub levels: [Estimate; 6],
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupKpis {
    pub occupancy: Estimate,
    pub staffed_hours: Estimate,
    pub busy_hours: Estimate,
    /// Time in each state, agent-hours: handling contacts, idle on duty, on break (as scheduled), and lost
    /// to whole-day absence, off-phone shrinkage and training sessions.
    pub handling_hours: Estimate,
    pub idle_hours: Estimate,
    pub break_hours: Estimate,
    pub shrinkage_hours: Estimate,
    /// Paid agent-hours: staffed + break + shrinkage (the scheduled time, plus any overrun), and their cost at
    /// the group's `cost_per_hour`.
    pub paid_hours: Estimate,
    pub staff_cost: Estimate,
}

impl GroupKpis {
    /// The KPIs with their JSON names, in contract order.
    pub fn fields(&self) -> [(&'static str, &Estimate); 9] {
        [
            ("occupancy", &self.occupancy),
            ("staffed_hours", &self.staffed_hours),
            ("busy_hours", &self.busy_hours),
            ("handling_hours", &self.handling_hours),
            ("idle_hours", &self.idle_hours),
            ("break_hours", &self.break_hours),
            ("shrinkage_hours", &self.shrinkage_hours),
            ("paid_hours", &self.paid_hours),
            ("staff_cost", &self.staff_cost),
        ]
    }
}

/// What a scenario costs over the measured window (summary.json `cost`).
#[derive(Debug, Clone, Serialize)]
pub struct CostKpis {
    /// Paid agent-hours of every group at its `cost_per_hour` (class time included: trainees are paid).
    pub staff: Estimate,
    /// Training programmes: fixed costs plus participant-hours at `cost_per_participant_hour`.
    pub training: Estimate,
    /// Staff plus training.
    pub total: Estimate,
}

impl CostKpis {
    /// The KPIs with their JSON names, in contract order.
    pub fn fields(&self) -> [(&'static str, &Estimate); 3] {
        [
            ("staff", &self.staff),
            ("training", &self.training),
            ("total", &self.total),
        ]
    }
}

/// A training programme over the window (summary.json `training.<name>`).
#[derive(Debug, Clone, Serialize)]
pub struct TrainingKpis {
    /// Participant time in sessions, agent-hours (counted as shrinkage of the group too).
    pub participant_hours: Estimate,
    /// Fixed cost + participant-hours × cost per participant-hour.
    pub cost: Estimate,
}

impl TrainingKpis {
    /// The KPIs with their JSON names, in contract order.
    pub fn fields(&self) -> [(&'static str, &Estimate); 2] {
        [
            ("participant_hours", &self.participant_hours),
            ("cost", &self.cost),
        ]
    }
}

/// A programme's cost in a replication whose participants spent `class_s` seconds in its sessions.
fn programme_cost(t: &crate::scenario::Training, class_s: f64) -> f64 {
    t.fixed_cost + class_s / 3600.0 * t.cost_per_participant_hour
}

/// Paid seconds of group `gi` in a replication: on duty, on break or absent.
fn paid_s(r: &ReplicationTally, gi: usize) -> f64 {
    let g = &r.groups[gi];
    g.staffed_s + g.break_s + g.shrinkage_s
}

/// A group over one interval: agents in each state (time-averaged head-counts) and occupancy.
#[derive(Debug, Clone, Serialize)]
pub struct GroupIntervalKpis {
    pub occupancy: Estimate,
    pub staffed_agents: Estimate,
    pub handling_agents: Estimate,
    pub idle_agents: Estimate,
    pub break_agents: Estimate,
    pub absent_agents: Estimate,
}

impl GroupIntervalKpis {
    pub fn fields(&self) -> [(&'static str, &Estimate); 6] {
        [
            ("occupancy", &self.occupancy),
            ("staffed_agents", &self.staffed_agents),
            ("handling_agents", &self.handling_agents),
            ("idle_agents", &self.idle_agents),
            ("break_agents", &self.break_agents),
            ("absent_agents", &self.absent_agents),
        ]
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ChannelTarget {
    /// The channel's kind: voice, chat, deferred or self-service.
    pub kind: &'static str,
    pub within_s: f64,
    pub share: f64,
    pub business_hours: bool,
    /// Coefficient of variation of the day's volume multiplier (forecast uncertainty; 0: none).
    pub forecast_cv: f64,
}

impl ChannelTarget {
    /// How long the target allows, in words: "20s", or "24 business hours" when it counts opening hours
    /// only (business time is not a clock day, so it is never written as days).
    pub fn within_label(&self) -> String {
        if !self.business_hours {
            return crate::time::duration::format_duration(self.within_s);
        }
        let (v, unit) = if self.within_s >= 3600.0 {
            (self.within_s / 3600.0, "hour")
        } else {
            (self.within_s / 60.0, "minute")
        };
        let v = (v * 100.0).round() / 100.0;
        format!("{v} business {unit}{}", if v == 1.0 { "" } else { "s" })
    }

    /// The target in words, the one label of the terminal table, the charts and report.html: "80% in
    /// 20s", "90% in 24 business hours".
    pub fn label(&self) -> String {
        format!("{:.0}% in {}", 100.0 * self.share, self.within_label())
    }
}

/// Settings that shaped the run, echoed in summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub horizon_s: f64,
    pub warmup_s: f64,
    pub interval_s: f64,
    pub targets: IndexMap<String, ChannelTarget>,
    /// The scenario's `currency`, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    pub supportsim_version: &'static str,
    /// Weekday and date of the start, for timestamps in the tables and on chart axes (not in summary.json).
    #[serde(skip)]
    pub calendar: crate::scenario::Calendar,
}

impl RunInfo {
    /// "cost (EUR)", or "cost" without a currency: the label of cost axes and lines.
    pub fn cost_label(&self) -> String {
        cost_label(self.currency.as_deref())
    }
}

/// "cost (EUR)", or "cost" without a currency.
pub fn cost_label(currency: Option<&str>) -> String {
    currency.map_or_else(|| "cost".to_string(), |c| format!("cost ({c})"))
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub scenario: String,
    pub seed: u64,
    pub replications: u32,
    /// Cases over all channels.
    pub cases: CaseKpis,
    /// The six customer experience levels (docs/experience.md; not the 80/20 service level).
    pub experience: ExperienceReport,
    /// Staff and training cost over the window.
    pub cost: CostKpis,
    /// Training programmes: class time and cost.
    pub training: IndexMap<String, TrainingKpis>,
    /// The eight service standards, each met or missed.
    pub standards: IndexMap<&'static str, StandardRow>,
    /// What the run's numbers may hide: contacts offered to an open channel with nobody on duty.
    pub warnings: Vec<Warning>,
    pub channels: IndexMap<String, ChannelKpis>,
    pub groups: IndexMap<String, GroupKpis>,
    pub run: RunInfo,
    /// Per channel, one row per interval (written to intervals.csv, not to summary.json).
    #[serde(skip)]
    pub intervals: IndexMap<String, Vec<IntervalKpis>>,
    /// Per group, one row per interval (written to groups.csv).
    #[serde(skip)]
    pub group_intervals: IndexMap<String, Vec<GroupIntervalKpis>>,
    /// Contacts and events simulated over all replications, warm-up included.
    #[serde(skip)]
    pub contacts_simulated: u64,
    #[serde(skip)]
    pub events: u64,
}

/// Contacts were offered to a channel while it was open but no agent of any group skilled for it was on
/// duty (staffed time 0 in every replication): they could only wait, abandon or carry over, and drag the
/// channel's service level down; usually a line open around the clock (no `open`) staffed only by day.
#[derive(Debug, Clone, Serialize)]
pub struct Warning {
    pub channel: String,
    /// The intervals, consecutive ones merged: [start, end) in seconds from the start of the horizon.
    pub intervals: Vec<(f64, f64)>,
    /// Mean contacts offered in them (per replication).
    pub offered: f64,
    /// The sentence the terminal prints, naming the first intervals.
    pub message: String,
}

/// How many ranges a warning's message names before "and N more".
const WARNING_RANGES: usize = 6;

/// The warnings of a run, from the tallies: per assisted channel, the open intervals with contacts offered
/// and no agent skilled for the channel on duty (`Report::warnings`; `compare` asks for them directly).
pub fn unstaffed_warnings(s: &Scenario, reps: &[ReplicationTally]) -> Vec<Warning> {
    let mut out = Vec::new();
    for (ci, c) in s.channels.iter().enumerate() {
        if c.kind == ChannelKind::SelfService {
            continue;
        }
        let serving = serving_groups(s, ci);
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        let mut offered = 0.0;
        for i in 0..s.intervals() {
            let arrived: u64 = reps
                .iter()
                .map(|r| r.channels[ci].intervals[i].offered)
                .sum();
            let staffed: f64 = reps
                .iter()
                .flat_map(|r| {
                    serving
                        .iter()
                        .map(move |&g| r.groups[g].staffed_intervals[i])
                })
                .sum();
            if arrived == 0 || staffed > 0.0 || !c.open.at(i as i64) {
                continue;
            }
            offered += arrived as f64 / reps.len().max(1) as f64;
            match ranges.last_mut() {
                Some((_, end)) if *end == i => *end = i + 1,
                _ => ranges.push((i, i + 1)),
            }
        }
        if ranges.is_empty() {
            continue;
        }
        let mut names: Vec<String> = ranges
            .iter()
            .take(WARNING_RANGES)
            .map(|&(a, b)| time_range(s, a as f64 * s.interval_s, b as f64 * s.interval_s))
            .collect();
        if ranges.len() > WARNING_RANGES {
            names.push(format!("and {} more", ranges.len() - WARNING_RANGES));
        }
        out.push(Warning {
            channel: c.name.clone(),
            intervals: ranges
                .iter()
                .map(|&(a, b)| (a as f64 * s.interval_s, b as f64 * s.interval_s))
                .collect(),
            offered,
            message: format!(
                "{}: {offered:.0} contacts offered while the channel is open but no agent skilled for it is on duty: {} (give the channel its opening hours, `open`, or staff them)",
                c.name,
                names.join(", ")
            ),
        });
    }
    out
}

/// A range of horizon time as a manager reads it: "Mon 18:00-Tue 08:00" when the horizon is whole days
/// (with the day number on horizons longer than a week), else clock times from the horizon's start.
fn time_range(s: &Scenario, from: f64, to: f64) -> String {
    // Days and clock times count from midnight of the first day.
    let (from, to) = (s.calendar.wall(from), s.calendar.wall(to));
    let whole_days = s.horizon_s % 86_400.0 == 0.0 && 86_400.0 % s.interval_s == 0.0;
    let at = |t: f64, day_shown: Option<i64>| {
        let day = (t / 86_400.0).floor() as i64;
        let m = ((t - day as f64 * 86_400.0) / 60.0).round() as i64;
        let clock = format!("{:02}:{:02}", m / 60, m % 60);
        if !whole_days {
            return csv::clock(t);
        }
        if day_shown == Some(day) {
            return clock;
        }
        let name = &crate::scenario::WEEKDAYS[usize::from(s.calendar.weekday(day))][..3];
        let name = format!("{}{}", name[..1].to_uppercase(), &name[1..]);
        if s.horizon_s > 7.0 * 86_400.0 {
            format!("day {} {name} {clock}", day + 1)
        } else {
            format!("{name} {clock}")
        }
    };
    let start_day = (from / 86_400.0).floor() as i64;
    // Shorter than a day, the end reads as a clock time ("Mon 19:00-08:00" is overnight); a range ending
    // at the midnight that closes its start day ends at 24:00.
    let end = if whole_days && to - from < 86_400.0 {
        let (day, m) = ((to / 86_400.0).floor() as i64, (to % 86_400.0) / 60.0);
        if day == start_day + 1 && m == 0.0 {
            "24:00".to_string()
        } else {
            let m = m.round() as i64;
            format!("{:02}:{:02}", m / 60, m % 60)
        }
    } else {
        at(to, Some(start_day))
    };
    format!("{}-{end}", at(from, None))
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| num / den)
}

/// Mean and CI over replications of one quantity.
fn est(reps: &[ReplicationTally], f: impl Fn(&ReplicationTally) -> Option<f64>) -> Estimate {
    Estimate::from_values(reps.iter().map(f))
}

impl Report {
    pub fn build(s: &Scenario, reps: &[ReplicationTally]) -> Report {
        let mut channels = IndexMap::new();
        let mut intervals = IndexMap::new();
        for (ci, c) in s.channels.iter().enumerate() {
            let serving = serving_groups(s, ci);
            // A self-service stage has no agents: no target, no service level.
            let target = (c.kind != ChannelKind::SelfService).then_some(c.target.share);
            let staffed =
                |r: &ReplicationTally| serving.iter().map(|&g| r.groups[g].staffed_s).sum::<f64>();
            channels.insert(
                c.name.clone(),
                ChannelKpis {
                    contacts: ContactKpis::over_channel(
                        reps,
                        |r| &r.channels[ci].total,
                        staffed,
                        target,
                    ),
                    wait_p90_s: est(reps, |r| r.channels[ci].waits.quantile(0.9)),
                    wait_cdf: {
                        // In opening hours for a business-hours target, as its service level counts them.
                        let mut pooled = crate::stats::WaitHistogram::default();
                        for r in reps {
                            pooled.add(if c.target.business_hours {
                                &r.channels[ci].business_waits
                            } else {
                                &r.channels[ci].waits
                            });
                        }
                        // From 0 to the longer of three times the target and the 99th percentile.
                        let top = pooled
                            .quantile(0.99)
                            .unwrap_or(0.0)
                            .max(3.0 * c.target.within_s)
                            .max(1.0);
                        (0..=200)
                            .filter_map(|k| {
                                let t = top * f64::from(k) / 200.0;
                                pooled.share_at_most(t).map(|p| (t, p))
                            })
                            .collect()
                    },
                    unfinished: est(reps, |r| Some(r.channels[ci].total.unfinished as f64)),
                    in_service_end: est(reps, |r| Some(f64::from(r.channels[ci].in_service_end))),
                    backlog_end: est(reps, |r| {
                        r.channels[ci].backlog.last().map(|&b| f64::from(b))
                    }),
                    backlog_end_of_day: est(reps, |r| {
                        // Only when intervals tile whole days (an interval longer than a day has none inside).
                        let per_day = (86_400.0 / s.interval_s).round() as usize;
                        let backlog = &r.channels[ci].backlog;
                        if 86_400.0 % s.interval_s != 0.0
                            || per_day == 0
                            || backlog.len() % per_day != 0
                        {
                            return None;
                        }
                        // The intervals that end at a midnight (the horizon may start after one).
                        let first = (s.calendar.start_clock_s / s.interval_s).round() as usize;
                        let ends: Vec<f64> = backlog
                            .iter()
                            .skip((2 * per_day - 1 - first % per_day) % per_day)
                            .step_by(per_day)
                            .map(|&b| f64::from(b))
                            .collect();
                        (!ends.is_empty()).then(|| ends.iter().sum::<f64>() / ends.len() as f64)
                    }),
                    cases: CaseKpis::over(reps, |r| r.channels[ci].cases),
                    classes: if c.classes.len() > 1 {
                        c.classes
                            .iter()
                            .enumerate()
                            .map(|(k, class)| {
                                (
                                    class.name.clone(),
                                    ContactKpis::over(
                                        reps,
                                        |r| &r.channels[ci].classes[k],
                                        |_| 0.0,
                                        c.target.share,
                                    ),
                                )
                            })
                            .collect()
                    } else {
                        IndexMap::new()
                    },
                },
            );
            let rows = (0..s.intervals())
                .map(|i| {
                    let staffed_i = |r: &ReplicationTally| {
                        serving
                            .iter()
                            .map(|&g| r.groups[g].staffed_intervals[i])
                            .sum::<f64>()
                    };
                    IntervalKpis {
                        contacts: ContactKpis::over_channel(
                            reps,
                            |r| &r.channels[ci].intervals[i],
                            staffed_i,
                            target,
                        ),
                        staffed_agents: est(reps, |r| Some(staffed_i(r) / s.interval_s)),
                        backlog: est(reps, |r| Some(f64::from(r.channels[ci].backlog[i]))),
                        levels: std::array::from_fn(|l| {
                            est(reps, |r| {
                                let counts = r.channels[ci].level_intervals[i];
                                ratio(counts[l] as f64, counts.iter().sum::<u64>() as f64)
                            })
                            .share()
                        }),
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
                    occupancy: est(reps, |r| ratio(r.groups[gi].busy_s, r.groups[gi].staffed_s))
                        .share(),
                    staffed_hours: est(reps, |r| Some(r.groups[gi].staffed_s / 3600.0)),
                    busy_hours: est(reps, |r| Some(r.groups[gi].busy_s / 3600.0)),
                    handling_hours: est(reps, |r| Some(r.groups[gi].busy_s / 3600.0)),
                    idle_hours: est(reps, |r| {
                        Some((r.groups[gi].staffed_s - r.groups[gi].busy_s).max(0.0) / 3600.0)
                    }),
                    break_hours: est(reps, |r| Some(r.groups[gi].break_s / 3600.0)),
                    shrinkage_hours: est(reps, |r| Some(r.groups[gi].shrinkage_s / 3600.0)),
                    paid_hours: est(reps, |r| Some(paid_s(r, gi) / 3600.0)),
                    staff_cost: est(reps, |r| Some(paid_s(r, gi) / 3600.0 * g.cost_per_hour)),
                };
                (g.name.clone(), kpis)
            })
            .collect();
        let width = s.interval_s;
        let group_intervals = s
            .groups
            .iter()
            .enumerate()
            .map(|(gi, g)| {
                let rows = (0..s.intervals())
                    .map(|i| {
                        let per = |f: fn(&crate::stats::GroupTally, usize) -> f64| {
                            est(reps, move |r| Some(f(&r.groups[gi], i) / width))
                        };
                        GroupIntervalKpis {
                            occupancy: est(reps, |r| {
                                ratio(
                                    r.groups[gi].busy_intervals[i],
                                    r.groups[gi].staffed_intervals[i],
                                )
                            })
                            .share(),
                            staffed_agents: per(|t, i| t.staffed_intervals[i]),
                            handling_agents: per(|t, i| t.busy_intervals[i]),
                            idle_agents: per(|t, i| {
                                (t.staffed_intervals[i] - t.busy_intervals[i]).max(0.0)
                            }),
                            break_agents: per(|t, i| t.break_intervals[i]),
                            absent_agents: per(|t, i| t.shrinkage_intervals[i]),
                        }
                    })
                    .collect();
                (g.name.clone(), rows)
            })
            .collect();
        let all_cases = |r: &ReplicationTally| {
            let mut t = crate::stats::CaseTally::default();
            for c in &r.channels {
                t.add(&c.cases);
            }
            t
        };
        Report {
            scenario: s.name.clone(),
            seed: s.seed,
            replications: s.replications,
            cases: CaseKpis::over(reps, all_cases),
            standards: standards(s, reps),
            warnings: unstaffed_warnings(s, reps),
            cost: {
                let staff = |r: &ReplicationTally| {
                    s.groups
                        .iter()
                        .enumerate()
                        .map(|(gi, g)| paid_s(r, gi) / 3600.0 * g.cost_per_hour)
                        .sum::<f64>()
                };
                let training = |r: &ReplicationTally| {
                    s.training
                        .iter()
                        .enumerate()
                        .map(|(p, t)| programme_cost(t, r.training_s[p]))
                        // fold from +0: an empty f64 sum is −0, which summary.json would print as -0.0.
                        .fold(0.0, |a, b| a + b)
                };
                CostKpis {
                    staff: est(reps, |r| Some(staff(r))),
                    training: est(reps, |r| Some(training(r))),
                    total: est(reps, |r| Some(staff(r) + training(r))),
                }
            },
            training: s
                .training
                .iter()
                .enumerate()
                .map(|(p, t)| {
                    (
                        t.name.clone(),
                        TrainingKpis {
                            participant_hours: est(reps, |r| Some(r.training_s[p] / 3600.0)),
                            cost: est(reps, |r| Some(programme_cost(t, r.training_s[p]))),
                        },
                    )
                })
                .collect(),
            experience: ExperienceReport {
                overall: Experience::over(reps, all_cases),
                by_first_channel: s
                    .channels
                    .iter()
                    .enumerate()
                    .map(|(ci, c)| {
                        (
                            c.name.clone(),
                            Experience::over(reps, |r| r.channels[ci].cases),
                        )
                    })
                    .collect(),
            },
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
                                kind: c.kind.as_str(),
                                within_s: c.target.within_s,
                                share: c.target.share,
                                business_hours: c.target.business_hours,
                                forecast_cv: c.forecast_cv,
                            },
                        )
                    })
                    .collect(),
                currency: s.currency.clone(),
                supportsim_version: env!("CARGO_PKG_VERSION"),
                calendar: s.calendar.clone(),
            },
            intervals,
            group_intervals,
            contacts_simulated: reps.iter().map(|r| r.contacts_simulated).sum(),
            events: reps.iter().map(|r| r.events).sum(),
        }
    }
}

/// The groups skilled for channel `ci` (its primary and overflow groups alike), in scenario order.
fn serving_groups(s: &Scenario, ci: usize) -> Vec<usize> {
    s.groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.skills.iter().any(|k| k.channel == ci))
        .map(|(gi, _)| gi)
        .collect()
}
