//! The requirement stage: how many agents each group needs in each interval.
//!
//! 1. **Erlang start** ([`erlang_start`]). Each agent-served channel's load per interval (its arrivals, plus
//!    what its self-service front end lets through, times the handle time of its primary group) is staffed
//!    by exact Erlang C, or Erlang A when customers have patience (`staffing::agents_for_targets`), for all
//!    of the channel's targets and the occupancy cap at once; chat concurrency is folded in by
//!    `staffing::chat_agents_for_targets`. Deferred work is staffed at its day's mean load over its opening hours.
//!    A channel's agents are charged to its *primary group* (the group that serves it soonest and best:
//!    not an overflow group, highest proficiency, first listed on ties), and a group's need is the sum over
//!    the channels it is primary for: a multi-skill agent is counted once, for one channel, never toward
//!    every skill it has (pyworkforce's optimistic rule). Shrinkage then raises the scheduled head-count to
//!    ceil(n / (1 − s)).
//! 2. **Search by simulation** ([`search`]): iterative staffing in the spirit of Feldman, Mandelbaum,
//!    Massey and Whitt (2008), on a size plan per group and interval, with common random numbers (every
//!    simulation replays replications 0..R of one seed). Each round simulates the plan and judges every
//!    target where it must hold (`Holds`); a unit that misses raises its channel's primary group by one agent
//!    in the intervals that miss (deferred work: in the first open interval from the miss), until the plan
//!    holds. Then a descent removes one agent in every other interval whose targets hold with a margin of at
//!    least one standard error, simulates, and puts back each removal after which its interval or the next
//!    (queues carry over) holds by less than one standard error; a removal put back is not tried again.
//!    Targets pooled over a day or the horizon lower a quarter of the unit's intervals at once (those with
//!    the most room), halving the step whenever the unit stops holding, down to one interval. The
//!    margin keeps simulation noise from talking the search below what the targets need: where the exact
//!    formulas apply (a stationary queue, long intervals), the plan is Erlang's head-count, or one more where
//!    Erlang's own service level is within noise of the target. The stopping rule: no removal left to
//!    try, or `max_rounds` simulations. The cost is one simulation of R replications per round.
//!
//! The same [`Judge`] checks the roster in the check stage.

use super::PlanError;
use crate::experiment::Runner;
use crate::model::Compiled;
use crate::scenario::planning::{ChannelTargets, Holds, Planning};
use crate::scenario::{ChannelKind, Scenario, Staffing};
use crate::staffing::{
    Concurrency, QueueModel, Targets, agents_for_targets, chat_agents_for_targets, positions,
};
use crate::stats::{IntervalTally, ReplicationTally};

/// The group that serves channel `c` first: skilled for it and not only an overflow group, highest
/// proficiency, first listed on ties (an overflow group when nothing else serves it).
pub fn primary_group(s: &Scenario, c: usize) -> Option<usize> {
    let overflow = |g: usize| {
        s.channels[c]
            .overflow
            .as_ref()
            .is_some_and(|o| o.groups.contains(&g))
    };
    let skilled = |g: usize| {
        s.groups[g]
            .skills
            .iter()
            .find(|k| k.channel == c)
            .map(|k| k.proficiency)
    };
    let best = |first_line: bool| {
        (0..s.groups.len())
            .filter(|&g| overflow(g) != first_line)
            .filter_map(|g| skilled(g).map(|p| (g, p)))
            .fold(None, |best: Option<(usize, f64)>, (g, p)| match best {
                Some((_, bp)) if bp >= p => best,
                _ => Some((g, p)),
            })
            .map(|(g, _)| g)
    };
    best(true).or_else(|| best(false))
}

/// Contacts per hour that reach agents on channel `c` in interval `i`: its own arrivals and what every
/// self-service channel falling to it does not contain.
fn assisted_rate(s: &Scenario, c: usize, i: usize) -> f64 {
    let own = s.channels[c].arrivals_per_hour.at(i as i64);
    let through: f64 = s
        .channels
        .iter()
        .filter_map(|ch| ch.self_service.as_ref().map(|ss| (ch, ss)))
        .filter(|(_, ss)| ss.falls_to == c)
        .map(|(ch, ss)| ch.arrivals_per_hour.at(i as i64) * (1.0 - ss.containment))
        .sum();
    own + through
}

