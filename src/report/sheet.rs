//! Result tables as typed cells: the one source of the CSV files and of the .xlsx workbooks beside them, so
//! the two always hold the same numbers. A CSV cell is the number as Rust prints it (full precision); a
//! workbook cell is the number itself with a number format from its unit (percent, seconds, money), because
//! CSV numbers are misread by spreadsheets in locales with a decimal comma (../shared/ECOSYSTEM.md).

use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// How a number reads: the number format it gets in a workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Contacts, cases, agents, hours: one decimal (means over replications).
    Count,
    /// A share or probability, shown as a percentage.
    Share,
    /// A duration in seconds.
    Seconds,
    /// Money, in the scenario's currency.
    Money,
    /// An index or a swept value: as it is.
    Plain,
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64, Unit),
    /// A number written in the CSV as given (a swept value such as `2.0` keeps its spelling).
    Literal(String, f64),
    /// A date-time: the CSV holds the ISO 8601 text, a workbook the Excel serial date with a date-time format.
    DateTime(String, f64),
    Bool(bool),
    Blank,
}

impl Cell {
    /// A number, or a blank cell when it is undefined.
    pub fn number(x: Option<f64>, unit: Unit) -> Cell {
        x.map_or(Cell::Blank, |v| Cell::Number(v, unit))
    }

    /// The cell as text: what the CSV holds.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) | Cell::Literal(s, _) | Cell::DateTime(s, _) => s.clone(),
            Cell::Number(v, _) => format!("{v}"),
            Cell::Bool(b) => b.to_string(),
            Cell::Blank => String::new(),
        }
    }
}

/// A table: a name (the workbook's sheet name), a header and rows of the header's length.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn new(name: &str, header: Vec<String>) -> Sheet {
        Sheet {
            name: name.to_string(),
            header,
            rows: Vec::new(),
        }
    }

    /// The table as CSV (RFC 4180: a field is quoted when it holds a comma, a quote or a line break).
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        // Writing to a Vec cannot fail.
        let _ = w.write_record(self.header.iter().map(|h| inert(h)));
        for r in &self.rows {
            let _ = w.write_record(r.iter().map(|c| match c {
                Cell::Text(s) => inert(s),
                other => other.text(),
            }));
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// Text that a spreadsheet opening the CSV will not run as a formula: a cell starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return (a channel named `=HYPERLINK(...)`, say) gets a leading `'`, as OWASP's
/// CSV-injection advice says. Numbers are written as numbers, never through here, so `-5` stays `-5`.
pub fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A value (or, `difference`, a signed difference) with its 95% half-width, in the KPI's unit: shares as
/// percentages (differences in percentage points), seconds with "s", other numbers as the terminal shows them.
pub fn show(unit: Unit, v: Option<f64>, h: Option<f64>, difference: bool) -> String {
    show_bounded(unit, v, h, None, difference)
}

/// As `show`; with `bounds` (an asymmetric interval, docs/output.md) "x [lo, hi]" where the two sides differ
/// at the digits shown, since "x ± h" would leave the KPI's range.
pub fn show_bounded(
    unit: Unit,
    v: Option<f64>,
    h: Option<f64>,
    bounds: Option<(f64, f64)>,
    difference: bool,
) -> String {
    if let (Some(m), Some((lo, hi))) = (v, bounds) {
        let plain = |x: f64| show(unit, Some(x), None, difference);
        let side = |x: f64| show(unit, Some(x), None, false);
        if side(m - lo) != side(hi - m) {
            let (value, lo, hi) = (plain(m), plain(lo), plain(hi));
            // The unit once, after the value: "97.50% [95.10, 99.20]".
            let bare = |s: String| s.trim_end_matches(['%', 's', ' ']).to_string();
            return format!("{value} [{}, {}]", bare(lo), bare(hi));
        }
    }
    show_symmetric(unit, v, h, difference)
}

fn show_symmetric(unit: Unit, v: Option<f64>, h: Option<f64>, difference: bool) -> String {
    let Some(v) = v else { return "-".into() };
    let plus = if difference && v >= 0.0 { "+" } else { "" };
    let (value, half) = match unit {
        Unit::Share => {
            let points = if difference { " points" } else { "%" };
            (
                format!("{plus}{:.2}{points}", 100.0 * v),
                h.map(|h| format!("{:.2}", 100.0 * h)),
            )
        }
        Unit::Seconds => (
            format!("{plus}{}", super::units::duration(v)),
            h.map(|h| super::units::half_width(v, h)),
        ),
        Unit::Money => {
            let d = if v.abs() >= 1000.0 { 0 } else { 2 };
            (format!("{plus}{v:.d$}"), h.map(|h| format!("{h:.d$}")))
        }
        _ => (
            if difference {
                signed(v)
            } else {
                number(Some(v))
            },
            h.map(|h| number(Some(h))),
        ),
    };
    match half {
        Some(h) => format!("{value} ± {h}"),
        None => value,
    }
}

/// A number with digits that suit its size; "-" when undefined.
pub fn number(x: Option<f64>) -> String {
    match x {
        None => "-".into(),
        Some(v) if v.abs() >= 1000.0 => format!("{v:.0}"),
        Some(v) if v.abs() >= 10.0 => format!("{v:.1}"),
        Some(v) => format!("{v:.4}"),
    }
}

/// A number as `number` writes it, with a sign.
pub fn signed(x: f64) -> String {
    let s = number(Some(x));
    if x >= 0.0 { format!("+{s}") } else { s }
}

/// The workbook of `sheets`, one worksheet each: a bold header row that stays in view, filters on it,
/// numbers with the format of their unit, columns fitted to their contents.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, WorkbookError> {
    build(sheets).map_err(WorkbookError::Build)
}

