//! The content digest: sha256 over a canonical manifest of the exact source
//! bytes. One changed byte anywhere changes it.
//!
//! Manifest format, version 2 (`MANIFEST_VERSION`): the line
//! `piigate-manifest-v2`, then one line per file sorted by path, each a JSON
//! array `["<relative path>",<size in bytes>,"<lowercase hex sha256>"]`, every
//! line `\n`-terminated. JSON string escaping makes the encoding unambiguous:
//! no file name (a tab, a newline, a quote in it) can make one set of files
//! read as another. The digest is `sha256:` + hex(sha256(manifest)); tokens
//! carry the version in `digest_version`.

use std::io::Read;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::source::{InputFile, Location};
use crate::{Error, Result};

/// One file of a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Its path relative to the export root.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// The sha256 of its bytes, in hex.
    pub sha256: String,
}

/// The files an approval covers, with their hashes: its `digest` is the dataset's content digest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// One entry per file.
    pub entries: Vec<ManifestEntry>,
}

/// The manifest encoding this build computes (see the module docs).
pub const MANIFEST_VERSION: u32 = 2;

impl Manifest {
    /// The canonical text the digest is over: the version line, then the entries sorted by path.
    pub fn canonical(&self) -> String {
        let mut e = self.entries.clone();
        e.sort_by(|a, b| a.path.cmp(&b.path));
        let mut out = String::from("piigate-manifest-v2\n");
        for x in &e {
            out.push_str(&serde_json::to_string(&(&x.path, x.size, &x.sha256)).unwrap_or_default());
            out.push('\n');
        }
        out
    }

    /// Refuse names that cannot be written as they are: empty segments,
    /// `.`/`..`, control characters (a newline in a name), and names listed twice.
    pub fn check_names(&self) -> Result<()> {
        let mut seen = std::collections::HashSet::new();
        for e in &self.entries {
            let bad = |why: String| Error::input(e.path.escape_debug().to_string(), why);
            if e.path.is_empty() {
                return Err(bad("an empty file name cannot be exported".into()));
            }
            for seg in e.path.split('/') {
                crate::gate::dest::check_name_segment(seg)
                    .map_err(|w| bad(format!("cannot be exported: {w}")))?;
            }
            if !seen.insert(e.path.as_str()) {
                return Err(bad("listed twice".into()));
            }
        }
        Ok(())
    }

    /// `sha256:` digest of the canonical text.
    pub fn digest(&self) -> String {
        format!(
            "sha256:{}",
            hex::encode(Sha256::digest(self.canonical().as_bytes()))
        )
    }

