//! Errors from the TOML reader (syntax, types, unknown keys), given the key path they concern and a fix.

use crate::scenario::error::ScenarioError;

/// A syntax, type or unknown-key error from the TOML reader, with the key path it concerns and a fix.
pub(super) fn toml_error(e: &toml::de::Error, text: &str, origin: &str) -> ScenarioError {
    let mut message = e.message().trim_end().to_string();
    if message.starts_with("unknown field") {
        message = unknown_field_message(&message);
    } else if message.starts_with("missing field") {
        message.push_str(": add it (docs/scenario.md lists every key)");
    }
    // A whole number beyond 64 bits: the reader names its Rust type ("as i128").
    if let Some((n, _)) = message
        .strip_prefix("invalid type: integer `")
        .and_then(|r| r.split_once("` as i128"))
    {
        message = format!(
            "{n} is out of range: whole numbers here go from {} to {}",
            i64::MIN,
            i64::MAX
        );
    }
    message = plain_types(&message);
    let Some(span) = e.span() else {
        return ScenarioError::io(origin, message);
    };
    // `[channels]` where a list of tables is meant: the reader says "map, expected a sequence". The
    // message names the key itself, so no key path goes in front (the path would be the table before it).
    let mut with_path = true;
    let line = text[span.start.min(text.len())..]
        .lines()
        .next()
        .unwrap_or("")
        .trim();
    if message.contains("expected a sequence")
        && let Some(name) = line
            .strip_prefix('[')
            .filter(|r| !r.starts_with('['))
            .and_then(|r| r.split(']').next())
    {
        let name = name.trim();
        message = format!(
            "`[{name}]` is one table, but {name} is a list of tables: write `[[{name}]]` (two brackets) before each of its entries"
        );
        with_path = false;
    }
    if let Some(fixed) = syntax_fix(&message, text, span.start, line) {
        message = fixed;
    }
    let unknown_key = message.starts_with("unknown field");
    if with_path && let Some(path) = key_path_at(text, span.start, !unknown_key) {
        message = format!("{path}: {message}");
    }
    ScenarioError::at(origin, text, span.start, message)
}

/// A fix for the TOML reader's bare syntax messages ("duplicate key", "invalid basic string", ...), which
/// name neither the key nor what to write instead; `None` for the messages already clear.
fn syntax_fix(message: &str, text: &str, at: usize, line: &str) -> Option<String> {
    let here = text
        .get(at.min(text.len())..)
        .and_then(|r| r.chars().next());
    if let Some(c) = here.filter(|c| c.is_control() && *c != '\t' && *c != '\n' && *c != '\r') {
        return Some(format!(
            "a control character (U+{:04X}) in the text: remove it, or write it as the escape \"\\u{:04X}\" inside quotes",
            u32::from(c),
            u32::from(c)
        ));
    }
    if message == "duplicate key" {
        let key = line
            .split_once('=')
            .map_or(line, |(k, _)| k)
            .trim()
            .trim_matches(['[', ']'])
            .trim();
        return Some(format!(
            "duplicate key: `{key}` is set twice in the same table; keep one of them"
        ));
    }
    if message.starts_with("key with no value") {
        // The reader points after the key: take the key from the start of its line.
        let at = at.min(text.len());
        let whole = text[text[..at].rfind('\n').map_or(0, |i| i + 1)..]
            .lines()
            .next()
            .unwrap_or(line);
        let key = whole.split_whitespace().next().unwrap_or("key");
        return Some(format!(
            "`{key}`: {message}: write `{key} = <value>`, e.g. horizon = \"8h\""
        ));
    }
    if message == "invalid basic string, expected `\"`" {
        return Some("unclosed text: end it with `\"` on the same line (text over several lines goes in triple quotes `\"\"\"`)".into());
    }
    if message.contains("max recursion depth") {
        return Some("arrays or tables nested too deeply: give a number or an array of numbers (one per interval)".into());
    }
    None
}

/// The TOML reader's "unknown field `x`, expected one of `a`, `b`, ..." as a fix: the nearest valid key
/// when one is close enough to be a misspelling ("did you mean `replications`?"), else the valid keys.
fn unknown_field_message(message: &str) -> String {
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let Some((&unknown, valid)) = quoted.split_first() else {
        return format!(
            "{message}: correct the key or remove it (docs/scenario.md lists every key)"
        );
    };
    match did_you_mean(unknown, valid) {
        Some(best) => format!(
            "unknown field `{unknown}`: did you mean `{best}`? (docs/scenario.md lists every key)"
        ),
        None if valid.is_empty() => {
            format!("unknown field `{unknown}`: remove it (docs/scenario.md lists every key)")
        }
        None => format!(
            "unknown field `{unknown}`: correct the key or remove it; the keys here are {} (docs/scenario.md lists every key)",
            valid
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The valid key nearest to `typed` by edit distance (case-insensitive; adjacent swaps count one), if it
/// is within a third of the key's length (at least 1, at most 3 edits): a typo, not another key. Ties go to
/// the first listed.
pub(crate) fn did_you_mean<'a>(typed: &str, valid: &[&'a str]) -> Option<&'a str> {
    let typed = typed.to_lowercase();
    valid
        .iter()
        .map(|&k| (osa_distance(&typed, &k.to_lowercase()), k))
        .filter(|&(d, k)| d <= (k.chars().count() / 3).clamp(1, 3))
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Optimal string alignment distance (Levenshtein plus transpositions of adjacent characters), over chars.
fn osa_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// The reader's Rust type names in words a scenario's author uses: "expected i64" becomes "expected a whole
/// number", "expected f64" "expected a number", and "invalid type: string" "got the text".
fn plain_types(message: &str) -> String {
    let mut m = message.to_string();
    for int in ["i64", "u64", "u32", "u16", "u8", "i32", "usize"] {
        m = m.replace(&format!("expected {int}"), "expected a whole number");
    }
    m = m.replace("expected f64", "expected a number");
    m = m.replace("invalid type: string", "got the text");
    m = m.replace("invalid type: floating point", "got the number");
    m = m.replace("invalid type: integer", "got the whole number");
    m = m.replace("invalid type: boolean", "got the boolean");
    m = m.replace("invalid type: map", "got a table");
    m = m.replace("invalid type: sequence", "got a list");
    m = m.replace("expected a string", "expected text in quotes");
    m
}

/// Byte offset of the last `=` in `line` that is not inside a quoted string.
fn last_assignment(line: &str) -> Option<usize> {
    let (mut quote, mut escaped, mut last) = (None::<char>, false, None);
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '=') => last = Some(i),
            _ => {}
        }
        escaped = false;
    }
    last
}

