//! `supportsim calibrate LOG...`: per-call records in, a calibrated scenario (and the observed history) out.

use super::{BadInput, printable};
use std::path::PathBuf;
use supportsim::calibration::choose;
use supportsim::calibration::fit::{self, FitOptions};
use supportsim::calibration::output::{self, BANK_CREDIT_LINE, Provenance};
use supportsim::calibration::read::{self, CallLog, CsvOptions, TimeFormat};
use supportsim::calibration::{CalibrationError, estimate, staffing};
use supportsim::time::duration::parse_duration;

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
pub enum LogFormat {
    /// bank1999 when the first line is the bank's header (vru+line ...), else csv.
    Auto,
    /// The Anonymous Bank's 1999 tab-separated records.
    Bank1999,
    /// A CSV per call (the header `supportsim run --calls` writes, or any with --columns).
    Csv,
}

#[derive(clap::Args)]
pub struct CalibrateArgs {
    /// Per-call log files (read in the order given, then sorted by time).
    #[arg(required = true)]
    logs: Vec<PathBuf>,
    /// The files' format.
    #[arg(long, value_enum, default_value = "auto")]
    format: LogFormat,
    /// csv: the file's column names, `key=Name,...` for keys arrival, queue_entry, answer, end, outcome,
    /// agent, channel, customer, priority (a key not given is its own name).
    #[arg(long, value_name = "MAP")]
    columns: Option<String>,
    /// csv: how timestamps are written: iso (2026-03-02T08:00:12.345), unix (seconds) or a pattern with
    /// %Y %y %m %d %H %M %S (seconds, an optional fraction after them).
    #[arg(long, default_value = "iso")]
    time_format: String,
    /// csv: the field separator (one character; `tab` for a tab).
    #[arg(long, default_value = ",")]
    delimiter: String,
    /// csv: the file's outcome values, `VALUE=answered,VALUE=abandoned,VALUE=blocked` (besides these names).
    #[arg(long, value_name = "MAP")]
    outcomes: Option<String>,
    /// csv: keep only this channel's rows.
    #[arg(long)]
    channel: Option<String>,
    /// Write the scenario here (default: to standard output, the summary then goes to standard error).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the observed history per interval and day (the input of `supportsim backtest`).
    #[arg(long)]
    history_out: Option<PathBuf>,
    /// Write every bad row (file, line, reason, message) to this CSV.
    #[arg(long)]
    bad_rows: Option<PathBuf>,
    /// Reporting interval of the scenario and the history: whole minutes dividing a day.
    #[arg(long, default_value = "1h")]
    interval: String,
    /// Staffing estimator: an agent counts as on duty between services less than this many minutes apart;
    /// `auto` tries every candidate gap by backtesting the calibrated scenario on the calibration days
    /// and keeps the one that predicts them best (docs/calibration.md).
    #[arg(long, default_value = "auto")]
    gap: String,
    /// Take the log's talk times as the whole handle time (leave out the after-call work estimated from
    /// the gaps between an agent's services while callers waited).
    #[arg(long)]
    no_after_call: bool,
    /// Worker threads of the `--gap auto` backtests (default: one per core). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Service-level threshold written in the scenario and used for the history's service_level.
    #[arg(long, default_value = "20s")]
    target: String,
    /// Service-level share written in the scenario.
    #[arg(long, default_value_t = 0.8)]
    target_share: f64,
    /// The priority classes' credit (a duration), instead of the estimate.
    #[arg(long)]
    credit: Option<String>,
    /// Window of the repeat-contact statistic.
    #[arg(long, default_value = "1d")]
    repeat_window: String,
    /// The scenario's name (default: "calibrated from" and the first file's name).
    #[arg(long)]
    name: Option<String>,
}

fn duration_arg(flag: &str, text: &str) -> Result<f64, BadInput> {
    parse_duration(text).map_err(|e| BadInput(format!("--{flag} {text}: {e}")))
}

fn bad(e: CalibrationError) -> anyhow::Error {
    BadInput(e.to_string()).into()
}

