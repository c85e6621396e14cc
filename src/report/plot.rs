//! Charts of a run, comparison, sweep or plan, drawn from their results only (a Report; a plan's Plan beside
//! its check's Report), never from engine state, as PNG and SVG.
//!
//! plotters is built without system fonts (../shared/ECOSYSTEM.md): DejaVu Sans is embedded (assets/, with its
//! licence beside it) and registered once as "sans-serif". plotters has no stacked bars, so the level chart
//! draws rectangles.

use super::Report;
use super::kpi::{KpiId, Measure, Scope};
use crate::planner::Plan;
use crate::planner::roster::{self, Layout, RosterShift};
use crate::scenario::Scenario;
use crate::scenario::planning::Planning;
use crate::stats::Estimate;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};
use std::sync::Once;

static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

const SIZE: (u32, u32) = (1200, 700);

/// Colours of the six service levels, 1 (disappointing, red) to 6 (amazing, green).
const LEVEL_COLOURS: [RGBColor; 6] = [
    RGBColor(200, 40, 40),
    RGBColor(235, 120, 50),
    RGBColor(240, 190, 60),
    RGBColor(160, 200, 90),
    RGBColor(80, 170, 90),
    RGBColor(30, 120, 70),
];

/// Colours of lines and scenarios, in order: high contrast on white (the "tab10" palette, without its grey).
const SERIES: [RGBColor; 9] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

fn series_colour(i: usize) -> RGBColor {
    SERIES[i % SERIES.len()]
}

/// A drawing function's result: plotters' errors (of either backend), boxed.
type DrawResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// What writing a PNG can fail with: the bitmap backend's error, as plotters wraps it.
type PngError = DrawingAreaErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>;

/// Why charts could not be drawn or written.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The folder of the charts could not be created.
    #[error("cannot create {}: {source}", .dir.display())]
    CreateDir {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// plotters could not draw chart `name` (a font that failed to load, say) or finish its SVG text.
    #[error("cannot draw {name}: {source}")]
    Draw {
        name: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The PNG file could not be encoded or written.
    #[error("cannot write {}: {source}", .path.display())]
    WritePng {
        path: PathBuf,
        #[source]
        source: PngError,
    },
    /// The SVG file could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    WriteSvg {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// `std::fs::create_dir_all(dir)`, its error a `PlotError`.
fn create_dir(dir: &Path) -> Result<(), PlotError> {
    std::fs::create_dir_all(dir).map_err(|source| PlotError::CreateDir {
        dir: dir.to_path_buf(),
        source,
    })
}

fn register_font() {
    REGISTER.call_once(|| {
        // A font that cannot be registered leaves every text draw failing: the charts then report the error.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// A chart drawn: its file stem in plots/ and its SVG text (report.html shows it inline).
#[derive(Debug, Clone)]
pub struct Chart {
    pub name: String,
    /// What the chart belongs to in report.html: `channel_group(name)`, "cases", "scenarios", "timeline",
    /// "sweep", or `plan_group(kind)`.
    pub group: String,
    /// What the chart shows in words (the quantity, its unit, the target), for report.html's caption.
    pub caption: String,
    pub svg: String,
}

/// The group of a channel's charts (prefixed: a channel may be called "cases").
pub fn channel_group(channel: &str) -> String {
    format!("channel:{channel}")
}

impl Chart {
    fn in_group(mut self, group: &str) -> Chart {
        self.group = group.to_string();
        self
    }

    fn said(mut self, caption: impl Into<String>) -> Chart {
        self.caption = caption.into();
        self
    }
}

/// Draws a chart into `dir/name.png` and `dir/name.svg` (the same drawing function for both backends);
/// returns the chart with its SVG text.
fn both(
    dir: &Path,
    name: &str,
    png_chart: impl Fn(&DrawingArea<BitMapBackend, Shift>) -> DrawResult,
    svg_chart: impl Fn(&DrawingArea<SVGBackend, Shift>) -> DrawResult,
) -> Result<Chart, PlotError> {
    let png = dir.join(format!("{name}.png"));
    let svg_path = dir.join(format!("{name}.svg"));
    let err = |source| PlotError::Draw {
        name: name.to_string(),
        source,
    };
    {
        let root = BitMapBackend::new(&png, SIZE).into_drawing_area();
        png_chart(&root).map_err(err)?;
        root.present().map_err(|source| PlotError::WritePng {
            path: png.clone(),
            source,
        })?;
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        svg_chart(&root).map_err(err)?;
        root.present().map_err(|e| err(e.into()))?;
    }
    std::fs::write(&svg_path, &svg).map_err(|source| PlotError::WriteSvg {
        path: svg_path.clone(),
        source,
    })?;
    Ok(Chart {
        name: name.to_string(),
        group: String::new(),
        caption: String::new(),
        svg,
    })
}

/// A chart's frame: title, margins and room for the axis labels (`y_labels` pixels for the y axis).
fn frame<'a, 'b, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    title: impl AsRef<str>,
    y_labels: u32,
) -> ChartBuilder<'a, 'b, DB> {
    let mut b = ChartBuilder::on(root);
    b.caption(title.as_ref(), ("sans-serif", 26))
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(y_labels);
    b
}

/// The chart of every line chart here: x and y in f64.
type XyChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Grid and axis labels with their descriptions (units in the text).
fn axes<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    x: impl XAxis,
    y: impl AsRef<str>,
    whole_x: Option<usize>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    axes_whole(chart, x, y, whole_x, None)
}

/// [`axes`], with whole-number y values too (agents): about `whole_y` labels, no decimals (fewer labels than
/// the span keeps plotters' steps whole).
fn axes_whole<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    x: impl XAxis,
    y: impl AsRef<str>,
    whole_x: Option<usize>,
    whole_y: Option<usize>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    // Whole-number x values (agents, days): one label per value, no decimals.
    let whole = |x: &f64| format!("{x:.0}");
    let time = |v: &f64| x.tick(*v).unwrap_or_default();
    let mut mesh = chart.configure_mesh();
    if let Some(n) = whole_x {
        mesh.x_labels(n).x_label_formatter(&whole);
    }
    if x.tick(0.0).is_some() {
        mesh.x_label_formatter(&time);
    }
    if let Some(n) = whole_y {
        mesh.y_labels(n).y_label_formatter(&whole);
    }
    mesh.x_desc(x.desc())
        .y_desc(y.as_ref())
        .label_style(("sans-serif", 16))
        .axis_desc_style(("sans-serif", 18))
        .draw()?;
    Ok(())
}

/// What an x axis says: its description, and how a value on it reads (`None`: as the number).
trait XAxis {
    fn desc(&self) -> &str;
    fn tick(&self, _x: f64) -> Option<String> {
        None
    }
}

impl XAxis for &str {
    fn desc(&self) -> &str {
        self
    }
}

impl XAxis for String {
    fn desc(&self) -> &str {
        self
    }
}

impl<T: XAxis + ?Sized> XAxis for &T {
    fn desc(&self) -> &str {
        (*self).desc()
    }
    fn tick(&self, x: f64) -> Option<String> {
        (*self).tick(x)
    }
}

/// The time axis of interval charts: x in hours (horizons up to two days) or days from the start of the
/// horizon, labelled as people read time: "Mon 08:00", "Mon 2 Mar", or over many weeks "2 Mar".
#[derive(Clone)]
struct TimeAxis {
    /// Seconds per unit of x.
    unit: f64,
    desc: String,
    horizon_s: f64,
    calendar: crate::scenario::Calendar,
}

impl XAxis for TimeAxis {
    fn desc(&self) -> &str {
        &self.desc
    }

    fn tick(&self, x: f64) -> Option<String> {
        use crate::time::date::{WEEKDAY_ABBREVIATIONS, format_clock, format_day_month};
        // Ticks on whole minutes read as clock times; a float's last bits do not make "07:59:59".
        let t = self.calendar.wall((x * self.unit / 60.0).round() * 60.0);
        let day = (t / 86_400.0).floor() as i64;
        let clock = t - day as f64 * 86_400.0;
        let weekday = WEEKDAY_ABBREVIATIONS[usize::from(self.calendar.weekday(day))];
        let date = self.calendar.start_date.map(|d| format_day_month(d + day));
        Some(if self.unit < 86_400.0 || clock != 0.0 {
            format!("{weekday} {}", format_clock(clock))
        } else {
            match date {
                Some(d) if self.horizon_s <= 28.0 * 86_400.0 => format!("{weekday} {d}"),
                Some(d) => d,
                // Without a date, a weekday alone repeats after a week: the day count tells them apart.
                None if self.horizon_s <= 7.0 * 86_400.0 => weekday.to_string(),
                None => format!("day {day} ({weekday})"),
            }
        })
    }
}

/// The legend box, at `position`.
fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut XyChart<'a, DB>,
    position: SeriesLabelPosition,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .label_font(("sans-serif", 16))
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(position)
        .draw()?;
    Ok(())
}

/// One number of an interval row, for a line series.
type IntervalValue = fn(&super::IntervalKpis) -> f64;

fn m(e: &Estimate) -> f64 {
    e.mean.unwrap_or(0.0)
}

/// The fewest contacts offered in an interval, summed over the replications, for a share of that interval
/// (service level, occupancy, P(target missed)) to be drawn: with fewer, one contact moves the share by
/// 10 points or more (the last caller before closing makes 0% or 100%), so the interval is a gap in the
/// line, as is one with no contacts or no staffed time. docs/output.md states it.
pub const MIN_CONTACTS_MEASURED: f64 = 10.0;

/// Whether an interval had contacts enough to draw its shares ([`MIN_CONTACTS_MEASURED`]).
pub fn measured(report: &Report, row: &super::IntervalKpis) -> bool {
    // The mean times the replications is a whole count; the rounding absorbs the division's error.
    (m(&row.contacts.offered) * f64::from(report.replications)).round() >= MIN_CONTACTS_MEASURED
}

/// The one style of every line chart (per interval, waits, sweeps, timelines, the plan's service level):
/// a series is a line `LINE_WIDTH` pixels wide in its colour, its 95% interval lighter vertical bars, its
/// points marked when there are at most `MARKED_POINTS`; a target is a dashed red line named in the
/// legend.
const LINE_WIDTH: u32 = 2;
const MARKED_POINTS: usize = 60;
const TARGET_COLOUR: RGBColor = RGBColor(210, 60, 50);

/// One series in the shared style: its 95% bars (each end through `clip`), its line, its points when
/// `marked` (the chart has at most `MARKED_POINTS`), and its legend entry when `label` is not empty.
fn draw_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut XyChart<'a, DB>,
    points: &[(f64, f64, Option<f64>)],
    colour: RGBColor,
    label: &str,
    clip: &dyn Fn(f64) -> f64,
    marked: bool,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart.draw_series(points.iter().filter_map(|&(x, y, h)| {
        h.map(|h| {
            PathElement::new(
                vec![(x, clip(y - h)), (x, clip(y + h))],
                colour.mix(0.45).stroke_width(3),
            )
        })
    }))?;
    let series = chart.draw_series(LineSeries::new(
        points.iter().map(|&(x, y, _)| (x, y)),
        colour.stroke_width(LINE_WIDTH),
    ))?;
    if !label.is_empty() {
        series.label(label).legend(move |(x, y)| {
            PathElement::new(
                vec![(x, y), (x + 20, y)],
                colour.stroke_width(LINE_WIDTH + 1),
            )
        });
    }
    if marked {
        chart.draw_series(
            points
                .iter()
                .map(|&(x, y, _)| Circle::new((x, y), 4, colour.filled())),
        )?;
    }
    Ok(())
}

