//! `supportsim compare A.toml B.toml [C.toml ...]`: run the scenarios with common random numbers and report
//! each KPI side by side with its paired difference to the first (src/report/compare.rs has the method).

use super::{BadInput, Format, output_dir, printable};
use anyhow::Context;
use std::path::{Path, PathBuf};
use supportsim::experiment::Runner;
use supportsim::experiment::shard::{Shard, replications_in};
use supportsim::model::Compiled;
use supportsim::report::compare::{self, Comparison, KpiSamples, Period, Timeline, TimelineError};
use supportsim::report::part::{ItemTally, Part, PartInputs, PartScenario};
use supportsim::scenario::Scenario;
use supportsim::scenario::resolved;
use supportsim::stats::ReplicationTally;

#[derive(clap::Args)]
pub struct CompareArgs {
    /// The scenario files; the first is the baseline the others are compared with.
    #[arg(num_args = 2.., required = true)]
    scenarios: Vec<PathBuf>,
    #[command(flatten)]
    opts: super::RunOptions,
    /// Period of the timeline (timeline.json, timeline.csv): the KPIs day by day or week by week.
    #[arg(long, value_enum, default_value = "day")]
    timeline: TimelinePeriod,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum TimelinePeriod {
    Day,
    Week,
}

pub fn run(a: CompareArgs) -> anyhow::Result<()> {
    let threads = super::threads_of(&a.opts)?;
    if let Some(r) = a.opts.replications
        && !(2..=1_000_000).contains(&r)
    {
        return Err(BadInput(format!(
            "--replications {r}: give between 2 and 1000000 (a paired interval needs at least 2)"
        ))
        .into());
    }
    // Load (and validate) every file before running any, so a typo in the last costs nothing.
    let mut scenarios = Vec::new();
    for path in &a.scenarios {
        scenarios.push(Scenario::load(path)?);
    }
    // Common random numbers need the same seed and replications everywhere: the baseline's unless overridden.
    let seed = a.opts.seed.unwrap_or(scenarios[0].seed);
    let replications = a.opts.replications.unwrap_or(scenarios[0].replications);
    if replications < 2 {
        return Err(BadInput(format!(
            "{}: replications = 1: a paired comparison needs at least 2; give --replications",
            a.scenarios[0].display()
        ))
        .into());
    }
    // Notes say what the comparison did on the user's behalf; `--quiet` leaves them out.
    let note = |text: String| {
        if !a.opts.quiet {
            eprintln!("note: {}", printable(&text));
        }
    };
    for (s, path) in scenarios.iter_mut().zip(&a.scenarios) {
        if s.seed != seed || s.replications != replications {
            note(format!(
                "{} runs with seed {seed} and {replications} replications (not its own {} and {}): every scenario runs the same ones, for common random numbers",
                path.display(),
                s.seed,
                s.replications
            ));
        }
        s.seed = seed;
        s.replications = replications;
        supportsim::experiment::check_size(s)
            .map_err(|e| BadInput(format!("{}: {e}", path.display())))?;
    }
    let out = output_dir(a.opts.out.clone(), &a.scenarios[0], "compare-");
    let shard = super::shard_of(&a.opts)?;
    super::check_out(&out, shard.is_some())?;

    let period = match a.timeline {
        TimelinePeriod::Day => Period::Day,
        TimelinePeriod::Week => Period::Week,
    };
    let per = timeline_intervals(&scenarios, period, &note);
    // Name each scenario by its file: two files may share a scenario name.
    let names: Vec<String> = a
        .scenarios
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    // One pool for every scenario.
    let shard = super::shard_of(&a.opts)?;
    let total: u64 = scenarios.iter().map(|s| u64::from(s.replications)).sum();
    let items = shard.map_or(total, |sh| sh.items(total).end - sh.items(total).start);
    let threads = super::thread_count(threads, Some(items), a.opts.quiet);
    let runner = Runner::new(threads).context("cannot start the worker threads")?;
    if let Some(shard) = shard {
        return run_shard(&a, &scenarios, &names, &runner, (shard, period), &out);
    }
    if !a.opts.quiet
        && let Some(line) = super::size_estimate(&scenarios.iter().collect::<Vec<_>>(), threads)
    {
        eprintln!("{line}");
    }
    let bar = super::progress_bar(total, a.opts.quiet);
    let tallies: Result<Vec<Vec<ReplicationTally>>, _> = scenarios
        .iter()
        .map(|s| runner.run_scenario_with(s, &|| bar.inc(1)))
        .collect();
    bar.finish_and_clear();
    let tallies = tallies?;
    write_outputs(
        &scenarios,
        &names,
        &tallies,
        (period, per),
        &out,
        a.opts.format,
        a.opts.no_plots,
    )
}

/// Intervals per timeline period when every scenario cuts into the same whole periods (else `None`, with
/// a note saying why).
pub fn timeline_intervals(
    scenarios: &[Scenario],
    period: Period,
    note: &dyn Fn(String),
) -> Option<usize> {
    let per: Result<Vec<usize>, TimelineError> =
        scenarios.iter().map(|s| period.intervals_in(s)).collect();
    match per {
        Ok(v)
            if v.windows(2).all(|w| w[0] == w[1])
                && scenarios
                    .iter()
                    .all(|s| s.horizon_s == scenarios[0].horizon_s) =>
        {
            Some(v[0])
        }
        Ok(_) => {
            note("no timeline: the scenarios have different horizons or intervals".into());
            None
        }
        Err(why) => {
            note(why.to_string());
            None
        }
    }
}

/// The timeline period as a part records it.
pub fn period_name(period: Period) -> &'static str {
    match period {
        Period::Day => "day",
        Period::Week => "week",
    }
}

