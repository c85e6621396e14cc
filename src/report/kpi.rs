//! Typed KPI identifiers: what a KPI is about (its scope: all cases, the six levels, a standard, a channel, a
//! class of a channel, a group, the cost, ...) and which measure of it (`service_level`, `levels.6_amazing`,
//! a standard's `value`, ...). This module owns everything the report derives from a KPI's identity:
//!
//! - its **path**, the dotted text that names it in summary.json, comparison.json/.csv, timeline.json/.csv,
//!   sweep.csv's header and the workbooks (`channels.phone.service_level`). Paths are only ever written from
//!   the typed id, never parsed back: names are used verbatim, so a channel named `e.mail` or `chat "vip" é`
//!   is just another channel (its path, `channels.e.mail.service_level`, is not meant to be split on dots);
//! - its **unit** (share, seconds, count, money: the number format in workbooks and the text of report.html);
//! - whether it is a **headline** KPI (the rows `compare` shows, the columns of sweep.csv);
//! - its display **label** (the title of its chart);
//! - the list of every KPI of a report with its estimate, in summary.json order (`estimates`), walked from
//!   the report's structs rather than from its JSON.

use super::Report;
use super::sheet::Unit;
use crate::stats::Estimate;
use serde::{Serialize, Serializer};
use std::fmt;

/// What a KPI is about: the prefix of its path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Cases over all channels (`cases.`).
    Cases,
    /// The six service levels of all ended cases (`experience.overall.`).
    Experience,
    /// The six levels of the cases whose first contact came on a channel
    /// (`experience.by_first_channel.<channel>.`).
    FirstChannel(String),
    /// What the scenario costs (`cost.`).
    Cost,
    /// A training programme (`training.<name>.`).
    Training(String),
    /// One of the eight service standards (`standards.<name>.`).
    Standard(&'static str),
    /// A channel (`channels.<name>.`).
    Channel(String),
    /// A priority class of a channel (`channels.<name>.classes.<class>.`).
    Class(String, String),
    /// The cases whose first contact came on a channel (`channels.<name>.cases.`).
    ChannelCases(String),
    /// An agent group (`groups.<name>.`).
    Group(String),
}

