//! The staffing planner's starting point for one stationary interval: the fewest agents that meet several
//! targets at once ([`agents_for_targets`]), the paid positions behind them once shrinkage is counted
//! ([`positions`]), and chat concurrency turned into an equivalent single-server model ([`Concurrency`]).
//! These are exact steady-state answers for the textbook models of [`super::erlang`], or (for chat) an
//! approximation of them; the planner starts from them and simulation then corrects them.
//!
//! # The search
//! Every target is met by all agent counts from some n on, so the fewest agents meeting all of them is the
//! largest of the single-target answers, and a bracket doubled from a proven lower bound and then bisected
//! finds it in O(log n) evaluations. Why the targets are monotone in the number of agents n:
//! - occupancy A/n (offered load over agents) falls as n rises;
//! - Erlang B: B(n, A) falls with n, so the share not blocked rises;
//! - Erlang C: C(n, A) falls with n (for n > A) and the drain rate nμ − λ rises, so P(wait) = C,
//!   ASA = C/(nμ − λ) and P(W > T) = C·e^{−(nμ−λ)T} all fall and the service level rises;
//! - Erlang A: no one-line argument covers every metric (when patience is shorter than the handle time, an
//!   extra agent even lowers the total departure rate min(k, n)μ + (k − n)⁺θ of a state with a queue, so the
//!   chain is not simply stochastically smaller). We rely, as [`super::agents_for_target`] does, on the
//!   service level, P(wait), ASA and abandonment being monotone in n, which the tests check over grids that
//!   cover the quality-driven, efficiency-driven (patience much shorter than AHT) and QED regimes.
//!
//! Whatever happens, the answer n is checked: n meets every target and n − 1 misses one (n − 1 is either
//! evaluated or below the proven bound). Loads above 1e9 erlangs are refused ([`ErlangError::LoadTooLarge`]).
//!
//! # The lower bound (flow balance)
//! Agents complete at most nμ contacts per second, and strictly less because they are not all busy all the
//! time; so with p_served the share of arrivals answered, λ·p_served = μ·E[busy] < nμ, i.e. p_served < n/A.
//! Hence the service level (answered within T / offered) ≤ p_served < n/A, P(abandon) = 1 − p_served >
//! 1 − n/A, and, since an arrival that finds a free agent is answered at once (PASTA), 1 − P(wait) < n/A.
//! So no n ≤ s·A meets a service level s, no n ≤ (1 − a)·A an abandonment cap a, no n ≤ (1 − q)·A a
//! P(wait) cap q, no n < A/O an occupancy cap O, and Erlang C needs n > A. The search starts above the
//! largest of these, not at the load's floor: with abandonment fewer agents than erlangs can meet a
//! target (4287 agents for 4900 erlangs at 80/20 with two-minute patience, see the tests).

use super::erlang::{ErlangError, MAX_AGENTS, QueueModel, bracket_search, floor_below, sl_key};

/// Relative slack when a quantity that is a whole number in exact arithmetic meets a ceiling or a cap.
/// Decimal shares are not exact in binary: 21 / (1 − 0.3) computes as 30.000000000000004 and must give 30
/// positions, not 31. Rounding in the inputs and in one or two operations is ~1e-16 relative; 1e-12 leaves
/// room and still never moves a whole agent (at most 0.005 of one at 2^32).
const ROUNDING: f64 = 1e-12;

/// What one interval must achieve; `None` sets no target of that kind. Probabilities are shares in (0, 1),
/// times in seconds, all as in ../shared/reference and summary.json.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Targets {
    /// `(within_s, share)`: answered within `within_s` seconds / offered >= `share` (`sl_T`; for Erlang B
    /// the share not blocked, whatever `within_s`). `share` in (0, 1), `within_s` >= 0.
    pub service_level: Option<(f64, f64)>,
    /// P(abandon) <= this, in (0, 1). Only Erlang A models abandonment: with Erlang B or C it is an error
    /// ([`ErlangError::NoAbandonment`]) rather than silently met, because asking a model where nobody hangs
    /// up to size for an abandon rate is a modelling mistake (use Erlang A with a mean patience).
    pub max_abandon: Option<f64>,
    /// ASA (mean wait of answered contacts, `asa`) <= this many seconds, > 0.
    pub max_asa_s: Option<f64>,
    /// P(wait > 0) (`p_wait_gt_0`, the share of offered contacts that find every agent busy) <= this, in
    /// (0, 1).
    pub max_p_wait: Option<f64>,
    /// Occupancy cap in (0, 1]: offered load / agents <= this, i.e. agents >= ⌈A / O⌉. This is the planning
    /// convention (Erlang C's occupancy). With Erlang A and B the busy share the model reports (carried load
    /// / agents) is lower, so the cap is conservative there: abandoned or blocked work does not count as
    /// relief the plan can bank on.
    pub max_occupancy: Option<f64>,
}

