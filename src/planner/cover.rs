//! The shift stage of the planner: which shifts, starting when, with their breaks where, so that every
//! interval has the agents it needs on the floor, at the least cost. Pure mathematics on interval indices:
//! it knows nothing of scenarios (the caller turns a scenario's shifts and a simulated requirement into a
//! [`CoverProblem`]), and it imports nothing from the crate.
//!
//! # Model
//!
//! A set-covering integer program over shift columns, the formulation Dantzig (1954) gave for Edie's toll
//! booths. A *column* `j` is one template `t(j)`, one start interval and one placement of every break of the
//! template; `a[j][g][i] = 1` when a shift of column `j` is on the floor (paid and not on break) in interval
//! `i` and its template staffs group `g`. With `x[j]` the number of shifts of column `j` and `u[g][i]` the
//! agents missing in `(g, i)`:
//!
//! ```text
//! minimise    sum_j cost[t(j)] x[j]  +  P sum_{g,i} u[g][i]
//! subject to  sum_j a[j][g][i] x[j] + u[g][i] >= requirement[g][i]   every (g, i) with a requirement
//!             min_count[t] <= sum_{j of t} x[j] <= max_count[t]      every template t
//!             x[j] integer >= 0 (and <= max_count[t(j)]),  u[g][i] >= 0
//! ```
//!
//! The shortfall `u` makes every problem feasible: a plan always exists and what it cannot cover is reported
//! by how much ([`CoverPlan::uncovered`]), never as a bare "infeasible". `(g, i)` that no column covers at all
//! are left out of the program and reported with 0 scheduled.
//!
//! **Penalty.** `P = 1 + sum_t min_count[t] cost[t] + R max_t cost[t]`, with `R` the total requirement of the
//! cells some column covers. That makes the objective lexicographic: first the least shortfall, then the
//! least cost. Take an optimum of that order and drop every shift above the minimum counts whose removal does
//! not raise the shortfall. Each shift left above the minimum works in some cell with no more agents than
//! it requires (else dropping it would not raise the shortfall), and at most `R` shifts can do that, so the
//! plan costs at most `P - 1`, while one more missing agent-interval costs `P`.
//!
//! # Columns
//!
//! Breaks are placed inside the optimisation: a template's placements are every choice of one start offset
//! per [`BreakRule`] in `[earliest, latest]` with no two breaks overlapping; two placements that give the
//! same breaks (two identical rules swapped) count once. The columns are
//! `sum_t |starts[t]| x |placements[t]|`, less the columns on the floor in a closed interval. For example a
//! 96-interval day (15 minutes) with 57 starts and one 30-minute break anywhere in a 2-hour window (9
//! offsets) gives 513 columns; adding a second 15-minute break in its own 1-hour window (5 offsets) gives at
//! most 2,565. Over [`MAX_COLUMNS`] the planner returns [`CoverError::TooManyColumns`] (one template) or
//! [`CoverError::TooManyColumnsInAll`] rather than build them.
//!
//! Aykin (1996) places breaks implicitly instead: one variable per shift and per (shift type, break window,
//! break start), with constraints tying break counts to shift counts, so the size grows with the sum of
//! starts and break positions instead of their product. We enumerated because (1) each column is a whole
//! shift with its breaks, so the plan says directly where each shift's breaks are, where the implicit model
//! only gives how many breaks start at each time and needs a further step to hand them to shifts; (2) the
//! program stays a plain set covering with exact coverage coefficients and no linking constraints; (3) with
//! one to three breaks in windows of a few intervals the product stays in the thousands, which microlp
//! handles (tests/plan_cover.rs prints the solve times). The implicit model is the way beyond
//! [`MAX_COLUMNS`].
//!
//! # Horizon
//!
//! - `cyclic`: the horizon repeats (a day or a week of a steady roster): a shift running past the last
//!   interval continues at interval 0, and so do its breaks. Otherwise a start whose shift would run past
//!   the horizon is an input error (the planner does not silently cut or drop it).
//! - `open[i] == false`: the center is closed in interval `i`. A column is built only if every interval in
//!   which it is on the floor is open; its breaks may fall in closed intervals (an agent may be on break
//!   while the center is closed, e.g. over a midday closing). A requirement in a closed interval is
//!   reported in `uncovered` like any other interval no shift can cover.
//!
//! # Solving
//!
//! microlp (pure Rust) through good_lp, within one wall-clock budget (`time_limit_s`, for the whole call;
//! each solver call gets what is left, so building its model may overrun it slightly) and with the relative
//! gap always set. In order:
//! 1. A greedy plan: the minimum counts first, then repeatedly the column covering the most missing
//!    agent-intervals per unit of cost (Chvátal 1979, evaluated lazily), then shifts nothing needs dropped.
//! 2. The linear relaxation (counts continuous), whose objective bounds every plan's from below. Its
//!    solution is rounded two ways, each brought back within the maximum counts, completed greedily and
//!    pruned: down, then adding the columns the relaxation used most fractionally first while they cover
//!    something missing; and up. The best of the three plans is kept. If it is already within the gap of
//!    the relaxation's bound the call ends there ([`Stop::Gap`], or [`Stop::Optimal`] when they meet). On
//!    the open-hours day of tests/plan_cover.rs the rounding is the optimum; on its 24-hour day with two
//!    break windows it is about 2% above the bound, and microlp's branch and bound needs seconds to find
//!    better (its node throughput, not the bound, is what limits it: the relaxation's bound is within 0.1%
//!    of the optimum there).
//! 3. Otherwise microlp's branch and bound with the time left, warm-started with the best plan (microlp
//!    adopts it as its incumbent once its own root relaxation is solved). It stops at the proven optimum
//!    ([`Stop::Optimal`]), at the requested gap ([`Stop::Gap`]), or on the time limit with its best
//!    incumbent ([`Stop::TimeLimit`], microlp returns it); [`CoverPlan::gap`] and [`CoverPlan::bound`] say
//!    how far from optimal the plan may be.
//! 4. If the time runs out before microlp has any plan (its root relaxation not solved in time), the
//!    best heuristic plan is returned ([`Stop::Heuristic`]), with the bound of step 2 if that was solved,
//!    else with `gap` and `bound` `None`. So a well-formed problem always gets a plan.
//!
//! The gap is measured as microlp does, relative to the objective the program minimises, penalty included:
//! `(objective - bound) / |objective|`. When a shortfall remains in the program (a `max_count` too low) the penalty
//! dominates the objective and a small relative gap can still leave shift cost on the table; `bound` is the
//! absolute lower bound on the objective. Cells no column covers are outside the program and its objective.
//!
//! # References
//!
//! - G. B. Dantzig (1954). A comment on Edie's "Traffic delays at toll booths". Journal of the Operations
//!   Research Society of America 2(3), 339-341.
//! - T. Aykin (1996). Optimal shift scheduling with multiple break windows. Management Science 42(4),
//!   591-602.
//! - V. Chvátal (1979). A greedy heuristic for the set-covering problem. Mathematics of Operations
//!   Research 4(3), 233-235.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::time::Instant;

