//! The approval service's wire types, shared by the service (`server`) and
//! its client ([`ApprovalClient`]), which needs none of the server's code.

mod client;

use serde::{Deserialize, Serialize};

use crate::gate::digest::ManifestEntry;
use crate::gate::token::Op;
use crate::report::Sensitivity;

pub use client::ApprovalClient;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Pending,
    Approved,
    Denied,
    TokenIssued,
    Revoked,
    Expired,
}

impl RequestStatus {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ReviewDecision {
    Approve,
    Deny,
}

impl ReviewDecision {
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
    pub dataset_id: String,
    pub content_digest: String,
    /// The scan report (tags and sensitivity) the approval is based on.
    #[cfg_attr(feature = "server", schema(value_type = Object))]
    pub report: Option<serde_json::Value>,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub sensitivity: Sensitivity,
    /// Destination prefix, e.g. `s3://bucket/exports/`.
    pub dest: String,
    /// The service the destination lives on (S3 endpoint URL, Azure
    /// `URL/ACCOUNT`); empty for the provider's public service. The token
    /// binds it: the gate refuses a store on any other service.
    #[serde(default)]
    pub endpoint: String,
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Vec<String>))]
    pub ops: Vec<Op>,
    pub reason: String,
    pub ttl_secs: Option<i64>,
    pub max_objects: Option<u64>,
    pub max_bytes: Option<u64>,
    #[serde(default)]
    pub redacted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Review {
    pub approver: String,
    pub decision: ReviewDecision,
    pub comment: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ExportRequest {
    pub id: String,
    pub requester: String,
    pub dataset_id: String,
    pub content_digest: String,
    pub report_digest: String,
    #[cfg_attr(feature = "server", schema(value_type = Object))]
    pub report: Option<serde_json::Value>,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub sensitivity: Sensitivity,
    pub dest: String,
    /// The service `dest` lives on; empty for the provider's public service.
    #[serde(default)]
    pub endpoint: String,
    #[cfg_attr(feature = "server", schema(value_type = Vec<String>))]
    pub ops: Vec<Op>,
    pub max_objects: u64,
    pub max_bytes: u64,
    pub redacted: bool,
    pub reason: String,
    pub status: RequestStatus,
    pub approvals_needed: u32,
    pub created_at: String,
    pub expires_at: String,
    pub reviews: Vec<Review>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ReviewBody {
    pub decision: ReviewDecision,
    #[serde(default)]
    pub comment: String,
}

/// The answer to `GET /v1/export-requests/{id}/token`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    pub token: String,
}

/// `POST /v1/tokens/redeem`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RedeemBody {
    pub token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RevokeBody {
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: String,
    pub reason: String,
}

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

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ExportSession {
    pub session: String,
    pub jti: String,
    pub objects: usize,
    pub bytes: u64,
}
