//! What each rule costs on a column's values: `detect` over the values of a
//! file (one per line) with the built-in rules, then with each rule
//! directory given (built-ins overridden by id, as `--rules` does; a copy of
//! a rule file with `enabled = false` under one rule switches it off), in
//! alternating rounds.
//!
//! ```sh
//! cargo run --release --example rule_costs -- COLUMN VALUES.txt [RULE_DIR ...]
//! ```
//!
//! With `CANDIDATES=1`, also how many values each rule was a candidate for;
//! with `ONLY_DIRS=1`, only the rule directories run (not the built-ins).
use std::sync::Arc;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 3 {
        eprintln!("usage: rule_costs COLUMN VALUES.txt [RULE_DIR ...]");
        std::process::exit(2);
    }
    let text = std::fs::read_to_string(&a[2]).unwrap_or_else(|e| {
        eprintln!("rule_costs: {}: {e}", a[2]);
        std::process::exit(2)
    });
    let values: Vec<&str> = text.lines().collect();
    let sets: Vec<(String, Arc<piigate::RuleSet>)> =
        std::iter::once(("built-in".to_string(), None))
            .filter(|_| std::env::var_os("ONLY_DIRS").is_none())
            .chain(a[3..].iter().map(|d| (d.clone(), Some(d))))
            .map(|(name, dir)| {
                let rules = match dir {
                    None => piigate::RuleSet::builtin(),
                    Some(d) => piigate::RuleSet::with_dirs(&[d]),
                }
                .unwrap_or_else(|e| {
                    eprintln!("rule_costs: {name}: {e}");
                    std::process::exit(2)
                });
                (name, Arc::new(rules))
            })
            .collect();
    for round in 0..3 {
        for (name, rules) in &sets {
            let det = piigate::Detector::new(rules.clone());
            let hints = piigate::ColumnHints::from_column_name(rules, &a[1]);
            let mut scratch = piigate::Scratch::default();
            if round == 0 && std::env::var_os("CANDIDATES").is_some() {
                let mut counts = std::collections::BTreeMap::new();
                for v in &values {
                    det.detect(v, &hints, &mut scratch);
                    for &i in scratch.candidates() {
                        *counts.entry(det.rule(i).id.clone()).or_insert(0usize) += 1;
                    }
                }
                println!("{name}: candidates {counts:?}");
            }
            let t = std::time::Instant::now();
            let mut hits = 0;
            for v in &values {
                det.detect(std::hint::black_box(v), &hints, &mut scratch);
                hits += scratch.hits.len();
            }
            println!(
                "round {round} {name}: {} ns/value, {hits} hits",
                t.elapsed().as_nanos() / values.len().max(1) as u128
            );
        }
    }
}
