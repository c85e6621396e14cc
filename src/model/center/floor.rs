//! The floor: an agent starting and ending a service (proficiency, learning and training applied to the
//! handle time, the answered-contact counts), which waiting work a freed agent takes next, and agent time
//! spread over the intervals it was spent in.

use super::*;

impl<O: Observer> Center<'_, O> {
    /// Puts contact `w` in `agent`'s hands (the caller has taken the agent out of the idle or partial lists
    /// and calls `update_availability` afterwards).
    pub(super) fn start_service(&mut self, agent: usize, w: Waiting, now: SimTime) {
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
            if w.case != NO_CASE {
                let reached = w.callback != CallbackState::NoAnswer;
                self.obs.contact(ContactRecord {
                    arrival: w.arrival,
                    queue_entry: (now > w.arrival).then_some(w.arrival),
                    answer: reached.then_some(now),
                    end: now + handle,
                    outcome: if reached {
                        Outcome::Answered
                    } else {
                        Outcome::Abandoned
                    },
                    agent: reached.then(|| (g as u32, agent as u32 - self.groups[g].first_agent)),
                    channel: w.channel,
                    class: w.class,
                    case_slot: w.case,
                });
            }
            let within = response <= self.m.channels[c].target_s;
            let overflowed = e.delay > 0.0;
            if w.callback == CallbackState::NoAnswer {
                // Not answered: the customer was not there when called back.
                self.count(c, i, w.class, |t| t.callbacks_unreached += 1);
            } else {
                let completed = w.callback == CallbackState::Reached;
                let friendly = friendliness >= self.scenario.experience.unfriendly;
                let total = &mut self.tally.channels[c].total;
                total.wait_answered_s += wait;
                total.handle_s += handle;
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
                if self.m.channels[c].business.is_some() {
                    self.tally.channels[c].business_waits.record(response);
                }
            }
        }
    }

    /// An agent's proficiency on channel `c` now, and its handle-time multiplier: the group's skill, raised
    /// by practice (`learning`, scenario::Learning) and by the training programmes its seat took part in
    /// (scenario::Training::progress), at most 1.
    pub(super) fn skill(&self, agent: usize, e: &Eligible, c: usize, now: SimTime) -> (f64, f64) {
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
    pub(super) fn friendliness(&self, agent: usize, now: SimTime) -> f64 {
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
    pub(super) fn update_availability(&mut self, agent: usize, now: SimTime) {
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

    pub(super) fn on_service_end(&mut self, agent: usize, service: u32, now: SimTime) {
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
    pub(super) fn account_engaged_and_work(
        &mut self,
        agent: usize,
        service: Service,
        until: SimTime,
    ) {
        let g = self.agents[agent].group as usize;
        accounting::engaged_and_work(
            &self.bins,
            &mut self.tally.channels[service.channel as usize],
            &mut self.tally.groups[g],
            service.start,
            until,
        );
    }

    /// Adds a contact's handling time, from its start to `until` and inside the window, to its channel.
    pub(super) fn account_work(&mut self, service: Service, until: SimTime) {
        accounting::work(
            &self.bins,
            &mut self.tally.channels[service.channel as usize],
            service.start,
            until,
        );
    }

    /// Adds an agent's engaged time (holding at least one contact) up to `until`, inside the window, to the
    /// channel of its first contact and to its group, spread over the intervals it fell in.
    pub(super) fn account_engaged(&mut self, agent: usize, until: SimTime) {
        let a = &self.agents[agent];
        accounting::engaged(
            &self.bins,
            &mut self.tally.channels[a.engaged_channel as usize],
            &mut self.tally.groups[a.group as usize],
            a.engaged_since,
            until,
        );
    }

    /// The queue `agent` should serve next, if any: its highest-priority
    /// channel with eligible waiting work, the highest class in it, the least arrival − credit among
    /// classes of equal priority (the oldest contact without credits).
    pub(super) fn next_queue(&mut self, agent: usize, now: SimTime) -> Option<usize> {
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
            // The channel's best class with eligible work: highest class priority, then the least arrival
            // time − credit (each class queue is FIFO with one credit, so its head is its best; with no
            // credits, the oldest). First listed on ties.
            let mut class_best: Option<(i64, usize, f64, f64)> = None;
            for &(cp, q, credit) in &gc.queues {
                if let Some((bp, _, _, _)) = class_best
                    && cp < bp
                {
                    break;
                }
                if let Some(head) = room.head_arrival(q)
                    && now >= head + gc.delay
                {
                    let order = head - credit;
                    if class_best.is_none_or(|(_, _, _, o)| order < o) {
                        class_best = Some((cp, q, head, order));
                    }
                }
            }
            // Among channels of equal priority, the oldest contact (first listed on ties): credits order
            // classes within a channel, not channels.
            if let Some((_, q, head, _)) = class_best
                && head < best_head
            {
                best = Some((gc.priority, q));
                best_head = head;
            }
        }
        best.map(|(_, q)| q)
    }

    /// A free (or partly free) agent takes waiting work while it has room.
    pub(super) fn seek_work(&mut self, agent: usize, now: SimTime) {
        if let Some(q) = self.m.groups[self.agents[agent].group as usize].single_queue {
            if self.agents[agent].services.is_empty()
                && let Some(w) = self.room.pop(q)
            {
                self.start_service(agent, w, now);
            }
            return;
        }
        // Nothing waits in any queue the group serves (the common case for a freed agent): no search.
        if self
            .room
            .waiting_for_group(self.agents[agent].group as usize)
            == 0
        {
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
}
