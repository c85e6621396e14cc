//! Experiments: replications of a scenario in parallel on rayon, each seeded from (seed, replication)
//! (the model derives every stream from them with [`crate::seed`]).
//!
//! Replication results come back in replication order whatever the thread count, so every report built
//! from them is bit-identical on 1 thread or many.

pub mod memory;
pub mod shard;
pub mod sweep;

use crate::model::limit::bytes_text;
use crate::model::{Compiled, Overload, simulate_compiled, simulate_within};
use crate::scenario::{Scenario, Staffing, StaffingError};
use crate::stats::ReplicationTally;
use rayon::prelude::*;
use std::ops::Range;

/// Why a run is refused before it starts, or stopped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    /// The run would not fit in the memory limit (experiment::memory).
    #[error(
        "{replications} replications of {intervals} intervals would hold about {total} in memory ({results} of replication results, {outputs} for the workbook and the tables), more than the memory limit of {limit}; use fewer replications or a longer interval, or raise the limit with SUPPORTSIM_MEMORY_LIMIT (docs/engine.md, \"Memory\")"
    )]
    TooLarge {
        replications: u32,
        intervals: usize,
        /// The sizes, as people read them (64 MiB, 1.9 GiB).
        total: String,
        results: String,
        outputs: String,
        limit: String,
    },
    /// SUPPORTSIM_MEMORY_LIMIT is not a size.
    #[error(
        "SUPPORTSIM_MEMORY_LIMIT={text:?}: not a size; give bytes or a size such as 8GiB, 512MiB or 16GB"
    )]
    BadLimit { text: String },
    /// A replication outgrew its share of the memory limit: its queue grew without bound.
    #[error(transparent)]
    Overloaded(#[from] Overload),
    /// A staffing made for another model.
    #[error(transparent)]
    Staffing(#[from] StaffingError),
}

/// Memory the replication results of `scenario` will hold (tallies and the summary's samples of them).
pub fn result_bytes(scenario: &Scenario) -> u64 {
    memory::Estimate::of(scenario).results
}

/// Refuses a run that would not fit in the memory limit (experiment::memory; SUPPORTSIM_MEMORY_LIMIT),
/// saying how to shrink it, before anything runs.
pub fn check_size(scenario: &Scenario) -> Result<(), RunError> {
    check_size_within(scenario, memory::limit()?)
}

/// [`check_size`] against a given limit in bytes.
pub fn check_size_within(scenario: &Scenario, limit: u64) -> Result<(), RunError> {
    let e = memory::Estimate::of(scenario);
    if e.peak() > limit {
        return Err(RunError::TooLarge {
            replications: scenario.replications,
            intervals: scenario.intervals(),
            total: bytes_text(e.peak()),
            results: bytes_text(e.results),
            outputs: bytes_text(e.outputs),
            limit: bytes_text(limit),
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
    /// The memory limit its runs share (experiment::memory), in bytes.
    memory_limit: u64,
}

impl Runner {
    /// A pool of exactly `threads` threads (`None`: one per core; [`useful_threads`] says how many help),
    /// under the memory limit of [`memory::limit`] (SUPPORTSIM_MEMORY_LIMIT, else half the machine's
    /// memory; a limit that does not parse, which [`check_size`] refuses, counts as the default).
    pub fn new(threads: Option<usize>) -> Result<Runner, RunnerError> {
        let n = threads.unwrap_or(0);
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map(|pool| Runner {
                pool,
                memory_limit: memory::limit().unwrap_or_else(|_| memory::default_limit()),
            })
            .map_err(|source| RunnerError { threads: n, source })
    }

    /// The same pool under another memory limit, in bytes.
    pub fn with_memory_limit(self, bytes: u64) -> Runner {
        Runner {
            memory_limit: bytes,
            ..self
        }
    }

    pub fn memory_limit(&self) -> u64 {
        self.memory_limit
    }

    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Runs `op` on the pool: parallel iterators inside it (a backtest's days × replications) use its
    /// threads.
    pub fn install<R: Send>(&self, op: impl FnOnce() -> R + Send) -> R {
        self.pool.install(op)
    }

    /// Every replication of `scenario` with its own seed and staffing (compiled once); an error if one
    /// outgrew its share of the memory limit.
    pub fn run_scenario(&self, scenario: &Scenario) -> Result<Vec<ReplicationTally>, RunError> {
        self.run_scenario_with(scenario, &|| {})
    }

    /// [`Runner::run_scenario`], calling `progress` once after each replication (from worker threads).
    pub fn run_scenario_with(
        &self,
        scenario: &Scenario,
        progress: &(dyn Fn() + Sync),
    ) -> Result<Vec<ReplicationTally>, RunError> {
        let model = Compiled::new(scenario);
        self.run(
            &model,
            model.staffing(),
            scenario.seed,
            0..u64::from(scenario.replications),
            progress,
        )
    }

    /// Runs replications `replications` of `model` under `staffing`, in replication order; `progress` is
    /// called once after each replication finishes (from worker threads). Refuses a staffing made for
    /// another model (Staffing::same_shape).
    ///
    /// Each replication may hold contacts up to its share of the memory limit (what the results leave,
    /// over the replications running at once: [`memory::replication_budget`]); one that outgrows it stops
    /// the run with [`RunError::Overloaded`] (when several do, any one of them is reported).
    pub fn run(
        &self,
        model: &Compiled,
        staffing: &Staffing,
        seed: u64,
        replications: Range<u64>,
        progress: &(dyn Fn() + Sync),
    ) -> Result<Vec<ReplicationTally>, RunError> {
        staffing.same_shape(model.staffing())?;
        let count = replications.end.saturating_sub(replications.start);
        let estimate = memory::Estimate::of_replications(model.scenario(), count);
        let running = count.min(self.threads() as u64);
        let budget = memory::replication_budget(&estimate, self.memory_limit, running);
        let tallies = self.pool.install(|| {
            replications
                .into_par_iter()
                .map(|r| {
                    let t = simulate_within(model, staffing, seed, r, budget);
                    progress();
                    t
                })
                .collect::<Result<Vec<_>, Overload>>()
        })?;
        Ok(tallies)
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
        Some(n) => {
            let runner =
                Runner::new(Some(n.max(1)))?.with_memory_limit(crate::model::limit::UNLIMITED);
            Ok(runner
                .run_scenario(scenario)
                .expect("its own staffing, and no memory limit"))
        }
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
