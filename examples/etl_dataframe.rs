//! An ETL step with the DataFrame API: read, classify with `pii_profile`, mask
//! the tagged columns with `pii_mask`, write Parquet, and upload it through the
//! export gate. `cargo run --features sql --example etl_dataframe`

use std::sync::Arc;

use datafusion::prelude::{col, ParquetReadOptions, SessionContext};
use object_store::ObjectStoreExt;
use piigate::gate::token::rfc3339;
use piigate::gate::{
    Approval, ApprovalClaims, GatedStore, KeySet, LocalLedger, Op, SigningKey, Verifier,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Runtime::new()?;
    let work = tempfile::tempdir()?;
    let input = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/data/customers.parquet"
    );
    let staged = work.path().join("staged");
    std::fs::create_dir_all(&staged)?;
    let out = staged.join("customers_masked.parquet");

    rt.block_on(async {
        let ctx = SessionContext::new();
        piigate::sql::register_all(&ctx);
        let rules = Arc::new(piigate::RuleSet::builtin()?);
        let profile = piigate::sql::aggregate_functions_with(rules.clone()).remove(0);
        let mask = piigate::sql::functions_with(rules)
            .into_iter()
            .find(|f| f.name() == "pii_mask")
            .expect("pii_mask");

        // 1. Read.
        let df = ctx
            .read_parquet(input, ParquetReadOptions::default())
            .await?;
        let names: Vec<String> = df
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();

        // 2. Classify: one aggregate per column, split across partitions by DataFusion.
        let aggs = names
            .iter()
            .map(|n| {
                profile
                    .call(vec![col(format!("\"{n}\""))])
                    .alias(n.as_str())
            })
            .collect::<Vec<_>>();
        let batches = df.clone().aggregate(vec![], aggs)?.collect().await?;
        let mut tagged = Vec::new();
        for (i, n) in names.iter().enumerate() {
            use datafusion::arrow::array::AsArray;
            let s = batches[0].column(i).as_struct();
            let sens = s.column(2).as_string::<i32>().value(0).to_string();
            let ents = s.column(1).as_list::<i32>().value(0);
            let ents: Vec<String> = ents
                .as_string::<i32>()
                .iter()
                .flatten()
                .map(str::to_string)
                .collect();
            if !ents.is_empty() {
                println!("{n:<16} {sens:<9} {}", ents.join(", "));
                tagged.push(n.clone());
            }
        }

        // 3. Mask the tagged string columns, keep the rest.
        let exprs = names
            .iter()
            .map(|n| {
                let c = col(format!("\"{n}\""));
                if tagged.contains(n) {
                    mask.call(vec![datafusion::prelude::cast(
                        c,
                        datafusion::arrow::datatypes::DataType::Utf8,
                    )])
                    .alias(n.as_str())
                } else {
                    c
                }
            })
            .collect::<Vec<_>>();
        let masked = df.select(exprs)?.collect().await?;
        let f = std::fs::File::create(&out)?;
        let mut w = parquet::arrow::ArrowWriter::try_new(f, masked[0].schema(), None)?;
        for b in &masked {
            w.write(b)?;
        }
        w.close()?;
        Ok::<(), Box<dyn std::error::Error>>(())
    })?;

    // 4. Approval for exactly these bytes (normally from `piigate serve` after review).
    let (files, _) = piigate::resolve_inputs(&[out.display().to_string()], &rt);
    let manifest = piigate::gate::digest::manifest_of_local(&files)?;
    let key = SigningKey::generate()?;
    let bucket = work.path().join("bucket");
    std::fs::create_dir_all(&bucket)?;
    let dest = format!("file://{}/", bucket.display());
    let now = time::OffsetDateTime::now_utc();
    let claims = ApprovalClaims {
        jti: "etl-1".into(),
        iss: "example".into(),
        sub: "etl".into(),
        aud: "piigate-export".into(),
        iat: rfc3339(now),
        nbf: rfc3339(now),
        exp: rfc3339(now + time::Duration::minutes(5)),
        approvers: vec!["reviewer".into()],
        dataset_id: "customers_masked".into(),
        content_digest: manifest.digest(),
        report_digest: String::new(),
        policy_version: "1".into(),
        dest: dest.clone(),
        ops: vec![Op::Put],
        max_objects: 1,
        max_bytes: 1 << 30,
        redacted: true,
        endpoint: String::new(),
        digest_version: piigate::gate::digest::MANIFEST_VERSION,
        sensitivity: None,
        entities: None,
        rules_digest: String::new(),
    };
    let approval = Approval {
        token: key.sign(&claims)?,
        manifest,
        redacted: true,
        ops: vec![Op::Put],
        content: piigate::gate::store::ContentCheck::Unscanned,
    };
    let verifier = Verifier::new(KeySet::new([key.verifying_key()]), "piigate-export");
    let ledger = LocalLedger::open(work.path().join("ledger.db"))?;

    // 5. Write through the gate.
    let inner = object_store::local::LocalFileSystem::new_with_prefix(&bucket)?;
    let store = rt.block_on(GatedStore::authorize(
        inner,
        &piigate::gate::Destination::parse(&dest)?,
        &verifier,
        &ledger,
        &approval,
        None,
    ))?;
    let bytes = std::fs::read(&out)?;
    rt.block_on(store.put(&"customers_masked.parquet".into(), bytes.into()))?;
    println!("exported {}customers_masked.parquet through the gate", dest);
    Ok(())
}