/// Which measure of its scope a KPI is: the rest of its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// A named field of the report (`service_level`, `fcr_rate`, `staff_cost`, `total`, ...).
    Field(&'static str),
    /// The share of ended cases at a level (`levels.<level>`).
    Level(&'static str),
    /// The share of ended cases held below level 4 mainly by a factor (`held_down_by.<factor>`).
    HeldDownBy(&'static str),
    /// A standard's headline value (`value`).
    Value,
    /// One of a standard's other measures (`measures.<name>`).
    StandardMeasure(&'static str),
}

impl Measure {
    /// The measure's part of the path; alone, the column name of the tables that have one row per channel,
    /// group or first channel (intervals.csv, groups.csv, the Levels sheet).
    pub fn name(&self) -> String {
        match self {
            Measure::Field(f) => (*f).to_string(),
            Measure::Level(l) => format!("levels.{l}"),
            Measure::HeldDownBy(f) => format!("held_down_by.{f}"),
            Measure::Value => "value".to_string(),
            Measure::StandardMeasure(m) => format!("measures.{m}"),
        }
    }

    /// The measure's unit wherever it is measured (a scope can override it: see `KpiId::unit`).
    pub fn unit(&self) -> Unit {
        match self {
            Measure::Level(_) | Measure::HeldDownBy(_) => Unit::Share,
            // The standards' headline values are shares but for efficiency's (see KpiId::unit).
            Measure::Value => Unit::Share,
            Measure::Field(f) | Measure::StandardMeasure(f) => field_unit(f),
        }
    }
}

/// The unit of a field from its name in the report's structs (the names are the code's, never the
/// scenario's): money ends in `cost`, seconds in `_s`, shares are rates, service levels and `_share`s.
fn field_unit(name: &str) -> Unit {
    if name.ends_with("cost") {
        return Unit::Money;
    }
    if name.ends_with("_s") {
        return Unit::Seconds;
    }
    let share = name.contains("service_level")
        || name.ends_with("_rate")
        || name.ends_with("_share")
        || name.ends_with("_or_above")
        || matches!(name, "prob_wait" | "occupancy" | "p_target_missed");
    if share { Unit::Share } else { Unit::Count }
}

/// A KPI: its scope and its measure.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KpiId {
    pub scope: Scope,
    pub measure: Measure,
}

/// The headline measures of a channel (and, under `channels.<name>.cases`, first-contact resolution).
const CHANNEL_HEADLINES: [&str; 5] = [
    "service_level",
    "asa_s",
    "abandon_rate",
    "occupancy",
    "backlog_end",
];

impl KpiId {
    pub fn new(scope: Scope, measure: Measure) -> KpiId {
        KpiId { scope, measure }
    }

    /// A field of a channel: `channels.<channel>.<field>`.
    pub fn channel(channel: &str, field: &'static str) -> KpiId {
        KpiId::new(Scope::Channel(channel.to_string()), Measure::Field(field))
    }

    /// A field of a group: `groups.<group>.<field>`.
    pub fn group(group: &str, field: &'static str) -> KpiId {
        KpiId::new(Scope::Group(group.to_string()), Measure::Field(field))
    }

    /// A case KPI over all channels: `cases.<field>`.
    pub fn cases(field: &'static str) -> KpiId {
        KpiId::new(Scope::Cases, Measure::Field(field))
    }

    /// A cost: `cost.<field>` (`staff`, `training`, `total`).
    pub fn cost(field: &'static str) -> KpiId {
        KpiId::new(Scope::Cost, Measure::Field(field))
    }

    /// A field of the six levels of all ended cases: `experience.overall.<field>`.
    pub fn experience(measure: Measure) -> KpiId {
        KpiId::new(Scope::Experience, measure)
    }

    /// A standard's headline value: `standards.<name>.value`.
    pub fn standard(name: &'static str) -> KpiId {
        KpiId::new(Scope::Standard(name), Measure::Value)
    }

    /// The path as summary.json, comparison.json/.csv, timeline.* and sweep.csv print it, names verbatim.
    pub fn path(&self) -> String {
        let m = self.measure.name();
        match &self.scope {
            Scope::Cases => format!("cases.{m}"),
            Scope::Experience => format!("experience.overall.{m}"),
            Scope::FirstChannel(c) => format!("experience.by_first_channel.{c}.{m}"),
            Scope::Cost => format!("cost.{m}"),
            Scope::Training(t) => format!("training.{t}.{m}"),
            Scope::Standard(s) => format!("standards.{s}.{m}"),
            Scope::Channel(c) => format!("channels.{c}.{m}"),
            Scope::Class(c, k) => format!("channels.{c}.classes.{k}.{m}"),
            Scope::ChannelCases(c) => format!("channels.{c}.cases.{m}"),
            Scope::Group(g) => format!("groups.{g}.{m}"),
        }
    }

    /// How the KPI's numbers read: share, seconds, count or money.
    pub fn unit(&self) -> Unit {
        match (&self.scope, self.measure) {
            (Scope::Cost, _) => Unit::Money,
            // Contacts per case: a count.
            (Scope::Standard("efficiency"), Measure::Value) => Unit::Count,
            (_, m) => m.unit(),
        }
    }

    /// Whether `compare` shows the KPI in its table and sweep.csv has a column for it: each channel's
    /// service level, ASA, abandon rate, occupancy, backlog at the end and FCR; the case KPIs; the six levels
    /// of all cases and the share at level 4 or above; the standards' headline values; each group's
    /// occupancy; the total cost.
    pub fn is_headline(&self) -> bool {
        match (&self.scope, self.measure) {
            (Scope::Channel(_), Measure::Field(f)) => CHANNEL_HEADLINES.contains(&f),
            (Scope::ChannelCases(_), Measure::Field(f)) => f == "fcr_rate",
            (Scope::Cases, Measure::Field(f)) => {
                matches!(f, "fcr_rate" | "contacts_per_case" | "time_to_resolution_s")
            }
            (Scope::Experience, Measure::Level(_)) => true,
            (Scope::Experience, Measure::Field(f)) => f == "level_4_or_above",
            (Scope::Standard(_), Measure::Value) => true,
            (Scope::Group(_), Measure::Field(f)) => f == "occupancy",
            (Scope::Cost, Measure::Field(f)) => f == "total",
            _ => false,
        }
    }

    /// The KPI in words, as its chart is titled ("phone: service level", "total cost"); the path for the
    /// KPIs that have no chart.
    pub fn label(&self) -> String {
        match (&self.scope, self.measure) {
            (Scope::Experience, Measure::Field("level_4_or_above")) => {
                "cases at level 4 or above".to_string()
            }
            (Scope::Channel(c), Measure::Field("service_level")) => format!("{c}: service level"),
            (Scope::Class(c, k), Measure::Field("service_level")) => {
                format!("{c}.classes.{k}: service level")
            }
            (Scope::Channel(c), Measure::Field("level_4_or_above")) => {
                format!("{c}: cases at level 4 or above")
            }
            (Scope::Cases, Measure::Field("fcr_rate")) => "first-contact resolution".to_string(),
            (Scope::Cost, Measure::Field("total")) => "total cost".to_string(),
            _ => self.path(),
        }
    }
}

impl fmt::Display for KpiId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.path())
    }
}

