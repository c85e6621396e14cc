//! The memory guard of one replication: the contacts it holds (waiting, open cases, their timers in the
//! event queue) may not outgrow its share of the run's memory limit (experiment::memory). A center that
//! cannot keep up (one agent, a million arrivals an hour, nobody hanging up) would otherwise grow its queue
//! until the machine runs out.
//!
//! Checked only where the structures holding contacts grow (a `Vec` or `VecDeque` about to double its
//! buffer) and at interval boundaries: nothing is added per contact. The rule: a replication stops when
//! twice what it holds (what the next doubling of its buffers would make it) passes its share.

/// A replication gets no share: nothing stops it (a library call without a memory limit).
pub const UNLIMITED: u64 = u64::MAX;

/// Whether memory held now, `held` bytes, could pass `budget` at the next doubling of its buffers.
#[inline]
pub(crate) fn over(held: usize, budget: u64) -> bool {
    budget != UNLIMITED && (held as u64).saturating_mul(2) > budget
}

/// A replication held more contacts than its share of the memory limit allows: the center cannot keep up
/// with its arrivals.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct Overload {
    /// Counted from 1, as users count replications.
    pub replication: u64,
    /// Contacts waiting on `channel` when it stopped.
    pub waiting: u64,
    /// When, in seconds since the start of the horizon (negative in the warm-up).
    pub at_s: f64,
    /// The channel with the most contacts waiting.
    pub channel: String,
    /// Offered load (arrivals times mean handle time) over the agents on duty for the channel; `None` when
    /// none is.
    pub load: Option<f64>,
    /// Bytes held, and the replication's share of the memory limit.
    pub held_bytes: u64,
    pub budget_bytes: u64,
    message: String,
}

impl Overload {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        replication: u64,
        waiting: u64,
        at_s: f64,
        channel: &str,
        load: Option<f64>,
        held_bytes: u64,
        budget_bytes: u64,
    ) -> Overload {
        let when = if at_s < 0.0 {
            "in the warm-up".to_string()
        } else {
            format!("at {:.1} h", at_s / 3600.0)
        };
        let load_text = match load {
            Some(x) if x >= 10.0 => format!("load {x:.0}x"),
            Some(x) => format!("load {x:.1}x"),
            None => "no agent on duty".to_string(),
        };
        let message = format!(
            "replication {replication}: {} contacts waiting {when} on channel {channel}: the center cannot keep up ({load_text}); add agents or patience, or shorten the horizon (the run stopped before the contacts it holds passed its share of the memory limit, {}; see SUPPORTSIM_MEMORY_LIMIT in docs/engine.md)",
            grouped(waiting),
            bytes_text(budget_bytes)
        );
        Overload {
            replication,
            waiting,
            at_s,
            channel: channel.to_string(),
            load,
            held_bytes,
            budget_bytes,
            message,
        }
    }
}

/// `n` with thousands separators: 41,000,000.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// A size in bytes as people read it: 64 MiB, 1.9 GiB.
pub fn bytes_text(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KIB * KIB * KIB {
        format!("{:.1} GiB", b / (KIB * KIB * KIB))
    } else if b >= KIB * KIB {
        format!("{:.0} MiB", b / (KIB * KIB))
    } else if b >= KIB {
        format!("{:.0} KiB", b / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_sizes_read_as_people_write_them() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(41_000_000), "41,000,000");
        assert_eq!(bytes_text(64 << 20), "64 MiB");
        assert_eq!(bytes_text(3 << 29), "1.5 GiB");
        assert!(!over(usize::MAX, UNLIMITED));
        assert!(over(33, 64) && !over(32, 64));
    }
}
