//! `piigate.toml` for `piigate serve`.
//!
//! ```toml
//! listen = "127.0.0.1:8080"
//! database = "piigate.db"
//! signing_key = "piigate-signing-key.json"   # created with mode 0600 on first start
//! issuer = "piigate"
//! audience = "piigate-export"
//! token_ttl_secs = 900
//! request_ttl_secs = 86400
//! public_url = "https://piigate.example.com"   # links in notifications; Secure cookies
//!
//! [notify]            # optional; delivered in the background, with retries
//! slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXX"
//! teams_webhook_url = "https://prod.westeurope.logic.azure.com/workflows/…"
//!
//! [slack]             # optional: Approve / Deny buttons in Slack
//! signing_secret = "…"                 # the Slack app's signing secret
//! review_page_required_from = "HIGH"   # these levels are reviewed on the page only
//! [slack.users]       # Slack user id → principal; anyone else is refused
//! U0123ABC = "bob"
//!
//! [policy]            # distinct approvers needed per sensitivity
//! NONE = 1
//! LOW = 1
//! MODERATE = 1
//! HIGH = 2
//!
//! [[principals]]
//! name = "etl-nightly"
//! role = "requester"
//! key_sha256 = "…"    # sha256 of the API key, hex; never the key itself
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::report::Sensitivity;
use crate::{Error, Result};

/// What a principal may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Creates requests and fetches their tokens.
    Requester,
    /// Reviews other principals' requests.
    Approver,
    /// Reviews, revokes and reads the audit log.
    Admin,
    /// The export gate: may redeem tokens.
    Gate,
}

/// An API key's holder.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Principal {
    /// The principal's name (audited).
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// Lower-case hex sha256 of the API key.
    pub key_sha256: String,
}

impl std::fmt::Debug for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Principal {{ name: {:?}, role: {:?}, key_sha256: **REDACTED** }}",
            self.name, self.role
        )
    }
}

/// The service's configuration (`piigate.toml`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on (`127.0.0.1:8080`).
    #[serde(default = "default_listen")]
    pub listen: String,
    /// The SQLite database file.
    #[serde(default = "default_db")]
    pub database: PathBuf,
    /// The signing key file (created on first start when absent).
    #[serde(default)]
    pub signing_key: Option<PathBuf>,
    /// The `iss` of the tokens it issues.
    #[serde(default = "default_issuer")]
    pub issuer: String,
    /// The `aud` of the tokens it issues.
    #[serde(default = "default_audience")]
    pub audience: String,
    /// How long an issued token is valid, in seconds.
    #[serde(default = "default_token_ttl")]
    pub token_ttl_secs: i64,
    /// How long a request waits for its reviews, in seconds.
    #[serde(default = "default_request_ttl")]
    pub request_ttl_secs: i64,
    /// A Slack incoming-webhook URL (the older name of
    /// `notify.slack_webhook_url`).
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// The address reviewers reach this service at (behind a proxy that
    /// terminates TLS, the `https://` one): links in notifications point
    /// there, and the review page's cookies are `Secure` when it is https.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Where and how requests are announced (Slack and Teams webhooks).
    #[serde(default)]
    pub notify: NotifyConfig,
    /// Slack interactivity (Approve/Deny buttons), when configured.
    #[serde(default)]
    pub slack: Option<SlackConfig>,
    /// How long a review-page sign-in lasts.
    #[serde(default = "default_session_ttl")]
    pub ui_session_ttl_secs: u64,
    /// Distinct approvals needed per sensitivity.
    #[serde(default = "default_policy")]
    pub policy: BTreeMap<Sensitivity, u32>,
    /// The policy's version, written into every token.
    #[serde(default = "default_policy_version")]
    pub policy_version: String,
    /// The API keys' holders.
    #[serde(default)]
    pub principals: Vec<Principal>,
    /// Largest request body accepted, in bytes.
    #[serde(default = "default_body_limit")]
    pub body_limit: usize,
    /// Longest time a request may take, in seconds.
    #[serde(default = "default_timeout")]
    pub request_timeout_secs: u64,
    /// Destinations the service writes to itself (export through the
    /// service), with credentials the pipelines never see.
    #[serde(default)]
    pub destinations: Vec<super::export::DestinationConfig>,
    /// Append-only file outside the database where the signed audit head is
    /// copied whenever it moves (checked every `checkpoint_interval_secs`):
    /// `piigate audit verify --checkpoints FILE` then finds a database
    /// rolled back behind it, even to an older copy whose signatures verify.
    #[serde(default)]
    pub checkpoint_file: Option<PathBuf>,
    /// How often the signed audit head is copied to `checkpoint_file`, in seconds.
    #[serde(default = "default_checkpoint_interval")]
    pub checkpoint_interval_secs: u64,
    /// The rule sets (`rules.digest` of a report) whose reports this service
    /// approves; empty: the built-in rules only. The gate scans with the same
    /// rules at export, so a report of other rules could not be checked.
    #[serde(default)]
    pub rules_digests: Vec<String>,
}

