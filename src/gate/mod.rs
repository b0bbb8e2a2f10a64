//! The export gate: content digest, approval tokens, and `GatedStore`.

pub mod dest;
pub mod digest;
pub mod gc;
pub mod ledger;
pub mod policy;
pub mod store;
pub mod token;

pub use dest::Destination;
pub use digest::Manifest;
pub use ledger::{AllOf, DestinationMarker, LocalLedger, OnlineRedeemer};
pub use policy::GatePolicy;
pub use store::{Approval, GatedStore};
pub use token::{ApprovalClaims, ApprovalToken, KeySet, Op, SigningKey, Verifier};

/// Consumes single-use approvals exactly once.
#[async_trait::async_trait]
pub trait Redeemer: Send + Sync {
    /// Consumes the approval of `token` (whose verified claims are `claims`), or says why not.
    async fn redeem(&self, token: &ApprovalToken, claims: &ApprovalClaims) -> Result<(), Refusal>;
}

/// Why an export was refused. The message names the reason; it never carries
/// the token or a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No token was given.
    #[error("missing: no approval token")]
    Missing,
    /// The token cannot be parsed.
    #[error("malformed: {0}")]
    Malformed(String),
    /// No trusted key verifies the signature.
    #[error("bad signature: the token does not verify against any trusted key")]
    BadSignature,
    /// The token names a key the gate does not trust.
    #[error("unknown key id: the token was signed by a key this gate does not trust")]
    UnknownKey,
    /// The approval has expired.
    #[error("expired: the approval expired at {0}")]
    Expired(String),
    /// The approval is not valid yet.
    #[error("not yet valid: the approval is valid from {0}")]
    NotYetValid(String),
    /// The token is for another audience.
    #[error("wrong audience: the token is for {0:?}")]
    WrongAudience(String),
    /// The write goes outside the approved destination.
    #[error("wrong destination: {0}")]
    WrongDestination(String),
    /// The data is not the data that was approved.
    #[error("content digest mismatch: the data changed after it was approved")]
    DigestMismatch,
    /// The operation is not among the approved ones.
    #[error("operation not allowed: {0}")]
    OperationNotAllowed(String),
    /// The export exceeds the approved objects or bytes.
    #[error("limit exceeded: {0}")]
    LimitExceeded(String),
    /// The single-use approval was used before.
    #[error("already used: this single-use approval was redeemed before")]
    AlreadyUsed,
    /// The approval was revoked.
    #[error("revoked: the approval was revoked")]
    Revoked,
    /// The approval could not be redeemed (or its use not recorded).
    #[error("redeem failed: {0}")]
    RedeemFailed(String),
    /// The decision could not be recorded, so the gate does not act.
    #[error("audit log unavailable, refusing: {0}")]
    AuditUnavailable(String),
    /// The data holds entities or a sensitivity beyond the approval.
    #[error("content exceeds the approval: {0}")]
    ContentExceeds(String),
    /// A refusal the approval service gave (export through the service),
    /// with its reason as the service stated it.
    #[error("{0}")]
    Service(String),
}

impl Refusal {
    /// The reason as a stable code (`already_used`, `digest_mismatch`…),
    /// for programs that branch on it.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Missing => "missing",
            Refusal::Malformed(_) => "malformed",
            Refusal::BadSignature => "bad_signature",
            Refusal::UnknownKey => "unknown_key",
            Refusal::Expired(_) => "expired",
            Refusal::NotYetValid(_) => "not_yet_valid",
            Refusal::WrongAudience(_) => "wrong_audience",
            Refusal::WrongDestination(_) => "wrong_destination",
            Refusal::DigestMismatch => "digest_mismatch",
            Refusal::OperationNotAllowed(_) => "operation_not_allowed",
            Refusal::LimitExceeded(_) => "limit_exceeded",
            Refusal::AlreadyUsed => "already_used",
            Refusal::Revoked => "revoked",
            Refusal::RedeemFailed(_) => "redeem_failed",
            Refusal::AuditUnavailable(_) => "audit_unavailable",
            Refusal::ContentExceeds(_) => "content_exceeds",
            Refusal::Service(_) => "service",
        }
    }
}
