//! `piigate serve`: the export-approval API (axum on tokio, SQLite).
//!
//! Pipelines request an export; approvers who are not the requester review it;
//! once the policy's number of distinct approvals is reached the requester
//! fetches a single PASETO token bound to the request. Every state change and
//! its audit event commit in one transaction.

mod api;
mod config;
mod export;
mod notify;
mod report;
mod slack;
mod store;
mod ui;
mod workflow;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub use api::router;
pub use config::{hash_key, Config, Principal, Role};
pub use slack::sign as slack_signature;

use crate::gate::token::SigningKey;
use crate::{Error, Result};

/// Prometheus counters.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    pub http_requests: AtomicU64,
    pub unauthorized: AtomicU64,
    pub forbidden: AtomicU64,
    pub export_requests: AtomicU64,
    pub reviews: AtomicU64,
    pub tokens_issued: AtomicU64,
    pub redeemed: AtomicU64,
    pub redeem_refused: AtomicU64,
    pub webhook_failures: AtomicU64,
    /// Notifications delivered / failed after retries, by channel (slack, teams).
    pub notifications_sent: [AtomicU64; 2],
    pub notifications_failed: [AtomicU64; 2],
}

impl Metrics {
    pub fn count_notification(&self, channel: notify::Channel, delivered: bool) {
        let i = channel as usize;
        if delivered {
            self.notifications_sent[i].fetch_add(1, Ordering::Relaxed);
        } else {
            self.notifications_failed[i].fetch_add(1, Ordering::Relaxed);
            self.webhook_failures.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, help, v) in [
            (
                "piigate_http_requests_total",
                "HTTP requests served",
                &self.http_requests,
            ),
            (
                "piigate_unauthorized_total",
                "Requests without a valid API key",
                &self.unauthorized,
            ),
            (
                "piigate_forbidden_total",
                "Requests refused for role or self-review",
                &self.forbidden,
            ),
            (
                "piigate_export_requests_total",
                "Export requests created",
                &self.export_requests,
            ),
            ("piigate_reviews_total", "Reviews recorded", &self.reviews),
            (
                "piigate_tokens_issued_total",
                "Approval tokens issued",
                &self.tokens_issued,
            ),
            (
                "piigate_tokens_redeemed_total",
                "Tokens redeemed",
                &self.redeemed,
            ),
            (
                "piigate_redeem_refused_total",
                "Redeem attempts refused",
                &self.redeem_refused,
            ),
            (
                "piigate_webhook_failures_total",
                "Notifications (every channel) that failed after retries",
                &self.webhook_failures,
            ),
        ] {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n",
                v.load(Ordering::Relaxed)
            ));
        }
        for (name, help, v) in [
            (
                "piigate_notifications_sent_total",
                "Notifications delivered, by channel",
                &self.notifications_sent,
            ),
            (
                "piigate_notifications_failed_total",
                "Notifications that failed after retries or were dropped, by channel",
                &self.notifications_failed,
            ),
        ] {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} counter\n"));
            for c in [notify::Channel::Slack, notify::Channel::Teams] {
                out.push_str(&format!(
                    "{name}{{channel=\"{}\"}} {}\n",
                    c.as_str(),
                    v[c as usize].load(Ordering::Relaxed)
                ));
            }
        }
        out
    }
}

/// Shared state of the service.
pub struct AppState {
    pub(crate) config: Config,
    pub(crate) db: Mutex<rusqlite::Connection>,
    pub(crate) key: SigningKey,
    pub(crate) metrics: Metrics,
    pub(crate) http: reqwest::Client,
    /// Exports through the service in progress.
    pub(crate) exports: export::Sessions,
    /// Rate of audited authentication refusals (see `api::audit_refusal`).
    pub(crate) auth_refusals: Mutex<AuthRefusals>,
    /// Notifications in flight (see `notify`).
    pub(crate) notify_slots: Arc<tokio::sync::Semaphore>,
    /// Review-page sign-ins.
    pub(crate) ui_sessions: ui::Sessions,
    /// Slack action signatures seen within their validity window.
    pub(crate) slack_seen: slack::ReplayGuard,
}

