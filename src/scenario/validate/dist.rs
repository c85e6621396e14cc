//! Distributions (`{ dist = "...", mean = ... }`) checked into `Dist`, and empirical samples read from a
//! file.

use super::Validator;
use crate::dist::Dist;
use crate::scenario::file::DistFile;
use crate::time::duration::{DurationError, parse_duration};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

impl Validator<'_> {
    pub(super) fn dist(&mut self, key: &str, d: &Spanned<DistFile>) -> Option<Dist> {
        let f = d.get_ref();
        let family = f.dist.get_ref().as_str();
        // Which optional keys each family takes, so a stray key is an error rather than silently ignored.
        let allowed: &[&str] = match family {
            "exponential" | "fixed" => &["mean"],
            "lognormal" | "gamma" | "hyperexponential" => &["mean", "cv"],
            "weibull" => &["mean", "shape"],
            "erlang" => &["mean", "k"],
            "empirical" => &["values", "file"],
            other => {
                self.err(
                    f.dist.span(),
                    format!("{key}.dist = \"{other}\": unknown distribution; use exponential, lognormal, gamma, weibull, erlang, hyperexponential, fixed or empirical"),
                );
                return None;
            }
        };
        let present: [(&str, Option<Range<usize>>); 6] = [
            ("mean", f.mean.as_ref().map(|x| x.span())),
            ("cv", f.cv.as_ref().map(|x| x.span())),
            ("shape", f.shape.as_ref().map(|x| x.span())),
            ("k", f.k.as_ref().map(|x| x.span())),
            ("values", f.values.as_ref().map(|x| x.span())),
            ("file", f.file.as_ref().map(|x| x.span())),
        ];
        let mut ok = true;
        for (k, span) in &present {
            if let Some(span) = span
                && !allowed.contains(k)
            {
                self.err(
                    span.clone(),
                    format!(
                        "{key}.{k}: is not a parameter of {family}; {family} takes {}",
                        allowed.join(" and ")
                    ),
                );
                ok = false;
            }
        }
        let need = |v: &mut Self, k: &str| {
            v.err(
                d.span(),
                format!("{key}: {family} needs `{k}`; e.g. {}", example(family)),
            );
        };
        if family == "empirical" {
            return match (&f.values, &f.file) {
                (Some(_), Some(file)) => {
                    self.err(
                        file.span(),
                        format!("{key}: give either `values` or `file`, not both"),
                    );
                    None
                }
                (None, None) => {
                    need(self, "values` or `file");
                    None
                }
                (Some(values), None) => {
                    let xs: Vec<f64> = values.get_ref().iter().map(|x| x.seconds).collect();
                    self.dist_result(key, values.span(), Dist::empirical(xs, None))
                }
                (None, Some(file)) => {
                    let path = match self.base_dir {
                        Some(dir) => dir.join(file.get_ref()),
                        None => Path::new(file.get_ref()).to_path_buf(),
                    };
                    match read_values(&path) {
                        Ok(xs) => {
                            // Kept absolute, so the resolved scenario written into the output folder
                            // still finds the file.
                            let path = std::fs::canonicalize(&path).unwrap_or(path);
                            self.dist_result(key, file.span(), Dist::empirical(xs, Some(path)))
                        }
                        Err(msg) => {
                            self.err(
                                file.span(),
                                format!("{key}.file = \"{}\": {msg}", file.get_ref()),
                            );
                            None
                        }
                    }
                }
            };
        }
        let Some(mean) = &f.mean else {
            need(self, "mean");
            return None;
        };
        if !ok {
            return None;
        }
        let (m, mean_span) = (mean.get_ref().seconds, mean.span());
        if !(m > 0.0) {
            self.err(
                mean_span,
                format!(
                    "{key}.mean = {}: must be a positive duration such as \"5m\"",
                    mean.get_ref().text
                ),
            );
            return None;
        }
        let param_f = |x: &Option<Spanned<f64>>| x.as_ref().map(|x| (*x.get_ref(), x.span()));
        let result = match family {
            "exponential" => Dist::exponential(m),
            "fixed" => Dist::fixed(m),
            "lognormal" | "gamma" | "hyperexponential" => {
                let Some((cv, span)) = param_f(&f.cv) else {
                    need(self, "cv");
                    return None;
                };
                let r = match family {
                    "lognormal" => Dist::lognormal(m, cv),
                    "gamma" => Dist::gamma(m, cv),
                    _ => Dist::hyperexponential(m, cv),
                };
                return self.dist_result(key, span, r);
            }
            "weibull" => {
                let Some((shape, span)) = param_f(&f.shape) else {
                    need(self, "shape");
                    return None;
                };
                return self.dist_result(key, span, Dist::weibull(m, shape));
            }
            "erlang" => {
                let Some(k) = &f.k else {
                    need(self, "k");
                    return None;
                };
                return self.dist_result(key, k.span(), Dist::erlang(m, *k.get_ref()));
            }
            _ => unreachable!("families were matched above"),
        };
        self.dist_result(key, mean_span, result)
    }

    fn dist_result(
        &mut self,
        key: &str,
        span: Range<usize>,
        r: Result<Dist, crate::dist::DistError>,
    ) -> Option<Dist> {
        match r {
            Ok(d) => Some(d),
            Err(e) => {
                self.err(span, format!("{key}.{e}"));
                None
            }
        }
    }
}

fn example(family: &str) -> &'static str {
    match family {
        "lognormal" => "{ dist = \"lognormal\", mean = \"5m\", cv = 0.8 }",
        "gamma" => "{ dist = \"gamma\", mean = \"5m\", cv = 0.8 }",
        "hyperexponential" => "{ dist = \"hyperexponential\", mean = \"5m\", cv = 1.5 }",
        "weibull" => "{ dist = \"weibull\", mean = \"5m\", shape = 1.5 }",
        "erlang" => "{ dist = \"erlang\", mean = \"5m\", k = 3 }",
        "empirical" => {
            "{ dist = \"empirical\", values = [\"2m\", \"5m\", \"9m\"] } or { dist = \"empirical\", file = \"aht.txt\" }"
        }
        "fixed" => "{ dist = \"fixed\", mean = \"5m\" }",
        _ => "{ dist = \"exponential\", mean = \"5m\" }",
    }
}

/// Why an empirical sample file could not be read.
#[derive(Debug, thiserror::Error)]
enum SampleFileError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A line (1-based) that is not a duration.
    #[error("{}:{line}: {source}", path.display())]
    Value {
        path: PathBuf,
        line: usize,
        source: DurationError,
    },
}

/// Reads an empirical sample: one value per line (seconds, or a duration with a unit); blank lines and lines
/// starting with `#` are skipped.
fn read_values(path: &Path) -> Result<Vec<f64>, SampleFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| SampleFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let v = parse_duration(line).map_err(|source| SampleFileError::Value {
            path: path.to_path_buf(),
            line: n + 1,
            source,
        })?;
        out.push(v);
    }
    Ok(out)
}
