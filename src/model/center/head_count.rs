//! Head-counts: size plans and their daily absences, shifts and staggered breaks generated a day at a time,
//! training sessions that take participants off the floor, and who leaves or comes back when the number
//! on the floor moves (the rules in the module notes of `center`). Absence draws are keyed (model::workforce).

use super::*;

impl<O: Observer> Center<'_, O> {
    /// Simulation time of midnight of the horizon's first day: days (absences, shifts) run from it.
    fn midnight(&self) -> f64 {
        self.bins.start - self.scenario.calendar.start_clock_s
    }

    /// Applies a size plan's head-count for interval `index`, less the agents absent that day, and counts
    /// their time as shrinkage (`set_head_count` then takes the interval's shrinkage off the phones). An
    /// interval of n + f agents (a fractional size) has one more, seat n, for its first f: until the
    /// `SizeFraction` event scheduled here.
    pub(super) fn apply_size_plan(&mut self, g: usize, index: i64, now: SimTime) {
        let extra_until = match &self.staffing.group(g).size_fraction {
            None => None,
            Some(f) => {
                let f = f.at(index);
                let until = self.interval_start(index) + f * self.bins.width;
                // A plan applied late (after the horizon, `catch_up`) past the extra agent's time has none.
                (f > 0.0 && now < until).then_some(until)
            }
        };
        if let Some(until) = extra_until {
            self.events.schedule(
                until,
                Event::SizeFraction {
                    group: g as u32,
                    index,
                },
            );
        }
        self.size_plan_head_count(g, index, now, extra_until);
    }

    /// The extra agent of a fractional size leaves: the interval's whole head-count from now on.
    pub(super) fn on_size_fraction(&mut self, g: usize, index: i64, now: SimTime) {
        if index == self.current_index {
            self.size_plan_head_count(g, index, now, Some(f64::NAN));
        }
    }

    /// `extra`: `None` at the start of an interval without an extra agent; `Some(until)` at its start with
    /// one until `until`; `Some(NaN)` when the extra agent leaves (the absences were counted at the start).
    fn size_plan_head_count(&mut self, g: usize, index: i64, now: SimTime, extra: Option<f64>) {
        let start = self.interval_start(index);
        let day = ((start - self.midnight()) / DAY_S).floor() as i64;
        let starting = extra.is_none_or(|u| !u.is_nan());
        let with_extra = extra.is_some_and(|u| !u.is_nan());
        // A cohort that joins later is not scheduled before its day (its absence draws go on regardless,
        // so the days after it see the same draws as without `joins_on_day`).
        let joins = self.m.groups[g].joins_day;
        let (planned, extra_seat) = if joins > 0 && day < joins {
            (0, false)
        } else {
            let n = self.staffing.group(g).size.at(index);
            (n + u32::from(with_extra), with_extra)
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
        if present < planned && starting {
            // The whole agents' absences over the interval; the extra agent's (seat n) over its part.
            let extra_absent = extra_seat
                && matches!(&self.groups[g].schedule, Schedule::Size { present, .. }
                    if present.get(planned as usize - 1) == Some(&false));
            let absent = f64::from(planned - present - u32::from(extra_absent));
            let until = extra.unwrap_or(start);
            let gt = &mut self.tally.groups[g];
            if absent > 0.0 {
                let span = self.bins.spread(start, start + self.bins.width, |i, dt| {
                    gt.shrinkage_intervals[i] += absent * dt
                });
                gt.shrinkage_s += absent * span;
            }
            if extra_absent {
                let span = self
                    .bins
                    .spread(start, until, |i, dt| gt.shrinkage_intervals[i] += dt);
                gt.shrinkage_s += span;
            }
        }
        self.set_head_count(g, present, now);
    }

    /// Head-count at time 0 from the shifts under way, and the first shift event.
    pub(super) fn start_shifts(&mut self, g: usize) {
        // Start the day before the first simulated day: a night shift may still be running at time 0.
        let first_day = (-self.midnight() / DAY_S).floor() as i64 - 1;
        if let Schedule::Shifts { next_day, .. } = &mut self.groups[g].schedule {
            *next_day = first_day;
        }
        let end = self.bins.end();
        let stop = self.m.stop;
        self.on_shift(g, 0.0, end, stop);
    }

    /// Generates shift changes until `pending` holds every change before the next ungenerated day.
    pub(super) fn generate_shift_days(&mut self, g: usize, stop: f64) {
        loop {
            let Schedule::Shifts {
                pending, next_day, ..
            } = &self.groups[g].schedule
            else {
                return;
            };
            let day = *next_day;
            let day_start = self.midnight() + day as f64 * DAY_S;
            if pending.front().is_some_and(|&(t, _)| t < day_start) || day_start > stop {
                return;
            }
            self.generate_shift_day(g, day);
        }
    }

    /// Appends day `day`'s shift and break changes of group `g`, drawing absences, and counts scheduled break
    /// and absence time.
    pub(super) fn generate_shift_day(&mut self, g: usize, day: i64) {
        let s = self.scenario;
        // Offsets are added before the origin, so equal times on successive days compare equal exactly.
        let midnight = self.midnight();
        let at = |offset: f64| midnight + (day as f64 * DAY_S + offset);
        // Outside the horizon the week repeats like every per-interval value (holidays included). A horizon
        // that starts after midnight ends on the same clock time of its last day, which is still its own.
        let horizon_days = (s.horizon_s / DAY_S).round().max(1.0) as i64;
        let cycle_day = if s.calendar.start_clock_s > 0.0 && (0..=horizon_days).contains(&day) {
            day
        } else {
            day.rem_euclid(horizon_days)
        };
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
    pub(super) fn on_shift(&mut self, g: usize, now: SimTime, end: f64, stop: f64) {
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

    /// After the horizon the boundary events stop once no work is left; a contact arriving later first brings
    /// the clock's interval, and the size plans' head-counts, up to date.
    pub(super) fn catch_up(&mut self, now: SimTime) {
        if self.boundary_armed {
            return;
        }
        let index = self.interval_index(now);
        if index <= self.current_index {
            return;
        }
        self.current_index = index;
        self.apply_interval_head_counts(index, now);
    }

    /// A new reporting interval `index` begins: size plans move to its head-count, and groups on shifts with
    /// shrinkage draw who is off the phones in it (a group without shrinkage does nothing here).
    pub(super) fn apply_interval_head_counts(&mut self, index: i64, now: SimTime) {
        for g in 0..self.groups.len() {
            match self.groups[g].schedule {
                Schedule::Size { .. } => self.apply_size_plan(g, index, now),
                Schedule::Shifts { .. } if self.groups[g].shrinkage.any() => {
                    let planned = self.groups[g].planned;
                    self.set_head_count(g, planned, now);
                }
                Schedule::Shifts { .. } => {}
            }
        }
    }

    /// After the horizon the boundary and shift events stop once no work is left. A contact that arrives
    /// later still (a self-service fall-through) restarts them, so head-counts keep following the plan.
    pub(super) fn rearm(&mut self, now: SimTime) {
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

    /// Adds on-duty agent time since the last change to the staffed-time integral.
    pub(super) fn account_on_duty(&mut self, g: usize, now: SimTime) {
        let gs = &mut self.groups[g];
        accounting::on_duty(
            &self.bins,
            &mut self.tally.groups[g],
            gs.on_duty,
            gs.on_duty_since,
            now,
        );
        gs.on_duty_since = now;
    }

    /// The plan or the shifts ask for `planned` agents in group `g`: those of them in a training session are
    /// off the floor, the group's shrinkage takes its share of the rest off the phones for the current
    /// interval (model::workforce::Shrinkage), and the others work.
    pub(super) fn set_head_count(&mut self, g: usize, planned: u32, now: SimTime) {
        self.account_class(g, now);
        let index = self.current_index;
        let gs = &mut self.groups[g];
        gs.planned = planned;
        gs.class_off = planned.min(gs.in_class);
        let available = planned - gs.class_off;
        gs.off_phone = gs.shrinkage.off(index, available);
        let floor = available - gs.off_phone;
        self.move_head_count(g, floor, now);
    }

    /// A training session starts or ends: its participants leave the floor (finishing what they hold, like
    /// any agent whose head-count drops) or come back.
    pub(super) fn on_session(&mut self, p: usize, start: bool, now: SimTime) {
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

    /// Class and off-phone time since the last change. Scheduled agents taken off the floor for a session
    /// or off the phones for shrinkage count as the group's shrinkage; every participant in session counts
    /// as participant time of its programme, scheduled or not (a session outside the agents' hours is still
    /// attended, and paid for by the programme).
    pub(super) fn account_class(&mut self, g: usize, now: SimTime) {
        let gs = &mut self.groups[g];
        let (off, in_class, since) = (gs.class_off + gs.off_phone, gs.in_class, gs.class_since);
        gs.class_since = now;
        if (in_class == 0 && gs.off_phone == 0) || now <= since {
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
    pub(super) fn move_head_count(&mut self, g: usize, target: u32, now: SimTime) {
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
