//! Turns a raw [`ScenarioFile`] into a checked [`Scenario`], collecting every problem with its place.
//!
//! Each message follows one pattern: `file:line:column: key = value: what is wrong; how to fix it`.
//!
//! Range checks are written `!(x > 0.0)` on purpose: a NaN fails them too.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use super::error::{ScenarioError, ScenarioErrors};
use super::file::{ChannelFile, DistFile, GroupFile, OneOrPerInterval, ScenarioFile};
use super::file::{ExperienceFile, HoursFile, OneOrMany, ProfileFile, ShiftFile};
use super::proficiency::ProficiencyCurve;
use super::{
    AgentSelection, Calendar, Channel, ChannelKind, Concurrency, ContactClass, DayType, Group,
    Overflow, Scenario, ServiceTarget, Skill, WEEKDAYS,
};
use super::{
    Announce, Break, Callback, FollowUp, ProficiencyEffects, Repeat, Resolution, Retry,
    SelfService, Shift, Training,
};
use crate::dist::{Dist, Num};
use crate::experience::{ExperienceRules, StandardTargets};
use crate::time::duration::{DurationError, DurationValue, format_duration, parse_duration};
use crate::time::profile::PerInterval;
use indexmap::IndexMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Seconds in a day.
const DAY_S: f64 = 86_400.0;

/// How the horizon divides into days, when it does (calendar features need it).
#[derive(Debug, Clone, Copy)]
struct Days {
    intervals_per_day: usize,
    count: usize,
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
    let mut v = Validator {
        origin,
        text,
        base_dir,
        errors: Vec::new(),
    };
    let scenario = v.scenario(file);
    match scenario {
        Some(s) if v.errors.is_empty() => Ok(s),
        _ => Err(ScenarioErrors(v.errors)),
    }
}

/// A syntax, type or unknown-key error from the TOML reader, with the key path it concerns and a fix.
fn toml_error(e: &toml::de::Error, text: &str, origin: &str) -> ScenarioError {
    let mut message = e.message().trim_end().to_string();
    if message.starts_with("unknown field") {
        message.push_str(": correct the key or remove it (docs/scenario.md lists every key)");
    } else if message.starts_with("missing field") {
        message.push_str(": add it (docs/scenario.md lists every key)");
    }
    let Some(span) = e.span() else {
        return ScenarioError::io(origin, message);
    };
    let unknown_key = message.starts_with("unknown field");
    if let Some(path) = key_path_at(text, span.start, !unknown_key) {
        message = format!("{path}: {message}");
    }
    ScenarioError::at(origin, text, span.start, message)
}

/// Byte offset of the last `=` in `line` that is not inside a quoted string.
fn last_assignment(line: &str) -> Option<usize> {
    let (mut quote, mut escaped, mut last) = (None::<char>, false, None);
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '=') => last = Some(i),
            _ => {}
        }
        escaped = false;
    }
    last
}

/// The dotted key path at byte `at`, as the validator names keys (`groups[0].size`): the table from the last
/// `[table]` or `[[array]]` header before it (arrays counted to give the index), then, if `with_key`, the
/// key of the nearest `key =` before `at` on its line. Best effort: `None` when the text gives no clue.
fn key_path_at(text: &str, at: usize, with_key: bool) -> Option<String> {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut table: Option<String> = None;
    let mut counts: Vec<(String, usize)> = Vec::new();
    for line in text[..line_start].lines() {
        let l = line.trim();
        if let Some(name) = l.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_string();
            let n = match counts.iter_mut().find(|(k, _)| *k == name) {
                Some((_, c)) => {
                    *c += 1;
                    *c
                }
                None => {
                    counts.push((name.clone(), 0));
                    0
                }
            };
            table = Some(format!("{name}[{n}]"));
        } else if let Some(name) = l.strip_prefix('[').and_then(|r| r.split(']').next()) {
            table = Some(name.trim().to_string());
        }
    }
    let key = if with_key {
        let before = &text[line_start..at];
        // The nearest `=` outside quotes before the error; the key is the identifier just before it.
        last_assignment(before).and_then(|eq| {
            let k = before[..eq].trim_end();
            let start = k
                .char_indices()
                .rev()
                .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let k = &k[start..];
            (!k.is_empty()).then(|| k.to_string())
        })
    } else {
        None
    };
    // Keys inside an inline table (`handle_time = { mean = "x" }`) are prefixed with the outer key.
    let key = key.map(|k| {
        let before = &text[line_start..at];
        match before.find('{') {
            Some(brace) if before[..brace].contains('=') => {
                let outer = before[..brace].trim_end().trim_end_matches('=').trim();
                if outer == k {
                    k
                } else {
                    format!("{outer}.{k}")
                }
            }
            _ => k,
        }
    });
    match (table, key) {
        (Some(t), Some(k)) => Some(format!("{t}.{k}")),
        (Some(t), None) => Some(t),
        (None, Some(k)) => Some(k),
        (None, None) => None,
    }
}

struct Validator<'a> {
    origin: &'a str,
    text: &'a str,
    base_dir: Option<&'a Path>,
    errors: Vec<ScenarioError>,
}

