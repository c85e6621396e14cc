//! Time as people read it: a start date, ISO 8601 timestamps and weekdays in intervals.csv and groups.csv,
//! holidays by date, date-times and long durations in the workbook.

mod common;
use common::{column, mean, run, scenario};

use supportsim::report::csv::{groups_csv, intervals_csv};
use supportsim::scenario::Scenario;

fn rejected(text: &str) -> String {
    Scenario::from_toml(text, "test.toml", None)
        .expect_err("should be rejected")
        .to_string()
}

/// Two days of half-hours, phone open 08:00-18:00, one group: `start` and `holidays` spliced in.
fn two_days(start: &str, holidays: &str) -> String {
    format!(
        r#"
name = "dated"
seed = 3
replications = 2
horizon = "2d"
interval = "30m"
{start}
{holidays}
[[channels]]
name = "phone"
kind = "voice"
arrivals = {{ per_hour = 60 }}
handle_time = {{ dist = "exponential", mean = "3m" }}
open = {{ weekday = ["08:00", "18:00"], saturday = ["08:00", "18:00"], sunday = ["08:00", "18:00"] }}
[[groups]]
name = "agents"
size = 5
skills = {{ phone = 1.0 }}
"#
    )
}

#[test]
fn csv_timestamp_columns_carry_iso_dates_and_weekdays() {
    // 2026-03-07 is a Saturday: the second day is a Sunday.
    let report = run(&two_days("start = \"2026-03-07\"", ""));
    for csv in [intervals_csv(&report), groups_csv(&report)] {
        let header = csv.lines().next().unwrap();
        // The columns before stay where they were; end and weekday follow the KPIs, then the intervals'
        // ends close the row.
        assert!(
            header.contains(",interval,start,start_s,")
                && header.contains("_ci95,end,weekday,")
                && header.ends_with("_high"),
            "{header}"
        );
        let (start, end, weekday) = (
            column(&csv, "start"),
            column(&csv, "end"),
            column(&csv, "weekday"),
        );
        assert_eq!(start.len(), 96);
        assert_eq!(start[0], "2026-03-07T00:00");
        assert_eq!(end[0], "2026-03-07T00:30");
        assert_eq!(start[17], "2026-03-07T08:30");
        assert_eq!(end[47], "2026-03-08T00:00");
        assert_eq!(start[48], "2026-03-08T00:00");
        assert_eq!(end[95], "2026-03-09T00:00");
        assert_eq!(weekday[0], "Sat");
        assert_eq!(weekday[47], "Sat");
        assert_eq!(weekday[48], "Sun");
        // start_s is still there, beside the timestamp.
        assert_eq!(column(&csv, "start_s")[48], "86400");
    }
}

#[test]
fn without_a_date_the_columns_hold_day_and_clock_and_the_weekday() {
    let report = run(&two_days("start = \"wednesday\"", ""));
    let csv = intervals_csv(&report);
    let (start, end, weekday) = (
        column(&csv, "start"),
        column(&csv, "end"),
        column(&csv, "weekday"),
    );
    assert_eq!((start[0].as_str(), end[0].as_str()), ("00:00", "00:30"));
    assert_eq!(
        (start[48].as_str(), end[47].as_str()),
        ("1.00:00", "1.00:00")
    );
    assert_eq!((weekday[47].as_str(), weekday[48].as_str()), ("Wed", "Thu"));
}

#[test]
fn a_date_sets_the_weekday_and_holidays_can_be_dates() {
    // 2026-03-02 is a Monday.
    let s = scenario(&two_days("start = \"2026-03-02\"", ""));
    assert_eq!(s.calendar.start_weekday, 0);
    assert_eq!(s.calendar.start_date, Some(20_514));
    let s = scenario(&two_days(
        "start = \"2026-03-04\"",
        "holidays = [\"2026-03-05\"]",
    ));
    assert_eq!(s.calendar.start_weekday, 2);
    assert_eq!(s.calendar.holidays, [1]);
    // The holiday closes the phone: nothing offered on the second day, calls on the first.
    let report = run(&two_days(
        "start = \"2026-03-04\"",
        "holidays = [\"2026-03-05\"]",
    ));
    let phone = &report.intervals["phone"];
    let offered = |range: std::ops::Range<usize>| -> f64 {
        phone[range].iter().map(|k| mean(&k.contacts.offered)).sum()
    };
    assert!(offered(16..36) > 400.0, "{}", offered(16..36));
    assert_eq!(offered(48..96), 0.0);
}

