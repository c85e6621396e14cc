//! Agents on duty per interval, estimated from agent activity (staffing is rarely recorded): an agent is
//! counted as logged in from the start of a service until the end of the next one when the gap between
//! them is shorter than `gap_s`; otherwise only during the service. The count in an interval is
//! time-weighted: an agent on duty for half of it counts 0.5.
//!
//! Small gaps undercount (an idle agent waiting a long time for a call looks logged out), large gaps
//! overcount (a lunch break looks like idle time): the gap is chosen on the calibration data
//! (docs/calibration.md).

use super::CallRecord;
use std::collections::BTreeMap;

/// The gaps tried, in minutes.
pub const CANDIDATE_GAPS_MIN: [u32; 7] = [5, 10, 15, 20, 30, 45, 60];

/// The default gap until the backtest chooses one, in minutes (docs/calibration.md says why).
pub const DEFAULT_GAP_MIN: u32 = 15;

/// Agents on duty per interval: interval `k` of `agents` is
/// `[(first_interval + k) · interval_s, (first_interval + k + 1) · interval_s)` in absolute seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct OnDuty {
    pub first_interval: i64,
    pub interval_s: f64,
    pub agents: Vec<f64>,
}

impl OnDuty {
    /// Agents in the interval that holds absolute second `t` (0 outside the observed range).
    pub fn at(&self, t: f64) -> f64 {
        let k = (t / self.interval_s).floor() as i64 - self.first_interval;
        usize::try_from(k)
            .ok()
            .and_then(|k| self.agents.get(k))
            .copied()
            .unwrap_or(0.0)
    }

    /// Agents in absolute interval index `k` (0 outside the observed range).
    pub fn of_interval(&self, k: i64) -> f64 {
        usize::try_from(k - self.first_interval)
            .ok()
            .and_then(|k| self.agents.get(k))
            .copied()
            .unwrap_or(0.0)
    }
}

/// Adds `weight` × the time of `[from, to)` spent in each interval to `bins` (time-weighted, in units of
/// one interval).
fn spread(bins: &mut BTreeMap<i64, f64>, from: f64, to: f64, interval_s: f64, weight: f64) {
    if to <= from {
        return;
    }
    let mut k = (from / interval_s).floor() as i64;
    loop {
        let lo = k as f64 * interval_s;
        let hi = lo + interval_s;
        let part = to.min(hi) - from.max(lo);
        if part > 0.0 {
            *bins.entry(k).or_default() += weight * part / interval_s;
        }
        if hi >= to {
            break;
        }
        k += 1;
    }
}

fn to_on_duty(bins: BTreeMap<i64, f64>, interval_s: f64) -> OnDuty {
    let (Some((&first, _)), Some((&last, _))) = (bins.first_key_value(), bins.last_key_value())
    else {
        return OnDuty {
            first_interval: 0,
            interval_s,
            agents: Vec::new(),
        };
    };
    let mut agents = vec![0.0; (last - first + 1) as usize];
    for (k, v) in bins {
        agents[(k - first) as usize] = v;
    }
    OnDuty {
        first_interval: first,
        interval_s,
        agents,
    }
}

/// Agents on duty per interval with the gap rule (the module header), from every answered record with an
/// agent, inbound or outbound (a call-back's service shows its agent on duty too).
pub fn estimate(records: &[CallRecord], gap_s: f64, interval_s: f64) -> OnDuty {
    let mut by_agent: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for r in records {
        if let (Some(agent), Some(start), Some(end)) = (&r.agent, r.answer_s(), r.end_s()) {
            by_agent.entry(agent).or_default().push((start, end));
        }
    }
    let mut bins = BTreeMap::new();
    for services in by_agent.values_mut() {
        services.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Merge into logged-in spells: a service joins the current spell when it starts less than
        // gap_s after the spell's end (overlapping services of one agent merge too).
        let mut spell: Option<(f64, f64)> = None;
        for &(start, end) in services.iter() {
            spell = match spell {
                Some((s, e)) if start - e < gap_s => Some((s, e.max(end))),
                Some((s, e)) => {
                    spread(&mut bins, s, e, interval_s, 1.0);
                    Some((start, end))
                }
                None => Some((start, end)),
            };
        }
        if let Some((s, e)) = spell {
            spread(&mut bins, s, e, interval_s, 1.0);
        }
    }
    to_on_duty(bins, interval_s)
}

