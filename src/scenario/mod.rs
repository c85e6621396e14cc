//! Scenarios: what a user describes in a TOML file, checked and typed for the engine.
//!
//! Flow: text --`file::ScenarioFile` (serde, mirrors the TOML)--> `validate` --> [`Scenario`] (units resolved,
//! every rule checked). Reading the file is kept apart from parsing: [`Scenario::from_toml`] is pure.

pub mod datafile;
pub mod error;
pub mod file;
pub mod planning;
pub mod proficiency;
pub mod resolved;
pub mod staffing;
pub mod validate;

pub use error::{ScenarioError, ScenarioErrors};
pub use staffing::{GroupStaffing, Staffing, StaffingError};

use crate::dist::Dist;
use crate::time::profile::PerInterval;
use proficiency::ProficiencyCurve;
use std::path::Path;

/// A checked scenario: durations in seconds, rates per second, names resolved to indices.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub seed: u64,
    pub replications: u32,
    /// Measured period, after the warm-up (seconds).
    pub horizon_s: f64,
    /// Simulated before the horizon and not counted (seconds).
    pub warmup_s: f64,
    /// Reporting interval (seconds); the horizon is a whole number of them.
    pub interval_s: f64,
    pub proficiency: ProficiencyCurve,
    /// How proficiency lowers resolution and accuracy.
    pub proficiency_effects: ProficiencyEffects,
    /// The rules that place each case at one of the six service levels.
    pub experience: crate::experience::ExperienceRules,
    /// Targets of the eight service standards (docs/experience.md).
    pub standards: crate::experience::StandardTargets,
    /// Disappointed customers who complain: `share` of level-1 cases file a complaint on deferred channel
    /// `channel` (index).
    pub complaints: Option<(f64, usize)>,
    /// Which idle agent takes an arriving contact when several could.
    pub agent_selection: AgentSelection,
    /// A returning case goes back to the agent who last handled it when that agent is idle.
    pub personalised: bool,
    pub calendar: Calendar,
    pub channels: Vec<Channel>,
    pub groups: Vec<Group>,
    /// Training programmes (docs/scenario.md, `[[training]]`).
    pub training: Vec<Training>,
    /// The currency of `cost_per_hour` and the training costs, for the outputs' labels only.
    pub currency: Option<String>,
}

/// A training programme: some of a group's agents leave the floor for sessions, then gain proficiency and
/// friendliness along a curve.
#[derive(Debug, Clone, PartialEq)]
pub struct Training {
    pub name: String,
    pub group: usize,
    /// The participants: the group's first `participants` agent seats, or (`share`) that share of its seats.
    pub participants: u32,
    pub share: Option<f64>,
    /// Sessions as (start, end) in seconds from the start of the horizon, sorted.
    pub sessions: Vec<(f64, f64)>,
    /// The sessions as written, for the resolved scenario: (day 1-based, "HH:MM", duration s, every s, times).
    pub session_specs: Vec<(i64, String, f64, f64, u32)>,
    /// Proficiency gain per channel index, and the friendliness gain.
    pub skill_gain: Vec<(usize, f64)>,
    pub friendliness_gain: f64,
    /// Gains build as 1 − 2^(−t / half_life) from the end of the first session ...
    pub half_life_s: f64,
    /// ... and fade as 2^(−t / decay_half_life) when given.
    pub decay_half_life_s: Option<f64>,
    pub cost_per_participant_hour: f64,
    pub fixed_cost: f64,
}

impl Training {
    /// Share of the gains reached `t` seconds after the start of the horizon.
    pub fn progress(&self, t: f64) -> f64 {
        let Some(&(_, end)) = self.sessions.first() else {
            return 0.0;
        };
        if t <= end {
            return 0.0;
        }
        let dt = t - end;
        let reached = 1.0 - (-dt / self.half_life_s).exp2();
        match self.decay_half_life_s {
            Some(d) => reached * (-dt / d).exp2(),
            None => reached,
        }
    }
}

/// What a channel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    /// Synchronous, one contact per agent; callers abandon by their patience.
    Voice,
    /// Synchronous with concurrency: an agent holds up to `Concurrency::max` chats at once.
    Chat,
    /// Deferred work (email, web form, social media): no abandonment; waits in a backlog worked while the
    /// channel is open.
    Deferred,
    /// A deflection stage (bot, IVR, help center): some contacts are resolved there, the rest fall through
    /// to an assisted channel.
    SelfService,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Voice => "voice",
            ChannelKind::Chat => "chat",
            ChannelKind::Deferred => "deferred",
            ChannelKind::SelfService => "self-service",
        }
    }

    /// Synchronous channels have a customer on the line: no arrivals while closed.
    pub fn is_synchronous(self) -> bool {
        self != ChannelKind::Deferred
    }
}

