//! Single-use redemption: the approval service (online), or offline a
//! create-only marker at the destination beside a local SQLite ledger.

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
    /// The ledger at `path` (created on first use).
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

/// Redeems offline where the caller cannot reset it: a create-only marker
/// object `<approved prefix>/.piigate/redeemed/<jti>` written with
/// `PutMode::Create` (S3 `If-None-Match: *`, an exclusive create on a local
/// disk). A replay fails at the bucket itself, whatever ledger file the
/// caller deletes or swaps.
pub struct DestinationMarker {
    store: std::sync::Arc<dyn object_store::ObjectStore>,
    /// `Some` for `file://` stores, whose links are checked before writing.
    local: bool,
}

impl std::fmt::Debug for DestinationMarker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DestinationMarker({})", self.store)
    }
}

/// Where the redemption marker of `claims` lives, below the approved prefix.
pub fn marker_destination(claims: &ApprovalClaims) -> Result<super::Destination, Refusal> {
    let mut d = super::Destination::parse(&claims.dest).map_err(Refusal::Malformed)?;
    super::dest::check_name_segment(&claims.jti)
        .map_err(|e| Refusal::Malformed(format!("jti: {e}")))?;
    d.segments.extend([
        ".piigate".to_string(),
        "redeemed".to_string(),
        claims.jti.clone(),
    ]);
    Ok(d)
}

impl DestinationMarker {
    /// `store` is rooted at the bucket (or at `/` for `file://`), the store
    /// the export writes through before its prefix is applied.
    pub fn new(store: std::sync::Arc<dyn object_store::ObjectStore>, local: bool) -> Self {
        DestinationMarker { store, local }
    }
}

#[async_trait::async_trait]
impl Redeemer for DestinationMarker {
    async fn redeem(&self, _token: &ApprovalToken, claims: &ApprovalClaims) -> Result<(), Refusal> {
        let d = marker_destination(claims)?;
        if self.local {
            d.check_no_symlinks().map_err(Refusal::WrongDestination)?;
        }
        let body = serde_json::to_vec(&serde_json::json!({
            "jti": claims.jti,
            "dataset_id": claims.dataset_id,
            "content_digest": claims.content_digest,
            "redeemed_at": super::token::rfc3339(time::OffsetDateTime::now_utc()),
        }))
        .unwrap_or_default();
        let opts = object_store::PutOptions {
            mode: object_store::PutMode::Create,
            ..Default::default()
        };
        match self
            .store
            .put_opts(&d.prefix_path(), body.into(), opts)
            .await
        {
            Ok(_) => Ok(()),
            Err(object_store::Error::AlreadyExists { .. }) => Err(Refusal::AlreadyUsed),
            Err(e) => Err(Refusal::RedeemFailed(format!(
                "writing the redemption marker {}: {e}",
                d.describe()
            ))),
        }
    }
}

/// Several redeemers that must all accept, in order (the destination marker,
/// then the local ledger that keeps the history).
pub struct AllOf(pub Vec<Box<dyn Redeemer>>);

#[async_trait::async_trait]
impl Redeemer for AllOf {
    async fn redeem(&self, token: &ApprovalToken, claims: &ApprovalClaims) -> Result<(), Refusal> {
        for r in &self.0 {
            r.redeem(token, claims).await?;
        }
        Ok(())
    }
}

/// Redeems online at `POST {server}/v1/tokens/redeem`.
#[derive(Debug, Clone)]
pub struct OnlineRedeemer {
    client: crate::approval::ApprovalClient,
}

impl OnlineRedeemer {
    /// Redeems through `client`, whose key must have the gate role.
    pub fn new(client: crate::approval::ApprovalClient) -> Self {
        OnlineRedeemer { client }
    }
}

#[async_trait::async_trait]
impl Redeemer for OnlineRedeemer {
    async fn redeem(&self, token: &ApprovalToken, _claims: &ApprovalClaims) -> Result<(), Refusal> {
        self.client.redeem(token).await
    }
}
