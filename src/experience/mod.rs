//! The six service levels a customer can end up experiencing, and the factor that held a case down.
//!
//! The levels and their causes come from the domain model (../shared/DOMAIN.md): disappointing (long waits,
//! unfriendly staff, problem not solved), basic (minimum met), average (handled fully and on time), meets
//! expectations, exceeds expectations (personal, proactive), amazing. docs/experience.md states the rules
//! and the reasoning for each default threshold; a scenario may tune them in `[experience]`.
//!
//! The rules, for a case that has ended:
//! - not resolved (the customer gave up, or left unserved): level 1;
//! - resolved: start at 4 ("meets expectations"), or 5/6 when the case was resolved at the first contact,
//!   within the wait target, by a proficient and friendly agent (6: answered at once by a very friendly
//!   one); then each factor caps the level (a long wait, failed contacts, repeats, a wrong resolution, slow
//!   resolution, low skill, unfriendly handling, waiting long without being told why). The lowest cap wins,
//!   and for a case below level 4 its factor is the main one that held it down.

/// One of the six levels, 1 (disappointing) to 6 (amazing).
pub const LEVELS: [&str; 6] = [
    "1_disappointing",
    "2_basic",
    "3_average",
    "4_meets_expectations",
    "5_exceeds_expectations",
    "6_amazing",
];

/// What held a case below level 4. The order is the tie-break: the first factor listed wins among equal caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    Abandonment,
    WrongResolution,
    RepeatContacts,
    Wait,
    SlowResolution,
    UnfriendlyHandling,
    LowSkill,
    NotInformed,
}

impl Factor {
    /// The factor's place in [`Factor::ALL`] (and in `CaseTally::held_down`).
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    pub const ALL: [Factor; 8] = [
        Factor::Abandonment,
        Factor::WrongResolution,
        Factor::RepeatContacts,
        Factor::Wait,
        Factor::SlowResolution,
        Factor::UnfriendlyHandling,
        Factor::LowSkill,
        Factor::NotInformed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Factor::Abandonment => "abandonment",
            Factor::WrongResolution => "wrong_resolution",
            Factor::RepeatContacts => "repeat_contacts",
            Factor::Wait => "wait",
            Factor::SlowResolution => "slow_resolution",
            Factor::UnfriendlyHandling => "unfriendly_handling",
            Factor::LowSkill => "low_skill",
            Factor::NotInformed => "not_informed",
        }
    }
}

/// The thresholds of the rules (docs/experience.md gives the reasoning for each default).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExperienceRules {
    /// Worst wait / the channel's target above which a case is at most 3, 2, 1.
    pub wait_missed: f64,
    pub wait_poor: f64,
    pub wait_unbearable: f64,
    /// Contacts at or above which a case is at most 2 (a second contact: at most 3).
    pub repeat_poor: u32,
    /// Time to resolution above which a case is at most 3, 2 (s).
    pub slow_resolution_s: f64,
    pub very_slow_resolution_s: f64,
    /// Lowest agent proficiency below which a case is at most 3.
    pub low_skill: f64,
    /// Lowest friendliness below which a case is at most 3, and (rude) 1.
    pub unfriendly: f64,
    pub rude: f64,
    /// Level 5 needs at least this friendliness and proficiency; level 6 this friendliness.
    pub exceed_friendliness: f64,
    pub exceed_skill: f64,
    pub amaze_friendliness: f64,
}

impl Default for ExperienceRules {
    fn default() -> Self {
        ExperienceRules {
            wait_missed: 1.0,
            wait_poor: 3.0,
            wait_unbearable: 6.0,
            repeat_poor: 3,
            slow_resolution_s: 86_400.0,
            very_slow_resolution_s: 3.0 * 86_400.0,
            low_skill: 0.6,
            unfriendly: 0.5,
            rude: 0.3,
            exceed_friendliness: 0.8,
            exceed_skill: 0.9,
            amaze_friendliness: 0.9,
        }
    }
}

