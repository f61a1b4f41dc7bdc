//! The text form of an exact sum: a sign and the hexadecimal integer in
//! units of its lowest bit, as the partial files store it.

use super::magnitude::trim;
use super::{Digits, ExactSquareSum, ExactSum, SQUARE_DIGITS};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

impl ExactSum {
    /// The sum as text: a sign and the hexadecimal integer in units of
    /// 2^-1074 (e.g. `-0x1a0`); the canonical form of the partial files.
    pub fn to_hex(&self) -> String {
        let (negative, magnitude) = self.0.sign_magnitude();
        hex_of(negative, &magnitude)
    }

    /// Parses [`ExactSum::to_hex`]'s text; `None` when malformed or out of range.
    pub fn from_hex(text: &str) -> Option<ExactSum> {
        let (negative, magnitude) = parse_hex(text)?;
        Digits::from_sign_magnitude(negative, &magnitude).map(ExactSum)
    }
}

impl Serialize for ExactSum {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for ExactSum {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ExactSum::from_hex(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{}` is not an exact sum (a signed hexadecimal integer such as -0x1a0, in range)",
                text.chars().take(40).collect::<String>()
            ))
        })
    }
}

impl ExactSquareSum {
    /// The sum of squares as text: the hexadecimal integer in units of
    /// 2^-2148 (e.g. `0x1a0`), as [`ExactSum::to_hex`] writes a sum.
    pub fn to_hex(&self) -> String {
        let (negative, magnitude) = self.0.sign_magnitude();
        hex_of(negative, &magnitude)
    }

    /// Parses [`ExactSquareSum::to_hex`]'s text; `None` when malformed or
    /// out of range.
    pub fn from_hex(text: &str) -> Option<ExactSquareSum> {
        let (negative, magnitude) = parse_hex(text)?;
        Digits::from_sign_magnitude(negative, &magnitude).map(ExactSquareSum)
    }
}

impl Serialize for ExactSquareSum {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for ExactSquareSum {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ExactSquareSum::from_hex(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{}` is not an exact sum of squares (a hexadecimal integer such as 0x1a0, in range)",
                text.chars().take(40).collect::<String>()
            ))
        })
    }
}

/// `-0x…` or `0x…`: the magnitude's digits in hexadecimal, highest first.
fn hex_of(negative: bool, magnitude: &[u32]) -> String {
    let mut text = String::from(if negative && !magnitude.is_empty() {
        "-0x"
    } else {
        "0x"
    });
    match magnitude.split_last() {
        None => text.push('0'),
        Some((top, rest)) => {
            text.push_str(&format!("{top:x}"));
            for d in rest.iter().rev() {
                text.push_str(&format!("{d:08x}"));
            }
        }
    }
    text
}

/// The sign and magnitude of [`hex_of`]'s text; `None` when malformed or
/// longer than any exact sum.
fn parse_hex(text: &str) -> Option<(bool, Vec<u32>)> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let hex = rest.strip_prefix("0x")?;
    if hex.is_empty()
        || hex.len() > 8 * SQUARE_DIGITS
        || !hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return None;
    }
    let mut digits = Vec::new();
    let bytes = hex.as_bytes();
    let mut end = bytes.len();
    while end > 0 {
        let start = end.saturating_sub(8);
        let chunk = std::str::from_utf8(&bytes[start..end]).ok()?;
        digits.push(u32::from_str_radix(chunk, 16).ok()?);
        end = start;
    }
    trim(&mut digits);
    Some((negative, digits))
}