impl Targets {
    /// Refuses targets that are out of range or that the model cannot express.
    fn check(&self, model: &QueueModel) -> Result<(), ErlangError> {
        let Targets {
            service_level,
            max_abandon,
            max_asa_s,
            max_p_wait,
            max_occupancy,
        } = *self;
        if service_level.is_none()
            && max_abandon.is_none()
            && max_asa_s.is_none()
            && max_p_wait.is_none()
            && max_occupancy.is_none()
        {
            return Err(ErlangError::NoTargets);
        }
        let bound = |name, value, rule| Err(ErlangError::Bound { name, value, rule });
        if let Some((within_s, share)) = service_level {
            if !(within_s.is_finite() && within_s >= 0.0) {
                return bound(
                    "service_level within_s",
                    within_s,
                    "a finite number of seconds >= 0 (20 for 80/20)",
                );
            }
            if !(share > 0.0 && share < 1.0) {
                return Err(ErlangError::Target(share));
            }
        }
        if let Some(a) = max_abandon {
            if !(a > 0.0 && a < 1.0) {
                return bound("max_abandon", a, "in (0, 1) (0.05 for 5%)");
            }
            if !matches!(model, QueueModel::ErlangA { .. }) {
                return Err(ErlangError::NoAbandonment(a));
            }
        }
        match (max_asa_s, max_p_wait, max_occupancy) {
            (Some(t), _, _) if !(t.is_finite() && t > 0.0) => {
                bound("max_asa_s", t, "a finite number of seconds > 0")
            }
            (_, Some(q), _) if !(q > 0.0 && q < 1.0) => {
                bound("max_p_wait", q, "in (0, 1) (0.2 for 20%)")
            }
            (_, _, Some(o)) if !(o > 0.0 && o <= 1.0) => {
                bound("max_occupancy", o, "in (0, 1] (0.85 for 85%)")
            }
            _ => Ok(()),
        }
    }

    /// A count of agents that fails some target, and so does every smaller one (flow balance, module notes);
    /// 0 when nothing better is known.
    fn failing_floor(&self, model: &QueueModel) -> u32 {
        let load = model.load();
        let queue = !matches!(model, QueueModel::ErlangB { .. });
        let mut bound = 0.0f64; // every n < bound fails
        if let QueueModel::ErlangC { .. } = model {
            bound = bound.max(load);
        }
        if let Some((_, share)) = self.service_level {
            bound = bound.max(share * load);
        }
        if let Some(a) = self.max_abandon {
            bound = bound.max((1.0 - a) * load);
        }
        if let (Some(q), true) = (self.max_p_wait, queue) {
            bound = bound.max((1.0 - q) * load);
        }
        if let Some(o) = self.max_occupancy {
            bound = bound.max(load / o);
        }
        // The largest n < bound, with slack for rounding.
        floor_below(bound)
    }

    /// Whether `n` agents meet every target.
    fn met_by(&self, model: &QueueModel, n: u32) -> Result<bool, ErlangError> {
        let occupancy_ok = self
            .max_occupancy
            .is_none_or(|o| model.load() <= o * f64::from(n) * (1.0 + ROUNDING));
        if !occupancy_ok {
            return Ok(false);
        }
        let thresholds: Vec<f64> = self.service_level.iter().map(|&(w, _)| w).collect();
        let m = match model.metrics(n, &thresholds) {
            Ok(m) => m,
            // Too few agents (none, or Erlang C at or below the load): no target is met.
            Err(ErlangError::NoAgents | ErlangError::Unstable { .. }) => return Ok(false),
            Err(e) => return Err(e),
        };
        // Written so that a NaN would count as missed.
        let at_most = |key: &str, cap: Option<f64>| cap.is_none_or(|c| m[key] <= c);
        let service_level = self.service_level.is_none_or(|(within_s, share)| {
            let sl = match model {
                QueueModel::ErlangB { .. } => 1.0 - m["p_block"],
                _ => m[&sl_key("sl", within_s)],
            };
            sl >= share
        });
        Ok(service_level
            && at_most("p_abandon", self.max_abandon)
            && at_most("asa", self.max_asa_s)
            && at_most("p_wait_gt_0", self.max_p_wait))
    }
}

/// The fewest agents that meet every target in `targets` at once, for one stationary interval of `model`
/// (exact Erlang B, C or A as [`QueueModel::metrics`] computes them). Equal to the largest of the answers
/// for each target alone (each is monotone in agents: module notes). Errors: a target out of range, none
/// given, an abandonment target without abandonment, or a load above 1e9 erlangs.
pub fn agents_for_targets(model: &QueueModel, targets: &Targets) -> Result<u32, ErlangError> {
    search(model, targets, MAX_AGENTS)
}

