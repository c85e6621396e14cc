//! Exact steady-state formulas for the classic single-queue models.
//!
//! - Erlang B (M/M/n/n): B(n, A) by the recursion B(k) = A·B(k−1) / (k + A·B(k−1)), B(0) = 1, which is
//!   stable for thousands of agents (A^n/n! overflows past n ≈ 170).
//! - Erlang C (M/M/n): C = B / (1 − ρ(1 − B)), ρ = A/n; the wait given a wait is Exp(nμ − λ), so
//!   P(W > T) = C·e^{−(nμ−λ)T} and ASA = C/(nμ − λ).
//! - Erlang A (M/M/n+M, exponential patience with rate θ; Palm 1943, Garnett–Mandelbaum–Reiman 2002).
//!   The stationary distribution is that of the birth–death chain with death rates min(k, n)μ + (k − n)⁺θ.
//!   For the waiting-time quantities we use a representation that is exact and needs only positive sums:
//!   a caller who finds j others waiting is served after the "offered wait" V_j, a sum of independent
//!   exponentials with rates nμ + iθ, i = 0..j. With a = nμ/θ, θV_j has the law of −ln U, U ~ Beta(a, j+1)
//!   (compare Laplace transforms: E[U^s] = Π_{i=0}^{j} (a+i)/(a+i+s)). Hence, with u₀ = e^{−θT}:
//!   ```text
//!   P(served | j)              = E[U]                 = a/(a+j+1)
//!   P(served within T | j)     = E[U; U ≥ u₀]         = a/(a+j+1) · (1 − I_{u₀}(a+1, j+1))
//!   P(V_j > T)                 = P(U < u₀)            = I_{u₀}(a, j+1)
//!   E[V_j; served]             = E[−U ln U]/θ         = a/(a+j+1) · Σ_{i=1}^{j+1} 1/(a+i) / θ
//!   ```
//!   where I is the regularised incomplete beta function; for an integer second argument it is the finite
//!   positive sum I_x(a, m) = Σ_{i<m} x^a (a)_i/i! (1−x)^i, accumulated term by term in log space.
//!   The same closed forms appear with incomplete gamma functions in Mandelbaum & Zeltyn (2007).
//!
//! Metric names follow ../shared/reference (`sl_20`, `p_wait_gt_0`, `asa`, ...) so tests compare by name.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErlangError {
    #[error("arrival rate = {0} per hour: must be positive")]
    Rate(f64),
    #[error("average handle time = {0} s: must be positive")]
    Aht(f64),
    #[error("patience = {0} s: must be positive")]
    Patience(f64),
    #[error("agents = 0: give at least one agent")]
    NoAgents,
    #[error(
        "{agents} agents for a load of {load:.3} erlangs: Erlang C needs more agents than the load (the queue grows without bound); add agents or use Erlang A with patience"
    )]
    Unstable { agents: u32, load: f64 },
    #[error("target = {0}: must be in (0, 1)")]
    Target(f64),
    #[error("the target cannot be met with up to {0} agents")]
    Unreachable(u32),
    #[error(
        "offered load of {load:.0} erlangs: the agent search supports at most {max:.0e} erlangs (agent counts are 32-bit); split the load into smaller queues",
        max = MAX_SEARCH_LOAD
    )]
    LoadTooLarge { load: f64 },
    #[error(
        "the queue of this overloaded system with long patience has more than {states} likely states: the exact sum is out of reach; shorten the patience or add agents"
    )]
    QueueTooLong { states: u64 },
    #[error("{name} = {value}: must be {rule}")]
    Bound {
        name: &'static str,
        value: f64,
        rule: &'static str,
    },
    #[error(
        "max_abandon = {0}: this model has no abandonment (Erlang B and C assume nobody hangs up); use Erlang A with a mean patience, or drop the abandonment target"
    )]
    NoAbandonment(f64),
    #[error(
        "no target given: set at least one of service_level, max_abandon, max_asa_s, max_p_wait, max_occupancy"
    )]
    NoTargets,
    #[error(
        "{agents} agents at shrinkage {shrinkage} need more than {max} positions: shrinkage must leave time on the queue",
        max = u32::MAX
    )]
    TooManyPositions { agents: u32, shrinkage: f64 },
}

/// The most agents any search here tries before it reports [`ErlangError::Unreachable`] (the 32-bit agent
/// count; loads above [`MAX_SEARCH_LOAD`] are refused before).
pub(crate) const MAX_AGENTS: u32 = u32::MAX;