impl Validator<'_> {
    fn err(&mut self, span: Range<usize>, message: String) {
        self.errors.push(ScenarioError::at(
            self.origin,
            self.text,
            span.start,
            message,
        ));
    }

    fn scenario(&mut self, f: ScenarioFile) -> Option<Scenario> {
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
        let (horizon_s, interval_s) = (horizon_s?, interval_s?);
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
            return None;
        }
        let intervals = intervals as usize;
        if intervals > MAX_INTERVALS {
            self.err(f.horizon.span(), format!("horizon = {}: gives {intervals} intervals, more than {MAX_INTERVALS}; use a longer interval", f.horizon.get_ref().text));
            return None;
        }
        // The warm-up is walked interval by interval too (staffing changes, arrival-rate changes).
        let simulated_intervals = ((warmup_s + horizon_s) / interval_s).ceil();
        if simulated_intervals > 2.0 * MAX_INTERVALS as f64 {
            let span = f.warmup.as_ref().map_or(f.horizon.span(), |w| w.span());
            self.err(span, format!("warmup = \"{}\": warm-up and horizon span {simulated_intervals} intervals, more than {}; shorten the warm-up or use a longer interval", format_duration(warmup_s), 2 * MAX_INTERVALS));
            return None;
        }

        let (proficiency, proficiency_effects) = match &f.proficiency {
            None => (ProficiencyCurve::default(), ProficiencyEffects::default()),
            Some(p) => self.proficiency(p),
        };
        let calendar = self.calendar(&f, Some(horizon_s));
        let experience = self.experience(f.experience.as_ref());
        let standards = self.standards(f.standards.as_ref());
        // Calendar features (opening hours, arrivals per day, shifts) need whole days of whole intervals.
        let days = (DAY_S % interval_s == 0.0 && horizon_s % DAY_S == 0.0).then(|| Days {
            intervals_per_day: (DAY_S / interval_s).round() as usize,
            count: (horizon_s / DAY_S).round() as usize,
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
            if let Some(prev) = f.channels[..i]
                .iter()
                .position(|p| p.get_ref().name.get_ref() == c.get_ref().name.get_ref())
            {
                self.err(c.get_ref().name.span(), format!("channels[{i}].name = \"{}\": channels[{prev}] has the same name; channel names must be unique", c.get_ref().name.get_ref()));
            }
            if let Some(ch) = self.channel(i, c.get_ref(), intervals, interval_s, &calendar, days) {
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
        if self.errors.is_empty() {
            for (ci, c) in f.channels.iter().enumerate() {
                if let Some(o) = self.overflow(ci, c.get_ref(), &f.groups) {
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
        for (i, t) in f.training.iter().enumerate() {
            if let Some(prev) = f.training[..i]
                .iter()
                .position(|p| p.get_ref().name.get_ref() == t.get_ref().name.get_ref())
            {
                self.err(t.get_ref().name.span(), format!("training[{i}].name = \"{}\": training[{prev}] has the same name; programme names must be unique", t.get_ref().name.get_ref()));
            }
            if let Some(p) = self.training(i, t.get_ref(), &groups, &channel_names, horizon_s, days)
            {
                training.push(p);
            }
        }
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
        })
    }

    /// A `[[training]]` programme: its group, participants, sessions (a calendar feature), gains and costs.
    fn training(
        &mut self,
        i: usize,
        t: &super::file::TrainingFile,
        groups: &[Group],
        channels: &[&str],
        horizon_s: f64,
        days: Option<Days>,
    ) -> Option<Training> {
        let key = format!("training[{i}]");
        let Some(group) = groups.iter().position(|g| g.name == *t.group.get_ref()) else {
            let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
            self.err(
                t.group.span(),
                format!(
                    "{key}.group = \"{}\": no group has that name; groups: {}",
                    t.group.get_ref(),
                    quoted_list(&names)
                ),
            );
            return None;
        };
        let (participants, share) = match (&t.participants, &t.share) {
            (Some(_), Some(s)) => {
                self.err(s.span(), format!("{key}: give `participants` (agents) or `share` (of the group's agents), not both"));
                return None;
            }
            (Some(n), None) if (1..=1_000_000).contains(n.get_ref()) => (*n.get_ref() as u32, None),
            (Some(n), None) => {
                self.err(n.span(), format!("{key}.participants = {}: give the number of agents taking part, 1 to 1000000", n.get_ref()));
                return None;
            }
            (None, Some(s)) if *s.get_ref() > 0.0 && *s.get_ref() <= 1.0 => (0, Some(*s.get_ref())),
            (None, Some(s)) => {
                self.err(s.span(), format!("{key}.share = {}: give the share of the group's agents taking part, above 0 and at most 1", Num(*s.get_ref())));
                return None;
            }
            (None, None) => (0, Some(1.0)),
        };
        let days = self.need_days(&format!("{key}.sessions"), t.sessions.span(), days)?;
        if t.sessions.get_ref().is_empty() {
            self.err(t.sessions.span(), format!("{key}.sessions = []: give at least one session, e.g. {{ day = 3, at = \"09:00\", duration = \"3h\" }}"));
            return None;
        }
        let mut sessions = Vec::new();
        let mut specs = Vec::new();
        for (k, s) in t.sessions.get_ref().iter().enumerate() {
            let s = s.get_ref();
            let sk = format!("{key}.sessions[{k}]");
            let day = *s.day.get_ref();
            if !(1..=days.count as i64).contains(&day) {
                self.err(
                    s.day.span(),
                    format!(
                        "{sk}.day = {day}: give a day of the horizon, 1 (the first) to {}",
                        days.count
                    ),
                );
                continue;
            }
            let Some(at) = parse_clock(s.at.get_ref()).filter(|a| *a < DAY_S) else {
                self.err(
                    s.at.span(),
                    format!(
                        "{sk}.at = \"{}\": give a time of day such as \"09:00\"",
                        s.at.get_ref()
                    ),
                );
                continue;
            };
            let duration = s.duration.get_ref().seconds;
            if !(duration.is_finite() && duration >= 0.0) {
                self.err(
                    s.duration.span(),
                    format!(
                        "{sk}.duration = {}: give a duration such as \"3h\" (0: no class time)",
                        s.duration.get_ref().text
                    ),
                );
                continue;
            }
            let times = s.times.as_ref().map_or(1, |n| *n.get_ref());
            if !(1..=1000).contains(&times) {
                let span = s.times.as_ref().map_or(s.day.span(), |n| n.span());
                self.err(
                    span,
                    format!("{sk}.times = {times}: give how many sessions, 1 to 1000"),
                );
                continue;
            }
            let every = match &s.every {
                // With one session, `every` has nothing to repeat.
                _ if times == 1 => 0.0,
                None if times > 1 => {
                    self.err(
                        s.day.span(),
                        format!("{sk}: {times} sessions need `every`, e.g. every = \"7d\""),
                    );
                    continue;
                }
                None => 0.0,
                Some(e) => {
                    let v = e.get_ref().seconds;
                    if !(v.is_finite() && v >= duration && v > 0.0) {
                        self.err(e.span(), format!("{sk}.every = {}: give a positive repeat period no shorter than the session", e.get_ref().text));
                        continue;
                    }
                    v
                }
            };
            let first = (day - 1) as f64 * DAY_S + at;
            let last = first + (times - 1) as f64 * every;
            if last >= horizon_s {
                self.err(s.day.span(), format!("{sk}: the last of its {times} sessions would start after the horizon; start earlier or give fewer `times`"));
                continue;
            }
            for n in 0..times {
                let start = first + n as f64 * every;
                sessions.push((start, start + duration));
            }
            specs.push((day, s.at.get_ref().clone(), duration, every, times as u32));
        }
        sessions.sort_by(|a, b| a.0.total_cmp(&b.0));
        if let Some(w) = sessions.windows(2).find(|w| w[1].0 < w[0].1) {
            self.err(t.sessions.span(), format!("{key}.sessions: two sessions overlap on day {} (a participant attends one at a time); move one or shorten it", (w[1].0 / DAY_S).floor() as i64 + 1));
        }
        let mut skill_gain = Vec::new();
        let mut friendliness_gain = 0.0;
        let no_gain = IndexMap::new();
        for (name, g) in t.gain.as_ref().map_or(&no_gain, |g| g.get_ref()) {
            let v = *g.get_ref();
            if !(0.0..=1.0).contains(&v) {
                self.err(g.span(), format!("{key}.gain.{} = {}: a gain is between 0 and 1 (proficiency and friendliness are at most 1)", toml_key(name), Num(v)));
                continue;
            }
            if name == "friendliness" {
                friendliness_gain = v;
                continue;
            }
            match channels.iter().position(|c| c == name) {
                Some(c) if groups[group].skills.iter().any(|s| s.channel == c) => skill_gain.push((c, v)),
                Some(_) => self.err(g.span(), format!("{key}.gain.{}: group \"{}\" has no skill for this channel; train skills it has, or add the skill", toml_key(name), groups[group].name)),
                None => self.err(g.span(), format!("{key}.gain.{}: no channel has that name; gains name channels or `friendliness`", toml_key(name))),
            }
        }
        let duration_or = |d: &Option<Spanned<DurationValue>>,
                           this: &mut Self,
                           name: &str|
         -> Option<Option<f64>> {
            match d {
                None => Some(None),
                Some(d) => this
                    .positive_duration(&format!("{key}.{name}"), d)
                    .map(Some),
            }
        };
        let half_life_s = duration_or(&t.half_life, self, "half_life")?.unwrap_or(7.0 * DAY_S);
        let decay_half_life_s = duration_or(&t.decay_half_life, self, "decay_half_life")?;
        let money = |v: &Option<Spanned<f64>>, this: &mut Self, name: &str| -> Option<f64> {
            match v {
                None => Some(0.0),
                Some(x) if (0.0..=1e9).contains(x.get_ref()) => Some(*x.get_ref()),
                Some(x) => {
                    this.err(
                        x.span(),
                        format!(
                            "{key}.{name} = {}: give a cost between 0 and 1000000000",
                            Num(*x.get_ref())
                        ),
                    );
                    None
                }
            }
        };
        let cost_per_participant_hour = money(
            &t.cost_per_participant_hour,
            self,
            "cost_per_participant_hour",
        )?;
        let fixed_cost = money(&t.fixed_cost, self, "fixed_cost")?;
        Some(Training {
            name: t.name.get_ref().clone(),
            group,
            participants,
            share,
            sessions,
            session_specs: specs,
            skill_gain,
            friendliness_gain,
            half_life_s,
            decay_half_life_s,
            cost_per_participant_hour,
            fixed_cost,
        })
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

    fn proficiency(
        &mut self,
        p: &Spanned<super::file::ProficiencyFile>,
    ) -> (ProficiencyCurve, ProficiencyEffects) {
        let p = p.get_ref();
        let curve_span = p.curve.as_ref().map_or(0..0, |c| c.span());
        let curve = match p.curve.as_ref().map_or("power", |c| c.get_ref().as_str()) {
            "power" => {
                if let Some(s) = &p.slowest {
                    self.err(s.span(), "proficiency.slowest: is used by curve = \"linear\" only; remove it or use `exponent`".into());
                }
                let exponent = p.exponent.as_ref().map_or(1.0, |e| *e.get_ref());
                if !(exponent.is_finite() && exponent > 0.0) {
                    let span = p.exponent.as_ref().map_or(curve_span.clone(), |e| e.span());
                    self.err(span, format!("proficiency.exponent = {exponent}: must be positive (1.0: half the proficiency, twice the handle time)"));
                }
                ProficiencyCurve::Power { exponent }
            }
            "linear" => {
                if let Some(e) = &p.exponent {
                    self.err(e.span(), "proficiency.exponent: is used by curve = \"power\" only; remove it or use `slowest`".into());
                }
                let slowest = p.slowest.as_ref().map_or(2.0, |s| *s.get_ref());
                if !(slowest.is_finite() && slowest >= 1.0) {
                    let span = p.slowest.as_ref().map_or(curve_span.clone(), |s| s.span());
                    self.err(span, format!("proficiency.slowest = {slowest}: must be >= 1 (the handle-time multiplier as proficiency nears 0)"));
                }
                ProficiencyCurve::Linear { slowest }
            }
            other => {
                self.err(curve_span.clone(), format!("proficiency.curve = \"{other}\": unknown curve; use \"power\" or \"linear\""));
                ProficiencyCurve::default()
            }
        };
        let mut effects = ProficiencyEffects::default();
        for (key, value, slot) in [
            (
                "resolution_exponent",
                &p.resolution_exponent,
                &mut effects.resolution_exponent,
            ),
            (
                "accuracy_exponent",
                &p.accuracy_exponent,
                &mut effects.accuracy_exponent,
            ),
        ] {
            if let Some(v) = value {
                let x = *v.get_ref();
                if (0.0..=5.0).contains(&x) {
                    *slot = x;
                } else {
                    self.err(v.span(), format!("proficiency.{key} = {}: must be between 0 (proficiency does not matter) and 5", Num(x)));
                }
            }
        }
        (curve, effects)
    }

    /// `[standards]`: a target per standard (docs/experience.md, "The eight standards").
    fn standards(
        &mut self,
        s: Option<&Spanned<IndexMap<String, Spanned<f64>>>>,
    ) -> StandardTargets {
        let mut targets = StandardTargets::default();
        for (name, value) in s.map(|s| s.get_ref().iter()).into_iter().flatten() {
            let v = *value.get_ref();
            let max = if name == "efficiency" { 100.0 } else { 1.0 };
            if !(v >= 0.0 && v <= max) {
                self.err(
                    value.span(),
                    format!("standards.{name} = {}: must be between 0 and {max}", Num(v)),
                );
            } else if !targets.set(name, v) {
                self.err(
                    value.span(),
                    format!(
                        "standards.{name}: unknown standard; use {}",
                        crate::experience::STANDARDS.join(", ")
                    ),
                );
            }
        }
        targets
    }

    /// The `[experience]` thresholds, defaults where not given (docs/experience.md).
    fn experience(&mut self, e: Option<&Spanned<ExperienceFile>>) -> ExperienceRules {
        let mut r = ExperienceRules::default();
        let Some(e) = e else { return r };
        let e = e.get_ref();
        let ratio =
            |v: &mut Self, key: &str, x: &Option<Spanned<f64>>, slot: &mut f64, max: f64| {
                if let Some(x) = x {
                    let value = *x.get_ref();
                    if (0.0..=max).contains(&value) {
                        *slot = value;
                    } else {
                        v.err(
                            x.span(),
                            format!(
                                "experience.{key} = {}: must be between 0 and {max}",
                                Num(value)
                            ),
                        );
                    }
                }
            };
        ratio(
            self,
            "wait_missed",
            &e.wait_missed,
            &mut r.wait_missed,
            1000.0,
        );
        ratio(self, "wait_poor", &e.wait_poor, &mut r.wait_poor, 1000.0);
        ratio(
            self,
            "wait_unbearable",
            &e.wait_unbearable,
            &mut r.wait_unbearable,
            1000.0,
        );
        ratio(self, "low_skill", &e.low_skill, &mut r.low_skill, 1.0);
        ratio(self, "unfriendly", &e.unfriendly, &mut r.unfriendly, 1.0);
        ratio(self, "rude", &e.rude, &mut r.rude, 1.0);
        ratio(
            self,
            "exceed_friendliness",
            &e.exceed_friendliness,
            &mut r.exceed_friendliness,
            1.0,
        );
        ratio(
            self,
            "exceed_skill",
            &e.exceed_skill,
            &mut r.exceed_skill,
            1.0,
        );
        ratio(
            self,
            "amaze_friendliness",
            &e.amaze_friendliness,
            &mut r.amaze_friendliness,
            1.0,
        );
        if let Some(n) = &e.repeat_poor {
            match *n.get_ref() {
                v @ 2..=100 => r.repeat_poor = v as u32,
                v => self.err(
                    n.span(),
                    format!(
                        "experience.repeat_poor = {v}: must be a number of contacts from 2 to 100"
                    ),
                ),
            }
        }
        if let Some(d) = &e.slow_resolution {
            r.slow_resolution_s = self
                .positive_duration("experience.slow_resolution", d)
                .unwrap_or(r.slow_resolution_s);
        }
        if let Some(d) = &e.very_slow_resolution {
            r.very_slow_resolution_s = self
                .positive_duration("experience.very_slow_resolution", d)
                .unwrap_or(r.very_slow_resolution_s);
        }
        if !(r.wait_missed <= r.wait_poor && r.wait_poor <= r.wait_unbearable) {
            self.err(0..0, format!("experience: the wait thresholds must rise: wait_missed ({}) <= wait_poor ({}) <= wait_unbearable ({})", r.wait_missed, r.wait_poor, r.wait_unbearable));
        }
        if r.slow_resolution_s > r.very_slow_resolution_s {
            self.err(
                0..0,
                "experience: slow_resolution must not exceed very_slow_resolution".into(),
            );
        }
        if r.rude > r.unfriendly {
            self.err(0..0, "experience: rude must not exceed unfriendly".into());
        }
        r
    }

    /// `resolution`, `repeat` (its `switch` is resolved once every channel is known) and `retry`.
    fn journeys(
        &mut self,
        i: usize,
        c: &ChannelFile,
        kind: Option<ChannelKind>,
    ) -> Option<(Option<Resolution>, Option<Repeat>, Option<Retry>)> {
        let key = format!("channels[{i}]");
        if kind == Some(ChannelKind::SelfService) {
            for (k, span) in [
                ("resolution", c.resolution.as_ref().map(|x| x.span())),
                ("repeat", c.repeat.as_ref().map(|x| x.span())),
                ("retry", c.retry.as_ref().map(|x| x.span())),
            ] {
                if let Some(span) = span {
                    self.err(span, format!("{key}.{k}: does not apply to a self-service channel; set it on the channel it falls to"));
                }
            }
            return Some((None, None, None));
        }
        let share = |v: &mut Self,
                     name: &str,
                     x: &Spanned<f64>,
                     lo_open: bool,
                     hi_open: bool|
         -> Option<f64> {
            let value = *x.get_ref();
            let ok = (if lo_open { value > 0.0 } else { value >= 0.0 })
                && (if hi_open { value < 1.0 } else { value <= 1.0 });
            if !ok {
                let range = format!(
                    "{}0, 1{}",
                    if lo_open { "(" } else { "[" },
                    if hi_open { ")" } else { "]" }
                );
                v.err(
                    x.span(),
                    format!("{key}.{name} = {}: must be in {range}", Num(value)),
                );
            }
            ok.then_some(value)
        };
        let resolution = match &c.resolution {
            None => None,
            Some(r) => {
                let r = r.get_ref();
                let first_contact = share(
                    self,
                    "resolution.first_contact",
                    &r.first_contact,
                    true,
                    false,
                )?;
                let accuracy = match &r.accuracy {
                    Some(a) => share(self, "resolution.accuracy", a, true, false)?,
                    None => 1.0,
                };
                Some(Resolution {
                    first_contact,
                    accuracy,
                })
            }
        };
        let repeat = match &c.repeat {
            None => None,
            Some(r) => {
                let r = r.get_ref();
                let delay = self.dist(&format!("{key}.repeat.delay"), &r.delay)?;
                let give_up = match &r.give_up {
                    Some(g) => share(self, "repeat.give_up", g, false, true)?,
                    None => 0.0,
                };
                let max_contacts = match &r.max_contacts {
                    Some(m) if (1..=100).contains(m.get_ref()) => *m.get_ref() as u32,
                    Some(m) => {
                        self.err(m.span(), format!("{key}.repeat.max_contacts = {}: must be a whole number from 1 to 100", m.get_ref()));
                        return None;
                    }
                    None => 10,
                };
                Some(Repeat {
                    delay,
                    switch: Vec::new(),
                    give_up,
                    max_contacts,
                })
            }
        };
        // With `resolution` given, proficiency below 1 can leave cases unresolved even at rates of 1.
        if repeat.is_none() && resolution.is_some() {
            let span = c.resolution.as_ref().map_or(0..0, |r| r.span());
            self.err(span, format!("{key}.resolution: customers whose case is not resolved come back; say when with repeat = {{ delay = {{ dist = \"exponential\", mean = \"1d\" }} }}"));
            return None;
        }
        let retry = match &c.retry {
            None => None,
            Some(r) => {
                let r = r.get_ref();
                let s = share(self, "retry.share", &r.share, false, false)?;
                let delay = self.dist(&format!("{key}.retry.delay"), &r.delay)?;
                Some(Retry { share: s, delay })
            }
        };
        Some((resolution, repeat, retry))
    }

    /// The channels a repeat contact may switch to: existing, assisted channels, shares adding up to at most 1.
    fn repeat_switch(
        &mut self,
        i: usize,
        c: &ChannelFile,
        channels: &[Channel],
    ) -> Option<Vec<(usize, f64)>> {
        let Some(r) = &c.repeat else {
            return Some(Vec::new());
        };
        let Some(switch) = &r.get_ref().switch else {
            return Some(Vec::new());
        };
        let mut out = Vec::new();
        for (name, share) in switch.get_ref() {
            let Some(to) = channels
                .iter()
                .position(|ch| ch.name == *name && ch.kind != ChannelKind::SelfService)
            else {
                self.err(
                    share.span(),
                    format!(
                        "channels[{i}].repeat.switch.{}: no assisted channel is named \"{name}\"",
                        toml_key(name)
                    ),
                );
                return None;
            };
            let s = *share.get_ref();
            if !(0.0..=1.0).contains(&s) {
                self.err(
                    share.span(),
                    format!(
                        "channels[{i}].repeat.switch.{} = {}: must be a share between 0 and 1",
                        toml_key(name),
                        Num(s)
                    ),
                );
                return None;
            }
            out.push((to, s));
        }
        let total: f64 = out.iter().map(|(_, s)| s).sum();
        if total > 1.0 + 1e-9 {
            self.err(switch.span(), format!("channels[{i}].repeat.switch: the shares add up to {total}; at most 1 (the rest come back on the same channel)"));
            return None;
        }
        Some(out)
    }

    fn channel(
        &mut self,
        i: usize,
        c: &ChannelFile,
        intervals: usize,
        interval_s: f64,
        calendar: &Calendar,
        days: Option<Days>,
    ) -> Option<Channel> {
        let name = c.name.get_ref().clone();
        if name.trim() != name {
            self.err(c.name.span(), format!("channels[{i}].name = \"{name}\": remove the spaces at either end (names are matched exactly)"));
        }
        if name.trim().is_empty() {
            self.err(
                c.name.span(),
                format!("channels[{i}].name = \"\": give the channel a name"),
            );
        }
        let kind = match c.kind.get_ref().as_str() {
            "voice" => Some(ChannelKind::Voice),
            "chat" => Some(ChannelKind::Chat),
            "deferred" => Some(ChannelKind::Deferred),
            "self-service" => Some(ChannelKind::SelfService),
            other => {
                let msg = if ["email", "web form", "social", "social media"].contains(&other) {
                    format!(
                        "channels[{i}].kind = \"{other}\": email, web forms and social media are kind = \"deferred\" (name the channel \"{other}\")"
                    )
                } else if other == "callback" {
                    format!(
                        "channels[{i}].kind = \"callback\": callbacks are an option of a voice channel: add callback = {{ offer_after = \"2m\", accept = 0.6 }} to it"
                    )
                } else {
                    format!(
                        "channels[{i}].kind = \"{other}\": unknown kind; use \"voice\", \"chat\", \"deferred\" or \"self-service\""
                    )
                };
                self.err(c.kind.span(), msg);
                None
            }
        };
        let concurrency = self.concurrency(i, c, kind);
        let classes = self.classes(i, c, &name);
        let default_priority = if kind == Some(ChannelKind::Deferred) {
            super::DEFERRED_PRIORITY
        } else {
            super::SYNCHRONOUS_PRIORITY
        };
        let priority = c
            .priority
            .as_ref()
            .map_or(default_priority, |p| *p.get_ref());
        if kind == Some(ChannelKind::Deferred) {
            if let Some(p) = &c.patience {
                self.err(
                    p.span(),
                    format!("channels[{i}].patience: deferred work does not abandon; remove it"),
                );
            }
            if let Some(q) = &c.queue_capacity {
                self.err(q.span(), format!("channels[{i}].queue_capacity: deferred work waits in an unlimited backlog; remove it"));
            }
        }
        let open = self.open_hours(i, c, calendar, days, intervals);
        let arrivals =
            self.arrivals(i, c, intervals, calendar, days)
                .map(|rates| match (&open, kind) {
                    // A synchronous channel has no arrivals while closed.
                    (Some(open), Some(k)) if k.is_synchronous() && !open.is_constant() => {
                        let n = rates.values().len().max(open.values().len());
                        let values = (0..n as i64)
                            .map(|k| if open.at(k) { rates.at(k) } else { 0.0 })
                            .collect();
                        PerInterval::new(values).expect("not empty")
                    }
                    (Some(open), Some(k)) if k.is_synchronous() && !open.at(0) => {
                        PerInterval::constant(0.0)
                    }
                    _ => rates,
                });
        let self_service = kind == Some(ChannelKind::SelfService);
        let handle_time = match (&c.handle_time, self_service) {
            (Some(h), false) => self.dist(&format!("channels[{i}].handle_time"), h),
            (None, false) => {
                self.err(c.name.span(), format!("channels[{i}]: missing field `handle_time`: add it, e.g. handle_time = {{ dist = \"exponential\", mean = \"5m\" }}"));
                None
            }
            (Some(h), true) => {
                self.err(h.span(), format!("channels[{i}].handle_time: a self-service channel has no agents; its contacts that fall through take the handle time of the channel they fall to"));
                None
            }
            // Replaced by the assisted channel's once every channel is known (see `self_service`).
            (None, true) => Dist::fixed(1.0).ok(),
        };
        let (announce, callback) = (self.announce(i, c, kind), self.callback(i, c, kind));
        let journeys = self.journeys(i, c, kind);
        if self_service {
            let forbidden: [(&str, Option<Range<usize>>); 9] = [
                ("patience", c.patience.as_ref().map(|x| x.span())),
                ("target", c.target.as_ref().map(|x| x.span())),
                (
                    "queue_capacity",
                    c.queue_capacity.as_ref().map(|x| x.span()),
                ),
                ("priority", c.priority.as_ref().map(|x| x.span())),
                ("classes", c.classes.as_ref().map(|x| x.span())),
                ("overflow", c.overflow.as_ref().map(|x| x.span())),
                ("concurrency", c.concurrency.as_ref().map(|x| x.span())),
                ("announce", c.announce.as_ref().map(|x| x.span())),
                ("callback", c.callback.as_ref().map(|x| x.span())),
            ];
            for (key, span) in forbidden {
                if let Some(span) = span {
                    self.err(span, format!("channels[{i}].{key}: does not apply to a self-service channel (it has no agents); set it on the channel it falls to"));
                }
            }
        } else {
            for (key, span) in [
                ("containment", c.containment.as_ref().map(|x| x.span())),
                ("time", c.time.as_ref().map(|x| x.span())),
                ("falls_to", c.falls_to.as_ref().map(|x| x.span())),
            ] {
                if let Some(span) = span {
                    self.err(span, format!("channels[{i}].{key}: is a key of self-service channels only; remove it or use kind = \"self-service\""));
                }
            }
        }
        let patience = c
            .patience
            .as_ref()
            .map(|p| self.dist(&format!("channels[{i}].patience"), p));
        let target = match &c.target {
            None => Some(ServiceTarget::default()),
            Some(t) => {
                let t = t.get_ref();
                let within =
                    self.positive_duration(&format!("channels[{i}].target.within"), &t.within);
                let share = *t.share.get_ref();
                if !(share > 0.0 && share <= 1.0) {
                    self.err(t.share.span(), format!("channels[{i}].target.share = {share}: must be in (0, 1], e.g. 0.80 for \"80% within\""));
                }
                let business_hours = t.business_hours.as_ref().is_some_and(|b| *b.get_ref());
                within.map(|within_s| ServiceTarget {
                    within_s,
                    share,
                    business_hours,
                })
            }
        };
        let queue_capacity = match &c.queue_capacity {
            None => Some(None),
            Some(q) if (0..=i64::from(u32::MAX)).contains(q.get_ref()) => {
                Some(Some(*q.get_ref() as u32))
            }
            Some(q) => {
                self.err(q.span(), format!("channels[{i}].queue_capacity = {}: must be a whole number >= 0 (leave it out for an unlimited queue)", q.get_ref()));
                None
            }
        };
        Some(Channel {
            name,
            kind: kind?,
            arrivals_per_hour: arrivals?,
            handle_time: handle_time?,
            patience: patience.map_or(Some(None), |p| p.map(Some))?,
            target: target?,
            queue_capacity: queue_capacity?,
            open: open?,
            forecast_cv: self.forecast_cv(i, c, interval_s)?,
            priority,
            classes: classes?,
            // Resolved once the groups are known (see `overflow`).
            overflow: None,
            concurrency,
            announce,
            callback: callback?,
            // Resolved once every channel is known (see `self_service`).
            self_service: None,
            resolution: journeys.as_ref()?.0,
            repeat: journeys.as_ref()?.1.clone(),
            retry: journeys?.2,
            follow_up: self.follow_up(i, c, kind)?,
        })
    }

    fn follow_up(
        &mut self,
        i: usize,
        c: &ChannelFile,
        kind: Option<ChannelKind>,
    ) -> Option<Option<FollowUp>> {
        let Some(fu) = &c.follow_up else {
            return Some(None);
        };
        if kind == Some(ChannelKind::SelfService) {
            self.err(
                fu.span(),
                format!(
                    "channels[{i}].follow_up: a self-service channel has no agents to follow up"
                ),
            );
            return None;
        }
        let fu = fu.get_ref();
        let share = *fu.share.get_ref();
        if !(0.0..=1.0).contains(&share) {
            self.err(fu.share.span(), format!("channels[{i}].follow_up.share = {}: must be a share between 0 and 1 (of resolved cases)", Num(share)));
            return None;
        }
        let delay = self.dist(&format!("channels[{i}].follow_up.delay"), &fu.delay)?;
        let handle_time = self.dist(
            &format!("channels[{i}].follow_up.handle_time"),
            &fu.handle_time,
        )?;
        Some(Some(FollowUp {
            share,
            delay,
            handle_time,
        }))
    }
    /// `arrivals.forecast_cv`: 0 (no uncertainty) to 2; needs intervals that tile a day (the multiplier
    /// changes at midnight).
    fn forecast_cv(&mut self, i: usize, c: &ChannelFile, interval_s: f64) -> Option<f64> {
        let Some(cv) = &c.arrivals.get_ref().forecast_cv else {
            return Some(0.0);
        };
        let value = *cv.get_ref();
        if !(value == 0.0 || (0.001..=2.0).contains(&value)) {
            self.err(cv.span(), format!("channels[{i}].arrivals.forecast_cv = {}: must be 0 (no uncertainty) or between 0.001 and 2 (0.1: a day's volume is typically within 10% of the forecast)", Num(value)));
            return None;
        }
        if value > 0.0 && DAY_S % interval_s != 0.0 {
            self.err(cv.span(), format!("channels[{i}].arrivals.forecast_cv: the day's multiplier changes at midnight, so the interval must divide a day (such as \"30m\")"));
            return None;
        }
        Some(value)
    }

    fn announce(
        &mut self,
        i: usize,
        c: &ChannelFile,
        kind: Option<ChannelKind>,
    ) -> Option<Announce> {
        let a = c.announce.as_ref()?;
        if !kind.is_some_and(|k| k == ChannelKind::Voice || k == ChannelKind::Chat) {
            self.err(a.span(), format!("channels[{i}].announce: only voice and chat customers wait on the line to hear it; remove it"));
            return None;
        }
        let a = a.get_ref();
        let share = a.share.as_ref().map_or(1.0, |s| *s.get_ref());
        if !(0.0..=1.0).contains(&share) {
            self.err(a.share.as_ref().map_or(0..0, |s| s.span()), format!("channels[{i}].announce.share = {}: must be between 0 and 1 (the share of waiting customers who hear the announcement)", Num(share)));
        }
        let factor = *a.patience_factor.get_ref();
        if !(factor > 0.0 && factor <= 10.0) {
            self.err(a.patience_factor.span(), format!("channels[{i}].announce.patience_factor = {}: must be in (0, 10] (1.3: informed customers wait 30% longer)", Num(factor)));
        }
        Some(Announce {
            share,
            patience_factor: factor,
        })
    }

    fn callback(
        &mut self,
        i: usize,
        c: &ChannelFile,
        kind: Option<ChannelKind>,
    ) -> Option<Option<Callback>> {
        let Some(cb) = &c.callback else {
            return Some(None);
        };
        if kind != Some(ChannelKind::Voice) {
            self.err(cb.span(), format!("channels[{i}].callback: callbacks are a voice option; remove it or use kind = \"voice\""));
            return None;
        }
        let cb = cb.get_ref();
        let key = format!("channels[{i}].callback");
        let offer_after_s =
            self.positive_duration(&format!("{key}.offer_after"), &cb.offer_after)?;
        let share = |v: &mut Self,
                     name: &str,
                     x: Option<&Spanned<f64>>,
                     default: f64,
                     max_exclusive: bool|
         -> f64 {
            let value = x.map_or(default, |x| *x.get_ref());
            let ok = value >= 0.0
                && if max_exclusive {
                    value < 1.0
                } else {
                    value <= 1.0
                };
            if !ok {
                v.err(
                    x.map_or(0..0, |x| x.span()),
                    format!(
                        "{key}.{name} = {}: must be a share between 0 and 1{}",
                        Num(value),
                        if max_exclusive { " (below 1)" } else { "" }
                    ),
                );
            }
            value
        };
        let accept = share(self, "accept", Some(&cb.accept), 0.0, false);
        let no_answer = share(self, "no_answer", cb.no_answer.as_ref(), 0.0, true);
        let no_answer_time_s = match &cb.no_answer_time {
            Some(t) => self.positive_duration(&format!("{key}.no_answer_time"), t)?,
            None => 30.0,
        };
        let handle_time = match (&cb.handle_time, &c.handle_time) {
            (Some(h), _) => self.dist(&format!("{key}.handle_time"), h)?,
            (None, Some(h)) => self.dist(&format!("channels[{i}].handle_time"), h)?,
            (None, None) => return None,
        };
        Some(Some(Callback {
            offer_after_s,
            accept,
            handle_time,
            no_answer,
            no_answer_time_s,
        }))
    }

    /// Resolves a self-service channel once every channel is known: its share contained, its time, and the
    /// assisted channel it falls to (whose handle time, patience and classes its fall-throughs take).
    fn self_service(
        &mut self,
        i: usize,
        c: &ChannelFile,
        channels: &[Channel],
    ) -> Option<(SelfService, Channel)> {
        let key = format!("channels[{i}]");
        let containment = match &c.containment {
            Some(x) if (0.0..=1.0).contains(x.get_ref()) => *x.get_ref(),
            Some(x) => {
                self.err(x.span(), format!("{key}.containment = {}: must be a share between 0 and 1 (resolved without an agent)", Num(*x.get_ref())));
                return None;
            }
            None => {
                self.err(c.name.span(), format!("{key}: a self-service channel needs `containment`, the share resolved without an agent, e.g. containment = 0.3"));
                return None;
            }
        };
        let Some(time) = &c.time else {
            self.err(c.name.span(), format!("{key}: a self-service channel needs `time`, the time spent in self-service, e.g. time = {{ dist = \"exponential\", mean = \"2m\" }}"));
            return None;
        };
        let time = self.dist(&format!("{key}.time"), time)?;
        let Some(to) = &c.falls_to else {
            self.err(c.name.span(), format!("{key}: a self-service channel needs `falls_to`, the assisted channel the rest go to"));
            return None;
        };
        let Some(falls_to) = channels.iter().position(|ch| ch.name == *to.get_ref()) else {
            let names: Vec<&str> = channels.iter().map(|ch| ch.name.as_str()).collect();
            self.err(
                to.span(),
                format!(
                    "{key}.falls_to = \"{}\": no channel has that name; channels: {}",
                    to.get_ref(),
                    quoted_list(&names)
                ),
            );
            return None;
        };
        if channels[falls_to].kind == ChannelKind::SelfService {
            self.err(to.span(), format!("{key}.falls_to = \"{}\": must be an assisted channel (voice, chat or deferred), not another self-service stage", to.get_ref()));
            return None;
        }
        Some((
            SelfService {
                containment,
                time,
                falls_to,
            },
            channels[falls_to].clone(),
        ))
    }

    fn calendar(&mut self, f: &ScenarioFile, horizon_s: Option<f64>) -> Calendar {
        let start_weekday = match &f.start {
            None => 0,
            Some(s) => match WEEKDAYS
                .iter()
                .position(|d| *d == s.get_ref().to_lowercase())
            {
                Some(d) => d as u8,
                None => {
                    self.err(
                        s.span(),
                        format!(
                            "start = \"{}\": give a weekday, \"monday\" to \"sunday\"",
                            s.get_ref()
                        ),
                    );
                    0
                }
            },
        };
        let mut holidays = Vec::new();
        if let Some(h) = &f.holidays
            && let Some(hz) = horizon_s
            && !h.get_ref().is_empty()
            && hz % DAY_S != 0.0
        {
            self.err(h.span(), "holidays: calendar features need a horizon of whole days (such as \"7d\") and an interval that divides a day".into());
        }
        if let Some(h) = &f.holidays {
            let days = horizon_s.map_or(0, |s| (s / DAY_S).ceil() as i64);
            for &d in h.get_ref() {
                if !(0..days).contains(&d) {
                    self.err(h.span(), format!("holidays: day {d} is outside the horizon; give day numbers from 0 (the first day) to {}", days - 1));
                } else {
                    holidays.push(d);
                }
            }
        }
        Calendar {
            start_weekday,
            holidays,
        }
    }

    /// Checks that a calendar feature can be used: the interval divides a day and the horizon is whole days.
    fn need_days(&mut self, key: &str, span: Range<usize>, days: Option<Days>) -> Option<Days> {
        if days.is_none() {
            self.err(span, format!("{key}: calendar features need an interval that divides a day (such as \"30m\") and a horizon of whole days (such as \"7d\")"));
        }
        days
    }

    /// The channel's arrival rates per interval, in contacts per hour: `per_hour` as given, or `per_day`
    /// spread over each day by the profile of its day type.
    fn arrivals(
        &mut self,
        i: usize,
        c: &ChannelFile,
        intervals: usize,
        calendar: &Calendar,
        days: Option<Days>,
    ) -> Option<PerInterval<f64>> {
        let a = c.arrivals.get_ref();
        let key = format!("channels[{i}].arrivals");
        match (&a.per_hour, &a.per_day) {
            (Some(_), Some(d)) => {
                self.err(
                    d.span(),
                    format!("{key}: give either per_hour or per_day, not both"),
                );
                None
            }
            (None, None) => {
                self.err(c.arrivals.span(), format!("{key}: give per_hour (a rate, or one per interval) or per_day (with an optional profile)"));
                None
            }
            (Some(per_hour), None) => {
                if let Some(p) = &a.profile {
                    self.err(p.span(), format!("{key}.profile: spreads per_day over the day; with per_hour give the rates per interval instead"));
                }
                self.per_interval_rates(&format!("{key}.per_hour"), per_hour, intervals)
            }
            (None, Some(per_day)) => {
                let d = self.need_days(&format!("{key}.per_day"), per_day.span(), days)?;
                let daily = match per_day.get_ref() {
                    OneOrPerInterval::One(x) => vec![*x],
                    OneOrPerInterval::PerInterval(xs) => xs.clone(),
                };
                if daily.is_empty() || daily.len() > d.count || d.count % daily.len() != 0 {
                    self.err(per_day.span(), format!("{key}.per_day: has {} values but the horizon has {} days; give 1 value, {} values, or a number that divides {}", daily.len(), d.count, d.count, d.count));
                    return None;
                }
                if let Some(x) = daily
                    .iter()
                    .find(|x| !(x.is_finite() && **x >= 0.0 && **x <= MAX_RATE_PER_HOUR * 24.0))
                {
                    self.err(per_day.span(), format!("{key}.per_day = {}: must be a number of contacts between 0 and {:e} per day", Num(*x), MAX_RATE_PER_HOUR * 24.0));
                    return None;
                }
                let profiles = self.profiles(&key, a.profile.as_ref(), d)?;
                let interval_h = DAY_S / d.intervals_per_day as f64 / 3600.0;
                let mut rates = Vec::with_capacity(intervals);
                for day in 0..d.count {
                    let weights = &profiles[calendar.day_type(day as i64) as usize];
                    let volume = daily[day % daily.len()];
                    rates.extend(weights.iter().map(|w| volume * w / interval_h));
                }
                if let Some(max) = rates.iter().copied().reduce(f64::max)
                    && max > MAX_RATE_PER_HOUR
                {
                    self.err(per_day.span(), format!("{key}.per_day: the profile puts {} contacts per hour in its busiest interval, more than {MAX_RATE_PER_HOUR:e}; spread the profile or lower the volume", Num(max)));
                    return None;
                }
                PerInterval::new(rates)
            }
        }
    }

    /// Normalised intraday weights for each day type (indexed like `DayType::ALL`); uniform without a profile.
    fn profiles(
        &mut self,
        key: &str,
        profile: Option<&Spanned<ProfileFile>>,
        d: Days,
    ) -> Option<Vec<Vec<f64>>> {
        let uniform = vec![1.0 / d.intervals_per_day as f64; d.intervals_per_day];
        let Some(profile) = profile else {
            return Some(vec![uniform; 4]);
        };
        let mut given: Vec<Option<Vec<f64>>> = vec![None; 4];
        let mut all: Option<Vec<f64>> = None;
        let mut ok = true;
        for (name, weights) in profile.get_ref() {
            let w = weights.get_ref();
            let sum: f64 = w.iter().sum();
            if w.len() != d.intervals_per_day
                || w.iter().any(|x| !(x.is_finite() && *x >= 0.0))
                || !(sum > 0.0)
            {
                self.err(weights.span(), format!("{key}.profile.{name}: give {} weights >= 0 (one per interval of the day), not all zero", d.intervals_per_day));
                ok = false;
                continue;
            }
            let normalised: Vec<f64> = w.iter().map(|x| x / sum).collect();
            match (
                name.as_str(),
                DayType::ALL.iter().position(|t| t.as_str() == name),
            ) {
                ("all", _) => all = Some(normalised),
                (_, Some(t)) => given[t] = Some(normalised),
                _ => {
                    self.err(weights.span(), format!("{key}.profile.{name}: unknown day type; use weekday, saturday, sunday, holiday or all"));
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        // Holidays default to Sunday's profile; any type not given falls back to `all`.
        let mut out = Vec::with_capacity(4);
        for (t, day_type) in DayType::ALL.iter().enumerate() {
            let fallback = if *day_type == DayType::Holiday {
                given[2].clone()
            } else {
                None
            };
            match given[t].clone().or(fallback).or_else(|| all.clone()) {
                Some(w) => out.push(w),
                None => {
                    self.err(profile.span(), format!("{key}.profile: no weights for {} days; add `{} = [...]` or `all = [...]`", day_type.as_str(), day_type.as_str()));
                    return None;
                }
            }
        }
        Some(out)
    }

    /// Opening hours per interval: always open without `open`; holidays are always closed.
    fn open_hours(
        &mut self,
        i: usize,
        c: &ChannelFile,
        calendar: &Calendar,
        days: Option<Days>,
        intervals: usize,
    ) -> Option<PerInterval<bool>> {
        let key = format!("channels[{i}].open");
        let Some(open) = &c.open else {
            if calendar.holidays.is_empty() {
                return Some(PerInterval::constant(true));
            }
            // Holidays need the calendar (checked with `holidays`); without it the channel is always open.
            let Some(d) = days else {
                return Some(PerInterval::constant(true));
            };
            let values = (0..intervals)
                .map(|k| calendar.day_type((k / d.intervals_per_day) as i64) != DayType::Holiday)
                .collect();
            return PerInterval::new(values);
        };
        let d = self.need_days(&key, open.span(), days)?;
        // Open slots of the day for each day type; a type not listed is closed.
        let mut slots: Vec<(usize, usize)> = vec![(0, 0); 4];
        for (name, hours) in open.get_ref() {
            let Some(t) = DayType::ALL.iter().position(|t| t.as_str() == name) else {
                self.err(
                    hours.span(),
                    format!("{key}.{name}: unknown day type; use weekday, saturday or sunday"),
                );
                continue;
            };
            if DayType::ALL[t] == DayType::Holiday {
                self.err(
                    hours.span(),
                    format!("{key}.holiday: holidays are closed; remove this key"),
                );
                continue;
            }
            let width = DAY_S / d.intervals_per_day as f64;
            let slot = |v: &mut Self, text: &str| -> Option<usize> {
                let s = parse_clock(text).filter(|s| (s / width).fract() == 0.0);
                if s.is_none() {
                    v.err(hours.span(), format!("{key}.{name}: \"{text}\" is not a time of day on an interval boundary (\"HH:MM\" from 00:00 to 24:00, a multiple of {})", format_duration(width)));
                }
                s.map(|s| (s / width).round() as usize)
            };
            slots[t] = match hours.get_ref() {
                HoursFile::Word(w) if w == "closed" => (0, 0),
                HoursFile::Word(w) if w == "24h" => (0, d.intervals_per_day),
                HoursFile::Span(span) if span.len() == 2 => {
                    let (Some(a), Some(b)) = (slot(self, &span[0]), slot(self, &span[1])) else {
                        continue;
                    };
                    if a >= b {
                        self.err(hours.span(), format!("{key}.{name}: opens at {} and closes at {}; the closing time must be later", span[0], span[1]));
                        continue;
                    }
                    (a, b)
                }
                _ => {
                    self.err(
                        hours.span(),
                        format!("{key}.{name}: give \"closed\", \"24h\" or [\"08:00\", \"20:00\"]"),
                    );
                    continue;
                }
            };
        }
        let values = (0..intervals)
            .map(|k| {
                let (a, b) = slots[calendar.day_type((k / d.intervals_per_day) as i64) as usize];
                (a..b).contains(&(k % d.intervals_per_day))
            })
            .collect();
        PerInterval::new(values)
    }

    fn concurrency(&mut self, i: usize, c: &ChannelFile, kind: Option<ChannelKind>) -> Concurrency {
        let Some(conc) = &c.concurrency else {
            return Concurrency::default();
        };
        if kind != Some(ChannelKind::Chat) {
            self.err(conc.span(), format!("channels[{i}].concurrency: only chat channels hold several contacts at once; remove it or use kind = \"chat\""));
            return Concurrency::default();
        }
        let conc = conc.get_ref();
        let max = *conc.max.get_ref();
        if !(1..=10).contains(&max) {
            self.err(conc.max.span(), format!("channels[{i}].concurrency.max = {max}: must be a whole number from 1 to 10 (chats one agent holds at once)"));
        }
        let stretch = conc.stretch.as_ref().map_or(0.0, |s| *s.get_ref());
        if !(0.0..=10.0).contains(&stretch) {
            let span = conc.stretch.as_ref().map_or(conc.max.span(), |s| s.span());
            self.err(span, format!("channels[{i}].concurrency.stretch = {stretch}: must be between 0 and 10 (0.25: each extra chat in hand makes a new chat 25% longer)"));
        }
        Concurrency {
            max: max.clamp(1, 10) as u32,
            stretch,
        }
    }

    fn classes(&mut self, i: usize, c: &ChannelFile, channel: &str) -> Option<Vec<ContactClass>> {
        let Some(list) = &c.classes else {
            return Some(vec![ContactClass {
                name: channel.to_string(),
                share: 1.0,
                priority: 0,
            }]);
        };
        if list.get_ref().is_empty() {
            self.err(
                list.span(),
                format!(
                    "channels[{i}].classes = []: give at least one class, or leave the key out"
                ),
            );
            return None;
        }
        let mut out: Vec<ContactClass> = Vec::new();
        for (k, class) in list.get_ref().iter().enumerate() {
            let class = class.get_ref();
            let name = class.name.get_ref().clone();
            if name.trim().is_empty() || name.trim() != name {
                self.err(class.name.span(), format!("channels[{i}].classes[{k}].name = \"{name}\": give a name without spaces at either end"));
            }
            if out.iter().any(|o| o.name == name) {
                self.err(class.name.span(), format!("channels[{i}].classes[{k}].name = \"{name}\": class names must be unique within the channel"));
            }
            let share = *class.share.get_ref();
            if !(share > 0.0 && share <= 1.0) {
                self.err(
                    class.share.span(),
                    format!(
                        "channels[{i}].classes[{k}].share = {}: must be in (0, 1]",
                        Num(share)
                    ),
                );
            }
            let priority = class.priority.as_ref().map_or(0, |p| *p.get_ref());
            out.push(ContactClass {
                name,
                share,
                priority,
            });
        }
        let total: f64 = out.iter().map(|c| c.share).sum();
        if (total - 1.0).abs() > 1e-6 {
            self.err(
                list.span(),
                format!(
                    "channels[{i}].classes: the shares add up to {total}; they must add up to 1"
                ),
            );
            return None;
        }
        Some(out)
    }

    /// Resolves `channels[i].overflow` once the groups are known: the groups named must exist and be skilled
    /// for the channel.
    fn overflow(
        &mut self,
        i: usize,
        c: &ChannelFile,
        groups: &[Spanned<GroupFile>],
    ) -> Option<Option<Overflow>> {
        let Some(o) = &c.overflow else {
            return Some(None);
        };
        let o = o.get_ref();
        let after_s = self.positive_duration(&format!("channels[{i}].overflow.after"), &o.after)?;
        if o.to.get_ref().is_empty() {
            self.err(
                o.to.span(),
                format!("channels[{i}].overflow.to = []: name at least one group"),
            );
            return None;
        }
        let mut out = Vec::new();
        for name in o.to.get_ref() {
            let Some(g) = groups
                .iter()
                .position(|g| g.get_ref().name.get_ref() == name.get_ref())
            else {
                let names: Vec<&str> = groups
                    .iter()
                    .map(|g| g.get_ref().name.get_ref().as_str())
                    .collect();
                self.err(
                    name.span(),
                    format!(
                        "channels[{i}].overflow.to: no group is named \"{}\"; groups: {}",
                        name.get_ref(),
                        quoted_list(&names)
                    ),
                );
                continue;
            };
            if !groups[g]
                .get_ref()
                .skills
                .get_ref()
                .contains_key(c.name.get_ref().as_str())
            {
                self.err(name.span(), format!("channels[{i}].overflow.to: group \"{}\" has no skill for this channel; add `{} = <proficiency>` to its skills", name.get_ref(), toml_key(c.name.get_ref())));
                continue;
            }
            out.push(g);
        }
        Some(Some(Overflow {
            after_s,
            groups: out,
        }))
    }

    /// Checks that a per-interval array fits the horizon: its length must divide the number of intervals.
    fn profile_length_ok(
        &mut self,
        key: &str,
        span: Range<usize>,
        len: usize,
        intervals: usize,
    ) -> bool {
        if len == 0 {
            self.err(
                span,
                format!("{key} = []: give one value, or one value per interval"),
            );
            return false;
        }
        if len > intervals || intervals % len != 0 {
            self.err(
                span,
                format!(
                    "{key}: has {len} values but the horizon has {intervals} intervals; give 1 value, {intervals} values, or a number of values that divides {intervals} (the array repeats)"
                ),
            );
            return false;
        }
        true
    }

    fn per_interval_rates(
        &mut self,
        key: &str,
        v: &Spanned<OneOrPerInterval<f64>>,
        intervals: usize,
    ) -> Option<PerInterval<f64>> {
        let values = match v.get_ref() {
            OneOrPerInterval::One(x) => vec![*x],
            OneOrPerInterval::PerInterval(xs) => {
                if !self.profile_length_ok(key, v.span(), xs.len(), intervals) {
                    return None;
                }
                xs.clone()
            }
        };
        if let Some((j, x)) = values
            .iter()
            .enumerate()
            .find(|(_, x)| !(x.is_finite() && **x >= 0.0 && **x <= MAX_RATE_PER_HOUR))
        {
            let at = if values.len() > 1 {
                format!("{key}[{j}]")
            } else {
                key.to_string()
            };
            self.err(
                v.span(),
                format!("{at} = {}: must be a rate between 0 and {MAX_RATE_PER_HOUR:e} contacts per hour", Num(*x)),
            );
            return None;
        }
        PerInterval::new(values)
    }

    fn group(
        &mut self,
        i: usize,
        g: &GroupFile,
        intervals: usize,
        channels: &[&str],
        curve: &ProficiencyCurve,
        days: Option<Days>,
    ) -> Option<Group> {
        let name = g.name.get_ref().clone();
        if name.trim() != name {
            self.err(g.name.span(), format!("groups[{i}].name = \"{name}\": remove the spaces at either end (names are matched exactly)"));
        }
        if name.trim().is_empty() {
            self.err(
                g.name.span(),
                format!("groups[{i}].name = \"\": give the group a name"),
            );
        }
        let (size, shifts) = match (&g.size, &g.shifts) {
            (Some(_), Some(sh)) => {
                self.err(
                    sh.span(),
                    format!("groups[{i}]: give either size or shifts, not both"),
                );
                return None;
            }
            (None, None) => {
                self.err(g.name.span(), format!("groups[{i}]: give a size (agents, or agents per interval) or a list of shifts"));
                return None;
            }
            (Some(size), None) => (self.group_size(i, size, intervals)?, Vec::new()),
            (None, Some(sh)) => {
                self.need_days(&format!("groups[{i}].shifts"), sh.span(), days)?;
                (vec![0], self.shifts(i, sh)?)
            }
        };
        let friendliness = match &g.friendliness {
            None => 0.7,
            Some(x) if (0.0..=1.0).contains(x.get_ref()) => *x.get_ref(),
            Some(x) => {
                self.err(x.span(), format!("groups[{i}].friendliness = {}: must be between 0 (rude) and 1 (delightful)", Num(*x.get_ref())));
                return None;
            }
        };
        let cost_per_hour = match &g.cost_per_hour {
            None => 0.0,
            Some(x) if (0.0..=1e6).contains(x.get_ref()) => *x.get_ref(),
            Some(x) => {
                self.err(x.span(), format!("groups[{i}].cost_per_hour = {}: give the cost of one paid agent-hour, between 0 and 1000000 (e.g. 32.5)", Num(*x.get_ref())));
                return None;
            }
        };
        let joins_day = match &g.joins_on_day {
            None => 0,
            Some(d) => {
                let days = self
                    .need_days(&format!("groups[{i}].joins_on_day"), d.span(), days)?
                    .count as i64;
                let day = *d.get_ref();
                if !(1..=days).contains(&day) {
                    self.err(d.span(), format!("groups[{i}].joins_on_day = {day}: give a day of the horizon, 1 (the first) to {days}"));
                    return None;
                }
                day - 1
            }
        };
        let learning = match &g.learning {
            None => None,
            Some(l) => {
                let l = l.get_ref();
                let rate = *l.rate.get_ref();
                let ceiling = l.ceiling.as_ref().map_or(1.0, |c| *c.get_ref());
                if !(0.0..=2.0).contains(&rate) {
                    self.err(l.rate.span(), format!("groups[{i}].learning.rate = {}: give the power-law learning rate, between 0 (no learning) and 2 (typical 0.1 to 0.4)", Num(rate)));
                    return None;
                }
                if !(ceiling > 0.0 && ceiling <= 1.0) {
                    let span = l.ceiling.as_ref().map_or(l.rate.span(), |c| c.span());
                    self.err(span, format!("groups[{i}].learning.ceiling = {}: the proficiency learning stops at must be in (0, 1]", Num(ceiling)));
                    return None;
                }
                Some(crate::scenario::Learning { rate, ceiling })
            }
        };
        let shrinkage = match &g.shrinkage {
            None => 0.0,
            Some(x) if (0.0..1.0).contains(x.get_ref()) => *x.get_ref(),
            Some(x) => {
                self.err(x.span(), format!("groups[{i}].shrinkage = {}: must be at least 0 and below 1 (0.12: 12% of scheduled agent-days are lost to absence)", Num(*x.get_ref())));
                return None;
            }
        };
        let mut skills = Vec::new();
        if g.skills.get_ref().is_empty() {
            self.err(
                g.skills.span(),
                format!(
                    "groups[{i}].skills = {{}}: give at least one skill, e.g. {{ phone = 1.0 }}"
                ),
            );
        }
        for (channel, p) in g.skills.get_ref() {
            let Some(ci) = channels.iter().position(|c| c == channel) else {
                self.err(
                    p.span(),
                    format!("groups[{i}].skills.{}: no channel is named \"{channel}\"; skills name channels: {}", toml_key(channel), quoted_list(channels)),
                );
                continue;
            };
            let proficiency = *p.get_ref();
            if !(proficiency > 0.0 && proficiency <= 1.0) {
                self.err(p.span(), format!("groups[{i}].skills.{} = {proficiency}: proficiency must be in (0, 1]; 1.0 means the channel's stated handle time", toml_key(channel)));
                continue;
            }
            let multiplier = curve.handle_time_multiplier(proficiency);
            if !(multiplier <= MAX_HANDLE_TIME_MULTIPLIER) {
                self.err(p.span(), format!("groups[{i}].skills.{} = {proficiency}: with the proficiency curve this makes handle time {multiplier:.3e} times longer, more than {MAX_HANDLE_TIME_MULTIPLIER}; raise the proficiency or soften the curve", toml_key(channel)));
                continue;
            }
            skills.push(Skill {
                channel: ci,
                proficiency,
            });
        }
        Some(Group {
            name,
            size: PerInterval::new(size)?,
            shifts,
            shrinkage,
            friendliness,
            cost_per_hour,
            learning,
            joins_day,
            skills,
        })
    }

    fn group_size(
        &mut self,
        i: usize,
        size: &Spanned<OneOrPerInterval<i64>>,
        intervals: usize,
    ) -> Option<Vec<u32>> {
        let key = format!("groups[{i}].size");
        let sizes = match size.get_ref() {
            OneOrPerInterval::One(x) => vec![*x],
            OneOrPerInterval::PerInterval(xs) => {
                if !self.profile_length_ok(&key, size.span(), xs.len(), intervals) {
                    return None;
                }
                xs.clone()
            }
        };
        let mut out = Vec::with_capacity(sizes.len());
        for (j, x) in sizes.iter().enumerate() {
            if !(0..=1_000_000).contains(x) {
                let at = if sizes.len() > 1 {
                    format!("{key}[{j}]")
                } else {
                    key.clone()
                };
                self.err(
                    size.span(),
                    format!("{at} = {x}: must be a whole number of agents between 0 and 1000000"),
                );
                return None;
            }
            out.push(*x as u32);
        }
        Some(out)
    }

    fn shifts(&mut self, i: usize, list: &Spanned<Vec<Spanned<ShiftFile>>>) -> Option<Vec<Shift>> {
        if list.get_ref().is_empty() {
            self.err(
                list.span(),
                format!("groups[{i}].shifts = []: give at least one shift"),
            );
            return None;
        }
        let mut out = Vec::new();
        let mut total_agents = 0i64;
        for (k, sh) in list.get_ref().iter().enumerate() {
            let key = format!("groups[{i}].shifts[{k}]");
            let sh = sh.get_ref();
            let names = match sh.days.get_ref() {
                OneOrMany::One(d) => vec![d.clone()],
                OneOrMany::Many(ds) => ds.clone(),
            };
            let mut weekdays = [false; 7];
            for name in &names {
                let n = name.to_lowercase();
                match n.as_str() {
                    "all" => weekdays = [true; 7],
                    "weekday" | "weekdays" => weekdays[..5].iter_mut().for_each(|d| *d = true),
                    _ => match WEEKDAYS.iter().position(|w| *w == n || (n.len() >= 3 && w.starts_with(&n))) {
                        Some(w) => weekdays[w] = true,
                        None => self.err(sh.days.span(), format!("{key}.days: \"{name}\" is not a day; use \"weekday\", \"saturday\", \"sunday\", \"all\" or weekday names such as \"monday\"")),
                    },
                }
            }
            // A shift starts before midnight: "24:00" is "00:00" of the next day.
            let start = parse_clock(sh.start.get_ref()).filter(|s| *s < DAY_S);
            let end = parse_clock(sh.end.get_ref());
            if start.is_none() {
                self.err(
                    sh.start.span(),
                    format!(
                        "{key}.start = \"{}\": give a time of day \"HH:MM\"",
                        sh.start.get_ref()
                    ),
                );
            }
            if end.is_none() {
                self.err(sh.end.span(), format!("{key}.end = \"{}\": give a time of day \"HH:MM\" (earlier than start: the next day)", sh.end.get_ref()));
            }
            let (Some(start_s), Some(end_s)) = (start, end) else {
                continue;
            };
            // An end at or before the start is on the next day (a night shift).
            let shift_s = if end_s > start_s {
                end_s - start_s
            } else {
                end_s + DAY_S - start_s
            };
            let agents = *sh.agents.get_ref();
            if !(0..=100_000).contains(&agents) {
                self.err(
                    sh.agents.span(),
                    format!("{key}.agents = {agents}: must be a whole number from 0 to 100000"),
                );
                continue;
            }
            total_agents += agents;
            let mut breaks = Vec::new();
            for (b, br) in sh.breaks.iter().enumerate() {
                let bkey = format!("{key}.breaks[{b}]");
                let br_ref = br.get_ref();
                let Some(duration_s) =
                    self.positive_duration(&format!("{bkey}.duration"), &br_ref.duration)
                else {
                    continue;
                };
                // Times of day, moved past midnight for a night shift so they fall inside it.
                let in_shift = |t: f64| if t < start_s { t + DAY_S } else { t };
                let window = match (&br_ref.at, &br_ref.within) {
                    (Some(at), None) => {
                        parse_clock(at.get_ref()).map(|t| (in_shift(t), in_shift(t)))
                    }
                    (None, Some(w)) if w.get_ref().len() == 2 => {
                        match (parse_clock(&w.get_ref()[0]), parse_clock(&w.get_ref()[1])) {
                            (Some(a), Some(z)) => {
                                // A window ending at or before its start ends the next day ("20:00" to "00:00").
                                let (a, mut z) = (in_shift(a), in_shift(z));
                                if z <= a {
                                    z += DAY_S;
                                }
                                Some((a, z - duration_s))
                            }
                            _ => None,
                        }
                    }
                    _ => {
                        self.err(br.span(), format!("{bkey}: give either at = \"HH:MM\" or within = [\"HH:MM\", \"HH:MM\"], and a duration"));
                        continue;
                    }
                };
                match window {
                    Some((earliest_s, latest_s)) if earliest_s <= latest_s && earliest_s >= start_s && latest_s + duration_s <= start_s + shift_s => {
                        breaks.push(Break { earliest_s, latest_s, duration_s });
                    }
                    Some(_) => self.err(br.span(), format!("{bkey}: the break must fit inside the shift ({} to {}) and, with a window, the window must be at least as long as the break", sh.start.get_ref(), sh.end.get_ref())),
                    None => self.err(br.span(), format!("{bkey}: times must be \"HH:MM\"")),
                }
            }
            out.push(Shift {
                weekdays,
                start_s,
                duration_s: shift_s,
                agents: agents as u32,
                breaks,
            });
        }
        if total_agents > 1_000_000 {
            self.err(
                list.span(),
                format!("groups[{i}].shifts: {total_agents} agents in all; at most 1000000"),
            );
            return None;
        }
        Some(out)
    }

    fn dist(&mut self, key: &str, d: &Spanned<DistFile>) -> Option<Dist> {
        let f = d.get_ref();
        let family = f.dist.get_ref().as_str();
        // Which optional keys each family takes, so a stray key is an error rather than silently ignored.
        let allowed: &[&str] = match family {
            "exponential" | "fixed" => &["mean"],
            "lognormal" | "gamma" | "hyperexponential" => &["mean", "cv"],
            "weibull" => &["mean", "shape"],
            "erlang" => &["mean", "k"],
            "empirical" => &["values", "file"],
            other => {
                self.err(
                    f.dist.span(),
                    format!("{key}.dist = \"{other}\": unknown distribution; use exponential, lognormal, gamma, weibull, erlang, hyperexponential, fixed or empirical"),
                );
                return None;
            }
        };
        let present: [(&str, Option<Range<usize>>); 6] = [
            ("mean", f.mean.as_ref().map(|x| x.span())),
            ("cv", f.cv.as_ref().map(|x| x.span())),
            ("shape", f.shape.as_ref().map(|x| x.span())),
            ("k", f.k.as_ref().map(|x| x.span())),
            ("values", f.values.as_ref().map(|x| x.span())),
            ("file", f.file.as_ref().map(|x| x.span())),
        ];
        let mut ok = true;
        for (k, span) in &present {
            if let Some(span) = span
                && !allowed.contains(k)
            {
                self.err(
                    span.clone(),
                    format!(
                        "{key}.{k}: is not a parameter of {family}; {family} takes {}",
                        allowed.join(" and ")
                    ),
                );
                ok = false;
            }
        }
        let need = |v: &mut Self, k: &str| {
            v.err(
                d.span(),
                format!("{key}: {family} needs `{k}`; e.g. {}", example(family)),
            );
        };
        if family == "empirical" {
            return match (&f.values, &f.file) {
                (Some(_), Some(file)) => {
                    self.err(
                        file.span(),
                        format!("{key}: give either `values` or `file`, not both"),
                    );
                    None
                }
                (None, None) => {
                    need(self, "values` or `file");
                    None
                }
                (Some(values), None) => {
                    let xs: Vec<f64> = values.get_ref().iter().map(|x| x.seconds).collect();
                    self.dist_result(key, values.span(), Dist::empirical(xs, None))
                }
                (None, Some(file)) => {
                    let path = match self.base_dir {
                        Some(dir) => dir.join(file.get_ref()),
                        None => Path::new(file.get_ref()).to_path_buf(),
                    };
                    match read_values(&path) {
                        Ok(xs) => {
                            // Kept absolute, so the resolved scenario written into the output folder
                            // still finds the file.
                            let path = std::fs::canonicalize(&path).unwrap_or(path);
                            self.dist_result(key, file.span(), Dist::empirical(xs, Some(path)))
                        }
                        Err(msg) => {
                            self.err(
                                file.span(),
                                format!("{key}.file = \"{}\": {msg}", file.get_ref()),
                            );
                            None
                        }
                    }
                }
            };
        }
        let Some(mean) = &f.mean else {
            need(self, "mean");
            return None;
        };
        if !ok {
            return None;
        }
        let (m, mean_span) = (mean.get_ref().seconds, mean.span());
        if !(m > 0.0) {
            self.err(
                mean_span,
                format!(
                    "{key}.mean = {}: must be a positive duration such as \"5m\"",
                    mean.get_ref().text
                ),
            );
            return None;
        }
        let param_f = |x: &Option<Spanned<f64>>| x.as_ref().map(|x| (*x.get_ref(), x.span()));
        let result = match family {
            "exponential" => Dist::exponential(m),
            "fixed" => Dist::fixed(m),
            "lognormal" | "gamma" | "hyperexponential" => {
                let Some((cv, span)) = param_f(&f.cv) else {
                    need(self, "cv");
                    return None;
                };
                let r = match family {
                    "lognormal" => Dist::lognormal(m, cv),
                    "gamma" => Dist::gamma(m, cv),
                    _ => Dist::hyperexponential(m, cv),
                };
                return self.dist_result(key, span, r);
            }
            "weibull" => {
                let Some((shape, span)) = param_f(&f.shape) else {
                    need(self, "shape");
                    return None;
                };
                return self.dist_result(key, span, Dist::weibull(m, shape));
            }
            "erlang" => {
                let Some(k) = &f.k else {
                    need(self, "k");
                    return None;
                };
                return self.dist_result(key, k.span(), Dist::erlang(m, *k.get_ref()));
            }
            _ => unreachable!("families were matched above"),
        };
        self.dist_result(key, mean_span, result)
    }

    fn dist_result(
        &mut self,
        key: &str,
        span: Range<usize>,
        r: Result<Dist, crate::dist::DistError>,
    ) -> Option<Dist> {
        match r {
            Ok(d) => Some(d),
            Err(e) => {
                self.err(span, format!("{key}.{e}"));
                None
            }
        }
    }
}

fn example(family: &str) -> &'static str {
    match family {
        "lognormal" => "{ dist = \"lognormal\", mean = \"5m\", cv = 0.8 }",
        "gamma" => "{ dist = \"gamma\", mean = \"5m\", cv = 0.8 }",
        "hyperexponential" => "{ dist = \"hyperexponential\", mean = \"5m\", cv = 1.5 }",
        "weibull" => "{ dist = \"weibull\", mean = \"5m\", shape = 1.5 }",
        "erlang" => "{ dist = \"erlang\", mean = \"5m\", k = 3 }",
        "empirical" => {
            "{ dist = \"empirical\", values = [\"2m\", \"5m\", \"9m\"] } or { dist = \"empirical\", file = \"aht.txt\" }"
        }
        "fixed" => "{ dist = \"fixed\", mean = \"5m\" }",
        _ => "{ dist = \"exponential\", mean = \"5m\" }",
    }
}

/// Why an empirical sample file could not be read.
#[derive(Debug, thiserror::Error)]
enum SampleFileError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A line (1-based) that is not a duration.
    #[error("{}:{line}: {source}", path.display())]
    Value {
        path: PathBuf,
        line: usize,
        source: DurationError,
    },
}

/// Reads an empirical sample: one value per line (seconds, or a duration with a unit); blank lines and lines
/// starting with `#` are skipped.
fn read_values(path: &Path) -> Result<Vec<f64>, SampleFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| SampleFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let v = parse_duration(line).map_err(|source| SampleFileError::Value {
            path: path.to_path_buf(),
            line: n + 1,
            source,
        })?;
        out.push(v);
    }
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::key_path_at;

    #[test]
    fn key_paths_from_source_positions() {
        let text = "name = \"x\"\n[[channels]]\nname = \"a\"\n[[channels]]\nhandle_time = { dist = \"exponential\", mean = true }\n[[groups]]\nsize = \"ten\"\n";
        let at = |needle: &str| text.find(needle).expect("needle");
        assert_eq!(
            key_path_at(text, at("true"), true).as_deref(),
            Some("channels[1].handle_time.mean")
        );
        assert_eq!(
            key_path_at(text, at("\"ten\""), true).as_deref(),
            Some("groups[0].size")
        );
        assert_eq!(
            key_path_at(text, at("size"), false).as_deref(),
            Some("groups[0]")
        );
        assert_eq!(
            key_path_at(text, at("\"x\""), true).as_deref(),
            Some("name")
        );
        // A multi-byte character before the error must not be split (this used to panic), and an `=`
        // inside a string is not an assignment.
        let text = "name = \"Büro=\\q\"\n";
        assert_eq!(
            key_path_at(text, text.find("\\q").expect("needle"), true).as_deref(),
            Some("name")
        );
        let text = "é= 1\n";
        assert_eq!(key_path_at(text, text.len() - 2, true), None);
    }
}
