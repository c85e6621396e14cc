//! Streaming statistics: counters, time integrals and a wait histogram filled during a run (memory does not
//! grow with the number of contacts), and confidence intervals over replications.

pub mod histogram;
pub mod tally;

pub use histogram::WaitHistogram;
pub use tally::{CaseTally, ChannelTally, GroupTally, IntervalTally, ReplicationTally, TimeBins};

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A KPI over replications: the mean and the half-width of its 95% confidence interval.
/// `None` where the KPI is undefined (ASA when nothing was answered; ci95 with a single replication).
///
/// `ci95` is always the Student-t half-width (t_{0.975, n−1} · s/√n). Where that symmetric interval would
/// leave the KPI's range (a share outside [0, 1], a count below 0), the interval is bounded and its ends are
/// given as `ci95_low` and `ci95_high` (docs/output.md, "Confidence intervals"); read the interval from
/// [`Estimate::bounds`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub mean: Option<f64>,
    pub ci95: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95_low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95_high: Option<f64>,
    /// Replications the KPI is defined in (the trials of a share estimated over replications).
    #[serde(skip)]
    n: u32,
}

impl Estimate {
    /// An estimate with a symmetric interval (or none).
    pub fn symmetric(mean: Option<f64>, ci95: Option<f64>) -> Estimate {
        Estimate {
            mean,
            ci95,
            ci95_low: None,
            ci95_high: None,
            n: 0,
        }
    }

    /// Mean and Student-t 95% half-width (t_{0.975, n−1} · s/√n) of the defined values. When every value
    /// is at or above 0 (a count, a time, a cost) the interval is cut at 0.
    pub fn from_values(values: impl IntoIterator<Item = Option<f64>>) -> Estimate {
        let xs: Vec<f64> = values.into_iter().flatten().collect();
        let n = xs.len();
        if n == 0 {
            return Estimate::symmetric(None, None);
        }
        let mean = xs.iter().sum::<f64>() / n as f64;
        if n < 2 {
            return Estimate {
                n: 1,
                ..Estimate::symmetric(Some(mean), None)
            };
        }
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let half = t_quantile_975(n - 1) * (var / n as f64).sqrt();
        let mut e = Estimate {
            n: n as u32,
            ..Estimate::symmetric(Some(mean), Some(half))
        };
        if mean - half < 0.0 && xs.iter().all(|&x| x >= 0.0) {
            e.ci95_low = Some(0.0);
            e.ci95_high = Some(mean + half);
        }
        e
    }

    /// The same estimate of a share (each replication's value in [0, 1], e.g. answered within target /
    /// offered), with an interval inside [0, 1]: where the t interval would cross 0 or 1, the Wilson score
    /// interval with the effective number of trials n* = p(1 − p) / (s²/n), the number of independent
    /// trials whose binomial variance equals the variance of the mean (Korn & Graubard 1998), and
    /// Student's t_{0.975, n−1} in place of z. It is asymmetric and never crosses 0 or 1 (far from them it
    /// is all but the t interval, which is then kept). A mean of 0 or 1 with no spread keeps its
    /// zero-width interval; a mean outside [0, 1] (not a share) keeps the t interval.
    pub fn share(self) -> Estimate {
        let (Some(p), Some(half)) = (self.mean, self.ci95) else {
            return self;
        };
        let inside = p - half >= 0.0 && p + half <= 1.0;
        if inside || !(0.0..=1.0).contains(&p) || half == 0.0 || p == 0.0 || p == 1.0 {
            return Estimate::symmetric(self.mean, self.ci95).with_n(self.n);
        }
        let t = t_quantile_975(self.n.max(2) as usize - 1);
        let var_mean = (half / t).powi(2);
        let (lo, hi) = wilson(p, p * (1.0 - p) / var_mean, t);
        Estimate {
            ci95_low: Some(lo),
            ci95_high: Some(hi),
            ..self
        }
    }

    /// The same estimate of a share of replications (each value 0 or 1: the replications missing the
    /// target / replications), with the Wilson score interval for that many trials, z = 1.96: inside
    /// [0, 1], and not empty when no replication (or every one) missed.
    pub fn share_of_replications(self) -> Estimate {
        let Some(p) = self.mean else { return self };
        if self.n < 2 {
            return self;
        }
        let (lo, hi) = wilson(p, f64::from(self.n), Z_975);
        Estimate {
            ci95_low: Some(lo),
            ci95_high: Some(hi),
            ..self
        }
    }

    fn with_n(mut self, n: u32) -> Estimate {
        self.n = n;
        self
    }

    /// The interval's ends: `ci95_low`/`ci95_high` where given, else mean ∓ ci95.
    pub fn bounds(&self) -> Option<(f64, f64)> {
        match (self.ci95_low, self.ci95_high, self.mean, self.ci95) {
            (Some(lo), Some(hi), _, _) => Some((lo, hi)),
            (_, _, Some(m), Some(h)) => Some((m - h, m + h)),
            _ => None,
        }
    }

    /// Whether the interval is given by its ends (bounded, asymmetric) rather than as mean ± ci95.
    pub fn is_asymmetric(&self) -> bool {
        self.ci95_low.is_some()
    }
}