use good_lp::{
    Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus, SolverModel, Variable,
    WithMipGap, WithTimeLimit, microlp, variable,
};

/// The most columns the planner builds (see the module documentation for the count).
pub const MAX_COLUMNS: usize = 200_000;

/// The most agents an interval may require and a template's counts may be: far beyond any center, and it
/// keeps every sum of agents well inside `u32` (and microlp's `i32` bounds).
pub const MAX_AGENTS: u32 = 1_000_000;

/// A break within a shift, in intervals from the shift's start: it starts at some offset in
/// `[earliest, latest]` (chosen by the optimisation) and lasts `length` intervals, all inside the shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakRule {
    pub earliest: usize,
    pub latest: usize,
    pub length: usize,
}

/// A kind of shift the plan may use.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftTemplate {
    pub name: String,
    /// The agent group it staffs (an index into [`CoverProblem::requirement`]).
    pub group: usize,
    /// Paid length in planning intervals, breaks included.
    pub length: usize,
    /// Allowed start intervals (indices into the horizon); duplicates count once.
    pub starts: Vec<usize>,
    /// Breaks, placed inside the optimisation; they may not overlap.
    pub breaks: Vec<BreakRule>,
    /// Cost of one shift of this template (finite, >= 0).
    pub cost: f64,
    /// Fewest and most shifts of this template, over all its starts.
    pub min_count: u32,
    pub max_count: Option<u32>,
}

/// What to cover and with what.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverProblem {
    /// Horizon length in intervals.
    pub intervals: usize,
    pub groups: usize,
    /// `[group][interval]`: agents needed on the floor (not on break).
    pub requirement: Vec<Vec<u32>>,
    pub templates: Vec<ShiftTemplate>,
    /// The horizon repeats: a shift running past the end continues at interval 0 (see the module docs).
    pub cyclic: bool,
    /// `[interval]`: whether the center is open; `None` is always open. No shift is on the floor while
    /// closed; breaks may fall there (see the module docs).
    pub open: Option<Vec<bool>>,
    /// Wall-clock budget of the whole call, in seconds (> 0).
    pub time_limit_s: f64,
    /// Relative gap at which the solver may stop, in [0, 1): 0.01 stops within 1% of the bound.
    pub gap: f64,
}

/// Shifts of one column: a template started at one interval with its breaks at given intervals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedShift {
    /// Index into [`CoverProblem::templates`].
    pub template: usize,
    /// Start interval.
    pub start: usize,
    /// Start interval of each break, in the order of the template's [`ShiftTemplate::breaks`] (wrapped
    /// around the horizon when cyclic).
    pub breaks: Vec<usize>,
    /// How many agents work this shift.
    pub count: u32,
}

/// An interval of a group with fewer agents scheduled than required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uncovered {
    pub group: usize,
    pub interval: usize,
    pub required: u32,
    pub scheduled: u32,
}

impl Uncovered {
    /// Agents missing.
    pub fn shortfall(&self) -> u32 {
        self.required - self.scheduled
    }
}

/// Why the solver stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The plan is proven optimal.
    Optimal,
    /// The plan is within the requested gap of the bound (microlp's, or the relaxation's when a rounded
    /// relaxation was already that close).
    Gap,
    /// The time limit struck; the plan is the best the solver had found.
    TimeLimit,
    /// The time limit struck before microlp had any plan: this is the best of the greedy plan and the
    /// rounded relaxations, with the relaxation's bound when it was solved in time.
    Heuristic,
}

/// The plan: its shifts, the agents on the floor and what it leaves uncovered.
#[derive(Debug, Clone)]
pub struct CoverPlan {
    /// Columns with at least one shift, by template, then start, then breaks.
    pub shifts: Vec<PlannedShift>,
    /// `[group][interval]`: agents on the floor (on shift and not on break).
    pub scheduled: Vec<Vec<u32>>,
    /// Every (group, interval) with fewer agents scheduled than required, by group then interval.
    pub uncovered: Vec<Uncovered>,
    /// Sum of the shifts' costs.
    pub cost: f64,
    /// Agent-intervals missing: the sum of [`Uncovered::shortfall`].
    pub shortfall: u64,
    /// Cost of one missing agent-interval in the objective (see the module docs).
    pub penalty: f64,
    /// What was minimised: `cost + penalty * (shortfall where some shift could be on the floor)`; the
    /// shortfall where none can is the same in every plan and left out.
    pub objective: f64,
    /// A proven lower bound on `objective` (microlp's, or the linear relaxation's), when there is one.
    pub bound: Option<f64>,
    /// Relative gap between `objective` and `bound` (0 when proven optimal), when a bound exists.
    pub gap: Option<f64>,
    pub proven_optimal: bool,
    pub stop: Stop,
    /// Shift columns in the program (template x start x break placement, open intervals only).
    pub columns: usize,
    /// Wall-clock seconds of the whole call.
    pub solve_s: f64,
}

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoverError {
    /// The problem is malformed; `at` names the field.
    #[error("{at}: {problem}")]
    Input { at: String, problem: String },
    #[error(
        "template \"{template}\" alone gives at least {columns} shift columns (starts x break placements), more than the {limit} the planner builds: give fewer starts, narrower break windows or fewer breaks"
    )]
    TooManyColumns {
        template: String,
        columns: usize,
        limit: usize,
    },
    #[error(
        "at least {columns} shift columns (starts x break placements) in all, more than the {limit} the planner builds: give fewer starts, narrower break windows or fewer breaks"
    )]
    TooManyColumnsInAll { columns: usize, limit: usize },
    /// microlp failed (a numerical failure, or a plan that breaks the model's own bounds).
    #[error("the integer-programming solver failed: {0}")]
    Solver(String),
}

fn input(at: impl Into<String>, problem: impl Into<String>) -> CoverError {
    CoverError::Input {
        at: at.into(),
        problem: problem.into(),
    }
}

fn template_at(k: usize, t: &ShiftTemplate) -> String {
    format!("templates[{k}] (\"{}\")", t.name)
}

/// One shift column: a template, a start, one placement of its breaks, and the cells
/// (`group * intervals + interval`) where it is on the floor.
#[derive(Debug, Clone)]
struct Column {
    template: usize,
    start: usize,
    breaks: Vec<usize>,
    floor: Vec<usize>,
}

