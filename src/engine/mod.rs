//! A generic discrete-event core: simulated time and a future-event list. It knows nothing of contact
//! centers; `model` supplies the event type and what each event does.
//!
//! Events are ordered by (time, sequence number): ties run in the order they were scheduled, which makes a
//! run a pure function of its inputs and seed (the convention of nexosim and dslab).

/// Simulated time in seconds since the start of the run (the start of the warm-up).
pub type SimTime = f64;

/// The ordering key of an event: the time's bits in the high half, the sequence number in the low half.
/// For non-negative finite times the IEEE-754 bit pattern orders exactly like the number, so one integer
/// comparison orders by (time, sequence): cheaper than `f64::total_cmp` followed by a tie-break. Keys are
/// unique (the sequence number is), so any correct priority queue pops events in exactly the same order.
type Key = u128;

#[inline]
fn key_time(key: Key) -> SimTime {
    f64::from_bits((key >> 64) as u64)
}

/// Children per node of the heap. A 4-ary heap is half as deep as a binary one; its four children share a
/// cache line or two, so a pop (the common operation: every event is popped once) does fewer, cheaper
/// levels (LaMarca and Ladner 1996; the d-ary heaps of discrete-event libraries such as SimGrid's).
const ARITY: usize = 4;

/// The future-event list: a 4-ary min-heap keyed by (time, sequence), and optional *lanes*: slots for a
/// recurring event of which at most one is pending at a time (a channel's next arrival). A lane's event
/// never enters the heap; `pop` compares the earliest lane with the heap's top. With one lane per
/// channel, every arrival skips a heap push and a heap pop, and the heap holds only service ends and
/// timers.
pub struct EventQueue<E> {
    keys: Vec<Key>,
    events: Vec<E>,
    seq: u64,
    lanes: Vec<Option<(Key, E)>>,
    /// The lane holding the earliest pending lane event.
    first_lane: Option<usize>,
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventQueue<E> {
    pub fn new() -> Self {
        Self::with_lanes(0)
    }

    /// A queue with `lanes` lanes (see the type's notes).
    pub fn with_lanes(lanes: usize) -> Self {
        EventQueue {
            keys: Vec::with_capacity(1024),
            events: Vec::with_capacity(1024),
            seq: 0,
            lanes: vec![None; lanes],
            first_lane: None,
        }
    }

    #[inline]
    fn key(&mut self, time: SimTime) -> Key {
        // The bit-pattern order needs +0.0 or a positive finite time (-0.0 becomes +0.0 by adding 0.0).
        debug_assert!(
            time.is_finite() && time >= 0.0,
            "events are scheduled at finite times >= 0"
        );
        self.seq += 1;
        (u128::from((time + 0.0).to_bits()) << 64) | u128::from(self.seq)
    }

    /// Schedules `event` at `time`; among events at the same time, earlier calls run first.
    #[inline]
    pub fn schedule(&mut self, time: SimTime, event: E) {
        let key = self.key(time);
        self.keys.push(key);
        self.events.push(event);
        self.sift_up(self.keys.len() - 1);
    }

    /// Schedules the pending event of lane `lane` (which must have none): ordered exactly as if scheduled
    /// with [`EventQueue::schedule`] at this call.
    #[inline]
    pub fn schedule_in_lane(&mut self, lane: usize, time: SimTime, event: E) {
        debug_assert!(self.lanes[lane].is_none(), "one pending event per lane");
        let key = self.key(time);
        self.lanes[lane] = Some((key, event));
        if self
            .first_lane
            .is_none_or(|f| self.lanes[f].is_none_or(|(k, _)| key < k))
        {
            self.first_lane = Some(lane);
        }
    }

    /// Removes and returns the next event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        if let Some(lane) = self.first_lane
            && let Some((key, event)) = self.lanes[lane]
            && self.keys.first().is_none_or(|&top| key < top)
        {
            self.lanes[lane] = None;
            self.first_lane = self.earliest_lane();
            return Some((key_time(key), event));
        }
        let n = self.keys.len();
        if n == 0 {
            return None;
        }
        let (key, event) = (self.keys[0], self.events[0]);
        let (last_key, last_event) = (self.keys[n - 1], self.events[n - 1]);
        self.keys.truncate(n - 1);
        self.events.truncate(n - 1);
        if n > 1 {
            self.sift_down(last_key, last_event);
        }
        Some((key_time(key), event))
    }

    fn earliest_lane(&self) -> Option<usize> {
        let mut best: Option<(Key, usize)> = None;
        for (i, l) in self.lanes.iter().enumerate() {
            if let Some((k, _)) = l
                && best.is_none_or(|(b, _)| *k < b)
            {
                best = Some((*k, i));
            }
        }
        best.map(|(_, i)| i)
    }