/// A target at `y` across `x`, dashed red, named `label` in the legend.
fn draw_target<'a, DB: DrawingBackend + 'a>(
    chart: &mut XyChart<'a, DB>,
    y: f64,
    x: (f64, f64),
    label: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart
        .draw_series(DashedLineSeries::new(
            vec![(x.0, y), (x.1, y)],
            12,
            6,
            TARGET_COLOUR.stroke_width(LINE_WIDTH),
        ))?
        .label(label)
        .legend(move |(x, y)| {
            PathElement::new(
                vec![(x, y), (x + 20, y)],
                TARGET_COLOUR.stroke_width(LINE_WIDTH + 1),
            )
        });
    Ok(())
}

/// The time axis of interval charts: hours for a horizon of up to two days, else days.
fn time_axis(report: &Report) -> (f64, TimeAxis) {
    let run = &report.run;
    let unit = if run.horizon_s <= 2.0 * 86_400.0 {
        3600.0
    } else {
        86_400.0
    };
    let desc = match run.calendar.start_date {
        Some(d) if run.calendar.start_clock_s > 0.0 => format!(
            "local time (the horizon starts {})",
            crate::time::date::format_iso(d, run.calendar.start_clock_s)
        ),
        Some(d) => format!(
            "local time (the horizon starts {})",
            crate::time::date::format_date(d)
        ),
        None if unit < 86_400.0 => "weekday and time of day".to_string(),
        None if run.horizon_s <= 7.0 * 86_400.0 => "weekday".to_string(),
        None => "day of the horizon (0 = the first) and weekday".to_string(),
    };
    let axis = TimeAxis {
        unit,
        desc,
        horizon_s: run.horizon_s,
        calendar: run.calendar.clone(),
    };
    (unit, axis)
}

/// Offered, answered and abandoned contacts per interval of one channel.
fn volume<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Report,
    channel: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let rows = &report.intervals[channel];
    let width = report.run.interval_s;
    let (unit, label) = time_axis(report);
    let x = |i: usize| i as f64 * width / unit;
    let top = rows
        .iter()
        .map(|r| m(&r.contacts.offered))
        .fold(1.0, f64::max)
        * 1.1;
    let mut chart = frame(
        root,
        format!(
            "{channel}: contacts per interval (mean of {} replications)",
            report.replications
        ),
        70,
    )
    .build_cartesian_2d(0.0..x(rows.len()), 0.0..top)?;
    axes(
        &mut chart,
        label,
        format!("contacts per {} min", width / 60.0),
        None,
    )?;
    let series: [(&str, RGBColor, IntervalValue); 3] = [
        ("offered", series_colour(0), |r| m(&r.contacts.offered)),
        ("answered", series_colour(2), |r| m(&r.contacts.answered)),
        ("abandoned", series_colour(3), |r| m(&r.contacts.abandoned)),
    ];
    for (name, colour, f) in series {
        let points: Vec<(f64, f64, Option<f64>)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (x(i) + 0.5 * width / unit, f(r), None))
            .collect();
        let marked = points.len() <= MARKED_POINTS;
        draw_line(&mut chart, &points, colour, name, &|v| v, marked)?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    Ok(())
}

/// Service level per interval of one channel with its 95% interval, against the channel's target share.
fn service_level<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Report,
    channel: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let target = &report.run.targets[channel];
    let title = format!(
        "{channel}: service level per interval (target {})",
        target.label()
    );
    service_level_against(root, report, channel, &title, target.share)
}

/// Service level per interval of one channel with its 95% interval, against the target share `share`, on
/// the whole 0 to 100% scale.
fn service_level_against<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Report,
    channel: &str,
    title: &str,
    share: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let label = report.run.targets.get(channel).map_or_else(
        || format!("target {:.0}%", 100.0 * share),
        |t| {
            let t = super::ChannelTarget { share, ..t.clone() };
            format!("target {}", t.label())
        },
    );
    let service: fn(&super::IntervalKpis) -> &Estimate = |r| &r.contacts.service_level;
    let y = "service level (%)";
    per_interval(
        root,
        report,
        channel,
        title,
        y,
        service,
        100.0,
        Some((100.0 * share, label)),
    )
}

/// One quantity per interval of one channel, with its 95% interval as bars; intervals where it is undefined
/// are gaps (no line across closed hours), and so, for a share (`y_desc` in %), are those with too few
/// contacts to measure it ([`measured`]). `target`: its value and legend label.
#[allow(clippy::too_many_arguments)]
fn per_interval<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Report,
    channel: &str,
    title: &str,
    y_desc: &str,
    value: fn(&super::IntervalKpis) -> &Estimate,
    scale: f64,
    target: Option<(f64, String)>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let rows = &report.intervals[channel];
    let (unit, label) = time_axis(report);
    let width = report.run.interval_s;
    let share = y_desc.ends_with("(%)");
    let data = interval_lines(report, channel, y_desc, value, scale, share);
    // A share is read against the whole scale: 0 to 100%.
    let full = share.then_some((0.0, 100.0));
    let end = rows.len() as f64 * width / unit;
    lines(
        root,
        &LineChart {
            title,
            x_desc: &label,
            y_desc,
            data: &data,
            target,
            x_range: Some((0.0, end)),
            y_range: full,
            zero: false,
            first_colour: 0,
        },
    )
}

/// The line of one quantity per interval, one run of points per stretch of intervals where it is defined
/// and, for a `share`, [`measured`]; the first run is labelled `y_desc`.
fn interval_lines(
    report: &Report,
    channel: &str,
    y_desc: &str,
    value: fn(&super::IntervalKpis) -> &Estimate,
    scale: f64,
    share: bool,
) -> Vec<Line> {
    let rows = &report.intervals[channel];
    let (unit, _) = time_axis(report);
    let width = report.run.interval_s;
    let mut data: Vec<Line> = Vec::new();
    let mut last: Option<usize> = None;
    for (i, r) in rows.iter().enumerate() {
        let e = value(r);
        let Some(y) = e.mean else { continue };
        if share && !measured(report, r) {
            continue;
        }
        let point = (
            (i as f64 + 0.5) * width / unit,
            scale * y,
            e.ci95.map(|h| scale * h),
        );
        if last.is_none_or(|l| l + 1 != i) {
            let label = if data.is_empty() {
                y_desc.to_string()
            } else {
                String::new()
            };
            data.push(Line {
                label,
                points: Vec::new(),
            });
        }
        if let Some(line) = data.last_mut() {
            line.points.push(point);
        }
        last = Some(i);
    }
    data
}

