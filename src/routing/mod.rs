//! Which free agent takes an arriving contact, and which waiting contact a freed agent takes.
//!
//! This module holds the building blocks; the rules themselves (priorities, classes, overflow, chats) are
//! applied in `model::center` and stated in docs/scenario.md ("Routing").

use std::collections::VecDeque;

/// Idle agents of one group, longest idle at the front.
#[derive(Debug, Default, Clone)]
pub struct IdleAgents {
    queue: VecDeque<(u32, f64)>,
}

impl IdleAgents {
    #[inline]
    pub fn push(&mut self, agent: u32, since: f64) {
        self.queue.push_back((agent, since));
    }

    /// The longest-idle agent and since when.
    #[inline]
    pub fn longest(&self) -> Option<(u32, f64)> {
        self.queue.front().copied()
    }

    #[inline]
    pub fn take_longest(&mut self) -> Option<u32> {
        self.queue.pop_front().map(|(a, _)| a)
    }

    /// Removes the most recently idled agent (used when head-count drops: the longest-idle order of the
    /// others is kept).
    pub fn take_newest(&mut self) -> Option<u32> {
        self.queue.pop_back().map(|(a, _)| a)
    }

    /// Takes a given agent out of the idle list, if it is there.
    pub fn take(&mut self, agent: u32) -> bool {
        match self.queue.iter().position(|&(a, _)| a == agent) {
            Some(i) => {
                self.queue.remove(i);
                true
            }
            None => false,
        }
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

/// The candidate with the earliest time (first listed wins ties); `None` among candidates with no time.
#[inline]
pub fn earliest(candidates: impl Iterator<Item = (usize, Option<f64>)>) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (k, time) in candidates {
        if let Some(t) = time
            && best.is_none_or(|(_, b)| t < b)
        {
            best = Some((k, t));
        }
    }
    best.map(|(k, _)| k)
}

/// Among candidate groups given as (group, idle-since of its longest-idle agent), the group whose agent has
/// been idle longest.
#[inline]
pub fn longest_idle_group(groups: impl Iterator<Item = (usize, Option<f64>)>) -> Option<usize> {
    earliest(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_idle_wins_across_groups() {
        let mut idle = vec![IdleAgents::default(), IdleAgents::default()];
        idle[0].push(1, 50.0);
        idle[1].push(7, 20.0);
        idle[1].push(8, 60.0);
        let heads = |idle: &[IdleAgents]| {
            (0..2)
                .map(|g| (g, idle[g].longest().map(|(_, s)| s)))
                .collect::<Vec<_>>()
        };
        assert_eq!(longest_idle_group(heads(&idle).into_iter()), Some(1));
        assert_eq!(idle[1].take_longest(), Some(7));
        assert_eq!(longest_idle_group(heads(&idle).into_iter()), Some(0));
        assert_eq!(longest_idle_group(std::iter::empty()), None);
    }
}