/// How many queue states the Erlang A series may sum before giving up (under a second of work; enough for
/// patience of weeks in a large overloaded center).
const MAX_QUEUE_STATES: u64 = 10_000_000;

/// Which model and its inputs (rates per second).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QueueModel {
    /// M/M/n/n: blocked calls are lost.
    ErlangB { lambda: f64, mu: f64 },
    /// M/M/n: infinite queue, nobody abandons.
    ErlangC { lambda: f64, mu: f64 },
    /// M/M/n+M: exponential patience with rate `theta`.
    ErlangA { lambda: f64, mu: f64, theta: f64 },
}

impl QueueModel {
    /// Builds a model from planning units: contacts per hour, AHT and mean patience in seconds.
    pub fn new(
        kind: char,
        per_hour: f64,
        aht_s: f64,
        patience_s: Option<f64>,
    ) -> Result<Self, ErlangError> {
        if !(per_hour.is_finite() && per_hour > 0.0) {
            return Err(ErlangError::Rate(per_hour));
        }
        if !(aht_s.is_finite() && aht_s > 0.0) {
            return Err(ErlangError::Aht(aht_s));
        }
        let (lambda, mu) = (per_hour / 3600.0, 1.0 / aht_s);
        Ok(match kind {
            'b' => QueueModel::ErlangB { lambda, mu },
            'c' => QueueModel::ErlangC { lambda, mu },
            _ => {
                let p = patience_s.unwrap_or(f64::NAN);
                if !(p.is_finite() && p > 0.0) {
                    return Err(ErlangError::Patience(p));
                }
                QueueModel::ErlangA {
                    lambda,
                    mu,
                    theta: 1.0 / p,
                }
            }
        })
    }

    /// Offered load A = λ/μ in erlangs.
    pub fn load(&self) -> f64 {
        match *self {
            QueueModel::ErlangB { lambda, mu }
            | QueueModel::ErlangC { lambda, mu }
            | QueueModel::ErlangA { lambda, mu, .. } => lambda / mu,
        }
    }

    /// Every metric of the model with `agents` agents, named as in ../shared/reference, with service-level
    /// metrics for each threshold T in `thresholds_s` (`sl_20` for T = 20 s).
    pub fn metrics(
        &self,
        agents: u32,
        thresholds_s: &[f64],
    ) -> Result<BTreeMap<String, f64>, ErlangError> {
        if agents == 0 {
            return Err(ErlangError::NoAgents);
        }
        match *self {
            QueueModel::ErlangB { lambda, mu } => Ok(erlang_b_metrics(lambda / mu, agents)),
            QueueModel::ErlangC { lambda, mu } => {
                erlang_c_metrics(lambda, mu, agents, thresholds_s)
            }
            QueueModel::ErlangA { lambda, mu, theta } => {
                erlang_a_metrics(lambda, mu, theta, agents, thresholds_s)
            }
        }
    }

    /// The service level "answered within T / offered" with `agents` agents. For Erlang B, where nobody
    /// waits, it is the share not blocked.
    pub fn service_level(&self, agents: u32, within_s: f64) -> Result<f64, ErlangError> {
        let m = self.metrics(agents, &[within_s])?;
        Ok(match self {
            QueueModel::ErlangB { .. } => 1.0 - m["p_block"],
            _ => m[&sl_key("sl", within_s)],
        })
    }
}

/// Loads up to this many erlangs run the recursion from k = 0, as the first release did (answers unchanged
/// bit for bit); above it the recursion starts where its start no longer matters (see [`erlang_b`]).
const FULL_RECURSION_LOAD: f64 = 100_000.0;

/// The largest offered load the agent searches accept: the answer must fit the 32-bit agent count with
/// room for the square-root safety staffing, and each evaluation stays well under a second.
pub const MAX_SEARCH_LOAD: f64 = 1e9;

