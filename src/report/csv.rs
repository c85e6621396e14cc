//! Tables of a run for spreadsheets: intervals.csv (one row per channel and interval), groups.csv, the
//! per-channel summary printed by `run --format csv`, and the workbook results.xlsx holding those with the
//! six levels and the standards. Every KPI has a column for its mean, one for its ci95 and two for the 95%
//! interval's ends (`_low`, `_high`).

use super::Report;
use super::kpi::{KpiId, Measure, Scope};
use super::sheet::{Cell, Sheet, Unit, WorkbookError};
use crate::stats::Estimate;

/// Adds a measure's mean, ci95 and the interval's ends to a row (and their columns, named after the
/// measure, to the header on the first row).
fn push(
    header: &mut Vec<String>,
    row: &mut Vec<Cell>,
    measure: Measure,
    e: &Estimate,
    first: bool,
) {
    if first {
        let name = measure.name();
        header.push(name.clone());
        header.extend(estimate_columns(&name));
    }
    let unit = measure.unit();
    row.push(Cell::number(e.mean, unit));
    row.extend(estimate_cells(Some(e), unit));
}

/// The columns after a KPI's mean: `_ci95` (the half-width of the t interval) and `_low`/`_high`, the
/// interval's ends, which stay inside [0, 1] for shares (Wilson) and at or above 0 for counts.
pub fn estimate_columns(name: &str) -> [String; 3] {
    [
        format!("{name}_ci95"),
        format!("{name}_low"),
        format!("{name}_high"),
    ]
}

/// The cells of [`estimate_columns`] (blank where the interval is undefined).
pub fn estimate_cells(e: Option<&Estimate>, unit: Unit) -> [Cell; 3] {
    let bounds = e.and_then(Estimate::bounds);
    [
        Cell::number(e.and_then(|e| e.ci95), unit),
        Cell::number(bounds.map(|b| b.0), unit),
        Cell::number(bounds.map(|b| b.1), unit),
    ]
}

/// Column names of the level shares per interval.
const LEVEL_COLUMNS: [&str; 6] = [
    "level_1_share",
    "level_2_share",
    "level_3_share",
    "level_4_share",
    "level_5_share",
    "level_6_share",
];

/// The first columns of a per-interval row: name, interval index, start (ISO 8601 with a start date, else
/// d.hh:mm) and start in seconds; and the last two, the end (written like the start) and the weekday of the
/// start.
fn interval_cells(name: &str, i: usize, run: &super::RunInfo) -> (Vec<Cell>, [Cell; 2]) {
    let start_s = i as f64 * run.interval_s;
    let end_s = start_s + run.interval_s;
    let cal = &run.calendar;
    let stamp = |t: f64| match cal.start_date {
        Some(date) => Cell::DateTime(
            cal.timestamp(t),
            crate::time::date::excel_serial(date, cal.wall(t)),
        ),
        None => Cell::Text(clock(t)),
    };
    let first = vec![
        Cell::Text(name.to_string()),
        Cell::Number(i as f64, Unit::Plain),
        stamp(start_s),
        Cell::Number(start_s, Unit::Plain),
    ];
    (
        first,
        [
            stamp(end_s),
            Cell::Text(cal.weekday_name(start_s).to_string()),
        ],
    )
}

/// The identity columns of intervals.csv and groups.csv after the name; `end` and `weekday` came later and
/// close the row, so scripts that read the columns by position keep working.
const INTERVAL_COLUMNS: [&str; 3] = ["interval", "start", "start_s"];
const LAST_COLUMNS: [&str; 2] = ["end", "weekday"];

/// intervals.csv: one row per channel and interval of the horizon.
pub fn intervals_sheet(report: &Report) -> Sheet {
    let mut sheet = Sheet::new(
        "Intervals",
        std::iter::once("channel")
            .chain(INTERVAL_COLUMNS)
            .map(String::from)
            .collect(),
    );
    for (channel, ints) in &report.intervals {
        for (i, k) in ints.iter().enumerate() {
            let (mut row, last) = interval_cells(channel, i, &report.run);
            let first = sheet.rows.is_empty();
            for (name, e) in k
                .contacts
                .fields()
                .into_iter()
                .chain([
                    ("staffed_agents", &k.staffed_agents),
                    ("backlog", &k.backlog),
                ])
                .chain(LEVEL_COLUMNS.iter().zip(&k.levels).map(|(n, e)| (*n, e)))
            {
                push(&mut sheet.header, &mut row, Measure::Field(name), e, first);
            }
            end_row(&mut sheet, row, last, first);
        }
    }
    sheet
}

/// Closes a per-interval row with its last columns and adds it.
fn end_row(sheet: &mut Sheet, mut row: Vec<Cell>, last: [Cell; 2], first: bool) {
    if first {
        sheet.header.extend(LAST_COLUMNS.map(String::from));
    }
    row.extend(last);
    sheet.rows.push(row);
}

pub fn intervals_csv(report: &Report) -> String {
    intervals_sheet(report).to_csv()
}

/// groups.csv: one row per group and interval: agents in each state and occupancy.
pub fn groups_sheet(report: &Report) -> Sheet {
    let mut sheet = Sheet::new(
        "Groups",
        std::iter::once("group")
            .chain(INTERVAL_COLUMNS)
            .map(String::from)
            .collect(),
    );
    for (group, ints) in &report.group_intervals {
        for (i, k) in ints.iter().enumerate() {
            let (mut row, last) = interval_cells(group, i, &report.run);
            let first = sheet.rows.is_empty();
            for (name, e) in k.fields() {
                push(&mut sheet.header, &mut row, Measure::Field(name), e, first);
            }
            end_row(&mut sheet, row, last, first);
        }
    }
    sheet
}

