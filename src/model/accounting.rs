//! Agent time spread over the reporting intervals it was spent in: the time integrals of a replication's
//! tally (engaged, handling and staffed time per channel, group and interval). Both engines (`center` and
//! `single`) add their agent time through these, so the same spans add the same sums in the same order.

use crate::stats::{ChannelTally, GroupTally, TimeBins};

/// A contact that spanned its agent's whole engagement (always so for voice): engaged time of the channel
/// and the group and handling time of the channel, in one pass.
#[inline]
pub(crate) fn engaged_and_work(
    bins: &TimeBins,
    ch: &mut ChannelTally,
    gt: &mut GroupTally,
    from: f64,
    until: f64,
) {
    let span = bins.spread(from, until, |i, dt| {
        ch.intervals[i].busy_s += dt;
        ch.intervals[i].work_s += dt;
        gt.busy_intervals[i] += dt;
    });
    ch.total.busy_s += span;
    ch.total.work_s += span;
    gt.busy_s += span;
}

/// A contact's handling time, from `from` to `until` and inside the window, on its channel.
#[inline]
pub(crate) fn work(bins: &TimeBins, ch: &mut ChannelTally, from: f64, until: f64) {
    let work = bins.spread(from, until, |i, dt| ch.intervals[i].work_s += dt);
    ch.total.work_s += work;
}

/// An agent's engaged time (holding at least one contact) on the channel of its first contact and its group.
#[inline]
pub(crate) fn engaged(
    bins: &TimeBins,
    ch: &mut ChannelTally,
    gt: &mut GroupTally,
    from: f64,
    until: f64,
) {
    let busy = bins.spread(from, until, |i, dt| {
        ch.intervals[i].busy_s += dt;
        gt.busy_intervals[i] += dt;
    });
    ch.total.busy_s += busy;
    gt.busy_s += busy;
}

/// `agents` on duty from `from` to `until`: the group's staffed time.
#[inline]
pub(crate) fn on_duty(bins: &TimeBins, gt: &mut GroupTally, agents: u32, from: f64, until: f64) {
    if agents > 0 {
        let n = f64::from(agents);
        let span = bins.spread(from, until, |i, dt| gt.staffed_intervals[i] += n * dt);
        gt.staffed_s += n * span;
    }
}
