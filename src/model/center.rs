//! One replication of a contact center: arrivals, queues, agents and staffing changes, driven by the
//! generic event queue, counting into a [`ReplicationTally`].
//!
//! Rules a reader needs to trust the numbers:
//! - Time 0 is the start of the warm-up; the measured window is [warmup, warmup + horizon]. Contacts
//!   arriving in the warm-up are served but not counted; contacts arriving in the window are followed until
//!   they are answered, abandon or are blocked, even after the window ends (agent time is counted only
//!   inside the window).
//! - A contact's base handle time, patience and class are drawn at arrival from per-channel streams, whether
//!   or not they are used, so two scenarios with the same channel see the same contacts.
//! - Routing (docs/scenario.md): an arriving contact goes to an idle agent of a primary group (longest idle,
//!   or most proficient first); a chat may also go to an agent holding fewer chats than allowed (the least
//!   loaded). A free agent takes the waiting work of its highest-priority channel, the highest class within
//!   it, oldest first; overflow groups only take contacts that have waited the channel's overflow time.
//! - When a group's head-count drops, idle agents leave at once (the most recently idle first) and busy
//!   agents finish what they hold, taking no new work, then leave. When it rises, pending departures are
//!   cancelled first.

use crate::dist::uniform01;
use crate::engine::{EventQueue, SimTime};
use crate::experience::Journey;
use crate::model::arrivals::ArrivalProcess;
use crate::model::compile::{ChannelModel, Compiled, Eligible};
use crate::model::queue::{CallbackState, Ticket, Waiting, WaitingRoom};
use crate::model::workforce::{Absence, shift_keys};
use crate::routing::{IdleAgents, longest_idle_group};
use crate::scenario::{AgentSelection, ChannelKind, DayType, Scenario, Staffing};
use crate::seed::{Purpose, StreamRng, stream};
use crate::stats::{ChannelTally, GroupTally, IntervalTally, ReplicationTally, TimeBins};
use std::collections::VecDeque;

#[derive(Debug, Clone, Copy)]
enum Event {
    Arrival {
        channel: u32,
    },
    /// Service `service` of `agent` ends (an agent may hold several chats).
    ServiceEnd {
        agent: u32,
        service: u32,
    },
    Abandon {
        ticket: Ticket,
    },
    /// A waiting contact reaches its channel's overflow time: secondary groups may now take it.
    Overflow {
        ticket: Ticket,
    },
    /// The start of reporting interval `index` (negative in the warm-up): backlogs are recorded, head-counts
    /// may change, deferred channels may open.
    Boundary {
        index: i64,
    },
    /// A shift or break starts or ends in `group`.
    Shift {
        group: u32,
    },
    /// A session of training programme `programme` starts (its participants leave the floor) or ends.
    /// `settled`: the event has been put back once at the same instant, so that head-count changes already
    /// due then (a plan's boundary, a shift's end) come first.
    Session {
        programme: u32,
        start: bool,
        settled: bool,
    },
    /// A contact leaves self-service channel `from` without resolution and arrives at its assisted channel.
    FallThrough {
        from: u32,
        case: u32,
    },
    /// A customer whose case is still open contacts channel `channel` again.
    Repeat {
        case: u32,
        channel: u32,
    },
    /// A disappointed customer's complaint arrives on the complaints channel (a new case there).
    Complaint {
        channel: u32,
    },
    /// An agent of `channel`'s groups is due to follow up a resolved case (outbound work).
    FollowUp {
        channel: u32,
    },
}

/// A customer's case: opened by a first contact, closed when resolved, given up or abandoned for good.
#[derive(Debug, Clone, Copy)]
struct Case {
    start: f64,
    /// Channel of the first contact (case KPIs are reported by it).
    first_channel: u32,
    /// Interval of the first contact in the measured window; `None`: a warm-up case, not counted.
    interval: Option<u32>,
    contacts: u16,
    /// What the case went through, for its service level.
    journey: Journey,
    /// A complaint's own case: it does not complain again.
    is_complaint: bool,
    /// The agent who last handled it (personalised handling sends it back there).
    last_agent: Option<u32>,
}

/// How a case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseEnd {
    Resolved,
    GaveUp,
    /// Abandoned, blocked or unreached without trying again.
    LeftUnserved,
}

/// A contact's draws at arrival.
struct Draws {
    base_handle: f64,
    patience: Option<f64>,
    class: usize,
    callback: Option<(bool, bool, f64)>,
    informed: Option<(bool, f64)>,
}

/// Where a contact's draws come from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// The first-contact streams of a channel (the contact's own, or its self-service stage's).
    First(usize),
    /// The repeat-contact streams of the channel it arrives at.
    Repeat,
}

/// The per-contact streams of a channel: one set for first contacts, one for repeat contacts.
struct ContactStreams {
    handle: StreamRng,
    patience: StreamRng,
    class: StreamRng,
    callback: StreamRng,
    announce: StreamRng,
}

impl ContactStreams {
    fn new(seed: u64, replication: u64, key: u64) -> Self {
        ContactStreams {
            handle: stream(seed, replication, key, Purpose::HandleTime),
            patience: stream(seed, replication, key, Purpose::Patience),
            class: stream(seed, replication, key, Purpose::Class),
            callback: stream(seed, replication, key, Purpose::Callback),
            announce: stream(seed, replication, key, Purpose::Announce),
        }
    }
}

/// Mixed into a channel's key for its repeat-contact streams.
const REPEAT_KEY: u64 = 0x7e9e_a7c0_47ac_7500;

/// The case of outbound work that belongs to no open case (proactive follow-ups).
const NO_CASE: u32 = crate::model::queue::OUTBOUND;

/// A contact in an agent's hands.
#[derive(Debug, Clone, Copy)]
struct Service {
    id: u32,
    channel: u32,
    start: f64,
    /// When it will end (its `ServiceEnd` event).
    end: f64,
    case: u32,
    /// The agent's proficiency on the channel (resolution and accuracy depend on it).
    proficiency: f64,
    /// False for a callback attempt that reaches nobody.
    reached: bool,
}

struct Agent {
    group: u32,
    /// Contacts in hand: at most one, except chats.
    services: Vec<Service>,
    next_service_id: u32,
    /// Since when the agent has held at least one contact, and the channel of the first one (engaged time is
    /// attributed to it).
    engaged_since: f64,
    engaged_channel: u32,
    /// How many chats the agent may hold now (the smallest `max` of the channels of the chats in hand).
    chat_cap: u32,
    /// Finishes what it holds, takes no new work, then goes off duty (its head-count dropped).
    leaving: bool,
    /// Contacts the agent has started (its practice, for groups that learn by experience).
    handled: u32,
    /// The training programmes the agent's seat takes part in.
    programmes: Vec<u16>,
}

struct GroupState {
    idle: IdleAgents,
    /// Agents holding chats and able to take more.
    partial: Vec<u32>,
    off_duty: Vec<u32>,
    /// Agents present: idle, busy, or finishing what they hold before leaving.
    on_duty: u32,
    /// Busy agents marked to leave when they are free.
    leaving: u32,
    /// The group's agent slots: `first_agent..first_agent + slots`.
    first_agent: u32,
    slots: u32,
    /// Since when `on_duty` has had its current value (for the staffed-time integral).
    on_duty_since: f64,
    /// Head-count the plan or shifts ask for, participants in a training session now, and how many of the
    /// planned agents that takes off the floor (min of the two) since `class_since`.
    planned: u32,
    in_class: u32,
    class_off: u32,
    class_since: f64,
    schedule: Schedule,
}

/// Where a group's head-count comes from.
enum Schedule {
    /// `size` per interval. With shrinkage, each agent seat is absent for a whole day with that probability
    /// (a keyed draw per (day, seat): model::workforce).
    Size {
        absence: Absence,
        day: i64,
        present: Vec<bool>,
    },
    /// Shifts: head-count changes at exact times, generated a day at a time (`pending` holds every change
    /// before the start of `next_day`, sorted). `armed`: a shift event is scheduled.
    Shifts {
        pending: VecDeque<(f64, i64)>,
        next_day: i64,
        scheduled: i64,
        absence: Absence,
        armed: bool,
    },
}

const DAY_S: f64 = 86_400.0;

/// A channel's random streams in one replication (what it is lives in the compiled model).
struct ChannelState {
    arrivals: ArrivalProcess,
    first_streams: ContactStreams,
    repeat_streams: ContactStreams,
    /// Resolution, accuracy, give-up, repeat delay and channel, retry: the customer's journey.
    journey_rng: StreamRng,
    self_service_rng: StreamRng,
}

