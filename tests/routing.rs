//! Routing and channel behaviour: chat concurrency, channel priorities, overflow to secondary groups and
//! the agent-selection policy.

mod common;
use common::{mean, run};

use supportsim::report::{ContactKpis, Report};

const CHAT: &str = r#"
name = "chat"
seed = 4
replications = 10
horizon = "20h"
warmup = "1h"
[[channels]]
name = "web"
kind = "KIND"
arrivals = { per_hour = 100 }
handle_time = { dist = "lognormal", mean = "6m", cv = 0.8 }
patience = { dist = "exponential", mean = "4m" }
CONCURRENCY
[[groups]]
name = "agents"
size = 10
skills = { web = 1.0 }
"#;

fn chat(kind: &str, concurrency: &str) -> String {
    CHAT.replace("KIND", kind)
        .replace("CONCURRENCY", concurrency)
}

#[test]
fn chat_with_one_at_a_time_is_voice() {
    // Same channel name, same streams: max = 1 must reproduce voice exactly, not just within CI.
    let voice = run(&chat("voice", ""));
    let chat1 = run(&chat("chat", "concurrency = { max = 1, stretch = 0.5 }"));
    let (v, c) = (
        &voice.channels["web"].contacts,
        &chat1.channels["web"].contacts,
    );
    for ((name, a), (_, b)) in v.fields().iter().zip(c.fields().iter()) {
        assert_eq!(a.mean, b.mean, "{name}");
    }
    assert_eq!(mean(&c.chats_per_agent), 1.0);
}

#[test]
fn concurrency_shortens_waits_and_stretch_lengthens_chats() {
    let one = run(&chat("chat", "concurrency = { max = 1 }"));
    let three = run(&chat("chat", "concurrency = { max = 3 }"));
    let stretched = run(&chat("chat", "concurrency = { max = 3, stretch = 0.5 }"));
    let k = |r: &Report| r.channels["web"].contacts.clone();
    let (one, three, stretched) = (k(&one), k(&three), k(&stretched));
    // 10 agents, 10 erlangs offered: one chat at a time is overloaded, three at a time is not.
    assert!(
        mean(&three.asa_s) < 0.2 * mean(&one.asa_s),
        "ASA {} vs {}",
        mean(&three.asa_s),
        mean(&one.asa_s)
    );
    assert!(mean(&three.abandon_rate) < mean(&one.abandon_rate));
    let cpa = mean(&three.chats_per_agent);
    assert!(cpa > 1.0 && cpa <= 3.0, "chats per agent {cpa}");
    // Without stretch the handle time is the base; with it, chats started beside others take longer.
    assert!(
        (mean(&three.aht_s) / 360.0 - 1.0).abs() < 0.05,
        "{}",
        mean(&three.aht_s)
    );
    assert!(mean(&stretched.aht_s) > 1.1 * mean(&three.aht_s));
    // Occupancy counts engaged agent time, so it stays a share even with several chats per agent.
    assert!(mean(&three.occupancy) <= 1.0);
}

const TWO_CHANNELS: &str = r#"
name = "priorities"
seed = 5
replications = 10
horizon = "20h"
warmup = "1h"
[[channels]]
name = "gold"
kind = "voice"
arrivals = { per_hour = 50 }
handle_time = { dist = "exponential", mean = "5m" }
GOLD
[[channels]]
name = "basic"
kind = "voice"
arrivals = { per_hour = 50 }
handle_time = { dist = "exponential", mean = "5m" }
[[groups]]
name = "agents"
size = 9
skills = { gold = 1.0, basic = 1.0 }
"#;

#[test]
fn higher_priority_channels_are_served_first() {
    let equal = run(&TWO_CHANNELS.replace("GOLD", ""));
    let prioritised = run(&TWO_CHANNELS.replace("GOLD", "priority = 5"));
    let asa = |r: &Report, c: &str| mean(&r.channels[c].contacts.asa_s);
    // Equal priority: first come, first served across channels, so similar waits.
    assert!(
        (asa(&equal, "gold") / asa(&equal, "basic") - 1.0).abs() < 0.3,
        "{} vs {}",
        asa(&equal, "gold"),
        asa(&equal, "basic")
    );
    assert!(
        asa(&prioritised, "gold") < 0.3 * asa(&prioritised, "basic"),
        "{} vs {}",
        asa(&prioritised, "gold"),
        asa(&prioritised, "basic")
    );
}

