//! Command-line interface: clap definitions and one file per subcommand. Exit codes: 0 success, 1 the run
//! failed (for example an output folder that cannot be written), 2 bad input (arguments or scenario file).

mod backtest;
mod calibrate;
mod check;
mod compare;
mod completions;
mod erlang;
mod interrupt;
mod merge;
mod plan;
mod run;
mod sweep;

use clap::{CommandFactory, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use supportsim::experiment::shard::Shard;
use supportsim::report::html::PageError;
use supportsim::report::plot::{Chart, PlotError};
use supportsim::report::sheet::WorkbookError;
use supportsim::report::write::{OutputError, OutputSet};
/// Every message and table shown on the terminal goes through it: names can carry control characters.
use supportsim::text::printable;

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
    /// Compare scenarios with common random numbers: each KPI side by side with its paired difference to the
    /// first and the difference's 95% confidence interval.
    Compare(compare::CompareArgs),
    /// Run the scenario at every point of a grid of values (--set KEY=V1,V2,...), with common random numbers.
    Sweep(sweep::SweepArgs),
    /// Validate a scenario file without running it.
    Check(check::CheckArgs),
    /// Exact Erlang B, C or A: KPIs for a number of agents, or the agents needed for a target.
    Erlang(erlang::ErlangArgs),
    /// Plan staffing: the fewest agents per interval and group that meet the targets (by simulation), the
    /// least-cost shifts covering them, and a check of that roster on fresh replications.
    Plan(plan::PlanArgs),
    /// Calibrate a scenario from per-call logs (the bank's 1999 records or a CSV export): arrivals,
    /// handle time, patience, classes and staffing, and optionally the observed history per interval.
    Calibrate(Box<calibrate::CalibrateArgs>),
    /// Backtest a scenario on observed history: simulate every day with its observed arrivals and staffing,
    /// beside exact Erlang A, and score both against what happened.
    Backtest(backtest::BacktestArgs),
    /// Put the parts of a sharded run (`--shard I/N`) together: writes exactly the outputs of the
    /// unsharded command.
    Merge(merge::MergeArgs),
    /// Print a shell completion script: `supportsim completions bash > ~/.local/share/bash-completion/completions/supportsim`.
    Completions(completions::CompletionsArgs),
}

/// What `run` and `compare` print on standard output (the files they write do not depend on it).
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// Options every simulating command takes.
#[derive(clap::Args)]
pub struct RunOptions {
    /// Number of replications (overrides the file; `compare` and `sweep`: of every scenario or point).
    #[arg(long)]
    replications: Option<u32>,
    /// Seed (overrides the file; `compare` and `sweep`: of every scenario or point).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Output folder (default: under output/, named after the scenario file).
    #[arg(long)]
    out: Option<PathBuf>,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Do not draw the charts (plots/ in the output folder).
    #[arg(long)]
    no_plots: bool,
    /// No progress bar and no timing line on standard error (warnings and errors still print).
    #[arg(long, short)]
    quiet: bool,
    /// Run only shard I of N (0-based: 0/4 to 3/4) of the work items and write its part
    /// (part-I-of-N.json in --out) for `supportsim merge`. Under a job array the shard comes from the
    /// scheduler (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX).
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// How many shards there are, for schedulers that publish only the task's index (Kubernetes
    /// JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX).
    #[arg(long, value_name = "N")]
    shards: Option<u32>,
}

/// The shard this process runs: `--shard I/N`, else the scheduler's environment (with `--shards` as
/// the count where it publishes none), else none (the whole run).
fn shard_of(opts: &RunOptions) -> Result<Option<Shard>, BadInput> {
    if let Some(text) = &opts.shard {
        if opts.shards.is_some() {
            return Err(BadInput(
                "--shard I/N already gives the count: leave out --shards".into(),
            ));
        }
        return Shard::parse(text)
            .map(Some)
            .map_err(|e| BadInput(e.to_string()));
    }
    let shard = Shard::from_env(|k| std::env::var(k).ok(), opts.shards)
        .map_err(|e| BadInput(e.to_string()))?;
    if shard.is_none() && opts.shards.is_some() {
        return Err(BadInput(
            "--shards N needs the task's index from the scheduler (JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or SLURM_ARRAY_TASK_ID); outside one give --shard I/N".into(),
        ));
    }
    Ok(shard)
}