struct Center<'a> {
    /// What the run reads and never changes.
    m: &'a Compiled,
    /// The cold parts of the scenario (calendar, training, experience rules): `&m.scenario`.
    scenario: &'a Scenario,
    staffing: &'a Staffing,
    bins: TimeBins,
    events: EventQueue<Event>,
    channels: Vec<ChannelState>,
    groups: Vec<GroupState>,
    agents: Vec<Agent>,
    room: WaitingRoom,
    tally: ReplicationTally,
    busy_agents: u32,
    /// The reporting interval the clock is in (updated at each boundary event: exact, unlike a division).
    current_index: i64,
    /// When the run stops at the latest (a week or a horizon after the window).
    stop: f64,
    cases: Vec<Case>,
    free_cases: Vec<u32>,
    boundary_armed: bool,
    /// Per training programme: its participants, and how many of them are in a session now.
    participants: Vec<u32>,
    class_in: Vec<u32>,
    /// Per group scheduled by shifts: each shift's key for its absence draws.
    shift_keys: Vec<Vec<u64>>,
}

/// Runs replication `replication` of `scenario` with its own seed and staffing, and returns what it
/// measured. Compiles the scenario first: to run many replications or staffing plans, compile once
/// ([`Compiled::new`]) and call [`simulate_compiled`].
pub fn simulate(scenario: &Scenario, replication: u64) -> ReplicationTally {
    let model = Compiled::new(scenario);
    simulate_compiled(&model, model.staffing(), scenario.seed, replication)
}

/// Runs replication `replication` of a compiled model under `staffing`, every stream seeded from
/// (`seed`, `replication`, the stream's key): the same inputs give the same tally on any machine and thread.
pub fn simulate_compiled(
    model: &Compiled,
    staffing: &Staffing,
    seed: u64,
    replication: u64,
) -> ReplicationTally {
    if crate::model::single::qualifies(model, staffing) {
        return crate::model::single::simulate(model, staffing, seed, replication);
    }
    simulate_general(model, staffing, seed, replication)
}

/// [`simulate_compiled`] always on the general engine, never the single-queue kernel (model::single):
/// the reference the kernel is tested against.
pub fn simulate_general(
    model: &Compiled,
    staffing: &Staffing,
    seed: u64,
    replication: u64,
) -> ReplicationTally {
    let mut center = Center::new(model, staffing, seed, replication);
    center.run();
    center.tally
}

