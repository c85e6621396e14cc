//! From a requirement to a roster and back: the shift templates of `[planning]` laid over the horizon as a
//! [`cover::CoverProblem`], and the solver's shifts turned into scenario shifts (with their breaks at the
//! times the optimisation chose) that the simulation runs.
//!
//! Shifts in a scenario repeat by weekday, so the roster is planned over the horizon's distinct days: a
//! horizon of one day or of up to seven days is planned as it is (a day or a whole week repeats, so shifts
//! wrap past its end); a longer one is folded onto its first seven days, each interval needing the most
//! agents that interval needs in any week.

use super::cover::{self, CoverPlan, CoverProblem};
use crate::scenario::planning::{Planning, ShiftTemplate};
use crate::scenario::{Break, ChannelKind, Scenario, Shift};

const DAY_S: f64 = 86_400.0;

/// How the horizon maps onto the planned days.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub per_day: usize,
    /// Days of the horizon, and the days planned (at most seven).
    pub days: usize,
    pub planned_days: usize,
    pub cyclic: bool,
}

impl Layout {
    pub fn of(s: &Scenario) -> Layout {
        let per_day = (DAY_S / s.interval_s).round() as usize;
        let days = s.intervals() / per_day;
        Layout {
            per_day,
            days,
            planned_days: days.min(7),
            cyclic: days == 1 || days % 7 == 0,
        }
    }

    /// The planned interval a horizon interval falls on.
    pub fn fold(&self, i: usize) -> usize {
        let (d, k) = (i / self.per_day, i % self.per_day);
        (d % self.planned_days) * self.per_day + k
    }
}

/// The groups some template staffs: their agents are rostered; the others keep the requirement as a
/// head-count per interval.
pub fn rostered_groups(s: &Scenario, p: &Planning) -> Vec<bool> {
    (0..s.groups.len())
        .map(|g| p.shifts.iter().any(|t| t.group == g))
        .collect()
}

/// The cover problem for `requirement` (agents scheduled per group and horizon interval).
pub fn problem(s: &Scenario, p: &Planning, requirement: &[Vec<u32>]) -> CoverProblem {
    let l = Layout::of(s);
    let n = l.planned_days * l.per_day;
    let rostered = rostered_groups(s, p);
    let mut need = vec![vec![0u32; n]; s.groups.len()];
    for (g, row) in requirement.iter().enumerate() {
        if !rostered[g] {
            continue;
        }
        for (i, &x) in row.iter().enumerate() {
            if s.calendar.holidays.contains(&((i / l.per_day) as i64)) {
                continue;
            }
            let f = l.fold(i);
            need[g][f] = need[g][f].max(x);
        }
    }
    // The center is open when some agent-served channel is (an agent on the floor has work to wait for).
    let open: Vec<bool> = (0..n)
        .map(|f| {
            (0..l.days)
                .filter(|d| d % l.planned_days == f / l.per_day)
                .any(|d| {
                    let i = d * l.per_day + f % l.per_day;
                    s.channels
                        .iter()
                        .any(|c| c.kind != ChannelKind::SelfService && c.open.at(i as i64))
                })
        })
        .collect();
    let templates = p
        .shifts
        .iter()
        .map(|t| {
            let length = (t.length_s / s.interval_s).round() as usize;
            let starts = (0..l.planned_days)
                .filter(|&d| {
                    t.weekdays[usize::from(s.calendar.weekday(d as i64))]
                        && !s.calendar.holidays.contains(&(d as i64))
                })
                .flat_map(|d| {
                    t.starts_s
                        .iter()
                        .map(move |&st| d * l.per_day + (st / s.interval_s).round() as usize)
                })
                // A shift that would run past a horizon that does not repeat is left out.
                .filter(|&st| l.cyclic || st + length <= n)
                .collect();
            cover::ShiftTemplate {
                name: t.name.clone(),
                group: t.group,
                length,
                starts,
                breaks: t
                    .breaks
                    .iter()
                    .map(|b| cover::BreakRule {
                        earliest: (b.after_s / s.interval_s).round() as usize,
                        latest: (b.latest_s / s.interval_s).round() as usize,
                        length: (b.duration_s / s.interval_s).round() as usize,
                    })
                    .collect(),
                cost: t.shift_cost(),
                min_count: t.min,
                max_count: t.max,
            }
        })
        .collect();
    CoverProblem {
        intervals: n,
        groups: s.groups.len(),
        requirement: need,
        templates,
        cyclic: l.cyclic,
        open: Some(open),
        time_limit_s: p.time_limit_s,
        gap: p.gap,
    }
}

