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
    /// ln X ~ Normal(mu, sigma²) with sigma² = ln(1 + cv²), mu = ln(mean) − sigma²/2. `by_log`: given by
    /// `mu` and `sigma` (written back that way) rather than by `mean` and `cv`.
    LogNormal {
        mean: f64,
        cv: f64,
        mu: f64,
        sigma: f64,
        by_log: bool,
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
    /// A finite mixture: one uniform picks the part (by the cumulative shares), then the part draws.
    Mixture {
        parts: Arc<[MixturePart]>,
        mean: f64,
    },
    /// A survival curve S(t) = P(X > t): piecewise linear through `points` (t seconds, S), from (0, 1);
    /// past the last point S_last · exp(−(t − t_last)/tail_mean). Sampled by inversion of S.
    Survival {
        points: Arc<[(f64, f64)]>,
        tail_mean: Option<f64>,
        mean: f64,
    },
}

/// One part of a [`Dist::Mixture`]: its share, the cumulative share up to and including it, its law.
#[derive(Debug, Clone)]
pub struct MixturePart {
    pub share: f64,
    pub cumulative: f64,
    pub dist: Dist,
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
    #[error("sigma = {}: must be positive and at most 3.03 (a cv of 100)", Num(*.0))]
    Sigma(f64),
    #[error("mu = {}, sigma = {}: the mean exp(mu + sigma²/2) must be a positive number of seconds", Num(*.0), Num(*.1))]
    Mu(f64, f64),
    /// A mixture's parts; `part` (0-based) when one part is at fault.
    #[error("{msg}")]
    Mixture { part: Option<usize>, msg: String },
    /// A survival curve's points; `point` (0-based) when one point is at fault.
    #[error("{msg}")]
    Survival { point: Option<usize>, msg: String },
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
            by_log: false,
        })
    }

    /// A lognormal by the parameters of ln X (seconds): mean exp(mu + sigma²/2), cv sqrt(exp(sigma²) − 1).
    /// The same bound on sigma as on cv (cv <= 100).
    pub fn lognormal_log(mu: f64, sigma: f64) -> Result<Self, DistError> {
        let max_sigma = (1.0 + MAX_CV * MAX_CV).ln().sqrt();
        if !(sigma > 0.0 && sigma <= max_sigma) {
            return Err(DistError::Sigma(sigma));
        }
        let mean = (mu + sigma * sigma / 2.0).exp();
        if !(mu.is_finite() && mean.is_finite() && mean > 0.0) {
            return Err(DistError::Mu(mu, sigma));
        }
        Ok(Dist::LogNormal {
            mean,
            cv: (sigma * sigma).exp_m1().sqrt(),
            mu,
            sigma,
            by_log: true,
        })
    }

    /// A mixture of `(share, part)`: shares positive, adding to 1 within 1e-6; no part is itself a
    /// mixture. The last cumulative share is set to exactly 1, so every uniform picks a part.
    pub fn mixture(parts: Vec<(f64, Dist)>) -> Result<Self, DistError> {
        let bad = |part: Option<usize>, msg: String| Err(DistError::Mixture { part, msg });
        if parts.is_empty() {
            return bad(None, "parts = []: give at least one part, e.g. parts = [{ share = 0.1, dist = \"exponential\", mean = \"4s\" }, { share = 0.9, dist = \"lognormal\", mean = \"200s\", cv = 1.0 }]".into());
        }
        let mut total = 0.0;
        for (i, (share, d)) in parts.iter().enumerate() {
            if !(share.is_finite() && *share > 0.0 && *share <= 1.0) {
                return bad(
                    Some(i),
                    format!("parts[{i}].share = {}: must be in (0, 1]", Num(*share)),
                );
            }
            if matches!(d, Dist::Mixture { .. }) {
                return bad(
                    Some(i),
                    format!(
                        "parts[{i}]: a part cannot be a mixture itself; list its parts in this mixture (shares multiplied)"
                    ),
                );
            }
            total += share;
        }
        if (total - 1.0).abs() > 1e-6 {
            return bad(
                None,
                format!(
                    "parts: the shares add up to {}: they must add up to 1",
                    Num(total)
                ),
            );
        }
        let mut cumulative = 0.0;
        let n = parts.len();
        let mut mean = 0.0;
        let parts: Vec<MixturePart> = parts
            .into_iter()
            .enumerate()
            .map(|(i, (share, dist))| {
                cumulative += share;
                mean += share * dist.mean();
                MixturePart {
                    share,
                    cumulative: if i + 1 == n { 1.0 } else { cumulative },
                    dist,
                }
            })
            .collect();
        Ok(Dist::Mixture {
            parts: parts.into(),
            mean,
        })
    }

    /// A survival curve through `points` (seconds, S): the first (0, 1), times strictly increasing, S
    /// non-increasing in [0, 1]; past the last point an exponential tail of mean `tail_mean`, or, without
    /// one, the last S must be 0. Its mean is exact: the area under S (trapezoids, plus S_last · tail_mean).
    pub fn survival(points: Vec<(f64, f64)>, tail_mean: Option<f64>) -> Result<Self, DistError> {
        let bad = |point: Option<usize>, msg: String| Err(DistError::Survival { point, msg });
        match points.first() {
            None => {
                return bad(None, "points = []: give the curve's points, starting with [\"0s\", 1.0], e.g. points = [[\"0s\", 1.0], [\"1m\", 0.6], [\"10m\", 0.0]]".into());
            }
            Some(&(t, s)) if t != 0.0 || s != 1.0 => {
                return bad(
                    Some(0),
                    format!(
                        "points[0] = [{}, {}]: the curve starts at [\"0s\", 1.0] (everyone is still waiting at time 0)",
                        Num(t),
                        Num(s)
                    ),
                );
            }
            _ => {}
        }
        for (i, w) in points.windows(2).enumerate() {
            let ((t0, s0), (t1, s1)) = (w[0], w[1]);
            let j = i + 1;
            if !(t1.is_finite() && t1 > t0) {
                return bad(
                    Some(j),
                    format!(
                        "points[{j}]: time {}s is not after the previous point's {}s: times must increase strictly",
                        Num(t1),
                        Num(t0)
                    ),
                );
            }
            if !(0.0..=1.0).contains(&s1) {
                return bad(
                    Some(j),
                    format!(
                        "points[{j}]: S = {} must be in [0, 1] (the share still waiting)",
                        Num(s1)
                    ),
                );
            }
            if s1 > s0 {
                return bad(
                    Some(j),
                    format!(
                        "points[{j}]: S = {} is above the previous point's {}: a survival curve never increases",
                        Num(s1),
                        Num(s0)
                    ),
                );
            }
        }
        let s_last = points.last().expect("not empty").1;
        match tail_mean {
            Some(m) if !(m.is_finite() && m > 0.0) => {
                return bad(
                    None,
                    format!(
                        "tail_mean = {}s: must be a positive duration such as \"6m\"",
                        Num(m)
                    ),
                );
            }
            None if s_last != 0.0 => {
                return bad(
                    Some(points.len() - 1),
                    format!(
                        "points[{}]: the last S is {}, not 0: end the curve at 0 or give `tail_mean` for the time after it, e.g. tail_mean = \"6m\"",
                        points.len() - 1,
                        Num(s_last)
                    ),
                );
            }
            _ => {}
        }
        let area: f64 = points
            .windows(2)
            .map(|w| (w[1].0 - w[0].0) * (w[0].1 + w[1].1) / 2.0)
            .sum::<f64>()
            + s_last * tail_mean.unwrap_or(0.0);
        // A tail with S_last = 0 adds nothing and is never reached: dropped, so sampling never takes it.
        let tail_mean = tail_mean.filter(|_| s_last > 0.0);
        if !(area.is_finite() && area > 0.0) {
            return bad(None, "points: the curve has no area (everyone leaves at once): give a later point with S > 0".into());
        }
        Ok(Dist::Survival {
            points: points.into(),
            tail_mean,
            mean: area,
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
            | Dist::Empirical { mean, .. }
            | Dist::Mixture { mean, .. }
            | Dist::Survival { mean, .. } => *mean,
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
            Dist::Mixture { .. } => "mixture",
            Dist::Survival { .. } => "survival",
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
            Dist::Mixture { parts, .. } => {
                let u = uniform01(rng);
                let i = parts.partition_point(|p| p.cumulative <= u);
                parts[i.min(parts.len() - 1)].dist.sample(rng)
            }
            Dist::Survival {
                points, tail_mean, ..
            } => survival_inverse(points, *tail_mean, 1.0 - uniform01(rng)),
        }
    }
}