impl<'a> Center<'a> {
    fn new(m: &'a Compiled, staffing: &'a Staffing, seed: u64, replication: u64) -> Self {
        let s = &m.scenario;
        let bins = m.bins;
        let end = bins.end();
        let channels = m
            .channels
            .iter()
            .map(|c| {
                let key = c.key;
                let process = ArrivalProcess::new(
                    &c.arrivals_per_hour,
                    s.warmup_s,
                    s.interval_s,
                    end,
                    stream(seed, replication, key, Purpose::Arrivals),
                );
                ChannelState {
                    arrivals: if c.forecast_cv > 0.0 {
                        process.with_forecast(
                            c.forecast_cv,
                            stream(seed, replication, key, Purpose::Forecast),
                        )
                    } else {
                        process
                    },
                    first_streams: ContactStreams::new(seed, replication, key),
                    repeat_streams: ContactStreams::new(seed, replication, key ^ REPEAT_KEY),
                    journey_rng: stream(seed, replication, key, Purpose::Journey),
                    self_service_rng: stream(seed, replication, key, Purpose::SelfService),
                }
            })
            .collect::<Vec<_>>();
        let mut agents = Vec::new();
        let groups: Vec<GroupState> = m
            .groups
            .iter()
            .zip(staffing.groups())
            .enumerate()
            .map(|(gi, (g, st))| {
                let slots = st.max_agents();
                let absence = Absence::new(seed, replication, g.key, g.shrinkage);
                let schedule = if st.shifts.is_empty() {
                    Schedule::Size {
                        absence,
                        day: i64::MIN,
                        present: Vec::new(),
                    }
                } else {
                    Schedule::Shifts {
                        pending: VecDeque::new(),
                        next_day: 0,
                        scheduled: 0,
                        absence,
                        armed: false,
                    }
                };
                let first = agents.len() as u32;
                agents.extend((0..slots).map(|_| Agent {
                    group: gi as u32,
                    services: Vec::with_capacity(1),
                    next_service_id: 0,
                    engaged_since: 0.0,
                    engaged_channel: 0,
                    chat_cap: 1,
                    leaving: false,
                    handled: 0,
                    programmes: Vec::new(),
                }));
                GroupState {
                    idle: IdleAgents::default(),
                    partial: Vec::new(),
                    // Reversed so agents come on duty in index order (agent 0 first).
                    off_duty: (first..first + slots).rev().collect(),
                    on_duty: 0,
                    leaving: 0,
                    first_agent: first,
                    slots,
                    on_duty_since: 0.0,
                    planned: 0,
                    in_class: 0,
                    class_off: 0,
                    class_since: 0.0,
                    schedule,
                }
            })
            .collect();
        // Training participants: the first seats of the group (no draw, so common random numbers hold).
        let mut participants = Vec::with_capacity(s.training.len());
        for (p, t) in s.training.iter().enumerate() {
            let gs = &groups[t.group];
            let n = match t.share {
                Some(share) => ((share * f64::from(gs.slots)).round() as u32).max(1),
                None => t.participants,
            }
            .min(gs.slots);
            for k in 0..n {
                agents[(gs.first_agent + k) as usize]
                    .programmes
                    .push(p as u16);
            }
            participants.push(n);
        }
        let n = bins.count;
        let tally = ReplicationTally {
            channels: s
                .channels
                .iter()
                .map(|c| ChannelTally::new(n, c.classes.len()))
                .collect(),
            groups: s.groups.iter().map(|_| GroupTally::new(n)).collect(),
            training_s: vec![0.0; s.training.len()],
            contacts_simulated: 0,
            events: 0,
        };
        Center {
            shift_keys: staffing
                .groups()
                .iter()
                .map(|g| shift_keys(&g.shifts))
                .collect(),
            class_in: vec![0; s.training.len()],
            participants,
            m,
            scenario: s,
            staffing,
            bins,
            // A lane per channel for its next arrival (engine::EventQueue): arrivals skip the heap.
            events: EventQueue::with_lanes(m.channels.len()),
            channels,
            groups,
            agents,
            room: WaitingRoom::new(m.queues, s.channels.len()),
            tally,
            busy_agents: 0,
            current_index: 0,
            stop: f64::INFINITY,
            boundary_armed: false,
            cases: Vec::new(),
            free_cases: Vec::new(),
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
        // Head-counts at time 0, then a boundary event at each interval start (size plans) and shift events.
        let first = self.interval_index(0.0);
        for g in 0..self.groups.len() {
            match self.groups[g].schedule {
                Schedule::Size { .. } => self.apply_size_plan(g, first, 0.0),
                Schedule::Shifts { .. } => self.start_shifts(g),
            }
        }
        self.current_index = first;
        // Training sessions (a session of zero length takes nobody off the floor, so it is left out).
        for (p, t) in s.training.iter().enumerate() {
            for &(a, b) in &t.sessions {
                if b > a {
                    let programme = p as u32;
                    let (a, b) = (self.bins.start + a, self.bins.start + b);
                    self.events.schedule(
                        a,
                        Event::Session {
                            programme,
                            start: true,
                            settled: false,
                        },
                    );
                    self.events.schedule(
                        b,
                        Event::Session {
                            programme,
                            start: false,
                            settled: false,
                        },
                    );
                }
            }
        }
        self.events.schedule(
            self.interval_start(first + 1),
            Event::Boundary { index: first + 1 },
        );
        self.boundary_armed = true;
        for c in 0..self.channels.len() {
            if let Some(t) = self.channels[c].arrivals.next_after(0.0) {
                self.events
                    .schedule_in_lane(c, t, Event::Arrival { channel: c as u32 });
            }
        }
        // Contacts are followed past the window until they finish; a cap stops a run whose queue can never
        // drain (no agent is ever scheduled again and nobody abandons): those contacts count as unfinished.
        let end = self.bins.end();
        let stop = self.m.stop;
        self.stop = stop;
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
                Event::ServiceEnd { agent, service } => {
                    self.on_service_end(agent as usize, service, t)
                }
                Event::Abandon { ticket } => self.on_abandon(ticket, t),
                Event::Overflow { ticket } => self.on_overflow(ticket, t),
                Event::Shift { group } => self.on_shift(group as usize, t, end, stop),
                Event::Session {
                    programme,
                    start,
                    settled: false,
                } => {
                    // Sessions are scheduled up front, ahead of the boundaries and shift changes at the same
                    // instant; going to the back of that instant lets those apply first (an agent back from
                    // class at 18:00 must not take a call if the plan sends everyone home at 18:00).
                    self.events.schedule(
                        t,
                        Event::Session {
                            programme,
                            start,
                            settled: true,
                        },
                    );
                }
                Event::Session {
                    programme, start, ..
                } => self.on_session(programme as usize, start, t),
                Event::Repeat { case, channel } => {
                    self.admit(channel as usize, Source::Repeat, Some(case), t)
                }
                Event::Complaint { channel } => {
                    let case = self.open_case(channel as usize, t);
                    self.cases[case as usize].is_complaint = true;
                    self.admit(channel as usize, Source::Repeat, Some(case), t)
                }
                Event::FollowUp { channel } => self.follow_up(channel as usize, t),
                Event::FallThrough { from, case } => {
                    let to = self.m.channels[from as usize]
                        .self_service
                        .as_ref()
                        .expect("only self-service channels fall through")
                        .falls_to;
                    // The self-service stage is a step before the contact, not a contact of its own: a
                    // fall-through reaching an agent is the case's first contact.
                    self.cases[case as usize].contacts -= 1;
                    self.admit(to, Source::First(from as usize), Some(case), t);
                }
                Event::Boundary { index } => {
                    self.on_boundary(index, t);
                    // From the index, not by adding widths: no drift off the interval edges.
                    let next = self.interval_start(index + 1);
                    self.boundary_armed = next <= end || self.work_left();
                    if self.boundary_armed {
                        self.events
                            .schedule(next, Event::Boundary { index: index + 1 });
                    }
                }
            }
        }
        // Close the time integrals. Staffed time: nothing changes head-counts between the last event and the
        // end of the window. Busy time: agents still busy when the cap stopped the run were busy until then.
        let close = now.max(end);
        for g in 0..self.groups.len() {
            self.account_on_duty(g, close);
            self.account_class(g, close);
        }
        for agent in 0..self.agents.len() {
            if self.agents[agent].services.is_empty() {
                continue;
            }
            for service in std::mem::take(&mut self.agents[agent].services) {
                self.account_work(service, close);
            }
            self.account_engaged(agent, close);
        }
        for w in self.room.drain() {
            if let Some(i) = w.interval {
                self.count(w.channel as usize, i, w.class, |t| t.unfinished += 1);
            }
        }
        // Cases still open when the run stopped (a repeat due after the cap, or a contact left waiting).
        let mut free = vec![false; self.cases.len()];
        for &k in &self.free_cases {
            free[k as usize] = true;
        }
        for (k, case) in self.cases.iter().enumerate() {
            if !free[k] && case.interval.is_some() {
                let t = &mut self.tally.channels[case.first_channel as usize].cases;
                t.cases += 1;
                t.contacts += u64::from(case.contacts);
                t.open += 1;
            }
        }
    }

    /// The start of interval `index`: record the backlog at the end of the previous interval, apply the
    /// head-counts of this one, and let idle agents start on deferred channels that open now.
    fn on_boundary(&mut self, index: i64, now: SimTime) {
        self.current_index = index;
        if (1..=self.bins.count as i64).contains(&index) {
            for c in 0..self.channels.len() {
                self.tally.channels[c].backlog[(index - 1) as usize] = self.room.waiting(c);
            }
        }
        for g in 0..self.groups.len() {
            if let Schedule::Size { .. } = self.groups[g].schedule {
                self.apply_size_plan(g, index, now);
            }
        }
        for c in 0..self.channels.len() {
            let ch = &self.m.channels[c];
            if ch.deferred && ch.open.at(index) && !ch.open.at(index - 1) && self.has_work(c) {
                // Primary groups first, then overflow groups for contacts that have waited long enough;
                // stop as soon as an agent finds nothing to start.
                for overflow in [false, true] {
                    while self.has_work(c) {
                        let Some(agent) = self.available_agent(c, overflow, now) else {
                            break;
                        };
                        let before = self.agents[agent].services.len();
                        self.seek_work(agent, now);
                        let started = self.agents[agent].services.len() > before;
                        self.update_availability(agent, now);
                        if !started {
                            break;
                        }
                    }
                }
            }
        }
    }

    /// Whether channel `c` has anything waiting: customers, or outbound follow-ups queued while it was closed.
    fn has_work(&self, c: usize) -> bool {
        self.room.waiting(c) > 0
            || self.m.channels[c]
                .follow_up_queue
                .is_some_and(|q| self.room.queued(q) > 0)
    }

    /// Applies a size plan's head-count for interval `index`, less the agents absent that day, and counts
    /// their time as shrinkage.
    fn apply_size_plan(&mut self, g: usize, index: i64, now: SimTime) {
        let start = self.interval_start(index);
        let day = ((start - self.bins.start) / DAY_S).floor() as i64;
        // A cohort that joins later is not scheduled before its day (its absence draws go on regardless,
        // so the days after it see the same draws as without `joins_on_day`).
        let joins = self.m.groups[g].joins_day;
        let planned = if joins > 0 && day < joins {
            0
        } else {
            self.staffing.group(g).size.at(index)
        };
        let slots = self.groups[g].slots;
        let present = match &mut self.groups[g].schedule {
            Schedule::Size { absence, .. } if !absence.any() => planned,
            Schedule::Size {
                absence,
                day: drawn,
                present,
            } => {
                if *drawn != day {
                    *drawn = day;
                    present.clear();
                    present.extend((0..slots).map(|seat| absence.seat_present(day, seat)));
                }
                present
                    .iter()
                    .take(planned as usize)
                    .filter(|&&p| p)
                    .count() as u32
            }
            Schedule::Shifts { .. } => unreachable!("size plans only"),
        };
        if present < planned {
            let absent = f64::from(planned - present);
            let gt = &mut self.tally.groups[g];
            let span = self.bins.spread(start, start + self.bins.width, |i, dt| {
                gt.shrinkage_intervals[i] += absent * dt
            });
            gt.shrinkage_s += absent * span;
        }
        self.set_head_count(g, present, now);
    }

    /// Head-count at time 0 from the shifts under way, and the first shift event.
    fn start_shifts(&mut self, g: usize) {
        // Start the day before the first simulated day: a night shift may still be running at time 0.
        let first_day = (-self.bins.start / DAY_S).floor() as i64 - 1;
        if let Schedule::Shifts { next_day, .. } = &mut self.groups[g].schedule {
            *next_day = first_day;
        }
        let end = self.bins.end();
        let stop = self.m.stop;
        self.on_shift(g, 0.0, end, stop);
    }

    /// Generates shift changes until `pending` holds every change before the next ungenerated day.
    fn generate_shift_days(&mut self, g: usize, stop: f64) {
        loop {
            let Schedule::Shifts {
                pending, next_day, ..
            } = &self.groups[g].schedule
            else {
                return;
            };
            let day = *next_day;
            let day_start = self.bins.start + day as f64 * DAY_S;
            if pending.front().is_some_and(|&(t, _)| t < day_start) || day_start > stop {
                return;
            }
            self.generate_shift_day(g, day);
        }
    }

    /// Appends day `day`'s shift and break changes of group `g`, drawing absences, and counts scheduled break
    /// and absence time.
    fn generate_shift_day(&mut self, g: usize, day: i64) {
        let s = self.scenario;
        // Offsets are added before the origin, so equal times on successive days compare equal exactly.
        let at = |offset: f64| self.bins.start + (day as f64 * DAY_S + offset);
        // Outside the horizon the week repeats like every per-interval value (holidays included).
        let horizon_days = (s.horizon_s / DAY_S).round().max(1.0) as i64;
        let cycle_day = day.rem_euclid(horizon_days);
        let (weekday, holiday) = (
            usize::from(s.calendar.weekday(cycle_day)),
            s.calendar.day_type(cycle_day) == DayType::Holiday,
        );
        // Before a cohort joins, its shifts do not run.
        let joins = self.m.groups[g].joins_day;
        if joins > 0 && day < joins {
            if let Schedule::Shifts { next_day, .. } = &mut self.groups[g].schedule {
                *next_day = day + 1;
            }
            return;
        }
        let bins = self.bins;
        let gt = &mut self.tally.groups[g];
        let keys = &self.shift_keys[g];
        let Schedule::Shifts {
            pending,
            next_day,
            absence,
            ..
        } = &mut self.groups[g].schedule
        else {
            return;
        };
        *next_day = day + 1;
        let mut new: Vec<(f64, i64)> = Vec::new();
        for (shift, &key) in self
            .staffing
            .group(g)
            .shifts
            .iter()
            .zip(keys)
            .filter(|(sh, _)| sh.weekdays[weekday] && !holiday)
        {
            let present = if absence.any() {
                (0..shift.agents)
                    .filter(|&k| absence.shift_agent_present(day, key, k))
                    .count() as u32
            } else {
                shift.agents
            };
            let (start, end) = (at(shift.start_s), at(shift.start_s + shift.duration_s));
            new.push((start, i64::from(present)));
            new.push((end, -i64::from(present)));
            let absent = f64::from(shift.agents - present);
            if absent > 0.0 {
                let span =
                    bins.spread(start, end, |i, dt| gt.shrinkage_intervals[i] += absent * dt);
                gt.shrinkage_s += absent * span;
            }
            for b in &shift.breaks {
                // Staggered evenly over the window, first agent at its start, last at its end.
                for i in 0..present {
                    let frac = if present > 1 {
                        f64::from(i) / f64::from(present - 1)
                    } else {
                        0.0
                    };
                    let offset = b.earliest_s + (b.latest_s - b.earliest_s) * frac;
                    let t0 = at(offset);
                    new.push((t0, -1));
                    new.push((at(offset + b.duration_s), 1));
                    let span =
                        bins.spread(t0, t0 + b.duration_s, |i, dt| gt.break_intervals[i] += dt);
                    gt.break_s += span;
                }
            }
        }
        pending.extend(new);
        pending
            .make_contiguous()
            .sort_by(|a, b| a.0.total_cmp(&b.0));
    }

    /// Applies every shift change due by `now`, then schedules the group's next one.
    fn on_shift(&mut self, g: usize, now: SimTime, end: f64, stop: f64) {
        self.generate_shift_days(g, stop);
        let Schedule::Shifts {
            pending, scheduled, ..
        } = &mut self.groups[g].schedule
        else {
            return;
        };
        while let Some(&(t, delta)) = pending.front()
            && t <= now
        {
            *scheduled += delta;
            pending.pop_front();
        }
        let target = (*scheduled).max(0) as u32;
        self.set_head_count(g, target, now);
        self.generate_shift_days(g, stop);
        let Schedule::Shifts { pending, .. } = &self.groups[g].schedule else {
            return;
        };
        let next = pending.front().map(|&(t, _)| t);
        let armed = match next {
            // Inside the horizon the schedule always goes on (work may still arrive); after it, only while
            // work is left (`rearm` restarts it if a late contact arrives).
            Some(t) if now <= end || t <= end || self.work_left() => {
                self.events
                    .schedule(t.max(now), Event::Shift { group: g as u32 });
                true
            }
            _ => false,
        };
        if let Schedule::Shifts { armed: a, .. } = &mut self.groups[g].schedule {
            *a = armed;
        }
    }

    fn work_left(&self) -> bool {
        self.busy_agents > 0 || (0..self.channels.len()).any(|c| self.room.waiting(c) > 0)
    }

    /// After the horizon the boundary events stop once no work is left; a contact arriving later first brings
    /// the clock's interval, and the size plans' head-counts, up to date.
    fn catch_up(&mut self, now: SimTime) {
        if self.boundary_armed {
            return;
        }
        let index = self.interval_index(now);
        if index <= self.current_index {
            return;
        }
        self.current_index = index;
        for g in 0..self.groups.len() {
            if let Schedule::Size { .. } = self.groups[g].schedule {
                self.apply_size_plan(g, index, now);
            }
        }
    }

    /// After the horizon the boundary and shift events stop once no work is left. A contact that arrives
    /// later still (a self-service fall-through) restarts them, so head-counts keep following the plan.
    fn rearm(&mut self, now: SimTime) {
        if !self.boundary_armed {
            let next = self.current_index + 1;
            self.events.schedule(
                self.interval_start(next).max(now),
                Event::Boundary { index: next },
            );
            self.boundary_armed = true;
        }
        let end = self.bins.end();
        let stop = self.m.stop;
        for g in 0..self.groups.len() {
            if matches!(
                self.groups[g].schedule,
                Schedule::Shifts { armed: false, .. }
            ) {
                self.on_shift(g, now, end, stop);
            }
        }
    }

    #[inline]
    fn is_open(&self, c: usize) -> bool {
        self.m.channels[c].open.at(self.current_index)
    }

    fn on_arrival(&mut self, c: usize, now: SimTime) {
        self.tally.contacts_simulated += 1;
        let ch = &mut self.channels[c];
        if let Some(t) = ch.arrivals.next_after(now) {
            self.events
                .schedule_in_lane(c, t, Event::Arrival { channel: c as u32 });
        }
        if let Some(ss) = &self.m.channels[c].self_service {
            // A self-service stage: resolved there, or on to the assisted channel after the time spent.
            let contained = uniform01(&mut ch.self_service_rng) < ss.containment;
            let time = ss.time.sample(&mut ch.self_service_rng);
            if let Some(i) = self.bins.index(now).map(|i| i as u32) {
                self.count(c, i, 0, |t| {
                    t.offered += 1;
                    t.contained += u64::from(contained);
                    t.fell_through += u64::from(!contained);
                });
            }
            // Each arrival opens a case; a contained one is resolved there, at its first contact.
            let case = self.open_case(c, now);
            self.cases[case as usize].contacts += 1;
            if contained {
                self.finish_case(case, CaseEnd::Resolved, now + time);
            } else {
                self.events.schedule(
                    now + time,
                    Event::FallThrough {
                        from: c as u32,
                        case,
                    },
                );
            }
            return;
        }
        self.admit(c, Source::First(c), None, now);
    }

    /// With personalised handling, the agent who last handled `case` if that agent is idle and serves
    /// channel `c` as a primary group (taken out of the idle list).
    fn personal_agent(&mut self, c: usize, case: u32) -> Option<usize> {
        if !self.scenario.personalised {
            return None;
        }
        let agent = self.cases[case as usize].last_agent? as usize;
        let g = self.agents[agent].group as usize;
        if !self.m.channels[c]
            .eligible
            .iter()
            .any(|e| e.group == g && e.delay == 0.0)
        {
            return None;
        }
        self.groups[g].idle.take(agent as u32).then_some(agent)
    }

    /// Opens a case for a first contact arriving at channel `c`.
    fn open_case(&mut self, c: usize, now: SimTime) -> u32 {
        let case = Case {
            start: now,
            first_channel: c as u32,
            interval: self.bins.index(now).map(|i| i as u32),
            contacts: 0,
            journey: Journey::default(),
            last_agent: None,
            is_complaint: false,
        };
        match self.free_cases.pop() {
            Some(k) => {
                self.cases[k as usize] = case;
                k
            }
            None => {
                self.cases.push(case);
                (self.cases.len() - 1) as u32
            }
        }
    }

    /// Closes a case and counts it under the channel of its first contact.
    fn finish_case(&mut self, case: u32, end: CaseEnd, at: SimTime) {
        let k = self.cases[case as usize];
        self.free_cases.push(case);
        let Some(interval) = k.interval else { return };
        let mut journey = k.journey;
        journey.contacts = u32::from(k.contacts);
        let resolved_after = (end == CaseEnd::Resolved).then_some(at - k.start);
        let (level, factor) =
            self.scenario
                .experience
                .classify(&journey, resolved_after, end == CaseEnd::GaveUp);
        let ch = &mut self.tally.channels[k.first_channel as usize];
        ch.level_intervals[interval as usize][usize::from(level - 1)] += 1;
        ch.cases.levels[usize::from(level - 1)] += 1;
        // A disappointed customer may complain: written work on the complaints channel, with its own target.
        if level == 1
            && !k.is_complaint
            && at <= self.stop
            && let Some((share, channel)) = self.scenario.complaints
            && uniform01(&mut self.channels[k.first_channel as usize].journey_rng) < share
        {
            self.tally.channels[k.first_channel as usize]
                .cases
                .complaints += 1;
            self.events.schedule(
                at,
                Event::Complaint {
                    channel: channel as u32,
                },
            );
        }
        let t = &mut self.tally.channels[k.first_channel as usize].cases;
        if let Some(f) = factor {
            t.held_down[f.index()] += 1;
        }
        t.cases += 1;
        t.contacts += u64::from(k.contacts);
        match end {
            CaseEnd::Resolved => {
                t.resolved += 1;
                t.resolved_first += u64::from(k.contacts == 1);
                t.resolution_time_s += at - k.start;
            }
            CaseEnd::GaveUp => t.gave_up += 1,
            CaseEnd::LeftUnserved => t.left_unserved += 1,
        }
    }

    /// An agent finished a contact: the case is resolved, correctly or not, with probabilities that fall with
    /// the agent's proficiency; if not (or wrongly, which the customer finds out later) it comes back.
    fn contact_handled(&mut self, service: Service, now: SimTime) {
        let c = service.channel as usize;
        if service.case == NO_CASE {
            return; // a follow-up: nothing to resolve
        }
        if !service.reached {
            self.contact_failed(service.case, c, now);
            return;
        }
        let effects = self.scenario.proficiency_effects;
        let ch = &mut self.channels[c];
        let Some(base) = self.m.channels[c].resolution else {
            // Certain resolution: no draws, so scenarios without journeys keep their streams.
            self.maybe_follow_up(service.case, c, now);
            self.finish_case(service.case, CaseEnd::Resolved, now);
            return;
        };
        let (u_resolved, u_correct) = (
            uniform01(&mut ch.journey_rng),
            uniform01(&mut ch.journey_rng),
        );
        let resolved = u_resolved < effects.resolution(base.first_contact, service.proficiency);
        let correct = u_correct < effects.accuracy(base.accuracy, service.proficiency);
        if resolved && correct {
            self.maybe_follow_up(service.case, c, now);
            self.finish_case(service.case, CaseEnd::Resolved, now);
        } else {
            self.cases[service.case as usize].journey.wrong_resolution |= resolved;
            let k = self.cases[service.case as usize];
            if resolved && k.interval.is_some() {
                self.tally.channels[k.first_channel as usize]
                    .cases
                    .wrong_resolutions += 1;
            }
            self.come_back(service.case, c, now);
        }
    }

    /// Proactive service: after a resolution on channel `c`, an agent may follow up, unasked. The lift counts
    /// at once (the case ends now); the follow-up is outbound work done `delay` later.
    fn maybe_follow_up(&mut self, case: u32, c: usize, now: SimTime) {
        let ch = &mut self.channels[c];
        let Some(fu) = &self.m.channels[c].follow_up else {
            return;
        };
        if uniform01(&mut ch.journey_rng) < fu.share {
            let delay = fu.delay.sample(&mut ch.journey_rng);
            self.cases[case as usize].journey.proactive = true;
            self.events
                .schedule(now + delay, Event::FollowUp { channel: c as u32 });
        }
    }

    /// A follow-up becomes outbound work on channel `c`: not an inbound contact (not counted as offered,
    /// belongs to no open case), but agent time like any other.
    fn follow_up(&mut self, c: usize, now: SimTime) {
        let ch = &mut self.channels[c];
        let cm = &self.m.channels[c];
        let (Some(fu), Some(queue)) = (&cm.follow_up, cm.follow_up_queue) else {
            return;
        };
        let base_handle = fu.handle_time.sample(&mut ch.journey_rng);
        let work = Waiting {
            arrival: now,
            base_handle,
            interval: None,
            channel: c as u32,
            class: 0,
            queue: queue as u32,
            generation: 0,
            callback: CallbackState::None,
            callback_handle: 0.0,
            case: NO_CASE,
            informed: false,
        };
        self.catch_up(now);
        let servable = !self.m.channels[c].deferred || self.is_open(c);
        if servable && let Some(agent) = self.available_agent(c, false, now) {
            self.start_service(agent, work, now);
            self.update_availability(agent, now);
        } else {
            self.room.push(work);
            if now > self.bins.end() {
                self.rearm(now);
            }
        }
    }

    /// A case is not resolved after a contact on channel `c`: the customer gives up, or contacts again after
    /// the repeat delay, on the same channel or, by the switch shares, another.
    fn come_back(&mut self, case: u32, c: usize, now: SimTime) {
        let max_contacts = self.max_contacts(case);
        let contacts = u32::from(self.cases[case as usize].contacts);
        let ch = &mut self.channels[c];
        let Some(repeat) = &self.m.channels[c].repeat else {
            // Validation requires `repeat` wherever `resolution` is given; without it nobody comes back.
            self.finish_case(case, CaseEnd::GaveUp, now);
            return;
        };
        let (u_give_up, u_switch) = (
            uniform01(&mut ch.journey_rng),
            uniform01(&mut ch.journey_rng),
        );
        let delay = repeat.delay.sample(&mut ch.journey_rng);
        if u_give_up < repeat.give_up || contacts >= max_contacts {
            self.finish_case(case, CaseEnd::GaveUp, now);
            return;
        }
        let mut to = c;
        let mut acc = 0.0;
        for &(other, share) in &repeat.switch {
            acc += share;
            if u_switch < acc {
                to = other;
                break;
            }
        }
        self.events.schedule(
            now + delay,
            Event::Repeat {
                case,
                channel: to as u32,
            },
        );
    }

    /// The most contacts a case may take: its first channel's `repeat.max_contacts` (10 without `repeat`).
    fn max_contacts(&self, case: u32) -> u32 {
        let first = self.cases[case as usize].first_channel as usize;
        self.m.channels[first]
            .repeat
            .as_ref()
            .map_or(10, |r| r.max_contacts)
    }

    /// A contact ended without service (abandoned, blocked, or a callback that reached nobody): the customer
    /// tries again by the channel's `retry`, or the case ends unserved.
    fn contact_failed(&mut self, case: u32, c: usize, now: SimTime) {
        self.cases[case as usize].journey.failures += 1;
        let max_contacts = self.max_contacts(case);
        let ch = &mut self.channels[c];
        if let Some(retry) = &self.m.channels[c].retry {
            let u = uniform01(&mut ch.journey_rng);
            let delay = retry.delay.sample(&mut ch.journey_rng);
            if u < retry.share && u32::from(self.cases[case as usize].contacts) < max_contacts {
                self.events.schedule(
                    now + delay,
                    Event::Repeat {
                        case,
                        channel: c as u32,
                    },
                );
                return;
            }
        }
        self.finish_case(case, CaseEnd::LeftUnserved, now);
    }

    /// A contact's random draws, made when it arrives, always and in a fixed order (common random numbers).
    fn draw_contact(&mut self, to: usize, source: Source) -> Draws {
        let m = self.m;
        let (callback_config, announce) = (&m.channels[to].callback, m.channels[to].announce);
        let owner = match source {
            Source::First(from) => from,
            Source::Repeat => to,
        };
        // Disjoint borrows of the owner channel: its distributions (those of `to`: a self-service stage
        // carries its assisted channel's) and the streams the draws come from.
        let ChannelModel {
            handle_time,
            patience,
            class_cumulative,
            ..
        } = &m.channels[owner];
        let ChannelState {
            first_streams,
            repeat_streams,
            ..
        } = &mut self.channels[owner];
        let streams = match source {
            Source::First(_) => first_streams,
            Source::Repeat => repeat_streams,
        };
        let base_handle = handle_time.sample(&mut streams.handle);
        let patience = patience.as_ref().map(|p| p.sample(&mut streams.patience));
        let class = if class_cumulative.len() > 1 {
            let u = uniform01(&mut streams.class);
            class_cumulative
                .iter()
                .position(|&c| u < c)
                .unwrap_or(class_cumulative.len() - 1)
        } else {
            0
        };
        let callback = callback_config.as_ref().map(|cb| {
            let (accept, no_answer) = (
                uniform01(&mut streams.callback),
                uniform01(&mut streams.callback),
            );
            (
                accept < cb.accept,
                no_answer < cb.no_answer,
                cb.handle_time.sample(&mut streams.callback),
            )
        });
        let informed = announce.map(|a| {
            (
                uniform01(&mut streams.announce) < a.share,
                a.patience_factor,
            )
        });
        Draws {
            base_handle,
            patience,
            class,
            callback,
            informed,
        }
    }

    /// A contact arrives at channel `to`, as the first contact of a new case or a later contact of `case`.
    /// Its draws come from `source`: the first-contact streams of `to` (or of the self-service stage it fell
    /// through from), or `to`'s repeat-contact streams, so a scenario with more repeats leaves everyone
    /// else's draws unchanged.
    fn admit(&mut self, to: usize, source: Source, case: Option<u32>, now: SimTime) {
        self.catch_up(now);
        let Draws {
            base_handle,
            patience,
            class,
            callback,
            informed,
        } = self.draw_contact(to, source);
        let case = match case {
            Some(k) => k,
            None => self.open_case(to, now),
        };
        self.cases[case as usize].contacts += 1;
        let queue = self.m.channels[to].class_queues[class] as u32;
        let interval = self.bins.index(now).map(|i| i as u32);
        if let Some(i) = interval {
            self.count(to, i, class as u16, |t| t.offered += 1);
        }
        let mut contact = Waiting {
            arrival: now,
            base_handle,
            interval,
            channel: to as u32,
            class: class as u16,
            queue,
            generation: 0,
            callback: CallbackState::None,
            callback_handle: 0.0,
            case,
            informed: false,
        };
        let open = self.is_open(to);
        if !open && !self.m.channels[to].deferred {
            // Only a self-service fall-through reaches a closed synchronous channel (its own arrivals stop at
            // closing time): the caller is told the line is closed, counted as blocked.
            if let Some(i) = interval {
                self.count(to, i, class as u16, |t| t.blocked += 1);
            }
            self.contact_failed(case, to, now);
            return;
        }
        let servable = !self.m.channels[to].deferred || open;
        if servable
            && let Some(agent) = self
                .personal_agent(to, case)
                .or_else(|| self.available_agent(to, false, now))
        {
            self.start_service(agent, contact, now);
            self.update_availability(agent, now);
            return;
        }
        let (capacity, overflow_after) = (
            self.m.channels[to].capacity,
            self.m.channels[to].overflow_after,
        );
        if capacity.is_some_and(|cap| self.room.waiting(to) >= cap) {
            if let Some(i) = interval {
                self.count(to, i, class as u16, |t| t.blocked += 1);
            }
            self.contact_failed(case, to, now);
            return;
        }
        // The caller must wait: offered a callback if the expected wait is too long, told the expected wait
        // where the channel announces it.
        let mut accepted = false;
        if let (Some((accept, no_answer, handle)), Some(cb)) =
            (callback, &self.m.channels[to].callback)
            && self.expected_wait(to) > cb.offer_after_s
        {
            accepted = accept;
            if accepted {
                contact.callback = if no_answer {
                    CallbackState::NoAnswer
                } else {
                    CallbackState::Reached
                };
                contact.callback_handle = handle;
            }
            if let Some(i) = interval {
                self.count(to, i, class as u16, |t| {
                    t.callbacks_offered += 1;
                    t.callbacks_accepted += u64::from(accepted);
                });
            }
        }
        let (told, factor) = match informed {
            Some((true, factor)) => (true, factor),
            _ => (false, 1.0),
        };
        if let Some(i) = interval {
            self.count(to, i, class as u16, |t| {
                t.waited += 1;
                t.informed += u64::from(told);
            });
        }
        contact.informed = told;
        let ticket = self.room.push(contact);
        if now > self.bins.end() {
            self.rearm(now);
        }
        // A caller waiting for a callback is off the line: no abandonment.
        if let Some(p) = patience
            && !accepted
        {
            self.events
                .schedule(now + p * factor, Event::Abandon { ticket });
        }
        if let Some(after) = overflow_after {
            self.events
                .schedule(now + after, Event::Overflow { ticket });
        }
    }

    /// The expected wait of a caller joining channel `c`'s queue now: the contacts ahead of it, plus itself,
    /// times the mean handle time, shared over the agents on duty in the channel's primary groups (the
    /// announcement systems' usual estimate).
    fn expected_wait(&self, c: usize) -> f64 {
        let ch = &self.m.channels[c];
        let agents: u32 = ch
            .eligible
            .iter()
            .filter(|e| e.delay == 0.0)
            .map(|e| self.groups[e.group].on_duty)
            .sum();
        if agents == 0 {
            return f64::INFINITY;
        }
        f64::from(self.room.waiting(c) + 1) * ch.handle_time.mean() / f64::from(agents)
    }

    /// An agent who can take a contact of channel `c` right now: first an idle agent (by the selection
    /// policy), then, for chats, the least-loaded agent holding chats below their cap. Only primary groups,
    /// or only the overflow groups when `overflow` is set.
    fn available_agent(&mut self, c: usize, overflow: bool, now: SimTime) -> Option<usize> {
        let ch = &self.m.channels[c];
        let primary = |e: &Eligible| (e.delay > 0.0) == overflow;
        if let [e] = ch.eligible[..]
            && primary(&e)
            && !self.groups[e.group].idle.is_empty()
        {
            // The common single-group case, without the search.
            return self.groups[e.group].idle.take_longest().map(|a| a as usize);
        }
        let candidates = ch.eligible.iter().filter(|e| primary(e)).map(|e| {
            (
                e.group,
                self.groups[e.group].idle.longest().map(|(_, since)| since),
            )
        });
        let group = match self.scenario.agent_selection {
            AgentSelection::LongestIdle => longest_idle_group(candidates),
            AgentSelection::MostProficient => {
                // Lowest handle-time multiplier = highest proficiency; among equals, the longest idle. A group
                // is ranked by what the agent it would send (its longest idle) has learned and been trained.
                let mut best: Option<(f64, f64, usize)> = None;
                for e in ch.eligible.iter().filter(|e| primary(e)) {
                    if let Some((agent, since)) = self.groups[e.group].idle.longest() {
                        let (m, _) = self.skill(agent as usize, e, c, now);
                        if best.is_none_or(|(bm, s, _)| m < bm || (m == bm && since < s)) {
                            best = Some((m, since, e.group));
                        }
                    }
                }
                best.map(|(_, _, g)| g)
            }
        };
        if let Some(g) = group {
            return self.groups[g].idle.take_longest().map(|a| a as usize);
        }
        if ch.kind != ChannelKind::Chat {
            return None;
        }
        // Chats: the least-loaded agent with room (agents about to leave are not on the list).
        let mut best: Option<(usize, usize)> = None;
        for e in ch.eligible.iter().filter(|e| primary(e)) {
            for &a in &self.groups[e.group].partial {
                let agent = &self.agents[a as usize];
                let load = agent.services.len();
                if (load as u32) < agent.chat_cap.min(ch.chat_max)
                    && best.is_none_or(|(l, _)| load < l)
                {
                    best = Some((load, a as usize));
                }
            }
        }
        best.map(|(_, a)| a)
    }

    #[inline]
    fn count(&mut self, c: usize, interval: u32, class: u16, f: impl Fn(&mut IntervalTally)) {
        let ch = &mut self.tally.channels[c];
        f(&mut ch.total);
        f(&mut ch.intervals[interval as usize]);
        // Per-class totals only exist for channels with several classes.
        if let Some(k) = ch.classes.get_mut(class as usize) {
            f(k);
        }
    }

    /// Puts contact `w` in `agent`'s hands (the caller has taken the agent out of the idle or partial lists
    /// and calls `update_availability` afterwards).
    fn start_service(&mut self, agent: usize, w: Waiting, now: SimTime) {
        let c = w.channel as usize;
        let g = self.agents[agent].group as usize;
        let ch = &self.m.channels[c];
        let e = ch
            .eligible
            .iter()
            .find(|e| e.group == g)
            .copied()
            .expect("agents only take work they are skilled for");
        let held = self.agents[agent].services.len();
        // Each chat already in hand stretches the new one (docs/scenario.md, concurrency.stretch).
        let stretch = if ch.kind == ChannelKind::Chat {
            1.0 + ch.chat_stretch * held as f64
        } else {
            1.0
        };
        // Agents that neither learn nor train keep their group's skill: no lookups for them.
        let fixed = self.agents[agent].programmes.is_empty() && self.m.groups[g].learning.is_none();
        let (multiplier, proficiency) = if fixed {
            (e.multiplier, e.proficiency)
        } else {
            self.skill(agent, &e, c, now)
        };
        // Practice: every contact started, except a callback dial that reaches nobody.
        if w.callback != CallbackState::NoAnswer {
            self.agents[agent].handled = self.agents[agent].handled.saturating_add(1);
        }
        let handle = match w.callback {
            CallbackState::None => w.base_handle * multiplier * stretch,
            CallbackState::Reached => w.callback_handle * multiplier,
            // The attempt that reaches nobody takes a fixed time, whoever dials.
            CallbackState::NoAnswer => self.m.channels[c]
                .callback
                .as_ref()
                .map_or(0.0, |cb| cb.no_answer_time_s),
        };
        let chat_max = ch.chat_max;
        let a = &mut self.agents[agent];
        if held == 0 {
            a.engaged_since = now;
            a.engaged_channel = w.channel;
            a.chat_cap = chat_max;
            self.busy_agents += 1;
        } else {
            a.chat_cap = a.chat_cap.min(chat_max);
        }
        let id = a.next_service_id;
        a.next_service_id = a.next_service_id.wrapping_add(1);
        a.services.push(Service {
            id,
            channel: w.channel,
            start: now,
            end: now + handle,
            case: w.case,
            proficiency,
            reached: w.callback != CallbackState::NoAnswer,
        });
        self.events.schedule(
            now + handle,
            Event::ServiceEnd {
                agent: agent as u32,
                service: id,
            },
        );
        let wait = now - w.arrival;
        let response = match &self.m.channels[c].business {
            Some(clock) => clock.at(now) - clock.at(w.arrival),
            None => wait,
        };
        // The agent's friendliness now (group, plus training): for the case's level and the friendly count.
        let friendliness = if fixed {
            self.m.groups[g].friendliness
        } else {
            self.friendliness(agent, now)
        };
        if w.callback != CallbackState::NoAnswer && w.case != NO_CASE {
            let target = self.m.channels[c].target_s;
            let personalised = self.scenario.personalised;
            let j = &mut self.cases[w.case as usize].journey;
            j.worst_wait_ratio = j.worst_wait_ratio.max(response / target);
            j.never_waited &= wait <= 0.0;
            j.uninformed_long_wait |= response > target && !w.informed;
            j.min_proficiency = j.min_proficiency.min(proficiency);
            j.min_friendliness = j.min_friendliness.min(friendliness);
            j.handled_by_agent = true;
            let case = &mut self.cases[w.case as usize];
            case.journey.same_agent_again |= personalised && case.last_agent == Some(agent as u32);
            case.last_agent = Some(agent as u32);
        }
        if let Some(i) = w.interval {
            let within = response <= self.m.channels[c].target_s;
            let overflowed = e.delay > 0.0;
            if w.callback == CallbackState::NoAnswer {
                // Not answered: the customer was not there when called back.
                self.count(c, i, w.class, |t| t.callbacks_unreached += 1);
            } else {
                let completed = w.callback == CallbackState::Reached;
                let friendly = friendliness >= self.scenario.experience.unfriendly;
                self.count(c, i, w.class, |t| {
                    t.answered += 1;
                    t.answered_within += u64::from(within);
                    t.wait_answered_s += wait;
                    t.handle_s += handle;
                    t.overflowed += u64::from(overflowed);
                    t.callbacks_completed += u64::from(completed);
                    t.friendly += u64::from(friendly);
                });
                self.tally.channels[c].waits.record(wait);
            }
        }
    }

    /// An agent's proficiency on channel `c` now, and its handle-time multiplier: the group's skill, raised
    /// by practice (`learning`, scenario::Learning) and by the training programmes its seat took part in
    /// (scenario::Training::progress), at most 1.
    fn skill(&self, agent: usize, e: &Eligible, c: usize, now: SimTime) -> (f64, f64) {
        let a = &self.agents[agent];
        let mut p = e.proficiency;
        let mut changed = false;
        if let Some(l) = self.m.groups[e.group].learning {
            p = l.proficiency(p, a.handled);
            changed = true;
        }
        for &prog in &a.programmes {
            let t = &self.scenario.training[prog as usize];
            if let Some(&(_, gain)) = t.skill_gain.iter().find(|(ch, _)| *ch == c) {
                let x = gain * t.progress(now - self.bins.start);
                if x > 0.0 {
                    p = (p + x).min(1.0);
                    changed = true;
                }
            }
        }
        if changed {
            (self.scenario.proficiency.handle_time_multiplier(p), p)
        } else {
            (e.multiplier, e.proficiency)
        }
    }

    /// An agent's friendliness now: its group's, raised by the training its seat took part in, at most 1.
    fn friendliness(&self, agent: usize, now: SimTime) -> f64 {
        let a = &self.agents[agent];
        let mut f = self.m.groups[a.group as usize].friendliness;
        for &prog in &a.programmes {
            let t = &self.scenario.training[prog as usize];
            f = (f + t.friendliness_gain * t.progress(now - self.bins.start)).min(1.0);
        }
        f
    }

    /// Keeps the partial-chat list right after an agent's load changed; an agent with nothing in hand
    /// becomes idle.
    fn update_availability(&mut self, agent: usize, now: SimTime) {
        let g = self.agents[agent].group as usize;
        let a = &self.agents[agent];
        let can_take_more_chats = !a.services.is_empty()
            && (a.services.len() as u32) < a.chat_cap
            && self.m.channels[a.services[0].channel as usize].kind == ChannelKind::Chat
            && !a.leaving;
        let partial = &mut self.groups[g].partial;
        let listed = partial.iter().position(|&x| x as usize == agent);
        match (can_take_more_chats, listed) {
            (true, None) => partial.push(agent as u32),
            (false, Some(i)) => {
                partial.swap_remove(i);
            }
            _ => {}
        }
        if self.agents[agent].services.is_empty() && !self.agents[agent].leaving {
            self.groups[g].idle.push(agent as u32, now);
        }
    }

    fn on_service_end(&mut self, agent: usize, service: u32, now: SimTime) {
        let a = &mut self.agents[agent];
        let pos = a
            .services
            .iter()
            .position(|s| s.id == service)
            .expect("a service end belongs to a contact in hand");
        let service = a.services.swap_remove(pos);
        let g = a.group as usize;
        if a.services.is_empty()
            && a.engaged_since == service.start
            && a.engaged_channel == service.channel
        {
            // The contact spanned the whole engagement (always so for voice): one pass for both integrals.
            self.account_engaged_and_work(agent, service, now);
        } else {
            self.account_work(service, now);
            if self.agents[agent].services.is_empty() {
                self.account_engaged(agent, now);
            }
        }
        self.contact_handled(service, now);
        // The chat cap follows the chats still in hand.
        if let Some(cap) = self.agents[agent]
            .services
            .iter()
            .map(|s| self.m.channels[s.channel as usize].chat_max)
            .min()
        {
            self.agents[agent].chat_cap = cap;
        }
        if self.agents[agent].services.is_empty() {
            self.busy_agents -= 1;
            if self.agents[agent].leaving {
                self.agents[agent].leaving = false;
                self.groups[g].leaving -= 1;
                self.account_on_duty(g, now);
                self.groups[g].on_duty -= 1;
                self.groups[g].off_duty.push(agent as u32);
                return;
            }
        }
        if !self.agents[agent].leaving {
            self.seek_work(agent, now);
        }
        self.update_availability(agent, now);
    }

    /// `account_work` and `account_engaged` together, for a contact whose span is the engagement's.
    fn account_engaged_and_work(&mut self, agent: usize, service: Service, until: SimTime) {
        let g = self.agents[agent].group as usize;
        let (ch, gt) = (
            &mut self.tally.channels[service.channel as usize],
            &mut self.tally.groups[g],
        );
        let span = self.bins.spread(service.start, until, |i, dt| {
            ch.intervals[i].busy_s += dt;
            ch.intervals[i].work_s += dt;
            gt.busy_intervals[i] += dt;
        });
        ch.total.busy_s += span;
        ch.total.work_s += span;
        gt.busy_s += span;
    }

    /// Adds a contact's handling time, from its start to `until` and inside the window, to its channel.
    fn account_work(&mut self, service: Service, until: SimTime) {
        let ch = &mut self.tally.channels[service.channel as usize];
        let work = self
            .bins
            .spread(service.start, until, |i, dt| ch.intervals[i].work_s += dt);
        ch.total.work_s += work;
    }

    /// Adds an agent's engaged time (holding at least one contact) up to `until`, inside the window, to the
    /// channel of its first contact and to its group, spread over the intervals it fell in.
    fn account_engaged(&mut self, agent: usize, until: SimTime) {
        let a = &self.agents[agent];
        let (ch, gt) = (
            &mut self.tally.channels[a.engaged_channel as usize],
            &mut self.tally.groups[a.group as usize],
        );
        let busy = self.bins.spread(a.engaged_since, until, |i, dt| {
            ch.intervals[i].busy_s += dt;
            gt.busy_intervals[i] += dt;
        });
        ch.total.busy_s += busy;
        gt.busy_s += busy;
    }

    /// The queue `agent` should serve next, if any: its highest-priority
    /// channel with eligible waiting work, the highest class in it, the oldest contact among equals.
    fn next_queue(&mut self, agent: usize, now: SimTime) -> Option<usize> {
        let a = &self.agents[agent];
        let g = a.group as usize;
        let held = a.services.len() as u32;
        let cap = a.chat_cap;
        let room = &mut self.room;
        let mut best: Option<(i64, usize)> = None; // (channel priority, queue)
        let mut best_head = f64::INFINITY;
        for gc in &self.m.groups[g].work {
            if held > 0 && gc.chat_max.is_none_or(|max| held >= cap.min(max)) {
                continue; // an agent holding contacts may only add chats, up to its cap
            }
            if let Some((p, _)) = best
                && gc.priority < p
            {
                break; // channels are sorted by priority: nothing better follows
            }
            if gc.deferred && !self.m.channels[gc.channel].open.at(self.current_index) {
                continue; // deferred work waits for opening hours
            }
            // The channel's best class with eligible work: highest class priority, then oldest.
            let mut class_best: Option<(i64, usize, f64)> = None;
            for &(cp, q) in &gc.queues {
                if let Some((bp, _, _)) = class_best
                    && cp < bp
                {
                    break;
                }
                if let Some(head) = room.head_arrival(q)
                    && now >= head + gc.delay
                    && class_best.is_none_or(|(_, _, h)| head < h)
                {
                    class_best = Some((cp, q, head));
                }
            }
            // Among channels of equal priority, the oldest contact (first listed on ties).
            if let Some((_, q, head)) = class_best
                && head < best_head
            {
                best = Some((gc.priority, q));
                best_head = head;
            }
        }
        best.map(|(_, q)| q)
    }

    /// A free (or partly free) agent takes waiting work while it has room.
    fn seek_work(&mut self, agent: usize, now: SimTime) {
        if let Some(q) = self.m.groups[self.agents[agent].group as usize].single_queue {
            if self.agents[agent].services.is_empty()
                && let Some(w) = self.room.pop(q)
            {
                self.start_service(agent, w, now);
            }
            return;
        }
        while let Some(q) = self.next_queue(agent, now) {
            let w = self
                .room
                .pop(q)
                .expect("the chosen queue has a waiting contact");
            self.start_service(agent, w, now);
            let a = &self.agents[agent];
            if self.m.channels[w.channel as usize].kind != ChannelKind::Chat
                || a.services.len() as u32 >= a.chat_cap
            {
                break;
            }
        }
    }

    fn on_abandon(&mut self, ticket: Ticket, now: SimTime) {
        // A ticket that no longer matches belongs to a contact already answered: nothing to do.
        if let Some(w) = self.room.cancel(ticket) {
            if let Some(i) = w.interval {
                let waited = now - w.arrival;
                self.count(w.channel as usize, i, w.class, |t| {
                    t.abandoned += 1;
                    t.wait_abandoned_s += waited;
                });
            }
            let target = self.m.channels[w.channel as usize].target_s;
            let j = &mut self.cases[w.case as usize].journey;
            j.worst_wait_ratio = j.worst_wait_ratio.max((now - w.arrival) / target);
            j.uninformed_long_wait |= now - w.arrival > target && !w.informed;
            self.contact_failed(w.case, w.channel as usize, now);
        }
    }

    /// A contact has waited its channel's overflow time: an available agent of an overflow group takes work.
    fn on_overflow(&mut self, ticket: Ticket, now: SimTime) {
        let Some(w) = self.room.get(ticket) else {
            return;
        };
        let c = w.channel as usize;
        if let Some(agent) = self.available_agent(c, true, now) {
            self.seek_work(agent, now);
            self.update_availability(agent, now);
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

    /// The plan or the shifts ask for `planned` agents in group `g`: those of them in a training session are
    /// off the floor, the rest work.
    fn set_head_count(&mut self, g: usize, planned: u32, now: SimTime) {
        self.account_class(g, now);
        let gs = &mut self.groups[g];
        gs.planned = planned;
        gs.class_off = planned.min(gs.in_class);
        let floor = planned - gs.class_off;
        self.move_head_count(g, floor, now);
    }

    /// A training session starts or ends: its participants leave the floor (finishing what they hold, like
    /// any agent whose head-count drops) or come back.
    fn on_session(&mut self, p: usize, start: bool, now: SimTime) {
        let g = self.scenario.training[p].group;
        self.account_class(g, now);
        self.class_in[p] = if start { self.participants[p] } else { 0 };
        // Participants are the first seats of the group, so the programmes in session together take the
        // largest of their participant counts off the floor, not the sum.
        self.groups[g].in_class = self
            .scenario
            .training
            .iter()
            .enumerate()
            .filter(|(q, t)| t.group == g && self.class_in[*q] > 0)
            .map(|(q, _)| self.class_in[q])
            .max()
            .unwrap_or(0);
        let planned = self.groups[g].planned;
        self.set_head_count(g, planned, now);
    }

    /// Class time since the last change. Scheduled agents taken off the floor count as the group's
    /// shrinkage; every participant in session counts as participant time of its programme, scheduled or
    /// not (a session outside the agents' hours is still attended, and paid for by the programme).
    fn account_class(&mut self, g: usize, now: SimTime) {
        let gs = &mut self.groups[g];
        let (off, in_class, since) = (gs.class_off, gs.in_class, gs.class_since);
        gs.class_since = now;
        if in_class == 0 || now <= since {
            return;
        }
        let n = f64::from(off);
        let gt = &mut self.tally.groups[g];
        let span = self.bins.spread(since, now, |i, dt| {
            if n > 0.0 {
                gt.shrinkage_intervals[i] += n * dt
            }
        });
        gt.shrinkage_s += n * span;
        for (p, t) in self.scenario.training.iter().enumerate() {
            if t.group == g && self.class_in[p] > 0 {
                self.tally.training_s[p] += f64::from(self.class_in[p]) * span;
            }
        }
    }

    /// Moves a group to `target` agents on the floor (see the module notes for who leaves and who stays).
    fn move_head_count(&mut self, g: usize, target: u32, now: SimTime) {
        let committed = self.groups[g].on_duty - self.groups[g].leaving;
        if target == committed {
            return;
        }
        self.account_on_duty(g, now);
        let slots = self.groups[g].first_agent as usize
            ..(self.groups[g].first_agent + self.groups[g].slots) as usize;
        if target > committed {
            let mut need = target - committed;
            // First, agents about to leave stay after all.
            for agent in slots {
                if need == 0 || self.groups[g].leaving == 0 {
                    break;
                }
                if self.agents[agent].leaving {
                    self.agents[agent].leaving = false;
                    self.groups[g].leaving -= 1;
                    need -= 1;
                    self.seek_work(agent, now);
                    self.update_availability(agent, now);
                }
            }
            for _ in 0..need {
                // Slots cover the largest head-count; should a plan ever ask for more, the extra is not staffed.
                let Some(agent) = self.groups[g].off_duty.pop() else {
                    break;
                };
                let agent = agent as usize;
                self.groups[g].on_duty += 1;
                self.seek_work(agent, now);
                self.update_availability(agent, now);
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
            // The rest are busy: those who will be free soonest finish what they hold, take no new work, then
            // leave (for single contacts this is "the first to finish goes").
            while excess > 0 {
                let Some(agent) = slots
                    .clone()
                    .filter(|&a| !self.agents[a].leaving && !self.agents[a].services.is_empty())
                    .min_by(|&a, &b| {
                        let free_at = |agent: usize| {
                            self.agents[agent]
                                .services
                                .iter()
                                .map(|s| s.end)
                                .fold(f64::NEG_INFINITY, f64::max)
                        };
                        free_at(a).total_cmp(&free_at(b))
                    })
                else {
                    break;
                };
                self.agents[agent].leaving = true;
                self.groups[g].leaving += 1;
                excess -= 1;
                self.update_availability(agent, now);
            }
        }
    }
}
