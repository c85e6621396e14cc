//! How an agent's proficiency on a channel changes the time a contact takes.
//!
//! Proficiency p is in (0, 1]; at p = 1 the channel's stated handle time applies. Lower proficiency
//! stretches handle time by a multiplier m(p) >= 1. Later work ties proficiency to resolution, accuracy and
//! training; this module owns only the handle-time effect so the curve is stated in one place.
//!
//! It lives in `scenario` because the curve is a scenario setting (`[proficiency]`, held by
//! [`Scenario`](super::Scenario)): the model applies it through the scenario it runs, so nothing below
//! the scenario names the type.

/// The handle-time curve m(p): handle time = base handle time × m(p).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ProficiencyCurve {
    /// m(p) = p^(−exponent). With the default exponent 1, an agent at proficiency 0.5 takes twice as long:
    /// "half as practised, half the throughput", the usual assumption of skill-based routing models.
    Power { exponent: f64 },
    /// m(p) = 1 + (slowest − 1)(1 − p): linear between m(1) = 1 and m(0) = slowest.
    Linear { slowest: f64 },
}

impl Default for ProficiencyCurve {
    fn default() -> Self {
        ProficiencyCurve::Power { exponent: 1.0 }
    }
}

impl ProficiencyCurve {
    /// The handle-time multiplier at proficiency p (0 < p <= 1).
    #[inline]
    pub fn handle_time_multiplier(&self, p: f64) -> f64 {
        match *self {
            ProficiencyCurve::Power { exponent } => {
                if exponent == 1.0 {
                    1.0 / p
                } else {
                    p.powf(-exponent)
                }
            }
            ProficiencyCurve::Linear { slowest } => 1.0 + (slowest - 1.0) * (1.0 - p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_are_one_at_full_proficiency_and_grow_as_it_drops() {
        for c in [
            ProficiencyCurve::default(),
            ProficiencyCurve::Power { exponent: 0.5 },
            ProficiencyCurve::Linear { slowest: 3.0 },
        ] {
            assert_eq!(c.handle_time_multiplier(1.0), 1.0);
            let mut last = 1.0;
            for p in [0.9, 0.7, 0.5, 0.2] {
                let m = c.handle_time_multiplier(p);
                assert!(m > last, "{c:?} at {p}");
                last = m;
            }
        }
        assert_eq!(ProficiencyCurve::default().handle_time_multiplier(0.5), 2.0);
        assert_eq!(
            ProficiencyCurve::Linear { slowest: 3.0 }.handle_time_multiplier(0.5),
            2.0
        );
    }
}
