//! One replication of a contact center: arrivals, queues, agents and staffing changes, driven by the
//! generic event queue, counting into a [`ReplicationTally`].
//!
//! Rules a reader needs to trust the numbers:
//! - Time 0 is the start of the warm-up; the measured window is [warmup, warmup + horizon]. Contacts
//!   arriving in the warm-up are served but not counted; contacts arriving in the window are followed until
//!   they are answered, abandon or are blocked, even after the window ends (agent time is counted only
//!   inside the window).
//! - A contact's base handle time and patience are drawn at arrival from per-channel streams, whether or not
//!   they are used, so two scenarios with the same channel see the same contacts.
//! - When a group's head-count drops, idle agents leave at once (the most recently idle first) and busy
//!   agents finish the contact in hand, then leave. When it rises, pending departures are cancelled first.

use crate::engine::{EventQueue, SimTime};
use crate::experiment::seed::{Purpose, StreamRng, name_key, stream};
use crate::model::arrivals::ArrivalProcess;
use crate::model::dist::Dist;
use crate::model::queue::{Ticket, Waiting, WaitingRoom};
use crate::routing::{IdleAgents, longest_idle_group, oldest_waiting};
use crate::scenario::Scenario;
use crate::stats::{ChannelTally, GroupTally, ReplicationTally, TimeBins};

#[derive(Debug, Clone, Copy)]
enum Event {
    Arrival {
        channel: u32,
    },
    ServiceEnd {
        agent: u32,
    },
    Abandon {
        ticket: Ticket,
    },
    /// The start of reporting interval `index` (negative in the warm-up): head-counts may change.
    Staffing {
        index: i64,
    },
}

/// What an agent is doing.
#[derive(Debug, Clone, Copy)]
struct Service {
    channel: u32,
    start: f64,
}

struct Agent {
    group: u32,
    service: Option<Service>,
}

struct GroupState {
    idle: IdleAgents,
    off_duty: Vec<u32>,
    /// Agents present: idle, busy, or finishing a contact before leaving.
    on_duty: u32,
    /// Busy agents who leave when their contact ends.
    leaving: u32,
    /// Since when `on_duty` has had its current value (for the staffed-time integral).
    on_duty_since: f64,
    /// (channel, handle-time multiplier) for each skill, in the order the file lists them.
    skills: Vec<(usize, f64)>,
}

struct ChannelState {
    arrivals: ArrivalProcess,
    handle_rng: StreamRng,
    patience_rng: StreamRng,
    handle_time: Dist,
    patience: Option<Dist>,
    target_s: f64,
    capacity: Option<u32>,
    /// Groups skilled for the channel, with their handle-time multiplier.
    groups: Vec<(usize, f64)>,
}

struct Center<'a> {
    scenario: &'a Scenario,
    bins: TimeBins,
    events: EventQueue<Event>,
    channels: Vec<ChannelState>,
    groups: Vec<GroupState>,
    agents: Vec<Agent>,
    room: WaitingRoom,
    tally: ReplicationTally,
    busy_agents: u32,
}

/// Runs replication `replication` of `scenario` and returns what it measured.
pub fn simulate(scenario: &Scenario, replication: u64) -> ReplicationTally {
    let mut center = Center::new(scenario, replication);
    center.run();
    center.tally
}

