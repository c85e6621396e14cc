//! `supportsim completions SHELL`: a completion script for bash, zsh, fish, PowerShell or elvish, generated
//! from the same clap definitions the command parses with (so it never falls behind a new flag).

use clap::ValueEnum;
use clap_complete::Shell;
use std::io::Write;

#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    shell: CompletionShell,
}

#[derive(Clone, Copy, ValueEnum)]
enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

pub fn run(a: CompletionsArgs, mut command: clap::Command) -> anyhow::Result<()> {
    let shell = match a.shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
        CompletionShell::Powershell => Shell::PowerShell,
        CompletionShell::Elvish => Shell::Elvish,
    };
    // Rendered into memory first: clap_complete writing straight to stdout panics on a closed pipe
    // (`supportsim completions bash | head`).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "supportsim", &mut script);
    let mut out = std::io::stdout().lock();
    match out.write_all(&script).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| anyhow::anyhow!("cannot write the completion script: {e}")),
    }
}
