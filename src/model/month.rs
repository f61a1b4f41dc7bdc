//! Calendar months written as `YYYY-MM`.

use serde::{Serialize, Serializer};
use std::fmt;

/// A calendar month, stored as months since year 0 (January = 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

impl Month {
    /// Parses `YYYY-MM` (year 1900–2999, month 01–12).
    pub fn parse(text: &str) -> Option<Month> {
        let (year, month) = text.trim().split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        let month: i32 = month.parse().ok()?;
        if !(1900..=2999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        Some(Month(year * 12 + month - 1))
    }

    /// The month `offset` months after this one.
    pub fn plus(self, offset: i32) -> Month {
        Month(self.0 + offset)
    }

    /// Whole months from `earlier` to `self` (negative if `self` is earlier).
    pub fn months_since(self, earlier: Month) -> i32 {
        self.0 - earlier.0
    }

    /// Calendar month of the year, 1 = January … 12 = December.
    pub fn month_of_year(self) -> u32 {
        (self.0.rem_euclid(12) + 1) as u32
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month_of_year())
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_year_month() {
        let m = Month::parse("2023-08").unwrap();
        assert_eq!(m.to_string(), "2023-08");
        assert_eq!(m.plus(5).to_string(), "2024-01");
        assert_eq!(m.plus(16).to_string(), "2024-12");
        assert_eq!(Month::parse("2024-12").unwrap().months_since(m), 16);
        assert_eq!(m.month_of_year(), 8);
    }

    #[test]
    fn rejects_malformed_months() {
        for bad in [
            "2023-13", "2023-00", "23-08", "2023-8", "2023/08", "", "abcd-ef",
        ] {
            assert!(Month::parse(bad).is_none(), "{bad}");
        }
    }
}