/// Erlang B by the stable recursion B(k) = A·B(k−1) / (k + A·B(k−1)).
///
/// In terms of x_k = 1/B(k) the recursion is linear, x_k = 1 + (k/A)·x_{k−1}, so an error in a starting
/// value is multiplied by k/A at each step below the load and never grows relative to x above it. For a
/// huge load the recursion therefore starts at k₀ = m − L (m = min(n, ⌊A⌋)) from x = 1, with L chosen so
/// that Π_{k₀<k≤m} k/A ≤ e^{−800} (below the smallest double): L(A−m)/A + L²/(2A) ≥ 800, from
/// ln(A/k) ≥ (A−k)/A. That is L ≈ 40√A at the load and fewer steps below it, instead of n steps: the
/// search for 5,000,000 erlangs evaluates ~90,000 steps, not 5 million. Once B underflows to 0 it stays 0.
pub fn erlang_b(agents: u32, load: f64) -> f64 {
    let mut start = 0u32;
    if load > FULL_RECURSION_LOAD {
        let m = f64::from(agents).min(load.floor());
        let d = (load - m) / load;
        let steps = (load * ((d * d + 1600.0 / load).sqrt() - d)).ceil() + 1.0;
        if m > steps {
            start = (m - steps) as u32;
        }
    }
    let mut b = 1.0;
    for k in start + 1..=agents {
        b = load * b / (f64::from(k) + load * b);
        if b == 0.0 {
            break;
        }
    }
    b
}

/// The name of a per-threshold metric: `sl_20` for T = 20 s, `sl_7.5` for T = 7.5 s.
pub(crate) fn sl_key(prefix: &str, t: f64) -> String {
    if t.fract() == 0.0 {
        format!("{prefix}_{}", t as i64)
    } else {
        format!("{prefix}_{t}")
    }
}

fn erlang_b_metrics(load: f64, n: u32) -> BTreeMap<String, f64> {
    let b = erlang_b(n, load);
    let carried = load * (1.0 - b);
    BTreeMap::from([
        ("offered_load_erlangs".into(), load),
        ("p_block".into(), b),
        ("carried_load_erlangs".into(), carried),
        ("occupancy".into(), carried / f64::from(n)),
        ("p_wait_gt_0".into(), 0.0),
        ("asa".into(), 0.0),
    ])
}

fn erlang_c_metrics(
    lambda: f64,
    mu: f64,
    n: u32,
    thresholds: &[f64],
) -> Result<BTreeMap<String, f64>, ErlangError> {
    let load = lambda / mu;
    let nf = f64::from(n);
    if load >= nf {
        return Err(ErlangError::Unstable { agents: n, load });
    }
    let rho = load / nf;
    let b = erlang_b(n, load);
    let c = b / (1.0 - rho * (1.0 - b));
    let drain = nf * mu - lambda; // rate of the exponential wait given a wait
    let asa = c / drain;
    let mut m = BTreeMap::from([
        ("offered_load_erlangs".into(), load),
        ("rho".into(), rho),
        ("occupancy".into(), rho),
        ("p_wait_gt_0".into(), c),
        ("asa".into(), asa),
        ("mean_wait_all".into(), asa),
        ("mean_wait_given_wait".into(), 1.0 / drain),
        (
            "sd_wait_all".into(),
            (2.0 * c / (drain * drain) - asa * asa).sqrt(),
        ),
        ("mean_queue_length".into(), lambda * asa),
        ("mean_in_system".into(), lambda * asa + load),
        ("p_abandon".into(), 0.0),
    ]);
    for &t in thresholds {
        let p = c * (-drain * t).exp();
        m.insert(sl_key("p_wait_gt", t), p);
        m.insert(sl_key("sl", t), 1.0 - p);
        m.insert(sl_key("sl_answered", t), 1.0 - p);
    }
    Ok(m)
}

/// Per-threshold running sums for the Erlang A series (see the module notes).
struct ThresholdSums {
    t: f64,
    /// ln of the current terms of I_{u0}(a, j+1) and I_{u0}(a+1, j+1).
    ln_term: f64,
    ln_term1: f64,
    /// I_{u0}(a, j+1) and I_{u0}(a+1, j+1) so far.
    inc: f64,
    inc1: f64,
    /// Σ w_j · a/(a+j+1) · (1 − I(a+1, j+1))  and  Σ w_j · I(a, j+1)
    served_within: f64,
    offered_wait_gt: f64,
}

