//! Raw scenario file types: they mirror the TOML one to one.
//!
//! Every table denies unknown keys (a typo is an error, not a silently ignored setting), and values that are
//! checked later keep their byte span (`Spanned`) so validation can point at file:line:column.
//! Nothing here interprets units or checks ranges: that is the job of `validate`.

use crate::time::duration::DurationValue;
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, IntoDeserializer, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub name: Spanned<String>,
    pub seed: Option<Spanned<i64>>,
    pub replications: Option<Spanned<i64>>,
    pub horizon: Spanned<DurationValue>,
    pub warmup: Option<Spanned<DurationValue>>,
    pub interval: Option<Spanned<DurationValue>>,
    pub proficiency: Option<Spanned<ProficiencyFile>>,
    pub routing: Option<Spanned<RoutingFile>>,
    pub experience: Option<Spanned<ExperienceFile>>,
    /// Targets of the eight service standards.
    pub standards: Option<Spanned<IndexMap<String, Spanned<f64>>>>,
    pub complaints: Option<Spanned<ComplaintsFile>>,
    /// Weekday of the first day of the horizon, or its date (`"2026-03-02"`).
    pub start: Option<Spanned<String>>,
    /// Days of the horizon (0 = the first) that are holidays: every channel closed, no shifts. With a start
    /// date, also dates (`"2026-04-03"`).
    pub holidays: Option<Spanned<Vec<DayOrDate>>>,
    /// The currency costs are in, as the outputs label them ("EUR", "€"); none: plain numbers.
    pub currency: Option<Spanned<String>>,
    #[serde(default)]
    pub channels: Vec<Spanned<ChannelFile>>,
    #[serde(default)]
    pub groups: Vec<Spanned<GroupFile>>,
    /// Training programmes.
    #[serde(default)]
    pub training: Vec<Spanned<TrainingFile>>,
    /// The staffing planner's targets and shift templates: read by `scenario::planning`, not here (a run
    /// ignores it); its presence lets groups leave out `size` and `shifts`.
    pub planning: Option<Spanned<toml::Value>>,
}