/// [`agents_for_targets`] trying at most `max_agents` agents.
fn search(model: &QueueModel, targets: &Targets, max_agents: u32) -> Result<u32, ErlangError> {
    targets.check(model)?;
    // failing_floor fails (or is 0), and so does every smaller count.
    bracket_search(
        model.load(),
        targets.failing_floor(model),
        max_agents,
        |n| targets.met_by(model, n),
    )
}

/// The paid positions behind `agents` on the queue when a share `shrinkage` in [0, 1) of paid time goes to
/// breaks, training, meetings and absence: ⌈agents / (1 − shrinkage)⌉ (14 agents at 30% shrinkage: 20).
/// A quotient within rounding of a whole number is that number (see `ROUNDING`).
pub fn positions(agents: u32, shrinkage: f64) -> Result<u32, ErlangError> {
    if !(0.0..1.0).contains(&shrinkage) {
        return Err(ErlangError::Bound {
            name: "shrinkage",
            value: shrinkage,
            rule: "in [0, 1): the share of paid time agents are off the queue (0.3 for 30%)",
        });
    }
    let x = f64::from(agents) / (1.0 - shrinkage);
    let r = x.round();
    let n = if (x - r).abs() <= ROUNDING * r.max(1.0) {
        r
    } else {
        x.ceil()
    };
    if n > f64::from(u32::MAX) {
        return Err(ErlangError::TooManyPositions { agents, shrinkage });
    }
    Ok(n as u32)
}

/// Chat concurrency as docs/scenario.md `concurrency` defines it: an agent holds up to `max` chats, and a
/// chat started while the agent will hold k chats in all takes handle time × (1 + stretch × (k − 1)),
/// fixed when it starts.
///
/// The planner's approximation turns this into the single-server model of [`Concurrency::slot_model`]:
/// each agent is `max` independent servers ("slots"), each with the handle time stretched as at full load,
/// AHT × (1 + stretch × (max − 1)); arrivals and patience are unchanged. So an agent completes at most
/// max / (1 + stretch × (max − 1)) chats per AHT: more concurrency helps while stretch < 1 and hurts beyond.
/// This is the construction of US patent application 2009/0316873 ("Estimating number of agents for
/// multiple chat channels": an inflated handle time for the number of chats, Erlang for it, agents =
/// servers / chats), with our stretch rule as the inflation. Why full load: a chat waits only when every
/// slot is taken, and then each freed slot takes the next chat at once, so the chats that start from the
/// queue start with the agent full and take exactly this time. It is exact for `max = 1` (a voice queue)
/// and for `stretch = 0` (every slot identical, M/M/(n·max)(+M) with exponential handle times); otherwise
/// chats that start on arrival, with fewer in hand, are shorter than assumed, so the model errs towards
/// more agents. It is only the planner's starting point: simulation, which stretches each chat by the
/// chats actually in hand (a state-dependent service rate, as in Luo & Zhang, "Staffing and control of
/// instant messaging contact centers", Operations Research 2013), then corrects it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Concurrency {
    max: u32,
    stretch: f64,
}

impl Concurrency {
    /// `max` >= 1 chats at once; `stretch` >= 0 (docs/scenario.md allows max 1..10 and stretch 0..10).
    pub fn new(max: u32, stretch: f64) -> Result<Self, ErlangError> {
        if max == 0 {
            return Err(ErlangError::Bound {
                name: "concurrency.max",
                value: 0.0,
                rule: "an integer >= 1 (the most chats an agent holds at once)",
            });
        }
        if !(stretch.is_finite() && stretch >= 0.0) {
            return Err(ErlangError::Bound {
                name: "concurrency.stretch",
                value: stretch,
                rule: "a finite number >= 0 (0.25: each extra chat in hand makes a new chat 25% longer)",
            });
        }
        Ok(Concurrency { max, stretch })
    }

    /// The most chats an agent holds at once.
    pub fn max(&self) -> u32 {
        self.max
    }

    /// How much each extra chat in hand stretches a new chat.
    pub fn stretch(&self) -> f64 {
        self.stretch
    }

    /// The handle-time factor of a chat that starts with the agent full: 1 + stretch × (max − 1).
    pub fn full_load_factor(&self) -> f64 {
        1.0 + self.stretch * f64::from(self.max - 1)
    }

