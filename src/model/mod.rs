//! The contact-center model: what contacts, agents and channels do, on top of the generic `engine`.
//!
//! It reads a checked `scenario::Scenario` and draws from `dist` distributions, `time` profiles and `seed`
//! streams, and fills `stats` tallies; nothing below it in the layering imports it (tests/layers.rs).

pub mod arrivals;
pub mod center;
pub mod queue;
