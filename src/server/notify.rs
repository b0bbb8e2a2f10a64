//! Notifications to the places reviewers work: a Slack Block Kit message and
//! a Microsoft Teams Adaptive Card per new request and per outcome, with the
//! context a reviewer needs (who asks, which data, which PII columns, where
//! it goes, why) and a link to the review page.
//!
//! Delivery runs in the background with retries and a timeout and never
//! blocks the API; failures are counted in `/metrics`. Messages carry labels,
//! counts and ratios from the report, never an example value, and the
//! request's reason only up to `notify.reason_limit` characters.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use super::report::{shown_columns, shown_rows, ShownColumn};
use super::AppState;
use crate::approval::{ExportRequest, RequestStatus};

/// At most this many deliveries in flight; beyond, a message is dropped and
/// counted as failed rather than queued without bound.
pub const IN_FLIGHT: usize = 64;
/// PII columns listed in a message; the rest are counted.
const COLUMNS_SHOWN: usize = 10;

/// What happened to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A new request waits for review.
    Created,
    /// Reviewed to approved or denied, or revoked.
    Decided,
}

/// What a message is built from, besides the request.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Base URL of the review page (`public_url`), if configured.
    pub public_url: Option<String>,
    /// Characters of the reason kept.
    pub reason_limit: usize,
    /// Offer Approve / Deny buttons (Slack actions are configured and the
    /// request's level may be reviewed from Slack).
    pub slack_buttons: bool,
}

impl Context {
    fn review_url(&self, id: &str) -> Option<String> {
        self.public_url
            .as_ref()
            .map(|u| format!("{}/ui/requests/{id}", u.trim_end_matches('/')))
    }
}

/// Cut to `n` characters, marking the cut.
pub fn cut(s: &str, n: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Slack `mrkdwn` text: `&`, `<` and `>` are control characters there (links,
/// `<!channel>` mentions), so the requester's words are escaped.
fn slack_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Teams markdown: the requester's words cannot make links or formatting.
fn teams_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(
            ch,
            '\\' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '`' | '~' | '<' | '>' | '!' | '|'
        ) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn column_line(c: &ShownColumn) -> String {
    let entities: Vec<String> = c
        .entities
        .iter()
        .map(|e| match e.match_ratio {
            Some(r) => format!("{} {:.0}%", e.label, r * 100.0),
            None => e.label.clone(),
        })
        .collect();
    format!("{}.{}: {}", c.table, c.column, entities.join(", "))
}

fn headline(req: &ExportRequest, event: Event) -> String {
    match event {
        Event::Created => format!(
            "{} requests export of {} ({}) to {}: {} approval(s) needed",
            req.requester,
            req.dataset_id,
            req.sensitivity.as_str(),
            req.dest,
            req.approvals_needed
        ),
        Event::Decided => format!(
            "Export request {} for {} is {}",
            req.id,
            req.dataset_id,
            req.status.as_str()
        ),
    }
}

/// A message's title.
fn title(req: &ExportRequest, event: Event) -> String {
    match event {
        Event::Created => format!(
            "Export request: {} ({})",
            req.dataset_id,
            req.sensitivity.as_str()
        ),
        Event::Decided => format!("Export request {}: {}", req.dataset_id, req.status.as_str()),
    }
}

/// The facts of a request, in display order.
fn facts(req: &ExportRequest, ctx: &Context) -> Vec<(&'static str, String)> {
    let approvals = req
        .reviews
        .iter()
        .filter(|r| r.decision == crate::approval::ReviewDecision::Approve)
        .count();
    let mut f = vec![
        ("Requester", req.requester.clone()),
        ("Dataset", req.dataset_id.clone()),
        ("Sensitivity", req.sensitivity.as_str().to_string()),
        ("Destination", req.dest.clone()),
        (
            "Approvals",
            format!("{approvals} of {} needed", req.approvals_needed),
        ),
        ("Status", req.status.as_str().to_string()),
        ("Expires", req.expires_at.clone()),
    ];
    if let Some(rows) = req.report.as_ref().and_then(shown_rows) {
        f.insert(3, ("Rows", rows.to_string()));
    }
    f.push(("Reason", cut(&req.reason, ctx.reason_limit)));
    f
}

fn column_lines(req: &ExportRequest) -> (Vec<String>, usize) {
    let cols = req.report.as_ref().map(shown_columns).unwrap_or_default();
    let more = cols.len().saturating_sub(COLUMNS_SHOWN);
    (
        cols.iter().take(COLUMNS_SHOWN).map(column_line).collect(),
        more,
    )
}

/// A Slack message (Block Kit, with a plain `text` fallback for
/// notifications and old clients). Within Slack's limits: header ≤ 150
/// characters, ≤ 10 fields of ≤ 2,000, section text ≤ 3,000, button text
/// ≤ 75, ≤ 50 blocks.
pub fn slack_message(req: &ExportRequest, event: Event, ctx: &Context) -> Value {
    let title = title(req, event);
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": cut(&title, 150), "emoji": false}
    })];
    let fields: Vec<Value> = facts(req, ctx)
        .into_iter()
        .filter(|(k, _)| *k != "Reason")
        .take(10)
        .map(|(k, v)| json!({"type": "mrkdwn", "text": cut(&format!("*{k}*\n{}", slack_text(&v)), 2000)}))
        .collect();
    blocks.push(json!({"type": "section", "fields": fields}));
    if event == Event::Created {
        let (lines, more) = column_lines(req);
        let mut text = String::from("*PII columns*\n");
        if lines.is_empty() {
            text.push_str("none found by the scan");
        }
        for l in &lines {
            text.push_str(&format!("• {}\n", slack_text(l)));
        }
        if more > 0 {
            text.push_str(&format!("…and {more} more on the review page"));
        }
        blocks
            .push(json!({"type": "section", "text": {"type": "mrkdwn", "text": cut(&text, 3000)}}));
        blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": cut(&format!("*Reason:* {}", slack_text(&cut(&req.reason, ctx.reason_limit))), 3000)}]}));
    }
    let mut buttons = Vec::new();
    if let Some(url) = ctx.review_url(&req.id) {
        buttons.push(json!({"type": "button", "action_id": "piigate_open", "text": {"type": "plain_text", "text": "Open review page"}, "url": url}));
    }
    if event == Event::Created && ctx.slack_buttons && req.status == RequestStatus::Pending {
        buttons.push(json!({"type": "button", "action_id": "piigate_approve", "style": "primary", "text": {"type": "plain_text", "text": "Approve"}, "value": req.id}));
        buttons.push(json!({"type": "button", "action_id": "piigate_deny", "style": "danger", "text": {"type": "plain_text", "text": "Deny"}, "value": req.id,
            "confirm": {"title": {"type": "plain_text", "text": "Deny this export?"}, "text": {"type": "plain_text", "text": "The requester must ask again."}, "confirm": {"type": "plain_text", "text": "Deny"}, "deny": {"type": "plain_text", "text": "Cancel"}}}));
    }
    if !buttons.is_empty() {
        blocks.push(json!({"type": "actions", "block_id": format!("piigate_review:{}", req.id), "elements": buttons}));
    }
    json!({
        "text": cut(&slack_text(&headline(req, event)), 3000),
        "blocks": blocks,
    })
}

