//! The single-queue kernel: one voice channel, one group at a constant head-count, no journeys. The
//! textbook models (Erlang B, C and A, M/M/c/K, M/G/c+G) and their reference checks are of this kind.
//!
//! It runs the same replication as `center` (the same streams drawn in the same order, the same events
//! scheduled in the same order, so the same event sequence numbers, and the same sums added in the same
//! order), with plain structures in place of the general ones: a FIFO of waiting callers with lazy
//! removal of those who hang up, an agent's one contact inline, and the case of a single contact carried
//! with it instead of a case table. A scenario that configures nothing beyond this model pays for nothing
//! beyond it. `tests/single_queue.rs` runs both on a family of such scenarios and requires bit-identical
//! tallies; [`qualifies`] says which scenarios and staffings run here.

use crate::dist::Dist;
use crate::engine::{EventQueue, SimTime};
use crate::experience::{ExperienceRules, Factor, Journey};
use crate::model::accounting;
use crate::model::compile::Compiled;
use crate::model::limit::{self, Overload};
use crate::routing::IdleAgents;
use crate::scenario::{ChannelKind, Staffing};
use crate::seed::{Purpose, StreamRng, stream};
use crate::stats::{ChannelTally, GroupTally, IntervalTally, ReplicationTally};
use std::collections::VecDeque;

/// Whether the model and staffing run on this kernel: one always-open voice channel with one class (with the
/// channel's own handle time and patience) and none of callbacks, announcements, overflow, self-service,
/// journeys, business-hours targets or time-varying means; one
/// group, primary, not learning, at one whole head-count in every interval, without shrinkage, absence or a later start;
/// no training, complaints or personalised handling.
pub(crate) fn qualifies(m: &Compiled, staffing: &Staffing) -> bool {
    let s = &m.scenario;
    let [c] = &m.channels[..] else { return false };
    let [g] = &m.groups[..] else { return false };
    let [st] = staffing.groups() else {
        return false;
    };
    let size = st.size.values();
    c.kind == ChannelKind::Voice
        && c.class_queues.len() == 1
        && c.class_draws.is_empty()
        && c.open.values().iter().all(|&o| o)
        && c.resolution.is_none()
        && c.repeat.is_none()
        && c.retry.is_none()
        && c.follow_up.is_none()
        && c.callback.is_none()
        && c.announce.is_none()
        && c.self_service.is_none()
        && c.business.is_none()
        && c.overflow_after.is_none()
        && c.forecast_cv == 0.0
        && c.handle_time_factors.is_none()
        && c.patience_factors.is_none()
        && c.eligible.len() == 1
        && c.eligible[0].delay == 0.0
        && g.single_queue.is_some()
        && g.learning.is_none()
        && g.shrinkage == 0.0
        && g.absence == 0.0
        && g.joins_day == 0
        && st.shifts.is_empty()
        && st.size_fraction.is_none()
        && size.iter().all(|&n| n == size[0])
        && s.training.is_empty()
        && s.complaints.is_none()
        && !s.personalised
}

/// The level of a resolved one-contact case, remembered by what it depends on. In this model a case's
/// journey differs from another's only in its wait and resolution time, and `ExperienceRules::classify`
/// reads those only through comparisons with its thresholds (the wait ratio against `wait_missed`,
/// `wait_poor` and `wait_unbearable`, the wait against 0 and the target, the time against the two
/// slow-resolution limits): cases that compare alike get the same level and factor, so each combination
/// is classified once and looked up after.
struct Levels {
    known: [Option<(u8, Option<Factor>)>; 128],
}

impl Levels {
    /// The combination of comparisons a case's wait ratio, wait and time make.
    #[inline]
    fn key(rules: &ExperienceRules, ratio: f64, wait: f64, target: f64, time: f64) -> usize {
        usize::from(ratio > rules.wait_unbearable)
            | usize::from(ratio > rules.wait_poor) << 1
            | usize::from(ratio > rules.wait_missed) << 2
            | usize::from(time > rules.very_slow_resolution_s) << 3
            | usize::from(time > rules.slow_resolution_s) << 4
            | usize::from(wait <= 0.0) << 5
            | usize::from(wait > target) << 6
    }
}

#[derive(Debug, Clone, Copy)]
enum Event {
    Arrival,
    ServiceEnd { agent: u32 },
    Abandon { id: u64 },
    Boundary { index: i64 },
}

