//! Staffing: who is scheduled, per agent group, as an input of a run apart from the rest of the scenario.
//!
//! A planner tries thousands of head-counts on one compiled model; a backtest replays each day's roster.
//! Neither should write TOML and validate it again: [`Staffing`] starts as the scenario's own plan
//! ([`Staffing::of`]) and changes through typed edits that check what validation would have checked, so
//! every `Staffing` a run sees is one the scenario file could have said.

use super::{Group, Scenario, Shift};

/// The most agents a size plan may schedule in one interval (validation and edits alike).
pub const MAX_SIZE: u32 = 1_000_000;
/// The most agents on one shift, and on all of a group's shifts together.
pub const MAX_SHIFT_AGENTS: u32 = 100_000;
pub const MAX_SHIFT_TOTAL: u32 = 1_000_000;
use crate::time::profile::PerInterval;

/// What an edit of a staffing plan got wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StaffingError {
    #[error("there is no agent group {group} (the scenario has {groups})")]
    NoGroup { group: usize, groups: usize },
    #[error(
        "group `{group}` is scheduled by shifts: change a shift's agents (set_shift_agents), not its size"
    )]
    ScheduledByShifts { group: String },
    #[error("group `{group}` is scheduled by size: it has no shifts to change")]
    ScheduledBySize { group: String },
    #[error("group `{group}`: interval {interval} is past the plan's {intervals} intervals")]
    NoInterval {
        group: String,
        interval: usize,
        intervals: usize,
    },
    #[error("group `{group}`: a size plan needs one value per interval ({expected}), got {got}")]
    WrongLength {
        group: String,
        expected: usize,
        got: usize,
    },
    #[error("group `{group}`: {agents} agents is more than {max}, the most {what}")]
    TooMany {
        group: String,
        agents: u64,
        max: u32,
        what: &'static str,
    },
    #[error(
        "this staffing belongs to another scenario ({groups} groups, {intervals} intervals; the model has {model_groups} and {model_intervals})"
    )]
    OtherModel {
        groups: usize,
        intervals: usize,
        model_groups: usize,
        model_intervals: usize,
    },
    #[error(
        "group `{group}`: shift {shift} is not one a scenario could give (no weekday, longer than a day, or a break outside it)"
    )]
    BadShift { group: String, shift: usize },
    #[error(
        "group `{group}`: interval {interval} has {agents} agents: give a number of agents from 0 to {max} (fractions allowed)"
    )]
    BadSize {
        group: String,
        interval: usize,
        agents: f64,
        max: u32,
    },
    #[error("group `{group}` has no shift {shift} (it has {shifts})")]
    NoShift {
        group: String,
        shift: usize,
        shifts: usize,
    },
}

/// One group's schedule: a head-count per interval, or shifts (then `size` is a constant 0).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupStaffing {
    /// The whole agents per interval.
    pub size: PerInterval<u32>,
    /// Fractional sizes: the part above `size` per interval, in [0, 1); `None` when every size is whole.
    /// An interval of n + f has n agents all through and one more (seat n) for its first f.
    pub size_fraction: Option<PerInterval<f64>>,
    pub shifts: Vec<Shift>,
}

impl GroupStaffing {
    /// The most agents that can be on duty at once: the agent seats a run keeps for the group.
    pub fn max_agents(&self) -> u32 {
        if !self.shifts.is_empty() {
            // Edits and validation keep the total at most MAX_SHIFT_TOTAL: no overflow.
            self.shifts.iter().map(|s| s.agents).sum()
        } else if let Some(f) = &self.size_fraction {
            let n = self.size.values().len().max(f.values().len());
            (0..n as i64)
                .map(|i| self.size.at(i) + u32::from(f.at(i) > 0.0))
                .max()
                .unwrap_or(0)
        } else {
            self.size.values().iter().copied().max().unwrap_or(0)
        }
    }

    /// The head-count of a size plan in interval `interval` (0-based, repeating like every per-interval
    /// value), its fraction included.
    pub fn agents_at(&self, interval: i64) -> f64 {
        f64::from(self.size.at(interval))
            + self.size_fraction.as_ref().map_or(0.0, |f| f.at(interval))
    }
}

/// The staffing of every group, in the scenario's group order.
#[derive(Debug, Clone, PartialEq)]
pub struct Staffing {
    groups: Vec<GroupStaffing>,
    names: Vec<String>,
    /// Intervals of the horizon (a size plan has 1 value, constant, or this many).
    intervals: usize,
}

