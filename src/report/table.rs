//! The terminal table: KPIs as rows, channels as columns, each cell "mean ± ci95".

use super::Report;
use crate::stats::Estimate;
use crate::time::duration::format_duration;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

/// A row of the table: label, unit, and which KPI it shows.
type Row = (&'static str, Unit, fn(&super::ChannelKpis) -> &Estimate);

/// Rows shown only when some channel has something to show in them (a contact center without callbacks
/// need not read about them).
fn shown(report: &Report, get: fn(&super::ChannelKpis) -> &Estimate) -> bool {
    report
        .channels
        .values()
        .any(|k| get(k).mean.is_some_and(|m| m != 0.0))
}

enum Unit {
    Count,
    Share,
    Seconds,
}

fn fmt(e: &Estimate, unit: &Unit) -> String {
    let Some(m) = e.mean else { return "n/a".into() };
    if let Unit::Seconds = unit {
        // Durations read in seconds, minutes, hours or days (report::units); a time is never below 0, and
        // its interval, cut there, shows its ends.
        let v = super::units::duration(m);
        return match e.bounds() {
            Some((lo, hi)) if e.is_asymmetric() && (m - lo - (hi - m)).abs() > 0.05 => format!(
                "{v} [{}, {}]",
                super::units::duration(lo),
                super::units::duration(hi)
            ),
            Some((_, hi)) => format!("{v} ± {}", super::units::half_width(m, hi - m)),
            None => v,
        };
    }
    let (scale, digits, suffix) = match unit {
        Unit::Count => (1.0, 1, ""),
        Unit::Share => (100.0, 2, "%"),
        Unit::Seconds => (1.0, 1, " s"),
    };
    let v = format!("{:.digits$}{suffix}", scale * m);
    let Some((lo, hi)) = e.bounds() else { return v };
    let (below, above) = (
        format!("{:.digits$}", scale * (m - lo)),
        format!("{:.digits$}", scale * (hi - m)),
    );
    // A bounded interval (a share near 0 or 1, a count near 0) shows its ends: "x ± h" would leave the range.
    if e.is_asymmetric() && below != above {
        format!("{v} [{:.digits$}, {:.digits$}]", scale * lo, scale * hi)
    } else {
        format!("{v} ± {above}")
    }
}

/// A table as text cells, shown in the terminal (comfy-table) and in report.html. A header cell may hold a
/// line break.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Grid {
    /// The grid as a terminal table in the one style every command prints (`run`, `compare`, `sweep`,
    /// `plan`): see [`terminal_table`].
    pub fn table(&self) -> Table {
        let mut t = terminal_table();
        t.set_header(self.header.clone());
        for r in &self.rows {
            t.add_row(r.clone());
        }
        t
    }
}

/// An empty table in the house style: condensed UTF-8 borders, numbers right-aligned by the caller's
/// cells, and columns that wrap to fit the terminal when standard output is one (comfy-table reads its
/// width; written to a file or a pipe, the table keeps its natural width, so scripts see whole lines).
pub fn terminal_table() -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    t
}

