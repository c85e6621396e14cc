//! report.html: one self-contained page per run, comparison, sweep or plan, to open in any browser and
//! forward. Tables and inline SVG charts, styles in the page, no script and no link to anything outside it
//! (so it reads offline and in mail). The page is the template assets/report.html (minijinja, HTML auto-escaped)
//! filled with sections built here from the same tables the terminal shows.

use super::Report;
use super::compare::{Comparison, letter};
use super::plan as plan_out;
use super::plot::{self, Chart};
use super::sheet::{Cell, Sheet, Unit, show};
use super::sweep::Sweep;
use super::table::{self, Grid};
use crate::planner::Plan;
use crate::scenario::Scenario;
use crate::scenario::planning::Planning;
use crate::time::duration::format_duration;
use serde::Serialize;

static TEMPLATE: &str = include_str!("../../assets/report.html");

/// A table cell with an optional style class ("good", "bad", "sig", "same").
#[derive(Serialize)]
struct Td {
    text: String,
    class: &'static str,
}

#[derive(Serialize)]
struct Table {
    caption: String,
    /// Header cells, each as its lines.
    header: Vec<Vec<String>>,
    rows: Vec<Vec<Td>>,
}

impl Table {
    fn from_grid(caption: &str, g: &Grid) -> Table {
        Table {
            caption: caption.to_string(),
            header: g
                .header
                .iter()
                .map(|h| h.lines().map(String::from).collect())
                .collect(),
            rows: g
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|t| Td {
                            text: t.clone(),
                            class: "",
                        })
                        .collect()
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct ChartView<'a> {
    name: &'a str,
    caption: &'a str,
    svg: &'a str,
}

/// A table folded under a summary line (`<details>`): long tables, such as a week of intervals.
#[derive(Serialize)]
struct Details {
    summary: String,
    paragraphs: Vec<String>,
    table: Table,
}

#[derive(Serialize, Default)]
struct Section<'a> {
    id: String,
    heading: String,
    paragraphs: Vec<String>,
    tables: Vec<Table>,
    details: Vec<Details>,
    lines: Vec<String>,
    charts: Vec<ChartView<'a>>,
}

impl<'a> Section<'a> {
    fn new(id: &str, heading: &str) -> Section<'a> {
        Section {
            id: id.to_string(),
            heading: heading.to_string(),
            ..Section::default()
        }
    }

    fn with_charts(mut self, charts: &'a [Chart], group: &str) -> Section<'a> {
        self.charts.extend(
            charts
                .iter()
                .filter(|c| c.group == group)
                .map(|c| ChartView {
                    name: &c.name,
                    caption: &c.caption,
                    svg: &c.svg,
                }),
        );
        self
    }
}

#[derive(Serialize)]
struct Page<'a> {
    title: String,
    version: &'static str,
    date: &'a str,
    facts: Vec<(String, String)>,
    sections: Vec<Section<'a>>,
    footnote: String,
}

