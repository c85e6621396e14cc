//! What one replication counts: per channel (over the horizon and per interval), per agent group.
//!
//! Counts are attributed to the interval in which the contact *arrived*; agent time (busy, staffed) to the
//! interval in which it was *spent*. Only the measured window [warm-up end, warm-up end + horizon] counts.

use super::WaitHistogram;
use serde::{Deserialize, Serialize};

/// Counts and sums over a set of contacts: a channel's whole horizon, or one interval of it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IntervalTally {
    /// Every arrival in the measured window.
    pub offered: u64,
    /// Reached an agent.
    pub answered: u64,
    /// Hung up while waiting.
    pub abandoned: u64,
    /// Found the queue full (busy signal).
    pub blocked: u64,
    /// Answered with a wait <= the channel's target.
    pub answered_within: u64,
    /// Admitted, and found no free agent on arrival.
    pub waited: u64,
    /// Still waiting when the run stopped (only when no agent was ever scheduled again).
    pub unfinished: u64,
    /// Sum of the waits of answered contacts (s).
    pub wait_answered_s: f64,
    /// Sum of the waits of abandoned contacts, i.e. the time until they hung up (s).
    pub wait_abandoned_s: f64,
    /// Sum of the handle times of answered contacts (s).
    pub handle_s: f64,
    /// Answered by an overflow (secondary) group.
    pub overflowed: u64,
    /// Self-service: resolved without an agent, or passed on to the assisted channel.
    pub contained: u64,
    pub fell_through: u64,
    /// Callbacks offered, accepted, completed (reached) and unreached (nobody answered).
    pub callbacks_offered: u64,
    pub callbacks_accepted: u64,
    pub callbacks_completed: u64,
    pub callbacks_unreached: u64,
    /// Waiting contacts told the expected wait (announcement).
    pub informed: u64,
    /// Answered contacts handled by a group at least as friendly as the experience rules' `unfriendly`.
    pub friendly: u64,
    /// Agent time engaged by this channel (an agent holding at least one of its contacts) within the window
    /// or interval (s): the numerator of occupancy.
    pub busy_s: f64,
    /// Contact-handling time within the window or interval (s), each chat counted separately: with
    /// concurrency it exceeds `busy_s`, and their ratio is the number of chats an agent holds.
    pub work_s: f64,
}

impl IntervalTally {
    pub fn add(&mut self, o: &IntervalTally) {
        self.offered += o.offered;
        self.answered += o.answered;
        self.abandoned += o.abandoned;
        self.blocked += o.blocked;
        self.answered_within += o.answered_within;
        self.waited += o.waited;
        self.unfinished += o.unfinished;
        self.wait_answered_s += o.wait_answered_s;
        self.wait_abandoned_s += o.wait_abandoned_s;
        self.handle_s += o.handle_s;
        self.overflowed += o.overflowed;
        self.contained += o.contained;
        self.fell_through += o.fell_through;
        self.callbacks_offered += o.callbacks_offered;
        self.callbacks_accepted += o.callbacks_accepted;
        self.callbacks_completed += o.callbacks_completed;
        self.callbacks_unreached += o.callbacks_unreached;
        self.informed += o.informed;
        self.friendly += o.friendly;
        self.busy_s += o.busy_s;
        self.work_s += o.work_s;
    }
}