/// The Wilson score interval of a proportion `p` observed over `n` trials, with quantile `z`:
/// (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n). Always inside [0, 1].
pub fn wilson(p: f64, n: f64, z: f64) -> (f64, f64) {
    let z2n = z * z / n;
    let centre = (p + z2n / 2.0) / (1.0 + z2n);
    let half = z / (1.0 + z2n) * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// The 0.975 quantile of the standard normal.
const Z_975: f64 = 1.959_963_984_540_054;

/// The 0.975 quantile of Student's t with `df` degrees of freedom.
pub fn t_quantile_975(df: usize) -> f64 {
    let df = df.max(1);
    if df > 200 {
        // Cornish–Fisher expansion of t in powers of 1/df (Abramowitz & Stegun 26.7.5), accurate to ~1e-9
        // here; statrs' numerical inverse loses about 1e-4 for very large df.
        let (z, n) = (Z_975, df as f64);
        let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
        return z
            + (z3 + z) / (4.0 * n)
            + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n)
            + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * n * n * n);
    }
    // statrs inverts the CDF numerically (a regularised incomplete beta per step): a report asks the same
    // few df thousands of times (every KPI of every interval), so each df is computed once.
    static CACHE: [std::sync::OnceLock<f64>; 201] = [const { std::sync::OnceLock::new() }; 201];
    *CACHE[df].get_or_init(|| {
        // StudentsT::new fails only for non-positive or NaN df, which df >= 1 rules out.
        StudentsT::new(0.0, 1.0, df as f64).map_or(Z_975, |t| t.inverse_cdf(0.975))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_the_hand_computed_interval() {
        // 2 of 10, z = 1.96: centre (0.2 + 0.19208) / 1.38416 = 0.283262, half-width
        // 1.96 / 1.38416 · √(0.016 + 0.009604) = 0.226579: [0.0567, 0.5098] (Newcombe 1998, table I).
        let (lo, hi) = wilson(0.2, 10.0, 1.96);
        assert!((lo - 0.056_682).abs() < 1e-5, "{lo}");
        assert!((hi - 0.509_841).abs() < 1e-5, "{hi}");
        // 0 of 10: [0, z²/(n + z²)] = [0, 0.277533].
        let (lo, hi) = wilson(0.0, 10.0, 1.96);
        assert_eq!(lo, 0.0);
        assert!((hi - 3.8416 / 13.8416).abs() < 1e-12);
        // 2 of 10 replications missed the target: the t interval was 20% ± 30.16 (below 0); Wilson's is
        // inside [0, 1].
        let missed =
            Estimate::from_values([1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0].map(Some));
        assert!((missed.ci95.unwrap() - 0.301_66).abs() < 1e-4);
        let w = missed.share_of_replications();
        let (lo, hi) = w.bounds().unwrap();
        assert!(
            (lo - 0.056_682).abs() < 1e-4 && (hi - 0.509_841).abs() < 1e-4,
            "{lo} {hi}"
        );
        assert_eq!(w.mean, Some(0.2));
    }

    #[test]
    fn a_share_interval_stays_in_the_unit_interval_and_is_t_far_from_its_ends() {
        // Near 1 with spread: the t interval crosses 1, the share's does not.
        let xs = [0.99, 1.0, 0.95, 1.0, 0.999].map(Some);
        let t = Estimate::from_values(xs);
        assert!(t.mean.unwrap() + t.ci95.unwrap() > 1.0);
        let (lo, hi) = t.share().bounds().unwrap();
        assert!(
            hi <= 1.0 && lo >= 0.0 && lo < t.mean.unwrap() && hi > t.mean.unwrap(),
            "{lo} {hi}"
        );
        // Mid-range with small spread: the Wilson interval is the t interval to 1e-4, which is kept.
        let mid = Estimate::from_values([0.50, 0.52, 0.48, 0.51, 0.49].map(Some));
        let (m, h) = (mid.mean.unwrap(), mid.ci95.unwrap());
        let var_mean = (h / t_quantile_975(4)).powi(2);
        let (lo, hi) = wilson(m, m * (1.0 - m) / var_mean, t_quantile_975(4));
        assert!(
            (lo - (m - h)).abs() < 1e-4 && (hi - (m + h)).abs() < 1e-4,
            "{lo} {hi}"
        );
        assert_eq!(mid.share(), mid);
        // No spread at 0: nothing to widen.
        let zero = Estimate::from_values([Some(0.0); 4]).share();
        assert_eq!(zero.bounds(), Some((0.0, 0.0)));
    }

    #[test]
    fn estimate_mean_and_half_width() {
        let e = Estimate::from_values([Some(1.0), Some(2.0), Some(3.0), None]);
        assert_eq!(e.mean, Some(2.0));
        // s = 1, n = 3, t_{0.975,2} = 4.302653
        assert!((e.ci95.unwrap() - 4.302_652_729_911_275 / 3f64.sqrt()).abs() < 1e-9);
        assert_eq!(Estimate::from_values([Some(5.0)]).ci95, None);
        assert_eq!(Estimate::from_values([None]).mean, None);
        // A count near 0: the interval is cut at 0, ci95 stays the t half-width.
        let c = Estimate::from_values([Some(0.0), Some(0.0), Some(3.0)]);
        assert_eq!(c.bounds(), Some((0.0, 1.0 + c.ci95.unwrap())));
        assert!(c.ci95.unwrap() > 1.0);
        // exact values (scipy.stats.t.ppf(0.975, df))
        for (df, exact) in [
            (7, 2.364_624_251_592_785),
            (31, 2.039_513_446_396_407_7),
            (201, 1.971_836_506_779_859),
            (1_000_000, 1.959_966_356_814_107),
        ] {
            assert!(
                (t_quantile_975(df) - exact).abs() < 1e-7,
                "df {df}: {}",
                t_quantile_975(df)
            );
        }
    }
}