/// The Erlang starting point, as agents scheduled per group and interval (shrinkage and absence included).
pub fn erlang_start(s: &Scenario, p: &Planning) -> Result<Vec<Vec<u32>>, PlanError> {
    let n = s.intervals();
    let mut floor = vec![vec![0u32; n]; s.groups.len()];
    let interval_h = s.interval_s / 3600.0;
    // The channel's own targets (a class's targets are for the search: the formulas see one stream).
    for t in p.targets.iter().filter(|t| t.class.is_none()) {
        let c = t.channel;
        let ch = &s.channels[c];
        let Some(g) = primary_group(s, c) else {
            continue;
        };
        let proficiency = s.groups[g]
            .skills
            .iter()
            .find(|k| k.channel == c)
            .map_or(1.0, |k| k.proficiency);
        let aht = ch.handle_time.mean() * s.proficiency.handle_time_multiplier(proficiency);
        if ch.kind == ChannelKind::Deferred {
            // Work that may wait: the day's load spread evenly over the day's open intervals.
            let per_day = (86_400.0 / s.interval_s).round().max(1.0) as usize;
            // Calendar days: the horizon may start after midnight (interval `first` of day 0).
            let first = ((s.calendar.start_clock_s / s.interval_s).round() as usize) % per_day;
            for d in 0..(n + first).div_ceil(per_day) {
                let day = (d * per_day).saturating_sub(first)..((d + 1) * per_day - first).min(n);
                let work_h: f64 = day
                    .clone()
                    .map(|i| assisted_rate(s, c, i) * interval_h * aht / 3600.0)
                    .sum();
                let open: Vec<usize> = day.clone().filter(|&i| ch.open.at(i as i64)).collect();
                if open.is_empty() || work_h <= 0.0 {
                    continue;
                }
                let cap = p.max_occupancy.unwrap_or(1.0);
                let agents = (work_h / (open.len() as f64 * interval_h) / cap).ceil() as u32;
                for i in open {
                    floor[g][i] += agents;
                }
            }
            continue;
        }
        let targets = Targets {
            service_level: t.service_level.map(|share| (ch.target.within_s, share)),
            max_abandon: t.max_abandon,
            max_asa_s: t.max_asa_s,
            max_p_wait: t.max_p_wait,
            max_occupancy: p.max_occupancy,
        };
        for (i, need) in floor[g].iter_mut().enumerate() {
            let rate = assisted_rate(s, c, i);
            if rate <= 0.0 || !ch.open.at(i as i64) {
                continue;
            }
            let patience = ch.patience.as_ref().map(|d| d.mean());
            let model = QueueModel::new(
                if patience.is_some() { 'a' } else { 'c' },
                rate,
                aht,
                patience,
            )?;
            *need += if ch.kind == ChannelKind::Chat && ch.concurrency.max > 1 {
                let concurrency = Concurrency::new(ch.concurrency.max, ch.concurrency.stretch)?;
                chat_agents_for_targets(&model, &concurrency, &targets)?
            } else {
                agents_for_targets(&model, &targets)?
            };
        }
    }
    Ok(floor
        .iter()
        .enumerate()
        .map(|(g, row)| {
            row.iter()
                // Positions for both absence and shrinkage: on average (1 − a)(1 − s) of those
                // scheduled are on the phones, which the engine's draws reproduce (model::workforce).
                .map(|&x| positions(x, s.groups[g].off_phone_share()))
                .collect()
        })
        .collect::<Result<_, _>>()?)
}

/// One target missed where it must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    /// The channel (`None`: the occupancy cap of `group`), and the contact class for a class's targets.
    pub channel: Option<usize>,
    pub class: Option<usize>,
    pub group: Option<usize>,
    /// The intervals of the unit (one, a day, or the horizon).
    pub intervals: std::ops::Range<usize>,
    pub measure: &'static str,
    /// The estimate (or, with a confidence, the share of replications meeting it) and the target.
    pub value: f64,
    pub target: f64,
}

/// One judged unit: whether every target held, and by how many standard errors at the least.
#[derive(Debug, Clone, Copy)]
struct Verdict {
    held: bool,
    margin: f64,
}

/// Judges replication tallies against the planning targets.
pub struct Judge<'a> {
    pub scenario: &'a Scenario,
    pub planning: &'a Planning,
}

