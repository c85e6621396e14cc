//! `supportsim sweep SCENARIO --set KEY=VALUES ...`: the scenario at every point of a grid of values, with
//! common random numbers across points (src/experiment/sweep.rs), one CSV row per point.

use super::{BadInput, Format, output_dir, printable};
use anyhow::Context;
use std::path::{Path, PathBuf};
use supportsim::experiment::shard::Shard;
use supportsim::experiment::sweep::{self, Axis};
use supportsim::report::Report;
use supportsim::report::part::{ItemTally, Part, PartInputs, PartScenario};
use supportsim::report::sweep::{Sweep, render, sweep_csv, sweep_json};
use supportsim::scenario::Scenario;
use supportsim::scenario::resolved;
use supportsim::stats::ReplicationTally;

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
    // The file as written must be a valid scenario before any value is changed; its text is read once.
    let origin = a.scenario.display().to_string();
    let text = Scenario::read_text(&a.scenario)?;
    Scenario::from_toml(&text, &origin, a.scenario.parent())?;
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
    let shard = super::shard_of(&a.opts)?;
    super::check_out(&out, shard.is_some())?;

    let only: Vec<Scenario> = scenarios.iter().map(|(_, s)| s.clone()).collect();
    let shard = super::shard_of(&a.opts)?;
    let total = sweep::replications(&only);
    let items = shard.map_or(total, |sh| sh.items(total).end - sh.items(total).start);
    let pool_threads = super::thread_count(threads, Some(items), a.opts.quiet);
    let pool = pool_threads
        .map(|n| rayon::ThreadPoolBuilder::new().num_threads(n).build())
        .transpose()
        .context("cannot start the worker threads")?;
    let keys: Vec<String> = axes.iter().map(|x| x.key.clone()).collect();
    if let Some(shard) = shard {
        let run = || run_shard(&a, &keys, &scenarios, shard, &out);
        return match &pool {
            None => run(),
            Some(pool) => pool.install(run),
        };
    }
    if !a.opts.quiet
        && let Some(line) = super::size_estimate(&only.iter().collect::<Vec<_>>(), pool_threads)
    {
        eprintln!("{line}");
    }
    // A progress bar on a terminal (hidden otherwise), one step per replication.
    let bar = super::progress_bar(total, a.opts.quiet);
    let done = || bar.inc(1);
    let tallies = match &pool {
        None => sweep::run(&only, &done),
        Some(pool) => pool.install(|| sweep::run(&only, &done)),
    };
    bar.finish_and_clear();
    write_outputs(
        keys,
        scenarios,
        &tallies,
        &out,
        a.opts.format,
        a.opts.no_plots,
    )
}

/// One shard of the (point, replication) items: simulated and written as a part, for `merge`. Every point
/// must run the same number of replications (a sweep of `replications` itself is not sharded).
fn run_shard(
    a: &SweepArgs,
    keys: &[String],
    scenarios: &[(Vec<toml::Value>, Scenario)],
    shard: Shard,
    out: &Path,
) -> anyhow::Result<()> {
    let replications = scenarios[0].1.replications;
    if scenarios
        .iter()
        .any(|(_, s)| s.replications != replications)
    {
        return Err(BadInput(
            "--shard: the points run different numbers of replications (replications is swept); shard a sweep whose points all run the same number".into(),
        )
        .into());
    }
    let origin = a.scenario.display().to_string();
    let inputs = PartInputs {
        command: "sweep",
        seed: scenarios[0].1.seed,
        replications,
        scenarios: scenarios
            .iter()
            .map(|(_, s)| PartScenario {
                file: origin.clone(),
                resolved: resolved::to_toml(s),
            })
            .collect(),
        // The swept values as TOML text: they read back exactly as the sweep spelt them.
        options: serde_json::json!({
            "keys": keys,
            "values": scenarios
                .iter()
                .map(|(v, _)| v.iter().map(|x| x.to_string()).collect::<Vec<_>>())
                .collect::<Vec<_>>(),
        }),
    };
    let range = shard.items(inputs.items());
    let only: Vec<Scenario> = scenarios.iter().map(|(_, s)| s.clone()).collect();
    let bar = super::progress_bar(range.end - range.start, a.opts.quiet);
    let items = sweep::run_items(&only, range.clone(), &|| bar.inc(1));
    bar.finish_and_clear();
    let tallies = range
        .clone()
        .zip(items)
        .map(|(item, (_, tally))| ItemTally { item, tally })
        .collect();
    let part = Part::new(inputs, shard, range.clone(), tallies);
    let path = part.write(out).map_err(anyhow::Error::msg)?;
    println!(
        "wrote {} (shard {}/{}: items {}..{} of {} point-replications); put the parts together with `supportsim merge {}/part-*.json --out DIR`",
        path.display(),
        shard.index,
        shard.count,
        range.start,
        range.end,
        scenarios.len() as u64 * u64::from(replications),
        out.display()
    );
    Ok(())
}

/// The sweep's outputs from its points and their tallies, written into `out` and printed: shared with
/// `merge`, so that a merged sweep writes exactly what the unsharded one writes.
pub fn write_outputs(
    keys: Vec<String>,
    scenarios: Vec<(Vec<toml::Value>, Scenario)>,
    tallies: &[Vec<ReplicationTally>],
    out: &Path,
    format: Format,
    no_plots: bool,
) -> anyhow::Result<()> {
    // The points where contacts reach an open channel nobody staffs (report::unstaffed_warnings): named,
    // the first few in full, so a grid that leaves lines unstaffed does not pass unnoticed.
    let mut warned = 0;
    for ((values, s), reps) in scenarios.iter().zip(tallies) {
        let warnings = supportsim::report::unstaffed_warnings(s, reps);
        if warnings.is_empty() {
            continue;
        }
        warned += 1;
        if warned <= 3 {
            let point: Vec<String> = keys
                .iter()
                .zip(values)
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            for w in warnings {
                eprintln!(
                    "warning: {}",
                    printable(&format!("point {}: {}", point.join(", "), w.message))
                );
            }
        }
    }
    if warned > 3 {
        eprintln!(
            "warning: {} more points have contacts while a channel is open and nobody is on duty (summary of each point in sweep.json)",
            warned - 3
        );
    }
    let result = Sweep {
        keys,
        points: scenarios
            .into_iter()
            .zip(tallies)
            .map(|((values, s), reps)| (values, Report::build(&s, reps)))
            .collect(),
    };
    let csv = sweep_csv(&result);
    let json = sweep_json(&result);
    let date = supportsim::report::html::generated_at();
    let book = supportsim::report::sweep::sweep_workbook(&result);
    let files = [("sweep.csv", csv.clone()), ("sweep.json", json.clone())];
    let charts = super::write_results(
        out,
        &files,
        Some(("sweep.xlsx", book)),
        no_plots,
        |dir| supportsim::report::plot::sweep_charts(&result, dir),
        |charts| supportsim::report::html::sweep_report(&result, charts, no_plots, &date),
    )?;
    match format {
        Format::Table => {
            print!("{}", printable(&render(&result)));
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
