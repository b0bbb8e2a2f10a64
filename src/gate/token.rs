//! Approval tokens: PASETO v4.public (Ed25519) via `pasetors`.
//!
//! The key id travels in the footer (`{"kid":"…"}`); the content digest of the
//! approved bytes is the implicit assertion, so a token approved for other bytes
//! does not verify. Types that hold keys or tokens redact themselves.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine;
use pasetors::keys::{AsymmetricKeyPair, AsymmetricPublicKey, AsymmetricSecretKey, Generate};
use pasetors::token::UntrustedToken;
use pasetors::version4::{PublicToken, V4};
use pasetors::Public;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::dest::Destination;
use super::Refusal;
use crate::{Error, Result};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Operations a token may allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Write an object in one request.
    Put,
    /// Write an object in parts.
    Multipart,
    /// Copy an object.
    Copy,
    /// Rename an object.
    Rename,
    /// Delete an object.
    Delete,
}

impl Op {
    /// The operation's name in tokens (`put`, `multipart`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Put => "put",
            Op::Multipart => "multipart",
            Op::Copy => "copy",
            Op::Rename => "rename",
            Op::Delete => "delete",
        }
    }
}

impl std::str::FromStr for Op {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "put" => Ok(Op::Put),
            "multipart" => Ok(Op::Multipart),
            "copy" => Ok(Op::Copy),
            "rename" => Ok(Op::Rename),
            "delete" => Ok(Op::Delete),
            other => Err(format!(
                "unknown operation {other:?} (put, multipart, copy, rename, delete)"
            )),
        }
    }
}

/// The claims of an approval token (part of the public contract: gates and
/// outside tools read them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalClaims {
    /// Approval id; the single-use nonce.
    pub jti: String,
    /// The issuing service.
    pub iss: String,
    /// The requester.
    pub sub: String,
    /// The gates the token is for.
    pub aud: String,
    /// RFC 3339.
    pub iat: String,
    /// Valid from (RFC 3339).
    pub nbf: String,
    /// Valid until (RFC 3339).
    pub exp: String,
    /// The principals who approved.
    pub approvers: Vec<String>,
    /// The dataset's name as the requester gave it.
    pub dataset_id: String,
    /// The content digest of the approved files (`sha256:`).
    pub content_digest: String,
    /// The digest of the report the approvers saw.
    pub report_digest: String,
    /// The version of the approval policy that applied.
    pub policy_version: String,
    /// Normalised destination prefix: `scheme://bucket/prefix/`.
    pub dest: String,
    /// The operations allowed.
    pub ops: Vec<Op>,
    /// At most this many objects.
    pub max_objects: u64,
    /// At most this many bytes.
    pub max_bytes: u64,
    /// The approval covers the redacted form of the data.
    #[serde(default)]
    pub redacted: bool,
    /// The service `dest` lives on (the S3 endpoint, the Azure account and
    /// endpoint); empty for the provider's public service. A store on any
    /// other service is a wrong destination.
    #[serde(default)]
    pub endpoint: String,
    /// The manifest encoding `content_digest` was computed with
    /// (`digest::MANIFEST_VERSION`). Tokens without it (version 1, an
    /// ambiguous encoding) are refused.
    #[serde(default = "digest_v1")]
    pub digest_version: u32,
    /// What the approval covers: the highest sensitivity and the entities the
    /// approved report found, with the digest of the rules that found them.
    /// When present, the gate scans the exact bytes it writes with the same
    /// rules and refuses data that holds more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<crate::report::Sensitivity>,
    /// The entities the approval covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<Vec<String>>,
    /// The digest of the rules that found them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rules_digest: String,
}

fn digest_v1() -> u32 {
    1
}

/// A token as a string, redacted in `Debug` and `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct ApprovalToken(String);