fn erlang_a_metrics(
    lambda: f64,
    mu: f64,
    theta: f64,
    n: u32,
    thresholds: &[f64],
) -> Result<BTreeMap<String, f64>, ErlangError> {
    let load = lambda / mu;
    let nf = f64::from(n);
    let a = nf * mu / theta;
    // Weights relative to π_n: the states below n sum to 1/B(n, A) (including π_n itself).
    let b = erlang_b(n, load);
    let mut below = 1.0 / b - 1.0; // Σ_{k<n} π_k / π_n
    let mut sums: Vec<ThresholdSums> = thresholds
        .iter()
        .map(|&t| {
            let ln_u0 = -theta * t;
            ThresholdSums {
                t,
                ln_term: a * ln_u0,
                ln_term1: (a + 1.0) * ln_u0,
                inc: 0.0,
                inc1: 0.0,
                served_within: 0.0,
                offered_wait_gt: 0.0,
            }
        })
        .collect();
    let ln_1m_u0: Vec<f64> = thresholds
        .iter()
        .map(|&t| (-(-theta * t).exp_m1()).ln())
        .collect();
    let (mut w, mut total_w, mut queue, mut served, mut served_wait, mut harmonic) =
        (1.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut j: u64 = 0;
    if below.is_finite() {
        loop {
            let jf = j as f64;
            let p_served = a / (a + jf + 1.0);
            harmonic += 1.0 / (a + jf + 1.0);
            total_w += w;
            queue += jf * w;
            served += w * p_served;
            served_wait += w * p_served * harmonic / theta;
            for (s, &l1m) in sums.iter_mut().zip(&ln_1m_u0) {
                if j > 0 {
                    s.ln_term += ((a + jf - 1.0) / jf).ln() + l1m;
                    s.ln_term1 += ((a + jf) / jf).ln() + l1m;
                }
                s.inc += s.ln_term.exp();
                s.inc1 += s.ln_term1.exp();
                s.served_within += w * p_served * (1.0 - s.inc1.min(1.0));
                s.offered_wait_gt += w * s.inc.min(1.0);
            }
            j += 1;
            w *= lambda / (nf * mu + j as f64 * theta);
            // The terms fall faster than geometrically once jθ > λ − nμ; run until they vanish (the tail
            // matters relative to small probabilities such as P(W > 60 s), not just to the total).
            if w < 1e-300 {
                break;
            }
            if j >= MAX_QUEUE_STATES {
                // The terms peak near j = (λ − nμ)/θ: very long patience in an overloaded system. Refuse
                // rather than return a truncated, wrong answer.
                return Err(ErlangError::QueueTooLong {
                    states: MAX_QUEUE_STATES,
                });
            }
            // Keep the running sums in range for heavily overloaded systems.
            if w > 1e200 {
                let s = 1e-200;
                w *= s;
                below *= s;
                total_w *= s;
                queue *= s;
                served *= s;
                served_wait *= s;
                for t in &mut sums {
                    t.served_within *= s;
                    t.offered_wait_gt *= s;
                }
            }
        }
    }
    let z = below + total_w;
    let (p_wait, lq) = if below.is_finite() {
        (total_w / z, queue / z)
    } else {
        (0.0, 0.0)
    };
    let p_served = if below.is_finite() {
        (below + served) / z
    } else {
        1.0
    };
    let p_abandon = theta * lq / lambda;
    let mean_wait_all = lq / lambda;
    let asa = if below.is_finite() {
        served_wait / z / p_served
    } else {
        0.0
    };
    let mut m = BTreeMap::from([
        ("offered_load_erlangs".into(), load),
        ("rho".into(), load / nf),
        ("occupancy".into(), load * p_served / nf),
        ("p_wait_gt_0".into(), p_wait),
        ("p_abandon".into(), p_abandon),
        (
            "p_abandon_given_wait".into(),
            if p_wait > 0.0 {
                p_abandon / p_wait
            } else {
                0.0
            },
        ),
        ("p_served".into(), p_served),
        ("mean_wait_all".into(), mean_wait_all),
        ("asa".into(), asa),
        ("mean_wait_served".into(), asa),
        (
            "mean_wait_abandoned".into(),
            if p_abandon > 0.0 {
                (mean_wait_all - asa * p_served) / p_abandon
            } else {
                0.0
            },
        ),
        (
            "mean_wait_given_wait".into(),
            if p_wait > 0.0 {
                mean_wait_all / p_wait
            } else {
                0.0
            },
        ),
        ("mean_queue_length".into(), lq),
    ]);
    for s in &sums {
        let (sl, offered_gt) = if below.is_finite() {
            ((below + s.served_within) / z, s.offered_wait_gt / z)
        } else {
            (1.0, 0.0)
        };
        let wait_gt = (-theta * s.t).exp() * offered_gt; // W = min(V, patience) > T
        let abandon_within = (1.0 - wait_gt) - sl;
        m.insert(sl_key("sl", s.t), sl);
        m.insert(sl_key("sl_answered", s.t), sl / p_served);
        m.insert(sl_key("p_offered_wait_gt", s.t), offered_gt);
        m.insert(sl_key("p_wait_gt", s.t), wait_gt);
        m.insert(sl_key("p_abandon_within", s.t), abandon_within);
        m.insert(sl_key("sl_wait_le", s.t), 1.0 - wait_gt);
        m.insert(sl_key("sl_excl_short_ab", s.t), sl / (1.0 - abandon_within));
    }
    Ok(m)
}

/// The fewest agents whose service level (answered within `within_s` / offered; for Erlang B the share not
/// blocked) reaches `target`. Service level rises with agents, so a growing bracket and bisection find it.
pub fn agents_for_target(
    model: &QueueModel,
    target: f64,
    within_s: f64,
) -> Result<u32, ErlangError> {
    if !(target > 0.0 && target < 1.0) {
        return Err(ErlangError::Target(target));
    }
    let load = model.load();
    // Fewer than target × A agents fail (the carried load A·(share answered) is at most n), and Erlang C
    // needs n > A: every n up to `lo` fails.
    let mut lo = floor_below(target * load);
    if let QueueModel::ErlangC { .. } = model {
        lo = lo.max(load.floor() as u32);
    }
    let meets = |n: u32| -> Result<bool, ErlangError> {
        match model.service_level(n, within_s) {
            Ok(sl) => Ok(sl >= target),
            // Too few agents (none, or Erlang C at or below the load): the target is not met.
            Err(ErlangError::NoAgents | ErlangError::Unstable { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    };
    bracket_search(load, lo, MAX_AGENTS, meets)
}

/// The largest n < `bound`, with slack for rounding: n <= ⌈bound(1 − ε)⌉ − 1 < bound (0 if none).
pub(crate) fn floor_below(bound: f64) -> u32 {
    ((bound * (1.0 - 1e-12)).ceil() - 1.0).clamp(0.0, f64::from(u32::MAX)) as u32
}

/// The fewest n in (lo, max] with `meets(n)`, given that `lo` fails (or is 0) and `meets` is monotone: a
/// bracket above `lo` growing by steps that start at √load (the square-root staffing scale, so a load of
/// millions needs a dozen evaluations) and double, then bisection. Loads above [`MAX_SEARCH_LOAD`] are
/// refused.
pub(crate) fn bracket_search(
    load: f64,
    mut lo: u32,
    max: u32,
    meets: impl Fn(u32) -> Result<bool, ErlangError>,
) -> Result<u32, ErlangError> {
    if load.is_nan() || load > MAX_SEARCH_LOAD {
        return Err(ErlangError::LoadTooLarge { load });
    }
    if lo >= max {
        return Err(ErlangError::Unreachable(max));
    }
    let mut step = (load.sqrt().ceil() as u32).max(1);
    let mut hi = lo.saturating_add(step).min(max);
    while !meets(hi)? {
        if hi >= max {
            return Err(ErlangError::Unreachable(max));
        }
        lo = hi;
        step = step.saturating_mul(2);
        hi = hi.saturating_add(step).min(max);
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if meets(mid)? { hi = mid } else { lo = mid }
    }
    Ok(hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_b_small_cases_by_hand() {
        assert_eq!(erlang_b(1, 1.0), 0.5);
        // B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2
        assert!((erlang_b(2, 1.0) - 0.2).abs() < 1e-15);
        // thousands of agents: no overflow
        let b = erlang_b(5000, 4900.0);
        assert!(b > 0.0 && b < 0.05);
    }

    #[test]
    fn more_agents_never_worse() {
        let models = [
            QueueModel::new('c', 1000.0, 180.0, None).unwrap(),
            QueueModel::new('a', 1000.0, 180.0, Some(120.0)).unwrap(),
        ];
        for m in models {
            let mut last = -1.0;
            for n in 51..80 {
                let sl = m.service_level(n, 20.0).unwrap();
                assert!(sl > last, "{m:?} n={n}");
                last = sl;
            }
        }
    }

    #[test]
    fn erlang_a_tends_to_erlang_c_as_patience_grows() {
        let c = QueueModel::new('c', 200.0, 180.0, None)
            .unwrap()
            .metrics(12, &[20.0])
            .unwrap();
        let a = QueueModel::new('a', 200.0, 180.0, Some(1e9))
            .unwrap()
            .metrics(12, &[20.0])
            .unwrap();
        for k in ["p_wait_gt_0", "asa", "sl_20"] {
            assert!(
                (a[k] / c[k] - 1.0).abs() < 1e-5,
                "{k}: {} vs {}",
                a[k],
                c[k]
            );
        }
    }

    #[test]
    fn stable_with_thousands_of_agents() {
        // 5000 agents at 98% load: Erlang B/C by recursion, Erlang A series over thousands of queue states.
        let (per_hour, aht) = (4900.0 * 3600.0 / 300.0, 300.0);
        let c = QueueModel::new('c', per_hour, aht, None)
            .unwrap()
            .metrics(5000, &[20.0])
            .unwrap();
        let a = QueueModel::new('a', per_hour, aht, Some(1e7))
            .unwrap()
            .metrics(5000, &[20.0])
            .unwrap();
        for k in ["p_wait_gt_0", "asa", "sl_20"] {
            assert!(c[k].is_finite() && a[k].is_finite());
            assert!(
                (a[k] / c[k] - 1.0).abs() < 1e-3,
                "{k}: A {} vs C {}",
                a[k],
                c[k]
            );
        }
        let a = QueueModel::new('a', per_hour * 1.1, aht, Some(120.0))
            .unwrap()
            .metrics(5000, &[20.0])
            .unwrap();
        // Overloaded (5390 erlangs offered to 5000 agents): nearly all agents are busy, so by flow balance
        // the abandonment is close to 1 − 5000/5390; and the outcomes partition the arrivals.
        assert!(
            (a["p_abandon"] - (1.0 - 5000.0 / 5390.0)).abs() < 0.002,
            "{}",
            a["p_abandon"]
        );
        let total = a["sl_20"] + a["p_abandon_within_20"] + a["p_wait_gt_20"];
        assert!((total - 1.0).abs() < 1e-12, "{total}");
        for (k, v) in &a {
            assert!(v.is_finite() && *v >= 0.0, "{k} = {v}");
        }
        // With 2-minute patience abandonment sheds load (an efficiency-driven regime): fewer agents than
        // erlangs meet 80/20 (4287 here). The search must return the boundary.
        let m = QueueModel::new('a', per_hour, aht, Some(120.0)).unwrap();
        let n = agents_for_target(&m, 0.8, 20.0).unwrap();
        assert!(m.service_level(n, 20.0).unwrap() >= 0.8, "{n}");
        assert!(m.service_level(n - 1, 20.0).unwrap() < 0.8, "{n}");
    }

    #[test]
    fn refuses_rather_than_truncates_the_queue_series() {
        // 30 erlangs offered to 10 agents, patience of 10000 days: the queue's likely states run to ~8e8.
        let m = QueueModel::new('a', 3600.0, 300.0, Some(864e6)).unwrap();
        assert_eq!(
            m.metrics(10, &[20.0]),
            Err(ErlangError::QueueTooLong {
                states: MAX_QUEUE_STATES
            })
        );
    }

    #[test]
    fn staffing_finds_the_boundary() {
        let m = QueueModel::new('c', 1000.0, 180.0, None).unwrap();
        let n = agents_for_target(&m, 0.8, 20.0).unwrap();
        assert_eq!(
            n, 56,
            "1000/h at 180 s is 50 erlangs; 55 agents give 77.9%, 56 give 80.0%+"
        );
        assert!(m.service_level(n, 20.0).unwrap() >= 0.8);
        assert!(m.service_level(n - 1, 20.0).map_or(true, |sl| sl < 0.8));
        let a = QueueModel::new('a', 5700.0, 300.0, Some(180.0)).unwrap();
        let n = agents_for_target(&a, 0.9, 20.0).unwrap();
        assert!(
            a.service_level(n, 20.0).unwrap() >= 0.9 && a.service_level(n - 1, 20.0).unwrap() < 0.9
        );
        assert_eq!(
            agents_for_target(&m, 1.0, 20.0),
            Err(ErlangError::Target(1.0))
        );
        assert!(matches!(
            m.metrics(40, &[]),
            Err(ErlangError::Unstable { .. })
        ));
    }

    /// Erlang C's service level by the plain recursion from k = 0 (the first release's, independent of the
    /// truncated start) — the reference for the huge-load searches.
    fn reference_sl_c(n: u32, load: f64, aht: f64, t: f64) -> f64 {
        let mut b = 1.0f64;
        for k in 1..=n {
            b = load * b / (f64::from(k) + load * b);
        }
        let rho = load / f64::from(n);
        let c = b / (1.0 - rho * (1.0 - b));
        1.0 - c * (-(f64::from(n) - load) / aht * t).exp()
    }

    #[test]
    fn erlang_c_staffs_millions_of_erlangs() {
        let aht = 300.0;
        for load in [1_000_000.0, 5_000_000.0] {
            let m = QueueModel::new('c', load * 3600.0 / aht, aht, None).unwrap();
            let n = agents_for_target(&m, 0.8, 20.0).unwrap();
            // The answer meets the target and one agent fewer does not, by the full recursion.
            assert!(reference_sl_c(n, load, aht, 20.0) >= 0.8, "{load}: {n}");
            assert!(reference_sl_c(n - 1, load, aht, 20.0) < 0.8, "{load}: {n}");
            // Halfin–Whitt's many-server limit, n = A + β√A: C → 1/(1 + βΦ(β)/φ(β)) and the wait given a
            // wait is Exp(β√A·μ), so SL ≈ 1 − C·e^{−β√A·μT}. Solve for β by bisection.
            let phi = |x: f64| (-x * x / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
            let cdf = |x: f64| {
                // Abramowitz & Stegun 7.1.26 for erfc (error < 1.5e-7).
                let z = x / std::f64::consts::SQRT_2;
                let t = 1.0 / (1.0 + 0.3275911 * z);
                let poly = t
                    * (0.254829592
                        + t * (-0.284496736
                            + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
                1.0 - 0.5 * poly * (-z * z).exp()
            };
            let sl_hw =
                |b: f64| 1.0 - (-b * load.sqrt() * 20.0 / aht).exp() / (1.0 + b * cdf(b) / phi(b));
            let (mut lo, mut hi) = (1e-9, 3.0);
            for _ in 0..100 {
                let mid = (lo + hi) / 2.0;
                if sl_hw(mid) >= 0.8 {
                    hi = mid
                } else {
                    lo = mid
                }
            }
            let expect = load + hi * load.sqrt();
            assert!(
                (f64::from(n) - expect).abs() < 2.0,
                "{load}: {n} vs Halfin–Whitt {expect}"
            );
            // The truncated recursion agrees with the full one to rounding.
            let full = {
                let mut b = 1.0f64;
                for k in 1..=n {
                    b = load * b / (f64::from(k) + load * b);
                }
                b
            };
            assert!((erlang_b(n, load) / full - 1.0).abs() < 1e-9, "{load}");
        }
        // The same with an occupancy cap, through the multi-target search.
        let m = QueueModel::new('c', 1e6 * 3600.0 / aht, aht, None).unwrap();
        let t = crate::staffing::Targets {
            service_level: Some((20.0, 0.8)),
            max_occupancy: Some(0.999),
            ..Default::default()
        };
        let n = crate::staffing::agents_for_targets(&m, &t).unwrap();
        assert_eq!(n, 1_001_002, "⌈1e6 / 0.999⌉ = 1,001,002 > the 80/20 answer");
    }

    #[test]
    fn refuses_loads_beyond_the_search() {
        let m = QueueModel::new('c', 2e9 * 3600.0 / 300.0, 300.0, None).unwrap();
        let e = agents_for_target(&m, 0.8, 20.0).unwrap_err();
        assert_eq!(e, ErlangError::LoadTooLarge { load: 2e9 });
        assert!(e.to_string().contains("at most 1e9 erlangs"), "{e}");
        // At the limit the search still answers, in well under a second.
        let m = QueueModel::new('c', 1e9 * 3600.0 / 300.0, 300.0, None).unwrap();
        let n = agents_for_target(&m, 0.8, 20.0).unwrap();
        assert!(m.service_level(n, 20.0).unwrap() >= 0.8);
        assert!(m.service_level(n - 1, 20.0).unwrap() < 0.8);
    }

    #[test]
    fn huge_agent_counts_over_a_small_load_stop_at_underflow() {
        // 4 billion agents for 10 erlangs: B underflows to 0 within a few hundred steps.
        assert_eq!(erlang_b(u32::MAX, 10.0), 0.0);
    }
}
