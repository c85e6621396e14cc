//! What a calibration writes: the scenario (a typical week, commented with where each number came from)
//! and the observed history per interval (the backtest's input).

use super::estimate::{Family, HandleTimeFit, PatienceFit};
use super::fit::Calibration;
use super::read::CallLog;
use super::{DAY_S, Outcome};
use crate::time::date::{WEEKDAY_ABBREVIATIONS, format_clock, format_date};
use crate::time::duration::format_duration;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The credit line the Anonymous Bank data's terms ask for.
pub const BANK_CREDIT_LINE: &str =
    "Anonymous Bank call-center data, Technion SEE Center (I. Guedj & A. Mandelbaum)";

/// What the scenario says about where it came from.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    pub name: String,
    pub channel: String,
    /// The files read.
    pub sources: Vec<String>,
    /// A credit line the data's terms ask for (the bank's).
    pub credit_line: Option<String>,
    /// The command line that produced it.
    pub command: String,
    /// The read summary's lines.
    pub summary: Vec<String>,
}

/// A duration in seconds to a tenth: `"5s"`, `"192.5s"`.
fn seconds(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("\"{}s\"", r as i64)
    } else {
        format!("\"{r:.1}s\"")
    }
}

fn durations(values: &[f64]) -> String {
    values
        .iter()
        .map(|v| seconds(*v))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes `values` (7 days × per_day) as a TOML array, one line per day with the day named.
fn week_array(out: &mut String, key: &str, values: &[f64], per_day: usize, decimals: usize) {
    let _ = writeln!(out, "{key} = [");
    for (d, day) in values.chunks(per_day).enumerate() {
        let line = day
            .iter()
            .map(|v| format!("{v:.decimals$}"))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(out, "  {line}, # {}", WEEKDAY_ABBREVIATIONS[d % 7]);
    }
    let _ = writeln!(out, "]");
}

fn handle_table(out: &mut String, header: &str, h: &HandleTimeFit) {
    let _ = writeln!(
        out,
        "# Talk time of {} answered calls: mean {:.1} s, cv {:.3} (cv {:.3} after dividing each call by its hour's \
         mean); {:.1}% under 10 s.",
        h.n,
        h.mean_s,
        h.cv,
        h.normalised_cv,
        100.0 * h.short_share
    );
    let ks: Vec<String> = h
        .candidates
        .iter()
        .map(|c| format!("{} {:.4}", c.family.name(), c.ks))
        .collect();
    let _ = writeln!(
        out,
        "# Kolmogorov-Smirnov distance to the hour-normalised sample: {} (5% critical value {:.4}); \
         chosen: {}.",
        ks.join(", "),
        h.ks_critical,
        h.family().name()
    );
    let _ = writeln!(
        out,
        "# mean_by_hour: mean talk time of calls arriving in each clock hour (the overall mean where an hour has \
         fewer than {} calls){}; it replaces the family's mean, the shape is kept.",
        super::estimate::MIN_CALLS_PER_HOUR,
        if h.after_call_s > 0.0 {
            format!(", plus {:.1} s of after-call work", h.after_call_s)
        } else {
            String::new()
        }
    );
    if h.after_call_s > 0.0 {
        let _ = writeln!(
            out,
            "# Handle time = talk + after-call work: the log's talk times leave out wrap-up, estimated at {:.1} s \
             (the mean gap between an agent's services while callers waited throughout, docs/calibration.md); \
             the family below is scaled to mean {:.1} s.",
            h.after_call_s,
            h.mean_s + h.after_call_s
        );
    }
    let _ = writeln!(out, "{header}");
    let scaled = h.family().scaled((h.mean_s + h.after_call_s) / h.mean_s);
    let family = &scaled;
    match family {
        Family::Empirical { values } => {
            // Tenths of a second, or finer when every value is under a second (still not all zero).
            let prec = if values.iter().any(|v| *v >= 1.0) {
                1
            } else {
                4
            };
            let _ = writeln!(out, "dist = \"empirical\"");
            let _ = writeln!(out, "values = [");
            for chunk in values.chunks(10) {
                let line = chunk
                    .iter()
                    .map(|v| format!("{v:.prec$}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let _ = writeln!(out, "  {line},");
            }
            let _ = writeln!(out, "]");
        }
        other => {
            // key = value pairs of the inline form, one per line.
            let inline = other.toml();
            let mut depth = 0i32;
            let mut start = 0;
            let bytes = inline.as_bytes();
            for (i, b) in bytes.iter().enumerate() {
                match b {
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' => depth -= 1,
                    b',' if depth == 0 => {
                        let _ = writeln!(out, "{}", inline[start..i].trim());
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            let _ = writeln!(out, "{}", inline[start..].trim());
        }
    }
    let _ = writeln!(out, "mean_by_hour = [");
    let with_after_call: Vec<f64> = h.mean_by_hour.iter().map(|m| m + h.after_call_s).collect();
    for (k, chunk) in with_after_call.chunks(6).enumerate() {
        let _ = writeln!(
            out,
            "  {}, # {:02}:00-{:02}:00",
            durations(chunk),
            k * 6,
            k * 6 + 6
        );
    }
    let _ = writeln!(out, "]");
}

fn patience_table(out: &mut String, header: &str, p: &PatienceFit) {
    let _ = writeln!(
        out,
        "# Patience from the waits of {} callers ({} abandoned): Kaplan-Meier with the waits of served callers \
         censored (a lower bound on their patience), read at the points below while enough callers were still \
         waiting; exponential beyond the last point, its mean from the abandonment hazard measured there.",
        p.n, p.abandoned
    );
    let _ = writeln!(
        out,
        "# Mean patience of the curve {:.1} s (the exponential fit with censoring: {:.1} s; the naive mean of the \
         abandoners' waits, {:.1} s, is biased low).",
        p.mean_s, p.exponential_mean_s, p.naive_mean_s
    );
    let _ = writeln!(out, "{header}");
    let _ = writeln!(out, "dist = \"survival\"");
    let _ = writeln!(out, "points = [");
    for &(t, s) in &p.points {
        let s = if t == 0.0 { 1.0 } else { s };
        let _ = writeln!(out, "  [{}, {s:.4}],", seconds(t));
    }
    let _ = writeln!(out, "]");
    if let Some(m) = p.tail_mean_s {
        // At least 1 s: a log whose callers all left without waiting measures a tail of 0, which is no
        // distribution.
        let _ = writeln!(out, "tail_mean = {}", seconds(m.max(1.0)));
    }
}

/// The scenario: a typical week (horizon 7 days from a Monday) on the calibration's interval.
pub fn scenario_toml(c: &Calibration, p: &Provenance) -> String {
    let o = &c.options;
    let per_day = c.arrivals.per_day;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Calibrated by supportsim calibrate from {} ({}).",
        p.sources.join(", "),
        p.command
    );
    if let Some(credit) = &p.credit_line {
        let _ = writeln!(out, "# Data: {credit}.");
    }
    for line in &p.summary {
        let _ = writeln!(out, "# {}", line.trim_end());
    }
    let _ = writeln!(
        out,
        "# Offered {} contacts: {} answered, {} abandoned, {} blocked. docs/calibration.md describes every \
         estimate.",
        c.offered, c.answered, c.abandoned, c.blocked
    );
    let _ = writeln!(out, "name = {}", toml_string(&p.name));
    let _ = writeln!(out, "replications = 10");
    let _ = writeln!(
        out,
        "# A typical week: weekday x interval means over the days observed."
    );
    let _ = writeln!(out, "horizon = \"7d\"");
    let _ = writeln!(out, "warmup = \"1h\"");
    let _ = writeln!(out, "interval = \"{}\"", format_duration(o.interval_s));
    let _ = writeln!(out, "start = \"monday\"");
    let _ = writeln!(out);
    let _ = writeln!(out, "[[channels]]");
    let _ = writeln!(out, "name = {}", toml_string(&p.channel));
    let _ = writeln!(out, "kind = \"voice\"");
    let _ = writeln!(
        out,
        "target = {{ within = \"{}\", share = {} }}",
        format_duration(o.target_within_s),
        o.target_share
    );
    let _ = writeln!(out);
    let days: Vec<String> = c
        .arrivals
        .days
        .iter()
        .enumerate()
        .map(|(d, n)| format!("{} {n}", WEEKDAY_ABBREVIATIONS[d]))
        .collect();
    let _ = writeln!(
        out,
        "# Arrivals per hour: contacts offered to agents in each weekday x interval, summed over the days \
         observed and divided by their number (days observed: {}). Poisson within an interval.",
        days.join(", ")
    );
    let _ = writeln!(out, "[channels.arrivals]");
    week_array(&mut out, "per_hour", &c.arrivals.per_hour, per_day, 3);
    let _ = writeln!(out);
    handle_table(&mut out, "[channels.handle_time]", &c.handle);
    let _ = writeln!(out);
    if let Some(pat) = &c.patience {
        patience_table(&mut out, "[channels.patience]", pat);
        let _ = writeln!(out);
    }
    for (k, class) in c.classes.iter().enumerate() {
        let _ = writeln!(
            out,
            "# Class \"{}\": {} offered ({:.1}%), mean wait {:.1} s, abandon rate {:.1}%.",
            class.name,
            class.offered,
            100.0 * class.share,
            class.mean_wait_s,
            100.0 * class.abandon_rate
        );
        if let Some(cr) = &class.credit {
            if cr.estimated {
                let _ = writeln!(
                    out,
                    "# credit: the difference of mean waits against the base class in {} busy intervals (same hour, \
                     same load).",
                    cr.intervals
                );
            } else if o.credit_s.is_some() {
                let _ = writeln!(out, "# credit: given with --credit.");
            } else {
                let _ = writeln!(
                    out,
                    "# credit: too few busy intervals to measure it ({}): the documented default.",
                    cr.intervals
                );
            }
        }
        let _ = writeln!(out, "[[channels.classes]]");
        let _ = writeln!(out, "name = {}", toml_string(&class.name));
        // Full precision, the last class taking what the others leave: the shares add up to 1 exactly
        // as validation requires, whatever the number of classes.
        let share = if k + 1 == c.classes.len() {
            1.0 - c.classes[..k].iter().map(|x| x.share).sum::<f64>()
        } else {
            class.share
        };
        let _ = writeln!(out, "share = {share}");
        if let Some(cr) = &class.credit {
            let _ = writeln!(out, "credit = {}", seconds(cr.credit_s));
        }
        if let Some(h) = &class.handle {
            handle_table(&mut out, "[channels.classes.handle_time]", h);
        }
        if let Some(pat) = &class.patience {
            patience_table(&mut out, "[channels.classes.patience]", pat);
        }
        let _ = writeln!(out);
    }
    if let Some(r) = &c.repeats {
        let _ = writeln!(
            out,
            "# Repeat contacts (reported, not modelled): {:.1}% of offered contacts carry a customer id ({} \
             customers); {:.1}% of their answered contacts were followed by another contact within {}; \
             {:.1}% of customers called more than once. The arrivals above already contain these repeats, so \
             `resolution`/`repeat` are not written (they would count them twice).",
            100.0 * r.identified_share,
            r.customers,
            100.0 * r.repeat_share,
            crate::time::duration::format_duration(r.window_s),
            100.0 * r.multi_contact_share
        );
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "# Agents available per weekday x interval (time-weighted means over the days observed): an agent is on \
         duty from the start of a service to the end of the next when they are less than {} min apart, minus \
         the agent time of the center's own call-backs ({:.1}% of busy time). Mean agents on duty in the week's \
         peak interval by gap: {}; mean busy there {:.2}.",
        o.gap_min,
        100.0 * c.outbound_busy_share,
        c.gaps
            .iter()
            .map(|g| format!("{} min {:.2}", g.gap_min, g.peak_agents))
            .collect::<Vec<_>>()
            .join(", "),
        c.peak_busy
    );
    let _ = writeln!(out, "[[groups]]");
    let _ = writeln!(out, "name = \"agents\"");
    let _ = writeln!(out, "skills = {{ {} = 1.0 }}", toml_key(&p.channel));
    week_array(&mut out, "size", &c.size_week, per_day, 2);
    out
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        s.to_string()
    } else {
        toml_string(s)
    }
}

/// Per interval of one day: the observed counts.
#[derive(Default, Clone)]
struct Cell {
    offered: u64,
    answered: u64,
    abandoned: u64,
    wait_answered_s: f64,
    waited: u64,
    within: u64,
}

/// The observed history (contract D): one row per interval of each observed day, from the day's first to
/// its last interval with an offered contact or an agent on duty (intervals in between are written, with
/// zeros). `asa_s` empty without answered contacts; `prob_wait` and `service_level` empty without offered
/// ones. Contacts are counted in the interval of their arrival at the agent queue.
pub fn history_csv(log: &CallLog, c: &Calibration) -> String {
    let interval_s = c.options.interval_s;
    let per_day = (DAY_S / interval_s).round() as i64;
    let mut cells: BTreeMap<i64, Cell> = BTreeMap::new();
    for r in log.inbound() {
        let cell = cells
            .entry((r.arrival_s / interval_s).floor() as i64)
            .or_default();
        cell.offered += 1;
        if r.wait_s > 0.0 {
            cell.waited += 1;
        }
        match r.outcome {
            Outcome::Answered => {
                cell.answered += 1;
                cell.wait_answered_s += r.wait_s;
                if r.wait_s <= c.options.target_within_s {
                    cell.within += 1;
                }
            }
            Outcome::Abandoned => cell.abandoned += 1,
            Outcome::Blocked => {}
        }
    }
    let mut out = String::from(
        "date,start,offered,agents,answered,abandoned,asa_s,prob_wait,service_level\n",
    );
    for &date in &log.dates_seen {
        let first = date * per_day;
        let active = |k: i64| cells.contains_key(&k) || c.available.of_interval(k) > 0.005;
        let Some(lo) = (first..first + per_day).find(|k| active(*k)) else {
            continue;
        };
        let hi = (first..first + per_day)
            .rev()
            .find(|k| active(*k))
            .unwrap_or(lo);
        for k in lo..=hi {
            let cell = cells.get(&k).cloned().unwrap_or_default();
            let start = (k - first) as f64 * interval_s;
            let n = cell.offered as f64;
            let opt = |v: Option<f64>| v.map(|v| format!("{v:.4}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "{},{},{},{:.2},{},{},{},{},{}",
                format_date(date),
                format_clock(start),
                cell.offered,
                c.available.of_interval(k),
                cell.answered,
                cell.abandoned,
                opt((cell.answered > 0).then(|| cell.wait_answered_s / cell.answered as f64)),
                opt((cell.offered > 0).then(|| cell.waited as f64 / n)),
                opt((cell.offered > 0).then(|| cell.within as f64 / n)),
            );
        }
    }
    out
}
