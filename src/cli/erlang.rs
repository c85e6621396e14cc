//! `supportsim erlang {b|c|a}`: exact KPIs for a number of agents, or the fewest agents for a target.

use super::BadInput;
use std::collections::BTreeMap;
use supportsim::staffing::{QueueModel, agents_for_target};
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
    let model =
        QueueModel::new(kind, a.per_hour, aht, patience).map_err(|e| BadInput(e.to_string()))?;
    let agents = match (a.agents, a.target) {
        (Some(n), _) => n,
        (None, Some(t)) => {
            agents_for_target(&model, t, within).map_err(|e| BadInput(e.to_string()))?
        }
        (None, None) => unreachable!("clap requires --agents or --target"),
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
    let mut out: Vec<(&str, f64)> = vec![
        ("agents", f64::from(agents)),
        ("offered_load_erlangs", model.load()),
        ("occupancy", m["occupancy"]),
    ];
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
            println!("{}", serde_json::to_string_pretty(&map)?);
        }
        Format::Table => {
            println!(
                "Erlang {} with {} contacts/h, AHT {}, service level within {}:",
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
                } else if k == "agents" {
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