impl ApprovalToken {
    /// A token from its text (surrounding whitespace removed).
    pub fn new(s: impl Into<String>) -> Self {
        ApprovalToken(s.into().trim().to_string())
    }
    /// The token's text, for the code that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// Read a token file (whitespace trimmed).
    pub fn from_file(p: &Path) -> std::result::Result<Self, Refusal> {
        let s = std::fs::read_to_string(p).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Refusal::Missing
            } else {
                Refusal::Malformed(format!("{}: {e}", p.display()))
            }
        })?;
        if s.trim().is_empty() {
            return Err(Refusal::Missing);
        }
        Ok(ApprovalToken::new(s))
    }
}

impl std::fmt::Debug for ApprovalToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApprovalToken(**REDACTED**)")
    }
}
impl std::fmt::Display for ApprovalToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("**REDACTED**")
    }
}

/// An Ed25519 signing key with its id. Never printed.
pub struct SigningKey {
    kid: String,
    secret: AsymmetricSecretKey<V4>,
    public: AsymmetricPublicKey<V4>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SigningKey {{ kid: {:?}, secret: **REDACTED** }}",
            self.kid
        )
    }
}

#[derive(Serialize, Deserialize)]
struct SigningKeyFile {
    kid: String,
    /// base64 of the 64-byte Ed25519 secret (seed ‖ public key).
    secret: String,
}

/// A public verification key.
#[derive(Clone)]
pub struct VerifyingKey {
    /// The key's id.
    pub kid: String,
    public: AsymmetricPublicKey<V4>,
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VerifyingKey({})", self.kid)
    }
}

/// JSON form of a public key: `{"kid": "...", "public": "<base64>"}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PublicKeyJson {
    /// The key's id.
    pub kid: String,
    /// The Ed25519 public key, base64.
    pub public: String,
}

/// The trusted keys (several, so keys can rotate).
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    keys: BTreeMap<String, VerifyingKey>,
}

#[derive(Serialize, Deserialize)]
struct KeySetFile {
    keys: Vec<PublicKeyJson>,
}

fn kid_for(public: &[u8]) -> String {
    format!("pg-{}", &hex::encode(Sha256::digest(public))[..16])
}

impl SigningKey {
    /// A new random signing key.
    pub fn generate() -> Result<Self> {
        let kp = AsymmetricKeyPair::<V4>::generate()
            .map_err(|e| Error::Other(format!("key generation: {e:?}")))?;
        let kid = kid_for(kp.public.as_bytes());
        Ok(SigningKey {
            kid,
            secret: kp.secret,
            public: kp.public,
        })
    }

    /// The key's id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Its public half.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey {
            kid: self.kid.clone(),
            public: self.public.clone(),
        }
    }

    /// Its public half as JSON.
    pub fn public_json(&self) -> PublicKeyJson {
        PublicKeyJson {
            kid: self.kid.clone(),
            public: B64.encode(self.public.as_bytes()),
        }
    }

    /// Load from a key file; errors never include key material.
    pub fn load(p: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(p).map_err(|e| Error::io(p.display().to_string(), e))?;
        let f: SigningKeyFile = serde_json::from_str(&text).map_err(|_| {
            Error::Config(format!("{}: not a piigate signing key file", p.display()))
        })?;
        let bytes = B64
            .decode(f.secret.as_bytes())
            .map_err(|_| Error::Config(format!("{}: key is not valid base64", p.display())))?;
        let secret = AsymmetricSecretKey::<V4>::from(&bytes)
            .map_err(|_| Error::Config(format!("{}: not an Ed25519 secret key", p.display())))?;
        let public = AsymmetricPublicKey::<V4>::try_from(&secret)
            .map_err(|_| Error::Config(format!("{}: invalid key", p.display())))?;
        Ok(SigningKey {
            kid: kid_for(public.as_bytes()),
            secret,
            public,
        })
    }

    /// Write to a key file readable only by its owner.
    pub fn save(&self, p: &Path) -> Result<()> {
        let f = SigningKeyFile {
            kid: self.kid.clone(),
            secret: B64.encode(self.secret.as_bytes()),
        };
        let text = serde_json::to_string(&f).map_err(|e| Error::Other(e.to_string()))?;
        write_private(p, text.as_bytes())
    }

    /// Sign claims, binding them to `claims.content_digest` (implicit assertion).
    pub fn sign(&self, claims: &ApprovalClaims) -> Result<ApprovalToken> {
        let payload = serde_json::to_vec(claims).map_err(|e| Error::Other(e.to_string()))?;
        let footer = serde_json::to_vec(&serde_json::json!({ "kid": self.kid }))
            .map_err(|e| Error::Other(e.to_string()))?;
        let t = PublicToken::sign(
            &self.secret,
            &payload,
            Some(&footer),
            Some(claims.content_digest.as_bytes()),
        )
        .map_err(|e| Error::Other(format!("signing: {e:?}")))?;
        Ok(ApprovalToken(t))
    }

    /// Sign an arbitrary message (audit checkpoints). Returns the PASETO string.
    pub fn sign_message(&self, message: &[u8]) -> Result<String> {
        let footer = serde_json::to_vec(&serde_json::json!({ "kid": self.kid }))
            .map_err(|e| Error::Other(e.to_string()))?;
        PublicToken::sign(&self.secret, message, Some(&footer), None)
            .map_err(|e| Error::Other(format!("signing: {e:?}")))
    }
}

