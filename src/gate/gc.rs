//! `piigate gc`: find and remove what an interrupted export can leave at a
//! destination.
//!
//! The gate sends an object only after it verified all of it, so nothing
//! unapproved is ever sent. A process killed *while sending* a verified object
//! can still leave:
//!
//! - on S3, an incomplete multipart upload: invisible to listings, billed,
//!   and kept until someone aborts it (or a lifecycle rule with
//!   `AbortIncompleteMultipartUpload` does);
//! - on a local destination, `object_store`'s staging file `NAME#N` next to
//!   where the object would have been.
//!
//! Azure discards uncommitted blocks by itself after seven days; GCS needs
//! its own lifecycle rule, which `docs/SECURITY.md` gives.

use std::time::Duration;

use time::OffsetDateTime;

use crate::gate::Destination;
use crate::{Error, Result};

/// One leftover of an interrupted export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// Where it is, as a URL (`s3://bucket/key` or `file:///path#N`).
    pub location: String,
    /// When the upload started (S3) or the staging file was last written.
    pub started: OffsetDateTime,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    #[cfg_attr(not(feature = "s3"), allow(dead_code))]
    S3Upload {
        key: String,
        upload_id: String,
    },
    LocalStaging(std::path::PathBuf),
}

/// The leftovers under `dest` that started more than `older_than` ago.
pub async fn find(dest: &Destination, older_than: Duration) -> Result<Vec<Leftover>> {
    let cutoff = OffsetDateTime::now_utc() - older_than;
    let mut found = match dest.scheme.as_str() {
        "file" => local_staging(dest)?,
        #[cfg(feature = "s3")]
        "s3" => s3::uploads(dest).await?,
        "az" => {
            return Err(Error::input(
                dest.to_string(),
                "Azure discards uncommitted blocks by itself after 7 days; there is nothing to collect",
            ))
        }
        "gs" => {
            return Err(Error::input(
                dest.to_string(),
                "for GCS, set a lifecycle rule with AbortIncompleteMultipartUpload on the bucket (see docs/SECURITY.md)",
            ))
        }
        other => {
            return Err(Error::input(
                dest.to_string(),
                format!("scheme {other}:// is not supported by this build (enable the matching Cargo feature)"),
            ))
        }
    };
    found.retain(|l| l.started <= cutoff);
    found.sort_by(|a, b| a.location.cmp(&b.location));
    Ok(found)
}

/// Remove the leftovers; returns how many were removed. Stops at the first
/// failure, naming the leftover.
pub async fn remove(dest: &Destination, leftovers: &[Leftover]) -> Result<usize> {
    let mut n = 0;
    for l in leftovers {
        match &l.kind {
            Kind::LocalStaging(p) => match std::fs::remove_file(p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(Error::Io {
                        context: format!("removing {}", l.location),
                        source: e,
                    })
                }
            },
            #[cfg(feature = "s3")]
            Kind::S3Upload { key, upload_id } => {
                s3::abort(dest, key, upload_id).await.map_err(|e| {
                    Error::object_store(
                        l.location.clone(),
                        format!("aborting the upload failed: {e}"),
                    )
                })?
            }
            #[cfg(not(feature = "s3"))]
            Kind::S3Upload { .. } => {
                unreachable!("S3 leftovers are only found with the s3 feature")
            }
        }
        n += 1;
    }
    let _ = dest;
    Ok(n)
}