/// One shard of the (scenario, replication) items: simulated and written as a part, for `merge`.
fn run_shard(
    a: &CompareArgs,
    scenarios: &[Scenario],
    names: &[String],
    runner: &Runner,
    (shard, period): (Shard, Period),
    out: &Path,
) -> anyhow::Result<()> {
    let per = u64::from(scenarios[0].replications);
    let inputs = PartInputs {
        command: "compare",
        seed: scenarios[0].seed,
        replications: scenarios[0].replications,
        scenarios: scenarios
            .iter()
            .zip(names)
            .map(|(s, name)| PartScenario {
                file: name.clone(),
                resolved: resolved::to_toml(s),
            })
            .collect(),
        options: serde_json::json!({ "timeline": period_name(period) }),
    };
    let range = shard.items(inputs.items());
    let bar = super::progress_bar(range.end - range.start, a.opts.quiet);
    let mut tallies = Vec::new();
    for (k, s) in scenarios.iter().enumerate() {
        let reps = replications_in(&range, k as u64, per);
        if reps.is_empty() {
            continue;
        }
        let model = Compiled::new(s);
        let first = k as u64 * per + reps.start;
        let got = runner.run(&model, model.staffing(), s.seed, reps, &|| bar.inc(1));
        let got = match got {
            Ok(got) => got,
            Err(e) => {
                bar.finish_and_clear();
                return Err(e.into());
            }
        };
        tallies.extend(got.into_iter().enumerate().map(|(j, tally)| ItemTally {
            item: first + j as u64,
            tally,
        }));
    }
    bar.finish_and_clear();
    let part = Part::new(inputs, shard, range.clone(), tallies);
    let path = part.write(out).map_err(anyhow::Error::msg)?;
    println!(
        "wrote {} (shard {}/{}: items {}..{} of {} scenario-replications); put the parts together with `supportsim merge {}/part-*.json --out DIR`",
        path.display(),
        shard.index,
        shard.count,
        range.start,
        range.end,
        per * scenarios.len() as u64,
        out.display()
    );
    Ok(())
}

/// The comparison of `tallies` (per scenario, in replication order) written into `out` and printed: shared
/// with `merge`, so that a merged comparison writes exactly what the unsharded one writes.
pub fn write_outputs(
    scenarios: &[Scenario],
    names: &[String],
    tallies: &[Vec<ReplicationTally>],
    (period, per): (Period, Option<usize>),
    out: &Path,
    format: Format,
    no_plots: bool,
) -> anyhow::Result<()> {
    let (seed, replications) = (scenarios[0].seed, scenarios[0].replications);
    let mut samples = Vec::new();
    for ((s, reps), name) in scenarios.iter().zip(tallies).zip(names) {
        for w in supportsim::report::unstaffed_warnings(s, reps) {
            eprintln!("warning: {}", printable(&format!("{name}: {}", w.message)));
        }
        let mut sample = KpiSamples::with_timeline(s, reps, per);
        sample.scenario = name.clone();
        samples.push(sample);
    }
    let comparison = Comparison::new(&samples, seed, replications);

    let json = compare::comparison_json(&comparison);
    let csv = compare::comparison_csv(&comparison);
    let mut files = vec![
        ("comparison.json", json.clone()),
        ("comparison.csv", csv.clone()),
    ];
    let timeline = per.map(|_| Timeline::new(&samples, period));
    if let Some(timeline) = &timeline {
        files.push(("timeline.json", compare::timeline_json(timeline)));
        files.push(("timeline.csv", compare::timeline_csv(timeline)));
    }
    let date = supportsim::report::html::generated_at();
    let book = compare::comparison_workbook(&comparison, timeline.as_ref());
    let charts = super::write_results(
        out,
        &files,
        Some(("comparison.xlsx", book)),
        no_plots,
        |dir| supportsim::report::plot::compare_charts(&comparison, timeline.as_ref(), dir),
        |charts| supportsim::report::html::compare_report(&comparison, charts, no_plots, &date),
    )?;
    match format {
        Format::Table => {
            print!("{}", printable(&compare::render(&comparison)));
            let mut names: Vec<&str> = vec!["report.html"];
            names.extend(files.iter().map(|(n, _)| *n));
            names.push("comparison.xlsx");
            if !charts.is_empty() {
                names.push("plots/");
            }
            println!("wrote {}/{{{}}}", out.display(), names.join(", "));
        }
        Format::Json => print!("{json}"),
        Format::Csv => print!("{csv}"),
    }
    Ok(())
}
