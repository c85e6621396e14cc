//! Contacts arriving: their draws at arrival (common random numbers), admission (closed line, full queue,
//! callback offers, announcements), the first free agent, abandonment and overflow timers, and outbound
//! follow-ups.

use super::*;
use crate::model::compile::MeanFactors;

/// A draw under a time-varying mean, if one is configured: scaled by the factor of its arrival time.
#[inline]
fn scaled(draw: f64, factors: &Option<MeanFactors>, now: SimTime) -> f64 {
    match factors {
        None => draw,
        Some(f) => draw * f.at(now),
    }
}

/// The record of a contact turned away at arrival.
fn blocked(channel: usize, class: usize, case: u32, now: SimTime) -> ContactRecord {
    ContactRecord {
        arrival: now,
        queue_entry: None,
        answer: None,
        end: now,
        outcome: Outcome::Blocked,
        agent: None,
        channel: channel as u32,
        class: class as u16,
        case_slot: case,
    }
}

impl<O: Observer> Center<'_, O> {
    pub(super) fn on_arrival(&mut self, c: usize, now: SimTime) {
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
            let interval = self.bins.index(now).map(|i| i as u32);
            if let Some(i) = interval {
                self.count(c, i, 0, |t| {
                    t.offered += 1;
                    t.contained += u64::from(contained);
                    t.fell_through += u64::from(!contained);
                });
            }
            // Each arrival opens a case; a contained one is resolved there, at its first contact.
            let case = self.open_case_in(c, now, interval);
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

    /// A follow-up becomes outbound work on channel `c`: not an inbound contact (not counted as offered,
    /// belongs to no open case), but agent time like any other.
    pub(super) fn follow_up(&mut self, c: usize, now: SimTime) {
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

    /// A contact's random draws, made when it arrives, always and in a fixed order (common random numbers).
    pub(super) fn draw_contact(&mut self, to: usize, source: Source, now: SimTime) -> Draws {
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
            handle_time_factors,
            patience_factors,
            class_cumulative,
            class_draws,
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
        let base_handle = scaled(
            handle_time.sample(&mut streams.handle),
            handle_time_factors,
            now,
        );
        let patience = patience
            .as_ref()
            .map(|p| scaled(p.sample(&mut streams.patience), patience_factors, now));
        let class = if class_cumulative.len() > 1 {
            let u = uniform01(&mut streams.class);
            class_cumulative
                .iter()
                .position(|&c| u < c)
                .unwrap_or(class_cumulative.len() - 1)
        } else {
            0
        };
        // A class with its own handle time or patience draws it from its own streams, after the channel's
        // draws were made as always: the other classes' contacts keep theirs.
        let (base_handle, patience) = match class_draws.get(class) {
            Some(own) => (
                own.handle_time.as_ref().map_or(base_handle, |d| {
                    scaled(
                        d.sample(&mut streams.class_handle[class]),
                        &own.handle_time_factors,
                        now,
                    )
                }),
                own.patience.as_ref().map_or(patience, |d| {
                    Some(scaled(
                        d.sample(&mut streams.class_patience[class]),
                        &own.patience_factors,
                        now,
                    ))
                }),
            ),
            None => (base_handle, patience),
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
    pub(super) fn admit(&mut self, to: usize, source: Source, case: Option<u32>, now: SimTime) {
        self.catch_up(now);
        let Draws {
            base_handle,
            patience,
            class,
            callback,
            informed,
        } = self.draw_contact(to, source, now);
        let interval = self.bins.index(now).map(|i| i as u32);
        let case = match case {
            Some(k) => k,
            None => self.open_case_in(to, now, interval),
        };
        self.cases[case as usize].contacts += 1;
        let queue = self.m.channels[to].class_queues[class] as u32;
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
                self.obs.contact(blocked(to, class, case, now));
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
                self.obs.contact(blocked(to, class, case, now));
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
    pub(super) fn expected_wait(&self, c: usize) -> f64 {
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
    pub(super) fn available_agent(
        &mut self,
        c: usize,
        overflow: bool,
        now: SimTime,
    ) -> Option<usize> {
        let ch = &self.m.channels[c];
        let primary = |e: &Eligible| (e.delay > 0.0) == overflow;
        if let Some(g) = ch.sole_group[usize::from(overflow)]
            && !self.groups[g].idle.is_empty()
        {
            // One group to ask (the common case; phone with an overflow group has one primary group): its
            // longest idle agent, whichever the selection policy, without the search.
            return self.groups[g].idle.take_longest().map(|a| a as usize);
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

    pub(super) fn on_abandon(&mut self, ticket: Ticket, now: SimTime) {
        // A ticket that no longer matches belongs to a contact already answered: nothing to do.
        if let Some(w) = self.room.cancel(ticket) {
            if let Some(i) = w.interval {
                self.obs.contact(ContactRecord {
                    arrival: w.arrival,
                    queue_entry: Some(w.arrival),
                    answer: None,
                    end: now,
                    outcome: Outcome::Abandoned,
                    agent: None,
                    channel: w.channel,
                    class: w.class,
                    case_slot: w.case,
                });
                let waited = now - w.arrival;
                self.tally.channels[w.channel as usize]
                    .total
                    .wait_abandoned_s += waited;
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
    pub(super) fn on_overflow(&mut self, ticket: Ticket, now: SimTime) {
        let Some(w) = self.room.get(ticket) else {
            return;
        };
        let c = w.channel as usize;
        if let Some(agent) = self.available_agent(c, true, now) {
            self.seek_work(agent, now);
            self.update_availability(agent, now);
        }
    }
}
