//! The contact-center model: what contacts, agents and channels do, on top of the generic `engine`.

pub mod arrivals;
pub mod center;
pub mod queue;
