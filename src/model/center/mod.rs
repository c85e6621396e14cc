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
use crate::model::accounting;
use crate::model::arrivals::ArrivalProcess;
use crate::model::compile::{ChannelModel, Compiled, Eligible};
use crate::model::limit::{self, Overload};
use crate::model::observe::{ContactRecord, NoObserver, Observer, Outcome};
use crate::model::queue::{CallbackState, Ticket, Waiting, WaitingRoom};
use crate::model::workforce::{Absence, Shrinkage, shift_keys};
use crate::routing::{IdleAgents, longest_idle_group};
use crate::scenario::{AgentSelection, ChannelKind, DayType, Scenario, Staffing};
use crate::seed::{Purpose, StreamRng, stream};
use crate::stats::{ChannelTally, GroupTally, IntervalTally, ReplicationTally, TimeBins};
use crate::time::floor_i64;
use std::collections::VecDeque;

mod admission;
mod floor;
mod head_count;
mod journey;

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
    /// The extra agent of a fractional size (n + f) leaves `group` after the first f of interval `index`.
    SizeFraction {
        group: u32,
        index: i64,
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
    /// Per class, the streams of its own handle time and patience (empty unless a class has its own).
    class_handle: Vec<StreamRng>,
    class_patience: Vec<StreamRng>,
}

