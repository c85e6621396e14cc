//! Poisson arrivals with a piecewise-constant rate, generated exactly.
//!
//! Time-change construction (Cinlar 1975): the next arrival after t is the first instant s at which the
//! cumulative intensity ∫_t^s λ(u) du reaches an Exp(1) draw E. Walking interval by interval and subtracting
//! λ_k × (time left in interval k) from E is exact: no arrival is lost or shifted when the rate changes, and a
//! one-interval peak gets exactly its expected load. One draw per arrival keeps streams aligned for common
//! random numbers.
//!
//! Forecast uncertainty: with a coefficient of variation cv, each day's rates are multiplied by M ~ Gamma(1/cv²,
//! cv²) (mean 1, cv), drawn per replication and day from the channel's forecast stream. The day's count is
//! then Poisson-gamma (negative binomial): variance λ + cv²λ², the over-dispersion real forecasts show.

use crate::seed::StreamRng;
use crate::time::floor_i64;
use crate::time::profile::PerInterval;
use rand_distr::{Distribution, Exp1, Gamma};

pub struct ArrivalProcess {
    /// Rates in contacts per second, per interval.
    rates: PerInterval<f64>,
    /// Start of interval 0 (end of the warm-up) and interval width, in simulation seconds.
    origin: f64,
    width: f64,
    /// No arrivals at or after this time (end of the horizon).
    end: f64,
    rng: StreamRng,
    forecast: Option<Forecast>,
    /// The rate when it is the same in every interval and no forecast moves it: the common case, drawn
    /// without looking at the profile.
    constant: Option<f64>,
    last_rate: Option<(i64, f64)>,
}

/// Day-level volume multipliers, drawn lazily day by day (arrivals only move forward in time).
struct Forecast {
    sampler: Gamma<f64>,
    rng: StreamRng,
    /// Intervals per day, the interval of its day the horizon starts at (a day's multiplier changes at
    /// midnight), and the multipliers of days `first_day`, `first_day + 1`, ...
    per_day: i64,
    start_slot: i64,
    first_day: i64,
    multipliers: Vec<f64>,
}

impl Forecast {
    fn multiplier(&mut self, interval: i64) -> f64 {
        let day = (interval + self.start_slot).div_euclid(self.per_day);
        let index = (day - self.first_day).max(0) as usize;
        while self.multipliers.len() <= index {
            self.multipliers.push(self.sampler.sample(&mut self.rng));
        }
        self.multipliers[index]
    }
}

impl ArrivalProcess {
    pub fn new(
        per_hour: &PerInterval<f64>,
        origin: f64,
        width: f64,
        end: f64,
        rng: StreamRng,
    ) -> Self {
        let per_second = per_hour.values().iter().map(|r| r / 3600.0).collect();
        let rates = PerInterval::new(per_second).expect("a validated profile is not empty");
        ArrivalProcess {
            constant: rates.is_constant().then(|| rates.at(0)),
            last_rate: None,
            rates,
            origin,
            width,
            end,
            rng,
            forecast: None,
        }
    }

    /// Adds day-level forecast uncertainty with coefficient of variation `cv` (> 0); `width` must divide a day.
    /// `start_clock_s`: the clock time the horizon starts at (days change at midnight).
    pub fn with_forecast(mut self, cv: f64, start_clock_s: f64, rng: StreamRng) -> Self {
        let shape = 1.0 / (cv * cv);
        let sampler = Gamma::new(shape, 1.0 / shape).expect("validated: 0 < cv <= 2");
        let per_day = (86_400.0 / self.width).round() as i64;
        // Days are numbered from the first simulated one, whatever its rate, so a day's multiplier does not
        // depend on which earlier days had arrivals.
        let start_slot = (start_clock_s / self.width).round() as i64;
        let first_day = ((0.0 - self.origin) / self.width).floor() as i64 + start_slot;
        let first_day = first_day.div_euclid(per_day);
        self.constant = None;
        self.forecast = Some(Forecast {
            sampler,
            rng,
            per_day,
            start_slot,
            first_day,
            multipliers: Vec::new(),
        });
        self
    }

    /// The rate of interval `interval` (a pure function of it: a day's forecast multiplier is drawn once),
    /// remembered for the last interval asked, where arrivals mostly fall.
    fn rate(&mut self, interval: i64) -> f64 {
        if let Some((k, rate)) = self.last_rate
            && k == interval
        {
            return rate;
        }
        let base = self.rates.at(interval);
        let rate = match &mut self.forecast {
            Some(f) if base > 0.0 => base * f.multiplier(interval),
            _ => base,
        };
        self.last_rate = Some((interval, rate));
        rate
    }

    /// The first arrival strictly after `t`, or `None` if it would fall at or after the end.
    #[inline]
    pub fn next_after(&mut self, t: f64) -> Option<f64> {
        let mut e: f64 = Exp1.sample(&mut self.rng);
        if let Some(rate) = self.constant {
            if rate <= 0.0 {
                return None;
            }
            let s = t + e / rate;
            return (s < self.end).then_some(s);
        }
        let mut t = t;
        let mut k = floor_i64((t - self.origin) / self.width);
        loop {
            let boundary = self.origin + (k + 1) as f64 * self.width;
            let rate = self.rate(k);
            let room = rate * (boundary - t);
            if e < room {
                let s = t + e / rate;
                return (s < self.end).then_some(s);
            }
            e -= room;
            t = boundary;
            k += 1;
            if t >= self.end {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::{Purpose, stream};

    /// Counts per interval over many cycles match rate × width within 4 standard errors (Poisson: var = mean).
    #[test]
    fn piecewise_rates_are_honoured_including_a_short_peak() {
        let per_hour = PerInterval::new(vec![0.0, 360.0, 3600.0, 36.0]).unwrap(); // per 60 s interval below
        let width = 60.0;
        let cycles = 2000;
        let end = 100.0 + width * 4.0 * cycles as f64;
        let mut p = ArrivalProcess::new(
            &per_hour,
            100.0,
            width,
            end,
            stream(1, 0, 0, Purpose::Arrivals),
        );
        let mut counts = [0u64; 4];
        let mut t = 100.0;
        while let Some(s) = p.next_after(t) {
            assert!(s > t && s < end);
            counts[(((s - 100.0) / width) as usize) % 4] += 1;
            t = s;
        }
        for (k, &c) in counts.iter().enumerate() {
            let expected = per_hour.at(k as i64) / 3600.0 * width * cycles as f64;
            assert!(
                (c as f64 - expected).abs() <= 4.0 * expected.sqrt() + 1e-9,
                "interval {k}: {c} vs {expected}"
            );
        }
    }

    #[test]
    fn warmup_uses_the_end_of_the_cycle() {
        // Only the last interval of the cycle has arrivals: the warm-up (negative indices) must see them.
        let per_hour = PerInterval::new(vec![0.0, 3600.0]).unwrap();
        let mut p = ArrivalProcess::new(
            &per_hour,
            120.0,
            60.0,
            240.0,
            stream(2, 0, 0, Purpose::Arrivals),
        );
        let first = p.next_after(0.0).unwrap();
        assert!(
            (60.0..120.0).contains(&first),
            "first arrival {first} should fall in the warm-up's last minute"
        );
    }
}