fn validate(p: &CoverProblem) -> Result<(), CoverError> {
    let n = p.intervals;
    if n == 0 {
        return Err(input(
            "intervals",
            "0: the horizon needs at least one interval",
        ));
    }
    if !(p.time_limit_s.is_finite() && p.time_limit_s > 0.0) {
        return Err(input(
            "time_limit_s",
            format!("{}: give a number of seconds above 0", p.time_limit_s),
        ));
    }
    if !(p.gap.is_finite() && (0.0..1.0).contains(&p.gap)) {
        return Err(input(
            "gap",
            format!(
                "{}: give a relative gap from 0 (prove optimality) to below 1, e.g. 0.01",
                p.gap
            ),
        ));
    }
    if p.requirement.len() != p.groups {
        return Err(input(
            "requirement",
            format!(
                "{} rows for {} groups: give one row per group",
                p.requirement.len(),
                p.groups
            ),
        ));
    }
    for (g, row) in p.requirement.iter().enumerate() {
        if let Some(i) = row.iter().position(|&r| r > MAX_AGENTS) {
            return Err(input(
                format!("requirement[{g}][{i}]"),
                format!("{}: at most {MAX_AGENTS} agents", row[i]),
            ));
        }
        if row.len() != n {
            return Err(input(
                format!("requirement[{g}]"),
                format!(
                    "{} values for {n} intervals: give one per interval",
                    row.len()
                ),
            ));
        }
    }
    if let Some(open) = &p.open
        && open.len() != n
    {
        return Err(input(
            "open",
            format!(
                "{} values for {n} intervals: give one per interval",
                open.len()
            ),
        ));
    }
    for (k, t) in p.templates.iter().enumerate() {
        let at = template_at(k, t);
        if t.group >= p.groups {
            return Err(input(
                format!("{at}.group"),
                format!(
                    "{}: there are {} groups (0 to {})",
                    t.group,
                    p.groups,
                    p.groups.saturating_sub(1)
                ),
            ));
        }
        if t.length == 0 || t.length > n {
            return Err(input(
                format!("{at}.length"),
                format!("{}: give 1 to {n} intervals (the horizon)", t.length),
            ));
        }
        if !(t.cost.is_finite() && t.cost >= 0.0) {
            return Err(input(
                format!("{at}.cost"),
                format!("{}: give a finite cost of 0 or more", t.cost),
            ));
        }
        if t.min_count > MAX_AGENTS {
            return Err(input(
                format!("{at}.min_count"),
                format!("{}: at most {MAX_AGENTS}", t.min_count),
            ));
        }
        if let Some(max) = t.max_count {
            if max < t.min_count {
                return Err(input(
                    format!("{at}.max_count"),
                    format!("{max}: below min_count {}", t.min_count),
                ));
            }
            if max > MAX_AGENTS {
                return Err(input(
                    format!("{at}.max_count"),
                    format!("{max}: at most {MAX_AGENTS}"),
                ));
            }
        }
        for (s, &start) in t.starts.iter().enumerate() {
            if start >= n {
                return Err(input(
                    format!("{at}.starts[{s}]"),
                    format!("{start}: the horizon has intervals 0 to {}", n - 1),
                ));
            }
            if !p.cyclic && start + t.length > n {
                return Err(input(
                    format!("{at}.starts[{s}]"),
                    format!(
                        "{start}: the shift of {} intervals would end at {}, past the horizon of {n}: remove the start, or make the horizon cyclic",
                        t.length,
                        start + t.length
                    ),
                ));
            }
        }
        let mut on_break = 0;
        for (b, r) in t.breaks.iter().enumerate() {
            let bat = format!("{at}.breaks[{b}]");
            if r.length == 0 {
                return Err(input(
                    format!("{bat}.length"),
                    "0: a break lasts at least one interval",
                ));
            }
            if r.earliest > r.latest {
                return Err(input(
                    bat,
                    format!(
                        "earliest {} is after latest {}: give earliest <= latest",
                        r.earliest, r.latest
                    ),
                ));
            }
            if r.latest + r.length > t.length {
                return Err(input(
                    bat,
                    format!(
                        "a break of {} intervals starting as late as {} ends at {}, outside the shift of {} intervals: give latest <= {}",
                        r.length,
                        r.latest,
                        r.latest + r.length,
                        t.length,
                        t.length.saturating_sub(r.length)
                    ),
                ));
            }
            on_break += r.length;
        }
        if on_break >= t.length {
            return Err(input(
                format!("{at}.breaks"),
                format!(
                    "{on_break} intervals of breaks in a shift of {}: the shift would never be on the floor",
                    t.length
                ),
            ));
        }
    }
    Ok(())
}

/// Every placement of a template's breaks: one start offset per rule, no two overlapping, placements that
/// give the same breaks (identical rules swapped) once. `None` when there are more than `limit`.
fn placements(rules: &[BreakRule], limit: usize) -> Option<Vec<Vec<usize>>> {
    fn place(
        rules: &[BreakRule],
        chosen: &mut Vec<usize>,
        seen: &mut HashSet<Vec<(usize, usize)>>,
        out: &mut Vec<Vec<usize>>,
        limit: usize,
    ) -> bool {
        let k = chosen.len();
        if k == rules.len() {
            let mut key: Vec<(usize, usize)> = chosen
                .iter()
                .zip(rules)
                .map(|(&o, r)| (o, r.length))
                .collect();
            key.sort_unstable();
            if seen.insert(key) {
                out.push(chosen.clone());
            }
            return out.len() <= limit;
        }
        let rule = &rules[k];
        for o in rule.earliest..=rule.latest {
            let overlaps = chosen
                .iter()
                .zip(rules)
                .any(|(&p, r)| o < p + r.length && p < o + rule.length);
            if overlaps {
                continue;
            }
            chosen.push(o);
            let ok = place(rules, chosen, seen, out, limit);
            chosen.pop();
            if !ok {
                return false;
            }
        }
        true
    }
    let mut out = Vec::new();
    let ok = place(
        rules,
        &mut Vec::with_capacity(rules.len()),
        &mut HashSet::new(),
        &mut out,
        limit,
    );
    ok.then_some(out)
}

fn build_columns(p: &CoverProblem) -> Result<Vec<Column>, CoverError> {
    let n = p.intervals;
    let mut columns = Vec::new();
    for (k, t) in p.templates.iter().enumerate() {
        let mut starts = t.starts.clone();
        starts.sort_unstable();
        starts.dedup();
        let too_many = |placements: usize| CoverError::TooManyColumns {
            template: t.name.clone(),
            columns: placements.saturating_mul(starts.len().max(1)),
            limit: MAX_COLUMNS,
        };
        let Some(placements) = placements(&t.breaks, MAX_COLUMNS) else {
            return Err(too_many(MAX_COLUMNS + 1));
        };
        if placements.is_empty() {
            return Err(input(
                format!("{}.breaks", template_at(k, t)),
                "no placement of the breaks in their windows avoids overlapping: widen or move the windows",
            ));
        }
        if placements.len().saturating_mul(starts.len()) > MAX_COLUMNS {
            return Err(too_many(placements.len()));
        }
        let before = columns.len();
        for &start in &starts {
            for offsets in &placements {
                let mut on_floor = vec![true; t.length];
                for (o, r) in offsets.iter().zip(&t.breaks) {
                    on_floor[*o..*o + r.length].fill(false);
                }
                let intervals: Vec<usize> = on_floor
                    .iter()
                    .enumerate()
                    .filter(|(_, on)| **on)
                    .map(|(d, _)| (start + d) % n)
                    .collect();
                if let Some(open) = &p.open
                    && intervals.iter().any(|&i| !open[i])
                {
                    continue;
                }
                columns.push(Column {
                    template: k,
                    start,
                    breaks: offsets.iter().map(|o| (start + o) % n).collect(),
                    floor: intervals.iter().map(|i| t.group * n + i).collect(),
                });
            }
            if columns.len() > MAX_COLUMNS {
                return Err(CoverError::TooManyColumnsInAll {
                    columns: columns.len(),
                    limit: MAX_COLUMNS,
                });
            }
        }
        if t.min_count > 0 && columns.len() == before {
            return Err(input(
                format!("{}.min_count", template_at(k, t)),
                format!(
                    "{}: but no start puts this shift on the floor only while the center is open: allow other starts, or give min_count 0",
                    t.min_count
                ),
            ));
        }
    }
    Ok(columns)
}

