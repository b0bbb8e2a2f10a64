//! Column-level accuracy on the bundled fixtures and on fresh tables generated
//! with seeds the rules were never looked at against.

use std::sync::Arc;

use piigate::{RuleSet, ScanConfig};

use crate::common::{evaluate, gen};

fn scan_dir(dir: &std::path::Path) -> piigate::Report {
    let rules = Arc::new(RuleSet::builtin().expect("built-in rules"));
    let cfg = ScanConfig {
        digest: false,
        ..Default::default()
    };
    piigate::scan_inputs(
        &[dir.display().to_string()],
        rules,
        &cfg,
        &piigate::NoProgress,
    )
    .expect("scan")
}

fn check(dir: &std::path::Path, truth: &gen::Truth, label: &str) {
    let report = scan_dir(dir);
    assert!(
        report.errors.is_empty(),
        "{label}: input errors: {:?}",
        report.errors
    );
    let ev = evaluate(&report, truth);
    eprintln!(
        "{label}: micro P={:.3} R={:.3} F1={:.3}",
        ev.micro.precision(),
        ev.micro.recall(),
        ev.micro.f1()
    );
    for (e, c) in &ev.per_entity {
        eprintln!(
            "  {e:<18} P={:.2} R={:.2} (tp {} fp {} fn {})",
            c.precision(),
            c.recall(),
            c.tp,
            c.fp,
            c.fn_
        );
    }
    for m in &ev.mistakes {
        eprintln!("  mistake: {m}");
    }
    assert!(
        ev.micro.f1() >= 0.97,
        "{label}: column-level micro-F1 {:.3} < 0.97; mistakes: {:#?}",
        ev.micro.f1(),
        ev.mistakes
    );
    // Hard negatives: not a single entity on any column of that table.
    let hn = report
        .tables
        .iter()
        .find(|t| t.name == "hard_negatives")
        .expect("hard_negatives table");
    let fps: Vec<String> = hn
        .columns
        .iter()
        .filter(|c| !c.entities.is_empty())
        .map(|c| {
            format!(
                "{}: {:?}",
                c.name,
                c.entities.iter().map(|e| &e.entity).collect::<Vec<_>>()
            )
        })
        .collect();
    assert!(
        fps.is_empty(),
        "{label}: false positives on hard negatives: {fps:?}"
    );
}

#[test]
fn bundled_fixtures_meet_the_accuracy_target() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/data");
    let truth: gen::Truth = serde_json::from_str(
        &std::fs::read_to_string(dir.parent().unwrap().join("truth.json")).expect("truth.json"),
    )
    .expect("truth");
    check(&dir, &truth, "fixtures");
}

#[test]
fn fresh_seeds_meet_the_accuracy_target() {
    for seed in [7_u64, 99_991] {
        let tmp = tempfile::tempdir().expect("tmp");
        let truth = gen::write_all(tmp.path(), seed, 800);
        check(tmp.path(), &truth, &format!("seed {seed}"));
    }
}

#[test]
fn committed_fixtures_match_their_generator() {
    // The fixtures are generated, not hand-edited: regenerating gives the same truth.
    let tmp = tempfile::tempdir().expect("tmp");
    let truth = gen::write_all(tmp.path(), 20261121, 1500);
    let committed: gen::Truth = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/truth.json"))
            .expect("truth"),
    )
    .expect("json");
    assert_eq!(truth, committed);
}
