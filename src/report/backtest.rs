//! The backtest's tables: the scorecard as grids (terminal and report.html), from the
//! [`crate::calibration::backtest::Backtest`] only.

use super::table::Grid;
use crate::calibration::backtest::{Backtest, Kpi, Model, Scope, Score};
use crate::time::duration::format_duration;

/// A KPI's name in tables, with the unit its errors are shown in.
pub fn kpi_label(kpi: Kpi) -> &'static str {
    match kpi {
        Kpi::AbandonRate => "abandon rate (pp)",
        Kpi::AsaS => "ASA (s)",
        Kpi::ProbWait => "P(wait) (pp)",
        Kpi::ServiceLevel => "service level (pp)",
    }
}

/// An error in the KPI's table unit: percentage points for shares, seconds for ASA.
fn shown(kpi: Kpi, v: f64, signed: bool) -> String {
    let v = if kpi.is_share() { 100.0 * v } else { v };
    if signed {
        format!("{v:+.2}")
    } else {
        format!("{v:.2}")
    }
}

/// The scorecard rows of one scope and group as a grid: a row per KPI, MAE and bias of each model.
pub fn score_grid(b: &Backtest, scope: Scope, group: &str) -> Grid {
    let mut header = vec!["KPI".to_string(), "n".to_string()];
    for m in Model::ALL {
        header.push(format!("{}\nMAE", m.label()));
        header.push("bias".to_string());
    }
    let rows = b
        .scorecard
        .iter()
        .filter(|r| r.scope == scope && r.group == group)
        .map(|r| {
            let mut row = vec![kpi_label(r.kpi).to_string(), r.n.to_string()];
            for s in &r.scores {
                match s {
                    Some(Score { mae, bias }) => {
                        row.push(shown(r.kpi, *mae, false));
                        row.push(shown(r.kpi, *bias, true));
                    }
                    None => row.extend(["-".to_string(), "-".to_string()]),
                }
            }
            row
        })
        .collect();
    Grid { header, rows }
}

/// The groups of a scope in the scorecard, in order.
pub fn groups(b: &Backtest, scope: Scope) -> Vec<String> {
    let mut g: Vec<String> = b
        .scorecard
        .iter()
        .filter(|r| r.scope == scope)
        .map(|r| r.group.clone())
        .collect();
    g.dedup();
    g
}

/// A scope's rows of every group as one grid: group, then the KPI columns (`month` or `hour`).
pub fn scope_grid(b: &Backtest, scope: Scope) -> Grid {
    let mut grid = Grid::default();
    for g in groups(b, scope) {
        let sub = score_grid(b, scope, &g);
        if grid.header.is_empty() {
            grid.header = std::iter::once(scope.name().to_string())
                .chain(sub.header)
                .collect();
        }
        for r in sub.rows {
            grid.rows
                .push(std::iter::once(g.clone()).chain(r).collect());
        }
    }
    grid
}

/// One line saying what was backtested.
pub fn heading(b: &Backtest) -> String {
    format!(
        "backtest of {} on {} day{} of history (channel {}, {} replications per day, service level within {}, intervals of {})",
        b.scenario,
        b.days,
        if b.days == 1 { "" } else { "s" },
        b.channel,
        b.replications,
        format_duration(b.target_s),
        format_duration(b.interval_s),
    )
}

/// What the exact columns are.
pub fn formula_line(b: &Backtest) -> String {
    format!(
        "{} one mean: handle time {}, patience {}; hour-of-day means: {}",
        b.formula,
        format_duration(b.mean_handle_s),
        b.mean_patience_s
            .map_or("none (nobody abandons)".to_string(), format_duration),
        if b.hourly_means {
            "from the scenario's mean_by_hour"
        } else {
            "the scenario has none, the same as one mean"
        }
    )
}

/// The terminal report: the heading, the overall scores and the month × hour-of-day cells.
pub fn render(b: &Backtest) -> String {
    let mut out = format!("{}\n{}\n", heading(b), formula_line(b));
    out.push_str(&format!(
        "\nEvery interval with at least {} offered (MAE and bias: predicted − observed; shares in percentage points):\n",
        b.min_offered
    ));
    out.push_str(&format!(
        "{}\n",
        score_grid(b, Scope::Overall, "all").table()
    ));
    out.push_str(
        "\nMonth × hour-of-day cells (each cell's intervals averaged, weighted by offered):\n",
    );
    out.push_str(&format!(
        "{}\n",
        score_grid(b, Scope::MonthHour, "all").table()
    ));
    out.push_str("By month and by hour of day: scorecard.csv and report.html.\n");
    out
}
