//! `supportsim sweep SCENARIO --set KEY=VALUES ...`: the scenario at every point of a grid of values, with
//! common random numbers across points (src/experiment/sweep.rs), one CSV row per point.

use super::{BadInput, Format, output_dir};
use anyhow::Context;
use std::path::PathBuf;
use supportsim::experiment::sweep::{self, Axis};
use supportsim::report::Report;
use supportsim::report::sweep::{Sweep, render, sweep_csv, sweep_json};
use supportsim::scenario::Scenario;

#[derive(clap::Args)]
pub struct SweepArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// A key and its values: KEY=V1,V2,... or KEY=FROM..TO:STEP (e.g. groups.agents.size=10..14:1). Several
    /// --set make a grid.
    #[arg(long = "set", required = true)]
    set: Vec<String>,
    #[command(flatten)]
    opts: super::RunOptions,
}

/// The most points a sweep may have.
const MAX_POINTS: usize = 10_000;

pub fn run(a: SweepArgs) -> anyhow::Result<()> {
    let threads = super::threads_of(&a.opts)?;
    if let Some(r) = a.opts.replications
        && !(1..=1_000_000).contains(&r)
    {
        return Err(BadInput(format!("--replications {r}: give between 1 and 1000000")).into());
    }
    // The file as written must be a valid scenario before any value is changed.
    Scenario::load(&a.scenario)?;
    let axes: Vec<Axis> = a
        .set
        .iter()
        .map(|s| sweep::parse_axis(s))
        .collect::<Result<_, _>>()
        .map_err(|e| BadInput(e.to_string()))?;
    let points: usize = axes.iter().map(|x| x.values.len()).product();
    if points > MAX_POINTS {
        return Err(BadInput(format!(
            "--set: the grid has {points} points, more than {MAX_POINTS}; use fewer values"
        ))
        .into());
    }
    let origin = a.scenario.display().to_string();
    let text =
        std::fs::read_to_string(&a.scenario).with_context(|| format!("cannot read {origin}"))?;
    let mut scenarios = sweep::scenarios(&text, &origin, a.scenario.parent(), &axes)
        .map_err(|e| BadInput(e.to_string()))?;
    for (_, s) in &mut scenarios {
        if let Some(r) = a.opts.replications {
            s.replications = r;
        }
        if let Some(seed) = a.opts.seed {
            s.seed = seed;
        }
        supportsim::experiment::check_size(s).map_err(|e| BadInput(format!("{origin}: {e}")))?;
    }
    let out = output_dir(a.opts.out.clone(), &a.scenario, "sweep-");

    let only: Vec<Scenario> = scenarios.iter().map(|(_, s)| s.clone()).collect();
    let pool = threads
        .map(|n| rayon::ThreadPoolBuilder::new().num_threads(n).build())
        .transpose()
        .context("cannot start the worker threads")?;
    // A progress bar on a terminal (hidden otherwise), one step per replication.
    let bar = super::progress_bar(sweep::replications(&only), a.opts.quiet);
    let done = || bar.inc(1);
    let tallies = match &pool {
        None => sweep::run(&only, &done),
        Some(pool) => pool.install(|| sweep::run(&only, &done)),
    };
    bar.finish_and_clear();
    let result = Sweep {
        keys: axes.iter().map(|x| x.key.clone()).collect(),
        points: scenarios
            .into_iter()
            .zip(&tallies)
            .map(|((values, s), reps)| (values, Report::build(&s, reps)))
            .collect(),
    };
    let csv = sweep_csv(&result);
    let json = sweep_json(&result);
    let date = supportsim::report::html::generated_at();
    let book = supportsim::report::sweep::sweep_workbook(&result);
    let files = [("sweep.csv", csv.clone()), ("sweep.json", json.clone())];
    let charts = super::write_results(
        &out,
        &files,
        ("sweep.xlsx", book),
        a.opts.no_plots,
        |dir| supportsim::report::plot::sweep_charts(&result, dir),
        |charts| supportsim::report::html::sweep_report(&result, charts, a.opts.no_plots, &date),
    )?;
    match a.opts.format {
        Format::Table => {
            print!("{}", render(&result));
            println!(
                "wrote {}/{{report.html, sweep.csv, sweep.json, sweep.xlsx{}}}",
                out.display(),
                if charts.is_empty() { "" } else { ", plots/" }
            );
        }
        Format::Json => print!("{json}"),
        Format::Csv => print!("{csv}"),
    }
    Ok(())
}
