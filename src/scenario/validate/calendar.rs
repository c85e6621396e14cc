//! The calendar: day types and opening hours, arrival rates and profiles per interval, and the checks that
//! per-interval values fit the horizon.

use super::{DAY_S, Days, MAX_RATE_PER_HOUR, Validator, parse_clock};
use crate::dist::Num;
use crate::scenario::file::{
    ChannelFile, DayOrDate, HoursFile, OneOrPerInterval, ProfileFile, ScenarioFile,
};
use crate::scenario::{Calendar, DayType, WEEKDAYS};
use crate::time::date::{format_date, format_iso, parse_date_time, weekday_of};
use crate::time::duration::format_duration;
use crate::time::profile::PerInterval;
use std::ops::Range;
use toml::Spanned;

impl Validator<'_> {
    pub(super) fn calendar(
        &mut self,
        f: &ScenarioFile,
        horizon_s: Option<f64>,
        interval_s: f64,
    ) -> Calendar {
        let mut start_date = None;
        let mut start_clock_s = 0.0;
        let start_weekday = match &f.start {
            None => 0,
            Some(s) => match WEEKDAYS
                .iter()
                .position(|d| *d == s.get_ref().to_lowercase())
            {
                Some(d) => d as u8,
                // Not a weekday name: a date, whose weekday follows.
                None => match parse_date_time(s.get_ref()) {
                    Ok(d) => {
                        start_date = Some(d.date);
                        start_clock_s = d.clock_s;
                        weekday_of(d.date)
                    }
                    Err(e) => {
                        self.err(s.span(), format!("start = \"{}\": give a weekday, \"monday\" to \"sunday\", or a date: {e}", s.get_ref()));
                        0
                    }
                },
            },
        };
        // The horizon's intervals keep to the clock: a start at 08:10 with 30-minute intervals would put
        // every interval boundary (opening hours, shifts, forecast rows) off the clock's half hours.
        if let Some(s) = &f.start
            && self.timing_known
            && start_clock_s > 0.0
            && (start_clock_s / interval_s).fract() != 0.0
        {
            self.err(s.span(), format!("start = \"{}\": the horizon must start on an interval boundary of the day (a multiple of {} after midnight, such as \"{}\")", s.get_ref(), format_duration(interval_s), format_iso(start_date.unwrap_or(0), (start_clock_s / interval_s).floor() * interval_s)));
        }
        let mut holidays = Vec::new();
        if let Some(h) = &f.holidays
            && let Some(hz) = horizon_s
            && !h.get_ref().is_empty()
            && hz % DAY_S != 0.0
        {
            self.err(h.span(), "holidays: calendar features need a horizon of whole days (such as \"7d\") and an interval that divides a day".into());
        }
        if let Some(h) = &f.holidays {
            // The days the horizon touches: one more than its length when it starts after midnight.
            let days = horizon_s.map_or(0, |s| ((start_clock_s + s) / DAY_S).ceil() as i64);
            for d in h.get_ref() {
                let d = match (d, start_date) {
                    (DayOrDate::Day(d), _) => *d,
                    (DayOrDate::Date(text), Some(start)) => match parse_date_time(text) {
                        Ok(x) if x.clock_s == 0.0 => x.date - start,
                        Ok(_) => {
                            self.err(h.span(), format!("holidays: \"{text}\" has a clock time; give the date alone (\"YYYY-MM-DD\")"));
                            continue;
                        }
                        Err(e) => {
                            self.err(h.span(), format!("holidays: {e}"));
                            continue;
                        }
                    },
                    (DayOrDate::Date(text), None) => {
                        self.err(h.span(), format!("holidays: \"{text}\" is a date, but the scenario starts on a weekday name; give start a date (start = \"2026-03-02\") or the holiday as a day number (0 = the first day)"));
                        continue;
                    }
                };
                if !(0..days).contains(&d) {
                    let last = start_date.map_or(String::new(), |s| {
                        format!(" ({} to {})", format_date(s), format_date(s + days - 1))
                    });
                    self.timing_err(h.span(), format!("holidays: day {d} is outside the horizon; give day numbers from 0 (the first day) to {}{last}", days - 1));
                } else {
                    holidays.push(d);
                }
            }
        }
        Calendar {
            start_weekday,
            start_date,
            start_clock_s,
            holidays,
        }
    }

    /// Checks that a calendar feature can be used: the interval divides a day and the horizon is whole days.
    pub(super) fn need_days(
        &mut self,
        key: &str,
        span: Range<usize>,
        days: Option<Days>,
    ) -> Option<Days> {
        if days.is_none() {
            self.timing_err(span, format!("{key}: calendar features need an interval that divides a day (such as \"30m\") and a horizon of whole days (such as \"7d\")"));
        }
        days
    }

    /// The channel's arrival rates per interval, in contacts per hour: `per_hour` as given, or `per_day`
    /// spread over each day by the profile of its day type.
    pub(super) fn arrivals(
        &mut self,
        i: usize,
        c: &ChannelFile,
        all: &[Spanned<ChannelFile>],
        (intervals, interval_s): (usize, f64),
        calendar: &Calendar,
        days: Option<Days>,
    ) -> Option<PerInterval<f64>> {
        let a = c.arrivals.get_ref();
        let key = format!("channels[{i}].arrivals");
        if let Some(file) = &a.file {
            if let Some(other) = [&a.per_hour, &a.per_day].into_iter().flatten().next() {
                self.err(
                    other.span(),
                    format!("{key}: give either file or per_hour/per_day, not both"),
                );
                return None;
            }
            if let Some(p) = &a.profile {
                self.err(p.span(), format!("{key}.profile: the forecast file gives the contacts per interval; remove the profile"));
            }
            // Every channel reading the same file may have rows in it; the first reports its row errors.
            let readers: Vec<&str> = all
                .iter()
                .map(|c| c.get_ref())
                .filter(|o| {
                    o.arrivals.get_ref().file.as_ref().map(|f| f.get_ref()) == Some(file.get_ref())
                })
                .map(|o| o.name.get_ref().as_str())
                .collect();
            let first = readers.first() == Some(&c.name.get_ref().as_str());
            return self.forecast_rates(
                &key,
                file,
                c.name.get_ref(),
                &readers,
                first,
                calendar,
                interval_s,
                intervals,
            );
        }
        match (&a.per_hour, &a.per_day) {
            (Some(_), Some(d)) => {
                self.err(
                    d.span(),
                    format!("{key}: give either per_hour or per_day, not both"),
                );
                None
            }
            (None, None) => {
                self.err(c.arrivals.span(), format!("{key}: give per_hour (a rate, or one per interval) or per_day (with an optional profile)"));
                None
            }
            (Some(per_hour), None) => {
                if let Some(p) = &a.profile {
                    self.err(p.span(), format!("{key}.profile: spreads per_day over the day; with per_hour give the rates per interval instead"));
                }
                self.per_interval_rates(&format!("{key}.per_hour"), per_hour, intervals)
            }
            (None, Some(per_day)) => {
                let d = self.need_days(&format!("{key}.per_day"), per_day.span(), days)?;
                let daily = match per_day.get_ref() {
                    OneOrPerInterval::One(x) => vec![*x],
                    OneOrPerInterval::PerInterval(xs) => xs.clone(),
                };
                if daily.is_empty() || daily.len() > d.count || d.count % daily.len() != 0 {
                    self.timing_err(per_day.span(), format!("{key}.per_day: has {} values but the horizon has {} days; give 1 value, {} values, or a number that divides {}", daily.len(), d.count, d.count, d.count));
                    return None;
                }
                if let Some(x) = daily
                    .iter()
                    .find(|x| !(x.is_finite() && **x >= 0.0 && **x <= MAX_RATE_PER_HOUR * 24.0))
                {
                    self.err(per_day.span(), format!("{key}.per_day = {}: must be a number of contacts between 0 and {:e} per day", Num(*x), MAX_RATE_PER_HOUR * 24.0));
                    return None;
                }
                let profiles = self.profiles(&key, a.profile.as_ref(), d)?;
                let interval_h = DAY_S / d.intervals_per_day as f64 / 3600.0;
                let mut rates = Vec::with_capacity(intervals);
                // Each calendar day's volume spread by its profile; a horizon starting after midnight takes
                // its first day's intervals from the start on (and its last day's up to the start).
                for day in 0..d.count {
                    let weights = &profiles[calendar.day_type(day as i64) as usize];
                    let volume = daily[day % daily.len()];
                    rates.extend(weights.iter().map(|w| volume * w / interval_h));
                }
                rates.drain(..d.first);
                rates.truncate(intervals);
                if let Some(max) = rates.iter().copied().reduce(f64::max)
                    && max > MAX_RATE_PER_HOUR
                {
                    self.err(per_day.span(), format!("{key}.per_day: the profile puts {} contacts per hour in its busiest interval, more than {MAX_RATE_PER_HOUR:e}; spread the profile or lower the volume", Num(max)));
                    return None;
                }
                PerInterval::new(rates)
            }
        }
    }

    /// Normalised intraday weights for each day type (indexed like `DayType::ALL`); uniform without a profile.
    fn profiles(
        &mut self,
        key: &str,
        profile: Option<&Spanned<ProfileFile>>,
        d: Days,
    ) -> Option<Vec<Vec<f64>>> {
        let uniform = vec![1.0 / d.intervals_per_day as f64; d.intervals_per_day];
        let Some(profile) = profile else {
            return Some(vec![uniform; 4]);
        };
        let mut given: Vec<Option<Vec<f64>>> = vec![None; 4];
        let mut all: Option<Vec<f64>> = None;
        let mut ok = true;
        for (name, weights) in profile.get_ref() {
            let w = weights.get_ref();
            let sum: f64 = w.iter().sum();
            if w.len() != d.intervals_per_day
                || w.iter().any(|x| !(x.is_finite() && *x >= 0.0))
                || !(sum > 0.0)
            {
                self.err(weights.span(), format!("{key}.profile.{name}: give {} weights >= 0 (one per interval of the day), not all zero", d.intervals_per_day));
                ok = false;
                continue;
            }
            let normalised: Vec<f64> = w.iter().map(|x| x / sum).collect();
            match (
                name.as_str(),
                DayType::ALL.iter().position(|t| t.as_str() == name),
            ) {
                ("all", _) => all = Some(normalised),
                (_, Some(t)) => given[t] = Some(normalised),
                _ => {
                    self.err(weights.span(), format!("{key}.profile.{name}: unknown day type; use weekday, saturday, sunday, holiday or all"));
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        // Holidays default to Sunday's profile; any type not given falls back to `all`.
        let mut out = Vec::with_capacity(4);
        for (t, day_type) in DayType::ALL.iter().enumerate() {
            let fallback = if *day_type == DayType::Holiday {
                given[2].clone()
            } else {
                None
            };
            match given[t].clone().or(fallback).or_else(|| all.clone()) {
                Some(w) => out.push(w),
                None => {
                    self.err(profile.span(), format!("{key}.profile: no weights for {} days; add `{} = [...]` or `all = [...]`", day_type.as_str(), day_type.as_str()));
                    return None;
                }
            }
        }
        Some(out)
    }

    /// Opening hours per interval: always open without `open`; holidays are always closed.
    pub(super) fn open_hours(
        &mut self,
        i: usize,
        c: &ChannelFile,
        calendar: &Calendar,
        days: Option<Days>,
        intervals: usize,
    ) -> Option<PerInterval<bool>> {
        let key = format!("channels[{i}].open");
        let Some(open) = &c.open else {
            if calendar.holidays.is_empty() {
                return Some(PerInterval::constant(true));
            }
            // Holidays need the calendar (checked with `holidays`); without it the channel is always open.
            let Some(d) = days else {
                return Some(PerInterval::constant(true));
            };
            let values = (0..intervals)
                .map(|k| calendar.day_type(d.day_slot(k).0 as i64) != DayType::Holiday)
                .collect();
            return PerInterval::new(values);
        };
        let d = self.need_days(&key, open.span(), days)?;
        // Open slots of the day for each day type; a type not listed is closed.
        let mut slots: Vec<(usize, usize)> = vec![(0, 0); 4];
        for (name, hours) in open.get_ref() {
            let Some(t) = DayType::ALL.iter().position(|t| t.as_str() == name) else {
                self.err(
                    hours.span(),
                    format!("{key}.{name}: unknown day type; use weekday, saturday or sunday"),
                );
                continue;
            };
            if DayType::ALL[t] == DayType::Holiday {
                self.err(
                    hours.span(),
                    format!("{key}.holiday: holidays are closed; remove this key"),
                );
                continue;
            }
            let width = DAY_S / d.intervals_per_day as f64;
            let slot = |v: &mut Self, text: &str| -> Option<usize> {
                let s = parse_clock(text).filter(|s| (s / width).fract() == 0.0);
                if s.is_none() {
                    v.err(hours.span(), format!("{key}.{name}: \"{text}\" is not a time of day on an interval boundary (\"HH:MM\" from 00:00 to 24:00, a multiple of {})", format_duration(width)));
                }
                s.map(|s| (s / width).round() as usize)
            };
            slots[t] = match hours.get_ref() {
                HoursFile::Word(w) if w == "closed" => (0, 0),
                HoursFile::Word(w) if w == "24h" => (0, d.intervals_per_day),
                HoursFile::Span(span) if span.len() == 2 => {
                    let (Some(a), Some(b)) = (slot(self, &span[0]), slot(self, &span[1])) else {
                        continue;
                    };
                    if a >= b {
                        self.err(hours.span(), format!("{key}.{name}: opens at {} and closes at {}; the closing time must be later", span[0], span[1]));
                        continue;
                    }
                    (a, b)
                }
                _ => {
                    self.err(
                        hours.span(),
                        format!("{key}.{name}: give \"closed\", \"24h\" or [\"08:00\", \"20:00\"]"),
                    );
                    continue;
                }
            };
        }
        let values = (0..intervals)
            .map(|k| {
                let (day, slot) = d.day_slot(k);
                let (a, b) = slots[calendar.day_type(day as i64) as usize];
                (a..b).contains(&slot)
            })
            .collect();
        PerInterval::new(values)
    }

    /// Checks that a per-interval array fits the horizon: its length must divide the number of intervals.
    pub(super) fn profile_length_ok(
        &mut self,
        key: &str,
        span: Range<usize>,
        len: usize,
        intervals: usize,
    ) -> bool {
        if len == 0 {
            self.err(
                span,
                format!("{key} = []: give one value, or one value per interval"),
            );
            return false;
        }
        if len > intervals || intervals % len != 0 {
            self.timing_err(
                span,
                format!(
                    "{key}: has {len} values but the horizon has {intervals} intervals; give 1 value, {intervals} values, or a number of values that divides {intervals} (the array repeats)"
                ),
            );
            return false;
        }
        true
    }

    fn per_interval_rates(
        &mut self,
        key: &str,
        v: &Spanned<OneOrPerInterval<f64>>,
        intervals: usize,
    ) -> Option<PerInterval<f64>> {
        let values = match v.get_ref() {
            OneOrPerInterval::One(x) => vec![*x],
            OneOrPerInterval::PerInterval(xs) => {
                if !self.profile_length_ok(key, v.span(), xs.len(), intervals) {
                    return None;
                }
                xs.clone()
            }
        };
        if let Some((j, x)) = values
            .iter()
            .enumerate()
            .find(|(_, x)| !(x.is_finite() && **x >= 0.0 && **x <= MAX_RATE_PER_HOUR))
        {
            let at = if values.len() > 1 {
                format!("{key}[{j}]")
            } else {
                key.to_string()
            };
            self.err(
                v.span(),
                format!("{at} = {}: must be a rate between 0 and {MAX_RATE_PER_HOUR:e} contacts per hour", Num(*x)),
            );
            return None;
        }
        PerInterval::new(values)
    }
}
