//! The model file as written: serde structures that mirror the TOML.
//!
//! Nothing here is checked beyond its shape (unknown fields are refused);
//! every number is kept as a raw TOML value so that validation can name the
//! field, show the value and state the rule that it breaks.

use indexmap::IndexMap;
use serde::Deserialize;

/// A number, or a one-key table naming a distribution, kept unparsed.
pub type RawValue = toml::Value;

/// The whole model file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModel {
    pub model: RawMeta,
    pub cash: RawCash,
    #[serde(default)]
    pub costs: IndexMap<String, RawCost>,
    #[serde(default)]
    pub revenue: IndexMap<String, RawRevenue>,
    #[serde(default)]
    pub funding: IndexMap<String, RawFunding>,
    #[serde(default)]
    pub shocks: IndexMap<String, RawShock>,
    #[serde(default)]
    pub flows: IndexMap<String, RawFlow>,
    /// `[debt.NAME]`: credit lines and term loans; `[covenants.NAME]`: the
    /// lenders' conditions, whose breach is a failure of its own.
    #[serde(default)]
    pub debt: IndexMap<String, RawDebt>,
    #[serde(default)]
    pub covenants: IndexMap<String, RawCovenant>,
    /// Named scenarios; applied before deserialising, kept here only so that
    /// the key is accepted.
    #[serde(default)]
    pub scenarios: IndexMap<String, toml::Value>,
    /// Rank correlation between per-path inputs.
    pub correlation: Option<RawCorrelation>,
}

/// `[correlation]`: a rank-correlation matrix over named per-path inputs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCorrelation {
    /// Field paths of the inputs, in matrix order.
    pub inputs: Vec<String>,
    /// Spearman rank correlations, one row per input.
    pub matrix: Vec<Vec<f64>>,
}

/// `[model]`: names, time and unit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub start: String,
    pub horizon: String,
    pub unit: String,
    /// `"mc"` (default) or `"lhs"`.
    pub sampling: Option<String>,
}

/// `[cash]`: starting position and the insolvency floor.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCash {
    pub initial: RawValue,
    pub floor: Option<RawValue>,
    #[serde(default)]
    pub tranches: IndexMap<String, RawTranche>,
}

/// `[cash.tranches.NAME]`: committed money on a schedule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTranche {
    pub month: RawValue,
    pub amount: RawValue,
    pub credit_for: Option<OneOrMany>,
}

/// `[costs.NAME]`: a monthly cost line.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCost {
    pub monthly: Option<RawValue>,
    pub growth: Option<RawValue>,
    pub growth_half_life: Option<RawValue>,
    pub efficiency_gain: Option<RawValue>,
    pub follows: Option<String>,
    pub noise: Option<RawValue>,
    pub noise_mode: Option<String>,
    pub from: Option<String>,
    pub until: Option<String>,
    pub schedule: Option<RawValue>,
    pub schedule_shape: Option<String>,
    pub hiring: Option<RawHiring>,
}

/// `[costs.NAME.hiring]`: a hiring plan the line's headcount follows.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHiring {
    pub start: Option<RawValue>,
    pub hires: RawValue,
    pub slip: Option<RawValue>,
    pub fill_rate: Option<RawValue>,
    pub attrition: Option<RawValue>,
}

/// `[revenue.NAME]`: a revenue line, user-driven or a plain amount.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRevenue {
    pub monthly: Option<RawValue>,
    pub users: Option<RawValue>,
    pub arpu: Option<RawValue>,
    pub growth: Option<RawValue>,
    pub growth_half_life: Option<RawValue>,
    pub churn: Option<RawValue>,
    pub noise: Option<RawValue>,
    pub noise_mode: Option<String>,
    pub seasonal: Option<Vec<RawValue>>,
    pub from: Option<String>,
    pub schedule: Option<RawValue>,
    pub arpu_schedule: Option<RawValue>,
    pub schedule_shape: Option<String>,
}