impl ContactStreams {
    /// `mixin` is mixed into the key and each class key (0 for first contacts).
    fn new(seed: u64, replication: u64, key: u64, mixin: u64, class_keys: &[u64]) -> Self {
        let key = key ^ mixin;
        ContactStreams {
            handle: stream(seed, replication, key, Purpose::HandleTime),
            patience: stream(seed, replication, key, Purpose::Patience),
            class: stream(seed, replication, key, Purpose::Class),
            callback: stream(seed, replication, key, Purpose::Callback),
            announce: stream(seed, replication, key, Purpose::Announce),
            class_handle: class_keys
                .iter()
                .map(|&k| stream(seed, replication, k ^ mixin, Purpose::HandleTime))
                .collect(),
            class_patience: class_keys
                .iter()
                .map(|&k| stream(seed, replication, k ^ mixin, Purpose::Patience))
                .collect(),
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
    /// Of the planned agents not in class, how many are off the phones for shrinkage in the current
    /// interval (counted as shrinkage time from `class_since`, like `class_off`).
    shrinkage: Shrinkage,
    off_phone: u32,
    schedule: Schedule,
}

/// Where a group's head-count comes from.
enum Schedule {
    /// `size` per interval. With absence, each agent seat is absent for a whole day with that probability
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

struct Center<'a, O: Observer = NoObserver> {
    /// Told how each contact ends (a call log); `NoObserver` in a normal run.
    obs: O,
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
    /// The replication (from 0), its share of the memory limit in bytes (model::limit), and why it
    /// stopped early if it outgrew it.
    replication: u64,
    budget: u64,
    overload: Option<Overload>,
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
    simulate_within(model, staffing, seed, replication, limit::UNLIMITED)
        .expect("a replication without a memory budget never overloads")
}

/// [`simulate_compiled`] within a memory budget: the replication stops with an [`Overload`] when the
/// contacts it holds could outgrow `budget_bytes` (model::limit; checked where its buffers grow and at
/// interval boundaries, nothing per contact). Below the budget it gives exactly the same tally.
pub fn simulate_within(
    model: &Compiled,
    staffing: &Staffing,
    seed: u64,
    replication: u64,
    budget_bytes: u64,
) -> Result<ReplicationTally, Overload> {
    staffing
        .same_shape(model.staffing())
        .expect("a staffing runs under the model it was made from (Staffing::same_shape)");
    if crate::model::single::qualifies(model, staffing) {
        return crate::model::single::simulate(model, staffing, seed, replication, budget_bytes);
    }
    let mut center = Center::new(model, staffing, seed, replication);
    center.budget = budget_bytes;
    center.run();
    match center.overload {
        Some(o) => Err(o),
        None => Ok(center.tally),
    }
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

/// [`simulate_general`] with an observer told how each contact ends (e.g. a [`CallLog`]): the same
/// replication, the same tally.
pub fn simulate_observed<O: Observer>(
    model: &Compiled,
    staffing: &Staffing,
    seed: u64,
    replication: u64,
    observer: O,
) -> (ReplicationTally, O) {
    staffing
        .same_shape(model.staffing())
        .expect("a staffing runs under the model it was made from (Staffing::same_shape)");
    let mut center = Center::with_observer(model, staffing, seed, replication, observer);
    center.run();
    (center.tally, center.obs)
}

impl<'a> Center<'a> {
    fn new(m: &'a Compiled, staffing: &'a Staffing, seed: u64, replication: u64) -> Self {
        Center::with_observer(m, staffing, seed, replication, NoObserver)
    }
}

impl<'a, O: Observer> Center<'a, O> {
    fn with_observer(
        m: &'a Compiled,
        staffing: &'a Staffing,
        seed: u64,
        replication: u64,
        obs: O,
    ) -> Self {
        let s = &m.scenario;
        let bins = m.bins;
        let end = bins.end();
        let channels = m
            .channels
            .iter()
            .map(|c| {
                let key = c.key;
                let class_keys: Vec<u64> = c.class_draws.iter().map(|d| d.key).collect();
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
                            s.calendar.start_clock_s,
                            stream(seed, replication, key, Purpose::Forecast),
                        )
                    } else {
                        process
                    },
                    first_streams: ContactStreams::new(seed, replication, key, 0, &class_keys),
                    repeat_streams: ContactStreams::new(
                        seed,
                        replication,
                        key,
                        REPEAT_KEY,
                        &class_keys,
                    ),
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
                let absence = Absence::new(seed, replication, g.key, g.absence);
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
                    shrinkage: Shrinkage::new(seed, replication, g.key, g.shrinkage),
                    off_phone: 0,
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
            obs,
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
            room: WaitingRoom::with_groups(&m.queue_groups, s.channels.len(), m.groups.len()),
            tally,
            busy_agents: 0,
            current_index: 0,
            stop: f64::INFINITY,
            boundary_armed: false,
            cases: Vec::new(),
            free_cases: Vec::new(),
            replication,
            budget: limit::UNLIMITED,
            overload: None,
        }
    }

    /// Start of interval `index` in simulation time (negative indices lie in the warm-up).
    fn interval_start(&self, index: i64) -> f64 {
        self.bins.start + index as f64 * self.bins.width
    }

    /// Interval index of an instant (negative in the warm-up).
    fn interval_index(&self, t: f64) -> i64 {
        floor_i64((t - self.bins.start) / self.bins.width)
    }

    fn run(&mut self) {
        let s = self.scenario;
        // Head-counts at time 0, then a boundary event at each interval start (size plans) and shift events.
        let first = self.interval_index(0.0);
        // Set first: the head-counts at time 0 draw their shrinkage for this interval.
        self.current_index = first;
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
                Event::SizeFraction { group, index } => {
                    self.on_size_fraction(group as usize, index, t)
                }
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
                    // The memory guard, once per interval (model::limit): timers and outbound work grow
                    // without passing the growth checks.
                    if limit::over(self.held_bytes(), self.budget) {
                        self.overloaded(t);
                        continue;
                    }
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
        if self.overload.is_some() {
            // Stopped by the memory guard: the tally is not reported.
            return;
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
        for ch in &mut self.tally.channels {
            ch.total_counts_from_intervals();
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

    /// The memory the replication's contacts hold: waiting, open cases, pending events (model::limit).
    fn held_bytes(&self) -> usize {
        self.room.bytes()
            + self.events.heap_bytes()
            + self.cases.capacity() * std::mem::size_of::<Case>()
            + self.free_cases.capacity() * std::mem::size_of::<u32>()
    }

    /// The memory guard tripped (model::limit): records why, and empties the event queue and the waiting
    /// room so that the run ends at once (only the events the current one still schedules run, and
    /// without arrivals, boundaries or anyone waiting they die out).
    #[cold]
    fn overloaded(&mut self, now: SimTime) {
        let held = self.held_bytes() as u64;
        let (c, waiting) = (0..self.channels.len())
            .map(|c| (c, self.room.waiting(c)))
            .fold((0, 0), |best, x| if x.1 > best.1 { x } else { best });
        let ch = &self.m.channels[c];
        let on_duty: u32 = ch
            .eligible
            .iter()
            .map(|e| self.groups[e.group].on_duty)
            .sum();
        let index = self.interval_index(now);
        let offered = ch.arrivals_per_hour.at(index) / 3600.0 * ch.handle_time.mean();
        let load = (on_duty > 0).then(|| offered / f64::from(on_duty));
        self.overload = Some(Overload::new(
            self.replication + 1,
            u64::from(waiting),
            now - self.bins.start,
            &self.scenario.channels[c].name,
            load,
            held,
            self.budget,
        ));
        self.events.clear();
        self.room = WaitingRoom::with_groups(
            &self.m.queue_groups,
            self.channels.len(),
            self.m.groups.len(),
        );
        self.boundary_armed = true;
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
        if index == self.bins.count as i64 {
            // Once per run: who is being served as the horizon ends.
            for a in &self.agents {
                for s in &a.services {
                    self.tally.channels[s.channel as usize].in_service_end += 1;
                }
            }
        }
        self.apply_interval_head_counts(index, now);
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

    fn work_left(&self) -> bool {
        self.busy_agents > 0 || (0..self.channels.len()).any(|c| self.room.waiting(c) > 0)
    }

    #[inline]
    fn is_open(&self, c: usize) -> bool {
        self.m.channels[c].open.at(self.current_index)
    }

    #[inline]
    /// Counts into interval `interval` (and the class's total and interval): each count is written once,
    /// the channel's total is summed from the intervals when the run ends (`total_counts_from_intervals`);
    /// a sum of seconds is also added to the total where it is counted (answered and abandoned contacts).
    fn count(&mut self, c: usize, interval: u32, class: u16, f: impl Fn(&mut IntervalTally)) {
        let ch = &mut self.tally.channels[c];
        let n = ch.intervals.len();
        f(&mut ch.intervals[interval as usize]);
        // Per-class tallies only exist for channels with several classes.
        if let Some(k) = ch.classes.get_mut(class as usize) {
            f(k);
            f(&mut ch.class_intervals[class as usize * n + interval as usize]);
        }
    }
}

#[cfg(test)]
mod tests {
    //! The components driven directly, one rule at a time, on a small center built from a scenario.
    use super::*;
    use crate::experience::Factor;

    /// One phone channel (target 20 s, patience 10 min, a queue of at most 2) and one group of `size`.
    fn model(size: u32) -> Compiled {
        let text = format!(
            "name = \"unit\"\nhorizon = \"2h\"\ninterval = \"1h\"\n\
             [[channels]]\nname = \"phone\"\nkind = \"voice\"\narrivals = {{ per_hour = 10 }}\n\
             handle_time = {{ dist = \"exponential\", mean = \"5m\" }}\n\
             patience = {{ dist = \"exponential\", mean = \"10m\" }}\nqueue_capacity = 2\n\
             [[groups]]\nname = \"team\"\nsize = {size}\nskills = {{ phone = 1.0 }}\n"
        );
        Compiled::new(&Scenario::from_toml(&text, "unit.toml", None).expect("valid"))
    }

    fn waiting(arrival: f64, case: u32) -> Waiting {
        Waiting {
            arrival,
            base_handle: 100.0,
            interval: Some(0),
            channel: 0,
            class: 0,
            queue: 0,
            generation: 0,
            callback: CallbackState::None,
            callback_handle: 0.0,
            case,
            informed: false,
        }
    }

    #[test]
    fn a_lower_head_count_sends_idle_agents_home_and_busy_ones_after_their_contact() {
        let m = model(3);
        let mut c = Center::new(&m, m.staffing(), 1, 0);
        c.set_head_count(0, 3, 0.0);
        assert_eq!((c.groups[0].on_duty, c.groups[0].idle.len()), (3, 3));
        // Agent 0 takes a contact at t = 10 (ends at 110); two agents idle.
        let agent = c.groups[0].idle.take_longest().expect("idle") as usize;
        let case = c.open_case(0, 10.0);
        c.start_service(agent, waiting(10.0, case), 10.0);
        c.update_availability(agent, 10.0);
        // Down to 1: the two idle agents leave at once; the busy one stays on duty.
        c.set_head_count(0, 1, 20.0);
        assert_eq!((c.groups[0].on_duty, c.groups[0].leaving), (1, 0));
        assert!(c.groups[0].idle.is_empty());
        // Down to 0: the busy agent is marked to leave after its contact, and takes no new work.
        c.set_head_count(0, 0, 30.0);
        assert_eq!((c.groups[0].on_duty, c.groups[0].leaving), (1, 1));
        assert!(c.agents[agent].leaving);
        // Back to 1 before it is free: the departure is cancelled instead of calling in someone else.
        c.set_head_count(0, 1, 40.0);
        assert_eq!((c.groups[0].on_duty, c.groups[0].leaving), (1, 0));
        assert!(!c.agents[agent].leaving);
    }

    #[test]
    fn a_full_queue_blocks_and_the_case_ends_unserved_at_level_one() {
        let m = model(0);
        let mut c = Center::new(&m, m.staffing(), 1, 0);
        for k in 0..3 {
            c.admit(0, Source::First(0), None, 10.0 + f64::from(k));
        }
        let t = &c.tally.channels[0];
        assert_eq!(
            (
                t.intervals[0].offered,
                t.intervals[0].waited,
                t.intervals[0].blocked
            ),
            (3, 2, 1)
        );
        assert_eq!(c.room.waiting(0), 2);
        // The blocked caller's case ended at level 1, held down by abandonment, in interval 0.
        assert_eq!(t.cases.levels[0], 1);
        assert_eq!(t.cases.left_unserved, 1);
        assert_eq!(t.cases.held_down[Factor::Abandonment.index()], 1);
        assert_eq!(t.level_intervals[0][0], 1);
    }

    #[test]
    fn an_answered_case_is_placed_by_its_wait_and_a_warm_up_case_is_not_counted() {
        let m = model(1);
        let mut c = Center::new(&m, m.staffing(), 1, 0);
        // Answered at once, resolved after its handle time: meets expectations (level 4).
        let quick = c.open_case(0, 0.0);
        c.cases[quick as usize].contacts = 1;
        c.cases[quick as usize].journey.handled_by_agent = true;
        c.cases[quick as usize].journey.min_friendliness = 0.7;
        c.finish_case(quick, CaseEnd::Resolved, 300.0);
        // Waited 10 times the target: the wait holds it at level 1.
        let slow = c.open_case(0, 0.0);
        c.cases[slow as usize].contacts = 1;
        c.cases[slow as usize].journey.worst_wait_ratio = 10.0;
        c.finish_case(slow, CaseEnd::Resolved, 600.0);
        let t = &c.tally.channels[0].cases;
        assert_eq!(t.levels, [1, 0, 0, 1, 0, 0]);
        assert_eq!(t.held_down[Factor::Wait.index()], 1);
        assert_eq!((t.cases, t.resolved, t.resolved_first), (2, 2, 2));
        // A case opened before the window (no interval) is closed but counted nowhere.
        c.cases[quick as usize].interval = None;
        let before = c.tally.channels[0].cases;
        let warm = c.open_case(0, 0.0);
        c.cases[warm as usize].interval = None;
        c.finish_case(warm, CaseEnd::Resolved, 10.0);
        assert_eq!(c.tally.channels[0].cases, before);
    }
}