/// A day of the horizon by its number (0 = the first) or by its date.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum DayOrDate {
    Day(i64),
    Date(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingFile {
    pub name: Spanned<String>,
    pub group: Spanned<String>,
    pub participants: Option<Spanned<i64>>,
    pub share: Option<Spanned<f64>>,
    pub sessions: Spanned<Vec<Spanned<SessionFile>>>,
    pub gain: Option<Spanned<IndexMap<String, Spanned<f64>>>>,
    pub half_life: Option<Spanned<DurationValue>>,
    pub decay_half_life: Option<Spanned<DurationValue>>,
    pub cost_per_participant_hour: Option<Spanned<f64>>,
    pub fixed_cost: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionFile {
    /// Day of the horizon, 1 = the first.
    pub day: Spanned<i64>,
    /// Time of day "HH:MM".
    pub at: Spanned<String>,
    pub duration: Spanned<DurationValue>,
    pub every: Option<Spanned<DurationValue>>,
    pub times: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProficiencyFile {
    pub curve: Option<Spanned<String>>,
    /// How proficiency lowers first-contact resolution and accuracy: P = base × p^exponent.
    pub resolution_exponent: Option<Spanned<f64>>,
    pub accuracy_exponent: Option<Spanned<f64>>,
    pub exponent: Option<Spanned<f64>>,
    pub slowest: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintsFile {
    pub share: Spanned<f64>,
    pub channel: Spanned<String>,
}

/// Thresholds of the six-level experience rules (docs/experience.md).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperienceFile {
    pub wait_missed: Option<Spanned<f64>>,
    pub wait_poor: Option<Spanned<f64>>,
    pub wait_unbearable: Option<Spanned<f64>>,
    pub repeat_poor: Option<Spanned<i64>>,
    pub slow_resolution: Option<Spanned<DurationValue>>,
    pub very_slow_resolution: Option<Spanned<DurationValue>>,
    pub low_skill: Option<Spanned<f64>>,
    pub unfriendly: Option<Spanned<f64>>,
    pub rude: Option<Spanned<f64>>,
    pub exceed_friendliness: Option<Spanned<f64>>,
    pub exceed_skill: Option<Spanned<f64>>,
    pub amaze_friendliness: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingFile {
    pub agent_selection: Option<Spanned<String>>,
    /// A returning case goes back to the agent who last handled it, when that agent is free.
    pub personalised: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassFile {
    pub name: Spanned<String>,
    pub share: Spanned<f64>,
    pub priority: Option<Spanned<i64>>,
    /// Waiting-time credit: among classes of equal priority, work is taken by arrival − credit.
    pub credit: Option<Spanned<DurationValue>>,
    /// The class's own handle time and patience, in place of the channel's.
    pub handle_time: Option<Spanned<DistFile>>,
    pub patience: Option<Spanned<DistFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverflowFile {
    pub after: Spanned<DurationValue>,
    pub to: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConcurrencyFile {
    pub max: Spanned<i64>,
    pub stretch: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelFile {
    pub name: Spanned<String>,
    pub kind: Spanned<String>,
    pub arrivals: Spanned<ArrivalsFile>,
    pub handle_time: Option<Spanned<DistFile>>,
    pub patience: Option<Spanned<DistFile>>,
    pub target: Option<Spanned<TargetFile>>,
    pub queue_capacity: Option<Spanned<i64>>,
    pub priority: Option<Spanned<i64>>,
    pub classes: Option<Spanned<Vec<Spanned<ClassFile>>>>,
    pub overflow: Option<Spanned<OverflowFile>>,
    pub concurrency: Option<Spanned<ConcurrencyFile>>,
    /// Opening hours per day type.
    pub open: Option<Spanned<IndexMap<String, Spanned<HoursFile>>>>,
    pub announce: Option<Spanned<AnnounceFile>>,
    pub callback: Option<Spanned<CallbackFile>>,
    /// Self-service channels: the share resolved without an agent, the time spent there, and the channel
    /// the rest fall through to.
    pub containment: Option<Spanned<f64>>,
    pub time: Option<Spanned<DistFile>>,
    pub falls_to: Option<Spanned<String>>,
    pub resolution: Option<Spanned<ResolutionFile>>,
    pub follow_up: Option<Spanned<FollowUpFile>>,
    pub repeat: Option<Spanned<RepeatFile>>,
    pub retry: Option<Spanned<RetryFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpFile {
    pub share: Spanned<f64>,
    pub delay: Spanned<DistFile>,
    pub handle_time: Spanned<DistFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolutionFile {
    pub first_contact: Spanned<f64>,
    pub accuracy: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepeatFile {
    pub delay: Spanned<DistFile>,
    pub switch: Option<Spanned<IndexMap<String, Spanned<f64>>>>,
    pub give_up: Option<Spanned<f64>>,
    pub max_contacts: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryFile {
    pub share: Spanned<f64>,
    pub delay: Spanned<DistFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnounceFile {
    pub share: Option<Spanned<f64>>,
    pub patience_factor: Spanned<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackFile {
    pub offer_after: Spanned<DurationValue>,
    pub accept: Spanned<f64>,
    pub handle_time: Option<Spanned<DistFile>>,
    pub no_answer: Option<Spanned<f64>>,
    pub no_answer_time: Option<Spanned<DurationValue>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrivalsFile {
    pub per_hour: Option<Spanned<OneOrPerInterval<f64>>>,
    /// A forecast file, `start,channel,contacts` per interval (relative to the scenario file).
    pub file: Option<Spanned<String>>,
    pub per_day: Option<Spanned<OneOrPerInterval<f64>>>,
    /// Intraday weights per day type (`weekday`, `saturday`, `sunday`, `holiday`, or `all`).
    pub profile: Option<Spanned<ProfileFile>>,
    /// Coefficient of variation of the day's volume around the forecast.
    pub forecast_cv: Option<Spanned<f64>>,
}

/// Intraday weights keyed by day type.
pub type ProfileFile = IndexMap<String, Spanned<Vec<f64>>>;

/// Opening hours of one day type: `"closed"`, `"24h"`, or `["08:00", "20:00"]`.
#[derive(Debug, Clone, PartialEq)]
pub enum HoursFile {
    Word(String),
    Span(Vec<String>),
}

impl<'de> Deserialize<'de> for HoursFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = HoursFile;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"closed\", \"24h\" or a pair of times such as [\"08:00\", \"20:00\"]")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(HoursFile::Word(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = seq.next_element::<String>()? {
                    out.push(x);
                }
                Ok(HoursFile::Span(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    pub within: Spanned<DurationValue>,
    pub share: Spanned<f64>,
    pub business_hours: Option<Spanned<bool>>,
}

/// A distribution: `dist` names the family, the other keys are its parameters.
/// Kept flat (not a serde-tagged enum) so each key keeps its span and the messages can say
/// "lognormal needs `cv`" rather than serde's "data did not match any variant".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistFile {
    pub dist: Spanned<String>,
    pub mean: Option<Spanned<DurationValue>>,
    pub cv: Option<Spanned<f64>>,
    pub shape: Option<Spanned<f64>>,
    pub k: Option<Spanned<i64>>,
    pub values: Option<Spanned<Vec<DurationValue>>>,
    pub file: Option<Spanned<String>>,
    /// Lognormal by the parameters of ln(seconds).
    pub mu: Option<Spanned<f64>>,
    pub sigma: Option<Spanned<f64>>,
    /// Mixture: its parts, each a distribution with a `share`.
    pub parts: Option<Spanned<Vec<Spanned<DistFile>>>>,
    pub share: Option<Spanned<f64>>,
    /// Survival curve: `[time, S]` points and the mean of the exponential tail after the last.
    pub points: Option<Spanned<PointsFile>>,
    pub tail_mean: Option<Spanned<DurationValue>>,
    /// Time-varying mean (handle_time and patience only).
    pub mean_by_hour: Option<Spanned<Vec<DurationValue>>>,
    pub mean_by_interval: Option<Spanned<Vec<DurationValue>>>,
}

/// A survival curve's points: `[time, S]` each.
pub type PointsFile = Vec<Spanned<(DurationValue, f64)>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupFile {
    pub name: Spanned<String>,
    /// Agents, whole or fractional (9.5: 9 all interval, one more for its first half).
    pub size: Option<Spanned<OneOrPerInterval<f64>>>,
    pub shifts: Option<Spanned<Vec<Spanned<ShiftFile>>>>,
    /// Share of scheduled (paid) time lost to off-phone work, applied per interval.
    pub shrinkage: Option<Spanned<f64>>,
    /// Probability that a scheduled agent is absent for a whole day.
    pub absence: Option<Spanned<f64>>,
    /// Soft skill, 0..1: how warm and professional the group's handling is.
    pub friendliness: Option<Spanned<f64>>,
    /// Cost of one paid agent-hour (any currency).
    pub cost_per_hour: Option<Spanned<f64>>,
    /// The day of the horizon (1 = the first) from which the group works: a cohort that joins later.
    pub joins_on_day: Option<Spanned<i64>>,
    /// Learning by experience (a new-hire cohort): `{ rate, ceiling }`.
    pub learning: Option<Spanned<LearningFile>>,
    pub skills: Spanned<IndexMap<String, Spanned<f64>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearningFile {
    pub rate: Spanned<f64>,
    pub ceiling: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftFile {
    /// A day type, a weekday name, "all", or a list of them.
    pub days: Spanned<OneOrMany<String>>,
    pub start: Spanned<String>,
    pub end: Spanned<String>,
    pub agents: Spanned<i64>,
    #[serde(default)]
    pub breaks: Vec<Spanned<BreakFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakFile {
    pub at: Option<Spanned<String>>,
    pub within: Option<Spanned<Vec<String>>>,
    pub duration: Spanned<DurationValue>,
}

/// A value or a list of values.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

/// A number, or an array with one number per reporting interval.
#[derive(Debug, Clone, PartialEq)]
pub enum OneOrPerInterval<T> {
    One(T),
    PerInterval(Vec<T>),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrPerInterval<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrPerInterval<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or an array with one number per interval")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(OneOrPerInterval::One)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(OneOrPerInterval::One)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(OneOrPerInterval::One)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = seq.next_element::<T>()? {
                    out.push(x);
                }
                Ok(OneOrPerInterval::PerInterval(out))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}