/// A column to consider in the lazy greedy: its score (missing agent-intervals it covers per unit of
/// cost) and gain when last evaluated, which only fall as shifts are added.
struct Candidate {
    score: f64,
    gain: usize,
    column: usize,
}

impl Candidate {
    fn rank(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then(self.gain.cmp(&other.gain))
    }
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        // Ties go to the lower column index, so the plan does not depend on the heap's internals.
        self.rank(other).then(other.column.cmp(&self.column))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

/// Relative gap as microlp measures it: `(objective - bound) / |objective|`, 0 when they meet.
fn relative_gap(objective: f64, bound: f64) -> f64 {
    (objective - bound).max(0.0) / objective.abs().max(1e-9)
}

/// The integer program: its columns and the data the heuristics and the solver share.
struct Program<'a> {
    p: &'a CoverProblem,
    columns: Vec<Column>,
    /// `[cell]`: agents required, `cell = group * intervals + interval`.
    need: Vec<u32>,
    /// `[cell]`: the columns on the floor there.
    covering: Vec<Vec<usize>>,
    /// The cells with a requirement that some column covers: one coverage row and one shortfall each.
    demand: Vec<usize>,
    /// `[template]`: its columns.
    by_template: Vec<Vec<usize>>,
    penalty: f64,
}

/// What microlp (or a heuristic) returned.
struct Solved {
    counts: Vec<u32>,
    stop: Stop,
    bound: Option<f64>,
    gap: Option<f64>,
}

enum Failure {
    /// The time limit struck before microlp had any plan.
    NoIncumbent,
    Failed(String),
}

impl<'a> Program<'a> {
    fn new(p: &'a CoverProblem, columns: Vec<Column>) -> Self {
        let cells = p.groups * p.intervals;
        let need: Vec<u32> = p.requirement.iter().flatten().copied().collect();
        let mut covering: Vec<Vec<usize>> = vec![Vec::new(); cells];
        let mut by_template: Vec<Vec<usize>> = vec![Vec::new(); p.templates.len()];
        for (j, c) in columns.iter().enumerate() {
            for &cell in &c.floor {
                covering[cell].push(j);
            }
            by_template[c.template].push(j);
        }
        let demand: Vec<usize> = (0..cells)
            .filter(|&cell| need[cell] > 0 && !covering[cell].is_empty())
            .collect();
        let coverable: f64 = demand.iter().map(|&cell| f64::from(need[cell])).sum();
        let max_cost = p.templates.iter().map(|t| t.cost).fold(0.0, f64::max);
        let mandated: f64 = p
            .templates
            .iter()
            .map(|t| f64::from(t.min_count) * t.cost)
            .sum();
        Program {
            p,
            columns,
            need,
            covering,
            demand,
            by_template,
            penalty: 1.0 + mandated + coverable * max_cost,
        }
    }

    fn cost(&self, j: usize) -> f64 {
        self.p.templates[self.columns[j].template].cost
    }

    /// `[cell]`: agents on the floor under `counts`.
    fn on_floor(&self, counts: &[u32]) -> Vec<u32> {
        let mut on = vec![0u32; self.need.len()];
        for (c, &k) in self.columns.iter().zip(counts) {
            for &cell in &c.floor {
                on[cell] += k;
            }
        }
        on
    }

    fn per_template(&self, counts: &[u32]) -> Vec<u32> {
        self.by_template
            .iter()
            .map(|own| own.iter().map(|&j| counts[j]).sum())
            .collect()
    }

    /// What the program minimises: the shifts' cost plus the penalty on the shortfall of the cells some
    /// column covers (the others are the same in every plan).
    fn objective(&self, counts: &[u32]) -> f64 {
        let on = self.on_floor(counts);
        let cost: f64 = counts
            .iter()
            .enumerate()
            .map(|(j, &k)| f64::from(k) * self.cost(j))
            .sum();
        let short: f64 = self
            .demand
            .iter()
            .map(|&cell| f64::from(self.need[cell].saturating_sub(on[cell])))
            .sum();
        cost + self.penalty * short
    }

    /// Completes `counts` (within the maximum counts) to a feasible plan: the minimum counts first (each
    /// time the template's column covering the most missing agent-intervals), then repeatedly the column
    /// covering the most missing agent-intervals per unit of cost while one covers any (Chvátal 1979),
    /// evaluated lazily since a column's gain only falls as shifts are added.
    fn fill(&self, counts: &mut [u32]) {
        let on = self.on_floor(counts);
        let mut left: Vec<u32> = self
            .need
            .iter()
            .zip(&on)
            .map(|(&n, &o)| n.saturating_sub(o))
            .collect();
        let mut per = self.per_template(counts);
        let gain = |left: &[u32], j: usize| {
            self.columns[j]
                .floor
                .iter()
                .filter(|&&cell| left[cell] > 0)
                .count()
        };
        let take = |j: usize, times: u32, left: &mut [u32], counts: &mut [u32], per: &mut [u32]| {
            counts[j] += times;
            per[self.columns[j].template] += times;
            for &cell in &self.columns[j].floor {
                left[cell] = left[cell].saturating_sub(times);
            }
        };
        for (k, t) in self.p.templates.iter().enumerate() {
            while per[k] < t.min_count {
                let (best_gain, best) = self.by_template[k]
                    .iter()
                    .map(|&j| (gain(&left, j), j))
                    .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
                    .expect("validated: a template with a minimum count has a column");
                // Once nothing is missing where this template works, the rest go to one column at once.
                let times = if best_gain == 0 {
                    t.min_count - per[k]
                } else {
                    1
                };
                take(best, times, &mut left, counts, &mut per);
            }
        }
        let score = |gain: usize, cost: f64| {
            if cost > 0.0 {
                gain as f64 / cost
            } else {
                f64::INFINITY
            }
        };
        let mut heap: BinaryHeap<Candidate> = (0..self.columns.len())
            .map(|j| {
                let g = gain(&left, j);
                Candidate {
                    score: score(g, self.cost(j)),
                    gain: g,
                    column: j,
                }
            })
            .filter(|c| c.gain > 0)
            .collect();
        while let Some(top) = heap.pop() {
            let j = top.column;
            let k = self.columns[j].template;
            if self.p.templates[k].max_count.is_some_and(|m| per[k] >= m) {
                continue;
            }
            let g = gain(&left, j);
            if g == 0 {
                continue;
            }
            let now = Candidate {
                score: score(g, self.cost(j)),
                gain: g,
                column: j,
            };
            if heap
                .peek()
                .is_none_or(|next| now.rank(next) != Ordering::Less)
            {
                take(j, 1, &mut left, counts, &mut per);
            }
            heap.push(now);
        }
    }

