//! `piigate serve` and its HTTP client commands (same types as the server).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use piigate::approval::{ApprovalClient, RequestStatus, ReviewDecision};
use piigate::gate::token::Op;

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[arg(long, default_value = "piigate.toml")]
    config: PathBuf,
}

#[derive(Args, Debug)]
pub struct Client {
    /// Approval service URL.
    #[arg(long, env = "PIIGATE_SERVER", default_value = "http://127.0.0.1:8080")]
    server: String,
}

#[derive(Args, Debug)]
pub struct RequestArgs {
    /// The data to export (scanned and digested here).
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Destination prefix, e.g. s3://bucket/exports/.
    #[arg(long)]
    to: String,
    /// Why this export is needed (required).
    #[arg(long)]
    reason: String,
    /// Dataset id (default: the inputs).
    #[arg(long)]
    dataset: Option<String>,
    /// How long the request may wait for review, in seconds.
    #[arg(long)]
    ttl: Option<i64>,
    #[arg(long, value_delimiter = ',', default_value = "put,multipart")]
    ops: Vec<Op>,
    /// Request approval for the redacted form (`export --redact`).
    #[arg(long)]
    redact: bool,
    #[command(flatten)]
    client: Client,
}

#[derive(Args, Debug)]
pub struct ReviewArgs {
    id: String,
    #[arg(long, conflicts_with = "deny", required_unless_present = "deny")]
    approve: bool,
    #[arg(long)]
    deny: bool,
    #[arg(long, default_value = "")]
    comment: String,
    #[command(flatten)]
    client: Client,
}

#[derive(Args, Debug)]
pub struct TokenArgs {
    id: String,
    /// Write the token here (mode 0600) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    client: Client,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[arg(long)]
    status: Option<String>,
    /// The newest this many requests (the service allows up to 1000).
    #[arg(long, default_value_t = 100)]
    limit: u32,
    #[command(flatten)]
    client: Client,
}

impl Client {
    /// The client of `--server` with the key in `PIIGATE_API_KEY` (required).
    fn connect(&self) -> Result<ApprovalClient> {
        let key =
            std::env::var("PIIGATE_API_KEY").context("set PIIGATE_API_KEY to your API key")?;
        Ok(ApprovalClient::new(&self.server, key)?)
    }
}

pub fn cmd_serve(a: ServeArgs) -> Result<u8> {
    let cfg = piigate::server::Config::load(&a.config)?;
    super::runtime()?.block_on(piigate::server::serve(cfg))?;
    Ok(super::EXIT_OK)
}

pub fn cmd_request(a: RequestArgs) -> Result<u8> {
    let client = a.client.connect()?;
    let mut body = piigate::export::request_for(&a.inputs, &a.to, &a.reason, a.redact)?;
    if let Some(d) = a.dataset {
        body.dataset_id = d;
    }
    body.ops = a.ops;
    body.ttl_secs = a.ttl;
    let req = super::runtime()?.block_on(client.create_request(&body))?;
    out!("{}", req.id);
    eprintln!(
        "piigate: request {} ({} sensitivity) needs {} approval(s)",
        req.id, req.sensitivity, req.approvals_needed
    );
    Ok(super::EXIT_OK)
}

pub fn cmd_review(a: ReviewArgs) -> Result<u8> {
    let client = a.client.connect()?;
    let decision = if a.approve {
        ReviewDecision::Approve
    } else {
        ReviewDecision::Deny
    };
    let req = super::runtime()?.block_on(client.review(&a.id, decision, &a.comment))?;
    out!("{} {}", req.id, req.status.as_str());
    Ok(super::EXIT_OK)
}

pub fn cmd_token(a: TokenArgs) -> Result<u8> {
    let client = a.client.connect()?;
    let t = super::runtime()?.block_on(client.token(&a.id))?;
    match a.output {
        Some(p) => {
            piigate::gate::token::write_private(&p, t.expose().as_bytes())?;
            eprintln!("piigate: token written to {}", p.display());
        }
        None => out!("{}", t.expose()),
    }
    Ok(super::EXIT_OK)
}

pub fn cmd_list(a: ListArgs) -> Result<u8> {
    let client = a.client.connect()?;
    let status = a
        .status
        .as_deref()
        .map(str::parse::<RequestStatus>)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let list = super::runtime()?.block_on(client.list(status, a.limit))?;
    out!(
        "{:<36}  {:<12}  {:<9}  {:<10}  {:<30}  DATASET",
        "ID",
        "STATUS",
        "SENSITIV.",
        "REQUESTER",
        "DESTINATION"
    );
    for r in list {
        out!(
            "{:<36}  {:<12}  {:<9}  {:<10}  {:<30}  {}",
            r.id,
            r.status.as_str(),
            r.sensitivity.as_str(),
            r.requester,
            r.dest,
            r.dataset_id
        );
    }
    Ok(super::EXIT_OK)
}
