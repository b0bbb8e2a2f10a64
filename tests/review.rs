//! Review where reviewers work: the review page (over HTTP and in a real
//! headless Chromium), Slack Block Kit and Teams Adaptive Card notifications
//! checked by a local receiver, and signed Slack actions.

use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::service::{key, rules_digest, Receiver, Svc};

const SECRET: &str = "8f2a0c1d9e7b6a5f4e3d2c1b0a998877";
const HOSTILE: &str = "<script>alert(1)</script>";

/// A report with a PII column whose names hold markup, as a hostile or
/// careless requester could send.
fn report(sensitivity: &str, entity: &str) -> Value {
    json!({
        "rules": {"digest": rules_digest()},
        "summary": {"sensitivity": sensitivity, "entities": {entity: 1}},
        "tables": [{
            "name": format!("customers{HOSTILE}"),
            "sensitivity": sensitivity,
            "rows": 1500,
            "columns": [{
                "name": "email<img src=x onerror=alert(2)>",
                "sensitivity": sensitivity,
                "entities": [{"type": entity, "confidence": 0.99, "matched_rows": 1428,
                              "match_ratio": 0.952, "examples": ["a***@e***.es", "B***@M***.ORG"]}]
            }]
        }]
    })
}

fn create(s: &Svc, who: &str, sensitivity: &str, entity: &str, reason: &str) -> Value {
    let (st, b) = s.call(
        "POST",
        "/v1/export-requests",
        Some(who),
        Some(
            json!({"dataset_id": format!("crm{HOSTILE}"), "content_digest": "sha256:abc",
                    "sensitivity": sensitivity, "dest": "s3://bucket/exports/",
                    "reason": reason, "report": report(sensitivity, entity)}),
        ),
    );
    assert_eq!(st, StatusCode::CREATED, "{b}");
    b
}

/// Block Kit's documented limits for the blocks we send.
fn check_block_kit(m: &Value) {
    assert!(
        m["text"].as_str().is_some_and(|t| !t.is_empty()),
        "fallback text: {m}"
    );
    let blocks = m["blocks"].as_array().expect("blocks");
    assert!(!blocks.is_empty() && blocks.len() <= 50);
    let plain = |t: &Value, max: usize| {
        assert_eq!(t["type"], "plain_text", "{t}");
        let s = t["text"].as_str().unwrap();
        assert!(!s.is_empty() && s.chars().count() <= max, "{t}");
    };
    let text = |t: &Value, max: usize| {
        assert!(t["type"] == "mrkdwn" || t["type"] == "plain_text", "{t}");
        let s = t["text"].as_str().unwrap();
        assert!(!s.is_empty() && s.chars().count() <= max, "{t}");
    };
    for b in blocks {
        match b["type"].as_str().unwrap() {
            "header" => plain(&b["text"], 150),
            "section" => {
                assert!(b.get("text").is_some() || b.get("fields").is_some(), "{b}");
                if let Some(t) = b.get("text") {
                    text(t, 3000);
                }
                if let Some(f) = b.get("fields") {
                    let f = f.as_array().unwrap();
                    assert!(f.len() <= 10, "{b}");
                    f.iter().for_each(|t| text(t, 2000));
                }
            }
            "context" => {
                let e = b["elements"].as_array().unwrap();
                assert!(!e.is_empty() && e.len() <= 10);
                e.iter().for_each(|t| text(t, 3000));
            }
            "actions" => {
                let e = b["elements"].as_array().unwrap();
                assert!(!e.is_empty() && e.len() <= 25);
                assert!(b["block_id"].as_str().unwrap().len() <= 255);
                for el in e {
                    assert_eq!(el["type"], "button");
                    plain(&el["text"], 75);
                    assert!(el["action_id"].as_str().unwrap().len() <= 255);
                    assert!(el.get("url").is_some() || el.get("value").is_some(), "{el}");
                    if let Some(st) = el.get("style") {
                        assert!(st == "primary" || st == "danger");
                    }
                }
            }
            other => panic!("unexpected block type {other}"),
        }
    }
}