#[test]
fn bad_dates_are_refused_with_the_line_and_how_to_fix_it() {
    let e = rejected(&two_days("start = \"2026-02-30\"", ""));
    assert!(
        e.contains("test.toml:7:") && e.contains("not a day of the calendar"),
        "{e}"
    );
    // A clock time must fall on the interval grid.
    let e = rejected(&two_days("start = \"2026-03-02T08:10\"", ""));
    assert!(
        e.contains("test.toml:7:")
            && e.contains("interval boundary")
            && e.contains("\"2026-03-02T08:00\""),
        "{e}"
    );
    let e = rejected(&two_days("start = \"someday\"", ""));
    assert!(
        e.contains("give a weekday") && e.contains("YYYY-MM-DD"),
        "{e}"
    );
    let e = rejected(&two_days(
        "start = \"monday\"",
        "holidays = [\"2026-03-03\"]",
    ));
    assert!(
        e.contains("test.toml:8:") && e.contains("give start a date"),
        "{e}"
    );
    let e = rejected(&two_days(
        "start = \"2026-03-02\"",
        "holidays = [\"2026-03-09\"]",
    ));
    assert!(
        e.contains("outside the horizon") && e.contains("2026-03-03"),
        "{e}"
    );
}

/// One agent for 12 emails an hour of 10-minute work, over a day from a Monday: the backlog grows all day.
const EMAILS: &str = r#"
name = "dated emails"
seed = 4
replications = 2
horizon = "1d"
interval = "1h"
start = "2026-03-02"
[[channels]]
name = "email"
kind = "deferred"
arrivals = { per_hour = 12 }
handle_time = { dist = "fixed", mean = "10m" }
[[groups]]
name = "g"
size = 1
skills = { email = 1.0 }
"#;

#[test]
fn long_waits_read_in_hours_in_the_table_and_the_report() {
    let report = run(EMAILS);
    let asa = mean(&report.channels["email"].contacts.asa_s);
    assert!(asa > 3600.0, "{asa}");
    let grid = supportsim::report::table::kpi_grid(&report);
    let row = grid
        .rows
        .iter()
        .find(|r| r[0] == "ASA")
        .expect("an ASA row");
    let minutes = (asa / 60.0).round() as u64;
    // Then its interval: "± 12.0 min", or its ends where the interval is cut at 0 ("[0.0 s, 23h 10m]").
    let expected = format!("{}h {:02}m ", minutes / 60, minutes % 60);
    assert!(
        row[1].starts_with(&format!("{expected}± ")) || row[1].starts_with(&format!("{expected}[")),
        "{row:?} vs {expected}"
    );
    // The terminal shows that grid (report.html renders it too: report::html::run_report).
    let html = supportsim::report::table::render(&report);
    assert!(html.contains(&expected), "{html}");
}

/// The text of one part of an .xlsx (a zip of XML parts).
fn part(xlsx: &std::path::Path, name: &str) -> String {
    use std::io::Read;
    let file = std::fs::File::open(xlsx).expect("the workbook");
    let mut zip = zip::ZipArchive::new(file).expect("an .xlsx is a zip archive");
    let mut text = String::new();
    zip.by_name(name)
        .expect("the part")
        .read_to_string(&mut text)
        .expect("text");
    text
}

#[test]
fn the_workbook_has_real_date_times_and_long_waits_in_hours() {
    // Emails pile up over the day: waits of hours.
    let text = EMAILS;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dated.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    common::run_ok(&["run", file.to_str().unwrap(), "--no-plots"], &out);
    let xlsx = out.join("results.xlsx");
    let styles = part(&xlsx, "xl/styles.xml");
    assert!(
        styles.contains("formatCode=\"yyyy-mm-dd hh:mm\""),
        "{styles}"
    );
    assert!(styles.contains("formatCode=\"[h]:mm:ss\""), "{styles}");
    // The first interval's start: 2026-03-02 00:00 is Excel's day 46083; 01:00 is 46083 + 1/24.
    let intervals = part(&xlsx, "xl/worksheets/sheet5.xml");
    assert!(intervals.contains("<v>46083</v>"), "{intervals}");
    assert!(intervals.contains(&format!("<v>{}</v>", 46_083.0 + 1.0 / 24.0)));
    // The ASA of the last interval, in seconds in the CSV, is the same duration in days in the workbook.
    let csv = std::fs::read_to_string(out.join("intervals.csv")).unwrap();
    let asa: Vec<f64> = column(&csv, "asa_s")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    let longest = asa.iter().copied().fold(0.0, f64::max);
    assert!(longest > 3600.0, "{asa:?}");
    assert!(
        intervals.contains(&format!("<v>{}</v>", longest / 86_400.0)),
        "{longest}"
    );
    assert!(!intervals.contains(&format!("<v>{longest}</v>")));
}