impl ChannelTally {
    /// Sets the total's counts to the sum of the intervals' once the replication has ended, so that a
    /// contact's counts are written once, to its interval, while it runs. Counts sum exactly; the sums of
    /// seconds (waits, handle, busy and work time) are kept as accumulated event by event, since summed from
    /// the intervals they would round differently in their last bits.
    pub fn total_counts_from_intervals(&mut self) {
        let kept = self.total;
        let mut t = IntervalTally::default();
        for i in &self.intervals {
            t.add(i);
        }
        t.wait_answered_s = kept.wait_answered_s;
        t.wait_abandoned_s = kept.wait_abandoned_s;
        t.handle_s = kept.handle_s;
        t.busy_s = kept.busy_s;
        t.work_s = kept.work_s;
        self.total = t;
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelTally {
    pub total: IntervalTally,
    pub intervals: Vec<IntervalTally>,
    /// Totals per priority class; empty when the channel has a single class.
    pub classes: Vec<IntervalTally>,
    /// Per class and interval (class-major: `class * intervals + interval`), for the planner's class
    /// targets; empty when the channel has a single class.
    #[serde(default)]
    pub class_intervals: Vec<IntervalTally>,
    /// Waits of answered contacts, for percentiles.
    pub waits: WaitHistogram,
    /// The same waits counted in opening hours (the business clock its target counts): filled only for a
    /// channel whose target counts business hours, for its chart of waits.
    #[serde(default)]
    pub business_waits: WaitHistogram,
    /// Contacts waiting at the end of each interval (the backlog, for deferred work).
    pub backlog: Vec<u32>,
    /// Contacts in service when the horizon ended (followed to their end past it).
    #[serde(default)]
    pub in_service_end: u32,
    /// Cases whose first contact came on this channel.
    pub cases: CaseTally,
    /// Ended cases at each level, by the interval in which they started.
    pub level_intervals: Vec<[u64; 6]>,
}

/// Cases counted by the channel of their first contact (cases starting in the measured window).
#[derive(Debug, Default, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CaseTally {
    pub cases: u64,
    /// Contacts the cases took, all channels.
    pub contacts: u64,
    /// Resolved (correctly), and resolved at the first contact.
    pub resolved: u64,
    pub resolved_first: u64,
    /// From the first contact to the resolution, summed over resolved cases (s).
    pub resolution_time_s: f64,
    /// Ended unresolved: the customer gave up (or reached the maximum number of contacts).
    pub gave_up: u64,
    /// Ended after an abandoned, blocked or unreached contact that was not tried again.
    pub left_unserved: u64,
    /// Still open when the run stopped.
    pub open: u64,
    /// Ended cases at each service level, 1 to 6.
    pub levels: [u64; 6],
    /// Ended cases below level 4 by the factor that held them down (`experience::Factor::ALL` order).
    pub held_down: [u64; 8],
    /// Resolutions that turned out wrong (the customer came back).
    pub wrong_resolutions: u64,
    /// Complaints filed by customers whose case ended at level 1.
    pub complaints: u64,
}

impl CaseTally {
    pub fn add(&mut self, o: &CaseTally) {
        self.cases += o.cases;
        self.contacts += o.contacts;
        self.resolved += o.resolved;
        self.resolved_first += o.resolved_first;
        self.resolution_time_s += o.resolution_time_s;
        self.gave_up += o.gave_up;
        self.left_unserved += o.left_unserved;
        self.open += o.open;
        self.wrong_resolutions += o.wrong_resolutions;
        self.complaints += o.complaints;
        for (a, b) in self.levels.iter_mut().zip(o.levels) {
            *a += b;
        }
        for (a, b) in self.held_down.iter_mut().zip(o.held_down) {
            *a += b;
        }
    }
}

impl ChannelTally {
    pub fn new(intervals: usize, classes: usize) -> Self {
        ChannelTally {
            total: IntervalTally::default(),
            intervals: vec![IntervalTally::default(); intervals],
            // One class: the total is the class's tally, so none is kept apart.
            classes: if classes > 1 {
                vec![IntervalTally::default(); classes]
            } else {
                Vec::new()
            },
            class_intervals: if classes > 1 {
                vec![IntervalTally::default(); classes * intervals]
            } else {
                Vec::new()
            },
            waits: WaitHistogram::default(),
            business_waits: WaitHistogram::default(),
            backlog: vec![0; intervals],
            in_service_end: 0,
            cases: CaseTally::default(),
            level_intervals: vec![[0; 6]; intervals],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupTally {
    /// Agent time on duty (idle or busy) in the window (s).
    pub staffed_s: f64,
    /// Agent time handling contacts in the window (s).
    pub busy_s: f64,
    /// Scheduled agent time on break in the window (s).
    pub break_s: f64,
    /// Scheduled agent time lost to whole-day absence, off-phone shrinkage and training sessions in the
    /// window (s).
    pub shrinkage_s: f64,
    pub staffed_intervals: Vec<f64>,
    pub busy_intervals: Vec<f64>,
    pub break_intervals: Vec<f64>,
    pub shrinkage_intervals: Vec<f64>,
}

impl GroupTally {
    pub fn new(intervals: usize) -> Self {
        GroupTally {
            staffed_s: 0.0,
            busy_s: 0.0,
            break_s: 0.0,
            shrinkage_s: 0.0,
            staffed_intervals: vec![0.0; intervals],
            busy_intervals: vec![0.0; intervals],
            break_intervals: vec![0.0; intervals],
            shrinkage_intervals: vec![0.0; intervals],
        }
    }
}

/// Everything one replication measured. Serialisable, so that replications run on different machines (shards)
/// can be merged before the report is built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplicationTally {
    pub channels: Vec<ChannelTally>,
    pub groups: Vec<GroupTally>,
    /// Per training programme: participant time in sessions within the window (s).
    pub training_s: Vec<f64>,
    /// Contacts simulated, warm-up included (for speed measurements).
    pub contacts_simulated: u64,
    /// Events processed.
    pub events: u64,
}

impl ReplicationTally {
    /// The same tally over intervals `per` times longer (days from hours, for a timeline): counts and agent
    /// time summed over each run of `per` intervals, the backlog taken at the end of the run. The interval
    /// count must be a multiple of `per`.
    pub fn rebin(&self, per: usize) -> ReplicationTally {
        let sum = |v: &[f64]| -> Vec<f64> { v.chunks(per).map(|c| c.iter().sum()).collect() };
        ReplicationTally {
            channels: self
                .channels
                .iter()
                .map(|c| ChannelTally {
                    total: c.total,
                    intervals: c
                        .intervals
                        .chunks(per)
                        .map(|run| {
                            let mut t = IntervalTally::default();
                            run.iter().for_each(|x| t.add(x));
                            t
                        })
                        .collect(),
                    classes: c.classes.clone(),
                    class_intervals: c
                        .class_intervals
                        .chunks(per)
                        .map(|run| {
                            let mut t = IntervalTally::default();
                            run.iter().for_each(|x| t.add(x));
                            t
                        })
                        .collect(),
                    waits: c.waits.clone(),
                    business_waits: c.business_waits.clone(),
                    backlog: c
                        .backlog
                        .chunks(per)
                        .map(|run| *run.last().expect("chunks are not empty"))
                        .collect(),
                    in_service_end: c.in_service_end,
                    cases: c.cases,
                    level_intervals: c
                        .level_intervals
                        .chunks(per)
                        .map(|run| {
                            let mut l = [0u64; 6];
                            for x in run {
                                l.iter_mut().zip(x).for_each(|(a, b)| *a += b);
                            }
                            l
                        })
                        .collect(),
                })
                .collect(),
            groups: self
                .groups
                .iter()
                .map(|g| GroupTally {
                    staffed_intervals: sum(&g.staffed_intervals),
                    busy_intervals: sum(&g.busy_intervals),
                    break_intervals: sum(&g.break_intervals),
                    shrinkage_intervals: sum(&g.shrinkage_intervals),
                    ..g.clone()
                })
                .collect(),
            training_s: self.training_s.clone(),
            contacts_simulated: self.contacts_simulated,
            events: self.events,
        }
    }
}

/// The measured window cut into reporting intervals, for spreading agent time over them.
#[derive(Debug, Clone, Copy)]
pub struct TimeBins {
    /// Start of the window (the end of the warm-up), in simulation time.
    pub start: f64,
    pub width: f64,
    pub count: usize,
}

impl TimeBins {
    pub fn new(start: f64, width: f64, count: usize) -> Self {
        TimeBins {
            start,
            width,
            count,
        }
    }

    pub fn end(&self) -> f64 {
        self.start + self.width * self.count as f64
    }

    /// The interval an instant falls in, or `None` outside the window.
    #[inline]
    pub fn index(&self, t: f64) -> Option<usize> {
        if t < self.start {
            return None;
        }
        let i = ((t - self.start) / self.width) as usize;
        (i < self.count).then_some(i)
    }

    /// Calls `add(interval, overlap)` for each interval that [from, to) overlaps; returns the overlap with the
    /// whole window.
    #[inline]
    pub fn spread(&self, from: f64, to: f64, mut add: impl FnMut(usize, f64)) -> f64 {
        let (a, b) = (from.max(self.start), to.min(self.end()));
        if b <= a {
            return 0.0;
        }
        let first = (((a - self.start) / self.width) as usize).min(self.count - 1);
        let mut t = a;
        let mut i = first;
        while t < b && i < self.count {
            let edge = (self.start + (i + 1) as f64 * self.width).min(b);
            add(i, edge - t);
            t = edge;
            i += 1;
        }
        b - a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_clips_to_the_window_and_splits_at_edges() {
        let bins = TimeBins {
            start: 100.0,
            width: 10.0,
            count: 3,
        };
        let mut v = vec![0.0; 3];
        assert_eq!(bins.spread(95.0, 125.0, |i, dt| v[i] += dt), 25.0);
        assert_eq!(v, [10.0, 10.0, 5.0]);
        assert_eq!(bins.spread(130.0, 150.0, |i, dt| v[i] += dt), 0.0);
        assert_eq!(bins.index(99.0), None);
        assert_eq!(bins.index(129.9), Some(2));
        assert_eq!(bins.index(130.0), None);
    }
}
