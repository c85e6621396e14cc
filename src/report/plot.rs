//! Charts of a run, drawn from its Report only (never from engine state), as PNG and SVG.
//!
//! plotters is built without system fonts (../shared/ECOSYSTEM.md): DejaVu Sans is embedded (assets/, with its
//! licence beside it) and registered once as "sans-serif". plotters has no stacked bars, so the level chart
//! draws rectangles.

use super::Report;
use super::kpi::{KpiId, Measure, Scope};
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
    /// "sweep".
    pub group: String,
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
    x: impl AsRef<str>,
    y: impl AsRef<str>,
    whole_x: Option<usize>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let mut mesh = chart.configure_mesh();
    // Whole-number x values (agents, days): one label per value, no decimals.
    let whole = |x: &f64| format!("{x:.0}");
    if let Some(n) = whole_x {
        mesh.x_labels(n).x_label_formatter(&whole);
    }
    mesh.x_desc(x.as_ref())
        .y_desc(y.as_ref())
        .label_style(("sans-serif", 16))
        .axis_desc_style(("sans-serif", 18))
        .draw()?;
    Ok(())
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

/// The time axis of interval charts: hours for a horizon of up to two days, else days.
fn time_axis(report: &Report) -> (f64, &'static str) {
    if report.run.horizon_s <= 2.0 * 86_400.0 {
        (3600.0, "hours from the start of the horizon")
    } else {
        (86_400.0, "days from the start of the horizon")
    }
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
        ("offered", RGBColor(60, 90, 200), |r| m(&r.contacts.offered)),
        ("answered", RGBColor(40, 160, 80), |r| {
            m(&r.contacts.answered)
        }),
        ("abandoned", RGBColor(210, 60, 50), |r| {
            m(&r.contacts.abandoned)
        }),
    ];
    for (name, colour, f) in series {
        chart
            .draw_series(LineSeries::new(
                rows.iter()
                    .enumerate()
                    .map(|(i, r)| (x(i) + 0.5 * width / unit, f(r))),
                colour.stroke_width(2),
            ))?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(3))
            });
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    Ok(())
}

/// Service level per interval of one channel with its 95% interval, against the target share.
fn service_level<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Report,
    channel: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let rows = &report.intervals[channel];
    let target = &report.run.targets[channel];
    let width = report.run.interval_s;
    let (unit, label) = time_axis(report);
    let x = |i: usize| i as f64 * width / unit + 0.5 * width / unit;
    let mut chart = frame(
        root,
        format!(
            "{channel}: service level per interval, answered within {} s (target {:.0}%)",
            target.within_s,
            100.0 * target.share
        ),
        70,
    )
    .build_cartesian_2d(0.0..(rows.len() as f64 * width / unit), 0.0..100.0)?;
    axes(&mut chart, label, "service level (%)", None)?;
    let points: Vec<(usize, f64, f64)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            Some((
                i,
                r.contacts.service_level.mean?,
                r.contacts.service_level.ci95.unwrap_or(0.0),
            ))
        })
        .collect();
    let blue = RGBColor(60, 90, 200);
    chart
        .draw_series(points.iter().map(|&(i, v, h)| {
            PathElement::new(
                vec![
                    (x(i), (100.0 * (v - h)).max(0.0)),
                    (x(i), (100.0 * (v + h)).min(100.0)),
                ],
                blue.mix(0.4).stroke_width(3),
            )
        }))?
        .label("95% interval")
        .legend(move |(x, y)| {
            PathElement::new(vec![(x, y - 6), (x, y + 6)], blue.mix(0.4).stroke_width(3))
        });
    // One line per run of intervals with a service level: no line across closed hours or empty intervals.
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    for (k, &(i, v, _)) in points.iter().enumerate() {
        if k == 0 || points[k - 1].0 + 1 != i {
            runs.push(Vec::new());
        }
        if let Some(run) = runs.last_mut() {
            run.push((x(i), 100.0 * v));
        }
    }
    for (k, run) in runs.into_iter().enumerate() {
        let series = chart.draw_series(LineSeries::new(run, blue.stroke_width(2)))?;
        if k == 0 {
            series.label("service level").legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], blue.stroke_width(3))
            });
        }
    }
    let red = RGBColor(210, 60, 50);
    let end = rows.len() as f64 * width / unit;
    chart
        .draw_series(LineSeries::new(
            vec![(0.0, 100.0 * target.share), (end, 100.0 * target.share)],
            red.stroke_width(2),
        ))?
        .label("target")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], red.stroke_width(3)));
    legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    Ok(())
}

