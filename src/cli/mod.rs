//! Command-line interface: clap definitions and one file per subcommand. Exit codes: 0 success, 1 the run
//! failed (for example an output folder that cannot be written), 2 bad input (arguments or scenario file).

mod check;
mod erlang;
mod run;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "supportsim",
    version,
    about = "Discrete-event simulator and staffing planner for contact centers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate a scenario and report KPIs per channel with 95% confidence intervals.
    Run(run::RunArgs),
    /// Validate a scenario file without running it.
    Check(check::CheckArgs),
    /// Exact Erlang B, C or A: KPIs for a number of agents, or the agents needed for a target.
    Erlang(erlang::ErlangArgs),
}

/// An error in what the user gave us (exit code 2), as opposed to a failure while running (exit code 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Run(a) => run::run(a),
        Command::Check(a) => check::run(a),
        Command::Erlang(a) => erlang::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let bad_input = e
                .downcast_ref::<supportsim::scenario::ScenarioErrors>()
                .is_some()
                || e.downcast_ref::<BadInput>().is_some();
            if bad_input {
                eprintln!("error: {e:#}");
                ExitCode::from(2)
            } else {
                eprintln!("error: {e:#}");
                ExitCode::from(1)
            }
        }
    }
}