/// The distribution of waits of answered contacts (share answered within t), with the target's time and
/// share marked.
fn waits<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Report,
    channel: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let cdf = &report.channels[channel].wait_cdf;
    let target = &report.run.targets[channel];
    let top = cdf.last().map_or(1.0, |p| p.0).max(1.0);
    let (unit, unit_name) = if top > 7200.0 {
        (3600.0, "h")
    } else if top > 300.0 {
        (60.0, "min")
    } else {
        (1.0, "s")
    };
    let mut chart = frame(
        root,
        format!("{channel}: waiting time of answered contacts (all replications)"),
        70,
    )
    .build_cartesian_2d(0.0..top / unit, 0.0..100.0)?;
    // A business-hours target counts opening hours only, and so do these waits (as its service level).
    let clock = if target.business_hours {
        " in business hours"
    } else {
        ""
    };
    axes(
        &mut chart,
        format!("wait{clock} ({unit_name})"),
        "answered within that wait (%)",
        None,
    )?;
    let curve: Vec<(f64, f64, Option<f64>)> = cdf
        .iter()
        .map(|&(t, p)| (t / unit, 100.0 * p, None))
        .collect();
    let label = "share answered within the wait";
    // The curve is dense (201 points): a line, no markers.
    draw_line(
        &mut chart,
        &curve[..],
        series_colour(0),
        label,
        &|v| v,
        false,
    )?;
    let (tx, ty) = (target.within_s / unit, 100.0 * target.share);
    chart
        .draw_series(DashedLineSeries::new(
            vec![(tx, 0.0), (tx, ty), (0.0, ty)],
            12,
            6,
            TARGET_COLOUR.stroke_width(LINE_WIDTH),
        ))?
        .label(format!("target {}", target.label()))
        .legend(move |(x, y)| {
            PathElement::new(
                vec![(x, y), (x + 20, y)],
                TARGET_COLOUR.stroke_width(LINE_WIDTH + 1),
            )
        });
    legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    Ok(())
}

/// The six service levels as stacked bars: all cases, then by the channel of their first contact.
fn levels<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, report: &Report) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let mut bars: Vec<(String, Vec<f64>)> = vec![(
        "all cases".to_string(),
        report.experience.overall.levels.values().map(m).collect(),
    )];
    for (name, e) in &report.experience.by_first_channel {
        let shares: Vec<f64> = e.levels.values().map(m).collect();
        if shares.iter().sum::<f64>() > 0.0 {
            bars.push((name.clone(), shares));
        }
    }
    stacked_levels(
        root,
        "Customer experience levels cases end at (share of ended cases)",
        "first channel of the case",
        &bars,
    )
}

/// The six levels as stacked bars, one per (label, shares of levels 1 to 6), with the legend beside them.
fn stacked_levels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    x_desc: &str,
    bars: &[(String, Vec<f64>)],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let n = bars.len();
    let (legend, plot) = root.split_horizontally(SIZE.0 - 260);
    let mut chart = frame(&legend, title, 70)
        .build_cartesian_2d((0..n.saturating_sub(1)).into_segmented(), 0.0..100.0)?;
    let names: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc(x_desc)
        .y_desc("share of cases (%)")
        .x_label_formatter(&|v| category(names.as_slice(), v))
        .label_style(("sans-serif", 16))
        .axis_desc_style(("sans-serif", 18))
        .draw()?;
    for (i, (_, shares)) in bars.iter().enumerate() {
        let mut bottom = 0.0;
        for (l, share) in shares.iter().enumerate() {
            let top = bottom + 100.0 * share;
            chart.draw_series(std::iter::once(Rectangle::new(
                [
                    (SegmentValue::Exact(i), bottom),
                    (SegmentValue::Exact(i + 1), top),
                ],
                LEVEL_COLOURS[l].filled(),
            )))?;
            bottom = top;
        }
        // A white edge keeps neighbouring bars apart.
        chart.draw_series(std::iter::once(Rectangle::new(
            [
                (SegmentValue::Exact(i), 0.0),
                (SegmentValue::Exact(i + 1), 100.0),
            ],
            WHITE.stroke_width(4),
        )))?;
    }
    // The legend beside the chart: level 6 at the top, as in the bars.
    for (l, name) in crate::experience::LEVELS.iter().enumerate().rev() {
        let y = 120 + (5 - l as i32) * 40;
        plot.draw(&Rectangle::new(
            [(20, y), (44, y + 24)],
            LEVEL_COLOURS[l].filled(),
        ))?;
        plot.draw(&Text::new(
            name.replace('_', " "),
            (54, y + 4),
            ("sans-serif", 18),
        ))?;
    }
    Ok(())
}

/// The label of a category axis' value: the name at the centre of its segment, nothing elsewhere.
fn category(names: &[String], v: &SegmentValue<usize>) -> String {
    match v {
        SegmentValue::CenterOf(i) => names.get(*i).cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

/// What held cases below level 4: the share of ended cases whose main factor each one was, as horizontal
/// bars with their 95% intervals (docs/experience.md explains the factors).
fn held_down<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, report: &Report) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    // Largest first, from the top: the segmented y axis counts upwards, so the list is reversed.
    let mut factors: Vec<(String, f64, f64)> = report
        .experience
        .overall
        .held_down_by
        .iter()
        .map(|(f, e)| {
            (
                f.replace('_', " "),
                100.0 * m(e),
                100.0 * e.ci95.unwrap_or(0.0),
            )
        })
        .collect();
    factors.sort_by(|a, b| a.1.total_cmp(&b.1));
    let n = factors.len();
    let top = factors
        .iter()
        .map(|f| f.1 + f.2)
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.15;
    let mut chart = frame(
        root,
        "What held cases below level 4 (main factor, share of ended cases)",
        200,
    )
    .build_cartesian_2d(0.0..top, (0..n.saturating_sub(1)).into_segmented())?;
    let names: Vec<String> = factors.iter().map(|f| f.0.clone()).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("share of ended cases (%)")
        .y_labels(n)
        .y_label_formatter(&|v| category(names.as_slice(), v))
        .label_style(("sans-serif", 16))
        .axis_desc_style(("sans-serif", 18))
        .draw()?;
    let bar = RGBColor(200, 90, 60);
    for (i, (_, v, h)) in factors.iter().enumerate() {
        let mut rect = Rectangle::new(
            [
                (0.0, SegmentValue::Exact(i)),
                (*v, SegmentValue::Exact(i + 1)),
            ],
            bar.mix(0.8).filled(),
        );
        rect.set_margin(10, 10, 0, 0);
        chart.draw_series(std::iter::once(rect))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![
                ((v - h).max(0.0), SegmentValue::CenterOf(i)),
                (v + h, SegmentValue::CenterOf(i)),
            ],
            BLACK.stroke_width(2),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            format!("{v:.1}%"),
            (v + h + 0.01 * top, SegmentValue::CenterOf(i)),
            ("sans-serif", 16),
        )))?;
    }
    Ok(())
}

/// Writes every chart of a run into `dir` (created if need be): per channel with agents, contacts and
/// service level per interval; the service levels of cases. Returns the files written.
pub fn run_charts(report: &Report, dir: &Path) -> Result<Vec<Chart>, PlotError> {
    register_font();
    create_dir(dir)?;
    let mut files = Vec::new();
    for (i, (name, rows)) in report.intervals.iter().enumerate() {
        if rows
            .iter()
            .all(|r| r.contacts.offered.mean.unwrap_or(0.0) == 0.0)
        {
            continue;
        }
        let stem = format!("{:02}-{}", i + 1, file_safe(name));
        let gaps = format!(
            "Intervals with fewer than {MIN_CONTACTS_MEASURED} contacts over the {} replications are gaps.",
            report.replications
        );
        let target = report
            .run
            .targets
            .get(name.as_str())
            .map(|t| t.label())
            .unwrap_or_default();
        files.push(
            both(
                dir,
                &format!("{stem}-contacts"),
                |r| volume(r, report, name),
                |r| volume(r, report, name),
            )?
            .in_group(&channel_group(name))
            .said(format!(
                "{name}: contacts offered, answered and abandoned in each {}-minute interval, mean of {} replications.",
                report.run.interval_s / 60.0,
                report.replications
            )),
        );
        if report.run.targets.contains_key(name.as_str())
            && rows.iter().any(|r| r.contacts.service_level.mean.is_some())
        {
            files.push(
                both(
                    dir,
                    &format!("{stem}-service-level"),
                    |r| service_level(r, report, name),
                    |r| service_level(r, report, name),
                )?
                .in_group(&channel_group(name))
                .said(format!(
                    "{name}: service level per interval, the share of contacts offered that were answered in time (%), with its 95% interval, against the target {target} (dashed). {gaps}"
                )),
            );
            let title = format!("{name}: occupancy of the agents serving it, per interval");
            let occupancy: fn(&super::IntervalKpis) -> &Estimate = |r| &r.contacts.occupancy;
            files.push(
                both(
                    dir,
                    &format!("{stem}-occupancy"),
                    |r| per_interval(r, report, name, &title, "occupancy (%)", occupancy, 100.0, None),
                    |r| per_interval(r, report, name, &title, "occupancy (%)", occupancy, 100.0, None),
                )?
                .in_group(&channel_group(name))
                .said(format!(
                    "{name}: occupancy per interval, the share of the serving agents' staffed time spent on contacts (%), with its 95% interval. {gaps}"
                )),
            );
            if report.run.targets[name.as_str()].kind == "deferred" {
                let title = format!("{name}: backlog at the end of each interval");
                let backlog: fn(&super::IntervalKpis) -> &Estimate = |r| &r.backlog;
                files.push(
                    both(
                        dir,
                        &format!("{stem}-backlog"),
                        |r| per_interval(r, report, name, &title, "contacts waiting", backlog, 1.0, None),
                        |r| per_interval(r, report, name, &title, "contacts waiting", backlog, 1.0, None),
                    )?
                    .in_group(&channel_group(name))
                    .said(format!(
                        "{name}: backlog, the contacts waiting at the end of each interval, with its 95% interval."
                    )),
                );
            }
            // P(target missed) per interval: the share of replications whose interval fell short of the
            // target, a risk worth a chart when day volumes are uncertain.
            if report.run.targets[name.as_str()].forecast_cv > 0.0 {
                let title = format!("{name}: probability of missing the service-level target");
                let missed: fn(&super::IntervalKpis) -> &Estimate = |r| &r.contacts.p_target_missed;
                let y = "P(target missed) (%)";
                files.push(
                    both(
                        dir,
                        &format!("{stem}-target-missed"),
                        |r| per_interval(r, report, name, &title, y, missed, 100.0, None),
                        |r| per_interval(r, report, name, &title, y, missed, 100.0, None),
                    )?
                    .in_group(&channel_group(name))
                    .said(format!(
                        "{name}: probability of missing the target {target} in each interval, the share of replications whose interval fell short (%), with its 95% interval. {gaps}"
                    )),
                );
            }
            if report.channels[name.as_str()].wait_cdf.len() > 1 {
                files.push(
                    both(
                        dir,
                        &format!("{stem}-waits"),
                        |r| waits(r, report, name),
                        |r| waits(r, report, name),
                    )?
                    .in_group(&channel_group(name))
                    .said(format!(
                        "{name}: the share of answered contacts answered within each wait{} (%), all replications pooled; the dashed lines mark the target {target}.",
                        if report.run.targets[name.as_str()].business_hours {
                            ", counted in business hours as the target counts them"
                        } else {
                            ""
                        }
                    )),
                );
            }
        }
    }
    files.push(
        both(dir, "levels", |r| levels(r, report), |r| levels(r, report))?
            .in_group("cases")
            .said("The service levels customers end at: the share of ended cases at each of the six levels (%), all cases and by the channel of their first contact."),
    );
    if report
        .experience
        .overall
        .held_down_by
        .values()
        .any(|e| m(e) > 0.0)
    {
        files.push(
            both(
                dir,
                "held-down",
                |r| held_down(r, report),
                |r| held_down(r, report),
            )?
            .in_group("cases")
            .said("What held cases below level 4: the share of ended cases whose main factor each one was (%), with its 95% interval."),
        );
    }
    Ok(files)
}

