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
    let rows = sql_json(
        "SELECT count(*) AS n FROM c WHERE pii_has(email, 'EMAIL')",
        &format!("c={f}"),
    );
    assert_eq!(rows[0]["n"], 1428);
}

/// `piigate sql QUERY --table TABLE --format json`: one JSON object per row.
fn sql_json(query: &str, table: &str) -> Vec<serde_json::Value> {
    let out = assert_cmd::Command::cargo_bin("piigate")
        .unwrap()
        .args(["sql", query, "--table", table, "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// SQL tables read text files as the scan does: a `.tsv` splits on tabs,
/// and the same file scanned and queried gives the same column names.
#[test]
fn sql_reads_tsv_as_the_scan_does() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("contacts.tsv");
    std::fs::write(
        &f,
        "name\temail\nAna Silva\tana.silva@example.com\nLi Wei\tli.wei@example.org\nJo Park\t\n",
    )
    .unwrap();
    let rows = sql_json(
        "SELECT name, pii_has(email, 'EMAIL') AS e FROM c ORDER BY name",
        &format!("c={}", f.display()),
    );
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ana Silva", "Jo Park", "Li Wei"]);
    assert_eq!(rows[0]["e"], true);
    let report = piigate::scan_inputs(
        &[f.display().to_string()],
        Arc::new(piigate::RuleSet::builtin().unwrap()),
        &piigate::ScanConfig::default(),
        &piigate::NoProgress,
    )
    .unwrap();
    let cols: Vec<&str> = report.tables[0]
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(cols, ["name", "email"]);
}

fn read_parquet(p: &std::path::Path) -> Vec<RecordBatch> {
    let f = std::fs::File::open(p).unwrap();
    parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap()
        .map(|b| b.unwrap())
        .collect()
}

/// `export --redact` builds its copy as a DataFusion plan of the pii_*
/// functions when the build has them. Both drivers must write the same
/// bytes: an approval requested from a lean build must verify against an
/// export from a full build (the content digest is over those bytes).
#[test]
fn both_redaction_drivers_write_the_same_bytes_and_no_raw_values() {
    use piigate::redact::{redact_file, NativeDriver, RedactKey};
    use piigate::sql::DataFusionDriver;
    let rules = Arc::new(piigate::RuleSet::builtin().unwrap());
    let key = RedactKey::new("redaction-key");
    let dir = tempfile::tempdir().unwrap();
    let rt = rt();
    let data = format!("{}/fixtures/data", env!("CARGO_MANIFEST_DIR"));
    let mut rewritten = 0;
    for name in [
        "customers.parquet",
        "payments.parquet",
        "messy_crm.parquet",
        "apac_latam.parquet",
        "devices_logs.parquet",
        "hard_negatives.parquet",
    ] {
        let files = piigate::resolve_inputs(&[format!("{data}/{name}")], &rt).0;
        let f = &files[0];
        let native = dir.path().join(format!("native-{name}"));
        let df = dir.path().join(format!("df-{name}"));
        redact_file(f, &native, rules.clone(), Some(&key), &NativeDriver).unwrap();
        redact_file(f, &df, rules.clone(), Some(&key), &DataFusionDriver).unwrap();
        assert!(
            std::fs::read(&native).unwrap() == std::fs::read(&df).unwrap(),
            "{name}: the two drivers wrote different bytes"
        );
        // Every column the policy rewrites: no original value survives.
        let report = piigate::scan_inputs(
            &[format!("{data}/{name}")],
            rules.clone(),
            &piigate::ScanConfig {
                digest: false,
                ..Default::default()
            },
            &piigate::NoProgress,
        )
        .unwrap();
        let orig = read_parquet(std::path::Path::new(&format!("{data}/{name}")));
        let red = read_parquet(&df);
        let plan = piigate::redact::RedactionPlan::new(
            name,
            &orig[0].schema(),
            &report.tables[0],
            &rules,
            true,
        )
        .unwrap();
        assert_eq!(
            red.iter().map(|b| b.num_rows()).sum::<usize>(),
            orig.iter().map(|b| b.num_rows()).sum::<usize>()
        );
        for (i, p) in plan.fields.iter().enumerate() {
            let whole = |bs: &[RecordBatch]| {
                let cols: Vec<&dyn Array> = bs.iter().map(|b| b.column(i).as_ref()).collect();
                datafusion::arrow::compute::concat(&cols).unwrap()
            };
            if p.action == piigate::redact::Action::Keep {
                assert!(
                    whole(&orig).as_ref() == whole(&red).as_ref(),
                    "{name}.{}: kept columns are copied",
                    p.name
                );
                continue;
            }
            let before = strings(&orig, i);
            let after = strings(&red, i);
            rewritten += 1;
            if p.action == piigate::redact::Action::MaskSpans {
                // Free text: rows without PII stay as they are; every row with
                // a detected span changes.
                let col = report.tables[0]
                    .columns
                    .iter()
                    .find(|c| c.name == p.name)
                    .unwrap();
                let matched = col.entities.iter().map(|e| e.matched_rows).max().unwrap();
                let changed = before.iter().zip(&after).filter(|(b, a)| b != a).count() as u64;
                assert!(
                    changed >= matched,
                    "{name}.{}: {changed} rows changed, {matched} hold PII",
                    p.name
                );
                continue;
            }
            let leaked = before
                .iter()
                .zip(&after)
                .filter(|(b, a)| {
                    b.as_deref()
                        .is_some_and(|b| b.trim().len() > 3 && a.as_deref() == Some(b))
                })
                .count();
            assert_eq!(leaked, 0, "{name}.{}: values copied unchanged", p.name);
        }
    }
    assert!(rewritten >= 15, "only {rewritten} columns were rewritten");
}

#[test]
fn pii_mask_as_masks_the_whole_value_in_the_entity_format() {
    let ctx = ctx_with(vec![(
        "v",
        Arc::new(StringArray::from(vec![
            Some("jane.doe@example.com"),
            None,
            Some("Zyxw Qvbn"),
        ])) as ArrayRef,
    )]);
    let b = query(
        &ctx,
        "SELECT pii_mask_as(v, 'EMAIL'), pii_mask_as(v, 'PERSON_NAME') FROM t",
    );
    assert_eq!(strings(&b, 0)[0].as_deref(), Some("j***@e***.com"));
    assert_eq!(strings(&b, 0)[1], None);
    // Not a dictionary name, masked all the same: the column is already classified.
    let n = strings(&b, 1)[2].clone().unwrap();
    assert!(!n.contains("yxw") && n.starts_with('Z'), "{n}");
}

/// #25: a table read from a URL is registered on a locked store: the session
/// reads it, and a write through that store is refused, nothing written.
#[test]
fn tables_from_urls_are_registered_read_only() {
    use object_store::ObjectStoreExt;
    let dir = tempfile::tempdir().unwrap();
    let src =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/data/customers.parquet");
    std::fs::copy(&src, dir.path().join("customers.parquet")).unwrap();
    let url = format!("file://{}/customers.parquet", dir.path().display());
    let rt = rt();
    let (files, errors) = piigate::resolve_inputs(&[url], &rt);
    assert!(errors.is_empty(), "{errors:?}");
    let ctx = SessionContext::new();
    rt.block_on(piigate::sql::register_input(&ctx, "t", &files[0]))
        .unwrap();
    let n = query(&ctx, "SELECT COUNT(*) AS n FROM t");
    assert_eq!(n[0].num_rows(), 1);
    let store = ctx
        .runtime_env()
        .object_store(
            datafusion::execution::object_store::ObjectStoreUrl::parse("file://").unwrap(),
        )
        .unwrap();
    let target =
        object_store::path::Path::from_absolute_path(dir.path().join("evil.parquet")).unwrap();
    let e = rt
        .block_on(store.put(&target, b"stolen".to_vec().into()))
        .unwrap_err();
    assert!(
        matches!(
            piigate::gate::store::refusal_of(&e),
            Some(piigate::gate::Refusal::OperationNotAllowed(_))
        ),
        "{e}"
    );
    assert!(!dir.path().join("evil.parquet").exists());
}
