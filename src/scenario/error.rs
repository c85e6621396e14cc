//! Scenario errors that point at the file, line, column and key, quote the value and say the fix.

use std::fmt;

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    pub file: String,
    /// 1-based line and column; `None` when the problem has no place in the text (an unreadable file).
    pub location: Option<(usize, usize)>,
    /// The offending source line, shown under the message.
    pub source_line: Option<String>,
    pub message: String,
}

impl ScenarioError {
    pub fn io(file: &str, message: String) -> Self {
        ScenarioError {
            file: file.to_string(),
            location: None,
            source_line: None,
            message,
        }
    }

    /// An error at byte offset `at` of `text`.
    pub fn at(file: &str, text: &str, at: usize, message: String) -> Self {
        let at = at.min(text.len());
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..at].chars().count() + 1;
        let source_line = text[line_start..].lines().next().unwrap_or("").to_string();
        ScenarioError {
            file: file.to_string(),
            location: Some((line, column)),
            source_line: Some(source_line),
            message,
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Some((line, column)) => {
                write!(f, "{}:{}:{}: {}", self.file, line, column, self.message)?;
                if let Some(src) = &self.source_line {
                    let gutter = line.to_string().len();
                    write!(
                        f,
                        "\n{:gutter$} |\n{line} | {src}\n{:gutter$} | {:>column$}",
                        "", "", "^"
                    )?;
                }
                Ok(())
            }
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Every problem found in one file (validation keeps going so a user fixes them all in one pass).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl ScenarioErrors {
    pub fn single(e: ScenarioError) -> Self {
        ScenarioErrors(vec![e])
    }
}

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_from_offset() {
        let text = "a = 1\nbb = -3\n";
        let e = ScenarioError::at("s.toml", text, 11, "bad".into());
        assert_eq!(e.location, Some((2, 6)));
        assert_eq!(
            e.to_string(),
            "s.toml:2:6: bad\n  |\n2 | bb = -3\n  |      ^"
        );
    }
}