/// The group of the plan's charts of `kind` in report.html: "plan:staffing", "plan:coverage",
/// "plan:service".
pub fn plan_group(kind: &str) -> String {
    format!("plan:{kind}")
}

/// Labels for an axis of agents from `lo` to `hi`: at most `most`, and fewer than the span so that each
/// step is a whole number of agents.
fn agent_labels(lo: f64, hi: f64, most: usize) -> Option<usize> {
    Some(((hi - lo).floor() as usize).clamp(2, most))
}

/// A value per interval as a step line: level across each interval, `x(i)` the start of interval `i`.
fn steps(values: &[u32], x: impl Fn(usize) -> f64) -> Vec<(f64, f64)> {
    values
        .iter()
        .enumerate()
        .flat_map(|(i, &v)| [(x(i), f64::from(v)), (x(i + 1), f64::from(v))])
        .collect()
}

/// A per-interval step line with its legend entry.
fn step_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut XyChart<'a, DB>,
    points: &[(f64, f64)],
    colour: RGBColor,
    width: u32,
    label: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart
        .draw_series(LineSeries::new(
            points.iter().copied(),
            colour.stroke_width(width),
        ))?
        .label(label)
        .legend(move |(x, y)| {
            PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(width + 1))
        });
    Ok(())
}

/// Net staffing of group `g`: agents scheduled per interval (bars) against the requirement the roster
/// covers and the Erlang requirement (lines), and below, scheduled minus required (over and under).
fn net_staffing<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Scenario,
    plan: &Plan,
    report: &Report,
    g: usize,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (need, sched, erlang) = (&plan.requirement[g], &plan.scheduled[g], &plan.erlang[g]);
    let width = report.run.interval_s;
    let (unit, label) = time_axis(report);
    let x = |i: usize| i as f64 * width / unit;
    let end = x(need.len());
    let top = need
        .iter()
        .chain(sched)
        .chain(erlang)
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f64
        * 1.15;
    let how = if plan.rostered[g] {
        "rostered by shifts"
    } else {
        "scheduled by head-count"
    };
    let (upper, lower) = root.split_vertically(SIZE.1 * 68 / 100);
    let mut chart = frame(
        &upper,
        format!(
            "{}: agents required and scheduled per interval ({how})",
            s.groups[g].name
        ),
        70,
    )
    .build_cartesian_2d(0.0..end, 0.0..top)?;
    axes_whole(
        &mut chart,
        &label,
        "agents",
        None,
        agent_labels(0.0, top, 10),
    )?;
    let blue = RGBColor(60, 90, 200);
    chart
        .draw_series(
            sched
                .iter()
                .enumerate()
                .filter(|(_, v)| **v > 0)
                .map(|(i, &v)| {
                    Rectangle::new(
                        [(x(i), 0.0), (x(i + 1), f64::from(v))],
                        blue.mix(0.3).filled(),
                    )
                }),
        )?
        .label("scheduled")
        .legend(move |(x, y)| {
            Rectangle::new([(x, y - 6), (x + 20, y + 6)], blue.mix(0.3).filled())
        });
    let red = RGBColor(210, 60, 50);
    if (0..need.len()).any(|i| sched[i] < need[i]) {
        chart
            .draw_series((0..need.len()).filter(|&i| sched[i] < need[i]).map(|i| {
                Rectangle::new(
                    [(x(i), f64::from(sched[i])), (x(i + 1), f64::from(need[i]))],
                    red.mix(0.6).filled(),
                )
            }))?
            .label("short of the requirement")
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 6), (x + 20, y + 6)], red.mix(0.6).filled())
            });
    }
    let required = steps(need, x);
    let what = if plan.requirement_given {
        "required (given)"
    } else {
        "required (by simulation)"
    };
    step_line(&mut chart, &required, RGBColor(30, 30, 30), 2, what)?;
    let erlang_line = steps(erlang, x);
    step_line(
        &mut chart,
        &erlang_line,
        series_colour(1),
        1,
        "Erlang requirement",
    )?;
    let points: Vec<(f64, f64)> = required.iter().chain(&steps(sched, x)).copied().collect();
    legend(&mut chart, quiet_corner(&points, (0.0, end), (0.0, top)))?;

    let net: Vec<i64> = need
        .iter()
        .zip(sched)
        .map(|(&r, &s)| i64::from(s) - i64::from(r))
        .collect();
    let (lo, hi) = (
        net.iter().copied().min().unwrap_or(0).min(-1) as f64,
        net.iter().copied().max().unwrap_or(0).max(1) as f64,
    );
    let pad = 0.1 * (hi - lo);
    let mut chart = frame(
        &lower,
        "scheduled minus required: over (+) and under (-)",
        70,
    )
    .build_cartesian_2d(0.0..end, (lo - pad)..(hi + pad))?;
    axes_whole(&mut chart, label, "agents", None, agent_labels(lo, hi, 4))?;
    let green = RGBColor(40, 160, 80);
    chart.draw_series(
        net.iter()
            .enumerate()
            .filter(|(_, v)| **v != 0)
            .map(|(i, &v)| {
                let colour = if v > 0 { green } else { red };
                Rectangle::new(
                    [(x(i), 0.0), (x(i + 1), v as f64)],
                    colour.mix(0.7).filled(),
                )
            }),
    )?;
    chart.draw_series(LineSeries::new(
        vec![(0.0, 0.0), (end, 0.0)],
        BLACK.stroke_width(1),
    ))?;
    Ok(())
}

/// Agents on the floor per interval of the horizon from each shift template of group `g` (in the
/// templates' order): a shift is on the floor in an interval whose middle lies inside its [start, end) and
/// outside its breaks, wrapping past the planned days' end (the horizon repeats), and the planned days
/// unfolded onto the horizon as the roster's are.
fn coverage_by_template(
    s: &Scenario,
    p: &Planning,
    roster: &[RosterShift],
    g: usize,
) -> Vec<(String, Vec<u32>)> {
    let l = Layout::of(s);
    let n = l.planned_days * l.per_day;
    let span = n as f64 * s.interval_s;
    let templates: Vec<&str> = p
        .shifts
        .iter()
        .filter(|t| t.group == g)
        .map(|t| t.name.as_str())
        .collect();
    let planned: Vec<Vec<u32>> = templates
        .iter()
        .map(|&name| {
            let mut row = vec![0u32; n];
            for r in roster.iter().filter(|r| r.group == g && r.template == name) {
                let start = r.day as f64 * 86_400.0 + r.start_s;
                for (k, on) in row.iter_mut().enumerate() {
                    let after = ((k as f64 + 0.5) * s.interval_s - start).rem_euclid(span);
                    let at = r.start_s + after;
                    if after < r.end_s - r.start_s
                        && !r.breaks.iter().any(|&(a, z)| at >= a && at < z)
                    {
                        *on += r.count;
                    }
                }
            }
            row
        })
        .collect();
    templates
        .into_iter()
        .map(String::from)
        .zip(roster::unfold(s, &planned))
        .collect()
}

