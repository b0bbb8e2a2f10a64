//! The content digest: sha256 over a canonical manifest of the exact source
//! bytes. One changed byte anywhere changes it.
//!
//! Manifest format (UTF-8, one line per file, sorted by path, `\n`-terminated):
//! `<relative path>\t<size in bytes>\t<lowercase hex sha256 of the file>`
//! The digest is `sha256:` + hex(sha256(manifest)).

use std::io::Read;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::source::{InputFile, Location};
use crate::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub entries: Vec<ManifestEntry>,
}

impl Manifest {
    pub fn canonical(&self) -> String {
        let mut e = self.entries.clone();
        e.sort_by(|a, b| a.path.cmp(&b.path));
        e.iter()
            .map(|x| format!("{}\t{}\t{}\n", x.path, x.size, x.sha256))
            .collect()
    }

    pub fn digest(&self) -> String {
        format!(
            "sha256:{}",
            hex::encode(Sha256::digest(self.canonical().as_bytes()))
        )
    }

    pub fn total_bytes(&self) -> u64 {
        self.entries.iter().map(|e| e.size).sum()
    }
}

/// Hash a local file in 1 MiB reads.
pub fn hash_file(path: &std::path::Path) -> Result<(u64, String)> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| Error::io(path.display().to_string(), e))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((size, hex::encode(h.finalize())))
}

/// Hash an object by streaming it.
pub async fn hash_object(
    store: &dyn object_store::ObjectStore,
    path: &object_store::path::Path,
    display: &str,
) -> Result<(u64, String)> {
    let r = store
        .get_opts(path, Default::default())
        .await
        .map_err(|e| Error::ObjectStore {
            input: display.into(),
            message: e.to_string(),
        })?;
    let mut s = r.into_stream();
    let mut h = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = s.next().await {
        let c = chunk.map_err(|e| Error::ObjectStore {
            input: display.into(),
            message: e.to_string(),
        })?;
        size += c.len() as u64;
        h.update(&c);
    }
    Ok((size, hex::encode(h.finalize())))
}

/// The size and sha256 of one resolved input: a local file read in 1 MiB
/// reads (on a blocking thread), a remote object streamed.
async fn hash_input(f: &InputFile) -> Result<(u64, String)> {
    match &f.location {
        Location::Local(p) => {
            let p = p.clone();
            tokio::task::spawn_blocking(move || hash_file(&p))
                .await
                .map_err(|e| Error::Other(e.to_string()))?
        }
        Location::Remote { store, path, .. } => hash_object(store.as_ref(), path, &f.source).await,
    }
}

/// The manifest of a set of resolved inputs (paths relative to their roots).
pub async fn manifest_of(files: &[InputFile]) -> Result<Manifest> {
    manifest_with(files, Vec::new()).await
}

/// The manifest of `files` where some were hashed already (`hashed[i]` for
/// `files[i]`, `None` or missing where not): the others are hashed now.
pub async fn manifest_with(
    files: &[InputFile],
    hashed: Vec<Option<Result<(u64, String)>>>,
) -> Result<Manifest> {
    let mut entries = Vec::with_capacity(files.len());
    let mut hashed = hashed.into_iter();
    for f in files {
        let (size, sha256) = match hashed.next().flatten() {
            Some(h) => h?,
            None => hash_input(f).await?,
        };
        entries.push(ManifestEntry {
            path: f.relative.clone(),
            size,
            sha256,
        });
    }
    Ok(Manifest { entries })
}

/// Blocking convenience for local inputs.
pub fn manifest_of_local(files: &[InputFile]) -> Result<Manifest> {
    let mut entries = Vec::with_capacity(files.len());
    for f in files {
        let Location::Local(p) = &f.location else {
            return Err(Error::input(&f.source, "not a local file"));
        };
        let (size, sha256) = hash_file(p)?;
        entries.push(ManifestEntry {
            path: f.relative.clone(),
            size,
            sha256,
        });
    }
    Ok(Manifest { entries })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_order_independent_and_byte_sensitive() {
        let a = ManifestEntry {
            path: "a.parquet".into(),
            size: 3,
            sha256: "aa".into(),
        };
        let b = ManifestEntry {
            path: "b.parquet".into(),
            size: 4,
            sha256: "bb".into(),
        };
        let m1 = Manifest {
            entries: vec![a.clone(), b.clone()],
        };
        let m2 = Manifest {
            entries: vec![b.clone(), a.clone()],
        };
        assert_eq!(m1.digest(), m2.digest());
        let m3 = Manifest {
            entries: vec![
                a,
                ManifestEntry {
                    sha256: "bc".into(),
                    ..b
                },
            ],
        };
        assert_ne!(m1.digest(), m3.digest());
        assert!(m1.digest().starts_with("sha256:"));
    }
}
