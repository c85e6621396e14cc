//! Writes a [`Scenario`] back as TOML with every default made explicit: the "scenario as resolved" that a
//! run stores beside its results, and that runs again unchanged to give the same results.

use super::proficiency::ProficiencyCurve;
use super::{Channel, ChannelKind, DayType, MeanProfile, Scenario, WEEKDAYS};
use crate::dist::Dist;
use crate::time::duration::format_duration;
use std::fmt::Write;

/// The scenario as TOML; parsing it back gives an equivalent scenario.
pub fn to_toml(s: &Scenario) -> String {
    let mut o = String::new();
    // `write!` into a String cannot fail.
    let _ = writeln!(
        o,
        "# resolved by supportsim {}: every default written out",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(o, "name = {}", quote(&s.name));
    let _ = writeln!(o, "seed = {}", s.seed);
    let _ = writeln!(o, "replications = {}", s.replications);
    let _ = writeln!(o, "horizon = \"{}\"", format_duration(s.horizon_s));
    let _ = writeln!(o, "warmup = \"{}\"", format_duration(s.warmup_s));
    let _ = writeln!(o, "interval = \"{}\"", format_duration(s.interval_s));
    let start = match s.calendar.start_date {
        Some(date) if s.calendar.start_clock_s > 0.0 => {
            crate::time::date::format_iso(date, s.calendar.start_clock_s)
        }
        Some(date) => crate::time::date::format_date(date),
        None => WEEKDAYS[usize::from(s.calendar.start_weekday)].to_string(),
    };
    let _ = writeln!(o, "start = \"{start}\"");
    if !s.calendar.holidays.is_empty() {
        let days: Vec<String> = s.calendar.holidays.iter().map(|d| d.to_string()).collect();
        let _ = writeln!(o, "holidays = [{}]", days.join(", "));
    }
    if let Some(c) = &s.currency {
        let _ = writeln!(o, "currency = {}", quote(c));
    }
    let _ = writeln!(
        o,
        "\n[routing]\nagent_selection = \"{}\"\npersonalised = {}",
        s.agent_selection.as_str(),
        s.personalised
    );
    let e = &s.experience;
    let _ = writeln!(o, "\n[experience]");
    for (key, value) in [
        ("wait_missed", e.wait_missed),
        ("wait_poor", e.wait_poor),
        ("wait_unbearable", e.wait_unbearable),
        ("low_skill", e.low_skill),
        ("unfriendly", e.unfriendly),
        ("rude", e.rude),
        ("exceed_friendliness", e.exceed_friendliness),
        ("exceed_skill", e.exceed_skill),
        ("amaze_friendliness", e.amaze_friendliness),
    ] {
        let _ = writeln!(o, "{key} = {}", num(value));
    }
    let _ = writeln!(o, "repeat_poor = {}", e.repeat_poor);
    let _ = writeln!(
        o,
        "slow_resolution = \"{}\"",
        format_duration(e.slow_resolution_s)
    );
    let _ = writeln!(
        o,
        "very_slow_resolution = \"{}\"",
        format_duration(e.very_slow_resolution_s)
    );
    let _ = writeln!(o, "\n[standards]");
    for name in crate::experience::STANDARDS {
        let _ = writeln!(o, "{name} = {}", num(s.standards.get(name).0));
    }
    if let Some((share, channel)) = s.complaints {
        let _ = writeln!(
            o,
            "\n[complaints]\nshare = {}\nchannel = {}",
            num(share),
            quote(&s.channels[channel].name)
        );
    }
    let _ = writeln!(o, "\n[proficiency]");
    match s.proficiency {
        ProficiencyCurve::Power { exponent } => {
            let _ = writeln!(o, "curve = \"power\"\nexponent = {}", num(exponent));
        }
        ProficiencyCurve::Linear { slowest } => {
            let _ = writeln!(o, "curve = \"linear\"\nslowest = {}", num(slowest));
        }
    }
    let _ = writeln!(
        o,
        "resolution_exponent = {}\naccuracy_exponent = {}",
        num(s.proficiency_effects.resolution_exponent),
        num(s.proficiency_effects.accuracy_exponent)
    );
    for c in &s.channels {
        let _ = writeln!(o, "\n[[channels]]");
        let _ = writeln!(o, "name = {}", quote(&c.name));
        let _ = writeln!(o, "kind = \"{}\"", c.kind.as_str());
        let rates: Vec<String> = c
            .arrivals_per_hour
            .values()
            .iter()
            .map(|r| num(*r))
            .collect();
        let forecast = if c.forecast_cv > 0.0 {
            format!(", forecast_cv = {}", num(c.forecast_cv))
        } else {
            String::new()
        };
        if c.arrivals_per_hour.is_constant() {
            let _ = writeln!(o, "arrivals = {{ per_hour = {}{forecast} }}", rates[0]);
        } else {
            let _ = writeln!(
                o,
                "arrivals = {{ per_hour = [{}]{forecast} }}",
                rates.join(", ")
            );
        }
        if let Some(ss) = &c.self_service {
            // Self-service: no agents, so none of the keys below; fall-throughs take the assisted channel's.
            let _ = writeln!(o, "containment = {}", num(ss.containment));
            let _ = writeln!(o, "time = {}", dist(&ss.time));
            let _ = writeln!(o, "falls_to = {}", quote(&s.channels[ss.falls_to].name));
            if let Some(open) = open_hours(s, c) {
                let _ = writeln!(o, "open = {{ {open} }}");
            }
            continue;
        }
        let _ = writeln!(
            o,
            "handle_time = {}",
            timed_dist(&c.handle_time, c.handle_time_means.as_ref())
        );
        if let Some(p) = &c.patience {
            let _ = writeln!(o, "patience = {}", timed_dist(p, c.patience_means.as_ref()));
        }
        if let Some(r) = c.resolution {
            let _ = writeln!(
                o,
                "resolution = {{ first_contact = {}, accuracy = {} }}",
                num(r.first_contact),
                num(r.accuracy)
            );
        }
        if let Some(r) = &c.repeat {
            let switch: Vec<String> = r
                .switch
                .iter()
                .map(|&(to, share)| format!("{} = {}", quote(&s.channels[to].name), num(share)))
                .collect();
            let _ = writeln!(
                o,
                "repeat = {{ delay = {}, switch = {{ {} }}, give_up = {}, max_contacts = {} }}",
                dist(&r.delay),
                switch.join(", "),
                num(r.give_up),
                r.max_contacts
            );
        }
        if let Some(fu) = &c.follow_up {
            let _ = writeln!(
                o,
                "follow_up = {{ share = {}, delay = {}, handle_time = {} }}",
                num(fu.share),
                dist(&fu.delay),
                dist(&fu.handle_time)
            );
        }
        if let Some(r) = &c.retry {
            let _ = writeln!(
                o,
                "retry = {{ share = {}, delay = {} }}",
                num(r.share),
                dist(&r.delay)
            );
        }
        if let Some(a) = &c.announce {
            let _ = writeln!(
                o,
                "announce = {{ share = {}, patience_factor = {} }}",
                num(a.share),
                num(a.patience_factor)
            );
        }
        if let Some(cb) = &c.callback {
            let _ = writeln!(
                o,
                "callback = {{ offer_after = \"{}\", accept = {}, handle_time = {}, no_answer = {}, no_answer_time = \"{}\" }}",
                format_duration(cb.offer_after_s),
                num(cb.accept),
                dist(&cb.handle_time),
                num(cb.no_answer),
                format_duration(cb.no_answer_time_s)
            );
        }
        let _ = writeln!(
            o,
            "target = {{ within = \"{}\", share = {}, business_hours = {} }}",
            format_duration(c.target.within_s),
            num(c.target.share),
            c.target.business_hours
        );
        if let Some(q) = c.queue_capacity {
            let _ = writeln!(o, "queue_capacity = {q}");
        }
        let _ = writeln!(o, "priority = {}", c.priority);
        if let Some(open) = open_hours(s, c) {
            let _ = writeln!(o, "open = {{ {open} }}");
        }
        if c.classes.len() > 1 || c.classes.first().is_some_and(|k| k.name != c.name) {
            let classes: Vec<String> = c
                .classes
                .iter()
                .map(|k| {
                    // The class's own keys only when it has them (older outputs stay as they were).
                    let mut extra = String::new();
                    if k.credit_s > 0.0 {
                        let _ = write!(extra, ", credit = \"{}\"", format_duration(k.credit_s));
                    }
                    if let Some(h) = &k.handle_time {
                        let _ = write!(
                            extra,
                            ", handle_time = {}",
                            timed_dist(h, k.handle_time_means.as_ref())
                        );
                    }
                    if let Some(p) = &k.patience {
                        let _ = write!(
                            extra,
                            ", patience = {}",
                            timed_dist(p, k.patience_means.as_ref())
                        );
                    }
                    format!(
                        "{{ name = {}, share = {}, priority = {}{extra} }}",
                        quote(&k.name),
                        num(k.share),
                        k.priority
                    )
                })
                .collect();
            let _ = writeln!(o, "classes = [{}]", classes.join(", "));
        }
        if let Some(ov) = &c.overflow {
            let to: Vec<String> = ov
                .groups
                .iter()
                .map(|&g| quote(&s.groups[g].name))
                .collect();
            let _ = writeln!(
                o,
                "overflow = {{ after = \"{}\", to = [{}] }}",
                format_duration(ov.after_s),
                to.join(", ")
            );
        }
        if c.kind == ChannelKind::Chat {
            let _ = writeln!(
                o,
                "concurrency = {{ max = {}, stretch = {} }}",
                c.concurrency.max,
                num(c.concurrency.stretch)
            );
        }
    }
    for g in &s.groups {
        let _ = writeln!(o, "\n[[groups]]");
        let _ = writeln!(o, "name = {}", quote(&g.name));
        if !g.shifts.is_empty() {
            let _ = writeln!(o, "shifts = [");
            for sh in &g.shifts {
                let days: Vec<String> = (0..7)
                    .filter(|&d| sh.weekdays[d])
                    .map(|d| quote(WEEKDAYS[d]))
                    .collect();
                let breaks: Vec<String> = sh
                    .breaks
                    .iter()
                    .map(|b| {
                        let duration = format_duration(b.duration_s);
                        if b.earliest_s == b.latest_s {
                            format!(
                                "{{ at = \"{}\", duration = \"{duration}\" }}",
                                clock(b.earliest_s)
                            )
                        } else {
                            format!(
                                "{{ within = [\"{}\", \"{}\"], duration = \"{duration}\" }}",
                                clock(b.earliest_s),
                                clock(b.latest_s + b.duration_s)
                            )
                        }
                    })
                    .collect();
                let _ = writeln!(
                    o,
                    "  {{ days = [{}], start = \"{}\", end = \"{}\", agents = {}, breaks = [{}] }},",
                    days.join(", "),
                    clock(sh.start_s),
                    clock(sh.start_s + sh.duration_s),
                    sh.agents,
                    breaks.join(", ")
                );
            }
            let _ = writeln!(o, "]");
        } else if let Some(f) = &g.size_fraction {
            // Fractional sizes as the file gave them (whole + fraction is the given number exactly).
            let n = g.size.values().len().max(f.values().len());
            let v: Vec<String> = (0..n as i64)
                .map(|i| match f.at(i) {
                    x if x > 0.0 => num(f64::from(g.size.at(i)) + x),
                    _ => g.size.at(i).to_string(),
                })
                .collect();
            if n == 1 {
                let _ = writeln!(o, "size = {}", v[0]);
            } else {
                let _ = writeln!(o, "size = [{}]", v.join(", "));
            }
        } else if g.size.is_constant() {
            let _ = writeln!(o, "size = {}", g.size.values()[0]);
        } else {
            let v: Vec<String> = g.size.values().iter().map(|x| x.to_string()).collect();
            let _ = writeln!(o, "size = [{}]", v.join(", "));
        }
        let _ = writeln!(o, "friendliness = {}", num(g.friendliness));
        if g.cost_per_hour > 0.0 {
            let _ = writeln!(o, "cost_per_hour = {}", num(g.cost_per_hour));
        }
        if g.joins_day > 0 {
            let _ = writeln!(o, "joins_on_day = {}", g.joins_day + 1);
        }
        if let Some(l) = g.learning {
            let _ = writeln!(
                o,
                "learning = {{ rate = {}, ceiling = {} }}",
                num(l.rate),
                num(l.ceiling)
            );
        }
        if g.shrinkage > 0.0 {
            let _ = writeln!(o, "shrinkage = {}", num(g.shrinkage));
        }
        if g.absence > 0.0 {
            let _ = writeln!(o, "absence = {}", num(g.absence));
        }
        let skills: Vec<String> = g
            .skills
            .iter()
            .map(|k| {
                format!(
                    "{} = {}",
                    quote(&s.channels[k.channel].name),
                    num(k.proficiency)
                )
            })
            .collect();
        let _ = writeln!(o, "skills = {{ {} }}", skills.join(", "));
    }
    for t in &s.training {
        let _ = writeln!(o, "\n[[training]]");
        let _ = writeln!(o, "name = {}", quote(&t.name));
        let _ = writeln!(o, "group = {}", quote(&s.groups[t.group].name));
        match t.share {
            Some(share) => {
                let _ = writeln!(o, "share = {}", num(share));
            }
            None => {
                let _ = writeln!(o, "participants = {}", t.participants);
            }
        }
        let sessions: Vec<String> = t
            .session_specs
            .iter()
            .map(|(day, at, duration, every, times)| {
                let repeat = if *times > 1 {
                    format!(", every = \"{}\", times = {times}", format_duration(*every))
                } else {
                    String::new()
                };
                format!(
                    "{{ day = {day}, at = {}, duration = \"{}\"{repeat} }}",
                    quote(at),
                    format_duration(*duration)
                )
            })
            .collect();
        let _ = writeln!(o, "sessions = [{}]", sessions.join(", "));
        let mut gains: Vec<String> = t
            .skill_gain
            .iter()
            .map(|(c, g)| format!("{} = {}", quote(&s.channels[*c].name), num(*g)))
            .collect();
        if t.friendliness_gain > 0.0 {
            gains.push(format!("friendliness = {}", num(t.friendliness_gain)));
        }
        let _ = writeln!(o, "gain = {{ {} }}", gains.join(", "));
        let _ = writeln!(o, "half_life = \"{}\"", format_duration(t.half_life_s));
        if let Some(d) = t.decay_half_life_s {
            let _ = writeln!(o, "decay_half_life = \"{}\"", format_duration(d));
        }
        let _ = writeln!(
            o,
            "cost_per_participant_hour = {}",
            num(t.cost_per_participant_hour)
        );
        let _ = writeln!(o, "fixed_cost = {}", num(t.fixed_cost));
    }
    o
}

/// The channel's opening hours per day type, read back from its per-interval flags (they were built
/// from one span per day type); `None` when it is always open.
fn open_hours(s: &Scenario, c: &Channel) -> Option<String> {
    if c.open.is_constant() && c.open.at(0) {
        return None;
    }
    let per_day = ((86_400.0 / s.interval_s).round() as usize).max(1);
    // Horizon interval k is interval k + first of calendar day 0: read back the first day of each type the
    // horizon holds whole (with a start after midnight, the first and last days are partial; a one-day
    // horizon has none whole, and its day wraps into the next like the cycle does).
    let first = (s.calendar.start_clock_s / s.interval_s).round() as usize;
    let n = c.open.values().len();
    let days = (first + n).div_ceil(per_day);
    let whole = |d: usize| d * per_day >= first && (d + 1) * per_day <= first + n;
    let mut parts = Vec::new();
    for t in [DayType::Weekday, DayType::Saturday, DayType::Sunday] {
        let Some(d) = (0..days)
            .filter(|&d| s.calendar.day_type(d as i64) == t)
            .min_by_key(|&d| !whole(d))
        else {
            continue;
        };
        let slots: Vec<bool> = (0..per_day)
            .map(|k| c.open.at((d * per_day + k) as i64 - first as i64))
            .collect();
        let hours = match (
            slots.iter().position(|&o| o),
            slots.iter().rposition(|&o| o),
        ) {
            (None, _) | (_, None) => "\"closed\"".to_string(),
            (Some(0), Some(b)) if b + 1 == per_day => "\"24h\"".to_string(),
            (Some(a), Some(b)) => {
                let clock = |k: usize| {
                    let m = (k as f64 * s.interval_s / 60.0).round() as usize;
                    format!("{:02}:{:02}", m / 60, m % 60)
                };
                format!("[\"{}\", \"{}\"]", clock(a), clock(b + 1))
            }
        };
        parts.push(format!("{} = {hours}", t.as_str()));
    }
    Some(parts.join(", "))
}

/// A time of day "HH:MM" from seconds after a midnight (past 24:00 wraps: night shifts). The end of a day
/// is written "24:00", which reads back as the end of that day rather than its start.
fn clock(seconds: f64) -> String {
    let total = (seconds / 60.0).round() as i64;
    if total > 0 && total % (24 * 60) == 0 {
        return "24:00".into();
    }
    let m = total % (24 * 60);
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn dist(d: &Dist) -> String {
    format!("{{ dist = \"{}\", {} }}", d.family(), dist_body(d))
}

/// A distribution with its time-varying mean, if any (`mean_by_hour` / `mean_by_interval`).
fn timed_dist(d: &Dist, means: Option<&MeanProfile>) -> String {
    let Some(means) = means else {
        return dist(d);
    };
    let (key, values) = match means {
        MeanProfile::ByHour(v) => ("mean_by_hour", &v[..]),
        MeanProfile::ByInterval(v) => ("mean_by_interval", v.values()),
    };
    let v: Vec<String> = values
        .iter()
        .map(|x| format!("\"{}\"", format_duration(*x)))
        .collect();
    format!(
        "{{ dist = \"{}\", {}, {key} = [{}] }}",
        d.family(),
        dist_body(d),
        v.join(", ")
    )
}

/// A distribution's parameters, as its table lists them after `dist`.
fn dist_body(d: &Dist) -> String {
    let mean = |m: f64| format!("mean = \"{}\"", format_duration(m));
    match d {
        Dist::Exponential { mean: m } => mean(*m),
        Dist::Fixed { value } => mean(*value),
        Dist::LogNormal {
            mu,
            sigma,
            by_log: true,
            ..
        } => format!("mu = {}, sigma = {}", num(*mu), num(*sigma)),
        Dist::LogNormal { mean: m, cv, .. }
        | Dist::Gamma { mean: m, cv, .. }
        | Dist::HyperExponential { mean: m, cv, .. } => {
            format!("{}, cv = {}", mean(*m), num(*cv))
        }
        Dist::Weibull { mean: m, shape, .. } => format!("{}, shape = {}", mean(*m), num(*shape)),
        Dist::Erlang { mean: m, k, .. } => format!("{}, k = {k}", mean(*m)),
        Dist::Empirical { values, source, .. } => match source {
            Some(path) => format!("file = {}", quote(&path.display().to_string())),
            None => {
                let v: Vec<String> = values.iter().map(|x| num(*x)).collect();
                format!("values = [{}]", v.join(", "))
            }
        },
        Dist::Mixture { parts, .. } => {
            let v: Vec<String> = parts
                .iter()
                .map(|p| {
                    format!(
                        "{{ share = {}, dist = \"{}\", {} }}",
                        num(p.share),
                        p.dist.family(),
                        dist_body(&p.dist)
                    )
                })
                .collect();
            format!("parts = [{}]", v.join(", "))
        }
        Dist::Survival {
            points, tail_mean, ..
        } => {
            let v: Vec<String> = points
                .iter()
                .map(|(t, s)| format!("[\"{}\", {}]", format_duration(*t), num(*s)))
                .collect();
            let tail = tail_mean.map_or(String::new(), |m| {
                format!(", tail_mean = \"{}\"", format_duration(m))
            });
            format!("points = [{}]{tail}", v.join(", "))
        }
    }
}

/// A float as TOML: always with a decimal point or exponent so it reads back as a float.
fn num(x: f64) -> String {
    let s = format!("{x:?}");
    if s.contains(['.', 'e', 'E']) || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
