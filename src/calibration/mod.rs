//! Calibration from real contact logs: per-call records in (`read`: the bank's 1999 records or a generic
//! CSV export), estimates out (`estimate`: arrivals, handle time, patience, classes, repeats; `staffing`:
//! agents on duty from agent activity), written as a scenario and an observed history (`output`).
//!
//! Times are absolute seconds since 1970-01-01 00:00 on the center's local clock (as `time::date` counts
//! days), so a service that wraps past midnight simply ends on the next day. docs/calibration.md describes
//! every estimator and why it was chosen.

//! Backtesting a scenario on observed history: `history` reads it, `backtest` simulates every day and
//! scores it beside exact Erlang A (docs/calibration.md).

pub mod backtest;
pub mod choose;
pub mod estimate;
pub mod fit;
pub mod history;
pub mod output;
pub mod read;
pub mod staffing;

/// Seconds in a day.
pub const DAY_S: f64 = 86_400.0;

/// How a contact offered to agents ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    Answered,
    Abandoned,
    Blocked,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Abandoned => "abandoned",
            Outcome::Blocked => "blocked",
        }
    }
}

/// One contact as the estimators see it.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRecord {
    /// When the contact reached the agent queue (absolute seconds, see the module header).
    pub arrival_s: f64,
    /// Time in the queue before the answer (answered) or before leaving (abandoned); 0 when answered at
    /// once. A served caller's wait is a lower bound on their patience (censored).
    pub wait_s: f64,
    /// Talk time of an answered contact (answer to end); `None` otherwise.
    pub handle_s: Option<f64>,
    pub outcome: Outcome,
    /// The agent who served it (answered contacts only).
    pub agent: Option<String>,
    /// The customer id, where the log has one (the bank's 0 = unidentified is `None`).
    pub customer: Option<String>,
    /// The priority class name (`regular`/`high` for the bank).
    pub class: String,
    /// A contact placed by the center (the bank's type TT call-backs): not an arrival, but its service is
    /// agent activity (the agent was on duty) and it took agent time.
    pub outbound: bool,
}

impl CallRecord {
    /// When the answered contact's service started.
    pub fn answer_s(&self) -> Option<f64> {
        self.handle_s.map(|_| self.arrival_s + self.wait_s)
    }

    /// When the service ended (answered contacts).
    pub fn end_s(&self) -> Option<f64> {
        self.handle_s.map(|h| self.arrival_s + self.wait_s + h)
    }
}

/// The largest call log read (4 GiB, tens of millions of calls): a bigger export is split by month and
/// given as several LOG files (`supportsim calibrate a.csv b.csv ...`); a device such as /dev/zero is
/// refused before it is read.
pub const MAX_LOG_BYTES: u64 = 4 << 30;

/// Errors of calibration: a file that cannot be read, a header without the columns needed, options that
/// make no sense, or nothing usable in the files. Bad rows are not errors: they are counted and reported
/// (`read::ReadSummary`).
#[derive(Debug, thiserror::Error)]
pub enum CalibrationError {
    /// A log that is not a readable regular file, or larger than [`MAX_LOG_BYTES`].
    #[error("{path}: {source}")]
    CannotRead {
        path: String,
        source: crate::scenario::datafile::DataFileError,
    },
    #[error("{path}:1: the header has no column \"{column}\" (for `{key}`): {fix}")]
    MissingHeaderColumn {
        path: String,
        column: String,
        key: String,
        fix: String,
    },
    #[error("{path}: {message}")]
    BadFile { path: String, message: String },
    #[error("{0}")]
    BadOption(String),
    #[error(
        "no usable record in {files}: every row was dropped (see the summary above) — check --format, --columns and --time-format"
    )]
    NoRecords { files: String },
}
