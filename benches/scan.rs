//! End-to-end scans of a generated Parquet file: decode-only baseline, full
//! scan on 1 and 2 threads, sampled scan; batch throughput for each Arrow
//! string representation; and the fixed cost of a cold start (compiling the
//! rules, then the first batch of each kind of column). `cargo bench --bench scan`
//! (`PIIGATE_BENCH_FILE=/path/b5m.parquet` to use a file made with
//! `cargo run --release --example gen_bench_data`; otherwise 500k rows are generated.)

use std::sync::Arc;

use arrow::array::{
    ArrayRef, DictionaryArray, Int32Array, LargeStringArray, StringArray, StringViewArray,
};
use arrow::datatypes::{Field, Int32Type, Schema};
use arrow::record_batch::RecordBatch;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use piigate::{NoProgress, RuleSet, ScanConfig, Scanner};

#[path = "../tests/common/gen.rs"]
mod gen;

fn bench_file() -> String {
    if let Ok(f) = std::env::var("PIIGATE_BENCH_FILE") {
        return f;
    }
    let p = std::env::temp_dir().join("piigate-bench-500k.parquet");
    if !p.exists() {
        let status = std::process::Command::new(env!("CARGO"))
            .args([
                "run",
                "--release",
                "--example",
                "gen_bench_data",
                "--",
                "--rows",
                "500000",
                "--out",
                p.to_str().unwrap(),
            ])
            .status()
            .expect("run gen_bench_data");
        assert!(status.success());
    }
    p.display().to_string()
}

fn end_to_end(c: &mut Criterion) {
    let file = bench_file();
    let rules = Arc::new(RuleSet::builtin().unwrap());
    let mut g = c.benchmark_group("scan_file");
    g.sample_size(10);
    let run = |cfg: &ScanConfig| {
        piigate::scan_inputs(std::slice::from_ref(&file), rules.clone(), cfg, &NoProgress).unwrap()
    };
    let mut decode = ScanConfig {
        digest: false,
        ..Default::default()
    };
    decode.options.decode_only = true;
    g.bench_function("decode_only", |b| b.iter(|| run(&decode)));
    let full = ScanConfig {
        digest: false,
        ..Default::default()
    };
    g.bench_function("full_2_threads", |b| b.iter(|| run(&full)));
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    g.bench_function("full_1_thread", |b| b.iter(|| one.install(|| run(&full))));
    let mut sample = ScanConfig {
        digest: false,
        ..Default::default()
    };
    sample.options.sample = Some(20_000);
    g.bench_function("sample_20k", |b| b.iter(|| run(&sample)));
    g.finish();
}

fn representations(c: &mut Criterion) {
    let mut g0 = gen::Gen::new(5);
    let values: Vec<String> = (0..65_536)
        .map(|i| {
            if i % 3 == 0 {
                g0.email()
            } else if i % 3 == 1 {
                g0.phone()
            } else {
                g0.full_name()
            }
        })
        .collect();
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    let distinct: Vec<&str> = refs[..256].to_vec();
    let keys = Int32Array::from((0..65_536).map(|i| i % 256).collect::<Vec<_>>());
    let arrays: Vec<(&str, ArrayRef)> = vec![
        ("utf8", Arc::new(StringArray::from(refs.clone()))),
        ("large_utf8", Arc::new(LargeStringArray::from(refs.clone()))),
        ("utf8_view", Arc::new(StringViewArray::from(refs.clone()))),
        (
            "dictionary_256",
            Arc::new(DictionaryArray::<Int32Type>::new(
                keys,
                Arc::new(StringArray::from(distinct)),
            )),
        ),
    ];
    let scanner = Scanner::new(Arc::new(RuleSet::builtin().unwrap()));
    let mut g = c.benchmark_group("batch_65536_rows");
    g.throughput(Throughput::Elements(65_536));
    for (name, a) in arrays {
        let b = RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new(
                "contact",
                a.data_type().clone(),
                true,
            )])),
            vec![a],
        )
        .unwrap();
        g.bench_function(name, |bn| bn.iter(|| scanner.scan_batch(&b)));
    }
    g.finish();
}

/// What every process pays before its scan reaches speed: compiling the
/// built-in rules, then a first small batch of the bench's string columns,
/// which loads each rule's whole-value DFA (deserialised from the binary for
/// built-in rules; `build.rs`) and fills the per-thread regex caches.
fn cold_start(c: &mut Criterion) {
    let mut g0 = gen::Gen::new(9);
    let n = 1_024;
    let mut col = |f: &mut dyn FnMut(&mut gen::Gen) -> String| -> ArrayRef {
        Arc::new(StringArray::from(
            (0..n).map(|_| f(&mut g0)).collect::<Vec<_>>(),
        ))
    };
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("full_name", col(&mut |g| g.full_name())),
        ("email", col(&mut |g| g.email())),
        ("phone", col(&mut |g| g.phone())),
        ("street", col(&mut |g| g.street())),
        ("card_number", col(&mut |g| g.card())),
        ("iban", col(&mut |g| g.iban())),
        ("last_ip", col(&mut |g| g.ipv4())),
    ];
    let batch = RecordBatch::try_new(
        Arc::new(Schema::new(
            columns
                .iter()
                .map(|(name, a)| Field::new(*name, a.data_type().clone(), true))
                .collect::<Vec<_>>(),
        )),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .unwrap();
    let mut g = c.benchmark_group("cold_start");
    g.sample_size(10);
    g.bench_function("rules_compile", |b| b.iter(|| RuleSet::builtin().unwrap()));
    g.bench_function("rules_and_first_batch_1024_rows", |b| {
        b.iter(|| {
            let scanner = Scanner::new(Arc::new(RuleSet::builtin().unwrap()));
            scanner.scan_batch(&batch)
        })
    });
    g.finish();
}

criterion_group!(benches, representations, cold_start, end_to_end);
criterion_main!(benches);