    /// Drops shifts that nothing needs: the least covering per unit of cost first, as many as leave every
    /// interval they work at or above its requirement and their template at or above its minimum.
    fn prune(&self, counts: &mut [u32]) {
        let mut on = self.on_floor(counts);
        let mut per = self.per_template(counts);
        let mut order: Vec<usize> = (0..counts.len()).filter(|&j| counts[j] > 0).collect();
        let per_interval = |j: usize| self.cost(j) / self.columns[j].floor.len() as f64;
        order.sort_by(|&a, &b| per_interval(b).total_cmp(&per_interval(a)).then(a.cmp(&b)));
        for j in order {
            let c = &self.columns[j];
            let spare_cover = c
                .floor
                .iter()
                .map(|&cell| on[cell].saturating_sub(self.need[cell]))
                .min()
                .unwrap_or(u32::MAX);
            let spare_count =
                per[c.template].saturating_sub(self.p.templates[c.template].min_count);
            let drop = counts[j].min(spare_cover).min(spare_count);
            if drop > 0 {
                counts[j] -= drop;
                per[c.template] -= drop;
                for &cell in &c.floor {
                    on[cell] -= drop;
                }
            }
        }
    }

    /// The relaxation's solution rounded (up, or down), brought back within the maximum counts (taking off
    /// first what rounding added most), completed and pruned.
    fn round(&self, relaxed: &[f64], up: bool) -> Vec<u32> {
        let mut counts: Vec<u32> = relaxed
            .iter()
            .map(|&v| {
                let k = if up {
                    (v - 1e-6).ceil()
                } else {
                    (v + 1e-6).floor()
                };
                k.max(0.0) as u32
            })
            .collect();
        let mut per = self.per_template(&counts);
        for (k, t) in self.p.templates.iter().enumerate() {
            let Some(max) = t.max_count else { continue };
            while per[k] > max {
                let j = self.by_template[k]
                    .iter()
                    .copied()
                    .filter(|&j| counts[j] > 0)
                    .max_by(|&a, &b| {
                        (f64::from(counts[a]) - relaxed[a])
                            .total_cmp(&(f64::from(counts[b]) - relaxed[b]))
                            .then(b.cmp(&a))
                    })
                    .expect("a template over its maximum has shifts");
                counts[j] -= 1;
                per[k] -= 1;
            }
        }
        if !up {
            // Then the columns the relaxation used most fractionally first, each while it covers a missing
            // agent-interval: the relaxation's choices before the greedy's.
            let on = self.on_floor(&counts);
            let mut left: Vec<u32> = self
                .need
                .iter()
                .zip(&on)
                .map(|(&n, &o)| n.saturating_sub(o))
                .collect();
            let mut order: Vec<usize> = (0..counts.len())
                .filter(|&j| relaxed[j] - f64::from(counts[j]) > 1e-6)
                .collect();
            order.sort_by(|&a, &b| {
                let frac = |j: usize| relaxed[j] - f64::from(counts[j]);
                frac(b).total_cmp(&frac(a)).then(a.cmp(&b))
            });
            for j in order {
                let c = &self.columns[j];
                let t = &self.p.templates[c.template];
                if t.max_count.is_some_and(|m| per[c.template] >= m)
                    || c.floor.iter().all(|&cell| left[cell] == 0)
                {
                    continue;
                }
                counts[j] += 1;
                per[c.template] += 1;
                for &cell in &c.floor {
                    left[cell] = left[cell].saturating_sub(1);
                }
            }
        }
        self.fill(&mut counts);
        self.prune(&mut counts);
        counts
    }