/// Create a file with mode 0600 (on Unix) and write it.
pub fn write_private(p: &Path, data: &[u8]) -> Result<()> {
    use std::io::Write;
    if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(p)
        .map_err(|e| Error::io(p.display().to_string(), e))?;
    f.write_all(data)
        .map_err(|e| Error::io(p.display().to_string(), e))?;
    Ok(())
}

impl VerifyingKey {
    /// A key from its JSON form.
    pub fn from_json(k: &PublicKeyJson) -> Result<Self> {
        let bytes = B64
            .decode(k.public.as_bytes())
            .map_err(|_| Error::Config(format!("key {}: not base64", k.kid)))?;
        let public = AsymmetricPublicKey::<V4>::from(&bytes)
            .map_err(|_| Error::Config(format!("key {}: not an Ed25519 public key", k.kid)))?;
        Ok(VerifyingKey {
            kid: k.kid.clone(),
            public,
        })
    }
    /// The key's JSON form.
    pub fn to_json(&self) -> PublicKeyJson {
        PublicKeyJson {
            kid: self.kid.clone(),
            public: B64.encode(self.public.as_bytes()),
        }
    }

    /// Verify a signed message (audit checkpoints) and return its payload.
    pub fn verify_message(&self, token: &str) -> Option<Vec<u8>> {
        let ut = UntrustedToken::<Public, V4>::try_from(token).ok()?;
        let t = PublicToken::verify(&self.public, &ut, None, None).ok()?;
        Some(t.payload().as_bytes().to_vec())
    }
}

impl KeySet {
    /// A set of these keys.
    pub fn new(keys: impl IntoIterator<Item = VerifyingKey>) -> Self {
        KeySet {
            keys: keys.into_iter().map(|k| (k.kid.clone(), k)).collect(),
        }
    }
    /// Adds a key (replacing one with the same id).
    pub fn insert(&mut self, k: VerifyingKey) {
        self.keys.insert(k.kid.clone(), k);
    }
    /// The key with id `kid`.
    pub fn get(&self, kid: &str) -> Option<&VerifyingKey> {
        self.keys.get(kid)
    }
    /// Whether the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
    /// Whether every key here is also in `other`, with the same public key.
    pub fn is_subset_of(&self, other: &KeySet) -> bool {
        self.keys.values().all(|k| {
            other
                .get(&k.kid)
                .is_some_and(|o| o.public.as_bytes() == k.public.as_bytes())
        })
    }
    /// The keys of both sets.
    pub fn extend(&mut self, other: KeySet) {
        self.keys.extend(other.keys);
    }
    /// The keys' JSON forms.
    pub fn to_json(&self) -> Vec<PublicKeyJson> {
        self.keys.values().map(|k| k.to_json()).collect()
    }
    /// `{"keys": [{"kid", "public"}]}`, as served at `/v1/keys`.
    pub fn load(p: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(p).map_err(|e| Error::io(p.display().to_string(), e))?;
        Self::from_json_str(&text).map_err(|e| Error::Config(format!("{}: {e}", p.display())))
    }
    /// A key set from `{"keys": [...]}`.
    pub fn from_json_str(text: &str) -> Result<Self> {
        let f: KeySetFile =
            serde_json::from_str(text).map_err(|e| Error::Config(format!("not a key set: {e}")))?;
        let mut ks = KeySet::default();
        for k in &f.keys {
            ks.insert(VerifyingKey::from_json(k)?);
        }
        Ok(ks)
    }
    /// The key set as `{"keys": [...]}`.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(&serde_json::json!({ "keys": self.to_json() }))
            .unwrap_or_default()
    }
}

