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
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub mean: Option<f64>,
    pub ci95: Option<f64>,
}

impl Estimate {
    /// Mean and Student-t 95% half-width (t_{0.975, n−1} · s/√n) of the defined values.
    pub fn from_values(values: impl IntoIterator<Item = Option<f64>>) -> Estimate {
        let xs: Vec<f64> = values.into_iter().flatten().collect();
        let n = xs.len();
        if n == 0 {
            return Estimate {
                mean: None,
                ci95: None,
            };
        }
        let mean = xs.iter().sum::<f64>() / n as f64;
        if n < 2 {
            return Estimate {
                mean: Some(mean),
                ci95: None,
            };
        }
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let half = t_quantile_975(n - 1) * (var / n as f64).sqrt();
        Estimate {
            mean: Some(mean),
            ci95: Some(half),
        }
    }
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
    fn estimate_mean_and_half_width() {
        let e = Estimate::from_values([Some(1.0), Some(2.0), Some(3.0), None]);
        assert_eq!(e.mean, Some(2.0));
        // s = 1, n = 3, t_{0.975,2} = 4.302653
        assert!((e.ci95.unwrap() - 4.302_652_729_911_275 / 3f64.sqrt()).abs() < 1e-9);
        assert_eq!(Estimate::from_values([Some(5.0)]).ci95, None);
        assert_eq!(Estimate::from_values([None]).mean, None);
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
