//! Wrap your own object store in `GatedStore` and keep using the ObjectStore API.
//! `cargo run --example gated_export`
//!
//! Writes go to a temporary local directory here; in a pipeline the inner
//! store is S3, GCS or Azure and the token comes from `piigate serve`.

use std::sync::Arc;

use object_store::{ObjectStore, ObjectStoreExt};
use piigate::gate::token::rfc3339;
use piigate::gate::{
    Approval, ApprovalClaims, GatedStore, KeySet, LocalLedger, Op, SigningKey, Verifier,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Runtime::new()?;
    let work = tempfile::tempdir()?;
    let src = work.path().join("report.csv");
    std::fs::write(&src, "id,amount\n1,10\n2,20\n")?;
    let dest_dir = work.path().join("bucket");
    std::fs::create_dir_all(&dest_dir)?;
    let dest = format!("file://{}/", dest_dir.display());

    // What will be written, byte for byte: the manifest and its digest.
    let (files, _) = piigate::resolve_inputs(&[src.display().to_string()], &rt);
    let manifest = piigate::gate::digest::manifest_of_local(&files)?;

    // Normally the approval service signs after a human approves; here, a local key.
    let key = SigningKey::generate()?;
    let now = time::OffsetDateTime::now_utc();
    let claims = ApprovalClaims {
        jti: "example-1".into(),
        iss: "example".into(),
        sub: "etl-job".into(),
        aud: "piigate-export".into(),
        iat: rfc3339(now),
        nbf: rfc3339(now),
        exp: rfc3339(now + time::Duration::minutes(5)),
        approvers: vec!["reviewer".into()],
        dataset_id: "report".into(),
        content_digest: manifest.digest(),
        report_digest: String::new(),
        policy_version: "1".into(),
        dest: dest.clone(),
        ops: vec![Op::Put],
        max_objects: 1,
        max_bytes: 1 << 20,
        redacted: false,
        endpoint: String::new(),
        digest_version: piigate::gate::digest::MANIFEST_VERSION,
        sensitivity: None,
        entities: None,
        rules_digest: String::new(),
    };
    let token = key.sign(&claims)?;

    let verifier = Verifier::new(KeySet::new([key.verifying_key()]), "piigate-export");
    let ledger = LocalLedger::open(work.path().join("ledger.db"))?;
    let inner = object_store::local::LocalFileSystem::new_with_prefix(&dest_dir)?;
    let store = rt.block_on(GatedStore::authorize(
        inner,
        &piigate::gate::Destination::parse(&dest)?,
        &verifier,
        &ledger,
        &Approval::new(token, manifest),
        None,
    ))?;
    let store: Arc<dyn ObjectStore> = Arc::new(store);

    let bytes = std::fs::read(&src)?;
    rt.block_on(async move {
        store.put(&"report.csv".into(), bytes.into()).await?;
        println!("approved write: ok");
        let refused = store
            .put(&"elsewhere.csv".into(), b"other bytes".to_vec().into())
            .await;
        println!(
            "unapproved write: {}",
            refused.err().map(|e| e.to_string()).unwrap_or_default()
        );
        let refused = store.delete(&"report.csv".into()).await;
        println!(
            "unapproved delete: {}",
            refused.err().map(|e| e.to_string()).unwrap_or_default()
        );
        Ok::<(), Box<dyn std::error::Error>>(())
    })
}
