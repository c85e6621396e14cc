//! `supportsim check SCENARIO`: validate without running.

use std::path::PathBuf;
use supportsim::scenario::Scenario;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
}

pub fn run(a: CheckArgs) -> anyhow::Result<()> {
    // The [planning] section too: `plan` would refuse what `check` calls ok.
    let (s, _) = Scenario::load_with_planning(&a.scenario)?;
    supportsim::experiment::check_size(&s)
        .map_err(|e| super::BadInput(format!("{}: {e}", a.scenario.display())))?;
    let line = format!(
        "{}: ok: \"{}\", {} channel(s), {} group(s), {} interval(s) of {}, {} replication(s)",
        a.scenario.display(),
        s.name,
        s.channels.len(),
        s.groups.len(),
        s.intervals(),
        supportsim::time::duration::format_duration(s.interval_s),
        s.replications
    );
    println!("{}", super::printable(&line));
    Ok(())
}