/// A thread count the user asked for: `--threads`, else what the scheduler gave the task
/// (SLURM_CPUS_PER_TASK); `None`: one per core. [`thread_count`] cuts it to what helps.
#[derive(Debug, Clone, Copy)]
struct ThreadRequest {
    n: usize,
    /// From SLURM_CPUS_PER_TASK rather than `--threads` (the note names it).
    from_slurm: bool,
}

impl ThreadRequest {
    fn flag(threads: Option<usize>) -> Option<ThreadRequest> {
        threads.map(|n| ThreadRequest {
            n,
            from_slurm: false,
        })
    }
}

fn threads_of(opts: &RunOptions) -> Result<Option<ThreadRequest>, BadInput> {
    check_threads(opts.threads)?;
    Ok(ThreadRequest::flag(opts.threads).or_else(|| {
        std::env::var("SLURM_CPUS_PER_TASK")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
            .map(|n| ThreadRequest {
                n,
                from_slurm: true,
            })
    }))
}

/// The pool size for `items` work items (`None`: unknown): the request cut to the cores and the items
/// (supportsim::experiment::useful_threads), with a note on standard error when it was cut (not with
/// `--quiet`).
fn thread_count(request: Option<ThreadRequest>, items: Option<u64>, quiet: bool) -> Option<usize> {
    use supportsim::experiment::{ThreadCut, useful_threads};
    let count = useful_threads(request.map(|r| r.n), items);
    if let (Some(r), Some(cut), Some(n)) = (request, count.cut, count.threads)
        && !quiet
    {
        let asked = if r.from_slurm {
            format!("SLURM_CPUS_PER_TASK={}", r.n)
        } else {
            format!("--threads {}", r.n)
        };
        let why = match cut {
            ThreadCut::Cores(1) => "the one core this machine has".to_string(),
            ThreadCut::Cores(_) => "the cores this machine has".to_string(),
            ThreadCut::Items(1) => "the one replication to run".to_string(),
            ThreadCut::Items(_) => "the replications to run".to_string(),
        };
        eprintln!("note: {asked} cut to {n} ({why})");
    }
    count.threads
}

/// A progress bar on standard error, one step per replication: drawn only when stderr is a terminal
/// (indicatif hides itself otherwise, so pipes, CI logs and files stay clean) and never with `--quiet`.
fn progress_bar(total: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} replications ({eta} left)")
    {
        bar.set_style(style);
    }
    bar
}

/// Writes a command's results as the output folder `out`, replaced as a whole (report::write::OutputSet):
/// everything into a staging folder beside it, in this order: the text `files`; the workbook, if any; the
/// charts (unless `no_plots`); report.html, rendered by `page` from the charts drawn; then swapped in. On
/// any failure the earlier output stays as it was. Returns the charts.
fn write_results(
    out: &Path,
    files: &[(&str, String)],
    book: Option<(&str, Result<Vec<u8>, WorkbookError>)>,
    no_plots: bool,
    draw: impl FnOnce(&Path) -> Result<Vec<Chart>, PlotError>,
    page: impl FnOnce(&[Chart]) -> Result<String, PageError>,
) -> anyhow::Result<Vec<Chart>> {
    let set = OutputSet::begin(out).map_err(|e| match e {
        // Another process took the folder while this one ran (it did not exist before): exit code 2.
        OutputError::Busy { .. } => anyhow::Error::from(BadInput(e.to_string())),
        e => report_error(e),
    })?;
    for (name, text) in files {
        set.write(name, text.as_bytes()).map_err(report_error)?;
    }
    if let Some((name, book)) = book {
        match book {
            Ok(bytes) => set.write(name, &bytes).map_err(report_error)?,
            // A workbook that cannot be built (a table beyond Excel's row limit) is reported and left
            // out: the CSVs hold everything.
            Err(e) => eprintln!("warning: {name} not written: {}", printable(&e.to_string())),
        }
    }
    let charts = if no_plots {
        Vec::new()
    } else {
        let dir = set.dir().join(supportsim::report::write::PLOTS);
        let charts = draw(&dir).map_err(report_error)?;
        // Nothing to chart (a sweep over text values, say): no empty plots/ folder.
        if charts.is_empty() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        charts
    };
    let html = page(&charts).map_err(report_error)?;
    set.write("report.html", html.as_bytes())
        .map_err(report_error)?;
    set.commit().map_err(report_error)?;
    Ok(charts)
}

