//! Distributions for handle time and patience, validated at construction and sampled on the hot path.
//!
//! Every family is parametrised the way planners think: by its mean (seconds) plus one shape parameter
//! (cv, shape or k), so switching family keeps the load (arrival rate × mean handle time) unchanged.
//!
//! A leaf of the layering (tests/layers.rs): it imports nothing from the crate, so the scenario can hold
//! validated distributions and the model can sample them without either depending on the other.

use rand::Rng;
use rand_distr::{Distribution, Exp1, Gamma, StandardNormal, Weibull};
use std::path::PathBuf;
use std::sync::Arc;

/// A validated distribution of a non-negative duration in seconds.
#[derive(Debug, Clone)]
pub enum Dist {
    Exponential {
        mean: f64,
    },
    /// ln X ~ Normal(mu, sigma²) with sigma² = ln(1 + cv²), mu = ln(mean) − sigma²/2.
    LogNormal {
        mean: f64,
        cv: f64,
        mu: f64,
        sigma: f64,
    },
    /// Gamma with shape 1/cv² and scale mean·cv².
    Gamma {
        mean: f64,
        cv: f64,
        sampler: Gamma<f64>,
    },
    /// Weibull with the given shape; scale = mean / Γ(1 + 1/shape).
    Weibull {
        mean: f64,
        shape: f64,
        sampler: Weibull<f64>,
    },
    /// Sum of k exponential phases (Gamma with integer shape k).
    Erlang {
        mean: f64,
        k: u32,
        sampler: Gamma<f64>,
    },
    /// Two-phase hyperexponential with balanced means (Whitt 1982): p1/rate1 = p2/rate2,
    /// p1 = (1 + sqrt((cv² − 1)/(cv² + 1)))/2, rate_i = 2 p_i / mean.
    HyperExponential {
        mean: f64,
        cv: f64,
        p1: f64,
        rate1: f64,
        rate2: f64,
    },
    Fixed {
        value: f64,
    },
    /// Resampled uniformly from observed values (a bootstrap of the data).
    Empirical {
        values: Arc<[f64]>,
        mean: f64,
        source: Option<PathBuf>,
    },
}

/// A number as messages show it: plain when it is of ordinary size, scientific notation otherwise
/// (`1e300`, not three hundred digits).
pub struct Num(pub f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let a = self.0.abs();
        if a != 0.0 && !(1e-4..1e7).contains(&a) {
            write!(f, "{:e}", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// Why a set of parameters does not make a distribution; the scenario validator adds file:line and the key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistError {
    #[error("mean = {}: must be a positive number of seconds", Num(*.0))]
    Mean(f64),
    #[error("cv = {}: must be positive and at most 100", Num(*.0))]
    Cv(f64),
    #[error(
        "cv = {}: a hyperexponential needs 1 < cv <= 100 (use exponential for cv = 1, gamma or lognormal below)",
        Num(*.0)
    )]
    HyperCv(f64),
    #[error("shape = {}: must be between 0.1 and 100", Num(*.0))]
    Shape(f64),
    #[error("k = {0}: must be a whole number >= 1")]
    K(i64),
    #[error("{0}")]
    Empirical(String),
}

fn check_mean(mean: f64) -> Result<(), DistError> {
    if mean.is_finite() && mean > 0.0 {
        Ok(())
    } else {
        Err(DistError::Mean(mean))
    }
}

/// Largest coefficient of variation accepted: far beyond any observed handle time or patience, and small
/// enough that every derived parameter (cv², σ, phase rates) stays finite.
const MAX_CV: f64 = 100.0;

fn check_cv(cv: f64) -> Result<(), DistError> {
    if cv > 0.0 && cv <= MAX_CV {
        Ok(())
    } else {
        Err(DistError::Cv(cv))
    }
}

impl Dist {
    pub fn exponential(mean: f64) -> Result<Self, DistError> {
        check_mean(mean)?;
        Ok(Dist::Exponential { mean })
    }