impl Judge<'_> {
    /// The units targets are judged over: single intervals, days, or the horizon.
    pub fn units(&self) -> Vec<std::ops::Range<usize>> {
        let n = self.scenario.intervals();
        let per_day = ((86_400.0 / self.scenario.interval_s).round() as usize).max(1);
        match self.planning.holds {
            Holds::Interval => (0..n).map(|i| i..i + 1).collect(),
            Holds::Day => (0..n.div_ceil(per_day))
                .map(|d| d * per_day..((d + 1) * per_day).min(n))
                .collect(),
            Holds::Horizon => std::iter::once(0..n).collect(),
        }
    }

    /// Every target missed.
    pub fn misses(&self, reps: &[ReplicationTally]) -> Vec<Miss> {
        let mut out = Vec::new();
        for unit in self.units() {
            for t in &self.planning.targets {
                for m in self.channel_unit(reps, t, unit.clone()).1 {
                    out.push(m);
                }
            }
            if self.planning.max_occupancy.is_some() {
                for g in 0..self.scenario.groups.len() {
                    if let (_, Some(m)) = self.occupancy_unit(reps, g, unit.clone()) {
                        out.push(m);
                    }
                }
            }
        }
        out
    }

    /// The smallest margin (in standard errors) by which the targets of channels whose primary group is
    /// `g`, and `g`'s occupancy cap, hold over `unit` (negative or NaN-free: missed is below 0).
    pub fn group_margin(
        &self,
        reps: &[ReplicationTally],
        g: usize,
        unit: std::ops::Range<usize>,
    ) -> f64 {
        let mut margin = f64::INFINITY;
        for t in &self.planning.targets {
            if primary_group(self.scenario, t.channel) == Some(g) {
                margin = margin.min(self.channel_unit(reps, t, unit.clone()).0.margin);
            }
        }
        if self.planning.max_occupancy.is_some() {
            margin = margin.min(self.occupancy_unit(reps, g, unit).0.margin);
        }
        margin
    }

    fn channel_unit(
        &self,
        reps: &[ReplicationTally],
        t: &ChannelTargets,
        unit: std::ops::Range<usize>,
    ) -> (Verdict, Vec<Miss>) {
        let c = t.channel;
        // Synchronous work is judged while its channel is open (a contact arriving after closing, say from
        // the IVR, is not what staffing can fix); deferred work by the interval it arrived in, at any hour.
        let ch = &self.scenario.channels[c];
        let judged_at = |i: usize| ch.kind == ChannelKind::Deferred || ch.open.at(i as i64);
        let pooled: Vec<(IntervalTally, [u64; 6])> = reps
            .iter()
            .map(|r| {
                let ch = &r.channels[c];
                let mut sum = IntervalTally::default();
                let mut levels = [0u64; 6];
                let n = ch.intervals.len();
                for i in unit.clone().filter(|&i| judged_at(i)) {
                    sum.add(match t.class {
                        Some(k) => &ch.class_intervals[k * n + i],
                        None => &ch.intervals[i],
                    });
                    if let Some(l) = ch.level_intervals.get(i) {
                        (0..6).for_each(|k| levels[k] += l[k]);
                    }
                }
                (sum, levels)
            })
            .collect();
        type Get = fn(&IntervalTally, &[u64; 6]) -> Option<f64>;
        let checks: [(&'static str, Option<f64>, bool, Get); 5] = [
            ("service_level", t.service_level, true, |x, _| {
                (x.offered > 0).then(|| x.answered_within as f64 / x.offered as f64)
            }),
            ("abandon_rate", t.max_abandon, false, |x, _| {
                (x.offered > 0).then(|| x.abandoned as f64 / x.offered as f64)
            }),
            ("asa_s", t.max_asa_s, false, |x, _| {
                (x.answered > 0).then(|| x.wait_answered_s / x.answered as f64)
            }),
            ("prob_wait", t.max_p_wait, false, |x, _| {
                (x.offered > 0).then(|| x.waited as f64 / x.offered as f64)
            }),
            ("level4_share", t.min_level4, true, |_, l| {
                let cases: u64 = l.iter().sum();
                (cases > 0).then(|| (l[3] + l[4] + l[5]) as f64 / cases as f64)
            }),
        ];
        let mut verdict = Verdict {
            held: true,
            margin: f64::INFINITY,
        };
        let mut misses = Vec::new();
        for (measure, target, at_least, get) in checks {
            let Some(target) = target else { continue };
            let values: Vec<f64> = pooled.iter().filter_map(|(x, l)| get(x, l)).collect();
            let Some(v) = self.judge(&values, target, at_least) else {
                continue;
            };
            verdict.margin = verdict.margin.min(v.margin);
            if !v.held {
                verdict.held = false;
                misses.push(Miss {
                    channel: Some(c),
                    class: t.class,
                    group: primary_group(self.scenario, c),
                    intervals: unit.clone(),
                    measure,
                    value: self.value(&values, target, at_least),
                    target: self.planning.confidence.unwrap_or(target),
                });
            }
        }
        (verdict, misses)
    }

    fn occupancy_unit(
        &self,
        reps: &[ReplicationTally],
        g: usize,
        unit: std::ops::Range<usize>,
    ) -> (Verdict, Option<Miss>) {
        let s = self.scenario;
        // A group with deferred work is meant to be busy whenever a backlog waits: its cap applies to the
        // Erlang start only.
        let deferred = s.groups[g]
            .skills
            .iter()
            .any(|k| s.channels[k.channel].kind == ChannelKind::Deferred);
        let Some(cap) = self.planning.max_occupancy.filter(|_| !deferred) else {
            return (
                Verdict {
                    held: true,
                    margin: f64::INFINITY,
                },
                None,
            );
        };
        // Only while some channel of the group is open: after closing, agents finishing the last contacts
        // are busy by design.
        let open: Vec<usize> = unit
            .clone()
            .filter(|&i| {
                s.groups[g]
                    .skills
                    .iter()
                    .any(|k| s.channels[k.channel].open.at(i as i64))
            })
            .collect();
        let values: Vec<f64> = reps
            .iter()
            .filter_map(|r| {
                let t = &r.groups[g];
                let staffed: f64 = open.iter().map(|&i| t.staffed_intervals[i]).sum();
                let busy: f64 = open.iter().map(|&i| t.busy_intervals[i]).sum();
                (staffed > 0.0).then(|| busy / staffed)
            })
            .collect();
        match self.judge(&values, cap, false) {
            None => (
                Verdict {
                    held: true,
                    margin: f64::INFINITY,
                },
                None,
            ),
            Some(v) if v.held => (v, None),
            Some(v) => (
                v,
                Some(Miss {
                    channel: None,
                    class: None,
                    group: Some(g),
                    intervals: unit,
                    measure: "occupancy",
                    value: self.value(&values, cap, false),
                    target: self.planning.confidence.unwrap_or(cap),
                }),
            ),
        }
    }

    /// Whether per-replication `values` meet `target` (`at_least`: from above, else from below): by their
    /// mean, or with a confidence by the share of replications meeting it. The margin is in standard
    /// errors of the mean (of the share, with a confidence). `None`: no replication had a value.
    fn judge(&self, values: &[f64], target: f64, at_least: bool) -> Option<Verdict> {
        if values.is_empty() {
            return None;
        }
        let meets = |x: f64| {
            if at_least {
                x >= target - 1e-12
            } else {
                x <= target + 1e-12
            }
        };
        let n = values.len() as f64;
        let (estimate, goal, se, better_up) = match self.planning.confidence {
            None => {
                let mean = values.iter().sum::<f64>() / n;
                let var =
                    values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
                (mean, target, (var / n).sqrt(), at_least)
            }
            Some(q) => {
                let share = values.iter().filter(|&&x| meets(x)).count() as f64 / n;
                (share, q, (q * (1.0 - q) / n).sqrt(), true)
            }
        };
        let diff = if better_up {
            estimate - goal
        } else {
            goal - estimate
        };
        let held = diff >= -1e-12;
        let margin = if se > 0.0 {
            diff / se
        } else if held {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        };
        Some(Verdict { held, margin })
    }

    fn value(&self, values: &[f64], target: f64, at_least: bool) -> f64 {
        let n = values.len().max(1) as f64;
        match self.planning.confidence {
            None => values.iter().sum::<f64>() / n,
            Some(_) => {
                values
                    .iter()
                    .filter(|&&x| if at_least { x >= target } else { x <= target })
                    .count() as f64
                    / n
            }
        }
    }
}