/// The dotted key path at byte `at`, as the validator names keys (`groups[0].size`): the table from the last
/// `[table]` or `[[array]]` header before it (arrays counted to give the index), then, if `with_key`, the
/// key of the nearest `key =` before `at` on its line. Best effort: `None` when the text gives no clue.
fn key_path_at(text: &str, at: usize, with_key: bool) -> Option<String> {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut table: Option<String> = None;
    let mut counts: Vec<(String, usize)> = Vec::new();
    for line in text[..line_start].lines() {
        let l = line.trim();
        if let Some(name) = l.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_string();
            let n = match counts.iter_mut().find(|(k, _)| *k == name) {
                Some((_, c)) => {
                    *c += 1;
                    *c
                }
                None => {
                    counts.push((name.clone(), 0));
                    0
                }
            };
            table = Some(format!("{name}[{n}]"));
        } else if let Some(name) = l.strip_prefix('[').and_then(|r| r.split(']').next()) {
            table = Some(name.trim().to_string());
        }
    }
    let key = if with_key {
        let before = &text[line_start..at];
        // The nearest `=` outside quotes before the error; the key is the identifier just before it.
        last_assignment(before).and_then(|eq| {
            let k = before[..eq].trim_end();
            let start = k
                .char_indices()
                .rev()
                .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let k = &k[start..];
            (!k.is_empty()).then(|| k.to_string())
        })
    } else {
        None
    };
    // Keys inside an inline table (`handle_time = { mean = "x" }`) are prefixed with the outer key.
    let key = key.map(|k| {
        let before = &text[line_start..at];
        match before.find('{') {
            Some(brace) if before[..brace].contains('=') => {
                let outer = before[..brace].trim_end().trim_end_matches('=').trim();
                if outer == k {
                    k
                } else {
                    format!("{outer}.{k}")
                }
            }
            _ => k,
        }
    });
    match (table, key) {
        (Some(t), Some(k)) => Some(format!("{t}.{k}")),
        (Some(t), None) => Some(t),
        (None, Some(k)) => Some(k),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{did_you_mean, key_path_at, unknown_field_message};

    #[test]
    fn type_errors_read_in_words() {
        use super::plain_types;
        assert_eq!(
            plain_types("invalid type: string \"eight\", expected i64"),
            "got the text \"eight\", expected a whole number"
        );
        assert_eq!(
            plain_types("invalid type: floating point `10.5`, expected u32"),
            "got the number `10.5`, expected a whole number"
        );
    }

    #[test]
    fn a_misspelt_key_gets_the_nearest_valid_one() {
        let valid = [
            "name",
            "seed",
            "replications",
            "horizon",
            "warmup",
            "interval",
        ];
        assert_eq!(did_you_mean("replicatons", &valid), Some("replications"));
        assert_eq!(did_you_mean("Replications", &valid), Some("replications"));
        assert_eq!(did_you_mean("horizno", &valid), Some("horizon")); // adjacent swap: one edit
        assert_eq!(did_you_mean("sede", &valid), Some("seed"));
        // Far from every key: no guess.
        assert_eq!(did_you_mean("colour", &valid), None);
        let m = unknown_field_message(
            "unknown field `replicatons`, expected one of `name`, `seed`, `replications`",
        );
        assert_eq!(
            m,
            "unknown field `replicatons`: did you mean `replications`? (docs/scenario.md lists every key)"
        );
        let m = unknown_field_message("unknown field `colour`, expected `name` or `seed`");
        assert!(m.contains("the keys here are `name`, `seed`"), "{m}");
    }

    #[test]
    fn key_paths_from_source_positions() {
        let text = "name = \"x\"\n[[channels]]\nname = \"a\"\n[[channels]]\nhandle_time = { dist = \"exponential\", mean = true }\n[[groups]]\nsize = \"ten\"\n";
        let at = |needle: &str| text.find(needle).expect("needle");
        assert_eq!(
            key_path_at(text, at("true"), true).as_deref(),
            Some("channels[1].handle_time.mean")
        );
        assert_eq!(
            key_path_at(text, at("\"ten\""), true).as_deref(),
            Some("groups[0].size")
        );
        assert_eq!(
            key_path_at(text, at("size"), false).as_deref(),
            Some("groups[0]")
        );
        assert_eq!(
            key_path_at(text, at("\"x\""), true).as_deref(),
            Some("name")
        );
        // A multi-byte character before the error must not be split (this used to panic), and an `=`
        // inside a string is not an assignment.
        let text = "name = \"Büro=\\q\"\n";
        assert_eq!(
            key_path_at(text, text.find("\\q").expect("needle"), true).as_deref(),
            Some("name")
        );
        let text = "é= 1\n";
        assert_eq!(key_path_at(text, text.len() - 2, true), None);
    }
}
