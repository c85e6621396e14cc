//! Distributions (`{ dist = "...", mean = ... }`) checked into `Dist`, and empirical samples read from a
//! file.

use super::Validator;
use crate::dist::{Dist, DistError};
use crate::scenario::MeanProfile;
use crate::scenario::datafile::{DataFileError, read_text_file};
use crate::scenario::file::DistFile;
use crate::time::duration::{DurationError, parse_duration};
use crate::time::profile::PerInterval;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

impl Validator<'_> {
    /// A distribution without a time-varying mean (every duration key but handle_time and patience).
    pub(super) fn dist(&mut self, key: &str, d: &Spanned<DistFile>) -> Option<Dist> {
        self.no_means(key, d);
        self.dist_of(key, d, false)
    }

    /// A distribution that may carry a time-varying mean (`mean_by_hour` or `mean_by_interval`):
    /// handle_time and patience. `intervals`: the horizon's number of reporting intervals.
    pub(super) fn timed_dist(
        &mut self,
        key: &str,
        d: &Spanned<DistFile>,
        intervals: usize,
    ) -> Option<(Dist, Option<MeanProfile>)> {
        let f = d.get_ref();
        let dist = self.dist_of(key, d, false);
        let means = match (&f.mean_by_hour, &f.mean_by_interval) {
            (None, None) => Some(None),
            (Some(_), Some(b)) => {
                self.err(
                    b.span(),
                    format!("{key}: give either `mean_by_hour` or `mean_by_interval`, not both"),
                );
                None
            }
            (Some(h), None) => {
                let v = h.get_ref();
                if v.len() != 24 {
                    self.err(h.span(), format!("{key}.mean_by_hour: has {} values: give 24, one per clock hour (the first for 00:00-01:00)", v.len()));
                    None
                } else {
                    self.positive_means(key, "mean_by_hour", h)
                        .map(|v| Some(MeanProfile::ByHour(v)))
                }
            }
            (None, Some(b)) => {
                if self.profile_length_ok(
                    &format!("{key}.mean_by_interval"),
                    b.span(),
                    b.get_ref().len(),
                    intervals,
                ) {
                    self.positive_means(key, "mean_by_interval", b).map(|v| {
                        Some(MeanProfile::ByInterval(
                            PerInterval::new(v).expect("length checked"),
                        ))
                    })
                } else {
                    None
                }
            }
        };
        Some((dist?, means?))
    }

    fn positive_means(
        &mut self,
        key: &str,
        name: &str,
        v: &Spanned<Vec<crate::time::duration::DurationValue>>,
    ) -> Option<Vec<f64>> {
        if let Some((i, x)) = v
            .get_ref()
            .iter()
            .enumerate()
            .find(|(_, x)| !(x.seconds > 0.0))
        {
            self.err(
                v.span(),
                format!(
                    "{key}.{name}[{i}] = {}: must be a positive duration such as \"5m\"",
                    x.text
                ),
            );
            return None;
        }
        Some(v.get_ref().iter().map(|x| x.seconds).collect())
    }

    /// Refuses a time-varying mean where it does not apply.
    fn no_means(&mut self, key: &str, d: &Spanned<DistFile>) {
        let f = d.get_ref();
        for (k, span) in [
            ("mean_by_hour", f.mean_by_hour.as_ref().map(|x| x.span())),
            (
                "mean_by_interval",
                f.mean_by_interval.as_ref().map(|x| x.span()),
            ),
        ] {
            if let Some(span) = span {
                self.err(span, format!("{key}.{k}: a time-varying mean applies to the handle_time and patience of a channel or a class only; remove it"));
            }
        }
    }

    /// The distribution itself; `part`: a part of a mixture (it has a `share` and is no mixture).
    pub(super) fn dist_of(&mut self, key: &str, d: &Spanned<DistFile>, part: bool) -> Option<Dist> {
        let f = d.get_ref();
        let family = f.dist.get_ref().as_str();
        if !part && let Some(share) = &f.share {
            self.err(
                share.span(),
                format!("{key}.share: only the parts of a mixture have a share; remove it"),
            );
        }
        // Which optional keys each family takes, so a stray key is an error rather than silently ignored.
        let allowed: &[&str] = match family {
            "exponential" | "fixed" => &["mean"],
            "lognormal" => &["mean", "cv", "mu", "sigma"],
            "gamma" | "hyperexponential" => &["mean", "cv"],
            "weibull" => &["mean", "shape"],
            "erlang" => &["mean", "k"],
            "empirical" => &["values", "file"],
            "mixture" if part => {
                self.err(f.dist.span(), format!("{key}.dist = \"mixture\": a part cannot be a mixture itself; list its parts in this mixture (their shares multiplied)"));
                return None;
            }
            "mixture" => &["parts"],
            "survival" => &["points", "tail_mean"],
            other => {
                self.err(
                    f.dist.span(),
                    format!("{key}.dist = \"{other}\": unknown distribution; use exponential, lognormal, gamma, weibull, erlang, hyperexponential, fixed, empirical, mixture or survival"),
                );
                return None;
            }
        };
        let present: [(&str, Option<Range<usize>>); 11] = [
            ("mean", f.mean.as_ref().map(|x| x.span())),
            ("cv", f.cv.as_ref().map(|x| x.span())),
            ("shape", f.shape.as_ref().map(|x| x.span())),
            ("k", f.k.as_ref().map(|x| x.span())),
            ("values", f.values.as_ref().map(|x| x.span())),
            ("file", f.file.as_ref().map(|x| x.span())),
            ("mu", f.mu.as_ref().map(|x| x.span())),
            ("sigma", f.sigma.as_ref().map(|x| x.span())),
            ("parts", f.parts.as_ref().map(|x| x.span())),
            ("points", f.points.as_ref().map(|x| x.span())),
            ("tail_mean", f.tail_mean.as_ref().map(|x| x.span())),
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
        match family {
            "mixture" | "survival" | "lognormal" if !ok => return None,
            "mixture" => return self.mixture(key, d),
            "survival" => return self.survival(key, d),
            "lognormal" if f.mu.is_some() || f.sigma.is_some() => {
                if let Some(span) = f
                    .mean
                    .as_ref()
                    .map(|x| x.span())
                    .or(f.cv.as_ref().map(|x| x.span()))
                {
                    self.err(span, format!("{key}: give either `mean` and `cv`, or `mu` and `sigma` (of ln seconds), not both"));
                    return None;
                }
                let (Some(mu), Some(sigma)) = (&f.mu, &f.sigma) else {
                    need(self, if f.mu.is_none() { "mu" } else { "sigma" });
                    return None;
                };
                let r = Dist::lognormal_log(*mu.get_ref(), *sigma.get_ref());
                let span = match r {
                    Err(DistError::Mu(..)) => mu.span(),
                    _ => sigma.span(),
                };
                return self.dist_result(key, span, r);
            }
            _ => {}
        }
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

    /// `{ dist = "mixture", parts = [{ share, dist, ... }, ...] }`.
    fn mixture(&mut self, key: &str, d: &Spanned<DistFile>) -> Option<Dist> {
        let Some(parts) = &d.get_ref().parts else {
            self.err(
                d.span(),
                format!("{key}: mixture needs `parts`; e.g. {}", example("mixture")),
            );
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, p) in parts.get_ref().iter().enumerate() {
            let part_key = format!("{key}.parts[{i}]");
            self.no_means(&part_key, p);
            let dist = self.dist_of(&part_key, p, true);
            let Some(share) = &p.get_ref().share else {
                self.err(p.span(), format!("{part_key}: needs `share`, the part's share of the draws (the shares add up to 1)"));
                ok = false;
                continue;
            };
            match dist {
                Some(dist) => out.push((*share.get_ref(), dist)),
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        match Dist::mixture(out) {
            Ok(d) => Some(d),
            Err(DistError::Mixture { part, msg }) => {
                let span = part
                    .and_then(|i| parts.get_ref().get(i))
                    .map_or(parts.span(), |p| {
                        p.get_ref().share.as_ref().map_or(p.span(), |s| s.span())
                    });
                self.err(span, format!("{key}.{msg}"));
                None
            }
            Err(e) => {
                self.err(parts.span(), format!("{key}.{e}"));
                None
            }
        }
    }

    /// `{ dist = "survival", points = [["0s", 1.0], ...], tail_mean = "6m" }`.
    fn survival(&mut self, key: &str, d: &Spanned<DistFile>) -> Option<Dist> {
        let f = d.get_ref();
        let Some(points) = &f.points else {
            self.err(
                d.span(),
                format!(
                    "{key}: survival needs `points`; e.g. {}",
                    example("survival")
                ),
            );
            return None;
        };
        let xs: Vec<(f64, f64)> = points
            .get_ref()
            .iter()
            .map(|p| (p.get_ref().0.seconds, p.get_ref().1))
            .collect();
        let tail = f.tail_mean.as_ref().map(|t| t.get_ref().seconds);
        match Dist::survival(xs, tail) {
            Ok(d) => Some(d),
            Err(DistError::Survival { point, msg }) => {
                let span = match (point, &f.tail_mean) {
                    (Some(i), _) => points.get_ref()[i].span(),
                    (None, Some(t)) if msg.starts_with("tail_mean") => t.span(),
                    _ => points.span(),
                };
                self.err(span, format!("{key}.{msg}"));
                None
            }
            Err(e) => {
                self.err(points.span(), format!("{key}.{e}"));
                None
            }
        }
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
        "mixture" => {
            "{ dist = \"mixture\", parts = [{ share = 0.1, dist = \"exponential\", mean = \"4s\" }, { share = 0.9, dist = \"lognormal\", mean = \"200s\", cv = 1.0 }] }"
        }
        "survival" => {
            "{ dist = \"survival\", points = [[\"0s\", 1.0], [\"30s\", 0.8], [\"10m\", 0.2]], tail_mean = \"6m\" }"
        }
        _ => "{ dist = \"exponential\", mean = \"5m\" }",
    }
}

/// The most values an empirical sample file may hold (80 MB of samples): more is a data dump to sample
/// down, not a distribution to keep in memory once per channel.
const MAX_SAMPLE_VALUES: usize = 10_000_000;

/// Why an empirical sample file could not be read: each message starts with the file's path and, where the
/// problem is on a line, its line number (`aht.txt:12: ...`).
#[derive(Debug, thiserror::Error)]
enum SampleFileError {
    #[error("cannot read {}: {source}{}", path.display(), not_found_hint(source))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A directory, a device, a file too large or not text.
    #[error("{}: {source}", path.display())]
    File {
        path: PathBuf,
        source: DataFileError,
    },
    #[error("{}:{line}: not UTF-8 text (a binary file?): give one value per line as plain text", path.display())]
    NotText { path: PathBuf, line: usize },
    /// A line (1-based) that is not a duration.
    #[error("{}:{line}: {source}", path.display())]
    Value {
        path: PathBuf,
        line: usize,
        source: DurationError,
    },
    #[error("{}:{line}: {value}: must be zero or a positive duration", path.display())]
    Negative {
        path: PathBuf,
        line: usize,
        value: String,
    },
    #[error("{}: has no values: give one value per line (seconds, or a duration such as \"5m\"); blank lines and lines starting with # are skipped", path.display())]
    Empty { path: PathBuf },
    #[error("{}: all values are zero: give at least one positive value", path.display())]
    AllZero { path: PathBuf },
    #[error("{}:{line}: more than {MAX_SAMPLE_VALUES} values: sample the data down", path.display())]
    TooMany { path: PathBuf, line: usize },
}

/// The fix for a sample file that is not there: where a relative path is looked for.
fn not_found_hint(e: &std::io::Error) -> &'static str {
    if e.kind() == std::io::ErrorKind::NotFound {
        "; a relative path is read from the scenario file's folder: check the name, or give the full path"
    } else {
        ""
    }
}

/// Reads an empirical sample: one value per line (seconds, or a duration with a unit); blank lines and lines
/// starting with `#` are skipped. Every value is checked here, where its line is known.
fn read_values(path: &Path) -> Result<Vec<f64>, SampleFileError> {
    let path_buf = || path.to_path_buf();
    let text = read_text_file(path).map_err(|source| match source {
        DataFileError::Io(source) => SampleFileError::Read {
            path: path_buf(),
            source,
        },
        DataFileError::NotText { line } => SampleFileError::NotText {
            path: path_buf(),
            line,
        },
        source => SampleFileError::File {
            path: path_buf(),
            source,
        },
    })?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let v = parse_duration(line).map_err(|source| SampleFileError::Value {
            path: path_buf(),
            line: n + 1,
            source,
        })?;
        if !(v >= 0.0) {
            return Err(SampleFileError::Negative {
                path: path_buf(),
                line: n + 1,
                value: line.to_string(),
            });
        }
        if out.len() == MAX_SAMPLE_VALUES {
            return Err(SampleFileError::TooMany {
                path: path_buf(),
                line: n + 1,
            });
        }
        out.push(v);
    }
    if out.is_empty() {
        return Err(SampleFileError::Empty { path: path_buf() });
    }
    if out.iter().all(|&v| v == 0.0) {
        return Err(SampleFileError::AllZero { path: path_buf() });
    }
    Ok(out)
}
