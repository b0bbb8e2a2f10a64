//! The same export gate over Azure Blob Storage, against a real Azurite
//! (`npm install -g azurite`; `.ci/run` installs it) on 127.0.0.1. The CLI
//! reaches it through object_store's emulator mode
//! (`AZURE_STORAGE_USE_EMULATOR`, `AZURITE_BLOB_STORAGE_URL`), exactly as a
//! user would point piigate at Azurite.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use predicates::prelude::*;

use crate::export::{cutting_proxy, free_port, wait_for_port, Env};

/// Azurite's well-known development account (public, documented by Microsoft).
const ACCOUNT: &str = "devstoreaccount1";
const ACCOUNT_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

pub struct Azurite {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Azurite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_azurite() -> Azurite {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let bin = std::env::var("PIIGATE_TEST_AZURITE").unwrap_or_else(|_| "azurite-blob".into());
    let child = StdCommand::new(&bin)
        .current_dir(dir.path())
        .args([
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            &port.to_string(),
            "--inMemoryPersistence",
            "--skipApiVersionCheck",
            "--silent",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin} (npm install -g azurite): {e}"));
    let server = Azurite {
        child,
        port,
        _dir: dir,
    };
    wait_for_port(port, Duration::from_secs(30), "azurite-blob");
    server
}

impl Azurite {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Sign and send one Blob REST request with the account's shared key;
    /// returns the status code and body.
    fn request(&self, method: &str, path: &str, query: &[(&str, &str)]) -> (u16, String) {
        let (code, body) = self.raw(method, path, query);
        (code, String::from_utf8_lossy(&body).into_owned())
    }

    fn raw(&self, method: &str, path: &str, query: &[(&str, &str)]) -> (u16, Vec<u8>) {
        let date = time::OffsetDateTime::now_utc()
            .format(time::macros::format_description!(
                "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
            ))
            .unwrap();
        let version = "2021-08-06";
        let mut resource = format!("/{ACCOUNT}/{ACCOUNT}/{path}");
        let mut q = query.to_vec();
        q.sort();
        for (k, v) in &q {
            resource.push_str(&format!("\n{k}:{v}"));
        }
        let to_sign = format!(
            "{method}\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:{date}\nx-ms-version:{version}\n{resource}"
        );
        let key = base64::engine::general_purpose::STANDARD
            .decode(ACCOUNT_KEY)
            .unwrap();
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
        mac.update(to_sign.as_bytes());
        let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        let qs: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "{method} /{ACCOUNT}/{path}?{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nx-ms-date: {date}\r\nx-ms-version: {version}\r\nAuthorization: SharedKey {ACCOUNT}:{sig}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            qs.join("&"),
            self.port
        )
        .unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        let split = out
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP response");
        let head = String::from_utf8_lossy(&out[..split]).to_ascii_lowercase();
        let code = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let mut body = out[split + 4..].to_vec();
        if head.contains("transfer-encoding: chunked") {
            body = dechunk(&body);
        }
        (code, body)
    }

    pub fn container(&self, name: &str) {
        let (code, body) = self.request("PUT", name, &[("restype", "container")]);
        assert_eq!(code, 201, "create container {name}: {body}");
    }

    /// Every blob in the container (committed or not visible: Azure lists
    /// committed blobs only, which is what a reader would see).
    pub fn blobs(&self, container: &str) -> Vec<String> {
        let (code, body) = self.request(
            "GET",
            container,
            &[("comp", "list"), ("restype", "container")],
        );
        assert_eq!(code, 200, "list {container}: {body}");
        let mut names: Vec<String> = body
            .split("<Name>")
            .skip(1)
            .filter_map(|s| s.split("</Name>").next())
            .map(str::to_string)
            .collect();
        names.sort();
        names
    }

