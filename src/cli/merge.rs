//! `supportsim merge PART... --out DIR`: the parts of a sharded run (`--shard I/N`) put together, written
//! as exactly the outputs the unsharded command writes (the same files, byte for byte).

use super::{BadInput, Format};
use std::path::PathBuf;
use supportsim::report::compare::Period;
use supportsim::report::part::{self, Part, PartError};
use supportsim::scenario::Scenario;

#[derive(clap::Args)]
pub struct MergeArgs {
    /// The part files (part-*.json) that the shards wrote, in any order.
    #[arg(required = true, num_args = 1..)]
    parts: Vec<PathBuf>,
    /// Output folder: the files the unsharded command would write.
    #[arg(long)]
    out: PathBuf,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Do not draw the charts (plots/ in the output folder).
    #[arg(long)]
    no_plots: bool,
    /// Print nothing on standard error but warnings and errors.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(a: MergeArgs) -> anyhow::Result<()> {
    if a.out.is_file() {
        return Err(BadInput(format!(
            "--out {}: a file, not a folder: give a folder for the merged results",
            a.out.display()
        ))
        .into());
    }
    let mut parts = Vec::new();
    for path in &a.parts {
        parts.push((path.clone(), Part::read(path).map_err(bad)?));
    }
    let merged = part::merge(parts).map_err(bad)?;
    // Each scenario as the shards resolved it: the same scenario the unsharded run would build its report
    // from (a resolved scenario parses back to an equivalent one).
    let mut scenarios = Vec::new();
    for ps in &merged.scenarios {
        let s = Scenario::from_toml(&ps.resolved, &ps.file, None).map_err(|e| {
            BadInput(format!(
                "the scenario {} carried by the parts does not read back: {e}",
                ps.file
            ))
        })?;
        scenarios.push(s);
    }
    match merged.fingerprint.command.as_str() {
        "run" => {
            super::run::write_outputs(
                &scenarios[0],
                &merged.tallies[0],
                &a.out,
                a.format,
                a.no_plots,
            )?;
        }
        "compare" => {
            let period = match merged.options.get("timeline").and_then(|t| t.as_str()) {
                Some("week") => Period::Week,
                _ => Period::Day,
            };
            let note = |text: String| {
                if !a.quiet {
                    eprintln!("note: {text}");
                }
            };
            let per = super::compare::timeline_intervals(&scenarios, period, &note);
            let names: Vec<String> = merged.scenarios.iter().map(|s| s.file.clone()).collect();
            super::compare::write_outputs(
                &scenarios,
                &names,
                &merged.tallies,
                (period, per),
                &a.out,
                a.format,
                a.no_plots,
            )?;
        }
        other => {
            return Err(BadInput(format!(
                "parts of `{other}` cannot be merged by this supportsim (it merges run and compare parts)"
            ))
            .into());
        }
    }
    if !a.quiet {
        eprintln!(
            "merged {} replications of {} scenario(s) from {} part(s)",
            merged.fingerprint.replications,
            scenarios.len(),
            a.parts.len()
        );
    }
    Ok(())
}

/// A part that cannot be used is bad input (exit code 2), named with its file.
fn bad(e: PartError) -> BadInput {
    BadInput(e.to_string())
}
