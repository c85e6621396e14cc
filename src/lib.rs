//! supportsim: a discrete-event simulator and staffing planner for contact centers.
//!
//! Data flows one way:
//!
//! ```text
//! scenario file --scenario::Scenario::load--> Scenario (typed, validated)
//!     --experiment::run_replications--> Vec<ReplicationTally> (one per replication, on rayon)
//!     --report::Report::build--> Report (KPIs with 95% confidence intervals)
//!     --report::{json, csv, table}--> summary.json, intervals.csv, results.xlsx, the terminal table
//!     --report::plot--> charts (PNG, SVG) --report::html--> report.html
//! ```
//!
//! - [`scenario`]: the TOML file, its validation and the typed [`scenario::Scenario`].
//! - [`engine`]: simulated time and the future-event list; knows nothing of contact centers.
//! - [`model`]: channels, contacts, agents, arrivals, distributions, proficiency: one replication.
//! - [`routing`]: which free agent takes which waiting contact.
//! - [`stats`]: streaming counters, histograms, confidence intervals.
//! - [`experiment`]: replications on rayon and their seeding (common random numbers).
//! - [`report`]: the report and its exporters: tables (`sheet`: CSV and .xlsx from one model), charts
//!   (`plot`), the self-contained report.html (`html`), comparisons and sweeps.
//! - [`staffing`]: exact Erlang B, C and A and the agents needed for a target.
//! - [`experience`]: the six service levels a case ends at, and what held it down.

pub mod dist;
pub mod engine;
pub mod experience;
pub mod experiment;
pub mod model;
pub mod report;
pub mod routing;
pub mod scenario;
pub mod seed;
pub mod staffing;
pub mod stats;
pub mod time;