pub fn groups_csv(report: &Report) -> String {
    groups_sheet(report).to_csv()
}

/// `run --format csv`: one row per channel with every summary KPI.
pub fn summary_sheet(report: &Report) -> Sheet {
    let mut sheet = Sheet::new("Summary", vec!["channel".to_string()]);
    for (channel, k) in &report.channels {
        let mut row = vec![Cell::Text(channel.clone())];
        let first = sheet.rows.is_empty();
        for (name, e) in k.contacts.fields().into_iter().chain([
            ("wait_p90_s", &k.wait_p90_s),
            ("unfinished", &k.unfinished),
            ("backlog_end", &k.backlog_end),
            ("in_service_end", &k.in_service_end),
            ("backlog_end_of_day", &k.backlog_end_of_day),
        ]) {
            push(&mut sheet.header, &mut row, Measure::Field(name), e, first);
        }
        sheet.rows.push(row);
    }
    sheet
}

pub fn summary_csv(report: &Report) -> String {
    summary_sheet(report).to_csv()
}

/// The six service levels and what held cases down: one row for all cases, then one per first channel.
pub fn levels_sheet(report: &Report) -> Sheet {
    let mut sheet = Sheet::new("Levels", vec!["cases".to_string()]);
    let all = std::iter::once(("all", &report.experience.overall));
    let by = report
        .experience
        .by_first_channel
        .iter()
        .map(|(c, e)| (c.as_str(), e));
    for (who, e) in all.chain(by) {
        let mut row = vec![Cell::Text(who.to_string())];
        let first = sheet.rows.is_empty();
        let held = e
            .held_down_by
            .iter()
            .map(|(f, v)| (Measure::HeldDownBy(f), v));
        for (measure, v) in e
            .levels
            .iter()
            .map(|(l, v)| (Measure::Level(l), v))
            .chain([(Measure::Field("level_4_or_above"), &e.level_4_or_above)])
            .chain(held)
        {
            push(&mut sheet.header, &mut row, measure, v, first);
        }
        sheet.rows.push(row);
    }
    sheet
}

/// The eight standards: headline value with its interval, target, direction and whether it is met.
pub fn standards_sheet(report: &Report) -> Sheet {
    let header = [
        "standard",
        "measure",
        "value",
        "value_ci95",
        "value_low",
        "value_high",
        "target",
        "direction",
        "met",
        "modelled",
    ];
    let mut sheet = Sheet::new("Standards", header.map(String::from).to_vec());
    for (name, row) in &report.standards {
        let unit = KpiId::new(Scope::Standard(name), Measure::Value).unit();
        let mut cells = vec![
            Cell::Text(name.to_string()),
            Cell::Text(row.headline.to_string()),
            Cell::number(row.value.mean, unit),
        ];
        cells.extend(estimate_cells(Some(&row.value), unit));
        cells.extend([
            Cell::Number(row.target, unit),
            Cell::Text(row.direction.to_string()),
            row.met.map_or(Cell::Blank, Cell::Bool),
            Cell::Bool(row.modelled),
        ]);
        sheet.rows.push(cells);
    }
    sheet
}

/// What the run was: scenario, seed, replications, horizon, version, date (blank without one: see
/// [`super::html::workbook_date`]), and the costs.
pub fn run_sheet(report: &Report, date: Option<&str>) -> Sheet {
    let mut sheet = Sheet::new("Run", ["item", "value", "ci95"].map(String::from).to_vec());
    let text = |k: &str, v: String| vec![Cell::Text(k.into()), Cell::Text(v), Cell::Blank];
    let plain = |k: &str, v: f64| {
        vec![
            Cell::Text(k.into()),
            Cell::Number(v, Unit::Plain),
            Cell::Blank,
        ]
    };
    sheet.rows.push(text("scenario", report.scenario.clone()));
    sheet.rows.push(match date {
        Some(d) => text("date", d.to_string()),
        None => vec![Cell::Text("date".into()), Cell::Blank, Cell::Blank],
    });
    sheet.rows.push(text(
        "supportsim version",
        report.run.supportsim_version.into(),
    ));
    // As text: a u64 seed beyond 2^53 would be rounded as a number.
    sheet.rows.push(text("seed", report.seed.to_string()));
    sheet
        .rows
        .push(plain("replications", report.replications.into()));
    sheet.rows.push(plain("horizon_s", report.run.horizon_s));
    sheet.rows.push(plain("warmup_s", report.run.warmup_s));
    sheet.rows.push(plain("interval_s", report.run.interval_s));
    for (name, e) in report.cost.fields() {
        let kpi = KpiId::cost(name);
        sheet.rows.push(vec![
            Cell::Text(kpi.path()),
            Cell::number(e.mean, kpi.unit()),
            Cell::number(e.ci95, kpi.unit()),
        ]);
    }
    sheet
}

/// The run's workbook (results.xlsx): the run, the channels' summary, the six levels, the standards, the
/// channels per interval and the groups per interval.
pub fn run_workbook(report: &Report, date: Option<&str>) -> Result<Vec<u8>, WorkbookError> {
    super::sheet::workbook(&[
        run_sheet(report, date),
        summary_sheet(report),
        levels_sheet(report),
        standards_sheet(report),
        intervals_sheet(report),
        groups_sheet(report),
    ])
}

/// Time since the start of the horizon as d.hh:mm (or hh:mm on the first day).
pub(crate) fn clock(s: f64) -> String {
    crate::scenario::day_clock(s)
}
