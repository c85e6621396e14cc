//! Calibration from real contact centers: reading observed history and backtesting a scenario on it
//! (docs/backtest.md).

pub mod backtest;
pub mod history;
