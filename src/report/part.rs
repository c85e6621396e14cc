//! Parts of a sharded run (`--shard I/N`, src/experiment/shard.rs): what one task of a job array computed,
//! written as one JSON file, and put together by `supportsim merge` into the tallies the unsharded command
//! would have had, so that its outputs come out byte for byte the same.
//!
//! A part carries its inputs (each scenario as resolved, and the command's options that shape the outputs),
//! a fingerprint of them, its range of work items and the replication tallies of those items. `merge`
//! refuses parts of different fingerprints and ranges that leave items out or count them twice.

use super::write::write_atomic;
use crate::experiment::shard::{Shard, fnv1a};
use crate::stats::ReplicationTally;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The format tag of a part file (bumped when the layout changes: parts of another layout are refused).
pub const PART_FORMAT: &str = "supportsim-part/1";

/// What a part was computed from. Two parts belong together when their fingerprints are equal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// supportsim's version: another version may simulate differently.
    pub version: String,
    /// `run`, `compare` or `sweep`.
    pub command: String,
    pub seed: u64,
    /// Replications per scenario (or sweep point).
    pub replications: u32,
    /// Work items of the whole run: scenarios (or points) times replications.
    pub items: u64,
    /// FNV-1a (64 bits, hex) of the resolved scenarios, their file names and the options.
    pub inputs_hash: String,
}

/// One scenario of the run as resolved, and the name the outputs give it (compare names scenarios by file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartScenario {
    pub file: String,
    pub resolved: String,
}

/// One work item's tally: item `item` is replication `item % replications` of scenario
/// `item / replications`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemTally {
    pub item: u64,
    pub tally: ReplicationTally,
}

/// A part file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub format: String,
    pub fingerprint: Fingerprint,
    /// The shard that computed it, and its items `[start, end)`.
    pub shard: [u32; 2],
    pub range: [u64; 2],
    pub scenarios: Vec<PartScenario>,
    /// The command's options that shape its outputs (compare's timeline period, a sweep's keys and
    /// values), as the command wrote them.
    pub options: serde_json::Value,
    pub tallies: Vec<ItemTally>,
}

/// What a sharded command computes from: the same for every shard of one run.
#[derive(Debug, Clone)]
pub struct PartInputs {
    /// `run`, `compare` or `sweep`.
    pub command: &'static str,
    pub seed: u64,
    /// Replications per scenario (or sweep point).
    pub replications: u32,
    pub scenarios: Vec<PartScenario>,
    /// The command's options that shape its outputs.
    pub options: serde_json::Value,
}

impl PartInputs {
    /// Work items of the whole run: scenarios (or points) times replications.
    pub fn items(&self) -> u64 {
        self.scenarios.len() as u64 * u64::from(self.replications)
    }
}

impl Part {
    /// The part of `inputs` that `shard` computed: its items `range`, with their tallies.
    pub fn new(
        inputs: PartInputs,
        shard: Shard,
        range: Range<u64>,
        tallies: Vec<ItemTally>,
    ) -> Part {
        let PartInputs {
            command,
            seed,
            replications,
            ..
        } = inputs;
        let items = inputs.items();
        let mut text = format!(
            "{command}\n{seed}\n{replications}\n{items}\n{}\n",
            inputs.options
        );
        for s in &inputs.scenarios {
            text.push_str(&format!("{}\n{}\n", s.file, s.resolved));
        }
        Part {
            format: PART_FORMAT.to_string(),
            fingerprint: Fingerprint {
                version: env!("CARGO_PKG_VERSION").to_string(),
                command: command.to_string(),
                seed,
                replications,
                items,
                inputs_hash: format!("{:016x}", fnv1a(text.as_bytes())),
            },
            shard: [shard.index, shard.count],
            range: [range.start, range.end],
            scenarios: inputs.scenarios,
            options: inputs.options,
            tallies,
        }
    }

    /// The file name of shard `shard`'s part: sorts in shard order (`part-0003-of-0040.json`).
    pub fn file_name(shard: Shard) -> String {
        format!("part-{:04}-of-{:04}.json", shard.index, shard.count)
    }

    /// Writes the part into folder `out` (created if need be), atomically.
    pub fn write(&self, out: &Path) -> Result<PathBuf, PartError> {
        std::fs::create_dir_all(out).map_err(|source| PartError::Write {
            path: out.to_path_buf(),
            source,
        })?;
        let path = out.join(Part::file_name(Shard {
            index: self.shard[0],
            count: self.shard[1],
        }));
        let text = serde_json::to_string(self).expect("a part serialises");
        write_atomic(&path, text.as_bytes()).map_err(|source| PartError::Write {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }

    /// Reads a part file.
    pub fn read(path: &Path) -> Result<Part, PartError> {
        let text = std::fs::read_to_string(path).map_err(|source| PartError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        // The format tag first, so that a file of another kind or layout gets a plain answer.
        let tag: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| PartError::NotAPart {
                path: path.to_path_buf(),
                why: e.to_string(),
            })?;
        match tag.get("format").and_then(|f| f.as_str()) {
            Some(PART_FORMAT) => {}
            Some(other) => {
                return Err(PartError::OtherFormat {
                    path: path.to_path_buf(),
                    format: other.to_string(),
                });
            }
            None => {
                return Err(PartError::NotAPart {
                    path: path.to_path_buf(),
                    why: "no \"format\" field".into(),
                });
            }
        }
        serde_json::from_value(tag).map_err(|e| PartError::NotAPart {
            path: path.to_path_buf(),
            why: e.to_string(),
        })
    }
}

/// Why parts could not be read or put together.
#[derive(Debug, thiserror::Error)]
pub enum PartError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} is not a part of a sharded supportsim run ({why}): give the part-*.json files that `--shard` wrote"
    )]
    NotAPart { path: PathBuf, why: String },
    #[error(
        "{path} is a part of format {format:?}, this supportsim reads {PART_FORMAT:?}: merge with the version that wrote it"
    )]
    OtherFormat { path: PathBuf, format: String },
    #[error("no parts given: list the part-*.json files to merge")]
    NoParts,
    #[error(
        "{path} does not belong with {first}: {what} differ ({theirs} against {ours}); merge only the parts of one run (same scenarios, seed, replications, options and supportsim version)"
    )]
    Mismatch {
        path: PathBuf,
        first: PathBuf,
        what: &'static str,
        ours: String,
        theirs: String,
    },
    #[error(
        "items {start}..{end} of {total} are in no part given{hint}: run or add the missing shard"
    )]
    Missing {
        start: u64,
        end: u64,
        total: u64,
        hint: String,
    },
    #[error("items {start}..{end} are in both {a} and {b}: give each shard's part once")]
    Duplicated {
        start: u64,
        end: u64,
        a: PathBuf,
        b: PathBuf,
    },
    #[error("{path} is damaged: its tallies do not match its range {start}..{end}")]
    Damaged { path: PathBuf, start: u64, end: u64 },
}

