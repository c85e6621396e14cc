//! What `supportsim plan` writes (docs/output.md, "Plan"): plan.csv (one row per interval, group and
//! channel the group is primary for: requirements, scheduled agents, the check's predicted KPIs with 95%
//! intervals), shifts.csv (the roster), plan.xlsx (both, and the summary), plan.json, and the terminal
//! summary.

use super::Report;
use super::csv::clock;
use super::sheet::{Cell, Sheet, Unit, WorkbookError, show};
use crate::planner::Plan;
use crate::planner::requirement::{Miss, primary_group};
use crate::scenario::Scenario;
use crate::scenario::planning::Planning;
use crate::stats::Estimate;
use std::fmt::Write;

/// The check's KPIs of the planned scenario, with their intervals.
pub fn check_report(plan: &Plan) -> Report {
    Report::build(&plan.planned, &plan.check)
}

/// Whether channel `c` meets its targets in interval `i` of the check.
fn missed_in(misses: &[Miss], c: Option<usize>, g: usize, i: usize) -> bool {
    misses.iter().any(|m| {
        m.intervals.contains(&i)
            && (m.channel == c && c.is_some() || m.channel.is_none() && m.group == Some(g))
    })
}

/// plan.csv as a sheet.
pub fn plan_sheet(s: &Scenario, p: &Planning, plan: &Plan, report: &Report) -> Sheet {
    let mut header: Vec<String> = [
        "start",
        "start_s",
        "group",
        "erlang_requirement",
        "simulated_requirement",
        "scheduled",
        "over_under",
        "channel",
    ]
    .map(String::from)
    .to_vec();
    type Kpi = (&'static str, fn(&super::IntervalKpis) -> &Estimate, Unit);
    let kpis: [Kpi; 5] = [
        ("service_level", |k| &k.contacts.service_level, Unit::Share),
        ("asa_s", |k| &k.contacts.asa_s, Unit::Seconds),
        ("abandon_rate", |k| &k.contacts.abandon_rate, Unit::Share),
        ("prob_wait", |k| &k.contacts.prob_wait, Unit::Share),
        (
            "p_target_missed",
            |k| &k.contacts.p_target_missed,
            Unit::Share,
        ),
    ];
    for (name, _, _) in &kpis {
        header.push((*name).into());
        header.push(format!("{name}_ci95"));
    }
    header.extend(["occupancy", "occupancy_ci95", "targets_met"].map(String::from));
    let mut sheet = Sheet::new("Plan", header);
    for i in 0..s.intervals() {
        let start_s = i as f64 * s.interval_s;
        for g in 0..s.groups.len() {
            let channels: Vec<usize> = p
                .targets
                .iter()
                .filter(|t| t.class.is_none())
                .map(|t| t.channel)
                .filter(|&c| primary_group(s, c) == Some(g))
                .collect();
            let rows: Vec<Option<usize>> = if channels.is_empty() {
                vec![None]
            } else {
                channels.into_iter().map(Some).collect()
            };
            for c in rows {
                let erlang = plan.erlang[g][i];
                let need = plan.requirement[g][i];
                let sched = plan.scheduled[g][i];
                let mut row = vec![
                    Cell::Text(clock(start_s)),
                    Cell::Number(start_s, Unit::Plain),
                    Cell::Text(s.groups[g].name.clone()),
                    Cell::Number(f64::from(erlang), Unit::Plain),
                    if plan.requirement_given {
                        Cell::Blank
                    } else {
                        Cell::Number(f64::from(need), Unit::Plain)
                    },
                    Cell::Number(f64::from(sched), Unit::Plain),
                    Cell::Number(f64::from(sched) - f64::from(need), Unit::Plain),
                    Cell::Text(c.map_or(String::new(), |c| s.channels[c].name.clone())),
                ];
                let k = c
                    .and_then(|c| report.intervals.get(&s.channels[c].name))
                    .and_then(|v| v.get(i));
                for (_, get, unit) in &kpis {
                    let e = k.map(get);
                    row.push(Cell::number(e.and_then(|e| e.mean), *unit));
                    row.push(Cell::number(e.and_then(|e| e.ci95), *unit));
                }
                let occ = report
                    .group_intervals
                    .get(&s.groups[g].name)
                    .and_then(|v| v.get(i))
                    .map(|k| &k.occupancy);
                row.push(Cell::number(occ.and_then(|e| e.mean), Unit::Share));
                row.push(Cell::number(occ.and_then(|e| e.ci95), Unit::Share));
                row.push(Cell::Text(
                    if missed_in(&plan.check_misses, c, g, i) {
                        "no"
                    } else {
                        "yes"
                    }
                    .into(),
                ));
                sheet.rows.push(row);
            }
        }
    }
    sheet
}

/// shifts.csv as a sheet: one row per planned shift (template, day, start, end, breaks, count, cost).
pub fn shifts_sheet(s: &Scenario, plan: &Plan) -> Sheet {
    let header = [
        "template", "group", "day", "weekday", "start", "end", "breaks", "count", "cost",
    ]
    .map(String::from)
    .to_vec();
    let mut sheet = Sheet::new("Shifts", header);
    for r in &plan.roster {
        let hm = |t: f64| {
            let m = (t / 60.0).round() as u64;
            format!("{:02}:{:02}", (m / 60) % 24, m % 60)
        };
        let breaks: Vec<String> = r
            .breaks
            .iter()
            .map(|&(a, z)| format!("{}-{}", hm(a), hm(z)))
            .collect();
        sheet.rows.push(vec![
            Cell::Text(r.template.clone()),
            Cell::Text(s.groups[r.group].name.clone()),
            Cell::Number((r.day + 1) as f64, Unit::Plain),
            Cell::Text(
                crate::scenario::WEEKDAYS[usize::from(s.calendar.weekday(r.day as i64))].into(),
            ),
            Cell::Text(hm(r.start_s)),
            Cell::Text(hm(r.end_s)),
            Cell::Text(breaks.join(" ")),
            Cell::Number(f64::from(r.count), Unit::Plain),
            Cell::Number(r.cost, Unit::Money),
        ]);
    }
    sheet
}

/// Per channel with targets: intervals judged and intervals meeting every target in the check.
pub(crate) fn intervals_meeting(
    s: &Scenario,
    p: &Planning,
    plan: &Plan,
) -> Vec<(String, usize, usize)> {
    p.targets
        .iter()
        .filter(|t| t.any())
        .map(|t| {
            let c = t.channel;
            let offered = |r: &crate::stats::ReplicationTally, i: usize| {
                let ch = &r.channels[c];
                match t.class {
                    Some(k) => ch.class_intervals[k * ch.intervals.len() + i].offered,
                    None => ch.intervals[i].offered,
                }
            };
            let judged: Vec<usize> = (0..s.intervals())
                .filter(|&i| plan.check.iter().any(|r| offered(r, i) > 0))
                .collect();
            let met = judged
                .iter()
                .filter(|&&i| {
                    !plan.check_misses.iter().any(|m| {
                        m.channel == Some(c) && m.class == t.class && m.intervals.contains(&i)
                    })
                })
                .count();
            (t.label(s), met, judged.len())
        })
        .collect()
}

/// The summary sheet: totals and where the targets hold.
pub fn summary_sheet(s: &Scenario, p: &Planning, plan: &Plan) -> Sheet {
    let mut sheet = Sheet::new("Summary", vec!["key".into(), "value".into()]);
    let mut kv = |k: &str, v: Cell| sheet.rows.push(vec![Cell::Text(k.into()), v]);
    kv("scenario", Cell::Text(s.name.clone()));
    kv("holds", Cell::Text(p.holds.as_str().into()));
    kv("paid_hours", Cell::Number(plan.paid_hours(s), Unit::Count));
    kv("cost", Cell::Number(plan.cost(s), Unit::Money));
    // The key stays `cost` (scripts read it); the currency, when the scenario names one, on its own row.
    if let Some(c) = &s.currency {
        kv("currency", Cell::Text(c.clone()));
    }
    kv(
        "shifts",
        Cell::Number(
            plan.roster.iter().map(|r| f64::from(r.count)).sum(),
            Unit::Plain,
        ),
    );
    kv(
        "search_simulations",
        Cell::Number(f64::from(plan.search_simulations), Unit::Plain),
    );
    kv(
        "repairs",
        Cell::Number(f64::from(plan.repairs), Unit::Plain),
    );
    if let Some(c) = &plan.cover {
        kv("shift_gap", Cell::number(c.gap, Unit::Share));
        kv("shift_columns", Cell::Number(c.columns as f64, Unit::Plain));
        // Not the solver's wall-clock time: identical runs give byte-identical workbooks (it is in
        // report.html's shift line and on stderr).
    }
    kv(
        "short_intervals",
        Cell::Number(plan.short.len() as f64, Unit::Plain),
    );
    kv(
        "check_misses",
        Cell::Number(plan.check_misses.len() as f64, Unit::Plain),
    );
    for (name, met, judged) in intervals_meeting(s, p, plan) {
        kv(
            &format!("intervals_meeting_targets.{name}"),
            Cell::Text(format!("{met}/{judged}")),
        );
    }
    sheet
}

/// plan.xlsx: the summary, the plan and the roster.
pub fn plan_workbook(
    s: &Scenario,
    p: &Planning,
    plan: &Plan,
    report: &Report,
) -> Result<Vec<u8>, WorkbookError> {
    super::sheet::workbook(&[
        summary_sheet(s, p, plan),
        plan_sheet(s, p, plan, report),
        shifts_sheet(s, plan),
    ])
}

/// One line per miss, as a manager reads it.
pub fn describe_miss(s: &Scenario, m: &Miss) -> String {
    let at = if m.intervals.len() == 1 {
        clock(m.intervals.start as f64 * s.interval_s)
    } else {
        format!(
            "{}-{}",
            clock(m.intervals.start as f64 * s.interval_s),
            clock(m.intervals.end as f64 * s.interval_s)
        )
    };
    let who = match (m.channel, m.group) {
        (Some(c), _) => match m.class {
            Some(k) => format!("{}/{}", s.channels[c].name, s.channels[c].classes[k].name),
            None => s.channels[c].name.clone(),
        },
        (None, Some(g)) => s.groups[g].name.clone(),
        _ => String::new(),
    };
    let unit = if m.measure == "asa_s" {
        Unit::Seconds
    } else {
        Unit::Share
    };
    format!(
        "{who} {at}: {} {} (target {})",
        m.measure,
        show(unit, Some(m.value), None, false),
        show(unit, Some(m.target), None, false)
    )
}

/// Where the targets hold, as a sentence ends: "in every interval", "over each day", "over the horizon".
pub(crate) fn holds_text(p: &Planning) -> &'static str {
    match p.holds {
        crate::scenario::planning::Holds::Interval => "in every interval",
        crate::scenario::planning::Holds::Day => "over each day",
        crate::scenario::planning::Holds::Horizon => "over the horizon",
    }
}

