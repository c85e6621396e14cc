//! The compiled model: every table a replication reads but never changes, built once from a validated
//! [`Scenario`] and shared by all replications (and all staffing plans) of a run.
//!
//! Building is apart from running (nexosim's `SimInit` and `Simulation`): a planner or a backtest compiles a
//! scenario once and runs it thousands of times with different [`Staffing`]; a replication only allocates
//! its own state (agents, queues, streams, tallies). Nothing here depends on the seed, the replication or
//! the staffing.

use crate::dist::Dist;
use crate::scenario::{
    Announce, Callback, ChannelKind, FollowUp, Learning, MeanProfile, Repeat, Resolution, Retry,
    Scenario, SelfService, Staffing,
};
use crate::seed::name_key;
use crate::stats::TimeBins;
use crate::time::floor_i64;
use crate::time::profile::PerInterval;

/// A group able to serve a channel.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Eligible {
    pub group: usize,
    pub multiplier: f64,
    pub proficiency: f64,
    /// 0 for a primary group; the overflow time for a secondary group.
    pub delay: f64,
}

/// One channel as a group sees it: where its waiting work is and what serving it costs.
pub(crate) struct GroupChannel {
    pub priority: i64,
    /// 0 for a primary group; the channel's overflow time for a secondary group.
    pub delay: f64,
    /// The class queues, highest class priority first, with their class priorities and waiting-time
    /// credits (seconds; among equal priorities the head with the least arrival − credit goes first).
    pub queues: Vec<(i64, usize, f64)>,
    pub chat_max: Option<u32>,
    /// Deferred work is only taken while the channel is open.
    pub deferred: bool,
    pub channel: usize,
}

/// A class's own distributions, and the key of its own streams.
pub(crate) struct ClassDraws {
    pub key: u64,
    pub handle_time: Option<Dist>,
    pub patience: Option<Dist>,
    /// Time-varying means of the class's own distributions (`None`: used as drawn).
    pub handle_time_factors: Option<MeanFactors>,
    pub patience_factors: Option<MeanFactors>,
}

/// What a channel is and how it routes: fixed for the run.
pub(crate) struct ChannelModel {
    pub kind: ChannelKind,
    /// The key of the channel's random streams (its name's hash: common random numbers by name).
    pub key: u64,
    pub arrivals_per_hour: PerInterval<f64>,
    pub forecast_cv: f64,
    pub resolution: Option<Resolution>,
    pub repeat: Option<Repeat>,
    pub retry: Option<Retry>,
    pub handle_time: Dist,
    pub patience: Option<Dist>,
    /// Time-varying means of `handle_time` and `patience` (`mean_by_hour` / `mean_by_interval`): `None`
    /// when not configured, and then a draw is used as it is.
    pub handle_time_factors: Option<MeanFactors>,
    pub patience_factors: Option<MeanFactors>,
    pub target_s: f64,
    pub capacity: Option<u32>,
    /// Cumulative class shares (the last is 1) and the queue of each class.
    pub class_cumulative: Vec<f64>,
    pub class_queues: Vec<usize>,
    /// Per class, its own handle time and patience (`None`: the channel's). Empty when no class has its
    /// own: then a contact's draws are the channel's and nothing more is looked at.
    pub class_draws: Vec<ClassDraws>,
    pub eligible: Vec<Eligible>,
    /// The group, when exactly one, among the primary groups (index 0) and among the overflow groups
    /// (index 1): a free agent is then that group's longest idle, found without comparing groups.
    pub sole_group: [Option<usize>; 2],
    pub overflow_after: Option<f64>,
    pub chat_max: u32,
    pub chat_stretch: f64,
    pub deferred: bool,
    pub open: PerInterval<bool>,
    pub follow_up: Option<FollowUp>,
    pub follow_up_queue: Option<usize>,
    pub callback: Option<Callback>,
    pub announce: Option<Announce>,
    pub self_service: Option<SelfService>,
    /// Set when the target counts business hours only.
    pub business: Option<BusinessClock>,
    /// The opening hours as a clock, set when the channel closes at some time (and opens at some time):
    /// repeat and retry delays count only open time (docs/scenario.md `repeat`). `None` for a channel open
    /// around the clock, which then pays nothing for the rule.
    pub opening: Option<BusinessClock>,
}

