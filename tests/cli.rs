//! The CLI as a user runs it.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn piigate() -> Command {
    Command::cargo_bin("piigate").unwrap()
}

/// `piigate scan INPUT ARGS… --format json`, which must succeed, as JSON.
fn scan_json(input: &Path, args: &[&str]) -> serde_json::Value {
    let out = piigate()
        .arg("scan")
        .arg(input)
        .args(args)
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn fixtures() -> String {
    format!("{}/fixtures/data", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn scan_json_follows_the_report_contract() {
    let out = piigate()
        .args([
            "scan",
            &format!("{}/customers.parquet", fixtures()),
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["engine"]["name"], "piigate");
    assert!(r["rules"]["digest"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    assert!(r["dataset"]["content_digest"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    let t = &r["tables"][0];
    assert_eq!(t["name"], "customers");
    let email = t["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "email")
        .unwrap();
    assert_eq!(email["sensitivity"], "MODERATE");
    let e = &email["entities"][0];
    assert_eq!(e["type"], "EMAIL");
    assert!(e["confidence"].as_f64().unwrap() > 0.9);
    assert!(e["examples"][0].as_str().unwrap().contains("***@"));
    assert!(e["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x == "values"));
    assert_eq!(r["summary"]["sensitivity"], "HIGH");
}

#[test]
fn ndjson_has_one_line_per_column_and_a_summary() {
    let out = piigate()
        .args([
            "scan",
            &format!("{}/apac_latam.parquet", fixtures()),
            "--format",
            "ndjson",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 8);
    assert_eq!(lines.last().unwrap()["kind"], "summary");
}

#[test]
fn fail_on_gives_exit_1_at_or_above_the_level() {
    let f = format!("{}/customers.parquet", fixtures());
    piigate()
        .args(["scan", &f, "--fail-on", "HIGH", "--format", "json"])
        .assert()
        .code(1);
    let hn = format!("{}/hard_negatives.parquet", fixtures());
    piigate()
        .args(["scan", &hn, "--fail-on", "LOW", "--format", "json"])
        .assert()
        .code(0);
}

#[test]
fn sample_gives_the_same_tags_as_full_on_the_fixtures() {
    let f = format!("{}/payments.parquet", fixtures());
    let tags = |extra: &[&str]| {
        let r = scan_json(Path::new(&f), extra);
        r["tables"][0]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].to_string(),
                    c["entities"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| e["type"].to_string())
                        .collect::<Vec<_>>(),
                )
            })
            .collect::<Vec<_>>()
    };
    let full = tags(&["--full"]);
    let sampled = tags(&["--sample", "1000"]);
    let structured: Vec<_> = full.iter().filter(|(n, _)| !n.contains("memo")).collect();
    let sampled_s: Vec<_> = sampled
        .iter()
        .filter(|(n, _)| !n.contains("memo"))
        .collect();
    assert_eq!(structured, sampled_s);
}

#[test]
fn globs_directories_csv_and_ndjson() {
    let out = piigate()
        .args([
            "scan",
            &format!("{}/*.csv", fixtures()),
            &format!("{}/eu_citizens.ndjson", fixtures()),
            "--format",
            "json",
            "--no-digest",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let names: Vec<&str> = r["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["hr_employees", "eu_citizens"]);
}

#[test]
fn file_urls_are_read_through_object_store() {
    let url = format!("file://{}/apac_latam.parquet", fixtures());
    let out = piigate()
        .args(["scan", &url, "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        r["tables"][0]["columns"][0]["entities"][0]["type"],
        "IN_AADHAAR"
    );
}

#[test]
fn table_output_and_no_raw_values() {
    let out = piigate()
        .args([
            "scan",
            &format!("{}/hr_employees.csv", fixtures()),
            "--format",
            "table",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("US_SSN"));
    // No 3-2-4 digit run survives masking.
    assert!(
        !regex::Regex::new(r"\d{3}-\d{2}-\d{4}")
            .unwrap()
            .is_match(&text),
        "{text}"
    );
}

#[test]
fn tag_writes_same_values_with_tags_in_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tagged.parquet");
    let src = format!("{}/customers.parquet", fixtures());
    piigate()
        .args(["tag", &src, "--output", out.to_str().unwrap()])
        .assert()
        .success();
    let read = |p: &str| {
        let f = std::fs::File::open(p).unwrap();
        let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
        let kv = b
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .cloned()
            .unwrap_or_default();
        let schema = b.schema().clone();
        let batches: Vec<_> = b.build().unwrap().map(|x| x.unwrap()).collect();
        (schema, batches, kv)
    };
    let (_, orig, _) = read(&src);
    let (schema, tagged, kv) = read(out.to_str().unwrap());
    let orig = arrow::compute::concat_batches(&orig[0].schema(), &orig).unwrap();
    let tagged = arrow::compute::concat_batches(&tagged[0].schema(), &tagged).unwrap();
    assert_eq!(orig.columns(), tagged.columns(), "values must be unchanged");
    let f = schema.field_with_name("email").unwrap();
    assert_eq!(f.metadata()["piigate.entities"], "[\"EMAIL\"]");
    assert_eq!(f.metadata()["piigate.sensitivity"], "MODERATE");
    assert!(kv.iter().any(|k| k.key == "piigate.report"
        && k.value
            .as_deref()
            .unwrap_or("")
            .contains("\"schema_version\":1")));
}

#[test]
fn rules_list_and_test() {
    piigate()
        .args(["rules", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("credit_card"))
        .stdout(predicate::str::contains("CREDIT_CARD"));
    piigate()
        .args(["rules", "test", "credit_card", "4111 1111 1111 1111"])
        .assert()
        .success()
        .stdout(predicate::str::contains("CREDIT_CARD"));
    piigate()
        .args(["rules", "test", "credit_card", "4111 1111 1111 1112"])
        .assert()
        .code(1);
    piigate()
        .args(["rules", "test"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 failures"));
}

/// The content digest, hashed beside the scan, is the manifest of exactly
/// the inputs that scanned (a file that fails to scan is in `errors`, not in
/// the digest), whatever the thread count; computed here from the bytes.
#[test]
fn content_digest_covers_exactly_the_scanned_files() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    for f in ["customers.parquet", "hr_employees.csv"] {
        std::fs::copy(format!("{}/{f}", fixtures()), dir.path().join(f)).unwrap();
    }
    std::fs::write(dir.path().join("broken.parquet"), b"PAR1 not really").unwrap();
    // Manifest v2: a version line, then one JSON array per file, sorted by name.
    let mut manifest = String::from("piigate-manifest-v2\n");
    for f in ["customers.parquet", "hr_employees.csv"] {
        let bytes = std::fs::read(dir.path().join(f)).unwrap();
        manifest += &format!(
            "[\"{f}\",{},\"{}\"]\n",
            bytes.len(),
            hex::encode(Sha256::digest(&bytes))
        );
    }
    let want = format!(
        "sha256:{}",
        hex::encode(Sha256::digest(manifest.as_bytes()))
    );
    for threads in ["1", "2"] {
        let out = piigate()
            .args([
                "scan",
                dir.path().to_str().unwrap(),
                "--format",
                "json",
                "--threads",
                threads,
            ])
            .assert()
            .code(2)
            .get_output()
            .stdout
            .clone();
        let r: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            r["dataset"]["content_digest"],
            want.as_str(),
            "--threads {threads}"
        );
        assert_eq!(r["tables"].as_array().unwrap().len(), 2);
        assert!(r["errors"][0]["source"]
            .as_str()
            .unwrap()
            .ends_with("broken.parquet"));
    }
}

/// #28: a full scan never reports less than a sample of the same data: on
/// notes where identifiers and phones share a shape and a few rows hold
/// each, every entity a sample finds is in the full report.
#[test]
fn a_full_scan_reports_everything_a_sample_of_it_reports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.csv");
    let mut csv = String::from("id,notes\n");
    let mut ids = crate::scanner_api::Ids(42);
    let fillers = [
        "seen today follow up in two weeks",
        "bloods normal no change",
        "referred to clinic review meds",
    ];
    for i in 0..20_000u64 {
        let f = fillers[(i % 3) as usize];
        let extra = match ids.next(100) {
            // An NHS number after its word.
            0..=2 => format!(" NHS no {}", ids.nhs()),
            3..=5 => format!(" call back on 020 7946 {:04}", ids.next(10_000)),
            6 => format!(" email j.smith{}@example.org", ids.next(1000)),
            _ => String::new(),
        };
        csv.push_str(&format!("{i},{f}{extra}\n"));
    }
    std::fs::write(&path, csv).unwrap();
    let entities = |args: &[&str]| -> std::collections::BTreeSet<String> {
        let r = scan_json(&path, args);
        r["tables"][0]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| {
                let name = c["name"].as_str().unwrap().to_string();
                c["entities"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(move |e| format!("{name}:{}", e["type"].as_str().unwrap()))
            })
            .collect()
    };
    let full = entities(&["--full"]);
    for expected in ["notes:UK_NHS", "notes:PHONE", "notes:EMAIL"] {
        assert!(full.contains(expected), "{expected} not in {full:?}");
    }
    for (sample, seed) in [("500", "1"), ("2000", "2"), ("5000", "3")] {
        let part = entities(&["--sample", sample, "--seed", seed]);
        assert!(
            part.is_subset(&full),
            "the sample of {sample} found {:?} that the full scan did not",
            part.difference(&full).collect::<Vec<_>>()
        );
    }
}

/// A reader that goes away (`piigate scan … | head`) ends a command quietly
/// with exit 0, not with an error or a panic.
#[test]
fn a_closed_standard_output_ends_a_command_quietly() {
    let fixtures = fixtures();
    for args in [
        vec!["scan", fixtures.as_str(), "--format", "json"],
        vec!["rules", "schema"],
        vec!["rules", "list"],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("piigate"))
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(
            !err.contains("error") && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}