/// Where the requirement came from: "given", or the search's simulations.
pub(crate) fn requirement_text(p: &Planning, plan: &Plan) -> String {
    if plan.requirement_given {
        "given".into()
    } else {
        format!(
            "{} simulations of {} replications{}",
            plan.search_simulations,
            p.replications,
            if plan.search_misses.is_empty() {
                ""
            } else {
                " (budget ran out before every target held)"
            }
        )
    }
}

/// The shifts and the solver's gap, when some group is rostered: "41 in 33 patterns; solver gap 0.37% (...)".
pub(crate) fn shifts_text(plan: &Plan) -> Option<String> {
    let c = plan.cover.as_ref()?;
    let shifts: u32 = plan.roster.iter().map(|r| r.count).sum();
    Some(format!(
        "{shifts} in {} patterns; solver gap {} ({:?}, {} columns, {:.2} s)",
        plan.roster.len(),
        c.gap
            .map_or("unknown".into(), |g| format!("{:.2}%", 100.0 * g)),
        c.stop,
        c.columns,
        c.solve_s
    ))
}

/// Per group: the agent-hours of the Erlang requirement, the requirement and the scheduled agents.
pub(crate) fn group_hours(s: &Scenario, plan: &Plan) -> Vec<[f64; 3]> {
    let hours = |v: &[u32]| v.iter().map(|&x| f64::from(x)).sum::<f64>() * s.interval_s / 3600.0;
    (0..s.groups.len())
        .map(|g| {
            [
                hours(&plan.erlang[g]),
                hours(&plan.requirement[g]),
                hours(&plan.scheduled[g]),
            ]
        })
        .collect()
}

