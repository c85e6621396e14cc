//! The planner's pipeline: the Erlang start, the requirement by simulation (or a requirement given), the
//! least-cost roster, and the check of that roster on fresh replications, raising the requirement where the
//! roster misses and solving again, up to `check_rounds` times.

use super::PlanError;
use super::cover::{self, CoverPlan, Uncovered};
use super::requirement::{self, Judge, Miss};
use super::roster::{self, RosterShift};
use crate::experiment::Runner;
use crate::model::Compiled;
use crate::scenario::planning::Planning;
use crate::scenario::{Scenario, Staffing};
use crate::stats::ReplicationTally;

/// What to plan.
pub struct PlanInputs<'a> {
    /// The scenario (its seed and replications as the run should use them).
    pub scenario: &'a Scenario,
    pub planning: &'a Planning,
    /// Agents per group and interval from elsewhere (`--requirement`): the search is skipped.
    pub requirement: Option<Vec<Vec<u32>>>,
}

/// The plan and everything that explains it.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Per group and interval: the exact Erlang requirement (shrinkage included), the requirement the
    /// roster covers (after the search and any repairs), and the agents the roster puts on the floor.
    pub erlang: Vec<Vec<u32>>,
    pub requirement: Vec<Vec<u32>>,
    pub scheduled: Vec<Vec<u32>>,
    /// Whether the requirement came from a file, and the search's simulations (0 then).
    pub requirement_given: bool,
    pub search_simulations: u32,
    /// Targets the searched requirement still missed when its budget ran out (empty: it held).
    pub search_misses: Vec<Miss>,
    /// Which groups are rostered by shift templates (the others are scheduled by head-count).
    pub rostered: Vec<bool>,
    pub roster: Vec<RosterShift>,
    /// The last shift solve (gap, columns, time), when some group is rostered.
    pub cover: Option<CoverPlan>,
    /// Intervals (of the horizon) of rostered groups that the roster leaves short.
    pub short: Vec<Uncovered>,
    /// The roster as a staffing, and the scenario with it applied (planned.toml).
    pub staffing: Staffing,
    pub planned: Scenario,
    /// The check: fresh replications (after the search's) of the planned scenario, and what they miss.
    pub check: Vec<ReplicationTally>,
    pub check_seed: u64,
    pub check_misses: Vec<Miss>,
    /// Times the roster was solved again after a failed check.
    pub repairs: u32,
}

impl Plan {
    /// Paid agent-hours of the roster (rostered groups: shifts × length; others: the head-counts).
    pub fn paid_hours(&self, s: &Scenario) -> f64 {
        self.total(
            s,
            |r| (r.end_s - r.start_s) / 3600.0 * f64::from(r.count),
            |_| 1.0,
        )
    }

    /// Cost of the paid hours (templates' costs; size-planned groups at their cost per hour).
    pub fn cost(&self, s: &Scenario) -> f64 {
        self.total(s, |r| r.cost, |g| s.groups[g].cost_per_hour)
    }

    /// `per_shift` summed over the roster (times the weeks a folded roster repeats) plus, for groups
    /// scheduled by head-count, their agent-hours times `per_hour(group)`.
    fn total(
        &self,
        s: &Scenario,
        per_shift: impl Fn(&RosterShift) -> f64,
        per_hour: impl Fn(usize) -> f64,
    ) -> f64 {
        let mut total: f64 = self.roster.iter().map(per_shift).sum();
        if !self.roster.is_empty() {
            // Folded: the planned week repeats over the horizon.
            let l = roster::Layout::of(s);
            total *= l.days as f64 / l.planned_days as f64;
        }
        let h = s.interval_s / 3600.0;
        for (g, row) in self.requirement.iter().enumerate() {
            if !self.rostered[g] {
                total += row.iter().map(|&x| f64::from(x) * h).sum::<f64>() * per_hour(g);
            }
        }
        total
    }
}