    #[inline]
    fn sift_up(&mut self, mut i: usize) {
        let (key, event) = (self.keys[i], self.events[i]);
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if self.keys[parent] <= key {
                break;
            }
            self.keys[i] = self.keys[parent];
            self.events[i] = self.events[parent];
            i = parent;
        }
        self.keys[i] = key;
        self.events[i] = event;
    }

    /// Puts (`key`, `event`) at the root's place and moves it down to where it belongs.
    #[inline]
    fn sift_down(&mut self, key: Key, event: E) {
        let n = self.keys.len();
        let mut i = 0;
        loop {
            let first = i * ARITY + 1;
            // The smallest of the (up to four) children: a full family compared without a loop.
            let (child, child_key) = if first + ARITY <= n {
                let k: &[Key; ARITY] = self.keys[first..first + ARITY]
                    .try_into()
                    .expect("a slice of ARITY keys");
                let (a, ka) = if k[1] < k[0] { (1, k[1]) } else { (0, k[0]) };
                let (b, kb) = if k[3] < k[2] { (3, k[3]) } else { (2, k[2]) };
                if kb < ka {
                    (first + b, kb)
                } else {
                    (first + a, ka)
                }
            } else if first < n {
                let mut best = (first, self.keys[first]);
                for (c, &k) in self.keys[first..n].iter().enumerate().skip(1) {
                    if k < best.1 {
                        best = (first + c, k);
                    }
                }
                best
            } else {
                break;
            };
            if key <= child_key {
                break;
            }
            self.keys[i] = child_key;
            self.events[i] = self.events[child];
            i = child;
        }
        self.keys[i] = key;
        self.events[i] = event;
    }

    /// Drops every pending event, lanes included: a run that must stop at once (model::center's memory
    /// guard) empties its queue so that its loop ends.
    pub fn clear(&mut self) {
        self.keys.clear();
        self.events.clear();
        self.lanes.iter_mut().for_each(|l| *l = None);
        self.first_lane = None;
    }

    /// The memory the heap holds (its allocated capacity), in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.keys.capacity() * std::mem::size_of::<Key>()
            + self.events.capacity() * std::mem::size_of::<E>()
    }

    /// Pending events, lanes included.
    pub fn len(&self) -> usize {
        self.keys.len() + self.lanes.iter().filter(|l| l.is_some()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_patterns_order_like_times() {
        let times: [f64; 8] = [0.0, 1e-300, 0.25, 1.0, 1.5, 2.0, 1e9, 1e300];
        for w in times.windows(2) {
            assert!(w[0].to_bits() < w[1].to_bits());
        }
        let mut q = EventQueue::new();
        q.schedule(-0.0, 'z');
        q.schedule(0.0, 'y');
        assert_eq!(q.pop(), Some((0.0, 'z')));
    }

    #[test]
    fn pops_in_time_order_and_ties_in_scheduling_order() {
        let mut q = EventQueue::new();
        for (t, e) in [(5.0, 'a'), (1.0, 'b'), (5.0, 'c'), (0.5, 'd'), (5.0, 'e')] {
            q.schedule(t, e);
        }
        let order: Vec<(f64, char)> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            [(0.5, 'd'), (1.0, 'b'), (5.0, 'a'), (5.0, 'c'), (5.0, 'e')]
        );
        assert!(q.is_empty());
    }

    /// Against a sorted reference: random schedules, pops interleaved, lanes mixed in, equal times common.
    #[test]
    fn pops_like_a_sorted_list_with_lanes() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(5);
        for round in 0..50 {
            let lanes = round % 4;
            let mut q: EventQueue<u32> = EventQueue::with_lanes(lanes);
            // Reference: (time, sequence, id) of pending events; lanes tracked by whether they are pending.
            let mut pending: Vec<(f64, u64, u32)> = Vec::new();
            let mut lane_of: Vec<Option<usize>> = Vec::new();
            let (mut seq, mut now) = (0u64, 0.0);
            for step in 0..400u32 {
                if rng.next_u32() % 3 != 0 {
                    let t = now + f64::from(rng.next_u32() % 8);
                    seq += 1;
                    let free = (0..lanes).find(|l| !lane_of.contains(&Some(*l)));
                    let use_lane = free.filter(|_| rng.next_u32() % 2 == 0);
                    match use_lane {
                        Some(l) => q.schedule_in_lane(l, t, step),
                        None => q.schedule(t, step),
                    }
                    pending.push((t, seq, step));
                    lane_of.push(use_lane);
                } else if !pending.is_empty() {
                    let i = (0..pending.len())
                        .min_by(|&a, &b| {
                            pending[a]
                                .0
                                .total_cmp(&pending[b].0)
                                .then(pending[a].1.cmp(&pending[b].1))
                        })
                        .expect("not empty");
                    let (t, _, id) = pending.remove(i);
                    lane_of.remove(i);
                    assert_eq!(q.pop(), Some((t, id)));
                    now = t;
                }
                assert_eq!(q.len(), pending.len());
            }
        }
    }
}