impl<'a> Center<'a> {
    fn new(s: &'a Scenario, replication: u64) -> Self {
        let bins = TimeBins {
            start: s.warmup_s,
            width: s.interval_s,
            count: s.intervals(),
        };
        let end = bins.end();
        let channels = s
            .channels
            .iter()
            .enumerate()
            .map(|(ci, c)| {
                let key = name_key(&c.name);
                let groups =
                    s.groups
                        .iter()
                        .enumerate()
                        .flat_map(|(gi, g)| {
                            g.skills.iter().filter(|k| k.channel == ci).map(move |k| {
                                (gi, s.proficiency.handle_time_multiplier(k.proficiency))
                            })
                        })
                        .collect();
                ChannelState {
                    arrivals: ArrivalProcess::new(
                        &c.arrivals_per_hour,
                        s.warmup_s,
                        s.interval_s,
                        end,
                        stream(s.seed, replication, key, Purpose::Arrivals),
                    ),
                    handle_rng: stream(s.seed, replication, key, Purpose::HandleTime),
                    patience_rng: stream(s.seed, replication, key, Purpose::Patience),
                    handle_time: c.handle_time.clone(),
                    patience: c.patience.clone(),
                    target_s: c.target.within_s,
                    capacity: c.queue_capacity,
                    groups,
                }
            })
            .collect();
        let mut agents = Vec::new();
        let groups = s
            .groups
            .iter()
            .enumerate()
            .map(|(gi, g)| {
                let slots = g.size.values().iter().copied().max().unwrap_or(0);
                let first = agents.len() as u32;
                agents.extend((0..slots).map(|_| Agent {
                    group: gi as u32,
                    service: None,
                }));
                GroupState {
                    idle: IdleAgents::default(),
                    // Reversed so agents come on duty in index order (agent 0 first).
                    off_duty: (first..first + slots).rev().collect(),
                    on_duty: 0,
                    leaving: 0,
                    on_duty_since: 0.0,
                    skills: g
                        .skills
                        .iter()
                        .map(|k| {
                            (
                                k.channel,
                                s.proficiency.handle_time_multiplier(k.proficiency),
                            )
                        })
                        .collect(),
                }
            })
            .collect();
        let n = bins.count;
        let tally = ReplicationTally {
            channels: s.channels.iter().map(|_| ChannelTally::new(n)).collect(),
            groups: s.groups.iter().map(|_| GroupTally::new(n)).collect(),
            contacts_simulated: 0,
            events: 0,
        };
        Center {
            scenario: s,
            bins,
            events: EventQueue::new(),
            channels,
            groups,
            agents,
            room: WaitingRoom::new(s.channels.len()),
            tally,
            busy_agents: 0,
        }
    }

    /// Start of interval `index` in simulation time (negative indices lie in the warm-up).
    fn interval_start(&self, index: i64) -> f64 {
        self.bins.start + index as f64 * self.bins.width
    }

    /// Interval index of an instant (negative in the warm-up).
    fn interval_index(&self, t: f64) -> i64 {
        ((t - self.bins.start) / self.bins.width).floor() as i64
    }

    fn run(&mut self) {
        let s = self.scenario;
        // Head-counts at time 0, then a staffing event at each interval boundary if any plan varies.
        let first = self.interval_index(0.0);
        for g in 0..self.groups.len() {
            self.set_head_count(g, s.groups[g].size.at(first), 0.0);
        }
        if s.groups.iter().any(|g| !g.size.is_constant()) {
            self.events.schedule(
                self.interval_start(first + 1),
                Event::Staffing { index: first + 1 },
            );
        }
        for c in 0..self.channels.len() {
            if let Some(t) = self.channels[c].arrivals.next_after(0.0) {
                self.events
                    .schedule(t, Event::Arrival { channel: c as u32 });
            }
        }
        // Contacts are followed past the window until they finish; a cap stops a run whose queue can never
        // drain (no agent is ever scheduled again and nobody abandons): those contacts count as unfinished.
        let end = self.bins.end();
        let stop = end + (s.warmup_s + s.horizon_s).max(7.0 * 86_400.0);
        let mut now = 0.0;
        while let Some((t, event)) = self.events.pop() {
            // Written so that a NaN time (which validation rules out) would stop the run too.
            #[allow(clippy::neg_cmp_op_on_partial_ord)]
            if !(t <= stop) {
                break;
            }
            now = t;
            self.tally.events += 1;
            match event {
                Event::Arrival { channel } => self.on_arrival(channel as usize, t),
                Event::ServiceEnd { agent } => self.on_service_end(agent as usize, t),
                Event::Abandon { ticket } => self.on_abandon(ticket, t),
                Event::Staffing { index } => {
                    for g in 0..self.groups.len() {
                        self.set_head_count(g, s.groups[g].size.at(index), t);
                    }
                    // From the index, not by adding widths: no drift off the interval edges.
                    let next = self.interval_start(index + 1);
                    let work_left = self.busy_agents > 0
                        || (0..self.channels.len()).any(|c| self.room.waiting(c) > 0);
                    if next <= end || work_left {
                        self.events
                            .schedule(next, Event::Staffing { index: index + 1 });
                    }
                }
            }
        }
        // Close the time integrals. Staffed time: nothing changes head-counts between the last event and the
        // end of the window. Busy time: agents still busy when the cap stopped the run were busy until then.
        for g in 0..self.groups.len() {
            self.account_on_duty(g, now.max(end));
        }
        for agent in 0..self.agents.len() {
            if let Some(service) = self.agents[agent].service {
                self.account_busy(agent, service, now.max(end));
            }
        }
        for w in self.room.drain() {
            if let Some(i) = w.interval {
                let ch = &mut self.tally.channels[w.channel as usize];
                ch.total.unfinished += 1;
                ch.intervals[i as usize].unfinished += 1;
            }
        }
    }

