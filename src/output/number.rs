//! The one number formatter of every human-readable output: tables, the
//! run's header lines, the progress bar, chart labels.
//!
//! Its rules, each in one place:
//!
//! - **thousands separators** on every whole part (`100,000`, `-4,321.5`);
//! - **fixed decimals per column**: a [`Money`], [`Percent`] or
//!   [`Points`] is built from all the values of one column, and every value
//!   of that column is printed with the same decimals;
//! - **fixed notation only**: no scientific notation; a probability below
//!   0.0001 % (10⁻⁶) prints as `< 0.0001 %`;
//! - **no negative zero**: a value that rounds to zero prints as `0.00`,
//!   never `-0.00`, and takes no sign in a signed column;
//! - a speed is a whole number per second: `728,136 paths/s`.
//!
//! CSV and JSON carry raw numbers and do not use this module.

/// A probability below this (as a fraction) prints as `< 0.0001 %`.
pub const SMALLEST_PROBABILITY: f64 = 1e-6;

/// The most decimals a money column takes (for amounts below 0.0001).
const MAX_MONEY_DECIMALS: usize = 6;

/// Groups a string of digits in thousands: `"1234567"` → `"1,234,567"`.
fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `x` with `decimals` decimals, thousands separators, and a sign only
/// when the rounded value is not zero (`sign_plus`: a `+` for positive
/// values too). Non-finite values print as `n/a`.
fn fixed(x: f64, decimals: usize, sign_plus: bool) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match text.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (text.as_str(), None),
    };
    let zero = text.bytes().all(|b| b == b'0' || b == b'.');
    let sign = match (zero, x < 0.0, sign_plus) {
        (true, _, _) => "",
        (false, true, _) => "-",
        (false, false, true) => "+",
        (false, false, false) => "",
    };
    let grouped = group_digits(int);
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A whole number with thousands separators: `100,000`.
pub fn count(n: u64) -> String {
    group_digits(&n.to_string())
}

/// A speed: `728,136 paths/s` (whole paths per second).
pub fn rate(per_second: f64, what: &str) -> String {
    format!("{} {what}/s", fixed(per_second.max(0.0).round(), 0, false))
}

/// Seconds with two decimals: `0.05 s`, `1,234.50 s`.
pub fn seconds(s: f64) -> String {
    format!("{} s", fixed(s, 2, false))
}

/// The decimals an amount of magnitude `m` needs for 3–4 significant digits.
fn money_decimals(m: f64) -> usize {
    match m {
        m if !m.is_finite() || m == 0.0 || m >= 1000.0 => 0,
        m if m >= 100.0 => 1,
        m if m >= 1.0 => 2,
        m if m >= 0.01 => 3,
        m if m >= 0.001 => 4,
        m if m >= 0.0001 => 5,
        _ => MAX_MONEY_DECIMALS,
    }
}

/// The format of one column of amounts (money, or any other quantity): its
/// decimals are those its largest value needs, so `789` prints as `789`
/// beside `1,462`, not `789.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    decimals: usize,
}

impl Money {
    /// The format of a column holding `values` (non-finite ones ignored).
    pub fn column(values: impl IntoIterator<Item = f64>) -> Money {
        let largest = values
            .into_iter()
            .filter(|v| v.is_finite())
            .fold(0.0_f64, |m, v| m.max(v.abs()));
        Money {
            decimals: money_decimals(largest),
        }
    }

    /// The format of a column of optional values (`None`: shown as a dash).
    pub fn column_opt<'a>(values: impl IntoIterator<Item = &'a Option<f64>>) -> Money {
        Money::column(values.into_iter().flatten().copied())
    }

    /// A column with exactly `decimals` decimals.
    pub fn with_decimals(decimals: usize) -> Money {
        Money { decimals }
    }

    /// `x` in this column: `1,546`, `-6.00`.
    pub fn fmt(self, x: f64) -> String {
        fixed(x, self.decimals, false)
    }

    /// `x` with a sign (`+141.4`, `-749.5`, and `0` for zero).
    pub fn signed(self, x: f64) -> String {
        fixed(x, self.decimals, true)
    }

    /// `x`, or a dash when there is none.
    pub fn opt(self, x: Option<f64>) -> String {
        x.map_or_else(|| "–".into(), |v| self.fmt(v))
    }
}

/// One amount on its own (not in a column): 3–4 significant digits.
pub fn money(x: f64) -> String {
    Money::column([x]).fmt(x)
}