/// Why report.html could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// The template built into the program does not parse: a bug, not the user's doing.
    #[error("the report template is broken: {0}")]
    Template(#[source] minijinja::Error),
    /// The template failed on the page's values.
    #[error("cannot render report.html: {0}")]
    Render(#[source] minijinja::Error),
}

fn render(page: &Page) -> Result<String, PageError> {
    let mut env = minijinja::Environment::new();
    // The ".html" name turns on HTML escaping of every value but the charts (marked safe).
    env.add_template("report.html", TEMPLATE)
        .map_err(PageError::Template)?;
    env.get_template("report.html")
        .and_then(|t| t.render(minijinja::value::Serde(page)))
        .map_err(PageError::Render)
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why a page has no charts, if it has none: `--no-plots`, or nothing to chart (`none_because`).
fn no_charts_note(charts: &[Chart], no_plots: bool, none_because: &str) -> Option<String> {
    if no_plots {
        Some("Charts were not drawn (--no-plots).".to_string())
    } else if charts.is_empty() {
        Some(format!("No charts: {none_because}."))
    } else {
        None
    }
}

/// The report of one run: KPIs per channel with its charts, the six levels and what held cases down, the
/// standards, the agent groups and cost.
pub fn run_report(
    report: &Report,
    charts: &[Chart],
    no_plots: bool,
    date: &str,
) -> Result<String, PageError> {
    let mut sections = Vec::new();
    let mut kpis = Section::new("channels", "Service by channel");
    kpis.paragraphs.push(
        "Means over the replications with their 95% confidence half-widths; an interval bounded by 0% or 100% (or a count by 0) shows its ends, [low, high]. Service level counts abandoned and blocked contacts as not answered in time."
            .into(),
    );
    kpis.paragraphs
        .extend(no_charts_note(charts, no_plots, "no channel had contacts"));
    kpis.tables
        .push(Table::from_grid("", &table::kpi_grid(report)));
    kpis.lines.push(table::horizon_line(report));
    kpis.lines.extend(
        report
            .warnings
            .iter()
            .map(|w| format!("Warning: {}", w.message)),
    );
    sections.push(kpis);
    for (channel, rows) in &report.intervals {
        let group = super::plot::channel_group(channel);
        let has_contacts = rows
            .iter()
            .any(|r| r.contacts.offered.mean.unwrap_or(0.0) > 0.0);
        if has_contacts || charts.iter().any(|c| c.group == group) {
            let mut section = Section::new(
                &format!("channel-{}", sections.len()),
                &format!("{channel}: through the horizon"),
            );
            if has_contacts {
                section.details.push(interval_table(report, channel));
            }
            sections.push(section.with_charts(charts, &group));
        }
    }
    let mut cases = Section::new(
        "experience",
        "Customer experience levels: the six levels cases end at",
    );
    cases
        .paragraphs
        .push("Share of ended cases at each level, by the channel of their first contact (docs/experience.md has the rules).".into());
    cases
        .tables
        .push(Table::from_grid("", &table::levels_grid(report)));
    cases.lines.extend(table::held_down_line(report));
    sections.push(cases.with_charts(charts, "cases"));
    let mut standards = Section::new("standards", "The eight service standards");
    let mut card = Table::from_grid("", &table::standards_grid(report));
    for row in &mut card.rows {
        if let Some(met) = row.last_mut() {
            met.class = match met.text.as_str() {
                "met" => "good",
                "MISSED" => "bad",
                _ => "",
            };
        }
    }
    standards.tables.push(card);
    sections.push(standards);
    let mut groups = Section::new("groups", "Agent groups and cost");
    groups.lines = table::group_lines(report);
    groups.lines.extend(table::cost_line(report));
    sections.push(groups);
    let page = Page {
        title: format!("supportsim run: {}", report.scenario),
        version: VERSION,
        date,
        facts: vec![
            ("scenario".into(), report.scenario.clone()),
            ("date".into(), date.to_string()),
            ("seed".into(), report.seed.to_string()),
            ("replications".into(), report.replications.to_string()),
            ("horizon".into(), format_duration(report.run.horizon_s)),
            ("warm-up".into(), format_duration(report.run.warmup_s)),
            ("supportsim".into(), VERSION.into()),
        ],
        sections,
        footnote: "Every number is in summary.json, intervals.csv, groups.csv and results.xlsx beside this page; the scenario as run, with every default, in scenario.toml.".into(),
    };
    render(&page)
}

/// The per-interval table of one channel, folded (a week of half hours is 336 rows): start, contacts,
/// service level, ASA, occupancy, agents on duty and backlog, means over the replications. Shares of an
/// interval with too few contacts to measure are "-", as the charts leave them out (plot::measured).
fn interval_table(report: &Report, channel: &str) -> Details {
    let rows = &report.intervals[channel];
    let header = [
        "start",
        "offered",
        "answered",
        "abandoned",
        "service level",
        "ASA",
        "occupancy",
        "agents on duty",
        "backlog at the end",
    ];
    let count = |e: &crate::stats::Estimate| super::sheet::number(e.mean);
    let share = |e: &crate::stats::Estimate, ok: bool| {
        if ok {
            show(Unit::Share, e.mean, None, false)
        } else {
            "-".to_string()
        }
    };
    let cell = |text: String| Td { text, class: "" };
    let body = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let ok = plot::measured(report, r);
            [
                super::csv::clock(i as f64 * report.run.interval_s),
                count(&r.contacts.offered),
                count(&r.contacts.answered),
                count(&r.contacts.abandoned),
                share(&r.contacts.service_level, ok),
                show(Unit::Seconds, r.contacts.asa_s.mean, None, false),
                share(&r.contacts.occupancy, ok),
                count(&r.staffed_agents),
                count(&r.backlog),
            ]
            .into_iter()
            .map(cell)
            .collect()
        })
        .collect();
    let target = report
        .run
        .targets
        .get(channel)
        .map(|t| format!(" Service level: target {}.", t.label()))
        .unwrap_or_default();
    Details {
        summary: format!("{channel}: the {} intervals as a table", rows.len()),
        paragraphs: vec![format!(
            "Means over the {} replications, by the interval the contacts arrived in (intervals.csv has every column with its 95% interval).{target} A share is \"-\" where fewer than {} contacts arrived over the replications, too few to measure (the charts leave a gap).",
            report.replications,
            plot::MIN_CONTACTS_MEASURED
        )],
        table: Table {
            caption: String::new(),
            header: header.iter().map(|h| vec![h.to_string()]).collect(),
            rows: body,
        },
    }
}

