//! Charts: `run` draws every chart kind as a valid, non-empty PNG and SVG into plots/, and `--no-plots`
//! draws none.

mod common;

use common::run_ok;

/// Width and height from a PNG's IHDR chunk, after checking the signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 1000, "a PNG of {} bytes", bytes.len());
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

#[test]
fn run_draws_every_chart_as_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(
        &["run", "scenarios/journeys.toml", "--replications", "2"],
        &out,
    );
    let plots = out.join("plots");
    // Per channel with contacts: contacts and service level per interval; then the service levels.
    let expected = [
        ("01-phone-contacts", "phone: contacts per interval"),
        (
            "01-phone-service-level",
            "phone: service level per interval",
        ),
        ("01-phone-waits", "phone: waiting time of answered contacts"),
        (
            "01-phone-occupancy",
            "phone: occupancy of the agents serving it",
        ),
        (
            "03-email-backlog",
            "email: backlog at the end of each interval",
        ),
        ("02-chat-contacts", "chat: contacts per interval"),
        ("02-chat-service-level", "chat: service level per interval"),
        ("03-email-contacts", "email: contacts per interval"),
        ("levels", "Customer experience levels cases end at"),
        ("held-down", "What held cases below level 4"),
    ];
    for (stem, caption) in expected {
        check_chart(&plots, stem, caption);
    }
    // Only charts, nothing half-written left behind.
    for entry in std::fs::read_dir(&out).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with(".plots-tmp"), "{name}");
    }
    // journeys.toml has no forecast uncertainty: no chart of P(target missed).
    assert!(!plots.join("01-phone-target-missed.png").exists());
    let week = dir.path().join("week");
    run_ok(
        &["run", "scenarios/omnichannel.toml", "--replications", "2"],
        &week,
    );
    check_chart(
        &week.join("plots"),
        "02-phone-target-missed",
        "phone: probability of missing the service-level target",
    );
    // A business-hours target: its waits in business hours, its label in words.
    let waits = std::fs::read_to_string(week.join("plots/04-email-waits.svg")).unwrap();
    assert!(
        waits.contains("wait in business hours (h)")
            && waits.contains("target 90% in 24 business hours")
    );
    assert!(!waits.contains("clock time"));
    // --no-plots draws none.
    let bare = dir.path().join("bare");
    run_ok(&["run", "scenarios/erlang-a.toml", "--no-plots"], &bare);
    assert!(bare.join("summary.json").exists() && !bare.join("plots").exists());
    // report.html then has the tables only, and says why.
    let html = std::fs::read_to_string(bare.join("report.html")).unwrap();
    assert!(html.contains("Charts were not drawn (--no-plots)") && !html.contains("<svg"));
}

fn check_chart(dir: &std::path::Path, stem: &str, caption: &str) {
    let png = std::fs::read(dir.join(format!("{stem}.png")))
        .unwrap_or_else(|e| panic!("{stem}.png: {e}"));
    assert_eq!(png_size(&png), (1200, 700), "{stem}");
    let svg = std::fs::read_to_string(dir.join(format!("{stem}.svg"))).expect("the SVG is there");
    assert!(
        svg.contains("<svg") && svg.trim_end().ends_with("</svg>"),
        "{stem}.svg"
    );
    assert!(
        svg.contains(caption),
        "{stem}.svg has no caption {caption:?}"
    );
}

