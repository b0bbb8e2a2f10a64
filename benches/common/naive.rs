//! The naive baseline shared by `benches/detectors.rs` and
//! `examples/naive_scan.rs`: every pattern of every rule, compiled separately,
//! as pattern-based PII tools run them.

/// One `regex::Regex` per pattern of every rule in `rules`.
pub fn naive_regexes(rules: &piigate::RuleSet) -> Vec<regex::Regex> {
    rules
        .rules()
        .iter()
        .flat_map(|r| {
            r.patterns
                .iter()
                .map(|p| regex::Regex::new(p).expect("pattern"))
        })
        .collect()
}