/// The report of a comparison: the headline KPIs of every scenario with the paired differences to the
/// baseline, standards and value for money, the per-scenario charts and the timeline.
pub fn compare_report(
    c: &Comparison,
    charts: &[Chart],
    no_plots: bool,
    date: &str,
) -> Result<String, PageError> {
    let mut sections = Vec::new();
    let mut head = Section::new("scenarios", "Scenarios compared");
    for (i, s) in c.scenarios.iter().enumerate() {
        head.lines.push(format!(
            "{}: {s}{}",
            letter(i),
            if i == 0 { " (baseline)" } else { "" }
        ));
    }
    head.paragraphs.push(format!(
        "Every scenario ran the same {} replications with seed {}: the same customers arrive in each (common random numbers), so the differences are paired. A difference is marked when its 95% interval excludes zero.",
        c.replications, c.seed
    ));
    sections.push(head);

    let mut kpis = Section::new("kpis", "Headline KPIs and differences to the baseline");
    let mut header: Vec<Vec<String>> = vec![vec!["KPI".into()]];
    header.extend((0..c.scenarios.len()).map(|i| vec![letter(i), "mean ± 95% CI".into()]));
    header.extend(
        (1..c.scenarios.len())
            .map(|i| vec![format!("{} − A", letter(i)), "[paired 95% CI]".into()]),
    );
    let mut rows = Vec::new();
    for row in c.kpis.iter().filter(|r| r.kpi.is_headline()) {
        let unit = row.kpi.unit();
        let mut cells = vec![Td {
            text: row.kpi.path(),
            class: "",
        }];
        cells.extend(row.values.iter().map(|v| Td {
            text: super::sheet::show_bounded(
                unit,
                v.mean,
                v.ci95,
                v.ci95_low.zip(v.ci95_high),
                false,
            ),
            class: "",
        }));
        cells.extend(row.differences.iter().map(|d| match (d.mean, d.ci95) {
            (Some(m), Some(h)) if m == 0.0 && h == 0.0 => Td {
                text: "identical".into(),
                class: "same",
            },
            (Some(m), h) => Td {
                text: show(unit, Some(m), h, true),
                class: if d.significant { "sig" } else { "" },
            },
            _ => Td {
                text: "-".into(),
                class: "",
            },
        }));
        rows.push(cells);
    }
    kpis.tables.push(Table {
        caption: String::new(),
        header,
        rows,
    });
    kpis.paragraphs.extend(no_charts_note(
        charts,
        no_plots,
        "none of the charted KPIs is defined in every scenario",
    ));
    sections.push(kpis.with_charts(charts, "scenarios"));

    let mut verdict = Section::new("verdict", "Standards and value for money");
    verdict.lines = super::compare::standards_lines(c);
    verdict.lines.extend(super::compare::value_lines(c));
    sections.push(verdict);
    if charts.iter().any(|ch| ch.group == "timeline") {
        sections.push(Section::new("timeline", "Period by period").with_charts(charts, "timeline"));
    }
    let page = Page {
        title: format!("supportsim comparison: {}", c.scenarios.join(" vs ")),
        version: VERSION,
        date,
        facts: vec![
            ("scenarios".into(), c.scenarios.len().to_string()),
            ("date".into(), date.to_string()),
            ("seed".into(), c.seed.to_string()),
            ("replications".into(), c.replications.to_string()),
            ("supportsim".into(), VERSION.into()),
        ],
        sections,
        footnote: "Every KPI of every scenario is in comparison.json, comparison.csv and comparison.xlsx beside this page.".into(),
    };
    render(&page)
}