/// Mean number of agents busy per interval with the center's own call-backs (outbound records): agent
/// time the inbound queue did not get.
pub fn outbound_busy(records: &[CallRecord], interval_s: f64) -> OnDuty {
    let mut bins = BTreeMap::new();
    for r in records.iter().filter(|r| r.outbound) {
        if let (Some(start), Some(end)) = (r.answer_s(), r.end_s()) {
            spread(&mut bins, start, end, interval_s, 1.0);
        }
    }
    to_on_duty(bins, interval_s)
}

/// Mean number of agents busy per interval with any service: a lower bound on the agents on duty.
pub fn busy(records: &[CallRecord], interval_s: f64) -> OnDuty {
    let mut bins = BTreeMap::new();
    for r in records {
        if let (Some(start), Some(end)) = (r.answer_s(), r.end_s()) {
            spread(&mut bins, start, end, interval_s, 1.0);
        }
    }
    to_on_duty(bins, interval_s)
}

/// How often a caller had to queue although an agent counted on duty was free: a measure of how far the
/// center is from one pooled, work-conserving queue (in which nobody waits while an agent is idle).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IdleWhileQueued {
    /// Inbound contacts that waited (wait > 0).
    pub queued: usize,
    /// Of them, those that joined the queue while at least one agent was on duty (the gap rule of
    /// [`estimate`]) and idle: not in a service or its after-call work.
    pub with_idle_agent: usize,
}

impl IdleWhileQueued {
    pub fn share(&self) -> f64 {
        if self.queued == 0 {
            0.0
        } else {
            self.with_idle_agent as f64 / self.queued as f64
        }
    }
}