impl Staffing {
    /// The scenario's own plan.
    pub fn of(scenario: &Scenario) -> Staffing {
        Staffing {
            groups: scenario
                .groups
                .iter()
                .map(|g: &Group| GroupStaffing {
                    size: g.size.clone(),
                    size_fraction: g.size_fraction.clone(),
                    shifts: g.shifts.clone(),
                })
                .collect(),
            names: scenario.groups.iter().map(|g| g.name.clone()).collect(),
            intervals: scenario.intervals(),
        }
    }

    pub fn groups(&self) -> &[GroupStaffing] {
        &self.groups
    }

    pub fn group(&self, group: usize) -> &GroupStaffing {
        &self.groups[group]
    }

    /// Whether this staffing has the shape of `other`'s (the same groups, by name, and intervals): a
    /// staffing runs only under the model whose staffing it was made from.
    pub fn same_shape(&self, other: &Staffing) -> Result<(), StaffingError> {
        if self.names == other.names && self.intervals == other.intervals {
            return Ok(());
        }
        Err(StaffingError::OtherModel {
            groups: self.names.len(),
            intervals: self.intervals,
            model_groups: other.names.len(),
            model_intervals: other.intervals,
        })
    }

    fn checked(&mut self, group: usize) -> Result<(&mut GroupStaffing, &str), StaffingError> {
        let groups = self.groups.len();
        match (self.groups.get_mut(group), self.names.get(group)) {
            (Some(g), Some(name)) => Ok((g, name)),
            _ => Err(StaffingError::NoGroup { group, groups }),
        }
    }

    /// A size-planned group whose whole plan is being replaced by `len` values: one per interval of the
    /// horizon, on a group not scheduled by shifts.
    fn whole_plan(
        &mut self,
        group: usize,
        len: usize,
    ) -> Result<(&mut GroupStaffing, &str), StaffingError> {
        let intervals = self.intervals;
        let (g, name) = self.checked(group)?;
        if !g.shifts.is_empty() {
            return Err(StaffingError::ScheduledByShifts { group: name.into() });
        }
        if len != intervals {
            return Err(StaffingError::WrongLength {
                group: name.into(),
                expected: intervals,
                got: len,
            });
        }
        Ok((g, name))
    }

    /// Sets a size-planned group's head-count in one interval (0-based, of the horizon).
    pub fn set_size(
        &mut self,
        group: usize,
        interval: usize,
        agents: u32,
    ) -> Result<(), StaffingError> {
        let intervals = self.intervals;
        let (g, name) = self.checked(group)?;
        if !g.shifts.is_empty() {
            return Err(StaffingError::ScheduledByShifts { group: name.into() });
        }
        if interval >= intervals {
            return Err(StaffingError::NoInterval {
                group: name.into(),
                interval,
                intervals,
            });
        }
        if agents > MAX_SIZE {
            return Err(too_many(
                name,
                u64::from(agents),
                MAX_SIZE,
                "in an interval",
            ));
        }
        let mut values: Vec<u32> = (0..intervals).map(|i| g.size.at(i as i64)).collect();
        values[interval] = agents;
        g.size = PerInterval::new(values).expect("one value per interval, at least one");
        if let Some(f) = &g.size_fraction {
            // The interval becomes whole; the plan stays fractional only while some interval is.
            let mut fractions: Vec<f64> = (0..intervals).map(|i| f.at(i as i64)).collect();
            fractions[interval] = 0.0;
            g.size_fraction = fractions
                .iter()
                .any(|&x| x > 0.0)
                .then(|| PerInterval::new(fractions).expect("one value per interval"));
        }
        Ok(())
    }

    /// Sets a size-planned group's whole plan: one head-count per interval of the horizon.
    pub fn set_sizes(&mut self, group: usize, agents: Vec<u32>) -> Result<(), StaffingError> {
        let (g, name) = self.whole_plan(group, agents.len())?;
        if let Some(&n) = agents.iter().find(|&&n| n > MAX_SIZE) {
            return Err(too_many(name, u64::from(n), MAX_SIZE, "in an interval"));
        }
        g.size = PerInterval::new(agents).expect("one value per interval, at least one");
        g.size_fraction = None;
        Ok(())
    }

