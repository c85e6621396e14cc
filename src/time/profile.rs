//! Values given per reporting interval (arrival rates, head-counts), repeating when shorter than the horizon.
//!
//! Interval index 0 is the first interval of the measured horizon. The warm-up lies before it, at negative
//! indices, and wraps to the end of the cycle: with 48 half-hour rates for a day, a two-hour warm-up runs on
//! the last four rates, the evening before, which is what a daily pattern means.
//!
//! Part of the `time` leaf: the scenario builds profiles and the model reads them.

/// A piecewise-constant value: `values[i mod len]` holds on interval i.
#[derive(Debug, Clone, PartialEq)]
pub struct PerInterval<T> {
    values: Vec<T>,
}

impl<T: Copy> PerInterval<T> {
    /// A profile from one value per interval of a cycle; `values` must not be empty.
    pub fn new(values: Vec<T>) -> Option<Self> {
        if values.is_empty() {
            None
        } else {
            Some(PerInterval { values })
        }
    }

    pub fn constant(value: T) -> Self {
        PerInterval {
            values: vec![value],
        }
    }

    /// The value on interval `index` (negative during the warm-up), repeating with the cycle.
    #[inline]
    pub fn at(&self, index: i64) -> T {
        // A constant (the common case) needs no division.
        if let [v] = self.values[..] {
            return v;
        }
        self.values[index.rem_euclid(self.values.len() as i64) as usize]
    }

    pub fn values(&self) -> &[T] {
        &self.values
    }

    pub fn is_constant(&self) -> bool {
        self.values.len() == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_and_wraps_backwards_into_the_warmup() {
        let p = PerInterval::new(vec![1, 2, 3]).unwrap();
        assert_eq!(
            (0..7).map(|i| p.at(i)).collect::<Vec<_>>(),
            [1, 2, 3, 1, 2, 3, 1]
        );
        assert_eq!(p.at(-1), 3);
        assert_eq!(p.at(-4), 3);
        assert!(PerInterval::<u32>::new(vec![]).is_none());
    }
}
