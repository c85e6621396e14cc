//! A generic discrete-event core: simulated time and a future-event list. It knows nothing of contact
//! centers; `model` supplies the event type and what each event does.
//!
//! Events are ordered by (time, sequence number): ties run in the order they were scheduled, which makes a
//! run a pure function of its inputs and seed (the convention of nexosim and dslab).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Simulated time in seconds since the start of the run (the start of the warm-up).
pub type SimTime = f64;

/// An event with its ordering key: the time's bits in the high half, the sequence number in the low half.
/// For non-negative finite times the IEEE-754 bit pattern orders exactly like the number, so one integer
/// comparison orders by (time, sequence): cheaper than `f64::total_cmp` followed by a tie-break.
struct Entry<E> {
    key: u128,
    event: E,
}

impl<E> Entry<E> {
    fn time(&self) -> SimTime {
        f64::from_bits((self.key >> 64) as u64)
    }
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed so that `BinaryHeap` (a max-heap) pops the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// The future-event list: a binary heap keyed by (time, sequence).
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(1024),
            seq: 0,
        }
    }

    /// Schedules `event` at `time`; among events at the same time, earlier calls run first.
    #[inline]
    pub fn schedule(&mut self, time: SimTime, event: E) {
        // The bit-pattern order needs +0.0 or a positive finite time (-0.0 becomes +0.0 by adding 0.0).
        debug_assert!(
            time.is_finite() && time >= 0.0,
            "events are scheduled at finite times >= 0"
        );
        self.seq += 1;
        let key = (u128::from((time + 0.0).to_bits()) << 64) | u128::from(self.seq);
        self.heap.push(Entry { key, event });
    }

    /// Removes and returns the next event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap.pop().map(|e| (e.time(), e.event))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
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
}
