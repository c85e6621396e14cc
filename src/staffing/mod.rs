//! Staffing mathematics: exact Erlang B, C and A, and the fewest agents that meet a service-level target.
//! (The interval-by-interval staffing planner builds on this later.)

pub mod erlang;

pub use erlang::{ErlangError, QueueModel, agents_for_target};
