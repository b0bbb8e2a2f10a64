//! [`ApprovalClient`]: every call to the approval service, typed, in one place.

use std::time::Duration;

use super::{
    ExportRequest, ExportSession, NewRequest, OpenExport, RedeemBody, RequestStatus, ReviewBody,
    ReviewDecision, RevokeBody, TokenResponse,
};
use crate::gate::token::{ApprovalToken, KeySet};
use crate::gate::Refusal;
use crate::{Error, Result};

/// A client of the approval service (`piigate serve`), authenticated with
/// one API key. Its calls are async; an ETL job without a runtime of its own
/// can drive them with `tokio::runtime::Runtime::block_on`.
///
/// ```no_run
/// # async fn f() -> piigate::Result<()> {
/// use piigate::approval::{ApprovalClient, ReviewDecision};
/// let requester = ApprovalClient::new("http://127.0.0.1:8080", "requester-key")?;
/// let pending = requester.list(Some(piigate::approval::RequestStatus::Pending), 10).await?;
/// let reviewer = ApprovalClient::new("http://127.0.0.1:8080", "reviewer-key")?;
/// for r in &pending {
///     reviewer.review(&r.id, ReviewDecision::Approve, "checked the report").await?;
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ApprovalClient {
    base: url::Url,
    api_key: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for ApprovalClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApprovalClient")
            .field("server", &self.server())
            .field("api_key", &"**REDACTED**")
            .finish()
    }
}

/// How long a call may wait for the service to accept a connection; calls
/// that carry no data also have [`CALL_TIMEOUT`] in all. Uploads have no
/// overall limit (a large file takes as long as it takes).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

