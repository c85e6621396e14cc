//! Experiments: replications of a scenario in parallel on rayon, each seeded from (seed, replication)
//! (the model derives every stream from them with [`crate::seed`]).
//!
//! Replication results come back in replication order whatever the thread count, so every report built
//! from them is bit-identical on 1 thread or many.

pub mod shard;
pub mod sweep;

use crate::model::{Compiled, simulate_compiled};
use crate::scenario::{Scenario, Staffing, StaffingError};
use crate::stats::{IntervalTally, ReplicationTally, WaitHistogram};
use rayon::prelude::*;
use std::ops::Range;

/// The most memory a run may use for its replication results (they are all kept until the report is built).
pub const MAX_RESULT_BYTES: u64 = 4 << 30;

/// Memory the replication results of `scenario` will hold: per replication, an interval tally per channel
/// and interval, two time integrals per group and interval, and a wait histogram per channel.
pub fn result_bytes(scenario: &Scenario) -> u64 {
    let intervals = scenario.intervals() as u64;
    let channels = scenario.channels.len() as u64;
    let groups = scenario.groups.len() as u64;
    let tally = std::mem::size_of::<IntervalTally>() as u64;
    // Per channel: one tally per interval, a total and one per class (and, with classes, one per class
    // and interval), and the wait histogram.
    // Per group and interval: staffed, busy, break and shrinkage time.
    // Per channel and interval: the tally, the backlog and the case levels.
    let per_replication = intervals * (channels * (tally + 4 + 48) + groups * 32)
        + scenario
            .channels
            .iter()
            .map(|c| {
                let classes = c.classes.len() as u64;
                let per_interval = if classes > 1 { classes * intervals } else { 0 };
                classes + 1 + per_interval
            })
            .sum::<u64>()
            * tally
        + channels * WaitHistogram::BYTES as u64;
    u64::from(scenario.replications) * per_replication
}

/// Why a run is refused before it starts.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    /// The replication results would not fit in memory.
    #[error(
        "{replications} replications of {intervals} intervals would keep about {gb:.1} GB of results in memory, more than {limit_gb} GB; use fewer replications or a longer interval"
    )]
    TooLarge {
        replications: u32,
        intervals: usize,
        /// The results' size in units of 10^9 bytes.
        gb: f64,
        /// The limit in GiB (`MAX_RESULT_BYTES`).
        limit_gb: u64,
    },
}

/// Refuses a run whose results would not fit in memory, saying how to shrink it.
pub fn check_size(scenario: &Scenario) -> Result<(), RunError> {
    let bytes = result_bytes(scenario);
    if bytes > MAX_RESULT_BYTES {
        return Err(RunError::TooLarge {
            replications: scenario.replications,
            intervals: scenario.intervals(),
            gb: bytes as f64 / 1e9,
            limit_gb: MAX_RESULT_BYTES >> 30,
        });
    }
    Ok(())
}

/// How many worker threads a run gets: at most one per core this process may use and at most one per work
/// item. Each replication keeps one core busy, so more threads than cores only add switching and memory
/// (`--threads 1000` on 2 cores ran 100 times slower than 2; 100,000 threads never finished starting), and
/// a thread beyond the work items would have nothing to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadCount {
    /// The pool's size; `None`: one per core (rayon's default, which also follows RAYON_NUM_THREADS).
    pub threads: Option<usize>,
    /// Why it is fewer than asked for, when it is.
    pub cut: Option<ThreadCut>,
}

/// What a thread count was cut to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadCut {
    /// The cores this process may use.
    Cores(usize),
    /// The work items there are (replications of every scenario or point).
    Items(u64),
}

/// The threads worth starting when `asked` were asked for (`None`: one per core) for `items` work items
/// (`None` when unknown, as for a planner that runs again and again). The cores are
/// `std::thread::available_parallelism`, which follows CPU affinity and cgroup quotas: on a Slurm node or
/// in a container, the CPUs given to the task.
pub fn useful_threads(asked: Option<usize>, items: Option<u64>) -> ThreadCount {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    threads_for(asked, items, cores)
}

fn threads_for(asked: Option<usize>, items: Option<u64>, cores: usize) -> ThreadCount {
    let items = items.map(|n| n.max(1));
    let fits = |n: usize| items.is_none_or(|i| n as u64 <= i);
    match asked {
        None => ThreadCount {
            // One per core, or fewer when there are fewer items; nothing was asked, so nothing was cut.
            threads: items.filter(|&i| (i as usize) < cores).map(|i| i as usize),
            cut: None,
        },
        Some(n) => {
            let n = n.max(1);
            let (mut threads, mut cut) = (n, None);
            if threads > cores {
                (threads, cut) = (cores, Some(ThreadCut::Cores(cores)));
            }
            if let Some(i) = items
                && !fits(threads)
            {
                (threads, cut) = (i as usize, Some(ThreadCut::Items(i)));
            }
            ThreadCount {
                threads: Some(threads),
                cut,
            }
        }
    }
}

