//! Time the detectors per column of a Parquet file (single thread):
//! `cargo run --release --example column_costs -- FILE`
use std::sync::Arc;

fn main() {
    let path = std::env::args().nth(1).expect("FILE");
    let f = std::fs::File::open(&path).expect("open");
    let r = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
        .expect("parquet")
        .with_batch_size(65536)
        .build()
        .expect("reader");
    // COLUMN_COSTS_BATCHES=8 against the default 4 gives the steady cost of
    // four batches (one-time automaton builds cancel out) under callgrind.
    let n: usize = std::env::var("COLUMN_COSTS_BATCHES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    // COLUMN_COSTS_SKIP=N starts N batches in (ids grow along the file).
    let skip: usize = std::env::var("COLUMN_COSTS_SKIP")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let repeat: usize = std::env::var("COLUMN_COSTS_REPEAT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1);
    let batches: Vec<_> = r.skip(skip).take(n).map(|b| b.expect("batch")).collect();
    let rules = Arc::new(piigate::RuleSet::builtin().expect("rules"));
    let scanner = piigate::Scanner::new(rules);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let schema = batches[0].schema();
    let only = std::env::args().nth(2);
    for (i, field) in schema.fields().iter().enumerate() {
        if only.as_deref().is_some_and(|o| o != field.name()) {
            continue;
        }
        let cols: Vec<_> = batches
            .iter()
            .map(|b| b.project(&[i]).expect("project"))
            .collect();
        let rows: usize = cols.iter().map(|b| b.num_rows()).sum();
        // COLUMN_COSTS_REPEAT=R times R passes and keeps the fastest (wall
        // times on a shared VM vary; the minimum is the steadiest figure).
        let mut best = f64::MAX;
        for _ in 0..repeat {
            let t = std::time::Instant::now();
            pool.install(|| {
                for b in &cols {
                    scanner.scan_batch(b);
                }
            });
            best = best.min(t.elapsed().as_nanos() as f64);
        }
        let ns = best / rows as f64;
        println!("{:<14} {:>8.0} ns/value", field.name(), ns);
    }
}
