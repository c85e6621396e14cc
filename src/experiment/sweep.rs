//! Parameter sweeps (`supportsim sweep`): the scenario file with some of its values replaced, for every point
//! of a grid, each point run with the same seed and replications (common random numbers across points), all
//! points and replications in parallel on rayon.
//!
//! A key is a path into the scenario file as written: tables by key, arrays of tables (`channels`, `groups`,
//! `training`) by the element's `name` or by index, e.g. `groups.agents.size` or
//! `channels.phone.arrivals.per_hour`. The value replaces what the file has there (a per-interval array by a
//! single number, for example), and the point is checked like any scenario before anything runs.

use crate::model::{Compiled, simulate_compiled};
use crate::scenario::{Scenario, ScenarioErrors};
use crate::stats::ReplicationTally;
use rayon::prelude::*;
use std::path::Path;

/// What is wrong with a `--set`, or with a point of the grid it makes.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(
        "--set {spec}: give KEY=V1,V2,... or KEY=FROM..TO:STEP, e.g. groups.agents.size=10,11,12"
    )]
    NoValues { spec: String },
    #[error("--set {spec}: the key must be a path such as groups.agents.size")]
    BadKey { spec: String },
    #[error(
        "--set {spec}: a range is FROM..TO:STEP with numbers, FROM <= TO and STEP > 0, at most 10000 values"
    )]
    BadRange { spec: String },
    #[error("--set {spec}: give at least one value")]
    NoValue { spec: String },
    #[error("--set {key}: the scenario has no `{at}`")]
    NoKey { key: String, at: String },
    /// `names`: the elements' names, quoted and separated by commas.
    #[error("--set {key}: no element of `{at}` is named \"{name}\"; names: {names}")]
    NoElement {
        key: String,
        at: String,
        name: String,
        names: String,
    },
    #[error("--set {key}: name a key of {at}.{name}, e.g. {at}.{name}.size")]
    ElementKey {
        key: String,
        at: String,
        name: String,
    },
    #[error("--set {key}: `{at}` is a value, not a table")]
    NotATable { key: String, at: String },
    /// The scenario file does not parse as TOML.
    #[error("{origin}: {source}")]
    Parse {
        origin: String,
        source: toml::de::Error,
    },
    /// A point's scenario cannot be written back as TOML.
    #[error("{origin}: {source}")]
    Write {
        origin: String,
        source: toml::ser::Error,
    },
    /// A point's scenario is invalid; `point` lists its values (`groups.agents.size=0`).
    #[error("{point}: {source}")]
    Invalid {
        point: String,
        source: ScenarioErrors,
    },
}

impl SweepError {
    /// The error with `key` as the `--set` key it names (the full key, when `set` recursed into an
    /// element of an array with what followed the element's name).
    fn for_key(mut self, full: &str) -> Self {
        match &mut self {
            SweepError::NoKey { key, .. }
            | SweepError::NoElement { key, .. }
            | SweepError::ElementKey { key, .. }
            | SweepError::NotATable { key, .. } => *key = full.to_string(),
            _ => {}
        }
        self
    }
}

/// One `--set KEY=VALUES`: the path and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub key: String,
    pub values: Vec<toml::Value>,
}

/// Parses `KEY=V1,V2,...` or `KEY=FROM..TO:STEP` (inclusive, numbers).
pub fn parse_axis(spec: &str) -> Result<Axis, SweepError> {
    let (key, values) = spec
        .split_once('=')
        .ok_or_else(|| SweepError::NoValues { spec: spec.into() })?;
    let key = key.trim();
    if key.is_empty() || key.split('.').any(|c| c.is_empty()) {
        return Err(SweepError::BadKey { spec: spec.into() });
    }
    let values = values.trim();
    let parsed = if let Some((range, step)) = values.split_once(':')
        && let Some((from, to)) = range.split_once("..")
    {
        range_values(from.trim(), to.trim(), step.trim())
            .ok_or_else(|| SweepError::BadRange { spec: spec.into() })?
    } else {
        values.split(',').map(|v| scalar(v.trim())).collect()
    };
    if parsed.is_empty() || values.is_empty() {
        return Err(SweepError::NoValue { spec: spec.into() });
    }
    Ok(Axis {
        key: key.to_string(),
        values: parsed,
    })
}