/// `[funding.NAME]`: money that may arrive.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFunding {
    pub probability: Option<RawValue>,
    pub month: Option<RawValue>,
    pub trigger: Option<RawTrigger>,
    pub delay: Option<RawValue>,
    pub amount: RawValue,
    pub credit_for: Option<OneOrMany>,
}

/// `trigger = { runway_below = 6 }` or `trigger = { cash_below = 1000 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrigger {
    pub runway_below: Option<RawValue>,
    pub cash_below: Option<RawValue>,
}

/// `[shocks.NAME]`: an event with a monthly hazard and an effect.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShock {
    pub hazard: RawValue,
    pub repeat: Option<bool>,
    pub cost: Option<RawValue>,
    pub revenue_hit: Option<RawValue>,
    pub duration: Option<RawValue>,
    pub funding_delay: Option<RawValue>,
}

/// `[flows.NAME]`: a generic monthly amount (+ in, − out).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFlow {
    pub amount: Option<RawValue>,
    pub each_month: Option<bool>,
    pub from: Option<String>,
    pub until: Option<String>,
    pub schedule: Option<RawValue>,
    pub schedule_shape: Option<String>,
}

/// `[debt.NAME]`: a revolving credit line (`kind = "revolver"`) or a term
/// loan (`kind = "term_loan"`); which fields a kind takes is checked when
/// the model is validated.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDebt {
    pub kind: String,
    pub limit: Option<RawValue>,
    pub principal: Option<RawValue>,
    pub rate: Option<RawValue>,
    pub commitment_fee: Option<RawValue>,
    pub probability: Option<RawValue>,
    pub from: Option<String>,
    pub draw: Option<String>,
    pub maturity: Option<String>,
    pub term: Option<RawValue>,
    pub interest_only: Option<RawValue>,
    pub amortization: Option<String>,
    pub amortization_months: Option<RawValue>,
    pub balloon: Option<RawValue>,
    pub draw_below: Option<RawValue>,
    pub repay_above: Option<RawValue>,
    pub withdrawn_on_breach: Option<bool>,
    pub accelerate_on_breach: Option<bool>,
    pub counts_as_liquidity: Option<bool>,
}

/// `[covenants.NAME]`: conditions checked at the end of each month from
/// `from` to `until`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCovenant {
    pub min_cash: Option<RawValue>,
    pub min_trailing_revenue: Option<RawTrailing>,
    pub max_monthly_burn: Option<RawValue>,
    pub from: Option<String>,
    pub until: Option<String>,
}

/// `min_trailing_revenue = { amount = 1.5, months = 3 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrailing {
    pub amount: RawValue,
    pub months: RawValue,
}

