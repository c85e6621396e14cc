//! The staffing planner's inputs (`[planning]` in a scenario file, docs/planning.md): the targets a plan
//! must meet, where and how surely they must hold, head-count bounds, the search's budget, and the shift
//! templates the roster is built from.
//!
//! The section is read apart from the rest of the scenario ([`Planning::from_toml`], after
//! [`Scenario::from_toml`]): a run ignores it, so a planned file and its run give the same results as
//! before, and the resolved scenario stays what the engine runs.

use super::{ChannelKind, Scenario, ScenarioErrors};

/// Over which span a target must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// In every reporting interval (the default: a plan that meets the week on average can still fail
    /// every Monday morning).
    Interval,
    /// Over each day (counts pooled over the day's intervals).
    Day,
    /// Over the whole horizon.
    Horizon,
}

impl Holds {
    pub fn as_str(self) -> &'static str {
        match self {
            Holds::Interval => "interval",
            Holds::Day => "day",
            Holds::Horizon => "week",
        }
    }
}

/// What one channel's plan must achieve; `None`: no such target.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelTargets {
    pub channel: usize,
    /// A contact class of the channel (index into its `classes`): the targets of that class's contacts
    /// alone. `None`: the channel's contacts, every class together.
    pub class: Option<usize>,
    /// This share of contacts answered within the channel's `target.within` (abandoned ones count as
    /// missed); by default the channel's `target.share`.
    pub service_level: Option<f64>,
    /// Abandoned / offered at most this.
    pub max_abandon: Option<f64>,
    /// Average speed of answer (s) at most this.
    pub max_asa_s: Option<f64>,
    /// Share of contacts that wait at all at most this.
    pub max_p_wait: Option<f64>,
    /// Share of cases (by their first contact's channel and interval) that end at service level 4 or
    /// above (docs/experience.md) at least this.
    pub min_level4: Option<f64>,
}

impl ChannelTargets {
    /// The channel's name, with the class after a slash for a class's targets ("phone/vip").
    pub fn label(&self, s: &Scenario) -> String {
        let ch = &s.channels[self.channel];
        match self.class {
            Some(k) => format!("{}/{}", ch.name, ch.classes[k].name),
            None => ch.name.clone(),
        }
    }

    pub fn any(&self) -> bool {
        self.service_level.is_some()
            || self.max_abandon.is_some()
            || self.max_asa_s.is_some()
            || self.max_p_wait.is_some()
            || self.min_level4.is_some()
    }
}

/// A break of a shift template: it starts between `after_s` and `latest_s` after the shift starts (the
/// planner picks where, inside the optimisation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakWindow {
    pub after_s: f64,
    pub latest_s: f64,
    pub duration_s: f64,
}

/// What a shift of a template costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ShiftCost {
    /// Per paid hour (breaks are paid): the default, the group's `cost_per_hour`.
    PerHour(f64),
    /// A fixed cost per shift.
    PerShift(f64),
}

/// A shift template: shifts of `length_s` starting at any of `starts_s` (times of day) on `weekdays`.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftTemplate {
    pub name: String,
    pub group: usize,
    /// 0 = Monday.
    pub weekdays: [bool; 7],
    pub starts_s: Vec<f64>,
    pub length_s: f64,
    pub breaks: Vec<BreakWindow>,
    pub cost: ShiftCost,
    /// Shifts of this template over the horizon: at least `min`, at most `max`.
    pub min: u32,
    pub max: Option<u32>,
}

impl ShiftTemplate {
    /// The cost of one shift.
    pub fn shift_cost(&self) -> f64 {
        match self.cost {
            ShiftCost::PerHour(c) => c * self.length_s / 3600.0,
            ShiftCost::PerShift(c) => c,
        }
    }
}

/// The planner's settings, checked against the scenario they plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Planning {
    pub holds: Holds,
    /// `None`: a target holds when its mean over replications meets it. `Some(q)`: when it is met in at
    /// least a share `q` of the replications (with `forecast_cv`, of plausible days).
    pub confidence: Option<f64>,
    /// Agents' busy time over staffed time, per group and interval, at most this.
    pub max_occupancy: Option<f64>,
    /// One entry per channel served by agents, in channel order (self-service channels have none).
    pub targets: Vec<ChannelTargets>,
    /// Per group: the fewest and most agents scheduled in any interval.
    pub min_agents: Vec<u32>,
    pub max_agents: Vec<u32>,
    /// Replications of each simulation in the search, and of the check (on other random numbers).
    pub replications: u32,
    pub check_replications: u32,
    /// Most simulations the requirement search may run, and most times the roster is solved again after a
    /// failed check.
    pub max_rounds: u32,
    pub check_rounds: u32,
    /// The shift solver's time limit (s) and relative optimality gap.
    pub time_limit_s: f64,
    pub gap: f64,
    pub shifts: Vec<ShiftTemplate>,
}

impl Planning {
    /// Reads `[planning]` from a scenario file's text (already validated as `scenario`); `Ok(None)` when
    /// the file has none. Errors point at the file, line and key, as the scenario's do.
    pub fn from_toml(
        text: &str,
        origin: &str,
        scenario: &Scenario,
    ) -> Result<Option<Planning>, ScenarioErrors> {
        super::validate::parse_planning(text, origin, scenario)
    }

    /// The default plan settings of a scenario without a `[planning]` section: its channels' targets, no
    /// shift templates (only the requirement is planned).
    pub fn defaults(scenario: &Scenario) -> Planning {
        Planning {
            holds: Holds::Interval,
            confidence: None,
            max_occupancy: None,
            targets: default_targets(scenario),
            min_agents: vec![0; scenario.groups.len()],
            max_agents: vec![super::staffing::MAX_SIZE; scenario.groups.len()],
            replications: scenario.replications,
            check_replications: scenario.replications,
            max_rounds: DEFAULT_MAX_ROUNDS,
            check_rounds: DEFAULT_CHECK_ROUNDS,
            time_limit_s: DEFAULT_TIME_LIMIT_S,
            gap: DEFAULT_GAP,
            shifts: Vec::new(),
        }
    }
}

pub(super) const DEFAULT_MAX_ROUNDS: u32 = 60;
pub(super) const DEFAULT_CHECK_ROUNDS: u32 = 4;
pub(super) const DEFAULT_TIME_LIMIT_S: f64 = 30.0;
pub(super) const DEFAULT_GAP: f64 = 0.01;

/// Every agent-served channel's own service-level target, nothing else.
pub(super) fn default_targets(scenario: &Scenario) -> Vec<ChannelTargets> {
    scenario
        .channels
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind != ChannelKind::SelfService)
        .map(|(i, c)| ChannelTargets {
            channel: i,
            class: None,
            service_level: Some(c.target.share),
            max_abandon: None,
            max_asa_s: None,
            max_p_wait: None,
            min_level4: None,
        })
        .collect()
}
