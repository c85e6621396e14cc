//! The staffing planner: requirement by simulation, shifts by integer programming, a roster checked by
//! simulation (docs/planning.md).
//!
//! - [`requirement`]: the Erlang starting point per group and interval, the judge of targets, and the
//!   search by simulation with common random numbers.
//! - [`cover`]: the least-cost shifts (breaks placed inside the optimisation) covering a requirement; pure
//!   mathematics on interval indices.
//! - [`roster`]: a scenario's shift templates as a cover problem, and the solved shifts back as scenario
//!   shifts.
//! - [`plan`]: the whole pipeline, with the check on fresh replications and the repair loop.

pub mod cover;
pub mod plan;
pub mod requirement;
pub mod roster;

pub use plan::{Plan, PlanInputs, plan};

/// Why a plan could not be made (bad targets for an exact formula, a staffing edit out of bounds, a
/// shift problem the solver rejects).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("the Erlang starting point: {0}")]
    Erlang(#[from] crate::staffing::erlang::ErlangError),
    #[error(transparent)]
    Staffing(#[from] crate::scenario::StaffingError),
    /// The final check's run stopped (a replication outgrew its share of the memory limit).
    #[error(transparent)]
    Run(#[from] crate::experiment::RunError),
    #[error("the shift stage: {0}")]
    Cover(#[from] cover::CoverError),
    #[error("{0}")]
    Requirement(String),
}