    /// The equivalent single-server model: its servers are chat slots (`max` per agent), its handle time
    /// the chat handle time × [`Concurrency::full_load_factor`]; arrivals and patience as in `chat`. Its
    /// occupancy is the share of slots in use.
    pub fn slot_model(&self, chat: &QueueModel) -> QueueModel {
        let f = self.full_load_factor();
        match *chat {
            QueueModel::ErlangB { lambda, mu } => QueueModel::ErlangB { lambda, mu: mu / f },
            QueueModel::ErlangC { lambda, mu } => QueueModel::ErlangC { lambda, mu: mu / f },
            QueueModel::ErlangA { lambda, mu, theta } => QueueModel::ErlangA {
                lambda,
                mu: mu / f,
                theta,
            },
        }
    }

    /// The agents that provide `slots` chat slots: ⌈slots / max⌉.
    pub fn agents_for_slots(&self, slots: u32) -> u32 {
        slots.div_ceil(self.max)
    }
}

/// The fewest chat agents for `targets` under the approximation of [`Concurrency`]: the slots
/// [`agents_for_targets`] finds on [`Concurrency::slot_model`], then ⌈slots / max⌉ agents. `chat` is the
/// model of the chat channel with its unstretched handle time (a chat handled alone).
pub fn chat_agents_for_targets(
    chat: &QueueModel,
    concurrency: &Concurrency,
    targets: &Targets,
) -> Result<u32, ErlangError> {
    let slots = agents_for_targets(&concurrency.slot_model(chat), targets)?;
    Ok(concurrency.agents_for_slots(slots))
}

#[cfg(test)]
mod tests {
    use super::super::erlang::agents_for_target;
    use super::*;
    use serde_json::Value;
    use std::path::PathBuf;