/// Parts put together: the inputs, and per scenario its tallies in replication order.
#[derive(Debug)]
pub struct Merged {
    pub fingerprint: Fingerprint,
    pub scenarios: Vec<PartScenario>,
    pub options: serde_json::Value,
    pub tallies: Vec<Vec<ReplicationTally>>,
}

/// Checks that `parts` (with the paths they were read from) are the shards of one run, covering every
/// item once, and puts their tallies in order.
pub fn merge(parts: Vec<(PathBuf, Part)>) -> Result<Merged, PartError> {
    let Some((first_path, first)) = parts.first().map(|(p, x)| (p.clone(), x.clone())) else {
        return Err(PartError::NoParts);
    };
    let f = &first.fingerprint;
    for (path, part) in &parts {
        let g = &part.fingerprint;
        // The plainest difference first: the inputs' hash covers the seed and replications too.
        let differ = [
            ("supportsim versions", f.version.clone(), g.version.clone()),
            ("commands", f.command.clone(), g.command.clone()),
            ("seeds", f.seed.to_string(), g.seed.to_string()),
            (
                "replications",
                f.replications.to_string(),
                g.replications.to_string(),
            ),
            (
                "inputs (scenarios or options)",
                f.inputs_hash.clone(),
                g.inputs_hash.clone(),
            ),
        ]
        .into_iter()
        .find(|(_, a, b)| a != b);
        if let Some((what, ours, theirs)) = differ {
            return Err(PartError::Mismatch {
                path: path.clone(),
                first: first_path.clone(),
                what,
                ours,
                theirs,
            });
        }
        let [start, end] = part.range;
        let items_ok = part.tallies.len() as u64 == end.saturating_sub(start)
            && part
                .tallies
                .iter()
                .zip(start..end)
                .all(|(t, i)| t.item == i)
            && end <= f.items;
        if !items_ok {
            return Err(PartError::Damaged {
                path: path.clone(),
                start,
                end,
            });
        }
    }
    // Ranges in order; empty ones (more shards than items) cover nothing and overlap nothing.
    let mut ranges: Vec<(u64, u64, &PathBuf, &Part)> = parts
        .iter()
        .filter(|(_, p)| p.range[1] > p.range[0])
        .map(|(path, p)| (p.range[0], p.range[1], path, p))
        .collect();
    ranges.sort_by_key(|r| (r.0, r.1));
    let missing_hint = |start: u64, end: u64| {
        // The shards that would hold the gap, if the parts share one shard count.
        let count = first.shard[1];
        let shards: Vec<String> = (0..count)
            .filter(|&i| {
                let r = Shard { index: i, count }.items(f.items);
                r.start < end && start < r.end
            })
            .map(|i| format!("{i}/{count}"))
            .collect();
        if shards.is_empty() || parts.iter().any(|(_, p)| p.shard[1] != count) {
            String::new()
        } else {
            format!(" (shard {})", shards.join(", "))
        }
    };
    let mut next = 0;
    let mut previous: Option<&PathBuf> = None;
    for &(start, end, path, _) in &ranges {
        if start > next {
            return Err(PartError::Missing {
                start: next,
                end: start,
                total: f.items,
                hint: missing_hint(next, start),
            });
        }
        if start < next {
            return Err(PartError::Duplicated {
                start,
                end: end.min(next),
                a: previous.cloned().unwrap_or_default(),
                b: path.clone(),
            });
        }
        next = end;
        previous = Some(path);
    }
    if next < f.items {
        return Err(PartError::Missing {
            start: next,
            end: f.items,
            total: f.items,
            hint: missing_hint(next, f.items),
        });
    }
    let per = u64::from(f.replications);
    let mut tallies: Vec<Vec<ReplicationTally>> = vec![Vec::new(); first.scenarios.len()];
    for (_, _, _, part) in ranges {
        for t in &part.tallies {
            tallies[(t.item / per) as usize].push(t.tally.clone());
        }
    }
    Ok(Merged {
        fingerprint: first.fingerprint.clone(),
        scenarios: first.scenarios.clone(),
        options: first.options.clone(),
        tallies,
    })
}