/// Coverage by shift of group `g`: agents on the floor per interval, stacked by shift template, against
/// the requirement.
fn coverage<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Scenario,
    plan: &Plan,
    report: &Report,
    g: usize,
    by_template: &[(String, Vec<u32>)],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let need = &plan.requirement[g];
    let width = report.run.interval_s;
    let (unit, label) = time_axis(report);
    let x = |i: usize| i as f64 * width / unit;
    let end = x(need.len());
    let mut base = vec![0u32; need.len()];
    for (_, row) in by_template {
        for (b, v) in base.iter_mut().zip(row) {
            *b += v;
        }
    }
    let top = need.iter().chain(&base).copied().max().unwrap_or(0).max(1) as f64 * 1.15;
    let mut chart = frame(
        root,
        format!(
            "{}: agents on the floor per interval, by shift template",
            s.groups[g].name
        ),
        70,
    )
    .build_cartesian_2d(0.0..end, 0.0..top)?;
    let y = "agents on the floor (not on break)";
    axes_whole(&mut chart, label, y, None, agent_labels(0.0, top, 10))?;
    base.iter_mut().for_each(|b| *b = 0);
    for (k, (name, row)) in by_template.iter().enumerate() {
        let colour = series_colour(k);
        chart
            .draw_series(
                row.iter()
                    .enumerate()
                    .filter(|(_, v)| **v > 0)
                    .map(|(i, &v)| {
                        Rectangle::new(
                            [
                                (x(i), f64::from(base[i])),
                                (x(i + 1), f64::from(base[i] + v)),
                            ],
                            colour.mix(0.75).filled(),
                        )
                    }),
            )?
            .label(name.clone())
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 6), (x + 20, y + 6)], colour.mix(0.75).filled())
            });
        for (b, v) in base.iter_mut().zip(row) {
            *b += v;
        }
    }
    let required = steps(need, x);
    step_line(&mut chart, &required, RGBColor(30, 30, 30), 2, "required")?;
    let points: Vec<(f64, f64)> = required.iter().chain(&steps(&base, x)).copied().collect();
    legend(&mut chart, quiet_corner(&points, (0.0, end), (0.0, top)))?;
    Ok(())
}

/// Writes the charts of a plan into `dir` (created if need be): per group the net staffing (required
/// against scheduled, the Erlang requirement), per rostered group the coverage by shift template, and per
/// channel with a service-level target the service level the check predicts with its 95% interval.
pub fn plan_charts(
    s: &Scenario,
    p: &Planning,
    plan: &Plan,
    report: &Report,
    dir: &Path,
) -> Result<Vec<Chart>, PlotError> {
    register_font();
    create_dir(dir)?;
    let mut files = Vec::new();
    for (g, group) in s.groups.iter().enumerate() {
        let any = |v: &[u32]| v.iter().any(|&x| x > 0);
        if !(any(&plan.requirement[g]) || any(&plan.scheduled[g]) || any(&plan.erlang[g])) {
            continue;
        }
        let name = format!("plan-staffing-{:02}-{}", g + 1, file_safe(&group.name));
        files.push(
            both(
                dir,
                &name,
                |r| net_staffing(r, s, plan, report, g),
                |r| net_staffing(r, s, plan, report, g),
            )?
            .in_group(&plan_group("staffing"))
            .said(format!(
                "{}: agents scheduled per interval (bars) against the agents required (black steps) and the Erlang requirement (thin line), short intervals in red; below, scheduled minus required.",
                group.name
            )),
        );
    }
    for (g, group) in s.groups.iter().enumerate() {
        if !plan.rostered[g] {
            continue;
        }
        let by_template = coverage_by_template(s, p, &plan.roster, g);
        let name = format!("plan-coverage-{:02}-{}", g + 1, file_safe(&group.name));
        files.push(
            both(
                dir,
                &name,
                |r| coverage(r, s, plan, report, g, &by_template),
                |r| coverage(r, s, plan, report, g, &by_template),
            )?
            .in_group(&plan_group("coverage"))
            .said(format!(
                "{}: agents on the floor per interval (on shift, not on a break), stacked by shift template, against the agents required.",
                group.name
            )),
        );
    }
    // Per channel (the report's intervals are per channel, not per class).
    for t in p.targets.iter().filter(|t| t.class.is_none()) {
        let Some(share) = t.service_level else {
            continue;
        };
        let channel = &s.channels[t.channel];
        let Some(rows) = report.intervals.get(&channel.name) else {
            continue;
        };
        if !rows.iter().any(|r| r.contacts.service_level.mean.is_some()) {
            continue;
        }
        let label = report.run.targets.get(&channel.name).map_or_else(
            || format!("{:.0}%", 100.0 * share),
            |t| super::ChannelTarget { share, ..t.clone() }.label(),
        );
        let title = format!(
            "{}: predicted service level per interval (target {label})",
            channel.name
        );
        let name = format!(
            "plan-service-{:02}-{}",
            t.channel + 1,
            file_safe(&channel.name)
        );
        files.push(
            both(
                dir,
                &name,
                |r| service_level_against(r, report, &channel.name, &title, share),
                |r| service_level_against(r, report, &channel.name, &title, share),
            )?
            .in_group(&plan_group("service"))
            .said(format!(
                "{}: the service level the check predicts per interval (%), with its 95% interval, against the plan's target {label} (dashed).",
                channel.name
            )),
        );
    }
    Ok(files)
}

/// A name as part of a file name: letters and digits kept (lower case), any run of others one dash.
fn file_safe(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    // A long name (a channel called by a sentence) is cut, with a hash of the whole name so two long names
    // that share their beginning get two files: the file name stays within what file systems allow.
    super::write::shorten(out.trim_matches('-'), name, super::write::MAX_NAME_BYTES)
}

/// A named line of points (x, y, 95% half-width if known).
struct Line {
    label: String,
    points: Vec<(f64, f64, Option<f64>)>,
}

/// A line chart: lines with their 95% intervals, and a target.
struct LineChart<'a> {
    title: &'a str,
    x_desc: &'a dyn XAxis,
    y_desc: &'a str,
    data: &'a [Line],
    /// The target's value and legend label.
    target: Option<(f64, String)>,
    /// The x axis' span when it is fixed (the horizon), else the data's.
    x_range: Option<(f64, f64)>,
    /// The y axis' span when it is fixed (0 to 100% for a share per interval), else the data's.
    y_range: Option<(f64, f64)>,
    /// A zero line, in range (a chart of differences).
    zero: bool,
    /// The series colour of the first line (differences B − A take B's colour).
    first_colour: usize,
}

/// Lines with their 95% intervals as vertical bars, in the shared style: the chart of sweeps, comparison
/// timelines and the per-interval shares and backlog. A percentage never leaves 0 to 100 and a quantity
/// that cannot be negative (every one charted here but a difference) starts its axis at 0 at the lowest.
fn lines<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &LineChart) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let data = c.data;
    let all = data.iter().flat_map(|l| l.points.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    let percent = c.y_desc.ends_with("(%)");
    // Counts, shares and costs are never negative: a normal-approximation bar is cut at 0 (and at 100%).
    let nonnegative = data.iter().all(|l| l.points.iter().all(|p| p.1 >= 0.0));
    let clip = move |v: f64| {
        let v = if nonnegative { v.max(0.0) } else { v };
        if percent { v.min(100.0) } else { v }
    };
    for &(x, y, h) in all {
        let h = h.unwrap_or(0.0);
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(clip(y - h));
        y1 = y1.max(clip(y + h));
    }
    if let Some((t, _)) = &c.target {
        y0 = y0.min(*t);
        y1 = y1.max(*t);
    }
    if c.zero {
        y0 = y0.min(0.0);
        y1 = y1.max(0.0);
    }
    if !x0.is_finite() {
        (x0, x1) = (0.0, 1.0);
    }
    if !y0.is_finite() {
        (y0, y1) = (0.0, 1.0);
    }
    let pad = |a: f64, b: f64| {
        if b > a {
            (b - a) * 0.05
        } else {
            a.abs().max(1.0) * 0.05
        }
    };
    let (px, py) = (pad(x0, x1), pad(y0, y1));
    let (xl, xh) = c.x_range.unwrap_or((x0 - px, x1 + px));
    let (mut yl, mut yh) = c.y_range.unwrap_or((y0 - py, y1 + py));
    if nonnegative {
        yl = yl.max(0.0);
    }
    if percent {
        yh = yh.min(100.0 + py.min(2.0));
    }
    let mut chart = frame(root, c.title, 80).build_cartesian_2d(xl..xh, yl..yh)?;
    // Whole-number x values (agents, days): labels without decimals, one per value up to 25 values (fewer
    // labels than the span keeps plotters' steps whole).
    let mut xs = data.iter().flat_map(|l| l.points.iter().map(|p| p.0));
    let whole_x = (c.x_range.is_none() && xs.all(|x| x.fract() == 0.0)).then(|| {
        if x1 - x0 <= 24.0 {
            (x1 - x0) as usize + 1
        } else {
            12
        }
    });
    axes(&mut chart, c.x_desc, c.y_desc, whole_x)?;
    if c.zero {
        chart.draw_series(LineSeries::new(
            vec![(xl, 0.0), (xh, 0.0)],
            BLACK.stroke_width(2),
        ))?;
    }
    let marked = data.iter().map(|l| l.points.len()).sum::<usize>() <= MARKED_POINTS;
    let mut colour_index = 0;
    for line in data.iter() {
        // Unlabeled lines continue the previous one (same colour, no legend entry).
        if !line.label.is_empty() {
            colour_index += 1;
        }
        let colour = series_colour(c.first_colour + colour_index.max(1) - 1);
        draw_line(&mut chart, &line.points, colour, &line.label, &clip, marked)?;
    }
    if let Some((t, label)) = &c.target {
        draw_target(&mut chart, *t, (xl, xh), label)?;
    }
    // One line without a target needs no legend (the axis says what it is); otherwise it goes in the corner
    // with fewest points.
    if data.iter().filter(|l| !l.label.is_empty()).count() > 1 || c.target.is_some() {
        let mut points: Vec<(f64, f64)> = data
            .iter()
            .flat_map(|l| l.points.iter().map(|p| (p.0, p.1)))
            .collect();
        if let Some((t, _)) = &c.target {
            points.extend((0..=10).map(|k| (xl + (xh - xl) * f64::from(k) / 10.0, *t)));
        }
        let corner = quiet_corner(&points, (xl, xh), (yl, yh));
        legend(&mut chart, corner)?;
    }
    Ok(())
}