    /// Sets a size-planned group's whole plan from fractional head-counts, one per interval of the horizon
    /// (a backtest's observed staffing): n + f is n agents all interval and one more for its first f
    /// (docs/scenario.md `size`). Whole numbers give exactly the plan [`Staffing::set_sizes`] would.
    pub fn set_fractional_sizes(
        &mut self,
        group: usize,
        agents: Vec<f64>,
    ) -> Result<(), StaffingError> {
        let (g, name) = self.whole_plan(group, agents.len())?;
        if let Some((interval, &x)) = agents
            .iter()
            .enumerate()
            .find(|&(_, &x)| !(x.is_finite() && (0.0..=f64::from(MAX_SIZE)).contains(&x)))
        {
            return Err(StaffingError::BadSize {
                group: name.into(),
                interval,
                agents: x,
                max: MAX_SIZE,
            });
        }
        let whole: Vec<u32> = agents.iter().map(|&x| x.floor() as u32).collect();
        let fractions: Vec<f64> = agents.iter().map(|&x| x - x.floor()).collect();
        g.size = PerInterval::new(whole).expect("one value per interval, at least one");
        g.size_fraction = fractions
            .iter()
            .any(|&f| f > 0.0)
            .then(|| PerInterval::new(fractions).expect("one value per interval"));
        Ok(())
    }

    /// Sets how many agents work shift `shift` (in the order the file lists the group's shifts).
    pub fn set_shift_agents(
        &mut self,
        group: usize,
        shift: usize,
        agents: u32,
    ) -> Result<(), StaffingError> {
        let (g, name) = self.checked(group)?;
        if g.shifts.is_empty() {
            return Err(StaffingError::ScheduledBySize { group: name.into() });
        }
        let shifts = g.shifts.len();
        if agents > MAX_SHIFT_AGENTS {
            return Err(too_many(
                name,
                u64::from(agents),
                MAX_SHIFT_AGENTS,
                "on a shift",
            ));
        }
        let others: u64 = g
            .shifts
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != shift)
            .map(|(_, s)| u64::from(s.agents))
            .sum();
        if shift < shifts && others + u64::from(agents) > u64::from(MAX_SHIFT_TOTAL) {
            return Err(too_many(
                name,
                others + u64::from(agents),
                MAX_SHIFT_TOTAL,
                "on a group's shifts",
            ));
        }
        let Some(s) = g.shifts.get_mut(shift) else {
            return Err(StaffingError::NoShift {
                group: name.into(),
                shift,
                shifts,
            });
        };
        s.agents = agents;
        Ok(())
    }

    /// Schedules a group by a head-count per interval of the horizon, whatever it was scheduled by (the
    /// planner's requirement search sizes groups that the file gives shifts, or nothing).
    pub fn schedule_by_size(
        &mut self,
        group: usize,
        agents: Vec<u32>,
    ) -> Result<(), StaffingError> {
        let (g, _) = self.checked(group)?;
        let shifts = std::mem::take(&mut g.shifts);
        let size = std::mem::replace(&mut g.size, PerInterval::new(vec![0]).expect("one value"));
        let fraction = g.size_fraction.take();
        let result = self.set_sizes(group, agents);
        if result.is_err() {
            let g = &mut self.groups[group];
            g.shifts = shifts;
            g.size = size;
            g.size_fraction = fraction;
        }
        result
    }

    /// Schedules a group by `shifts` (a roster), whatever it was scheduled by. Each shift must be one the
    /// file could have said: on some weekday, at most a day long, breaks inside it, agents within limits.
    pub fn schedule_by_shifts(
        &mut self,
        group: usize,
        shifts: Vec<Shift>,
    ) -> Result<(), StaffingError> {
        let (g, name) = self.checked(group)?;
        let mut total = 0u64;
        for (k, s) in shifts.iter().enumerate() {
            let sound = s.weekdays.iter().any(|&d| d)
                && s.start_s >= 0.0
                && s.start_s < 86_400.0
                && s.duration_s > 0.0
                && s.duration_s <= 86_400.0
                && s.breaks.iter().all(|b| {
                    b.duration_s > 0.0
                        && b.earliest_s >= s.start_s
                        && b.earliest_s <= b.latest_s
                        && b.latest_s + b.duration_s <= s.start_s + s.duration_s
                });
            if !sound {
                return Err(StaffingError::BadShift {
                    group: name.into(),
                    shift: k,
                });
            }
            if s.agents > MAX_SHIFT_AGENTS {
                return Err(too_many(
                    name,
                    u64::from(s.agents),
                    MAX_SHIFT_AGENTS,
                    "on a shift",
                ));
            }
            total += u64::from(s.agents);
        }
        if total > u64::from(MAX_SHIFT_TOTAL) {
            return Err(too_many(
                name,
                total,
                MAX_SHIFT_TOTAL,
                "on a group's shifts",
            ));
        }
        // A group on shifts has a constant size of 0 (no shift at all: nobody works, as a size of 0 says).
        g.size = PerInterval::new(vec![0]).expect("one value");
        g.size_fraction = None;
        g.shifts = shifts;
        Ok(())
    }

    /// The scenario with this staffing written into its groups (for the resolved scenario file and reports).
    pub fn apply_to(&self, scenario: &mut Scenario) {
        for (g, st) in scenario.groups.iter_mut().zip(&self.groups) {
            g.size = st.size.clone();
            g.size_fraction = st.size_fraction.clone();
            g.shifts = st.shifts.clone();
        }
    }
}

