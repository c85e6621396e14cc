//! A sweep's results (`supportsim sweep`): one row per point of the grid, the swept values first, then the
//! headline KPIs of each point (the rows `compare` shows; docs/sweep.md) with their 95% half-widths.

use super::Report;
use super::kpi::{KpiId, Measure, Scope, estimates};
use super::sheet::{Cell, Sheet, WorkbookError};
use crate::stats::Estimate;

/// The points of a sweep: the swept keys, and per point its values and report.
pub struct Sweep {
    pub keys: Vec<String>,
    pub points: Vec<(Vec<toml::Value>, Report)>,
}

impl Sweep {
    /// The KPI columns: the headline KPIs of the first point, in summary.json order.
    pub fn kpis(&self) -> Vec<KpiId> {
        self.points.first().map_or_else(Vec::new, |(_, r)| {
            estimates(r)
                .into_iter()
                .filter(|(k, _)| k.is_headline())
                .map(|(k, _)| k)
                .collect()
        })
    }
}

/// A point's estimate of `kpi`, if its report has it.
fn find<'a>(est: &[(KpiId, &'a Estimate)], kpi: &KpiId) -> Option<&'a Estimate> {
    est.iter().find(|(k, _)| k == kpi).map(|(_, e)| *e)
}

/// A swept value as a cell: numbers stay numbers (spelt as in TOML in the CSV), anything else is text.
fn value(v: &toml::Value) -> Cell {
    match v {
        toml::Value::String(s) => Cell::Text(s.clone()),
        toml::Value::Integer(i) => Cell::Literal(i.to_string(), *i as f64),
        toml::Value::Float(x) => Cell::Literal(v.to_string(), *x),
        other => Cell::Text(other.to_string()),
    }
}

/// sweep.csv: the keys, then `<kpi>` and `<kpi>_ci95` for every headline KPI, then every KPI's interval ends
/// `<kpi>_low`, `<kpi>_high` (added after the others, so columns read by position stay put).
pub fn sweep_sheet(s: &Sweep) -> Sheet {
    let kpis = s.kpis();
    let mut header: Vec<String> = s.keys.clone();
    for k in &kpis {
        let path = k.path();
        header.extend([path.clone(), format!("{path}_ci95")]);
    }
    header.extend(
        kpis.iter()
            .flat_map(|k| super::csv::ends_columns(&k.path())),
    );
    let mut sheet = Sheet::new("Sweep", header);
    for (values, report) in &s.points {
        let est = estimates(report);
        let mut row: Vec<Cell> = values.iter().map(value).collect();
        let mut ends = Vec::new();
        for k in &kpis {
            let unit = k.unit();
            let e = find(&est, k);
            row.push(Cell::number(e.and_then(|e| e.mean), unit));
            row.push(Cell::number(e.and_then(|e| e.ci95), unit));
            ends.extend(super::csv::ends_cells(e, unit));
        }
        row.append(&mut ends);
        sheet.rows.push(row);
    }
    sheet
}

pub fn sweep_csv(s: &Sweep) -> String {
    sweep_sheet(s).to_csv()
}

/// The sweep's workbook (sweep.xlsx): sweep.csv's table.
pub fn sweep_workbook(s: &Sweep) -> Result<Vec<u8>, WorkbookError> {
    super::sheet::workbook(&[sweep_sheet(s)])
}

/// sweep.json: the keys and, per point, its values and its whole summary (as summary.json).
pub fn sweep_json(s: &Sweep) -> String {
    let points: Vec<serde_json::Value> = s
        .points
        .iter()
        .map(|(values, report)| {
            serde_json::json!({
                "values": values.iter().map(|v| serde_json::to_value(v).unwrap_or(serde_json::Value::Null)).collect::<Vec<_>>(),
                "summary": report,
            })
        })
        .collect();
    let mut text =
        serde_json::to_string_pretty(&serde_json::json!({ "keys": s.keys, "points": points }))
            .expect("a sweep serialises");
    text.push('\n');
    text
}

/// The table of the terminal and report.html: per point, its values and the KPIs a manager reads first
/// (per channel: service level, ASA, abandonment and occupancy; level 4 or above, FCR; the cost when some
/// point prices anything), each "mean ± 95% half-width".
pub fn grid(s: &Sweep) -> super::table::Grid {
    let priced = s
        .points
        .iter()
        .any(|(_, r)| r.cost.total.mean.is_some_and(|c| c > 0.0));
    let wanted = |k: &KpiId| match (&k.scope, k.measure) {
        (Scope::Channel(_), Measure::Field(f)) => {
            matches!(f, "service_level" | "asa_s" | "abandon_rate" | "occupancy")
        }
        (Scope::Experience, Measure::Field(f)) => f == "level_4_or_above",
        (Scope::Cases, Measure::Field(f)) => f == "fcr_rate",
        (Scope::Cost, Measure::Field(f)) => priced && f == "total",
        _ => false,
    };
    let kpis: Vec<KpiId> = s.kpis().into_iter().filter(wanted).collect();
    let mut header: Vec<String> = s.keys.clone();
    header.extend(kpis.iter().map(KpiId::path));
    let mut grid = super::table::Grid {
        header,
        rows: Vec::new(),
    };
    for (values, report) in &s.points {
        let est = estimates(report);
        let mut row: Vec<String> = values.iter().map(|v| value(v).text()).collect();
        for k in &kpis {
            let text = match find(&est, k) {
                Some(e) => super::sheet::show_bounded(
                    k.unit(),
                    e.mean,
                    e.ci95,
                    e.is_asymmetric().then(|| e.bounds()).flatten(),
                    false,
                ),
                None => "-".into(),
            };
            row.push(text);
        }
        grid.rows.push(row);
    }
    grid
}

/// The terminal table (see `grid`).
pub fn render(s: &Sweep) -> String {
    format!("{}\n", grid(s).table())
}