/// The t with S(t) = u, for u in (0, 1] (the least such t where S is flat at u): X = S⁻¹(U) has
/// survival function S when U is uniform.
fn survival_inverse(points: &[(f64, f64)], tail_mean: Option<f64>, u: f64) -> f64 {
    // Points with S > u form a prefix (S never increases); the first point has S = 1 >= u.
    let j = points.partition_point(|p| p.1 > u);
    if j == 0 {
        return 0.0;
    }
    match points.get(j) {
        Some(&(t1, s1)) => {
            let (t0, s0) = points[j - 1];
            t0 + (s0 - u) / (s0 - s1) * (t1 - t0)
        }
        None => {
            // u < S_last: in the exponential tail (it exists: without one the last S is 0 <= u).
            let (t_last, s_last) = points[points.len() - 1];
            t_last + tail_mean.unwrap_or(0.0) * (s_last / u).ln()
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

    /// The survival curve of the contract's example: 30 s at 0.80, 2 m at 0.55, 10 m at 0.20, a 6 m tail.
    fn curve() -> Dist {
        Dist::survival(
            vec![(0.0, 1.0), (30.0, 0.8), (120.0, 0.55), (600.0, 0.2)],
            Some(360.0),
        )
        .unwrap()
    }

    /// The exact survival function of [`curve`].
    fn curve_s(t: f64) -> f64 {
        let p = [(0.0, 1.0), (30.0, 0.8), (120.0, 0.55), (600.0, 0.2)];
        for w in p.windows(2) {
            if t <= w[1].0 {
                return w[0].1 + (t - w[0].0) / (w[1].0 - w[0].0) * (w[1].1 - w[0].1);
            }
        }
        0.2 * (-(t - 600.0) / 360.0).exp()
    }

    #[test]
    fn the_new_forms_have_their_exact_means() {
        let ln = Dist::lognormal_log(4.8, 1.1).unwrap();
        assert!((ln.mean() - (4.8f64 + 1.21 / 2.0).exp()).abs() < 1e-9);
        let mix = Dist::mixture(vec![
            (0.066, Dist::exponential(4.0).unwrap()),
            (0.934, Dist::lognormal(200.0, 1.0).unwrap()),
        ])
        .unwrap();
        assert!((mix.mean() - (0.066 * 4.0 + 0.934 * 200.0)).abs() < 1e-9);
        // Area under S: trapezoids 27 + 60.75 + 180, tail 0.2 × 360.
        assert!((curve().mean() - (27.0 + 60.75 + 180.0 + 72.0)).abs() < 1e-9);
        // Sample means within 5 standard errors (estimated from the sample): a false alarm about 1 in 1.7 million.
        let n = 200_000;
        for d in [ln, mix, curve()] {
            let (m, cv2) = moments(&d, n);
            let se = (cv2 * m * m / n as f64).sqrt();
            assert!(
                (m - d.mean()).abs() < 5.0 * se,
                "{}: sample mean {m} vs {} (se {se})",
                d.family(),
                d.mean()
            );
        }
    }

    #[test]
    fn survival_inversion_reproduces_the_curve() {
        // DKW: P(sup_t |S_n(t) − S(t)| > eps) <= 2 exp(−2 n eps²); eps for a false alarm of 1e-6.
        let n = 100_000usize;
        let eps = ((2.0f64 / 1e-6).ln() / (2.0 * n as f64)).sqrt();
        let d = curve();
        let mut rng = Pcg64Mcg::seed_from_u64(9);
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        for t in [5.0, 30.0, 75.0, 120.0, 300.0, 600.0, 900.0, 1800.0] {
            let above = xs.iter().filter(|&&x| x > t).count() as f64 / n as f64;
            assert!(
                (above - curve_s(t)).abs() < eps,
                "S({t}): {above} vs {}",
                curve_s(t)
            );
        }
        // Without a tail the curve ends at its last point.
        let closed = Dist::survival(vec![(0.0, 1.0), (60.0, 0.5), (120.0, 0.0)], None).unwrap();
        assert_eq!(closed.mean(), 45.0 + 15.0);
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        assert!((0..10_000).all(|_| closed.sample(&mut rng) <= 120.0));
    }

    #[test]
    fn a_mixture_picks_its_parts_by_share() {
        let d = Dist::mixture(vec![
            (0.3, Dist::fixed(1.0).unwrap()),
            (0.7, Dist::fixed(2.0).unwrap()),
        ])
        .unwrap();
        let n = 100_000;
        let mut rng = Pcg64Mcg::seed_from_u64(4);
        let ones = (0..n).filter(|_| d.sample(&mut rng) == 1.0).count() as f64;
        // Binomial(n, 0.3): within 5 standard deviations.
        let sd = (n as f64 * 0.3 * 0.7).sqrt();
        assert!((ones - 0.3 * n as f64).abs() < 5.0 * sd, "{ones}");
    }

    #[test]
    fn bad_new_forms_are_refused() {
        assert_eq!(
            Dist::lognormal_log(4.8, 0.0).unwrap_err(),
            DistError::Sigma(0.0)
        );
        assert!(matches!(
            Dist::lognormal_log(800.0, 1.0),
            Err(DistError::Mu(..))
        ));
        let e = |d: Dist| (0.5, d);
        let part = |r: Result<Dist, DistError>| match r {
            Err(DistError::Mixture { part, msg }) => (part, msg),
            other => panic!("{other:?}"),
        };
        let (p, msg) = part(Dist::mixture(vec![
            e(Dist::fixed(1.0).unwrap()),
            (0.4, Dist::fixed(2.0).unwrap()),
        ]));
        assert_eq!(p, None);
        assert!(msg.contains("add up to 0.9"), "{msg}");
        let inner = Dist::mixture(vec![(1.0, Dist::fixed(1.0).unwrap())]).unwrap();
        let (p, msg) = part(Dist::mixture(vec![e(Dist::fixed(1.0).unwrap()), e(inner)]));
        assert_eq!(p, Some(1));
        assert!(msg.contains("cannot be a mixture"), "{msg}");
        let (p, _) = part(Dist::mixture(vec![
            (0.0, Dist::fixed(1.0).unwrap()),
            (1.0, Dist::fixed(2.0).unwrap()),
        ]));
        assert_eq!(p, Some(0));
        let point = |r: Result<Dist, DistError>| match r {
            Err(DistError::Survival { point, msg }) => (point, msg),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            point(Dist::survival(vec![(10.0, 1.0), (60.0, 0.0)], None)).0,
            Some(0)
        );
        assert_eq!(
            point(Dist::survival(vec![(0.0, 0.9), (60.0, 0.0)], None)).0,
            Some(0)
        );
        let (p, msg) = point(Dist::survival(
            vec![(0.0, 1.0), (30.0, 0.5), (60.0, 0.6), (90.0, 0.0)],
            None,
        ));
        assert_eq!(p, Some(2));
        assert!(msg.contains("never increases"), "{msg}");
        assert_eq!(
            point(Dist::survival(
                vec![(0.0, 1.0), (30.0, 0.5), (30.0, 0.0)],
                None
            ))
            .0,
            Some(2)
        );
        let (p, msg) = point(Dist::survival(vec![(0.0, 1.0), (30.0, 0.5)], None));
        assert_eq!(p, Some(1));
        assert!(msg.contains("tail_mean"), "{msg}");
        assert_eq!(point(Dist::survival(vec![(0.0, 1.0)], Some(-1.0))).0, None);
    }
}
