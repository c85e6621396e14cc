//! Self-service deflection, callbacks and announcements: each does what it says, keeps the contacts'
//! accounting whole, and survives a round trip through the resolved scenario.

mod common;
use common::{mean, run, scenario};

use supportsim::model::center::simulate;
use supportsim::scenario::Scenario;

const CENTER: &str = r#"
name = "front door"
seed = 11
replications = 10
horizon = "24h"
warmup = "1h"
[[channels]]
name = "bot"
kind = "self-service"
arrivals = { per_hour = 60 }
containment = 0.4
time = { dist = "exponential", mean = "3m" }
falls_to = "phone"
[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 60 }
handle_time = { dist = "exponential", mean = "5m" }
patience = { dist = "exponential", mean = "3m" }
OPTIONS
[[groups]]
name = "agents"
size = 8
skills = { phone = 1.0 }
"#;

#[test]
fn self_service_contains_its_share_and_passes_the_rest_on() {
    let r = run(&CENTER.replace("OPTIONS", ""));
    let (bot, phone) = (&r.channels["bot"].contacts, &r.channels["phone"].contacts);
    let rate = mean(&bot.containment_rate);
    assert!(
        (rate - 0.4).abs() < 4.0 * (0.4f64 * 0.6 / (60.0 * 24.0 * 10.0)).sqrt() + 0.005,
        "containment {rate}"
    );
    // The phone line gets its own 60 an hour plus the 60% that fall through.
    let expected = 24.0 * (60.0 + 0.6 * 60.0);
    assert!(
        (mean(&phone.offered) - expected).abs() < 4.0 * (expected / 10.0).sqrt(),
        "{} vs {expected}",
        mean(&phone.offered)
    );
    assert_eq!(mean(&bot.answered), 0.0);
}

#[test]
fn every_contact_is_accounted_for() {
    let s = scenario(&CENTER.replace("OPTIONS", "callback = { offer_after = \"1m\", accept = 0.5, no_answer = 0.2 }\nannounce = { patience_factor = 1.5 }"));
    for r in 0..4 {
        let t = simulate(&s, r);
        let bot = &t.channels[0].total;
        assert_eq!(bot.offered, bot.contained + bot.fell_through);
        let p = &t.channels[1].total;
        assert_eq!(
            p.offered,
            p.answered + p.abandoned + p.blocked + p.callbacks_unreached + p.unfinished,
            "{p:?}"
        );
        assert_eq!(
            p.callbacks_accepted,
            p.callbacks_completed + p.callbacks_unreached + p.unfinished
        );
        for i in &t.channels[1].intervals {
            assert_eq!(
                i.offered,
                i.answered + i.abandoned + i.blocked + i.callbacks_unreached + i.unfinished
            );
        }
    }
}

#[test]
fn callbacks_are_offered_when_the_wait_is_long_and_accepted_callers_do_not_abandon() {
    let without = run(&CENTER.replace("OPTIONS", ""));
    let with = run(&CENTER.replace("OPTIONS", "callback = { offer_after = \"1m\", accept = 0.6, no_answer = 0.25, handle_time = { dist = \"fixed\", mean = \"4m\" } }"));
    let (w, wo) = (
        &with.channels["phone"].contacts,
        &without.channels["phone"].contacts,
    );
    let offered = mean(&w.callbacks_offered);
    assert!(offered > 100.0, "{offered}");
    let accept = mean(&w.callbacks_accepted) / offered;
    assert!((accept - 0.6).abs() < 0.05, "acceptance {accept}");
    let unreached = mean(&w.callbacks_unreached) / mean(&w.callbacks_accepted);
    assert!(
        (unreached - 0.25).abs() < 0.05,
        "no-answer share {unreached}"
    );
    // Callers who take a callback stop abandoning.
    assert!(
        mean(&w.abandon_rate) < mean(&wo.abandon_rate) - 0.02,
        "{} vs {}",
        mean(&w.abandon_rate),
        mean(&wo.abandon_rate)
    );
    assert_eq!(mean(&wo.callbacks_offered), 0.0);
    // Offers only when the expected wait exceeds the threshold: with plenty of agents, none.
    let idle = run(&CENTER
        .replace(
            "OPTIONS",
            "callback = { offer_after = \"1m\", accept = 0.6 }",
        )
        .replace("size = 8", "size = 30"));
    assert_eq!(
        mean(&idle.channels["phone"].contacts.callbacks_offered),
        0.0
    );
}

#[test]
fn announcements_inform_and_lengthen_patience() {
    let plain = run(&CENTER.replace("OPTIONS", ""));
    let told = run(&CENTER.replace(
        "OPTIONS",
        "announce = { share = 0.7, patience_factor = 2.0 }",
    ));
    let (p, t) = (
        &plain.channels["phone"].contacts,
        &told.channels["phone"].contacts,
    );
    assert_eq!(mean(&p.informed_share), 0.0);
    assert!(
        (mean(&t.informed_share) - 0.7).abs() < 0.03,
        "{}",
        mean(&t.informed_share)
    );
    assert!(mean(&t.abandon_rate) < mean(&p.abandon_rate));
}

#[test]
fn the_resolved_scenario_reproduces_these_channels() {
    let s = scenario(&CENTER.replace("OPTIONS", "callback = { offer_after = \"1m\", accept = 0.5 }\nannounce = { share = 0.9, patience_factor = 1.2 }"));
    let text = supportsim::scenario::resolved::to_toml(&s);
    let again =
        Scenario::from_toml(&text, "resolved.toml", None).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let (a, b) = (simulate(&s, 2), simulate(&again, 2));
    for c in 0..2 {
        assert_eq!(a.channels[c].total, b.channels[c].total);
    }
}

#[test]
fn mistakes_are_explained() {
    for (from, to, message) in [
        (
            "containment = 0.4\n",
            "",
            "channels[0]: a self-service channel needs `containment`",
        ),
        (
            "falls_to = \"phone\"",
            "falls_to = \"fone\"",
            "channels[0].falls_to = \"fone\": no channel has that name",
        ),
        (
            "falls_to = \"phone\"",
            "falls_to = \"bot\"",
            "must be an assisted channel",
        ),
        (
            "containment = 0.4",
            "containment = 0.4\nhandle_time = { dist = \"exponential\", mean = \"1m\" }",
            "channels[0].handle_time: a self-service channel has no agents",
        ),
        (
            "OPTIONS",
            "containment = 0.3",
            "channels[1].containment: is a key of self-service channels only",
        ),
        (
            "OPTIONS",
            "callback = { offer_after = \"1m\", accept = 1.5 }",
            "channels[1].callback.accept = 1.5: must be a share between 0 and 1",
        ),
        (
            "OPTIONS",
            "announce = { patience_factor = 0 }",
            "channels[1].announce.patience_factor = 0: must be in (0, 10]",
        ),
        (
            "skills = { phone = 1.0 }",
            "skills = { phone = 1.0, bot = 1.0 }",
            "groups[0].skills.bot: a self-service channel is not served by agents",
        ),
        (
            "kind = \"voice\"",
            "kind = \"callback\"",
            "callbacks are an option of a voice channel",
        ),
    ] {
        let text = CENTER.replace(from, to).replace("OPTIONS", "");
        let err = Scenario::from_toml(&text, "test.toml", None)
            .expect_err("rejected")
            .to_string();
        assert!(err.contains(message), "{to}:\n{err}");
    }
}