/// The Teams workflow webhook envelope and the Adaptive Card 1.4 elements
/// we use, with their required properties.
fn check_adaptive_card(m: &Value) {
    assert_eq!(m["type"], "message");
    let a = &m["attachments"][0];
    assert_eq!(a["contentType"], "application/vnd.microsoft.card.adaptive");
    let card = &a["content"];
    assert_eq!(card["type"], "AdaptiveCard");
    assert_eq!(card["version"], "1.4");
    assert_eq!(
        card["$schema"],
        "http://adaptivecards.io/schemas/adaptive-card.json"
    );
    for el in card["body"].as_array().unwrap() {
        match el["type"].as_str().unwrap() {
            "TextBlock" => assert!(el["text"].is_string(), "{el}"),
            "FactSet" => {
                for f in el["facts"].as_array().unwrap() {
                    assert!(f["title"].is_string() && f["value"].is_string(), "{f}");
                }
            }
            other => panic!("unexpected element {other}"),
        }
    }
    for act in card["actions"].as_array().into_iter().flatten() {
        assert_eq!(act["type"], "Action.OpenUrl");
        assert!(act["url"].as_str().unwrap().starts_with("https://"));
    }
}

#[test]
fn notifications_carry_the_context_to_slack_and_teams_and_never_raw_values() {
    let hook = Receiver::start();
    let s = Svc::start_with(
        tempfile::tempdir().unwrap(),
        "public_url = \"https://piigate.example.com\"",
        &format!(
            "[notify]\nslack_webhook_url = \"{}\"\nteams_webhook_url = \"{}\"\nreason_limit = 40\n\n[slack]\nsigning_secret = \"{SECRET}\"\n[slack.users]\nU0BOB = \"bob\"\n",
            hook.url("/slack"),
            hook.url("/teams")
        ),
    );
    let reason = format!(
        "<!channel> quarterly analytics for the finance team {}",
        "x".repeat(300)
    );
    let req = create(&s, "alice", "MODERATE", "EMAIL", &reason);
    let id = req["id"].as_str().unwrap();
    let got = hook.take(2);
    let (slack, teams) = (&got[0].1, &got[1].1);
    assert_eq!((got[0].0.as_str(), got[1].0.as_str()), ("/slack", "/teams"));
    check_block_kit(slack);
    check_adaptive_card(teams);
    for m in [slack, teams] {
        let text = m.to_string();
        // The context a reviewer needs…
        for want in [
            "alice",
            "MODERATE",
            "s3://bucket/exports/",
            "EMAIL 95%",
            "1500",
            "quarterly analytics",
        ] {
            assert!(text.contains(want), "{want} missing from {text}");
        }
        assert!(
            text.contains(&format!("https://piigate.example.com/ui/requests/{id}")),
            "{text}"
        );
        // …and never an example value, nor the reason beyond the limit.
        assert!(
            !text.contains("a***@e***.es") && !text.contains("B***@M***.ORG"),
            "{text}"
        );
        assert!(
            !text.contains(&"x".repeat(50)),
            "the reason was not cut: {text}"
        );
    }
    // Requester text cannot mention @channel or make links in Slack.
    assert!(!slack.to_string().contains("<!channel>"), "{slack}");
    assert!(slack.to_string().contains("&lt;!channel&gt;"));
    // A MODERATE request may be reviewed from Slack: the buttons are there.
    let actions = slack["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "actions")
        .unwrap();
    let ids: Vec<&str> = actions["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["piigate_open", "piigate_approve", "piigate_deny"]);

    // HIGH is reviewed on the page only: a link, no buttons.
    create(&s, "alice", "HIGH", "US_SSN", "payroll audit");
    let got = hook.take(2);
    check_block_kit(&got[0].1);
    assert!(got[0].1.to_string().contains("piigate_open"));
    assert!(
        !got[0].1.to_string().contains("piigate_approve"),
        "{}",
        got[0].1
    );

    // The outcome is sent too.
    let (st, _) = s.call(
        "POST",
        &format!("/v1/export-requests/{id}/reviews"),
        Some("bob"),
        Some(json!({"decision": "deny", "comment": "not this quarter"})),
    );
    assert_eq!(st, StatusCode::OK);
    let got = hook.take(2);
    check_block_kit(&got[0].1);
    check_adaptive_card(&got[1].1);
    assert!(got[0].1["text"].as_str().unwrap().contains("denied"));
    // The receiver has the message before the sender has read the answer
    // and counted it: wait for the count.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let (_, metrics) = s.call("GET", "/metrics", None, None);
        let metrics = metrics.as_str().unwrap().to_string();
        if metrics.contains("piigate_notifications_sent_total{channel=\"teams\"} 3") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{metrics}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn failed_notifications_are_counted_and_never_block_the_api() {
    // A port with nothing listening: every try is refused at once.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let s = Svc::start_with(
        tempfile::tempdir().unwrap(),
        "",
        &format!(
            "[notify]\nslack_webhook_url = \"http://127.0.0.1:{dead}/slack\"\nteams_webhook_url = \"http://127.0.0.1:{dead}/teams\"\n"
        ),
    );
    let t = std::time::Instant::now();
    s.new_request("alice", "LOW");
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "the API waited for delivery"
    );
    // Three tries, 0.2 + 0.4 + 0.8 s apart.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (_, m) = s.call("GET", "/metrics", None, None);
        let m = m.as_str().unwrap().to_string();
        if m.contains("piigate_notifications_failed_total{channel=\"slack\"} 1")
            && m.contains("piigate_notifications_failed_total{channel=\"teams\"} 1")
        {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{m}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// POST a Slack interaction, signed with `secret` at `ts` (or unsigned).
fn slack_post(s: &Svc, body: &str, signed: Option<(&str, i64)>) -> (StatusCode, Value) {
    let sig = signed.map(|(secret, ts)| {
        (
            ts.to_string(),
            piigate::server::slack_signature(secret, ts, body.as_bytes()),
        )
    });
    slack_raw(s, body, sig.as_ref().map(|(t, s)| (t.as_str(), s.as_str())))
}

fn slack_raw(s: &Svc, body: &str, headers: Option<(&str, &str)>) -> (StatusCode, Value) {
    s.rt.block_on(async {
        let mut r = s
            .http
            .post(format!("{}/v1/integrations/slack/actions", s.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_string());
        if let Some((ts, sig)) = headers {
            r = r
                .header("x-slack-request-timestamp", ts)
                .header("x-slack-signature", sig);
        }
        let resp = r.send().await.unwrap();
        let st = resp.status();
        (st, resp.json().await.unwrap_or(Value::Null))
    })
}

fn action(user: &str, action_id: &str, id: &str) -> String {
    let payload = json!({"type": "block_actions", "user": {"id": user, "name": "someone"},
                         "actions": [{"action_id": action_id, "value": id, "type": "button"}],
                         "response_url": "https://hooks.slack.com/actions/T0/1/x"});
    format!(
        "payload={}",
        url::form_urlencoded::byte_serialize(payload.to_string().as_bytes()).collect::<String>()
    )
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn slack_actions_must_be_signed_fresh_unique_and_from_a_mapped_reviewer() {
    let s = Svc::start_with(
        tempfile::tempdir().unwrap(),
        "",
        &format!("[slack]\nsigning_secret = \"{SECRET}\"\n[slack.users]\nU0BOB = \"bob\"\nU0ROOT = \"root\"\n"),
    );
    let id = create(&s, "root", "MODERATE", "EMAIL", "share with analytics")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let status = |s: &Svc| {
        let (_, r) = s.call(
            "GET",
            &format!("/v1/export-requests/{id}"),
            Some("bob"),
            None,
        );
        r["status"].as_str().unwrap().to_string()
    };
    let body = action("U0BOB", "piigate_approve", &id);
    // Unsigned, forged with another secret, signed over another body, stale, from the future.
    assert_eq!(slack_post(&s, &body, None).0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        slack_post(&s, &body, Some(("another-secret-0123456789", now()))).0,
        StatusCode::UNAUTHORIZED
    );
    let other = piigate::server::slack_signature(
        SECRET,
        now(),
        action("U0BOB", "piigate_deny", &id).as_bytes(),
    );
    assert_eq!(
        slack_raw(&s, &body, Some((&now().to_string(), &other))).0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        slack_post(&s, &body, Some((SECRET, now() - 301))).0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        slack_post(&s, &body, Some((SECRET, now() + 301))).0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(status(&s), "pending");
    // A user not in [slack.users].
    let (st, b) = slack_post(
        &s,
        &action("U0EVE", "piigate_approve", &id),
        Some((SECRET, now())),
    );
    assert_eq!(st, StatusCode::FORBIDDEN, "{b}");
    // The requester's own mapped user: no self-review, from Slack either.
    let (st, b) = slack_post(
        &s,
        &action("U0ROOT", "piigate_approve", &id),
        Some((SECRET, now())),
    );
    assert_eq!(st, StatusCode::FORBIDDEN, "{b}");
    assert!(b["reason"].as_str().unwrap().contains("own request"), "{b}");
    assert_eq!(status(&s), "pending");
    // Signed, fresh, mapped: recorded under the principal, as an API review.
    let ts = now();
    let (st, b) = slack_post(&s, &body, Some((SECRET, ts)));
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(status(&s), "approved");
    let (_, r) = s.call(
        "GET",
        &format!("/v1/export-requests/{id}"),
        Some("bob"),
        None,
    );
    assert_eq!(r["reviews"][0]["approver"], "bob");
    assert!(r["reviews"][0]["comment"]
        .as_str()
        .unwrap()
        .contains("Slack"));
    // The same signed request again: a replay.
    let (st, b) = slack_post(&s, &body, Some((SECRET, ts)));
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{b}");
    assert!(
        b["reason"].as_str().unwrap().contains("already used"),
        "{b}"
    );
    // HIGH requests are reviewed on the page only.
    let high = create(&s, "root", "HIGH", "US_SSN", "payroll")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (st, b) = slack_post(
        &s,
        &action("U0BOB", "piigate_approve", &high),
        Some((SECRET, now())),
    );
    assert_eq!(st, StatusCode::FORBIDDEN, "{b}");
    assert!(b["reason"].as_str().unwrap().contains("review page"), "{b}");
    // Every refusal is in the audit chain, and so is the review.
    let (_, events) = s.call("GET", "/v1/audit", Some("root"), None);
    let slack_refusals = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "refusal" && e["detail"]["action"] == "slack")
        .count();
    assert_eq!(slack_refusals, 8, "{events}");
    assert!(events
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "review" && e["actor"] == "bob" && e["subject"] == id.as_str()));
}

#[test]
fn slack_config_must_map_to_reviewers() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("piigate.toml");
    let base = crate::service::config_toml(dir.path(), "127.0.0.1:0");
    for (tables, want) in [
        (
            format!("[slack]\nsigning_secret = \"{SECRET}\"\n[slack.users]\nU0A = \"alice\"\n"),
            "only approvers and admins",
        ),
        (
            format!("[slack]\nsigning_secret = \"{SECRET}\"\n[slack.users]\nU0A = \"nobody\"\n"),
            "no principal named",
        ),
        (
            "[slack]\nsigning_secret = \"short\"\n".to_string(),
            "signing_secret",
        ),
    ] {
        std::fs::write(&p, format!("{base}\n{tables}")).unwrap();
        let e = piigate::server::Config::load(&p).unwrap_err().to_string();
        assert!(e.contains(want), "{e}");
        assert!(!e.contains(SECRET));
    }
    std::fs::write(
        &p,
        format!("{base}\n[slack]\nsigning_secret = \"{SECRET}\"\n"),
    )
    .unwrap();
    let c = piigate::server::Config::load(&p).unwrap();
    assert!(
        !format!("{c:?}").contains(SECRET),
        "the secret is in Debug output"
    );
}

/// A reqwest client that keeps cookies and does not follow redirects.
fn browser_like() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn hidden(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} field in {html}"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

#[test]
fn review_page_cookies_are_secure_behind_https() {
    let s = Svc::start_with(
        tempfile::tempdir().unwrap(),
        "public_url = \"https://piigate.example.com\"",
        "",
    );
    let c = browser_like();
    let base = s.base.clone();
    s.rt.block_on(async {
        let r = c.get(format!("{base}/ui/login")).send().await.unwrap();
        let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict")
                && cookie.contains("; Secure"),
            "{cookie}"
        );
        let csrf = hidden(&r.text().await.unwrap(), "csrf");
        // (A Secure cookie is not sent back over http: send it by hand.)
        let r = c
            .post(format!("{base}/ui/login"))
            .header("cookie", format!("piigate_login={csrf}"))
            .form(&[("api_key", key("bob")), ("csrf", &csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let session = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|v| v.starts_with("piigate_session="))
            .unwrap();
        assert!(
            session.contains("HttpOnly")
                && session.contains("SameSite=Strict")
                && session.contains("; Secure"),
            "{session}"
        );
    });
}

#[test]
fn the_review_page_over_http_signs_in_checks_csrf_and_escapes_everything() {
    let s = Svc::start();
    let id = create(&s, "alice", "MODERATE", "EMAIL", &format!("why {HOSTILE}"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c = browser_like();
    let base = s.base.clone();
    s.rt.block_on(async {
        // Not signed in: sent to sign in, with the way back.
        let r = c
            .get(format!("{base}/ui/requests/{id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with("/ui/login?next=%2Fui%2Frequests%2F"), "{to}");
        let r = c.get(format!("{base}{to}")).send().await.unwrap();
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("script-src"),
            "{csp}"
        );
        assert_eq!(r.headers()["x-frame-options"], "DENY");
        let login = r.text().await.unwrap();
        assert!(hidden(&login, "csrf").len() == 64);
        let next = hidden(&login, "next");
        let sign_in = |key: &str, csrf: &str| {
            c.post(format!("{base}/ui/login"))
                .form(&[("api_key", key), ("csrf", csrf), ("next", &next)])
                .send()
        };
        // A wrong CSRF token, a wrong key, a requester's key.
        assert_eq!(
            sign_in(key("bob"), "0000").await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
        let r = c.get(format!("{base}/ui/login")).send().await.unwrap();
        let csrf = hidden(&r.text().await.unwrap(), "csrf");
        assert_eq!(
            sign_in("not-a-key-at-all", &csrf).await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
        let r = c.get(format!("{base}/ui/login")).send().await.unwrap();
        let csrf = hidden(&r.text().await.unwrap(), "csrf");
        assert_eq!(
            sign_in(key("alice"), &csrf).await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
        // The approver signs in and is sent back to the request.
        let r = c.get(format!("{base}/ui/login")).send().await.unwrap();
        let csrf = hidden(&r.text().await.unwrap(), "csrf");
        let r = sign_in(key("bob"), &csrf).await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers()["location"],
            format!("/ui/requests/{id}").as_str()
        );
        let session = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|v| v.starts_with("piigate_session="))
            .unwrap();
        assert!(
            session.contains("HttpOnly") && session.contains("SameSite=Strict"),
            "{session}"
        );
        assert!(
            !session.contains("Secure"),
            "plain http: no Secure flag, or the browser drops it"
        );
        assert!(!session.contains(key("bob")));
        let page = c
            .get(format!("{base}/ui/requests/{id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        // Everything the requester wrote is escaped.
        assert!(
            !html.contains("<script") && !html.contains("<img"),
            "unescaped markup"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("95.2%") && html.contains("a***@e***.es") && html.contains("1500"));
        assert!(!html.contains(key("bob")));
        // The list shows it among pending requests, and filters.
        let list = c
            .get(format!("{base}/ui/requests?status=pending&q=crm"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(list.contains(&format!("/ui/requests/{id}")));
        let none = c
            .get(format!("{base}/ui/requests?status=denied"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!none.contains(&format!("/ui/requests/{id}")));
        // A review without the page's CSRF token, or without a comment, is refused.
        let csrf = hidden(&html, "csrf");
        let review = |form: Vec<(&str, &str)>| {
            c.post(format!("{base}/ui/requests/{id}/review"))
                .form(&form)
                .send()
        };
        let r = review(vec![("decision", "approve"), ("comment", "ok")])
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = review(vec![
            ("decision", "approve"),
            ("comment", "  "),
            ("csrf", &csrf),
        ])
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        // A form posted from another site carries no cookie (SameSite=Strict):
        // without the session it is sent to sign in, nothing is recorded.
        let r = browser_like()
            .post(format!("{base}/ui/requests/{id}/review"))
            .form(&[("decision", "approve"), ("comment", "x"), ("csrf", &csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        // With both: recorded.
        let r = review(vec![
            ("decision", "approve"),
            ("comment", "checked the columns"),
            ("csrf", &csrf),
        ])
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        // A second review by the same approver is refused.
        let r = review(vec![
            ("decision", "deny"),
            ("comment", "again"),
            ("csrf", &csrf),
        ])
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT);
    });
    let (_, r) = s.call(
        "GET",
        &format!("/v1/export-requests/{id}"),
        Some("bob"),
        None,
    );
    assert_eq!(r["status"], "approved");
    assert_eq!(r["reviews"][0]["comment"], "checked the columns");
    let (_, events) = s.call("GET", "/v1/audit", Some("root"), None);
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"ui_sign_in") && kinds.contains(&"review"),
        "{kinds:?}"
    );
    let refusals = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "refusal")
        .map(|e| {
            e["detail"]["action"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect::<Vec<_>>();
    assert!(
        refusals.iter().filter(|a| *a == "ui_sign_in").count() >= 3,
        "{refusals:?}"
    );
    assert!(refusals.iter().any(|a| a == "review"), "{refusals:?}");
}

/// chromedriver on a free port, stopped on drop.
struct Driver(std::process::Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromedriver() -> Driver {
    let port = crate::export::free_port();
    let child = std::process::Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromedriver (Debian: apt-get install chromium chromium-driver)");
    crate::export::wait_for_port(port, Duration::from_secs(30), "chromedriver");
    Driver(child, port)
}

/// The whole path in a real browser: a request made with the CLI, reviewed
/// on the page in headless Chromium, then the token and the export succeed.
#[test]
fn a_reviewer_approves_in_a_real_browser_and_the_export_goes_through() {
    use fantoccini::Locator;
    let s3 = crate::export::start_s3();
    s3.bucket("review-ui");
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("piigate.toml");
    std::fs::write(
        &cfg,
        crate::service::config_toml(dir.path(), "127.0.0.1:0").replace("HIGH = 2", "HIGH = 1"),
    )
    .unwrap();
    let (mut server, base) = crate::service::serve_process(&cfg);
    let env = crate::export::Env::new(&s3.endpoint());
    let cli = |who: &str| {
        let mut c = env.cmd();
        c.env("PIIGATE_SERVER", &base)
            .env("PIIGATE_API_KEY", key(who));
        c
    };
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/data/customers.parquet");
    let out = cli("alice")
        .args([
            "request",
            data.to_str().unwrap(),
            "--to",
            "s3://review-ui/exports/",
            "--dataset",
            "customers",
            "--reason",
            "share with analytics",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let id = String::from_utf8(out).unwrap().trim().to_string();

    let driver = chromedriver();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let shot = rt.block_on(async {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1500"]}),
        );
        let b = fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.1))
            .await
            .expect("a Chromium session through chromedriver");
        // The link a notification carries leads through sign-in back to the request.
        b.goto(&format!("{base}/ui/requests/{id}")).await.unwrap();
        assert!(b.current_url().await.unwrap().path().ends_with("/ui/login"));
        b.find(Locator::Css("#api_key")).await.unwrap().send_keys(key("bob")).await.unwrap();
        b.find(Locator::Css("#sign_in")).await.unwrap().click().await.unwrap();
        // A click does not wait for the navigation it starts: on a loaded
        // machine the old page is still there, so wait for the new one.
        b.wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::Css("#facts"))
            .await
            .expect("the request page after signing in");
        assert_eq!(b.current_url().await.unwrap().path(), format!("/ui/requests/{id}"));
        // The context: requester, reason, destination, the report's PII columns.
        let facts = b.find(Locator::Css("#facts")).await.unwrap().text().await.unwrap();
        for want in ["alice", "share with analytics", "s3://review-ui/exports/", "HIGH", "0 of 1", "1500"] {
            assert!(facts.contains(want), "{want} not on the page: {facts}");
        }
        let report = b.find(Locator::Css("#report")).await.unwrap().text().await.unwrap();
        for want in ["full_name", "PERSON_NAME", "email", "EMAIL", "DATE_OF_BIRTH", "IBAN"] {
            assert!(report.contains(want), "{want} not in the report table: {report}");
        }
        // The stylesheet loaded under the page's CSP (it styles the header).
        let bg = b
            .execute("return getComputedStyle(document.querySelector('header')).backgroundColor", vec![])
            .await
            .unwrap();
        assert_eq!(bg, json!("rgb(28, 35, 48)"));
        let shot = b.screenshot().await.unwrap();
        // The comment is required: Approve without one stays on the page.
        b.find(Locator::Css("#approve")).await.unwrap().click().await.unwrap();
        let still = b.find(Locator::Css("#review")).await;
        assert!(still.is_ok(), "the form was sent without a comment");
        b.find(Locator::Css("#comment")).await.unwrap().send_keys("Checked: analytics may hold these columns.").await.unwrap();
        b.find(Locator::Css("#approve")).await.unwrap().click().await.unwrap();
        let flash = b
            .wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::Css("#flash"))
            .await
            .expect("the page after approving")
            .text()
            .await
            .unwrap();
        assert!(flash.contains("approval was recorded"), "{flash}");
        let facts = b.find(Locator::Css("#facts")).await.unwrap().text().await.unwrap();
        assert!(facts.contains("1 of 1"), "{facts}");
        let reviews = b.find(Locator::Css("#reviews")).await.unwrap().text().await.unwrap();
        assert!(reviews.contains("bob") && reviews.contains("Checked: analytics"), "{reviews}");
        b.close().await.unwrap();
        shot
    });
    assert!(shot.starts_with(b"\x89PNG"), "a PNG screenshot");
    if std::env::var_os("PIIGATE_UPDATE_SCREENSHOT").is_some() {
        std::fs::write(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/review-page.png"),
            &shot,
        )
        .unwrap();
    }
    // The approval holds: the token is issued and the gate exports.
    let tok = env.p("token");
    cli("alice")
        .args(["token", &id, "--output", tok.to_str().unwrap()])
        .assert()
        .success();
    cli("gate")
        .args([
            "export",
            data.to_str().unwrap(),
            "--to",
            "s3://review-ui/exports/",
            "--token-file",
            tok.to_str().unwrap(),
            "--server",
            &base,
        ])
        .assert()
        .success();
    assert_eq!(s3.keys("review-ui"), vec!["exports/customers.parquet"]);
    let _ = server.kill();
    let _ = server.wait();
}