impl ApprovalClient {
    /// A client of the service at `server` (`http://host:port`, with or
    /// without a trailing slash), calling with `api_key`.
    pub fn new(server: &str, api_key: impl Into<String>) -> Result<Self> {
        let mut base = url::Url::parse(server.trim_end_matches('/'))
            .map_err(|e| Error::Config(format!("approval service URL {server:?}: {e}")))?;
        if base.cannot_be_a_base() || !matches!(base.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "approval service URL {server:?}: not an http(s) URL"
            )));
        }
        base.set_query(None);
        base.set_fragment(None);
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .map_err(|e| Error::Http {
                call: "building the HTTP client".into(),
                source: e,
            })?;
        Ok(ApprovalClient {
            base,
            api_key: api_key.into(),
            http,
        })
    }

    /// A client calling with the API key in `PIIGATE_API_KEY` (empty when it
    /// is not set: the service then refuses every call that needs a key).
    pub fn from_env(server: &str) -> Result<Self> {
        Self::new(server, std::env::var("PIIGATE_API_KEY").unwrap_or_default())
    }

    /// The service's URL, without a trailing slash.
    pub fn server(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// The URL of `segments` below the service's base, each segment escaped.
    fn url<'a>(&self, segments: impl IntoIterator<Item = &'a str>) -> url::Url {
        let mut u = self.base.clone();
        if let Ok(mut p) = u.path_segments_mut() {
            p.pop_if_empty().extend(segments);
        }
        u
    }

    /// Sends `req` and reads the JSON answer; an error status becomes
    /// [`Error::Service`] with the reason the service gave.
    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        call: &str,
        req: reqwest::RequestBuilder,
    ) -> Result<T> {
        let resp = self.send(call, req).await?;
        resp.json().await.map_err(|e| Error::Http {
            call: call.to_string(),
            source: e.without_url(),
        })
    }

    async fn send(&self, call: &str, req: reqwest::RequestBuilder) -> Result<reqwest::Response> {
        let resp = req
            .bearer_auth(&self.api_key)
            .send()
            .await
            .map_err(|e| Error::Http {
                call: format!("{call} (approval service {})", self.server()),
                source: e.without_url(),
            })?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let body: serde_json::Value = resp.json().await.unwrap_or_default();
        Err(Error::Service {
            call: call.to_string(),
            status: status.as_u16(),
            reason: body["reason"]
                .as_str()
                .unwrap_or("no reason given")
                .to_string(),
        })
    }

    /// Asks for approval to export a dataset (`POST /v1/export-requests`).
    pub async fn create_request(&self, req: &NewRequest) -> Result<ExportRequest> {
        let url = self.url(["v1", "export-requests"]);
        self.call(
            "requesting approval",
            self.http.post(url).timeout(CALL_TIMEOUT).json(req),
        )
        .await
    }

    /// One request with its reviews.
    pub async fn get_request(&self, id: &str) -> Result<ExportRequest> {
        let url = self.url(["v1", "export-requests", id]);
        self.call(
            &format!("reading request {id}"),
            self.http.get(url).timeout(CALL_TIMEOUT),
        )
        .await
    }

    /// The newest `limit` requests, only those in `status` when given.
    pub async fn list(
        &self,
        status: Option<RequestStatus>,
        limit: u32,
    ) -> Result<Vec<ExportRequest>> {
        let mut url = self.url(["v1", "export-requests"]);
        url.query_pairs_mut()
            .append_pair("limit", &limit.to_string());
        if let Some(s) = status {
            url.query_pairs_mut().append_pair("status", s.as_str());
        }
        self.call("listing requests", self.http.get(url).timeout(CALL_TIMEOUT))
            .await
    }

    /// Approves or denies request `id` as this client's principal.
    pub async fn review(
        &self,
        id: &str,
        decision: ReviewDecision,
        comment: &str,
    ) -> Result<ExportRequest> {
        let url = self.url(["v1", "export-requests", id, "reviews"]);
        let body = ReviewBody {
            decision,
            comment: comment.to_string(),
        };
        self.call(
            &format!("reviewing request {id}"),
            self.http.post(url).timeout(CALL_TIMEOUT).json(&body),
        )
        .await
    }

    /// Revokes the approval of request `id` (admin).
    pub async fn revoke(&self, id: &str, reason: &str) -> Result<ExportRequest> {
        let url = self.url(["v1", "export-requests", id, "revoke"]);
        let body = RevokeBody {
            reason: reason.to_string(),
        };
        self.call(
            &format!("revoking request {id}"),
            self.http.post(url).timeout(CALL_TIMEOUT).json(&body),
        )
        .await
    }

    /// The approval token of request `id` once it is approved (issued once,
    /// to its requester).
    pub async fn token(&self, id: &str) -> Result<ApprovalToken> {
        let url = self.url(["v1", "export-requests", id, "token"]);
        let t: TokenResponse = self
            .call(
                &format!("fetching the token of request {id}"),
                self.http.get(url).timeout(CALL_TIMEOUT),
            )
            .await?;
        Ok(ApprovalToken::new(t.token))
    }

    /// The public keys the service signs approvals with.
    pub async fn keys(&self) -> Result<KeySet> {
        let url = self.url(["v1", "keys"]);
        let call = format!("fetching keys from {}/v1/keys", self.server());
        let resp = self
            .send(&call, self.http.get(url).timeout(CALL_TIMEOUT))
            .await?;
        let text = resp.text().await.map_err(|e| Error::Http {
            call: call.clone(),
            source: e.without_url(),
        })?;
        KeySet::from_json_str(&text)
    }

    /// Spends a single-use approval (`POST /v1/tokens/redeem`, gate role).
    /// Every failure is a refusal: a gate that cannot redeem does not write.
    pub async fn redeem(&self, token: &ApprovalToken) -> std::result::Result<(), Refusal> {
        let url = self.url(["v1", "tokens", "redeem"]);
        let body = RedeemBody {
            token: token.expose().to_string(),
        };
        let resp = self
            .http
            .post(url)
            .timeout(CALL_TIMEOUT)
            .bearer_auth(&self.api_key)
            .json(&body)
            .send()
            .await
            .map_err(|e| {
                Refusal::RedeemFailed(format!("approval service unreachable: {}", e.without_url()))
            })?;
        let status = resp.status();
        let body: serde_json::Value = resp.json().await.unwrap_or_default();
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

    /// Opens an export through the service, which verifies and redeems the
    /// token and writes with its own credentials. A 403 is the service's
    /// refusal ([`Error::Refused`]).
    pub async fn open_export(&self, open: &OpenExport) -> Result<ExportSession> {
        let url = self.url(["v1", "exports"]);
        refused_on_403(
            self.call("opening the export", self.http.post(url).json(open))
                .await,
        )
    }

    /// Streams one file of an open export session to object `path` (as
    /// the manifest names it).
    pub async fn put_export_object(
        &self,
        session: &str,
        path: &str,
        body: reqwest::Body,
    ) -> Result<()> {
        let url = self.url(
            ["v1", "exports", session, "objects"]
                .into_iter()
                .chain(path.split('/')),
        );
        let r: Result<serde_json::Value> = self
            .call(&format!("writing {path}"), self.http.put(url).body(body))
            .await;
        refused_on_403(r).map(|_| ())
    }

    /// Completes an export session: the service checks every object arrived.
    pub async fn complete_export(&self, session: &str) -> Result<()> {
        let url = self.url(["v1", "exports", session, "complete"]);
        let r: Result<serde_json::Value> = self
            .call("completing the export", self.http.post(url))
            .await;
        refused_on_403(r).map(|_| ())
    }
}

/// The export calls' 403 is the service's refusal, with its reason.
fn refused_on_403<T>(r: Result<T>) -> Result<T> {
    match r {
        Err(Error::Service {
            status: 403,
            reason,
            ..
        }) => Err(Error::Refused(Refusal::Service(reason))),
        other => other,
    }
}
