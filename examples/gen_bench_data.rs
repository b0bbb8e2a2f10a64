//! Generate a large, realistic Parquet file for benchmarks (not committed):
//! `cargo run --release --example gen_bench_data -- --rows 5000000 --out /tmp/bench.parquet`
//!
//! 13 columns like a customer table: ids, names, emails, phones, addresses, card
//! numbers, IBANs, IPs, timestamps, amounts, a dictionary-encoded status, and two
//! free-text note columns with PII in a minority of rows; nulls throughout;
//! ~1M-row row groups; Snappy.

#[path = "../tests/common/gen.rs"]
mod gen;

use std::sync::Arc;

use arrow::array::{
    ArrayRef, DictionaryArray, Float64Array, Int64Array, StringArray, TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Int32Type, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

fn pool(seed: u64, n: usize, f: fn(&mut gen::Gen) -> String) -> Vec<String> {
    (0..n)
        .into_par_iter()
        .chunks(4096)
        .flat_map_iter(|c| {
            let mut g = gen::Gen::new(seed ^ (c[0] as u64).wrapping_mul(0x9e37_79b9));
            c.into_iter().map(move |_| f(&mut g)).collect::<Vec<_>>()
        })
        .collect()
}

/// Write a seeded, realistic customer table as Parquet (not committed;
/// generated on demand for the benchmarks).
#[derive(clap::Parser)]
struct Args {
    /// Rows to write.
    #[arg(long, default_value_t = 5_000_000)]
    rows: usize,
    /// The Parquet file to write.
    #[arg(long, default_value = "bench.parquet")]
    out: String,
    /// Seed of every value drawn.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

fn main() {
    let Args { rows, out, seed } = <Args as clap::Parser>::parse();
    let t0 = std::time::Instant::now();

    const P: usize = 200_000;
    let names = pool(seed, P, gen::Gen::full_name);
    let emails = pool(seed + 1, P, gen::Gen::email);
    let phones = pool(seed + 2, P, gen::Gen::phone);
    let streets = pool(seed + 3, P, gen::Gen::street);
    let cards = pool(seed + 4, P, gen::Gen::card);
    let ibans = pool(seed + 5, P, gen::Gen::iban);
    let ips = pool(seed + 6, P, gen::Gen::ipv4);
    let sentences = pool(seed + 7, P, |g| {
        let k = g.rng.gen_range(8..20);
        g.sentence(k)
    });
    let notes_pii: Vec<String> = pool(seed + 8, P / 4, |g| {
        let k = g.rng.gen_range(5..12);
        let s = g.sentence(k);
        match g.rng.gen_range(0..3) {
            0 => format!("{s} contact {}", g.email()),
            1 => format!("{s} call {}", g.phone()),
            _ => format!("{s} card {}", g.card()),
        }
    });

    let schema = Arc::new(Schema::new(vec![
        Field::new("customer_id", DataType::Int64, false),
        Field::new("full_name", DataType::Utf8, true),
        Field::new("email", DataType::Utf8, true),
        Field::new("phone", DataType::Utf8, true),
        Field::new("street", DataType::Utf8, true),
        Field::new("card_number", DataType::Utf8, true),
        Field::new("iban", DataType::Utf8, true),
        Field::new("last_ip", DataType::Utf8, true),
        Field::new(
            "created_at",
            DataType::Timestamp(TimeUnit::Microsecond, None),
            false,
        ),
        Field::new("amount", DataType::Float64, true),
        Field::new(
            "status",
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
            false,
        ),
        Field::new("notes", DataType::Utf8, true),
        Field::new("agent_notes", DataType::Utf8, true),
    ]));
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(1_000_000))
        .build();
    // An output that cannot be written is a clear error, not a panic.
    let fail = |what: &str, e: &dyn std::fmt::Display| -> ! {
        eprintln!("gen_bench_data: cannot {what} {out}: {e}");
        std::process::exit(1)
    };
    let file = std::fs::File::create(&out).unwrap_or_else(|e| fail("create", &e));
    let mut w =
        parquet::arrow::ArrowWriter::try_new(file, schema.clone(), Some(props)).expect("writer");
    let chunk = 250_000;
    let batches: Vec<usize> = (0..rows.div_ceil(chunk)).collect();
    for group in batches.chunks(4) {
        let made: Vec<RecordBatch> = group
            .par_iter()
            .map(|&b| {
                let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ b as u64);
                let n = chunk.min(rows - b * chunk);
                let mut pick = |v: &Vec<String>, p_null: f64| -> ArrayRef {
                    Arc::new(StringArray::from(
                        (0..n)
                            .map(|_| {
                                if rng.gen_bool(p_null) {
                                    None
                                } else {
                                    Some(v[rng.gen_range(0..v.len())].as_str())
                                }
                            })
                            .collect::<Vec<_>>(),
                    ))
                };
                let cols: Vec<ArrayRef> = vec![
                    Arc::new(Int64Array::from_iter_values(
                        (0..n as i64).map(|i| (b * chunk) as i64 + i),
                    )),
                    pick(&names, 0.02),
                    pick(&emails, 0.05),
                    pick(&phones, 0.1),
                    pick(&streets, 0.05),
                    pick(&cards, 0.3),
                    pick(&ibans, 0.3),
                    pick(&ips, 0.05),
                    {
                        let mut r = rand::rngs::StdRng::seed_from_u64(seed ^ 77 ^ b as u64);
                        Arc::new(TimestampMicrosecondArray::from_iter_values((0..n).map(
                            |_| r.gen_range(1_500_000_000_000_000i64..1_800_000_000_000_000),
                        )))
                    },
                    {
                        let mut r = rand::rngs::StdRng::seed_from_u64(seed ^ 78 ^ b as u64);
                        Arc::new(Float64Array::from_iter_values(
                            (0..n).map(|_| (r.gen_range(100..500_000) as f64) / 100.0),
                        ))
                    },
                    {
                        let mut r = rand::rngs::StdRng::seed_from_u64(seed ^ 79 ^ b as u64);
                        Arc::new(DictionaryArray::<Int32Type>::new(
                            (0..n)
                                .map(|_| r.gen_range(0..4))
                                .collect::<Vec<i32>>()
                                .into(),
                            Arc::new(StringArray::from(vec![
                                "active",
                                "churned",
                                "trial",
                                "suspended",
                            ])),
                        ))
                    },
                    {
                        let mut r = rand::rngs::StdRng::seed_from_u64(seed ^ 80 ^ b as u64);
                        Arc::new(StringArray::from(
                            (0..n)
                                .map(|_| {
                                    if r.gen_bool(0.2) {
                                        None
                                    } else if r.gen_bool(0.05) {
                                        Some(notes_pii[r.gen_range(0..notes_pii.len())].as_str())
                                    } else {
                                        Some(sentences[r.gen_range(0..sentences.len())].as_str())
                                    }
                                })
                                .collect::<Vec<_>>(),
                        ))
                    },
                    {
                        let mut r = rand::rngs::StdRng::seed_from_u64(seed ^ 81 ^ b as u64);
                        Arc::new(StringArray::from(
                            (0..n)
                                .map(|_| {
                                    if r.gen_bool(0.5) {
                                        None
                                    } else if r.gen_bool(0.02) {
                                        Some(notes_pii[r.gen_range(0..notes_pii.len())].as_str())
                                    } else {
                                        Some(sentences[r.gen_range(0..sentences.len())].as_str())
                                    }
                                })
                                .collect::<Vec<_>>(),
                        ))
                    },
                ];
                RecordBatch::try_new(schema.clone(), cols).expect("batch")
            })
            .collect();
        for b in made {
            w.write(&b).unwrap_or_else(|e| fail("write", &e));
        }
    }
    w.close().unwrap_or_else(|e| fail("finish", &e));
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "wrote {out}: {rows} rows, {:.1} MB in {:.1}s",
        size as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );
}
