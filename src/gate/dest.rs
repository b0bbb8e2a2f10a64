//! Destinations: normalised `scheme://bucket/prefix/` with segment-wise
//! containment, so `..`, `//`, percent-encoding and bucket look-alikes cannot
//! escape an approved prefix.
//!
//! A destination also names the service it lives on (`endpoint`): the S3
//! endpoint, or the Azure account and endpoint. Empty means the provider's
//! public service (AWS S3, Google Cloud Storage) or this machine (`file://`).
//! The approval binds it, so the same bucket name on another server is another
//! destination.
//!
//! This is the one parser for destinations: the gate's checks and the store the
//! CLI writes through (`source::destination_store`) are both built from it.

use std::fmt;
use std::path::PathBuf;

/// An export destination: a prefix of a bucket (or a local directory) on a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// `s3`, `gs`, `az` or `file`.
    pub scheme: String,
    /// The bucket or container (empty for `file`).
    pub bucket: String,
    /// The path below it, one entry per segment.
    pub segments: Vec<String>,
    /// The service the bucket lives on (see the module docs); `""` for the
    /// provider's public service.
    pub endpoint: String,
}

/// The canonical form of an endpoint: lower-case scheme and host, no trailing `/`.
pub fn normalize_endpoint(e: &str) -> String {
    let e = e.trim().trim_end_matches('/');
    match e.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
            let mut out = format!(
                "{}://{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase()
            );
            if !path.is_empty() {
                out.push('/');
                out.push_str(path);
            }
            out
        }
        None => e.to_string(),
    }
}

fn percent_decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or("bad percent-encoding")?;
            let v = u8::from_str_radix(hex, 16).map_err(|_| "bad percent-encoding")?;
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "path is not UTF-8".to_string())
}

/// An object name's segment as the store will write it: no `.`/`..`, no
/// separator, no control character. Unlike a URL segment, `%` and `#` are
/// ordinary characters here.
pub fn check_name_segment(seg: &str) -> Result<(), String> {
    if seg.is_empty() {
        return Err("empty path segment".into());
    }
    if seg == "." || seg == ".." {
        return Err(format!("path segment {seg:?} is not allowed"));
    }
    if seg.contains(['/', '\\']) || seg.chars().any(char::is_control) {
        return Err(format!(
            "path segment {:?} contains a separator or control character",
            seg.escape_debug().to_string()
        ));
    }
    Ok(())
}

fn check_segment(seg: &str) -> Result<(), String> {
    if seg == "." || seg == ".." {
        return Err(format!("path segment {seg:?} is not allowed"));
    }
    if seg.contains(['/', '\\', '%']) || seg.chars().any(char::is_control) {
        return Err(format!(
            "path segment {seg:?} contains a forbidden character"
        ));
    }
    Ok(())
}