/// A line chart over its chart of differences (three fifths above, two below).
fn with_differences<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    above: &LineChart,
    below: &LineChart,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (upper, lower) = root.split_vertically(SIZE.1 * 60 / 100);
    lines(&upper, above)?;
    lines(&lower, below)
}

/// The corner of the plotting area with the fewest points in it (a box of 40% of the width and 35% of the
/// height), for the legend; the lower right on a tie.
fn quiet_corner(points: &[(f64, f64)], x: (f64, f64), y: (f64, f64)) -> SeriesLabelPosition {
    let (w, h) = (
        (x.1 - x.0).max(f64::MIN_POSITIVE),
        (y.1 - y.0).max(f64::MIN_POSITIVE),
    );
    let count = |right: bool, upper: bool| {
        points
            .iter()
            .filter(|&&(px, py)| {
                let (fx, fy) = ((px - x.0) / w, (py - y.0) / h);
                (if right { fx >= 0.6 } else { fx <= 0.4 })
                    && (if upper { fy >= 0.65 } else { fy <= 0.35 })
            })
            .count()
    };
    [
        (SeriesLabelPosition::LowerRight, count(true, false)),
        (SeriesLabelPosition::UpperRight, count(true, true)),
        (SeriesLabelPosition::LowerLeft, count(false, false)),
        (SeriesLabelPosition::UpperLeft, count(false, true)),
    ]
    .into_iter()
    .min_by_key(|c| c.1)
    .map_or(SeriesLabelPosition::LowerRight, |c| c.0)
}

/// The KPIs charted for sweeps and comparisons: each channel's (and priority class's) service level and the
/// share of cases at level 4 or above, as (KPI, title, axis label).
fn charted_kpis(keys: impl Iterator<Item = KpiId>) -> Vec<(KpiId, String, &'static str)> {
    keys.filter_map(|k| {
        let axis = match (&k.scope, k.measure) {
            (Scope::Experience, Measure::Field("level_4_or_above")) => "share of cases (%)",
            // A priority class's too (only comparisons chart all KPIs, classes included).
            (Scope::Channel(_) | Scope::Class(..), Measure::Field("service_level")) => {
                "service level (%)"
            }
            _ => return None,
        };
        let title = k.label();
        Some((k, title, axis))
    })
    .collect()
}

/// Sweep charts: each charted KPI against the first swept key (numbers only), one line per combination of
/// the other keys, with 95% intervals.
pub fn sweep_charts(s: &super::sweep::Sweep, dir: &Path) -> Result<Vec<Chart>, PlotError> {
    register_font();
    let number = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    if s.points.is_empty() || s.points.iter().any(|(v, _)| number(&v[0]).is_none()) {
        return Ok(Vec::new());
    }
    create_dir(dir)?;
    let mut files = Vec::new();
    // The targets of the first point (a sweep of the target itself draws the first).
    let targets = super::kpi::targets(&s.points[0].1);
    for (kpi, title, y_desc) in charted_kpis(s.kpis().into_iter()) {
        let mut data: Vec<Line> = Vec::new();
        for (values, report) in &s.points {
            let label = if values.len() > 1 {
                s.keys[1..]
                    .iter()
                    .zip(&values[1..])
                    .map(|(k, v)| format!("{k} = {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                title.clone()
            };
            let est = super::kpi::estimates(report);
            let Some((_, e)) = est.iter().find(|(k, _)| *k == kpi) else {
                continue;
            };
            let (Some(y), h) = (e.mean, e.ci95) else {
                continue;
            };
            let point = (
                number(&values[0]).unwrap_or(0.0),
                100.0 * y,
                h.map(|h| 100.0 * h),
            );
            match data.iter_mut().find(|l| l.label == label) {
                Some(l) => l.points.push(point),
                None => data.push(Line {
                    label,
                    points: vec![point],
                }),
            }
        }
        let caption = format!("{title} against {}", s.keys[0]);
        let chart = LineChart {
            title: &caption,
            x_desc: &s.keys[0],
            y_desc,
            data: &data,
            target: targets.get(&kpi).cloned(),
            x_range: None,
            y_range: None,
            zero: false,
            first_colour: 0,
        };
        // Numbered as drawn: no gaps.
        let name = format!("sweep-{:02}-{}", files.len() + 1, file_safe(&title));
        files.push(
            both(dir, &name, |r| lines(r, &chart), |r| lines(r, &chart))?
                .in_group("sweep")
                .said(format!(
                    "{title} (%) at each value of {}{}, mean with its 95% interval{}.",
                    s.keys[0],
                    if s.keys.len() > 1 {
                        format!(", one line per value of {}", s.keys[1..].join(" and "))
                    } else {
                        String::new()
                    },
                    chart
                        .target
                        .as_ref()
                        .map(|t| format!(", against the {} (dashed)", t.1))
                        .unwrap_or_default()
                )),
        );
    }
    Ok(files)
}

/// Each scenario's value of one KPI with its 95% interval: a point and a bar per scenario, scenarios along x;
/// below, each scenario's paired difference to the baseline (`diffs`: mean and 95% half-width, B − A
/// first) against a zero line. Two scenarios' intervals may overlap while their paired difference is
/// clear of zero (common random numbers take the shared noise out): the lower panel is the verdict.
fn per_scenario<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    names: &[String],
    values: &[(f64, f64)],
    diffs: &[(f64, f64)],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (upper, lower) = root.split_vertically(SIZE.1 * 60 / 100);
    differences(&lower, y_desc, diffs)?;
    let root = &upper;
    let n = values.len();
    // Percentages: bars cut at 0 and 100%, the axis zoomed on the values (the intervals are the point);
    // anything else (cost) from zero, so that a small difference does not look large.
    let percent = y_desc.ends_with("(%)");
    let clip = |v: f64| if percent { v.clamp(0.0, 100.0) } else { v };
    let lo = values
        .iter()
        .map(|v| clip(v.0 - v.1))
        .fold(if percent { f64::INFINITY } else { 0.0 }, f64::min);
    let hi = values
        .iter()
        .map(|v| clip(v.0 + v.1))
        .fold(f64::NEG_INFINITY, f64::max);
    let pad = if hi > lo {
        0.15 * (hi - lo)
    } else {
        lo.abs().max(1.0) * 0.05
    };
    // Not below zero when the values are not (a cost axis starts at 0).
    let bottom = if !percent && lo >= 0.0 { 0.0 } else { lo - pad };
    let mut chart = frame(root, title, 90).build_cartesian_2d(
        (0..n.saturating_sub(1)).into_segmented(),
        bottom..(hi + pad),
    )?;
    let labels = scenario_labels(names, SIZE.0 as usize - 150);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc("scenario")
        .y_desc(y_desc)
        .x_label_formatter(&|v| category(labels.as_slice(), v))
        .label_style(("sans-serif", 16))
        .axis_desc_style(("sans-serif", 18))
        .draw()?;
    for (i, &(v, h)) in values.iter().enumerate() {
        let colour = series_colour(i);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![
                (SegmentValue::CenterOf(i), clip(v - h)),
                (SegmentValue::CenterOf(i), clip(v + h)),
            ],
            colour.stroke_width(3),
        )))?;
        chart.draw_series(std::iter::once(Circle::new(
            (SegmentValue::CenterOf(i), v),
            7,
            colour.filled(),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            number_label(v, h),
            (SegmentValue::CenterOf(i), v),
            ("sans-serif", 16)
                .into_text_style(root)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        )))?;
    }
    Ok(())
}

