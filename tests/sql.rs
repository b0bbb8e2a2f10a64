//! DataFusion functions tested through SQL, and the two engines compared.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, DictionaryArray, Int32Array, LargeStringArray, StringArray,
    StringViewArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Int32Type, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::prelude::SessionContext;

fn ctx_with(cols: Vec<(&str, ArrayRef)>) -> SessionContext {
    let ctx = SessionContext::new();
    piigate::sql::register_all(&ctx);
    let schema = Arc::new(Schema::new(
        cols.iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    ));
    let b = RecordBatch::try_new(schema, cols.into_iter().map(|(_, a)| a).collect()).unwrap();
    ctx.register_batch("t", b).unwrap();
    ctx
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn query(ctx: &SessionContext, sql: &str) -> Vec<RecordBatch> {
    rt().block_on(async { ctx.sql(sql).await.unwrap().collect().await.unwrap() })
}

fn strings(b: &[RecordBatch], col: usize) -> Vec<Option<String>> {
    b.iter()
        .flat_map(|b| {
            let a = datafusion::arrow::compute::cast(b.column(col), &DataType::Utf8).unwrap();
            let s = a.as_string::<i32>().clone();
            (0..s.len())
                .map(move |i| (!s.is_null(i)).then(|| s.value(i).to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

const VALUES: [Option<&str>; 4] = [
    Some("mail ana.silva@example.com now"),
    None,
    Some("card 4111 1111 1111 1111"),
    Some("nothing here"),
];

fn every_string_type() -> Vec<(&'static str, ArrayRef)> {
    let keys = Int32Array::from(vec![Some(0), None, Some(1), Some(2)]);
    let dict_vals = StringArray::from(vec![
        "mail ana.silva@example.com now",
        "card 4111 1111 1111 1111",
        "nothing here",
    ]);
    vec![
        (
            "utf8",
            Arc::new(StringArray::from(VALUES.to_vec())) as ArrayRef,
        ),
        ("large", Arc::new(LargeStringArray::from(VALUES.to_vec()))),
        ("view", Arc::new(StringViewArray::from(VALUES.to_vec()))),
        (
            "dict",
            Arc::new(DictionaryArray::<Int32Type>::new(keys, Arc::new(dict_vals))),
        ),
    ]
}

#[test]
fn pii_entities_and_pii_has_on_every_string_type_with_nulls() {
    let ctx = ctx_with(every_string_type());
    for col in ["utf8", "large", "view", "dict"] {
        let b = query(&ctx, &format!("SELECT array_to_string(pii_entities({col}), ','), pii_has({col}, 'CREDIT_CARD') FROM t"));
        assert_eq!(
            strings(&b, 0),
            vec![
                Some("EMAIL".into()),
                None,
                Some("CREDIT_CARD".into()),
                Some("".into())
            ],
            "{col}"
        );
        assert_eq!(
            strings(&b, 1),
            vec![
                Some("false".into()),
                None,
                Some("true".into()),
                Some("false".into())
            ],
            "{col}"
        );
    }
}

#[test]
fn pii_mask_and_pii_hash() {
    let ctx = ctx_with(every_string_type());
    let b = query(&ctx, "SELECT pii_mask(utf8), pii_mask(utf8, 'EMAIL'), pii_hash(dict, 'k'), pii_hash(utf8, 'k') FROM t");
    assert_eq!(
        strings(&b, 0),
        vec![
            Some("mail a***@e***.com now".into()),
            None,
            Some("card #### #### #### ####".into()),
            Some("nothing here".into())
        ]
    );
    assert_eq!(
        strings(&b, 1)[2],
        Some("card 4111 1111 1111 1111".into()),
        "only EMAIL is masked"
    );
    let h = strings(&b, 2);
    assert!(h[0].as_ref().unwrap().starts_with("h:"));
    assert_eq!(h[1], None);
    assert_eq!(
        h[0],
        strings(&b, 3)[0],
        "dictionary and plain strings hash alike"
    );
}

#[test]
fn pii_profile_is_an_aggregate_over_partitions() {
    let ctx = SessionContext::new();
    piigate::sql::register_all(&ctx);
    let schema = Arc::new(Schema::new(vec![
        Field::new("email", DataType::Utf8, true),
        Field::new("k", DataType::Int32, false),
    ]));
    // Several partitions: the partial profiles are merged by DataFusion.
    let parts: Vec<Vec<RecordBatch>> = (0..4)
        .map(|p| {
            let e: ArrayRef = Arc::new(StringArray::from(vec![
                format!("user{p}a@example.com"),
                format!("user{p}b@example.org"),
                "n/a".to_string(),
            ]));
            let k: ArrayRef = Arc::new(Int32Array::from(vec![p, p, p]));
            vec![RecordBatch::try_new(schema.clone(), vec![e, k]).unwrap()]
        })
        .collect();
    let mem = datafusion::datasource::MemTable::try_new(schema, parts).unwrap();
    ctx.register_table("t", Arc::new(mem)).unwrap();
    let b = query(&ctx, "SELECT array_to_string(pii_profile(email)['entities'], ','), pii_profile(email)['sensitivity'] FROM t");
    assert_eq!(strings(&b, 0), vec![Some("EMAIL".into())]);
    assert_eq!(strings(&b, 1), vec![Some("MODERATE".into())]);
    // Grouped: one profile per group.
    let b = query(&ctx, "SELECT k, array_to_string(pii_profile(email)['entities'], ',') FROM t GROUP BY k ORDER BY k");
    assert_eq!(strings(&b, 1), vec![Some("EMAIL".into()); 4]);
    // Empty table.
    let b = query(
        &ctx,
        "SELECT pii_profile(email)['sensitivity'] FROM t WHERE k > 100",
    );
    assert_eq!(strings(&b, 0), vec![Some("NONE".into())]);
}

#[test]
fn both_engines_give_the_same_report_on_every_fixture() {
    let dir = format!("{}/fixtures/data", env!("CARGO_MANIFEST_DIR"));
    let rules = Arc::new(piigate::RuleSet::builtin().unwrap());
    let mut cfg = piigate::ScanConfig {
        digest: false,
        ..Default::default()
    };
    let native =
        piigate::scan_inputs(&[dir.clone()], rules.clone(), &cfg, &piigate::NoProgress).unwrap();
    cfg.engine = piigate::Engine::DataFusion;
    let df = piigate::scan_inputs(&[dir], rules, &cfg, &piigate::NoProgress).unwrap();
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(native.tables.len(), df.tables.len());
    for (a, b) in native.tables.iter().zip(&df.tables) {
        assert_eq!(a, b, "table {}", a.name);
    }
    assert_eq!(native.summary, df.summary);
}

#[test]
fn sql_command_over_files() {
    let f = format!(
        "{}/fixtures/data/customers.parquet",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = assert_cmd::Command::cargo_bin("piigate")
        .unwrap()
        .args([
            "sql",
            "SELECT count(*) AS n FROM c WHERE pii_has(email, 'EMAIL')",
            "--table",
            &format!("c={f}"),
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value =
        serde_json::from_str(String::from_utf8(out).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(v["n"], 1428);
}