/// In JSON a KPI is its path.
impl Serialize for KpiId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.path())
    }
}

/// Every estimate of a report with its KPI, in summary.json order (run information is no KPI).
pub fn estimates(report: &Report) -> Vec<(KpiId, &Estimate)> {
    fn put<'a>(
        out: &mut Vec<(KpiId, &'a Estimate)>,
        scope: &Scope,
        measures: impl IntoIterator<Item = (Measure, &'a Estimate)>,
    ) {
        out.extend(
            measures
                .into_iter()
                .map(|(m, e)| (KpiId::new(scope.clone(), m), e)),
        );
    }
    fn fields<'a>(
        fields: impl IntoIterator<Item = (&'static str, &'a Estimate)>,
    ) -> impl Iterator<Item = (Measure, &'a Estimate)> {
        fields.into_iter().map(|(f, e)| (Measure::Field(f), e))
    }
    let mut out = Vec::new();
    put(&mut out, &Scope::Cases, fields(report.cases.fields()));
    let by_first_channel = report
        .experience
        .by_first_channel
        .iter()
        .map(|(c, e)| (Scope::FirstChannel(c.clone()), e));
    for (scope, e) in
        std::iter::once((Scope::Experience, &report.experience.overall)).chain(by_first_channel)
    {
        let levels = e.levels.iter().map(|(l, v)| (Measure::Level(l), v));
        let four = (Measure::Field("level_4_or_above"), &e.level_4_or_above);
        let held = e
            .held_down_by
            .iter()
            .map(|(f, v)| (Measure::HeldDownBy(f), v));
        put(&mut out, &scope, levels.chain([four]).chain(held));
    }
    put(&mut out, &Scope::Cost, fields(report.cost.fields()));
    for (name, t) in &report.training {
        put(&mut out, &Scope::Training(name.clone()), fields(t.fields()));
    }
    for (name, row) in &report.standards {
        let measures = row
            .measures
            .iter()
            .map(|(m, e)| (Measure::StandardMeasure(m), e));
        let value = (Measure::Value, &row.value);
        put(
            &mut out,
            &Scope::Standard(name),
            std::iter::once(value).chain(measures),
        );
    }
    for (name, k) in &report.channels {
        let own = k.contacts.fields().into_iter().chain([
            ("wait_p90_s", &k.wait_p90_s),
            ("unfinished", &k.unfinished),
            ("backlog_end", &k.backlog_end),
            ("backlog_end_of_day", &k.backlog_end_of_day),
            ("in_service_end", &k.in_service_end),
        ]);
        put(&mut out, &Scope::Channel(name.clone()), fields(own));
        for (class, c) in &k.classes {
            let scope = Scope::Class(name.clone(), class.clone());
            put(&mut out, &scope, fields(c.fields()));
        }
        let scope = Scope::ChannelCases(name.clone());
        put(&mut out, &scope, fields(k.cases.fields()));
    }
    for (name, g) in &report.groups {
        put(&mut out, &Scope::Group(name.clone()), fields(g.fields()));
    }
    out
}

