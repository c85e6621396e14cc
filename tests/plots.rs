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
    check_chart(
        &out.join("plots"),
        "timeline-01-phone-service-level",
        "phone: service level, day by day",
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
}