/// A report error as an anyhow error that prints as the error's own message (it can still be downcast to
/// its type). The report errors' messages already end with their cause's text ("cannot write x.png:
/// <io error>"); `anyhow::Error::from` would keep the cause in the chain too, and `{:#}` print it twice.
fn report_error<E>(e: E) -> anyhow::Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    anyhow::Error::msg(e)
}

/// `--threads 0` is refused; `None` means one per core.
fn check_threads(threads: Option<usize>) -> Result<(), BadInput> {
    if threads == Some(0) {
        return Err(BadInput(
            "--threads 0: give at least 1 (or leave it out for one per core)".into(),
        ));
    }
    Ok(())
}

/// `--out`, or output/<prefix><file stem of `scenario`>/.
fn output_dir(out: Option<PathBuf>, scenario: &Path, prefix: &str) -> PathBuf {
    out.unwrap_or_else(|| {
        let stem = scenario
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into());
        PathBuf::from("output").join(format!("{prefix}{stem}"))
    })
}

/// Refuses, before anything runs, an output folder that cannot be written or replaced as a whole
/// (report::write::OutputSet::check): a file, under a file, not writable, or holding files supportsim did
/// not write. A shard's folder (`sharded`) only receives its part file: it must be a writable folder.
fn check_out(out: &Path, sharded: bool) -> Result<(), BadInput> {
    let checked = if sharded {
        supportsim::report::write::check_folder(out)
    } else {
        // Checked and locked: a second run into the same folder is refused now, not after its run.
        OutputSet::reserve(out)
    };
    checked.map_err(|e| BadInput(e.to_string()))
}

/// Contacts simulated per second per thread, roughly: measured on the 2-core development machine (a year
/// of scenarios/erlang-a.toml, 1e8 contacts on one thread: 4.9 M/s; docs/performance.md, "Huge runs"),
/// rounded down for scenarios with more going on per contact (the omnichannel week runs at ~1.5 M/s).
const CONTACTS_PER_SECOND_PER_THREAD: f64 = 3e6;

/// The expected contacts of one replication of `s`: every channel's arrival rate over the warm-up and the
/// horizon (retries, transfers and journeys not counted).
fn contacts_per_replication(s: &supportsim::scenario::Scenario) -> f64 {
    let intervals = s.intervals() as i64;
    s.channels
        .iter()
        .map(|c| {
            let horizon: f64 = (0..intervals)
                .map(|i| c.arrivals_per_hour.at(i))
                .sum::<f64>()
                * s.interval_s
                / 3600.0;
            let mean_per_s = horizon / s.horizon_s.max(1.0);
            horizon + mean_per_s * s.warmup_s
        })
        .sum()
}

/// The seconds after which a run's size is announced (`SUPPORTSIM_ESTIMATE_AFTER_S`, default a minute).
fn estimate_after_s() -> f64 {
    std::env::var("SUPPORTSIM_ESTIMATE_AFTER_S")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or(60.0)
}

/// The threads a run of `items` replications keeps busy: the pool's size (`threads`, or the machine's
/// cores), but never more than the items.
fn busy_threads(threads: Option<usize>, items: u64) -> usize {
    threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(usize::try_from(items).unwrap_or(usize::MAX))
        .max(1)
}

/// `contacts` simulated on `threads` threads at [`CONTACTS_PER_SECOND_PER_THREAD`], in seconds.
fn estimated_seconds(contacts: f64, threads: usize) -> f64 {
    contacts / (CONTACTS_PER_SECOND_PER_THREAD * threads as f64)
}

