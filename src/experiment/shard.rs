//! Shards: a run's work items, (scenario or sweep point, replication), cut into `count` contiguous ranges
//! so that the tasks of a job array each run one range on their own machine. An item is seeded from (seed,
//! scenario, replication), never from the shard, so the parts put together are the whole run, bit for bit.
//!
//! The shard comes from `--shard I/N` or from the scheduler's environment: Slurm job arrays
//! (SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT, or SLURM_ARRAY_TASK_MIN/MAX), Kubernetes Indexed Jobs
//! (JOB_COMPLETION_INDEX, with the count given) and AWS Batch array jobs (AWS_BATCH_JOB_ARRAY_INDEX, with
//! the count given).

use std::ops::Range;

/// Shard `index` of `count` (0-based: shards `0/4` to `3/4` make a whole run of four).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// Why a shard could not be worked out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error(
        "--shard {0}: write INDEX/COUNT with 0 <= INDEX < COUNT, e.g. --shard 0/4 ... --shard 3/4"
    )]
    Malformed(String),
    #[error(
        "{var}={value}: not a whole number (set by the scheduler; unset it or give --shard I/N)"
    )]
    BadVariable { var: &'static str, value: String },
    #[error(
        "{var} is set ({index}) but not how many tasks there are: give --shard {index}/N (or, under Slurm, \
         run as a job array so that SLURM_ARRAY_TASK_COUNT is set)"
    )]
    NoCount { var: &'static str, index: u64 },
    #[error(
        "the scheduler's task {index} is outside 0..{count} (from {var}): check the array's range"
    )]
    OutOfRange {
        var: &'static str,
        index: u64,
        count: u64,
    },
}

/// The most shards a run may be cut into (more tasks than that would each run almost nothing).
pub const MAX_SHARDS: u32 = 100_000;

impl Shard {
    /// Parses `I/N`.
    pub fn parse(text: &str) -> Result<Shard, ShardError> {
        let bad = || ShardError::Malformed(text.to_string());
        let (i, n) = text.trim().split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count || count > MAX_SHARDS {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The shard the scheduler's environment describes, if any: `var` reads a variable (the process
    /// environment in the CLI; a map in tests). `count` is a count given on the command line, for
    /// schedulers that do not publish one (Kubernetes, AWS Batch).
    pub fn from_env(
        var: impl Fn(&str) -> Option<String>,
        count: Option<u32>,
    ) -> Result<Option<Shard>, ShardError> {
        let number = |name: &'static str| -> Result<Option<u64>, ShardError> {
            match var(name) {
                None => Ok(None),
                Some(v) if v.trim().is_empty() => Ok(None),
                Some(v) => v
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| ShardError::BadVariable {
                        var: name,
                        value: v,
                    }),
            }
        };
        let (var_name, index, published) = if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
            // Arrays may start anywhere (--array=1-4): the index counts from the smallest task id.
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let n = match number("SLURM_ARRAY_TASK_COUNT")? {
                Some(n) => Some(n),
                None => number("SLURM_ARRAY_TASK_MAX")?.map(|max| max.saturating_sub(min) + 1),
            };
            ("SLURM_ARRAY_TASK_ID", id.saturating_sub(min), n)
        } else if let Some(i) = number("JOB_COMPLETION_INDEX")? {
            ("JOB_COMPLETION_INDEX", i, None)
        } else if let Some(i) = number("AWS_BATCH_JOB_ARRAY_INDEX")? {
            ("AWS_BATCH_JOB_ARRAY_INDEX", i, None)
        } else {
            return Ok(None);
        };
        let Some(n) = count.map(u64::from).or(published) else {
            return Err(ShardError::NoCount {
                var: var_name,
                index,
            });
        };
        if index >= n || n > u64::from(MAX_SHARDS) {
            return Err(ShardError::OutOfRange {
                var: var_name,
                index,
                count: n,
            });
        }
        Ok(Some(Shard {
            index: index as u32,
            count: n as u32,
        }))
    }

    /// This shard's items of `total`: the `index`-th of `count` contiguous ranges, as equal as can be
    /// (the first `total % count` ranges one item longer). Some are empty when there are more shards than
    /// items.
    pub fn items(&self, total: u64) -> Range<u64> {
        let (i, n) = (u64::from(self.index), u64::from(self.count));
        let at = |k: u64| k * (total / n) + k.min(total % n);
        at(i)..at(i + 1)
    }
}

