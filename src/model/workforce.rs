//! Absence and shrinkage draws keyed by what they are about, not by the order they are made in.
//!
//! Whether a scheduled agent is absent is a pure function of (seed, replication, group name, day, seat) for
//! a size plan and of (seed, replication, group name, day, shift, agent of the shift) for shifts: a
//! counter-based draw (SplitMix64's finaliser over the key, Steele, Lea and Flood 2014) instead of the next
//! number of a sequential stream. So two staffing plans that differ in one interval or one shift draw the
//! same absences everywhere else: seat 7 of the phone team is absent on day 3 in both or in neither, whatever
//! the peak head-count or the other days' plans. Common random numbers hold exactly where a planner needs
//! them (docs/engine.md, "Random streams and their keys").
//!
//! Shrinkage (the share of scheduled time spent off the phones) is drawn per (group, interval): see
//! [`Shrinkage`] for why it is a randomized rounding of the share rather than a draw per agent.

use crate::scenario::Shift;
use crate::seed::{Purpose, mix, stream_seed};

/// The whole-day absence draws of one group in one replication.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Absence {
    base: u64,
    absence: f64,
}

/// Mixed into a shift agent's key so that it never meets a seat's key.
const SHIFT_KEY: u64 = 0x5417_7000_0000_0001_u64;

impl Absence {
    pub fn new(seed: u64, replication: u64, group_key: u64, absence: f64) -> Self {
        Absence {
            base: stream_seed(seed, replication, group_key, Purpose::Absence),
            absence,
        }
    }

    /// Whether the group has any absence at all (no draw is made without).
    pub fn any(&self) -> bool {
        self.absence > 0.0
    }

    fn uniform(&self, a: u64, b: u64, c: u64) -> f64 {
        keyed_uniform(self.base, a, b, c)
    }

    /// Whether seat `seat` of a size-planned group is present on day `day`.
    pub fn seat_present(&self, day: i64, seat: u32) -> bool {
        !self.any() || self.uniform(day as u64, u64::from(seat), 0) >= self.absence
    }

    /// Whether agent `k` of the shift keyed `shift` ([`shift_keys`]) is present on day `day`.
    pub fn shift_agent_present(&self, day: i64, shift: u64, k: u32) -> bool {
        !self.any() || self.uniform(day as u64, shift ^ SHIFT_KEY, u64::from(k)) >= self.absence
    }
}

/// A uniform number in [0, 1) with 53 bits, a pure function of the stream and the key.
fn keyed_uniform(base: u64, a: u64, b: u64, c: u64) -> f64 {
    let h = mix(mix(mix(base ^ a) ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15)) ^ c);
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The shrinkage draws of one group in one replication: how many of the agents who would be on the floor
/// are off the phones (meetings, coaching, off-phone work) in a reporting interval.
///
/// Of `n` agents, ⌊s·n⌋ are off, plus one more with probability frac(s·n), the draw being one uniform
/// number keyed by (group, interval): a randomized rounding. Its mean is exactly s·n, so the expected
/// staffed time is (1 − s) × the time that would be staffed, and it never strays more than one agent from
/// s·n. An independent draw per agent would have the same mean but a binomial spread (20 agents at 30%:
/// 6 ± 2 off), which is not how planned off-phone work behaves: meetings and coaching are scheduled so
/// that about the planned share is off, and a plan of ⌈n / (1 − s)⌉ positions (docs/planning.md, `erlang
/// --shrinkage`) then keeps n on the phones, as the planner assumes. One draw per interval, not per agent,
/// also keeps common random numbers: the count depends on the interval's key and head-count only, so
/// another interval's or another day's plan never moves it; and for a fixed draw it rises by at most one
/// when the head-count rises by one, so more agents never put fewer on the phones.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shrinkage {
    base: u64,
    share: f64,
}

impl Shrinkage {
    pub fn new(seed: u64, replication: u64, group_key: u64, share: f64) -> Self {
        Shrinkage {
            base: stream_seed(seed, replication, group_key, Purpose::Shrinkage),
            share,
        }
    }

    /// Whether the group loses any time to shrinkage (no draw is made without).
    pub fn any(&self) -> bool {
        self.share > 0.0
    }

    /// How many of `n` agents are off the phones in reporting interval `index`.
    pub fn off(&self, index: i64, n: u32) -> u32 {
        if !self.any() || n == 0 {
            return 0;
        }
        let x = self.share * f64::from(n);
        let whole = x.floor();
        let up = keyed_uniform(self.base, index as u64, 0, 0) < x - whole;
        (whole as u32 + u32::from(up)).min(n)
    }
}

