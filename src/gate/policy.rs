//! The gate's deployment policy: the trust anchors an administrator sets for
//! every export on a machine, so that the pipeline being gated cannot choose
//! them.
//!
//! The policy lives at [`SYSTEM_POLICY`] (`/etc/piigate/gate.toml`). When the
//! file exists it is authoritative: trusted keys, approval service, audience,
//! token lifetime, clock skew, whether offline redemption is allowed and where
//! the audit log lives all come from it, and command-line flags may only
//! narrow them (a `--keys` file must hold a subset of the trusted keys; a
//! `--server` or `--audience` must be the policy's). A policy file, or its
//! directory, that the invoking (non-root) user can write is refused: it
//! would let that user choose the anchors after all.
//!
//! Without the file, the CLI runs in developer/offline mode and takes the
//! anchors from its flags; `docs/SECURITY.md` says what that does and does not
//! protect against.
//!
//! ```toml
//! # /etc/piigate/gate.toml
//! server = "https://approvals.example.com"   # online redemption; keys from /v1/keys
//! # keys = "/etc/piigate/trusted-keys.json"  # offline verification instead
//! audience = "piigate-export"
//! max_token_lifetime_secs = 3600
//! clock_skew_secs = 5
//! allow_offline = false
//! audit_dir = "/var/lib/piigate"
//! via_service = true   # the service writes; pipelines hold no destination credentials
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{Error, Result};

/// Where the deployment's policy lives.
pub const SYSTEM_POLICY: &str = "/etc/piigate/gate.toml";

/// The deployment's gate policy: what an export trusts, read from a file only an administrator can write.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatePolicy {
    /// The approval service: tokens are redeemed there and its keys trusted.
    pub server: Option<String>,
    /// A trusted public key set (`{"keys": [...]}`) for offline verification.
    pub keys: Option<PathBuf>,
    /// The token audience the gate accepts.
    #[serde(default = "default_audience")]
    pub audience: String,
    /// The longest token lifetime accepted, in seconds.
    #[serde(default = "default_max_lifetime")]
    pub max_token_lifetime_secs: i64,
    /// Clock skew allowed when checking validity, in seconds.
    #[serde(default = "default_skew")]
    pub clock_skew_secs: i64,
    /// Allow redemption without the service (the destination marker and a
    /// local ledger). Off by default when a policy exists.
    #[serde(default)]
    pub allow_offline: bool,
    /// Where the local audit log and its key live (default `~/.piigate`).
    pub audit_dir: Option<PathBuf>,
    /// Every export goes through the approval service, which writes with
    /// credentials the pipeline does not hold.
    #[serde(default)]
    pub via_service: bool,
}

fn default_audience() -> String {
    "piigate-export".into()
}
fn default_max_lifetime() -> i64 {
    crate::gate::token::DEFAULT_MAX_LIFETIME.whole_seconds()
}
fn default_skew() -> i64 {
    5
}

impl GatePolicy {
    /// The system policy, if the deployment installed one.
    pub fn system() -> Result<Option<GatePolicy>> {
        let p = Path::new(SYSTEM_POLICY);
        match std::fs::symlink_metadata(p) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(SYSTEM_POLICY, e)),
            Ok(_) => GatePolicy::load(p).map(Some),
        }
    }

    /// Load and check a policy file.
    pub fn load(p: &Path) -> Result<GatePolicy> {
        let shown = p.display().to_string();
        refuse_if_writable(p)?;
        if let Some(dir) = p.parent() {
            refuse_if_writable(dir)?;
        }
        let text = std::fs::read_to_string(p).map_err(|e| Error::io(&shown, e))?;
        let pol: GatePolicy =
            toml::from_str(&text).map_err(|e| Error::Config(format!("{shown}: {e}")))?;
        if pol.server.is_none() && pol.keys.is_none() {
            return Err(Error::Config(format!(
                "{shown}: a gate policy names the approval service (server) or trusted keys (keys)"
            )));
        }
        if pol.server.is_none() && !pol.allow_offline {
            return Err(Error::Config(format!(
                "{shown}: without a server, redemption is offline: set allow_offline = true"
            )));
        }
        if pol.max_token_lifetime_secs <= 0 || pol.clock_skew_secs < 0 {
            return Err(Error::Config(format!(
                "{shown}: max_token_lifetime_secs must be positive and clock_skew_secs not negative"
            )));
        }
        if let Some(k) = &pol.keys {
            refuse_if_writable(k)?;
        }
        Ok(pol)
    }
}

/// Refuse a file the invoking user could change (root administers the
/// machine and may).
fn refuse_if_writable(p: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        if rustix::process::geteuid().is_root() {
            return Ok(());
        }
        let writable = rustix::fs::accessat(
            rustix::fs::CWD,
            p,
            rustix::fs::Access::WRITE_OK,
            rustix::fs::AtFlags::EACCESS,
        )
        .is_ok();
        if writable {
            return Err(Error::Config(format!(
                "{}: writable by the user running the export; the gate's policy and trusted keys must be owned by an administrator",
                p.display()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_needs_an_anchor_and_refuses_unknown_fields() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("gate.toml");
        std::fs::write(&p, "audience = \"x\"\n").unwrap();
        assert!(GatePolicy::load(&p).is_err(), "no server and no keys");
        std::fs::write(&p, "keys = \"/k.json\"\n").unwrap();
        assert!(
            GatePolicy::load(&p).is_err(),
            "offline without allow_offline"
        );
        std::fs::write(&p, "server = \"http://s\"\nsevrer = 1\n").unwrap();
        assert!(
            GatePolicy::load(&p).is_err(),
            "a misspelt field is an error"
        );
        std::fs::write(&p, "server = \"http://s\"\n").unwrap();
        let pol = GatePolicy::load(&p).unwrap();
        assert_eq!(pol.audience, "piigate-export");
        assert_eq!(pol.max_token_lifetime_secs, 86_400);
        assert!(!pol.allow_offline);
    }
}
