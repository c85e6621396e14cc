//! Common random numbers survive staffing changes: two scenarios that differ only in one day's head-count
//! give bit-identical results on every earlier day, with whole-day absence, per-interval shrinkage and
//! shifts on (issue 10, item 3; issue 14).
//!
//! Before absence draws were keyed (model::workforce), a size plan's absences were drawn per seat in seat
//! order with as many seats as the plan's peak, so raising day 4 above the peak changed every day's draws.

mod common;

use supportsim::model::{Compiled, Staffing, simulate_compiled};

/// A week at hourly intervals: `phone` answered by a size-planned team (absence 15%, shrinkage 20%) and a
/// shift team (absence 10%, shrinkage 25%, breaks); the Thursday shift and Thursday's size plan are what the
/// variants change.
fn scenario(thursday_size: u32, thursday_shift: u32) -> String {
    let sizes: Vec<String> = (0..168)
        .map(|h| {
            let (day, hour) = (h / 24, h % 24);
            let base = if (8..18).contains(&hour) { 6 } else { 2 };
            if day == 3 && (8..18).contains(&hour) {
                thursday_size.to_string()
            } else {
                base.to_string()
            }
        })
        .collect();
    format!(
        r#"name = "crn"
seed = 11
replications = 4
horizon = "7d"
interval = "1h"
warmup = "2h"
[[channels]]
name = "phone"
kind = "voice"
arrivals = {{ per_hour = 90 }}
handle_time = {{ dist = "exponential", mean = "4m" }}
patience = {{ dist = "exponential", mean = "3m" }}
[[groups]]
name = "planned team"
size = [{sizes}]
absence = 0.15
shrinkage = 0.2
skills = {{ phone = 1.0 }}
[[groups]]
name = "shift team"
absence = 0.10
shrinkage = 0.25
skills = {{ phone = 0.9 }}
shifts = [
  {{ days = "all", start = "07:00", end = "15:00", agents = 3, breaks = [{{ within = ["10:00", "12:00"], duration = "30m" }}] }},
  {{ days = "thursday", start = "12:00", end = "20:00", agents = {thursday_shift} }},
]
"#,
        sizes = sizes.join(", ")
    )
}