/// Days of the week, day 0 of the horizon being `start_weekday`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Calendar {
    /// 0 = Monday ... 6 = Sunday.
    pub start_weekday: u8,
    /// The date of day 0 (days since 1970-01-01) when the scenario gives one (`start = "2026-03-02"`):
    /// outputs then carry real timestamps. `None` with a weekday name.
    pub start_date: Option<i64>,
    /// The clock time of day 0 at which the horizon starts, in seconds after midnight
    /// (`start = "2026-03-02T08:00"`: 28 800); 0 for a start at midnight. Days (day types, opening hours,
    /// shifts, absences, hour-of-day means) are calendar days from midnight of day 0, so every instant `t`
    /// of the horizon is `t + start_clock_s` seconds after that midnight ([`Calendar::wall`]).
    pub start_clock_s: f64,
    /// Days of the horizon (0 = the first) that are holidays.
    pub holidays: Vec<i64>,
}

pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// What kind of day a day is, for opening hours, arrival profiles and shifts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayType {
    Weekday,
    Saturday,
    Sunday,
    Holiday,
}

impl DayType {
    pub const ALL: [DayType; 4] = [
        DayType::Weekday,
        DayType::Saturday,
        DayType::Sunday,
        DayType::Holiday,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DayType::Weekday => "weekday",
            DayType::Saturday => "saturday",
            DayType::Sunday => "sunday",
            DayType::Holiday => "holiday",
        }
    }
}

impl Calendar {
    /// How an instant `t` seconds after the start of the horizon reads on a wall: "2026-03-02T08:30" with a
    /// start date, "1.08:30" (day and clock time after the start) without.
    pub fn timestamp(&self, t: f64) -> String {
        match self.start_date {
            Some(date) => crate::time::date::format_iso(date, self.wall(t)),
            None => day_clock(t),
        }
    }

    /// Seconds from midnight of day 0 to the instant `t` seconds after the start of the horizon.
    pub fn wall(&self, t: f64) -> f64 {
        t + self.start_clock_s
    }

    /// The day (0 = the day the horizon starts on) of the instant `t` seconds after the horizon's start.
    pub fn day_of(&self, t: f64) -> i64 {
        (self.wall(t) / 86_400.0).floor() as i64
    }

    /// Short weekday name ("Mon") of the instant `t` seconds after the start of the horizon.
    pub fn weekday_name(&self, t: f64) -> &'static str {
        crate::time::date::WEEKDAY_ABBREVIATIONS[usize::from(self.weekday(self.day_of(t)))]
    }

    /// Weekday (0 = Monday) of horizon day `day` (negative: before the horizon).
    pub fn weekday(&self, day: i64) -> u8 {
        (i64::from(self.start_weekday) + day).rem_euclid(7) as u8
    }

    pub fn day_type(&self, day: i64) -> DayType {
        if self.holidays.contains(&day) {
            return DayType::Holiday;
        }
        match self.weekday(day) {
            5 => DayType::Saturday,
            6 => DayType::Sunday,
            _ => DayType::Weekday,
        }
    }
}

/// Time since the start of the horizon as d.hh:mm (or hh:mm on the first day): how intervals.csv has always
/// written `start` for a scenario without a start date.
pub fn day_clock(s: f64) -> String {
    let m = (s / 60.0).round() as u64;
    let (d, h, mm) = (m / 1440, (m / 60) % 24, m % 60);
    if d > 0 {
        format!("{d}.{h:02}:{mm:02}")
    } else {
        format!("{h:02}:{mm:02}")
    }
}

/// Which idle agent takes an arriving contact when agents of several groups are free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AgentSelection {
    /// The agent idle longest (spreads work evenly).
    #[default]
    LongestIdle,
    /// The agent with the highest proficiency on the channel; ties: idle longest.
    MostProficient,
}

impl AgentSelection {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentSelection::LongestIdle => "longest-idle",
            AgentSelection::MostProficient => "most-proficient",
        }
    }
}

