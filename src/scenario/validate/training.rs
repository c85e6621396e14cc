//! `[[training]]` programmes: the group they train, participants, sessions, skill and friendliness gains,
//! and costs.

use super::{DAY_S, Days, Validator, parse_clock, quoted_list, toml_key};
use crate::dist::Num;
use crate::scenario::{Group, Training};
use crate::time::duration::DurationValue;
use indexmap::IndexMap;
use toml::Spanned;

impl Validator<'_> {
    /// A `[[training]]` programme: its group, participants, sessions (a calendar feature), gains and costs.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn training(
        &mut self,
        i: usize,
        t: &crate::scenario::file::TrainingFile,
        groups: &[Group],
        all_groups: &[&str],
        channels: &[&str],
        horizon_s: f64,
        days: Option<Days>,
    ) -> Option<Training> {
        let key = format!("training[{i}]");
        // Every key is checked even when one is refused (all of a programme's problems in one pass); the
        // programme is built only when none was.
        let errors_before = self.errors.len();
        let group = groups.iter().position(|g| g.name == *t.group.get_ref());
        // A group of the file that was refused for problems of its own is not reported again here.
        if group.is_none() && !all_groups.contains(&t.group.get_ref().as_str()) {
            self.err(
                t.group.span(),
                format!(
                    "{key}.group = \"{}\": no group has that name; groups: {}",
                    t.group.get_ref(),
                    quoted_list(all_groups)
                ),
            );
        }
        let (participants, share) = match (&t.participants, &t.share) {
            (Some(_), Some(s)) => {
                self.err(s.span(), format!("{key}: give `participants` (agents) or `share` (of the group's agents), not both"));
                (0, None)
            }
            (Some(n), None) if (1..=1_000_000).contains(n.get_ref()) => (*n.get_ref() as u32, None),
            (Some(n), None) => {
                self.err(n.span(), format!("{key}.participants = {}: give the number of agents taking part, 1 to 1000000", n.get_ref()));
                (0, None)
            }
            (None, Some(s)) if *s.get_ref() > 0.0 && *s.get_ref() <= 1.0 => (0, Some(*s.get_ref())),
            (None, Some(s)) => {
                self.err(s.span(), format!("{key}.share = {}: give the share of the group's agents taking part, above 0 and at most 1", Num(*s.get_ref())));
                (0, None)
            }
            (None, None) => (0, Some(1.0)),
        };
        let days = self.need_days(&format!("{key}.sessions"), t.sessions.span(), days);
        if days.is_some() && t.sessions.get_ref().is_empty() {
            self.err(t.sessions.span(), format!("{key}.sessions = []: give at least one session, e.g. {{ day = 3, at = \"09:00\", duration = \"3h\" }}"));
        }
        let mut sessions = Vec::new();
        let mut specs = Vec::new();
        // Sessions are days and clock times: without whole days (reported once above) they are not read.
        let listed = if days.is_some() {
            t.sessions.get_ref().as_slice()
        } else {
            &[]
        };
        let days = days.unwrap_or(Days {
            intervals_per_day: 1,
            count: 0,
            first: 0,
        });
        for (k, s) in listed.iter().enumerate() {
            let s = s.get_ref();
            let sk = format!("{key}.sessions[{k}]");
            let day = *s.day.get_ref();
            if !(1..=days.count as i64).contains(&day) {
                self.timing_err(
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
            // Session times are days and clock times; the model counts from the horizon's start.
            let first = (day - 1) as f64 * DAY_S + at - days.start_clock_s();
            if first < 0.0 {
                self.err(s.at.span(), format!("{sk}: starts at {} on day {day}, before the horizon starts at {}; start it later or on day {}", s.at.get_ref(), crate::time::date::format_clock(days.start_clock_s()), day + 1));
                continue;
            }
            let last = first + (times - 1) as f64 * every;
            if last >= horizon_s {
                self.timing_err(s.day.span(), format!("{sk}: the last of its {times} sessions would start after the horizon; start earlier or give fewer `times`"));
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
            self.err(t.sessions.span(), format!("{key}.sessions: two sessions overlap on day {} (a participant attends one at a time); move one or shorten it", ((w[1].0 + days.start_clock_s()) / DAY_S).floor() as i64 + 1));
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
            match (channels.iter().position(|c| c == name), group) {
                (Some(c), Some(gr)) if groups[gr].skills.iter().any(|s| s.channel == c) => skill_gain.push((c, v)),
                (Some(_), Some(gr)) => self.err(g.span(), format!("{key}.gain.{}: group \"{}\" has no skill for this channel; train skills it has, or add the skill", toml_key(name), groups[gr].name)),
                // The group is unknown (reported above): its skills cannot be checked.
                (Some(_), None) => {}
                (None, _) => self.err(g.span(), format!("{key}.gain.{}: no channel has that name; gains name channels or `friendliness`", toml_key(name))),
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
        let half_life_s = duration_or(&t.half_life, self, "half_life");
        let decay_half_life_s = duration_or(&t.decay_half_life, self, "decay_half_life");
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
        );
        let fixed_cost = money(&t.fixed_cost, self, "fixed_cost");
        if self.errors.len() > errors_before {
            return None;
        }
        Some(Training {
            name: t.name.get_ref().clone(),
            group: group?,
            participants,
            share,
            sessions,
            session_specs: specs,
            skill_gain,
            friendliness_gain,
            half_life_s: half_life_s?.unwrap_or(7.0 * DAY_S),
            decay_half_life_s: decay_half_life_s?,
            cost_per_participant_hour: cost_per_participant_hour?,
            fixed_cost: fixed_cost?,
        })
    }
}