/// Plans `inputs` on `runner`; `progress` hears each stage as it starts.
pub fn plan(
    runner: &Runner,
    inputs: PlanInputs,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Plan, PlanError> {
    let s = inputs.scenario;
    let p = inputs.planning;
    let model = Compiled::new(s);
    progress("Erlang starting point");
    let erlang = requirement::erlang_start(s, p)?;
    let requirement_given = inputs.requirement.is_some();
    let (mut need, search_simulations, search_misses) = match inputs.requirement {
        Some(r) => (r, 0, Vec::new()),
        None => {
            progress("requirement by simulation");
            let r = requirement::search(runner, &model, p, erlang.clone(), &|round, misses| {
                progress(&format!(
                    "requirement by simulation: round {round}, {misses} targets missed"
                ))
            })?;
            (r.agents, r.simulations, r.misses)
        }
    };
    let rostered = roster::rostered_groups(s, p);
    let judge = Judge {
        scenario: s,
        planning: p,
    };
    // The check runs on its own seed (replications 0..C of it): other random numbers than the search's,
    // and the planned scenario carries that seed, so `supportsim run planned.toml` repeats the check.
    let check_seed = check_seed(s.seed);
    let check_reps = 0..u64::from(p.check_replications);
    let mut repairs = 0;
    loop {
        let (staffing, scheduled, shifts, solved) = roster_for(s, p, &model, &need, &rostered)?;
        progress(if repairs == 0 {
            "checking the roster on fresh replications"
        } else {
            "checking the repaired roster"
        });
        let check = runner.run(&model, &staffing, check_seed, check_reps.clone(), &|| {})?;
        let misses = judge.misses(&check);
        let short: Vec<Uncovered> = (0..s.groups.len())
            .filter(|&g| rostered[g])
            .flat_map(|g| {
                let (need, scheduled) = (&need, &scheduled);
                (0..s.intervals()).filter_map(move |i| {
                    (scheduled[g][i] < need[g][i]).then_some(Uncovered {
                        group: g,
                        interval: i,
                        required: need[g][i],
                        scheduled: scheduled[g][i],
                    })
                })
            })
            .collect();
        // Raise the requirement where the roster misses, except where no shift can add agents anyway.
        let points: Vec<(usize, usize)> = requirement::raise_points(&judge, &check, &misses, &need)
            .into_iter()
            .filter(|&(g, i)| {
                !short.iter().any(|x| x.group == g && x.interval == i)
                    && need[g][i] < p.max_agents[g]
            })
            .collect();
        if misses.is_empty() || repairs >= p.check_rounds || points.is_empty() {
            let mut planned = s.clone();
            staffing.apply_to(&mut planned);
            planned.seed = check_seed;
            planned.replications = p.check_replications;
            return Ok(Plan {
                erlang,
                requirement: need,
                scheduled,
                requirement_given,
                search_simulations,
                search_misses,
                rostered,
                roster: shifts,
                cover: solved,
                short,
                staffing,
                planned,
                check,
                check_seed,
                check_misses: misses,
                repairs,
            });
        }
        for (g, i) in points {
            need[g][i] += 1;
        }
        repairs += 1;
        progress(&format!(
            "repair {repairs}: the requirement raised where the check missed"
        ));
    }
}

/// The check's seed: a mix of the scenario's, so that distinct seeds keep distinct checks, kept to 63 bits
/// because planned.toml repeats it and a scenario's `seed` is a TOML integer (at most 2^63 − 1): with the
/// top bit, about every other seed wrote a planned.toml that `run` refused.
pub fn check_seed(seed: u64) -> u64 {
    crate::seed::mix(seed ^ 0x6368_6563_6b00_0000) & (i64::MAX as u64)
}

type Rostered = (Staffing, Vec<Vec<u32>>, Vec<RosterShift>, Option<CoverPlan>);

/// The staffing for requirement `need`: rostered groups by the least-cost shifts, the others by
/// head-count.
fn roster_for(
    s: &Scenario,
    p: &Planning,
    model: &Compiled,
    need: &[Vec<u32>],
    rostered: &[bool],
) -> Result<Rostered, PlanError> {
    let mut staffing = requirement::size_staffing(model, need)?;
    if !rostered.iter().any(|&r| r) {
        return Ok((staffing, need.to_vec(), Vec::new(), None));
    }
    let problem = roster::problem(s, p, need);
    let solved = cover::cover(&problem)?;
    let shifts = roster::roster_shifts(s, p, &solved);
    let per_group = roster::scenario_shifts(s, p, &shifts);
    let on_floor = roster::unfold(s, &solved.scheduled);
    let mut scheduled = need.to_vec();
    for (g, sh) in per_group.into_iter().enumerate() {
        if rostered[g] {
            staffing.schedule_by_shifts(g, sh)?;
            scheduled[g] = on_floor[g].clone();
        }
    }
    Ok((staffing, scheduled, shifts, Some(solved)))
}