/// A secret from the configuration: never printed.
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("**REDACTED**")
    }
}

/// Where notifications go.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// Slack incoming webhook: a Block Kit message per request and outcome.
    #[serde(default)]
    pub slack_webhook_url: Option<String>,
    /// Microsoft Teams workflow webhook ("Post to a channel when a webhook
    /// request is received"): an Adaptive Card per request and outcome.
    #[serde(default)]
    pub teams_webhook_url: Option<String>,
    /// The request's reason is cut to this many characters in messages.
    #[serde(default = "default_reason_limit")]
    pub reason_limit: usize,
}

/// Interactive approvals from Slack.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlackConfig {
    /// The Slack app's signing secret: every action must carry its signature.
    pub signing_secret: Secret,
    /// Requests at or above this level are reviewed on the review page (or
    /// the API) only: a Slack identity is the Slack workspace's word, weaker
    /// than the reviewer's own key. Default HIGH.
    #[serde(default = "default_page_required")]
    pub review_page_required_from: Option<Sensitivity>,
    /// Slack user id → principal name. Anyone else is refused.
    #[serde(default)]
    pub users: BTreeMap<String, String>,
}

fn default_page_required() -> Option<Sensitivity> {
    Some(Sensitivity::High)
}

fn default_reason_limit() -> usize {
    200
}

fn default_session_ttl() -> u64 {
    8 * 3600
}

fn default_checkpoint_interval() -> u64 {
    10
}

fn default_listen() -> String {
    "127.0.0.1:8080".into()
}
fn default_db() -> PathBuf {
    "piigate.db".into()
}
fn default_issuer() -> String {
    "piigate".into()
}
fn default_audience() -> String {
    "piigate-export".into()
}
fn default_token_ttl() -> i64 {
    900
}
fn default_request_ttl() -> i64 {
    86_400
}
fn default_policy_version() -> String {
    "1".into()
}
fn default_body_limit() -> usize {
    4 * 1024 * 1024
}
fn default_timeout() -> u64 {
    30
}
fn default_policy() -> BTreeMap<Sensitivity, u32> {
    BTreeMap::from([
        (Sensitivity::None, 1),
        (Sensitivity::Low, 1),
        (Sensitivity::Moderate, 1),
        (Sensitivity::High, 2),
    ])
}

/// Lower-case hex sha256 of an API key, as `principals` store it.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