/// The eight service standards of DOMAIN.md, each judged on one headline measure against a target.
pub const STANDARDS: [&str; 8] = [
    "speed",
    "time",
    "transparency",
    "accuracy",
    "efficiency",
    "accessibility",
    "friendliness",
    "action",
];

/// Targets of the standards' headline measures: at least (speed, time, transparency, accuracy, friendliness,
/// action) or at most (efficiency, accessibility).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StandardTargets {
    /// First-contact resolution rate, at least.
    pub speed: f64,
    /// Share answered within the channels' wait targets (all channels), at least.
    pub time: f64,
    /// Share of waiting customers told the expected wait, at least.
    pub transparency: f64,
    /// Share of resolutions that were correct, at least.
    pub accuracy: f64,
    /// Contacts per case, at most.
    pub efficiency: f64,
    /// Share of contacts abandoned or blocked, at most.
    pub accessibility: f64,
    /// Share of handled contacts handled in a friendly way (group friendliness at least `unfriendly`), at least.
    pub friendliness: f64,
    /// Share of complaints answered within their channel's target, at least.
    pub action: f64,
}

impl Default for StandardTargets {
    fn default() -> Self {
        StandardTargets {
            speed: 0.70,
            time: 0.80,
            transparency: 0.50,
            accuracy: 0.95,
            efficiency: 1.3,
            accessibility: 0.05,
            friendliness: 0.90,
            action: 0.90,
        }
    }
}

impl StandardTargets {
    /// (target, higher is better) of a standard by name.
    pub fn get(&self, standard: &str) -> (f64, bool) {
        match standard {
            "speed" => (self.speed, true),
            "time" => (self.time, true),
            "transparency" => (self.transparency, true),
            "accuracy" => (self.accuracy, true),
            "efficiency" => (self.efficiency, false),
            "accessibility" => (self.accessibility, false),
            "friendliness" => (self.friendliness, true),
            _ => (self.action, true),
        }
    }

    pub fn set(&mut self, standard: &str, value: f64) -> bool {
        let slot = match standard {
            "speed" => &mut self.speed,
            "time" => &mut self.time,
            "transparency" => &mut self.transparency,
            "accuracy" => &mut self.accuracy,
            "efficiency" => &mut self.efficiency,
            "accessibility" => &mut self.accessibility,
            "friendliness" => &mut self.friendliness,
            "action" => &mut self.action,
            _ => return false,
        };
        *slot = value;
        true
    }
}

/// What a case went through, gathered contact by contact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Journey {
    pub contacts: u32,
    /// Contacts that ended without service (abandoned, blocked, callback unreached).
    pub failures: u32,
    /// A resolution that turned out wrong.
    pub wrong_resolution: bool,
    /// Worst wait / target over the contacts (answered or abandoned).
    pub worst_wait_ratio: f64,
    /// Every answered contact was answered at once.
    pub never_waited: bool,
    /// Waited beyond the target without being told the expected wait.
    pub uninformed_long_wait: bool,
    /// Lowest proficiency and friendliness among the agents who handled it (1 if none did).
    pub min_proficiency: f64,
    pub min_friendliness: f64,
    /// An agent handled it (a case resolved in self-service alone cannot exceed expectations).
    pub handled_by_agent: bool,
    /// A returning contact was handled by the agent who handled the case before (personalised handling).
    pub same_agent_again: bool,
    /// An agent followed up after the resolution, unasked (proactive service).
    pub proactive: bool,
}

impl Default for Journey {
    fn default() -> Self {
        Journey {
            contacts: 0,
            failures: 0,
            wrong_resolution: false,
            worst_wait_ratio: 0.0,
            never_waited: true,
            uninformed_long_wait: false,
            min_proficiency: 1.0,
            min_friendliness: 1.0,
            handled_by_agent: false,
            same_agent_again: false,
            proactive: false,
        }
    }
}

