//! Time as users write it and as scenarios vary over it: durations (`"20s"`, `"5m"`, `"1.5h"`) parsed and
//! formatted, and values given per reporting interval (arrival rates, head-counts).
//!
//! A leaf of the layering (tests/layers.rs): it imports nothing from the crate. Simulated time itself
//! (`SimTime`) and the event list belong to `engine`, another leaf; leaves do not import each other.

pub mod date;
pub mod duration;
pub mod profile;

/// `x.floor() as i64`, without the floor call: baseline x86-64 has no rounding instruction, so `floor` is a
/// library call on the hot path (interval and day indices). Exact: truncation rounds toward zero, and one
/// step down fixes negative non-integers; values beyond 2^53 are whole already and saturate like the cast.
#[inline]
pub fn floor_i64(x: f64) -> i64 {
    let i = x as i64;
    if (i as f64) > x {
        i.saturating_sub(1)
    } else {
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_i64_is_floor() {
        for x in [
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0,
            -1.0,
            2.999_999,
            -2.000_001,
            1e15 + 0.5,
            -1e15 - 0.5,
            9.1e18,
            -9.1e18,
            1e300,
            -1e300,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            4_503_599_627_370_497.0,
        ] {
            assert_eq!(floor_i64(x), x.floor() as i64, "{x}");
        }
        let mut x = -1000.0;
        while x < 1000.0 {
            assert_eq!(floor_i64(x), x.floor() as i64, "{x}");
            x += 0.137;
        }
    }
}