/// The lower panel of [`per_scenario`]: B − A, C − A, ... with their paired 95% intervals and a zero line.
fn differences<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    y_desc: &str,
    diffs: &[(f64, f64)],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    // The scenarios' x axis of the upper panel: each difference under its scenario, the baseline's slot
    // empty.
    let n = diffs.len() + 1;
    let lo = diffs.iter().map(|d| d.0 - d.1).fold(0.0, f64::min);
    let hi = diffs.iter().map(|d| d.0 + d.1).fold(0.0, f64::max);
    let pad = if hi > lo { 0.2 * (hi - lo) } else { 1.0 };
    let mut chart = ChartBuilder::on(root)
        .caption(
            "paired difference to the baseline A, with its 95% interval (clear of 0: a real difference)",
            ("sans-serif", 18),
        )
        .margin(20)
        .x_label_area_size(30)
        .y_label_area_size(90)
        .build_cartesian_2d(
            (0..n.saturating_sub(1)).into_segmented(),
            (lo - pad)..(hi + pad),
        )?;
    let labels: Vec<String> = (0..n)
        .map(|i| {
            if i == 0 {
                "A: the baseline".to_string()
            } else {
                format!("{} − A", super::compare::letter(i))
            }
        })
        .collect();
    let span = hi - lo;
    let digits = if span >= 100.0 {
        0
    } else if span >= 1.0 {
        1
    } else {
        2
    };
    // No "-0.0" on the zero line.
    let tick = move |v: &f64| {
        if v.abs() < 1e-9 * span.max(1.0) {
            "0".to_string()
        } else {
            format!("{v:+.digits$}")
        }
    };
    let unit = if y_desc.ends_with("(%)") {
        "points".to_string()
    } else {
        y_desc.to_string()
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_labels(5)
        .y_label_formatter(&tick)
        .y_desc(format!("difference ({unit})"))
        .x_label_formatter(&|v| category(labels.as_slice(), v))
        .label_style(("sans-serif", 16))
        .axis_desc_style(("sans-serif", 16))
        .draw()?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(SegmentValue::Exact(0), 0.0), (SegmentValue::Last, 0.0)],
        BLACK.stroke_width(2),
    )))?;
    for (j, &(d, h)) in diffs.iter().enumerate() {
        let colour = series_colour(j + 1);
        let at = || SegmentValue::CenterOf(j + 1);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(at(), d - h), (at(), d + h)],
            colour.stroke_width(3),
        )))?;
        chart.draw_series(std::iter::once(Circle::new((at(), d), 6, colour.filled())))?;
        let verdict = if d - h > 0.0 || d + h < 0.0 {
            "  real difference"
        } else {
            "  not distinguishable from 0"
        };
        chart.draw_series(std::iter::once(Text::new(
            format!(
                "   {}{}{verdict}",
                if d >= 0.0 { "+" } else { "" },
                number_label(d, h).trim_start()
            ),
            (at(), d),
            ("sans-serif", 16)
                .into_text_style(root)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        )))?;
    }
    Ok(())
}

/// Scenario labels for an x axis `width` pixels wide: the letter and the file name, long names cut to their
/// last characters so that labels do not run into each other.
fn scenario_labels(names: &[String], width: usize) -> Vec<String> {
    // About 9 pixels per character at 16 px.
    let room = width / names.len().max(1) / 9;
    names
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let short = std::path::Path::new(s)
                .file_name()
                .map_or(s.clone(), |f| f.to_string_lossy().into_owned());
            let short = if short.chars().count() > room {
                let tail: String = short.chars().rev().take(room.saturating_sub(1)).collect();
                format!("…{}", tail.chars().rev().collect::<String>())
            } else {
                short
            };
            format!("{} {short}", super::compare::letter(i))
        })
        .collect()
}

/// "12.3 ± 0.4" with digits that suit the size of the number.
fn number_label(v: f64, h: f64) -> String {
    let d = if v.abs() >= 1000.0 {
        0
    } else if v.abs() >= 10.0 {
        1
    } else {
        2
    };
    format!("   {v:.d$} ± {h:.d$}")
}

/// Comparison charts: each headline KPI per scenario with its 95% interval (service level per channel, level
/// 4 or above, FCR, total cost); with a timeline, the charted KPIs day by day (or week by week).
pub fn compare_charts(
    c: &super::compare::Comparison,
    t: Option<&super::compare::Timeline>,
    dir: &Path,
) -> Result<Vec<Chart>, PlotError> {
    register_font();
    create_dir(dir)?;
    let mut files = Vec::new();
    let mut wanted: Vec<(KpiId, String, String)> =
        charted_kpis(c.kpis.iter().map(|r| r.kpi.clone()))
            .into_iter()
            .map(|(k, t, y)| (k, t, y.to_string()))
            .collect();
    // The cost axis names the currency when the scenario does.
    for (kpi, y) in [
        (KpiId::cases("fcr_rate"), "share of cases (%)".to_string()),
        (
            KpiId::cost("total"),
            super::cost_label(c.currency.as_deref()),
        ),
    ] {
        if c.row(&kpi).is_some() {
            let title = kpi.label();
            wanted.push((kpi, title, y));
        }
    }
    for (kpi, title, y_desc) in &wanted {
        let Some(row) = c.row(kpi) else { continue };
        let scale = if y_desc.ends_with("(%)") { 100.0 } else { 1.0 };
        let values: Option<Vec<(f64, f64)>> = row
            .values
            .iter()
            .map(|v| Some((scale * v.mean?, scale * v.ci95.unwrap_or(0.0))))
            .collect();
        let Some(values) = values else { continue };
        // All zero (a cost nobody priced): nothing to see.
        if values.iter().all(|&(v, h)| v == 0.0 && h == 0.0) {
            continue;
        }
        let diffs: Vec<(f64, f64)> = row
            .differences
            .iter()
            .map(|d| (scale * d.mean.unwrap_or(0.0), scale * d.ci95.unwrap_or(0.0)))
            .collect();
        let caption = format!("{title} per scenario (mean and 95% interval)");
        let name = format!("compare-{:02}-{}", files.len() + 1, file_safe(title));
        files.push(
            both(
                dir,
                &name,
                |r| per_scenario(r, &caption, y_desc, &c.scenarios, &values, &diffs),
                |r| per_scenario(r, &caption, y_desc, &c.scenarios, &values, &diffs),
            )?
            .in_group("scenarios")
            .said(format!(
                "{title} per scenario{}, mean with its 95% interval; below, each scenario's paired difference to the baseline A with its 95% interval: one clear of zero is a real difference, even where the scenarios' own intervals overlap.",
                if scale == 100.0 { " (%)" } else { "" }
            )),
        );
    }
    // The six levels of every scenario side by side.
    let shares: Option<Vec<Vec<f64>>> = (0..c.scenarios.len())
        .map(|i| {
            crate::experience::LEVELS
                .iter()
                .map(|l| c.row(&KpiId::experience(Measure::Level(l)))?.values[i].mean)
                .collect()
        })
        .collect();
    if let Some(shares) = shares {
        let labels = scenario_labels(&c.scenarios, SIZE.0 as usize - 360);
        let bars: Vec<(String, Vec<f64>)> = labels.into_iter().zip(shares).collect();
        let title = "Customer experience levels cases end at, per scenario (share of ended cases)";
        files.push(
            both(
                dir,
                "compare-levels",
                |r| stacked_levels(r, title, "scenario", &bars),
                |r| stacked_levels(r, title, "scenario", &bars),
            )?
            .in_group("scenarios")
            .said("The service levels customers end at, per scenario: the share of ended cases at each of the six levels (%)."),
        );
    }
    if let Some(t) = t {
        files.extend(timeline_charts(t, dir)?);
    }
    Ok(files)
}

/// Comparison charts: each charted KPI day by day (or week by week) for every scenario, from the timeline.
/// The x axis of a timeline: periods (days or weeks) from 0, each read as the date or weekday it starts on.
fn period_axis(t: &super::compare::Timeline) -> TimeAxis {
    let unit = t.period.seconds();
    let by = match (t.calendar.start_date, t.period) {
        (Some(_), super::compare::Period::Day) => "by its date",
        (Some(_), super::compare::Period::Week) => "by the date it starts on",
        (None, super::compare::Period::Day) => "by its weekday",
        (None, super::compare::Period::Week) => "by the day it starts on",
    };
    TimeAxis {
        unit,
        desc: format!("{} ({by})", t.period.name()),
        horizon_s: unit * t.periods as f64,
        calendar: t.calendar.clone(),
    }
}

