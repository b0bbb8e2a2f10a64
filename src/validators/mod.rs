//! Checksums and structural validators, referenced by name from rule files.
//!
//! Every function takes the candidate text exactly as matched (separators and
//! all) and returns whether it is a valid identifier of its kind. They never
//! allocate on the hot path beyond a small stack buffer of digits.

mod phone;

use sha2::{Digest, Sha256};

pub use phone::valid_phone;

/// The named validators a rule may use (`validator = "luhn_card"`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Deserialize,
    serde::Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Validator {
    /// No check beyond the pattern.
    None,
    /// A payment card: Luhn checksum and a known issuer prefix.
    LuhnCard,
    /// A US Social Security number: valid area, group and serial.
    UsSsn,
    /// A US Individual Taxpayer Identification Number: 9xx with a valid group.
    UsItin,
    /// An ABA routing number: its weighted checksum.
    AbaRouting,
    /// A US National Provider Identifier: Luhn over the 80840 prefix.
    UsNpi,
    /// An IBAN: country length and ISO 7064 mod 97.
    Iban,
    /// A SWIFT/BIC code: bank, a known country, location.
    SwiftBic,
    /// An IPv4 address: four octets of 0–255.
    Ipv4,
    /// An IPv6 address.
    Ipv6,
    /// A MAC address.
    Mac,
    /// A UK NHS number: mod 11.
    UkNhs,
    /// A UK National Insurance number: valid prefix letters and suffix.
    UkNino,
    /// A German tax id: digit counts and ISO 7064 mod 11,10.
    DeTaxId,
    /// A Spanish NIF/NIE: its check letter.
    EsNif,
    /// An Italian codice fiscale: its check character.
    ItFiscalCode,
    /// A French INSEE (social security) number: its key.
    FrInsee,
    /// A Polish PESEL: its weighted checksum.
    PlPesel,
    /// An Indian Aadhaar number: Verhoeff checksum.
    InAadhaar,
    /// An Indian PAN: its structure.
    InPan,
    /// A Brazilian CPF: its two check digits.
    BrCpf,
    /// A Canadian SIN: Luhn.
    CaSin,
    /// An Australian TFN: its weighted checksum.
    AuTfn,
    /// A Singapore NRIC/FIN: its check letter.
    SgNric,
    /// A Base58Check address (Bitcoin): its double-SHA-256 checksum.
    #[serde(rename = "base58check")]
    Base58Check,
    /// A Bech32 address: its checksum.
    Bech32,
    /// An Ethereum address: EIP-55 mixed-case checksum, or one case.
    EthAddress,
    /// A vehicle identification number: its check digit.
    Vin,
    /// A phone number: a plausible length and country plan.
    Phone,
    /// An e-mail address: a plausible local part and domain.
    Email,
    /// A latitude/longitude pair with three decimals or more, within range.
    GeoPair,
    /// A latitude/longitude pair with one decimal or more (`27.5, -79.0`).
    GeoPairCoarse,
    /// A latitude and a longitude in degrees and minutes with their
    /// hemisphere letters (`40°26′46″N 79°58′56″W`), in range.
    GeoDmsPair,
    /// An ISO 6709 point (`+40.6894-074.0447/`, `+4230+00131`,
    /// `+404121-0740224`): latitude and longitude of the same precision,
    /// in range.
    GeoIso6709,
    /// Decimal degrees with hemisphere letters (`40.7128° N, 74.0060° W`,
    /// `N40.7128 W74.0060`), in range.
    GeoHemispherePair,
    /// A latitude and a longitude under their keys (`lat=40.71&lon=-74.00`,
    /// `{"lat": 40.71, "lng": -74.00}`), in range.
    GeoKeyedPair,
    /// A WKT point in degrees (`POINT(-0.1276 51.5072)`, `SRID=4326;POINT Z
    /// (…)`): longitude then latitude, in range, three decimals or more.
    GeoWktPoint,
    /// A JSON Web Token: its header and payload decode as JSON.
    Jwt,
    /// A secret: enough entropy to be a generated one.
    SecretEntropy,
}

/// How much a validator's pass says about a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// A long check (Luhn over 13–19 digits with issuer prefixes, mod-97,
    /// Base58Check, bech32, a structural check of an e-mail or a JWT): a
    /// random string almost never passes.
    Strong,
    /// A check digit over a short run of digits, which about one number in
    /// ten (or eleven) passes by chance.
    WeakDigits,
    /// A code of letters whose only check is a short list of allowed
    /// values (a BIC's country code in its letters 5 and 6), which a word in
    /// capitals of the same shape passes about one time in three.
    WeakLetters,
    /// Anything else (structure, ranges, or no check at all).
    Other,
}

impl Validator {
    /// How much a pass says (used when several rules claim one column).
    pub fn strength(self) -> Strength {
        match self {
            Validator::LuhnCard
            | Validator::Iban
            | Validator::ItFiscalCode
            | Validator::FrInsee
            | Validator::Base58Check
            | Validator::Bech32
            | Validator::EthAddress
            | Validator::Email
            | Validator::EsNif
            | Validator::BrCpf
            | Validator::Jwt
            | Validator::Mac => Strength::Strong,
            Validator::UkNhs
            | Validator::CaSin
            | Validator::AuTfn
            | Validator::InAadhaar
            | Validator::UsNpi
            | Validator::AbaRouting
            | Validator::PlPesel
            | Validator::DeTaxId => Strength::WeakDigits,
            Validator::SwiftBic => Strength::WeakLetters,
            _ => Strength::Other,
        }
    }

    /// Whether `s` passes the check.
    pub fn check(self, s: &str) -> bool {
        match self {
            Validator::None => true,
            Validator::LuhnCard => luhn_card(s),
            Validator::UsSsn => us_ssn(s),
            Validator::UsItin => us_itin(s),
            Validator::AbaRouting => aba_routing(s),
            Validator::UsNpi => us_npi(s),
            Validator::Iban => iban(s),
            Validator::SwiftBic => swift_bic(s),
            Validator::Ipv4 => ipv4(s),
            Validator::Ipv6 => ipv6(s),
            Validator::Mac => mac(s),
            Validator::UkNhs => uk_nhs(s),
            Validator::UkNino => uk_nino(s),
            Validator::DeTaxId => de_tax_id(s),
            Validator::EsNif => es_nif(s),
            Validator::ItFiscalCode => it_fiscal_code(s),
            Validator::FrInsee => fr_insee(s),
            Validator::PlPesel => pl_pesel(s),
            Validator::InAadhaar => in_aadhaar(s),
            Validator::InPan => in_pan(s),
            Validator::BrCpf => br_cpf(s),
            Validator::CaSin => ca_sin(s),
            Validator::AuTfn => au_tfn(s),
            Validator::SgNric => sg_nric(s),
            Validator::Base58Check => base58check(s),
            Validator::Bech32 => bech32(s),
            Validator::EthAddress => eth_address(s),
            Validator::Vin => vin(s),
            Validator::Phone => phone::valid_phone(s),
            Validator::Email => email(s),
            Validator::GeoPair => geo_pair_with(s, 3),
            Validator::GeoPairCoarse => geo_pair_with(s, 1),
            Validator::GeoDmsPair => geo_dms_pair(s),
            Validator::GeoIso6709 => geo_iso6709(s),
            Validator::GeoHemispherePair => geo_hemisphere_pair(s),
            Validator::GeoKeyedPair => geo_keyed_pair(s),
            Validator::GeoWktPoint => geo_wkt_point(s),
            Validator::Jwt => jwt(s),
            Validator::SecretEntropy => secret_entropy(s),
        }
    }
}

/// Decimal digits of `s` (other characters skipped), at most 32.
/// The digits of `s` (their values, 0–9), every other byte skipped, and
/// how many there are: `None` when there are more than `N`. A value that
/// is its digits alone (nearly every one a validator sees: a run of digits
/// is checked whole) is read without the skipping.
#[inline]
fn digits_n<const N: usize>(s: &str) -> Option<([u8; N], usize)> {
    let b = s.as_bytes();
    let mut out = [0u8; N];
    if b.len() <= N {
        let mut all = true;
        for (o, &c) in out.iter_mut().zip(b) {
            let d = c.wrapping_sub(b'0');
            *o = d;
            all &= d <= 9;
        }
        if all {
            return Some((out, b.len()));
        }
        out = [0u8; N];
    }
    let mut n = 0;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d <= 9 {
            if n == N {
                return None;
            }
            out[n] = d;
            n += 1;
        }
    }
    Some((out, n))
}

fn all_same(d: &[u8]) -> bool {
    d.first().is_none_or(|&f| d.iter().all(|&x| x == f))
}

/// The Luhn (mod 10) checksum of digits `d` (values 0–9) holds.
pub fn luhn(d: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &x) in d.iter().rev().enumerate() {
        // Every second digit from the right doubled, minus 9 when it passes 9.
        let dbl = (i & 1) as u32;
        let v = (x as u32) << dbl;
        sum += v - 9 * (dbl & (v > 9) as u32);
    }
    sum % 10 == 0
}