    fn on_arrival(&mut self, c: usize, now: SimTime) {
        self.tally.contacts_simulated += 1;
        let ch = &mut self.channels[c];
        if let Some(t) = ch.arrivals.next_after(now) {
            self.events
                .schedule(t, Event::Arrival { channel: c as u32 });
        }
        // Draw both, always, in arrival order: common random numbers across scenarios.
        let base_handle = ch.handle_time.sample(&mut ch.handle_rng);
        let patience = ch.patience.as_ref().map(|p| p.sample(&mut ch.patience_rng));
        let interval = self.bins.index(now).map(|i| i as u32);
        if let Some(i) = interval {
            self.count(c, i, |t| t.offered += 1);
        }
        let contact = Waiting {
            arrival: now,
            base_handle,
            interval,
            channel: c as u32,
            generation: 0,
        };
        if let Some(g) = self.free_group_for(c) {
            let agent = self.groups[g]
                .idle
                .take_longest()
                .expect("the group has an idle agent");
            self.start_service(agent as usize, contact, now);
            return;
        }
        let ch = &self.channels[c];
        if ch.capacity.is_some_and(|cap| self.room.waiting(c) >= cap) {
            if let Some(i) = interval {
                self.count(c, i, |t| t.blocked += 1);
            }
            return;
        }
        if let Some(i) = interval {
            self.count(c, i, |t| t.waited += 1);
        }
        let ticket = self.room.push(contact);
        if let Some(p) = patience {
            self.events.schedule(now + p, Event::Abandon { ticket });
        }
    }

    /// The group with the longest-idle agent among those skilled for channel `c`.
    #[inline]
    fn free_group_for(&self, c: usize) -> Option<usize> {
        let groups = &self.channels[c].groups;
        if let [(g, _)] = groups[..] {
            // The common single-group case, without the search.
            return (!self.groups[g].idle.is_empty()).then_some(g);
        }
        longest_idle_group(
            groups
                .iter()
                .map(|&(g, _)| (g, self.groups[g].idle.longest().map(|(_, since)| since))),
        )
    }

    #[inline]
    fn count(&mut self, c: usize, interval: u32, f: impl Fn(&mut crate::stats::IntervalTally)) {
        let ch = &mut self.tally.channels[c];
        f(&mut ch.total);
        f(&mut ch.intervals[interval as usize]);
    }

    fn start_service(&mut self, agent: usize, w: Waiting, now: SimTime) {
        let c = w.channel as usize;
        let g = self.agents[agent].group as usize;
        let multiplier = self.channels[c]
            .groups
            .iter()
            .find(|(gi, _)| *gi == g)
            .map_or(1.0, |(_, m)| *m);
        let handle = w.base_handle * multiplier;
        self.agents[agent].service = Some(Service {
            channel: w.channel,
            start: now,
        });
        self.busy_agents += 1;
        self.events.schedule(
            now + handle,
            Event::ServiceEnd {
                agent: agent as u32,
            },
        );
        if let Some(i) = w.interval {
            let wait = now - w.arrival;
            let within = wait <= self.channels[c].target_s;
            self.count(c, i, |t| {
                t.answered += 1;
                t.answered_within += u64::from(within);
                t.wait_answered_s += wait;
                t.handle_s += handle;
            });
            self.tally.channels[c].waits.record(wait);
        }
    }

