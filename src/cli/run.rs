//! `supportsim run SCENARIO`: simulate, print the KPI table (or JSON/CSV), write the output folder; with
//! `--shard I/N`, simulate one shard's replications and write its part for `supportsim merge`.

use super::{BadInput, Format, output_dir, printable};
use anyhow::Context;
use std::path::{Path, PathBuf};
use supportsim::experiment::Runner;
use supportsim::experiment::shard::Shard;
use supportsim::model::Compiled;
use supportsim::report::part::{ItemTally, Part, PartInputs, PartScenario};
use supportsim::report::{Report, csv, json, table};
use supportsim::scenario::{Scenario, resolved};
use supportsim::stats::ReplicationTally;

#[derive(clap::Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    #[command(flatten)]
    opts: super::RunOptions,
    /// Also write the call log of replication 1: one CSV row per contact offered to agents
    /// (docs/output.md, "Call log").
    #[arg(long, value_name = "FILE.csv")]
    calls: Option<PathBuf>,
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
    let threads = super::threads_of(&a.opts)?;
    let shard = super::shard_of(&a.opts)?;
    let out = output_dir(a.opts.out.clone(), &a.scenario, "");
    super::check_out(&out, shard.is_some())?;
    if let Some(calls) = &a.calls {
        check_calls_path(calls, shard.is_some())?;
    }
    let total = u64::from(s.replications);
    let items = shard.map_or(total, |sh| sh.items(total).end - sh.items(total).start);
    let threads = super::thread_count(threads, Some(items), a.opts.quiet);
    let runner = Runner::new(threads).context("cannot start the worker threads")?;
    if let Some(shard) = shard {
        return run_shard(&a, &s, &runner, shard, &out);
    }

    if !a.opts.quiet
        && let Some(line) = super::size_estimate(&[&s], threads)
    {
        eprintln!("{line}");
    }
    let started = std::time::Instant::now();
    let bar = super::progress_bar(u64::from(s.replications), a.opts.quiet);
    let reps = runner.run_scenario_with(&s, &|| bar.inc(1));
    bar.finish_and_clear();
    let reps = reps?;
    let elapsed = started.elapsed().as_secs_f64();
    let report = write_outputs(&s, &reps, &out, a.opts.format, a.opts.no_plots)?;
    if let Some(calls) = &a.calls {
        write_calls(&s, calls, a.opts.quiet)?;
    }
    if a.opts.quiet {
        return Ok(());
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

/// Refuses a call-log path that cannot be written, before anything runs.
fn check_calls_path(path: &Path, sharded: bool) -> Result<(), BadInput> {
    if sharded {
        return Err(BadInput(
            "--calls: the call log is of replication 1 of a whole run; leave out --shard".into(),
        ));
    }
    if path.is_dir() || path.as_os_str().is_empty() {
        return Err(BadInput(format!(
            "--calls {}: is a folder; give a file name such as calls.csv",
            path.display()
        )));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(BadInput(format!(
            "--calls {}: the folder {} does not exist; create it or give another path",
            path.display(),
            dir.display()
        )));
    }
    Ok(())
}

/// Simulates replication 1 (index 0) again with a call log (the same streams: the same contacts as in
/// the run) and writes it atomically.
fn write_calls(s: &Scenario, path: &Path, quiet: bool) -> anyhow::Result<()> {
    let model = Compiled::new(s);
    let (_, log) = supportsim::model::simulate_observed(
        &model,
        model.staffing(),
        s.seed,
        0,
        supportsim::model::observe::CallLog::default(),
    );
    let text = supportsim::report::calls::calls_csv(s, &log);
    supportsim::report::write::write_atomic(path, text.as_bytes())
        .with_context(|| format!("cannot write the call log {}", path.display()))?;
    if !quiet {
        eprintln!(
            "wrote {} ({} contacts of replication 1)",
            path.display(),
            log.records.len()
        );
    }
    Ok(())
}

/// One shard of the replications: simulated and written as a part (nothing else), for `merge`.
fn run_shard(
    a: &RunArgs,
    s: &Scenario,
    runner: &Runner,
    shard: Shard,
    out: &Path,
) -> anyhow::Result<()> {
    let range = shard.items(u64::from(s.replications));
    let model = Compiled::new(s);
    let bar = super::progress_bar(range.end - range.start, a.opts.quiet);
    let tallies = runner.run(&model, model.staffing(), s.seed, range.clone(), &|| {
        bar.inc(1)
    });
    bar.finish_and_clear();
    let tallies = tallies?;
    let inputs = PartInputs {
        command: "run",
        seed: s.seed,
        replications: s.replications,
        scenarios: vec![PartScenario {
            file: a.scenario.display().to_string(),
            resolved: resolved::to_toml(s),
        }],
        options: serde_json::json!({}),
    };
    let part = Part::new(
        inputs,
        shard,
        range.clone(),
        range
            .clone()
            .zip(tallies)
            .map(|(item, tally)| ItemTally { item, tally })
            .collect(),
    );
    let path = part.write(out).map_err(anyhow::Error::msg)?;
    println!(
        "wrote {} (shard {}/{}: replications {}..{} of {}); put the parts together with `supportsim merge {}/part-*.json --out DIR`",
        path.display(),
        shard.index,
        shard.count,
        range.start,
        range.end,
        s.replications,
        out.display()
    );
    Ok(())
}

/// Builds the report of `reps` and writes `run`'s outputs into `out` (every file rendered first, then
/// written), then prints the table, JSON or CSV. Shared with `merge`, so that a merged run writes exactly
/// what the unsharded run writes.
pub fn write_outputs(
    s: &Scenario,
    reps: &[ReplicationTally],
    out: &Path,
    format: Format,
    no_plots: bool,
) -> anyhow::Result<Report> {
    let report = Report::build(s, reps);
    // Render everything first, then write: a failure cannot leave some files new and others stale. (The
    // charts are drawn while written, and report.html needs them: it is removed first and written last.)
    let date = supportsim::report::html::generated_at();
    let book = csv::run_workbook(
        &report,
        supportsim::report::html::workbook_date().as_deref(),
    );
    let summary = json::summary_json(&report);
    let files = [
        ("summary.json", summary.clone()),
        ("intervals.csv", csv::intervals_csv(&report)),
        ("groups.csv", csv::groups_csv(&report)),
        ("scenario.toml", resolved::to_toml(s)),
    ];
    let charts = super::write_results(
        out,
        &files,
        Some(("results.xlsx", book)),
        no_plots,
        |dir| supportsim::report::plot::run_charts(&report, dir),
        |charts| supportsim::report::html::run_report(&report, charts, no_plots, &date),
    )?;
    match format {
        Format::Table => {
            print!("{}", printable(&table::render(&report)));
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
        eprintln!("warning: {}", printable(&w.message));
    }
    Ok(report)
}