/// A time-varying mean compiled into factors: the draw of a contact arriving at t is multiplied by
/// `factors[k mod len]`, k the slot of t (slots of `width` seconds from the start of the horizon: an hour
/// for `mean_by_hour`, a reporting interval for `mean_by_interval`); factor = the mean given for the slot
/// / the distribution's own mean, so the shape is kept and the mean replaced.
pub(crate) struct MeanFactors {
    origin: f64,
    width: f64,
    factors: Vec<f64>,
}

impl MeanFactors {
    fn new(means: &MeanProfile, own_mean: f64, s: &Scenario) -> Self {
        // Clock hours count from midnight of the first day; intervals from the end of the warm-up.
        let (origin, width, values) = match means {
            MeanProfile::ByHour(v) => (s.warmup_s - s.calendar.start_clock_s, 3600.0, &v[..]),
            MeanProfile::ByInterval(v) => (s.warmup_s, s.interval_s, v.values()),
        };
        MeanFactors {
            origin,
            width,
            factors: values.iter().map(|m| m / own_mean).collect(),
        }
    }

    /// The factor for a contact arriving at `t` (simulation time; the warm-up wraps to the cycle's end).
    #[inline]
    pub fn at(&self, t: f64) -> f64 {
        let k = floor_i64((t - self.origin) / self.width);
        self.factors[k.rem_euclid(self.factors.len() as i64) as usize]
    }
}

/// What a group is and which work it takes: fixed for the run (its head-count is in [`Staffing`]).
pub(crate) struct GroupModel {
    /// The key of the group's absence and shrinkage draws (its name's hash).
    pub key: u64,
    pub shrinkage: f64,
    pub absence: f64,
    pub joins_day: i64,
    pub friendliness: f64,
    /// Learning by experience, when its rate is positive.
    pub learning: Option<Learning>,
    /// The channels the group serves, highest channel priority first (ties: the order of its skills).
    pub work: Vec<GroupChannel>,
    /// The one queue a group serving a single one-class, non-chat channel as a primary group takes work
    /// from: the common case, routed without the general search.
    pub single_queue: Option<usize>,
}

/// Opening-hours time: B(t) = seconds the channel was open between the end of the warm-up and t, so that
/// B(t₂) − B(t₁) is the business time between two instants (per-interval prefix sums over the cycle).
pub(crate) struct BusinessClock {
    origin: f64,
    width: f64,
    open: Vec<bool>,
    /// cumulative[k] = open seconds in intervals 0..k of the cycle.
    cumulative: Vec<f64>,
}

impl BusinessClock {
    fn new(open: &PerInterval<bool>, origin: f64, width: f64) -> Self {
        let open = open.values().to_vec();
        let mut cumulative = Vec::with_capacity(open.len() + 1);
        cumulative.push(0.0);
        for &o in &open {
            cumulative
                .push(cumulative.last().copied().unwrap_or(0.0) + if o { width } else { 0.0 });
        }
        BusinessClock {
            origin,
            width,
            open,
            cumulative,
        }
    }

    pub fn at(&self, t: f64) -> f64 {
        let n = self.open.len() as i64;
        let k = floor_i64((t - self.origin) / self.width);
        let (cycles, r) = (k.div_euclid(n), k.rem_euclid(n) as usize);
        let into = t - (self.origin + k as f64 * self.width);
        cycles as f64 * self.cumulative[n as usize]
            + self.cumulative[r]
            + if self.open[r] { into } else { 0.0 }
    }

