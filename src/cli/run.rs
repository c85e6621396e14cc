//! `supportsim run SCENARIO`: simulate, print the KPI table (or JSON/CSV), write the output folder.

use super::{BadInput, Format, check_threads, output_dir};
use anyhow::Context;
use std::path::PathBuf;
use supportsim::experiment::Runner;
use supportsim::report::{Report, csv, json, table};
use supportsim::scenario::{Scenario, resolved};

#[derive(clap::Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    #[command(flatten)]
    opts: super::RunOptions,
}

pub fn run(a: RunArgs) -> anyhow::Result<()> {
    let mut s = Scenario::load(&a.scenario)?;
    if let Some(r) = a.opts.replications {
        if !(1..=1_000_000).contains(&r) {
            return Err(BadInput(format!("--replications {r}: give between 1 and 1000000")).into());
        }
        s.replications = r;
    }
    if let Some(seed) = a.opts.seed {
        s.seed = seed;
    }
    supportsim::experiment::check_size(&s)
        .map_err(|e| BadInput(format!("{}: {e}", a.scenario.display())))?;
    check_threads(a.opts.threads)?;
    let out = output_dir(a.opts.out.clone(), &a.scenario, "");

    let started = std::time::Instant::now();
    let reps = Runner::new(a.opts.threads)
        .context("cannot start the worker threads")?
        .run_scenario(&s);
    let elapsed = started.elapsed().as_secs_f64();
    let report = Report::build(&s, &reps);

    // Render everything first, then write: a failure cannot leave some files new and others stale. (The
    // charts are drawn while written, and report.html needs them: it is removed first and written last.)
    let date = supportsim::report::html::generated_at();
    let book = csv::run_workbook(&report, &date);
    let summary = json::summary_json(&report);
    let files = [
        ("summary.json", summary.clone()),
        ("intervals.csv", csv::intervals_csv(&report)),
        ("groups.csv", csv::groups_csv(&report)),
        ("scenario.toml", resolved::to_toml(&s)),
    ];
    let charts = super::write_results(
        &out,
        &files,
        ("results.xlsx", book),
        a.opts.no_plots,
        |dir| supportsim::report::plot::run_charts(&report, dir),
        |charts| supportsim::report::html::run_report(&report, charts, a.opts.no_plots, &date),
    )?;
    match a.opts.format {
        Format::Table => {
            print!("{}", table::render(&report));
            println!(
                "wrote {}/{{report.html, summary.json, intervals.csv, groups.csv, results.xlsx, scenario.toml{}}}",
                out.display(),
                if charts.is_empty() { "" } else { ", plots/" }
            );
        }
        Format::Json => print!("{summary}"),
        Format::Csv => print!("{}", csv::summary_csv(&report)),
    }
    for w in &report.warnings {
        eprintln!("warning: {}", w.message);
    }
    eprintln!(
        "simulated {} contacts ({} events) in {:.4} s: {:.2} million contacts/s",
        report.contacts_simulated,
        report.events,
        elapsed,
        report.contacts_simulated as f64 / elapsed.max(1e-9) / 1e6
    );
    Ok(())
}