/// Why a workbook (results.xlsx, comparison.xlsx, sweep.xlsx) could not be built. The command line then
/// leaves it out with a warning: the CSVs beside it hold every number.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    /// rust_xlsxwriter refused it, for example a table beyond Excel's 1,048,576 rows.
    #[error("cannot build the workbook: {0}")]
    Build(#[source] XlsxError),
}

/// SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds convention) when set to a number: the
/// date of report.html and of the workbooks for outputs that must be the same byte for byte.
pub fn source_date_epoch() -> Option<i64> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
}

fn build(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    /// Excel's limits: rows per sheet and characters per sheet name.
    const MAX_ROWS: usize = 1_048_575;
    const MAX_NAME: usize = 31;
    let mut book = Workbook::new();
    // The creation time inside the file (docProps/core.xml), the only part of a workbook that would differ
    // between identical runs: SOURCE_DATE_EPOCH when set (the reproducible-builds convention, as
    // report.html's date), else a fixed 1980-01-01 00:00 UTC (the ZIP epoch, which the workbook's entries
    // carry too). So equal results give equal files without any setting (a merged sharded run is compared
    // byte for byte with the unsharded one); the date a run was made is in report.html. A fixed date and
    // not "now": rust_xlsxwriter writes the current time when none is set.
    let when = match source_date_epoch()
        .and_then(|secs| rust_xlsxwriter::ExcelDateTime::from_timestamp(secs).ok())
    {
        Some(when) => when,
        None => rust_xlsxwriter::ExcelDateTime::from_ymd(1980, 1, 1)?,
    };
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&when));
    let bold = Format::new().set_bold();
    let format = |unit: Unit| match unit {
        // Two decimals: contacts per case and their differences live in the second decimal.
        Unit::Count => Format::new().set_num_format("#,##0.00"),
        Unit::Share => Format::new().set_num_format("0.00%"),
        Unit::Seconds => Format::new().set_num_format("#,##0.0\" s\""),
        Unit::Money => Format::new().set_num_format("#,##0.00"),
        Unit::Plain => Format::new(),
    };
    let formats = [
        Unit::Count,
        Unit::Share,
        Unit::Seconds,
        Unit::Money,
        Unit::Plain,
    ]
    .map(|u| (u, format(u)));
    let of = |u: Unit| &formats.iter().find(|f| f.0 == u).expect("every unit").1;
    let date_time = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    // A column of durations that reach an hour reads as hours and minutes (Excel durations in days with
    // [h]:mm:ss, which counts hours past 24); shorter ones stay seconds.
    let long = Format::new().set_num_format("[h]:mm:ss");
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet.name.chars().take(MAX_NAME).collect::<String>())?;
        for (c, h) in sheet.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)?;
        }
        if sheet.rows.len() > MAX_ROWS {
            return Err(XlsxError::RowColumnLimitError);
        }
        let long_columns: Vec<bool> = (0..sheet.header.len())
            .map(|c| {
                sheet.rows.iter().any(|row| {
                    matches!(row.get(c), Some(Cell::Number(v, Unit::Seconds)) if v.abs() >= 3600.0)
                })
            })
            .collect();
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => {
                        ws.write_string(r, c, s)?;
                    }
                    Cell::Number(v, Unit::Seconds)
                        if v.is_finite() && long_columns.get(usize::from(c)) == Some(&true) =>
                    {
                        ws.write_number_with_format(r, c, *v / 86_400.0, &long)?;
                    }
                    Cell::Number(v, u) if v.is_finite() => {
                        ws.write_number_with_format(r, c, *v, of(*u))?;
                    }
                    Cell::Number(..) | Cell::Blank => {}
                    Cell::Literal(_, v) => {
                        ws.write_number(r, c, *v)?;
                    }
                    Cell::DateTime(_, v) => {
                        ws.write_number_with_format(r, c, *v, &date_time)?;
                    }
                    Cell::Bool(b) => {
                        ws.write_boolean(r, c, *b)?;
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
        if !sheet.header.is_empty() {
            ws.autofilter(0, 0, sheet.rows.len() as u32, sheet.header.len() as u16 - 1)?;
        }
        ws.autofit();
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_that_look_like_formulas_stay_text_in_csv() {
        let mut sheet = super::Sheet::new("t", vec!["=cmd|' /C calc'!A0".into(), "channel".into()]);
        sheet.rows.push(vec![
            super::Cell::Text("=HYPERLINK(\"http://x\")".into()),
            super::Cell::Text("+cmd|calc".into()),
        ]);
        sheet.rows.push(vec![
            super::Cell::Literal("-5".into(), -5.0),
            super::Cell::Text("phone".into()),
        ]);
        let csv = sheet.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].starts_with("'=cmd|"), "{csv}");
        assert!(
            lines[1].starts_with("\"'=HYPERLINK") && lines[1].ends_with(",'+cmd|calc"),
            "{csv}"
        );
        assert_eq!(lines[2], "-5,phone");
    }

    use super::*;

    #[test]
    fn a_bounded_interval_shows_its_ends_and_a_symmetric_one_its_half_width() {
        assert_eq!(
            show_bounded(
                Unit::Share,
                Some(0.975),
                Some(0.03),
                Some((0.951, 0.992)),
                false
            ),
            "97.50% [95.10, 99.20]"
        );
        // Sides equal at the digits shown: "±" as before.
        assert_eq!(
            show_bounded(
                Unit::Share,
                Some(0.5),
                Some(0.02),
                Some((0.48, 0.52)),
                false
            ),
            "50.00% ± 2.00"
        );
        assert_eq!(
            show_bounded(Unit::Seconds, Some(2.0), Some(3.0), Some((0.0, 5.0)), false),
            "2.0 s [0.0, 5.0]"
        );
        assert_eq!(
            show(Unit::Share, Some(0.2), Some(0.1), false),
            "20.00% ± 10.00"
        );
    }

    #[test]
    fn a_sheet_beyond_excels_rows_is_refused() {
        let mut s = Sheet::new("t", vec!["a".into()]);
        s.rows = vec![vec![Cell::Blank]; 1_048_576];
        let err = workbook(&[s.clone()]).expect_err("one row too many");
        assert!(
            matches!(err, WorkbookError::Build(XlsxError::RowColumnLimitError)),
            "{err:?}"
        );
        assert!(
            err.to_string().starts_with("cannot build the workbook"),
            "{err}"
        );
        s.rows.pop();
        assert!(workbook(&[s]).is_ok());
    }

    #[test]
    fn csv_quotes_only_what_needs_it() {
        let mut s = Sheet::new("t", vec!["a".into(), "b,c".into()]);
        s.rows.push(vec![
            Cell::Text("x\"y".into()),
            Cell::number(Some(0.5), Unit::Share),
        ]);
        s.rows.push(vec![
            Cell::Literal("2.0".into(), 2.0),
            Cell::number(None, Unit::Count),
        ]);
        assert_eq!(s.to_csv(), "a,\"b,c\"\n\"x\"\"y\",0.5\n2.0,\n");
    }
}
