//! The crate's modules sit in layers and import only downward (issue 10): this test reads every `.rs` file
//! under src/ (std::fs only, no parser crate), extracts its crate-internal imports and fails, naming the
//! file, the import and the rule, when
//! - a module imports one of a higher layer, or another module of its own layer;
//! - the graph of top-level modules has a cycle;
//! - two or more files inside src/report/ import each other in a cycle;
//! - `anyhow` or `indicatif` is used outside src/cli/ and src/main.rs.
//!
//! Imports are `use crate::..`, `use super::..` and `use self::..` (grouped trees such as
//! `use crate::{a, b::c}` expanded), `use child::..` of a child module, and `crate::`/`super::`/`self::`
//! paths written in code. In the binary (src/main.rs, src/cli/) `supportsim::` paths name the library.
//! Comments and string literals are skipped. src/lib.rs and src/main.rs only declare modules: exempt.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may import only modules of lower layers; modules of one layer are
/// independent of each other, so the leaves import nothing from the crate.
/// - leaves: the event list, distributions, durations and profiles, statistics, random streams, user text
///   made safe for CSV cells and terminals;
/// - domain rules: the service levels and standards (no imports; the scenario holds its rules);
/// - routing: picking agents and queues (no imports; only the model uses it);
/// - planner: shifts and rosters from a requirement; above the runs (it simulates rosters), below the report.
/// - calibration: logs to scenarios, history and backtest; above the runs and Erlang formulas it compares, below the report.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "leaves",
        &["engine", "dist", "time", "stats", "seed", "text"],
    ),
    ("domain rules", &["experience"]),
    ("scenario", &["scenario"]),
    ("routing", &["routing"]),
    ("model", &["model"]),
    ("runs and planning", &["experiment", "staffing"]),
    ("planner", &["planner"]),
    ("calibration", &["calibration"]),
    ("report", &["report"]),
    ("cli", &["cli"]),
];

/// File cycles inside src/report/ that are known and waiting to be broken (none: compare.rs <-> sheet.rs was
/// broken by the typed KPI ids, report/kpi.rs). An entry that no longer forms a cycle fails the test.
const KNOWN_REPORT_CYCLES: &[&[&str]] = &[];

/// Crates only the command line may use.
const CLI_ONLY_CRATES: &[&str] = &["anyhow", "indicatif"];

/// Which crate a file belongs to: the library (src/lib.rs) or the binary (src/main.rs and its modules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Crate {
    Lib,
    Bin,
}

/// A source file: its path relative to the package (`src/model/center.rs`), its crate and module path.
#[derive(Debug, Clone)]
struct SourceFile {
    path: String,
    krate: Crate,
    module: Vec<String>,
    text: String,
}

/// One crate-internal import: where it is written and the absolute module path it names.
#[derive(Debug, Clone)]
struct Import {
    file: String,
    line: usize,
    /// As written, e.g. `super::sheet::Cell`.
    written: String,
    krate: Crate,
    /// Absolute, without the leading `crate`: `["report", "sheet", "Cell"]`.
    target: Vec<String>,
}

fn source_files(root: &Path) -> Vec<SourceFile> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|e| e.expect("a directory entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&root.join("src"), &mut paths);
    paths
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(root)
                .expect("under the package")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            let (krate, module) = module_of(&rel);
            SourceFile {
                path: rel,
                krate,
                module,
                text,
            }
        })
        .collect()
}

/// The crate and module path of `src/...`: `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`.
fn module_of(rel: &str) -> (Crate, Vec<String>) {
    let inner = rel.strip_prefix("src/").expect("a file under src/");
    let inner = inner.strip_suffix(".rs").expect("a .rs file");
    let mut parts: Vec<String> = inner.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    let krate = match parts.first().map(String::as_str) {
        Some("main") | Some("cli") => Crate::Bin,
        _ => Crate::Lib,
    };
    if parts == ["lib"] || parts == ["main"] {
        parts.clear();
    }
    (krate, parts)
}