/// A non-preemptive priority class of contacts within a channel (VIP customers, say).
#[derive(Debug, Clone)]
pub struct ContactClass {
    pub name: String,
    /// Share of the channel's arrivals in this class.
    pub share: f64,
    /// Higher is served first within the channel.
    pub priority: i64,
    /// Waiting-time credit (seconds, >= 0): among classes of equal priority, waiting contacts are taken in
    /// order of arrival − credit. 0: plain first come, first served.
    pub credit_s: f64,
    /// The class's own handle time and patience, replacing the channel's for its contacts (drawn from the
    /// class's own streams). `None`: the channel's.
    pub handle_time: Option<Dist>,
    /// Time-varying means of the class's own handle time and patience (`mean_by_hour`/`mean_by_interval`
    /// inside the class's table); only with the class's own distribution.
    pub handle_time_means: Option<MeanProfile>,
    pub patience: Option<Dist>,
    pub patience_means: Option<MeanProfile>,
}

/// Secondary groups that may take a channel's contacts once they have waited `after_s`.
#[derive(Debug, Clone, PartialEq)]
pub struct Overflow {
    pub after_s: f64,
    /// Indices into `Scenario::groups`.
    pub groups: Vec<usize>,
}

/// Chat concurrency: up to `max` chats per agent; a chat started while the agent holds n chats in all
/// (itself included) takes handle time × (1 + stretch × (n − 1)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Concurrency {
    pub max: u32,
    pub stretch: f64,
}

