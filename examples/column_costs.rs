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
        let t = std::time::Instant::now();
        pool.install(|| {
            for b in &cols {
                scanner.scan_batch(b);
            }
        });
        let ns = t.elapsed().as_nanos() as f64 / rows as f64;
        println!("{:<14} {:>8.0} ns/value", field.name(), ns);
    }
}