/// The KPIs of every channel: rows are KPIs, one column per channel with its target.
pub fn kpi_grid(report: &Report) -> Grid {
    let mut t = Grid::default();
    let mut header = vec!["KPI (mean ± 95% CI)".to_string()];
    for (name, target) in &report.run.targets {
        header.push(if target.kind == "self-service" {
            format!("{name}\nself-service")
        } else {
            format!("{name}\ntarget {}", target.label())
        });
    }
    t.header = header;
    let rows: [Row; 13] = [
        ("offered", Unit::Count, |k| &k.contacts.offered),
        ("answered", Unit::Count, |k| &k.contacts.answered),
        ("abandoned", Unit::Count, |k| &k.contacts.abandoned),
        ("blocked", Unit::Count, |k| &k.contacts.blocked),
        ("service level", Unit::Share, |k| &k.contacts.service_level),
        ("service level (of answered)", Unit::Share, |k| {
            &k.contacts.service_level_answered
        }),
        ("ASA", Unit::Seconds, |k| &k.contacts.asa_s),
        ("wait p90", Unit::Seconds, |k| &k.wait_p90_s),
        ("abandon rate", Unit::Share, |k| &k.contacts.abandon_rate),
        ("block rate", Unit::Share, |k| &k.contacts.block_rate),
        ("P(wait)", Unit::Share, |k| &k.contacts.prob_wait),
        ("occupancy", Unit::Share, |k| &k.contacts.occupancy),
        ("AHT", Unit::Seconds, |k| &k.contacts.aht_s),
    ];
    // Feature rows, shown when some channel uses the feature.
    let optional: [Row; 12] = [
        ("P(target missed)", Unit::Share, |k| {
            &k.contacts.p_target_missed
        }),
        ("overflowed", Unit::Count, |k| &k.contacts.overflowed),
        ("self-service contained", Unit::Count, |k| {
            &k.contacts.contained
        }),
        ("containment rate", Unit::Share, |k| {
            &k.contacts.containment_rate
        }),
        ("callbacks offered", Unit::Count, |k| {
            &k.contacts.callbacks_offered
        }),
        ("callbacks accepted", Unit::Count, |k| {
            &k.contacts.callbacks_accepted
        }),
        ("callbacks completed", Unit::Count, |k| {
            &k.contacts.callbacks_completed
        }),
        ("callbacks unreached", Unit::Count, |k| {
            &k.contacts.callbacks_unreached
        }),
        ("informed of the wait", Unit::Share, |k| {
            &k.contacts.informed_share
        }),
        ("waiting at horizon end", Unit::Count, |k| &k.backlog_end),
        ("in service at horizon end", Unit::Count, |k| {
            &k.in_service_end
        }),
        ("backlog at midnight", Unit::Count, |k| {
            &k.backlog_end_of_day
        }),
    ];
    let chats: Row = ("chats per agent", Unit::Count, |k| {
        &k.contacts.chats_per_agent
    });
    // Case rows, when some channel's customers come back.
    let journeys = report
        .channels
        .values()
        .any(|k| k.cases.contacts_per_case.mean.is_some_and(|m| m > 1.0));
    let case_rows: [Row; 4] = [
        ("FCR (cases)", Unit::Share, |k| &k.cases.fcr_rate),
        ("contacts per case", Unit::Count, |k| {
            &k.cases.contacts_per_case
        }),
        ("resolution rate", Unit::Share, |k| &k.cases.resolution_rate),
        ("time to resolution", Unit::Seconds, |k| {
            &k.cases.time_to_resolution_s
        }),
    ];
    let rows = rows
        .into_iter()
        .chain(
            optional
                .into_iter()
                .filter(|(label, _, get)| *label == "P(target missed)" || shown(report, *get)),
        )
        .chain(
            report
                .channels
                .values()
                .any(|k| k.contacts.chats_per_agent.mean.is_some_and(|m| m > 1.0))
                .then_some(chats),
        )
        .chain(case_rows.into_iter().filter(|_| journeys));
    for (label, unit, get) in rows {
        let mut row = vec![label.to_string()];
        row.extend(report.channels.values().map(|k| fmt(get(k), &unit)));
        t.rows.push(row);
    }
    t
}

/// The six service levels, by channel of first contact and overall.
pub fn levels_grid(report: &Report) -> Grid {
    let mut levels = Grid::default();
    let mut header = vec!["customer experience level (share of cases)".to_string()];
    header.extend(report.experience.by_first_channel.keys().cloned());
    header.push("all".into());
    levels.header = header;
    for (l, name) in crate::experience::LEVELS.iter().enumerate() {
        let mut row = vec![name.replace('_', " ")];
        row.extend(
            report
                .experience
                .by_first_channel
                .values()
                .chain([&report.experience.overall])
                .map(|e| fmt(&e.levels[l], &Unit::Share)),
        );
        levels.rows.push(row);
    }
    let mut row = vec!["level 4 or above".to_string()];
    row.extend(
        report
            .experience
            .by_first_channel
            .values()
            .chain([&report.experience.overall])
            .map(|e| fmt(&e.level_4_or_above, &Unit::Share)),
    );
    levels.rows.push(row);
    levels
}

/// "held below level 4 mainly by: ..." with each factor's share of ended cases, if any case was held down.
pub fn held_down_line(report: &Report) -> Option<String> {
    let below: Vec<String> = report
        .experience
        .overall
        .held_down_by
        .iter()
        .filter(|(_, e)| e.mean.is_some_and(|m| m > 0.0005))
        .map(|(f, e)| format!("{} {}", f.replace('_', " "), fmt(e, &Unit::Share)))
        .collect();
    (!below.is_empty()).then(|| format!("held below level 4 mainly by: {}", below.join(", ")))
}

