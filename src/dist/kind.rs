//! The one list of the distribution families a model may name: parsing,
//! messages and the documentation's table follow it.

/// A family as a model file names it (`{ normal = { mean = 0, sd = 1 } }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `constant`: always the same value (a plain number says the same).
    Constant,
    /// `uniform`.
    Uniform,
    /// `normal`.
    Normal,
    /// `lognormal`.
    LogNormal,
    /// `triangular`.
    Triangular,
    /// `pert`.
    Pert,
    /// `beta` (optionally rescaled).
    Beta,
    /// `gamma`.
    Gamma,
    /// `bernoulli`.
    Bernoulli,
    /// `discrete_uniform`.
    DiscreteUniform,
    /// `discrete`.
    Discrete,
    /// `metalog`: a distribution through given quantiles.
    Metalog,
}

impl Kind {
    /// Every family, in the order the documentation lists them.
    pub const ALL: [Kind; 12] = [
        Kind::Constant,
        Kind::Uniform,
        Kind::Normal,
        Kind::LogNormal,
        Kind::Triangular,
        Kind::Pert,
        Kind::Beta,
        Kind::Gamma,
        Kind::Bernoulli,
        Kind::DiscreteUniform,
        Kind::Discrete,
        Kind::Metalog,
    ];

    /// The name a model file writes.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Constant => "constant",
            Kind::Uniform => "uniform",
            Kind::Normal => "normal",
            Kind::LogNormal => "lognormal",
            Kind::Triangular => "triangular",
            Kind::Pert => "pert",
            Kind::Beta => "beta",
            Kind::Gamma => "gamma",
            Kind::Bernoulli => "bernoulli",
            Kind::DiscreteUniform => "discrete_uniform",
            Kind::Discrete => "discrete",
            Kind::Metalog => "metalog",
        }
    }

    /// The family a model file names `name`, if any.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The parameters the family's table may hold, in the order messages
    /// list them.
    pub fn parameters(self) -> &'static [&'static str] {
        match self {
            Kind::Constant => &["value"],
            Kind::Uniform => &["min", "max", "quantiles"],
            Kind::DiscreteUniform => &["min", "max"],
            Kind::Normal => &["mean", "sd", "p5", "p95", "quantiles"],
            Kind::LogNormal => &["median", "log_sd", "p5", "p95", "quantiles"],
            Kind::Triangular => &["min", "mode", "max", "quantiles"],
            Kind::Pert => &["min", "mode", "max", "lambda", "quantiles"],
            Kind::Beta => &["alpha", "beta", "min", "max", "quantiles"],
            Kind::Gamma => &["shape", "scale", "quantiles"],
            Kind::Bernoulli => &["p"],
            Kind::Discrete => &["values", "weights"],
            Kind::Metalog => &["quantiles", "min", "max", "terms"],
        }
    }

    /// The parameters that locate the family: shifting each of them by v
    /// moves every draw by v (the same uniform gives the old value + v).
    /// Empty for a family without a location (lognormal, gamma, bernoulli).
    /// In `quantiles`, the values of the (probability, value) pairs move.
    pub fn location_parameters(self) -> &'static [&'static str] {
        match self {
            Kind::Constant => &["value"],
            Kind::Uniform | Kind::Beta => &["min", "max", "quantiles"],
            Kind::DiscreteUniform => &["min", "max"],
            Kind::Normal => &["mean", "p5", "p95", "quantiles"],
            Kind::Triangular | Kind::Pert => &["min", "mode", "max"],
            Kind::Discrete => &["values"],
            Kind::Metalog => &["quantiles", "min", "max"],
            Kind::LogNormal | Kind::Gamma | Kind::Bernoulli => &[],
        }
    }

    /// The parameters that scale the family: multiplying each of them by
    /// v > 0 multiplies every draw by v. Empty for a family whose values
    /// cannot be stretched (whole numbers, 0 or 1). In `quantiles`, the
    /// values of the (probability, value) pairs are multiplied.
    pub fn scale_parameters(self) -> &'static [&'static str] {
        match self {
            Kind::Constant => &["value"],
            Kind::Uniform | Kind::Beta => &["min", "max", "quantiles"],
            Kind::Normal => &["mean", "sd", "p5", "p95", "quantiles"],
            Kind::LogNormal => &["median", "p5", "p95", "quantiles"],
            Kind::Triangular | Kind::Pert => &["min", "mode", "max"],
            Kind::Gamma => &["scale", "quantiles"],
            Kind::Discrete => &["values"],
            Kind::Metalog => &["quantiles", "min", "max"],
            Kind::DiscreteUniform | Kind::Bernoulli => &[],
        }
    }

    /// A value of this family as a model file writes it, for messages.
    pub fn example(self) -> &'static str {
        match self {
            Kind::Constant => "{ constant = { value = 1 } }",
            Kind::Uniform => "{ uniform = { min = 2, max = 6 } }",
            Kind::Normal => "{ normal = { mean = 0.05, sd = 0.03 } }",
            Kind::LogNormal => "{ lognormal = { median = 350, log_sd = 0.2 } }",
            Kind::Triangular => "{ triangular = { min = 0, mode = 0.3, max = 0.7 } }",
            Kind::Pert => "{ pert = { min = 0, mode = 0.3, max = 0.7 } }",
            Kind::Beta => "{ beta = { alpha = 2, beta = 5 } }",
            Kind::Gamma => "{ gamma = { shape = 2, scale = 1.5 } }",
            Kind::Bernoulli => "{ bernoulli = { p = 0.3 } }",
            Kind::DiscreteUniform => "{ discrete_uniform = { min = 1, max = 17 } }",
            Kind::Discrete => "{ discrete = { values = [0, 1], weights = [3, 1] } }",
            Kind::Metalog => "{ metalog = { quantiles = [[0.1, 5], [0.5, 10], [0.9, 30]] } }",
        }
    }

    /// The families' names as messages list them, comma-separated: all but
    /// `constant`, which a plain number writes more simply.
    pub fn listed() -> String {
        Kind::ALL
            .into_iter()
            .filter(|k| *k != Kind::Constant)
            .map(Kind::name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of the README's table under `### Distributions`.
    fn documented_families() -> Vec<String> {
        let readme = include_str!("../../README.md");
        let section = readme
            .split("### Distributions")
            .nth(1)
            .expect("the README has a Distributions section");
        section
            .lines()
            .skip_while(|line| !line.starts_with("| family"))
            .skip(2)
            .take_while(|line| line.starts_with('|'))
            .map(|line| line.split('|').nth(1).unwrap_or("").trim().to_string())
            .collect()
    }

    #[test]
    fn the_readme_documents_every_family_in_the_listed_order() {
        let names: Vec<&str> = Kind::ALL.into_iter().map(Kind::name).collect();
        assert_eq!(documented_families(), names);
    }

    #[test]
    fn every_name_parses_back_to_its_family_and_every_example_names_it() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.name()), Some(kind));
            let opening = format!("{{ {} = {{ ", kind.name());
            assert!(kind.example().starts_with(&opening), "{kind:?}");
        }
        assert_eq!(Kind::parse("Normal"), None);
    }

    #[test]
    fn messages_list_every_family_but_constant() {
        assert_eq!(
            Kind::listed(),
            "uniform, normal, lognormal, triangular, pert, beta, gamma, bernoulli, discrete_uniform, discrete, metalog"
        );
    }
}