    pub fn lognormal(mean: f64, cv: f64) -> Result<Self, DistError> {
        check_mean(mean)?;
        check_cv(cv)?;
        let sigma2 = (1.0 + cv * cv).ln();
        Ok(Dist::LogNormal {
            mean,
            cv,
            mu: mean.ln() - sigma2 / 2.0,
            sigma: sigma2.sqrt(),
        })
    }

    pub fn gamma(mean: f64, cv: f64) -> Result<Self, DistError> {
        check_mean(mean)?;
        check_cv(cv)?;
        let shape = 1.0 / (cv * cv);
        let sampler = Gamma::new(shape, mean / shape).map_err(|_| DistError::Cv(cv))?;
        Ok(Dist::Gamma { mean, cv, sampler })
    }

    pub fn weibull(mean: f64, shape: f64) -> Result<Self, DistError> {
        check_mean(mean)?;
        // Shapes below 0.1 have tails (Γ(1 + 10) ≈ 3.6e6 times the scale) that no real duration has.
        if !(0.1..=100.0).contains(&shape) {
            return Err(DistError::Shape(shape));
        }
        let scale = mean / statrs::function::gamma::gamma(1.0 + 1.0 / shape);
        let sampler = Weibull::new(scale, shape).map_err(|_| DistError::Shape(shape))?;
        Ok(Dist::Weibull {
            mean,
            shape,
            sampler,
        })
    }

    pub fn erlang(mean: f64, k: i64) -> Result<Self, DistError> {
        check_mean(mean)?;
        if !(1..=1_000_000).contains(&k) {
            return Err(DistError::K(k));
        }
        let sampler = Gamma::new(k as f64, mean / k as f64).map_err(|_| DistError::K(k))?;
        Ok(Dist::Erlang {
            mean,
            k: k as u32,
            sampler,
        })
    }

    pub fn hyperexponential(mean: f64, cv: f64) -> Result<Self, DistError> {
        check_mean(mean)?;
        if !(cv > 1.0 && cv <= MAX_CV) {
            return Err(DistError::HyperCv(cv));
        }
        let c2 = cv * cv;
        let p1 = 0.5 * (1.0 + ((c2 - 1.0) / (c2 + 1.0)).sqrt());
        Ok(Dist::HyperExponential {
            mean,
            cv,
            p1,
            rate1: 2.0 * p1 / mean,
            rate2: 2.0 * (1.0 - p1) / mean,
        })
    }

    pub fn fixed(value: f64) -> Result<Self, DistError> {
        check_mean(value)?;
        Ok(Dist::Fixed { value })
    }

    pub fn empirical(values: Vec<f64>, source: Option<PathBuf>) -> Result<Self, DistError> {
        if values.is_empty() {
            return Err(DistError::Empirical(
                "the list of values is empty: give at least one value".into(),
            ));
        }
        if let Some((i, v)) = values
            .iter()
            .enumerate()
            .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
        {
            return Err(DistError::Empirical(format!(
                "value #{} = {v}: must be a non-negative number of seconds",
                i + 1
            )));
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        if mean <= 0.0 {
            return Err(DistError::Empirical(
                "all values are zero: give at least one positive value".into(),
            ));
        }
        Ok(Dist::Empirical {
            values: values.into(),
            mean,
            source,
        })
    }

    /// The distribution's mean in seconds.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Exponential { mean }
            | Dist::LogNormal { mean, .. }
            | Dist::Gamma { mean, .. }
            | Dist::Weibull { mean, .. }
            | Dist::Erlang { mean, .. }
            | Dist::HyperExponential { mean, .. }
            | Dist::Empirical { mean, .. } => *mean,
            Dist::Fixed { value } => *value,
        }
    }

    /// The family name as written in scenario files.
    pub fn family(&self) -> &'static str {
        match self {
            Dist::Exponential { .. } => "exponential",
            Dist::LogNormal { .. } => "lognormal",
            Dist::Gamma { .. } => "gamma",
            Dist::Weibull { .. } => "weibull",
            Dist::Erlang { .. } => "erlang",
            Dist::HyperExponential { .. } => "hyperexponential",
            Dist::Fixed { .. } => "fixed",
            Dist::Empirical { .. } => "empirical",
        }
    }

    /// The mean of an exponential distribution, `None` for any other kind: lets a hot loop draw it without
    /// the match (the same draw as [`Dist::sample`]: `mean * Exp1`).
    pub fn exponential_mean(&self) -> Option<f64> {
        match self {
            Dist::Exponential { mean } => Some(*mean),
            _ => None,
        }
    }

    /// One draw, in seconds.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Exponential { mean } => {
                let e: f64 = Exp1.sample(rng);
                mean * e
            }
            Dist::LogNormal { mu, sigma, .. } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
            Dist::Gamma { sampler, .. } | Dist::Erlang { sampler, .. } => sampler.sample(rng),
            Dist::Weibull { sampler, .. } => sampler.sample(rng),
            Dist::HyperExponential {
                p1, rate1, rate2, ..
            } => {
                let u: f64 = uniform01(rng);
                let e: f64 = Exp1.sample(rng);
                if u < *p1 { e / rate1 } else { e / rate2 }
            }
            Dist::Fixed { value } => *value,
            Dist::Empirical { values, .. } => {
                let i = (uniform01(rng) * values.len() as f64) as usize;
                values[i.min(values.len() - 1)]
            }
        }
    }
}

