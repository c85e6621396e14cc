//! Waiting contacts: a FIFO queue per (channel, class) over a slab of records, with O(1) removal of a caller
//! who hangs up (the record's generation is bumped and the queue skips it lazily when it reaches the front).
//! It also counts, per group, the contacts waiting in the queues that group serves, so that an agent with
//! nothing to take knows it without searching.

use std::collections::VecDeque;

/// A contact waiting for an agent.
#[derive(Debug, Clone, Copy)]
pub struct Waiting {
    pub arrival: f64,
    /// Handle time at proficiency 1, drawn at arrival (common random numbers: the same contact takes the same
    /// base time whoever serves it).
    pub base_handle: f64,
    /// Interval of arrival in the measured window; `None` for warm-up contacts (not counted).
    pub interval: Option<u32>,
    pub channel: u32,
    /// Class within the channel, and the queue of that (channel, class).
    pub class: u16,
    pub queue: u32,
    pub generation: u32,
    /// Whether the caller accepted a callback, and whether it will reach them.
    pub callback: CallbackState,
    /// Handle time of the callback at proficiency 1 (drawn at arrival).
    pub callback_handle: f64,
    /// The customer's case.
    pub case: u32,
    /// Told the expected wait while waiting (announcement).
    pub informed: bool,
}

/// A waiting caller's callback, if they accepted one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackState {
    None,
    /// Called back and reached.
    Reached,
    /// Called back, nobody answers.
    NoAnswer,
}

/// The `case` of outbound work (proactive follow-ups): it waits in its own queue but is no customer
/// waiting, so it is left out of the channel's count.
pub const OUTBOUND: u32 = u32::MAX;

/// A handle on a waiting contact that stays valid only while that contact waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    pub slot: u32,
    pub generation: u32,
}

#[derive(Debug, Default)]
pub struct WaitingRoom {
    slab: Vec<Waiting>,
    free: Vec<u32>,
    queues: Vec<VecDeque<Ticket>>,
    live_in_queue: Vec<u32>,
    live_in_channel: Vec<u32>,
    /// Per queue, the groups that serve it, and per group the contacts waiting in its queues.
    queue_groups: Vec<Vec<u32>>,
    live_for_group: Vec<u32>,
}

impl WaitingRoom {
    pub fn new(queues: usize, channels: usize) -> Self {
        WaitingRoom {
            slab: Vec::new(),
            free: Vec::new(),
            queues: vec![VecDeque::new(); queues],
            live_in_queue: vec![0; queues],
            live_in_channel: vec![0; channels],
            queue_groups: vec![Vec::new(); queues],
            live_for_group: Vec::new(),
        }
    }

    /// A room that also counts, for each of `groups` groups, the contacts waiting in the queues it serves
    /// (`queue_groups[q]`: the groups serving queue q).
    pub fn with_groups(queue_groups: &[Vec<u32>], channels: usize, groups: usize) -> Self {
        WaitingRoom {
            queue_groups: queue_groups.to_vec(),
            live_for_group: vec![0; groups],
            ..WaitingRoom::new(queue_groups.len(), channels)
        }
    }

    /// Contacts waiting (outbound work included) in the queues group `group` serves: 0 means nothing to
    /// take, whatever the priorities, classes and opening hours.
    #[inline]
    pub fn waiting_for_group(&self, group: usize) -> u32 {
        self.live_for_group[group]
    }

    /// Customers waiting on a channel, all classes together (outbound work not included).
    #[inline]
    pub fn waiting(&self, channel: usize) -> u32 {
        self.live_in_channel[channel]
    }

    /// Contacts waiting in one queue, outbound work included.
    #[inline]
    pub fn queued(&self, queue: usize) -> u32 {
        self.live_in_queue[queue]
    }

    #[inline]
    pub fn push(&mut self, mut w: Waiting) -> Ticket {
        let slot = match self.free.pop() {
            Some(s) => {
                w.generation = self.slab[s as usize].generation;
                self.slab[s as usize] = w;
                s
            }
            None => {
                w.generation = 0;
                self.slab.push(w);
                (self.slab.len() - 1) as u32
            }
        };
        let t = Ticket {
            slot,
            generation: w.generation,
        };
        self.queues[w.queue as usize].push_back(t);
        self.live_in_queue[w.queue as usize] += 1;
        for &g in &self.queue_groups[w.queue as usize] {
            self.live_for_group[g as usize] += 1;
        }
        if w.case != OUTBOUND {
            self.live_in_channel[w.channel as usize] += 1;
        }
        t
    }

    #[inline]
    fn is_current(&self, t: Ticket) -> bool {
        self.slab[t.slot as usize].generation == t.generation
    }

    /// Arrival time of the oldest contact in `queue`.
    #[inline]
    pub fn head_arrival(&mut self, queue: usize) -> Option<f64> {
        if self.live_in_queue[queue] == 0 {
            return None;
        }
        while let Some(&t) = self.queues[queue].front() {
            if self.is_current(t) {
                return Some(self.slab[t.slot as usize].arrival);
            }
            self.queues[queue].pop_front();
        }
        None
    }