    /// Bytes over all files.
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

/// The size and sha256 of bytes in memory.
pub fn hash_bytes(b: &[u8]) -> (u64, String) {
    (b.len() as u64, hex::encode(Sha256::digest(b)))
}

/// Read local `files` into memory, each in one piece: whatever reads them
/// afterwards (the hash, the content scan, the upload) reads one buffer, so
/// an input rewritten while an export runs cannot show the scan one content
/// and the digest another. Nothing of the data is written to disk.
pub fn snapshot_memory(files: &[InputFile]) -> Result<Vec<InputFile>> {
    files
        .iter()
        .map(|f| {
            let Location::Local(src) = &f.location else {
                return Err(Error::input(&f.source, "not a local file"));
            };
            let bytes = std::fs::read(src).map_err(|e| Error::io(src.display().to_string(), e))?;
            Ok(InputFile {
                location: Location::Memory(bytes::Bytes::from(bytes)),
                ..f.clone()
            })
        })
        .collect()
}

/// Copy local `files` into `dir` (private to this process), hashing the bytes
/// on the way, and return the copies and their manifest. Whatever reads the
/// copies afterwards (the content scan, the upload) reads exactly the bytes
/// the manifest hashed: an input rewritten while an export runs cannot show
/// the scan one content and the digest another.
pub fn snapshot_local(
    files: &[InputFile],
    dir: &std::path::Path,
) -> Result<(Vec<InputFile>, Manifest)> {
    use std::io::Write;
    let mut copies = Vec::with_capacity(files.len());
    let mut entries = Vec::with_capacity(files.len());
    for f in files {
        let Location::Local(src) = &f.location else {
            return Err(Error::input(&f.source, "not a local file"));
        };
        let dst = dir.join(&f.relative);
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(parent.display().to_string(), e))?;
        }
        let mut r =
            std::fs::File::open(src).map_err(|e| Error::io(src.display().to_string(), e))?;
        let mut w = std::fs::File::create(&dst)
            .map_err(|e| Error::io(format!("a private copy of {}", f.source), e))?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut size = 0u64;
        loop {
            let n = r
                .read(&mut buf)
                .map_err(|e| Error::io(src.display().to_string(), e))?;
            if n == 0 {
                break;
            }
            size += n as u64;
            h.update(&buf[..n]);
            w.write_all(&buf[..n])
                .map_err(|e| Error::io(format!("a private copy of {}", f.source), e))?;
        }
        entries.push(ManifestEntry {
            path: f.relative.clone(),
            size,
            sha256: hex::encode(h.finalize()),
        });
        copies.push(InputFile {
            location: Location::Local(dst),
            ..f.clone()
        });
    }
    Ok((copies, Manifest { entries }))
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
        .map_err(|e| Error::object_store(display, e))?;
    let mut s = r.into_stream();
    let mut h = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = s.next().await {
        let c = chunk.map_err(|e| Error::object_store(display, e))?;
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
        Location::Memory(b) => Ok(hash_bytes(b)),
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
        let (size, sha256) = match &f.location {
            Location::Local(p) => hash_file(p)?,
            Location::Memory(b) => hash_bytes(b),
            Location::Remote { .. } => return Err(Error::input(&f.source, "not a local file")),
        };
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
    fn a_snapshot_is_what_its_manifest_hashed_whatever_happens_to_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        std::fs::create_dir_all(input.join("sub")).unwrap();
        std::fs::write(input.join("sub/a.parquet"), vec![1u8; 3 << 20]).unwrap();
        std::fs::write(input.join("b.csv"), b"x,y\n1,2\n").unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (files, errors) = crate::source::resolve_inputs(&[input.display().to_string()], &rt);
        assert!(errors.is_empty());
        let before = manifest_of_local(&files).unwrap();
        let snap = dir.path().join("snap");
        let (copies, m) = snapshot_local(&files, &snap).unwrap();
        assert_eq!(m, before);
        // The owner rewrites an input: the copies, and what they hash to, stay.
        std::fs::write(input.join("b.csv"), b"ssn\n123-45-6789\n").unwrap();
        assert_ne!(manifest_of_local(&files).unwrap(), before);
        assert_eq!(manifest_of_local(&copies).unwrap(), before);
        assert!(copies
            .iter()
            .all(|c| matches!(&c.location, Location::Local(p) if p.starts_with(&snap))));
        assert_eq!(
            copies.iter().map(|c| &c.relative).collect::<Vec<_>>(),
            files.iter().map(|f| &f.relative).collect::<Vec<_>>()
        );
    }

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

    #[test]
    fn no_file_name_can_give_one_dataset_the_digest_of_another() {
        let e = |p: &str, n, s: &str| ManifestEntry {
            path: p.into(),
            size: n,
            sha256: s.into(),
        };
        // Version 1 ("path\tsize\tsha\n") read these two as the same text.
        let one = Manifest {
            entries: vec![e("a\t1\taa\nb", 2, "bb")],
        };
        let two = Manifest {
            entries: vec![e("a", 1, "aa"), e("b", 2, "bb")],
        };
        assert_ne!(one.canonical(), two.canonical());
        assert_ne!(one.digest(), two.digest());
        assert!(one.check_names().is_err(), "control characters are refused");
        assert!(two.check_names().is_ok());
        let unicode = Manifest {
            entries: vec![e("d\u{fc}sseldorf-\u{5ba2}\u{6237}#1.parquet", 1, "aa")],
        };
        assert!(unicode.check_names().is_ok());
    }
}