/// The decimals a percentage `v` (in %, > 0) needs for 2–4 significant
/// digits; at most 4 (0.0001 %).
fn percent_decimals(v: f64) -> usize {
    match v {
        v if v >= 1.0 => 2,
        v if v >= 0.01 => 3,
        _ => 4,
    }
}

/// The format of one column of probabilities, shown as percentages: the
/// decimals its smallest non-zero value needs (2 to 4), but at most one
/// more than its largest needs; the same for every value of the column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percent {
    decimals: usize,
}

impl Percent {
    /// The format of a column holding the probabilities `values`
    /// (fractions, 0 to 1).
    pub fn column(values: impl IntoIterator<Item = f64>) -> Percent {
        let shown: Vec<f64> = values
            .into_iter()
            .filter(|p| p.is_finite() && *p >= SMALLEST_PROBABILITY)
            .collect();
        let smallest = shown.iter().map(|p| percent_decimals(p * 100.0)).max();
        // At most one decimal more than the largest value needs: a column
        // running up to 48 % shows 0.005 %, not 48.0550 %.
        let largest = shown.iter().fold(0.0_f64, |m, p| m.max(*p));
        let decimals = smallest.map_or(2, |d| d.min(percent_decimals(largest * 100.0) + 1));
        Percent { decimals }
    }

    /// A column with exactly `decimals` decimals (e.g. shares of a few
    /// observations: `56.5 %`).
    pub fn with_decimals(decimals: usize) -> Percent {
        Percent { decimals }
    }

    /// `p` (a fraction) in this column: `0.536 %`, `< 0.0001 %`.
    pub fn fmt(self, p: f64) -> String {
        if p > 0.0 && p < SMALLEST_PROBABILITY {
            return "< 0.0001 %".into();
        }
        format!("{} %", fixed(p * 100.0, self.decimals, false))
    }

    /// `p`, or a dash when there is none.
    pub fn opt(self, p: Option<f64>) -> String {
        p.map_or_else(|| "–".into(), |v| self.fmt(v))
    }
}

/// One probability on its own: `0.536 %`, `12.34 %`, `0.0054 %`, `0 %`.
pub fn probability(p: f64) -> String {
    if p == 0.0 {
        return "0 %".into();
    }
    Percent::column([p]).fmt(p)
}

/// The format of a column of differences of probabilities, in percentage
/// points with a sign: `+2.80 pp`, `-0.34 pp`, `0.00 pp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Points {
    decimals: usize,
}

impl Points {
    /// Two decimals: differences come with intervals of about ±0.1 pp.
    pub const TWO: Points = Points { decimals: 2 };

    /// The number alone with its sign: `+2.80`.
    pub fn number(self, d: f64) -> String {
        fixed(d * 100.0, self.decimals, true)
    }

    /// The difference with its unit: `+2.80 pp`.
    pub fn fmt(self, d: f64) -> String {
        format!("{} pp", self.number(d))
    }

    /// An interval, the unit once: `+2.58 to +3.04 pp`.
    pub fn interval(self, [low, high]: [f64; 2]) -> String {
        format!("{} to {} pp", self.number(low), self.number(high))
    }
}

/// A statistic with a sign and fixed decimals (a correlation, an index):
/// `+0.536`, `-0.128`, `0.000`.
pub fn signed(x: f64, decimals: usize) -> String {
    fixed(x, decimals, true)
}