impl Default for Concurrency {
    fn default() -> Self {
        Concurrency {
            max: 1,
            stretch: 0.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Channel {
    pub name: String,
    pub kind: ChannelKind,
    /// Poisson arrival rate per interval, in contacts per hour.
    pub arrivals_per_hour: PerInterval<f64>,
    /// Forecast uncertainty: the coefficient of variation of each day's volume multiplier (0: none).
    pub forecast_cv: f64,
    /// Handle time at proficiency 1 (talk + hold + wrap-up), seconds.
    pub handle_time: Dist,
    /// Time a caller is willing to wait; `None`: nobody abandons.
    pub patience: Option<Dist>,
    /// Time-varying means of `handle_time` and `patience` (`mean_by_hour` / `mean_by_interval`).
    pub handle_time_means: Option<MeanProfile>,
    pub patience_means: Option<MeanProfile>,
    pub target: ServiceTarget,
    /// Most contacts that may wait; an arrival finding the queue full is blocked. `None`: unlimited.
    pub queue_capacity: Option<u32>,
    /// Whether the channel is open, per interval (repeating like the other per-interval values).
    pub open: PerInterval<bool>,
    /// Agents take waiting work of higher-priority channels first.
    pub priority: i64,
    /// Priority classes; a channel without classes has one class, named after the channel.
    pub classes: Vec<ContactClass>,
    pub overflow: Option<Overflow>,
    /// Chat concurrency (voice: always one contact per agent).
    pub concurrency: Concurrency,
    pub announce: Option<Announce>,
    pub callback: Option<Callback>,
    pub self_service: Option<SelfService>,
    /// First-contact resolution and accuracy at proficiency 1. `None`: every handled contact resolves its
    /// case, whatever the agent's proficiency (no journey draws at all).
    pub resolution: Option<Resolution>,
    /// What an unresolved (or wrongly resolved) case does next; required when resolution is imperfect.
    pub repeat: Option<Repeat>,
    /// Customers who abandon (or are blocked, or miss their callback) try again.
    pub retry: Option<Retry>,
    /// Proactive service: agents follow up some resolved cases, unasked.
    pub follow_up: Option<FollowUp>,
}

/// A time-varying mean of a distribution: a contact draws from it scaled by (the mean given for its arrival
/// time) / (the distribution's own mean), the shape kept. Seconds.
#[derive(Debug, Clone, PartialEq)]
pub enum MeanProfile {
    /// 24 means, by clock hour of the arrival (the horizon starts at midnight).
    ByHour(Vec<f64>),
    /// One mean per reporting interval, repeating like every per-interval value.
    ByInterval(PerInterval<f64>),
}

impl MeanProfile {
    /// The mean at `clock_s` seconds after the start of the horizon (negative in the warm-up), with
    /// reporting intervals of `interval_s`.
    pub fn at(&self, clock_s: f64, interval_s: f64) -> f64 {
        match self {
            MeanProfile::ByHour(v) => {
                v[crate::time::floor_i64(clock_s / 3600.0).rem_euclid(24) as usize]
            }
            MeanProfile::ByInterval(v) => v.at(crate::time::floor_i64(clock_s / interval_s)),
        }
    }
}

/// After a resolution on this channel, with probability `share`, an agent of the channel's groups follows up
/// `delay` later (outbound work taking `handle_time`), which lifts the customer's experience.
#[derive(Debug, Clone)]
pub struct FollowUp {
    pub share: f64,
    pub delay: Dist,
    pub handle_time: Dist,
}

/// P(resolved) = first_contact × p^resolution_exponent; a resolution is correct with probability
/// accuracy × p^accuracy_exponent (p: the agent's proficiency on the channel).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolution {
    pub first_contact: f64,
    pub accuracy: f64,
}

impl Default for Resolution {
    fn default() -> Self {
        Resolution {
            first_contact: 1.0,
            accuracy: 1.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProficiencyEffects {
    pub resolution_exponent: f64,
    pub accuracy_exponent: f64,
}

impl Default for ProficiencyEffects {
    fn default() -> Self {
        ProficiencyEffects {
            resolution_exponent: 0.5,
            accuracy_exponent: 0.5,
        }
    }
}

impl ProficiencyEffects {
    pub fn resolution(&self, base: f64, proficiency: f64) -> f64 {
        base * proficiency.powf(self.resolution_exponent)
    }

    pub fn accuracy(&self, base: f64, proficiency: f64) -> f64 {
        base * proficiency.powf(self.accuracy_exponent)
    }
}

/// Repeat contacts of an unresolved case.
#[derive(Debug, Clone)]
pub struct Repeat {
    /// Time until the customer comes back.
    pub delay: Dist,
    /// Shares of repeat contacts that come on other channels (index, share); the rest on the same channel.
    pub switch: Vec<(usize, f64)>,
    /// Probability the customer gives up after a contact that did not resolve the case.
    pub give_up: f64,
    /// The case ends unresolved after this many contacts.
    pub max_contacts: u32,
}

/// Customers who abandon (or are blocked, or miss their callback) try again with probability `share`.
#[derive(Debug, Clone)]
pub struct Retry {
    pub share: f64,
    pub delay: Dist,
}

/// Transparency: waiting customers told the expected wait or their place in the queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Announce {
    /// Share of waiting customers who hear it.
    pub share: f64,
    /// Their patience is multiplied by this (above 1: informed customers wait longer).
    pub patience_factor: f64,
}

/// Callbacks offered to callers whose expected wait exceeds `offer_after_s`.
#[derive(Debug, Clone)]
pub struct Callback {
    pub offer_after_s: f64,
    /// Probability an offered caller accepts.
    pub accept: f64,
    /// Handle time of a callback that reaches the customer (at proficiency 1).
    pub handle_time: Dist,
    /// Share of callbacks that reach nobody, and the agent time such an attempt takes.
    pub no_answer: f64,
    pub no_answer_time_s: f64,
}

/// A self-service stage.
#[derive(Debug, Clone)]
pub struct SelfService {
    /// Share of contacts resolved without an agent.
    pub containment: f64,
    /// Time spent in self-service before resolving or falling through.
    pub time: Dist,
    /// Index of the assisted channel the rest fall through to.
    pub falls_to: usize,
}

/// Default channel priority: synchronous channels before deferred work.
pub const SYNCHRONOUS_PRIORITY: i64 = 2;
pub const DEFERRED_PRIORITY: i64 = 1;

/// The service-level goal "share answered within `within_s`", e.g. 80/20.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceTarget {
    pub within_s: f64,
    pub share: f64,
    /// Count only the channel's opening hours in the response time (deferred work: "24 business hours").
    pub business_hours: bool,
}

impl Default for ServiceTarget {
    fn default() -> Self {
        ServiceTarget {
            within_s: 20.0,
            share: 0.80,
            business_hours: false,
        }
    }
}

/// Learning by experience, the power law of practice (Newell & Rosenbloom 1981): an agent who has handled n
/// contacts has proficiency min(ceiling, p0 · (1 + n)^rate) on a channel where the group's skill is p0.
/// With the default power curve (exponent 1) the handle time is then T(p0) · (1 + n)^(−rate) until the
/// ceiling: the classic power law of practice for task time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Learning {
    pub rate: f64,
    pub ceiling: f64,
}

impl Learning {
    pub fn proficiency(&self, start: f64, handled: u32) -> f64 {
        if start >= self.ceiling {
            return start;
        }
        (start * (1.0 + f64::from(handled)).powf(self.rate)).min(self.ceiling)
    }
}

#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    /// Scheduled head-count per interval (a constant 0 when the group works `shifts`): the whole agents of a
    /// fractional size.
    pub size: PerInterval<u32>,
    /// Fractional sizes: the part above `size` per interval, in [0, 1) (an interval of n + f has one more
    /// agent for its first f). `None` when every size is whole (then nothing changes within an interval).
    pub size_fraction: Option<PerInterval<f64>>,
    /// Shifts, when the group is scheduled by shifts rather than `size`.
    pub shifts: Vec<Shift>,
    /// Share of the scheduled agents' time (after absence, breaks and training sessions) spent off the
    /// phones on meetings, coaching and other off-phone work, applied in every interval: what planners
    /// call shrinkage.
    pub shrinkage: f64,
    /// Probability that a scheduled agent is absent for a whole day (or a whole shift).
    pub absence: f64,
    /// Soft skill 0..1 (default 0.7): how warm and professional the group's handling is.
    pub friendliness: f64,
    /// Cost of one paid agent-hour (scheduled time: on duty, on break or absent), default 0.
    pub cost_per_hour: f64,
    /// Learning by experience: proficiency rises with the contacts each agent has handled.
    pub learning: Option<Learning>,
    /// Index (0 = the horizon's first day) of the day the group starts working; absent before it, warm-up
    /// included. 0: it works from the start, warm-up included.
    pub joins_day: i64,
    pub skills: Vec<Skill>,
}

impl Group {
    /// The share of scheduled time the group's agents are expected off the phones through absence and
    /// shrinkage together, 1 − (1 − absence)(1 − shrinkage): the absent are gone for the day, and shrinkage
    /// takes its share of those present. Exactly `shrinkage` without absence.
    pub fn off_phone_share(&self) -> f64 {
        if self.absence == 0.0 {
            self.shrinkage
        } else {
            1.0 - (1.0 - self.absence) * (1.0 - self.shrinkage)
        }
    }
}

/// A shift pattern: on the days it applies, `agents` agents work from `start_s` for `duration_s` (past
/// midnight if need be), with breaks.
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    /// Weekdays it applies to, 0 = Monday (never on holidays).
    pub weekdays: [bool; 7],
    /// Start, in seconds after midnight.
    pub start_s: f64,
    pub duration_s: f64,
    pub agents: u32,
    pub breaks: Vec<Break>,
}