impl ExperienceRules {
    /// The level (1 to 6) of an ended case, and for a case below 4 the factor that held it down.
    /// `resolved_after_s` is `None` for a case that ended unresolved (`gave_up` tells how).
    pub fn classify(
        &self,
        j: &Journey,
        resolved_after_s: Option<f64>,
        gave_up: bool,
    ) -> (u8, Option<Factor>) {
        let Some(time) = resolved_after_s else {
            // Problem not solved: disappointing.
            let factor = if gave_up {
                Factor::RepeatContacts
            } else {
                Factor::Abandonment
            };
            return (1, Some(factor));
        };
        let first_contact = j.contacts == 1 && j.failures == 0 && !j.wrong_resolution;
        let mut best = 4;
        if first_contact
            && j.handled_by_agent
            && j.worst_wait_ratio <= self.wait_missed
            && j.min_friendliness >= self.exceed_friendliness
            && j.min_proficiency >= self.exceed_skill
        {
            best = if j.never_waited && j.min_friendliness >= self.amaze_friendliness {
                6
            } else {
                5
            };
        }
        // Caps, in tie-break order.
        let wait_cap = if j.worst_wait_ratio > self.wait_unbearable {
            1
        } else if j.worst_wait_ratio > self.wait_poor {
            2
        } else if j.worst_wait_ratio > self.wait_missed {
            3
        } else {
            6
        };
        // A second contact with the same agent, who knows the case, is forgiven further.
        let repeat_cap = if j.contacts >= self.repeat_poor {
            2
        } else if j.contacts >= 2 {
            if j.same_agent_again { 4 } else { 3 }
        } else {
            6
        };
        let slow_cap = if time > self.very_slow_resolution_s {
            2
        } else if time > self.slow_resolution_s {
            3
        } else {
            6
        };
        let friendly_cap = if j.min_friendliness < self.rude {
            1
        } else if j.min_friendliness < self.unfriendly {
            3
        } else {
            6
        };
        let caps = [
            (Factor::Abandonment, if j.failures > 0 { 2 } else { 6 }),
            (
                Factor::WrongResolution,
                if j.wrong_resolution { 2 } else { 6 },
            ),
            (Factor::RepeatContacts, repeat_cap),
            (Factor::Wait, wait_cap),
            (Factor::SlowResolution, slow_cap),
            (Factor::UnfriendlyHandling, friendly_cap),
            (
                Factor::LowSkill,
                if j.min_proficiency < self.low_skill {
                    3
                } else {
                    6
                },
            ),
            (
                Factor::NotInformed,
                if j.uninformed_long_wait { 3 } else { 6 },
            ),
        ];
        let (factor, cap) = caps.iter().fold((None, 6u8), |(f, c), &(factor, cap)| {
            if cap < c { (Some(factor), cap) } else { (f, c) }
        });
        // Personal touches (the same agent again, a proactive follow-up) lift a resolved case one level.
        if j.proactive || j.same_agent_again {
            best = (best + 1).min(6);
        }
        let level = best.min(cap);
        (level, (level < 4).then_some(factor).flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factor_index_is_its_place_in_all() {
        for (i, f) in Factor::ALL.iter().enumerate() {
            assert_eq!(f.index(), i);
        }
    }

    fn good() -> Journey {
        Journey {
            contacts: 1,
            min_proficiency: 1.0,
            min_friendliness: 0.95,
            handled_by_agent: true,
            ..Journey::default()
        }
    }

    #[test]
    fn an_immediate_friendly_expert_first_contact_resolution_is_amazing() {
        let r = ExperienceRules::default();
        assert_eq!(r.classify(&good(), Some(300.0), false), (6, None));
        // Waited (within target): exceeds expectations.
        let waited = Journey {
            never_waited: false,
            worst_wait_ratio: 0.5,
            ..good()
        };
        assert_eq!(r.classify(&waited, Some(300.0), false), (5, None));
        // Merely friendly enough: meets expectations.
        let plain = Journey {
            min_friendliness: 0.7,
            ..good()
        };
        assert_eq!(r.classify(&plain, Some(300.0), false), (4, None));
        // Resolved in self-service alone: meets expectations at best.
        let bot = Journey {
            handled_by_agent: false,
            ..good()
        };
        assert_eq!(r.classify(&bot, Some(60.0), false), (4, None));
        // Personal touches lift one level: a plain case with a proactive follow-up exceeds expectations,
        // and a second contact with the same agent meets expectations instead of being average.
        assert_eq!(
            r.classify(
                &Journey {
                    proactive: true,
                    ..plain
                },
                Some(300.0),
                false
            ),
            (5, None)
        );
        assert_eq!(
            r.classify(
                &Journey {
                    contacts: 2,
                    ..plain
                },
                Some(300.0),
                false
            ),
            (3, Some(Factor::RepeatContacts))
        );
        assert_eq!(
            r.classify(
                &Journey {
                    contacts: 2,
                    same_agent_again: true,
                    ..plain
                },
                Some(300.0),
                false
            ),
            (4, None)
        );
    }

    #[test]
    fn unresolved_cases_are_disappointing() {
        let r = ExperienceRules::default();
        assert_eq!(
            r.classify(&good(), None, false),
            (1, Some(Factor::Abandonment))
        );
        assert_eq!(
            r.classify(&good(), None, true),
            (1, Some(Factor::RepeatContacts))
        );
    }

    #[test]
    fn each_factor_caps_the_level_and_the_lowest_cap_names_the_factor() {
        let r = ExperienceRules::default();
        let cases = [
            (
                Journey {
                    worst_wait_ratio: 2.0,
                    never_waited: false,
                    ..good()
                },
                3,
                Factor::Wait,
            ),
            (
                Journey {
                    worst_wait_ratio: 4.0,
                    never_waited: false,
                    ..good()
                },
                2,
                Factor::Wait,
            ),
            (
                Journey {
                    worst_wait_ratio: 7.0,
                    never_waited: false,
                    ..good()
                },
                1,
                Factor::Wait,
            ),
            (
                Journey {
                    contacts: 2,
                    ..good()
                },
                3,
                Factor::RepeatContacts,
            ),
            (
                Journey {
                    contacts: 3,
                    ..good()
                },
                2,
                Factor::RepeatContacts,
            ),
            (
                Journey {
                    contacts: 2,
                    failures: 1,
                    ..good()
                },
                2,
                Factor::Abandonment,
            ),
            (
                Journey {
                    contacts: 2,
                    wrong_resolution: true,
                    ..good()
                },
                2,
                Factor::WrongResolution,
            ),
            (
                Journey {
                    min_proficiency: 0.5,
                    ..good()
                },
                3,
                Factor::LowSkill,
            ),
            (
                Journey {
                    min_friendliness: 0.4,
                    ..good()
                },
                3,
                Factor::UnfriendlyHandling,
            ),
            (
                Journey {
                    min_friendliness: 0.2,
                    ..good()
                },
                1,
                Factor::UnfriendlyHandling,
            ),
            (
                Journey {
                    uninformed_long_wait: true,
                    worst_wait_ratio: 1.0,
                    never_waited: false,
                    ..good()
                },
                3,
                Factor::NotInformed,
            ),
        ];
        for (j, level, factor) in cases {
            assert_eq!(
                r.classify(&j, Some(300.0), false),
                (level, Some(factor)),
                "{j:?}"
            );
        }
        assert_eq!(
            r.classify(&good(), Some(2.0 * 86_400.0), false),
            (3, Some(Factor::SlowResolution))
        );
        assert_eq!(
            r.classify(&good(), Some(4.0 * 86_400.0), false),
            (2, Some(Factor::SlowResolution))
        );
    }
}