/// Luhn plus a known issuer prefix with a length that issuer uses. Every
/// byte that is not a digit is skipped (the same answer as
/// `tests::luhn_card_reference`, which a property test holds it to).
pub fn luhn_card(s: &str) -> bool {
    // The digits are collected without branches (other bytes are skipped:
    // each writes at the next free place, which the next digit overwrites),
    // then checked eight at a time as the bytes of a `u64`.
    let mut buf = [0u8; 40];
    let mut n = 0usize;
    for &c in s.as_bytes() {
        let d = c.wrapping_sub(b'0');
        buf[n.min(32)] = d;
        n += (d <= 9) as usize;
    }
    if !(12..=19).contains(&n) {
        return false;
    }
    buf[n] = 0; // a skipped byte after the last digit
    let word = |k: usize| u64::from_le_bytes(buf[8 * k..8 * k + 8].try_into().unwrap());
    let (w0, w1, w2) = (word(0), word(1), word(2));
    const ONES: u64 = 0x0101_0101_0101_0101;
    // All digits the same ("0000 0000 0000 0000"): compared lane by lane
    // with the first, the lanes past the last digit masked off.
    let lanes = |k: usize| {
        if k >= 8 {
            u64::MAX
        } else {
            (1u64 << (8 * k)) - 1
        }
    };
    let first = buf[0] as u64 * ONES;
    let same =
        (w0 ^ first) | ((w1 ^ first) & lanes(n - 8)) | ((w2 ^ first) & lanes(n.saturating_sub(16)));
    if same == 0 {
        return false;
    }
    // The rightmost digit is never doubled: the doubled ones are those whose
    // index has the parity of `n`. A doubled digit d counts 2d, minus 9 when
    // d > 4 (d + 3 then has bit 3 set); every lane stays under 19, so no
    // lane carries into the next, and eight lanes sum to at most 72.
    let doubled = if n % 2 == 0 {
        0x00ff_00ff_00ff_00ff
    } else {
        0xff00_ff00_ff00_ff00u64
    };
    let lane_sum = |w: u64| {
        let d = w & doubled;
        let over = ((d + 3 * ONES) >> 3) & ONES;
        let t = (w & !doubled) + (d << 1) - over * 9;
        (t.wrapping_mul(ONES) >> 56) as u32
    };
    let sum = lane_sum(w0) + lane_sum(w1) + lane_sum(w2);
    let head = buf[..6].iter().fold(0u32, |a, &x| a * 10 + x as u32);
    let n = n as u32;
    // The first `k` digits (n >= 12, so all six are in `head`).
    let p = |k: u32| head / 10u32.pow(6 - k);
    let brand_ok = match head / 100_000 {
        4 => matches!(n, 13 | 16 | 19), // Visa
        5 => {
            (51..=55).contains(&p(2)) && n == 16 // Mastercard
                || matches!(p(4), 5018 | 5020 | 5038 | 5893) && (12..=19).contains(&n)
            // Maestro
        }
        2 => {
            (2221..=2720).contains(&p(4)) && n == 16 // Mastercard 2-series
                || (2200..=2204).contains(&p(4)) && (16..=19).contains(&n) // Mir
                || p(4) == 2131 && n == 15 // JCB (15 digits)
        }
        1 => p(4) == 1800 && n == 15, // JCB (15 digits)
        3 => {
            let p2 = p(2);
            ((p2 == 34 || p2 == 37) && n == 15)                                 // Amex
                || ((300..=305).contains(&p(3)) || p2 == 36 || p2 == 38 || p2 == 39) && (14..=19).contains(&n) // Diners
                || (3528..=3589).contains(&p(4)) && (16..=19).contains(&n) // JCB
        }
        6 => {
            (p(4) == 6011 || p(2) == 65 || (644..=649).contains(&p(3)) || (622126..=622925).contains(&p(6)))
                && (16..=19).contains(&n)                                       // Discover
                || p(2) == 62 && (16..=19).contains(&n)                         // UnionPay
                || matches!(p(4), 6304 | 6759 | 6761 | 6762 | 6763) && (12..=19).contains(&n)
            // Maestro
        }
        _ => false,
    };
    brand_ok && sum % 10 == 0 && (n as usize == s.len() || card_layout(s))
}

/// Card numbers are written in the groups their issuers print: fours (the
/// last group may be shorter: 13, 15 and 19 digits), or 4-6-5 (Amex) and
/// 4-6-4 (Diners). Order and reference numbers with a valid Luhn digit come
/// in other groups (`402-6140462-7539738`, `55-5555-5555-5555-44`); a number
/// written without separators is judged by its digits alone.
pub fn card_layout(s: &str) -> bool {
    let mut groups = [0u8; 8];
    let (mut k, mut run) = (0usize, 0u8);
    for &c in s.as_bytes() {
        if c.is_ascii_digit() {
            run = run.saturating_add(1);
        } else if run > 0 {
            if k == groups.len() {
                return false;
            }
            groups[k] = run;
            k += 1;
            run = 0;
        }
    }
    if run > 0 {
        if k == groups.len() {
            return false;
        }
        groups[k] = run;
        k += 1;
    }
    match &groups[..k] {
        [] => false,
        [_] | [4, 6, 4] | [4, 6, 5] => true,
        [head @ .., last] => head.iter().all(|&g| g == 4) && (1..=4).contains(last),
    }
}

fn ssn_parts(s: &str) -> Option<(u32, u32, u32)> {
    let (d, n) = digits_n::<9>(s)?;
    if n != 9 {
        return None;
    }
    let num = |a: usize, b: usize| d[a..b].iter().fold(0u32, |acc, &x| acc * 10 + x as u32);
    Some((num(0, 3), num(3, 5), num(5, 9)))
}

/// SSA rules: area not 000, 666 or 900-999; group not 00; serial not 0000;
/// and not one of the numbers famously used in advertising.
pub fn us_ssn(s: &str) -> bool {
    let Some((area, group, serial)) = ssn_parts(s) else {
        return false;
    };
    if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
        return false;
    }
    let whole = area * 1_000_000 + group * 10_000 + serial;
    !matches!(
        whole,
        78_051_120 | 219_099_999 | 123_456_789 | 111_111_111 | 333_333_333
    )
}

/// ITIN: 9XX-GG-XXXX with group 50-65, 70-88, 90-92 or 94-99.
pub fn us_itin(s: &str) -> bool {
    let Some((area, group, _)) = ssn_parts(s) else {
        return false;
    };
    (900..=999).contains(&area)
        && ((50..=65).contains(&group)
            || (70..=88).contains(&group)
            || (90..=92).contains(&group)
            || (94..=99).contains(&group))
}

/// ABA routing number: 3-7-1 weighted checksum and a Federal Reserve prefix.
pub fn aba_routing(s: &str) -> bool {
    let Some((d, n)) = digits_n::<9>(s) else {
        return false;
    };
    if n != 9 || all_same(&d[..9]) {
        return false;
    }
    let prefix = d[0] as u32 * 10 + d[1] as u32;
    if !(prefix <= 12 || (21..=32).contains(&prefix) || (61..=72).contains(&prefix) || prefix == 80)
    {
        return false;
    }
    let w = [3u32, 7, 1, 3, 7, 1, 3, 7, 1];
    let sum: u32 = d[..9].iter().zip(w).map(|(&x, w)| x as u32 * w).sum();
    sum % 10 == 0
}

/// NPI: 10 digits starting 1 or 2, Luhn over "80840" + the number.
pub fn us_npi(s: &str) -> bool {
    let Some((d, n)) = digits_n::<10>(s) else {
        return false;
    };
    if n != 10 || !(d[0] == 1 || d[0] == 2) {
        return false;
    }
    let mut full = [8u8, 0, 8, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    full[5..15].copy_from_slice(&d[..10]);
    luhn(&full)
}

/// (country, IBAN length), ISO 13616 registry.
const IBAN_COUNTRIES: &[(&[u8; 2], u8)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BR", 29),
    (b"BY", 28),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IQ", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LC", 32),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NL", 18),
    (b"NO", 15),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"SA", 24),
    (b"SC", 31),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"ST", 25),
    (b"SV", 28),
    (b"TL", 23),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
];

/// Per-country IBAN lengths (ISO 13616 registry), indexed by the two
/// capital letters of the country code (0: no IBAN).
static IBAN_LENGTHS: [[u8; 26]; 26] = {
    let mut t = [[0u8; 26]; 26];
    let mut k = 0;
    while k < IBAN_COUNTRIES.len() {
        let (cc, len) = IBAN_COUNTRIES[k];
        t[(cc[0] - b'A') as usize][(cc[1] - b'A') as usize] = len;
        k += 1;
    }
    t
};

#[cfg(test)]
fn iban_length(cc: &[u8]) -> Option<usize> {
    match cc {
        [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] => {
            let len = IBAN_LENGTHS[(a - b'A') as usize][(b - b'A') as usize];
            (len > 0).then_some(len as usize)
        }
        _ => None,
    }
}

/// A byte's IBAN value: digits 0–9, letters of either case 10–35;
/// `IBAN_SKIP` for a separator (space, dash), `IBAN_BAD` for anything else.
const IBAN_SKIP: u8 = 0xfe;
const IBAN_BAD: u8 = 0xff;
static IBAN_VALUE: [u8; 256] = {
    let mut t = [IBAN_BAD; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A' + 10,
            b'a'..=b'z' => b - b'a' + 10,
            b' ' | b'-' => IBAN_SKIP,
            _ => IBAN_BAD,
        };
        c += 1;
    }
    t
};

