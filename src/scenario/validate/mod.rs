//! Turns a raw [`ScenarioFile`] into a checked [`Scenario`], collecting every problem with its place.
//!
//! Each message follows one pattern: `file:line:column: key = value: what is wrong; how to fix it`.
//!
//! Range checks are written `!(x > 0.0)` on purpose: a NaN fails them too.
//!
//! This file holds the entry point, the `Validator` and the top-level keys with their cross-references
//! (names, the horizon, the interval); each concern has its own file, adding its methods to the
//! `Validator`: TOML reader errors (`toml_error`), channels, the calendar and per-interval values
//! (`calendar`), groups and shifts (`workforce`), training, proficiency, standards and experience
//! (`experience`), journeys, and distributions (`dist`).
#![allow(clippy::neg_cmp_op_on_partial_ord)]

mod calendar;
mod channels;
mod dist;
mod experience;
mod forecast_file;
mod journeys;
mod planning;
mod toml_error;
mod training;
mod workforce;

use super::error::{ScenarioError, ScenarioErrors};
use super::file::ScenarioFile;
use super::proficiency::ProficiencyCurve;
use super::{AgentSelection, ChannelKind, ProficiencyEffects, Scenario};
use crate::dist::Num;
use crate::time::duration::{DurationValue, format_duration};
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml_error::toml_error;

pub(super) use planning::parse_planning;

/// Seconds in a day.
const DAY_S: f64 = 86_400.0;

/// How the horizon divides into days, when it does (calendar features need it). Days are calendar days
/// from midnight of the start day: a horizon of whole days that starts at 08:00 touches one day more than
/// its length, its first day from 08:00 and its last until 08:00.
#[derive(Debug, Clone, Copy)]
struct Days {
    intervals_per_day: usize,
    /// The calendar days the horizon touches.
    count: usize,
    /// The interval of day 0 the horizon starts at (0: midnight).
    first: usize,
}

impl Days {
    /// The calendar day and the interval of that day of horizon interval `k`.
    fn day_slot(self, k: usize) -> (usize, usize) {
        let a = k + self.first;
        (a / self.intervals_per_day, a % self.intervals_per_day)
    }

    /// Seconds from midnight of day 0 to the horizon's start.
    fn start_clock_s(self) -> f64 {
        self.first as f64 * DAY_S / self.intervals_per_day as f64
    }
}

/// A time of day "HH:MM" (00:00 to 24:00) in seconds from midnight.
fn parse_clock(text: &str) -> Option<f64> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then(|| f64::from(h * 3600 + m * 60))
}

/// Default reporting interval when the file gives none.
const DEFAULT_INTERVAL_S: f64 = 1800.0;
const DEFAULT_REPLICATIONS: i64 = 10;
const DEFAULT_SEED: i64 = 1;
/// Caps that keep a typo (a horizon of "100000d") from exhausting memory instead of failing clearly.
const MAX_INTERVALS: usize = 1_000_000;
const MAX_REPLICATIONS: i64 = 1_000_000;
/// The longest name (of the scenario, a channel, a group, a class, a programme) in characters: names label
/// tables, charts and messages; thousands of characters are a pasted mistake, not a name.
const MAX_NAME_CHARS: usize = 1000;
/// Ten million contacts per hour (about 2800 a second) is beyond any single center.
const MAX_RATE_PER_HOUR: f64 = 1e7;
/// The slowest a low proficiency may make an agent: above this the scenario is almost surely a mistake,
/// and handle times would leave the range where simulated time keeps sub-second precision.
const MAX_HANDLE_TIME_MULTIPLIER: f64 = 1000.0;