/// Counts the queued inbound contacts that joined the queue while some agent was on duty under the gap
/// rule with `gap_s` and idle: inside a logged-in spell, outside every service `[answer, end +
/// after_call_s)`. In the model every agent on duty serves the one queue and takes a waiting caller the
/// moment it is free, so such a caller would not have waited at all: a large share says the agents
/// counted on duty were not all available to the queue (skills, short breaks, other work), which the
/// pooled model cannot show. `None` without queued contacts.
pub fn idle_while_queued(
    records: &[CallRecord],
    gap_s: f64,
    after_call_s: f64,
) -> Option<IdleWhileQueued> {
    let mut by_agent: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for r in records {
        if let (Some(agent), Some(start), Some(end)) = (&r.agent, r.answer_s(), r.end_s()) {
            by_agent.entry(agent).or_default().push((start, end));
        }
    }
    // +1 when an agent becomes idle on duty, −1 when it stops being so.
    let mut events: Vec<(f64, i32)> = Vec::new();
    for services in by_agent.values_mut() {
        services.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Within a spell (services closer than gap_s, as in `estimate`), the agent is idle from the end of
        // its last service's after-call work to the start of the next service.
        let mut spell: Option<(f64, f64)> = None; // (end of the spell so far, busy until)
        for &(start, end) in services.iter() {
            spell = match spell {
                Some((spell_end, busy_until)) if start - spell_end < gap_s => {
                    if start > busy_until {
                        events.push((busy_until, 1));
                        events.push((start, -1));
                    }
                    Some((spell_end.max(end), busy_until.max(end + after_call_s)))
                }
                _ => Some((end, end + after_call_s)),
            };
        }
    }
    // At equal times an agent's idle spell ending goes first: a caller arriving as the agent takes the
    // next call did not find it idle.
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut queued: Vec<f64> = records
        .iter()
        .filter(|r| !r.outbound && r.wait_s > 0.0)
        .map(|r| r.arrival_s)
        .collect();
    if queued.is_empty() {
        return None;
    }
    queued.sort_by(f64::total_cmp);
    let (mut idle, mut k, mut with_idle_agent) = (0i64, 0usize, 0usize);
    for t in &queued {
        while k < events.len() && events[k].0 <= *t {
            idle += i64::from(events[k].1);
            k += 1;
        }
        if idle > 0 {
            with_idle_agent += 1;
        }
    }
    Some(IdleWhileQueued {
        queued: queued.len(),
        with_idle_agent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibration::Outcome;

    fn service(agent: &str, start: f64, end: f64) -> CallRecord {
        CallRecord {
            arrival_s: start,
            wait_s: 0.0,
            handle_s: Some(end - start),
            outcome: Outcome::Answered,
            agent: Some(agent.into()),
            customer: None,
            class: "regular".into(),
            outbound: false,
        }
    }

    #[test]
    fn the_gap_rule_joins_services_closer_than_the_gap() {
        // Agent a: 0-600, 900-1500 (gap 300 s), 3000-3300 (gap 1500 s). Agent b: 1800-2400.
        let records = [
            service("a", 0.0, 600.0),
            service("a", 900.0, 1500.0),
            service("a", 3000.0, 3300.0),
            service("b", 1800.0, 2400.0),
        ];
        // Gap 10 min: a on duty 0-1500 and 3000-3300; b 1800-2400; intervals of 30 min.
        let d = estimate(&records, 600.0, 1800.0);
        assert_eq!(d.first_interval, 0);
        assert_eq!(d.agents.len(), 2);
        assert!((d.agents[0] - 1500.0 / 1800.0).abs() < 1e-12);
        assert!((d.agents[1] - (300.0 + 600.0) / 1800.0).abs() < 1e-12);
        // Gap 30 min: a on duty 0-3300 without a break.
        let d = estimate(&records, 1800.0, 1800.0);
        assert!((d.agents[0] - 1.0).abs() < 1e-12);
        assert!((d.agents[1] - (1500.0 + 600.0) / 1800.0).abs() < 1e-12);
        // Gap 1 min: only the services themselves, which equals the busy time.
        let d = estimate(&records, 60.0, 1800.0);
        let b = busy(&records, 1800.0);
        assert_eq!(d, b);
        assert!((d.at(100.0) - 1200.0 / 1800.0).abs() < 1e-12);
        assert_eq!(d.at(-5.0), 0.0);
        assert_eq!(d.of_interval(7), 0.0);
    }

    #[test]
    fn more_gap_never_means_fewer_agents() {
        let records: Vec<CallRecord> = (0..40)
            .map(|i| {
                let s = f64::from(i) * 700.0 + f64::from(i % 3) * 200.0;
                service(if i % 2 == 0 { "a" } else { "b" }, s, s + 300.0)
            })
            .collect();
        let mut last: Option<f64> = None;
        for g in CANDIDATE_GAPS_MIN {
            let total: f64 = estimate(&records, f64::from(g) * 60.0, 3600.0)
                .agents
                .iter()
                .sum();
            if let Some(l) = last {
                assert!(total >= l - 1e-9, "gap {g}: {total} < {l}");
            }
            last = Some(total);
        }
    }

    fn queued_caller(arrival: f64) -> CallRecord {
        CallRecord {
            arrival_s: arrival,
            wait_s: 30.0,
            handle_s: None,
            outcome: Outcome::Abandoned,
            agent: None,
            customer: None,
            class: "regular".into(),
            outbound: false,
        }
    }

    #[test]
    fn callers_who_queued_while_an_agent_on_duty_was_idle_are_counted() {
        // Agent a serves 0-100 and 200-300 (a 100 s gap: one spell when G > 100 s), with 10 s of after-call
        // work: idle 110-200. Agent b serves 150-400.
        let mut records = vec![
            service("a", 0.0, 100.0),
            service("a", 200.0, 300.0),
            service("b", 150.0, 400.0),
        ];
        // Queued at 50 (a busy, b not yet on duty), 105 (a in after-call work), 120 and 199 (a idle), 200
        // (a takes its next call then), 500 (nobody on duty).
        for t in [50.0, 105.0, 120.0, 199.0, 200.0, 500.0] {
            records.push(queued_caller(t));
        }
        // Neither a caller answered at once nor a call-back placed by the center counts as queued.
        let mut outbound = queued_caller(130.0);
        outbound.outbound = true;
        records.push(outbound);
        let q = idle_while_queued(&records, 600.0, 10.0).expect("queued callers");
        assert_eq!((q.queued, q.with_idle_agent), (6, 2));
        assert!((q.share() - 1.0 / 3.0).abs() < 1e-12);
        // A gap of 1 min splits a's services into two spells: a is off duty between them.
        let q = idle_while_queued(&records, 60.0, 10.0).expect("queued callers");
        assert_eq!((q.queued, q.with_idle_agent), (6, 0));
        // Longer after-call work (95 s) keeps a busy until 195: only the caller at 199 found it idle.
        let q = idle_while_queued(&records, 600.0, 95.0).expect("queued callers");
        assert_eq!(q.with_idle_agent, 1);
        // Nobody queued: nothing to measure.
        assert_eq!(idle_while_queued(&records[..3], 600.0, 10.0), None);
    }
}