impl Config {
    /// Reads and validates the configuration file at `path`.
    pub fn load(path: &Path) -> Result<Config> {
        let text =
            std::fs::read_to_string(path).map_err(|e| Error::io(path.display().to_string(), e))?;
        let mut c: Config = toml::from_str(&text)
            .map_err(|e| Error::Config(format!("{}: {}", path.display(), e.message())))?;
        // Relative paths are relative to the config file.
        let base = path.parent().unwrap_or(Path::new("."));
        if c.database.is_relative() {
            c.database = base.join(&c.database);
        }
        if let Some(p) = c.checkpoint_file.take() {
            c.checkpoint_file = Some(if p.is_relative() { base.join(p) } else { p });
        }
        c.signing_key = Some(match c.signing_key.take() {
            Some(p) if p.is_relative() => base.join(p),
            Some(p) => p,
            None => base.join("piigate-signing-key.json"),
        });
        c.validate()?;
        Ok(c)
    }

    /// Checks the configuration (keys, policy, destinations) and refuses what is unsafe.
    pub fn validate(&self) -> Result<()> {
        let empty = hash_key("");
        let mut seen = std::collections::HashSet::new();
        for p in &self.principals {
            if p.key_sha256.len() != 64 || !p.key_sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Error::Config(format!("principal {}: key_sha256 must be 64 hex digits (the sha256 of the key, not the key)", p.name)));
            }
            let h = p.key_sha256.to_ascii_lowercase();
            if h == empty {
                return Err(Error::Config(format!(
                    "principal {}: key_sha256 is the hash of an empty key",
                    p.name
                )));
            }
            if !seen.insert(h) {
                return Err(Error::Config(format!(
                    "principal {}: the same key as another principal",
                    p.name
                )));
            }
        }
        if let Some(u) = &self.public_url {
            let parsed =
                url::Url::parse(u).map_err(|e| Error::Config(format!("public_url {u:?}: {e}")))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(Error::Config(format!(
                    "public_url {u:?}: must be an http or https URL"
                )));
            }
        }
        if let Some(s) = &self.slack {
            if s.signing_secret.expose().trim().len() < 16 {
                return Err(Error::Config(
                    "slack.signing_secret: missing or too short (copy it from the Slack app's Basic Information page)".into(),
                ));
            }
            for (user, name) in &s.users {
                match self.principals.iter().find(|p| &p.name == name) {
                    None => {
                        return Err(Error::Config(format!(
                            "slack.users.{user}: no principal named {name:?}"
                        )))
                    }
                    Some(p) if !matches!(p.role, Role::Approver | Role::Admin) => {
                        return Err(Error::Config(format!(
                            "slack.users.{user}: {name:?} is a {:?}, and only approvers and admins review",
                            p.role
                        )))
                    }
                    Some(_) => {}
                }
            }
        }
        if self.token_ttl_secs <= 0 || self.request_ttl_secs <= 0 {
            return Err(Error::Config("ttls must be positive".into()));
        }
        let max = crate::gate::token::DEFAULT_MAX_LIFETIME.whole_seconds();
        if self.token_ttl_secs > max {
            return Err(Error::Config(format!(
                "token_ttl_secs = {}: gates refuse tokens valid for more than {max} s",
                self.token_ttl_secs
            )));
        }
        Ok(())
    }

    /// The principal of this name.
    pub fn principal(&self, name: &str) -> Option<&Principal> {
        self.principals.iter().find(|p| p.name == name)
    }

    /// Approvals needed for a sensitivity level (at least one).
    pub fn approvals_needed(&self, s: Sensitivity) -> u32 {
        self.policy.get(&s).copied().unwrap_or(1).max(1)
    }

    /// The principal owning `key`, compared in constant time against every entry.
    pub fn authenticate(&self, key: &str) -> Option<&Principal> {
        use subtle::ConstantTimeEq;
        // An empty or blank key is no key, whatever the configuration says.
        if key.trim().is_empty() {
            return None;
        }
        let h = hash_key(key);
        let mut found = None;
        for p in &self.principals {
            if bool::from(
                p.key_sha256
                    .to_ascii_lowercase()
                    .as_bytes()
                    .ct_eq(h.as_bytes()),
            ) {
                found = Some(p);
            }
        }
        found
    }
}