/// The KPIs of a run that have a target, for the charts' target lines: each channel's (and priority class's) service
/// level, as (target share in %, legend label).
pub fn targets(report: &Report) -> indexmap::IndexMap<KpiId, (f64, String)> {
    let mut out = indexmap::IndexMap::new();
    for (name, t) in report
        .run
        .targets
        .iter()
        .filter(|(_, t)| t.kind != "self-service")
    {
        let target = (100.0 * t.share, format!("target {}", t.label()));
        out.insert(KpiId::channel(name, "service_level"), target.clone());
        for class in report.channels[name.as_str()].classes.keys() {
            let kpi = KpiId::new(
                Scope::Class(name.clone(), class.clone()),
                Measure::Field("service_level"),
            );
            out.insert(kpi, target.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `{ "mean": .., "ci95": .. }` object under `v` with its dotted path (run information left out):
    /// summary.json as scripts read it.
    fn flatten(v: &serde_json::Value, path: &mut String, out: &mut Vec<(String, Estimate)>) {
        let serde_json::Value::Object(map) = v else {
            return;
        };
        if map.contains_key("mean") && map.contains_key("ci95") {
            let mut e = Estimate::symmetric(map["mean"].as_f64(), map["ci95"].as_f64());
            e.ci95_low = map.get("ci95_low").and_then(|v| v.as_f64());
            e.ci95_high = map.get("ci95_high").and_then(|v| v.as_f64());
            out.push((path.clone(), e));
            return;
        }
        for (k, child) in map {
            if path.is_empty() && k == "run" {
                continue;
            }
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(k);
            flatten(child, path, out);
            path.truncate(len);
        }
    }

    fn report(text: &str) -> Report {
        let mut s = crate::scenario::Scenario::from_toml(text, "t.toml", None).expect("valid");
        s.replications = 2;
        Report::build(&s, &crate::experiment::run_replications(&s))
    }

    #[test]
    fn estimates_are_summary_json_path_by_path() {
        // Classes, training, several channels and groups, complaints: every scope there is.
        for text in [
            include_str!("../../scenarios/omnichannel.toml"),
            include_str!("../../scenarios/training-soft-skills.toml"),
            include_str!("../../scenarios/journeys.toml"),
        ] {
            let r = report(text);
            let mut json = Vec::new();
            flatten(
                &serde_json::to_value(&r).expect("a report serialises"),
                &mut String::new(),
                &mut json,
            );
            let typed: Vec<(String, Estimate)> = estimates(&r)
                .into_iter()
                .map(|(k, e)| (k.path(), *e))
                .collect();
            assert_eq!(typed.len(), json.len());
            for (t, j) in typed.iter().zip(&json) {
                assert_eq!(t.0, j.0);
                assert_eq!(
                    t.1.mean.map(f64::to_bits),
                    j.1.mean.map(f64::to_bits),
                    "{}",
                    t.0
                );
                assert_eq!(
                    t.1.ci95.map(f64::to_bits),
                    j.1.ci95.map(f64::to_bits),
                    "{}",
                    t.0
                );
            }
        }
    }

    #[test]
    fn paths_keep_names_verbatim() {
        let odd = "e.mail \"vip\" é";
        assert_eq!(
            KpiId::channel(odd, "service_level").path(),
            "channels.e.mail \"vip\" é.service_level"
        );
        assert_eq!(
            KpiId::new(
                Scope::ChannelCases("e.mail".into()),
                Measure::Field("fcr_rate")
            )
            .to_string(),
            "channels.e.mail.cases.fcr_rate"
        );
        assert_eq!(
            KpiId::new(
                Scope::Class("phone".into(), "v.i.p".into()),
                Measure::Field("offered")
            )
            .path(),
            "channels.phone.classes.v.i.p.offered"
        );
        assert_eq!(
            KpiId::new(
                Scope::FirstChannel("a.b".into()),
                Measure::Level("6_amazing")
            )
            .path(),
            "experience.by_first_channel.a.b.levels.6_amazing"
        );
        assert_eq!(
            KpiId::new(
                Scope::Standard("speed"),
                Measure::StandardMeasure("first_response_s")
            )
            .path(),
            "standards.speed.measures.first_response_s"
        );
        // Two channels whose paths would read alike are still two KPIs.
        let a = KpiId::new(Scope::ChannelCases("x".into()), Measure::Field("fcr_rate"));
        let b = KpiId::channel("x.cases", "fcr_rate");
        assert_eq!(a.path(), b.path());
        assert_ne!(a, b);
        assert!(a.is_headline() && !b.is_headline());
    }

    #[test]
    fn headlines_do_not_depend_on_names() {
        for name in ["phone", "e.mail", "chat \"vip\" é", "cases", "levels.x"] {
            assert!(
                KpiId::channel(name, "service_level").is_headline(),
                "{name}"
            );
            assert!(KpiId::channel(name, "backlog_end").is_headline());
            assert!(!KpiId::channel(name, "offered").is_headline());
            assert!(
                KpiId::new(Scope::ChannelCases(name.into()), Measure::Field("fcr_rate"))
                    .is_headline()
            );
            assert!(
                !KpiId::new(
                    Scope::Class(name.into(), "vip".into()),
                    Measure::Field("service_level")
                )
                .is_headline()
            );
            assert!(KpiId::group(name, "occupancy").is_headline());
            assert!(!KpiId::group(name, "staff_cost").is_headline());
        }
        assert!(KpiId::cost("total").is_headline());
        assert!(!KpiId::cost("staff").is_headline());
        assert!(KpiId::standard("time").is_headline());
        assert!(KpiId::experience(Measure::Level("2_basic")).is_headline());
        assert!(
            !KpiId::new(
                Scope::FirstChannel("phone".into()),
                Measure::Level("2_basic")
            )
            .is_headline()
        );
        assert!(KpiId::cases("contacts_per_case").is_headline());
        assert!(!KpiId::cases("open").is_headline());
    }

    #[test]
    fn units_follow_the_measures() {
        assert_eq!(
            KpiId::channel("e.mail", "service_level").unit(),
            Unit::Share
        );
        assert_eq!(
            KpiId::channel("phone", "service_level_answered").unit(),
            Unit::Share
        );
        assert_eq!(KpiId::channel("phone", "asa_s").unit(), Unit::Seconds);
        assert_eq!(KpiId::cases("time_to_resolution_s").unit(), Unit::Seconds);
        assert_eq!(KpiId::cost("total").unit(), Unit::Money);
        assert_eq!(KpiId::cost("staff").unit(), Unit::Money);
        assert_eq!(KpiId::group("agents", "staff_cost").unit(), Unit::Money);
        assert_eq!(
            KpiId::new(Scope::Training("x".into()), Measure::Field("cost")).unit(),
            Unit::Money
        );
        assert_eq!(
            KpiId::experience(Measure::Level("6_amazing")).unit(),
            Unit::Share
        );
        assert_eq!(
            KpiId::experience(Measure::HeldDownBy("wait")).unit(),
            Unit::Share
        );
        assert_eq!(KpiId::standard("time").unit(), Unit::Share);
        assert_eq!(KpiId::standard("efficiency").unit(), Unit::Count);
        assert_eq!(
            KpiId::new(
                Scope::Standard("action"),
                Measure::StandardMeasure("complaints")
            )
            .unit(),
            Unit::Count
        );
        assert_eq!(KpiId::channel("phone", "offered").unit(), Unit::Count);
        assert_eq!(
            KpiId::channel("phone", "level_4_or_above").unit(),
            Unit::Share
        );
        assert_eq!(Measure::Field("level_4_share").unit(), Unit::Share);
        // A group or channel called "levels" or "cost" keeps its units.
        assert_eq!(KpiId::group("levels", "staffed_hours").unit(), Unit::Count);
        assert_eq!(KpiId::channel("cost", "offered").unit(), Unit::Count);
    }
}
