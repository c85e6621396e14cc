//! report.html and the workbooks: every command writes a self-contained report.html that a real browser
//! (headless Chromium) renders without errors, showing its tables and charts; and an .xlsx workbook that
//! holds the CSVs' numbers with number formats.
//!
//! The browser check needs Chromium (`.ci/run` installs Debian's package). Without it the test fails and
//! says how to install it; SUPPORTSIM_SKIP_BROWSER=1 skips only the browser part.

mod common;

use assert_cmd::Command;
use common::run_ok;
use std::io::Read;
use std::path::{Path, PathBuf};

fn bin() -> Command {
    Command::cargo_bin("supportsim").expect("the binary is built")
}

/// A small run of journeys.toml, a comparison of the training examples and a sweep of the Erlang A example
/// over 9 to 11 agents, into `dir/{run,cmp,sweep}`.
fn three_outputs(dir: &Path) -> [PathBuf; 3] {
    let [run, cmp, sweep] = ["run", "cmp", "sweep"].map(|n| dir.join(n));
    run_ok(
        &["run", "scenarios/journeys.toml", "--replications", "3"],
        &run,
    );
    let training = [
        "compare",
        "scenarios/training-baseline.toml",
        "scenarios/training-soft-skills.toml",
        "--replications",
        "2",
    ];
    run_ok(&training, &cmp);
    let agents = [
        "sweep",
        "scenarios/erlang-a.toml",
        "--set",
        "groups.agents.size=9..11:1",
        "--replications",
        "2",
    ];
    run_ok(&agents, &sweep);
    [run, cmp, sweep]
}

/// The text of one file inside an .xlsx (a zip of XML parts).
fn part(xlsx: &Path, name: &str) -> String {
    let file = std::fs::File::open(xlsx).unwrap_or_else(|e| panic!("{}: {e}", xlsx.display()));
    let mut zip = zip::ZipArchive::new(file).expect("an .xlsx is a zip archive");
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name} in {}: {e}", xlsx.display()))
        .read_to_string(&mut text)
        .expect("the part reads as text");
    text
}

/// Sheet names in workbook order.
fn sheets(xlsx: &Path) -> Vec<String> {
    let wb = part(xlsx, "xl/workbook.xml");
    wb.split("<sheet ")
        .skip(1)
        .filter_map(|s| s.split("name=\"").nth(1)?.split('"').next())
        .map(String::from)
        .collect()
}

/// The number format of the cell holding `value` in a worksheet: the cell's style index (`s`), its entry in
/// styles.xml's cellXfs, and that entry's numFmt's formatCode.
fn format_of(xlsx: &Path, sheet: &str, value: f64) -> String {
    let xml = part(xlsx, sheet);
    let at = xml
        .find(&format!("<v>{value}</v>"))
        .unwrap_or_else(|| panic!("{value} is not in {sheet}"));
    let cell = &xml[xml[..at].rfind("<c ").expect("a cell holds the value")..at];
    let attr = |text: &str, name: &str| -> Option<String> {
        let start = text.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(text[start..].split('"').next()?.to_string())
    };
    let style: usize = attr(cell, "s")
        .expect("the cell has a style")
        .parse()
        .expect("a style index");
    let styles = part(xlsx, "xl/styles.xml");
    let xfs = styles.split("<cellXfs").nth(1).expect("cellXfs");
    let xf = xfs.split("<xf ").nth(style + 1).expect("the cell's style");
    let id = attr(&format!(" {xf}"), "numFmtId").expect("a number format id");
    let fmt = styles
        .split("<numFmt ")
        .skip(1)
        .find(|f| attr(&format!(" {f}"), "numFmtId").as_deref() == Some(id.as_str()))
        .unwrap_or_else(|| panic!("numFmt {id}"));
    attr(&format!(" {fmt}"), "formatCode")
        .expect("a format code")
        .replace("&quot;", "\"")
}

