//! Bad input: a clear error naming the input, exit 2, never a panic; a bad file
//! in a directory does not lose the report for the good ones.

use assert_cmd::Command;
use predicates::prelude::*;

fn piigate() -> Command {
    Command::cargo_bin("piigate").unwrap()
}

fn fixture(name: &str) -> String {
    format!("{}/fixtures/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn missing_path_names_the_input() {
    piigate()
        .args(["scan", "/no/such/file.parquet"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/file.parquet"));
}

#[test]
fn truncated_and_non_parquet_files_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(fixture("customers.parquet")).unwrap();
    let trunc = dir.path().join("trunc.parquet");
    std::fs::write(&trunc, &good[..good.len() / 2]).unwrap();
    let fake = dir.path().join("fake.parquet");
    std::fs::write(&fake, b"this is not parquet at all").unwrap();
    for p in [&trunc, &fake] {
        piigate()
            .args(["scan", p.to_str().unwrap(), "--format", "json"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                p.file_name().unwrap().to_str().unwrap(),
            ))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn a_bad_file_in_a_directory_keeps_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("customers.parquet"),
        dir.path().join("customers.parquet"),
    )
    .unwrap();
    std::fs::write(dir.path().join("broken.parquet"), b"PAR1garbagePAR1").unwrap();
    let out = piigate()
        .args(["scan", dir.path().to_str().unwrap(), "--format", "json"])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["tables"].as_array().unwrap().len(), 1);
    assert_eq!(report["tables"][0]["name"], "customers");
    assert!(report["errors"][0]["source"]
        .as_str()
        .unwrap()
        .contains("broken.parquet"));
}

#[test]
fn invalid_rule_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.toml"), "[[rule]]\nid = \"bad\"\n").unwrap();
    piigate()
        .args([
            "scan",
            &fixture("customers.parquet"),
            "--rules",
            dir.path().to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("r.toml"));
}

#[test]
fn unreadable_object_url_is_an_error() {
    piigate()
        .args(["scan", "file:///no/such/dir/x.parquet"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("file:///no/such/dir/x.parquet"));
    piigate()
        .args(["scan", "ftp://example.com/x.parquet"])
        .assert()
        .code(2);
}

#[test]
fn a_50_mb_value_is_scanned_without_trouble() {
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let big = "x".repeat(50 * 1024 * 1024) + " contact ana.silva@example.com";
    let a: arrow::array::ArrayRef = Arc::new(arrow::array::StringArray::from(vec![
        big.as_str(),
        "li.wei@example.net",
    ]));
    let b = arrow::record_batch::RecordBatch::try_new(
        Arc::new(arrow::datatypes::Schema::new(vec![
            arrow::datatypes::Field::new("blob", arrow::datatypes::DataType::Utf8, true),
        ])),
        vec![a],
    )
    .unwrap();
    let p = dir.path().join("big.parquet");
    crate::common::gen::write_parquet(&p, &b);
    let out = piigate()
        .args([
            "scan",
            p.to_str().unwrap(),
            "--format",
            "json",
            "--no-digest",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let warnings = report["tables"][0]["warnings"].to_string();
    assert!(warnings.contains("oversized"), "{warnings}");
}
