//! Tables of a run for spreadsheets: intervals.csv (one row per channel and interval), groups.csv, the
//! per-channel summary printed by `run --format csv`, and the workbook results.xlsx holding those with the
//! six levels and the standards. Every KPI has a column for its mean, one for its ci95 and two for the 95%
//! interval's ends (`_low`, `_high`).

use super::Report;
use super::kpi::{KpiId, Measure, Scope};
use super::sheet::{Cell, Sheet, Unit, WorkbookError};
use crate::stats::Estimate;

/// A row under construction: the KPIs' means and ci95s in order, and the intervals' ends kept apart to close
/// the row (`_low`/`_high` came later than the other columns, so columns read by position stay put).
struct Row {
    cells: Vec<Cell>,
    ends: Vec<Cell>,
    ends_header: Vec<String>,
}

impl Row {
    fn new(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            ends: Vec::new(),
            ends_header: Vec::new(),
        }
    }

    /// Adds a measure's mean and ci95, and its interval's ends to the tail (and their columns, named after
    /// the measure, to the header on the first row).
    fn push(&mut self, header: &mut Vec<String>, measure: Measure, e: &Estimate, first: bool) {
        let unit = measure.unit();
        if first {
            let name = measure.name();
            header.push(name.clone());
            header.push(format!("{name}_ci95"));
            self.ends_header
                .extend([format!("{name}_low"), format!("{name}_high")]);
        }
        self.cells.push(Cell::number(e.mean, unit));
        self.cells.push(Cell::number(e.ci95, unit));
        let bounds = e.bounds();
        self.ends.push(Cell::number(bounds.map(|b| b.0), unit));
        self.ends.push(Cell::number(bounds.map(|b| b.1), unit));
    }

    /// The finished row, `last` (the interval's end and weekday) then the ends, added to `sheet`.
    fn finish(
        mut self,
        sheet: &mut Sheet,
        last: impl IntoIterator<Item = Cell>,
        last_header: &[&str],
        first: bool,
    ) {
        if first {
            sheet
                .header
                .extend(last_header.iter().map(|h| h.to_string()));
            sheet.header.append(&mut self.ends_header);
        }
        self.cells.extend(last);
        self.cells.append(&mut self.ends);
        sheet.rows.push(self.cells);
    }
}

/// The columns of a KPI's interval ends, `_low` and `_high`: inside [0, 1] for shares (Wilson) and at or
/// above 0 for counts, where `mean ± ci95` may not be.
pub fn ends_columns(name: &str) -> [String; 2] {
    [format!("{name}_low"), format!("{name}_high")]
}

/// The cells of [`ends_columns`] (blank where the interval is undefined).
pub fn ends_cells(e: Option<&Estimate>, unit: Unit) -> [Cell; 2] {
    let bounds = e.and_then(Estimate::bounds);
    [
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
            let (cells, last) = interval_cells(channel, i, &report.run);
            let mut row = Row::new(cells);
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
                row.push(&mut sheet.header, Measure::Field(name), e, first);
            }
            row.finish(&mut sheet, last, &LAST_COLUMNS, first);
        }
    }
    sheet
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
            let (cells, last) = interval_cells(group, i, &report.run);
            let mut row = Row::new(cells);
            let first = sheet.rows.is_empty();
            for (name, e) in k.fields() {
                row.push(&mut sheet.header, Measure::Field(name), e, first);
            }
            row.finish(&mut sheet, last, &LAST_COLUMNS, first);
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
        let mut row = Row::new(vec![Cell::Text(channel.clone())]);
        let first = sheet.rows.is_empty();
        for (name, e) in k.contacts.fields().into_iter().chain([
            ("wait_p90_s", &k.wait_p90_s),
            ("unfinished", &k.unfinished),
            ("backlog_end", &k.backlog_end),
            ("backlog_end_of_day", &k.backlog_end_of_day),
            ("in_service_end", &k.in_service_end),
        ]) {
            row.push(&mut sheet.header, Measure::Field(name), e, first);
        }
        row.finish(&mut sheet, [], &[], first);
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
        let mut row = Row::new(vec![Cell::Text(who.to_string())]);
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
            row.push(&mut sheet.header, measure, v, first);
        }
        row.finish(&mut sheet, [], &[], first);
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
        "target",
        "direction",
        "met",
        "modelled",
        "value_low",
        "value_high",
    ];
    let mut sheet = Sheet::new("Standards", header.map(String::from).to_vec());
    for (name, row) in &report.standards {
        let unit = KpiId::new(Scope::Standard(name), Measure::Value).unit();
        let mut cells = vec![
            Cell::Text(name.to_string()),
            Cell::Text(row.headline.to_string()),
            Cell::number(row.value.mean, unit),
            Cell::number(row.value.ci95, unit),
            Cell::Number(row.target, unit),
            Cell::Text(row.direction.to_string()),
            row.met.map_or(Cell::Blank, Cell::Bool),
            Cell::Bool(row.modelled),
        ];
        cells.extend(ends_cells(Some(&row.value), unit));
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