/// The text with comments removed and string and character literals emptied (line breaks kept, so line
/// numbers stay right).
fn strip_comments_and_strings(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    while i < c.len() {
        let at = |k: usize| c.get(k).copied().unwrap_or('\0');
        if at(i) == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if at(i) == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if at(i) == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if at(i) == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if (at(i) == 'r' || (at(i) == 'b' && at(i + 1) == 'r'))
            && (i == 0 || !ident(c[i - 1]))
            && {
                let mut k = i + if at(i) == 'b' { 2 } else { 1 };
                while at(k) == '#' {
                    k += 1;
                }
                at(k) == '"'
            }
        {
            // A raw string r#"..."#: ends at a quote followed by as many #.
            i += if at(i) == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while at(i) == '#' {
                hashes += 1;
                i += 1;
            }
            i += 1;
            loop {
                if i >= c.len() {
                    break;
                }
                if c[i] == '"' && (1..=hashes).all(|h| at(i + h) == '#') {
                    i += 1 + hashes;
                    break;
                }
                if c[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            out.push_str("\"\"");
        } else if at(i) == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                if at(i) == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if at(i) == '\'' {
            // A character literal ('a', '\n', '\u{1F600}') or a lifetime ('a).
            if at(i + 1) == '\\' {
                i += 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else if at(i + 2) == '\'' {
                i += 3;
                out.push_str("' '");
            } else {
                out.push('\'');
                i += 1;
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    Path,
    Punct(char),
}

fn tokens(code: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push((Tok::Ident(c[start..i].iter().collect()), line));
        } else if ch.is_ascii_digit() {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '.') {
                i += 1;
            }
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push((Tok::Path, line));
            i += 2;
        } else {
            out.push((Tok::Punct(ch), line));
            i += 1;
        }
    }
    out
}

/// Expands the use tree starting at `toks[*i]` into full paths, stopping after its `;`.
fn use_tree(toks: &[(Tok, usize)], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    while *i < toks.len() {
        match &toks[*i].0 {
            Tok::Path => *i += 1,
            Tok::Ident(name) => {
                path.push(name.clone());
                *i += 1;
                if toks.get(*i).map(|t| &t.0) == Some(&Tok::Path) {
                    continue;
                }
                if toks.get(*i).map(|t| &t.0) == Some(&Tok::Ident("as".into())) {
                    *i += 2;
                }
                out.push(path);
                return;
            }
            Tok::Punct('*') => {
                *i += 1;
                path.push("*".into());
                out.push(path);
                return;
            }
            Tok::Punct('{') => {
                *i += 1;
                while *i < toks.len() {
                    match &toks[*i].0 {
                        Tok::Punct('}') => {
                            *i += 1;
                            break;
                        }
                        Tok::Punct(',') => *i += 1,
                        _ => use_tree(toks, i, path.clone(), out),
                    }
                }
                return;
            }
            _ => {
                *i += 1;
                return;
            }
        }
    }
}

/// Every crate-internal import of `file`, resolved to an absolute module path. `modules` holds the module
/// paths of each crate's files, to tell a child module (`use error::X` in scenario/mod.rs) from a crate.
fn imports(file: &SourceFile, modules: &BTreeSet<(Crate, Vec<String>)>) -> Vec<Import> {
    let code = strip_comments_and_strings(&file.text);
    let toks = tokens(&code);
    let mut out = Vec::new();
    // Inline modules (`mod tests { .. }`) change what `super` and `self` mean: (name, brace depth).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let resolve =
        |written: &[String], inline: &[(String, usize)]| -> Option<(Crate, Vec<String>)> {
            let mut here = file.module.clone();
            here.extend(inline.iter().map(|(n, _)| n.clone()));
            let mut segs: Vec<String> = written.to_vec();
            let (krate, mut base) = match segs[0].as_str() {
                "crate" => {
                    segs.remove(0);
                    (file.krate, Vec::new())
                }
                "supportsim" if file.krate == Crate::Bin => {
                    segs.remove(0);
                    (Crate::Lib, Vec::new())
                }
                "self" => {
                    segs.remove(0);
                    (file.krate, here)
                }
                "super" => {
                    while segs.first().is_some_and(|s| s == "super") {
                        segs.remove(0);
                        here.pop();
                    }
                    (file.krate, here)
                }
                first => {
                    let mut child = here.clone();
                    child.push(first.to_string());
                    if !modules.contains(&(file.krate, child)) {
                        return None;
                    }
                    (file.krate, here)
                }
            };
            base.extend(segs.into_iter().filter(|s| s != "self"));
            Some((krate, base))
        };
    while i < toks.len() {
        let (tok, line) = (&toks[i].0, toks[i].1);
        match tok {
            Tok::Ident(k) if k == "mod" => {
                if let (Some((Tok::Ident(name), _)), Some((Tok::Punct('{'), _))) =
                    (toks.get(i + 1), toks.get(i + 2))
                {
                    depth += 1;
                    inline.push((name.clone(), depth));
                    i += 3;
                    continue;
                }
                i += 1;
            }
            Tok::Ident(k) if k == "use" => {
                i += 1;
                let mut paths = Vec::new();
                use_tree(&toks, &mut i, Vec::new(), &mut paths);
                for p in paths {
                    if let Some((krate, target)) = resolve(&p, &inline) {
                        out.push(Import {
                            file: file.path.clone(),
                            line,
                            written: shown(&p),
                            krate,
                            target,
                        });
                    }
                }
            }
            Tok::Ident(k)
                if matches!(k.as_str(), "crate" | "super" | "self")
                    || (k == "supportsim" && file.krate == Crate::Bin) =>
            {
                let starts_path = i == 0 || toks[i - 1].0 != Tok::Path;
                if starts_path && toks.get(i + 1).map(|t| &t.0) == Some(&Tok::Path) {
                    let mut p = vec![k.clone()];
                    i += 1;
                    while toks.get(i).map(|t| &t.0) == Some(&Tok::Path) {
                        match toks.get(i + 1) {
                            Some((Tok::Ident(s), _)) => {
                                p.push(s.clone());
                                i += 2;
                            }
                            _ => break,
                        }
                    }
                    if let Some((krate, target)) = resolve(&p, &inline) {
                        out.push(Import {
                            file: file.path.clone(),
                            line,
                            written: shown(&p),
                            krate,
                            target,
                        });
                    }
                    continue;
                }
                i += 1;
            }
            Tok::Punct('{') => {
                depth += 1;
                i += 1;
            }
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// A path as written, without a trailing `self` (`use super::table::{self, Grid}` imports `super::table`).
fn shown(path: &[String]) -> String {
    match path.split_last() {
        Some((last, rest)) if last == "self" && !rest.is_empty() => rest.join("::"),
        _ => path.join("::"),
    }
}

/// The top-level module a file belongs to (`model` for src/model/center.rs); `None` for lib.rs and main.rs.
fn top(module: &[String]) -> Option<&str> {
    module.first().map(String::as_str)
}

/// The file a resolved path lives in: the longest prefix of the path that is a file's module.
fn file_of<'a>(
    krate: Crate,
    target: &[String],
    files: &'a BTreeMap<(Crate, Vec<String>), String>,
) -> Option<&'a String> {
    (1..=target.len())
        .rev()
        .find_map(|n| files.get(&(krate, target[..n].to_vec())))
}

fn layer_of(module: &str) -> Option<(usize, &'static str)> {
    LAYERS
        .iter()
        .enumerate()
        .find(|(_, (_, mods))| mods.contains(&module))
        .map(|(k, (name, _))| (k, *name))
}

/// The layer rule over a set of files: one message per offending import.
fn layer_violations(files: &[SourceFile]) -> Vec<String> {
    let modules: BTreeSet<(Crate, Vec<String>)> =
        files.iter().map(|f| (f.krate, f.module.clone())).collect();
    let mut problems = Vec::new();
    for f in files {
        let Some(from) = top(&f.module) else {
            continue; // lib.rs and main.rs only declare modules
        };
        let Some((from_layer, from_name)) = layer_of(from) else {
            problems.push(format!(
                "{}: module `{from}` is in no layer: add it to LAYERS in tests/layers.rs",
                f.path
            ));
            continue;
        };
        for imp in imports(f, &modules) {
            let Some(to) = top(&imp.target) else {
                continue;
            };
            if to == from {
                continue;
            }
            let Some((to_layer, to_name)) = layer_of(to) else {
                problems.push(format!(
                    "{}:{}: imports `{}`, but module `{to}` is in no layer: add it to LAYERS in tests/layers.rs",
                    imp.file, imp.line, imp.written
                ));
                continue;
            };
            let rule = if to_layer > from_layer {
                "a module may import only from lower layers"
            } else if to_layer == from_layer {
                "modules of one layer may not import each other"
            } else {
                continue;
            };
            problems.push(format!(
                "{}:{}: imports `{}`: {from} (layer {from_layer}, {from_name}) may not import {to} (layer {to_layer}, {to_name}): {rule}",
                imp.file, imp.line, imp.written
            ));
        }
    }
    problems
}

/// Groups of nodes that reach each other (strongly connected components of more than one node).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    let nodes: BTreeSet<&String> = edges
        .keys()
        .chain(edges.values().flat_map(|s| s.iter()))
        .collect();
    let reach = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(n) = stack.pop() {
            for m in edges.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    stack.push(m.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut out: Vec<BTreeSet<String>> = Vec::new();
    for n in &nodes {
        if !reached[n].contains(*n) {
            continue;
        }
        let scc: BTreeSet<String> = nodes
            .iter()
            .filter(|m| reached[n].contains(**m) && reached[**m].contains(*n))
            .map(|m| (*m).clone())
            .collect();
        if scc.len() > 1 && !out.contains(&scc) {
            out.push(scc);
        }
    }
    out
}

/// Describes a cycle by the imports that make it: `a -> b (file:line imports x)`.
fn describe(scc: &BTreeSet<String>, examples: &BTreeMap<(String, String), String>) -> String {
    let lines: Vec<String> = examples
        .iter()
        .filter(|((a, b), _)| a != b && scc.contains(a) && scc.contains(b))
        .map(|((a, b), how)| format!("  {a} -> {b}: {how}"))
        .collect();
    format!(
        "{} import each other:\n{}",
        scc.iter().cloned().collect::<Vec<_>>().join(", "),
        lines.join("\n")
    )
}

fn module_cycles(files: &[SourceFile]) -> Vec<String> {
    let modules: BTreeSet<(Crate, Vec<String>)> =
        files.iter().map(|f| (f.krate, f.module.clone())).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut examples = BTreeMap::new();
    for f in files {
        let Some(from) = top(&f.module) else { continue };
        for imp in imports(f, &modules) {
            if let Some(to) = top(&imp.target)
                && to != from
            {
                edges.entry(from.into()).or_default().insert(to.into());
                examples
                    .entry((from.to_string(), to.to_string()))
                    .or_insert_with(|| {
                        format!("{}:{} imports `{}`", imp.file, imp.line, imp.written)
                    });
            }
        }
    }
    cycles(&edges)
        .iter()
        .map(|c| format!("a cycle of top-level modules: {}", describe(c, &examples)))
        .collect()
}

/// File cycles among the files under `dir` (e.g. `src/report/`).
fn file_cycles(files: &[SourceFile], dir: &str) -> Vec<BTreeSet<String>> {
    let modules: BTreeSet<(Crate, Vec<String>)> =
        files.iter().map(|f| (f.krate, f.module.clone())).collect();
    let by_module: BTreeMap<(Crate, Vec<String>), String> = files
        .iter()
        .map(|f| ((f.krate, f.module.clone()), f.path.clone()))
        .collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files.iter().filter(|f| f.path.starts_with(dir)) {
        for imp in imports(f, &modules) {
            if let Some(to) = file_of(imp.krate, &imp.target, &by_module)
                && to.starts_with(dir)
                && *to != f.path
            {
                edges.entry(f.path.clone()).or_default().insert(to.clone());
            }
        }
    }
    cycles(&edges)
}

fn file_cycle_examples(files: &[SourceFile]) -> BTreeMap<(String, String), String> {
    let modules: BTreeSet<(Crate, Vec<String>)> =
        files.iter().map(|f| (f.krate, f.module.clone())).collect();
    let by_module: BTreeMap<(Crate, Vec<String>), String> = files
        .iter()
        .map(|f| ((f.krate, f.module.clone()), f.path.clone()))
        .collect();
    let mut examples = BTreeMap::new();
    for f in files {
        for imp in imports(f, &modules) {
            if let Some(to) = file_of(imp.krate, &imp.target, &by_module) {
                examples
                    .entry((f.path.clone(), to.clone()))
                    .or_insert_with(|| format!("line {} imports `{}`", imp.line, imp.written));
            }
        }
    }
    examples
}

/// Uses of the crates only the command line may use, outside src/cli/ and src/main.rs.
fn cli_only_uses(files: &[SourceFile]) -> Vec<String> {
    let mut problems = Vec::new();
    for f in files.iter().filter(|f| f.krate == Crate::Lib) {
        let code = strip_comments_and_strings(&f.text);
        for (tok, line) in tokens(&code) {
            if let Tok::Ident(name) = tok
                && CLI_ONLY_CRATES.contains(&name.as_str())
            {
                problems.push(format!(
                    "{}:{line}: uses `{name}`, which only src/cli/ and src/main.rs may use: return a library error (thiserror) or take a callback instead",
                    f.path
                ));
            }
        }
    }
    problems
}

fn crate_files() -> Vec<SourceFile> {
    source_files(Path::new(env!("CARGO_MANIFEST_DIR")))
}

#[test]
fn imports_go_only_down_the_layers() {
    let problems = layer_violations(&crate_files());
    assert!(
        problems.is_empty(),
        "imports that break the layers (tests/layers.rs LAYERS, lowest first: {}):\n{}",
        LAYERS
            .iter()
            .map(|(_, m)| m.join(" "))
            .collect::<Vec<_>>()
            .join(" | "),
        problems.join("\n")
    );
}

#[test]
fn top_level_modules_have_no_cycle() {
    let problems = module_cycles(&crate_files());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn report_files_have_no_cycle() {
    let files = crate_files();
    let examples = file_cycle_examples(&files);
    let found = file_cycles(&files, "src/report/");
    let known: Vec<BTreeSet<String>> = KNOWN_REPORT_CYCLES
        .iter()
        .map(|c| c.iter().map(|s| s.to_string()).collect())
        .collect();
    let mut problems: Vec<String> = found
        .iter()
        .filter(|c| !known.contains(c))
        .map(|c| {
            format!(
                "a cycle of files in src/report/: {}",
                describe(c, &examples)
            )
        })
        .collect();
    problems.extend(known.iter().filter(|k| !found.contains(k)).map(|k| {
        format!(
            "{} no longer import each other: remove them from KNOWN_REPORT_CYCLES in tests/layers.rs",
            k.iter().cloned().collect::<Vec<_>>().join(" and ")
        )
    }));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn anyhow_and_indicatif_only_in_the_cli() {
    let problems = cli_only_uses(&crate_files());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The checks themselves, on made-up files: they must catch what they are for.
mod checks {
    use super::*;

    fn file(path: &str, text: &str) -> SourceFile {
        let (krate, module) = module_of(path);
        SourceFile {
            path: path.into(),
            krate,
            module,
            text: text.into(),
        }
    }

    fn targets(f: &SourceFile, others: &[SourceFile]) -> Vec<String> {
        let modules: BTreeSet<(Crate, Vec<String>)> = others
            .iter()
            .chain([f])
            .map(|f| (f.krate, f.module.clone()))
            .collect();
        imports(f, &modules)
            .into_iter()
            .map(|i| i.target.join("::"))
            .collect()
    }

    #[test]
    fn imports_are_found_and_resolved() {
        let child = file("src/report/sheet.rs", "");
        let f = file(
            "src/report/mod.rs",
            "//! crate::model::x in a comment\n\
             use crate::{stats::{Estimate, tally::T}, scenario::Scenario as S};\n\
             use super::time::*;\n\
             pub use sheet::{self, Cell};\n\
             use serde::Serialize;\n\
             fn f() { let s = \"crate::routing::x\"; let c = '\\''; crate::experience::LEVELS.len(); }\n\
             fn g<'a>(x: &'a str) -> &'a str { x }\n\
             mod tests { use super::*; use super::super::engine::EventQueue; }\n\
             fn h() { self::sheet::f(); }\n",
        );
        assert_eq!(
            targets(&f, &[child]),
            [
                "stats::Estimate",
                "stats::tally::T",
                "scenario::Scenario",
                "time::*",
                "report::sheet",
                "report::sheet::Cell",
                "experience::LEVELS",
                "report::*",
                "engine::EventQueue",
                "report::sheet::f",
            ]
        );
        let nested = file(
            "src/scenario/validate/training.rs",
            "use super::Validator; use super::super::file::F; use crate::dist::Dist;",
        );
        assert_eq!(
            targets(&nested, &[]),
            [
                "scenario::validate::Validator",
                "scenario::file::F",
                "dist::Dist"
            ]
        );
        let cli = file(
            "src/cli/run.rs",
            "use supportsim::report::Report; use super::BadInput;",
        );
        assert_eq!(targets(&cli, &[]), ["report::Report", "cli::BadInput"]);
    }

    #[test]
    fn an_upward_import_is_caught() {
        let files = [
            file("src/stats/mod.rs", "use crate::model::center::simulate;"),
            file("src/model/mod.rs", "use crate::stats::Estimate;"),
            file("src/routing/mod.rs", "fn f() { crate::model::x(); }"),
            file("src/dist.rs", "use crate::{time::profile::PerInterval};"),
            file("src/nowhere.rs", ""),
        ];
        let problems = layer_violations(&files);
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(
            problems[0].starts_with(
                "src/stats/mod.rs:1: imports `crate::model::center::simulate`: stats (layer 0, leaves"
            ),
            "{}",
            problems[0]
        );
        assert!(problems[0].contains("may not import model (layer 4, model)"));
        assert!(problems[0].ends_with("a module may import only from lower layers"));
        assert!(
            problems[1].starts_with("src/routing/mod.rs:1: imports `crate::model::x`: routing")
        );
        assert!(problems[2].contains("modules of one layer may not import each other"));
        assert!(problems[3].contains("module `nowhere` is in no layer"));
        let cycle = module_cycles(&files);
        assert_eq!(cycle.len(), 1, "{cycle:?}");
        assert!(
            cycle[0].contains("model, stats import each other"),
            "{}",
            cycle[0]
        );
    }

    #[test]
    fn a_file_cycle_and_a_cli_only_crate_are_caught() {
        let files = [
            file("src/report/a.rs", "use super::b::X;"),
            file("src/report/b.rs", "fn f() { super::a::g() }"),
            file("src/report/c.rs", "use super::a::Y;"),
            file(
                "src/experiment/mod.rs",
                "use indicatif::ProgressBar; // anyhow",
            ),
            file("src/cli/mod.rs", "use anyhow::Context;"),
        ];
        let found = file_cycles(&files, "src/report/");
        assert_eq!(
            found,
            [BTreeSet::from([
                "src/report/a.rs".to_string(),
                "src/report/b.rs".to_string()
            ])]
        );
        let problems = cli_only_uses(&files);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("src/experiment/mod.rs:1: uses `indicatif`"));
    }
}