/// A key per shift from what the shift is (start, length, weekdays) and, among identical shifts, which one
/// it is: resizing any shift, or adding or removing a shift that has no identical twin, leaves the other
/// shifts' draws alone (removing the first of two identical shifts hands its draws to the second).
pub(crate) fn shift_keys(shifts: &[Shift]) -> Vec<u64> {
    shifts
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let twin = |o: &Shift| {
                o.start_s == s.start_s && o.duration_s == s.duration_s && o.weekdays == s.weekdays
            };
            let nth = shifts[..i].iter().filter(|o| twin(o)).count() as u64;
            let days = s
                .weekdays
                .iter()
                .enumerate()
                .fold(0u64, |acc, (d, &on)| acc | (u64::from(on) << d));
            mix(mix(mix(s.start_s.to_bits()) ^ s.duration_s.to_bits()) ^ (days << 32 | nth))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_depend_on_the_key_only_and_match_the_absence() {
        let a = Absence::new(7, 2, 11, 0.3);
        // Pure: the same key gives the same answer in any order.
        let first: Vec<bool> = (0..50).map(|s| a.seat_present(3, s)).collect();
        let again: Vec<bool> = (0..50).rev().map(|s| a.seat_present(3, s)).collect();
        assert!(first.iter().eq(again.iter().rev()));
        // About 30% absent over many keys: 20,000 draws, 4.3 standard deviations = 0.014.
        let n = 20_000;
        let present = (0..n)
            .filter(|&i| a.seat_present(i64::from(i / 100), i % 100))
            .count();
        assert!((present as f64 / f64::from(n) - 0.7).abs() < 0.014);
        let none = Absence::new(7, 2, 11, 0.0);
        assert!((0..100).all(|s| none.seat_present(1, s)));
        // Other days, replications and groups draw differently.
        let other: Vec<bool> = (0..50).map(|s| a.seat_present(4, s)).collect();
        assert_ne!(first, other);
        let b = Absence::new(7, 3, 11, 0.3);
        assert_ne!(
            first,
            (0..50).map(|s| b.seat_present(3, s)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn shrinkage_rounds_the_share_at_random_and_keeps_its_mean() {
        let s = Shrinkage::new(7, 2, 11, 0.25);
        // 10 agents at 25%: 2 or 3 off, never anything else, 2.5 on average. Over 20,000 intervals the
        // mean's standard deviation is 0.5 / sqrt(20,000) = 0.0035: 4.5 of them is 0.016.
        let n = 20_000;
        let offs: Vec<u32> = (0..n).map(|i| s.off(i - 500, 10)).collect();
        assert!(offs.iter().all(|&k| k == 2 || k == 3));
        let mean = offs.iter().map(|&k| f64::from(k)).sum::<f64>() / n as f64;
        assert!((mean - 2.5).abs() < 0.016, "{mean}");
        // A whole share is exact; none draws nothing; never more than the agents there.
        assert!((0..100).all(|i| Shrinkage::new(7, 2, 11, 0.3).off(i, 20) == 6));
        assert!((0..100).all(|i| Shrinkage::new(7, 2, 11, 0.0).off(i, 20) == 0));
        assert!((0..100).all(|i| s.off(i, 0) == 0 && s.off(i, 1) <= 1));
        // Pure and monotone: the same interval gives the same count, one agent more adds at most one off
        // (so never fewer on the phones).
        for i in 0..200 {
            assert_eq!(s.off(i, 17), s.off(i, 17));
            for m in 0..40 {
                let (a, b) = (s.off(i, m), s.off(i, m + 1));
                assert!(
                    b == a || b == a + 1,
                    "interval {i}: {m} -> {a}, {} -> {b}",
                    m + 1
                );
            }
        }
        // Other replications and groups draw differently.
        let other = Shrinkage::new(7, 3, 11, 0.25);
        assert_ne!(
            offs[..64],
            (0..64).map(|i| other.off(i - 500, 10)).collect::<Vec<_>>()[..]
        );
    }

    #[test]
    fn shift_keys_are_stable_under_other_shifts() {
        let shift = |start: f64, agents: u32| Shift {
            weekdays: [true; 7],
            start_s: start,
            duration_s: 8.0 * 3600.0,
            agents,
            breaks: Vec::new(),
        };
        let a = shift_keys(&[shift(0.0, 3), shift(3600.0, 2), shift(3600.0, 5)]);
        let b = shift_keys(&[shift(0.0, 9), shift(3600.0, 2), shift(3600.0, 1)]);
        assert_eq!(a, b, "agents do not key a shift");
        assert_ne!(a[1], a[2], "identical shifts are told apart");
        let c = shift_keys(&[shift(3600.0, 2), shift(3600.0, 5)]);
        assert_eq!(&a[1..], &c[..], "removing another shift keeps the keys");
    }
}