/// `object_store`'s local staging files (`NAME#N`, N digits) below the
/// destination directory. Links are not followed.
fn local_staging(dest: &Destination) -> Result<Vec<Leftover>> {
    let dir = dest.local_path().expect("a file:// destination");
    dest.check_no_symlinks()
        .map_err(|m| Error::input(dest.to_string(), m))?;
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(&dir).follow_links(false) {
        let e = e.map_err(|e| Error::read(dir.display().to_string(), e))?;
        if !e.file_type().is_file() {
            continue;
        }
        let name = e.file_name().to_string_lossy();
        let staging = matches!(name.rsplit_once('#'),
            Some((stem, n)) if !stem.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if !staging {
            continue;
        }
        let modified = e
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .map(OffsetDateTime::from)
            .unwrap_or_else(OffsetDateTime::now_utc);
        out.push(Leftover {
            location: format!("file://{}", e.path().display()),
            started: modified,
            kind: Kind::LocalStaging(e.path().to_path_buf()),
        });
    }
    Ok(out)
}

#[cfg(feature = "s3")]
mod s3 {
    //! ListMultipartUploads is not in `object_store`'s API, so it is sent
    //! here, signed by `object_store`'s own SigV4 signer with the credentials
    //! and endpoint the store itself resolves; the abort goes through the
    //! store (`MultipartStore::abort_multipart`).

    use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey, AwsAuthorizer};
    use object_store::client::HttpRequestBody;
    use object_store::multipart::MultipartStore;
    use serde::Deserialize;
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;

    use super::{Kind, Leftover};
    use crate::gate::Destination;
    use crate::{Error, Result};

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct ListMultipartUploadsResult {
        #[serde(default)]
        is_truncated: bool,
        next_key_marker: Option<String>,
        next_upload_id_marker: Option<String>,
        #[serde(default, rename = "Upload")]
        uploads: Vec<Upload>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Upload {
        key: String,
        upload_id: String,
        initiated: String,
    }

    fn builder(dest: &Destination) -> AmazonS3Builder {
        AmazonS3Builder::from_env().with_bucket_name(&dest.bucket)
    }

    fn store(dest: &Destination) -> Result<AmazonS3> {
        builder(dest)
            .build()
            .map_err(|e| Error::object_store(dest.to_string(), e))
    }

    /// The bucket's base URL as `object_store` would address it.
    fn bucket_url(dest: &Destination) -> String {
        let b = builder(dest);
        let region = b
            .get_config_value(&AmazonS3ConfigKey::Region)
            .unwrap_or_else(|| "us-east-1".into());
        let virtual_hosted = b
            .get_config_value(&AmazonS3ConfigKey::VirtualHostedStyleRequest)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let endpoint = b
            .get_config_value(&AmazonS3ConfigKey::S3Endpoint)
            .or_else(|| b.get_config_value(&AmazonS3ConfigKey::Endpoint));
        match endpoint {
            // As in object_store: a virtual-hosted endpoint already names the bucket.
            Some(e) if virtual_hosted => e.trim_end_matches('/').to_string(),
            Some(e) => format!("{}/{}", e.trim_end_matches('/'), dest.bucket),
            None => format!("https://{}.s3.{region}.amazonaws.com", dest.bucket),
        }
    }

    pub(super) async fn uploads(dest: &Destination) -> Result<Vec<Leftover>> {
        let err = |m: String| Error::object_store(dest.to_string(), m);
        let s3 = store(dest)?;
        let region = builder(dest)
            .get_config_value(&AmazonS3ConfigKey::Region)
            .unwrap_or_else(|| "us-east-1".into());
        let prefix = dest.segments.join("/");
        let prefix = if prefix.is_empty() {
            prefix
        } else {
            format!("{prefix}/")
        };
        let base = bucket_url(dest);
        let client = reqwest::Client::new();
        let mut out = Vec::new();
        let mut markers: Option<(String, String)> = None;
        loop {
            let mut url = url::Url::parse(&format!("{base}/"))
                .map_err(|e| err(format!("bad S3 endpoint: {e}")))?;
            {
                let mut q = url.query_pairs_mut();
                q.append_pair("uploads", "");
                if !prefix.is_empty() {
                    q.append_pair("prefix", &prefix);
                }
                if let Some((k, u)) = &markers {
                    q.append_pair("key-marker", k);
                    q.append_pair("upload-id-marker", u);
                }
            }
            let credential =
                object_store::CredentialProvider::get_credential(s3.credentials().as_ref())
                    .await
                    .map_err(|e| err(format!("no S3 credentials: {e}")))?;
            let mut req = http::Request::get(url.as_str())
                .body(HttpRequestBody::empty())
                .map_err(|e| err(e.to_string()))?;
            AwsAuthorizer::new(&credential, "s3", &region).authorize(&mut req, None);
            let resp = client
                .get(url.as_str())
                .headers(req.headers().clone())
                .send()
                .await
                .map_err(|e| err(format!("listing multipart uploads failed: {e}")))?;
            let status = resp.status();
            let body = resp
                .text()
                .await
                .map_err(|e| err(format!("listing multipart uploads failed: {e}")))?;
            if !status.is_success() {
                let code = body
                    .split_once("<Code>")
                    .and_then(|(_, r)| r.split_once("</Code>"))
                    .map(|(c, _)| c)
                    .unwrap_or("");
                return Err(err(format!(
                    "listing multipart uploads failed: HTTP {status} {code}"
                )));
            }
            let page: ListMultipartUploadsResult = quick_xml::de::from_str(&body)
                .map_err(|e| err(format!("unreadable ListMultipartUploads answer: {e}")))?;
            for u in page.uploads {
                let started = OffsetDateTime::parse(&u.initiated, &Rfc3339)
                    .map_err(|e| err(format!("upload of {}: unreadable start time: {e}", u.key)))?;
                out.push(Leftover {
                    location: format!("s3://{}/{}", dest.bucket, u.key),
                    started,
                    kind: Kind::S3Upload {
                        key: u.key,
                        upload_id: u.upload_id,
                    },
                });
            }
            match (
                page.is_truncated,
                page.next_key_marker,
                page.next_upload_id_marker,
            ) {
                (true, Some(k), Some(u)) => markers = Some((k, u)),
                _ => break,
            }
        }
        Ok(out)
    }

    pub(super) async fn abort(
        dest: &Destination,
        key: &str,
        upload_id: &str,
    ) -> object_store::Result<()> {
        let s3 = store(dest).map_err(|e| object_store::Error::Generic {
            store: "S3",
            source: Box::new(e),
        })?;
        let path = object_store::path::Path::parse(key)
            .unwrap_or_else(|_| object_store::path::Path::from(key));
        s3.abort_multipart(&path, &upload_id.to_string()).await
    }
}