#[test]
fn compare_and_sweep_draw_their_charts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    run_ok(
        &[
            "compare",
            "scenarios/training-baseline.toml",
            "scenarios/training-soft-skills.toml",
            "--replications",
            "2",
        ],
        &out,
    );
    for (stem, caption) in [
        (
            "compare-01-cases-at-level-4-or-above",
            "cases at level 4 or above per scenario (mean and 95% interval)",
        ),
        (
            "compare-02-phone-service-level",
            "phone: service level per scenario",
        ),
        (
            "compare-03-first-contact-resolution",
            "first-contact resolution per scenario",
        ),
        ("compare-04-total-cost", "total cost per scenario"),
        (
            "compare-levels",
            "Customer experience levels cases end at, per scenario",
        ),
    ] {
        check_chart(&out.join("plots"), stem, caption);
    }
    // Below each per-scenario chart, the paired difference B − A with its verdict, as comparison.json has it
    // (the soft-skills week of training costs service level: the scenarios' own intervals overlap, the
    // paired one does not).
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("comparison.json")).unwrap())
            .unwrap();
    let row = json["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kpi"] == "channels.phone.service_level")
        .expect("the phone's service level is compared");
    // The verdict ends the difference's label (the panel's title also says "a real difference").
    let (verdict, not) = if row["differences"][0]["significant"].as_bool().unwrap() {
        ("  real difference\n", "  not distinguishable from 0\n")
    } else {
        ("  not distinguishable from 0\n", "  real difference\n")
    };
    let svg =
        std::fs::read_to_string(out.join("plots/compare-02-phone-service-level.svg")).unwrap();
    assert!(
        svg.contains("paired difference to the baseline A"),
        "no panel of differences"
    );
    assert!(
        svg.contains(verdict) && !svg.contains(not),
        "the chart does not say {verdict:?}"
    );
    let sign = if row["differences"][0]["mean"].as_f64().unwrap() >= 0.0 {
        "+"
    } else {
        "-"
    };
    assert!(
        svg.contains(&format!("\n   {sign}")),
        "the difference's sign"
    );
    check_chart(
        &out.join("plots"),
        "timeline-01-phone-service-level",
        "phone: service level, day by day",
    );
    // The timeline shows the baseline's target and the paired differences per day.
    let timeline =
        std::fs::read_to_string(out.join("plots/timeline-01-phone-service-level.svg")).unwrap();
    assert!(
        timeline.contains("target 80% in 30s"),
        "the timeline's target"
    );
    assert!(timeline.contains("difference (points)"));
    // Days read by their weekday (the training scenarios give no date), not as "day of the horizon".
    assert!(
        timeline.contains("day (by its weekday)") && !timeline.contains("of the horizon"),
        "the timeline's x axis"
    );
    assert!(
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
            .iter()
            .any(|d| timeline.contains(&format!("({d})"))),
        "weekday ticks on the timeline"
    );
    check_chart(
        &out.join("plots"),
        "timeline-02-phone-cases-at-level-4-or-above",
        "phone: cases at level 4 or above, day by day",
    );
    let sweep = dir.path().join("sweep");
    run_ok(
        &[
            "sweep",
            "scenarios/erlang-a.toml",
            "--set",
            "groups.agents.size=9..12:1",
            "--replications",
            "2",
        ],
        &sweep,
    );
    check_chart(
        &sweep.join("plots"),
        "sweep-01-cases-at-level-4-or-above",
        "cases at level 4 or above against groups.agents.size",
    );
    check_chart(
        &sweep.join("plots"),
        "sweep-02-phone-service-level",
        "phone: service level against groups.agents.size",
    );
    // The service level is drawn against its target; the share at level 4 or above has none.
    let svg =
        |stem: &str| std::fs::read_to_string(sweep.join(format!("plots/{stem}.svg"))).unwrap();
    assert!(svg("sweep-02-phone-service-level").contains("target 80% in 20s"));
    assert!(!svg("sweep-01-cases-at-level-4-or-above").contains("target"));
}

/// Email open 09:00-17:00, mail arriving round the clock, a 4-hour business-hours target.
const BUSINESS_EMAIL: &str = r#"
name = "business email"
seed = 5
replications = 4
horizon = "7d"
interval = "30m"
start = "monday"
[[channels]]
name = "email"
kind = "deferred"
arrivals = { per_day = 240 }
handle_time = { dist = "exponential", mean = "8m" }
target = { within = "4h", share = 0.9, business_hours = true }
open = { weekday = ["09:00", "17:00"], saturday = ["09:00", "17:00"], sunday = ["09:00", "17:00"] }
[[groups]]
name = "team"
size = 10
skills = { email = 1.0 }
"#;