impl Destination {
    /// Parse and normalise a destination URL. Rejects traversal, empty inner
    /// segments, encoded separators and bucket names outside `[a-z0-9.-]`.
    pub fn parse(url: &str) -> Result<Destination, String> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| format!("{url}: not a URL (scheme://bucket/prefix)"))?;
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "s3" | "s3a" => "s3".to_string(),
            "gs" | "gcs" => "gs".to_string(),
            "az" | "azure" | "abfs" | "abfss" => "az".to_string(),
            "file" => "file".to_string(),
            "memory" => "memory".to_string(),
            other => return Err(format!("unsupported scheme {other}://")),
        };
        if rest.contains(['?', '#']) {
            return Err("query strings and fragments are not allowed in a destination".into());
        }
        let (bucket, path) = if scheme == "file" {
            // file:///abs and file://localhost/abs name this machine; any other
            // host is refused rather than read as a path segment.
            let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
            if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
                return Err(format!(
                    "{url}: a file:// destination names this machine (file:///dir/ or file://localhost/dir/), not host {host:?}"
                ));
            }
            ("", path)
        } else {
            rest.split_once('/').unwrap_or((rest, ""))
        };
        if scheme != "file" {
            if bucket.is_empty()
                || !bucket.bytes().all(|c| {
                    c.is_ascii_lowercase()
                        || c.is_ascii_digit()
                        || c == b'.'
                        || c == b'-'
                        || c == b'_'
                })
            {
                return Err(format!("bucket {bucket:?} is not a valid bucket name"));
            }
            if bucket.contains("..") {
                return Err(format!("bucket {bucket:?} is not a valid bucket name"));
            }
        }
        let trimmed = path.trim_end_matches('/');
        let mut segments = Vec::new();
        if !trimmed.is_empty() {
            for raw in trimmed.split('/') {
                if raw.is_empty() {
                    return Err("empty path segment ('//') is not allowed".into());
                }
                let seg = percent_decode(raw)?;
                check_segment(&seg)?;
                segments.push(seg);
            }
        }
        Ok(Destination {
            scheme,
            bucket: bucket.to_string(),
            segments,
            endpoint: String::new(),
        })
    }

    /// The same destination on the service named by `endpoint` (normalised).
    pub fn at_endpoint(mut self, endpoint: &str) -> Destination {
        self.endpoint = normalize_endpoint(endpoint);
        self
    }

    /// The URL and, when not the provider's public service, the endpoint:
    /// what a refusal or an approval page shows.
    pub fn describe(&self) -> String {
        if self.endpoint.is_empty() {
            self.to_string()
        } else {
            format!("{self} on {}", self.endpoint)
        }
    }

    /// For `file://`: the local path this destination names.
    pub fn local_path(&self) -> Option<PathBuf> {
        (self.scheme == "file").then(|| {
            let mut p = PathBuf::from("/");
            p.extend(&self.segments);
            p
        })
    }

    /// For `file://`: refuse when any component of the path, from `/` down to
    /// the last one that exists, is a symbolic link. Checked at write time, so
    /// a link planted in an approved directory cannot send data elsewhere.
    pub fn check_no_symlinks(&self) -> Result<(), String> {
        let Some(full) = self.local_path() else {
            return Ok(());
        };
        let mut p = PathBuf::from("/");
        for seg in &self.segments {
            p.push(seg);
            match std::fs::symlink_metadata(&p) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(format!(
                        "{} is a symbolic link: file:// destinations are written without following links",
                        p.display()
                    ));
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(format!("{}: {e}", full.display())),
            }
        }
        Ok(())
    }

    /// Whether `other` lies at or below this prefix (whole segments) on the
    /// same service.
    pub fn contains(&self, other: &Destination) -> bool {
        self.scheme == other.scheme
            && self.endpoint == other.endpoint
            && self.bucket == other.bucket
            && other.segments.len() >= self.segments.len()
            && self
                .segments
                .iter()
                .zip(&other.segments)
                .all(|(a, b)| a == b)
    }

    /// This destination extended by an object path relative to it. The
    /// path's segments are object names exactly as the store writes them
    /// (`Path::parse` keeps `düsseldorf#1` as is; `Path::from` would have
    /// encoded it), so they are compared as they are, never decoded.
    pub fn join(&self, path: &object_store::path::Path) -> Result<Destination, String> {
        let mut d = self.clone();
        for part in path.parts() {
            let seg = part.as_ref();
            check_name_segment(seg)?;
            d.segments.push(seg.to_string());
        }
        Ok(d)
    }

    /// The object path of this destination's prefix inside its bucket (or,
    /// for `file://`, below `/`), with the names as they are.
    pub fn prefix_path(&self) -> object_store::path::Path {
        object_store::path::Path::parse(self.segments.join("/")).unwrap_or_default()
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scheme == "file" {
            write!(f, "file:///{}", self.segments.join("/"))?;
        } else {
            write!(
                f,
                "{}://{}/{}",
                self.scheme,
                self.bucket,
                self.segments.join("/")
            )?;
        }
        if !self.segments.is_empty() {
            f.write_str("/")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Destination {
        Destination::parse(s).unwrap()
    }

    #[test]
    fn containment_is_segment_wise() {
        let approved = d("s3://bucket/exports/");
        assert!(approved.contains(&d("s3://bucket/exports")));
        assert!(approved.contains(&d("s3://bucket/exports/2024/run1/")));
        assert!(!approved.contains(&d("s3://bucket/exports-evil/")));
        assert!(!approved.contains(&d("s3://bucket/")));
        assert!(!approved.contains(&d("s3://bucket-evil/exports/")));
        assert!(!approved.contains(&d("s3://bucket.evil.com/exports/")));
        assert!(!approved.contains(&d("gs://bucket/exports/")));
        assert_eq!(d("s3a://bucket/a/b/").to_string(), "s3://bucket/a/b/");
    }

    #[test]
    fn traversal_and_encoding_are_rejected() {
        for bad in [
            "s3://bucket/exports/../secret/",
            "s3://bucket/exports/%2e%2e/secret",
            "s3://bucket/exports/a%2Fb",
            "s3://bucket/exports//x",
            "s3://bucket/exports/./x",
            "s3://BUCKET/exports",
            "s3://bucket/exports?x=1",
            "s3://b\u{0430}cket/exports",
            "ftp://bucket/x",
        ] {
            assert!(Destination::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn join_checks_object_paths() {
        let root = d("s3://bucket/exports/");
        let p = object_store::path::Path::from("run1/data.parquet");
        assert_eq!(
            root.join(&p).unwrap().to_string(),
            "s3://bucket/exports/run1/data.parquet/"
        );
        // object_store encodes "..", so it can only ever be a literal name.
        let p = object_store::path::Path::from_iter(["..", "x"]);
        assert_eq!(root.join(&p).unwrap().segments, ["exports", "%2E%2E", "x"]);
        // Names are compared as written: Unicode and '#' are ordinary.
        let p = object_store::path::Path::parse("d\u{fc}sseldorf-\u{5ba2}#1.parquet").unwrap();
        assert_eq!(
            root.join(&p).unwrap().segments[1],
            "d\u{fc}sseldorf-\u{5ba2}#1.parquet"
        );
    }

    #[test]
    fn file_urls_have_one_reading() {
        assert_eq!(
            d("file://localhost/srv/out/"),
            d("file:///srv/out/"),
            "localhost names this machine"
        );
        assert_eq!(
            d("file:///srv/out/").local_path().unwrap(),
            PathBuf::from("/srv/out")
        );
        assert!(Destination::parse("file://evil.example/srv/out/").is_err());
        assert!(Destination::parse("file://srv/out/").is_err());
    }

    #[test]
    fn the_endpoint_is_part_of_the_destination() {
        let a = d("s3://b/x/").at_endpoint("http://127.0.0.1:9000/");
        assert_eq!(a.endpoint, "http://127.0.0.1:9000");
        assert!(a.contains(&d("s3://b/x/y/").at_endpoint("HTTP://127.0.0.1:9000")));
        assert!(!a.contains(&d("s3://b/x/y/").at_endpoint("http://127.0.0.1:9001")));
        assert!(!a.contains(&d("s3://b/x/y/")));
        assert!(!d("s3://b/x/").contains(&a));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_in_a_file_destination_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("approved")).unwrap();
        std::fs::create_dir(root.join("outside")).unwrap();
        std::os::unix::fs::symlink(root.join("outside"), root.join("approved/link")).unwrap();
        let url = |p: &std::path::Path| format!("file://{}/", p.display());
        assert!(d(&url(&root.join("approved"))).check_no_symlinks().is_ok());
        assert!(d(&url(&root.join("approved/new/x")))
            .check_no_symlinks()
            .is_ok());
        let e = d(&url(&root.join("approved/link/x")))
            .check_no_symlinks()
            .unwrap_err();
        assert!(e.contains("symbolic link"), "{e}");
    }
}