/// A name or a list of names (`credit_for = "compute"` or `["a", "b"]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One name.
    One(String),
    /// Several names.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The names as a list.
    pub fn names(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// Field names of each section, for listing valid paths in messages: read
/// from the serde structures above (their derive lists the names), so that
/// each name is written once.
pub mod fields {
    use super::{
        RawCash, RawCost, RawFlow, RawFunding, RawHiring, RawMeta, RawRevenue, RawShock,
        RawTranche, RawTrigger,
    };
    use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
    use std::fmt;

    /// `[model]`.
    pub fn model() -> Vec<String> {
        names::<RawMeta>()
    }

    /// `[cash]` (besides `tranches`, a section of its own).
    pub fn cash() -> Vec<String> {
        names::<RawCash>()
            .into_iter()
            .filter(|f| f != "tranches")
            .collect()
    }

    /// `[cash.tranches.NAME]`.
    pub fn tranche() -> Vec<String> {
        names::<RawTranche>()
    }

    /// `[costs.NAME]`, with the hiring plan's own fields after `hiring`.
    pub fn cost() -> Vec<String> {
        let mut out = Vec::new();
        for field in names::<RawCost>() {
            let is_hiring = field == "hiring";
            out.push(field);
            if is_hiring {
                out.extend(names::<RawHiring>().iter().map(|f| format!("hiring.{f}")));
            }
        }
        out
    }

    /// `[revenue.NAME]`.
    pub fn revenue() -> Vec<String> {
        names::<RawRevenue>()
    }

    /// `[funding.NAME]`, with the trigger's own fields after `trigger`.
    pub fn funding() -> Vec<String> {
        let mut out = Vec::new();
        for field in names::<RawFunding>() {
            let is_trigger = field == "trigger";
            out.push(field);
            if is_trigger {
                out.extend(names::<RawTrigger>().iter().map(|f| format!("trigger.{f}")));
            }
        }
        out
    }

    /// `[shocks.NAME]`.
    pub fn shock() -> Vec<String> {
        names::<RawShock>()
    }

    /// `[flows.NAME]`.
    pub fn flow() -> Vec<String> {
        names::<RawFlow>()
    }

    /// `[debt.NAME]`.
    pub fn debt() -> Vec<String> {
        names::<super::RawDebt>()
    }

    /// `[covenants.NAME]`, with the trailing-revenue condition's fields.
    pub fn covenant() -> Vec<String> {
        let mut out = Vec::new();
        for field in names::<super::RawCovenant>() {
            let is_trailing = field == "min_trailing_revenue";
            out.push(field.clone());
            if is_trailing {
                let inner = names::<super::RawTrailing>();
                out.extend(inner.iter().map(|f| format!("{field}.{f}")));
            }
        }
        out
    }

    /// The field names of `T`, a struct of this schema, in declaration order.
    fn names<T: DeserializeOwned>() -> Vec<String> {
        match T::deserialize(FieldProbe) {
            Err(Probed(fields)) => fields.iter().map(|f| f.to_string()).collect(),
            Ok(_) => Vec::new(),
        }
    }

    /// A deserializer that holds no data: a derived struct asks it for its
    /// fields by name, and it answers with an error carrying the names.
    struct FieldProbe;

    /// The names a struct asked for (empty for anything but a struct).
    #[derive(Debug)]
    struct Probed(&'static [&'static str]);

    impl fmt::Display for Probed {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "fields {:?}", self.0)
        }
    }

    impl std::error::Error for Probed {}

    impl de::Error for Probed {
        fn custom<T: fmt::Display>(_: T) -> Self {
            Probed(&[])
        }
    }

    impl<'de> Deserializer<'de> for FieldProbe {
        type Error = Probed;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Probed> {
            Err(Probed(&[]))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Probed> {
            Err(Probed(fields))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_field_lists_are_the_schema_structures_fields_in_order() {
            assert_eq!(
                model(),
                [
                    "name",
                    "description",
                    "start",
                    "horizon",
                    "unit",
                    "sampling"
                ]
            );
            assert_eq!(cash(), ["initial", "floor"]);
            assert_eq!(tranche(), ["month", "amount", "credit_for"]);
            assert_eq!(
                cost(),
                [
                    "monthly",
                    "growth",
                    "growth_half_life",
                    "efficiency_gain",
                    "follows",
                    "noise",
                    "noise_mode",
                    "from",
                    "until",
                    "schedule",
                    "schedule_shape",
                    "hiring",
                    "hiring.start",
                    "hiring.hires",
                    "hiring.slip",
                    "hiring.fill_rate",
                    "hiring.attrition"
                ]
            );
            assert_eq!(
                revenue(),
                [
                    "monthly",
                    "users",
                    "arpu",
                    "growth",
                    "growth_half_life",
                    "churn",
                    "noise",
                    "noise_mode",
                    "seasonal",
                    "from",
                    "schedule",
                    "arpu_schedule",
                    "schedule_shape"
                ]
            );
            assert_eq!(
                funding(),
                [
                    "probability",
                    "month",
                    "trigger",
                    "trigger.runway_below",
                    "trigger.cash_below",
                    "delay",
                    "amount",
                    "credit_for"
                ]
            );
            assert_eq!(
                shock(),
                [
                    "hazard",
                    "repeat",
                    "cost",
                    "revenue_hit",
                    "duration",
                    "funding_delay"
                ]
            );
            assert_eq!(
                flow(),
                [
                    "amount",
                    "each_month",
                    "from",
                    "until",
                    "schedule",
                    "schedule_shape"
                ]
            );
        }
    }
}