/// A statistic with fixed decimals and no sign of zero: `0.264`, `0.000`.
pub fn decimal(x: f64, decimals: usize) -> String {
    fixed(x, decimals, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_grouped_in_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(100_000), "100,000");
        assert_eq!(count(1_000_000_000), "1,000,000,000");
        assert_eq!(money(1_234_567.0), "1,234,567");
        assert_eq!(money(-4321.4), "-4,321");
    }

    #[test]
    fn a_column_of_amounts_shares_the_decimals_of_its_largest_value() {
        let values = [1000.0, 2236.07, 5000.0, 789.0];
        let column = Money::column(values);
        let shown: Vec<String> = values.iter().map(|&v| column.fmt(v)).collect();
        assert_eq!(shown, ["1,000", "2,236", "5,000", "789"]);
        let small = Money::column([0.021, 0.07, 0.119]);
        assert_eq!(small.fmt(0.021), "0.021");
        assert_eq!(small.fmt(0.119), "0.119");
        assert_eq!(Money::column([12.345]).fmt(12.345), "12.35");
    }

    #[test]
    fn nothing_prints_as_negative_zero() {
        assert_eq!(Money::with_decimals(2).fmt(-0.0), "0.00");
        assert_eq!(Money::with_decimals(2).fmt(-0.001), "0.00");
        assert_eq!(Money::with_decimals(0).signed(-0.4), "0");
        assert_eq!(Points::TWO.fmt(-0.00001), "0.00 pp");
        assert_eq!(Points::TWO.interval([-0.00001, 0.00002]), "0.00 to 0.00 pp");
        assert_eq!(signed(-0.0001, 3), "0.000");
        assert_eq!(Percent::with_decimals(2).fmt(-0.0), "0.00 %");
    }

    #[test]
    fn signed_values_carry_a_sign_both_ways() {
        assert_eq!(Points::TWO.fmt(0.028), "+2.80 pp");
        assert_eq!(Points::TWO.fmt(-0.0034), "-0.34 pp");
        assert_eq!(signed(0.536, 3), "+0.536");
        assert_eq!(Money::column([749.5]).signed(-749.5), "-749.5");
    }

    #[test]
    fn probabilities_are_fixed_notation_down_to_a_millionth() {
        assert_eq!(probability(0.1234), "12.34 %");
        assert_eq!(probability(0.00536), "0.536 %");
        assert_eq!(probability(0.000054), "0.0054 %");
        assert_eq!(probability(0.000001), "0.0001 %");
        assert_eq!(probability(1e-7), "< 0.0001 %");
        assert_eq!(probability(0.0), "0 %");
        for p in [1e-5, 3e-6, 2.5e-3] {
            assert!(!probability(p).contains('e'), "{}", probability(p));
        }
    }

    #[test]
    fn a_column_of_probabilities_shares_the_decimals_of_its_smallest_value() {
        let values = [0.000054, 0.00018, 0.00536];
        let column = Percent::column(values);
        let shown: Vec<String> = values.iter().map(|&v| column.fmt(v)).collect();
        assert_eq!(shown, ["0.0054 %", "0.0180 %", "0.5360 %"]);
        let wide_range = Percent::column([0.00005, 0.0012, 0.48055]);
        assert_eq!(wide_range.fmt(0.00005), "0.005 %");
        assert_eq!(wide_range.fmt(0.48055), "48.055 %");
        let plain = Percent::column([0.041, 1.0]);
        assert_eq!(plain.fmt(1.0), "100.00 %");
        assert_eq!(plain.fmt(0.0), "0.00 %");
        assert_eq!(Percent::column([1e-8]).fmt(1e-8), "< 0.0001 %");
    }

    #[test]
    fn a_speed_is_whole_units_per_second_with_separators() {
        assert_eq!(rate(728_136.116_4, "paths"), "728,136 paths/s");
        assert_eq!(rate(0.4, "paths"), "0 paths/s");
        assert_eq!(seconds(0.054), "0.05 s");
    }

    #[test]
    fn non_finite_values_never_print_as_inf_or_nan() {
        assert_eq!(money(f64::NAN), "n/a");
        assert_eq!(Money::with_decimals(2).fmt(f64::INFINITY), "n/a");
    }
}

/// The format of a column of probabilities that may be tiny (rare-event
/// estimates and their intervals): percentages when every non-zero value
/// is at least 0.1 % (`12.34 %`, `0.536 %`), else every value in
/// scientific notation with three significant digits (`1.23e-6`), so a
/// tiny value never shows as `0.00 %` and a column never mixes the two.
/// Zero is `0` either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmallProbability {
    scientific: Option<Percent>,
}

impl SmallProbability {
    /// The format of a column holding `values` (fractions, 0 to 1).
    pub fn column(values: impl IntoIterator<Item = f64>) -> SmallProbability {
        let values: Vec<f64> = values.into_iter().filter(|p| *p > 0.0).collect();
        let tiny = values.iter().any(|&p| p < 1e-3);
        SmallProbability {
            scientific: (!tiny).then(|| Percent::column(values.iter().copied())),
        }
    }

    /// `p` in this column: `1.23e-6`, `0.536 %`, `0`.
    pub fn fmt(self, p: f64) -> String {
        match self.scientific {
            _ if p == 0.0 => "0".into(),
            Some(percent) => percent.fmt(p),
            None => format!("{p:.2e}"),
        }
    }
}

/// One probability that may be tiny, on its own (see [`SmallProbability`]).
pub fn small_probability(p: f64) -> String {
    SmallProbability::column([p]).fmt(p)
}