/// The key id in a token's footer, read without trusting it.
pub fn footer_kid(token: &ApprovalToken) -> std::result::Result<String, Refusal> {
    let ut = UntrustedToken::<Public, V4>::try_from(token.expose())
        .map_err(|_| Refusal::Malformed("not a PASETO v4.public token".into()))?;
    let footer: serde_json::Value = serde_json::from_slice(ut.untrusted_footer())
        .map_err(|_| Refusal::Malformed("footer is not JSON with a kid".into()))?;
    footer
        .get("kid")
        .and_then(|k| k.as_str())
        .map(str::to_string)
        .ok_or_else(|| Refusal::Malformed("footer has no kid".into()))
}

/// Whether a token asks the gate to check content (it carries `sensitivity`
/// or `entities`), read *without trusting it*: only to decide whether the
/// content scan is needed before verification. A token altered to drop the
/// claims no longer verifies, so skipping the scan for it refuses nothing
/// that would pass. An unreadable token counts as binding content.
pub fn binds_content_unverified(token: &ApprovalToken) -> bool {
    let Ok(ut) = UntrustedToken::<Public, V4>::try_from(token.expose()) else {
        return true;
    };
    match serde_json::from_slice::<ApprovalClaims>(ut.untrusted_payload()) {
        Ok(c) => c.sensitivity.is_some() || c.entities.is_some(),
        Err(_) => true,
    }
}

/// The longest validity (`exp - nbf`) a gate accepts unless told otherwise.
pub const DEFAULT_MAX_LIFETIME: time::Duration = time::Duration::hours(24);

/// Verifies tokens against a key set, an audience and the clock.
#[derive(Debug, Clone)]
pub struct Verifier {
    /// The keys tokens must be signed with.
    pub keys: KeySet,
    /// The audience tokens must name.
    pub audience: String,
    /// Allowed clock skew for `nbf` only (an issuer whose clock runs ahead).
    /// `exp` is strict: an expired approval is expired.
    pub skew: time::Duration,
    /// The longest validity a token may have (`exp - nbf`); longer ones are refused.
    pub max_lifetime: time::Duration,
    /// Fixed "now" for tests; `None` uses the system clock.
    pub now: Option<OffsetDateTime>,
}

impl Verifier {
    /// A verifier of tokens for `audience` signed by `keys`, with the default skew and lifetime.
    pub fn new(keys: KeySet, audience: impl Into<String>) -> Self {
        Verifier {
            keys,
            audience: audience.into(),
            skew: time::Duration::seconds(5),
            max_lifetime: DEFAULT_MAX_LIFETIME,
            now: None,
        }
    }