/// The terminal summary.
pub fn render(s: &Scenario, p: &Planning, plan: &Plan) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Plan for {} ({} intervals of {}, targets hold {})",
        s.name,
        s.intervals(),
        crate::time::duration::format_duration(s.interval_s),
        holds_text(p)
    );
    let _ = writeln!(
        o,
        "\n{:<24} {:>12} {:>12} {:>12}",
        "group", "Erlang h", "required h", "scheduled h"
    );
    for (g, [erlang, required, scheduled]) in group_hours(s, plan).into_iter().enumerate() {
        let _ = writeln!(
            o,
            "{:<24} {erlang:>12.1} {required:>12.1} {scheduled:>12.1}",
            s.groups[g].name
        );
    }
    // "cost (EUR) 4800.00" when the scenario names its currency.
    let _ = writeln!(
        o,
        "\npaid hours {:.1}, {} {:.2}",
        plan.paid_hours(s),
        super::cost_label(s.currency.as_deref()),
        plan.cost(s)
    );
    let _ = writeln!(o, "requirement: {}", requirement_text(p, plan));
    if let Some(shifts) = shifts_text(plan) {
        let _ = writeln!(o, "shifts: {shifts}");
    }
    if !plan.short.is_empty() {
        let _ = writeln!(
            o,
            "not covered: {} group-intervals (shifts.csv cannot reach them), first:",
            plan.short.len()
        );
        for x in plan.short.iter().take(5) {
            let _ = writeln!(
                o,
                "  {} {}: {} required, {} scheduled",
                s.groups[x.group].name,
                clock(x.interval as f64 * s.interval_s),
                x.required,
                x.scheduled
            );
        }
    }
    let _ = writeln!(
        o,
        "check on {} fresh replications (seed {}; planned.toml repeats it), repairs {}:",
        p.check_replications, plan.check_seed, plan.repairs
    );
    for (name, met, judged) in intervals_meeting(s, p, plan) {
        let _ = writeln!(
            o,
            "  {name}: targets met in {met} of {judged} intervals with contacts"
        );
    }
    if !plan.check_misses.is_empty() {
        let _ = writeln!(o, "still missed ({}), first:", plan.check_misses.len());
        for m in plan.check_misses.iter().take(8) {
            let _ = writeln!(o, "  {}", describe_miss(s, m));
        }
    }
    o
}