/// A Teams message for a workflow webhook: one Adaptive Card (1.4).
pub fn teams_card(req: &ExportRequest, event: Event, ctx: &Context) -> Value {
    let title = title(req, event);
    let mut body = vec![
        json!({"type": "TextBlock", "text": teams_text(&cut(&title, 150)), "weight": "Bolder", "size": "Medium", "wrap": true}),
        json!({"type": "FactSet", "facts": facts(req, ctx).into_iter().map(|(k, v)| json!({"title": k, "value": teams_text(&v)})).collect::<Vec<_>>()}),
    ];
    if event == Event::Created {
        let (lines, more) = column_lines(req);
        body.push(
            json!({"type": "TextBlock", "text": "PII columns", "weight": "Bolder", "wrap": true}),
        );
        if lines.is_empty() {
            body.push(json!({"type": "TextBlock", "text": "none found by the scan", "wrap": true}));
        }
        for l in lines {
            body.push(json!({"type": "TextBlock", "text": teams_text(&l), "wrap": true, "spacing": "None"}));
        }
        if more > 0 {
            body.push(json!({"type": "TextBlock", "text": format!("…and {more} more on the review page"), "wrap": true, "isSubtle": true}));
        }
    }
    let mut card = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    });
    if let Some(url) = ctx.review_url(&req.id) {
        card["actions"] =
            json!([{"type": "Action.OpenUrl", "title": "Open review page", "url": url}]);
    }
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": card,
        }]
    })
}

/// Whether a request of this level may be reviewed from Slack.
pub fn slack_may_review(st: &AppState, req: &ExportRequest) -> bool {
    match &st.config.slack {
        None => false,
        Some(s) => match s.review_page_required_from {
            Some(level) => req.sensitivity < level,
            None => true,
        },
    }
}

/// Send the messages for `event` to every configured channel, in the
/// background.
pub fn send(st: &Arc<AppState>, req: &ExportRequest, event: Event) {
    let ctx = Context {
        public_url: st.config.public_url.clone(),
        reason_limit: st.config.notify.reason_limit,
        slack_buttons: slack_may_review(st, req),
    };
    let slack = st
        .config
        .notify
        .slack_webhook_url
        .clone()
        .or_else(|| st.config.webhook_url.clone());
    if let Some(url) = slack {
        deliver(st, Channel::Slack, url, slack_message(req, event, &ctx));
    }
    if let Some(url) = st.config.notify.teams_webhook_url.clone() {
        deliver(st, Channel::Teams, url, teams_card(req, event, &ctx));
    }
}

/// A notification channel, as `/metrics` labels it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Slack = 0,
    Teams = 1,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Slack => "slack",
            Channel::Teams => "teams",
        }
    }
}

/// POST `body` to `url` with three tries (0.2 s, 0.4 s, 0.8 s apart), each
/// bounded by the client's timeout; count the outcome.
fn deliver(st: &Arc<AppState>, channel: Channel, url: String, body: Value) {
    let Ok(permit) = st.notify_slots.clone().try_acquire_owned() else {
        st.metrics.count_notification(channel, false);
        tracing::warn!(
            channel = channel.as_str(),
            "notification dropped: too many in flight"
        );
        return;
    };
    let st = st.clone();
    tokio::spawn(async move {
        let _permit = permit;
        for attempt in 0..3u32 {
            let r = st.http.post(&url).json(&body).send().await;
            match r {
                Ok(resp) if resp.status().is_success() => {
                    st.metrics.count_notification(channel, true);
                    return;
                }
                Ok(resp) => tracing::debug!(
                    channel = channel.as_str(),
                    status = resp.status().as_u16(),
                    "notification refused"
                ),
                // The URL holds the webhook's secret: log the kind of error only.
                Err(e) => tracing::debug!(
                    channel = channel.as_str(),
                    timeout = e.is_timeout(),
                    connect = e.is_connect(),
                    "notification not delivered"
                ),
            }
            tokio::time::sleep(Duration::from_millis(200 * 2u64.pow(attempt))).await;
        }
        st.metrics.count_notification(channel, false);
        tracing::warn!(
            channel = channel.as_str(),
            "notification delivery failed after retries"
        );
    });
}
