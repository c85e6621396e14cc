//! `supportsim backtest SCENARIO --history history.csv`: every day of an observed history simulated with
//! the scenario and that day's arrivals and staffing, beside exact Erlang A, and scored against what
//! happened (src/calibration/backtest.rs, docs/backtest.md).

use super::{BadInput, output_dir, printable};
use anyhow::Context;
use std::path::PathBuf;
use supportsim::calibration::backtest::{self, DEFAULT_REPLICATIONS, Options};
use supportsim::calibration::history::History;
use supportsim::experiment::Runner;
use supportsim::scenario::Scenario;

#[derive(clap::Args)]
pub struct BacktestArgs {
    /// The scenario file (TOML), calibrated or written by hand.
    scenario: PathBuf,
    /// The observed history: one row per interval, `date,start,offered,agents` and optionally
    /// `answered,abandoned,asa_s,prob_wait,service_level`.
    #[arg(long)]
    history: PathBuf,
    /// Output folder (default: output/backtest-<scenario file name>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replications of every day.
    #[arg(long, default_value_t = DEFAULT_REPLICATIONS)]
    replications: u32,
    /// The assisted channel the history is for (needed when the scenario has several).
    #[arg(long, value_name = "NAME")]
    channel: Option<String>,
    /// Seed (overrides the file); each day's streams come from (seed, date).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Do not draw the charts (plots/ in the output folder).
    #[arg(long)]
    no_plots: bool,
    /// No progress bar on standard error (warnings and errors still print).
    #[arg(long, short)]
    quiet: bool,
}

/// The most replications of a day.
const MAX_REPLICATIONS: u32 = 100_000;

pub fn run(a: BacktestArgs) -> anyhow::Result<()> {
    super::check_threads(a.threads)?;
    if !(1..=MAX_REPLICATIONS).contains(&a.replications) {
        return Err(BadInput(format!(
            "--replications {}: give between 1 and {MAX_REPLICATIONS}",
            a.replications
        ))
        .into());
    }
    let mut scenario = Scenario::load(&a.scenario)?;
    if let Some(seed) = a.seed {
        scenario.seed = seed;
    }
    let origin = a.history.display().to_string();
    let text = supportsim::scenario::datafile::read_text_file(&a.history)
        .map_err(|e| BadInput(format!("{origin}: {e}")))?;
    let history =
        History::parse(&text, &origin, scenario.interval_s).map_err(|e| BadInput(e.to_string()))?;
    let out = output_dir(a.out.clone(), &a.scenario, "backtest-");
    super::check_out(&out, false)?;
    let days = history.days().len() as u64;
    let threads = super::thread_count(
        super::ThreadRequest::flag(a.threads),
        Some(days * u64::from(a.replications)),
        a.quiet,
    );
    let runner = Runner::new(threads).context("cannot start the worker threads")?;
    let options = Options {
        replications: a.replications,
        channel: a.channel.clone(),
        origin: origin.clone(),
    };
    let bar = super::progress_bar(days * u64::from(a.replications), a.quiet);
    let result = backtest::run(&scenario, &history, &options, &runner, &|| bar.inc(1));
    bar.finish_and_clear();
    let b = result.map_err(|e| BadInput(format!("{}: {e}", a.scenario.display())))?;
    for w in &b.warnings {
        eprintln!("warning: {}", printable(w));
    }

    let date = supportsim::report::html::generated_at();
    let files = [
        ("predictions.csv", backtest::predictions_csv(&b)),
        ("scorecard.csv", backtest::scorecard_csv(&b)),
    ];
    let charts = super::write_results(
        &out,
        &files,
        None,
        a.no_plots,
        |dir| supportsim::report::plot::backtest_charts(&b, dir),
        |charts| supportsim::report::html::backtest_report(&b, charts, a.no_plots, &date),
    )?;
    print!("{}", printable(&supportsim::report::backtest::render(&b)));
    println!(
        "wrote {}/{{report.html, predictions.csv, scorecard.csv{}}}",
        out.display(),
        if charts.is_empty() { "" } else { ", plots/" }
    );
    Ok(())
}
