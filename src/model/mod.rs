//! The contact-center model: what contacts, agents and channels do, on top of the generic `engine`.
//!
//! It reads a checked `scenario::Scenario` and draws from `dist` distributions, `time` profiles and `seed`
//! streams, and fills `stats` tallies; nothing below it in the layering imports it (tests/layers.rs).
//!
//! A scenario is compiled once ([`Compiled`]) and each replication runs it under a [`Staffing`]
//! ([`simulate_compiled`]): the compiled tables are shared, only the replication's own state is built.

mod accounting;
pub mod arrivals;
pub mod center;
pub mod compile;
pub mod limit;
pub mod observe;
pub mod queue;
mod single;
mod workforce;

pub use crate::scenario::Staffing;
pub use center::{
    simulate, simulate_compiled, simulate_general, simulate_observed, simulate_within,
};
pub use compile::Compiled;
pub use limit::Overload;

/// Whether a replication of `model` under `staffing` runs on the single-queue kernel (model::single).
pub fn on_single_queue_kernel(model: &Compiled, staffing: &Staffing) -> bool {
    single::qualifies(model, staffing)
}