/// One planned shift as a manager reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterShift {
    pub template: String,
    pub group: usize,
    /// Day of the planned days (0 = the horizon's first), and start and end in seconds after that day's
    /// midnight (the end past 86,400 for a shift ending the next day).
    pub day: usize,
    pub start_s: f64,
    pub end_s: f64,
    /// Breaks as (start, end), seconds after the same midnight.
    pub breaks: Vec<(f64, f64)>,
    pub count: u32,
    pub cost: f64,
}

/// The solver's shifts as a manager reads them.
pub fn roster_shifts(s: &Scenario, p: &Planning, plan: &CoverPlan) -> Vec<RosterShift> {
    let l = Layout::of(s);
    let mut out: Vec<RosterShift> = plan
        .shifts
        .iter()
        .filter(|x| x.count > 0)
        .map(|x| {
            let t: &ShiftTemplate = &p.shifts[x.template];
            let day = x.start / l.per_day;
            let start_s = (x.start % l.per_day) as f64 * s.interval_s;
            let at = |k: usize| {
                // A break offset counts from the shift's start (it may be past midnight).
                let offset =
                    (k + l.planned_days * l.per_day - x.start) % (l.planned_days * l.per_day);
                start_s + offset as f64 * s.interval_s
            };
            let breaks = x
                .breaks
                .iter()
                .zip(&t.breaks)
                .map(|(&k, b)| (at(k), at(k) + b.duration_s))
                .collect();
            RosterShift {
                template: t.name.clone(),
                group: t.group,
                day,
                start_s,
                end_s: start_s + t.length_s,
                breaks,
                count: x.count,
                cost: t.shift_cost() * f64::from(x.count),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.group, a.day, a.template.as_str())
            .cmp(&(b.group, b.day, b.template.as_str()))
            .then(a.start_s.total_cmp(&b.start_s))
    });
    out
}

/// The roster as each group's scenario shifts: a shift on the weekday of its day (on every weekday of its
/// template for a one-day horizon, so the warm-up is staffed like the day), breaks at the chosen times.
pub fn scenario_shifts(s: &Scenario, p: &Planning, roster: &[RosterShift]) -> Vec<Vec<Shift>> {
    let l = Layout::of(s);
    let mut out = vec![Vec::new(); s.groups.len()];
    for r in roster {
        let weekdays = if l.days == 1 {
            p.shifts
                .iter()
                .find(|t| t.name == r.template)
                .map_or([true; 7], |t| t.weekdays)
        } else {
            let mut w = [false; 7];
            w[usize::from(s.calendar.weekday(r.day as i64))] = true;
            w
        };
        out[r.group].push(Shift {
            weekdays,
            start_s: r.start_s,
            duration_s: r.end_s - r.start_s,
            agents: r.count,
            breaks: r
                .breaks
                .iter()
                .map(|&(a, z)| Break {
                    earliest_s: a,
                    latest_s: a,
                    duration_s: z - a,
                })
                .collect(),
        });
    }
    out
}

/// Agents on the floor per group and horizon interval from the cover plan (folded days unfolded).
pub fn unfold(s: &Scenario, planned: &[Vec<u32>]) -> Vec<Vec<u32>> {
    let l = Layout::of(s);
    planned
        .iter()
        .map(|row| {
            (0..s.intervals())
                .map(|i| {
                    if s.calendar.holidays.contains(&((i / l.per_day) as i64)) {
                        0
                    } else {
                        row.get(l.fold(i)).copied().unwrap_or(0)
                    }
                })
                .collect()
        })
        .collect()
}
