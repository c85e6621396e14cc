//! The staffing planner: requirement by simulation, shifts by integer programming, a roster checked by simulation.

pub mod cover;