/// plan.json: the summary and the plan's rows, for scripts.
pub fn plan_json(s: &Scenario, p: &Planning, plan: &Plan) -> String {
    let groups: Vec<serde_json::Value> = (0..s.groups.len())
        .map(|g| {
            serde_json::json!({
                "group": s.groups[g].name,
                "rostered": plan.rostered[g],
                "erlang_requirement": plan.erlang[g],
                "simulated_requirement": if plan.requirement_given { serde_json::Value::Null } else { serde_json::json!(plan.requirement[g]) },
                "requirement": plan.requirement[g],
                "scheduled": plan.scheduled[g],
            })
        })
        .collect();
    let shifts: Vec<serde_json::Value> = plan
        .roster
        .iter()
        .map(|r| serde_json::json!({ "template": r.template, "group": s.groups[r.group].name, "day": r.day + 1, "start_s": r.start_s, "end_s": r.end_s, "breaks": r.breaks, "count": r.count, "cost": r.cost }))
        .collect();
    let meeting: Vec<serde_json::Value> = intervals_meeting(s, p, plan)
        .into_iter()
        .map(|(c, met, judged)| serde_json::json!({ "channel": c, "intervals_met": met, "intervals_judged": judged }))
        .collect();
    let v = serde_json::json!({
        "scenario": s.name,
        "holds": p.holds.as_str(),
        "interval_s": s.interval_s,
        "paid_hours": plan.paid_hours(s),
        "cost": plan.cost(s),
        "search_simulations": plan.search_simulations,
        "repairs": plan.repairs,
        "shift_gap": plan.cover.as_ref().and_then(|c| c.gap),
        "short": plan.short.iter().map(|x| serde_json::json!({ "group": s.groups[x.group].name, "start_s": x.interval as f64 * s.interval_s, "required": x.required, "scheduled": x.scheduled })).collect::<Vec<_>>(),
        "check_misses": plan.check_misses.iter().map(|m| describe_miss(s, m)).collect::<Vec<_>>(),
        "targets": meeting,
        "groups": groups,
        "shifts": shifts,
    });
    let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
    text.push('\n');
    text
}