    /// Verify `token` for bytes whose manifest digest is `content_digest`, to be
    /// written under `dest`. Each failure has its own reason.
    pub fn verify(
        &self,
        token: &ApprovalToken,
        content_digest: &str,
        dest: &Destination,
    ) -> std::result::Result<ApprovalClaims, Refusal> {
        if token.expose().is_empty() {
            return Err(Refusal::Missing);
        }
        let ut = UntrustedToken::<Public, V4>::try_from(token.expose())
            .map_err(|_| Refusal::Malformed("not a PASETO v4.public token".into()))?;
        let kid = footer_kid(token)?;
        let key = self.keys.get(&kid).ok_or(Refusal::UnknownKey)?;
        // The digest we computed ourselves is the implicit assertion.
        let trusted =
            match PublicToken::verify(&key.public, &ut, None, Some(content_digest.as_bytes())) {
                Ok(t) => t,
                Err(_) => {
                    // Tell a forged token from one approved for other bytes: does it
                    // verify for the digest it claims?
                    let claimed: Option<ApprovalClaims> =
                        serde_json::from_slice(ut.untrusted_payload()).ok();
                    if let Some(c) = claimed {
                        if c.content_digest != content_digest
                            && PublicToken::verify(
                                &key.public,
                                &ut,
                                None,
                                Some(c.content_digest.as_bytes()),
                            )
                            .is_ok()
                        {
                            return Err(Refusal::DigestMismatch);
                        }
                    }
                    return Err(Refusal::BadSignature);
                }
            };
        let claims: ApprovalClaims = serde_json::from_str(trusted.payload())
            .map_err(|e| Refusal::Malformed(format!("claims: {e}")))?;
        if claims.content_digest != content_digest {
            return Err(Refusal::DigestMismatch);
        }
        if claims.digest_version != super::digest::MANIFEST_VERSION {
            return Err(Refusal::Malformed(format!(
                "the token binds a version {} content digest; this gate computes version {} (ask for a new approval)",
                claims.digest_version,
                super::digest::MANIFEST_VERSION
            )));
        }
        let now = self.now.unwrap_or_else(OffsetDateTime::now_utc);
        let parse = |s: &str, what: &str| {
            OffsetDateTime::parse(s, &Rfc3339)
                .map_err(|_| Refusal::Malformed(format!("{what} is not RFC 3339")))
        };
        let exp = parse(&claims.exp, "exp")?;
        let nbf = parse(&claims.nbf, "nbf")?;
        if now >= exp {
            return Err(Refusal::Expired(claims.exp.clone()));
        }
        if now + self.skew < nbf {
            return Err(Refusal::NotYetValid(claims.nbf.clone()));
        }
        if exp - nbf > self.max_lifetime {
            return Err(Refusal::Malformed(format!(
                "the token is valid for {} s, longer than the {} s this gate accepts",
                (exp - nbf).whole_seconds(),
                self.max_lifetime.whole_seconds()
            )));
        }
        if claims.aud != self.audience {
            return Err(Refusal::WrongAudience(claims.aud.clone()));
        }
        let approved = Destination::parse(&claims.dest)
            .map_err(|e| Refusal::Malformed(format!("dest claim: {e}")))?
            .at_endpoint(&claims.endpoint);
        if !approved.contains(dest) {
            return Err(Refusal::WrongDestination(format!(
                "approved for {}, not {}",
                approved.describe(),
                dest.describe()
            )));
        }
        Ok(claims)
    }
}

