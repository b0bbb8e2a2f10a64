//! End-to-end comparison with the naive design on the same data: every rule's
//! pattern run separately on every value (as pattern-based PII tools do, and
//! without even validating the matches), against `Scanner::scan_batch`, both
//! single-threaded on the same decoded rows of a Parquet file.
//!
//! `cargo run --release --example naive_scan -- FILE [ROWS]` (ROWS: 262144 by default)
#[path = "../benches/common/naive.rs"]
mod naive;

use std::sync::Arc;
use std::time::Instant;

use arrow::array::{Array, AsArray};
use arrow::datatypes::DataType;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: naive_scan FILE [ROWS]");
    let rows: usize = args.next().map_or(262_144, |s| s.parse().expect("ROWS"));
    let f = std::fs::File::open(&path).expect("open");
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
        .expect("parquet")
        .with_batch_size(65_536)
        .with_limit(rows)
        .build()
        .expect("reader");
    let batches: Vec<_> = reader.map(|b| b.expect("batch")).collect();
    let rules = Arc::new(piigate::RuleSet::builtin().expect("rules"));
    let scanner = piigate::Scanner::new(rules.clone());
    let naive = naive::naive_regexes(&rules);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    // Compile-once costs (lazy DFAs, memo DFAs) are paid before timing.
    pool.install(|| scanner.scan_batch(&batches[0]));

    let schema = batches[0].schema();
    let n_rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    println!("{n_rows} rows, {} patterns in the naive set", naive.len());
    println!(
        "{:<14} {:>14} {:>14} {:>8}",
        "column", "piigate ns/row", "naive ns/row", "ratio"
    );
    let (mut total_p, mut total_n) = (0.0, 0.0);
    for (i, field) in schema.fields().iter().enumerate() {
        if field.data_type() != &DataType::Utf8 {
            continue;
        }
        let cols: Vec<_> = batches
            .iter()
            .map(|b| b.project(&[i]).expect("project"))
            .collect();
        let t = Instant::now();
        pool.install(|| {
            for b in &cols {
                std::hint::black_box(scanner.scan_batch(b));
            }
        });
        let p = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let mut found = 0usize;
        for b in &cols {
            let a = b.column(0).as_string::<i32>();
            for k in 0..a.len() {
                if a.is_null(k) {
                    continue;
                }
                let v = a.value(k);
                for re in &naive {
                    found += re.find_iter(v).count();
                }
            }
        }
        std::hint::black_box(found);
        let n = t.elapsed().as_secs_f64();
        total_p += p;
        total_n += n;
        println!(
            "{:<14} {:>14.0} {:>14.0} {:>7.1}x",
            field.name(),
            p * 1e9 / n_rows as f64,
            n * 1e9 / n_rows as f64,
            n / p
        );
    }
    println!(
        "{:<14} {:>14.0} {:>14.0} {:>7.1}x",
        "all strings",
        total_p * 1e9 / n_rows as f64,
        total_n * 1e9 / n_rows as f64,
        total_n / total_p
    );
}