    /// The erlang_* cases of ../shared/reference/queueing_cases.json (SUPPORTSIM_SHARED overrides
    /// ../shared, as in tests/common), each as (id, model, agents, case). `None` when the file is missing
    /// outside CI, after saying so on stderr; in CI (`CI` set) a missing file fails the test, as in
    /// tests/common.
    fn reference() -> Option<Vec<(String, QueueModel, u32, Value)>> {
        let shared = std::env::var_os("SUPPORTSIM_SHARED")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("..")
                    .join("shared")
            });
        let path = shared.join("reference").join("queueing_cases.json");
        if !path.is_file() {
            let message = format!(
                "{} not found: these tests compare with the exact queueing values in the project's shared \
                 folder (../shared beside this repository, as CI checks it out); put it there or set \
                 SUPPORTSIM_SHARED=/path/to/shared",
                path.display()
            );
            let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
            assert!(!ci, "{message}");
            eprintln!("skipped (not in CI): {message}");
            return None;
        }
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let json: Value = serde_json::from_str(&text).expect("the reference is valid JSON");
        let mut out = Vec::new();
        for case in json["cases"].as_array().expect("a cases array") {
            let kind = match case["model"].as_str().expect("model") {
                "erlang_b" => 'b',
                "erlang_c" => 'c',
                "erlang_a" => 'a',
                _ => continue,
            };
            let i = &case["inputs"];
            let model = QueueModel::new(
                kind,
                i["arrival_rate_per_hour"].as_f64().expect("rate"),
                i["aht_seconds"].as_f64().expect("aht"),
                i.get("patience_mean_seconds").and_then(Value::as_f64),
            )
            .expect("valid reference inputs");
            let agents = i["agents"].as_u64().expect("agents") as u32;
            let id = case["id"].as_str().expect("id").to_string();
            out.push((id, model, agents, case.clone()));
        }
        assert!(out.len() >= 15, "only {} erlang cases", out.len());
        Some(out)
    }

    fn out(case: &Value, key: &str) -> Option<f64> {
        case["outputs"].get(key).and_then(Value::as_f64)
    }

    fn sl(within_s: f64, share: f64) -> Targets {
        Targets {
            service_level: Some((within_s, share)),
            ..Targets::default()
        }
    }

    /// For every reference case with N agents and each kind of target, a target set a millionth looser
    /// than the reference value at N needs exactly N agents, and one a millionth tighter needs N + 1. This
    /// pins the search (which metric, >= or >, which threshold) to the reference, not to our own outputs.
    #[test]
    fn each_target_alone_needs_the_reference_agents() {
        const EPS: f64 = 1e-6;
        let mut checked = 0;
        let Some(cases) = reference() else { return };
        for (id, model, n, case) in cases {
            let mut pairs: Vec<(String, Targets, Targets)> = Vec::new();
            // Service level: perturb the miss probability 1 − sl (values within a millionth of 1 cannot be
            // perturbed by a millionth of the miss in f64, and are no staffing target anyway).
            let thresholds: Vec<f64> = case["inputs"]["sl_thresholds_seconds"]
                .as_array()
                .expect("thresholds")
                .iter()
                .map(|v| v.as_f64().expect("number"))
                .collect();
            let sls: Vec<(f64, f64)> = match model {
                QueueModel::ErlangB { .. } => {
                    vec![(20.0, 1.0 - out(&case, "p_block").expect("p_block"))]
                }
                _ => thresholds
                    .iter()
                    .map(|&t| (t, out(&case, &sl_key("sl", t)).expect("sl_T")))
                    .collect(),
            };
            for (t, v) in sls {
                let miss = 1.0 - v;
                if miss > 1e-6 {
                    pairs.push((
                        format!("sl_{t}"),
                        sl(t, 1.0 - miss * (1.0 + EPS)),
                        sl(t, 1.0 - miss * (1.0 - EPS)),
                    ));
                }
            }
            let cap = |key: &str, v: f64| -> (Targets, Targets) {
                let set = |c: f64| {
                    let mut t = Targets::default();
                    match key {
                        "asa" => t.max_asa_s = Some(c),
                        "p_wait_gt_0" => t.max_p_wait = Some(c),
                        "p_abandon" => t.max_abandon = Some(c),
                        _ => t.max_occupancy = Some(c),
                    }
                    t
                };
                (set(v * (1.0 + EPS)), set(v * (1.0 - EPS)))
            };
            let mut caps = vec!["asa", "p_wait_gt_0"];
            if let QueueModel::ErlangA { .. } = model {
                caps.push("p_abandon");
            }
            for key in caps {
                let v = out(&case, key).expect("reference output");
                if v > 0.0 {
                    let (looser, tighter) = cap(key, v);
                    pairs.push((key.into(), looser, tighter));
                }
            }
            let load = case["derived"]["offered_load_erlangs"]
                .as_f64()
                .expect("offered load");
            // (an occupancy above 100% is no cap: Erlang A cases with fewer agents than erlangs)
            let occupancy = load / f64::from(n);
            if occupancy * (1.0 + EPS) <= 1.0 {
                let (looser, tighter) = cap("occupancy", occupancy);
                pairs.push(("occupancy".into(), looser, tighter));
            }
            for (what, looser, tighter) in pairs {
                assert_eq!(agents_for_targets(&model, &looser), Ok(n), "{id} {what}");
                assert_eq!(
                    agents_for_targets(&model, &tighter),
                    Ok(n + 1),
                    "{id} {what}"
                );
                checked += 1;
            }
        }
        assert!(checked >= 80, "only {checked} targets checked");
    }

    /// The models the grid tests use: the reference inputs with agents free, plus an efficiency-driven
    /// Erlang A (patience a tenth of the handle time) and a large one.
    /// `None` (the test skips) without the reference, as [`reference`].
    fn grid_models() -> Option<Vec<QueueModel>> {
        let mut models: Vec<QueueModel> = reference()?.into_iter().map(|(_, m, _, _)| m).collect();
        models.extend([
            QueueModel::new('a', 600.0, 300.0, Some(30.0)).expect("valid"),
            QueueModel::new('a', 58_800.0, 300.0, Some(120.0)).expect("valid"),
            QueueModel::new('c', 58_800.0, 300.0, None).expect("valid"),
        ]);
        Some(models)
    }

    #[test]
    fn every_target_is_monotone_in_agents() {
        let Some(models) = grid_models() else { return };
        for model in models {
            let load = model.load();
            let top = (2.0 * load).ceil() as u32 + 5;
            let from = ((0.5 * load) as u32).max(1);
            let mut last: Option<std::collections::BTreeMap<String, f64>> = None;
            for n in from..=top {
                let m = match model.metrics(n, &[0.0, 20.0, 60.0]) {
                    Ok(m) => m,
                    Err(ErlangError::Unstable { .. }) => continue,
                    Err(e) => panic!("{model:?} n={n}: {e}"),
                };
                if let Some(prev) = &last {
                    let slack = 1e-12;
                    for key in ["sl_0", "sl_20", "sl_60"] {
                        if let (Some(a), Some(b)) = (prev.get(key), m.get(key)) {
                            assert!(b + slack >= *a, "{model:?} n={n} {key}: {a} -> {b}");
                        }
                    }
                    for key in ["asa", "p_wait_gt_0", "p_abandon", "p_block"] {
                        if let (Some(a), Some(b)) = (prev.get(key), m.get(key)) {
                            assert!(
                                *b <= a * (1.0 + slack) + 1e-300,
                                "{model:?} n={n} {key}: {a} -> {b}"
                            );
                        }
                    }
                }
                last = Some(m);
            }
        }
    }

    /// The grid of targets for the combination test: several values of each kind, `None` included.
    fn target_grid(model: &QueueModel) -> Vec<Targets> {
        let abandon: &[Option<f64>] = match model {
            QueueModel::ErlangA { .. } => &[None, Some(0.01), Some(0.05)],
            _ => &[None],
        };
        let mut grid = Vec::new();
        for &service_level in &[None, Some((20.0, 0.8)), Some((60.0, 0.95))] {
            for &max_abandon in abandon {
                for &max_asa_s in &[None, Some(5.0), Some(30.0)] {
                    for &max_p_wait in &[None, Some(0.2), Some(0.5)] {
                        for &max_occupancy in &[None, Some(0.7), Some(0.9)] {
                            grid.push(Targets {
                                service_level,
                                max_abandon,
                                max_asa_s,
                                max_p_wait,
                                max_occupancy,
                            });
                        }
                    }
                }
            }
        }
        grid
    }

    #[test]
    fn combined_targets_take_the_largest_single_answer() {
        let mut combos = 0;
        let Some(models) = grid_models() else { return };
        for model in models {
            for t in target_grid(&model) {
                let singles: Vec<Targets> = [
                    t.service_level.map(|s| Targets {
                        service_level: Some(s),
                        ..Targets::default()
                    }),
                    t.max_abandon.map(|a| Targets {
                        max_abandon: Some(a),
                        ..Targets::default()
                    }),
                    t.max_asa_s.map(|a| Targets {
                        max_asa_s: Some(a),
                        ..Targets::default()
                    }),
                    t.max_p_wait.map(|q| Targets {
                        max_p_wait: Some(q),
                        ..Targets::default()
                    }),
                    t.max_occupancy.map(|o| Targets {
                        max_occupancy: Some(o),
                        ..Targets::default()
                    }),
                ]
                .into_iter()
                .flatten()
                .collect();
                if singles.len() < 2 {
                    continue;
                }
                let answers: Vec<u32> = singles
                    .iter()
                    .map(|s| agents_for_targets(&model, s).expect("single target"))
                    .collect();
                let n = agents_for_targets(&model, &t).expect("combined");
                assert_eq!(n, *answers.iter().max().expect("some"), "{model:?} {t:?}");
                // and checked against the metrics directly
                let m = model.metrics(n, &[20.0, 60.0]).expect("metrics");
                if let Some((w, s)) = t.service_level {
                    let got = match model {
                        QueueModel::ErlangB { .. } => 1.0 - m["p_block"],
                        _ => m[&sl_key("sl", w)],
                    };
                    assert!(got >= s, "{model:?} {t:?}");
                }
                for (cap, key) in [
                    (t.max_abandon, "p_abandon"),
                    (t.max_asa_s, "asa"),
                    (t.max_p_wait, "p_wait_gt_0"),
                ] {
                    assert!(cap.is_none_or(|c| m[key] <= c), "{model:?} {t:?} {key}");
                }
                if let Some(o) = t.max_occupancy {
                    assert!(model.load() / f64::from(n) <= o * (1.0 + 1e-12));
                }
                combos += 1;
            }
        }
        assert!(combos > 1000, "{combos}");
    }

    #[test]
    fn the_occupancy_cap_binds_only_above_the_service_level_answer() {
        // C08 of the reference is the example: 200 calls/h (100 per half hour), AHT 180 s, 14
        // agents, whose service level within 20 s is 0.888: 80/20 needs 14 (the issue), at most 14.
        let Some(cases) = reference() else { return };
        let (id, model, n, case) = cases.into_iter().find(|(id, ..)| id == "C08").expect("C08");
        let sl_at_n = out(&case, "sl_20").expect("sl_20");
        assert!(sl_at_n >= 0.8, "{id}");
        let eighty = sl(20.0, 0.8);
        assert_eq!(agents_for_targets(&model, &eighty), Ok(n));
        let load = case["derived"]["offered_load_erlangs"]
            .as_f64()
            .expect("load");
        // A cap of 60% needs ⌈load / 0.6⌉ = 17 > 14: the cap binds.
        let capped = Targets {
            max_occupancy: Some(0.6),
            ..eighty
        };
        let need = (load / 0.6).ceil() as u32;
        assert!(need > n);
        assert_eq!(agents_for_targets(&model, &capped), Ok(need));
        // A cap of 90% (⌈load / 0.9⌉ = 12 agents) is already met by the 14 the service level needs.
        let loose = Targets {
            max_occupancy: Some(0.9),
            ..eighty
        };
        assert!(((load / 0.9).ceil() as u32) < n);
        assert_eq!(agents_for_targets(&model, &loose), Ok(n));
        // Exactly at the reference occupancy (10/14): still 14, despite the load being 9.999999999999998.
        let exact = Targets {
            max_occupancy: out(&case, "occupancy"),
            ..eighty
        };
        assert_eq!(agents_for_targets(&model, &exact), Ok(n));

        // Erlang A with two-minute patience sheds load: 80/20 needs fewer agents (4287) than the 4900
        // erlangs offered; a cap of 100% occupancy then binds at ⌈4900⌉.
        let a = QueueModel::new('a', 58_800.0, 300.0, Some(120.0)).expect("valid");
        let by_sl = agents_for_targets(&a, &eighty).expect("sl");
        assert!(f64::from(by_sl) < a.load(), "{by_sl}");
        let full = Targets {
            max_occupancy: Some(1.0),
            ..eighty
        };
        assert_eq!(agents_for_targets(&a, &full), Ok(4900));
    }

    #[test]
    fn the_service_level_alone_agrees_with_agents_for_target() {
        let Some(models) = grid_models() else { return };
        for model in models {
            for share in [0.5, 0.8, 0.9, 0.99] {
                for within in [0.0, 20.0, 7.5, 60.0] {
                    if within == 0.0 && matches!(model, QueueModel::ErlangB { .. }) {
                        continue;
                    }
                    assert_eq!(
                        agents_for_targets(&model, &sl(within, share)),
                        agents_for_target(&model, share, within),
                        "{model:?} {share} {within}"
                    );
                }
            }
        }
    }

    #[test]
    fn bad_targets_are_refused_with_the_key_and_the_fix() {
        let c = QueueModel::new('c', 200.0, 180.0, None).expect("valid");
        let a = QueueModel::new('a', 200.0, 180.0, Some(300.0)).expect("valid");
        let msg = |m: &QueueModel, t: Targets| {
            agents_for_targets(m, &t).expect_err("refused").to_string()
        };
        for (model, t, text) in [
            (
                c,
                Targets::default(),
                "no target given: set at least one of service_level, max_abandon, max_asa_s, max_p_wait, max_occupancy",
            ),
            (c, sl(20.0, 1.0), "target = 1: must be in (0, 1)"),
            (
                c,
                sl(-1.0, 0.8),
                "service_level within_s = -1: must be a finite number of seconds >= 0 (20 for 80/20)",
            ),
            (
                c,
                Targets {
                    max_abandon: Some(0.05),
                    ..Targets::default()
                },
                "max_abandon = 0.05: this model has no abandonment (Erlang B and C assume nobody hangs up); use Erlang A with a mean patience, or drop the abandonment target",
            ),
            (
                a,
                Targets {
                    max_abandon: Some(0.0),
                    ..Targets::default()
                },
                "max_abandon = 0: must be in (0, 1) (0.05 for 5%)",
            ),
            (
                a,
                Targets {
                    max_asa_s: Some(f64::INFINITY),
                    ..Targets::default()
                },
                "max_asa_s = inf: must be a finite number of seconds > 0",
            ),
            (
                a,
                Targets {
                    max_p_wait: Some(1.0),
                    ..Targets::default()
                },
                "max_p_wait = 1: must be in (0, 1) (0.2 for 20%)",
            ),
            (
                a,
                Targets {
                    max_occupancy: Some(1.5),
                    ..Targets::default()
                },
                "max_occupancy = 1.5: must be in (0, 1] (0.85 for 85%)",
            ),
            (
                a,
                Targets {
                    max_occupancy: Some(f64::NAN),
                    ..Targets::default()
                },
                "max_occupancy = NaN: must be in (0, 1] (0.85 for 85%)",
            ),
        ] {
            assert_eq!(msg(&model, t), text);
        }
    }

    #[test]
    fn a_target_out_of_reach_is_reported_not_searched_for_ever() {
        // 50 erlangs: no 40 agents can carry it (the floor is already past the limit) ...
        let c = QueueModel::new('c', 1000.0, 180.0, None).expect("valid");
        assert_eq!(
            search(&c, &sl(20.0, 0.8), 40),
            Err(ErlangError::Unreachable(40))
        );
        // ... and 80/20 needs 56, beyond a limit of 55 reached by doubling.
        assert_eq!(
            search(&c, &sl(20.0, 0.8), 55),
            Err(ErlangError::Unreachable(55))
        );
        assert_eq!(search(&c, &sl(20.0, 0.8), 56), Ok(56));
        // 10 erlangs with abandonment: 100 agents leave an abandonment near 1e-58, not 1e-200.
        let a = QueueModel::new('a', 200.0, 180.0, Some(300.0)).expect("valid");
        let t = Targets {
            max_abandon: Some(1e-200),
            ..Targets::default()
        };
        assert_eq!(search(&a, &t, 100), Err(ErlangError::Unreachable(100)));
    }

    #[test]
    fn positions_count_shrinkage() {
        // the contract: 14 agents at 30% shrinkage are 20 positions
        assert_eq!(positions(14, 0.3), Ok(20));
        assert_eq!(positions(14, 0.0), Ok(14));
        assert_eq!(positions(0, 0.5), Ok(0));
        assert_eq!(positions(15, 0.3), Ok(22)); // 21.43
        // 7k / 0.7 is 10k although 21 / (1 − 0.3) computes as 30.000000000000004
        for k in 1..=10_000u32 {
            assert_eq!(positions(7 * k, 0.3), Ok(10 * k), "{k}");
            assert_eq!(positions(9 * k, 0.1), Ok(10 * k), "{k}");
        }
        for s in [1.0, -0.1, f64::NAN] {
            assert_eq!(
                positions(10, s).expect_err("refused").to_string(),
                format!(
                    "shrinkage = {s}: must be in [0, 1): the share of paid time agents are off the queue (0.3 for 30%)"
                )
            );
        }
        assert_eq!(
            positions(u32::MAX, 0.5),
            Err(ErlangError::TooManyPositions {
                agents: u32::MAX,
                shrinkage: 0.5
            })
        );
    }

    /// A chat channel whose full-load handle time equals a reference case's AHT behaves, in the slot
    /// model, exactly as that case: every reference output at N slots, and ⌈N / max⌉ agents for the
    /// reference service level.
    #[test]
    fn chat_slots_reproduce_the_reference_with_the_full_load_handle_time() {
        let conc = Concurrency::new(3, 0.25).expect("valid");
        assert_eq!(conc.full_load_factor(), 1.5);
        let mut checked = 0;
        let Some(cases) = reference() else { return };
        for (id, _, n, case) in cases {
            let kind = match case["model"].as_str().expect("model") {
                "erlang_c" => 'c',
                "erlang_a" => 'a',
                _ => continue,
            };
            let i = &case["inputs"];
            let chat = QueueModel::new(
                kind,
                i["arrival_rate_per_hour"].as_f64().expect("rate"),
                i["aht_seconds"].as_f64().expect("aht") / conc.full_load_factor(),
                i.get("patience_mean_seconds").and_then(Value::as_f64),
            )
            .expect("valid");
            let slots = conc.slot_model(&chat);
            let thresholds: Vec<f64> = i["sl_thresholds_seconds"]
                .as_array()
                .expect("thresholds")
                .iter()
                .map(|v| v.as_f64().expect("number"))
                .collect();
            let ours = slots.metrics(n, &thresholds).expect("metrics");
            for (key, v) in case["outputs"].as_object().expect("outputs") {
                let v = v.as_f64().expect("number");
                let got = ours[key];
                let err = if v == 0.0 {
                    got.abs()
                } else {
                    (got / v - 1.0).abs()
                };
                assert!(err <= 1e-9, "{id} {key}: {got} vs {v}");
            }
            let miss = 1.0 - out(&case, "sl_20").expect("sl_20");
            if miss > 1e-6 {
                let t = sl(20.0, 1.0 - miss * (1.0 + 1e-6));
                assert_eq!(
                    chat_agents_for_targets(&chat, &conc, &t),
                    Ok(n.div_ceil(3)),
                    "{id}"
                );
                checked += 1;
            }
        }
        assert!(checked >= 10, "{checked}");
    }

    #[test]
    fn concurrency_is_exact_where_it_should_be_and_checked() {
        let a = QueueModel::new('a', 120.0, 600.0, Some(300.0)).expect("valid");
        // one chat at a time: a voice queue, whatever the stretch
        let one = Concurrency::new(1, 3.0).expect("valid");
        assert_eq!(one.slot_model(&a), a);
        // no stretch: max identical slots per agent
        let t = sl(20.0, 0.8);
        let slots = agents_for_targets(&a, &t).expect("slots");
        let flat = Concurrency::new(2, 0.0).expect("valid");
        assert_eq!(flat.slot_model(&a), a);
        assert_eq!(
            chat_agents_for_targets(&a, &flat, &t),
            Ok(slots.div_ceil(2))
        );
        // stretch above 1: more chats in hand lower an agent's throughput (3 / (1 + 2 × 2) < 1)
        let heavy = Concurrency::new(3, 2.0).expect("valid");
        assert!(chat_agents_for_targets(&a, &heavy, &t).expect("agents") > slots);
        assert_eq!(
            Concurrency::new(0, 0.0).expect_err("refused").to_string(),
            "concurrency.max = 0: must be an integer >= 1 (the most chats an agent holds at once)"
        );
        assert_eq!(
            Concurrency::new(2, -0.5).expect_err("refused").to_string(),
            "concurrency.stretch = -0.5: must be a finite number >= 0 (0.25: each extra chat in hand makes a new chat 25% longer)"
        );
    }
}
