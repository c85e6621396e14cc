//! Staffing mathematics: exact Erlang B, C and A (`erlang`), and the planner's starting point for one
//! interval (`requirement`): the fewest agents that meet several targets at once, the paid positions behind
//! them once shrinkage is counted, and chat concurrency as an equivalent single-server model.

pub mod erlang;
pub mod requirement;

pub use erlang::{ErlangError, QueueModel, agents_for_target};
pub use requirement::{
    Concurrency, Targets, agents_for_targets, chat_agents_for_targets, positions,
};