/// At most `AuthRefusals::PER_SECOND` 401/403 answers a second are written to
/// the audit chain one by one; beyond that they are counted, and the count is
/// written with the next one that is (`suppressed`).
#[derive(Debug)]
pub(crate) struct AuthRefusals {
    window: std::time::Instant,
    written: u32,
    suppressed: u64,
}

impl Default for AuthRefusals {
    fn default() -> Self {
        AuthRefusals {
            window: std::time::Instant::now(),
            written: 0,
            suppressed: 0,
        }
    }
}

impl AuthRefusals {
    pub const PER_SECOND: u32 = 20;

    /// `Some(n)`: write this refusal, with `n` suppressed since the last one
    /// written; `None`: count it.
    pub fn admit(&mut self) -> Option<u64> {
        if self.window.elapsed() >= std::time::Duration::from_secs(1) {
            self.window = std::time::Instant::now();
            self.written = 0;
        }
        if self.written < Self::PER_SECOND {
            self.written += 1;
            Some(std::mem::take(&mut self.suppressed))
        } else {
            self.suppressed += 1;
            None
        }
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("db", &self.config.database)
            .field("key", &self.key)
            .finish()
    }
}

impl AppState {
    /// Open (and migrate) the database, load or create the signing key.
    pub fn open(config: Config) -> Result<Arc<Self>> {
        let conn = store::open(&config.database)?;
        let key = match &config.signing_key {
            Some(p) if p.exists() => SigningKey::load(p)?,
            Some(p) => {
                let k = SigningKey::generate()?;
                k.save(p)?;
                tracing::info!(kid = k.kid(), path = %p.display(), "generated a new signing key");
                k
            }
            None => return Err(Error::Config("signing_key path is required".into())),
        };
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(5))
            .build()
            .map_err(|e| Error::Other(e.to_string()))?;
        let interval = std::time::Duration::from_secs(config.checkpoint_interval_secs.max(1));
        let checkpoint_file = config.checkpoint_file.clone();
        let state = Arc::new(AppState {
            config,
            db: Mutex::new(conn),
            key,
            metrics: Metrics::default(),
            http,
            exports: export::Sessions::default(),
            auth_refusals: Mutex::default(),
            notify_slots: Arc::new(tokio::sync::Semaphore::new(notify::IN_FLIGHT)),
            ui_sessions: ui::Sessions::default(),
            slack_seen: slack::ReplayGuard::default(),
        });
        if let Some(file) = checkpoint_file {
            // Write once now, so a failing file is found at start, then keep up.
            copy_head(&state, &file, &mut 0)?;
            let weak = Arc::downgrade(&state);
            std::thread::spawn(move || {
                let mut last = 0;
                loop {
                    std::thread::sleep(interval);
                    let Some(st) = weak.upgrade() else { return };
                    if let Err(e) = copy_head(&st, &file, &mut last) {
                        tracing::error!("writing the external checkpoint {}: {e}", file.display());
                    }
                }
            });
        }
        Ok(state)
    }
}

/// Append the signed audit head to `file` when it moved past `last`.
fn copy_head(st: &AppState, file: &std::path::Path, last: &mut i64) -> Result<()> {
    let head = {
        let c = st
            .db
            .lock()
            .map_err(|_| Error::Audit("database lock poisoned".into()))?;
        crate::audit::signed_head(&c)?
    };
    let Some(h) = head else { return Ok(()) };
    if h.seq <= *last {
        return Ok(());
    }
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .map_err(|e| Error::io(file.display().to_string(), e))?;
    let line = serde_json::to_string(&h).map_err(|e| Error::Other(e.to_string()))?;
    writeln!(f, "{line}")
        .and_then(|_| f.sync_data())
        .map_err(|e| Error::io(file.display().to_string(), e))?;
    *last = h.seq;
    Ok(())
}

/// Run the service until Ctrl-C / SIGTERM.
pub async fn serve(config: Config) -> Result<()> {
    let addr: SocketAddr = config
        .listen
        .parse()
        .map_err(|e| Error::Config(format!("listen {:?}: {e}", config.listen)))?;
    let state = AppState::open(config)?;
    let app = api::router(state.clone());
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::io(format!("binding {addr}"), e))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::io("local address", e))?;
    // Scripts and tests read this line to find the port.
    eprintln!("piigate serve: listening on http://{bound}");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| Error::io("serving", e))?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