/// The outcome of the search.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// Agents scheduled per group and interval (shrinkage included).
    pub agents: Vec<Vec<u32>>,
    /// Simulations run (each of `planning.replications` replications).
    pub simulations: u32,
    /// Targets the requirement still misses (empty: it holds in the search's simulation).
    pub misses: Vec<Miss>,
}

/// A size-plan staffing with `agents[g][i]` in every group.
pub fn size_staffing(model: &Compiled, agents: &[Vec<u32>]) -> Result<Staffing, PlanError> {
    let mut st = model.staffing().clone();
    for (g, row) in agents.iter().enumerate() {
        st.schedule_by_size(g, row.clone())?;
    }
    Ok(st)
}

/// The interval a miss of channel `c` in interval `i` is fixed in: itself for synchronous work. Deferred
/// work is worked when the channel is open, any time before its deadline: the open interval within the
/// target's reach (its first `within / interval` open intervals from `i`) where group `g` has the fewest
/// agents, so that an overnight backlog is spread over the morning instead of piling agents on the opening.
fn fix_interval(s: &Scenario, c: Option<usize>, g: usize, i: usize, agents: &[Vec<u32>]) -> usize {
    match c {
        Some(c) if s.channels[c].kind == ChannelKind::Deferred => {
            let ch = &s.channels[c];
            let reach = ((ch.target.within_s / s.interval_s).floor() as usize).max(1);
            (i..s.intervals())
                .filter(|&j| ch.open.at(j as i64))
                .take(reach)
                .min_by_key(|&j| (agents[g][j], j))
                .unwrap_or(i)
        }
        _ => i,
    }
}