    /// The program of the module docs for microlp, integer or relaxed, warm-started with `warm` counts.
    fn model(
        &self,
        integer: bool,
        warm: Option<&[u32]>,
        time_limit_s: f64,
    ) -> Result<(good_lp::solvers::microlp::MicroLpProblem, Vec<Variable>), Failure> {
        let p = self.p;
        let on = warm.map(|w| self.on_floor(w));
        let mut vars = ProblemVariables::new();
        let x: Vec<Variable> = self
            .columns
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let mut def = variable().min(0);
                if integer {
                    def = def.integer();
                }
                if let Some(w) = warm {
                    def = def.initial(w[j]);
                }
                if let Some(max) = p.templates[c.template].max_count {
                    def = def.max(max);
                }
                vars.add(def)
            })
            .collect();
        let u: Vec<Variable> = self
            .demand
            .iter()
            .map(|&cell| {
                let mut def = variable().min(0);
                if let Some(on) = &on {
                    def = def.initial(self.need[cell].saturating_sub(on[cell]));
                }
                vars.add(def)
            })
            .collect();
        let mut objective = Expression::with_capacity(x.len() + u.len());
        for (j, &v) in x.iter().enumerate() {
            objective.add_mul(self.cost(j), v);
        }
        for &v in &u {
            objective.add_mul(self.penalty, v);
        }
        let mut model = vars
            .minimise(objective)
            .using(microlp)
            .with_time_limit(time_limit_s)
            .with_mip_gap(p.gap as f32)
            .map_err(|e| Failure::Failed(format!("gap {}: {e}", p.gap)))?;
        for (&cell, &missing) in self.demand.iter().zip(&u) {
            let mut e = Expression::with_capacity(self.covering[cell].len() + 1);
            for &j in &self.covering[cell] {
                e.add_mul(1.0, x[j]);
            }
            e.add_mul(1.0, missing);
            model.add_constraint(e.geq(f64::from(self.need[cell])));
        }
        for (t, own) in p.templates.iter().zip(&self.by_template) {
            let mut sum = Expression::with_capacity(own.len());
            for &j in own {
                sum.add_mul(1.0, x[j]);
            }
            if t.min_count > 0 {
                model.add_constraint(sum.clone().geq(f64::from(t.min_count)));
            }
            // With one column its own bound says it.
            if let Some(max) = t.max_count
                && own.len() > 1
            {
                model.add_constraint(sum.leq(f64::from(max)));
            }
        }
        Ok((model, x))
    }

    fn failure(e: ResolutionError) -> Failure {
        match e {
            // good_lp's microlp binding reports an interrupted solve (no incumbent) this way.
            ResolutionError::Other(message) if message.contains("Time limit") => {
                Failure::NoIncumbent
            }
            e => Failure::Failed(e.to_string()),
        }
    }

    /// The relaxation (continuous counts): its column values and objective, a lower bound on any plan's.
    fn relaxation(&self, time_limit_s: f64) -> Result<(Vec<f64>, f64), Failure> {
        let (model, x) = self.model(false, None, time_limit_s)?;
        let solution = model.solve().map_err(Self::failure)?;
        let values: Vec<f64> = x.iter().map(|&v| solution.value(v)).collect();
        let objective = solution.into_inner().objective();
        Ok((values, objective))
    }

    /// The integer program, warm-started with `warm`.
    fn integer(&self, warm: &[u32], time_limit_s: f64) -> Result<Solved, Failure> {
        let (model, x) = self.model(true, Some(warm), time_limit_s)?;
        let solution = model.solve().map_err(Self::failure)?;
        let stop = match solution.status() {
            SolutionStatus::Optimal => Stop::Optimal,
            SolutionStatus::GapLimit => Stop::Gap,
            SolutionStatus::TimeLimit => Stop::TimeLimit,
        };
        let counts = x
            .iter()
            .map(|&v| solution.value(v).round().max(0.0) as u32)
            .collect();
        let inner = solution.into_inner();
        Ok(Solved {
            counts,
            stop,
            bound: inner.stats().best_bound,
            gap: inner.gap(),
        })
    }

    /// Heuristics, then microlp with what time is left (see the module docs).
    fn solve(&self, started: Instant) -> Result<Solved, CoverError> {
        let left_s = || self.p.time_limit_s - started.elapsed().as_secs_f64();
        let mut best = vec![0u32; self.columns.len()];
        self.fill(&mut best);
        self.prune(&mut best);
        if self.columns.is_empty() {
            return Ok(Solved {
                counts: best,
                stop: Stop::Optimal,
                bound: Some(0.0),
                gap: Some(0.0),
            });
        }
        let mut bound = None;
        if left_s() > 0.0 {
            match self.relaxation(left_s()) {
                Ok((relaxed, objective)) => {
                    bound = Some(objective);
                    for up in [false, true] {
                        let rounded = self.round(&relaxed, up);
                        if self.objective(&rounded) < self.objective(&best) {
                            best = rounded;
                        }
                    }
                }
                Err(Failure::NoIncumbent) => {}
                Err(Failure::Failed(message)) => return Err(CoverError::Solver(message)),
            }
        }
        let heuristic = |best: Vec<u32>, stop| {
            let gap = bound.map(|b| relative_gap(self.objective(&best), b));
            Solved {
                counts: best,
                stop,
                bound,
                gap,
            }
        };
        // The rounded relaxation is often within the gap already: the integer search would only confirm it.
        if let Some(b) = bound
            && relative_gap(self.objective(&best), b) <= self.p.gap
        {
            let exact = relative_gap(self.objective(&best), b) <= 1e-9;
            return Ok(heuristic(
                best,
                if exact { Stop::Optimal } else { Stop::Gap },
            ));
        }
        if left_s() <= 0.0 {
            return Ok(heuristic(best, Stop::Heuristic));
        }
        match self.integer(&best, left_s()) {
            Ok(mut solved) => {
                // microlp's incumbent starts from the warm start, so it is no worse, unless microlp
                // rejected the hint; either way keep the better plan and the better bound.
                solved.bound = match (solved.bound, bound) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
                let objective = self.objective(&solved.counts);
                if self.objective(&best) < objective {
                    solved.counts = best;
                }
                let objective = self.objective(&solved.counts);
                solved.gap = solved
                    .bound
                    .map(|b| relative_gap(objective, b))
                    .or(solved.gap);
                Ok(solved)
            }
            Err(Failure::NoIncumbent) => Ok(heuristic(best, Stop::Heuristic)),
            Err(Failure::Failed(message)) => Err(CoverError::Solver(message)),
        }
    }
}

/// The cheapest set of shifts covering `problem.requirement`, breaks placed inside the optimisation (see
/// the module documentation for the model, the column count and what happens on the time limit). A plan is
/// always returned for a well-formed problem; what it cannot cover is in [`CoverPlan::uncovered`].
pub fn cover(problem: &CoverProblem) -> Result<CoverPlan, CoverError> {
    let started = Instant::now();
    validate(problem)?;
    let program = Program::new(problem, build_columns(problem)?);
    let solved = program.solve(started)?;
    let columns = &program.columns;
    let n = problem.intervals;

    let per_template = program.per_template(&solved.counts);
    for (t, &used) in problem.templates.iter().zip(&per_template) {
        if used < t.min_count || t.max_count.is_some_and(|m| used > m) {
            return Err(CoverError::Solver(format!(
                "the plan has {used} shifts of template \"{}\", outside its counts {}..{}",
                t.name,
                t.min_count,
                t.max_count.map_or("".to_string(), |m| m.to_string())
            )));
        }
    }

    let mut scheduled = vec![vec![0u32; n]; problem.groups];
    let mut shifts = Vec::new();
    let mut cost = 0.0;
    for (c, &count) in columns.iter().zip(&solved.counts) {
        if count == 0 {
            continue;
        }
        for &cell in &c.floor {
            scheduled[cell / n][cell % n] += count;
        }
        cost += f64::from(count) * problem.templates[c.template].cost;
        shifts.push(PlannedShift {
            template: c.template,
            start: c.start,
            breaks: c.breaks.clone(),
            count,
        });
    }
    let mut uncovered = Vec::new();
    for (g, row) in problem.requirement.iter().enumerate() {
        for (i, &required) in row.iter().enumerate() {
            if scheduled[g][i] < required {
                uncovered.push(Uncovered {
                    group: g,
                    interval: i,
                    required,
                    scheduled: scheduled[g][i],
                });
            }
        }
    }
    let shortfall: u64 = uncovered.iter().map(|u| u64::from(u.shortfall())).sum();
    let gap = solved.gap;
    Ok(CoverPlan {
        shifts,
        scheduled,
        uncovered,
        cost,
        shortfall,
        penalty: program.penalty,
        objective: program.objective(&solved.counts),
        bound: solved.bound,
        gap,
        proven_optimal: solved.stop == Stop::Optimal || gap == Some(0.0),
        stop: solved.stop,
        columns: columns.len(),
        solve_s: started.elapsed().as_secs_f64(),
    })
}

/// One row of a requirement CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementRow {
    /// Line of the file (1-based; the header is line 1).
    pub line: u64,
    /// Start of the interval, in seconds from the start of the horizon.
    pub start_s: u64,
    /// The group's name, as written (trimmed).
    pub group: String,
    /// Agents needed on the floor.
    pub agents: u32,
}

