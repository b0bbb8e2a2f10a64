//! Destinations: normalised `scheme://bucket/prefix/` with segment-wise
//! containment, so `..`, `//`, percent-encoding and bucket look-alikes cannot
//! escape an approved prefix.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub scheme: String,
    pub bucket: String,
    pub segments: Vec<String>,
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
            ("", rest.strip_prefix('/').unwrap_or(rest))
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
        })
    }

    /// Whether `other` lies at or below this prefix (whole segments).
    pub fn contains(&self, other: &Destination) -> bool {
        self.scheme == other.scheme
            && self.bucket == other.bucket
            && other.segments.len() >= self.segments.len()
            && self
                .segments
                .iter()
                .zip(&other.segments)
                .all(|(a, b)| a == b)
    }

    /// This destination extended by an object path relative to it.
    pub fn join(&self, path: &object_store::path::Path) -> Result<Destination, String> {
        let mut d = self.clone();
        for part in path.parts() {
            let seg = percent_decode(part.as_ref())?;
            check_segment(&seg)?;
            d.segments.push(seg);
        }
        Ok(d)
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
        assert!(root.join(&p).is_err());
    }
}