/// A duration for the estimate: "40 s", "3 min", "1.5 h".
fn rough_time(seconds: f64) -> String {
    if seconds < 90.0 {
        format!("{:.0} s", seconds.max(1.0))
    } else if seconds < 3600.0 {
        format!("{:.0} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

/// The size and time of a run of the scenarios `runs` (each one's replications) on `threads` threads:
/// "about 1.2e8 contacts, about 3 min on 2 threads", when that time is over a minute
/// (`SUPPORTSIM_ESTIMATE_AFTER_S` seconds instead), else `None`. `run`, `compare` and `sweep` print it
/// before they simulate.
fn size_estimate(
    runs: &[&supportsim::scenario::Scenario],
    threads: Option<usize>,
) -> Option<String> {
    let contacts: f64 = runs
        .iter()
        .map(|s| contacts_per_replication(s) * f64::from(s.replications))
        .sum();
    let items: u64 = runs.iter().map(|s| u64::from(s.replications)).sum();
    let threads = busy_threads(threads, items);
    let seconds = estimated_seconds(contacts, threads);
    if seconds.is_nan() || seconds <= estimate_after_s() {
        return None;
    }
    Some(format!(
        "about {contacts:.1e} contacts, about {} on {threads} thread{}",
        rough_time(seconds),
        if threads == 1 { "" } else { "s" }
    ))
}

/// The size of a plan's simulations (src/planner): each search round simulates the scenario
/// `replications` times, and the check (with its repairs) `check_replications` times; the search stops
/// after at most `max_rounds` rounds and the check after `check_rounds` repairs, so the time printed is an
/// upper bound. `None` when that bound is under a minute (`SUPPORTSIM_ESTIMATE_AFTER_S`).
fn plan_estimate(
    s: &supportsim::scenario::Scenario,
    p: &supportsim::scenario::planning::Planning,
    threads: Option<usize>,
) -> Option<String> {
    let per_replication = contacts_per_replication(s);
    let round = per_replication * f64::from(p.replications);
    let check = per_replication * f64::from(p.check_replications);
    let round_s = estimated_seconds(round, busy_threads(threads, u64::from(p.replications)));
    let check_s = estimated_seconds(
        check,
        busy_threads(threads, u64::from(p.check_replications)),
    );
    let bound_s = round_s * f64::from(p.max_rounds) + check_s * f64::from(p.check_rounds + 1);
    if bound_s.is_nan() || bound_s <= estimate_after_s() {
        return None;
    }
    let threads = busy_threads(threads, u64::from(p.replications.max(p.check_replications)));
    Some(format!(
        "about {round:.1e} contacts a search round of {} replications; at most {} rounds and {} checks of {} replications: up to {} on {threads} thread{}",
        p.replications,
        p.max_rounds,
        p.check_rounds + 1,
        p.check_replications,
        rough_time(bound_s),
        if threads == 1 { "" } else { "s" }
    ))
}

/// An error in what the user gave us (exit code 2), as opposed to a failure while running (exit code 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

pub fn main() -> ExitCode {
    interrupt::install();
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
        Command::Compare(a) => compare::run(a),
        Command::Sweep(a) => sweep::run(a),
        Command::Check(a) => check::run(a),
        Command::Erlang(a) => erlang::run(a),
        Command::Plan(a) => plan::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Calibrate(a) => calibrate::run(*a),
        Command::Backtest(a) => backtest::run(a),
        Command::Completions(a) => completions::run(a, Cli::command()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let bad_input = e
                .downcast_ref::<supportsim::scenario::ScenarioErrors>()
                .is_some()
                || e.downcast_ref::<BadInput>().is_some()
                // A run refused by, or stopped at, the memory limit (docs/engine.md, "Memory").
                || e.downcast_ref::<supportsim::experiment::RunError>().is_some();
            eprintln!("error: {}", printable(&format!("{e:#}")));
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_error_prints_its_cause_once_and_keeps_its_type() {
        let e = PlotError::WriteSvg {
            path: PathBuf::from("plots/x.svg"),
            source: std::io::Error::other("disk full"),
        };
        let text = e.to_string();
        assert_eq!(text, "cannot write plots/x.svg: disk full");
        let any = report_error(e);
        assert_eq!(format!("{any:#}"), text);
        assert!(any.downcast_ref::<PlotError>().is_some());
    }
}