/// An integer, a float, `true`/`false`, or else a string (durations such as "30m", names).
fn scalar(v: &str) -> toml::Value {
    if let Ok(i) = v.parse::<i64>() {
        toml::Value::Integer(i)
    } else if let Ok(x) = v.parse::<f64>()
        && x.is_finite()
    {
        toml::Value::Float(x)
    } else if let Ok(b) = v.parse::<bool>() {
        toml::Value::Boolean(b)
    } else {
        toml::Value::String(v.trim_matches('"').to_string())
    }
}

fn range_values(from: &str, to: &str, step: &str) -> Option<Vec<toml::Value>> {
    if let (Ok(a), Ok(b), Ok(s)) = (from.parse::<i64>(), to.parse::<i64>(), step.parse::<i64>()) {
        if a > b || s <= 0 || (b - a) / s >= 10_000 {
            return None;
        }
        return Some(
            (0..=(b - a) / s)
                .map(|k| toml::Value::Integer(a + k * s))
                .collect(),
        );
    }
    let (a, b, s) = (
        from.parse::<f64>().ok()?,
        to.parse::<f64>().ok()?,
        step.parse::<f64>().ok()?,
    );
    if !(a.is_finite() && b.is_finite() && s > 0.0 && a <= b) || (b - a) / s >= 10_000.0 {
        return None;
    }
    let n = ((b - a) / s + 1e-9).floor() as usize;
    // Each value from the start (no accumulated rounding), rounded to 12 significant digits.
    Some(
        (0..=n)
            .map(|k| toml::Value::Float(format!("{:.12e}", a + k as f64 * s).parse().unwrap_or(a)))
            .collect(),
    )
}

/// Every point of the grid: one value per axis, the first axis varying slowest.
pub fn grid(axes: &[Axis]) -> Vec<Vec<toml::Value>> {
    let mut points: Vec<Vec<toml::Value>> = vec![Vec::new()];
    for axis in axes {
        points = points
            .into_iter()
            .flat_map(|p| {
                axis.values.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push(v.clone());
                    q
                })
            })
            .collect();
    }
    points
}

/// Sets `key` to `value` in a parsed scenario file.
pub fn set(table: &mut toml::Table, key: &str, value: toml::Value) -> Result<(), SweepError> {
    let parts: Vec<&str> = key.split('.').collect();
    let mut here = table;
    for (k, part) in parts.iter().enumerate() {
        let last = k + 1 == parts.len();
        if last {
            here.insert(part.to_string(), value);
            return Ok(());
        }
        let at = parts[..=k].join(".");
        let next = here.get_mut(*part).ok_or_else(|| SweepError::NoKey {
            key: key.into(),
            at: at.clone(),
        })?;
        here = match next {
            toml::Value::Table(t) => t,
            toml::Value::Array(items) => {
                let name = parts[k + 1];
                let names: Vec<String> = items
                    .iter()
                    .filter_map(|i| {
                        i.get("name")
                            .and_then(|n| n.as_str())
                            .map(|n| format!("\"{n}\""))
                    })
                    .collect();
                let found = match name.parse::<usize>() {
                    Ok(i) => items.get_mut(i),
                    Err(_) => items
                        .iter_mut()
                        .find(|i| i.get("name").and_then(|n| n.as_str()) == Some(name)),
                };
                let Some(toml::Value::Table(t)) = found else {
                    return Err(SweepError::NoElement {
                        key: key.into(),
                        at,
                        name: name.into(),
                        names: names.join(", "),
                    });
                };
                if k + 2 == parts.len() {
                    return Err(SweepError::ElementKey {
                        key: key.into(),
                        at,
                        name: name.into(),
                    });
                }
                // Skip the name component.
                return set(t, &parts[k + 2..].join("."), value).map_err(|e| e.for_key(key));
            }
            _ => {
                return Err(SweepError::NotATable {
                    key: key.into(),
                    at,
                });
            }
        };
    }
    Ok(())
}

/// The scenario of every point, checked: the file's text with the point's values set.
pub fn scenarios(
    text: &str,
    origin: &str,
    base_dir: Option<&Path>,
    axes: &[Axis],
) -> Result<Vec<(Vec<toml::Value>, Scenario)>, SweepError> {
    let table: toml::Table = text.parse().map_err(|source| SweepError::Parse {
        origin: origin.into(),
        source,
    })?;
    let mut out = Vec::new();
    for point in grid(axes) {
        let mut t = table.clone();
        let mut label = Vec::new();
        for (axis, v) in axes.iter().zip(&point) {
            set(&mut t, &axis.key, v.clone())?;
            label.push(format!("{}={}", axis.key, v));
        }
        let text = toml::to_string(&t).map_err(|source| SweepError::Write {
            origin: origin.into(),
            source,
        })?;
        let s = Scenario::from_toml(
            &text,
            &format!("{origin} with {}", label.join(", ")),
            base_dir,
        )
        .map_err(|source| SweepError::Invalid {
            point: label.join(", "),
            source,
        })?;
        out.push((point, s));
    }
    Ok(out)
}