/// A CSV column's value in row `row` (1 = the first after the header).
fn csv_value(csv: &str, row: usize, column: &str) -> f64 {
    let header: Vec<&str> = csv.lines().next().expect("a header").split(',').collect();
    let c = header
        .iter()
        .position(|h| *h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    let line = csv.lines().nth(row).expect("the row");
    line.split(',')
        .nth(c)
        .expect("the cell")
        .parse()
        .expect("a number")
}

#[test]
fn workbooks_hold_the_csv_numbers_with_number_formats() {
    let dir = tempfile::tempdir().unwrap();
    let [run, cmp, sweep] = three_outputs(dir.path());
    let xlsx = run.join("results.xlsx");
    assert_eq!(
        sheets(&xlsx),
        [
            "Run",
            "Summary",
            "Levels",
            "Standards",
            "Intervals",
            "Groups"
        ]
    );
    // The Summary sheet holds the CSV summary's numbers, each with its unit's format.
    let summary = bin()
        .args([
            "run",
            "scenarios/journeys.toml",
            "--replications",
            "3",
            "--no-plots",
        ])
        .args(["--format", "csv", "--out"])
        .arg(dir.path().join("again"))
        .output()
        .unwrap();
    let summary = String::from_utf8(summary.stdout).unwrap();
    let sheet = "xl/worksheets/sheet2.xml";
    for (column, format) in [
        ("service_level", "0.00%"),
        ("service_level_ci95", "0.00%"),
        ("asa_s", "#,##0.0\" s\""),
        ("offered", "#,##0.00"),
    ] {
        let v = csv_value(&summary, 1, column);
        assert_eq!(format_of(&xlsx, sheet, v), format, "{column}");
    }
    // The Intervals sheet has intervals.csv's rows and its numbers (at full precision).
    let csv = std::fs::read_to_string(run.join("intervals.csv")).unwrap();
    let sheet = "xl/worksheets/sheet5.xml";
    assert_eq!(
        part(&xlsx, sheet).matches("<row ").count(),
        csv.lines().count()
    );
    let sl = csv_value(&csv, 1, "service_level");
    assert_eq!(format_of(&xlsx, sheet, sl), "0.00%");
    // The Levels sheet: the shares of all cases, as percentages.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    let overall = &json["experience"]["overall"];
    for v in [
        &overall["levels"]["1_disappointing"]["mean"],
        &overall["level_4_or_above"]["mean"],
        &overall["held_down_by"]["wait"]["mean"],
    ] {
        let v = v.as_f64().unwrap();
        assert_eq!(
            format_of(&xlsx, "xl/worksheets/sheet3.xml", v),
            "0.00%",
            "{v}"
        );
    }
    // The Standards sheet: efficiency is contacts per case, the others shares.
    let efficiency = json["standards"]["efficiency"]["value"]["mean"]
        .as_f64()
        .unwrap();
    assert_eq!(
        format_of(&xlsx, "xl/worksheets/sheet4.xml", efficiency),
        "#,##0.00"
    );
    let time = json["standards"]["time"]["value"]["mean"].as_f64().unwrap();
    assert_eq!(format_of(&xlsx, "xl/worksheets/sheet4.xml", time), "0.00%");
    // Money in the Run sheet.
    let staff = json["cost"]["staff"]["mean"].as_f64().unwrap();
    // No training programme: a cost of +0, not the -0 of an empty float sum.
    let training = json["cost"]["training"]["mean"].as_f64().unwrap();
    assert!(training == 0.0 && training.is_sign_positive(), "{training}");
    assert_eq!(
        format_of(&xlsx, "xl/worksheets/sheet1.xml", staff),
        "#,##0.00"
    );

    let book = cmp.join("comparison.xlsx");
    assert_eq!(sheets(&book), ["Comparison", "Timeline"]);
    let rows = part(&book, "xl/worksheets/sheet1.xml")
        .matches("<row ")
        .count();
    let csv_rows = std::fs::read_to_string(cmp.join("comparison.csv"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(rows, csv_rows);

    assert_eq!(sheets(&sweep.join("sweep.xlsx")), ["Sweep"]);
    // The swept values are numbers in the workbook.
    let sheet = part(&sweep.join("sweep.xlsx"), "xl/worksheets/sheet1.xml");
    for agents in [9, 10, 11] {
        assert!(sheet.contains(&format!("<v>{agents}</v>")), "{agents}");
    }
}

/// Checks that a report.html is one self-contained page with its facts, tables and charts; returns its text.
fn check_page(out: &Path, must_show: &[&str], tables: usize) -> String {
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html is written");
    for text in must_show {
        assert!(html.contains(text), "report.html does not show {text:?}");
    }
    assert!(html.contains(&format!("supportsim {}", env!("CARGO_PKG_VERSION"))));
    // SOURCE_DATE_EPOCH 1795338000 is 2026-11-22 09:00 UTC.
    assert!(html.contains("2026-11-22 09:00 UTC"), "the date");
    assert_eq!(html.matches("<table>").count(), tables, "tables");
    // Every chart drawn is inline in the page.
    let svgs = std::fs::read_dir(out.join("plots"))
        .expect("the plots folder is there")
        .filter(|e| {
            e.as_ref()
                .expect("a directory entry")
                .path()
                .extension()
                .is_some_and(|x| x == "svg")
        })
        .count();
    assert!(svgs > 0);
    assert_eq!(html.matches("<svg ").count(), svgs, "inline charts");
    // Nothing outside the page: no scripts, stylesheets, images or fonts to fetch.
    for outside in [
        "<script", "<link", "<img", "src=", "url(", "http://", "https://",
    ] {
        let found = html
            .replace("xmlns=\"http://www.w3.org/2000/svg\"", "")
            .contains(outside);
        assert!(!found, "report.html refers to something outside: {outside}");
    }
    html
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SUPPORTSIM_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
        .find(|p| p.is_file())
}

/// Renders the page in headless Chromium: returns the DOM after loading and the browser's log, and writes
/// a screenshot.
fn render(browser: &Path, page: &Path, screenshot: &Path) -> (String, String) {
    let profile = tempfile::tempdir().expect("a temporary profile");
    let url = format!(
        "file://{}",
        page.canonicalize().expect("the page exists").display()
    );
    let common = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
    ];
    let run = |extra: &[String]| {
        let o = std::process::Command::new(browser)
            .args(common)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg(&url)
            .output()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o
    };
    let dom = run(&["--dump-dom".to_string()]);
    let shot = run(&[
        "--window-size=1300,2000".to_string(),
        format!("--screenshot={}", screenshot.display()),
    ]);
    (
        String::from_utf8_lossy(&dom.stdout).into_owned(),
        String::from_utf8_lossy(&dom.stderr).into_owned() + &String::from_utf8_lossy(&shot.stderr),
    )
}

/// Distinct colours among a sample of the screenshot's pixels (a blank page has one or two).
fn colours(png_path: &Path) -> usize {
    let decoder = png::Decoder::new(std::fs::File::open(png_path).expect("the screenshot exists"));
    let mut reader = decoder.read_info().expect("the screenshot is a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("the screenshot decodes");
    assert!(
        info.width >= 1000 && info.height >= 1000,
        "{}x{}",
        info.width,
        info.height
    );
    let step = info.color_type.samples();
    let mut seen = std::collections::HashSet::new();
    for px in buf[..info.buffer_size()].chunks(step).step_by(97) {
        seen.insert(px[..3.min(px.len())].to_vec());
    }
    seen.len()
}

#[test]
fn report_html_is_self_contained_and_renders_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let [run, cmp, sweep] = three_outputs(dir.path());
    check_page(
        &run,
        &[
            "journeys: FCR, repeats and service levels",
            "<dt>seed</dt><dd>11</dd>",
            "<dt>replications</dt><dd>3</dd>",
            "Service by channel",
            "service level",
            "The eight service standards",
            "What held cases below level 4",
            // Captions in words, not file names.
            "<figcaption>phone: service level per interval, the share of contacts offered that were answered in time (%)",
            "against the target 80% in 30s (dashed)",
            // The per-interval table of each channel, folded.
            "<summary>phone: the 144 intervals as a table</summary>",
        ],
        // The KPI, levels and standards tables and one interval table per channel (four).
        7,
    );
    check_page(
        &cmp,
        &[
            "B − A",
            "channels.phone.service_level",
            "<dt>replications</dt><dd>2</dd>",
            "per scenario (mean and 95% interval)",
            "day by day",
            "paired difference to the baseline A",
        ],
        1,
    );
    check_page(
        &sweep,
        &["groups.agents.size", "against groups.agents.size"],
        1,
    );
    // A plan: the agent-hours and roster tables (no interval left short), the three chart groups.
    let plan = dir.path().join("plan");
    run_ok(&["plan", "scenarios/plan-day.toml"], &plan);
    check_page(
        &plan,
        &[
            "supportsim plan: a planned day",
            "<dt>check replications</dt><dd>20</dd>",
            "Net staffing per group",
            "Coverage by shift",
            "Predicted service level",
            "The roster",
        ],
        2,
    );

    let Some(browser) = chromium() else {
        if std::env::var_os("SUPPORTSIM_SKIP_BROWSER").is_some() {
            eprintln!("browser check skipped (SUPPORTSIM_SKIP_BROWSER)");
            return;
        }
        panic!(
            "the browser check needs Chromium: `apt-get install chromium` (bash .ci/run does it), or set \
             SUPPORTSIM_CHROMIUM to a Chromium binary, or SUPPORTSIM_SKIP_BROWSER=1 to skip this part"
        );
    };
    // Screenshots are kept for a look (output/ is git-ignored).
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("output/browser-check");
    std::fs::create_dir_all(&shots).unwrap();
    for (name, out) in [
        ("run", &run),
        ("compare", &cmp),
        ("sweep", &sweep),
        ("plan", &plan),
    ] {
        let shot = shots.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&shot);
        let (dom, log) = render(&browser, &out.join("report.html"), &shot);
        // The page loaded and parsed: the DOM has its header, tables and inline charts.
        assert!(
            dom.contains("<header>") && dom.contains("</main>"),
            "{name}: {dom:.300}"
        );
        assert!(dom.matches("<table>").count() >= 1, "{name}: no table");
        // Every chart has a caption in words (no file name), and the run's channels their interval tables.
        assert_eq!(
            dom.matches("<figcaption>").count(),
            dom.matches("<svg ").count(),
            "{name}: a caption per chart"
        );
        assert!(
            !dom.contains("<figcaption>plots/"),
            "{name}: a file name as caption"
        );
        if name == "run" {
            for channel in ["phone", "chat", "email", "complaints"] {
                let summary = format!("<summary>{channel}: the 144 intervals as a table</summary>");
                assert!(
                    dom.contains(&summary),
                    "run: no interval table of {channel}"
                );
            }
            assert!(dom.contains("<figcaption>phone: contacts offered, answered and abandoned"));
        }
        let svgs = std::fs::read_dir(out.join("plots"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "svg")
            })
            .count();
        assert_eq!(
            dom.matches("<svg ").count(),
            svgs,
            "{name}: charts in the DOM"
        );
        // No console message (errors in the page show there).
        let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
        assert!(console.is_empty(), "{name}: {console:?}");
        // The screenshot shows something: tables and coloured charts, not a blank page.
        let n = colours(&shot);
        assert!(n > 20, "{name}: the screenshot has {n} colours");
    }
}

