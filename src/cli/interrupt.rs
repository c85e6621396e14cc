//! Ctrl-C (SIGINT), SIGTERM and SIGHUP: the process stops at once, wherever it is (a simulation, a
//! planner's search, writing results), after removing what it was writing (report::write::abandon_writes:
//! staging folders and temporary files; a swap into place in progress finishes first), with a one-line
//! message and exit code 128 + the signal (130 for Ctrl-C, 143 for SIGTERM). Output folders are thereby
//! left as they were or complete, never a mix.
//!
//! A watcher thread (signal-hook's iterator, not a signal handler) does it, so it may take locks and
//! remove files. Stopping there rather than between replications needs no flag in the library and nothing
//! in the per-contact loop, and works the same in every command.

/// Starts the watcher; where signals cannot be watched, they keep their default effect.
#[cfg(unix)]
pub fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held until the process exits: nothing more is put into place.
                let _held = supportsim::report::write::abandon_writes();
                let name = match signal {
                    SIGINT => "SIGINT",
                    SIGTERM => "SIGTERM",
                    _ => "SIGHUP",
                };
                // Start on a fresh line: a progress bar may be drawn on the terminal.
                let fresh = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                    "\r\x1b[2K"
                } else {
                    ""
                };
                eprintln!(
                    "{fresh}interrupted by {name}: stopped; no output folder was left half-written"
                );
                std::process::exit(128 + signal);
            }
        });
}

#[cfg(not(unix))]
pub fn install() {}
