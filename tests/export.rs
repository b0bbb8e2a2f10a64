//! The export gate against a real S3-compatible server on 127.0.0.1 (moto's
//! server, started here; `.ci/run` installs it), and over object_store's local
//! filesystem store. Every refusal is checked by listing the bucket afterwards.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use assert_cmd::Command;
use object_store::ObjectStoreExt;
use predicates::prelude::*;

pub struct S3Server {
    pub child: Child,
    pub port: u16,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn http(port: u16, method: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let code = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, out)
}

/// Start moto's S3 server on a free loopback port.
pub fn start_s3() -> S3Server {
    let port = free_port();
    let bin = std::env::var("PIIGATE_TEST_MOTO").unwrap_or_else(|_| "moto_server".into());
    let child = StdCommand::new(&bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin} (pip install 'moto[server]'): {e}"));
    let server = S3Server { child, port };
    wait_for_port(port, Duration::from_secs(10), "moto_server");
    server
}

/// Wait until a server accepts connections on 127.0.0.1:`port`.
pub fn wait_for_port(port: u16, limit: Duration, what: &str) {
    let t = std::time::Instant::now();
    while t.elapsed() < limit {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not start on port {port}");
}

impl S3Server {
    pub fn bucket(&self, name: &str) {
        let (code, body) = http(self.port, "PUT", &format!("/{name}"));
        assert_eq!(code, 200, "create bucket: {body}");
    }
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
    pub fn store(&self, bucket: &str) -> object_store::aws::AmazonS3 {
        object_store::aws::AmazonS3Builder::new()
            .with_endpoint(self.endpoint())
            .with_allow_http(true)
            .with_bucket_name(bucket)
            .with_region("us-east-1")
            .with_access_key_id("test")
            .with_secret_access_key("test")
            .build()
            .unwrap()
    }
    /// Every key in the bucket, listed through a real S3 client.
    pub fn keys(&self, bucket: &str) -> Vec<String> {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let store = self.store(bucket);
        rt.block_on(async {
            use futures::TryStreamExt;
            let mut v: Vec<String> = object_store::ObjectStore::list(&store, None)
                .map_ok(|m| m.location.to_string())
                .try_collect()
                .await
                .unwrap();
            v.sort();
            v
        })
    }
    pub fn get(&self, bucket: &str, key: &str) -> Vec<u8> {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let store = self.store(bucket);
        rt.block_on(async {
            store
                .get(&object_store::path::Path::from(key))
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
                .to_vec()
        })
    }
}

/// A scratch home with a signing key, its public key set, and helpers.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub endpoint: String,
    /// More environment for every command (an Azure emulator's, say).
    pub extra: Vec<(&'static str, String)>,
}

impl Env {
    pub fn new(endpoint: &str) -> Self {
        let e = Env {
            dir: tempfile::tempdir().unwrap(),
            endpoint: endpoint.to_string(),
            extra: Vec::new(),
        };
        e.cmd()
            .args([
                "keygen",
                "--out",
                e.p("key.json").to_str().unwrap(),
                "--public",
                e.p("keys.json").to_str().unwrap(),
            ])
            .assert()
            .success();
        e.cmd()
            .args([
                "keygen",
                "--out",
                e.p("other.json").to_str().unwrap(),
                "--public",
                e.p("other-pub.json").to_str().unwrap(),
            ])
            .assert()
            .success();
        e
    }
    pub fn p(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("piigate").unwrap();
        c.env("PIIGATE_HOME", self.p("home"))
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT", &self.endpoint)
            .env("AWS_ALLOW_HTTP", "true")
            .env_remove("PIIGATE_SERVER")
            .envs(self.extra.iter().cloned());
        c
    }
    /// The same, with `vars` set for every command.
    pub fn with_env(mut self, vars: Vec<(&'static str, String)>) -> Self {
        self.extra = vars;
        self
    }
    /// Issue a token for `input` to `dest` with extra flags; returns the token file.
    pub fn token(
        &self,
        name: &str,
        key: &str,
        input: &Path,
        dest: &str,
        extra: &[&str],
    ) -> PathBuf {
        let mut args = vec![
            "issue-token",
            "--key",
            key,
            input.to_str().unwrap(),
            "--dest",
            dest,
        ];
        args.extend_from_slice(extra);
        let out = self
            .cmd()
            .args(&args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let p = self.p(name);
        std::fs::write(&p, out).unwrap();
        p
    }
    /// `piigate export INPUT --to TO --token-file TOKEN --keys keys.json`,
    /// ready for more flags.
    pub fn export_cmd(&self, input: &Path, to: &str, token: &Path) -> Command {
        let mut c = self.cmd();
        c.args([
            "export",
            input.to_str().unwrap(),
            "--to",
            to,
            "--token-file",
            token.to_str().unwrap(),
            "--keys",
            self.p("keys.json").to_str().unwrap(),
        ]);
        c
    }
    pub fn export(&self, input: &Path, to: &str, token: &Path) -> assert_cmd::assert::Assert {
        self.export_cmd(input, to, token).assert()
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/data")
        .join(name)
}

#[test]
fn every_refusal_has_its_reason_and_writes_nothing() {
    let s3 = start_s3();
    s3.bucket("gate");
    s3.bucket("gate-evil");
    let env = Env::new(&s3.endpoint());
    let key = env.p("key.json");
    let key = key.to_str().unwrap();
    let other = env.p("other.json");
    let data = fixture("customers.parquet");
    let dest = "s3://gate/exports/";

    // Each case: (token flags, key, export destination, expected reason).
    let cases: Vec<(&str, Vec<&str>, &str, &str, &str)> = vec![
        (
            "unknown_kid",
            vec![],
            other.to_str().unwrap(),
            dest,
            "unknown key id",
        ),
        ("expired", vec!["--ttl=-3600"], key, dest, "expired"),
        (
            "not_yet",
            vec!["--nbf-offset", "3600"],
            key,
            dest,
            "not yet valid",
        ),
        (
            "audience",
            vec!["--audience", "someone-else"],
            key,
            dest,
            "wrong audience",
        ),
        (
            "prefix",
            vec![],
            key,
            "s3://gate/other/",
            "wrong destination",
        ),
        (
            "traversal",
            vec![],
            key,
            "s3://gate/exports/../secret/",
            "wrong destination",
        ),
        (
            "encoded",
            vec![],
            key,
            "s3://gate/exports/%2e%2e/secret/",
            "wrong destination",
        ),
        (
            "bucket",
            vec![],
            key,
            "s3://gate-evil/exports/",
            "wrong destination",
        ),
        (
            "bytes",
            vec!["--max-bytes", "1000"],
            key,
            dest,
            "limit exceeded",
        ),
        (
            "objects",
            vec!["--max-objects", "0"],
            key,
            dest,
            "limit exceeded",
        ),
        (
            "ops",
            vec!["--ops", "copy"],
            key,
            dest,
            "operation not allowed",
        ),
    ];
    for (name, flags, k, to, reason) in cases {
        let t = env.token(name, k, &data, dest, &flags);
        env.export(&data, to, &t)
            .code(3)
            .stderr(predicate::str::contains(reason));
        assert!(s3.keys("gate").is_empty(), "{name}: bucket changed");
        assert!(
            s3.keys("gate-evil").is_empty(),
            "{name}: other bucket changed"
        );
    }

    // No token at all.
    env.export(&data, dest, &env.p("no-such-token"))
        .code(3)
        .stderr(predicate::str::contains("missing"));
    // A forged token: signed by another key but claiming the trusted key id.
    let genuine = std::fs::read_to_string(env.token("genuine", key, &data, dest, &[])).unwrap();
    let foreign =
        std::fs::read_to_string(env.token("foreign", other.to_str().unwrap(), &data, dest, &[]))
            .unwrap();
    let footer = genuine.trim().rsplit('.').next().unwrap();
    let mut parts: Vec<&str> = foreign.trim().split('.').collect();
    parts[3] = footer;
    std::fs::write(env.p("forged"), parts.join(".")).unwrap();
    env.export(&data, dest, &env.p("forged"))
        .code(3)
        .stderr(predicate::str::contains("bad signature"));
    // Content changed after approval: one byte.
    let mut bytes = std::fs::read(&data).unwrap();
    let copy = env.p("customers.parquet");
    std::fs::write(&copy, &bytes).unwrap();
    let t = env.token("changed", key, &copy, dest, &[]);
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&copy, &bytes).unwrap();
    env.export(&copy, dest, &t)
        .code(3)
        .stderr(predicate::str::contains("content digest mismatch"));
    assert!(s3.keys("gate").is_empty());

    // The valid token writes identical bytes; replaying it is refused.
    let t = env.token("valid", key, &data, dest, &["--jti", "valid-1"]);
    env.export(&data, dest, &t)
        .success()
        .stdout(predicate::str::contains(
            "s3://gate/exports/customers.parquet",
        ));
    // The data, and the create-only marker that makes the token single-use.
    let written = vec![
        "exports/.piigate/redeemed/valid-1",
        "exports/customers.parquet",
    ];
    assert_eq!(s3.keys("gate"), written);
    assert_eq!(
        s3.get("gate", "exports/customers.parquet"),
        std::fs::read(&data).unwrap()
    );
    env.export(&data, dest, &t)
        .code(3)
        .stderr(predicate::str::contains("already used"));
    assert_eq!(s3.keys("gate"), written);

    // Every decision is in the audit log, and the log verifies.
    env.cmd()
        .args(["audit", "verify"])
        .assert()
        .success()
        .stdout(predicate::str::contains("intact"));
    let conn = rusqlite::Connection::open(env.p("home/audit.db")).unwrap();
    let refusals: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM audit_events WHERE kind = 'refusal'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(refusals >= 14, "refusals recorded: {refusals}");
    let all = piigate::audit::events(&conn, 0, 10_000).unwrap();
    let text = serde_json::to_string(&all).unwrap();
    assert!(
        !text.contains(genuine.trim()),
        "tokens never reach the audit log"
    );
}

#[test]
fn copy_rename_and_delete_need_their_own_approval() {
    use piigate::gate::{
        Approval, ApprovalToken, Destination, GatedStore, KeySet, LocalLedger, SigningKey, Verifier,
    };
    let s3 = start_s3();
    s3.bucket("ops");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let src = fixture("apac_latam.parquet");
    let files = piigate::resolve_inputs(&[src.display().to_string()], &rt).0;
    let manifest = piigate::gate::digest::manifest_of_local(&files).unwrap();
    let key = SigningKey::generate().unwrap();
    let dest = Destination::parse("s3://ops/out/").unwrap().to_string();
    let claims = piigate::gate::ApprovalClaims {
        jti: "ops-1".into(),
        dataset_id: "apac".into(),
        max_objects: 5,
        endpoint: s3.endpoint(),
        ..crate::common::claims_for(&manifest, &dest, vec![piigate::gate::Op::Put])
    };
    let token = key.sign(&claims).unwrap();
    assert!(!format!("{token:?}").contains("v4.public"));
    let verifier = Verifier::new(KeySet::new([key.verifying_key()]), "piigate-export");
    let ledger = LocalLedger::open(dir.path().join("ledger.db")).unwrap();
    let inner = object_store::prefix::PrefixStore::new(s3.store("ops"), "out");
    let gated = rt
        .block_on(GatedStore::authorize(
            inner,
            &Destination::parse("s3://ops/out/")
                .unwrap()
                .at_endpoint(&s3.endpoint()),
            &verifier,
            &ledger,
            &Approval::new(token.clone(), manifest),
            None,
        ))
        .unwrap();
    let bytes = std::fs::read(&src).unwrap();
    let path = object_store::path::Path::from("apac_latam.parquet");
    rt.block_on(gated.put(&path, bytes.clone().into())).unwrap();
    assert_eq!(s3.keys("ops"), vec!["out/apac_latam.parquet"]);
    let refusal = |e: object_store::Error| piigate::gate::store::refusal_of(&e).cloned();
    let to = object_store::path::Path::from("copy.parquet");
    let e = rt.block_on(gated.copy(&path, &to)).unwrap_err();
    assert!(matches!(
        refusal(e),
        Some(piigate::gate::Refusal::OperationNotAllowed(_))
    ));
    let e = rt.block_on(gated.rename(&path, &to)).unwrap_err();
    assert!(matches!(
        refusal(e),
        Some(piigate::gate::Refusal::OperationNotAllowed(_))
    ));
    let e = rt.block_on(gated.delete(&path)).unwrap_err();
    assert!(matches!(
        refusal(e),
        Some(piigate::gate::Refusal::OperationNotAllowed(_))
    ));
    // Other bytes under an approved name, or a file that was not approved.
    let e = rt
        .block_on(gated.put(
            &object_store::path::Path::from("other.parquet"),
            bytes.clone().into(),
        ))
        .unwrap_err();
    assert!(matches!(
        refusal(e),
        Some(piigate::gate::Refusal::WrongDestination(_))
    ));
    // Reads pass through.
    assert_eq!(
        rt.block_on(async {
            gated
                .get(&path)
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
                .to_vec()
        }),
        bytes
    );
    assert_eq!(s3.keys("ops"), vec!["out/apac_latam.parquet"]);
    // The same approval cannot authorize a second store.
    let again = rt.block_on(GatedStore::authorize(
        s3.store("ops"),
        &Destination::parse("s3://ops/out/")
            .unwrap()
            .at_endpoint(&s3.endpoint()),
        &verifier,
        &ledger,
        &Approval::new(
            ApprovalToken::new(token.expose()),
            piigate::gate::digest::manifest_of_local(&files).unwrap(),
        ),
        None,
    ));
    assert!(matches!(again, Err(piigate::gate::Refusal::AlreadyUsed)));
}

/// A TCP proxy that cuts every connection once `limit` bytes went upstream.
pub fn cutting_proxy(upstream: u16, limit: u64) -> u16 {
    cutting_proxy_counted(upstream, limit).0
}

/// `cutting_proxy`, with the count of the bytes that reached it from clients.
pub fn cutting_proxy_counted(upstream: u16, limit: u64) -> (u16, Arc<AtomicU64>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let sent = Arc::new(AtomicU64::new(0));
    let counted = sent.clone();
    let cut = Arc::new(AtomicBool::new(false));
    std::thread::spawn(move || {
        for c in l.incoming() {
            let Ok(client) = c else { continue };
            if cut.load(Ordering::SeqCst) {
                drop(client);
                continue;
            }
            let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                continue;
            };
            let (mut c2, mut s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (sent, cut2) = (sent.clone(), cut.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 64 * 1024];
                let mut client = client;
                let mut server = server;
                loop {
                    let n = match client.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    if sent.fetch_add(n as u64, Ordering::SeqCst) + n as u64 > limit {
                        cut2.store(true, Ordering::SeqCst);
                        let _ = client.shutdown(std::net::Shutdown::Both);
                        let _ = server.shutdown(std::net::Shutdown::Both);
                        break;
                    }
                    if server.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            });
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut s2, &mut c2);
            });
        }
    });
    (port, counted)
}