#[test]
fn names_from_the_scenario_are_escaped_in_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let toml = std::fs::read_to_string("scenarios/erlang-a.toml").unwrap();
    let hostile = r#"<b>&"x" </title><script>alert(1)</script>"#;
    let (line, _) = toml
        .lines()
        .find_map(|l| l.starts_with("name = ").then_some((l, ())))
        .expect("the example has a name");
    let toml = toml.replacen(line, &format!("name = {hostile:?}"), 1);
    let path = dir.path().join("hostile.toml");
    std::fs::write(&path, toml).unwrap();
    let out = dir.path().join("out");
    run_ok(
        &["run", path.to_str().unwrap(), "--replications", "2"],
        &out,
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        !html.contains("<script") && !html.contains("<b>&"),
        "unescaped name"
    );
    assert!(
        html.contains("&lt;b&gt;&amp;&quot;x&quot; &lt;&#x2f;title&gt;"),
        "{html:.2000}"
    );
}

#[test]
fn a_run_that_fails_on_the_way_leaves_the_old_output_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(
        &["run", "scenarios/erlang-a.toml", "--replications", "2"],
        &out,
    );
    assert!(out.join("report.html").exists());
    // A file where plots/ must go: not a folder supportsim wrote, so the run is refused before it starts
    // (it would replace the whole folder) and the earlier output stays whole: its report.html beside its
    // own files, never beside new ones.
    std::fs::remove_dir_all(out.join("plots")).unwrap();
    std::fs::write(out.join("plots"), "in the way").unwrap();
    let before: Vec<(String, Vec<u8>)> = files(&out);
    let o = bin()
        .args([
            "run",
            "scenarios/erlang-a.toml",
            "--replications",
            "3",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did not write (plots)"));
    assert!(files(&out) == before, "the earlier output changed");
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "{name} left behind");
    }
}

