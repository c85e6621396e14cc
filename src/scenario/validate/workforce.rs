//! `[[groups]]`: sizes (constant or per interval), skills, proficiency and learning, and shifts with breaks.

use super::{
    DAY_S, Days, MAX_HANDLE_TIME_MULTIPLIER, Validator, parse_clock, quoted_list, toml_key,
};
use crate::dist::Num;
use crate::scenario::file::{GroupFile, OneOrMany, OneOrPerInterval, ShiftFile};
use crate::scenario::proficiency::ProficiencyCurve;
use crate::scenario::staffing::{MAX_SHIFT_AGENTS, MAX_SHIFT_TOTAL, MAX_SIZE};
use crate::scenario::{Break, Group, Shift, Skill, WEEKDAYS};
use crate::time::profile::PerInterval;
use toml::Spanned;

impl Validator<'_> {
    #[allow(clippy::too_many_arguments)] // the group's context from the file: one argument each
    pub(super) fn group(
        &mut self,
        i: usize,
        g: &GroupFile,
        intervals: usize,
        channels: &[&str],
        curve: &ProficiencyCurve,
        days: Option<Days>,
        planned: bool,
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
        // A refused key is recorded and the others still checked; the group is dropped at the end.
        let mut ok = true;
        let mut size_fraction = None;
        let (size, shifts) = match (&g.size, &g.shifts) {
            (Some(_), Some(sh)) => {
                self.err(
                    sh.span(),
                    format!("groups[{i}]: give either size or shifts, not both"),
                );
                ok = false;
                (vec![0], Vec::new())
            }
            // A file for the planner may leave the staffing to it: no agents until planned.
            (None, None) if planned => (vec![0], Vec::new()),
            (None, None) => {
                self.err(g.name.span(), format!("groups[{i}]: give a size (agents, or agents per interval) or a list of shifts (or a [planning] section to plan them)"));
                ok = false;
                (vec![0], Vec::new())
            }
            (Some(size), None) => match self.group_size(i, size, intervals) {
                Some((whole, fraction)) => {
                    size_fraction = fraction;
                    (whole, Vec::new())
                }
                None => {
                    ok = false;
                    (vec![0], Vec::new())
                }
            },
            (None, Some(sh)) => {
                match self
                    .need_days(&format!("groups[{i}].shifts"), sh.span(), days)
                    .and_then(|_| self.shifts(i, sh))
                {
                    Some(shifts) => (vec![0], shifts),
                    None => {
                        ok = false;
                        (vec![0], Vec::new())
                    }
                }
            }
        };
        let friendliness = match &g.friendliness {
            None => 0.7,
            Some(x) if (0.0..=1.0).contains(x.get_ref()) => *x.get_ref(),
            Some(x) => {
                self.err(x.span(), format!("groups[{i}].friendliness = {}: must be between 0 (rude) and 1 (delightful)", Num(*x.get_ref())));
                ok = false;
                0.0
            }
        };
        let cost_per_hour = match &g.cost_per_hour {
            None => 0.0,
            Some(x) if (0.0..=1e6).contains(x.get_ref()) => *x.get_ref(),
            Some(x) => {
                self.err(x.span(), format!("groups[{i}].cost_per_hour = {}: give the cost of one paid agent-hour, between 0 and 1000000 (e.g. 32.5)", Num(*x.get_ref())));
                ok = false;
                0.0
            }
        };
        let joins_day = match &g.joins_on_day {
            None => 0,
            Some(d) => {
                let day = *d.get_ref();
                match self.need_days(&format!("groups[{i}].joins_on_day"), d.span(), days) {
                    Some(days) if (1..=days.count as i64).contains(&day) => day - 1,
                    Some(days) => {
                        self.timing_err(d.span(), format!("groups[{i}].joins_on_day = {day}: give a day of the horizon, 1 (the first) to {}", days.count));
                        ok = false;
                        0
                    }
                    None => {
                        ok = false;
                        0
                    }
                }
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
                    ok = false;
                }
                if !(ceiling > 0.0 && ceiling <= 1.0) {
                    let span = l.ceiling.as_ref().map_or(l.rate.span(), |c| c.span());
                    self.err(span, format!("groups[{i}].learning.ceiling = {}: the proficiency learning stops at must be in (0, 1]", Num(ceiling)));
                    ok = false;
                }
                Some(crate::scenario::Learning { rate, ceiling })
            }
        };
        let shrinkage = match &g.shrinkage {
            None => 0.0,
            Some(x) if (0.0..1.0).contains(x.get_ref()) => *x.get_ref(),
            Some(x) => {
                self.err(x.span(), format!("groups[{i}].shrinkage = {}: must be at least 0 and below 1 (0.30: 30% of scheduled time goes to meetings, coaching and other off-phone work; whole-day absence is `absence`)", Num(*x.get_ref())));
                ok = false;
                0.0
            }
        };
        let absence = match &g.absence {
            None => 0.0,
            Some(x) if (0.0..1.0).contains(x.get_ref()) => *x.get_ref(),
            Some(x) => {
                self.err(x.span(), format!("groups[{i}].absence = {}: must be at least 0 and below 1 (0.12: 12% of scheduled agent-days are lost to absence)", Num(*x.get_ref())));
                ok = false;
                0.0
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
                // With no channel at all (reported once), every skill would be reported as unknown.
                if channels.is_empty() {
                    continue;
                }
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
        if !ok {
            return None;
        }
        Some(Group {
            name,
            size: PerInterval::new(size)?,
            size_fraction: match size_fraction {
                Some(f) => Some(PerInterval::new(f)?),
                None => None,
            },
            shifts,
            shrinkage,
            absence,
            friendliness,
            cost_per_hour,
            learning,
            joins_day,
            skills,
        })
    }

    /// A size plan: the whole agents per interval, and the fractional parts when any size is fractional
    /// (docs/scenario.md `size`: n + f is n agents all interval and one more for its first f).
    fn group_size(
        &mut self,
        i: usize,
        size: &Spanned<OneOrPerInterval<f64>>,
        intervals: usize,
    ) -> Option<(Vec<u32>, Option<Vec<f64>>)> {
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
        let mut fractions = Vec::with_capacity(sizes.len());
        for (j, &x) in sizes.iter().enumerate() {
            if !(x.is_finite() && (0.0..=f64::from(MAX_SIZE)).contains(&x)) {
                let at = if sizes.len() > 1 {
                    format!("{key}[{j}]")
                } else {
                    key.clone()
                };
                self.err(
                    size.span(),
                    format!("{at} = {}: must be a whole number of agents or a fraction (9.5: 9 agents all interval and a 10th for its first half), between 0 and 1000000", Num(x)),
                );
                return None;
            }
            let whole = x.floor();
            out.push(whole as u32);
            // Exact: x − ⌊x⌋ loses no bits below 2^52, so whole + fraction gives x back.
            fractions.push(x - whole);
        }
        let fractional = fractions.iter().any(|&f| f > 0.0);
        Some((out, fractional.then_some(fractions)))
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
                match weekday_set(name) {
                    Some(set) => (0..7).for_each(|w| weekdays[w] |= set[w]),
                    None => self.err(sh.days.span(), format!("{key}.days: \"{name}\" is not a day; use \"weekday\", \"saturday\", \"sunday\", \"all\" or weekday names such as \"monday\"")),
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
            if !(0..=i64::from(MAX_SHIFT_AGENTS)).contains(&agents) {
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
        if total_agents > i64::from(MAX_SHIFT_TOTAL) {
            self.err(
                list.span(),
                format!("groups[{i}].shifts: {total_agents} agents in all; at most 1000000"),
            );
            return None;
        }
        Some(out)
    }
}

/// The weekdays a day name stands for (0 = Monday), as shifts write them.
pub(super) fn weekday_set(name: &str) -> Option<[bool; 7]> {
    let n = name.to_lowercase();
    let mut set = [false; 7];
    match n.as_str() {
        "all" => set = [true; 7],
        "weekday" | "weekdays" => set[..5].iter_mut().for_each(|d| *d = true),
        _ => {
            set[WEEKDAYS
                .iter()
                .position(|w| *w == n || (n.len() >= 3 && w.starts_with(&n)))?] = true
        }
    }
    Some(set)
}