pub fn run(a: CalibrateArgs) -> anyhow::Result<()> {
    let interval_s = duration_arg("interval", &a.interval)?;
    if interval_s < 60.0
        || interval_s.fract() != 0.0
        || (interval_s as u64) % 60 != 0
        || 86_400 % (interval_s as u64) != 0
    {
        return Err(BadInput(format!(
            "--interval {}: give whole minutes that divide a day (15m, 30m, 1h, 2h)",
            a.interval
        ))
        .into());
    }
    let gap: Option<u32> = match a.gap.trim() {
        "auto" => None,
        g => match g.parse::<u32>() {
            Ok(0) => return Err(BadInput("--gap 0: give at least 1 minute, or auto".into()).into()),
            Ok(m) => Some(m),
            Err(_) => {
                return Err(BadInput(format!(
                    "--gap {g:?}: give a whole number of minutes (15) or auto"
                ))
                .into());
            }
        },
    };
    super::check_threads(a.threads)?;
    let target_within_s = duration_arg("target", &a.target)?;
    if target_within_s <= 0.0 {
        return Err(BadInput(format!("--target {}: must be > 0", a.target)).into());
    }
    if !(a.target_share > 0.0 && a.target_share <= 1.0) {
        return Err(BadInput(format!(
            "--target-share {}: must be in (0, 1]",
            a.target_share
        ))
        .into());
    }
    let credit_s = match &a.credit {
        Some(c) => {
            let v = duration_arg("credit", c)?;
            if v < 0.0 {
                return Err(BadInput(format!("--credit {c}: must be >= 0")).into());
            }
            Some(v)
        }
        None => None,
    };
    let repeat_window_s = duration_arg("repeat-window", &a.repeat_window)?;
    let delimiter = match a.delimiter.as_str() {
        "tab" | "\\t" => b'\t',
        d if d.len() == 1 => d.as_bytes()[0],
        d => {
            return Err(
                BadInput(format!("--delimiter \"{d}\": give one character (or tab)")).into(),
            );
        }
    };
    let csv_options = CsvOptions {
        columns: a
            .columns
            .as_deref()
            .map(CsvOptions::parse_columns)
            .transpose()
            .map_err(bad)?
            .unwrap_or_default(),
        time_format: TimeFormat::parse(&a.time_format).map_err(bad)?,
        delimiter,
        channel: a.channel.clone(),
        outcomes: a
            .outcomes
            .as_deref()
            .map(CsvOptions::parse_outcomes)
            .transpose()
            .map_err(bad)?
            .unwrap_or_default(),
    };

    let mut log = CallLog::default();
    let mut any_bank = false;
    for path in &a.logs {
        let name = path.display().to_string();
        let bytes =
            supportsim::scenario::datafile::read_file(path, supportsim::calibration::MAX_LOG_BYTES)
                .map_err(|source| {
                    bad(CalibrationError::CannotRead {
                        path: name.clone(),
                        source,
                    })
                })?;
        let text = String::from_utf8_lossy(&bytes);
        let format = match a.format {
            LogFormat::Auto if text.starts_with("vru+line") => LogFormat::Bank1999,
            LogFormat::Auto => LogFormat::Csv,
            f => f,
        };
        let part = match format {
            LogFormat::Bank1999 => {
                any_bank = true;
                read::read_bank1999(&name, &text)
            }
            _ => read::read_csv(&name, &text, &csv_options),
        }
        .map_err(bad)?;
        log.extend(part);
    }
    log.sort();

    // The summary goes where the scenario does not.
    let to_stdout = a.out.is_some();
    let say = |line: &str| {
        if to_stdout {
            println!("{}", printable(line));
        } else {
            eprintln!("{}", printable(line));
        }
    };
    let bad_rows = &log.summary.bad_rows;
    const SHOWN: usize = 20;
    for row in bad_rows.iter().take(SHOWN) {
        eprintln!("warning: {}", printable(&row.to_string()));
    }
    if bad_rows.len() > SHOWN {
        eprintln!(
            "warning: ... and {} more bad row(s){}",
            bad_rows.len() - SHOWN,
            if a.bad_rows.is_some() {
                " (all in --bad-rows)"
            } else {
                " (--bad-rows FILE lists them all)"
            }
        );
    }
    let summary = log.summary.lines();
    for line in &summary {
        say(line);
    }
    let files = a
        .logs
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>();
    if log.inbound().next().is_none() {
        return Err(bad(CalibrationError::NoRecords {
            files: files.join(", "),
        }));
    }
    let channel = match (&a.channel, log.channels.len()) {
        (Some(c), _) => c.clone(),
        (None, 1) => log.channels.iter().next().cloned().unwrap_or_default(),
        (None, n) => {
            eprintln!(
                "note: the log has {n} channels ({}): calibrated as one queue named \"phone\" (--channel NAME keeps one)",
                printable(&log.channels.iter().cloned().collect::<Vec<_>>().join(", "))
            );
            "phone".into()
        }
    };
    let options = FitOptions {
        interval_s,
        gap_min: gap.unwrap_or(staffing::DEFAULT_GAP_MIN),
        target_within_s,
        target_share: a.target_share,
        credit_s,
        default_credit_s: if any_bank {
            estimate::DEFAULT_CREDIT_S
        } else {
            0.0
        },
        repeat_window_s,
        base_class: any_bank.then(|| "regular".to_string()),
        after_call: !a.no_after_call,
    };
    let cal = fit::fit(&log, &options).map_err(|e| match e {
        CalibrationError::NoRecords { .. } => bad(CalibrationError::NoRecords {
            files: files.join(", "),
        }),
        e => bad(e),
    })?;

    let provenance = Provenance {
        name: a.name.clone().unwrap_or_else(|| {
            format!(
                "calibrated from {}",
                a.logs[0]
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default()
            )
        }),
        channel,
        sources: files,
        credit_line: any_bank.then(|| BANK_CREDIT_LINE.to_string()),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        summary,
    };
    let cal = match gap {
        Some(_) => cal,
        None => {
            let threads = super::thread_count(super::ThreadRequest::flag(a.threads), None, false);
            let runner = supportsim::experiment::Runner::new(threads)
                .map_err(|e| anyhow::anyhow!("cannot start the worker threads: {e}"))?;
            let (scores, best) = choose::choose_gap(
                &log,
                &cal,
                &provenance,
                &staffing::CANDIDATE_GAPS_MIN,
                &runner,
            )
            .map_err(|e| anyhow::anyhow!("--gap auto: {e}"))?;
            say(&format!(
                "gap chosen by backtest on the calibration days ({} replications a day; sum of MAEs relative to the best, lower is better):",
                choose::REPLICATIONS
            ));
            for s in &scores {
                let m = |k: usize, scale: f64| {
                    s.mae[k].map_or("-".to_string(), |v| format!("{:.2}", v * scale))
                };
                say(&format!(
                    "  {:>3} min: score {:.3} (MAE abandonment {} pp, ASA {} s, P(wait) {} pp, service level {} pp){}",
                    s.gap_min,
                    s.score,
                    m(0, 100.0),
                    m(1, 1.0),
                    m(2, 100.0),
                    m(3, 100.0),
                    if s.gap_min == scores[best].gap_min {
                        "  <- chosen"
                    } else {
                        ""
                    }
                ));
            }
            cal.with_gap(&log, scores[best].gap_min)
        }
    };
    for line in describe(&cal) {
        say(&line);
    }
    let scenario = output::scenario_toml(&cal, &provenance);
    let history = a
        .history_out
        .as_ref()
        .map(|_| output::history_csv(&log, &cal));
    let write = |path: &PathBuf, text: &str| {
        supportsim::report::write::write_atomic(path, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))
    };
    if let Some(path) = &a.bad_rows {
        let mut text = String::from("file,line,reason,message\n");
        for r in bad_rows {
            let q = supportsim::text::csv_cell;
            text.push_str(&format!(
                "{},{},{},{}\n",
                q(&r.file),
                r.line,
                q(r.reason.label()),
                q(&r.message)
            ));
        }
        write(path, &text)?;
    }
    match &a.out {
        Some(path) => {
            write(path, &scenario)?;
            println!("wrote {}", path.display());
        }
        None => print!("{scenario}"),
    }
    if let (Some(path), Some(text)) = (&a.history_out, history) {
        write(path, &text)?;
        say(&format!("wrote {}", path.display()));
    }
    Ok(())
}