/// The items of `range` that fall in block `block` of `per` items (scenario or point `block`, its
/// replications `0..per`), as replication numbers.
pub fn replications_in(range: &Range<u64>, block: u64, per: u64) -> Range<u64> {
    let (start, end) = (block * per, (block + 1) * per);
    let (a, b) = (range.start.max(start), range.end.min(end));
    if a >= b {
        0..0
    } else {
        (a - start)..(b - start)
    }
}

/// A 64-bit FNV-1a hash: stable across machines, versions of Rust and runs (unlike `std`'s hasher), for
/// fingerprints of what a part was computed from.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_every_item_once_in_order() {
        for total in [0u64, 1, 5, 10, 40, 41, 1000] {
            for count in [1u32, 2, 3, 4, 7, 40, 64] {
                let mut next = 0;
                for index in 0..count {
                    let r = Shard { index, count }.items(total);
                    assert_eq!(r.start, next, "{index}/{count} of {total}");
                    assert!(r.end >= r.start);
                    // As equal as can be: lengths differ by at most one.
                    assert!(r.end - r.start <= total.div_ceil(u64::from(count)));
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
    }

    #[test]
    fn parses_the_flag_and_refuses_what_is_not_a_shard() {
        assert_eq!(Shard::parse("3/4"), Ok(Shard { index: 3, count: 4 }));
        for bad in ["4/4", "1/0", "-1/4", "1", "a/b", "1/4/2", ""] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_the_schedulers_variables() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let shard = |index, count| Ok(Some(Shard { index, count }));
        assert_eq!(Shard::from_env(env(&[]), None), Ok(None));
        assert_eq!(
            Shard::from_env(
                env(&[
                    ("SLURM_ARRAY_TASK_ID", "2"),
                    ("SLURM_ARRAY_TASK_COUNT", "4")
                ]),
                None
            ),
            shard(2, 4)
        );
        // --array=1-4: task ids 1..=4 are shards 0..=3.
        assert_eq!(
            Shard::from_env(
                env(&[
                    ("SLURM_ARRAY_TASK_ID", "4"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                    ("SLURM_ARRAY_TASK_MAX", "4")
                ]),
                None
            ),
            shard(3, 4)
        );
        assert_eq!(
            Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "5")]), Some(8)),
            shard(5, 8)
        );
        assert_eq!(
            Shard::from_env(env(&[("AWS_BATCH_JOB_ARRAY_INDEX", "0")]), Some(3)),
            shard(0, 3)
        );
        assert!(matches!(
            Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "5")]), None),
            Err(ShardError::NoCount { .. })
        ));
        assert!(matches!(
            Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "8")]), Some(8)),
            Err(ShardError::OutOfRange { .. })
        ));
        assert!(matches!(
            Shard::from_env(env(&[("SLURM_ARRAY_TASK_ID", "x")]), None),
            Err(ShardError::BadVariable { .. })
        ));
    }

    #[test]
    fn blocks_of_items_map_to_replications() {
        // Items 5..13 of three scenarios of 4 replications: scenario 1 gets 1..4, scenario 2 gets 0..1 ...
        assert_eq!(replications_in(&(5..13), 0, 4), 0..0);
        assert_eq!(replications_in(&(5..13), 1, 4), 1..4);
        assert_eq!(replications_in(&(5..13), 2, 4), 0..4);
        assert_eq!(replications_in(&(5..13), 3, 4), 0..1);
    }

    #[test]
    fn the_fingerprint_hash_is_fnv1a() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