/// One quantity per interval of one channel, with its 95% interval as bars; intervals where it is undefined
/// are left blank (no line across closed hours).
fn per_interval<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Report,
    channel: &str,
    title: &str,
    y_desc: &str,
    value: fn(&super::IntervalKpis) -> &Estimate,
    scale: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let rows = &report.intervals[channel];
    let (unit, label) = time_axis(report);
    let width = report.run.interval_s;
    let mut data: Vec<Line> = Vec::new();
    let mut last: Option<usize> = None;
    for (i, r) in rows.iter().enumerate() {
        let e = value(r);
        let Some(y) = e.mean else { continue };
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
    lines(root, title, label, y_desc, &data)
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
    axes(
        &mut chart,
        format!("wait ({unit_name})"),
        "answered within that wait (%)",
        None,
    )?;
    let blue = RGBColor(60, 90, 200);
    chart
        .draw_series(LineSeries::new(
            cdf.iter().map(|&(t, p)| (t / unit, 100.0 * p)),
            blue.stroke_width(3),
        ))?
        .label("share answered within the wait")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], blue.stroke_width(3)));
    let red = RGBColor(210, 60, 50);
    let (tx, ty) = (target.within_s / unit, 100.0 * target.share);
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(tx, 0.0), (tx, ty), (0.0, ty)],
            red.stroke_width(2),
        )))?
        .label(format!(
            "target: {:.0}% within {}{}",
            ty,
            crate::time::duration::format_duration(target.within_s),
            if target.business_hours {
                " of opening hours (waits here: clock time)"
            } else {
                ""
            }
        ))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], red.stroke_width(3)));
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
        "Service levels customers end at (share of ended cases)",
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
        files.push(
            both(
                dir,
                &format!("{stem}-contacts"),
                |r| volume(r, report, name),
                |r| volume(r, report, name),
            )?
            .in_group(&channel_group(name)),
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
                .in_group(&channel_group(name)),
            );
            let title = format!("{name}: occupancy of the agents serving it, per interval");
            let occupancy: fn(&super::IntervalKpis) -> &Estimate = |r| &r.contacts.occupancy;
            files.push(
                both(
                    dir,
                    &format!("{stem}-occupancy"),
                    |r| per_interval(r, report, name, &title, "occupancy (%)", occupancy, 100.0),
                    |r| per_interval(r, report, name, &title, "occupancy (%)", occupancy, 100.0),
                )?
                .in_group(&channel_group(name)),
            );
            if report.run.targets[name.as_str()].kind == "deferred" {
                let title = format!("{name}: backlog at the end of each interval");
                let backlog: fn(&super::IntervalKpis) -> &Estimate = |r| &r.backlog;
                files.push(
                    both(
                        dir,
                        &format!("{stem}-backlog"),
                        |r| per_interval(r, report, name, &title, "contacts waiting", backlog, 1.0),
                        |r| per_interval(r, report, name, &title, "contacts waiting", backlog, 1.0),
                    )?
                    .in_group(&channel_group(name)),
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
                        |r| per_interval(r, report, name, &title, y, missed, 100.0),
                        |r| per_interval(r, report, name, &title, y, missed, 100.0),
                    )?
                    .in_group(&channel_group(name)),
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
                    .in_group(&channel_group(name)),
                );
            }
        }
    }
    files
        .push(both(dir, "levels", |r| levels(r, report), |r| levels(r, report))?.in_group("cases"));
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
            .in_group("cases"),
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
    out.trim_matches('-').to_string()
}

/// A named line of points (x, y, 95% half-width if known).
struct Line {
    label: String,
    points: Vec<(f64, f64, Option<f64>)>,
}

