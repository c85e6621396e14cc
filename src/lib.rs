//! supportsim: a discrete-event simulator and staffing planner for contact centers.
//!
//! Data flows one way:
//!
//! ```text
//! scenario file --scenario::Scenario::load--> Scenario (typed, validated)
//!     --model::Compiled::new--> Compiled (built once)  + Staffing (the scenario's, or edited)
//!     --experiment::Runner::run--> Vec<ReplicationTally> (one per replication, on rayon)
//!     --report::Report::build--> Report (KPIs with 95% confidence intervals)
//!     --report::{json, csv, table}--> summary.json, intervals.csv, results.xlsx, the terminal table
//!     --report::plot--> charts (PNG, SVG) --report::html--> report.html
//! ```
//!
//! The modules sit in layers and import only from lower ones (tests/layers.rs enforces it; modules of one
//! layer are independent of each other). Highest first, `->` meaning "may import":
//!
//! ```text
//! cli (binary) -> report -> calibration -> planner -> experiment, staffing -> model -> routing -> scenario -> experience -> leaves
//! ```
//!
//! - Leaves, importing nothing from the crate:
//!   - [`engine`]: simulated time and the future-event list; knows nothing of contact centers.
//!   - [`dist`]: validated handle-time and patience distributions and their sampling.
//!   - [`time`]: durations as users write them (`"5m"`) and per-interval profiles.
//!   - [`stats`]: streaming counters, histograms, confidence intervals.
//!   - [`seed`]: every random stream from (seed, replication, channel name, purpose): common random numbers.
//!   - [`text`]: user text made safe where it leaves: CSV cells (no live formulas) and the terminal (no raw
//!     control characters).
//! - [`experience`]: the six service levels a case ends at, the eight standards, and what held a case down.
//! - [`scenario`]: the TOML file (`file`), its validation (`validate/`, one file per concern), the typed
//!   [`scenario::Scenario`] with its proficiency curve, [`scenario::Staffing`] and its checked edits, the
//!   planner's `[planning]` section (`scenario::planning`), and the
//!   resolved scenario written beside results.
//! - [`routing`]: which free agent takes which waiting contact.
//! - [`model`]: one replication. [`model::Compiled`] (built once from a scenario) runs under a
//!   [`scenario::Staffing`] with [`model::simulate_compiled`]: the general engine (`model::center`, split into
//!   admission, floor, head counts and journeys) or, for a single voice queue, the bit-identical single-queue
//!   kernel; absences are keyed draws (docs/engine.md).
//! - [`experiment`]: the [`experiment::Runner`] (a pool built once, any range of replications, progress by
//!   callback), the memory check, parameter sweeps.
//! - [`calibration`]: per-call logs in (the bank's 1999 records, a generic CSV), a calibrated scenario and the
//!   observed history out (docs/calibration.md).
//! - [`staffing`]: exact Erlang B, C and A, the agents needed for a target or for several at once, paid
//!   positions under shrinkage, chat concurrency as an equivalent single-server model.
//! - [`calibration`]: observed history (`history`) and the backtest of a scenario on it (`backtest`): each
//!   day simulated with its observed arrivals and staffing, beside exact Erlang A, and scored.
//! - [`report`]: the report, typed KPI ids (`kpi`), and its exporters: tables (`sheet`: CSV and .xlsx from
//!   one model), charts (`plot`), the self-contained report.html (`html`), comparisons and sweeps.
//! - `cli` (in the binary, src/cli/): argument parsing, one file per subcommand, exit codes; the only place
//!   that uses anyhow and indicatif.

pub mod calibration;
pub mod dist;
pub mod engine;
pub mod experience;
pub mod experiment;
pub mod model;
pub mod planner;
pub mod report;
pub mod routing;
pub mod scenario;
pub mod seed;
pub mod staffing;
pub mod stats;
pub mod text;
pub mod time;