#[test]
fn overflow_groups_take_only_contacts_that_waited_long_enough() {
    let text = r#"
name = "overflow"
seed = 6
replications = 8
horizon = "20h"
warmup = "1h"
[[channels]]
name = "q"
kind = "voice"
arrivals = { per_hour = 120 }
handle_time = { dist = "exponential", mean = "5m" }
target = { within = "30s", share = 0.8 }
OVERFLOW
[[groups]]
name = "front"
size = 9
skills = { q = 1.0 }
[[groups]]
name = "back office"
size = 4
skills = { q = 1.0 }
"#;
    let with = run(&text.replace(
        "OVERFLOW",
        "overflow = { after = \"60s\", to = [\"back office\"] }",
    ));
    let without = run(&text.replace("OVERFLOW", ""));
    let (w, wo) = (
        &with.channels["q"].contacts,
        &without.channels["q"].contacts,
    );
    assert_eq!(mean(&wo.overflowed), 0.0);
    let overflowed = mean(&w.overflowed);
    assert!(overflowed > 0.0 && overflowed < mean(&w.answered));
    // Without overflow both groups share the work equally; with it the back office only takes what the
    // front leaves waiting for a minute, so it works clearly less.
    let occ = |r: &Report, g: &str| mean(&r.groups[g].occupancy);
    assert!((occ(&without, "back office") - occ(&without, "front")).abs() < 0.03);
    assert!(
        occ(&with, "back office") < 0.7 * occ(&with, "front"),
        "{} vs {}",
        occ(&with, "back office"),
        occ(&with, "front")
    );
    // Only the front answers within 60 s, so the share within 30 s is the front's alone; with the back office
    // in the pool from the start, more callers are answered at once.
    assert!(mean(&w.service_level) < mean(&wo.service_level));
    // A channel served only through overflow never answers anyone before the overflow time.
    let only = run(&text.replace(
        "OVERFLOW",
        "overflow = { after = \"60s\", to = [\"front\", \"back office\"] }",
    ));
    let k = &only.channels["q"].contacts;
    assert_eq!(mean(&k.service_level), 0.0);
    assert!(mean(&k.asa_s) >= 60.0);
}

#[test]
fn most_proficient_agents_are_chosen_first() {
    let text = r#"
name = "selection"
seed = 7
replications = 8
horizon = "20h"
SELECTION
[[channels]]
name = "q"
kind = "voice"
arrivals = { per_hour = 20 }
handle_time = { dist = "exponential", mean = "5m" }
[[groups]]
name = "novices"
size = 5
skills = { q = 0.5 }
[[groups]]
name = "experts"
size = 5
skills = { q = 1.0 }
"#;
    let longest = run(&text.replace("SELECTION", ""));
    let proficient = run(&text.replace(
        "SELECTION",
        "[routing]\nagent_selection = \"most-proficient\"",
    ));
    let aht = |r: &Report| mean(&r.channels["q"].contacts.aht_s);
    // Light load: with most-proficient first nearly every call goes to an expert (300 s); longest-idle
    // spreads calls over both groups (about 300 and 600 s).
    assert!(aht(&proficient) < 330.0, "{}", aht(&proficient));
    assert!(aht(&longest) > 400.0, "{}", aht(&longest));
}

#[test]
fn class_kpis_only_for_channels_with_classes() {
    let r = run(&TWO_CHANNELS.replace("GOLD", "classes = [{ name = \"vip\", share = 0.3, priority = 1 }, { name = \"std\", share = 0.7 }]"));
    let classes = &r.channels["gold"].classes;
    assert_eq!(classes.keys().collect::<Vec<_>>(), ["vip", "std"]);
    let offered: f64 = classes
        .values()
        .map(|k: &ContactKpis| mean(&k.offered))
        .sum();
    assert!((offered - mean(&r.channels["gold"].contacts.offered)).abs() < 1e-9);
    assert!(mean(&classes["vip"].asa_s) < mean(&classes["std"].asa_s));
    assert!(r.channels["basic"].classes.is_empty());
}