/// The files of folder `dir` (not recursive), sorted, with their bytes.
fn files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("read the folder")
        .map(|e| {
            let e = e.expect("an entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read a file"),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn a_sweep_with_nothing_to_chart_says_why_and_leaves_no_empty_plots_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // Durations are text: no chart can put them on an x axis.
    let args = [
        "sweep",
        "scenarios/erlang-a.toml",
        "--set",
        "channels.phone.patience.mean=5m,10m",
        "--replications",
        "2",
    ];
    run_ok(&args, &out);
    assert!(!out.join("plots").exists());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("No charts: the charts put the first swept key on the x axis"));
    assert!(!html.contains("--no-plots"));
}

/// Two channels and two groups whose names hold a dot, spaces, quotes and a non-ASCII letter.
fn odd_names(team_a: u32) -> String {
    format!(
        r#"name = "odd names"
seed = 5
replications = 3
horizon = "2d"
warmup = "2h"
interval = "1h"

[[channels]]
name = "e.mail"
kind = "voice"
arrivals = {{ per_hour = 20 }}
handle_time = {{ dist = "exponential", mean = "4m" }}
patience = {{ dist = "exponential", mean = "10m" }}
target = {{ within = "20s", share = 0.80 }}

[[channels]]
name = 'chat "vip" é'
kind = "chat"
arrivals = {{ per_hour = 10 }}
handle_time = {{ dist = "exponential", mean = "6m" }}
patience = {{ dist = "exponential", mean = "5m" }}
target = {{ within = "60s", share = 0.80 }}

[[groups]]
name = "team.a"
size = {team_a}
skills = {{ "e.mail" = 1.0 }}

[[groups]]
name = 'équipe "b"'
size = 2
skills = {{ 'chat "vip" é' = 1.0, "e.mail" = 0.5 }}
"#
    )
}