/// A break of `duration_s` starting in [earliest_s, latest_s] (seconds after the shift day's midnight).
/// A break `at` a time has earliest = latest; within a window the agents' starts are staggered evenly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    pub earliest_s: f64,
    pub latest_s: f64,
    pub duration_s: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Skill {
    /// Index into `Scenario::channels`.
    pub channel: usize,
    /// 0 < proficiency <= 1.
    pub proficiency: f64,
}

impl Scenario {
    /// Parses and validates scenario text. `origin` names the file in messages; empirical files named in the
    /// scenario are read relative to `base_dir`.
    pub fn from_toml(
        text: &str,
        origin: &str,
        base_dir: Option<&Path>,
    ) -> Result<Scenario, ScenarioErrors> {
        validate::parse_and_validate(text, origin, base_dir)
    }

    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioErrors> {
        let text = Scenario::read_text(path)?;
        Scenario::from_toml(&text, &path.display().to_string(), path.parent())
    }

    /// Reads and validates a scenario file with its `[planning]` section (`None` when it has none), every
    /// problem of both in one batch where they are independent: what `check` and `plan` read.
    pub fn load_with_planning(
        path: &Path,
    ) -> Result<(Scenario, Option<planning::Planning>), ScenarioErrors> {
        let text = Scenario::read_text(path)?;
        let origin = path.display().to_string();
        let s = Scenario::from_toml(&text, &origin, path.parent())?;
        let p = planning::Planning::from_toml(&text, &origin, &s)?;
        Ok((s, p))
    }

    /// The text of a scenario file, read as [`datafile::read_text_file`] reads (a regular file of UTF-8
    /// text, at most 256 MiB), the error naming the file (and the line of a byte that is not text).
    pub fn read_text(path: &Path) -> Result<String, ScenarioErrors> {
        let origin = path.display().to_string();
        datafile::read_text_file(path).map_err(|e| {
            ScenarioErrors::single(match e {
                datafile::DataFileError::Io(e) => {
                    ScenarioError::io(&origin, format!("cannot read the scenario file: {e}"))
                }
                datafile::DataFileError::NotText { line } => ScenarioError {
                    location: Some((line, 1)),
                    ..ScenarioError::io(&origin, "this line is not UTF-8 text (a binary file?): save the scenario as plain text".into())
                },
                e => ScenarioError::io(&origin, format!("the scenario file {e}")),
            })
        })
    }

    /// Number of reporting intervals in the horizon.
    pub fn intervals(&self) -> usize {
        (self.horizon_s / self.interval_s).round() as usize
    }

    pub fn channel_index(&self, name: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.name == name)
    }

    pub fn group_index(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.name == name)
    }
}
