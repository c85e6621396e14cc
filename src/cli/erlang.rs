//! `supportsim erlang {b|c|a}`: exact KPIs for a number of agents, or the fewest agents for a target (and
//! an occupancy cap); with a shrinkage, the paid positions behind the agents.

use super::BadInput;
use std::collections::BTreeMap;
use supportsim::staffing::{QueueModel, Targets, agents_for_target, agents_for_targets, positions};
use supportsim::time::duration::{format_duration, parse_duration};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Model {
    /// M/M/n/n: blocked calls lost.
    B,
    /// M/M/n: everyone waits.
    C,
    /// M/M/n+M: callers abandon with exponential patience.
    A,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("size").required(true).args(["agents", "target"])))]
pub struct ErlangArgs {
    model: Model,
    /// Arrival rate, contacts per hour.
    #[arg(long)]
    per_hour: f64,
    /// Average handle time: "5m", "180s" or seconds.
    #[arg(long)]
    aht: String,
    /// Number of agents.
    #[arg(long)]
    agents: Option<u32>,
    /// Service-level target (e.g. 0.8): find the fewest agents that meet it (for B: the share not blocked).
    #[arg(long)]
    target: Option<f64>,
    /// Mean patience (Erlang A only).
    #[arg(long)]
    patience: Option<String>,
    /// Service-level threshold.
    #[arg(long, default_value = "20s")]
    within: String,
    /// Shrinkage in [0, 1): the share of paid time agents are off the queue (breaks, training, absence).
    /// Adds `positions`, the paid positions ⌈agents / (1 − S)⌉.
    #[arg(long)]
    shrinkage: Option<f64>,
    /// Occupancy cap in (0, 1], with --target: also at least offered load / O agents.
    #[arg(long)]
    max_occupancy: Option<f64>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

fn duration(flag: &str, text: &str) -> Result<f64, BadInput> {
    let v = parse_duration(text).map_err(|e| BadInput(format!("--{flag} {text}: {e}")))?;
    if v > 0.0 {
        Ok(v)
    } else {
        Err(BadInput(format!(
            "--{flag} {text}: must be a positive duration"
        )))
    }
}

pub fn run(a: ErlangArgs) -> anyhow::Result<()> {
    let kind = match a.model {
        Model::B => 'b',
        Model::C => 'c',
        Model::A => 'a',
    };
    let aht = duration("aht", &a.aht)?;
    let within = duration("within", &a.within)?;
    let patience = match (&a.patience, a.model) {
        (Some(p), Model::A) => Some(duration("patience", p)?),
        (None, Model::A) => return Err(BadInput("erlang a needs --patience (mean time callers wait before hanging up), e.g. --patience 3m".into()).into()),
        (Some(_), _) => return Err(BadInput("--patience applies to erlang a only; remove it or use `erlang a`".into()).into()),
        (None, _) => None,
    };
    if let Some(s) = a.shrinkage {
        if !(0.0..1.0).contains(&s) {
            return Err(BadInput(format!(
                "--shrinkage {s}: must be in [0, 1), the share of paid time agents are off the queue (0.3 for 30%)"
            ))
            .into());
        }
    }
    if let Some(o) = a.max_occupancy {
        if !(o > 0.0 && o <= 1.0) {
            return Err(BadInput(format!(
                "--max-occupancy {o}: must be in (0, 1], the highest share of time agents may be busy (0.85 for 85%)"
            ))
            .into());
        }
        if let Some(n) = a.agents {
            return Err(BadInput(format!(
                "--max-occupancy sizes the head count: use it with --target, not --agents {n}"
            ))
            .into());
        }
    }
    let model =
        QueueModel::new(kind, a.per_hour, aht, patience).map_err(|e| BadInput(e.to_string()))?;
    let agents = match (a.agents, a.target, a.max_occupancy) {
        (Some(n), _, _) => n,
        // Without a cap, the search of the first release (same answers, same errors, byte for byte).
        (None, Some(t), None) => {
            agents_for_target(&model, t, within).map_err(|e| BadInput(e.to_string()))?
        }
        (None, Some(t), Some(o)) => {
            let targets = Targets {
                service_level: Some((within, t)),
                max_occupancy: Some(o),
                ..Targets::default()
            };
            agents_for_targets(&model, &targets).map_err(|e| BadInput(e.to_string()))?
        }
        (None, None, _) => unreachable!("clap requires --agents or --target"),
    };
    let positions = match a.shrinkage {
        Some(s) => Some(positions(agents, s).map_err(|e| BadInput(e.to_string()))?),
        None => None,
    };
    let m = model
        .metrics(agents, &[within])
        .map_err(|e| BadInput(e.to_string()))?;
    let key = |p: &str| {
        if within.fract() == 0.0 {
            format!("{p}_{}", within as i64)
        } else {
            format!("{p}_{within}")
        }
    };
    // The planning KPIs first, under the same names as summary.json where they exist.
    let mut out: Vec<(&str, f64)> = vec![("agents", f64::from(agents))];
    if let Some(p) = positions {
        out.push(("positions", f64::from(p)));
    }
    out.extend([
        ("offered_load_erlangs", model.load()),
        ("occupancy", m["occupancy"]),
    ]);
    match a.model {
        Model::B => out.extend([
            ("block_rate", m["p_block"]),
            ("carried_load_erlangs", m["carried_load_erlangs"]),
        ]),
        Model::C | Model::A => {
            out.extend([
                ("service_level", m[&key("sl")]),
                ("service_level_answered", m[&key("sl_answered")]),
                ("prob_wait", m["p_wait_gt_0"]),
                ("asa_s", m["asa"]),
                ("mean_queue_length", m["mean_queue_length"]),
            ]);
            if let Model::A = a.model {
                out.extend([
                    ("abandon_rate", m["p_abandon"]),
                    ("mean_wait_abandoned_s", m["mean_wait_abandoned"]),
                ]);
            }
        }
    }
    match a.format {
        Format::Json => {
            let mut map: BTreeMap<&str, serde_json::Value> = out
                .iter()
                .map(|(k, v)| (*k, serde_json::json!(v)))
                .collect();
            map.insert("model", serde_json::json!(format!("erlang_{kind}")));
            map.insert("within_s", serde_json::json!(within));
            map.insert("agents", serde_json::json!(agents));
            if let Some(p) = positions {
                map.insert("positions", serde_json::json!(p));
            }
            if let Some(s) = a.shrinkage {
                map.insert("shrinkage", serde_json::json!(s));
            }
            if let Some(o) = a.max_occupancy {
                map.insert("max_occupancy", serde_json::json!(o));
            }
            println!("{}", serde_json::to_string_pretty(&map)?);
        }
        Format::Table => {
            let mut extra = String::new();
            if let Some(o) = a.max_occupancy {
                extra.push_str(&format!(", occupancy at most {o}"));
            }
            if let Some(s) = a.shrinkage {
                extra.push_str(&format!(", shrinkage {s}"));
            }
            println!(
                "Erlang {} with {} contacts/h, AHT {}, service level within {}{extra}:",
                kind.to_ascii_uppercase(),
                a.per_hour,
                format_duration(aht),
                format_duration(within)
            );
            for (k, v) in out {
                let shown = if k.ends_with("rate")
                    || k.starts_with("service_level")
                    || k == "occupancy"
                    || k == "prob_wait"
                {
                    format!("{:.4}%", 100.0 * v)
                } else if k == "agents" || k == "positions" {
                    format!("{v}")
                } else {
                    format!("{v:.4}")
                };
                println!("  {k:<24} {shown}");
            }
        }
    }
    Ok(())
}
