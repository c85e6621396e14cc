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
    super::check_out(&a.out, false)?;
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
                    eprintln!("note: {}", super::printable(&text));
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
        "sweep" => {
            let keys: Vec<String> = merged
                .options
                .get("keys")
                .and_then(|k| serde_json::from_value(k.clone()).ok())
                .unwrap_or_default();
            let values: Vec<Vec<String>> = merged
                .options
                .get("values")
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .unwrap_or_default();
            if values.len() != scenarios.len() {
                return Err(BadInput(format!(
                    "{}: the parts' sweep values do not match their points",
                    a.parts[0].display()
                ))
                .into());
            }
            let mut points = Vec::new();
            for (texts, s) in values.iter().zip(scenarios) {
                let mut v = Vec::new();
                for text in texts {
                    v.push(toml_value(text).ok_or_else(|| {
                        BadInput(format!(
                            "{}: the swept value {text} does not read back",
                            a.parts[0].display()
                        ))
                    })?);
                }
                points.push((v, s));
            }
            super::sweep::write_outputs(
                keys,
                points,
                &merged.tallies,
                &a.out,
                a.format,
                a.no_plots,
            )?;
            return done(&a, &merged);
        }
        other => {
            return Err(BadInput(format!(
                "parts of `{other}` cannot be merged by this supportsim (it merges run, compare and sweep parts)"
            ))
            .into());
        }
    }
    done(&a, &merged)
}

/// The closing line on standard error.
fn done(a: &MergeArgs, merged: &part::Merged) -> anyhow::Result<()> {
    if !a.quiet {
        eprintln!(
            "merged {} replications of {} scenario(s) from {} part(s)",
            merged.fingerprint.replications,
            merged.scenarios.len(),
            a.parts.len()
        );
    }
    Ok(())
}

/// A TOML value from its text (as `toml::Value::to_string` wrote it).
fn toml_value(text: &str) -> Option<toml::Value> {
    let table: toml::Table = format!("v = {text}").parse().ok()?;
    table.get("v").cloned()
}

/// A part that cannot be used is bad input (exit code 2), named with its file.
fn bad(e: PartError) -> BadInput {
    BadInput(e.to_string())
}