/// The report of a sweep: the points with their headline KPIs, and the KPIs against the swept values.
pub fn sweep_report(
    s: &Sweep,
    charts: &[Chart],
    no_plots: bool,
    date: &str,
) -> Result<String, PageError> {
    let first = s.points.first().map(|(_, r)| r);
    let mut points = Section::new("points", "Points of the sweep");
    points.paragraphs.push(format!(
        "Swept: {}. Every point ran the same replications with the same seed (common random numbers), so neighbouring points differ by the change, not by chance alone. Values are means ± 95% half-widths.",
        s.keys.join(", ")
    ));
    points.paragraphs.extend(no_charts_note(
        charts,
        no_plots,
        "the charts put the first swept key on the x axis, and its values are not numbers",
    ));
    points
        .tables
        .push(Table::from_grid("", &super::sweep::grid(s)));
    let sections = vec![points.with_charts(charts, "sweep")];
    let scenario = first.map_or(String::new(), |r| r.scenario.clone());
    let page = Page {
        title: format!("supportsim sweep: {scenario}"),
        version: VERSION,
        date,
        facts: vec![
            ("scenario".into(), scenario.clone()),
            ("date".into(), date.to_string()),
            ("seed".into(), first.map_or(String::new(), |r| r.seed.to_string())),
            (
                "replications".into(),
                first.map_or(String::new(), |r| r.replications.to_string()),
            ),
            ("points".into(), s.points.len().to_string()),
            ("supportsim".into(), VERSION.into()),
        ],
        sections,
        footnote: "Every KPI of every point is in sweep.json; the table in sweep.csv and sweep.xlsx beside this page.".into(),
    };
    render(&page)
}

/// A sheet (shifts.csv, say) as a page table: text as it is, numbers as the CSV has them except money and
/// shares, shown as the terminal shows them.
fn sheet_table(caption: &str, sheet: &Sheet) -> Table {
    Table {
        caption: caption.to_string(),
        header: sheet.header.iter().map(|h| vec![h.clone()]).collect(),
        rows: sheet
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| Td {
                        text: match c {
                            Cell::Number(v, u @ (Unit::Money | Unit::Share | Unit::Seconds)) => {
                                show(*u, Some(*v), None, false)
                            }
                            _ => c.text(),
                        },
                        class: "",
                    })
                    .collect()
            })
            .collect(),
    }
}

/// Rows of a long table shown on the page; the CSV beside it has them all.
const MAX_ROWS: usize = 200;

