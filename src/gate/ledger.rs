//! Single-use redemption: a local SQLite ledger, or the approval service.

use std::path::{Path, PathBuf};

use rusqlite::params;

use super::token::{ApprovalClaims, ApprovalToken};
use super::{Redeemer, Refusal};

/// Redeems approvals against a local SQLite file: an approval id can be
/// redeemed once; the second attempt is refused as already used.
#[derive(Debug, Clone)]
pub struct LocalLedger {
    path: PathBuf,
}

impl LocalLedger {
    pub fn open(path: impl AsRef<Path>) -> crate::Result<Self> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| crate::Error::io(dir.display().to_string(), e))?;
        }
        let c = rusqlite::Connection::open(&path)
            .map_err(|e| crate::Error::Config(format!("{}: {e}", path.display())))?;
        c.execute_batch("CREATE TABLE IF NOT EXISTS redeemed (jti TEXT PRIMARY KEY, at TEXT NOT NULL, dataset_id TEXT NOT NULL, dest TEXT NOT NULL)")
            .map_err(|e| crate::Error::Config(format!("{}: {e}", path.display())))?;
        Ok(LocalLedger { path })
    }
}

#[async_trait::async_trait]
impl Redeemer for LocalLedger {
    async fn redeem(&self, _token: &ApprovalToken, claims: &ApprovalClaims) -> Result<(), Refusal> {
        let path = self.path.clone();
        let (jti, ds, dest) = (
            claims.jti.clone(),
            claims.dataset_id.clone(),
            claims.dest.clone(),
        );
        tokio::task::spawn_blocking(move || {
            let c = rusqlite::Connection::open(&path)
                .map_err(|e| Refusal::RedeemFailed(e.to_string()))?;
            c.busy_timeout(std::time::Duration::from_secs(10))
                .map_err(|e| Refusal::RedeemFailed(e.to_string()))?;
            let now = super::token::rfc3339(time::OffsetDateTime::now_utc());
            match c.execute(
                "INSERT INTO redeemed (jti, at, dataset_id, dest) VALUES (?1, ?2, ?3, ?4)",
                params![jti, now, ds, dest],
            ) {
                Ok(_) => Ok(()),
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Err(Refusal::AlreadyUsed)
                }
                Err(e) => Err(Refusal::RedeemFailed(e.to_string())),
            }
        })
        .await
        .map_err(|e| Refusal::RedeemFailed(e.to_string()))?
    }
}

/// Redeems online at `POST {server}/v1/tokens/redeem`.
#[derive(Clone)]
pub struct OnlineRedeemer {
    pub server: String,
    api_key: String,
    client: reqwest::Client,
}

impl std::fmt::Debug for OnlineRedeemer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OnlineRedeemer({}, api_key: **REDACTED**)", self.server)
    }
}

impl OnlineRedeemer {
    pub fn new(server: impl Into<String>, api_key: impl Into<String>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        OnlineRedeemer {
            server: server.into().trim_end_matches('/').to_string(),
            api_key: api_key.into(),
            client,
        }
    }
}

#[async_trait::async_trait]
impl Redeemer for OnlineRedeemer {
    async fn redeem(&self, token: &ApprovalToken, _claims: &ApprovalClaims) -> Result<(), Refusal> {
        let r = self
            .client
            .post(format!("{}/v1/tokens/redeem", self.server))
            .bearer_auth(&self.api_key)
            .json(&serde_json::json!({ "token": token.expose() }))
            .send()
            .await
            .map_err(|e| {
                Refusal::RedeemFailed(format!("approval service unreachable: {}", e.without_url()))
            })?;
        let status = r.status();
        let body: serde_json::Value = r.json().await.unwrap_or_default();
        let reason = body["reason"].as_str().unwrap_or_default().to_string();
        match status.as_u16() {
            200 => Ok(()),
            409 => Err(Refusal::AlreadyUsed),
            410 if reason.contains("revoked") => Err(Refusal::Revoked),
            410 => Err(Refusal::Expired(reason)),
            _ => Err(Refusal::RedeemFailed(format!(
                "approval service answered {status}: {reason}"
            ))),
        }
    }
}
