//! The approval service: in-process HTTP tests of every endpoint and refusal, a
//! bounded load test, tamper detection on the SQLite file, and an end-to-end run
//! of the CLI against `piigate serve` on 127.0.0.1 and a real S3 server.

use std::path::{Path, PathBuf};

use piigate::server::{AppState, Config};
use reqwest::StatusCode;
use serde_json::{json, Value};

const KEYS: &[(&str, &str, &str)] = &[
    ("alice", "requester", "alice-key-0123456789"),
    ("dave", "requester", "dave-key-0123456789"),
    ("bob", "approver", "bob-key-0123456789"),
    ("carol", "approver", "carol-key-0123456789"),
    ("root", "admin", "root-key-0123456789"),
    ("gate", "gate", "gate-key-0123456789"),
];

/// An HTTP receiver on loopback standing in for Slack and Teams: records
/// (path, JSON body) of every POST and answers 200.
pub(crate) struct Receiver {
    port: u16,
    rx: std::sync::mpsc::Receiver<(String, Value)>,
}

impl Receiver {
    pub(crate) fn start() -> Receiver {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let (tx, rx) = std::sync::mpsc::channel();
        use std::io::{BufRead, BufReader, Read, Write};
        std::thread::spawn(move || {
            for c in l.incoming() {
                let Ok(mut c) = c else { continue };
                let mut r = BufReader::new(c.try_clone().unwrap());
                let mut first = String::new();
                let _ = r.read_line(&mut first);
                let path = first.split(' ').nth(1).unwrap_or_default().to_string();
                let mut len = 0;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; len];
                let _ = r.read_exact(&mut body);
                let _ = tx.send((path, serde_json::from_slice(&body).unwrap_or(Value::Null)));
                let _ = c.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                );
            }
        });
        Receiver { port, rx }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The next `n` messages, by path.
    pub(crate) fn take(&self, n: usize) -> Vec<(String, Value)> {
        let mut out: Vec<(String, Value)> = (0..n)
            .map(|_| {
                self.rx
                    .recv_timeout(std::time::Duration::from_secs(15))
                    .expect("a notification")
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// `piigate serve --config CFG` as a process; returns it and its base URL,
/// read from the line it prints once listening (the rest of its standard
/// error is drained in the background).
pub(crate) fn serve_process(cfg: &Path) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut server = std::process::Command::new(assert_cmd::cargo::cargo_bin("piigate"))
        .args(["serve", "--config", cfg.to_str().unwrap()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(server.stderr.take().unwrap());
    let mut line = String::new();
    while stderr.read_line(&mut line).unwrap() > 0 && !line.contains("listening on") {
        line.clear();
    }
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    let base = line.trim().rsplit(' ').next().unwrap().to_string();
    (server, base)
}

/// The digest of the built-in rules, as a report made with them names it.
pub(crate) fn rules_digest() -> String {
    static DIGEST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DIGEST
        .get_or_init(|| piigate::RuleSet::builtin().unwrap().digest().to_string())
        .clone()
}

pub(crate) fn key(name: &str) -> &'static str {
    KEYS.iter().find(|k| k.0 == name).map(|k| k.2).unwrap()
}

pub(crate) fn config_toml(dir: &Path, listen: &str) -> String {
    let mut s = format!("listen = \"{listen}\"\ndatabase = \"{}\"\nsigning_key = \"{}\"\ntoken_ttl_secs = 300\n\n[policy]\nNONE = 1\nLOW = 1\nMODERATE = 1\nHIGH = 2\n", dir.join("piigate.db").display(), dir.join("signing.json").display());
    for (n, r, k) in KEYS {
        s.push_str(&format!(
            "\n[[principals]]\nname = \"{n}\"\nrole = \"{r}\"\nkey_sha256 = \"{}\"\n",
            piigate::server::hash_key(k)
        ));
    }
    s
}

pub(crate) struct Svc {
    pub base: String,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
    pub rt: tokio::runtime::Runtime,
}

impl Svc {
    pub fn start() -> Svc {
        Self::start_in(tempfile::tempdir().unwrap(), "")
    }

    /// Start on an existing directory (a restart) with extra config lines.
    pub fn start_in(dir: tempfile::TempDir, extra: &str) -> Svc {
        Self::start_with(dir, extra, "")
    }

    /// Start with extra top-level lines and extra tables (`[slack]`…).
    pub fn start_with(dir: tempfile::TempDir, extra: &str, tables: &str) -> Svc {
        let p = dir.path().join("piigate.toml");
        std::fs::write(
            &p,
            format!(
                "{extra}\n{}\n{tables}\n",
                config_toml(dir.path(), "127.0.0.1:0")
            ),
        )
        .unwrap();
        let cfg = Config::load(&p).unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let state = AppState::open(cfg).unwrap();
        let base = rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = l.local_addr().unwrap();
            tokio::spawn(async move {
                axum::serve(l, piigate::server::router(state))
                    .await
                    .unwrap()
            });
            format!("http://{addr}")
        });
        Svc {
            base,
            dir,
            http: reqwest::Client::new(),
            rt,
        }
    }

    pub fn call(
        &self,
        method: &str,
        path: &str,
        who: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let url = format!("{}{path}", self.base);
        self.rt.block_on(async {
            let mut r = match method {
                "GET" => self.http.get(&url),
                _ => self.http.post(&url),
            };
            if let Some(w) = who {
                r = r.bearer_auth(key(w));
            }
            if let Some(b) = body {
                r = r.json(&b);
            }
            let resp = r.send().await.unwrap();
            let st = resp.status();
            let text = resp.text().await.unwrap();
            (
                st,
                serde_json::from_str(&text).unwrap_or(Value::String(text)),
            )
        })
    }

    pub fn new_request(&self, who: &str, sensitivity: &str) -> String {
        let (st, b) = self.call("POST", "/v1/export-requests", Some(who), Some(json!({"dataset_id": "customers", "content_digest": "sha256:abc", "sensitivity": sensitivity, "dest": "s3://bucket/exports/", "reason": "quarterly analytics", "report": {"summary": {"sensitivity": sensitivity}, "rules": {"digest": rules_digest()}}})));
        assert_eq!(st, StatusCode::CREATED, "{b}");
        b["id"].as_str().unwrap().to_string()
    }

    fn review(&self, id: &str, who: &str, decision: &str) -> (StatusCode, Value) {
        self.call(
            "POST",
            &format!("/v1/export-requests/{id}/reviews"),
            Some(who),
            Some(json!({"decision": decision, "comment": "checked the tags"})),
        )
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("piigate.db")
    }

    fn keys_file(&self) -> PathBuf {
        let (_, k) = self.call("GET", "/v1/keys", Some("bob"), None);
        let p = self.dir.path().join("keys.json");
        std::fs::write(&p, k.to_string()).unwrap();
        p
    }
}

#[test]
fn every_endpoint_and_every_refusal() {
    let s = Svc::start();
    // Health, metrics and OpenAPI.
    assert_eq!(s.call("GET", "/healthz", None, None).0, StatusCode::OK);
    let (st, doc) = s.call("GET", "/openapi.json", None, None);
    assert_eq!(st, StatusCode::OK);
    assert!(doc["paths"]["/v1/export-requests/{id}/reviews"].is_object());
    // No key: 401. Wrong key: 401. Wrong role: 403.
    assert_eq!(
        s.call("GET", "/v1/export-requests", None, None).0,
        StatusCode::UNAUTHORIZED
    );
    let (st, _) = s.rt.block_on(async {
        let r = s
            .http
            .get(format!("{}/v1/keys", s.base))
            .bearer_auth("nope")
            .send()
            .await
            .unwrap();
        (r.status(), ())
    });
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = s.call("POST", "/v1/export-requests", Some("bob"), Some(json!({"dataset_id": "x", "content_digest": "sha256:a", "sensitivity": "LOW", "dest": "s3://b/p/", "reason": "r", "report": {"summary": {"sensitivity": "LOW"}, "rules": {"digest": rules_digest()}}})));
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(
        s.call("GET", "/v1/audit", Some("bob"), None).0,
        StatusCode::FORBIDDEN
    );
    // Reason required; bad destination rejected.
    let (st, _) = s.call("POST", "/v1/export-requests", Some("alice"), Some(json!({"dataset_id": "x", "content_digest": "sha256:a", "sensitivity": "LOW", "dest": "s3://b/p/", "reason": " ", "report": {"summary": {"sensitivity": "LOW"}, "rules": {"digest": rules_digest()}}})));
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _) = s.call("POST", "/v1/export-requests", Some("alice"), Some(json!({"dataset_id": "x", "content_digest": "sha256:a", "sensitivity": "LOW", "dest": "s3://b/../p/", "reason": "r", "report": {"summary": {"sensitivity": "LOW"}, "rules": {"digest": rules_digest()}}})));
    assert_eq!(st, StatusCode::BAD_REQUEST);

    // HIGH needs two distinct approvers.
    let id = s.new_request("alice", "HIGH");
    let (_, r) = s.call(
        "GET",
        &format!("/v1/export-requests/{id}"),
        Some("bob"),
        None,
    );
    assert_eq!(r["approvals_needed"], 2);
    // Token before approval: refused.
    assert_eq!(
        s.call(
            "GET",
            &format!("/v1/export-requests/{id}/token"),
            Some("alice"),
            None
        )
        .0,
        StatusCode::CONFLICT
    );
    // Self-review is refused, also for an admin who requested.
    assert_eq!(s.review(&id, "alice", "approve").0, StatusCode::FORBIDDEN);
    let admin_req = s.new_request("root", "LOW");
    assert_eq!(
        s.review(&admin_req, "root", "approve").0,
        StatusCode::FORBIDDEN
    );
    // One approver counts once.
    assert_eq!(s.review(&id, "bob", "approve").0, StatusCode::OK);
    assert_eq!(s.review(&id, "bob", "approve").0, StatusCode::CONFLICT);
    let (_, r) = s.call(
        "GET",
        &format!("/v1/export-requests/{id}"),
        Some("alice"),
        None,
    );
    assert_eq!(r["status"], "pending");
    let (st, r) = s.review(&id, "carol", "approve");
    assert_eq!(
        (st, r["status"].as_str()),
        (StatusCode::OK, Some("approved"))
    );
    // Only the requester fetches the token, and only once.
    assert_eq!(
        s.call(
            "GET",
            &format!("/v1/export-requests/{id}/token"),
            Some("dave"),
            None
        )
        .0,
        StatusCode::FORBIDDEN
    );
    let (st, t) = s.call(
        "GET",
        &format!("/v1/export-requests/{id}/token"),
        Some("alice"),
        None,
    );
    assert_eq!(st, StatusCode::OK);
    let token = t["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("v4.public."));
    assert_eq!(
        s.call(
            "GET",
            &format!("/v1/export-requests/{id}/token"),
            Some("alice"),
            None
        )
        .0,
        StatusCode::CONFLICT
    );
    // Redeem once; a replay is refused.
    assert_eq!(
        s.call(
            "POST",
            "/v1/tokens/redeem",
            Some("gate"),
            Some(json!({"token": token}))
        )
        .0,
        StatusCode::OK
    );
    let (st, b) = s.call(
        "POST",
        "/v1/tokens/redeem",
        Some("gate"),
        Some(json!({"token": token})),
    );
    assert_eq!(
        (st, b["reason"].as_str()),
        (StatusCode::CONFLICT, Some("already used"))
    );
    // Forged token.
    assert_eq!(
        s.call(
            "POST",
            "/v1/tokens/redeem",
            Some("gate"),
            Some(json!({"token": "v4.public.eyJmb28iOiJiYXIifQ"}))
        )
        .0,
        StatusCode::BAD_REQUEST
    );

    // One deny ends it; review after deny and token for a denied request are refused.
    let id2 = s.new_request("alice", "HIGH");
    assert_eq!(s.review(&id2, "bob", "deny").0, StatusCode::OK);
    assert_eq!(s.review(&id2, "carol", "approve").0, StatusCode::CONFLICT);
    assert_eq!(
        s.call(
            "GET",
            &format!("/v1/export-requests/{id2}/token"),
            Some("alice"),
            None
        )
        .0,
        StatusCode::GONE
    );

    // Revocation: an issued, unredeemed token is then refused at redeem.
    let id3 = s.new_request("alice", "LOW");
    assert_eq!(s.review(&id3, "bob", "approve").1["status"], "approved");
    let (_, t3) = s.call(
        "GET",
        &format!("/v1/export-requests/{id3}/token"),
        Some("alice"),
        None,
    );
    assert_eq!(
        s.call(
            "POST",
            &format!("/v1/export-requests/{id3}/revoke"),
            Some("alice"),
            Some(json!({"reason": "x"}))
        )
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.call(
            "POST",
            &format!("/v1/export-requests/{id3}/revoke"),
            Some("carol"),
            Some(json!({"reason": "wrong bucket"}))
        )
        .0,
        StatusCode::OK
    );
    let (st, b) = s.call(
        "POST",
        "/v1/tokens/redeem",
        Some("gate"),
        Some(json!({"token": t3["token"]})),
    );
    assert_eq!(
        (st, b["reason"].as_str()),
        (StatusCode::GONE, Some("revoked"))
    );

    // Listing with a status filter; unknown ids.
    let (_, l) = s.call(
        "GET",
        "/v1/export-requests?status=denied",
        Some("bob"),
        None,
    );
    assert_eq!(l.as_array().unwrap().len(), 1);
    assert_eq!(
        s.call("GET", "/v1/export-requests/nope", Some("bob"), None)
            .0,
        StatusCode::NOT_FOUND
    );

    // Audit: admin only; the chain verifies; checkpoint signs the head.
    let (st, ev) = s.call("GET", "/v1/audit", Some("root"), None);
    assert_eq!(st, StatusCode::OK);
    let kinds: Vec<&str> = ev
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in [
        "request",
        "review",
        "token_issued",
        "redeem",
        "refusal",
        "revoke",
    ] {
        assert!(kinds.contains(&k), "missing audit kind {k}: {kinds:?}");
    }
    assert!(
        !ev.to_string().contains(&token),
        "tokens never reach the audit log"
    );
    let (st, cp) = s.call("GET", "/v1/audit/checkpoint", Some("root"), None);
    assert_eq!(st, StatusCode::OK);
    assert_eq!(cp["seq"].as_i64().unwrap() as usize, kinds.len());
    let (_, m) = s.call("GET", "/metrics", None, None);
    assert!(m
        .as_str()
        .unwrap()
        .contains("piigate_tokens_issued_total 2"));
}

#[test]
fn bounded_load_keeps_every_request_and_the_chain() {
    let s = Svc::start();
    let n_clients = 50;
    let per_client = 10;
    let base = s.base.clone();
    let created: usize = s.rt.block_on(async move {
        let http = reqwest::Client::new();
        let mut tasks = Vec::new();
        for c in 0..n_clients {
            let (http, base) = (http.clone(), base.clone());
            tasks.push(tokio::spawn(async move {
                let mut ok = 0;
                for i in 0..per_client {
                    let r = http
                        .post(format!("{base}/v1/export-requests"))
                        .bearer_auth(if c % 2 == 0 { key("alice") } else { key("dave") })
                        .json(&json!({"dataset_id": format!("ds-{c}-{i}"), "content_digest": "sha256:abc", "sensitivity": "MODERATE", "dest": "s3://bucket/x/", "reason": "load", "report": {"summary": {"sensitivity": "MODERATE"}, "rules": {"digest": rules_digest()}}}))
                        .timeout(std::time::Duration::from_secs(60))
                        .send()
                        .await
                        .unwrap();
                    if r.status() == StatusCode::CREATED {
                        ok += 1;
                    }
                }
                ok
            }));
        }
        let mut total = 0;
        for t in tasks {
            total += t.await.unwrap();
        }
        total
    });
    assert_eq!(created, n_clients * per_client);
    // Every request, page by page (100 a page by default).
    let mut seen = std::collections::HashSet::new();
    for page in 0..6 {
        let (_, l) = s.call(
            "GET",
            &format!("/v1/export-requests?offset={}", page * 100),
            Some("bob"),
            None,
        );
        for r in l.as_array().unwrap() {
            seen.insert(r["id"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(seen.len(), 500);
    let conn = rusqlite::Connection::open(s.db()).unwrap();
    let ks = piigate::gate::KeySet::load(&s.keys_file()).unwrap();
    let r = piigate::audit::verify(&conn, &ks).unwrap();
    assert_eq!(r.problem, None);
    assert_eq!(r.events, 500);
    assert!(r.checkpoints >= 15);
}

#[test]
fn audit_verify_finds_edited_deleted_and_reordered_rows() {
    let s = Svc::start();
    for _ in 0..40 {
        s.new_request("alice", "LOW");
    }
    let keys = s.keys_file();
    // Fold the write-ahead log into the main file so a copy of it is complete.
    rusqlite::Connection::open(s.db())
        .unwrap()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let verify = |db: &Path| {
        assert_cmd::Command::cargo_bin("piigate")
            .unwrap()
            .args([
                "audit",
                "verify",
                "--db",
                db.to_str().unwrap(),
                "--keys",
                keys.to_str().unwrap(),
            ])
            .assert()
    };
    verify(&s.db())
        .success()
        .stdout(predicates::str::contains("intact"));
    for (sql, needle) in [
        ("UPDATE audit_events SET actor = 'mallory' WHERE seq = 5", "event 5"),
        ("DELETE FROM audit_events WHERE seq = 7", "event 7 is missing"),
        ("UPDATE audit_events SET seq = 1000 WHERE seq = 3; UPDATE audit_events SET seq = 3 WHERE seq = 4; UPDATE audit_events SET seq = 4 WHERE seq = 1000", "event 3"),
        ("DELETE FROM audit_events WHERE seq > 33", "ends at event 33"),
    ] {
        let copy = s.dir.path().join("tampered.db");
        std::fs::copy(s.db(), &copy).unwrap();
        rusqlite::Connection::open(&copy).unwrap().execute_batch(sql).unwrap();
        verify(&copy).code(2).stdout(predicates::str::contains(needle));
    }
}

#[test]
fn cli_end_to_end_scan_request_two_approvals_token_export_audit() {
    let s3 = crate::export::start_s3();
    s3.bucket("e2e");
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("piigate.toml");
    std::fs::write(&cfg, config_toml(dir.path(), "127.0.0.1:0")).unwrap();
    let (mut server, base) = serve_process(&cfg);
    let env = crate::export::Env::new(&s3.endpoint());
    let cli = |who: &str| {
        let mut c = env.cmd();
        c.env("PIIGATE_SERVER", &base)
            .env("PIIGATE_API_KEY", key(who));
        c
    };
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/data/customers.parquet");
    // Scan, then request: the report says HIGH, so two approvals are needed.
    cli("alice")
        .args([
            "scan",
            data.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "HIGH",
        ])
        .assert()
        .code(1);
    let out = cli("alice")
        .args([
            "request",
            data.to_str().unwrap(),
            "--to",
            "s3://e2e/exports/",
            "--reason",
            "share with analytics",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let id = String::from_utf8(out).unwrap().trim().to_string();
    cli("alice")
        .args(["review", &id, "--approve"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("403"));
    cli("bob")
        .args(["review", &id, "--approve", "--comment", "ok"])
        .assert()
        .success()
        .stdout(predicates::str::contains("pending"));
    cli("carol")
        .args(["review", &id, "--approve"])
        .assert()
        .success()
        .stdout(predicates::str::contains("approved"));
    cli("alice")
        .args(["requests", "--status", "approved"])
        .assert()
        .success()
        .stdout(predicates::str::contains(&id));
    let tok = env.p("token");
    cli("alice")
        .args(["token", &id, "--output", tok.to_str().unwrap()])
        .assert()
        .success();
    // Export through the gate, redeemed online by the service.
    let mut c = cli("gate");
    c.args([
        "export",
        data.to_str().unwrap(),
        "--to",
        "s3://e2e/exports/",
        "--token-file",
        tok.to_str().unwrap(),
        "--server",
        &base,
    ])
    .assert()
    .success();
    assert_eq!(s3.keys("e2e"), vec!["exports/customers.parquet"]);
    assert_eq!(
        s3.get("e2e", "exports/customers.parquet"),
        std::fs::read(&data).unwrap()
    );
    // Replay: the service refuses the second redemption.
    let mut c = cli("gate");
    c.args([
        "export",
        data.to_str().unwrap(),
        "--to",
        "s3://e2e/exports/",
        "--token-file",
        tok.to_str().unwrap(),
        "--server",
        &base,
    ])
    .assert()
    .code(3)
    .stderr(predicates::str::contains("already used"));
    // The service's audit chain verifies against its published key.
    let keys = env.p("svc-keys.json");
    let body = reqwest::blocking_get(&format!("{base}/v1/keys"), key("bob"));
    std::fs::write(&keys, body).unwrap();
    let _ = server.kill();
    let _ = server.wait();
    assert_cmd::Command::cargo_bin("piigate")
        .unwrap()
        .args([
            "audit",
            "verify",
            "--db",
            dir.path().join("piigate.db").to_str().unwrap(),
            "--keys",
            keys.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("intact"));
}

mod reqwest {
    pub use ::reqwest::*;
    /// A small blocking GET for the end-to-end test.
    pub fn blocking_get(url: &str, key: &str) -> String {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            ::reqwest::Client::new()
                .get(url)
                .bearer_auth(key)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        })
    }
}

#[test]
fn state_and_keys_survive_a_restart() {
    let s = Svc::start();
    let id = s.new_request("alice", "LOW");
    assert_eq!(s.review(&id, "bob", "approve").1["status"], "approved");
    let (_, k1) = s.call("GET", "/v1/keys", Some("bob"), None);
    let Svc { dir, rt, .. } = s;
    drop(rt);
    let s2 = Svc::start_in(dir, "");
    let (st, r) = s2.call(
        "GET",
        &format!("/v1/export-requests/{id}"),
        Some("alice"),
        None,
    );
    assert_eq!(
        (st, r["status"].as_str()),
        (StatusCode::OK, Some("approved"))
    );
    let (_, k2) = s2.call("GET", "/v1/keys", Some("bob"), None);
    assert_eq!(k1, k2, "the signing key is kept, not regenerated");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s2.dir.path().join("signing.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (st, _) = s2.call(
        "GET",
        &format!("/v1/export-requests/{id}/token"),
        Some("alice"),
        None,
    );
    assert_eq!(st, StatusCode::OK);
}

#[test]
fn webhooks_are_sent_in_the_background_and_never_block() {
    // The old `webhook_url` setting still posts Slack-compatible messages.
    let hook = Receiver::start();
    let s = Svc::start_in(
        tempfile::tempdir().unwrap(),
        &format!("webhook_url = \"{}\"", hook.url("/hook")),
    );
    let id = s.new_request("alice", "LOW");
    let (_, first) = hook.take(1).remove(0);
    assert!(
        first["text"].as_str().unwrap().contains("requests export"),
        "{first}"
    );
    s.review(&id, "bob", "deny");
    let (_, second) = hook.take(1).remove(0);
    assert!(
        second["text"].as_str().unwrap().contains("denied"),
        "{second}"
    );

    // A webhook that never answers does not slow the API down.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_port = dead.local_addr().unwrap().port();
    let s2 = Svc::start_in(
        tempfile::tempdir().unwrap(),
        &format!("webhook_url = \"http://127.0.0.1:{dead_port}/hook\""),
    );
    let t = std::time::Instant::now();
    s2.new_request("alice", "LOW");
    assert!(
        t.elapsed() < std::time::Duration::from_secs(3),
        "the API call waited for the webhook"
    );
    drop(dead);
}

/// #26: the server derives what a request needs from its report; the requester
/// cannot declare a lower level or leave the report out.
#[test]
fn the_server_decides_what_a_request_needs() {
    let s = Svc::start();
    let body = |sens: &str, report: Value| {
        json!({"dataset_id": "staff", "content_digest": "sha256:abc", "sensitivity": sens,
               "dest": "s3://bucket/exports/", "reason": "audit", "report": report})
    };
    let high = json!({"summary": {"sensitivity": "HIGH", "entities": {"US_SSN": 3}}, "rules": {"digest": rules_digest()},
        "tables": [{"name": "staff", "sensitivity": "HIGH",
                    "columns": [{"name": "ssn", "sensitivity": "HIGH", "entities": ["US_SSN"]}]}]});
    // Reports whose levels understate what they list: the policy's level
    // for US_SSN is HIGH, whatever the report says.
    let mut understated = high.clone();
    understated["summary"]["sensitivity"] = json!("NONE");
    let mut low_column = high.clone();
    low_column["tables"][0]["columns"][0]["sensitivity"] = json!("LOW");
    low_column["tables"][0]["sensitivity"] = json!("LOW");
    low_column["summary"]["sensitivity"] = json!("LOW");
    let mut unlisted = high.clone();
    unlisted["summary"]["entities"] = json!({});
    let mut unknown = high.clone();
    unknown["tables"][0]["columns"][0]["entities"] = json!(["SHOE_SIZE"]);
    unknown["summary"]["entities"] = json!({"SHOE_SIZE": 1});
    for (sens, report) in [
        ("NONE", high.clone()),
        ("NONE", understated.clone()),
        ("HIGH", understated),
        ("LOW", low_column),
        ("HIGH", unlisted),
        ("HIGH", unknown),
        ("NONE", Value::Null),
        (
            "LOW",
            json!({"tables": [], "rules": {"digest": rules_digest()}}),
        ),
        (
            "LOW",
            json!({"summary": {"sensitivity": "SECRET"}, "rules": {"digest": rules_digest()}}),
        ),
        // Reports of rules the service does not approve, or of no named rules.
        (
            "LOW",
            json!({"summary": {"sensitivity": "LOW"}, "rules": {"digest": "sha256:other"}}),
        ),
        ("LOW", json!({"summary": {"sensitivity": "LOW"}})),
    ] {
        let (st, b) = s.call(
            "POST",
            "/v1/export-requests",
            Some("alice"),
            Some(body(sens, report.clone())),
        );
        assert_eq!(st, StatusCode::BAD_REQUEST, "{sens} {report}: {b}");
    }
    let (st, b) = s.call(
        "POST",
        "/v1/export-requests",
        Some("alice"),
        Some(body("HIGH", high)),
    );
    assert_eq!(st, StatusCode::CREATED, "{b}");
    assert_eq!(b["approvals_needed"], 2);
}

/// #26: blank keys never authenticate; the scheme is case-insensitive; only
/// the gate role redeems.
#[test]
fn blank_keys_fail_and_only_the_gate_redeems() {
    // A configuration holding sha256("") is refused outright.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("piigate.toml");
    let mut cfg = config_toml(dir.path(), "127.0.0.1:0");
    cfg.push_str(&format!(
        "\n[[principals]]\nname = \"blank\"\nrole = \"admin\"\nkey_sha256 = \"{}\"\n",
        piigate::server::hash_key("")
    ));
    std::fs::write(&p, cfg).unwrap();
    let e = Config::load(&p)
        .and_then(|c| c.validate().map(|_| c))
        .unwrap_err();
    assert!(e.to_string().contains("empty key"), "{e}");
    assert_cmd::Command::cargo_bin("piigate")
        .unwrap()
        .arg("hash-key")
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("empty"));

    let s = Svc::start();
    let raw = |auth: &str| {
        s.rt.block_on(async {
            s.http
                .get(format!("{}/v1/export-requests", s.base))
                .header("authorization", auth)
                .send()
                .await
                .unwrap()
                .status()
        })
    };
    assert_eq!(raw("Bearer "), StatusCode::UNAUTHORIZED);
    assert_eq!(raw("Bearer  "), StatusCode::UNAUTHORIZED);
    assert_eq!(raw(&format!("bearer {}", key("alice"))), StatusCode::OK);
    assert_eq!(raw(&format!("BEARER {}", key("alice"))), StatusCode::OK);
    // A requester cannot redeem (nor an admin): the gate role does.
    for who in ["alice", "root"] {
        let (st, _) = s.call(
            "POST",
            "/v1/tokens/redeem",
            Some(who),
            Some(json!({"token": "v4.public.x"})),
        );
        assert_eq!(st, StatusCode::FORBIDDEN, "{who}");
    }
    // Every 401 and 403 above is in the audit chain, without the key offered.
    let (_, events) = s.call("GET", "/v1/audit", Some("root"), None);
    let auth: Vec<&Value> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "refusal" && e["detail"]["action"] == "auth")
        .collect();
    let count = |status: u64| {
        auth.iter()
            .filter(|e| e["detail"]["status"] == status)
            .count()
    };
    assert_eq!((count(401), count(403)), (2, 2), "{auth:?}");
    assert!(auth
        .iter()
        .any(|e| e["actor"] == "alice" && e["detail"]["role"] == "requester"));
    assert!(!events.to_string().contains(key("alice")));
}

/// moto's S3 server with IAM enforced after setup: a bucket, a `service` user
/// that may write it and a `pipeline` user that may only read. Returns the
/// server and the two users' (access key id, secret).
fn s3_with_iam(bucket: &str) -> (crate::export::S3Server, [(String, String); 2]) {
    let port = crate::export::free_port();
    let bin = std::env::var("PIIGATE_TEST_MOTO").unwrap_or_else(|_| "moto_server".into());
    // Seven unauthenticated actions: the bucket, then two users with a policy
    // and an access key each. Everything after is checked against IAM.
    let child = std::process::Command::new(&bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .env("INITIAL_NO_AUTH_ACTION_COUNT", "7")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("moto_server");
    let server = crate::export::S3Server { child, port };
    crate::export::wait_for_port(port, std::time::Duration::from_secs(10), "moto_server");
    let script = r#"
import json, sys, boto3
ep, bucket = sys.argv[1], sys.argv[2]
kw = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
boto3.client("s3", **kw).create_bucket(Bucket=bucket)
iam = boto3.client("iam", **kw)
out = []
for user, actions in [("service", ["s3:*"]), ("pipeline", ["s3:GetObject", "s3:ListBucket"])]:
    iam.create_user(UserName=user)
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions,
           "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]}
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps(doc))
    k = iam.create_access_key(UserName=user)["AccessKey"]
    out.append([k["AccessKeyId"], k["SecretAccessKey"]])
print(json.dumps(out))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script, &server.endpoint(), bucket])
        .output()
        .expect("python3 with boto3 (installed with moto)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let keys: Vec<(String, String)> = serde_json::from_slice(&out.stdout).unwrap();
    (server, [keys[0].clone(), keys[1].clone()])
}

fn s3_as(
    s3: &crate::export::S3Server,
    bucket: &str,
    who: &(String, String),
) -> object_store::aws::AmazonS3 {
    object_store::aws::AmazonS3Builder::new()
        .with_endpoint(s3.endpoint())
        .with_allow_http(true)
        .with_bucket_name(bucket)
        .with_region("us-east-1")
        .with_access_key_id(&who.0)
        .with_secret_access_key(&who.1)
        .build()
        .unwrap()
}

/// #25: the pipeline holds no credentials that can write the destination;
/// the service writes exactly the approved objects with its own.
#[test]
fn export_through_the_service_needs_no_destination_credentials() {
    use object_store::ObjectStoreExt;
    let (s3, [service, pipeline]) = s3_with_iam("vault");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/data/customers.parquet");
    let bytes = std::fs::read(&data).unwrap();
    // The pipeline's own credentials cannot write the bucket.
    let e = rt
        .block_on(
            s3_as(&s3, "vault", &pipeline).put(&"exports/direct".into(), bytes.clone().into()),
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("AccessDenied") || e.to_string().contains("403"),
        "{e}"
    );

    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("piigate.toml");
    let mut toml = config_toml(dir.path(), "127.0.0.1:0").replace("HIGH = 2", "HIGH = 1");
    toml = toml.replacen(
        "\n[policy]",
        &format!(
            "\n[[destinations]]\nurl = \"s3://vault/exports/\"\nendpoint = \"{ep}\"\noptions = {{ aws_endpoint = \"{ep}\", aws_allow_http = \"true\", aws_region = \"us-east-1\", aws_access_key_id = \"{}\", aws_secret_access_key = \"{}\" }}\n\n[policy]",
            service.0,
            service.1,
            ep = s3.endpoint()
        ),
        1,
    );
    std::fs::write(&cfg, toml).unwrap();
    let (mut server, base) = serve_process(&cfg);
    // Every command runs with the pipeline's read-only credentials.
    let env = crate::export::Env::new(&s3.endpoint());
    let cli = |who: &str| {
        let mut c = env.cmd();
        c.env("PIIGATE_SERVER", &base)
            .env("PIIGATE_API_KEY", key(who))
            .env("AWS_ACCESS_KEY_ID", &pipeline.0)
            .env("AWS_SECRET_ACCESS_KEY", &pipeline.1);
        c
    };
    let request = |to: &str| {
        let out = cli("alice")
            .args([
                "request",
                data.to_str().unwrap(),
                "--to",
                to,
                "--reason",
                "share",
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let id = String::from_utf8(out).unwrap().trim().to_string();
        cli("bob")
            .args(["review", &id, "--approve", "--comment", "ok"])
            .assert()
            .success();
        let tok = env.p(&format!("token-{id}"));
        cli("alice")
            .args(["token", &id, "--output", tok.to_str().unwrap()])
            .assert()
            .success();
        tok
    };
    let tok = request("s3://vault/exports/");
    let export = |tok: &Path, to: &str| {
        let mut c = cli("gate");
        c.args(["export", data.to_str().unwrap(), "--to", to, "--token-file"])
            .arg(tok)
            .arg("--via-service");
        c.assert()
    };
    export(&tok, "s3://vault/exports/")
        .success()
        .stdout(predicates::str::contains(
            "s3://vault/exports/customers.parquet",
        ));
    let store = s3_as(&s3, "vault", &service);
    let got = rt.block_on(async {
        store
            .get(&"exports/customers.parquet".into())
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
    });
    assert_eq!(got.to_vec(), bytes);
    // The token is spent at the service; a replay is refused there.
    export(&tok, "s3://vault/exports/")
        .code(3)
        .stderr(predicates::str::contains("already used"));
    // A destination the service was not configured for is refused, unspent.
    let elsewhere = request("s3://vault/other/");
    export(&elsewhere, "s3://vault/other/")
        .code(3)
        .stderr(predicates::str::contains("no configured destination"));
    let keys: Vec<String> = rt.block_on(async {
        use futures::TryStreamExt;
        object_store::ObjectStore::list(&store, None)
            .map_ok(|m| m.location.to_string())
            .try_collect()
            .await
            .unwrap()
    });
    assert_eq!(
        keys,
        vec!["exports/customers.parquet"],
        "exactly the approved object"
    );
    let _ = server.kill();
    let _ = server.wait();
}

/// #26: request state lives outside the chain, so it must be proven by it. A
/// denied request set to approved in the database is found by `audit verify`,
/// and a server started on that file issues no token for it.
#[test]
fn an_approval_edited_into_the_database_is_not_trusted() {
    let s = Svc::start();
    let denied = s.new_request("alice", "LOW");
    assert_eq!(s.review(&denied, "bob", "deny").1["status"], "denied");
    let unreviewed = s.new_request("alice", "LOW");
    let keys = s.keys_file();
    let db = s.db();
    let Svc { dir, rt, .. } = s;
    drop(rt);
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch(&format!(
        "UPDATE requests SET status = 'approved' WHERE id IN ('{denied}', '{unreviewed}');
         DELETE FROM reviews WHERE request_id = '{denied}';
         PRAGMA wal_checkpoint(TRUNCATE);"
    ))
    .unwrap();
    drop(c);
    assert_cmd::Command::cargo_bin("piigate")
        .unwrap()
        .args(["audit", "verify", "--db", db.to_str().unwrap(), "--keys"])
        .arg(&keys)
        .assert()
        .code(2)
        .stdout(predicates::str::contains(
            "request state edited outside the chain",
        ));
    let s2 = Svc::start_in(dir, "");
    for id in [&denied, &unreviewed] {
        let (st, b) = s2.call(
            "GET",
            &format!("/v1/export-requests/{id}/token"),
            Some("alice"),
            None,
        );
        assert_eq!(st, StatusCode::FORBIDDEN, "{b}");
        assert!(
            b["reason"].as_str().unwrap().contains("does not prove"),
            "{b}"
        );
    }
    // A request approved through the API still gets its token.
    let ok = s2.new_request("alice", "LOW");
    assert_eq!(s2.review(&ok, "bob", "approve").1["status"], "approved");
    let (st, b) = s2.call(
        "GET",
        &format!("/v1/export-requests/{ok}/token"),
        Some("alice"),
        None,
    );
    assert_eq!(st, StatusCode::OK, "{b}");
}

/// #26: the OpenAPI document is valid OpenAPI 3 (checked by
/// openapi-spec-validator), documents every served route with its parameters
/// and the bearer scheme, and every error answer is JSON.
#[test]
fn the_openapi_document_is_valid_and_errors_are_json() {
    let s = Svc::start();
    let (st, doc) = s.call("GET", "/openapi.json", None, None);
    assert_eq!(st, StatusCode::OK);
    let p = s.dir.path().join("openapi.json");
    std::fs::write(&p, doc.to_string()).unwrap();
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys; from openapi_spec_validator import validate; \
             from openapi_spec_validator.readers import read_from_filename; \
             validate(read_from_filename(sys.argv[1])[0]); print('valid')",
        ])
        .arg(&p)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "openapi-spec-validator (pip install openapi-spec-validator): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let paths = doc["paths"].as_object().unwrap();
    for route in [
        "/v1/export-requests",
        "/v1/export-requests/{id}",
        "/v1/export-requests/{id}/reviews",
        "/v1/export-requests/{id}/token",
        "/v1/export-requests/{id}/revoke",
        "/v1/tokens/redeem",
        "/v1/exports",
        "/v1/exports/{session}/objects/{path}",
        "/v1/exports/{session}/complete",
        "/v1/keys",
        "/v1/audit",
        "/v1/audit/checkpoint",
        "/v1/integrations/slack/actions",
        "/healthz",
        "/metrics",
        "/openapi.json",
    ] {
        assert!(paths.contains_key(route), "{route} is not documented");
    }
    let list_params: Vec<&str> = doc["paths"]["/v1/export-requests"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(list_params.contains(&"limit") && list_params.contains(&"status"));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    // Framework rejections are JSON too: a malformed body, an unknown route, a wrong method.
    let raw = |method: reqwest::Method, path: &str, body: &str| {
        s.rt.block_on(async {
            let r = s
                .http
                .request(method, format!("{}{path}", s.base))
                .bearer_auth(key("alice"))
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.ok())
        })
    };
    for (m, path, body, want) in [
        (
            reqwest::Method::POST,
            "/v1/export-requests",
            "{not json",
            StatusCode::BAD_REQUEST,
        ),
        (
            reqwest::Method::GET,
            "/v1/nothing-here",
            "",
            StatusCode::NOT_FOUND,
        ),
        (
            reqwest::Method::DELETE,
            "/v1/keys",
            "",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ] {
        let (st, b) = raw(m, path, body);
        assert_eq!(st, want, "{path}");
        let b = b.unwrap_or_else(|| panic!("{path}: the error body is not JSON"));
        assert!(b["reason"].as_str().is_some_and(|r| !r.is_empty()), "{b}");
    }
    // Pagination: limit and offset on the request list.
    for _ in 0..5 {
        s.new_request("alice", "LOW");
    }
    let (_, page) = s.call("GET", "/v1/export-requests?limit=2", Some("alice"), None);
    assert_eq!(page.as_array().unwrap().len(), 2);
    let (_, rest) = s.call(
        "GET",
        "/v1/export-requests?limit=10&offset=2",
        Some("alice"),
        None,
    );
    assert_eq!(rest.as_array().unwrap().len(), 3);
}

/// #26: an approval covers what its report showed. A requester whose report
/// hides the data's PII gets an approval, and the gate, scanning the exact
/// bytes, refuses the export before the token is spent; through the service,
/// the file is refused before it is written.
#[test]
fn an_approval_covers_only_what_its_report_showed() {
    let s = Svc::start();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/data/customers.parquet");
    let out = assert_cmd::Command::cargo_bin("piigate")
        .unwrap()
        .args(["digest", data.to_str().unwrap()])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let digest = String::from_utf8(out)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_string();
    let rules = piigate::RuleSet::builtin().unwrap().digest().to_string();
    let dest = s.dir.path().join("out");
    std::fs::create_dir_all(&dest).unwrap();
    let to = format!("file://{}/", dest.display());
    // The report says LOW with no entities; the file holds names, e-mails, SSNs…
    let lie = json!({"dataset_id": "customers", "content_digest": digest, "sensitivity": "LOW",
        "dest": to, "reason": "nothing to see", "ops": ["put", "multipart"],
        "report": {"summary": {"sensitivity": "LOW", "entities": {}, "rules": {"digest": rules_digest()}}, "rules": {"digest": rules}, "tables": []}});
    let (st, req) = s.call("POST", "/v1/export-requests", Some("alice"), Some(lie));
    assert_eq!(st, StatusCode::CREATED, "{req}");
    let id = req["id"].as_str().unwrap().to_string();
    assert_eq!(s.review(&id, "bob", "approve").1["status"], "approved");
    let (st, t) = s.call(
        "GET",
        &format!("/v1/export-requests/{id}/token"),
        Some("alice"),
        None,
    );
    assert_eq!(st, StatusCode::OK);
    let tok = s.dir.path().join("token");
    std::fs::write(&tok, t["token"].as_str().unwrap()).unwrap();
    let export = |extra: &[&str]| {
        let mut c = assert_cmd::Command::cargo_bin("piigate").unwrap();
        c.env("PIIGATE_HOME", s.dir.path().join("home"))
            .env("PIIGATE_API_KEY", key("gate"))
            .args([
                "export",
                data.to_str().unwrap(),
                "--to",
                &to,
                "--token-file",
            ])
            .arg(&tok)
            .args(["--server", &s.base])
            .args(extra);
        c.assert()
    };
    export(&[])
        .code(3)
        .stderr(predicates::str::contains("content exceeds the approval"))
        .stderr(predicates::str::contains("EMAIL"));
    assert_eq!(std::fs::read_dir(&dest).unwrap().count(), 0);
    let (_, events) = s.call("GET", "/v1/audit", Some("root"), None);
    assert!(
        !events
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "redeem" && e["subject"] == id.as_str()),
        "refused before the token was redeemed"
    );
}

/// #26: signed heads copied outside the database catch a rollback that the
/// database alone cannot show: an older copy of the whole file, every
/// signature in it valid.
#[test]
fn a_database_restored_from_an_older_copy_is_caught_by_external_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let s = Svc::start_in(
        dir,
        "checkpoint_file = \"checkpoints.jsonl\"\ncheckpoint_interval_secs = 1\n",
    );
    let file = s.dir.path().join("checkpoints.jsonl");
    let settle = |s: &Svc| {
        // Until the writer has copied the current head.
        let want = rusqlite::Connection::open(s.db())
            .unwrap()
            .query_row("SELECT seq FROM audit_head WHERE id = 1", [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap();
        for _ in 0..100 {
            let text =
                std::fs::read_to_string(s.dir.path().join("checkpoints.jsonl")).unwrap_or_default();
            if text
                .lines()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .any(|c| c["seq"] == want)
            {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the head was not copied to the checkpoint file");
    };
    for _ in 0..3 {
        s.new_request("alice", "LOW");
    }
    settle(&s);
    let keys = s.keys_file();
    let fold = |p: &Path| {
        rusqlite::Connection::open(p)
            .unwrap()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
    };
    fold(&s.db());
    let old = s.dir.path().join("old.db");
    std::fs::copy(s.db(), &old).unwrap();
    for _ in 0..3 {
        s.new_request("alice", "LOW");
    }
    settle(&s);
    fold(&s.db());
    let verify = |db: &Path, external: bool| {
        let mut c = assert_cmd::Command::cargo_bin("piigate").unwrap();
        c.args(["audit", "verify", "--db", db.to_str().unwrap(), "--keys"])
            .arg(&keys);
        if external {
            c.arg("--checkpoints").arg(&file);
        }
        c.assert()
    };
    verify(&s.db(), true)
        .success()
        .stdout(predicates::str::contains("intact"));
    // The older copy verifies on its own …
    verify(&old, false)
        .success()
        .stdout(predicates::str::contains("intact"));
    // … but not against the checkpoints written after it.
    verify(&old, true)
        .code(2)
        .stdout(predicates::str::contains("rolled back"));
}

/// The library's front doors without the command line: request approval
/// with `ApprovalClient`, two reviewers approve, the requester fetches the
/// token, and `Exporter` writes through the gate, redeeming online; a
/// replay is a typed refusal, and the local audit log verifies.
#[test]
fn the_library_requests_approves_and_exports_without_the_cli() {
    use piigate::approval::{ApprovalClient, RequestStatus, ReviewDecision};
    use piigate::export::{Exporter, TokenSource};
    let svc = Svc::start();
    let data = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/data/customers.parquet")
        .display()
        .to_string();
    let out = tempfile::tempdir().unwrap();
    let to = format!("file://{}/exports/", out.path().display());
    let inputs = vec![data.clone()];
    let client = |who: &str| ApprovalClient::new(&format!("{}/", svc.base), key(who)).unwrap();
    // The client's Debug output never shows its key.
    assert!(!format!("{:?}", client("alice")).contains(key("alice")));

    let body = piigate::export::request_for(&inputs, &to, "share with analytics", false).unwrap();
    assert_eq!(body.sensitivity, piigate::Sensitivity::High);
    let req = svc
        .rt
        .block_on(client("alice").create_request(&body))
        .unwrap();
    assert_eq!(
        (req.status, req.approvals_needed),
        (RequestStatus::Pending, 2)
    );
    // The requester may not approve their own request: a typed answer.
    let err = svc
        .rt
        .block_on(client("alice").review(&req.id, ReviewDecision::Approve, "mine"))
        .unwrap_err();
    assert!(
        matches!(err, piigate::Error::Service { status: 403, .. }),
        "{err}"
    );
    for who in ["bob", "carol"] {
        svc.rt
            .block_on(client(who).review(&req.id, ReviewDecision::Approve, "checked the tags"))
            .unwrap();
    }
    let pending = svc
        .rt
        .block_on(client("alice").list(Some(RequestStatus::Approved), 10))
        .unwrap();
    assert_eq!(
        pending.iter().map(|r| &r.id).collect::<Vec<_>>(),
        vec![&req.id]
    );
    let token = svc.rt.block_on(client("alice").token(&req.id)).unwrap();

    let state = tempfile::tempdir().unwrap();
    let exporter = Exporter::new(&to)
        .server(&svc.base)
        .api_key(key("gate"))
        .home(state.path());
    let done = exporter
        .run(&inputs, &TokenSource::Token(token.clone()))
        .unwrap();
    assert_eq!(
        done.objects,
        vec![piigate::export::WrittenObject {
            path: "customers.parquet".into(),
            bytes: std::fs::metadata(&data).unwrap().len(),
        }]
    );
    assert_eq!(
        std::fs::read(out.path().join("exports/customers.parquet")).unwrap(),
        std::fs::read(&data).unwrap()
    );
    assert_eq!(done.content_digest, body.content_digest);
    // The same token again: refused by the service, as a typed refusal.
    let again = exporter
        .run(&inputs, &TokenSource::Token(token))
        .unwrap_err();
    assert!(
        matches!(
            again,
            piigate::Error::Refused(piigate::gate::Refusal::AlreadyUsed)
        ),
        "{again}"
    );
    // Both decisions are in the local audit log, whose chain verifies.
    let conn = rusqlite::Connection::open(state.path().join("audit.db")).unwrap();
    let keys = piigate::gate::KeySet::load(&state.path().join("audit-keys.json")).unwrap();
    let v = piigate::audit::verify(&conn, &keys).unwrap();
    assert!(v.problem.is_none(), "{:?}", v.problem);
    let kinds: Vec<String> = conn
        .prepare("SELECT kind FROM audit_events ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(kinds.contains(&"export".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"refusal".to_string()), "{kinds:?}");
}