/// The report of a plan: what it costs and where its targets hold, the agents required and scheduled per
/// group, the coverage by shift, the service level the check predicts, the roster, the intervals it leaves
/// short and the targets the check still misses.
pub fn plan_report(
    s: &Scenario,
    p: &Planning,
    plan: &Plan,
    report: &Report,
    charts: &[Chart],
    no_plots: bool,
    date: &str,
) -> Result<String, PageError> {
    let mut sections = Vec::new();
    let mut summary = Section::new("summary", "The plan");
    let need = if plan.requirement_given {
        format!(
            "The requirement given per interval of {} and group",
            format_duration(s.interval_s)
        )
    } else {
        format!(
            "The fewest agents per interval of {} and group that meet the targets {}",
            format_duration(s.interval_s),
            plan_out::holds_text(p)
        )
    };
    let how = if plan.cover.is_some() {
        "the least-cost shifts covering that requirement (groups without shift templates by head-count)"
    } else {
        "scheduled by head-count (no shift templates)"
    };
    summary.paragraphs.push(format!(
        "{need}, {how}, and the check of that roster on {} fresh replications (other random numbers than the search's).",
        p.check_replications
    ));
    let hours = plan_out::group_hours(s, plan);
    let td = |text: String| Td { text, class: "" };
    summary.tables.push(Table {
        caption: "Agent-hours per group".into(),
        header: vec![
            vec!["group".into()],
            vec!["scheduled by".into()],
            vec!["Erlang".into(), "requirement".into()],
            vec!["required".into()],
            vec!["scheduled".into()],
        ],
        rows: (0..s.groups.len())
            .map(|g| {
                vec![
                    td(s.groups[g].name.clone()),
                    td(if plan.rostered[g] {
                        "shifts"
                    } else {
                        "head-count"
                    }
                    .into()),
                    td(format!("{:.1}", hours[g][0])),
                    td(format!("{:.1}", hours[g][1])),
                    td(format!("{:.1}", hours[g][2])),
                ]
            })
            .collect(),
    });
    let lines = &mut summary.lines;
    lines.push(format!("Paid hours: {:.1}", plan.paid_hours(s)));
    lines.push(format!("Cost: {:.2}", plan.cost(s)));
    lines.push(format!(
        "Requirement: {}",
        plan_out::requirement_text(p, plan)
    ));
    if let Some(shifts) = plan_out::shifts_text(plan) {
        lines.push(format!("Shifts: {shifts}"));
    }
    lines.push(format!(
        "Check: {} fresh replications, seed {} (planned.toml repeats it); repairs {}",
        p.check_replications, plan.check_seed, plan.repairs
    ));
    for (name, met, judged) in plan_out::intervals_meeting(s, p, plan) {
        lines.push(format!(
            "{name}: targets met in {met} of {judged} intervals with contacts"
        ));
    }
    lines.push(format!(
        "Intervals left short by the roster: {}; targets the check still misses: {}",
        plan.short.len(),
        plan.check_misses.len()
    ));
    sections.push(summary);

    let mut staffing = Section::new("staffing", "Net staffing per group");
    staffing.paragraphs.push(format!(
        "Agents scheduled per interval (bars) against the requirement the roster covers ({}, raised by any repairs) and the exact Erlang requirement (thin line), shrinkage included; below, scheduled minus required.",
        if plan.requirement_given {
            "the one given"
        } else {
            "the search's by simulation"
        }
    ));
    staffing.paragraphs.extend(no_charts_note(
        charts,
        no_plots,
        "no group has agents to plan",
    ));
    sections.push(staffing.with_charts(charts, &plot::plan_group("staffing")));
    if charts
        .iter()
        .any(|c| c.group == plot::plan_group("coverage"))
    {
        let mut coverage = Section::new("coverage", "Coverage by shift");
        coverage.paragraphs.push(
            "Agents on the floor (on shift and not on a break) per interval, stacked by the shift template they work, against the requirement.".into(),
        );
        sections.push(coverage.with_charts(charts, &plot::plan_group("coverage")));
    }
    if charts
        .iter()
        .any(|c| c.group == plot::plan_group("service"))
    {
        let mut service = Section::new("service", "Predicted service level");
        service.paragraphs.push(format!(
            "The service level of the planned roster per interval in the check ({} replications, seed {}): mean with its 95% interval, against the plan's target.",
            report.replications, plan.check_seed
        ));
        sections.push(service.with_charts(charts, &plot::plan_group("service")));
    }

    let mut roster = Section::new("roster", "The roster");
    if plan.roster.is_empty() {
        roster.paragraphs.push(
            "No shift templates: every group is scheduled by head-count per interval (plan.csv)."
                .into(),
        );
    } else {
        roster.paragraphs.push(
            "One row per shift pattern: template, day of the planned days, start and end, breaks and how many agents work it (shifts.csv).".into(),
        );
        roster
            .tables
            .push(sheet_table("", &plan_out::shifts_sheet(s, plan)));
    }
    sections.push(roster);

    let mut short = Section::new("short", "Intervals left short");
    if plan.short.is_empty() {
        short
            .paragraphs
            .push("None: the roster covers the requirement in every interval.".into());
    } else {
        short.paragraphs.push(format!(
            "{} group-intervals need more agents than any shift can put there{}.",
            plan.short.len(),
            if plan.short.len() > MAX_ROWS {
                format!(" (the first {MAX_ROWS} here; plan.csv has every interval)")
            } else {
                String::new()
            }
        ));
        short.tables.push(Table {
            caption: String::new(),
            header: ["group", "start", "required", "scheduled", "short by"]
                .map(|h| vec![h.to_string()])
                .to_vec(),
            rows: plan
                .short
                .iter()
                .take(MAX_ROWS)
                .map(|x| {
                    vec![
                        td(s.groups[x.group].name.clone()),
                        td(super::csv::clock(x.interval as f64 * s.interval_s)),
                        td(x.required.to_string()),
                        td(x.scheduled.to_string()),
                        Td {
                            text: (x.required - x.scheduled).to_string(),
                            class: "bad",
                        },
                    ]
                })
                .collect(),
        });
    }
    sections.push(short);

    let mut misses = Section::new("misses", "Targets the check still misses");
    if plan.check_misses.is_empty() {
        misses
            .paragraphs
            .push("None: every target holds in the check.".into());
    } else {
        misses.paragraphs.push(format!(
            "{} left after {} repairs{}.",
            plan.check_misses.len(),
            plan.repairs,
            if plan.check_misses.len() > MAX_ROWS {
                format!(" (the first {MAX_ROWS} here; plan.json has them all)")
            } else {
                String::new()
            }
        ));
        misses.lines = plan
            .check_misses
            .iter()
            .take(MAX_ROWS)
            .map(|m| plan_out::describe_miss(s, m))
            .collect();
    }
    sections.push(misses);

    let page = Page {
        title: format!("supportsim plan: {}", s.name),
        version: VERSION,
        date,
        facts: vec![
            ("scenario".into(), s.name.clone()),
            ("date".into(), date.to_string()),
            ("seed".into(), plan.check_seed.to_string()),
            (
                "search replications".into(),
                if plan.requirement_given {
                    "none (requirement given)".into()
                } else {
                    p.replications.to_string()
                },
            ),
            ("check replications".into(), p.check_replications.to_string()),
            ("targets hold".into(), plan_out::holds_text(p).into()),
            ("horizon".into(), format_duration(s.horizon_s)),
            ("interval".into(), format_duration(s.interval_s)),
            ("supportsim".into(), VERSION.into()),
        ],
        sections,
        footnote: "Every number is beside this page: per interval and group (requirements, scheduled agents, the check's KPIs with 95% intervals) in plan.csv, the roster in shifts.csv, both with the summary in plan.json and plan.xlsx; planned.toml is the scenario with the roster in place, and `supportsim run planned.toml` repeats the check.".into(),
    };
    render(&page)
}