    /// The instant `open_s` seconds of opening time after `t`: a delay that runs only while the channel is
    /// open (from a closed instant it starts at the next opening). Needs at least one open interval.
    pub fn after(&self, t: f64, open_s: f64) -> f64 {
        let n = self.open.len();
        let per_cycle = self.cumulative[n];
        let b = self.at(t) + open_s;
        let cycles = (b / per_cycle).floor();
        let rem = b - cycles * per_cycle;
        // The first interval that ends after `rem` open seconds into the cycle is open (closed intervals add
        // nothing); `rem < per_cycle`, so one exists unless rounding put `rem` on the cycle's end.
        // `cumulative` never decreases: a binary search, not a scan of the cycle's intervals per contact.
        let k = self.cumulative[1..=n].partition_point(|&c| c <= rem);
        let (k, into) = if k < n {
            (k, rem - self.cumulative[k])
        } else {
            (n, 0.0)
        };
        let start = self.origin + (cycles * n as f64 + k as f64) * self.width;
        if into > 0.0 {
            (start + into).max(t)
        } else {
            // Exactly at an opening: just after it, so that the interval's boundary (an event at the same
            // instant, possibly scheduled later) has opened the channel when the contact arrives.
            next_up(start).max(t)
        }
    }
}

/// The least f64 above `x` (f64::next_up, stable only since Rust 1.86: above the crate's MSRV).
fn next_up(x: f64) -> f64 {
    if x.is_nan() || x == f64::INFINITY {
        x
    } else if x == 0.0 {
        f64::from_bits(1)
    } else if x > 0.0 {
        f64::from_bits(x.to_bits() + 1)
    } else {
        f64::from_bits(x.to_bits() - 1)
    }
}

/// A scenario compiled for running: build once with [`Compiled::new`], run with
/// [`crate::model::simulate_compiled`] as often as needed.
pub struct Compiled {
    /// The scenario it was built from (the cold parts: calendar, training, experience rules).
    pub(crate) scenario: Scenario,
    pub(crate) bins: TimeBins,
    /// When a run stops at the latest: a week, or the warm-up and horizon, after the window.
    pub(crate) stop: f64,
    /// Per queue (one per (channel, class), and one per channel with follow-ups), the groups whose work
    /// includes it (`GroupModel::work`): the waiting room counts the contacts each group could take, so a
    /// freed agent with nothing to take skips the search.
    pub(crate) queue_groups: Vec<Vec<u32>>,
    pub(crate) channels: Vec<ChannelModel>,
    pub(crate) groups: Vec<GroupModel>,
    staffing: Staffing,
}