/// The replications a sweep runs: those of every point.
pub fn replications(points: &[Scenario]) -> u64 {
    points.iter().map(|s| u64::from(s.replications)).sum()
}

/// Runs every point's replications, all in parallel, and returns them point by point (in replication
/// order, whatever the thread count). `done` is called (from the worker threads) after each replication,
/// [`replications`] times in all, so the caller can show progress.
pub fn run(points: &[Scenario], done: &(dyn Fn() + Sync)) -> Vec<Vec<ReplicationTally>> {
    let items = run_items(points, 0..replications(points), done);
    let mut out: Vec<Vec<ReplicationTally>> = points.iter().map(|_| Vec::new()).collect();
    for ((p, _), t) in items {
        out[p].push(t);
    }
    out
}

/// The work items `range` of the sweep (item `i` is the `i`-th (point, replication) pair, points in order,
/// each point's replications in order), with their tallies: the part of a shard (experiment::shard).
pub fn run_items(
    points: &[Scenario],
    range: std::ops::Range<u64>,
    done: &(dyn Fn() + Sync),
) -> Vec<((usize, u64), ReplicationTally)> {
    let tasks: Vec<(usize, u64)> = points
        .iter()
        .enumerate()
        .flat_map(|(p, s)| (0..u64::from(s.replications)).map(move |r| (p, r)))
        .skip(range.start as usize)
        .take((range.end - range.start) as usize)
        .collect();
    // Each point is compiled once (and only the points the range touches), not once per replication.
    let mut needed: Vec<usize> = tasks.iter().map(|&(p, _)| p).collect();
    needed.dedup();
    let mut models: Vec<Option<Compiled>> = points.iter().map(|_| None).collect();
    let compiled: Vec<(usize, Compiled)> = needed
        .par_iter()
        .map(|&p| (p, Compiled::new(&points[p])))
        .collect();
    for (p, m) in compiled {
        models[p] = Some(m);
    }
    let model = |p: usize| models[p].as_ref().expect("compiled above");
    let tallies: Vec<ReplicationTally> = tasks
        .par_iter()
        .map(|&(p, r)| {
            let m = model(p);
            let t = simulate_compiled(m, m.staffing(), points[p].seed, r);
            done();
            t
        })
        .collect();
    tasks.into_iter().zip(tallies).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_lists_and_ranges() {
        let a = parse_axis("groups.agents.size=10..13:1").unwrap();
        assert_eq!(a.values.len(), 4);
        assert_eq!(a.values[3], toml::Value::Integer(13));
        let b = parse_axis("channels.phone.arrivals.per_hour=100,110.5").unwrap();
        assert_eq!(
            b.values,
            vec![toml::Value::Integer(100), toml::Value::Float(110.5)]
        );
        let c = parse_axis("x.y=0.1..0.3:0.1").unwrap();
        assert_eq!(c.values.len(), 3);
        assert_eq!(c.values[2], toml::Value::Float(0.3));
        assert!(parse_axis("groups.agents.size").is_err());
        assert!(parse_axis("a=5..1:1").is_err());
        assert_eq!(grid(&[a, b]).len(), 8);
    }

    #[test]
    fn keys_follow_names_in_arrays() {
        let mut t: toml::Table = "[[groups]]\nname = \"agents\"\nsize = [1, 2]\n[[channels]]\nname = \"phone\"\narrivals = { per_hour = 5 }\n".parse().unwrap();
        set(&mut t, "groups.agents.size", toml::Value::Integer(7)).unwrap();
        set(
            &mut t,
            "channels.phone.arrivals.per_hour",
            toml::Value::Float(9.5),
        )
        .unwrap();
        assert_eq!(t["groups"][0]["size"].as_integer(), Some(7));
        assert_eq!(
            t["channels"][0]["arrivals"]["per_hour"].as_float(),
            Some(9.5)
        );
        let e = set(&mut t, "groups.agent.size", toml::Value::Integer(1))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no element of `groups` is named \"agent\"; names: \"agents\""),
            "{e}"
        );
        let e = set(&mut t, "queues.x", toml::Value::Integer(1))
            .unwrap_err()
            .to_string();
        assert!(e.contains("the scenario has no `queues`"), "{e}");
    }
}
