//! The approval workflow as a state machine: what each step does to a
//! request, decided from the request alone and the time, with no database
//! and no HTTP. `store` loads a request, asks here, and writes the answer
//! with its audit event in one transaction; the HTTP layer maps refusals to
//! statuses.
//!
//! ```text
//!            review(approve) × approvals_needed
//! pending ──────────────────────────────────► approved ──token──► token_issued
//!    │  review(deny)                             │                     │
//!    ├──────────────► denied                     │ revoke              │ revoke
//!    │  expires_at passed                        ▼                     ▼
//!    └──────────────► expired ◄──────────────  revoked ◄───────────────┘
//! ```

use time::OffsetDateTime;

use crate::approval::{ExportRequest, RequestStatus, ReviewDecision};

/// Why a step is refused, by the kind of answer the caller gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The caller may not take this step (self-review, someone else's token).
    Forbidden(String),
    /// The request is not in a state that allows the step.
    Conflict(String),
    /// The request is over (denied, revoked, expired).
    Gone(String),
}

/// The status a request has at `now`: a pending or approved request whose
/// `expires_at` has passed is expired (`None`: no change).
pub fn expiry(req: &ExportRequest, now: OffsetDateTime) -> Option<RequestStatus> {
    let due = OffsetDateTime::parse(
        &req.expires_at,
        &time::format_description::well_known::Rfc3339,
    )
    .map_or(true, |t| t < now);
    (matches!(req.status, RequestStatus::Pending | RequestStatus::Approved) && due)
        .then_some(RequestStatus::Expired)
}

/// What a review does: the status after it, given the approvals the request
/// already has. The requester never reviews their own request; a request is
/// reviewed only while pending; one approver counts once; one deny ends it;
/// `approvals_needed` distinct approvals approve it.
pub fn review(
    req: &ExportRequest,
    approver: &str,
    decision: ReviewDecision,
) -> Result<(RequestStatus, u32), ReviewRefused> {
    if req.requester == approver {
        return Err(ReviewRefused::SelfReview);
    }
    if req.status != RequestStatus::Pending {
        return Err(ReviewRefused::NotPending(req.status));
    }
    if req.reviews.iter().any(|r| r.approver == approver) {
        return Err(ReviewRefused::AlreadyReviewed);
    }
    let approvals = req
        .reviews
        .iter()
        .filter(|r| r.decision == ReviewDecision::Approve)
        .count() as u32
        + u32::from(decision == ReviewDecision::Approve);
    let status = match decision {
        ReviewDecision::Deny => RequestStatus::Denied,
        ReviewDecision::Approve if approvals >= req.approvals_needed => RequestStatus::Approved,
        ReviewDecision::Approve => RequestStatus::Pending,
    };
    Ok((status, approvals))
}

/// Why a review is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewRefused {
    /// The requester reviewed their own request.
    SelfReview,
    /// The request is no longer pending.
    NotPending(RequestStatus),
    /// This approver reviewed it before.
    AlreadyReviewed,
}

impl ReviewRefused {
    /// The reason as the audit log records it.
    pub fn audit_reason(&self) -> String {
        match self {
            ReviewRefused::SelfReview => "self-review".into(),
            ReviewRefused::NotPending(s) => format!("request is {}, not pending", s.as_str()),
            ReviewRefused::AlreadyReviewed => "already reviewed".into(),
        }
    }
}

impl From<ReviewRefused> for Refused {
    fn from(r: ReviewRefused) -> Self {
        match r {
            ReviewRefused::SelfReview => {
                Refused::Forbidden("no one reviews their own request".into())
            }
            ReviewRefused::NotPending(_) => Refused::Conflict(r.audit_reason()),
            ReviewRefused::AlreadyReviewed => {
                Refused::Conflict("this approver already reviewed the request".into())
            }
        }
    }
}

/// Whether `caller` may be issued the request's token now: only the
/// requester, only once, only for an approved request. (The store checks
/// besides that the audit chain proves the approval.)
pub fn token(req: &ExportRequest, caller: &str) -> Result<(), Refused> {
    if req.requester != caller {
        return Err(Refused::Forbidden(
            "only the requester fetches the token".into(),
        ));
    }
    match req.status {
        RequestStatus::Approved => Ok(()),
        RequestStatus::TokenIssued => Err(Refused::Conflict("the token was already issued".into())),
        RequestStatus::Denied | RequestStatus::Revoked | RequestStatus::Expired => {
            Err(Refused::Gone(format!("request is {}", req.status.as_str())))
        }
        RequestStatus::Pending => Err(Refused::Conflict("request is not approved yet".into())),
    }
}

/// Whether the request can be revoked: anything not already over.
pub fn revoke(req: &ExportRequest) -> Result<(), Refused> {
    if matches!(
        req.status,
        RequestStatus::Denied | RequestStatus::Expired | RequestStatus::Revoked
    ) {
        return Err(Refused::Conflict(format!(
            "request is already {}",
            req.status.as_str()
        )));
    }
    Ok(())
}