    /// Removes and returns the oldest contact in `queue`.
    #[inline]
    pub fn pop(&mut self, queue: usize) -> Option<Waiting> {
        self.head_arrival(queue)?;
        let t = self.queues[queue]
            .pop_front()
            .expect("head_arrival found a current ticket");
        Some(self.release(t))
    }

    /// The contact behind `ticket` if it still waits.
    #[inline]
    pub fn get(&self, ticket: Ticket) -> Option<&Waiting> {
        self.is_current(ticket)
            .then(|| &self.slab[ticket.slot as usize])
    }

    /// Removes the contact behind `ticket` if it still waits (a caller hanging up).
    #[inline]
    pub fn cancel(&mut self, ticket: Ticket) -> Option<Waiting> {
        if !self.is_current(ticket) {
            return None;
        }
        Some(self.release(ticket))
    }

    fn release(&mut self, t: Ticket) -> Waiting {
        let rec = &mut self.slab[t.slot as usize];
        let out = *rec;
        rec.generation = rec.generation.wrapping_add(1);
        self.free.push(t.slot);
        self.live_in_queue[out.queue as usize] -= 1;
        for &g in &self.queue_groups[out.queue as usize] {
            self.live_for_group[g as usize] -= 1;
        }
        if out.case != OUTBOUND {
            self.live_in_channel[out.channel as usize] -= 1;
        }
        out
    }

    /// The memory the room holds (its buffers' capacities), in bytes: for the memory guard (model::limit).
    pub fn bytes(&self) -> usize {
        self.slab.capacity() * std::mem::size_of::<Waiting>()
            + self.free.capacity() * std::mem::size_of::<u32>()
            + self
                .queues
                .iter()
                .map(|q| q.capacity() * std::mem::size_of::<Ticket>())
                .sum::<usize>()
    }

    /// Drains every contact still waiting (end of run).
    pub fn drain(&mut self) -> Vec<Waiting> {
        let mut out = Vec::new();
        for q in 0..self.queues.len() {
            while let Some(w) = self.pop(q) {
                out.push(w);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(arrival: f64, channel: u32, queue: u32) -> Waiting {
        Waiting {
            arrival,
            base_handle: 1.0,
            interval: None,
            channel,
            class: 0,
            queue,
            generation: 0,
            callback: CallbackState::None,
            callback_handle: 0.0,
            case: 0,
            informed: false,
        }
    }

    #[test]
    fn fifo_with_cancellation_and_slot_reuse() {
        let mut room = WaitingRoom::new(3, 2);
        let a = room.push(w(1.0, 0, 0));
        let _b = room.push(w(2.0, 0, 0));
        let _c = room.push(w(3.0, 1, 2));
        let _v = room.push(w(0.5, 0, 1)); // another class of channel 0
        assert_eq!(room.waiting(0), 3);
        assert!(room.cancel(a).is_some());
        assert!(room.cancel(a).is_none(), "a ticket is good once");
        assert_eq!(room.waiting(0), 2);
        assert_eq!(room.head_arrival(0), Some(2.0));
        let d = room.push(w(4.0, 0, 0)); // reuses a's slot with a new generation
        assert_eq!(d.slot, a.slot);
        assert!(
            room.cancel(a).is_none(),
            "an old ticket does not cancel the slot's new occupant"
        );
        assert!(room.get(d).is_some());
        assert_eq!(room.pop(0).map(|x| x.arrival), Some(2.0));
        assert_eq!(room.pop(0).map(|x| x.arrival), Some(4.0));
        assert_eq!(room.pop(0).map(|x| x.arrival), None);
        assert_eq!(room.pop(1).map(|x| x.arrival), Some(0.5));
        assert_eq!(room.drain().len(), 1);
        assert_eq!((room.waiting(0), room.waiting(1)), (0, 0));
    }

    #[test]
    fn counts_what_each_group_could_take() {
        // Group 0 serves queues 0 and 1, group 1 serves queues 1 and 2.
        let mut room = WaitingRoom::with_groups(&[vec![0], vec![0, 1], vec![1]], 2, 2);
        let a = room.push(w(1.0, 0, 0));
        room.push(w(2.0, 0, 1));
        room.push(w(3.0, 1, 2));
        assert_eq!(
            (room.waiting_for_group(0), room.waiting_for_group(1)),
            (2, 2)
        );
        room.cancel(a);
        assert_eq!(room.waiting_for_group(0), 1);
        assert_eq!(room.pop(1).map(|x| x.arrival), Some(2.0));
        assert_eq!(
            (room.waiting_for_group(0), room.waiting_for_group(1)),
            (0, 1)
        );
        room.drain();
        assert_eq!(room.waiting_for_group(1), 0);
    }
}
