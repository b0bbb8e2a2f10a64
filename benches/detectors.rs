//! Per-value detector cost on realistic value mixes (hits and near-misses),
//! against a naive baseline that runs every rule's regex on every value.
//! `cargo bench --bench detectors`

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use piigate::RuleSet;
use piigate::{ColumnHints, Detector, Scratch};

#[path = "common/naive.rs"]
mod naive;

#[path = "../tests/common/gen.rs"]
mod gen;

fn mixes() -> Vec<(&'static str, Vec<String>)> {
    let mut g = gen::Gen::new(11);
    let n = 2000;
    let mut v = |f: fn(&mut gen::Gen) -> String| (0..n).map(|_| f(&mut g)).collect::<Vec<_>>();
    vec![
        ("email", v(gen::Gen::email)),
        ("phone", v(gen::Gen::phone)),
        ("card", v(gen::Gen::card)),
        ("card_near_miss", v(gen::Gen::non_luhn_16)),
        ("iban", v(gen::Gen::iban)),
        ("iban_near_miss", v(gen::Gen::bad_iban)),
        ("ssn", v(|g| g.ssn(true))),
        ("name", v(gen::Gen::full_name)),
        ("street", v(gen::Gen::street)),
        ("ipv4", v(gen::Gen::ipv4)),
        ("uuid", v(gen::Gen::uuid)),
        ("timestamp", v(gen::Gen::timestamp)),
        (
            "sentence",
            v(|g| {
                let k = rand::Rng::gen_range(&mut g.rng, 8..20);
                g.sentence(k)
            }),
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let rules = Arc::new(RuleSet::builtin().expect("rules"));
    let det = Detector::new(rules.clone());
    let hints = ColumnHints::none(&rules);
    // The naive baseline: every pattern of every rule, separately, on every value.
    let naive = naive::naive_regexes(&rules);
    let mut group = c.benchmark_group("per_value");
    for (name, values) in mixes() {
        group.throughput(Throughput::Elements(values.len() as u64));
        group.bench_function(format!("piigate/{name}"), |b| {
            let mut s = Scratch::default();
            b.iter(|| {
                for v in &values {
                    det.detect(black_box(v), &hints, &mut s);
                    black_box(s.hits.len());
                }
            })
        });
        group.bench_function(format!("naive/{name}"), |b| {
            b.iter(|| {
                let mut n = 0;
                for v in &values {
                    for re in &naive {
                        n += re.find_iter(black_box(v)).count();
                    }
                }
                black_box(n)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
