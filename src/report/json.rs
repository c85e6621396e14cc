//! summary.json: the stable machine-readable summary (docs/output.md describes every field).

use super::Report;

pub fn summary_json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report)
        .expect("a report of plain numbers and strings serialises");
    s.push('\n');
    s
}