/// The worker threads could not be started.
#[derive(Debug, thiserror::Error)]
#[error("cannot start {threads} worker threads: {source}")]
pub struct RunnerError {
    threads: usize,
    source: rayon::ThreadPoolBuildError,
}

/// Runs replications of compiled models on a thread pool built once: a planner, a backtest or a shard asks
/// it again and again without starting threads each time.
///
/// Replication `r` is seeded from (seed, r) alone, so any range of replications gives the same tallies on
/// any pool and any machine, and ranges run apart (shards) concatenate to the whole run.
pub struct Runner {
    pool: rayon::ThreadPool,
}

impl Runner {
    /// A pool of exactly `threads` threads (`None`: one per core); [`useful_threads`] says how many help.
    pub fn new(threads: Option<usize>) -> Result<Runner, RunnerError> {
        let n = threads.unwrap_or(0);
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map(|pool| Runner { pool })
            .map_err(|source| RunnerError { threads: n, source })
    }

    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Runs `op` on the pool: parallel iterators inside it (a backtest's days × replications) use its
    /// threads.
    pub fn install<R: Send>(&self, op: impl FnOnce() -> R + Send) -> R {
        self.pool.install(op)
    }

    /// Every replication of `scenario` with its own seed and staffing (compiled once).
    pub fn run_scenario(&self, scenario: &Scenario) -> Vec<ReplicationTally> {
        self.run_scenario_with(scenario, &|| {})
    }

    /// [`Runner::run_scenario`], calling `progress` once after each replication (from worker threads).
    pub fn run_scenario_with(
        &self,
        scenario: &Scenario,
        progress: &(dyn Fn() + Sync),
    ) -> Vec<ReplicationTally> {
        let model = Compiled::new(scenario);
        self.run(
            &model,
            model.staffing(),
            scenario.seed,
            0..u64::from(scenario.replications),
            progress,
        )
        .expect("a scenario's own staffing fits its model")
    }

    /// Runs replications `replications` of `model` under `staffing`, in replication order; `progress` is
    /// called once after each replication finishes (from worker threads). Refuses a staffing made for
    /// another model (Staffing::same_shape).
    pub fn run(
        &self,
        model: &Compiled,
        staffing: &Staffing,
        seed: u64,
        replications: Range<u64>,
        progress: &(dyn Fn() + Sync),
    ) -> Result<Vec<ReplicationTally>, StaffingError> {
        staffing.same_shape(model.staffing())?;
        Ok(self.pool.install(|| {
            replications
                .into_par_iter()
                .map(|r| {
                    let t = simulate_compiled(model, staffing, seed, r);
                    progress();
                    t
                })
                .collect()
        }))
    }
}

/// Runs every replication of `scenario` (its seed, its staffing) on the current rayon pool.
pub fn run_replications(scenario: &Scenario) -> Vec<ReplicationTally> {
    let model = Compiled::new(scenario);
    (0..u64::from(scenario.replications))
        .into_par_iter()
        .map(|r| simulate_compiled(&model, model.staffing(), scenario.seed, r))
        .collect()
}

/// Runs the replications on a pool of `threads` threads (`None`: rayon's default, one per core).
pub fn run_replications_on(
    scenario: &Scenario,
    threads: Option<usize>,
) -> Result<Vec<ReplicationTally>, RunnerError> {
    match threads {
        None => Ok(run_replications(scenario)),
        Some(n) => Ok(Runner::new(Some(n.max(1)))?.run_scenario(scenario)),
    }
}

#[cfg(test)]
mod tests {
    use super::{ThreadCount, ThreadCut, threads_for};

    #[test]
    fn a_pool_gets_at_most_the_cores_and_the_work_items() {
        let count = |threads, cut| ThreadCount { threads, cut };
        let table = [
            // (asked, items, cores) -> count
            (
                (Some(100_000), Some(2), 2),
                count(Some(2), Some(ThreadCut::Cores(2))),
            ),
            (
                (Some(1000), None, 2),
                count(Some(2), Some(ThreadCut::Cores(2))),
            ),
            (
                (Some(8), Some(3), 16),
                count(Some(3), Some(ThreadCut::Items(3))),
            ),
            // Cut by both: the items are the tighter limit.
            (
                (Some(100), Some(3), 8),
                count(Some(3), Some(ThreadCut::Items(3))),
            ),
            // Within both: as asked.
            ((Some(2), Some(30), 4), count(Some(2), None)),
            ((Some(4), Some(4), 4), count(Some(4), None)),
            // Nothing asked: one per core, or fewer for fewer items, never a note.
            ((None, None, 4), count(None, None)),
            ((None, Some(30), 4), count(None, None)),
            ((None, Some(2), 4), count(Some(2), None)),
            // Zero items still get one thread.
            (
                (Some(4), Some(0), 4),
                count(Some(1), Some(ThreadCut::Items(1))),
            ),
        ];
        for ((asked, items, cores), want) in table {
            assert_eq!(
                threads_for(asked, items, cores),
                want,
                "{asked:?} {items:?} {cores}"
            );
        }
    }
}