/// Lines with their 95% intervals as vertical bars: the chart of sweeps and comparison timelines.
fn lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    data: &[Line],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let all = data.iter().flat_map(|l| l.points.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    // Percentages cannot leave 0..100: a normal-approximation bar near 0% or 100% is cut there.
    let clip = |v: f64| {
        if y_desc.ends_with("(%)") {
            v.clamp(0.0, 100.0)
        } else {
            v
        }
    };
    for &(x, y, h) in all {
        let h = h.unwrap_or(0.0);
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(clip(y - h));
        y1 = y1.max(clip(y + h));
    }
    if !x0.is_finite() {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    let pad = |a: f64, b: f64| {
        if b > a {
            (b - a) * 0.05
        } else {
            a.abs().max(1.0) * 0.05
        }
    };
    let (px, py) = (pad(x0, x1), pad(y0, y1));
    let mut chart =
        frame(root, title, 80).build_cartesian_2d((x0 - px)..(x1 + px), (y0 - py)..(y1 + py))?;
    // Whole-number x values (agents, days): labels without decimals, one per value up to 25 values (fewer
    // labels than the span keeps plotters' steps whole).
    let mut xs = data.iter().flat_map(|l| l.points.iter().map(|p| p.0));
    let whole_x = (x0.is_finite() && xs.all(|x| x.fract() == 0.0)).then(|| {
        if x1 - x0 <= 24.0 {
            (x1 - x0) as usize + 1
        } else {
            12
        }
    });
    axes(&mut chart, x_desc, y_desc, whole_x)?;
    let mut colour_index = 0;
    for line in data.iter() {
        // Unlabeled lines continue the previous one (same colour, no legend entry).
        if !line.label.is_empty() {
            colour_index += 1;
        }
        let colour = series_colour(colour_index.max(1) - 1);
        chart.draw_series(line.points.iter().filter_map(|&(x, y, h)| {
            h.map(|h| {
                PathElement::new(
                    vec![(x, clip(y - h)), (x, clip(y + h))],
                    colour.mix(0.5).stroke_width(3),
                )
            })
        }))?;
        let series = chart.draw_series(LineSeries::new(
            line.points.iter().map(|&(x, y, _)| (x, y)),
            colour.stroke_width(2),
        ))?;
        if !line.label.is_empty() {
            series.label(line.label.clone()).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(3))
            });
        }
        chart.draw_series(
            line.points
                .iter()
                .map(|&(x, y, _)| Circle::new((x, y), 4, colour.filled())),
        )?;
    }
    // One line needs no legend (the axis says what it is); several get theirs in the corner with fewest
    // points.
    if data.iter().filter(|l| !l.label.is_empty()).count() > 1 {
        let points: Vec<(f64, f64)> = data
            .iter()
            .flat_map(|l| l.points.iter().map(|p| (p.0, p.1)))
            .collect();
        let corner = quiet_corner(&points, (x0 - px, x1 + px), (y0 - py, y1 + py));
        legend(&mut chart, corner)?;
    }
    Ok(())
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
        // Numbered as drawn: no gaps.
        let name = format!("sweep-{:02}-{}", files.len() + 1, file_safe(&title));
        files.push(
            both(
                dir,
                &name,
                |r| lines(r, &caption, &s.keys[0], y_desc, &data),
                |r| lines(r, &caption, &s.keys[0], y_desc, &data),
            )?
            .in_group("sweep"),
        );
    }
    Ok(files)
}

/// Each scenario's value of one KPI with its 95% interval: a point and a bar per scenario, scenarios along x.
fn per_scenario<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    names: &[String],
    values: &[(f64, f64)],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
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
    let mut wanted = charted_kpis(c.kpis.iter().map(|r| r.kpi.clone()));
    for (kpi, y) in [
        (KpiId::cases("fcr_rate"), "share of cases (%)"),
        (KpiId::cost("total"), "cost"),
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
        let caption = format!("{title} per scenario (mean and 95% interval)");
        let name = format!("compare-{:02}-{}", files.len() + 1, file_safe(title));
        files.push(
            both(
                dir,
                &name,
                |r| per_scenario(r, &caption, y_desc, &c.scenarios, &values),
                |r| per_scenario(r, &caption, y_desc, &c.scenarios, &values),
            )?
            .in_group("scenarios"),
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
        let title = "Service levels customers end at, per scenario (share of ended cases)";
        files.push(
            both(
                dir,
                "compare-levels",
                |r| stacked_levels(r, title, "scenario", &bars),
                |r| stacked_levels(r, title, "scenario", &bars),
            )?
            .in_group("scenarios"),
        );
    }
    if let Some(t) = t {
        files.extend(timeline_charts(t, dir)?);
    }
    Ok(files)
}

/// Comparison charts: each charted KPI day by day (or week by week) for every scenario, from the timeline.
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
                    .filter_map(|(p, v)| v.map(|v| ((p + 1) as f64, 100.0 * v, None)))
                    .collect(),
            })
            .collect();
        let x_desc = format!("{} of the horizon", t.period.name());
        let caption = format!("{title}, {} by {}", t.period.name(), t.period.name());
        let name = format!("timeline-{:02}-{}", files.len() + 1, file_safe(title));
        files.push(
            both(
                dir,
                &name,
                |r| lines(r, &caption, &x_desc, y_desc, &data),
                |r| lines(r, &caption, &x_desc, y_desc, &data),
            )?
            .in_group("timeline"),
        );
    }
    Ok(files)
}