fn too_many(group: &str, agents: u64, max: u32, what: &'static str) -> StaffingError {
    StaffingError::TooMany {
        group: group.into(),
        agents,
        max,
        what,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(horizon: &str, groups: &str) -> Scenario {
        let text = format!(
            "name = \"s\"\nhorizon = \"{horizon}\"\ninterval = \"1h\"\n\
             [[channels]]\nname = \"phone\"\nkind = \"voice\"\narrivals = {{ per_hour = 10 }}\n\
             handle_time = {{ dist = \"exponential\", mean = 60 }}\n{groups}"
        );
        Scenario::from_toml(&text, "s.toml", None).expect("valid")
    }

    #[test]
    fn size_edits_change_one_interval_and_are_checked() {
        let s = scenario(
            "2h",
            "[[groups]]\nname = \"a\"\nsize = 3\nskills = { phone = 1 }\n",
        );
        let mut st = Staffing::of(&s);
        assert_eq!(st.group(0).max_agents(), 3);
        st.set_size(0, 1, 7).expect("valid edit");
        assert_eq!(st.group(0).size.values(), &[3, 7]);
        assert_eq!(st.group(0).max_agents(), 7);
        assert_eq!(
            st.set_size(0, 2, 1),
            Err(StaffingError::NoInterval {
                group: "a".into(),
                interval: 2,
                intervals: 2
            })
        );
        assert_eq!(
            st.set_size(1, 0, 1),
            Err(StaffingError::NoGroup {
                group: 1,
                groups: 1
            })
        );
        assert!(st.set_sizes(0, vec![1]).is_err());
        assert_eq!(
            st.set_size(0, 0, MAX_SIZE + 1).map_err(|e| e.to_string()),
            Err("group `a`: 1000001 agents is more than 1000000, the most in an interval".into())
        );
        assert!(st.set_sizes(0, vec![1, MAX_SIZE + 1]).is_err());
        // A staffing runs only under its own model's shape.
        let other = Staffing::of(&scenario(
            "3h",
            "[[groups]]\nname = \"a\"\nsize = 3\nskills = { phone = 1 }\n",
        ));
        assert!(st.same_shape(&Staffing::of(&s)).is_ok());
        assert!(matches!(
            st.same_shape(&other),
            Err(StaffingError::OtherModel { .. })
        ));
        st.set_sizes(0, vec![4, 5]).expect("valid");
        assert!(st.set_shift_agents(0, 0, 1).is_err());
        let mut edited = s.clone();
        st.apply_to(&mut edited);
        assert_eq!(edited.groups[0].size.values(), &[4, 5]);
    }

    #[test]
    fn shift_edits_are_checked() {
        let s = scenario(
            "1d",
            "[[groups]]\nname = \"a\"\nskills = { phone = 1 }\n\
             shifts = [{ days = \"all\", start = \"00:00\", end = \"08:00\", agents = 2 }]\n",
        );
        let mut st = Staffing::of(&s);
        st.set_shift_agents(0, 0, 5).expect("valid");
        assert_eq!(st.group(0).shifts[0].agents, 5);
        assert!(matches!(
            st.set_size(0, 0, 1),
            Err(StaffingError::ScheduledByShifts { .. })
        ));
        assert!(matches!(
            st.set_shift_agents(0, 1, 1),
            Err(StaffingError::NoShift { .. })
        ));
        assert!(matches!(
            st.set_shift_agents(0, 0, MAX_SHIFT_AGENTS + 1),
            Err(StaffingError::TooMany { .. })
        ));
    }
}
