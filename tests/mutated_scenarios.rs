//! Property test of issue 13's hardening: a few thousand mutated scenarios (the shipped examples with lines
//! deleted, doubled and swapped, numbers replaced by hostile values, tables turned into arrays of tables
//! and back, control bytes and long names inserted, text cut short) go through what `supportsim check`
//! does, in process, and must never panic; a sample of them goes through the binary, which must exit 0 or
//! 2 and never print a panic. The mutations are drawn from a seeded generator: the same ones every run.

#[path = "../fuzz/harness.rs"]
mod harness;

use rand::{Rng, RngExt, SeedableRng};
use std::path::{Path, PathBuf};

/// Values that have broken parsers and validators elsewhere: NaN and infinities, overflow, negatives,
/// zero, tiny and huge numbers, the wrong type, an empty array.
const HOSTILE: [&str; 14] = [
    "0",
    "-1",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "99999999999999999999",
    "0.0000001",
    "\"ten\"",
    "[]",
    "\"1s\"",
    "\"100000d\"",
    "{}",
];

fn seeds() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenarios/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read");
            (p, text)
        })
        .collect()
}

/// One to three mutations of `text`.
fn mutate(text: &str, rng: &mut impl Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for _ in 0..rng.random_range(1..=3) {
        if lines.is_empty() {
            break;
        }
        let i = rng.random_range(0..lines.len());
        match rng.random_range(0..9) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            2 => {
                let j = rng.random_range(0..lines.len());
                lines.swap(i, j);
            }
            3 => {
                // A number (or a whole value after `=`) replaced by a hostile one.
                let line = &lines[i];
                if let Some(eq) = line.find('=') {
                    let v = HOSTILE[rng.random_range(0..HOSTILE.len())];
                    lines[i] = format!("{} {v}", &line[..=eq]);
                }
            }
            4 => {
                let l = &lines[i];
                lines[i] = if l.starts_with("[[") {
                    l.replacen("[[", "[", 1).replacen("]]", "]", 1)
                } else if l.starts_with('[') {
                    format!("[{l}]")
                } else {
                    format!("[{l}")
                };
            }
            5 => {
                // A control byte or an odd character somewhere in the line.
                let c = ['\u{0}', '\u{1b}', '\u{7}', '\u{202e}', '"', '\\', '{', '}']
                    [rng.random_range(0..8)];
                let at = lines[i].char_indices().map(|(k, _)| k).collect::<Vec<_>>();
                let k = if at.is_empty() {
                    0
                } else {
                    at[rng.random_range(0..at.len())]
                };
                lines[i].insert(k, c);
            }
            6 => {
                // A very long name.
                lines[i] =
                    lines[i].replacen("name = \"", &format!("name = \"{}", "x".repeat(300)), 1);
            }
            7 => {
                // Cut the text short inside this line.
                let cut = rng.random_range(0..=lines[i].len());
                let cut = (0..=cut)
                    .rev()
                    .find(|&k| lines[i].is_char_boundary(k))
                    .unwrap_or(0);
                lines[i].truncate(cut);
                lines.truncate(i + 1);
            }
            _ => {
                // Numbers grown by orders of magnitude (rates and horizons that explode the event count).
                lines[i] = lines[i]
                    .replace("per_hour = ", "per_hour = 1e9 * 0 + ")
                    .replace("horizon = \"", "horizon = \"10000");
            }
        }
    }
    lines.join("\n")
}

#[test]
fn thousands_of_mutated_scenarios_never_panic_the_checks() {
    let seeds = seeds();
    assert!(seeds.len() >= 8, "{} example scenarios", seeds.len());
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(13);
    let (mut valid, mut refused) = (0, 0);
    let mut panicked = Vec::new();
    for k in 0..3000 {
        let (path, text) = &seeds[k % seeds.len()];
        let mutant = mutate(text, &mut rng);
        let base = path.parent().expect("a folder").to_path_buf();
        match std::panic::catch_unwind(|| harness::scenario_check(mutant.as_bytes(), &base)) {
            Ok(Some(_)) => valid += 1,
            Ok(None) => refused += 1,
            Err(_) => panicked.push(mutant),
        }
    }
    assert!(
        panicked.is_empty(),
        "{} panicked; the first:\n{}",
        panicked.len(),
        panicked[0]
    );
    // The mutations must bite: most are refused, and some still validate.
    assert!(
        refused > 1000 && valid > 100,
        "{refused} refused, {valid} valid"
    );
}

#[test]
fn mutated_scenarios_through_check_exit_0_or_2() {
    let seeds = seeds();
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(14);
    let dir = tempfile::tempdir().expect("a temporary folder");
    // Forecast and empirical files the examples read, beside the mutants.
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
        .expect("scenarios/")
    {
        let p = entry.expect("entry").path();
        if p.is_file() && p.extension().is_some_and(|x| x != "toml") {
            std::fs::copy(&p, dir.path().join(p.file_name().expect("a name"))).expect("copied");
        }
    }
    let mut codes = [0usize; 3];
    for k in 0..150 {
        let (_, text) = &seeds[k % seeds.len()];
        let path = dir.path().join(format!("m{k}.toml"));
        std::fs::write(&path, mutate(text, &mut rng)).expect("written");
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_supportsim"))
            .arg("check")
            .arg(&path)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "{}: {err}", path.display());
        match o.status.code() {
            Some(0) => codes[0] += 1,
            Some(2) => {
                codes[2] += 1;
                assert!(err.starts_with("error: "), "{}: {err}", path.display());
            }
            other => panic!("{}: exit {other:?}: {err}", path.display()),
        }
    }
    assert!(codes[0] > 0 && codes[2] > 0, "{codes:?}");
}
