//! `supportsim plan SCENARIO`: the fewest agents per interval and group that meet the targets, the least-cost
//! shifts that cover them, and the check of that roster on fresh replications (docs/planning.md).

use super::{BadInput, Format, output_dir, printable};
use anyhow::Context;
use std::path::{Path, PathBuf};
use supportsim::experiment::Runner;
use supportsim::planner::cover::parse_requirement_csv;
use supportsim::planner::{PlanInputs, plan};
use supportsim::report::plan as out_plan;
use supportsim::scenario::planning::Planning;
use supportsim::scenario::{Scenario, resolved};

#[derive(clap::Args)]
pub struct PlanArgs {
    /// The scenario file (TOML), with its targets and shift templates under [planning].
    scenario: PathBuf,
    /// Cover this requirement (CSV with columns start,group,agents) instead of searching one.
    #[arg(long)]
    requirement: Option<PathBuf>,
    #[command(flatten)]
    opts: super::RunOptions,
}

pub fn run(a: PlanArgs) -> anyhow::Result<()> {
    // Read as `check` reads it: a regular text file (not a device), every problem in one batch.
    let (mut s, p) = Scenario::load_with_planning(&a.scenario)?;
    let mut p = p.unwrap_or_else(|| Planning::defaults(&s));
    if let Some(r) = a.opts.replications {
        if !(1..=100_000).contains(&r) {
            return Err(BadInput(format!("--replications {r}: give between 1 and 100000")).into());
        }
        p.replications = r;
        p.check_replications = r;
    }
    if let Some(seed) = a.opts.seed {
        s.seed = seed;
    }
    // The check's replications are what the planned scenario runs (`supportsim run planned.toml`).
    s.replications = p.check_replications;
    supportsim::experiment::check_size(&s)
        .map_err(|e| BadInput(format!("{}: {e}", a.scenario.display())))?;
    let threads = super::threads_of(&a.opts)?;
    let requirement = match &a.requirement {
        Some(path) => Some(read_requirement(path, &s)?),
        None => None,
    };
    let out = output_dir(a.opts.out.clone(), &a.scenario, "plan-");
    super::check_out(&out, false)?;
    // A plan runs the scenario again and again: no fixed number of items.
    let threads = super::thread_count(threads, None, a.opts.quiet);
    let runner = Runner::new(threads).context("cannot start the worker threads")?;
    if !a.opts.quiet
        && let Some(line) = super::plan_estimate(&s, &p, threads)
    {
        eprintln!("{line}");
    }
    let started = std::time::Instant::now();
    let quiet = a.opts.quiet || !matches!(a.opts.format, Format::Table);
    let plan = plan(
        &runner,
        PlanInputs {
            scenario: &s,
            planning: &p,
            requirement,
        },
        &|stage| {
            if !quiet {
                eprintln!("plan: {}", printable(stage));
            }
        },
    )
    .map_err(|e| match e {
        // Stopped at the memory limit: exit code 2, like a run refused by it.
        supportsim::planner::PlanError::Run(_) => {
            anyhow::Error::from(BadInput(format!("{}: {e}", a.scenario.display())))
        }
        e => anyhow::anyhow!("{}: {e}", a.scenario.display()),
    })?;
    let elapsed = started.elapsed().as_secs_f64();

    let report = out_plan::check_report(&plan);
    let date = supportsim::report::html::generated_at();
    let plan_csv = out_plan::plan_sheet(&s, &p, &plan, &report).to_csv();
    let json = out_plan::plan_json(&s, &p, &plan);
    let mut planned = plan.planned.clone();
    planned.name = format!("{} (planned)", s.name);
    let files = [
        ("plan.csv", plan_csv.clone()),
        ("shifts.csv", out_plan::shifts_sheet(&s, &plan).to_csv()),
        ("plan.json", json.clone()),
        ("planned.toml", planned_toml(&planned)),
    ];
    let book = out_plan::plan_workbook(&s, &p, &plan, &report);
    let charts = super::write_results(
        &out,
        &files,
        Some(("plan.xlsx", book)),
        a.opts.no_plots,
        |dir| supportsim::report::plot::plan_charts(&s, &p, &plan, &report, dir),
        |charts| {
            supportsim::report::html::plan_report(
                &s,
                &p,
                &plan,
                &report,
                charts,
                a.opts.no_plots,
                &date,
            )
        },
    )?;
    match a.opts.format {
        Format::Table => {
            print!("{}", printable(&out_plan::render(&s, &p, &plan)));
            println!(
                "wrote {}/{{report.html, plan.csv, shifts.csv, planned.toml, plan.json, plan.xlsx{}}}",
                out.display(),
                if charts.is_empty() { "" } else { ", plots/" }
            );
        }
        Format::Json => print!("{json}"),
        Format::Csv => print!("{plan_csv}"),
    }
    if !a.opts.quiet {
        eprintln!("planned in {elapsed:.2} s");
    }
    Ok(())
}

/// The planned scenario as TOML: the resolved scenario with the roster in place, which `supportsim run`
/// simulates to reproduce the check.
fn planned_toml(planned: &Scenario) -> String {
    let mut text = resolved::to_toml(planned);
    text.insert_str(
        0,
        "# written by `supportsim plan`: run it with `supportsim run planned.toml`\n",
    );
    text
}

/// A requirement CSV (start,group,agents) as agents per group and interval; errors name the file and line.
fn read_requirement(path: &Path, s: &Scenario) -> anyhow::Result<Vec<Vec<u32>>> {
    let name = path.display();
    let text = supportsim::scenario::datafile::read_text_file(path)
        .map_err(|e| BadInput(format!("{name}: {e}")))?;
    let rows = parse_requirement_csv(&text).map_err(|e| BadInput(format!("{name}: {e}")))?;
    let mut need = vec![vec![0u32; s.intervals()]; s.groups.len()];
    for r in rows {
        let Some(g) = s.group_index(&r.group) else {
            let groups: Vec<String> = s.groups.iter().map(|g| format!("\"{}\"", g.name)).collect();
            return Err(BadInput(format!(
                "{name}:{}: group \"{}\" is not in the scenario; groups: {}",
                r.line,
                r.group,
                groups.join(", ")
            ))
            .into());
        };
        let i = r.start_s as f64 / s.interval_s;
        if i.fract() != 0.0 || i as usize >= s.intervals() {
            return Err(BadInput(format!(
                "{name}:{}: start {} s is not the start of an interval of the horizon (every {} s, up to {} s)",
                r.line,
                r.start_s,
                s.interval_s,
                s.horizon_s - s.interval_s
            ))
            .into());
        }
        need[g][i as usize] = r.agents;
    }
    Ok(need)
}
