//! A log-linear histogram of waiting times for percentiles (HDR-histogram style).
//!
//! Waits below 1 s fall in linear buckets of 1/64 s; from 1 s up, each power of two is split into 64 buckets,
//! so a reported percentile (the bucket midpoint) is within 1/128 (0.8%) of the true value. Zero waits (an
//! agent was free) are counted apart. Memory is fixed (about 18 KB) whatever the number of contacts.

const SUB: usize = 64; // buckets per power of two
const SCALE: f64 = 64.0; // linear resolution below 1 s: 1/64 s
const MAX_EXP: usize = 40; // values up to 2^40/64 s (about 540 years) are resolved; larger ones are clamped
const BUCKETS: usize = SUB + (MAX_EXP - 6) * SUB;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WaitHistogram {
    zero: u64,
    counts: Box<[u64]>,
    total: u64,
}

impl Default for WaitHistogram {
    fn default() -> Self {
        WaitHistogram {
            zero: 0,
            counts: vec![0; BUCKETS].into_boxed_slice(),
            total: 0,
        }
    }
}

#[inline]
fn bucket(wait_s: f64) -> usize {
    let x = wait_s * SCALE;
    if x < SUB as f64 {
        return x as usize;
    }
    // x >= 64: exponent e >= 6 and the top 6 mantissa bits pick the sub-bucket.
    let bits = x.to_bits();
    let e = ((bits >> 52) & 0x7ff) as usize - 1023;
    let sub = ((bits >> 46) & 0x3f) as usize;
    (SUB + (e - 6) * SUB + sub).min(BUCKETS - 1)
}

/// The lower and upper edge of a bucket, in seconds.
fn edges(i: usize) -> (f64, f64) {
    if i < SUB {
        return (i as f64 / SCALE, (i + 1) as f64 / SCALE);
    }
    let e = (i - SUB) / SUB + 6;
    let sub = (i - SUB) % SUB;
    let width = 2f64.powi(e as i32 - 6);
    let lo = 2f64.powi(e as i32) + sub as f64 * width;
    (lo / SCALE, (lo + width) / SCALE)
}

impl WaitHistogram {
    /// Memory one histogram holds, in bytes.
    pub const BYTES: usize = BUCKETS * std::mem::size_of::<u64>();

    #[inline]
    pub fn record(&mut self, wait_s: f64) {
        self.total += 1;
        if wait_s <= 0.0 {
            self.zero += 1;
        } else {
            self.counts[bucket(wait_s)] += 1;
        }
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    /// Adds another histogram's counts (pooling replications).
    pub fn add(&mut self, other: &WaitHistogram) {
        self.zero += other.zero;
        self.total += other.total;
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a += b;
        }
    }

    /// Share of the recorded waits of at most `t` seconds, at bucket resolution (a bucket counts when its
    /// upper edge is at most `t`); `None` if empty.
    pub fn share_at_most(&self, t: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let mut n = self.zero;
        for (i, &c) in self.counts.iter().enumerate() {
            if edges(i).1 > t {
                break;
            }
            n += c;
        }
        Some(n as f64 / self.total as f64)
    }

    /// The q-quantile (0 < q < 1) by the nearest-rank rule, as the midpoint of its bucket; `None` if empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        if rank <= self.zero {
            return Some(0.0);
        }
        let mut seen = self.zero;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let (lo, hi) = edges(i);
                return Some(0.5 * (lo + hi));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_shares_within_a_wait() {
        let mut a = WaitHistogram::default();
        let mut b = WaitHistogram::default();
        for w in [0.0, 0.0, 5.0, 30.0] {
            a.record(w);
        }
        for w in [10.0, 100.0] {
            b.record(w);
        }
        a.add(&b);
        assert_eq!(a.count(), 6);
        assert_eq!(a.share_at_most(0.0), Some(2.0 / 6.0));
        // 5 s and 10 s lie in buckets that end below 20 s; 30 s and 100 s do not.
        assert_eq!(a.share_at_most(20.0), Some(4.0 / 6.0));
        assert_eq!(a.share_at_most(1e6), Some(1.0));
        assert_eq!(WaitHistogram::default().share_at_most(1.0), None);
    }

    #[test]
    fn buckets_cover_their_values() {
        for &v in &[
            0.001,
            0.5,
            0.999,
            1.0,
            1.5,
            20.0,
            63.9,
            64.0,
            1000.0,
            86_400.0 * 30.0,
        ] {
            let (lo, hi) = edges(bucket(v));
            assert!(lo <= v && v < hi, "{v} not in [{lo}, {hi})");
            assert!((hi - lo) / lo.max(1.0) <= 1.0 / 64.0 + 1e-12);
        }
    }

    #[test]
    fn quantiles_are_within_resolution() {
        let mut h = WaitHistogram::default();
        for i in 0..100 {
            h.record(if i < 50 { 0.0 } else { i as f64 });
        }
        assert_eq!(h.quantile(0.5), Some(0.0));
        // nearest rank 90 of 100 is the value 89
        let p90 = h.quantile(0.9).unwrap();
        assert!((p90 / 89.0 - 1.0).abs() < 1.0 / 128.0, "{p90}");
        assert_eq!(WaitHistogram::default().quantile(0.9), None);
    }
}