pub(super) fn parse_and_validate(
    text: &str,
    origin: &str,
    base_dir: Option<&Path>,
) -> Result<Scenario, ScenarioErrors> {
    let file: ScenarioFile =
        toml::from_str(text).map_err(|e| ScenarioErrors::single(toml_error(&e, text, origin)))?;
    let mut v = Validator::new(origin, text, base_dir);
    let has_planning = file.planning.is_some();
    let scenario = v.scenario(file);
    match scenario {
        Some(s) if v.errors.is_empty() => Ok(s),
        _ => {
            // `[planning]`'s own settings in the same batch (its names are checked once the rest is valid).
            if has_planning {
                v.errors
                    .extend(planning::planning_settings_errors(text, origin));
            }
            Err(ScenarioErrors(v.errors))
        }
    }
}

struct Validator<'a> {
    origin: &'a str,
    text: &'a str,
    base_dir: Option<&'a Path>,
    errors: Vec<ScenarioError>,
    /// Handle time per interval read from a channel's forecast file (`aht_s`), by channel name: `None`
    /// where a row leaves it empty. Read with the arrivals, applied with the handle time.
    forecast_aht: std::collections::HashMap<String, Vec<Option<f64>>>,
    /// False when the horizon or the interval was refused: the rest of the file is still checked (every
    /// independent problem in one pass) against a stand-in of one day, and the problems that depend on
    /// the real horizon (array lengths, day numbers, forecast rows) are not reported.
    timing_known: bool,
}

impl<'a> Validator<'a> {
    /// A validator of `text` (named `origin` in messages), with no problem found yet.
    fn new(origin: &'a str, text: &'a str, base_dir: Option<&'a Path>) -> Self {
        Validator {
            origin,
            text,
            base_dir,
            errors: Vec::new(),
            forecast_aht: std::collections::HashMap::new(),
            timing_known: true,
        }
    }

    fn err(&mut self, span: Range<usize>, message: String) {
        self.errors.push(ScenarioError::at(
            self.origin,
            self.text,
            span.start,
            message,
        ));
    }

    /// Refuses a name longer than [`MAX_NAME_CHARS`] (`key` is its key, such as `channels[1].name`).
    fn name_length(&mut self, key: &str, name: &Spanned<String>) {
        let n = name.get_ref().chars().count();
        if n > MAX_NAME_CHARS {
            let start: String = name.get_ref().chars().take(20).collect();
            self.err(
                name.span(),
                format!("{key} = \"{start}...\": a name of {n} characters, more than {MAX_NAME_CHARS}; give a shorter name (names label tables, charts and files)"),
            );
        }
    }

    /// A problem that depends on the horizon or the interval: not reported while they are unknown.
    fn timing_err(&mut self, span: Range<usize>, message: String) {
        if self.timing_known {
            self.err(span, message);
        }
    }