/// A uniform draw in [0, 1) with 53 random bits (the portable, documented construction).
#[inline]
pub fn uniform01<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    /// Sample mean and squared coefficient of variation from n draws.
    fn moments(d: &Dist, n: usize) -> (f64, f64) {
        let mut rng = Pcg64Mcg::seed_from_u64(11);
        let (mut s, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let x = d.sample(&mut rng);
            assert!(x >= 0.0 && x.is_finite());
            s += x;
            s2 += x * x;
        }
        let m = s / n as f64;
        (m, (s2 / n as f64 - m * m) / (m * m))
    }

    #[test]
    fn every_family_has_its_stated_mean_and_cv() {
        // (distribution, expected squared cv); 400k draws give the mean to well under 1% for these cvs.
        let cases = [
            (Dist::exponential(300.0).unwrap(), 1.0),
            (Dist::lognormal(300.0, 0.5).unwrap(), 0.25),
            (Dist::gamma(300.0, 0.7).unwrap(), 0.49),
            (
                Dist::weibull(300.0, 2.0).unwrap(),
                4.0 / std::f64::consts::PI - 1.0,
            ),
            (Dist::erlang(300.0, 4).unwrap(), 0.25),
            (Dist::hyperexponential(300.0, 1.5).unwrap(), 2.25),
            (Dist::fixed(300.0).unwrap(), 0.0),
            // values 100, 200, 600: mean 300, variance 140000/3, scv = 14/27
            (
                Dist::empirical(vec![100.0, 200.0, 600.0], None).unwrap(),
                14.0 / 27.0,
            ),
        ];
        for (d, scv) in cases {
            let (m, c2) = moments(&d, 400_000);
            assert!(
                (m / d.mean() - 1.0).abs() < 0.01,
                "{}: mean {m}",
                d.family()
            );
            assert!(
                (c2 - scv).abs() < 0.05 * scv.max(0.2),
                "{}: scv {c2} vs {scv}",
                d.family()
            );
        }
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert_eq!(Dist::exponential(0.0).unwrap_err(), DistError::Mean(0.0));
        assert_eq!(
            Dist::hyperexponential(10.0, 0.9).unwrap_err(),
            DistError::HyperCv(0.9)
        );
        assert_eq!(Dist::erlang(10.0, 0).unwrap_err(), DistError::K(0));
        assert!(Dist::empirical(vec![], None).is_err());
        assert!(Dist::empirical(vec![0.0, 0.0], None).is_err());
        assert!(Dist::lognormal(10.0, -1.0).is_err());
        assert!(Dist::weibull(10.0, f64::NAN).is_err());
    }
}
