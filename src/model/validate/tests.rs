//! Validation against the schema: the field paths it names are the ones the
//! schema lists.

use crate::model::load::valid_paths;
use crate::model::{load_str, LoadOptions};

/// A model that sets every field of every section.
const EVERY_FIELD: &str = r#"
[model]
name = "every field"
description = "sets every field once"
start = "2025-01"
horizon = "2026-12"
unit = "USD"
sampling = "mc"

[cash]
initial = { normal = { mean = 100, sd = 5 } }
floor = 1

[cash.tranches.seed]
month = "2025-03"
amount = 10
credit_for = "compute"

[costs.compute]
monthly = { uniform = { min = 2, max = 3 } }
growth = 0.01
efficiency_gain = 0.2
noise = { normal = { mean = 0, sd = 0.01 } }
noise_mode = "transient"
from = "2025-02"
until = "2026-10"

[costs.support]
monthly = 1
follows = "subscriptions"

[revenue.subscriptions]
users = 100
arpu = { lognormal = { median = 0.02, log_sd = 0.1 } }
growth = 0.02
churn = 0.01
noise = { normal = { mean = 0, sd = 0.02 } }
noise_mode = "persistent"
seasonal = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
from = "2025-02"

[revenue.services]
monthly = 1

[funding.series_a]
probability = 0.5
month = { between = ["2025-06", "2025-12"] }
amount = 50
credit_for = ["compute"]

[funding.bridge]
trigger = { runway_below = 6 }
delay = 2
amount = 20

[funding.rescue]
trigger = { cash_below = 5 }
amount = 5

[shocks.outage]
hazard = 0.01
repeat = true
cost = 3
revenue_hit = 0.2
duration = 2
funding_delay = 1

[flows.tax]
amount = -1
each_month = true
from = "2025-04"
until = "2026-04"
"#;

#[test]
fn every_input_path_validation_names_is_a_field_path_the_schema_lists() {
    let table: toml::Table = toml::from_str(EVERY_FIELD).unwrap();
    let valid = valid_paths(&table);
    let model = load_str(EVERY_FIELD, "every_field.toml", &LoadOptions::default()).unwrap();
    let inputs: Vec<_> = model
        .path_inputs()
        .into_iter()
        .chain(model.monthly_inputs())
        .collect();
    assert_eq!(inputs.len(), 33, "every input of the model");
    for input in inputs {
        assert!(
            valid.contains(&input.path),
            "`{}` is not among the schema's field paths",
            input.path
        );
    }
}

#[test]
fn every_input_of_a_hiring_plan_and_every_plan_field_is_a_path_the_schema_lists() {
    let text = include_str!("../../../tests/fixtures/hiring_plan.toml");
    let table: toml::Table = toml::from_str(text).unwrap();
    let valid = valid_paths(&table);
    let label = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hiring_plan.toml"
    );
    let model = load_str(text, label, &LoadOptions::default()).unwrap();
    let hiring: Vec<String> = (model.path_inputs().into_iter())
        .map(|i| i.path.clone())
        .filter(|p| p.contains(".hiring."))
        .collect();
    assert_eq!(hiring.len(), 8, "two plans of four inputs each");
    for path in hiring.iter().map(String::as_str).chain([
        "costs.marketing.schedule",
        "costs.marketing.schedule_shape",
        "revenue.subscriptions.arpu_schedule",
        "flows.grant.schedule",
    ]) {
        assert!(valid.contains(&path.to_string()), "`{path}` is not listed");
    }
}