#[test]
fn the_waits_chart_of_a_business_hours_target_counts_business_time_like_its_service_level() {
    let report = common::run(BUSINESS_EMAIL);
    let email = &report.channels["email"];
    let target = &report.run.targets["email"];
    // The share the chart reads at the target's time: the last point of the curve at or before it.
    let at_target = email
        .wait_cdf
        .iter()
        .rfind(|p| p.0 <= target.within_s)
        .expect("the curve starts at 0")
        .1;
    let kpi = common::mean(&email.contacts.service_level_answered);
    // Mail arriving overnight waits for 09:00 (hours of clock time, minutes of business time): in clock time
    // the curve would read well under half at 4 h; in business time it reads the KPI, within the
    // histogram's resolution and the pooling of replications.
    assert!(kpi > 0.9, "business-hours service level {kpi}");
    assert!(
        (at_target - kpi).abs() < 0.03,
        "the chart reads {at_target} at the target, the KPI {kpi}"
    );
    // One label for the target everywhere: the table's header and the chart's legend say the same.
    assert_eq!(target.label(), "90% in 4 business hours");
    let grid = supportsim::report::table::kpi_grid(&report);
    assert!(
        grid.header[1].contains("target 90% in 4 business hours"),
        "{:?}",
        grid.header
    );
}

#[test]
fn a_target_has_one_label_in_words() {
    let target = |within_s: f64, share: f64, business_hours: bool| {
        supportsim::report::ChannelTarget {
            kind: "voice",
            within_s,
            share,
            business_hours,
            forecast_cv: 0.0,
        }
        .label()
    };
    assert_eq!(target(20.0, 0.8, false), "80% in 20s");
    assert_eq!(target(86_400.0, 1.0, false), "100% in 1d");
    // Business time is opening hours, never clock days: 24 business hours are several working days.
    assert_eq!(target(86_400.0, 1.0, true), "100% in 24 business hours");
    assert_eq!(target(3600.0, 0.9, true), "90% in 1 business hour");
    assert_eq!(target(1800.0, 0.9, true), "90% in 30 business minutes");
    assert_eq!(target(5400.0, 0.9, true), "90% in 1.5 business hours");
}

const PRICED: &str = r#"
name = "priced"
seed = 3
replications = 3
horizon = "8h"
interval = "1h"
CURRENCY
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 60 }
handle_time = { dist = "exponential", mean = "4m" }
[[groups]]
name = "team"
size = 6
cost_per_hour = 30.0
skills = { phone = 1.0 }
"#;

#[test]
fn a_currency_labels_the_costs_and_a_bad_one_is_rejected_with_its_line() {
    let euro = common::run(&PRICED.replace("CURRENCY", "currency = \"EUR\""));
    assert_eq!(euro.run.currency.as_deref(), Some("EUR"));
    let line = supportsim::report::table::cost_line(&euro).expect("the team is priced");
    assert!(line.starts_with("cost (EUR): 14"), "{line}");
    // Without one: plain numbers, and nothing about a currency in summary.json.
    let plain = common::run(&PRICED.replace("CURRENCY", ""));
    let line = supportsim::report::table::cost_line(&plain).expect("the team is priced");
    assert!(line.starts_with("cost: 14"), "{line}");
    assert!(!supportsim::report::json::summary_json(&plain).contains("currency"));
    assert!(supportsim::report::json::summary_json(&euro).contains("\"currency\": \"EUR\""));
    for bad in ["\"\"", "\"euro dollars\"", "\"EURODOLLARS\""] {
        let text = PRICED.replace("CURRENCY", &format!("currency = {bad}"));
        let e = supportsim::scenario::Scenario::from_toml(&text, "priced.toml", None)
            .expect_err("rejected")
            .to_string();
        assert!(
            e.contains("priced.toml:7") && e.contains("currency = "),
            "{e}"
        );
        assert!(e.contains("1 to 8 characters"), "{e}");
    }
}
