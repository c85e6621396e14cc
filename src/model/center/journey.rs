//! Customers' cases across contacts: opened by a first contact, resolved (correctly or not) or not, coming
//! back on the same or another channel, retried after an unserved contact, followed up, complained about,
//! and placed at one of the six service levels when they end (experience::ExperienceRules::classify).

use super::*;

impl<O: Observer> Center<'_, O> {
    /// With personalised handling, the agent who last handled `case` if that agent is idle and serves
    /// channel `c` as a primary group (taken out of the idle list).
    pub(super) fn personal_agent(&mut self, c: usize, case: u32) -> Option<usize> {
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
    pub(super) fn open_case(&mut self, c: usize, now: SimTime) -> u32 {
        self.open_case_in(c, now, self.bins.index(now).map(|i| i as u32))
    }

    /// [`Self::open_case`] for a contact whose interval (`bins.index(now)`) the caller has at hand.
    pub(super) fn open_case_in(&mut self, c: usize, now: SimTime, interval: Option<u32>) -> u32 {
        let case = Case {
            start: now,
            first_channel: c as u32,
            interval,
            contacts: 0,
            journey: Journey::default(),
            last_agent: None,
            is_complaint: false,
        };
        let slot = match self.free_cases.pop() {
            Some(k) => {
                self.cases[k as usize] = case;
                k
            }
            None => {
                // The case table is about to grow: the memory guard (model::limit), off the per-contact path.
                if self.cases.len() == self.cases.capacity()
                    && super::limit::over(self.held_bytes(), self.budget)
                {
                    self.overloaded(now);
                }
                self.cases.push(case);
                (self.cases.len() - 1) as u32
            }
        };
        self.obs.case_opened(slot);
        slot
    }

    /// Closes a case and counts it under the channel of its first contact.
    pub(super) fn finish_case(&mut self, case: u32, end: CaseEnd, at: SimTime) {
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
    pub(super) fn contact_handled(&mut self, service: Service, now: SimTime) {
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
    pub(super) fn maybe_follow_up(&mut self, case: u32, c: usize, now: SimTime) {
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

    /// A case is not resolved after a contact on channel `c`: the customer gives up, or contacts again after
    /// the repeat delay, on the same channel or, by the switch shares, another.
    pub(super) fn come_back(&mut self, case: u32, c: usize, now: SimTime) {
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
        let at = self.comes_back_at(to, now, delay);
        self.events.schedule(
            at,
            Event::Repeat {
                case,
                channel: to as u32,
            },
        );
    }

    /// When a customer who contacts channel `c` again `delay` after `now` does: the delay counts only while
    /// the channel is open (a customer calls back when the line is open), so returning contacts spread over
    /// the opening hours instead of arriving at a closed line or piling up at opening. The draw is the same
    /// either way (common random numbers); only the instant moves.
    fn comes_back_at(&self, c: usize, now: SimTime, delay: f64) -> SimTime {
        match &self.m.channels[c].opening {
            Some(clock) => clock.after(now, delay),
            None => now + delay,
        }
    }

    /// The most contacts a case may take: its first channel's `repeat.max_contacts` (10 without `repeat`).
    pub(super) fn max_contacts(&self, case: u32) -> u32 {
        let first = self.cases[case as usize].first_channel as usize;
        self.m.channels[first]
            .repeat
            .as_ref()
            .map_or(10, |r| r.max_contacts)
    }

    /// A contact ended without service (abandoned, blocked, or a callback that reached nobody): the customer
    /// tries again by the channel's `retry`, or the case ends unserved.
    pub(super) fn contact_failed(&mut self, case: u32, c: usize, now: SimTime) {
        self.cases[case as usize].journey.failures += 1;
        let max_contacts = self.max_contacts(case);
        let ch = &mut self.channels[c];
        if let Some(retry) = &self.m.channels[c].retry {
            let u = uniform01(&mut ch.journey_rng);
            let delay = retry.delay.sample(&mut ch.journey_rng);
            if u < retry.share && u32::from(self.cases[case as usize].contacts) < max_contacts {
                let at = self.comes_back_at(c, now, delay);
                self.events.schedule(
                    at,
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
}