/// The date and time of the report in UTC ("2026-11-22 14:05 UTC"): now, or `SOURCE_DATE_EPOCH` (seconds since
/// 1970) when set, for reports that must be the same byte for byte.
pub fn generated_at() -> String {
    format_utc(super::sheet::source_date_epoch().unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }))
}

/// The date the workbooks show (results.xlsx's `date`): `SOURCE_DATE_EPOCH`'s as [`generated_at`] formats
/// it when set, else none, so that identical runs give identical workbooks (report.html has the run's date).
pub fn workbook_date() -> Option<String> {
    super::sheet::source_date_epoch().map(format_utc)
}

fn format_utc(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = crate::time::date::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// The report of a backtest: the scorecard overall, on month × hour-of-day cells, by month and by hour,
/// the predicted-against-observed charts, and the warnings about the history.
pub fn backtest_report(
    b: &crate::calibration::backtest::Backtest,
    charts: &[Chart],
    no_plots: bool,
    date: &str,
) -> Result<String, PageError> {
    use super::backtest as bt;
    use crate::calibration::backtest::Scope;
    let mut scores = Section::new("backtest", "Backtest: predicted against observed");
    scores.paragraphs.push(bt::heading(b));
    scores.paragraphs.push(bt::formula_line(b));
    scores.paragraphs.push(format!(
        "MAE is the mean absolute error, bias the mean of predicted − observed; shares in percentage points, ASA in seconds. Intervals count once each when they have at least {} offered; a month × hour-of-day cell averages its intervals (weighted by offered, ASA by answered) before comparing. All three models are scored on the same intervals and cells (n).",
        b.min_offered
    ));
    scores.paragraphs.extend(no_charts_note(
        charts,
        no_plots,
        "no interval has both an observation and predictions",
    ));
    scores
        .paragraphs
        .extend(b.warnings.iter().map(|w| format!("Warning: {w}")));
    scores.tables.push(Table::from_grid(
        "Every interval",
        &bt::score_grid(b, Scope::Overall, "all"),
    ));
    scores.tables.push(Table::from_grid(
        "Month × hour-of-day cells",
        &bt::score_grid(b, Scope::MonthHour, "all"),
    ));
    let mut by = Section::new("backtest-by", "Backtest by month and by hour of day");
    by.details.push(Details {
        summary: "By month".into(),
        paragraphs: Vec::new(),
        table: Table::from_grid("", &bt::scope_grid(b, Scope::Month)),
    });
    by.details.push(Details {
        summary: "By hour of day".into(),
        paragraphs: Vec::new(),
        table: Table::from_grid("", &bt::scope_grid(b, Scope::Hour)),
    });
    let sections = vec![scores.with_charts(charts, plot::BACKTEST_GROUP), by];
    let page = Page {
        title: format!("supportsim backtest: {}", b.scenario),
        version: VERSION,
        date,
        facts: vec![
            ("scenario".into(), b.scenario.clone()),
            ("channel".into(), b.channel.clone()),
            ("date".into(), date.to_string()),
            ("days".into(), b.days.to_string()),
            ("seed".into(), b.seed.to_string()),
            ("replications per day".into(), b.replications.to_string()),
            ("supportsim".into(), VERSION.into()),
        ],
        sections,
        footnote: "Every interval's predictions are in predictions.csv, every score in scorecard.csv beside this page.".into(),
    };
    render(&page)
}

#[cfg(test)]
mod tests {
    use crate::time::date::civil_from_days;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(59), (1970, 3, 1));
        // 2000-02-29 (a leap day of a century leap year) and 2026-11-22.
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_779), (2026, 11, 22));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