    fn scenario(&mut self, f: ScenarioFile) -> Option<Scenario> {
        self.name_length("name", &f.name);
        let name = f.name.get_ref().trim().to_string();
        if name.is_empty() {
            self.err(
                f.name.span(),
                "name = \"\": give the scenario a name".into(),
            );
        }
        let seed = match &f.seed {
            Some(s) if *s.get_ref() < 0 => {
                self.err(
                    s.span(),
                    format!("seed = {}: must be a whole number >= 0", s.get_ref()),
                );
                0
            }
            Some(s) => *s.get_ref() as u64,
            None => DEFAULT_SEED as u64,
        };
        let replications = match &f.replications {
            Some(r) if !(1..=MAX_REPLICATIONS).contains(r.get_ref()) => {
                self.err(
                    r.span(),
                    format!(
                        "replications = {}: must be between 1 and {MAX_REPLICATIONS}",
                        r.get_ref()
                    ),
                );
                1
            }
            Some(r) => *r.get_ref() as u32,
            None => DEFAULT_REPLICATIONS as u32,
        };
        let horizon_s = self.positive_duration("horizon", &f.horizon);
        let warmup_s = match &f.warmup {
            Some(w) if !(w.get_ref().seconds >= 0.0) => {
                self.err(
                    w.span(),
                    format!(
                        "warmup = {}: must be zero or a positive duration",
                        w.get_ref().text
                    ),
                );
                0.0
            }
            Some(w) => w.get_ref().seconds,
            None => 0.0,
        };
        let interval_s = match &f.interval {
            Some(i) => self.positive_duration("interval", i),
            None => Some(DEFAULT_INTERVAL_S.min(horizon_s.unwrap_or(DEFAULT_INTERVAL_S))),
        };
        let timing = match (horizon_s, interval_s) {
            (Some(h), Some(i)) => self.timing(&f, h, i, warmup_s).then_some((h, i)),
            _ => None,
        };
        let (horizon_s, interval_s) = timing.unwrap_or_else(|| {
            // The refusal is recorded: go on with a stand-in day (the interval kept if it divides it).
            debug_assert!(!self.errors.is_empty());
            self.timing_known = false;
            let i = interval_s
                .filter(|i| DAY_S % i == 0.0)
                .unwrap_or(DEFAULT_INTERVAL_S);
            (DAY_S, i)
        });
        let intervals = (horizon_s / interval_s).round() as usize;
        let (proficiency, proficiency_effects) = match &f.proficiency {
            None => (ProficiencyCurve::default(), ProficiencyEffects::default()),
            Some(p) => self.proficiency(p),
        };
        let calendar = self.calendar(&f, self.timing_known.then_some(horizon_s), interval_s);
        let experience = self.experience(f.experience.as_ref());
        let standards = self.standards(f.standards.as_ref());
        // Calendar features (opening hours, arrivals per day, shifts) need whole days of whole intervals.
        let days = (DAY_S % interval_s == 0.0 && horizon_s % DAY_S == 0.0).then(|| Days {
            intervals_per_day: (DAY_S / interval_s).round() as usize,
            count: ((calendar.start_clock_s + horizon_s) / DAY_S).ceil() as usize,
            first: (calendar.start_clock_s / interval_s).round() as usize,
        });
        let agent_selection = match f
            .routing
            .as_ref()
            .and_then(|r| r.get_ref().agent_selection.as_ref())
        {
            None => AgentSelection::default(),
            Some(s) => match s.get_ref().as_str() {
                "longest-idle" => AgentSelection::LongestIdle,
                "most-proficient" => AgentSelection::MostProficient,
                other => {
                    self.err(s.span(), format!("routing.agent_selection = \"{other}\": use \"longest-idle\" or \"most-proficient\""));
                    AgentSelection::default()
                }
            },
        };
        let personalised = f
            .routing
            .as_ref()
            .and_then(|r| r.get_ref().personalised.as_ref())
            .is_some_and(|p| *p.get_ref());

        if f.channels.is_empty() {
            self.err(
                0..0,
                "no [[channels]]: add at least one channel (see scenarios/erlang-a.toml)".into(),
            );
        }
        let mut channels = Vec::new();
        for (i, c) in f.channels.iter().enumerate() {
            self.name_length(&format!("channels[{i}].name"), &c.get_ref().name);
            if let Some(prev) = f.channels[..i]
                .iter()
                .position(|p| p.get_ref().name.get_ref() == c.get_ref().name.get_ref())
            {
                self.err(c.get_ref().name.span(), format!("channels[{i}].name = \"{}\": channels[{prev}] has the same name; channel names must be unique", c.get_ref().name.get_ref()));
            }
            if let Some(ch) = self.channel(
                i,
                c.get_ref(),
                &f.channels,
                intervals,
                interval_s,
                &calendar,
                days,
            ) {
                channels.push(ch);
            }
        }

        if f.groups.is_empty() {
            self.err(
                0..0,
                "no [[groups]]: add at least one agent group with skills for the channels".into(),
            );
        }
        let channel_names: Vec<&str> = f
            .channels
            .iter()
            .map(|c| c.get_ref().name.get_ref().as_str())
            .collect();
        let mut groups = Vec::new();
        for (i, g) in f.groups.iter().enumerate() {
            self.name_length(&format!("groups[{i}].name"), &g.get_ref().name);
            if let Some(prev) = f.groups[..i]
                .iter()
                .position(|p| p.get_ref().name.get_ref() == g.get_ref().name.get_ref())
            {
                self.err(g.get_ref().name.span(), format!("groups[{i}].name = \"{}\": groups[{prev}] has the same name; group names must be unique", g.get_ref().name.get_ref()));
            }
            if let Some(gr) = self.group(
                i,
                g.get_ref(),
                intervals,
                &channel_names,
                &proficiency,
                days,
                f.planning.is_some(),
            ) {
                groups.push(gr);
            }
        }
        for (ci, c) in f.channels.iter().enumerate() {
            if c.get_ref().kind.get_ref() == "self-service" {
                for (gi, g) in f.groups.iter().enumerate() {
                    if let Some(p) = g
                        .get_ref()
                        .skills
                        .get_ref()
                        .get(c.get_ref().name.get_ref().as_str())
                    {
                        self.err(p.span(), format!("groups[{gi}].skills.{}: a self-service channel is not served by agents; give the skill for the channel it falls to", toml_key(c.get_ref().name.get_ref())));
                    }
                }
                continue;
            }
            let served = f.groups.iter().any(|g| {
                g.get_ref()
                    .skills
                    .get_ref()
                    .contains_key(c.get_ref().name.get_ref().as_str())
            });
            if !served {
                self.err(
                    c.span(),
                    format!(
                        "channels[{ci}] \"{}\": no group can serve this channel; add `{} = 1.0` to the skills of a group",
                        c.get_ref().name.get_ref(),
                        toml_key(c.get_ref().name.get_ref())
                    ),
                );
            }
        }
        // Overflow names groups of the file: checked always. Repeat switches and self-service name other
        // channels: checked once every channel is (a refused one would be reported again as missing).
        let all_channels = channels.len() == f.channels.len();
        for (ci, c) in f.channels.iter().enumerate() {
            let overflow = self.overflow(ci, c.get_ref(), &f.groups);
            if all_channels {
                if let Some(o) = overflow {
                    channels[ci].overflow = o;
                }
                if let Some(switch) = self.repeat_switch(ci, c.get_ref(), &channels)
                    && let Some(r) = &mut channels[ci].repeat
                {
                    r.switch = switch;
                }
                if channels[ci].kind == ChannelKind::SelfService
                    && let Some((ss, assisted)) = self.self_service(ci, c.get_ref(), &channels)
                {
                    // Fall-throughs are contacts of the assisted channel: its handle times and patience.
                    channels[ci].handle_time = assisted.handle_time;
                    channels[ci].patience = assisted.patience;
                    channels[ci].handle_time_means = assisted.handle_time_means;
                    channels[ci].patience_means = assisted.patience_means;
                    channels[ci].self_service = Some(ss);
                }
            }
        }
        let complaints = match &f.complaints {
            None => None,
            Some(c) => {
                let c = c.get_ref();
                let share = *c.share.get_ref();
                if !(0.0..=1.0).contains(&share) {
                    self.err(c.share.span(), format!("complaints.share = {}: must be a share between 0 and 1 (of the cases that end disappointing)", Num(share)));
                }
                match channels
                    .iter()
                    .position(|ch| ch.name == *c.channel.get_ref())
                {
                    Some(k) if channels[k].kind == ChannelKind::Deferred => Some((share, k)),
                    Some(_) => {
                        self.err(c.channel.span(), format!("complaints.channel = \"{}\": complaints are written work: name a deferred channel", c.channel.get_ref()));
                        None
                    }
                    None if channels.len() == f.channels.len() => {
                        self.err(c.channel.span(), format!("complaints.channel = \"{}\": no channel has that name; add a deferred channel for complaints", c.channel.get_ref()));
                        None
                    }
                    None => None,
                }
            }
        };
        let mut training = Vec::new();
        // Every group the file names, valid or not: a programme naming a refused group is not told that no
        // group has that name.
        let group_names: Vec<&str> = f
            .groups
            .iter()
            .map(|g| g.get_ref().name.get_ref().as_str())
            .collect();
        for (i, t) in f.training.iter().enumerate() {
            self.name_length(&format!("training[{i}].name"), &t.get_ref().name);
            if let Some(prev) = f.training[..i]
                .iter()
                .position(|p| p.get_ref().name.get_ref() == t.get_ref().name.get_ref())
            {
                self.err(t.get_ref().name.span(), format!("training[{i}].name = \"{}\": training[{prev}] has the same name; programme names must be unique", t.get_ref().name.get_ref()));
            }
            if let Some(p) = self.training(
                i,
                t.get_ref(),
                &groups,
                &group_names,
                &channel_names,
                horizon_s,
                days,
            ) {
                training.push(p);
            }
        }
        let currency = f.currency.as_ref().and_then(|c| self.currency(c));
        if !self.errors.is_empty() {
            return None;
        }
        Some(Scenario {
            name,
            seed,
            replications,
            horizon_s,
            warmup_s,
            interval_s,
            proficiency,
            proficiency_effects,
            experience,
            standards,
            complaints,
            agent_selection,
            personalised,
            calendar,
            channels,
            groups,
            training,
            currency,
        })
    }

