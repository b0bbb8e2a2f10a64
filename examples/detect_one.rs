//! Run `detect` on one value many times (for profiling): `detect_one COLUMN VALUE [N]`.
use std::sync::Arc;
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let rules = Arc::new(piigate::RuleSet::builtin().expect("rules"));
    let det = piigate::Detector::new(rules.clone());
    let hints = piigate::ColumnHints::from_column_name(&rules, &a[1]);
    let n: usize = a.get(3).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let mut scratch = piigate::Scratch::default();
    let t = std::time::Instant::now();
    let mut hits = 0;
    for _ in 0..n {
        det.detect(std::hint::black_box(&a[2]), &hints, &mut scratch);
        hits += scratch.hits.len();
    }
    let ids: Vec<&str> = scratch
        .candidates()
        .iter()
        .map(|&i| det.rule(i).id.as_str())
        .collect();
    println!("candidates: {ids:?}");
    // The spans of the last run's hits (of the value given on the command line).
    let v = a[2].trim();
    for h in &scratch.hits {
        let span = v.get(h.start..h.end).unwrap_or("?");
        println!(
            "hit {} {span:?} full={} context={}",
            det.rule(h.rule).id,
            h.full,
            h.context
        );
    }
    println!(
        "{} ns/value, {} hits",
        t.elapsed().as_nanos() / n as u128,
        hits / n
    );
}