/// A caller in the queue; `id`s rise along the queue, so a caller is found by its distance from the head.
#[derive(Debug, Clone, Copy)]
struct Caller {
    arrival: f64,
    base_handle: f64,
    interval: Option<u32>,
    hung_up: bool,
}

/// The contact in an agent's hands: when it started and arrived (its case's journey follows from them).
#[derive(Debug, Clone, Copy)]
struct InHand {
    start: f64,
    arrival: f64,
    interval: Option<u32>,
}

struct Kernel<'a> {
    m: &'a Compiled,
    events: EventQueue<Event>,
    /// The channel's and the group's tallies (put in a ReplicationTally at the end).
    ch: ChannelTally,
    gt: GroupTally,
    contacts_simulated: u64,
    events_run: u64,
    handle_time: &'a Dist,
    patience: Option<&'a Dist>,
    /// Their means when exponential (drawn without the distribution's match).
    handle_mean: Option<f64>,
    patience_mean: Option<f64>,
    target_s: f64,
    capacity: Option<u32>,
    multiplier: f64,
    proficiency: f64,
    friendliness: f64,
    /// 1 if the group counts as friendly (experience rules' `unfriendly`), else 0.
    friendly: u64,
    agents: Vec<Option<InHand>>,
    levels: Levels,
    idle: IdleAgents,
    on_duty: u32,
    busy: u32,
    queue: VecDeque<Caller>,
    /// Id of the caller at the head of `queue`, and callers in it who have not hung up.
    head_id: u64,
    waiting: u32,
    boundary_armed: bool,
    /// The replication (from 0), its share of the memory limit (model::limit), and why it stopped early.
    replication: u64,
    budget: u64,
    overload: Option<Overload>,
}

/// Runs one replication on the kernel; the caller has checked [`qualifies`].
pub(crate) fn simulate(
    m: &Compiled,
    staffing: &Staffing,
    seed: u64,
    replication: u64,
    budget: u64,
) -> Result<ReplicationTally, Overload> {
    let s = &m.scenario;
    let c = &m.channels[0];
    let g = &m.groups[0];
    let agents = staffing.groups()[0].max_agents();
    let n = m.bins.count;
    let mut k = Kernel {
        m,
        events: EventQueue::with_lanes(1),
        ch: ChannelTally::new(n, 1),
        gt: GroupTally::new(n),
        contacts_simulated: 0,
        events_run: 0,
        handle_time: &c.handle_time,
        patience: c.patience.as_ref(),
        handle_mean: c.handle_time.exponential_mean(),
        patience_mean: c.patience.as_ref().and_then(Dist::exponential_mean),
        target_s: c.target_s,
        capacity: c.capacity,
        multiplier: c.eligible[0].multiplier,
        proficiency: c.eligible[0].proficiency,
        friendliness: g.friendliness,
        friendly: u64::from(g.friendliness >= s.experience.unfriendly),
        agents: vec![None; agents as usize],
        levels: Levels { known: [None; 128] },
        idle: IdleAgents::default(),
        on_duty: 0,
        busy: 0,
        queue: VecDeque::new(),
        head_id: 0,
        waiting: 0,
        boundary_armed: false,
        replication,
        budget,
        overload: None,
    };
    let mut arrivals = crate::model::arrivals::ArrivalProcess::new(
        &c.arrivals_per_hour,
        s.warmup_s,
        s.interval_s,
        m.bins.end(),
        stream(seed, replication, c.key, Purpose::Arrivals),
    );
    // The first-contact streams of `center::ContactStreams` that this model draws from.
    let mut handle_rng = stream(seed, replication, c.key, Purpose::HandleTime);
    let mut patience_rng = stream(seed, replication, c.key, Purpose::Patience);
    k.run(&mut arrivals, &mut handle_rng, &mut patience_rng);
    if let Some(o) = k.overload {
        return Err(o);
    }
    Ok(ReplicationTally {
        channels: vec![k.ch],
        groups: vec![k.gt],
        training_s: Vec::new(),
        contacts_simulated: k.contacts_simulated,
        events: k.events_run,
    })
}

/// A draw from `dist`, an exponential one (`mean`) inline: the same number [`Dist::sample`] draws.
#[inline(always)]
fn sample(dist: &Dist, mean: Option<f64>, rng: &mut StreamRng) -> f64 {
    match mean {
        Some(mean) => {
            let e: f64 = rand_distr::Distribution::sample(&rand_distr::Exp1, rng);
            mean * e
        }
        None => dist.sample(rng),
    }
}