/// The estimates in a few lines.
fn describe(c: &fit::Calibration) -> Vec<String> {
    let mut out = Vec::new();
    let per_week: f64 = c.arrivals.per_hour.iter().sum::<f64>() * c.options.interval_s / 3600.0;
    let peak = c.arrivals.per_hour.iter().copied().fold(0.0, f64::max);
    out.push(format!(
        "arrivals: {per_week:.0} per typical week, peak {peak:.1} per hour; days observed Mon-Sun {:?}",
        c.arrivals.days
    ));
    let h = &c.handle;
    out.push(format!(
        "handle time: {} calls, mean {:.1} s, cv {:.3} ({:.3} hour-normalised), {:.1}% under 10 s; KS {} (critical {:.4}): {}",
        h.n,
        h.mean_s,
        h.cv,
        h.normalised_cv,
        100.0 * h.short_share,
        h.candidates
            .iter()
            .map(|c| format!("{} {:.4}", c.family.name(), c.ks))
            .collect::<Vec<_>>()
            .join(", "),
        h.ks_critical,
        h.family().name()
    ));
    out.push(match &c.after_call {
        Some(w) => format!(
            "after-call work: {:.1} s per call (mean of {} gaps of at most {:.0} s between an agent's services while callers waited), added to the talk times: handle time mean {:.1} s",
            w.mean_s,
            w.gaps,
            supportsim::calibration::estimate::MAX_AFTER_CALL_S,
            h.mean_s + h.after_call_s
        ),
        None => "after-call work: none added (not estimated, or no agent gaps while callers waited)".into(),
    });
    match &c.patience {
        Some(p) => out.push(format!(
            "patience: {} callers, {} abandoned; Kaplan-Meier mean {:.1} s (tail mean {}), exponential with censoring {:.1} s, naive abandoners' mean {:.1} s",
            p.n,
            p.abandoned,
            p.mean_s,
            p.tail_mean_s
                .map_or("none".to_string(), |t| format!("{t:.1} s")),
            p.exponential_mean_s,
            p.naive_mean_s
        )),
        None => out.push("patience: nobody abandoned: left out (nobody abandons)".into()),
    }
    for class in &c.classes {
        out.push(format!(
            "class {}: share {:.4}, mean wait {:.1} s, abandon rate {:.3}, handle mean {}, patience mean {}{}",
            class.name,
            class.share,
            class.mean_wait_s,
            class.abandon_rate,
            class
                .handle
                .as_ref()
                .map_or("(channel's)".to_string(), |h| format!("{:.1} s", h.mean_s)),
            class
                .patience
                .as_ref()
                .map_or("(channel's)".to_string(), |p| format!("{:.1} s", p.mean_s)),
            class.credit.as_ref().map_or(String::new(), |cr| format!(
                ", credit {:.1} s ({})",
                cr.credit_s,
                if cr.estimated {
                    format!("estimated on {} intervals", cr.intervals)
                } else {
                    "default or given".to_string()
                }
            ))
        ));
    }
    if let Some(r) = &c.repeats {
        out.push(format!(
            "repeats: {:.1}% of contacts identified, {} customers; {:.1}% of answered contacts followed by another within {:.0} h; {:.1}% of customers called more than once (reported, not written)",
            100.0 * r.identified_share,
            r.customers,
            100.0 * r.repeat_share,
            r.window_s / 3600.0,
            100.0 * r.multi_contact_share
        ));
    }
    out.push(format!(
        "staffing (agents on duty in the week's peak interval, by gap): {}; busy there {:.2}; chosen gap {} min; call-backs {:.1}% of busy time",
        c.gaps
            .iter()
            .map(|g| format!("{} min {:.2}", g.gap_min, g.peak_agents))
            .collect::<Vec<_>>()
            .join(", "),
        c.peak_busy,
        c.options.gap_min,
        100.0 * c.outbound_busy_share + 0.0
    ));
    if let Some(q) = &c.idle_while_queued {
        out.push(format!(
            "queued while an agent on duty was idle: {:.1}% of {} queued callers joined the queue while an agent counted on duty (gap {} min) was free (not in a service or its after-call work); the model's one pooled queue lets nobody wait then (docs/calibration.md)",
            100.0 * q.share(),
            q.queued,
            c.options.gap_min
        ));
    }
    out
}
