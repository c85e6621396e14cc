//! `supportsim compare A.toml B.toml [C.toml ...]`: run the scenarios with common random numbers and report
//! each KPI side by side with its paired difference to the first (src/report/compare.rs has the method).

use super::{BadInput, Format, check_threads, output_dir};
use anyhow::Context;
use std::path::PathBuf;
use supportsim::experiment::Runner;
use supportsim::report::compare::{self, Comparison, KpiSamples, Period, Timeline, TimelineError};
use supportsim::scenario::Scenario;

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
    check_threads(a.opts.threads)?;
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
    for (s, path) in scenarios.iter_mut().zip(&a.scenarios) {
        if s.seed != seed || s.replications != replications {
            eprintln!(
                "note: {} runs with seed {seed} and {replications} replications (not its own {} and {}): every scenario runs the same ones, for common random numbers",
                path.display(),
                s.seed,
                s.replications
            );
        }
        s.seed = seed;
        s.replications = replications;
        supportsim::experiment::check_size(s)
            .map_err(|e| BadInput(format!("{}: {e}", path.display())))?;
    }
    let out = output_dir(a.opts.out.clone(), &a.scenarios[0], "compare-");

    let period = match a.timeline {
        TimelinePeriod::Day => Period::Day,
        TimelinePeriod::Week => Period::Week,
    };
    // A timeline needs every scenario cut into the same whole periods.
    let per: Result<Vec<usize>, TimelineError> =
        scenarios.iter().map(|s| period.intervals_in(s)).collect();
    let per = match per {
        Ok(v)
            if v.windows(2).all(|w| w[0] == w[1])
                && scenarios
                    .iter()
                    .all(|s| s.horizon_s == scenarios[0].horizon_s) =>
        {
            Some(v[0])
        }
        Ok(_) => {
            eprintln!("note: no timeline: the scenarios have different horizons or intervals");
            None
        }
        Err(why) => {
            eprintln!("note: {why}");
            None
        }
    };
    // One pool for every scenario.
    let runner = Runner::new(a.opts.threads).context("cannot start the worker threads")?;
    let mut samples = Vec::new();
    for (s, path) in scenarios.iter().zip(&a.scenarios) {
        let reps = runner.run_scenario(s);
        for w in supportsim::report::unstaffed_warnings(s, &reps) {
            eprintln!("warning: {}: {}", path.display(), w.message);
        }
        samples.push(KpiSamples::with_timeline(s, &reps, per));
    }
    // Name each scenario by its file: two files may share a scenario name.
    for (sample, path) in samples.iter_mut().zip(&a.scenarios) {
        sample.scenario = path.display().to_string();
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
        &out,
        &files,
        ("comparison.xlsx", book),
        a.opts.no_plots,
        |dir| supportsim::report::plot::compare_charts(&comparison, timeline.as_ref(), dir),
        |charts| {
            supportsim::report::html::compare_report(&comparison, charts, a.opts.no_plots, &date)
        },
    )?;
    if per.is_none() {
        // A timeline from an earlier comparison in this folder would not belong to this one.
        for name in ["timeline.json", "timeline.csv"] {
            let path = out.join(name);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => eprintln!(
                    "warning: cannot remove {} from an earlier comparison: {e}",
                    path.display()
                ),
                _ => {}
            }
        }
    }
    match a.opts.format {
        Format::Table => {
            print!("{}", compare::render(&comparison));
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
