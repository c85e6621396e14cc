//! Experiments: replications of a scenario in parallel on rayon, each seeded from (seed, replication).
//!
//! Replication results come back in replication order whatever the thread count, so every report built
//! from them is bit-identical on 1 thread or many.

pub mod seed;

use crate::model::center::simulate;
use crate::scenario::Scenario;
use crate::stats::ReplicationTally;
use rayon::prelude::*;

/// Runs every replication of `scenario` on the current rayon pool.
pub fn run_replications(scenario: &Scenario) -> Vec<ReplicationTally> {
    (0..u64::from(scenario.replications))
        .into_par_iter()
        .map(|r| simulate(scenario, r))
        .collect()
}

/// Runs the replications on a pool of `threads` threads (`None`: rayon's default, one per core).
pub fn run_replications_on(
    scenario: &Scenario,
    threads: Option<usize>,
) -> Result<Vec<ReplicationTally>, rayon::ThreadPoolBuildError> {
    match threads {
        None => Ok(run_replications(scenario)),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build()?;
            Ok(pool.install(|| run_replications(scenario)))
        }
    }
}
