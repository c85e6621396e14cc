//! A sweep's results (`supportsim sweep`): one row per point of the grid, the swept values first, then the
//! headline KPIs of each point (the rows `compare` shows; docs/sweep.md) with their 95% half-widths.

use super::Report;
use super::compare::{csv_field, estimates, headline};

/// The points of a sweep: the swept keys, and per point its values and report.
pub struct Sweep {
    pub keys: Vec<String>,
    pub points: Vec<(Vec<toml::Value>, Report)>,
}

impl Sweep {
    /// The KPI columns: the headline KPIs of the first point, in summary.json order.
    pub fn kpis(&self) -> Vec<String> {
        self.points.first().map_or_else(Vec::new, |(_, r)| {
            estimates(r)
                .into_iter()
                .filter(|(k, _, _)| headline(k))
                .map(|(k, _, _)| k)
                .collect()
        })
    }
}

fn value(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// sweep.csv: the keys, then `<kpi>` and `<kpi>_ci95` for every headline KPI.
pub fn sweep_csv(s: &Sweep) -> String {
    let kpis = s.kpis();
    let mut header: Vec<String> = s.keys.iter().map(|k| csv_field(k)).collect();
    for k in &kpis {
        header.push(csv_field(k));
        header.push(csv_field(&format!("{k}_ci95")));
    }
    let mut out = header.join(",") + "\n";
    let cell = |x: Option<f64>| x.map(|v| format!("{v}")).unwrap_or_default();
    for (values, report) in &s.points {
        let est = estimates(report);
        let mut row: Vec<String> = values.iter().map(|v| csv_field(&value(v))).collect();
        for k in &kpis {
            let e = est.iter().find(|(p, _, _)| p == k);
            row.push(cell(e.and_then(|e| e.1)));
            row.push(cell(e.and_then(|e| e.2)));
        }
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
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

/// The terminal table: per point, its values and a few headline KPIs (service level per channel, level 4
/// or above, cost).
pub fn render(s: &Sweep) -> String {
    let wanted = |k: &str| {
        (k.starts_with("channels.") && k.ends_with(".service_level"))
            || k == "experience.overall.level_4_or_above"
            || k == "cases.fcr_rate"
            || k == "cost.total"
    };
    let kpis: Vec<String> = s.kpis().into_iter().filter(|k| wanted(k)).collect();
    let mut table = comfy_table::Table::new();
    let mut header: Vec<String> = s.keys.clone();
    header.extend(kpis.iter().cloned());
    table.set_header(header);
    for (values, report) in &s.points {
        let est = estimates(report);
        let mut row: Vec<String> = values.iter().map(value).collect();
        for k in &kpis {
            let text = match est.iter().find(|(p, _, _)| p == k) {
                Some((_, Some(m), Some(h))) => format!("{m:.4} ± {h:.4}"),
                Some((_, Some(m), None)) => format!("{m:.4}"),
                _ => "-".into(),
            };
            row.push(text);
        }
        table.add_row(row);
    }
    format!("{table}\n")
}