/// IBAN: known country, that country's length, mod-97 == 1.
pub fn iban(s: &str) -> bool {
    // One pass, no buffer: the first four characters (country letters and
    // check digits) are kept aside, the rest is folded into the remainder as
    // it is read, and the four are appended at the end (two letters and two
    // digits are always six decimal digits: remainder × 10^6 + them). Each
    // byte's value comes from one table look-up.
    let b = s.as_bytes();
    let mut head = [0u8; 4];
    let (mut n, mut i) = (0usize, 0usize);
    while n < 4 {
        let Some(&c) = b.get(i) else {
            return false;
        };
        i += 1;
        match IBAN_VALUE[c as usize] {
            IBAN_SKIP => {}
            IBAN_BAD => return false,
            v => {
                head[n] = v;
                n += 1;
            }
        }
    }
    // `rem` stays under 2^50 between steps, so that neither a letter
    // (× 100) nor four digits (× 10^4) can overflow it.
    let mut rem = 0u64;
    while i < b.len() {
        // Four digits at once (IBANs are mostly digits, often in groups of
        // four): all four bytes in '0'..='9', their value by two multiplies.
        if let Some(q) = b.get(i..i + 4) {
            let w = u32::from_le_bytes([q[0], q[1], q[2], q[3]]);
            if w & 0xf0f0_f0f0 == 0x3030_3030 && (w + 0x0606_0606) & 0xf0f0_f0f0 == 0x3030_3030 {
                let d = w - 0x3030_3030; // the digits, first in the low byte
                let pairs = (d * 10 + (d >> 8)) & 0x00ff_00ff; // d0d1 and d2d3
                let v = (pairs & 0xff) * 100 + (pairs >> 16);
                rem = rem * 10_000 + v as u64;
                if rem >= 1 << 50 {
                    rem %= 97;
                }
                n += 4;
                i += 4;
                continue;
            }
        }
        let v = IBAN_VALUE[b[i] as usize];
        i += 1;
        if v >= IBAN_SKIP {
            if v == IBAN_BAD {
                return false;
            }
            continue;
        }
        // A letter is two decimal digits.
        rem = rem * if v < 10 { 10 } else { 100 } + v as u64;
        if rem >= 1 << 50 {
            rem %= 97;
        }
        n += 1;
    }
    let [c0, c1, k0, k1] = head;
    if c0 < 10 || c1 < 10 || k0 > 9 || k1 > 9 {
        return false;
    }
    if n as u8 != IBAN_LENGTHS[(c0 - 10) as usize][(c1 - 10) as usize] {
        return false; // no IBAN country (length 0), or not its length
    }
    let tail = c0 as u64 * 10_000 + c1 as u64 * 100 + k0 as u64 * 10 + k1 as u64;
    ((rem % 97) * 1_000_000 + tail) % 97 == 1
}

/// ISO 3166-1 alpha-2 codes in use (for BIC and similar).
pub fn is_country_code(cc: &[u8]) -> bool {
    const CODES: &str = "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSXKYEYTZAZMZW";
    cc.len() == 2 && CODES.as_bytes().chunks(2).any(|c| c == cc)
}

/// BIC: 4 letters, a real country code, 2 alphanumerics (location), optional 3 (branch).
pub fn swift_bic(s: &str) -> bool {
    let b = s.as_bytes();
    if !(b.len() == 8 || b.len() == 11) {
        return false;
    }
    b[..4].iter().all(|c| c.is_ascii_uppercase())
        && is_country_code(&b[4..6])
        && b[6..].iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        // Location code '0' in the second place marks test BICs; "1" passive participants.
        && b[7] != b'O'
        // A word in capitals (MINISTER, CUSTOMER) is not a bank code.
        && !(b.iter().all(u8::is_ascii_alphabetic) && bic_word(b))
}

/// English words shaped like a BIC in capitals (rules/dict/bic_words.txt).
fn bic_word(b: &[u8]) -> bool {
    static WORDS: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::LazyLock::new(|| {
            include_str!("../../rules/dict/bic_words.txt")
                .lines()
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .collect()
        });
    let mut lower = [0u8; 11];
    lower[..b.len()].copy_from_slice(b);
    lower[..b.len()].make_ascii_lowercase();
    std::str::from_utf8(&lower[..b.len()]).is_ok_and(|w| WORDS.contains(w))
}

/// `s` is a dotted-quad IPv4 address.
pub fn ipv4(s: &str) -> bool {
    // Four dot-separated decimal octets, 0..=255, no leading zeros, read
    // octet by octet in straight-line code (`tests::ipv4_reference` is the
    // plain form a property test holds this to).
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).map_or(10, |&c| c.wrapping_sub(b'0'));
    let mut i = 0;
    for part in 0..4 {
        let d0 = digit(i);
        if d0 > 9 {
            return false;
        }
        i += 1;
        let d1 = digit(i);
        if d1 <= 9 {
            if d0 == 0 {
                return false; // a leading zero
            }
            i += 1;
            let d2 = digit(i);
            if d2 <= 9 {
                i += 1;
                if d0 as u32 * 100 + d1 as u32 * 10 + d2 as u32 > 255 {
                    return false;
                }
            }
        }
        if part < 3 {
            if b.get(i) != Some(&b'.') {
                return false;
            }
            i += 1;
        }
    }
    i == b.len()
}

/// `s` is an IPv6 address.
pub fn ipv6(s: &str) -> bool {
    s.contains(':') && s.parse::<std::net::Ipv6Addr>().is_ok() && s.matches(':').count() >= 2
}

/// `s` is a MAC address (colon, dash or Cisco dot form).
pub fn mac(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() == 17 {
        let sep = b[2];
        if sep != b':' && sep != b'-' {
            return false;
        }
        let ok = (0..6).all(|i| {
            b[i * 3].is_ascii_hexdigit()
                && b[i * 3 + 1].is_ascii_hexdigit()
                && (i == 5 || b[i * 3 + 2] == sep)
        });
        // The all-zero and broadcast addresses are placeholders, not devices.
        return ok
            && !s.eq_ignore_ascii_case("00:00:00:00:00:00")
            && !s.eq_ignore_ascii_case("ff:ff:ff:ff:ff:ff");
    }
    if b.len() == 14 {
        return (0..3).all(|i| {
            b[i * 5..i * 5 + 4].iter().all(|c| c.is_ascii_hexdigit())
                && (i == 2 || b[i * 5 + 4] == b'.')
        });
    }
    false
}

/// NHS number: 10 digits, mod-11 check digit (a remainder giving 10 is invalid).
pub fn uk_nhs(s: &str) -> bool {
    let Some((d, n)) = digits_n::<10>(s) else {
        return false;
    };
    if n != 10 || all_same(&d[..10]) {
        return false;
    }
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, &x)| x as u32 * (10 - i as u32))
        .sum();
    let check = 11 - (sum % 11);
    let check = if check == 11 { 0 } else { check };
    check != 10 && check == d[9] as u32
}

/// NINO: two prefix letters (D, F, I, Q, U, V never; O not second; some pairs
/// never issued), six digits, suffix A-D.
pub fn uk_nino(s: &str) -> bool {
    let v: Vec<u8> = s
        .bytes()
        .filter(|b| *b != b' ')
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if v.len() != 9 {
        return false;
    }
    let (a, b) = (v[0], v[1]);
    let bad = b"DFIQUV";
    if !a.is_ascii_uppercase()
        || !b.is_ascii_uppercase()
        || bad.contains(&a)
        || bad.contains(&b)
        || b == b'O'
    {
        return false;
    }
    if matches!(
        &v[..2],
        b"BG" | b"GB" | b"NK" | b"KN" | b"TN" | b"NT" | b"ZZ"
    ) {
        return false;
    }
    v[2..8].iter().all(|c| c.is_ascii_digit()) && matches!(v[8], b'A'..=b'D')
}

/// German Steuer-IdNr: 11 digits, no leading zero, ISO 7064 MOD 11,10 check
/// digit, and in the first ten digits exactly one digit repeated (2 or 3 times).
pub fn de_tax_id(s: &str) -> bool {
    let Some((d, n)) = digits_n::<11>(s) else {
        return false;
    };
    if n != 11 || d[0] == 0 {
        return false;
    }
    let mut counts = [0u8; 10];
    for &x in &d[..10] {
        counts[x as usize] += 1;
    }
    let repeated = counts.iter().filter(|&&c| c >= 2).count();
    let max = *counts.iter().max().unwrap_or(&0);
    if repeated != 1 || max > 3 {
        return false;
    }
    iso7064_mod11_10(&d[..10]) == d[10]
}

