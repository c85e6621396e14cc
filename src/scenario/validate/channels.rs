//! `[[channels]]`: kind, handle time and patience, follow-ups, forecast uncertainty, announcements,
//! callbacks, self-service, concurrency, priority classes and overflow.

use super::{DAY_S, Days, Validator, quoted_list, toml_key};
use crate::dist::{Dist, Num};
use crate::scenario::file::{ChannelFile, GroupFile};
use crate::scenario::{
    Announce, Calendar, Callback, Channel, ChannelKind, Concurrency, ContactClass, FollowUp,
    Overflow, SelfService, ServiceTarget,
};
use crate::time::profile::PerInterval;
use std::ops::Range;
use toml::Spanned;

impl Validator<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn channel(
        &mut self,
        i: usize,
        c: &ChannelFile,
        all: &[Spanned<ChannelFile>],
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
        let classes = self.classes(i, c, &name, kind, intervals);
        let default_priority = if kind == Some(ChannelKind::Deferred) {
            crate::scenario::DEFERRED_PRIORITY
        } else {
            crate::scenario::SYNCHRONOUS_PRIORITY
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
        let arrivals = self
            .arrivals(i, c, all, (intervals, interval_s), calendar, days)
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
            (Some(h), false) => {
                self.timed_dist(&format!("channels[{i}].handle_time"), h, intervals)
            }
            (None, false) => {
                self.err(c.name.span(), format!("channels[{i}]: missing field `handle_time`: add it, e.g. handle_time = {{ dist = \"exponential\", mean = \"5m\" }}"));
                None
            }
            (Some(h), true) => {
                self.err(h.span(), format!("channels[{i}].handle_time: a self-service channel has no agents; its contacts that fall through take the handle time of the channel they fall to"));
                None
            }
            // Replaced by the assisted channel's once every channel is known (see `self_service`).
            (None, true) => Dist::fixed(1.0).ok().map(|d| (d, None)),
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
            .map(|p| self.timed_dist(&format!("channels[{i}].patience"), p, intervals));
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
        // Handle time per interval from the forecast file: the mean of the channel's handle time in each
        // interval (the shape kept), where a row gives it.
        let handle_time = match (self.forecast_aht.remove(&name), handle_time) {
            (Some(aht), Some((dist, None))) => {
                let own = dist.mean();
                let means = aht.iter().map(|a| a.unwrap_or(own)).collect();
                Some((
                    dist,
                    Some(crate::scenario::MeanProfile::ByInterval(
                        PerInterval::new(means).expect("a forecast covers the horizon"),
                    )),
                ))
            }
            (Some(_), Some((_, Some(_)))) => {
                let span = c.handle_time.as_ref().map_or(c.name.span(), |h| h.span());
                self.err(span, format!("channels[{i}].handle_time: has mean_by_hour or mean_by_interval while its forecast file gives aht_s: give the handle time per interval in one place"));
                None
            }
            (_, h) => h,
        };
        // Checked whether or not a key above was refused: every problem of the channel in one pass.
        let forecast_cv = self.forecast_cv(i, c, interval_s);
        let follow_up = self.follow_up(i, c, kind);
        Some(Channel {
            name,
            kind: kind?,
            arrivals_per_hour: arrivals?,
            handle_time: handle_time.as_ref()?.0.clone(),
            handle_time_means: handle_time?.1,
            patience: match &patience {
                None => None,
                Some(p) => Some(p.as_ref()?.0.clone()),
            },
            patience_means: patience.and_then(|p| p.and_then(|p| p.1)),

            target: target?,
            queue_capacity: queue_capacity?,
            open: open?,
            forecast_cv: forecast_cv?,
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
            follow_up: follow_up?,
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
        let share_ok = (0.0..=1.0).contains(&share);
        if !share_ok {
            self.err(fu.share.span(), format!("channels[{i}].follow_up.share = {}: must be a share between 0 and 1 (of resolved cases)", Num(share)));
        }
        let delay = self.dist(&format!("channels[{i}].follow_up.delay"), &fu.delay);
        let handle_time = self.dist(
            &format!("channels[{i}].follow_up.handle_time"),
            &fu.handle_time,
        );
        Some(Some(FollowUp {
            share: share_ok.then_some(share)?,
            delay: delay?,
            handle_time: handle_time?,
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
        let offer_after_s = self.positive_duration(&format!("{key}.offer_after"), &cb.offer_after);
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
            Some(t) => self.positive_duration(&format!("{key}.no_answer_time"), t),
            None => Some(30.0),
        };
        let handle_time = match (&cb.handle_time, &c.handle_time) {
            (Some(h), _) => self.dist(&format!("{key}.handle_time"), h),
            // The channel's distribution; its time-varying mean, if any, does not apply to callbacks.
            (None, Some(h)) => self.dist_of(&format!("channels[{i}].handle_time"), h, false),
            (None, None) => None,
        };
        let (offer_after_s, no_answer_time_s, handle_time) =
            (offer_after_s?, no_answer_time_s?, handle_time?);
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
    pub(super) fn self_service(
        &mut self,
        i: usize,
        c: &ChannelFile,
        channels: &[Channel],
    ) -> Option<(SelfService, Channel)> {
        let key = format!("channels[{i}]");
        // Containment, time and falls_to are independent: each is checked even when another is refused.
        let containment = match &c.containment {
            Some(x) if (0.0..=1.0).contains(x.get_ref()) => Some(*x.get_ref()),
            Some(x) => {
                self.err(x.span(), format!("{key}.containment = {}: must be a share between 0 and 1 (resolved without an agent)", Num(*x.get_ref())));
                None
            }
            None => {
                self.err(c.name.span(), format!("{key}: a self-service channel needs `containment`, the share resolved without an agent, e.g. containment = 0.3"));
                None
            }
        };
        let time = match &c.time {
            Some(time) => self.dist(&format!("{key}.time"), time),
            None => {
                self.err(c.name.span(), format!("{key}: a self-service channel needs `time`, the time spent in self-service, e.g. time = {{ dist = \"exponential\", mean = \"2m\" }}"));
                None
            }
        };
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
                containment: containment?,
                time: time?,
                falls_to,
            },
            channels[falls_to].clone(),
        ))
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

    fn classes(
        &mut self,
        i: usize,
        c: &ChannelFile,
        channel: &str,
        kind: Option<ChannelKind>,
        intervals: usize,
    ) -> Option<Vec<ContactClass>> {
        let Some(list) = &c.classes else {
            return Some(vec![ContactClass {
                name: channel.to_string(),
                share: 1.0,
                priority: 0,
                credit_s: 0.0,
                handle_time: None,
                handle_time_means: None,
                patience: None,
                patience_means: None,
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
            let key = format!("channels[{i}].classes[{k}]");
            let credit_s = match &class.credit {
                None => 0.0,
                Some(d) if d.get_ref().seconds >= 0.0 && d.get_ref().seconds.is_finite() => {
                    d.get_ref().seconds
                }
                Some(d) => {
                    self.err(d.span(), format!("{key}.credit = {}: give a waiting-time credit of 0 or more, such as \"90s\" (among classes of equal priority, contacts are taken by arrival time minus credit)", d.get_ref().text));
                    0.0
                }
            };
            let handle_time = class
                .handle_time
                .as_ref()
                .and_then(|h| self.timed_dist(&format!("{key}.handle_time"), h, intervals));
            let patience = match (&class.patience, kind) {
                (Some(p), Some(ChannelKind::Deferred)) => {
                    self.err(p.span(), format!("{key}.patience: deferred work does not abandon, in any class; remove it"));
                    None
                }
                (Some(p), _) => self.timed_dist(&format!("{key}.patience"), p, intervals),
                (None, _) => None,
            };
            let (handle_time, handle_time_means) =
                handle_time.map_or((None, None), |(d, m)| (Some(d), m));
            let (patience, patience_means) = patience.map_or((None, None), |(d, m)| (Some(d), m));
            out.push(ContactClass {
                name,
                share,
                priority,
                credit_s,
                handle_time,
                handle_time_means,
                patience,
                patience_means,
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
    pub(super) fn overflow(
        &mut self,
        i: usize,
        c: &ChannelFile,
        groups: &[Spanned<GroupFile>],
    ) -> Option<Option<Overflow>> {
        let Some(o) = &c.overflow else {
            return Some(None);
        };
        let o = o.get_ref();
        let after_s = self.positive_duration(&format!("channels[{i}].overflow.after"), &o.after);
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
            after_s: after_s?,
            groups: out,
        }))
    }
}