/// Whether an issued token can be redeemed, from its row: `None` when no
/// token was issued under that id; otherwise when it was redeemed and when
/// revoked. A token is redeemed once and never after a revocation.
pub fn redeem(row: Option<(Option<&str>, Option<&str>)>) -> Result<(), RedeemRefused> {
    match row {
        None => Err(RedeemRefused::Unknown),
        Some((_, Some(_))) => Err(RedeemRefused::Revoked),
        Some((Some(_), _)) => Err(RedeemRefused::AlreadyUsed),
        Some((None, None)) => Ok(()),
    }
}

/// Why a token is not redeemed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedeemRefused {
    /// No token was issued under that id.
    Unknown,
    /// The request was revoked after the token was issued.
    Revoked,
    /// The token was redeemed before.
    AlreadyUsed,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approval::Review;

    fn request(
        status: RequestStatus,
        needed: u32,
        reviews: &[(&str, ReviewDecision)],
    ) -> ExportRequest {
        let mut r: ExportRequest = serde_json::from_value(serde_json::json!({
            "id": "r1", "requester": "etl", "dataset_id": "d", "content_digest": "sha256:00",
            "report_digest": "", "sensitivity": "HIGH", "dest": "s3://b/p/", "ops": ["put"],
            "max_objects": 1, "max_bytes": 1, "redacted": false, "reason": "x",
            "status": status.as_str(), "approvals_needed": needed, "reviews": [],
            "created_at": "2026-01-01T00:00:00Z", "expires_at": "2026-01-02T00:00:00Z",
        }))
        .unwrap();
        r.reviews = reviews
            .iter()
            .map(|(a, d)| Review {
                approver: a.to_string(),
                decision: *d,
                comment: String::new(),
                at: "2026-01-01T01:00:00Z".into(),
            })
            .collect();
        r
    }

    use RequestStatus::*;
    use ReviewDecision::{Approve, Deny};

    #[test]
    fn two_distinct_approvals_approve_a_high_request_and_one_deny_ends_it() {
        let r = request(Pending, 2, &[]);
        assert_eq!(review(&r, "ana", Approve), Ok((Pending, 1)));
        let r = request(Pending, 2, &[("ana", Approve)]);
        assert_eq!(review(&r, "bo", Approve), Ok((Approved, 2)));
        assert_eq!(review(&r, "bo", Deny), Ok((Denied, 1)));
        assert_eq!(
            review(&r, "ana", Approve),
            Err(ReviewRefused::AlreadyReviewed)
        );
    }

    #[test]
    fn no_one_reviews_their_own_request_or_one_that_is_not_pending() {
        let r = request(Pending, 1, &[]);
        assert_eq!(review(&r, "etl", Approve), Err(ReviewRefused::SelfReview));
        for s in [Approved, TokenIssued, Denied, Revoked, Expired] {
            let r = request(s, 1, &[]);
            assert_eq!(
                review(&r, "ana", Approve),
                Err(ReviewRefused::NotPending(s))
            );
        }
    }

    #[test]
    fn only_the_requester_gets_the_token_of_an_approved_request_once() {
        assert_eq!(token(&request(Approved, 1, &[]), "etl"), Ok(()));
        assert!(matches!(
            token(&request(Approved, 1, &[]), "ana"),
            Err(Refused::Forbidden(_))
        ));
        assert!(matches!(
            token(&request(Pending, 1, &[]), "etl"),
            Err(Refused::Conflict(_))
        ));
        assert!(matches!(
            token(&request(TokenIssued, 1, &[]), "etl"),
            Err(Refused::Conflict(_))
        ));
        for s in [Denied, Revoked, Expired] {
            assert!(
                matches!(token(&request(s, 1, &[]), "etl"), Err(Refused::Gone(_))),
                "{s:?}"
            );
        }
    }

    #[test]
    fn pending_and_approved_requests_expire_the_rest_keep_their_status() {
        let after = OffsetDateTime::parse(
            "2026-01-03T00:00:00Z",
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        let before = after - time::Duration::days(2);
        for s in [Pending, Approved] {
            assert_eq!(expiry(&request(s, 1, &[]), after), Some(Expired));
            assert_eq!(expiry(&request(s, 1, &[]), before), None);
        }
        for s in [TokenIssued, Denied, Revoked, Expired] {
            assert_eq!(expiry(&request(s, 1, &[]), after), None);
        }
    }

    #[test]
    fn revocation_and_redemption() {
        assert_eq!(revoke(&request(TokenIssued, 1, &[])), Ok(()));
        assert_eq!(revoke(&request(Pending, 1, &[])), Ok(()));
        for s in [Denied, Revoked, Expired] {
            assert!(revoke(&request(s, 1, &[])).is_err());
        }
        assert_eq!(redeem(Some((None, None))), Ok(()));
        assert_eq!(redeem(None), Err(RedeemRefused::Unknown));
        assert_eq!(
            redeem(Some((Some("t"), None))),
            Err(RedeemRefused::AlreadyUsed)
        );
        assert_eq!(
            redeem(Some((Some("t"), Some("t")))),
            Err(RedeemRefused::Revoked)
        );
    }
}