/// Where to add agents for a set of misses: (group, interval) pairs, each once. For a day or the horizon,
/// the worst quarter of the unit's intervals whose own targets miss (the worst interval when none does on
/// its own).
pub fn raise_points(
    judge: &Judge,
    reps: &[ReplicationTally],
    misses: &[Miss],
    agents: &[Vec<u32>],
) -> Vec<(usize, usize)> {
    let s = judge.scenario;
    let mut out: Vec<(usize, usize)> = Vec::new();
    for m in misses {
        let Some(g) = m.group else { continue };
        let mut points: Vec<usize> = Vec::new();
        if m.intervals.len() == 1 {
            points.push(m.intervals.start);
        } else {
            let margins: Vec<(usize, f64)> = m
                .intervals
                .clone()
                .map(|i| (i, judge.group_margin(reps, g, i..i + 1)))
                .filter(|(_, x)| x.is_finite() || *x < 0.0)
                .collect();
            // The worst quarter of the intervals that miss on their own (raising every one overshoots:
            // the unit pools them).
            let mut missing: Vec<(usize, f64)> =
                margins.iter().copied().filter(|(_, x)| *x < 0.0).collect();
            missing.sort_by(|a, b| a.1.total_cmp(&b.1));
            let take = missing.len().div_ceil(4);
            points.extend(missing.iter().take(take).map(|(i, _)| *i));
            if points.is_empty()
                && let Some(&(i, _)) = margins.iter().min_by(|a, b| a.1.total_cmp(&b.1))
            {
                points.push(i);
            }
        }
        for i in points {
            let p = (g, fix_interval(s, m.channel, g, i, agents));
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// Searches the fewest agents per group and interval that meet the targets, from `start`.
pub fn search(
    runner: &Runner,
    model: &Compiled,
    planning: &Planning,
    start: Vec<Vec<u32>>,
    progress: &(dyn Fn(u32, usize) + Sync),
) -> Result<Requirement, PlanError> {
    let s = model.scenario();
    let judge = Judge {
        scenario: s,
        planning,
    };
    let reps = 0..u64::from(planning.replications);
    let clamp = |agents: &mut Vec<Vec<u32>>| {
        for (g, row) in agents.iter_mut().enumerate() {
            for x in row.iter_mut() {
                *x = (*x).clamp(planning.min_agents[g], planning.max_agents[g]);
            }
        }
    };
    let mut agents = start;
    clamp(&mut agents);
    let mut best: Option<Vec<Vec<u32>>> = None;
    let mut last_misses = Vec::new();
    let mut removed: Vec<(usize, usize)> = Vec::new();
    let mut tabu = vec![vec![false; s.intervals()]; s.groups.len()];
    // Per group and pooled unit: how many intervals one descent round lowers (a quarter of the unit to
    // start, halved each time the unit no longer holds after a round).
    let start_step: Vec<usize> = judge.units().iter().map(|u| (u.len() / 4).max(1)).collect();
    let mut step = vec![start_step; s.groups.len()];
    let mut simulations = 0;
    while simulations < planning.max_rounds {
        let staffing = size_staffing(model, &agents)?;
        let tallies = runner.run(model, &staffing, s.seed, reps.clone(), &|| {})?;
        simulations += 1;
        let misses = judge.misses(&tallies);
        progress(simulations, misses.len());
        // A removal stays only if its unit, and the interval after it (queues carry over), still hold by a
        // standard error: noise must not talk the search below what the targets need.
        let units = judge.units();
        let unit_of = |i: usize| {
            units
                .iter()
                .find(|u| u.contains(&i))
                .cloned()
                .unwrap_or(i..i + 1)
        };
        let weak: Vec<(usize, usize)> = removed
            .iter()
            .copied()
            .filter(|&(g, i)| {
                let next = (i + 1).min(s.intervals() - 1);
                judge.group_margin(&tallies, g, unit_of(i)) < 1.0
                    || judge.group_margin(&tallies, g, unit_of(next)) < 1.0
            })
            .collect();
        let pooled = units.iter().any(|u| u.len() > 1);
        for &(g, i) in &weak {
            agents[g][i] += 1;
            // A pooled unit first tries smaller steps; an interval is given up on only at a step of one.
            let u = units.iter().position(|u| u.contains(&i)).unwrap_or(0);
            if !pooled || step[g][u] == 1 {
                tabu[g][i] = true;
            }
        }
        if pooled {
            for &(g, i) in &weak {
                let u = units.iter().position(|u| u.contains(&i)).unwrap_or(0);
                step[g][u] = (step[g][u] / 2).max(1);
            }
        }
        if !misses.is_empty() {
            // Raise where a miss is not already answered by a removal put back.
            let mut changed = !weak.is_empty();
            for (g, i) in raise_points(&judge, &tallies, &misses, &agents) {
                let answered = weak
                    .iter()
                    .any(|&(wg, wi)| wg == g && (wi == i || wi + 1 == i));
                if !answered && agents[g][i] < planning.max_agents[g] {
                    // Not tabu: once later raises (an earlier interval, another group) have done their part,
                    // the descent may take this agent back if its interval then holds with a margin.
                    agents[g][i] += 1;
                    changed = true;
                }
            }
            removed.clear();
            last_misses = misses;
            if !changed {
                break; // every miss is at its group's maximum: nothing more to try
            }
            continue;
        }
        if !weak.is_empty() {
            // The plan with those removals put back held before them: simulate it to be sure.
            removed.clear();
            continue;
        }
        best = Some(agents.clone());
        last_misses.clear();
        // Descent: one agent fewer in every other interval that holds with a margin (the other parity
        // when this one has no candidate); for targets pooled over a day or the horizon, one agent fewer per
        // unit that holds with a margin, in its interval with the most room.
        removed.clear();
        if units.iter().all(|u| u.len() == 1) {
            for parity in [(simulations % 2) as usize, 1 - (simulations % 2) as usize] {
                for g in 0..s.groups.len() {
                    for i in (parity..s.intervals()).step_by(2) {
                        if !tabu[g][i]
                            && agents[g][i] > planning.min_agents[g]
                            && judge.group_margin(&tallies, g, i..i + 1) >= 1.0
                        {
                            removed.push((g, i));
                        }
                    }
                }
                if !removed.is_empty() {
                    break;
                }
            }
        } else {
            for g in 0..s.groups.len() {
                for (k, u) in units.iter().enumerate() {
                    if judge.group_margin(&tallies, g, u.clone()) < 1.0 {
                        continue;
                    }
                    let mut roomiest: Vec<(usize, f64)> = u
                        .clone()
                        .filter(|&i| !tabu[g][i] && agents[g][i] > planning.min_agents[g])
                        .map(|i| (i, judge.group_margin(&tallies, g, i..i + 1)))
                        .filter(|(_, m)| !m.is_infinite())
                        .collect();
                    roomiest.sort_by(|a, b| b.1.total_cmp(&a.1));
                    removed.extend(roomiest.iter().take(step[g][k]).map(|&(i, _)| (g, i)));
                }
            }
        }
        if removed.is_empty() {
            break; // no removal left to try: the plan is as lean as the search can tell
        }
        for &(g, i) in &removed {
            agents[g][i] -= 1;
        }
    }
    Ok(match best {
        // The last plan known to hold (the budget may have run out after a removal).
        Some(b) => Requirement {
            agents: b,
            simulations,
            misses: Vec::new(),
        },
        None => Requirement {
            agents,
            simulations,
            misses: last_misses,
        },
    })
}