    /// The bytes of one blob, read with a plain signed GET.
    pub fn get(&self, container: &str, blob: &str) -> Vec<u8> {
        let (code, body) = self.raw("GET", &format!("{container}/{blob}"), &[]);
        assert_eq!(code, 200, "get {container}/{blob}");
        body
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let n = usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[eol + 4 + n..];
    }
}

/// What a user sets to point piigate (object_store) at Azurite.
fn azure_env(blob_url: String) -> Vec<(&'static str, String)> {
    vec![
        ("AZURE_STORAGE_USE_EMULATOR", "true".into()),
        ("AZURITE_BLOB_STORAGE_URL", blob_url),
    ]
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/data")
        .join(name)
}

fn export(
    env: &Env,
    blob_url: String,
    input: &Path,
    to: &str,
    token: &Path,
    extra: &[&str],
) -> assert_cmd::assert::Assert {
    env.export_cmd(input, to, token)
        .envs(azure_env(blob_url))
        .args(extra)
        .timeout(Duration::from_secs(300))
        .assert()
}

#[test]
fn the_gate_refuses_and_allows_over_azurite() {
    let az = start_azurite();
    az.container("exports");
    az.container("exports-evil");
    // Tokens name the Azurite account they are for (the endpoint claim).
    let env = Env::new("http://127.0.0.1:9").with_env(azure_env(az.url()));
    let key = env.p("key.json");
    let key = key.to_str().unwrap();
    let data = fixture("customers.parquet");
    let dest = "az://exports/daily/";

    let cases: Vec<(&str, Vec<&str>, &str, &str)> = vec![
        ("prefix", vec![], "az://exports/other/", "wrong destination"),
        (
            "traversal",
            vec![],
            "az://exports/daily/../secret/",
            "wrong destination",
        ),
        (
            "container",
            vec![],
            "az://exports-evil/daily/",
            "wrong destination",
        ),
        ("expired", vec!["--ttl=-3600"], dest, "expired"),
        ("bytes", vec!["--max-bytes", "1000"], dest, "limit exceeded"),
        (
            "ops",
            vec!["--ops", "delete"],
            dest,
            "operation not allowed",
        ),
    ];
    for (name, flags, to, reason) in cases {
        let t = env.token(name, key, &data, dest, &flags);
        export(&env, az.url(), &data, to, &t, &[])
            .code(3)
            .stderr(predicate::str::contains(reason));
        assert!(az.blobs("exports").is_empty(), "{name}: container changed");
        assert!(
            az.blobs("exports-evil").is_empty(),
            "{name}: other container changed"
        );
    }
    export(&env, az.url(), &data, dest, &env.p("no-token"), &[])
        .code(3)
        .stderr(predicate::str::contains("missing"));

    // Changed content after approval.
    let copy = env.p("customers.parquet");
    let mut bytes = std::fs::read(&data).unwrap();
    std::fs::write(&copy, &bytes).unwrap();
    let t = env.token("changed", key, &copy, dest, &[]);
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&copy, &bytes).unwrap();
    export(&env, az.url(), &copy, dest, &t, &[])
        .code(3)
        .stderr(predicate::str::contains("content digest mismatch"));
    assert!(az.blobs("exports").is_empty());

    // The valid token writes identical bytes; a replay is refused.
    let t = env.token("valid", key, &data, dest, &["--jti", "valid-1"]);
    export(&env, az.url(), &data, dest, &t, &[])
        .success()
        .stdout(predicate::str::contains(
            "az://exports/daily/customers.parquet",
        ));
    // The data and the create-only marker that makes the token single-use.
    let written = vec!["daily/.piigate/redeemed/valid-1", "daily/customers.parquet"];
    assert_eq!(az.blobs("exports"), written);
    assert_eq!(
        az.get("exports", "daily/customers.parquet"),
        std::fs::read(&data).unwrap()
    );
    export(&env, az.url(), &data, dest, &t, &[])
        .code(3)
        .stderr(predicate::str::contains("already used"));
    assert_eq!(az.blobs("exports"), written);

    // The exported blob reads back through az:// with the same report as
    // the local file (Parquet over object_store's Azure client).
    let scan = |input: &str| {
        let out = env
            .cmd()
            .envs(azure_env(az.url()))
            .args(["scan", input, "--format", "json"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let mut r: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let t = r["tables"][0].as_object_mut().unwrap();
        t.remove("source");
        t.remove("name");
        r["tables"][0].clone()
    };
    let remote = scan("az://exports/daily/customers.parquet");
    assert_eq!(remote, scan(data.to_str().unwrap()));
    assert!(remote["columns"].as_array().unwrap().len() > 5);
}

/// 21 MB of bytes that do not compress.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[test]
fn multipart_over_azurite_is_all_or_nothing() {
    let az = start_azurite();
    az.container("big");
    let env = Env::new("http://127.0.0.1:9").with_env(azure_env(az.url()));
    let key = env.p("key.json");
    let key = key.to_str().unwrap();
    let data = env.p("big.parquet");
    let bytes = noise(21 * 1024 * 1024, 0x9e3779b97f4a7c15);
    std::fs::write(&data, &bytes).unwrap();
    let dest = "az://big/x/";

    // Cut the connection after 12 MB: the blocks staged so far are never
    // committed, so no blob is visible.
    let proxy = cutting_proxy(az.port, 12 * 1024 * 1024);
    // Approved for the account behind the proxy (the endpoint is bound).
    let via = format!("http://127.0.0.1:{proxy}/devstoreaccount1");
    let t = env.token(
        "cut",
        key,
        &data,
        dest,
        &["--endpoint", &via, "--jti", "cut-1", "--unscanned"],
    );
    export(
        &env,
        format!("http://127.0.0.1:{proxy}"),
        &data,
        dest,
        &t,
        &["--multipart-threshold", "5242880"],
    )
    .code(2)
    .stderr(predicate::str::contains("writing big.parquet"));
    assert_eq!(
        az.blobs("big"),
        vec!["x/.piigate/redeemed/cut-1"],
        "an interrupted upload must not leave a blob (the marker is the spent token)"
    );

    // Straight to Azurite: the whole file, block by block, identical bytes.
    let t = env.token(
        "whole",
        key,
        &data,
        dest,
        &["--jti", "whole-1", "--unscanned"],
    );
    export(
        &env,
        az.url(),
        &data,
        dest,
        &t,
        &["--multipart-threshold", "5242880"],
    )
    .success();
    assert_eq!(
        az.blobs("big"),
        vec![
            "x/.piigate/redeemed/cut-1",
            "x/.piigate/redeemed/whole-1",
            "x/big.parquet"
        ]
    );
    assert_eq!(az.get("big", "x/big.parquet"), bytes);
}
