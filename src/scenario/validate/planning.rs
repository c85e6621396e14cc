//! `[planning]`: the staffing planner's targets, bounds, budget and shift templates (docs/planning.md),
//! checked against the scenario they plan. Read apart from the scenario: a run never looks at it.

use super::workforce::weekday_set;
use super::{DAY_S, Validator, parse_clock, quoted_list, toml_key};
use crate::dist::Num;
use crate::scenario::Scenario;
use crate::scenario::error::ScenarioErrors;
use crate::scenario::file::OneOrMany;
use crate::scenario::planning::{
    BreakWindow, ChannelTargets, DEFAULT_CHECK_ROUNDS, DEFAULT_GAP, DEFAULT_MAX_ROUNDS,
    DEFAULT_TIME_LIMIT_S, Holds, Planning, ShiftCost, ShiftTemplate, default_targets,
};
use crate::scenario::staffing::MAX_SIZE;
use crate::time::duration::DurationValue;
use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use super::toml_error::toml_error;

/// The file, for this section only: every other key is the scenario's and already checked.
#[derive(Debug, Deserialize)]
struct PlanningDoc {
    planning: Option<Spanned<PlanningFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanningFile {
    holds: Option<Spanned<String>>,
    confidence: Option<Spanned<f64>>,
    max_occupancy: Option<Spanned<f64>>,
    replications: Option<Spanned<i64>>,
    check_replications: Option<Spanned<i64>>,
    max_rounds: Option<Spanned<i64>>,
    check_rounds: Option<Spanned<i64>>,
    time_limit: Option<Spanned<DurationValue>>,
    gap: Option<Spanned<f64>>,
    #[serde(default)]
    targets: IndexMap<String, Spanned<TargetsFile>>,
    #[serde(default)]
    groups: IndexMap<String, Spanned<BoundsFile>>,
    #[serde(default)]
    shifts: Vec<Spanned<TemplateFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsFile {
    /// A share, or `false` to plan without the channel's service-level target.
    service_level: Option<Spanned<toml::Value>>,
    max_abandon: Option<Spanned<f64>>,
    max_asa: Option<Spanned<DurationValue>>,
    max_p_wait: Option<Spanned<f64>>,
    min_level4: Option<Spanned<f64>>,
    /// Targets of one contact class's contacts alone, by class name.
    #[serde(default)]
    classes: IndexMap<String, Spanned<ClassTargetsFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassTargetsFile {
    service_level: Option<Spanned<f64>>,
    max_abandon: Option<Spanned<f64>>,
    max_asa: Option<Spanned<DurationValue>>,
    max_p_wait: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BoundsFile {
    min: Option<Spanned<i64>>,
    max: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    name: Spanned<String>,
    group: Spanned<String>,
    days: Option<Spanned<OneOrMany<String>>>,
    starts: Spanned<StartsFile>,
    length: Spanned<DurationValue>,
    #[serde(default)]
    breaks: Vec<Spanned<BreakWindowFile>>,
    cost_per_hour: Option<Spanned<f64>>,
    cost: Option<Spanned<f64>>,
    min: Option<Spanned<i64>>,
    max: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum StartsFile {
    List(Vec<String>),
    Range {
        from: String,
        to: String,
        every: DurationValue,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BreakWindowFile {
    /// Earliest start, after the shift's start (default: at the start).
    after: Option<Spanned<DurationValue>>,
    /// Latest start, after the shift's start ...
    before: Option<Spanned<DurationValue>>,
    /// ... or: the break ends at least this long before the shift ends.
    before_end: Option<Spanned<DurationValue>>,
    duration: Spanned<DurationValue>,
}

/// Most shift templates, and start times per template: a typo should fail, not build a huge program.
const MAX_TEMPLATES: usize = 1000;
const MAX_STARTS: usize = 1440;

pub(in crate::scenario) fn parse_planning(
    text: &str,
    origin: &str,
    scenario: &Scenario,
) -> Result<Option<Planning>, ScenarioErrors> {
    let doc: PlanningDoc =
        toml::from_str(text).map_err(|e| ScenarioErrors::single(toml_error(&e, text, origin)))?;
    let Some(p) = doc.planning else {
        return Ok(None);
    };
    let mut v = Validator::new(origin, text, None);
    let planning = v.planning(p.get_ref(), scenario);
    match planning {
        Some(p) if v.errors.is_empty() => Ok(Some(p)),
        _ => Err(ScenarioErrors(v.errors)),
    }
}

/// The problems of `[planning]`'s own settings (holds, confidence, bounds of the search and the solver),
/// which do not depend on the rest of the file: reported beside the scenario's problems when the scenario
/// is refused (its targets, group bounds and shift templates are checked against it once it is valid).
pub(in crate::scenario) fn planning_settings_errors(
    text: &str,
    origin: &str,
) -> Vec<crate::scenario::ScenarioError> {
    let doc: PlanningDoc = match toml::from_str(text) {
        Ok(doc) => doc,
        Err(e) => return vec![toml_error(&e, text, origin)],
    };
    let Some(f) = doc.planning else {
        return Vec::new();
    };
    let mut v = Validator::new(origin, text, None);
    let mut p = Planning {
        holds: Holds::Interval,
        confidence: None,
        max_occupancy: None,
        targets: Vec::new(),
        min_agents: Vec::new(),
        max_agents: Vec::new(),
        replications: 1,
        check_replications: 1,
        max_rounds: DEFAULT_MAX_ROUNDS,
        check_rounds: DEFAULT_CHECK_ROUNDS,
        time_limit_s: DEFAULT_TIME_LIMIT_S,
        gap: DEFAULT_GAP,
        shifts: Vec::new(),
    };
    v.planning_settings(f.get_ref(), None, &mut p);
    v.errors
}

impl Validator<'_> {
    fn planning(&mut self, f: &PlanningFile, s: &Scenario) -> Option<Planning> {
        let mut p = Planning::defaults(s);
        self.planning_settings(f, Some(s), &mut p);
        self.planning_against(f, s, p)
    }

    /// The settings that need nothing of the scenario but its start time and replications (`s`: `None`
    /// when the scenario was refused; those two checks are then left out).
    fn planning_settings(&mut self, f: &PlanningFile, s: Option<&Scenario>, p: &mut Planning) {
        let start_clock_s = s.map_or(0.0, |s| s.calendar.start_clock_s);
        if let Some(h) = &f.holds {
            p.holds = match h.get_ref().as_str() {
                "interval" => Holds::Interval,
                "day" if start_clock_s > 0.0 => {
                    let start_date = s.and_then(|s| s.calendar.start_date);
                    self.err(h.span(), format!("planning.holds = \"day\": days are judged from midnight, but the horizon starts at {}; start it at midnight (start = \"{}\") or use \"interval\" or \"week\"", crate::time::date::format_clock(start_clock_s), start_date.map_or(String::new(), crate::time::date::format_date)));
                    Holds::Interval
                }
                "day" => Holds::Day,
                "week" | "horizon" => Holds::Horizon,
                other => {
                    self.err(h.span(), format!("planning.holds = \"{other}\": use \"interval\" (every interval, the default), \"day\" or \"week\" (the whole horizon)"));
                    Holds::Interval
                }
            };
        }
        if let Some(c) = &f.confidence {
            let q = *c.get_ref();
            if !(q > 0.0 && q < 1.0) {
                self.err(c.span(), format!("planning.confidence = {}: give the share of simulated intervals (days, weeks) that must meet the targets, above 0 and below 1 (e.g. 0.9)", Num(q)));
            }
            p.confidence = Some(q);
        }
        if let Some(o) = &f.max_occupancy {
            let x = *o.get_ref();
            if !(x > 0.0 && x <= 1.0) {
                self.err(o.span(), format!("planning.max_occupancy = {}: give the highest share of staffed time agents may be busy, in (0, 1] (e.g. 0.85)", Num(x)));
            }
            p.max_occupancy = Some(x);
        }
        let count =
            |v: &mut Self, key: &str, x: &Option<Spanned<i64>>, max: i64, default: u32| match x {
                None => default,
                Some(x) if (1..=max).contains(x.get_ref()) => *x.get_ref() as u32,
                Some(x) => {
                    v.err(
                        x.span(),
                        format!(
                            "planning.{key} = {}: give a whole number from 1 to {max}",
                            x.get_ref()
                        ),
                    );
                    default
                }
            };
        p.replications = count(
            self,
            "replications",
            &f.replications,
            100_000,
            s.map_or(1, |s| s.replications),
        );
        p.check_replications = count(
            self,
            "check_replications",
            &f.check_replications,
            100_000,
            p.replications,
        );
        p.max_rounds = count(
            self,
            "max_rounds",
            &f.max_rounds,
            10_000,
            DEFAULT_MAX_ROUNDS,
        );
        p.check_rounds = match &f.check_rounds {
            Some(x) if *x.get_ref() == 0 => 0,
            x => count(self, "check_rounds", x, 100, DEFAULT_CHECK_ROUNDS),
        };
        p.time_limit_s = match &f.time_limit {
            None => DEFAULT_TIME_LIMIT_S,
            Some(t) if t.get_ref().seconds > 0.0 && t.get_ref().seconds <= 86_400.0 => {
                t.get_ref().seconds
            }
            Some(t) => {
                self.err(t.span(), format!("planning.time_limit = {}: give the shift solver's time limit, a positive duration up to a day (e.g. \"30s\")", t.get_ref().text));
                DEFAULT_TIME_LIMIT_S
            }
        };
        p.gap = match &f.gap {
            None => DEFAULT_GAP,
            Some(g) if (0.0..1.0).contains(g.get_ref()) => *g.get_ref(),
            Some(g) => {
                self.err(g.span(), format!("planning.gap = {}: give the relative optimality gap the shift solver may stop at, at least 0 and below 1 (e.g. 0.01)", Num(*g.get_ref())));
                DEFAULT_GAP
            }
        };
    }

    /// Targets, group bounds and shift templates: they name the scenario's channels and groups.
    fn planning_against(
        &mut self,
        f: &PlanningFile,
        s: &Scenario,
        mut p: Planning,
    ) -> Option<Planning> {
        self.planning_targets(f, s, &mut p);
        let group_names: Vec<&str> = s.groups.iter().map(|g| g.name.as_str()).collect();
        for (name, b) in &f.groups {
            let key = format!("planning.groups.{}", toml_key(name));
            let Some(g) = s.groups.iter().position(|g| g.name == *name) else {
                self.err(
                    b.span(),
                    format!(
                        "{key}: no group is named \"{name}\"; groups: {}",
                        quoted_list(&group_names)
                    ),
                );
                continue;
            };
            let b = b.get_ref();
            let bound = |v: &mut Self, which: &str, x: &Option<Spanned<i64>>| match x {
                None => None,
                Some(x) if (0..=i64::from(MAX_SIZE)).contains(x.get_ref()) => {
                    Some(*x.get_ref() as u32)
                }
                Some(x) => {
                    v.err(x.span(), format!("{key}.{which} = {}: give a whole number of agents from 0 to {MAX_SIZE}", x.get_ref()));
                    None
                }
            };
            if let Some(m) = bound(self, "min", &b.min) {
                p.min_agents[g] = m;
            }
            if let Some(m) = bound(self, "max", &b.max) {
                p.max_agents[g] = m;
            }
            if p.min_agents[g] > p.max_agents[g] {
                self.err(
                    b.max.as_ref().map_or(0..0, |m| m.span()),
                    format!(
                        "{key}: max ({}) is below min ({}); raise max or lower min",
                        p.max_agents[g], p.min_agents[g]
                    ),
                );
            }
        }
        let too_many = f.shifts.len() > MAX_TEMPLATES;
        if too_many {
            self.err(
                f.shifts[0].span(),
                format!(
                    "planning.shifts: {} templates, more than {MAX_TEMPLATES}; merge templates that differ only in their start (a template takes a list of starts)",
                    f.shifts.len()
                ),
            );
        }
        // Too many templates: not read one by one (the count is the problem).
        let shifts = if too_many {
            &f.shifts[..0]
        } else {
            &f.shifts[..]
        };
        for (k, t) in shifts.iter().enumerate() {
            if let Some(t) = self.template(k, t.get_ref(), s, &group_names) {
                if let Some(prev) = p.shifts.iter().position(|o| o.name == t.name) {
                    self.err(f.shifts[k].get_ref().name.span(), format!("planning.shifts[{k}].name = \"{}\": planning.shifts[{prev}] has the same name; template names must be unique", t.name));
                }
                p.shifts.push(t);
            }
        }
        if !f.shifts.is_empty() && (s.horizon_s % DAY_S != 0.0 || DAY_S % s.interval_s != 0.0) {
            self.err(f.shifts[0].span(), "planning.shifts: shifts are planned over whole days; give a horizon of whole days (\"1d\", \"7d\") and an interval that divides a day".into());
        } else if !f.shifts.is_empty() && s.calendar.start_clock_s > 0.0 {
            self.err(f.shifts[0].span(), format!("planning.shifts: a roster is planned over calendar days from midnight, but the horizon starts at {}; start it at midnight (start = \"{}\")", crate::time::date::format_clock(s.calendar.start_clock_s), s.calendar.start_date.map_or(String::new(), crate::time::date::format_date)));
        }
        Some(p)
    }

    fn planning_targets(&mut self, f: &PlanningFile, s: &Scenario, p: &mut Planning) {
        let channel_names: Vec<&str> = s.channels.iter().map(|c| c.name.as_str()).collect();
        p.targets = default_targets(s);
        for (name, t) in &f.targets {
            let key = format!("planning.targets.{}", toml_key(name));
            let Some(c) = s.channels.iter().position(|c| c.name == *name) else {
                self.err(
                    t.span(),
                    format!(
                        "{key}: no channel is named \"{name}\"; channels: {}",
                        quoted_list(&channel_names)
                    ),
                );
                continue;
            };
            let Some(entry) = p
                .targets
                .iter_mut()
                .position(|x| x.channel == c && x.class.is_none())
            else {
                self.err(t.span(), format!("{key}: a self-service channel has no agents to plan; give the targets of the channel it falls to"));
                continue;
            };
            let t = t.get_ref();
            let mut out = p.targets[entry].clone();
            if let Some(sl) = &t.service_level {
                match sl.get_ref() {
                    toml::Value::Boolean(false) => out.service_level = None,
                    toml::Value::Float(x) if *x > 0.0 && *x <= 1.0 => out.service_level = Some(*x),
                    toml::Value::Integer(1) => out.service_level = Some(1.0),
                    other => self.err(sl.span(), format!("{key}.service_level = {other}: give the share answered within the channel's target time, in (0, 1] (e.g. 0.8), or false for none")),
                }
            }
            let share = |v: &mut Self, which: &str, x: &Option<Spanned<f64>>| match x {
                None => None,
                Some(x) if (0.0..=1.0).contains(x.get_ref()) => Some(*x.get_ref()),
                Some(x) => {
                    v.err(
                        x.span(),
                        format!(
                            "{key}.{which} = {}: give a share between 0 and 1",
                            Num(*x.get_ref())
                        ),
                    );
                    None
                }
            };
            out.max_abandon = share(self, "max_abandon", &t.max_abandon).or(out.max_abandon);
            out.max_p_wait = share(self, "max_p_wait", &t.max_p_wait).or(out.max_p_wait);
            out.min_level4 = share(self, "min_level4", &t.min_level4).or(out.min_level4);
            if let Some(a) = &t.max_asa {
                if a.get_ref().seconds > 0.0 && a.get_ref().seconds.is_finite() {
                    out.max_asa_s = Some(a.get_ref().seconds);
                } else {
                    self.err(a.span(), format!("{key}.max_asa = {}: give the longest average speed of answer, a positive duration (e.g. \"30s\")", a.get_ref().text));
                }
            }
            if out.max_abandon.is_some() && s.channels[c].patience.is_none() {
                self.err(t.max_abandon.as_ref().map_or(0..0, |x| x.span()), format!("{key}.max_abandon: channel \"{name}\" has no patience, so nobody abandons; give it a patience or drop the target"));
            }
            p.targets[entry] = ChannelTargets { channel: c, ..out };
            for (class, ct) in &t.classes {
                let ckey = format!("{key}.classes.{}", toml_key(class));
                let Some(k) = s.channels[c].classes.iter().position(|x| x.name == *class) else {
                    let names: Vec<&str> = s.channels[c]
                        .classes
                        .iter()
                        .map(|x| x.name.as_str())
                        .collect();
                    self.err(
                        ct.span(),
                        format!(
                            "{ckey}: channel \"{name}\" has no class \"{class}\"; its classes: {}",
                            if names.len() > 1 {
                                quoted_list(&names)
                            } else {
                                "none (give it classes first)".into()
                            }
                        ),
                    );
                    continue;
                };
                let ct = ct.get_ref();
                let sl = match &ct.service_level {
                    Some(x) if *x.get_ref() > 0.0 && *x.get_ref() <= 1.0 => Some(*x.get_ref()),
                    Some(x) => {
                        self.err(x.span(), format!("{ckey}.service_level = {}: give the share answered within the channel's target time, in (0, 1]", Num(*x.get_ref())));
                        None
                    }
                    None => None,
                };
                let max_asa_s = match &ct.max_asa {
                    Some(a) if a.get_ref().seconds > 0.0 && a.get_ref().seconds.is_finite() => {
                        Some(a.get_ref().seconds)
                    }
                    Some(a) => {
                        self.err(a.span(), format!("{ckey}.max_asa = {}: give the longest average speed of answer, a positive duration (e.g. \"10s\")", a.get_ref().text));
                        None
                    }
                    None => None,
                };
                let target = ChannelTargets {
                    channel: c,
                    class: Some(k),
                    service_level: sl,
                    max_abandon: share(
                        self,
                        &format!("classes.{}.max_abandon", toml_key(class)),
                        &ct.max_abandon,
                    ),
                    max_asa_s,
                    max_p_wait: share(
                        self,
                        &format!("classes.{}.max_p_wait", toml_key(class)),
                        &ct.max_p_wait,
                    ),
                    min_level4: None,
                };
                if target.max_abandon.is_some() && s.channels[c].patience.is_none() {
                    self.err(ct.max_abandon.as_ref().map_or(0..0, |x| x.span()), format!("{ckey}.max_abandon: channel \"{name}\" has no patience, so nobody abandons; give it a patience or drop the target"));
                }
                if target.any() {
                    p.targets.push(target);
                }
            }
        }
    }

    fn template(
        &mut self,
        k: usize,
        t: &TemplateFile,
        s: &Scenario,
        group_names: &[&str],
    ) -> Option<ShiftTemplate> {
        let key = format!("planning.shifts[{k}]");
        let name = t.name.get_ref().trim().to_string();
        if name.is_empty() {
            self.err(
                t.name.span(),
                format!("{key}.name = \"\": give the template a name"),
            );
        }
        // Each key is checked even when another is refused (every problem of the template in one pass);
        // the template is built only when none was.
        let errors_before = self.errors.len();
        let group = s.groups.iter().position(|g| g.name == *t.group.get_ref());
        if group.is_none() {
            self.err(
                t.group.span(),
                format!(
                    "{key}.group = \"{}\": no group is named so; groups: {}",
                    t.group.get_ref(),
                    quoted_list(group_names)
                ),
            );
        }
        let mut weekdays = [true; 7];
        if let Some(d) = &t.days {
            let names = match d.get_ref() {
                OneOrMany::One(x) => vec![x.clone()],
                OneOrMany::Many(xs) => xs.clone(),
            };
            weekdays = [false; 7];
            for n in &names {
                match weekday_set(n) {
                    Some(set) => (0..7).for_each(|w| weekdays[w] |= set[w]),
                    None => self.err(d.span(), format!("{key}.days: \"{n}\" is not a day; use \"weekday\", \"saturday\", \"sunday\", \"all\" or weekday names such as \"monday\"")),
                }
            }
        }
        let length_s = t.length.get_ref().seconds;
        let length_ok = length_s > 0.0 && length_s <= DAY_S && length_s % s.interval_s == 0.0;
        if !length_ok {
            self.err(
                t.length.span(),
                format!(
                    "{key}.length = {}: give a shift length of whole intervals ({}), up to a day",
                    t.length.get_ref().text,
                    crate::time::duration::format_duration(s.interval_s)
                ),
            );
        }
        let starts_s = match t.starts.get_ref() {
            StartsFile::List(xs) => xs
                .iter()
                .map(|x| parse_clock(x).filter(|t| *t < DAY_S))
                .collect::<Option<Vec<f64>>>(),
            StartsFile::Range { from, to, every } => match (parse_clock(from), parse_clock(to)) {
                (Some(a), Some(z)) if every.seconds > 0.0 && a <= z && z < DAY_S => {
                    let n = ((z - a) / every.seconds).floor() as usize + 1;
                    (n <= MAX_STARTS)
                        .then(|| (0..n).map(|i| a + i as f64 * every.seconds).collect())
                }
                _ => None,
            },
        };
        let starts_read = starts_s.is_some();
        let mut starts_s = starts_s.unwrap_or_else(|| {
            self.err(t.starts.span(), format!("{key}.starts: give start times \"HH:MM\" before 24:00 as a list ([\"07:00\", \"08:00\"]) or a range {{ from = \"06:00\", to = \"12:00\", every = \"30m\" }} (at most {MAX_STARTS} starts)"));
            Vec::new()
        });
        starts_s.sort_by(f64::total_cmp);
        starts_s.dedup();
        if starts_read && (starts_s.is_empty() || starts_s.iter().any(|x| x % s.interval_s != 0.0))
        {
            self.err(
                t.starts.span(),
                format!(
                    "{key}.starts: every start must fall on an interval boundary (every {})",
                    crate::time::duration::format_duration(s.interval_s)
                ),
            );
        }
        let mut breaks = Vec::new();
        // Break windows are placed inside the shift: not checked against a refused length.
        let windows = if length_ok {
            &t.breaks[..]
        } else {
            &t.breaks[..0]
        };
        for (b, br) in windows.iter().enumerate() {
            let bkey = format!("{key}.breaks[{b}]");
            let br = br.get_ref();
            let d = br.duration.get_ref().seconds;
            let after = br.after.as_ref().map_or(0.0, |a| a.get_ref().seconds);
            let latest = match (&br.before, &br.before_end) {
                (Some(x), None) => Some(x.get_ref().seconds),
                (None, Some(x)) => Some(length_s - x.get_ref().seconds - d),
                (None, None) => Some(length_s - d),
                (Some(_), Some(_)) => None,
            };
            let ok = latest
                .is_some_and(|z| d > 0.0 && after >= 0.0 && after <= z && z + d <= length_s)
                && d % s.interval_s == 0.0
                && after % s.interval_s == 0.0;
            match latest {
                Some(z) if ok && z % s.interval_s == 0.0 => breaks.push(BreakWindow { after_s: after, latest_s: z, duration_s: d }),
                _ => self.err(br.duration.span(), format!("{bkey}: give a duration and a window of whole intervals ({}) inside the shift: after = earliest start from the shift's start, and before = latest start from the shift's start or before_end = how long before the shift's end it must be over (not both)", crate::time::duration::format_duration(s.interval_s))),
            }
        }
        breaks.sort_by(|a, b| a.after_s.total_cmp(&b.after_s));
        let cost = match (&t.cost_per_hour, &t.cost) {
            (Some(_), Some(c)) => {
                self.err(
                    c.span(),
                    format!("{key}: give cost_per_hour or cost (per shift), not both"),
                );
                None
            }
            (Some(c), None) if (0.0..=1e6).contains(c.get_ref()) => {
                Some(ShiftCost::PerHour(*c.get_ref()))
            }
            (None, Some(c)) if (0.0..=1e9).contains(c.get_ref()) => {
                Some(ShiftCost::PerShift(*c.get_ref()))
            }
            (None, None) => group.map(|g| ShiftCost::PerHour(s.groups[g].cost_per_hour)),
            (Some(c), _) | (_, Some(c)) => {
                self.err(
                    c.span(),
                    format!(
                        "{key}: the cost = {} must be zero or positive",
                        Num(*c.get_ref())
                    ),
                );
                None
            }
        };
        let count = |v: &mut Self, which: &str, x: &Option<Spanned<i64>>| match x {
            None => None,
            Some(x) if (0..=i64::from(MAX_SIZE)).contains(x.get_ref()) => Some(*x.get_ref() as u32),
            Some(x) => {
                v.err(
                    x.span(),
                    format!(
                        "{key}.{which} = {}: give a whole number of shifts from 0 to {MAX_SIZE}",
                        x.get_ref()
                    ),
                );
                None
            }
        };
        let min = count(self, "min", &t.min).unwrap_or(0);
        let max = count(self, "max", &t.max);
        if max.is_some_and(|m| m < min) {
            self.err(
                t.max.as_ref().map_or(0..0, |m| m.span()),
                format!("{key}.max is below min ({min})"),
            );
        }
        if self.errors.len() > errors_before {
            return None;
        }
        Some(ShiftTemplate {
            name,
            group: group?,
            weekdays,
            starts_s,
            length_s,
            breaks,
            cost: cost?,
            min,
            max,
        })
    }
}