    /// Checks that the horizon is a whole number of intervals, not too many, and that the warm-up does
    /// not make too many either; false (with the error recorded) when not.
    fn timing(&mut self, f: &ScenarioFile, horizon_s: f64, interval_s: f64, warmup_s: f64) -> bool {
        let ratio = horizon_s / interval_s;
        let intervals = ratio.round();
        if (ratio - intervals).abs() > 1e-9 * ratio.max(1.0) || intervals < 1.0 {
            let span = f.interval.as_ref().map_or(f.horizon.span(), |i| i.span());
            self.err(
                span,
                format!(
                    "interval = \"{}\": the horizon ({}) must be a whole number of intervals; make the horizon a multiple of the interval",
                    format_duration(interval_s),
                    format_duration(horizon_s)
                ),
            );
            return false;
        }
        let intervals = intervals as usize;
        if intervals > MAX_INTERVALS {
            self.err(f.horizon.span(), format!("horizon = {}: gives {intervals} intervals, more than {MAX_INTERVALS}; use a longer interval", f.horizon.get_ref().text));
            return false;
        }
        // The warm-up is walked interval by interval too (staffing changes, arrival-rate changes).
        let simulated_intervals = ((warmup_s + horizon_s) / interval_s).ceil();
        if simulated_intervals > 2.0 * MAX_INTERVALS as f64 {
            let span = f.warmup.as_ref().map_or(f.horizon.span(), |w| w.span());
            self.err(span, format!("warmup = \"{}\": warm-up and horizon span {simulated_intervals} intervals, more than {}; shorten the warm-up or use a longer interval", format_duration(warmup_s), 2 * MAX_INTERVALS));
            return false;
        }

        true
    }

    /// `currency`: a code or symbol of 1 to 8 characters without spaces ("EUR", "USD", "€"), since it
    /// labels axes and table columns.
    fn currency(&mut self, c: &Spanned<String>) -> Option<String> {
        let text = c.get_ref().trim();
        let n = text.chars().count();
        if n == 0 || n > 8 || text.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
            self.err(
                c.span(),
                format!(
                    "currency = {:?}: give a currency code or symbol of 1 to 8 characters without spaces, such as \"EUR\", \"USD\" or \"€\" (or leave the key out for plain numbers)",
                    c.get_ref()
                ),
            );
            return None;
        }
        Some(text.to_string())
    }

    fn positive_duration(&mut self, key: &str, d: &Spanned<DurationValue>) -> Option<f64> {
        let v = d.get_ref();
        if v.seconds > 0.0 && v.seconds.is_finite() {
            Some(v.seconds)
        } else {
            self.err(
                d.span(),
                format!(
                    "{key} = {}: must be a positive duration such as \"30m\"",
                    v.text
                ),
            );
            None
        }
    }
}

/// A name as a TOML key: bare when it can be, quoted otherwise.
fn toml_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        name.to_string()
    } else {
        format!("\"{name}\"")
    }
}

fn quoted_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