/// The eight standards: measure, value, target, met.
pub fn standards_grid(report: &Report) -> Grid {
    let mut card = Grid {
        header: [
            "standard",
            "measure",
            "value (mean ± 95% CI)",
            "target",
            "met",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    for (name, row) in &report.standards {
        let unit = if row.headline == "contacts_per_case" {
            Unit::Count
        } else {
            Unit::Share
        };
        let target = match unit {
            Unit::Share => format!(
                "{} {:.0}%",
                if row.direction == "at_least" {
                    ">="
                } else {
                    "<="
                },
                100.0 * row.target
            ),
            _ => format!(
                "{} {}",
                if row.direction == "at_least" {
                    ">="
                } else {
                    "<="
                },
                row.target
            ),
        };
        let met = match row.met {
            _ if !row.modelled => "not modelled",
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "n/a",
        };
        card.rows.push(vec![
            name.to_string(),
            row.headline.replace('_', " "),
            // A value the scenario does not model (100% FCR without `resolution`) is no result.
            if row.modelled {
                fmt(&row.value, &unit)
            } else {
                "-".to_string()
            },
            target,
            met.to_string(),
        ]);
    }
    card
}

/// One line per group: occupancy and agent-hours by state.
pub fn group_lines(report: &Report) -> Vec<String> {
    let mut lines = Vec::new();
    for (name, g) in &report.groups {
        lines.push(format!(
            "group {name}: occupancy {}, staffed {} agent-hours (handling {}, idle {}, break {}, absent {})",
            fmt(&g.occupancy, &Unit::Share),
            fmt(&g.staffed_hours, &Unit::Count),
            fmt(&g.handling_hours, &Unit::Count),
            fmt(&g.idle_hours, &Unit::Count),
            fmt(&g.break_hours, &Unit::Count),
            fmt(&g.shrinkage_hours, &Unit::Count)
        ));
    }
    lines
}

/// "cost: total (per group, per programme)" when the scenario prices anything.
pub fn cost_line(report: &Report) -> Option<String> {
    if report.cost.total.mean.is_some_and(|c| c > 0.0) {
        let groups: Vec<String> = report
            .groups
            .iter()
            .filter(|(_, g)| g.staff_cost.mean.is_some_and(|c| c > 0.0))
            .map(|(name, g)| format!("{name} {}", fmt(&g.staff_cost, &Unit::Count)))
            .collect();
        let mut parts = groups;
        parts.extend(
            report
                .training
                .iter()
                .map(|(name, t)| format!("training \"{name}\" {}", fmt(&t.cost, &Unit::Count))),
        );
        Some(format!(
            "{}: {} ({})",
            report.run.cost_label(),
            fmt(&report.cost.total, &Unit::Count),
            parts.join(", ")
        ))
    } else {
        None
    }
}

/// "1 replication", "10 replications": a count and its noun, singular for one.
pub fn count_of(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// What "answered = offered" beside a backlog means: contacts arriving in the horizon are followed until
/// they finish, past its end if need be, and what was still open when it ended: waiting and in service.
pub fn horizon_line(report: &Report) -> String {
    let open: Vec<String> = report
        .channels
        .iter()
        .filter(|(_, k)| k.backlog_end.mean.is_some())
        .map(|(name, k)| format!("{name} {}", fmt(&k.backlog_end, &Unit::Count)))
        .collect();
    let serving: Vec<String> = report
        .channels
        .iter()
        .filter(|(_, k)| k.in_service_end.mean.is_some_and(|m| m > 0.0))
        .map(|(name, k)| format!("{name} {}", fmt(&k.in_service_end, &Unit::Count)))
        .collect();
    let unfinished: f64 = report
        .channels
        .values()
        .filter_map(|k| k.unfinished.mean)
        .sum();
    let cases_open = report.cases.open.mean.unwrap_or(0.0);
    let mut line = format!(
        "Contacts arriving in the {} horizon are followed until they finish, past its end if need be (their answers, waits and abandonments count); waiting when the horizon ended: {}",
        format_duration(report.run.horizon_s),
        if open.is_empty() {
            "none".to_string()
        } else {
            open.join(", ")
        }
    );
    if !serving.is_empty() {
        line.push_str(&format!("; in service: {}", serving.join(", ")));
    }
    if unfinished > 0.0 || cases_open > 0.0 {
        line.push_str(&format!(
            "; still unfinished when the run stopped: {unfinished:.1} contacts, {cases_open:.1} cases open"
        ));
    }
    line.push('.');
    line
}

/// The heading line: scenario, replications, seed, horizon and warm-up.
pub fn heading(report: &Report) -> String {
    let warmup = if report.run.warmup_s > 0.0 {
        format!(" after a {} warm-up", format_duration(report.run.warmup_s))
    } else {
        ", no warm-up".to_string()
    };
    format!(
        "{}: {}, seed {}, horizon {}{warmup}",
        report.scenario,
        count_of(u64::from(report.replications), "replication"),
        report.seed,
        format_duration(report.run.horizon_s),
    )
}

/// The whole terminal report of a run.
pub fn render(report: &Report) -> String {
    let mut out = format!(
        "{}\n{}\n{}\n",
        heading(report),
        kpi_grid(report).table(),
        horizon_line(report)
    );
    out.push_str(&format!("{}\n", levels_grid(report).table()));
    if let Some(line) = held_down_line(report) {
        out.push_str(&format!("{line}\n"));
    }
    out.push_str(&format!("{}\n", standards_grid(report).table()));
    for line in group_lines(report) {
        out.push_str(&format!("{line}\n"));
    }
    if let Some(line) = cost_line(report) {
        out.push_str(&format!("{line}\n"));
    }
    out
}