fn timeline_charts(t: &super::compare::Timeline, dir: &Path) -> Result<Vec<Chart>, PlotError> {
    // Each channel's service level and share of cases at level 4 or above.
    let kpis: Vec<(KpiId, String, &'static str)> = t
        .series
        .iter()
        .filter_map(|s| {
            let axis = match (&s.kpi.scope, s.kpi.measure) {
                (Scope::Channel(_), Measure::Field("service_level")) => "service level (%)",
                (Scope::Channel(_), Measure::Field("level_4_or_above")) => "share of cases (%)",
                _ => return None,
            };
            Some((s.kpi.clone(), s.kpi.label(), axis))
        })
        .collect();
    let mut files = Vec::new();
    for (kpi, title, y_desc) in &kpis {
        let Some(series) = t.series(kpi) else {
            continue;
        };
        let data: Vec<Line> = t
            .scenarios
            .iter()
            .enumerate()
            .map(|(i, name)| Line {
                label: name.clone(),
                points: series.values[i]
                    .iter()
                    .enumerate()
                    .filter_map(|(p, v)| v.map(|v| (p as f64, 100.0 * v, None)))
                    .collect(),
            })
            .collect();
        // Each period's point sits at its start, labelled by its date or weekday ("Mon 2 Mar").
        let x_desc = period_axis(t);
        let caption = format!("{title}, {} by {}", t.period.name(), t.period.name());
        let chart = LineChart {
            title: &caption,
            x_desc: &x_desc,
            y_desc,
            data: &data,
            target: t.targets.get(kpi).cloned(),
            x_range: None,
            y_range: None,
            zero: false,
            first_colour: 0,
        };
        // Below: each scenario's paired difference to the baseline per period, with its 95% interval.
        let diffs: Vec<Line> = series
            .differences
            .iter()
            .enumerate()
            .map(|(j, d)| Line {
                label: format!("{} − A", super::compare::letter(j + 1)),
                points: d
                    .iter()
                    .enumerate()
                    .filter_map(|(p, d)| {
                        Some((p as f64, 100.0 * d.mean?, d.ci95.map(|h| 100.0 * h)))
                    })
                    .collect(),
            })
            .collect();
        let below = LineChart {
            title: "paired difference to the baseline A, with its 95% interval",
            x_desc: &x_desc,
            y_desc: "difference (points)",
            data: &diffs,
            target: None,
            x_range: None,
            y_range: None,
            zero: true,
            first_colour: 1,
        };
        let name = format!("timeline-{:02}-{}", files.len() + 1, file_safe(title));
        files.push(
            both(
                dir,
                &name,
                |r| with_differences(r, &chart, &below),
                |r| with_differences(r, &chart, &below),
            )?
            .in_group("timeline")
            .said(format!(
                "{title} (%) {p} by {p}, one line per scenario{}; below, each scenario's paired difference to the baseline A per {p} with its 95% interval (clear of zero: a real difference).",
                chart
                    .target
                    .as_ref()
                    .map(|t| format!(", against the baseline's {} (dashed)", t.1))
                    .unwrap_or_default(),
                p = t.period.name()
            )),
        );
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// omnichannel.toml's phone line closes at 20:00 with about one caller left in that half hour over
    /// three replications: its service level is 0 or 100%, a drop or a spike that is only the last caller.
    #[test]
    fn intervals_with_too_few_contacts_are_gaps_in_the_shares() {
        let mut s = Scenario::from_toml(
            include_str!("../../scenarios/omnichannel.toml"),
            "scenarios/omnichannel.toml",
            None,
        )
        .expect("the example is valid");
        s.replications = 3;
        let report = Report::build(&s, &crate::experiment::run_replications(&s));
        let rows = &report.intervals["phone"];
        let width = report.run.interval_s / 86_400.0;
        let few: Vec<usize> = (0..rows.len())
            .filter(|&i| {
                rows[i].contacts.service_level.mean.is_some() && !measured(&report, &rows[i])
            })
            .collect();
        assert!(
            !few.is_empty(),
            "the example has closing intervals with a caller or two"
        );
        for (value, y) in [
            (
                (|r| &r.contacts.service_level) as fn(&super::super::IntervalKpis) -> &Estimate,
                "service level (%)",
            ),
            (|r| &r.contacts.occupancy, "occupancy (%)"),
            (|r| &r.contacts.p_target_missed, "P(target missed) (%)"),
        ] {
            let drawn: Vec<usize> = interval_lines(&report, "phone", y, value, 100.0, true)
                .iter()
                .flat_map(|l| {
                    l.points
                        .iter()
                        .map(|p| (p.0 / width - 0.5).round() as usize)
                })
                .collect();
            assert!(!drawn.is_empty(), "{y}");
            for i in &few {
                assert!(
                    !drawn.contains(i),
                    "{y}: interval {i} has {} contacts offered a replication",
                    m(&rows[*i].contacts.offered)
                );
            }
            // Every interval drawn had contacts enough, and every one with enough and a value is drawn.
            for (i, r) in rows.iter().enumerate() {
                let defined = value(r).mean.is_some() && measured(&report, r);
                assert_eq!(drawn.contains(&i), defined, "{y}: interval {i}");
            }
            // Each gap breaks the line: no run of points spans a missing interval.
            for line in interval_lines(&report, "phone", y, value, 100.0, true) {
                for w in line.points.windows(2) {
                    assert!(
                        (w[1].0 - w[0].0 - width).abs() < 1e-9,
                        "{y}: a line across a gap"
                    );
                }
            }
        }
        // A count is drawn wherever it is defined, few contacts or not.
        let backlog = interval_lines(
            &report,
            "phone",
            "contacts waiting",
            |r| &r.backlog,
            1.0,
            false,
        );
        assert_eq!(
            backlog.iter().map(|l| l.points.len()).sum::<usize>(),
            rows.len()
        );
    }
}

#[cfg(test)]
mod time_axis_tests {
    use super::*;

    fn axis(unit: f64, days: f64, start_weekday: u8, start_date: Option<i64>) -> TimeAxis {
        TimeAxis {
            unit,
            desc: String::new(),
            horizon_s: days * 86_400.0,
            calendar: crate::scenario::Calendar {
                start_weekday,
                start_date,
                holidays: Vec::new(),
                ..Default::default()
            },
        }
    }

    #[test]
    fn time_ticks_read_as_weekday_and_clock_or_date() {
        // 2026-03-02, a Monday.
        let monday = Some(20_514);
        let hours = axis(3600.0, 2.0, 0, monday);
        assert_eq!(hours.tick(8.0).as_deref(), Some("Mon 08:00"));
        assert_eq!(hours.tick(26.5).as_deref(), Some("Tue 02:30"));
        // Float noise does not show as 07:59:59.
        assert_eq!(hours.tick(8.0 - 1e-9).as_deref(), Some("Mon 08:00"));
        let week = axis(86_400.0, 7.0, 0, monday);
        assert_eq!(week.tick(1.0).as_deref(), Some("Tue 3 Mar"));
        assert_eq!(week.tick(1.5).as_deref(), Some("Tue 12:00"));
        let year = axis(86_400.0, 364.0, 0, monday);
        assert_eq!(year.tick(30.0).as_deref(), Some("1 Apr"));
        // Without a date: the weekday from `start`, and the day count beyond a week.
        let undated = axis(86_400.0, 7.0, 2, None);
        assert_eq!(undated.tick(3.0).as_deref(), Some("Sat"));
        let month = axis(86_400.0, 28.0, 2, None);
        assert_eq!(month.tick(10.0).as_deref(), Some("day 10 (Sat)"));
        // Labels are ticks: a description alone has none.
        assert_eq!("agents".tick(3.0), None);
    }
}

/// The group of the backtest's charts in report.html.
pub const BACKTEST_GROUP: &str = "backtest";

/// Predicted against observed for one KPI: a point per scored interval and model (supportsim and the two
/// Erlang A variants), and the diagonal where prediction equals observation.
fn predicted_against_observed<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    unit: &str,
    series: &[(String, Vec<(f64, f64)>)],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (x, y) in series.iter().flat_map(|(_, p)| p.iter()) {
        lo = lo.min(x.min(*y));
        hi = hi.max(x.max(*y));
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(1e-6);
    let range = lo - pad..hi + pad;
    let mut chart = frame(root, title, 70).build_cartesian_2d(range.clone(), range.clone())?;
    axes(
        &mut chart,
        format!("observed {unit}"),
        format!("predicted {unit}"),
        None,
    )?;
    chart
        .draw_series(LineSeries::new(
            [(range.start, range.start), (range.end, range.end)],
            BLACK.mix(0.5).stroke_width(1),
        ))?
        .label("predicted = observed")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.mix(0.5)));
    for (i, (label, points)) in series.iter().enumerate() {
        let colour = series_colour(i);
        chart
            .draw_series(
                points
                    .iter()
                    .map(|&(x, y)| Circle::new((x, y), 3, colour.mix(0.6).filled())),
            )?
            .label(label.as_str())
            .legend(move |(x, y)| Circle::new((x + 10, y), 4, colour.filled()));
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft)
}

/// The backtest's charts: per KPI, predicted against observed for every interval scored (at least
/// `min_offered` offered, observed and all three predictions given), with the diagonal.
pub fn backtest_charts(
    b: &crate::calibration::backtest::Backtest,
    dir: &Path,
) -> Result<Vec<Chart>, PlotError> {
    use crate::calibration::backtest::{Kpi, Model};
    register_font();
    let mut charts = Vec::new();
    for (i, kpi) in Kpi::ALL.into_iter().enumerate() {
        let scale = if kpi.is_share() { 100.0 } else { 1.0 };
        let series: Vec<(String, Vec<(f64, f64)>)> = Model::ALL
            .iter()
            .map(|&m| {
                let points = b
                    .predictions
                    .iter()
                    .filter(|p| !p.missing && p.offered >= b.min_offered)
                    .filter(|p| Model::ALL.iter().all(|&m| p.predicted(m, kpi).is_some()))
                    .filter_map(|p| Some((scale * p.observed(kpi)?, scale * p.predicted(m, kpi)?)))
                    .collect();
                (m.label().to_string(), points)
            })
            .collect();
        if series[0].1.is_empty() {
            continue;
        }
        create_dir(dir)?;
        let (title, unit) = match kpi {
            Kpi::AbandonRate => ("Abandon rate per interval", "(%)"),
            Kpi::AsaS => ("ASA per interval", "(s)"),
            Kpi::ProbWait => ("P(wait) per interval", "(%)"),
            Kpi::ServiceLevel => ("Service level per interval", "(%)"),
        };
        let name = format!("backtest-{:02}-{}", i + 1, kpi.name().replace('_', "-"));
        charts.push(
            both(
                dir,
                &name,
                |r| predicted_against_observed(r, title, unit, &series),
                |r| predicted_against_observed(r, title, unit, &series),
            )?
            .in_group(BACKTEST_GROUP)
            .said(format!(
                "{title}: predicted {unit} against observed, one point per interval with at least {} offered, for supportsim and both Erlang A variants; on the diagonal a prediction is exact.",
                b.min_offered
            )),
        );
    }
    Ok(charts)
}
