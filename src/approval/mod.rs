//! The approval service's wire types, shared by the service (`server`) and
//! its client ([`ApprovalClient`]), which needs none of the server's code.
#![warn(missing_docs)]

mod client;

use serde::{Deserialize, Serialize};

use crate::gate::digest::ManifestEntry;
use crate::gate::token::Op;
use crate::report::Sensitivity;

pub use client::ApprovalClient;

/// Where a request is in its workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Waiting for reviews.
    Pending,
    /// Enough distinct approvers approved; the token can be fetched.
    Approved,
    /// A reviewer denied it.
    Denied,
    /// The requester fetched the single-use token.
    TokenIssued,
    /// An admin revoked the approval; its token no longer redeems.
    Revoked,
    /// It waited for review longer than its time to live.
    Expired,
}

impl RequestStatus {
    /// The status as the API writes it (`token_issued`…).
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Approved => "approved",
            RequestStatus::Denied => "denied",
            RequestStatus::TokenIssued => "token_issued",
            RequestStatus::Revoked => "revoked",
            RequestStatus::Expired => "expired",
        }
    }
}

impl std::str::FromStr for RequestStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "pending" => RequestStatus::Pending,
            "approved" => RequestStatus::Approved,
            "denied" => RequestStatus::Denied,
            "token_issued" => RequestStatus::TokenIssued,
            "revoked" => RequestStatus::Revoked,
            "expired" => RequestStatus::Expired,
            other => return Err(format!("unknown status {other:?}")),
        })
    }
}

/// A reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ReviewDecision {
    /// Approve the export.
    Approve,
    /// Deny it (one denial ends the request).
    Deny,
}

impl ReviewDecision {
    /// The decision as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewDecision::Approve => "approve",
            ReviewDecision::Deny => "deny",
        }
    }
}

/// POST /v1/export-requests
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewRequest {
    /// The dataset's name as the requester knows it.
    pub dataset_id: String,
    /// The content digest of the bytes an export will send (`piigate digest`).
    pub content_digest: String,
    /// The scan report (tags and sensitivity) the approval is based on.
    #[cfg_attr(feature = "server", schema(value_type = Object))]
    pub report: Option<serde_json::Value>,
    /// The sensitivity the requester declares; the service derives the level from the report and refuses a contradiction.
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub sensitivity: Sensitivity,
    /// Destination prefix, e.g. `s3://bucket/exports/`.
    pub dest: String,
    /// The service the destination lives on (S3 endpoint URL, Azure
    /// `URL/ACCOUNT`); empty for the provider's public service. The token
    /// binds it: the gate refuses a store on any other service.
    #[serde(default)]
    pub endpoint: String,
    /// The object-store operations asked for (`put`, `multipart`).
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Vec<String>))]
    pub ops: Vec<Op>,
    /// Why the export is needed (shown to reviewers).
    pub reason: String,
    /// How long the request may wait for review, in seconds (the service's default when absent).
    pub ttl_secs: Option<i64>,
    /// At most this many objects (the service's default when absent).
    pub max_objects: Option<u64>,
    /// At most this many bytes in all (the service's default when absent).
    pub max_bytes: Option<u64>,
    /// The export writes the redacted form (`export --redact`).
    #[serde(default)]
    pub redacted: bool,
}

/// One reviewer's decision on a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Review {
    /// The principal who reviewed.
    pub approver: String,
    /// What they decided.
    pub decision: ReviewDecision,
    /// Their comment.
    pub comment: String,
    /// When (RFC 3339).
    pub at: String,
}

/// An export request as the service holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ExportRequest {
    /// The request's id.
    pub id: String,
    /// The principal who asked.
    pub requester: String,
    /// The dataset's name as the requester gave it.
    pub dataset_id: String,
    /// The content digest the approval binds.
    pub content_digest: String,
    /// The sha256 of the report the reviewers saw.
    pub report_digest: String,
    /// The scan report the reviewers judge.
    #[cfg_attr(feature = "server", schema(value_type = Object))]
    pub report: Option<serde_json::Value>,
    /// The sensitivity the service derived from the report.
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub sensitivity: Sensitivity,
    /// The destination prefix.
    pub dest: String,
    /// The service `dest` lives on; empty for the provider's public service.
    #[serde(default)]
    pub endpoint: String,
    /// The operations the token will allow.
    #[cfg_attr(feature = "server", schema(value_type = Vec<String>))]
    pub ops: Vec<Op>,
    /// At most this many objects.
    pub max_objects: u64,
    /// At most this many bytes.
    pub max_bytes: u64,
    /// The approval covers the redacted form.
    pub redacted: bool,
    /// Why the export is needed.
    pub reason: String,
    /// Where the request is in its workflow.
    pub status: RequestStatus,
    /// Distinct approvers needed at this sensitivity (the service's policy).
    pub approvals_needed: u32,
    /// When it was made (RFC 3339).
    pub created_at: String,
    /// When it expires unreviewed (RFC 3339).
    pub expires_at: String,
    /// The reviews so far.
    pub reviews: Vec<Review>,
}

/// `POST /v1/export-requests/{id}/reviews`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ReviewBody {
    /// Approve or deny.
    pub decision: ReviewDecision,
    /// What the reviewer checked.
    #[serde(default)]
    pub comment: String,
}

/// The answer to `GET /v1/export-requests/{id}/token`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// The single-use approval token.
    pub token: String,
}

/// `POST /v1/tokens/redeem`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RedeemBody {
    /// The token to spend.
    pub token: String,
}

/// `POST /v1/export-requests/{id}/revoke`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RevokeBody {
    /// Why the approval is revoked.
    #[serde(default)]
    pub reason: String,
}

/// Every error answer of the API.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// The HTTP status's reason phrase, in lower case.
    pub error: String,
    /// What went wrong; never a token or key.
    pub reason: String,
}

/// The query of `GET /v1/export-requests` and `GET /v1/audit`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "server", into_params(parameter_in = Query))]
pub struct ListQuery {
    /// Only requests in this status (pending, approved, denied, token_issued, revoked, expired).
    pub status: Option<String>,
    /// Audit: events after this sequence number.
    pub after: Option<i64>,
    /// At most this many items (requests: default 100, at most 1000; audit:
    /// default 1000, at most 10000).
    pub limit: Option<i64>,
    /// Requests: skip this many (newest first).
    pub offset: Option<i64>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenResponse { token: **REDACTED** }")
    }
}

impl std::fmt::Debug for RedeemBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RedeemBody { token: **REDACTED** }")
    }
}

/// `POST /v1/exports`: open an export that the service writes.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OpenExport {
    /// The approval token (never logged or echoed).
    pub token: String,
    /// Where to write, at or below the approved prefix.
    pub to: String,
    /// The files, as `piigate digest` lists them.
    #[cfg_attr(feature = "server", schema(value_type = Vec<Object>))]
    pub manifest: Vec<ManifestEntry>,
    /// The files are the redacted form.
    #[serde(default)]
    pub redacted: bool,
}

impl std::fmt::Debug for OpenExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenExport")
            .field("token", &"**REDACTED**")
            .field("to", &self.to)
            .field("files", &self.manifest.len())
            .field("redacted", &self.redacted)
            .finish()
    }
}

/// An open export session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ExportSession {
    /// The session id to send objects to.
    pub session: String,
    /// The redeemed approval's id.
    pub jti: String,
    /// Objects the approval allows.
    pub objects: usize,
    /// Bytes the approval allows.
    pub bytes: u64,
}
