//! Time as users write it and as scenarios vary over it: durations (`"20s"`, `"5m"`, `"1.5h"`) parsed and
//! formatted, and values given per reporting interval (arrival rates, head-counts).
//!
//! A leaf of the layering (tests/layers.rs): it imports nothing from the crate. Simulated time itself
//! (`SimTime`) and the event list belong to `engine`, another leaf; leaves do not import each other.

pub mod duration;
pub mod profile;