/// Why a requirement CSV could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequirementCsvError {
    #[error("line {line}: {problem}")]
    Line { line: u64, problem: String },
    #[error("line {line}, column {column}: {value:?} {problem}")]
    Field {
        line: u64,
        column: &'static str,
        value: String,
        problem: String,
    },
}

const REQUIREMENT_COLUMNS: [&str; 3] = ["start", "group", "agents"];

/// A start as the simulator writes it in intervals.csv (`hh:mm`, `d.hh:mm` from the second day, or the
/// `start_s` seconds), in seconds from the start of the horizon.
fn parse_start(text: &str) -> Option<u64> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(text) {
        return text.parse().ok();
    }
    let (day, clock) = match text.split_once('.') {
        Some((d, rest)) if digits(d) => (d.parse::<u64>().ok()?, rest),
        Some(_) => return None,
        None => (0, text),
    };
    let (h, m) = clock.split_once(':')?;
    if !(digits(h) && digits(m) && h.len() <= 2 && m.len() == 2) {
        return None;
    }
    let (h, m): (u64, u64) = (h.parse().ok()?, m.parse().ok()?);
    if h >= 24 || m >= 60 {
        return None;
    }
    day.checked_mul(86_400)?.checked_add(h * 3600 + m * 60)
}

/// Reads a requirement table: a header `start,group,agents` (in any order, any case), then one row per
/// group and interval.
/// - `start`: the interval's start as intervals.csv writes it: `hh:mm` on the first day (`08:30`),
///   `d.hh:mm` on day `d` counted from 0 (`1.08:30` is 08:30 on the second day), or whole seconds from the
///   start of the horizon (`30600`, intervals.csv's `start_s`). Calendar dates are not accepted: the
///   horizon starts at 0, not on a date.
/// - `group`: the group's name; `agents`: a whole number of agents, 0 or more.
///
/// Rows keep their line numbers; the caller maps names to group indices and starts to interval indices.
/// A (start, group) given twice is an error. Errors name the line and the column.
pub fn parse_requirement_csv(text: &str) -> Result<Vec<RequirementRow>, RequirementCsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    // csv counts a record from the end of the one before, so a record after blank lines would get the
    // first blank line's number: count the lines up to its first character instead.
    let line_at = |byte: u64| {
        let start = usize::try_from(byte).unwrap_or(text.len()).min(text.len());
        let rest = &text[start..];
        let blank = rest.len() - rest.trim_start_matches(['\r', '\n']).len();
        1 + text.as_bytes()[..start + blank]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
    };
    let record_line = |r: &csv::StringRecord| r.position().map_or(0, |p| line_at(p.byte()));
    let line_of = |e: &csv::Error| e.position().map_or(0, |p| line_at(p.byte()));
    let not_csv = |e: csv::Error| RequirementCsvError::Line {
        line: line_of(&e),
        problem: format!("not valid CSV: {e}"),
    };
    let header = match records.next() {
        None => {
            return Err(RequirementCsvError::Line {
                line: 1,
                problem: "the file is empty: give the header start,group,agents".into(),
            });
        }
        Some(r) => r.map_err(not_csv)?,
    };
    let header_line = record_line(&header);
    let mut index = [usize::MAX; 3];
    for (k, name) in header.iter().enumerate() {
        let name_lower = name.to_ascii_lowercase();
        let Some(c) = REQUIREMENT_COLUMNS.iter().position(|&c| c == name_lower) else {
            return Err(RequirementCsvError::Line {
                line: header_line,
                problem: format!(
                    "unknown column {name:?} in the header: the columns are start,group,agents"
                ),
            });
        };
        if index[c] != usize::MAX {
            return Err(RequirementCsvError::Line {
                line: header_line,
                problem: format!("column {name:?} is given twice in the header"),
            });
        }
        index[c] = k;
    }
    if let Some(c) = index.iter().position(|&k| k == usize::MAX) {
        return Err(RequirementCsvError::Line {
            line: header_line,
            problem: format!(
                "the header has no column {:?}: the columns are start,group,agents",
                REQUIREMENT_COLUMNS[c]
            ),
        });
    }
    let mut rows = Vec::new();
    let mut first_line: HashMap<(u64, String), u64> = HashMap::new();
    for record in records {
        let record = record.map_err(not_csv)?;
        let line = record_line(&record);
        if record.len() != 3 {
            return Err(RequirementCsvError::Line {
                line,
                problem: format!(
                    "{} fields: give 3, start,group,agents in the header's order",
                    record.len()
                ),
            });
        }
        let field = |c: usize| record.get(index[c]).unwrap_or("");
        let bad = |column: &'static str, value: &str, problem: &str| RequirementCsvError::Field {
            line,
            column,
            value: value.to_string(),
            problem: problem.to_string(),
        };
        let start = field(0);
        let start_s = parse_start(start).ok_or_else(|| {
            bad(
                "start",
                start,
                "is not a start: give hh:mm (08:30), d.hh:mm from the second day (1.08:30) or seconds from the start of the horizon (30600)",
            )
        })?;
        let group = field(1);
        if group.is_empty() {
            return Err(bad("group", group, "is empty: give the group's name"));
        }
        let agents = field(2);
        let agents: u32 = agents
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| agents.parse().ok())
            .flatten()
            .ok_or_else(|| {
                bad(
                    "agents",
                    agents,
                    "is not a whole number of agents: give 0 or more",
                )
            })?;
        if let Some(before) = first_line.insert((start_s, group.to_string()), line) {
            return Err(RequirementCsvError::Line {
                line,
                problem: format!(
                    "start {start:?} of group {group:?} is already given on line {before}"
                ),
            });
        }
        rows.push(RequirementRow {
            line,
            start_s,
            group: group.to_string(),
            agents,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(earliest: usize, latest: usize, length: usize) -> BreakRule {
        BreakRule {
            earliest,
            latest,
            length,
        }
    }

    fn template(length: usize, starts: Vec<usize>, breaks: Vec<BreakRule>) -> ShiftTemplate {
        ShiftTemplate {
            name: "t".into(),
            group: 0,
            length,
            starts,
            breaks,
            cost: 1.0,
            min_count: 0,
            max_count: None,
        }
    }

    fn problem(
        intervals: usize,
        requirement: Vec<u32>,
        templates: Vec<ShiftTemplate>,
    ) -> CoverProblem {
        CoverProblem {
            intervals,
            groups: 1,
            requirement: vec![requirement],
            templates,
            cyclic: false,
            open: None,
            time_limit_s: 10.0,
            gap: 0.0,
        }
    }

    #[test]
    fn placements_avoid_overlaps_and_count_swapped_identical_breaks_once() {
        // One break: one placement per offset.
        assert_eq!(placements(&[rule(2, 4, 1)], 100).map(|p| p.len()), Some(3));
        // Two different breaks in overlapping windows: 3 x 3 pairs, less those that overlap.
        let p = placements(&[rule(2, 4, 2), rule(3, 5, 1)], 100).expect("few");
        let expected: Vec<Vec<usize>> = vec![vec![2, 4], vec![2, 5], vec![3, 5], vec![4, 3]];
        assert_eq!(p, expected);
        // Two identical 1-interval breaks in [0, 3]: unordered pairs of distinct offsets, C(4, 2) = 6.
        assert_eq!(
            placements(&[rule(0, 3, 1), rule(0, 3, 1)], 100).map(|p| p.len()),
            Some(6)
        );
        // No breaks: one placement, the empty one.
        assert_eq!(placements(&[], 100), Some(vec![vec![]]));
        // Over the limit.
        assert_eq!(placements(&[rule(0, 9, 1), rule(10, 19, 1)], 99), None);
        assert_eq!(
            placements(&[rule(0, 9, 1), rule(10, 19, 1)], 100).map(|p| p.len()),
            Some(100)
        );
    }

    #[test]
    fn columns_wrap_on_a_cyclic_horizon_and_skip_closed_intervals() {
        let mut p = problem(
            6,
            vec![0; 6],
            vec![template(3, vec![4], vec![rule(1, 1, 1)])],
        );
        p.cyclic = true;
        let c = build_columns(&p).expect("valid");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].floor, [4, 0]);
        assert_eq!(c[0].breaks, [5]);
        // Closed where the break falls: still allowed. Closed where it is on the floor: no column.
        p.open = Some(vec![true, true, true, true, true, false]);
        assert_eq!(build_columns(&p).expect("valid").len(), 1);
        p.open = Some(vec![false, true, true, true, true, true]);
        assert_eq!(build_columns(&p).expect("valid").len(), 0);
    }

    fn counts_problem() -> CoverProblem {
        let mut t = template(4, (0..=8).collect(), vec![rule(1, 2, 1)]);
        t.max_count = Some(5);
        let mut u = template(2, (0..=10).collect(), vec![]);
        u.cost = 0.75;
        u.min_count = 2;
        u.max_count = Some(3);
        problem(12, vec![1, 2, 3, 3, 4, 4, 4, 3, 2, 2, 1, 1], vec![t, u])
    }

    /// The counts per template and the agents missing per interval under `counts`.
    fn assess(program: &Program, counts: &[u32]) -> (Vec<u32>, Vec<u32>) {
        let on = program.on_floor(counts);
        let left = program
            .need
            .iter()
            .zip(&on)
            .map(|(&n, &o)| n.saturating_sub(o))
            .collect();
        (program.per_template(counts), left)
    }

    #[test]
    fn the_heuristic_plans_respect_counts_and_prune_only_what_nothing_needs() {
        let p = counts_problem();
        let program = Program::new(&p, build_columns(&p).expect("valid"));
        let mut counts = vec![0; program.columns.len()];
        program.fill(&mut counts);
        let (per, left) = assess(&program, &counts);
        assert!(per[0] <= 5 && (2..=3).contains(&per[1]), "{per:?}");
        // 26 agent-intervals needed; 5 long (3 on the floor each) and 3 short (2 each) give 21 at most.
        let short: u32 = left.iter().sum();
        assert!(short >= 5, "{left:?}");
        let before = program.objective(&counts);
        program.prune(&mut counts);
        let (per, pruned_left) = assess(&program, &counts);
        assert_eq!(pruned_left, left, "pruning may not uncover anything");
        assert!(per[1] >= 2, "{per:?}");
        assert!(program.objective(&counts) <= before);
        // Pruning drops a redundant shift: two where one covers.
        let q = problem(2, vec![1, 1], vec![template(2, vec![0], vec![])]);
        let program = Program::new(&q, build_columns(&q).expect("valid"));
        let mut two = vec![2];
        program.prune(&mut two);
        assert_eq!(two, [1]);
    }

    #[test]
    fn a_rounded_relaxation_is_brought_back_within_the_maximum_counts() {
        let p = counts_problem();
        let program = Program::new(&p, build_columns(&p).expect("valid"));
        // Every column at 0.4: rounding up would put every column at 1, far over both maximums.
        let relaxed = vec![0.4; program.columns.len()];
        let counts = program.round(&relaxed, true);
        let (per, _) = assess(&program, &counts);
        assert!(per[0] <= 5 && (2..=3).contains(&per[1]), "{per:?}");
        let (relaxed, bound) = program.relaxation(10.0).ok().expect("solved");
        let counts = program.round(&relaxed, true);
        assert!(program.objective(&counts) >= bound - 1e-6);
    }

    #[test]
    fn a_time_limit_too_short_for_any_plan_returns_the_heuristic_plan() {
        // A 96-interval day with two break windows: thousands of columns, far more than a nanosecond's work.
        let t = ShiftTemplate {
            name: "8h".into(),
            group: 0,
            length: 32,
            starts: (0..=64).collect(),
            breaks: vec![rule(8, 14, 1), rule(16, 22, 2)],
            cost: 8.0,
            min_count: 0,
            max_count: None,
        };
        let need: Vec<u32> = (0..96).map(|i| 5 + (i as u32 % 7)).collect();
        let mut p = problem(96, need, vec![t]);
        p.time_limit_s = 1e-9;
        let plan = cover(&p).expect("a plan");
        assert_eq!(plan.stop, Stop::Heuristic, "{plan:?}");
        assert_eq!(plan.gap, None);
        assert_eq!(plan.bound, None);
        assert!(!plan.proven_optimal);
        assert!(plan.uncovered.is_empty(), "{:?}", plan.uncovered);
        assert!(plan.cost > 0.0);
    }

    #[test]
    fn the_penalty_outweighs_any_plan_cost() {
        // Covering the one interval that needs a costly shift beats leaving it uncovered.
        let mut cheap = template(2, vec![0, 2], vec![]);
        cheap.cost = 1.0;
        let mut dear = template(1, vec![4], vec![]);
        dear.cost = 50.0;
        let p = problem(5, vec![3, 3, 3, 3, 1], vec![cheap, dear]);
        let plan = cover(&p).expect("a plan");
        assert!(plan.uncovered.is_empty(), "{plan:?}");
        assert_eq!(plan.cost, 56.0);
        assert!(plan.penalty > plan.cost, "{plan:?}");
        assert!(plan.proven_optimal);
    }

    #[test]
    fn starts_parse_as_the_simulator_writes_them() {
        let cases: [(&str, Option<u64>); 12] = [
            ("08:30", Some(30_600)),
            ("8:30", Some(30_600)),
            ("00:00", Some(0)),
            ("1.08:30", Some(86_400 + 30_600)),
            ("30600", Some(30_600)),
            ("0", Some(0)),
            ("24:00", None),
            ("08:60", None),
            ("08:3", None),
            ("2026-01-05 08:30", None),
            ("-5", None),
            ("x.08:30", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_start(text), expected, "{text}");
        }
    }
}