/// `t` as RFC 3339 text.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn claims(digest: &str) -> ApprovalClaims {
        let now = OffsetDateTime::now_utc();
        ApprovalClaims {
            jti: "req-1".into(),
            iss: "piigate-test".into(),
            sub: "alice".into(),
            aud: "piigate-export".into(),
            iat: rfc3339(now),
            nbf: rfc3339(now),
            exp: rfc3339(now + time::Duration::minutes(10)),
            approvers: vec!["bob".into()],
            dataset_id: "customers".into(),
            content_digest: digest.into(),
            report_digest: "sha256:r".into(),
            policy_version: "1".into(),
            dest: "s3://bucket/exports/".into(),
            ops: vec![Op::Put],
            max_objects: 10,
            max_bytes: 1 << 30,
            redacted: false,
            endpoint: String::new(),
            digest_version: crate::gate::digest::MANIFEST_VERSION,
            sensitivity: None,
            entities: None,
            rules_digest: String::new(),
        }
    }

    #[test]
    fn sign_verify_and_reasons() {
        let k = SigningKey::generate().unwrap();
        let v = Verifier::new(KeySet::new([k.verifying_key()]), "piigate-export");
        let dest = Destination::parse("s3://bucket/exports/run1/").unwrap();
        let t = k.sign(&claims("sha256:aa")).unwrap();
        assert!(v.verify(&t, "sha256:aa", &dest).is_ok());
        assert_eq!(
            v.verify(&t, "sha256:bb", &dest),
            Err(Refusal::DigestMismatch)
        );
        let other = Destination::parse("s3://bucket/other/").unwrap();
        assert!(matches!(
            v.verify(&t, "sha256:aa", &other),
            Err(Refusal::WrongDestination(_))
        ));
        // The same bucket on another service is another destination.
        let elsewhere = Destination::parse("s3://bucket/exports/run1/")
            .unwrap()
            .at_endpoint("http://127.0.0.1:9999");
        assert!(matches!(
            v.verify(&t, "sha256:aa", &elsewhere),
            Err(Refusal::WrongDestination(_))
        ));
        let stranger = SigningKey::generate().unwrap();
        let v2 = Verifier::new(KeySet::new([stranger.verifying_key()]), "piigate-export");
        assert_eq!(v2.verify(&t, "sha256:aa", &dest), Err(Refusal::UnknownKey));
        assert!(matches!(
            v.verify(&ApprovalToken::new("v4.public.garbage"), "sha256:aa", &dest),
            Err(Refusal::Malformed(_)) | Err(Refusal::BadSignature)
        ));
    }

    #[test]
    fn expiry_is_strict_and_lifetimes_are_bounded() {
        let k = SigningKey::generate().unwrap();
        let v = Verifier::new(KeySet::new([k.verifying_key()]), "piigate-export");
        let dest = Destination::parse("s3://bucket/exports/").unwrap();
        let now = OffsetDateTime::now_utc();
        // Expired ten seconds ago: no grace.
        let mut c = claims("sha256:aa");
        c.exp = rfc3339(now - time::Duration::seconds(10));
        let t = k.sign(&c).unwrap();
        assert!(matches!(
            v.verify(&t, "sha256:aa", &dest),
            Err(Refusal::Expired(_))
        ));
        // Ten years of validity.
        let mut c = claims("sha256:aa");
        c.exp = rfc3339(now + time::Duration::days(3650));
        let t = k.sign(&c).unwrap();
        let e = v.verify(&t, "sha256:aa", &dest).unwrap_err();
        assert!(
            matches!(&e, Refusal::Malformed(m) if m.contains("longer than")),
            "{e}"
        );
        // A version 1 digest (no digest_version claim).
        let mut c = serde_json::to_value(claims("sha256:aa")).unwrap();
        c.as_object_mut().unwrap().remove("digest_version");
        let t = k.sign(&serde_json::from_value(c).unwrap()).unwrap();
        assert!(matches!(
            v.verify(&t, "sha256:aa", &dest),
            Err(Refusal::Malformed(_))
        ));
    }

    #[test]
    fn keys_and_tokens_redact() {
        let k = SigningKey::generate().unwrap();
        let t = k.sign(&claims("sha256:aa")).unwrap();
        assert!(!format!("{t:?}{t}").contains("v4.public"));
        let dbg = format!("{k:?}");
        assert!(dbg.contains("REDACTED") && !dbg.contains(&B64.encode(k.secret.as_bytes())));
    }

    #[test]
    fn key_files_round_trip_with_private_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.json");
        let k = SigningKey::generate().unwrap();
        k.save(&p).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let k2 = SigningKey::load(&p).unwrap();
        assert_eq!(k.kid(), k2.kid());
    }
}