    fn on_service_end(&mut self, agent: usize, now: SimTime) {
        let service = self.agents[agent]
            .service
            .take()
            .expect("a service end belongs to a busy agent");
        self.busy_agents -= 1;
        let g = self.agents[agent].group as usize;
        self.account_busy(agent, service, now);

        if self.groups[g].leaving > 0 {
            self.groups[g].leaving -= 1;
            self.account_on_duty(g, now);
            self.groups[g].on_duty -= 1;
            self.groups[g].off_duty.push(agent as u32);
            return;
        }
        self.seek_work(agent, g, now);
    }

    /// Adds an agent's busy time from the start of `service` to `until`, inside the window, to its channel
    /// and group, spread over the intervals it fell in.
    fn account_busy(&mut self, agent: usize, service: Service, until: SimTime) {
        let g = self.agents[agent].group as usize;
        let (ch, gt) = (
            &mut self.tally.channels[service.channel as usize],
            &mut self.tally.groups[g],
        );
        let busy = self.bins.spread(service.start, until, |i, dt| {
            ch.intervals[i].busy_s += dt;
            gt.busy_intervals[i] += dt;
        });
        ch.total.busy_s += busy;
        gt.busy_s += busy;
    }

    /// A free agent takes the longest-waiting contact it is skilled for, or goes idle.
    fn seek_work(&mut self, agent: usize, g: usize, now: SimTime) {
        let next = {
            let room = &mut self.room;
            oldest_waiting(
                self.groups[g]
                    .skills
                    .iter()
                    .map(|&(c, _)| (c, room.head_arrival(c))),
            )
        };
        match next {
            Some(c) => {
                let w = self
                    .room
                    .pop(c)
                    .expect("the chosen channel has a waiting contact");
                self.start_service(agent, w, now);
            }
            None => self.groups[g].idle.push(agent as u32, now),
        }
    }

    fn on_abandon(&mut self, ticket: Ticket, now: SimTime) {
        // A ticket that no longer matches belongs to a contact already answered: nothing to do.
        if let Some(w) = self.room.cancel(ticket)
            && let Some(i) = w.interval
        {
            let waited = now - w.arrival;
            self.count(w.channel as usize, i, |t| {
                t.abandoned += 1;
                t.wait_abandoned_s += waited;
            });
        }
    }

    /// Adds on-duty agent time since the last change to the staffed-time integral.
    fn account_on_duty(&mut self, g: usize, now: SimTime) {
        let gs = &mut self.groups[g];
        let gt = &mut self.tally.groups[g];
        if gs.on_duty > 0 {
            let n = f64::from(gs.on_duty);
            let span = self.bins.spread(gs.on_duty_since, now, |i, dt| {
                gt.staffed_intervals[i] += n * dt
            });
            gt.staffed_s += n * span;
        }
        gs.on_duty_since = now;
    }

    /// Moves a group to `target` scheduled agents (see the module notes for who leaves and who stays).
    fn set_head_count(&mut self, g: usize, target: u32, now: SimTime) {
        let committed = self.groups[g].on_duty - self.groups[g].leaving;
        if target == committed {
            return;
        }
        self.account_on_duty(g, now);
        if target > committed {
            let mut need = target - committed;
            let cancel = need.min(self.groups[g].leaving);
            self.groups[g].leaving -= cancel;
            need -= cancel;
            for _ in 0..need {
                let agent = self.groups[g]
                    .off_duty
                    .pop()
                    .expect("agent slots cover the largest head-count")
                    as usize;
                self.groups[g].on_duty += 1;
                self.seek_work(agent, g, now);
            }
        } else {
            let mut excess = committed - target;
            while excess > 0
                && self.groups[g].idle.take_newest().is_some_and(|a| {
                    self.groups[g].off_duty.push(a);
                    true
                })
            {
                self.groups[g].on_duty -= 1;
                excess -= 1;
            }
            self.groups[g].leaving += excess;
        }
    }
}