/// The headline KPIs of a channel, as sweep.csv and the comparison name them.
fn channel_headlines(channel: &str) -> Vec<String> {
    [
        "service_level",
        "asa_s",
        "abandon_rate",
        "occupancy",
        "backlog_end",
        "cases.fcr_rate",
    ]
    .iter()
    .map(|k| format!("channels.{channel}.{k}"))
    .collect()
}

/// A channel named `e.mail` and names with spaces, quotes and non-ASCII letters keep all their KPIs in every
/// output of sweep and compare: the CSV columns and rows, the JSON, the workbooks, the charts and report.html.
#[test]
fn names_with_dots_quotes_and_accents_keep_their_kpis_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    std::fs::write(&a, odd_names(3)).unwrap();
    std::fs::write(&b, odd_names(4)).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let channels = ["e.mail", "chat \"vip\" é"];
    let mut wanted: Vec<String> = channels.iter().flat_map(|c| channel_headlines(c)).collect();
    wanted.push("groups.team.a.occupancy".into());
    wanted.push("groups.équipe \"b\".occupancy".into());

    // Sweep: every headline column is there with a value in every row, and each channel has its chart.
    let sweep = dir.path().join("sweep");
    run_ok(&["sweep", a, "--set", "groups.0.size=3,4"], &sweep);
    let text = std::fs::read_to_string(sweep.join("sweep.csv")).unwrap();
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    for k in &wanted {
        for column in [k.clone(), format!("{k}_ci95")] {
            let c = header
                .iter()
                .position(|h| *h == column)
                .unwrap_or_else(|| panic!("sweep.csv has no column {column}: {header:?}"));
            // The backlog at the end can be 0 but is defined; every value parses as a number.
            for r in &rows {
                r[c].parse::<f64>()
                    .unwrap_or_else(|_| panic!("{column}: {:?} is not a number", &r[c]));
            }
        }
    }
    let strings = part(&sweep.join("sweep.xlsx"), "xl/sharedStrings.xml");
    assert!(
        strings.contains("channels.e.mail.service_level"),
        "{strings:.2000}"
    );
    // Workbook text escapes only &, < and >.
    assert!(strings.contains("channels.chat \"vip\" é.service_level"));
    let html = std::fs::read_to_string(sweep.join("report.html")).unwrap();
    assert!(html.contains("channels.e.mail.service_level"));
    assert!(html.contains("channels.chat &quot;vip&quot; é.service_level"));
    for chart in ["e-mail-service-level", "chat-vip-service-level"] {
        let found = std::fs::read_dir(sweep.join("plots"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .any(|n| n.starts_with("sweep-") && n.ends_with(&format!("{chart}.svg")));
        assert!(found, "no sweep chart {chart}");
    }

    // Compare with a timeline: the CSV, the JSON, the workbook, the terminal, report.html and the charts.
    let cmp = dir.path().join("cmp");
    let o = bin()
        .args(["compare", a, b, "--timeline", "day", "--out"])
        .arg(&cmp)
        .env("SOURCE_DATE_EPOCH", "1795338000")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let terminal = String::from_utf8(o.stdout).unwrap();
    let text = std::fs::read_to_string(cmp.join("comparison.csv")).unwrap();
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cmp.join("comparison.json")).unwrap())
            .unwrap();
    let html = std::fs::read_to_string(cmp.join("report.html")).unwrap();
    let strings = part(&cmp.join("comparison.xlsx"), "xl/sharedStrings.xml");
    for k in &wanted {
        let mine: Vec<_> = rows.iter().filter(|r| r[0] == **k).collect();
        assert_eq!(mine.len(), 2, "comparison.csv rows of {k}");
        assert!(mine[1][3].parse::<f64>().is_ok(), "{k}: a difference");
        let row = json["kpis"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kpi"] == **k)
            .unwrap_or_else(|| panic!("comparison.json has no {k}"));
        assert!(row["values"][0]["mean"].is_number(), "{row}");
        // The headline table of the terminal and of report.html.
        assert!(
            terminal.contains(k.as_str()),
            "terminal lacks {k}:\n{terminal}"
        );
        let escaped = k.replace('"', "&quot;");
        assert!(html.contains(&escaped), "report.html lacks {escaped}");
        assert!(strings.contains(k.as_str()), "comparison.xlsx lacks {k}");
    }
    let timeline = std::fs::read_to_string(cmp.join("timeline.csv")).unwrap();
    assert!(timeline.contains("channels.e.mail.service_level,1,"));
    assert!(timeline.contains("\"channels.chat \"\"vip\"\" é.service_level\",2,"));
    let plots: Vec<String> = std::fs::read_dir(cmp.join("plots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for chart in [
        "e-mail-service-level",
        "chat-vip-service-level",
        "e-mail-cases-at-level-4-or-above",
    ] {
        for kind in ["compare-", "timeline-"] {
            if kind == "compare-" && chart.contains("cases-at") {
                continue;
            }
            assert!(
                plots
                    .iter()
                    .any(|n| n.starts_with(kind) && n.ends_with(&format!("{chart}.svg"))),
                "no {kind} chart {chart}: {plots:?}"
            );
        }
    }
    assert!(html.contains("e.mail: service level"));
    assert!(html.contains("chat &quot;vip&quot; é: service level"));

    // A run: summary.json keys, results.xlsx and report.html.
    let run = dir.path().join("run");
    run_ok(&["run", a], &run);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    for c in channels {
        assert!(summary["channels"][c]["service_level"]["mean"].is_number());
    }
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(html.contains("e.mail: through the horizon"));
    assert!(html.contains("chat &quot;vip&quot; é: through the horizon"));
    let strings = part(&run.join("results.xlsx"), "xl/sharedStrings.xml");
    assert!(strings.contains("e.mail") && strings.contains("équipe \"b\""));
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start:?}")) + start.len();
    let to = text[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no {end:?} after {start:?}"));
    &text[from..from + to]
}

#[test]
fn report_html_folds_each_channels_intervals_into_a_table_with_the_csv_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run_ok(
        &["run", "scenarios/journeys.toml", "--replications", "3"],
        &out,
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let csv = std::fs::read_to_string(out.join("intervals.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for channel in ["phone", "chat", "email", "complaints"] {
        let rows: Vec<Vec<&str>> = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|r| r[0] == channel)
            .collect();
        let table = between(
            &html,
            &format!(
                "<summary>{channel}: the {} intervals as a table</summary>",
                rows.len()
            ),
            "</details>",
        );
        let cells: Vec<Vec<String>> = table
            .split("<tr><td>")
            .skip(1)
            .map(|r| {
                r.split("</td>")
                    .map(|c| c.trim_start_matches("<td>").to_string())
                    .filter(|c| !c.trim().starts_with("</tr>") && !c.trim().is_empty())
                    .collect()
            })
            .collect();
        assert_eq!(cells.len(), rows.len(), "{channel}: one row per interval");
        let reps = 3.0;
        for (cells, row) in cells.iter().zip(&rows) {
            let number = |name: &str| row[col(name)].parse::<f64>().ok();
            assert_eq!(cells[0], row[col("start")], "{channel}: the start");
            assert_eq!(
                cells[1],
                supportsim::report::sheet::number(number("offered")),
                "{channel} offered"
            );
            assert_eq!(
                cells[2],
                supportsim::report::sheet::number(number("answered")),
                "{channel} answered"
            );
            // A share with too few contacts to measure is "-", as the charts leave a gap; otherwise the CSV's.
            let offered = number("offered").unwrap_or(0.0) * reps;
            let sl = number("service_level");
            let shown = match sl {
                Some(sl) if offered.round() >= 10.0 => format!("{:.2}%", 100.0 * sl),
                _ => "-".to_string(),
            };
            assert_eq!(
                cells[4],
                shown,
                "{channel} service level at {}",
                row[col("start")]
            );
        }
    }
}

/// Issue 13: two identical runs give byte-identical workbooks without SOURCE_DATE_EPOCH (the creation date
/// inside each is a fixed 1980-01-01, results.xlsx's `date` is blank, plan.xlsx has no solver time), on 1 or
/// 2 threads; with SOURCE_DATE_EPOCH the workbook's dates are its.
#[test]
fn workbooks_are_byte_identical_between_identical_runs() {
    let dir = tempfile::tempdir().unwrap();
    let commands: [(&str, &[&str]); 4] = [
        (
            "results.xlsx",
            &["run", "scenarios/erlang-a.toml", "--replications", "2"],
        ),
        (
            "comparison.xlsx",
            &[
                "compare",
                "scenarios/training-baseline.toml",
                "scenarios/training-soft-skills.toml",
                "--replications",
                "2",
            ],
        ),
        (
            "sweep.xlsx",
            &[
                "sweep",
                "scenarios/erlang-a.toml",
                "--set",
                "groups.agents.size=9..11:1",
                "--replications",
                "2",
            ],
        ),
        ("plan.xlsx", &["plan", "scenarios/plan-day.toml"]),
    ];
    for (book, args) in commands {
        let [one, two] = ["1", "2"].map(|t| {
            let out = dir.path().join(format!("{book}-{t}"));
            let o = bin()
                .args(args)
                .args(["--threads", t, "--no-plots", "--quiet", "--out"])
                .arg(&out)
                .env_remove("SOURCE_DATE_EPOCH")
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            out.join(book)
        });
        let core = part(&one, "docProps/core.xml");
        assert!(
            core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">1980-01-01T00:00:00Z"),
            "{book}: {core}"
        );
        assert!(
            std::fs::read(&one).unwrap() == std::fs::read(&two).unwrap(),
            "{book} differs between identical runs"
        );
    }
    // With SOURCE_DATE_EPOCH (2026-11-22 09:00 UTC) both dates are its.
    let out = dir.path().join("dated");
    run_ok(
        &[
            "run",
            "scenarios/erlang-a.toml",
            "--replications",
            "2",
            "--no-plots",
        ],
        &out,
    );
    let xlsx = out.join("results.xlsx");
    assert!(part(&xlsx, "docProps/core.xml").contains(">2026-11-22T09:00:00Z<"));
    assert!(part(&xlsx, "xl/sharedStrings.xml").contains("<t>2026-11-22 09:00 UTC</t>"));
}
