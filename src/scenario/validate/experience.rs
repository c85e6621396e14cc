//! `[proficiency]` (the handle-time curve and its effects), `[standards]` (the targets of the eight
//! standards) and `[experience]` (the thresholds of the six service levels).

use super::Validator;
use crate::dist::Num;
use crate::experience::{ExperienceRules, StandardTargets};
use crate::scenario::ProficiencyEffects;
use crate::scenario::file::ExperienceFile;
use crate::scenario::proficiency::ProficiencyCurve;
use indexmap::IndexMap;
use toml::Spanned;

impl Validator<'_> {
    pub(super) fn proficiency(
        &mut self,
        p: &Spanned<crate::scenario::file::ProficiencyFile>,
    ) -> (ProficiencyCurve, ProficiencyEffects) {
        let p = p.get_ref();
        let curve_span = p.curve.as_ref().map_or(0..0, |c| c.span());
        let curve = match p.curve.as_ref().map_or("power", |c| c.get_ref().as_str()) {
            "power" => {
                if let Some(s) = &p.slowest {
                    self.err(s.span(), "proficiency.slowest: is used by curve = \"linear\" only; remove it or use `exponent`".into());
                }
                let exponent = p.exponent.as_ref().map_or(1.0, |e| *e.get_ref());
                if !(exponent.is_finite() && exponent > 0.0) {
                    let span = p.exponent.as_ref().map_or(curve_span.clone(), |e| e.span());
                    self.err(span, format!("proficiency.exponent = {exponent}: must be positive (1.0: half the proficiency, twice the handle time)"));
                }
                ProficiencyCurve::Power { exponent }
            }
            "linear" => {
                if let Some(e) = &p.exponent {
                    self.err(e.span(), "proficiency.exponent: is used by curve = \"power\" only; remove it or use `slowest`".into());
                }
                let slowest = p.slowest.as_ref().map_or(2.0, |s| *s.get_ref());
                if !(slowest.is_finite() && slowest >= 1.0) {
                    let span = p.slowest.as_ref().map_or(curve_span.clone(), |s| s.span());
                    self.err(span, format!("proficiency.slowest = {slowest}: must be >= 1 (the handle-time multiplier as proficiency nears 0)"));
                }
                ProficiencyCurve::Linear { slowest }
            }
            other => {
                self.err(curve_span.clone(), format!("proficiency.curve = \"{other}\": unknown curve; use \"power\" or \"linear\""));
                ProficiencyCurve::default()
            }
        };
        let mut effects = ProficiencyEffects::default();
        for (key, value, slot) in [
            (
                "resolution_exponent",
                &p.resolution_exponent,
                &mut effects.resolution_exponent,
            ),
            (
                "accuracy_exponent",
                &p.accuracy_exponent,
                &mut effects.accuracy_exponent,
            ),
        ] {
            if let Some(v) = value {
                let x = *v.get_ref();
                if (0.0..=5.0).contains(&x) {
                    *slot = x;
                } else {
                    self.err(v.span(), format!("proficiency.{key} = {}: must be between 0 (proficiency does not matter) and 5", Num(x)));
                }
            }
        }
        (curve, effects)
    }

    /// `[standards]`: a target per standard (docs/experience.md, "The eight standards").
    pub(super) fn standards(
        &mut self,
        s: Option<&Spanned<IndexMap<String, Spanned<f64>>>>,
    ) -> StandardTargets {
        let mut targets = StandardTargets::default();
        for (name, value) in s.map(|s| s.get_ref().iter()).into_iter().flatten() {
            let v = *value.get_ref();
            let max = if name == "efficiency" { 100.0 } else { 1.0 };
            if !(v >= 0.0 && v <= max) {
                self.err(
                    value.span(),
                    format!("standards.{name} = {}: must be between 0 and {max}", Num(v)),
                );
            } else if !targets.set(name, v) {
                self.err(
                    value.span(),
                    format!(
                        "standards.{name}: unknown standard; use {}",
                        crate::experience::STANDARDS.join(", ")
                    ),
                );
            }
        }
        targets
    }

    /// The `[experience]` thresholds, defaults where not given (docs/experience.md).
    pub(super) fn experience(&mut self, e: Option<&Spanned<ExperienceFile>>) -> ExperienceRules {
        let mut r = ExperienceRules::default();
        let Some(e) = e else { return r };
        let e = e.get_ref();
        let ratio =
            |v: &mut Self, key: &str, x: &Option<Spanned<f64>>, slot: &mut f64, max: f64| {
                if let Some(x) = x {
                    let value = *x.get_ref();
                    if (0.0..=max).contains(&value) {
                        *slot = value;
                    } else {
                        v.err(
                            x.span(),
                            format!(
                                "experience.{key} = {}: must be between 0 and {max}",
                                Num(value)
                            ),
                        );
                    }
                }
            };
        ratio(
            self,
            "wait_missed",
            &e.wait_missed,
            &mut r.wait_missed,
            1000.0,
        );
        ratio(self, "wait_poor", &e.wait_poor, &mut r.wait_poor, 1000.0);
        ratio(
            self,
            "wait_unbearable",
            &e.wait_unbearable,
            &mut r.wait_unbearable,
            1000.0,
        );
        ratio(self, "low_skill", &e.low_skill, &mut r.low_skill, 1.0);
        ratio(self, "unfriendly", &e.unfriendly, &mut r.unfriendly, 1.0);
        ratio(self, "rude", &e.rude, &mut r.rude, 1.0);
        ratio(
            self,
            "exceed_friendliness",
            &e.exceed_friendliness,
            &mut r.exceed_friendliness,
            1.0,
        );
        ratio(
            self,
            "exceed_skill",
            &e.exceed_skill,
            &mut r.exceed_skill,
            1.0,
        );
        ratio(
            self,
            "amaze_friendliness",
            &e.amaze_friendliness,
            &mut r.amaze_friendliness,
            1.0,
        );
        if let Some(n) = &e.repeat_poor {
            match *n.get_ref() {
                v @ 2..=100 => r.repeat_poor = v as u32,
                v => self.err(
                    n.span(),
                    format!(
                        "experience.repeat_poor = {v}: must be a number of contacts from 2 to 100"
                    ),
                ),
            }
        }
        if let Some(d) = &e.slow_resolution {
            r.slow_resolution_s = self
                .positive_duration("experience.slow_resolution", d)
                .unwrap_or(r.slow_resolution_s);
        }
        if let Some(d) = &e.very_slow_resolution {
            r.very_slow_resolution_s = self
                .positive_duration("experience.very_slow_resolution", d)
                .unwrap_or(r.very_slow_resolution_s);
        }
        if !(r.wait_missed <= r.wait_poor && r.wait_poor <= r.wait_unbearable) {
            self.err(0..0, format!("experience: the wait thresholds must rise: wait_missed ({}) <= wait_poor ({}) <= wait_unbearable ({})", r.wait_missed, r.wait_poor, r.wait_unbearable));
        }
        if r.slow_resolution_s > r.very_slow_resolution_s {
            self.err(
                0..0,
                "experience: slow_resolution must not exceed very_slow_resolution".into(),
            );
        }
        if r.rude > r.unfriendly {
            self.err(0..0, "experience: rude must not exceed unfriendly".into());
        }
        r
    }
}