#[test]
fn an_interrupted_multipart_upload_leaves_nothing_visible() {
    let s3 = start_s3();
    s3.bucket("big");
    let (proxy, through) = cutting_proxy_counted(s3.port, 12 * 1024 * 1024);
    let env = Env::new(&format!("http://127.0.0.1:{proxy}"));
    // 24 MB of incompressible bytes.
    let data = env.p("big.parquet");
    let mut x: u64 = 0x9e3779b97f4a7c15;
    let bytes: Vec<u8> = (0..24 * 1024 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(&data, &bytes).unwrap();
    let t = env.token(
        "t",
        env.p("key.json").to_str().unwrap(),
        &data,
        "s3://big/exports/",
        // Random bytes, not Parquet: nothing to scan.
        &["--unscanned"],
    );
    let out = env
        .export_cmd(&data, "s3://big/exports/", &t)
        .args(["--multipart-threshold", "5242880"])
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    // If the export ever gets through, say what reached the server (once
    // seen under the load of the whole suite, not reproduced alone).
    assert_eq!(
        out.status.code(),
        Some(2),
        "the export went through a proxy that cuts at 12 MiB: {} bytes reached the proxy; \
         objects: {:?}; sizes: {:?}; stderr: {}",
        through.load(Ordering::SeqCst),
        s3.keys("big"),
        s3.keys("big")
            .iter()
            .map(|k| s3.get("big", k).len())
            .collect::<Vec<_>>(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("writing big.parquet"));
    // The refusal-free failure is recorded, not silently dropped.
    assert!(String::from_utf8_lossy(&out.stderr).contains("s3://big/exports/"));
    // Only the redemption marker (the token was spent before the upload).
    let keys = s3.keys("big");
    assert!(
        keys.iter()
            .all(|k| k.starts_with("exports/.piigate/redeemed/")),
        "an interrupted upload must not leave an object: {keys:?}"
    );
}

#[test]
fn a_large_file_goes_up_as_multipart_with_identical_bytes() {
    let s3 = start_s3();
    s3.bucket("mpart");
    let env = Env::new(&s3.endpoint());
    let data = env.p("large.parquet");
    let bytes: Vec<u8> = (0..21 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
        .collect();
    std::fs::write(&data, &bytes).unwrap();
    let t = env.token(
        "t",
        env.p("key.json").to_str().unwrap(),
        &data,
        "s3://mpart/x/",
        // Random bytes, not Parquet: nothing to scan.
        &["--unscanned"],
    );
    env.export_cmd(&data, "s3://mpart/x/", &t)
        .args(["--multipart-threshold", "5242880"])
        .assert()
        .success();
    assert_eq!(s3.get("mpart", "x/large.parquet"), bytes);
}

#[test]
fn the_same_gate_works_over_the_local_filesystem() {
    let env = Env::new("http://127.0.0.1:9");
    let out = env.p("out");
    std::fs::create_dir_all(&out).unwrap();
    let to = format!("file://{}/", out.display());
    let data = fixture("payments.parquet");
    let key = env.p("key.json");
    let t = env.token("fs", key.to_str().unwrap(), &data, &to, &[]);
    let elsewhere = format!("file://{}/", env.p("elsewhere").display());
    std::fs::create_dir_all(env.p("elsewhere")).unwrap();
    env.export(&data, &elsewhere, &t)
        .code(3)
        .stderr(predicate::str::contains("wrong destination"));
    assert_eq!(std::fs::read_dir(env.p("elsewhere")).unwrap().count(), 0);
    env.export(&data, &to, &t).success();
    assert_eq!(
        std::fs::read(out.join("payments.parquet")).unwrap(),
        std::fs::read(&data).unwrap()
    );
    env.export(&data, &to, &t)
        .code(3)
        .stderr(predicate::str::contains("already used"));
}

#[test]
fn redacted_export_needs_an_approval_for_the_redacted_form() {
    let env = Env::new("http://127.0.0.1:9");
    let out = env.p("red");
    std::fs::create_dir_all(&out).unwrap();
    let to = format!("file://{}/", out.display());
    let data = fixture("hr_employees.csv");
    // CSV is not rewritable: a clear error.
    let key = env.p("key.json");
    let mut c = env.cmd();
    c.env("PIIGATE_REDACT_KEY", "k")
        .args([
            "issue-token",
            "--key",
            key.to_str().unwrap(),
            data.to_str().unwrap(),
            "--dest",
            &to,
            "--redact",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Parquet"));
    let data = fixture("payments.parquet");
    let plain = env.token("plain", key.to_str().unwrap(), &data, &to, &[]);
    let mut c = env.cmd();
    c.env("PIIGATE_REDACT_KEY", "k")
        .args([
            "export",
            data.to_str().unwrap(),
            "--to",
            &to,
            "--token-file",
            plain.to_str().unwrap(),
            "--keys",
            env.p("keys.json").to_str().unwrap(),
            "--redact",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("content digest mismatch"));
    let mut c = env.cmd();
    let tok = c
        .env("PIIGATE_REDACT_KEY", "k")
        .args([
            "issue-token",
            "--key",
            key.to_str().unwrap(),
            data.to_str().unwrap(),
            "--dest",
            &to,
            "--redact",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    std::fs::write(env.p("red.tok"), tok).unwrap();
    let mut c = env.cmd();
    c.env("PIIGATE_REDACT_KEY", "k")
        .args([
            "export",
            data.to_str().unwrap(),
            "--to",
            &to,
            "--token-file",
            env.p("red.tok").to_str().unwrap(),
            "--keys",
            env.p("keys.json").to_str().unwrap(),
            "--redact",
        ])
        .assert()
        .success();
    // The written copy: card numbers hashed, IBANs hashed, no raw card number left.
    let f = std::fs::File::open(out.join("payments.parquet")).unwrap();
    let batches: Vec<_> = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap()
        .map(|b| b.unwrap())
        .collect();
    let pan = arrow::compute::cast(
        batches[0].column_by_name("pan").unwrap(),
        &arrow::datatypes::DataType::Utf8,
    )
    .unwrap();
    let pan = arrow::array::AsArray::as_string::<i32>(&pan);
    let first = (0..arrow::array::Array::len(pan))
        .find(|&i| !arrow::array::Array::is_null(pan, i))
        .unwrap();
    assert!(pan.value(first).starts_with("h:"), "{}", pan.value(first));
}

/// The scan report of `inputs` with the per-file source paths removed, so
/// that a local scan and a scan through S3 can be compared.
fn scan_tables(env: &Env, inputs: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["scan", "--format", "json"];
    args.extend_from_slice(inputs);
    let out = env
        .cmd()
        .args(&args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let mut tables = r["tables"].as_array().unwrap().clone();
    // Table names are relative to what was listed (a prefix or a folder).
    for t in &mut tables {
        t.as_object_mut().unwrap().remove("source");
        t.as_object_mut().unwrap().remove("name");
    }
    tables.sort_by_key(|t| t["columns"][0]["name"].to_string());
    tables
}

#[test]
fn scanning_s3_urls_gives_the_same_report_as_local_files() {
    let s3 = start_s3();
    s3.bucket("lake");
    let env = Env::new(&s3.endpoint());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = s3.store("lake");
    let names = ["customers.parquet", "payments.parquet", "hr_employees.csv"];
    for n in names {
        let bytes = std::fs::read(fixture(n)).unwrap();
        rt.block_on(store.put(
            &object_store::path::Path::from(format!("raw/2026/{n}")),
            bytes.into(),
        ))
        .unwrap();
    }
    // One object.
    let one = scan_tables(&env, &["s3://lake/raw/2026/customers.parquet"]);
    let local = scan_tables(&env, &[fixture("customers.parquet").to_str().unwrap()]);
    assert_eq!(one, local);
    assert!(one[0]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["entities"].as_array().is_some_and(|e| !e.is_empty())));
    // A prefix: every supported object under it, Parquet row groups read by
    // range requests, CSV streamed.
    let all = scan_tables(&env, &["s3://lake/raw/"]);
    let local: Vec<String> = names
        .iter()
        .map(|n| fixture(n).display().to_string())
        .collect();
    let local: Vec<&str> = local.iter().map(String::as_str).collect();
    assert_eq!(all, scan_tables(&env, &local));
    // A missing object is an input error that names the URL, exit 2.
    env.cmd()
        .args(["scan", "s3://lake/raw/nope.parquet"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("s3://lake/raw/nope.parquet"));
}

#[test]
fn redaction_refuses_pii_inside_nested_columns_naming_the_column() {
    use arrow::array::{ArrayRef, StringArray, StructArray};
    use arrow::datatypes::{DataType, Field};
    let env = Env::new("http://127.0.0.1:9");
    let emails: Vec<String> = (0..200)
        .map(|i| format!("user{i}.name@example{}.com", i % 7))
        .collect();
    let ids: Vec<String> = (0..200).map(|i| format!("ORD-{i:05}")).collect();
    let contact = StructArray::from(vec![(
        Arc::new(Field::new("email", DataType::Utf8, true)),
        Arc::new(StringArray::from(emails)) as ArrayRef,
    )]);
    let batch = arrow::record_batch::RecordBatch::try_from_iter(vec![
        ("order_id", Arc::new(StringArray::from(ids)) as ArrayRef),
        ("contact", Arc::new(contact) as ArrayRef),
    ])
    .unwrap();
    let data = env.p("orders.parquet");
    let mut w = parquet::arrow::ArrowWriter::try_new(
        std::fs::File::create(&data).unwrap(),
        batch.schema(),
        None,
    )
    .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let key = env.p("key.json");
    env.cmd()
        .env("PIIGATE_REDACT_KEY", "k")
        .args([
            "issue-token",
            "--key",
            key.to_str().unwrap(),
            data.to_str().unwrap(),
            "--dest",
            "s3://b/x/",
            "--redact",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("contact.email")
                .and(predicate::str::contains("orders.parquet")),
        );
}

/// #26: the content check and the upload read one snapshot of the inputs —
/// held in memory, or copied to a private directory when the inputs are
/// larger than the memory limit. Both ways, a token whose claims leave out
/// what the data holds is refused before anything is written, and a token
/// that covers it sends the input's exact bytes.
#[test]
fn the_content_check_holds_with_the_snapshot_in_memory_and_on_disk() {
    use piigate::export::{Exporter, TokenSource};
    use piigate::gate::token::{KeySet, SigningKey};
    use piigate::gate::{Op, Refusal};
    let data = fixture("customers.parquet");
    let inputs = vec![data.display().to_string()];
    let (manifest, found) = piigate::export::approval_basis(&inputs, false, true).unwrap();
    let found = found.unwrap();
    assert!(found.entities.contains("IBAN"), "{:?}", found.entities);
    for limit in [piigate::export::DEFAULT_MEMORY_SNAPSHOT_LIMIT, 0] {
        let dir = tempfile::tempdir().unwrap();
        let key = SigningKey::generate().unwrap();
        let keys = dir.path().join("keys.json");
        std::fs::write(&keys, KeySet::new([key.verifying_key()]).to_json_string()).unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        let to = format!("file://{}/", out.display());
        let token = |entities: Vec<String>, sensitivity| {
            let dest = piigate::gate::Destination::parse(&to).unwrap().to_string();
            let mut claims =
                crate::common::claims_for(&manifest, &dest, vec![Op::Put, Op::Multipart]);
            claims.sensitivity = Some(sensitivity);
            claims.entities = Some(entities);
            claims.rules_digest = found.rules_digest.clone();
            TokenSource::Token(key.sign(&claims).unwrap())
        };
        let exporter = || {
            Exporter::new(&to)
                .keys_file(&keys)
                .home(dir.path().join("home"))
                .memory_snapshot_limit(limit)
        };
        // The approval says names only, at moderate sensitivity.
        let lie = token(vec!["PERSON_NAME".into()], piigate::Sensitivity::Moderate);
        match exporter().run(&inputs, &lie) {
            Err(piigate::Error::Refused(Refusal::ContentExceeds(why))) => {
                assert!(why.contains("IBAN"), "limit {limit}: {why}")
            }
            other => panic!("limit {limit}: not refused for its content: {other:?}"),
        }
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "limit {limit}");
        let covered = token(found.entities.iter().cloned().collect(), found.sensitivity);
        let outcome = exporter().run(&inputs, &covered).unwrap();
        assert_eq!(outcome.content_digest, manifest.digest());
        assert_eq!(
            std::fs::read(out.join("customers.parquet")).unwrap(),
            std::fs::read(&data).unwrap(),
            "limit {limit}"
        );
    }
}