impl Compiled {
    pub fn new(s: &Scenario) -> Compiled {
        let bins = TimeBins::new(s.warmup_s, s.interval_s, s.intervals());
        let end = bins.end();
        // One queue per (channel, class).
        let mut queue_of = Vec::new();
        let mut queues = 0usize;
        let mut follow_up_queue = Vec::new();
        for c in &s.channels {
            queue_of.push((queues..queues + c.classes.len()).collect::<Vec<_>>());
            queues += c.classes.len();
            // Outbound follow-ups wait in a queue of their own, after every class of the channel.
            follow_up_queue.push(c.follow_up.as_ref().map(|_| {
                queues += 1;
                queues - 1
            }));
        }
        let channels: Vec<ChannelModel> = s
            .channels
            .iter()
            .enumerate()
            .map(|(ci, c)| {
                let eligible: Vec<Eligible> = s
                    .groups
                    .iter()
                    .enumerate()
                    .flat_map(|(gi, g)| {
                        g.skills
                            .iter()
                            .filter(|k| k.channel == ci)
                            .map(move |k| (gi, k.proficiency))
                    })
                    .map(|(gi, p)| Eligible {
                        group: gi,
                        multiplier: s.proficiency.handle_time_multiplier(p),
                        proficiency: p,
                        delay: match &c.overflow {
                            Some(o) if o.groups.contains(&gi) => o.after_s,
                            _ => 0.0,
                        },
                    })
                    .collect();
                let mut acc = 0.0;
                // A self-service stage draws classes for its fall-throughs with the assisted channel's shares.
                let class_source = c
                    .self_service
                    .as_ref()
                    .map_or(c, |ss| &s.channels[ss.falls_to]);
                let mut class_cumulative: Vec<f64> = class_source
                    .classes
                    .iter()
                    .map(|k| {
                        acc += k.share;
                        acc
                    })
                    .collect();
                if let Some(last) = class_cumulative.last_mut() {
                    *last = 1.0;
                }
                let key = name_key(&c.name);
                let own = |k: &crate::scenario::ContactClass| {
                    k.handle_time.is_some() || k.patience.is_some()
                };
                let class_draws = if class_source.classes.iter().any(own) {
                    class_source
                        .classes
                        .iter()
                        .map(|k| ClassDraws {
                            // Keyed by the channel and the class's name: a class keeps its draws whatever
                            // the other classes are.
                            key: crate::seed::mix(key ^ name_key(&k.name)),
                            handle_time: k.handle_time.clone(),
                            patience: k.patience.clone(),
                            handle_time_factors: k
                                .handle_time_means
                                .as_ref()
                                .zip(k.handle_time.as_ref())
                                .map(|(m, d)| MeanFactors::new(m, d.mean(), s)),
                            patience_factors: k
                                .patience_means
                                .as_ref()
                                .zip(k.patience.as_ref())
                                .map(|(m, d)| MeanFactors::new(m, d.mean(), s)),
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                ChannelModel {
                    kind: c.kind,
                    key,
                    arrivals_per_hour: c.arrivals_per_hour.clone(),
                    forecast_cv: c.forecast_cv,
                    resolution: c.resolution,
                    repeat: c.repeat.clone(),
                    retry: c.retry.clone(),
                    handle_time: c.handle_time.clone(),
                    patience: c.patience.clone(),
                    handle_time_factors: c
                        .handle_time_means
                        .as_ref()
                        .map(|m| MeanFactors::new(m, c.handle_time.mean(), s)),
                    patience_factors: c
                        .patience_means
                        .as_ref()
                        .zip(c.patience.as_ref())
                        .map(|(m, p)| MeanFactors::new(m, p.mean(), s)),
                    target_s: c.target.within_s,
                    capacity: c.queue_capacity,
                    class_cumulative,
                    class_queues: queue_of[ci].clone(),
                    class_draws,
                    sole_group: [false, true].map(|overflow| {
                        match eligible
                            .iter()
                            .filter(|e| (e.delay > 0.0) == overflow)
                            .collect::<Vec<_>>()[..]
                        {
                            [e] => Some(e.group),
                            _ => None,
                        }
                    }),
                    eligible,
                    overflow_after: c.overflow.as_ref().map(|o| o.after_s),
                    chat_max: c.concurrency.max,
                    chat_stretch: c.concurrency.stretch,
                    deferred: c.kind == ChannelKind::Deferred,
                    open: c.open.clone(),
                    follow_up: c.follow_up.clone(),
                    follow_up_queue: follow_up_queue[ci],
                    callback: c.callback.clone(),
                    announce: c.announce,
                    self_service: c.self_service.clone(),
                    business: c
                        .target
                        .business_hours
                        .then(|| BusinessClock::new(&c.open, s.warmup_s, s.interval_s)),
                    opening: (c.open.values().contains(&false) && c.open.values().contains(&true))
                        .then(|| BusinessClock::new(&c.open, s.warmup_s, s.interval_s)),
                }
            })
            .collect();
        let groups: Vec<GroupModel> = s
            .groups
            .iter()
            .enumerate()
            .map(|(gi, g)| {
                let mut work: Vec<GroupChannel> = g
                    .skills
                    .iter()
                    .map(|k| {
                        let c = &s.channels[k.channel];
                        let mut queues: Vec<(i64, usize, f64)> = c
                            .classes
                            .iter()
                            .zip(&queue_of[k.channel])
                            .map(|(cl, &q)| (cl.priority, q, cl.credit_s))
                            .collect();
                        // Stable: classes of equal priority keep their order.
                        queues.sort_by_key(|&(p, _, _)| std::cmp::Reverse(p));
                        if let Some(q) = follow_up_queue[k.channel] {
                            queues.push((i64::MIN, q, 0.0));
                        }
                        GroupChannel {
                            priority: c.priority,
                            delay: channels[k.channel]
                                .eligible
                                .iter()
                                .find(|e| e.group == gi)
                                .map_or(0.0, |e| e.delay),
                            queues,
                            chat_max: (c.kind == ChannelKind::Chat).then_some(c.concurrency.max),
                            deferred: c.kind == ChannelKind::Deferred,
                            channel: k.channel,
                        }
                    })
                    .collect();
                work.sort_by_key(|w| std::cmp::Reverse(w.priority));
                let single_queue = match &work[..] {
                    [w] if w.queues.len() == 1
                        && w.delay == 0.0
                        && w.chat_max.is_none()
                        && !w.deferred =>
                    {
                        Some(w.queues[0].1)
                    }
                    _ => None,
                };
                GroupModel {
                    key: name_key(&g.name),
                    shrinkage: g.shrinkage,
                    absence: g.absence,
                    joins_day: g.joins_day,
                    friendliness: g.friendliness,
                    learning: g.learning.filter(|l| l.rate > 0.0),
                    work,
                    single_queue,
                }
            })
            .collect();
        let mut queue_groups = vec![Vec::new(); queues];
        for (gi, g) in groups.iter().enumerate() {
            for &(_, q, _) in g.work.iter().flat_map(|w| &w.queues) {
                queue_groups[q].push(gi as u32);
            }
        }
        Compiled {
            stop: end + (s.warmup_s + s.horizon_s).max(7.0 * 86_400.0),
            scenario: s.clone(),
            bins,
            queue_groups,
            channels,
            groups,
            staffing: Staffing::of(s),
        }
    }

    /// The scenario it was built from.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The scenario's own staffing plan (the one a run uses unless it is given another).
    pub fn staffing(&self) -> &Staffing {
        &self.staffing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_time_counts_only_open_intervals_and_repeats_with_the_cycle() {
        // Intervals of 10 s from t = 100: open, closed, open; the cycle repeats every 30 s.
        let open = PerInterval::new(vec![true, false, true]).expect("not empty");
        let clock = BusinessClock::new(&open, 100.0, 10.0);
        assert_eq!(clock.at(100.0), 0.0);
        assert_eq!(clock.at(105.0), 5.0);
        assert_eq!(clock.at(115.0), 10.0, "closed from 110 to 120");
        assert_eq!(clock.at(125.0), 15.0);
        assert_eq!(clock.at(135.0) - clock.at(105.0), 20.0, "one whole cycle");
        assert_eq!(
            clock.at(95.0),
            -5.0,
            "before the window: the cycle's last (open) interval"
        );
    }

    #[test]
    fn a_delay_in_opening_time_skips_the_closed_intervals() {
        // Open 100-110, closed 110-120, open 120-130, repeating every 30 s.
        let open = PerInterval::new(vec![true, false, true]).expect("not empty");
        let clock = BusinessClock::new(&open, 100.0, 10.0);
        assert_eq!(clock.after(102.0, 3.0), 105.0, "within one open interval");
        assert_eq!(
            clock.after(108.0, 4.0),
            122.0,
            "2 s before closing, 2 s after opening"
        );
        assert_eq!(
            clock.after(115.0, 1.0),
            121.0,
            "from a closed instant: after the next opening"
        );
        // 2 s to 110, 10 s in 120-130, 10 s in 130-140, closed 140-150, 3 s from 150.
        assert_eq!(
            clock.after(108.0, 25.0),
            153.0,
            "past 130-140 (open) and 140-150 (closed)"
        );
        // Used up exactly at closing time (140): the contact comes at the next opening, not at a closed line.
        let at = clock.after(108.0, 22.0);
        assert!(at > 150.0 && at < 150.000_001, "{at}");
        // A zero delay from a closed instant: just after the opening, never before it.
        let at = clock.after(112.0, 0.0);
        assert!(at > 120.0 && at < 120.000_001, "{at}");
        assert_eq!(clock.after(104.0, 0.0), 104.0);
        for t in [95.0, 101.0, 111.0, 129.0, 1234.5] {
            for d in [0.5, 7.0, 19.0, 45.0] {
                let later = clock.after(t, d);
                assert!(later >= t);
                assert!(
                    (clock.at(later) - clock.at(t) - d).abs() < 1e-9,
                    "t {t} d {d}"
                );
            }
        }
    }
}