/// Library level: every tally of every interval before Thursday is bit-identical, the staffing changed by
/// typed edits of one compiled model (Thursday raised above the plan's peak: more seats than before).
#[test]
fn staffing_edits_keep_every_earlier_interval_bit_identical() {
    let s = common::scenario(&scenario(6, 2));
    let model = Compiled::new(&s);
    let base = model.staffing().clone();
    let mut more = base.clone();
    for hour in 8..18 {
        more.set_size(0, 3 * 24 + hour, 14).expect("valid edit");
    }
    more.set_shift_agents(1, 1, 7).expect("valid edit");
    assert_ne!(base, more);
    let thursday = 3 * 24;
    let mut later_differs = false;
    let mut absent_before = [0.0; 2];
    for r in 0..3 {
        let (a, b) = (
            simulate_compiled(&model, &base, s.seed, r),
            simulate_compiled(&model, &more, s.seed, r),
        );
        let (ca, cb) = (&a.channels[0], &b.channels[0]);
        assert_eq!(ca.intervals[..thursday], cb.intervals[..thursday]);
        assert_eq!(ca.backlog[..thursday], cb.backlog[..thursday]);
        assert_eq!(
            ca.level_intervals[..thursday],
            cb.level_intervals[..thursday]
        );
        for (ga, gb) in a.groups.iter().zip(&b.groups) {
            assert_eq!(
                ga.staffed_intervals[..thursday],
                gb.staffed_intervals[..thursday]
            );
            assert_eq!(ga.busy_intervals[..thursday], gb.busy_intervals[..thursday]);
            assert_eq!(
                ga.break_intervals[..thursday],
                gb.break_intervals[..thursday]
            );
            assert_eq!(
                ga.shrinkage_intervals[..thursday],
                gb.shrinkage_intervals[..thursday]
            );
        }
        for (g, absent) in absent_before.iter_mut().enumerate() {
            *absent += a.groups[g].shrinkage_intervals[..thursday]
                .iter()
                .sum::<f64>();
        }
        later_differs |= ca.intervals[thursday..] != cb.intervals[thursday..];
    }
    assert!(later_differs, "the extra Thursday staff changes Thursday");
    // Absence really is drawn in both teams before Thursday (about 0.15 x 42 seat-days and 0.1 x 27
    // agent-shifts per replication: none at all in 3 replications would be a broken draw), and shrinkage
    // on top of it: the same run without shrinkage has the same absences (their own keyed draws) and
    // loses less time, by about a fifth and a quarter of the time left (far more than 1 agent-hour).
    let absence_only = common::scenario(
        &scenario(6, 2)
            .replace("shrinkage = 0.2\n", "")
            .replace("shrinkage = 0.25\n", ""),
    );
    let model0 = Compiled::new(&absence_only);
    let mut absent_only = [0.0; 2];
    for r in 0..3 {
        let t = simulate_compiled(&model0, model0.staffing(), s.seed, r);
        for (g, absent) in absent_only.iter_mut().enumerate() {
            *absent += t.groups[g].shrinkage_intervals[..thursday]
                .iter()
                .sum::<f64>();
        }
    }
    assert!(absent_only.iter().all(|&s| s > 0.0), "{absent_only:?}");
    for g in 0..2 {
        assert!(
            absent_before[g] > absent_only[g] + 3600.0,
            "{absent_before:?} {absent_only:?}"
        );
    }
}

/// A staffing plan's own edits and its TOML twin give the same run: the edit is the file's meaning.
#[test]
fn an_edit_equals_the_same_plan_written_in_the_file() {
    let edited_in_file = common::scenario(&scenario(9, 4));
    let s = common::scenario(&scenario(6, 2));
    let model = Compiled::new(&s);
    let mut st: Staffing = model.staffing().clone();
    for hour in 8..18 {
        st.set_size(0, 3 * 24 + hour, 9).expect("valid edit");
    }
    st.set_shift_agents(1, 1, 4).expect("valid edit");
    let other = Compiled::new(&edited_in_file);
    assert_eq!(&st, other.staffing());
    assert_eq!(
        simulate_compiled(&model, &st, s.seed, 1),
        simulate_compiled(&other, other.staffing(), s.seed, 1)
    );
}

/// The CLI view: `compare --timeline day` shows no difference at all on Monday to Wednesday.
#[test]
fn compare_timeline_is_identical_before_the_changed_day() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (
        dir.path().join("base.toml"),
        dir.path().join("thursday.toml"),
    );
    std::fs::write(&a, scenario(6, 2)).expect("write");
    std::fs::write(&b, scenario(14, 7)).expect("write");
    let out = dir.path().join("out");
    common::run_ok(
        &[
            "compare",
            a.to_str().expect("utf-8"),
            b.to_str().expect("utf-8"),
            "--timeline",
            "day",
            "--no-plots",
            "--format",
            "json",
        ],
        &out,
    );
    let text = std::fs::read_to_string(out.join("timeline.json")).expect("timeline.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let series = json["series"].as_array().expect("series");
    assert!(series.len() > 5);
    let mut thursday_differs = false;
    for s in series {
        let values = s["values"].as_array().expect("values per scenario");
        let (va, vb) = (
            values[0].as_array().expect("days"),
            values[1].as_array().expect("days"),
        );
        assert_eq!(va.len(), 7);
        for day in 0..3 {
            assert_eq!(va[day], vb[day], "{} on day {}", s["kpi"], day + 1);
        }
        thursday_differs |= va[3] != vb[3];
    }
    assert!(thursday_differs);
}