/// The ISO 7064 mod 11,10 check digit of digits `d`.
pub fn iso7064_mod11_10(d: &[u8]) -> u8 {
    let mut product = 10u32;
    for &x in d {
        let mut sum = (x as u32 + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (2 * sum) % 11;
    }
    let check = 11 - product;
    if check == 10 {
        0
    } else {
        check as u8
    }
}

/// Spanish DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter).
pub fn es_nif(s: &str) -> bool {
    const LETTERS: &[u8] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    let v: Vec<u8> = s
        .bytes()
        .filter(|b| *b != b'-' && *b != b' ' && *b != b'.')
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if v.len() != 9 {
        return false;
    }
    let first = match v[0] {
        b'X' => 0,
        b'Y' => 1,
        b'Z' => 2,
        c if c.is_ascii_digit() => (c - b'0') as u32,
        _ => return false,
    };
    if !v[1..8].iter().all(|c| c.is_ascii_digit()) || !v[8].is_ascii_uppercase() {
        return false;
    }
    let num = v[1..8]
        .iter()
        .fold(first, |a, &c| a * 10 + (c - b'0') as u32);
    if num == 0 {
        return false;
    }
    LETTERS[(num % 23) as usize] == v[8]
}

/// Italian codice fiscale: 16 characters with the final check character.
pub fn it_fiscal_code(s: &str) -> bool {
    let v: Vec<u8> = s.bytes().map(|b| b.to_ascii_uppercase()).collect();
    if v.len() != 16 {
        return false;
    }
    // Shape: 6 letters, 2 digits, month letter, 2 digits, letter, 3 digits, check letter
    // (digits may be replaced by letters LMNPQRSTUV for omocodia).
    let omo = |c: u8| c.is_ascii_digit() || b"LMNPQRSTUV".contains(&c);
    let shape = v[..6].iter().all(|c| c.is_ascii_uppercase())
        && omo(v[6])
        && omo(v[7])
        && b"ABCDEHLMPRST".contains(&v[8])
        && omo(v[9])
        && omo(v[10])
        && v[11].is_ascii_uppercase()
        && v[12..15].iter().all(|&c| omo(c))
        && v[15].is_ascii_uppercase();
    if !shape {
        return false;
    }
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let mut sum = 0;
    for (i, &c) in v[..15].iter().enumerate() {
        let idx = if c.is_ascii_digit() {
            (c - b'0') as usize
        } else {
            (c - b'A') as usize
        };
        // Positions are 1-based in the spec: odd positions use the ODD table.
        sum += if i % 2 == 0 { ODD[idx] } else { idx as u32 };
    }
    (b'A' + (sum % 26) as u8) == v[15]
}

/// French INSEE / NIR: 13 characters (sex, year, month, department incl. 2A/2B,
/// commune, order) + 2-digit key = 97 - (number mod 97).
pub fn fr_insee(s: &str) -> bool {
    let v: Vec<u8> = s
        .bytes()
        .filter(|b| *b != b' ' && *b != b'.' && *b != b'-')
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if v.len() != 15 || !(v[0] == b'1' || v[0] == b'2') {
        return false;
    }
    let mut digits13 = String::with_capacity(13);
    let mut corsica = 0u64;
    for (i, &c) in v[..13].iter().enumerate() {
        match c {
            b'0'..=b'9' => digits13.push(c as char),
            b'A' | b'B' if i == 6 && v[5] == b'2' => {
                corsica = if c == b'A' { 1_000_000 } else { 2_000_000 };
                digits13.push('0');
            }
            _ => return false,
        }
    }
    if !v[13].is_ascii_digit() || !v[14].is_ascii_digit() {
        return false;
    }
    let month = (v[3] - b'0') as u32 * 10 + (v[4] - b'0') as u32;
    if !((1..=12).contains(&month) || (20..=42).contains(&month) || (50..=99).contains(&month)) {
        return false;
    }
    let Ok(mut num) = digits13.parse::<u64>() else {
        return false;
    };
    num -= corsica.min(num);
    let key = (v[13] - b'0') as u64 * 10 + (v[14] - b'0') as u64;
    97 - (num % 97) == key
}

/// PESEL: 11 digits, weights 1-3-7-9, and a real birth date encoded in the first six.
pub fn pl_pesel(s: &str) -> bool {
    let Some((d, n)) = digits_n::<11>(s) else {
        return false;
    };
    if n != 11 || all_same(&d[..11]) {
        return false;
    }
    let w = [1u32, 3, 7, 9, 1, 3, 7, 9, 1, 3];
    let sum: u32 = d[..10].iter().zip(w).map(|(&x, w)| x as u32 * w).sum();
    if (10 - sum % 10) % 10 != d[10] as u32 {
        return false;
    }
    let mm = d[2] as u32 * 10 + d[3] as u32;
    let dd = d[4] as u32 * 10 + d[5] as u32;
    let month = mm % 20;
    (1..=12).contains(&month) && (1..=31).contains(&dd)
}

const VERHOEFF_D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/// The Verhoeff checksum of digits `d` holds.
pub fn verhoeff(d: &[u8]) -> bool {
    let mut c = 0u8;
    for (i, &x) in d.iter().rev().enumerate() {
        c = VERHOEFF_D[c as usize][VERHOEFF_P[i % 8][x as usize] as usize];
    }
    c == 0
}

/// Aadhaar: 12 digits, first not 0 or 1, Verhoeff check digit.
pub fn in_aadhaar(s: &str) -> bool {
    let Some((d, n)) = digits_n::<12>(s) else {
        return false;
    };
    n == 12 && d[0] >= 2 && !all_same(&d[..12]) && verhoeff(&d[..12])
}

/// PAN: AAAPL1234C — the fourth letter says the holder type.
pub fn in_pan(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[..5].iter().all(|c| c.is_ascii_uppercase())
        && b"PCHFATBLJG".contains(&b[3])
        && b[5..9].iter().all(|c| c.is_ascii_digit())
        && b[9].is_ascii_uppercase()
        && &b[5..9] != b"0000"
}

/// CPF: 11 digits, two mod-11 check digits, not all the same digit.
pub fn br_cpf(s: &str) -> bool {
    let Some((d, n)) = digits_n::<11>(s) else {
        return false;
    };
    if n != 11 || all_same(&d[..11]) {
        return false;
    }
    let check = |len: usize| {
        let sum: u32 = d[..len]
            .iter()
            .enumerate()
            .map(|(i, &x)| x as u32 * (len as u32 + 1 - i as u32))
            .sum();
        let r = (sum * 10) % 11;
        if r == 10 {
            0
        } else {
            r as u8
        }
    };
    check(9) == d[9] && check(10) == d[10]
}

/// SIN: 9 digits, Luhn, first digit not 0 or 8.
pub fn ca_sin(s: &str) -> bool {
    let Some((d, n)) = digits_n::<9>(s) else {
        return false;
    };
    n == 9 && d[0] != 0 && d[0] != 8 && !all_same(&d[..9]) && luhn(&d[..9])
}

/// TFN: 8 or 9 digits, weighted sum divisible by 11.
pub fn au_tfn(s: &str) -> bool {
    let Some((d, n)) = digits_n::<9>(s) else {
        return false;
    };
    let w: &[u32] = match n {
        9 => &[1, 4, 3, 7, 5, 8, 6, 9, 10],
        8 => &[10, 7, 8, 4, 6, 3, 5, 1],
        _ => return false,
    };
    if all_same(&d[..n]) {
        return false;
    }
    let sum: u32 = d[..n].iter().zip(w).map(|(&x, w)| x as u32 * w).sum();
    sum % 11 == 0
}

/// Singapore NRIC/FIN: prefix S/T/F/G/M, 7 digits, check letter.
pub fn sg_nric(s: &str) -> bool {
    let b: Vec<u8> = s.bytes().map(|c| c.to_ascii_uppercase()).collect();
    if b.len() != 9 || !b[1..8].iter().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let w = [2u32, 7, 6, 5, 4, 3, 2];
    let mut sum: u32 = b[1..8]
        .iter()
        .zip(w)
        .map(|(&c, w)| (c - b'0') as u32 * w)
        .sum();
    let table: &[u8] = match b[0] {
        b'S' => b"JZIHGFEDCBA",
        b'T' => {
            sum += 4;
            b"JZIHGFEDCBA"
        }
        b'F' => b"XWUTRQPNMLK",
        b'G' => {
            sum += 4;
            b"XWUTRQPNMLK"
        }
        b'M' => {
            sum += 3;
            b"XWUTRQPNJLK"
        }
        _ => return false,
    };
    table[(sum % 11) as usize] == b[8]
}

const B58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Bitcoin-style Base58Check: decodes, and the last 4 bytes are the double-SHA256 checksum.
pub fn base58check(s: &str) -> bool {
    if !(25..=35).contains(&s.len()) {
        return false;
    }
    let mut bytes: Vec<u8> = Vec::with_capacity(32);
    for c in s.bytes() {
        let Some(mut carry) = B58.iter().position(|&x| x == c).map(|p| p as u32) else {
            return false;
        };
        for b in bytes.iter_mut().rev() {
            carry += (*b as u32) * 58;
            *b = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = s.bytes().take_while(|&c| c == b'1').count();
    let mut full = vec![0u8; zeros];
    full.extend_from_slice(&bytes);
    if full.len() != 25 {
        return false;
    }
    let (payload, check) = full.split_at(21);
    let h = Sha256::digest(Sha256::digest(payload));
    &h[..4] == check
}

/// Segwit address (BIP-173 bech32 / BIP-350 bech32m) with a bitcoin HRP.
pub fn bech32(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if lower != s && s.to_ascii_uppercase() != s {
        return false;
    }
    let Some(pos) = lower.rfind('1') else {
        return false;
    };
    let (hrp, data) = (&lower[..pos], &lower[pos + 1..]);
    if !(hrp == "bc" || hrp == "tb") || data.len() < 6 || lower.len() > 90 {
        return false;
    }
    const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let mut values = Vec::with_capacity(hrp.len() * 2 + 1 + data.len());
    values.extend(hrp.bytes().map(|c| c >> 5));
    values.push(0);
    values.extend(hrp.bytes().map(|c| c & 31));
    for c in data.bytes() {
        let Some(p) = CHARSET.iter().position(|&x| x == c) else {
            return false;
        };
        values.push(p as u8);
    }
    const GEN: [u32; 5] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    let mut chk: u32 = 1;
    for v in values {
        let b = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ v as u32;
        for (i, g) in GEN.iter().enumerate() {
            if (b >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk == 1 || chk == 0x2bc830a3
}

/// Ethereum address: 0x + 40 hex. Mixed case must satisfy the EIP-55 checksum;
/// single-case addresses carry no checksum, so they are accepted only with a hint
/// (the rule, not this function, decides that).
pub fn eth_address(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 42
        || !(s.starts_with("0x") || s.starts_with("0X"))
        || !b[2..].iter().all(|c| c.is_ascii_hexdigit())
    {
        return false;
    }
    let hex = &s[2..];
    let has_upper = hex.bytes().any(|c| c.is_ascii_uppercase());
    let has_lower = hex.bytes().any(|c| c.is_ascii_lowercase());
    if !(has_upper && has_lower) {
        return false;
    }
    use sha3::{Digest as _, Keccak256};
    let hash = Keccak256::digest(hex.to_ascii_lowercase().as_bytes());
    hex.bytes().enumerate().all(|(i, c)| {
        if !c.is_ascii_alphabetic() {
            return true;
        }
        let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0xf;
        (nibble >= 8) == c.is_ascii_uppercase()
    })
}

/// VIN: 17 characters without I, O, Q, and the North American check digit in
/// position 9 (ISO 3779). Non-NA VINs without a check digit need a hint.
pub fn vin(s: &str) -> bool {
    let b: Vec<u8> = s.bytes().map(|c| c.to_ascii_uppercase()).collect();
    if b.len() != 17
        || b.iter()
            .any(|c| !c.is_ascii_alphanumeric() || matches!(c, b'I' | b'O' | b'Q'))
    {
        return false;
    }
    // A VIN mixes letters and digits: 17 digits is a number, 17 letters a
    // word or a code (the rule's gates ask for a digit too; a VIN's last
    // characters are the serial number's digits).
    if b.iter().all(|c| c.is_ascii_digit()) || !b.iter().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let val = |c: u8| -> u32 {
        match c {
            b'0'..=b'9' => (c - b'0') as u32,
            b'A'..=b'H' => (c - b'A') as u32 + 1,
            b'J'..=b'N' => (c - b'J') as u32 + 1,
            b'P' => 7,
            b'R' => 9,
            b'S'..=b'Z' => (c - b'S') as u32 + 2,
            _ => 0,
        }
    };
    let w = [8u32, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let sum: u32 = b.iter().zip(w).map(|(&c, w)| val(c) * w).sum();
    let r = sum % 11;
    let expect = if r == 10 { b'X' } else { b'0' + r as u8 };
    b[8] == expect
}

/// Email: one '@', a local part, and a domain with a plausible alphabetic TLD.
pub fn email(s: &str) -> bool {
    // Values of up to 64 bytes (nearly all) are judged on bit masks of their
    // dots, dashes, '@'s and letters; longer ones byte by byte. Both give the
    // answer of `tests::email_reference`, which property tests hold them to.
    let b = s.as_bytes();
    let n = b.len();
    if n > 64 {
        return email_bytes(s);
    }
    let m = crate::detect::matching::bytes::masks::<false>(b);
    if m.at == 0 {
        return false;
    }
    // The domain is what follows the last '@'.
    let at = 63 - m.at.leading_zeros() as usize;
    // The TLD: the letters after the last byte that is not one, which must
    // be a '.' (it is after the '@', which is not a letter).
    let all = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
    let not_alpha = !m.alpha & all; // has the '@' bit
    let dot = 63 - not_alpha.leading_zeros() as usize;
    if !(2..=24).contains(&(n - dot - 1)) || (m.dot >> dot) & 1 == 0 {
        return false;
    }
    // Between the '@' and that '.': no empty label (".." or a '.' right
    // after the '@'), none starting or ending with '-' (".-", "-.", or a
    // '-' right after the '@'). Bit k of `bad` flags bytes k and k + 1.
    let bad = (m.dot & (m.dot >> 1)) | (m.dash & (m.dot >> 1)) | (m.dot & (m.dash >> 1));
    let domain_pairs = ((1u64 << dot) - 1) & !(2u64 << at).wrapping_sub(1); // k in at+1..dot
    if bad & domain_pairs != 0 || ((m.dot | m.dash) >> (at + 1)) & 1 != 0 {
        return false;
    }
    // The local part: not empty, no '.' first or last, no "..".
    let local_pairs = ((1u64 << at) >> 1).wrapping_sub(1); // k + 1 < at
    at > 0 && b[0] != b'.' && b[at - 1] != b'.' && m.dot & (m.dot >> 1) & local_pairs == 0
}

/// `email` byte by byte, for values longer than 64 bytes.
fn email_bytes(s: &str) -> bool {
    // One backward pass: the top-level domain, then the domain's labels back
    // to the last '@', then the local part (the same rules as
    // `tests::email_reference`, which a property test holds it to).
    let b = s.as_bytes();
    let n = b.len();
    // The TLD: letters back to a '.'; anything else before them (an '@', a
    // digit, a '-') means the part after the last '.' is not all letters,
    // or the domain has no '.'.
    let mut i = n;
    while i > 0 && b[i - 1].is_ascii_alphabetic() {
        i -= 1;
    }
    if !(2..=24).contains(&(n - i)) || i == 0 || b[i - 1] != b'.' {
        return false;
    }
    // Labels back to the '@': none empty, none starting or ending with '-'
    // (`next` is the byte after the current one; the TLD label is fine).
    let mut k = i - 1; // the '.' before the TLD
    let mut next = b'.';
    let at = loop {
        if k == 0 {
            return false; // no '@'
        }
        k -= 1;
        let c = b[k];
        if c == b'@' {
            break k;
        }
        // `c` followed by `next`: an empty label ("..") or a label that
        // ends with '-' ("-."), or starts with '-' (".-").
        if matches!((c, next), (b'.', b'.') | (b'-', b'.') | (b'.', b'-')) {
            return false;
        }
        next = c;
    };
    // The first label must not be empty or start with '-'.
    if next == b'.' || next == b'-' || n - at - 1 > 253 {
        return false;
    }
    let local = &b[..at];
    if local.is_empty() || local.len() > 64 || local[0] == b'.' || local[local.len() - 1] == b'.' {
        return false;
    }
    !local.windows(2).any(|w| w == b"..")
}

/// "lat, lon" with both in range and enough precision to point at a place.
pub fn geo_pair(s: &str) -> bool {
    geo_pair_with(s, 3)
}

/// A latitude/longitude pair in range, each with at least `decimals` decimals.
fn geo_pair_with(s: &str, decimals: usize) -> bool {
    let t = s.trim_matches(|c| c == '(' || c == ')' || c == '[' || c == ']');
    let mut it = t.split([',', ';']).map(str::trim);
    let (Some(a), Some(b), None) = (it.next(), it.next(), it.next()) else {
        return false;
    };
    let dec = |x: &str| x.split_once('.').map_or(0, |(_, f)| f.len());
    let (Ok(lat), Ok(lon)) = (a.parse::<f64>(), b.parse::<f64>()) else {
        return false;
    };
    (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
        && dec(a) >= decimals
        && dec(b) >= decimals
}

/// A coordinate in degrees, minutes and seconds ("40°26′46″N"), or in
/// decimal degrees with a hemisphere letter before or after ("27.5N",
/// "79.0 W", "S 33.87"), as signed decimal degrees. "73 58 W" is not: minutes
/// need the degree sign.
pub(crate) fn parse_dms(s: &str) -> Option<f64> {
    let s = s.trim();
    let hemisphere = |c: char| match c {
        'N' | 'E' | 'n' | 'e' => Some(1.0),
        'S' | 'W' | 's' | 'w' => Some(-1.0),
        _ => None,
    };
    let (body, sign, lettered) = if let Some(sg) = hemisphere(s.chars().last()?) {
        (&s[..s.len() - 1], sg, true)
    } else if let Some(sg) = hemisphere(s.chars().next()?) {
        (&s[1..], sg, true)
    } else {
        (s, 1.0, false)
    };
    let (body, sign) = match body.trim_start().strip_prefix('-') {
        Some(rest) => (rest, -sign),
        None => (body, sign),
    };
    let Some((deg, rest)) = body.split_once('°') else {
        // Decimal degrees with a hemisphere letter and nothing else.
        let b = body.trim();
        let plain = !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit() || c == b'.');
        return (lettered && plain)
            .then(|| b.parse::<f64>().ok())
            .flatten()
            .filter(|v| v.is_finite())
            .map(|v| sign * v);
    };
    let mut value: f64 = deg.trim().parse().ok()?;
    let mut rest = rest.trim();
    for (marks, scale) in [
        (&['\'', '′', '’'][..], 60.0),
        (&['"', '″', '”'][..], 3600.0),
    ] {
        if rest.is_empty() {
            break;
        }
        let Some(i) = rest.find(marks) else {
            break;
        };
        let part: f64 = rest[..i].trim().parse().ok()?;
        if !(0.0..60.0).contains(&part) {
            return None;
        }
        value += part / scale;
        rest = rest[i..].trim_start_matches(marks).trim();
    }
    (rest.is_empty() && value.is_finite()).then_some(sign * value)
}

/// A latitude and a longitude in degrees and minutes (and seconds), each
/// with its hemisphere letter ("40°26′46″N 79°58′56″W", "33° 52.2′ S, 151°
/// 12.5′ E"): the latitude N or S within 90°, the longitude E or W (O in
/// French, Spanish and German) within 180°, minutes and seconds below 60.
pub fn geo_dms_pair(s: &str) -> bool {
    let Some((lat, lon, a, b)) = hemisphere_pair(s) else {
        return false;
    };
    lat.ends_with(['N', 'S'])
        && lat.contains('°')
        && lon.contains('°')
        && a.abs() <= 90.0
        && b.abs() <= 180.0
}

/// A latitude with its N or S, then a longitude with its E or W (O in
/// French, Spanish and German, read as W), the letters after the numbers
/// or before them ("N40.71 W74.00"), the halves apart by a comma,
/// semicolon, slash or spaces: both halves as written (the longitude's O
/// as W) and their signed degrees (`parse_dms`).
fn hemisphere_pair(s: &str) -> Option<(&str, String, f64, f64)> {
    let t = s.trim_start();
    if t.starts_with(['N', 'S']) {
        let j = t.find(['E', 'W', 'O'])?;
        let (lat, lon) = t.split_at(j);
        let lat = lat.trim_end_matches([',', ';', '/', ' ']);
        let lon = match lon.strip_prefix('O') {
            Some(l) => format!("W{l}"),
            None => lon.to_string(),
        };
        let (a, b) = (parse_dms(lat)?, parse_dms(&lon)?);
        return Some((lat, lon, a, b));
    }
    let i = s.find(['N', 'S'])?;
    let (lat, lon) = s.split_at(i + 1);
    let lon = lon.trim_start_matches([',', ';', '/', ' ']);
    let lon = match lon.strip_suffix('O') {
        Some(l) => format!("{l}W"),
        None => lon.to_string(),
    };
    if !(lon.ends_with('E') || lon.ends_with('W')) {
        return None;
    }
    let (a, b) = (parse_dms(lat)?, parse_dms(&lon)?);
    Some((lat, lon, a, b))
}

/// The unsigned decimal numbers of `s` (digits with one dot inside), in
/// order, with the count of their decimals.
fn decimals_of(s: &str) -> Vec<(f64, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let mut places = 0;
        if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
                places += 1;
            }
        }
        if let Ok(v) = s[start..i].parse::<f64>() {
            out.push((v, places));
        }
    }
    out
}

/// Decimal degrees with hemisphere letters (`hemisphere_pair`), each with
/// two decimals or more or a degree sign (force and power readings, "12.5N
/// 3.2W", have neither), in range.
pub fn geo_hemisphere_pair(s: &str) -> bool {
    let Some((lat, lon, a, b)) = hemisphere_pair(s) else {
        return false;
    };
    let places = |t: &str| {
        t.split_once('.')
            .map_or(0, |(_, f)| f.bytes().take_while(u8::is_ascii_digit).count())
    };
    (s.contains('°') || (places(lat) >= 2 && places(&lon) >= 2))
        && a.abs() <= 90.0
        && b.abs() <= 180.0
}

/// A latitude and a longitude under their keys: the number after the
/// `lat`/`latitude` key at most 90° and the one after the `lon`, `lng`,
/// `long` or `longitude` key at most 180°, both with two decimals or more.
pub fn geo_keyed_pair(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let Some(lat_at) = lower.find("lat") else {
        return false;
    };
    let Some(lon_at) = ["lon", "lng"].iter().filter_map(|k| lower.find(k)).min() else {
        return false;
    };
    // The number after a key: the first one after it.
    let after = |at: usize| {
        decimals_of(&s[at..])
            .first()
            .copied()
            .filter(|&(_, places)| places >= 2)
            .map(|(v, _)| v)
    };
    match (after(lat_at), after(lon_at)) {
        (Some(lat), Some(lon)) => lat <= 90.0 && lon <= 180.0,
        _ => false,
    }
}

/// An ISO 6709 point as the tz database, QuickTime and GPS metadata write
/// it: a signed latitude then a signed longitude, each in degrees (`±DD.D…`,
/// `±DDD.D…`, a fraction required), degrees and minutes (`±DDMM`,
/// `±DDDMM`) or degrees, minutes and seconds (`±DDMMSS`, `±DDDMMSS`), the
/// last of them with an optional fraction; both of the same form, then an
/// optional signed altitude, a `CRS…` name and a closing `/`. The latitude
/// is at most 90°, the longitude at most 180°, minutes and seconds under 60.
pub fn geo_iso6709(s: &str) -> bool {
    let b = s.trim().as_bytes();
    // One signed ordinate from `i`: its whole digits, its fraction's, and
    // where it ends.
    let ordinate = |i: usize| -> Option<(&[u8], &[u8], usize)> {
        if !matches!(b.get(i), Some(b'+' | b'-')) {
            return None;
        }
        let whole = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        let mut end = i + 1 + whole;
        let mut frac: &[u8] = &[];
        if b.get(end) == Some(&b'.') {
            let n = b[end + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if n == 0 {
                return None;
            }
            frac = &b[end + 1..end + 1 + n];
            end += 1 + n;
        }
        Some((&b[i + 1..i + 1 + whole], frac, end))
    };
    let num = |d: &[u8]| d.iter().fold(0u32, |v, &c| v * 10 + (c - b'0') as u32);
    // Degrees of an ordinate whose degrees take `deg` digits, if in form.
    let degrees = |whole: &[u8], frac: &[u8], deg: usize| -> Option<f64> {
        let f = |d: &[u8]| -> f64 {
            std::str::from_utf8(d)
                .ok()
                .and_then(|t| format!("0.{t}").parse().ok())
                .unwrap_or(0.0)
        };
        match whole.len() - deg {
            0 if !frac.is_empty() => Some(num(whole) as f64 + f(frac)),
            2 => {
                let m = num(&whole[deg..]);
                (m < 60).then(|| num(&whole[..deg]) as f64 + (m as f64 + f(frac)) / 60.0)
            }
            4 => {
                let (m, sec) = (num(&whole[deg..deg + 2]), num(&whole[deg + 2..]));
                (m < 60 && sec < 60).then(|| {
                    num(&whole[..deg]) as f64 + m as f64 / 60.0 + (sec as f64 + f(frac)) / 3600.0
                })
            }
            _ => None,
        }
    };
    let Some((lat_w, lat_f, end)) = ordinate(0) else {
        return false;
    };
    let Some((lon_w, lon_f, mut end)) = ordinate(end) else {
        return false;
    };
    // The same form for both: two more digits of degrees for the longitude.
    if lat_w.len() < 2 || lon_w.len() != lat_w.len() + 1 {
        return false;
    }
    let (Some(lat), Some(lon)) = (degrees(lat_w, lat_f, 2), degrees(lon_w, lon_f, 3)) else {
        return false;
    };
    // An altitude, a CRS name, the closing solidus.
    if let Some((w, _, e)) = ordinate(end) {
        if w.is_empty() {
            return false;
        }
        end = e;
    }
    let rest = &b[end..];
    let rest = match rest.strip_prefix(b"CRS") {
        Some(r) => {
            let n = r
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b':')
                .count();
            &r[n..]
        }
        None => rest,
    };
    matches!(rest, [] | [b'/']) && lat <= 90.0 && lon <= 180.0
}

/// A Well-Known Text point whose x and y are a longitude and a latitude in
/// range with three decimals or more (about 100 m): `POINT(x y)`, with an
/// optional `Z`, `M` or `ZM` and their extra ordinates, after an optional
/// `SRID=n;`. A projected point (metres) or a toy one (`POINT (30 10)`) is
/// not a position on the globe this can say anything about.
pub fn geo_wkt_point(s: &str) -> bool {
    let t = s.trim();
    let t = match t.split_once(';') {
        Some((srid, rest)) if srid.trim().to_ascii_uppercase().starts_with("SRID=") => rest,
        Some(_) => return false,
        None => t,
    };
    let t = t.trim_start();
    if t.len() < 5 || !t[..5].eq_ignore_ascii_case("POINT") {
        return false;
    }
    let rest = t[5..].trim_start();
    let Some(open) = rest.find('(') else {
        return false;
    };
    let dims = rest[..open].trim().to_ascii_uppercase();
    let extra = match dims.as_str() {
        "" => 0..=1,
        "Z" | "M" => 1..=1,
        "ZM" => 2..=2,
        _ => return false,
    };
    let Some(body) = rest[open + 1..].trim_end().strip_suffix(')') else {
        return false;
    };
    let nums: Vec<&str> = body.split_whitespace().collect();
    if nums.len() < 2 || !extra.contains(&(nums.len() - 2)) {
        return false;
    }
    let dec = |x: &str| x.split_once('.').map_or(0, |(_, f)| f.len());
    let (Ok(lon), Ok(lat)) = (nums[0].parse::<f64>(), nums[1].parse::<f64>()) else {
        return false;
    };
    nums[2..].iter().all(|n| n.parse::<f64>().is_ok())
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
        && dec(nums[0]) >= 3
        && dec(nums[1]) >= 3
}

/// JWT: three base64url segments, the first decoding to a JSON header with "alg".
pub fn jwt(s: &str) -> bool {
    use base64::Engine;
    let mut parts = s.split('.');
    let Some(header) = parts.next() else {
        return false;
    };
    let Ok(raw) =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header.trim_end_matches('='))
    else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&raw) else {
        return false;
    };
    text.trim_start().starts_with('{') && text.contains("\"alg\"")
}

/// The value assigned in `key = value` looks like a real secret: long, several
/// character classes, not a mask or placeholder.
pub fn secret_entropy(s: &str) -> bool {
    let v = match s.split_once(|c: char| c.is_ascii_whitespace()) {
        // The credential of the Bearer scheme (`Bearer <token>`); a JSON
        // Web Token there is the JWT rule's.
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => {
            let v = rest.trim();
            if v.starts_with("eyJ") && v.matches('.').count() == 2 {
                return false;
            }
            v
        }
        _ => {
            let Some(pos) = s.find([':', '=']) else {
                return false;
            };
            s[pos + 1..].trim().trim_matches(|c| c == '"' || c == '\'')
        }
    };
    if v.len() < 12 {
        return false;
    }
    let classes = [
        v.bytes().any(|c| c.is_ascii_lowercase()),
        v.bytes().any(|c| c.is_ascii_uppercase()),
        v.bytes().any(|c| c.is_ascii_digit()),
        v.bytes().any(|c| !c.is_ascii_alphanumeric()),
    ];
    let mut seen = [false; 256];
    let distinct = v
        .bytes()
        .filter(|&c| !std::mem::replace(&mut seen[c as usize], true))
        .count();
    classes.iter().filter(|&&x| x).count() >= 2 && distinct >= 8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Bearer scheme's credential is judged on its own: generated
    /// tokens pass, words, masks and repeated bytes do not, and a JWT is
    /// left to its own check.
    #[test]
    fn bearer_credentials_are_judged_without_the_scheme() {
        for s in [
            "Bearer 9fQk2LmX7pR4tZ8wB1nV6cH3",
            "bearer AbC-123_xyz.789~DEF/ghi+JKL=",
            "BEARER ya29.a0AfH6SMBx3kP9qL2",
        ] {
            assert!(secret_entropy(s), "{s}");
        }
        for s in [
            "Bearer ****************",
            "Bearer aaaaaaaaaaaaaaaaaaaa",
            "Bearer abcdefghijklmnopqrst",
            "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlMTIz",
        ] {
            assert!(!secret_entropy(s), "{s}");
        }
        // Assignments are read as before.
        assert!(secret_entropy("password=Tr0ub4dor&3xyzQ"));
    }

    /// Degrees and minutes (seconds optional, decimal minutes allowed) with
    /// hemisphere letters, both axes in range; O for west (Spanish, French,
    /// German); minutes and seconds below 60.
    #[test]
    fn dms_pairs_are_positions_in_range() {
        for ok in [
            "40°26′46″N 79°58′56″W",
            "48°51′24″N 2°21′03″E",
            "51°30'26\"N, 0°7'39\"W",
            "33° 52.2′ S 151° 12.5′ E",
            "64°08′N 21°56′W",
            "40°25′N 3°42′O",
            "90°0′N 180°0′E",
        ] {
            assert!(geo_dms_pair(ok), "{ok}");
        }
        for bad in [
            "95°10′N 20°10′E",
            "40°26′46″N 190°58′56″W",
            "40°75′46″N 79°58′56″W",
            "40°26′46″N 79°58′76″W",
            "40°26′46″E 79°58′56″N",
            "40°26′ 79°58′",
        ] {
            assert!(!geo_dms_pair(bad), "{bad}");
        }
    }

    #[test]
    fn hemisphere_and_keyed_pairs_are_positions_in_range() {
        for ok in [
            "40.7128° N, 74.0060° W",
            "40.7128N 74.0060W",
            "N40.7128 W74.0060",
            "S 33.8688 E 151.2093",
            "64.1°N 21.9°W",
        ] {
            assert!(geo_hemisphere_pair(ok), "{ok}");
        }
        for bad in [
            "12.5N 3.2W",
            "95.12 N 20.10 E",
            "40.71 N 190.12 W",
            "W74.0060 N40.7128",
        ] {
            assert!(!geo_hemisphere_pair(bad), "{bad}");
        }
        for ok in [
            "lat=40.7128&lon=-74.0060",
            "{\"lat\": 40.7128, \"lng\": -74.006}",
            "lng=2.3522&lat=48.8566",
            "latitude: 48.85, longitude: 2.35",
            "lat=-33.86&lon=151.21",
        ] {
            assert!(geo_keyed_pair(ok), "{ok}");
        }
        for bad in [
            "lat=95.12&lon=20.10",
            "lat=40.71&lon=190.12",
            "lat=4&lon=7",
            "lat=40.7&lon=-74.0",
        ] {
            assert!(!geo_keyed_pair(bad), "{bad}");
        }
    }

    #[test]
    fn iso6709_points_are_positions_in_range() {
        for ok in [
            "+40.6894-074.0447/",
            "+48.8584+002.2945",
            "+37.7749-122.4194+010.000/",
            "+4230+00131",
            "-3352+15113",
            "+404121-0740224",
            "+1703-06148",
            "+40.20361-075.00417CRSWGS_84/",
            "+4230.5+00131.25",
        ] {
            assert!(geo_iso6709(ok), "{ok}");
        }
        for bad in [
            "+9130+00131",
            "+4230+18131",
            "+4275+00131",
            "+404161-0740224",
            "+4230+0131",
            "+40.6894-74.0447",
            "+40-074",
            "+4230",
            "+4930-1234556x",
            "4230+00131",
            "+4230+00131//",
        ] {
            assert!(!geo_iso6709(bad), "{bad}");
        }
    }

    /// The plain statement of the e-mail rules that `email` implements in one pass.
    fn email_reference(s: &str) -> bool {
        let Some((local, domain)) = s.rsplit_once('@') else {
            return false;
        };
        if local.is_empty()
            || local.len() > 64
            || domain.len() > 253
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
        {
            return false;
        }
        let Some((_, tld)) = domain.rsplit_once('.') else {
            return false;
        };
        (2..=24).contains(&tld.len())
            && tld.bytes().all(|c| c.is_ascii_alphabetic())
            && domain
                .split('.')
                .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
    }

    fn iban_length_reference(cc: &[u8]) -> Option<usize> {
        IBAN_COUNTRIES
            .iter()
            .find(|(c, _)| c.as_slice() == cc)
            .map(|&(_, n)| n as usize)
    }

    /// IBAN mod 97 digit by digit, as the standard states it.
    fn iban_mod97_reference(v: &[u8]) -> u32 {
        v[4..].iter().chain(&v[..4]).fold(0u32, |rem, &c| {
            if c.is_ascii_digit() {
                (rem * 10 + (c - b'0') as u32) % 97
            } else {
                (rem * 100 + (c - b'A') as u32 + 10) % 97
            }
        })
    }

    /// The plain statement of the IBAN rules that `iban` implements in one pass.
    fn iban_reference(s: &str) -> bool {
        let v: String = s.chars().filter(|&c| c != ' ' && c != '-').collect();
        if !(15..=34).contains(&v.len()) || !v.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return false;
        }
        let v = v.to_ascii_uppercase();
        let b = v.as_bytes();
        b[0].is_ascii_alphabetic()
            && b[1].is_ascii_alphabetic()
            && b[2].is_ascii_digit()
            && b[3].is_ascii_digit()
            && iban_length_reference(&b[..2]) == Some(b.len())
            && iban_mod97_reference(b) == 1
    }

    /// The plain statement of `luhn_card`: the digits collected, then the
    /// issuer prefix and length, then Luhn from the right.
    proptest::proptest! {
        /// `digits_n` reads the digits every other byte skipped, or says
        /// there are too many, whether the value is its digits alone or not.
        #[test]
        fn digits_n_are_the_digits_in_order(s in "[0-9 .\\-/a]{0,16}|[0-9]{0,14}") {
            let all: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
            let check = |got: Option<(&[u8], usize)>, n: usize| {
                match got {
                    None => all.len() > n,
                    Some((d, k)) => k == all.len() && d[..k] == all[..],
                }
            };
            let nine = digits_n::<9>(&s);
            proptest::prop_assert!(check(nine.as_ref().map(|(d, k)| (&d[..], *k)), 9), "{s:?} {nine:?}");
            let twelve = digits_n::<12>(&s);
            proptest::prop_assert!(check(twelve.as_ref().map(|(d, k)| (&d[..], *k)), 12), "{s:?} {twelve:?}");
        }
    }

    fn luhn_card_reference(s: &str) -> bool {
        let d: Vec<u8> = s
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        let n = d.len();
        if !(12..=19).contains(&n) || d.iter().all(|&x| x == d[0]) {
            return false;
        }
        let p = |k: usize| d[..k].iter().fold(0u32, |a, &x| a * 10 + x as u32);
        let (p2, p3, p4) = (p(2), p(3), p(4));
        let brand_ok = match d[0] {
            4 => [13, 16, 19].contains(&n),
            5 => {
                ((51..=55).contains(&p2) && n == 16)
                    || ([5018, 5020, 5038, 5893].contains(&p4) && n >= 12)
            }
            2 => {
                ((2221..=2720).contains(&p4) && n == 16)
                    || ((2200..=2204).contains(&p4) && n >= 16)
                    || (p4 == 2131 && n == 15)
            }
            1 => p4 == 1800 && n == 15,
            3 => {
                ([34, 37].contains(&p2) && n == 15)
                    || (((300..=305).contains(&p3) || [36, 38, 39].contains(&p2)) && n >= 14)
                    || ((3528..=3589).contains(&p4) && n >= 16)
            }
            6 => {
                ((p4 == 6011
                    || p2 == 65
                    || (644..=649).contains(&p3)
                    || (622126..=622925).contains(&p(6))
                    || p2 == 62)
                    && n >= 16)
                    || [6304, 6759, 6761, 6762, 6763].contains(&p4)
            }
            _ => false,
        };
        let sum: u32 = d
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &x)| {
                let v = if i % 2 == 1 { x as u32 * 2 } else { x as u32 };
                if v > 9 {
                    v - 9
                } else {
                    v
                }
            })
            .sum();
        brand_ok && sum % 10 == 0 && card_layout(s)
    }

    /// The plain statement of the IPv4 rules that `ipv4` implements in one pass.
    fn ipv4_reference(s: &str) -> bool {
        let parts: Vec<&str> = s.split('.').collect();
        parts.len() == 4
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.len() <= 3
                    && p.bytes().all(|b| b.is_ascii_digit())
                    && !(p.len() > 1 && p.starts_with('0'))
                    && p.parse::<u16>().is_ok_and(|v| v <= 255)
            })
    }

    proptest::proptest! {
        /// Card-like digit strings of every issuer prefix and length, with
        /// separators, and the same strings with their check digit made
        /// right: the one-pass check agrees with the plain statement.
        #[test]
        fn luhn_card_agrees_with_its_reference(
            head in "(4|5[0-6]|2[2-7][0-9]{2}|3[0-9]{2,3}|6[0-9]{2,5}|[0-9])",
            body in "[0-9]{6,20}",
            seps in proptest::collection::vec(0usize..24, 0..4),
            sep in "[ -./a]{1,2}",
            fix in proptest::bool::ANY,
        ) {
            let mut digits = format!("{head}{body}");
            if fix {
                // Make the last digit the Luhn check digit of the others.
                digits.pop();
                let sum: u32 = digits.bytes().rev().enumerate().map(|(i, b)| {
                    let v = (b - b'0') as u32 * if i % 2 == 0 { 2 } else { 1 };
                    if v > 9 { v - 9 } else { v }
                }).sum();
                digits.push(char::from(b'0' + ((10 - sum % 10) % 10) as u8));
            }
            let mut v = digits.clone();
            for &at in seps.iter().rev() {
                if at < v.len() {
                    v.insert_str(at, &sep);
                }
            }
            proptest::prop_assert_eq!(luhn_card(&v), luhn_card_reference(&v), "{}", v);
        }

        #[test]
        fn iban_agrees_with_its_reference(
            v in "(DE|GB|de|NO|XX|D)[0-9]{2}[ -]?[0-9A-Za-z]{4}([ -]?[0-9A-Z]{4}){1,6}[0-9]{0,3}[ é]?"
        ) {
            proptest::prop_assert_eq!(iban(&v), iban_reference(&v), "{}", v);
        }

        /// Valid IBANs of every registry country built with their check
        /// digits, then written with spaces or dashes and in any case: all
        /// pass, and changing one character makes both forms agree again.
        #[test]
        fn valid_ibans_pass_and_agree_when_changed(
            k in 0usize..77,
            bban in "[0-9A-Z]{30}",
            sep in "[ -]?",
            lower in proptest::bool::ANY,
            at in 0usize..34,
            to in "[0-9A-Z]",
        ) {
            let (cc, len) = IBAN_COUNTRIES[k % IBAN_COUNTRIES.len()];
            let cc = std::str::from_utf8(cc).unwrap();
            let bban = &bban[..len as usize - 4];
            let check = 98 - iban_mod97_reference(format!("{cc}00{bban}").as_bytes());
            let plain = format!("{cc}{check:02}{bban}");
            let mut text = plain
                .as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join(&sep);
            if lower {
                text = text.to_lowercase();
            }
            proptest::prop_assert!(iban(&text), "{}", text);
            proptest::prop_assert!(iban_reference(&text));
            let mut changed = plain.into_bytes();
            let at = at % changed.len();
            changed[at] = to.as_bytes()[0];
            let changed = String::from_utf8(changed).unwrap();
            proptest::prop_assert_eq!(iban(&changed), iban_reference(&changed), "{}", changed);
        }

        #[test]
        fn ipv4_agrees_with_its_reference(v in "[0-9]{0,4}(\\.[0-9]{0,4}){0,4}[.a ]?") {
            proptest::prop_assert_eq!(ipv4(&v), ipv4_reference(&v), "{}", v);
        }

        #[test]
        fn email_agrees_with_its_reference(v in "[a-z.@-]{0,6}[@.]?[a-zA-Z0-9.-]{0,12}[.@-]?[a-z]{0,3}") {
            proptest::prop_assert_eq!(email(&v), email_reference(&v), "{}", v);
            proptest::prop_assert_eq!(email_bytes(&v), email_reference(&v), "{}", v);
        }

        /// Addresses around the 64-byte switch between the two forms.
        #[test]
        fn long_emails_agree_with_the_reference(
            v in proptest::prop_oneof![
                "[a-z.]{1,40}[@.]?[a-z@.-]{0,30}\\.[a-zé]{1,25}",
                "[a-z]{20,40}(\\.[a-z]{1,5})?@[a-z]{1,20}([.-][a-z-]{0,10})?\\.[a-z]{1,7}",
            ]
        ) {
            proptest::prop_assert_eq!(email(&v), email_reference(&v), "{}", v);
            proptest::prop_assert_eq!(email_bytes(&v), email_reference(&v), "{}", v);
        }

    }

    #[test]
    fn iban_length_table_holds_every_registry_entry() {
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                assert_eq!(iban_length(&[a, b]), iban_length_reference(&[a, b]));
            }
        }
        assert_eq!(iban_length(b"DE"), Some(22));
        assert_eq!(iban_length(b"de"), None);
        assert_eq!(iban_length(b"D"), None);
    }

    // Published or generator-verified test numbers, valid and invalid.
    #[test]
    fn cards() {
        for ok in [
            "4111 1111 1111 1111",
            "5555555555554444",
            "378282246310005",
            "6011111111111117",
            "3530111333300000",
            "2223003122003222",
            "30569309025904",
        ] {
            assert!(luhn_card(ok), "{ok}");
        }
        for bad in [
            "4111 1111 1111 1112",
            "1234567812345678",
            "0000000000000000",
            "9111111111111111",
            "4111111111111",
        ] {
            assert!(!luhn_card(bad), "{bad}");
        }
        // Written as issuers print them: fours, 4-6-5, 4-6-4, a short last group.
        for ok in [
            "5555-5555-5555-4444",
            "3782 822463 10005",
            "3056 930902 5904",
            "4222 2222 2222 2",
            "6759 6498 2643 8453",
        ] {
            assert!(luhn_card(ok), "{ok}");
        }
        // The same digits (Luhn and issuer valid) in the groups of order,
        // invoice and reference numbers.
        for bad in [
            "411-1111111-1111111",
            "41111-11111-111111",
            "555555-5555-554444",
            "37-8282246310005",
            "4111 11 1111 1111 11",
            "30569-309025904",
        ] {
            assert!(!luhn_card(bad), "{bad}");
        }
    }

    #[test]
    fn ssn_and_itin() {
        assert!(us_ssn("536-22-8726"));
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "912-12-3456",
            "123-00-4567",
            "123-45-0000",
            "078-05-1120",
            "123-45-678",
        ] {
            assert!(!us_ssn(bad), "{bad}");
        }
        assert!(us_itin("912-70-1234"));
        assert!(!us_itin("912-89-1234"));
        assert!(!us_itin("812-70-1234"));
    }

    #[test]
    fn routing_and_npi() {
        assert!(aba_routing("011000015"));
        assert!(aba_routing("021000021"));
        assert!(!aba_routing("021000022"));
        assert!(!aba_routing("991000021"));
        assert!(us_npi("1234567893"));
        assert!(!us_npi("1234567890"));
    }

    #[test]
    fn ibans() {
        for ok in [
            "DE89370400440532013000",
            "GB82 WEST 1234 5698 7654 32",
            "FR1420041010050500013M02606",
            "NL91ABNA0417164300",
            "ES9121000418450200051332",
        ] {
            assert!(iban(ok), "{ok}");
        }
        for bad in [
            "DE89370400440532013001",
            "DE8937040044053201300",
            "XX89370400440532013000",
            "GB82WEST1234569876543",
        ] {
            assert!(!iban(bad), "{bad}");
        }
    }

    #[test]
    fn network() {
        assert!(ipv4("192.168.1.20"));
        assert!(!ipv4("256.1.1.1"));
        assert!(!ipv4("1.2.3"));
        assert!(!ipv4("01.2.3.4"));
        assert!(ipv6("2001:db8::8a2e:370:7334"));
        assert!(!ipv6("12:30"));
        assert!(mac("00:1A:2B:3C:4D:5E"));
        assert!(mac("001a.2b3c.4d5e"));
        assert!(!mac("00:1A-2B:3C:4D:5E"));
    }

    #[test]
    fn uk() {
        assert!(uk_nhs("943 476 5919"));
        assert!(!uk_nhs("943 476 5918"));
        assert!(uk_nino("AB 12 34 56 C"));
        assert!(!uk_nino("DA123456C"));
        assert!(!uk_nino("AB123456E"));
    }

    #[test]
    fn europe() {
        assert!(de_tax_id("86095742719"));
        assert!(!de_tax_id("86095742718"));
        assert!(es_nif("12345678Z"));
        assert!(!es_nif("12345678A"));
        assert!(es_nif("X1234567L"));
        assert!(it_fiscal_code("RSSMRA85T10A562S"));
        assert!(!it_fiscal_code("RSSMRA85T10A562T"));
        assert!(fr_insee("2 55 08 14 168 025 38"));
        assert!(!fr_insee("2 55 08 14 168 025 39"));
        assert!(pl_pesel("44051401359"));
        assert!(!pl_pesel("44051401358"));
    }

    #[test]
    fn rest_of_world() {
        assert!(in_aadhaar("2341 2341 2346"));
        assert!(!in_aadhaar("2341 2341 2345"));
        assert!(in_pan("ABCPE1234F"));
        assert!(!in_pan("ABCXE1234F"));
        assert!(br_cpf("529.982.247-25"));
        assert!(!br_cpf("529.982.247-26"));
        assert!(!br_cpf("111.111.111-11"));
        assert!(ca_sin("130 692 544"));
        assert!(!ca_sin("130 692 545"));
        assert!(au_tfn("123 456 782"));
        assert!(!au_tfn("123 456 789"));
        assert!(sg_nric("S1234567D"));
        assert!(!sg_nric("S1234567A"));
    }

    #[test]
    fn crypto_and_vehicles() {
        assert!(base58check("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
        assert!(!base58check("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"));
        assert!(bech32("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
        assert!(!bech32("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"));
        assert!(eth_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
        assert!(!eth_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"));
        assert!(vin("1HGCM82633A004352"));
        assert!(!vin("1HGCM82643A004352"));
        // Seventeen letters with a valid check letter (X) are no VIN.
        assert!(!vin("pBShVFNDxBjNBencP"));
    }

    #[test]
    fn misc() {
        assert!(email("jane.doe@example.co.uk"));
        assert!(!email("user@localhost"));
        assert!(!email("a..b@x.com"));
        assert!(geo_pair("48.8584, 2.2945"));
        assert!(!geo_pair("148.8584, 2.2945"));
        assert!(!geo_pair("1.5, 2.5"));
        for ok in [
            "POINT(-0.1276 51.5072)",
            "POINT (2.29450 48.85840)",
            "point(151.2093 -33.8688)",
            "SRID=4326;POINT(-73.9857 40.7484)",
            "POINT Z (13.4050 52.5200 34.0)",
            "POINT ZM (13.4050 52.5200 34.0 7)",
        ] {
            assert!(geo_wkt_point(ok), "{ok}");
        }
        for bad in [
            "POINT (30 10)",
            "POINT(-8238310.12 4970071.55)",
            "POINT(51.5072 -190.1276)",
            "POINT(-0.1276 91.5072)",
            "POINT Z (13.4050 52.5200)",
            "POINT(13.4050)",
            "LINESTRING(13.4050 52.5200, 13.5 52.6)",
            "POINT(13.4050 52.5200",
        ] {
            assert!(!geo_wkt_point(bad), "{bad}");
        }
        assert!(jwt(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.abc"
        ));
        assert!(!jwt("abc.def.ghi"));
        assert!(swift_bic("DEUTDEFF"));
        assert!(swift_bic("NEDSZAJJXXX"));
        assert!(!swift_bic("PASSWORD"));
    }

    /// Words in capitals that have a BIC's shape (a country code in the
    /// fifth and sixth letters) are words; real bank codes, with letters
    /// only or with digits, stay codes.
    #[test]
    fn words_in_capitals_are_not_bank_codes() {
        for word in [
            "MINISTER", "CUSTOMER", "OPERATOR", "BUSINESS", "DELIVERY", "DOCUMENT", "REGISTER",
        ] {
            assert!(!swift_bic(word), "{word}");
        }
        for code in [
            "DEUTDEFF",
            "COBADEFF",
            "BNPAFRPP",
            "CHASUS33",
            "BARCGB22",
            "UBSWCHZH80A",
            "HSBCHKHHHKH",
            "NEDSZAJJXXX",
        ] {
            assert!(swift_bic(code), "{code}");
        }
    }
}