impl Kernel<'_> {
    fn interval_start(&self, index: i64) -> f64 {
        self.m.bins.start + index as f64 * self.m.bins.width
    }

    #[inline]
    /// `center`'s count: the interval only; totals are summed when the run ends.
    fn count(&mut self, interval: u32, f: impl Fn(&mut IntervalTally)) {
        f(&mut self.ch.intervals[interval as usize]);
    }

    fn run(
        &mut self,
        arrivals: &mut crate::model::arrivals::ArrivalProcess,
        handle_rng: &mut StreamRng,
        patience_rng: &mut StreamRng,
    ) {
        let bins = self.m.bins;
        let first = ((0.0 - bins.start) / bins.width).floor() as i64;
        // The head-count at time 0 (center: apply_size_plan, move_head_count): agents come on duty in seat
        // order and wait, idle since 0.
        let planned = self.agents.len() as u32;
        self.on_duty = planned;
        for a in 0..planned {
            self.idle.push(a, 0.0);
        }
        let on_duty_since = 0.0;
        self.events.schedule(
            self.interval_start(first + 1),
            Event::Boundary { index: first + 1 },
        );
        self.boundary_armed = true;
        if let Some(t) = arrivals.next_after(0.0) {
            self.events.schedule_in_lane(0, t, Event::Arrival);
        }
        let end = bins.end();
        let stop = self.m.stop;
        let mut now = 0.0;
        while let Some((t, event)) = self.events.pop() {
            #[allow(clippy::neg_cmp_op_on_partial_ord)]
            if !(t <= stop) {
                break;
            }
            now = t;
            self.events_run += 1;
            match event {
                Event::Arrival => {
                    self.contacts_simulated += 1;
                    if let Some(next) = arrivals.next_after(t) {
                        self.events.schedule_in_lane(0, next, Event::Arrival);
                    }
                    let base_handle = sample(self.handle_time, self.handle_mean, handle_rng);
                    let patience = self
                        .patience
                        .map(|p| sample(p, self.patience_mean, patience_rng));
                    self.arrive(base_handle, patience, t);
                }
                Event::ServiceEnd { agent } => self.service_end(agent as usize, t),
                Event::Abandon { id } => self.abandon(id, t),
                Event::Boundary { index } => {
                    // The memory guard, once per interval (model::limit).
                    if limit::over(self.held_bytes(), self.budget) {
                        self.overloaded(t);
                        continue;
                    }
                    if (1..=bins.count as i64).contains(&index) {
                        self.ch.backlog[(index - 1) as usize] = self.waiting;
                    }
                    if index == bins.count as i64 {
                        self.ch.in_service_end = self.busy;
                    }
                    let next = self.interval_start(index + 1);
                    self.boundary_armed = next <= end || self.busy > 0 || self.waiting > 0;
                    if self.boundary_armed {
                        self.events
                            .schedule(next, Event::Boundary { index: index + 1 });
                    }
                }
            }
        }
        if self.overload.is_some() {
            return;
        }
        // Close the integrals as `center::run` does: staffed time, then each busy agent in seat order (work
        // time, then engaged time).
        let close = now.max(end);
        accounting::on_duty(&bins, &mut self.gt, self.on_duty, on_duty_since, close);
        for a in 0..self.agents.len() {
            let Some(h) = self.agents[a] else { continue };
            accounting::work(&bins, &mut self.ch, h.start, close);
            accounting::engaged(&bins, &mut self.ch, &mut self.gt, h.start, close);
        }
        let unfinished: Vec<u32> = self
            .queue
            .iter()
            .filter(|w| !w.hung_up)
            .filter_map(|w| w.interval)
            .collect();
        for i in unfinished {
            self.count(i, |t| t.unfinished += 1);
        }
        self.ch.total_counts_from_intervals();
        // Cases still open: those waiting, and those in an agent's hands when the run stopped.
        let open = self
            .queue
            .iter()
            .filter(|w| !w.hung_up && w.interval.is_some())
            .count()
            + self
                .agents
                .iter()
                .filter(|h| h.is_some_and(|h| h.interval.is_some()))
                .count();
        let cases = &mut self.ch.cases;
        cases.cases += open as u64;
        cases.contacts += open as u64;
        cases.open += open as u64;
    }

    /// The memory the replication's contacts hold: the queue and the pending events (model::limit).
    fn held_bytes(&self) -> usize {
        self.queue.capacity() * std::mem::size_of::<Caller>() + self.events.heap_bytes()
    }

    /// The memory guard tripped: records why and empties the event queue and the queue, so the run ends.
    #[cold]
    fn overloaded(&mut self, now: SimTime) {
        let bins = self.m.bins;
        let c = &self.m.channels[0];
        let index = ((now - bins.start) / bins.width).floor() as i64;
        let offered = c.arrivals_per_hour.at(index) / 3600.0 * self.handle_time.mean();
        let load = (self.on_duty > 0).then(|| offered / f64::from(self.on_duty));
        self.overload = Some(Overload::new(
            self.replication + 1,
            u64::from(self.waiting),
            now - bins.start,
            &self.m.scenario.channels[0].name,
            load,
            self.held_bytes() as u64,
            self.budget,
        ));
        self.events.clear();
        self.queue = VecDeque::new();
        self.waiting = 0;
    }

    fn arrive(&mut self, base_handle: f64, patience: Option<f64>, now: SimTime) {
        let interval = self.m.bins.index(now).map(|i| i as u32);
        if let Some(i) = interval {
            self.count(i, |t| t.offered += 1);
        }
        if let Some(agent) = self.idle.take_longest() {
            self.start(agent as usize, now, base_handle, now, interval);
            return;
        }
        if self.capacity.is_some_and(|cap| self.waiting >= cap) {
            if let Some(i) = interval {
                self.count(i, |t| t.blocked += 1);
            }
            let journey = Journey {
                failures: 1,
                ..Journey::default()
            };
            self.finish(interval, journey, now, None);
            return;
        }
        if let Some(i) = interval {
            self.count(i, |t| t.waited += 1);
        }
        // The queue is about to grow: the memory guard (model::limit), off the per-contact path.
        if self.queue.len() == self.queue.capacity() && limit::over(self.held_bytes(), self.budget)
        {
            self.overloaded(now);
            return;
        }
        let id = self.head_id + self.queue.len() as u64;
        self.queue.push_back(Caller {
            arrival: now,
            base_handle,
            interval,
            hung_up: false,
        });
        self.waiting += 1;
        if let Some(p) = patience {
            self.events.schedule(now + p * 1.0, Event::Abandon { id });
        }
    }

    /// `center::start_service` for a voice contact of this model.
    fn start(
        &mut self,
        agent: usize,
        arrival: f64,
        base_handle: f64,
        now: SimTime,
        interval: Option<u32>,
    ) {
        let handle = base_handle * self.multiplier * 1.0;
        self.busy += 1;
        self.events.schedule(
            now + handle,
            Event::ServiceEnd {
                agent: agent as u32,
            },
        );
        let wait = now - arrival;
        self.agents[agent] = Some(InHand {
            start: now,
            arrival,
            interval,
        });
        if let Some(i) = interval {
            let within = wait <= self.target_s;
            let friendly = self.friendly;
            self.ch.total.wait_answered_s += wait;
            self.ch.total.handle_s += handle;
            self.count(i, |t| {
                t.answered += 1;
                t.answered_within += u64::from(within);
                t.wait_answered_s += wait;
                t.handle_s += handle;
                t.friendly += friendly;
            });
            self.ch.waits.record(wait);
        }
    }

    fn service_end(&mut self, agent: usize, now: SimTime) {
        let h = self.agents[agent]
            .take()
            .expect("a service end belongs to a contact in hand");
        accounting::engaged_and_work(&self.m.bins, &mut self.ch, &mut self.gt, h.start, now);
        if let Some(interval) = h.interval {
            let wait = h.start - h.arrival;
            let target = self.target_s;
            let ratio = 0.0f64.max(wait / target);
            let time = now - h.arrival;
            let rules = &self.m.scenario.experience;
            let key = Levels::key(rules, ratio, wait, target, time);
            let (level, factor) = match self.levels.known[key] {
                Some(known) => known,
                None => {
                    let found = rules.classify(&self.journey(wait), Some(time), false);
                    self.levels.known[key] = Some(found);
                    found
                }
            };
            self.count_case(interval, level, factor, Some(time));
        }
        self.busy -= 1;
        // The next caller, oldest first; those who hung up are skipped.
        while let Some(w) = self.queue.pop_front() {
            self.head_id += 1;
            if w.hung_up {
                continue;
            }
            self.waiting -= 1;
            self.start(agent, w.arrival, w.base_handle, now, w.interval);
            return;
        }
        self.idle.push(agent as u32, now);
    }

    fn abandon(&mut self, id: u64, now: SimTime) {
        if id < self.head_id {
            return; // answered already
        }
        let w = &mut self.queue[(id - self.head_id) as usize];
        w.hung_up = true;
        let w = *w;
        self.waiting -= 1;
        let waited = now - w.arrival;
        if let Some(i) = w.interval {
            self.ch.total.wait_abandoned_s += waited;
            self.count(i, |t| {
                t.abandoned += 1;
                t.wait_abandoned_s += waited;
            });
        }
        let target = self.target_s;
        let mut j = Journey::default();
        j.worst_wait_ratio = j.worst_wait_ratio.max(waited / target);
        j.uninformed_long_wait |= waited > target;
        j.failures += 1;
        self.finish(w.interval, j, now, None);
    }

    /// `center::finish_case` for a case of one contact that started at `start`; `resolved_at` is `None`
    /// for a contact that ended unserved.
    fn finish(
        &mut self,
        interval: Option<u32>,
        mut journey: Journey,
        start: f64,
        resolved_at: Option<f64>,
    ) {
        let Some(interval) = interval else { return };
        journey.contacts = 1;
        let resolved_after = resolved_at.map(|at| at - start);
        let (level, factor) = self
            .m
            .scenario
            .experience
            .classify(&journey, resolved_after, false);
        self.count_case(interval, level, factor, resolved_after);
    }

    /// The journey of `center::start_service` for a case's one contact, answered after `wait`.
    fn journey(&self, wait: f64) -> Journey {
        let target = self.target_s;
        let mut j = Journey::default();
        j.worst_wait_ratio = j.worst_wait_ratio.max(wait / target);
        j.never_waited &= wait <= 0.0;
        j.uninformed_long_wait |= wait > target;
        j.min_proficiency = j.min_proficiency.min(self.proficiency);
        j.min_friendliness = j.min_friendliness.min(self.friendliness);
        j.handled_by_agent = true;
        j.contacts = 1;
        j
    }

    /// Counts an ended case of interval `interval` at `level` (resolved after `resolved_after`, or not).
    fn count_case(
        &mut self,
        interval: u32,
        level: u8,
        factor: Option<Factor>,
        resolved_after: Option<f64>,
    ) {
        let ch = &mut self.ch;
        ch.level_intervals[interval as usize][usize::from(level - 1)] += 1;
        ch.cases.levels[usize::from(level - 1)] += 1;
        let t = &mut ch.cases;
        if let Some(f) = factor {
            t.held_down[f.index()] += 1;
        }
        t.cases += 1;
        t.contacts += 1;
        match resolved_after {
            Some(after) => {
                t.resolved += 1;
                t.resolved_first += 1;
                t.resolution_time_s += after;
            }
            None => t.left_unserved += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// The claim `Levels` rests on: cases whose comparisons agree are classified alike, for the default
    /// rules and for rules with other (and oddly ordered) thresholds, at waits and times around them.
    #[test]
    fn cases_that_compare_alike_are_classified_alike() {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(9);
        let mut uniform = |hi: f64| (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * hi;
        let base = ExperienceRules::default();
        let mut odd = base;
        (odd.wait_missed, odd.wait_unbearable) = (4.0, 2.0);
        odd.slow_resolution_s = odd.very_slow_resolution_s * 2.0;
        for rules in [base, odd] {
            let mut seen: Vec<Option<(u8, Option<Factor>)>> = vec![None; 128];
            let target = 20.0;
            for i in 0..20_000 {
                // Exact zeros and thresholds come up too, not only values between them.
                let wait = match i % 5 {
                    0 => 0.0,
                    1 => target * rules.wait_poor,
                    _ => uniform(target * 8.0),
                };
                let time = wait + uniform(rules.very_slow_resolution_s * 1.5);
                let ratio = 0.0f64.max(wait / target);
                let mut j = Journey {
                    contacts: 1,
                    handled_by_agent: true,
                    ..Journey::default()
                };
                j.worst_wait_ratio = ratio;
                j.never_waited = wait <= 0.0;
                j.uninformed_long_wait = wait > target;
                j.min_friendliness = 0.9;
                let got = rules.classify(&j, Some(time), false);
                let key = Levels::key(&rules, ratio, wait, target, time);
                match seen[key] {
                    Some(first) => assert_eq!(first, got, "wait {wait}, time {time}"),
                    None => seen[key] = Some(got),
                }
            }
            assert!(
                seen.iter().flatten().count() >= 8,
                "the grid reaches many combinations"
            );
        }
    }
}
