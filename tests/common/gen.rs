//! Seeded generator of realistic, messy test tables with ground truth.
//!
//! Shared by `examples/gen_fixtures.rs` (writes `fixtures/`) and the accuracy
//! tests (which also generate fresh tables with other seeds, so the rules are
//! not only ever checked against the committed files).
//!
//! What makes it hard: misleading and opaque column names, free-text columns
//! with PII in a minority of rows, several locales and formats per entity,
//! nulls, dictionary-encoded columns, nested structs, and columns of hard
//! negatives (UUIDs, digests, 16-digit numbers failing Luhn, 9-digit numbers,
//! IBAN-shaped strings with bad checksums, timestamps, SKUs, versions).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, Date32Array, DictionaryArray, Float64Array, Int64Array, ListBuilder,
    StringArray, StringBuilder, StructArray,
};
use arrow::datatypes::{DataType, Field, Int32Type, Schema};
use arrow::record_batch::RecordBatch;
use piigate::validators as v;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

/// table → column → expected entity labels (columns absent: none expected).
pub type Truth = BTreeMap<String, BTreeMap<String, Vec<String>>>;

pub struct Gen {
    pub rng: StdRng,
    first: Vec<String>,
    last: Vec<String>,
}

const FIRST_INTL: &[&str] = &[
    "María",
    "José",
    "François",
    "Zoë",
    "Łukasz",
    "Jürgen",
    "Søren",
    "Priya",
    "Rahul",
    "Wei",
    "Yuki",
    "Fatima",
    "Oluwaseun",
    "Chloé",
    "Giulia",
    "Matteo",
    "João",
    "Ana",
    "Mohammed",
    "Aisha",
];
const LAST_INTL: &[&str] = &[
    "García",
    "Müller",
    "Dubois",
    "Rossi",
    "Kowalski",
    "Sharma",
    "Patel",
    "Silva",
    "Nguyen",
    "Wang",
    "Tanaka",
    "Okafor",
    "Fernández",
    "Schröder",
    "Lefebvre",
    "Santos",
    "Kim",
    "Singh",
];
const STREETS_EN: &[&str] = &[
    "Maple",
    "Oak",
    "Cedar",
    "Pine",
    "Elm",
    "Washington",
    "Lake",
    "Hill",
    "Sunset",
    "Park",
    "Main",
    "Church",
    "Highland",
    "Meadow",
];
const TYPES_EN: &[&str] = &[
    "Street",
    "St",
    "Avenue",
    "Ave",
    "Road",
    "Rd",
    "Boulevard",
    "Blvd",
    "Lane",
    "Drive",
    "Dr",
    "Court",
    "Way",
    "Place",
];
const CITIES: &[&str] = &[
    "Springfield",
    "Berlin",
    "Paris",
    "Madrid",
    "Milano",
    "London",
    "Austin",
    "Lyon",
    "Kraków",
    "Toronto",
    "Sydney",
    "Mumbai",
    "São Paulo",
];
const DOMAINS: &[&str] = &[
    "example.com",
    "mail.example.org",
    "example.co.uk",
    "beispiel.de",
    "exemple.fr",
    "ejemplo.es",
    "corp.example.net",
];
const BANKS: &[&str] = &[
    "DEUT", "COBA", "BNPA", "SOGE", "BARC", "HSBC", "NEDS", "INGB", "RABO", "BBVA", "UNCR", "CITI",
    "CHAS",
];
const PRODUCTS: &[&str] = &[
    "Apple iPhone 14",
    "Samsung Galaxy S23",
    "Dell XPS 13",
    "Nike Air Max",
    "Sony WH-1000XM5",
    "Logitech MX Master",
    "Kindle Paperwhite",
    "Dyson V15",
    "Canon EOS R6",
    "Bose QC45",
];
const COMPANIES: &[&str] = &[
    "Johnson & Johnson",
    "Wells Fargo",
    "Procter & Gamble",
    "Morgan Stanley",
    "Ford Motor",
    "Berkshire Hathaway",
    "Goldman Sachs",
    "Charles Schwab",
    "Lockheed Martin",
    "Dow Jones",
];
const WORDS: &[&str] = &[
    "order",
    "shipped",
    "delayed",
    "customer",
    "requested",
    "refund",
    "the",
    "package",
    "arrived",
    "damaged",
    "please",
    "update",
    "status",
    "ticket",
    "escalated",
    "to",
    "tier",
    "two",
    "resolved",
    "after",
    "call",
    "with",
    "support",
    "agent",
    "invoice",
    "attached",
    "payment",
    "pending",
    "review",
    "warehouse",
    "backorder",
    "replacement",
    "sent",
    "on",
    "friday",
    "confirmed",
    "by",
    "email",
    "thanks",
    "for",
    "your",
    "patience",
];

impl Gen {
    pub fn new(seed: u64) -> Self {
        let dict = |t: &str| {
            t.lines()
                .filter(|l| !l.is_empty())
                .map(|l| {
                    let mut c = l.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
        };
        let first = dict(include_str!("../../rules/dict/first_names.txt"))
            .into_iter()
            .take(3000)
            .collect();
        let last = dict(include_str!("../../rules/dict/surnames.txt"))
            .into_iter()
            .take(3000)
            .collect();
        Gen {
            rng: StdRng::seed_from_u64(seed),
            first,
            last,
        }
    }

    fn pick<'a, T: ?Sized>(&mut self, xs: &'a [&'a T]) -> &'a T {
        xs[self.rng.gen_range(0..xs.len())]
    }
    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.rng.gen_range(0..10u8)))
            .collect()
    }
    fn upper(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'A' + self.rng.gen_range(0..26u8)))
            .collect()
    }
    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdef"[self.rng.gen_range(0..16)]))
            .collect()
    }
    /// Rejection-sample a value that passes `ok`.
    fn until(
        &mut self,
        mut make: impl FnMut(&mut Self) -> String,
        ok: impl Fn(&str) -> bool,
    ) -> String {
        loop {
            let s = make(self);
            if ok(&s) {
                return s;
            }
        }
    }

    pub fn first_name(&mut self) -> String {
        if self.chance(0.25) {
            self.pick(FIRST_INTL).to_string()
        } else {
            let i = self.rng.gen_range(0..self.first.len());
            self.first[i].clone()
        }
    }
    pub fn last_name(&mut self) -> String {
        if self.chance(0.25) {
            self.pick(LAST_INTL).to_string()
        } else {
            let i = self.rng.gen_range(0..self.last.len().min(1500));
            self.last[i].clone()
        }
    }
    pub fn full_name(&mut self) -> String {
        let (f, l) = (self.first_name(), self.last_name());
        match self.rng.gen_range(0..10) {
            0 => format!("{l}, {f}"),
            1 => format!("{} {}", f.to_uppercase(), l.to_uppercase()),
            2 => format!("Dr. {f} {l}"),
            3 => format!("{f} {} {l}", self.first_name()),
            _ => format!("{f} {l}"),
        }
    }
    pub fn email(&mut self) -> String {
        let f = fold(&self.first_name()).replace(' ', "");
        let l = fold(&self.last_name()).replace(' ', "");
        let d = self.pick(DOMAINS);
        match self.rng.gen_range(0..5) {
            0 => format!("{f}.{l}@{d}"),
            1 => format!("{}{l}{}@{d}", &f[..1], self.rng.gen_range(1..99)),
            2 => format!("{f}_{l}+news@{d}"),
            3 => format!(
                "{}.{}@{}",
                f.to_uppercase(),
                l.to_uppercase(),
                d.to_uppercase()
            ),
            _ => format!("{l}{f}@{d}"),
        }
    }
    pub fn phone(&mut self) -> String {
        let nanp = |g: &mut Gen| format!("{}{}{}", g.rng.gen_range(2..10), g.digits(2), "");
        match self.rng.gen_range(0..8) {
            0 => {
                let a = nanp(self);
                let e = self.rng.gen_range(200..999);
                format!("({a}) {e}-{}", self.digits(4))
            }
            1 => {
                let a = nanp(self);
                let e = self.rng.gen_range(200..999);
                format!("+1 {a}-{e}-{}", self.digits(4))
            }
            2 => {
                let a = nanp(self);
                let e = self.rng.gen_range(200..999);
                format!("{a}.{e}.{}", self.digits(4))
            }
            3 => format!("+44 20 {} {}", self.digits(4), self.digits(4)),
            4 => format!("+49 {} {}", 150 + self.rng.gen_range(1..9), self.digits(8)),
            5 => format!("0{} {}", self.rng.gen_range(30..89), self.digits(7)),
            6 => format!(
                "+33 {} {} {} {} {}",
                self.rng.gen_range(1..8),
                self.digits(2),
                self.digits(2),
                self.digits(2),
                self.digits(2)
            ),
            _ => format!("+91 9{} {}", self.digits(4), self.digits(5)),
        }
    }
    pub fn card(&mut self) -> String {
        let raw = self.until(
            |g| {
                let (p, n) = match g.rng.gen_range(0..5) {
                    0 => ("4".to_string(), 16),
                    1 => (format!("5{}", g.rng.gen_range(1..6)), 16),
                    2 => (["34", "37"][g.rng.gen_range(0..2)].to_string(), 15),
                    3 => ("6011".to_string(), 16),
                    _ => ("35".to_string() + &g.rng.gen_range(28..90).to_string(), 16),
                };
                let rest = g.digits(n - p.len());
                p + &rest
            },
            v::luhn_card,
        );
        match self.rng.gen_range(0..3) {
            0 => raw
                .as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join(" "),
            1 => raw
                .as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join("-"),
            _ => raw,
        }
    }
    pub fn ssn(&mut self, dashed: bool) -> String {
        let s = self.until(
            |g| {
                format!(
                    "{:03}{:02}{:04}",
                    g.rng.gen_range(1..900),
                    g.rng.gen_range(1..100),
                    g.rng.gen_range(1..10000)
                )
            },
            v::us_ssn,
        );
        if dashed {
            format!("{}-{}-{}", &s[..3], &s[3..5], &s[5..])
        } else {
            s
        }
    }
    pub fn itin(&mut self) -> String {
        let s = self.until(
            |g| {
                format!(
                    "9{}{:02}{}",
                    g.digits(2),
                    g.rng.gen_range(50..100),
                    g.digits(4)
                )
            },
            v::us_itin,
        );
        format!("{}-{}-{}", &s[..3], &s[3..5], &s[5..])
    }
    pub fn routing(&mut self) -> String {
        self.until(
            |g| {
                format!(
                    "{:02}{}",
                    [1, 2, 3, 5, 11, 21, 26, 31, 61, 67, 71][g.rng.gen_range(0..11)],
                    g.digits(7)
                )
            },
            v::aba_routing,
        )
    }
    pub fn npi(&mut self) -> String {
        self.until(
            |g| format!("{}{}", g.rng.gen_range(1..3), g.digits(9)),
            v::us_npi,
        )
    }
    pub fn iban(&mut self) -> String {
        let (cc, bban) = match self.rng.gen_range(0..6) {
            0 => ("DE", self.digits(18)),
            1 => (
                "GB",
                format!(
                    "{}{}",
                    self.pick(&["WEST", "BARC", "HBUK", "NWBK"]),
                    self.digits(14)
                ),
            ),
            2 => (
                "FR",
                format!("{}{}{}", self.digits(10), self.upper(1), self.digits(12)),
            ),
            3 => ("ES", self.digits(20)),
            4 => (
                "NL",
                format!(
                    "{}{}",
                    self.pick(&["ABNA", "INGB", "RABO"]),
                    self.digits(10)
                ),
            ),
            _ => ("IT", format!("{}{}", self.upper(1), self.digits(22))),
        };
        let check = iban_check(cc, &bban);
        let s = format!("{cc}{check:02}{bban}");
        if self.chance(0.4) {
            s.as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            s
        }
    }
    pub fn bad_iban(&mut self) -> String {
        let good = self.iban().replace(' ', "");
        let check: u32 = good[2..4].parse().unwrap_or(0);
        format!(
            "{}{:02}{}",
            &good[..2],
            (check + 1 + self.rng.gen_range(0..50)) % 97 + 2,
            &good[4..]
        )
    }
    pub fn bic(&mut self) -> String {
        let cc = self.pick(&["DE", "FR", "GB", "ES", "IT", "NL", "US", "ZA"]);
        let loc = format!("{}{}", self.upper(1), self.rng.gen_range(1..10));
        let b = self.pick(BANKS);
        if self.chance(0.5) {
            format!("{b}{cc}{loc}")
        } else {
            format!("{b}{cc}{loc}{}", self.pick(&["XXX", "100", "ABC"]))
        }
    }
    pub fn ipv4(&mut self) -> String {
        format!(
            "{}.{}.{}.{}",
            self.rng.gen_range(1..224),
            self.rng.gen_range(0..256),
            self.rng.gen_range(0..256),
            self.rng.gen_range(1..255)
        )
    }
    pub fn ipv6(&mut self) -> String {
        format!(
            "2001:db8:{:x}:{:x}::{:x}",
            self.rng.gen_range(0..65535),
            self.rng.gen_range(0..65535),
            self.rng.gen_range(1..65535)
        )
    }
    pub fn mac(&mut self) -> String {
        let b: Vec<String> = (0..6)
            .map(|_| format!("{:02X}", self.rng.gen_range(0..256)))
            .collect();
        if self.chance(0.5) {
            b.join(":")
        } else {
            b.join("-").to_lowercase()
        }
    }
    pub fn street(&mut self) -> String {
        match self.rng.gen_range(0..6) {
            0 | 1 => format!(
                "{} {} {}",
                self.rng.gen_range(1..9999),
                self.pick(STREETS_EN),
                self.pick(TYPES_EN)
            ),
            2 => format!(
                "{}{} {}",
                self.pick(&["Haupt", "Bahnhof", "Schiller", "Goethe", "Linden", "Berg"]),
                self.pick(&["straße", "str.", "weg", "allee"]),
                self.rng.gen_range(1..200)
            ),
            3 => format!(
                "{} rue {}",
                self.rng.gen_range(1..150),
                self.pick(&["de la Paix", "Victor Hugo", "du Moulin", "des Lilas"])
            ),
            4 => format!(
                "{} {}, {}",
                self.pick(&["Calle", "Avenida", "Via", "Corso"]),
                self.pick(&["Mayor", "Roma", "Garibaldi", "del Sol", "Dante"]),
                self.rng.gen_range(1..300)
            ),
            _ => format!(
                "{} {} {}, {}",
                self.rng.gen_range(1..999),
                self.pick(STREETS_EN),
                self.pick(TYPES_EN),
                self.pick(CITIES)
            ),
        }
    }
    pub fn date(&mut self, y0: i32, y1: i32) -> (i32, u32, u32) {
        (
            self.rng.gen_range(y0..y1),
            self.rng.gen_range(1..13),
            self.rng.gen_range(1..29),
        )
    }
    pub fn dob(&mut self) -> String {
        let (y, m, d) = self.date(1935, 2006);
        match self.rng.gen_range(0..4) {
            0 => format!("{y}-{m:02}-{d:02}"),
            1 => format!("{m:02}/{d:02}/{y}"),
            2 => format!("{d:02}.{m:02}.{y}"),
            _ => format!(
                "{d} {} {y}",
                [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec"
                ][m as usize - 1]
            ),
        }
    }
    pub fn timestamp(&mut self) -> String {
        let (y, m, d) = self.date(2015, 2026);
        format!(
            "{y}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            self.rng.gen_range(0..24),
            self.rng.gen_range(0..60),
            self.rng.gen_range(1..60)
        )
    }
    pub fn nino(&mut self) -> String {
        let s = self.until(
            |g| {
                format!(
                    "{}{}{}",
                    g.upper(2),
                    g.digits(6),
                    ["A", "B", "C", "D"][g.rng.gen_range(0..4)]
                )
            },
            v::uk_nino,
        );
        if self.chance(0.5) {
            format!(
                "{} {} {} {} {}",
                &s[..2],
                &s[2..4],
                &s[4..6],
                &s[6..8],
                &s[8..]
            )
        } else {
            s
        }
    }
    pub fn nhs(&mut self) -> String {
        let s = self.until(|g| g.digits(10), v::uk_nhs);
        if self.chance(0.5) {
            format!("{} {} {}", &s[..3], &s[3..6], &s[6..])
        } else {
            s
        }
    }
    pub fn de_tax(&mut self) -> String {
        self.until(
            |g| format!("{}{}", g.rng.gen_range(1..10), g.digits(10)),
            v::de_tax_id,
        )
    }
    pub fn es_nif(&mut self) -> String {
        let letters = b"TRWAGMYFPDXBNJZSQVHLCKE";
        if self.chance(0.7) {
            let n: u32 = self.rng.gen_range(1_000_000..99_999_999);
            format!("{n:08}{}", letters[(n % 23) as usize] as char)
        } else {
            let p = self.rng.gen_range(0..3u32);
            let n: u32 = self.rng.gen_range(0..9_999_999);
            format!(
                "{}{n:07}{}",
                ['X', 'Y', 'Z'][p as usize],
                letters[((p * 10_000_000 + n) % 23) as usize] as char
            )
        }
    }
    pub fn it_cf(&mut self) -> String {
        self.until(
            |g| {
                format!(
                    "{}{:02}{}{:02}{}{}{}",
                    g.upper(6),
                    g.rng.gen_range(40..99),
                    ["A", "B", "C", "D", "E", "H", "L", "M", "P", "R", "S", "T"]
                        [g.rng.gen_range(0..12)],
                    g.rng.gen_range(1..71),
                    g.upper(1),
                    g.digits(3),
                    g.upper(1)
                )
            },
            v::it_fiscal_code,
        )
    }
    pub fn insee(&mut self) -> String {
        let body = format!(
            "{}{:02}{:02}{:02}{}{}",
            self.rng.gen_range(1..3),
            self.rng.gen_range(40..99),
            self.rng.gen_range(1..13),
            self.rng.gen_range(1..96),
            self.digits(3),
            self.digits(3)
        );
        let n: u64 = body.parse().unwrap_or(0);
        let key = 97 - n % 97;
        if self.chance(0.5) {
            format!(
                "{} {} {} {} {} {} {key:02}",
                &body[..1],
                &body[1..3],
                &body[3..5],
                &body[5..7],
                &body[7..10],
                &body[10..]
            )
        } else {
            format!("{body}{key:02}")
        }
    }
    pub fn pesel(&mut self) -> String {
        self.until(
            |g| {
                format!(
                    "{:02}{:02}{:02}{}",
                    g.rng.gen_range(40..99),
                    g.rng.gen_range(1..13),
                    g.rng.gen_range(1..29),
                    g.digits(5)
                )
            },
            v::pl_pesel,
        )
    }
    pub fn aadhaar(&mut self) -> String {
        let s = self.until(
            |g| format!("{}{}", g.rng.gen_range(2..10), g.digits(11)),
            v::in_aadhaar,
        );
        if self.chance(0.5) {
            format!("{} {} {}", &s[..4], &s[4..8], &s[8..])
        } else {
            s
        }
    }
    pub fn pan(&mut self) -> String {
        format!(
            "{}{}{}{}{}",
            self.upper(3),
            ["P", "C", "H", "F"][self.rng.gen_range(0..4)],
            self.upper(1),
            self.rng.gen_range(1000..9999),
            self.upper(1)
        )
    }
    pub fn cpf(&mut self) -> String {
        let s = self.until(|g| g.digits(11), v::br_cpf);
        if self.chance(0.6) {
            format!("{}.{}.{}-{}", &s[..3], &s[3..6], &s[6..9], &s[9..])
        } else {
            s
        }
    }
    pub fn sin(&mut self) -> String {
        let s = self.until(
            |g| format!("{}{}", g.rng.gen_range(1..8), g.digits(8)),
            v::ca_sin,
        );
        if self.chance(0.6) {
            format!("{} {} {}", &s[..3], &s[3..6], &s[6..])
        } else {
            s
        }
    }
    pub fn tfn(&mut self) -> String {
        let s = self.until(|g| g.digits(9), v::au_tfn);
        format!("{} {} {}", &s[..3], &s[3..6], &s[6..])
    }
    pub fn nric(&mut self) -> String {
        self.until(
            |g| {
                format!(
                    "{}{}{}",
                    ["S", "T", "F", "G"][g.rng.gen_range(0..4)],
                    g.digits(7),
                    g.upper(1)
                )
            },
            v::sg_nric,
        )
    }
    pub fn btc(&mut self) -> String {
        let mut payload = vec![if self.chance(0.5) { 0u8 } else { 5u8 }];
        payload.extend((0..20).map(|_| self.rng.gen::<u8>()));
        let h = Sha256::digest(Sha256::digest(&payload));
        payload.extend_from_slice(&h[..4]);
        base58(&payload)
    }
    pub fn eth(&mut self) -> String {
        use sha3::{Digest as _, Keccak256};
        let hex = self.hex(40);
        let hash = Keccak256::digest(hex.as_bytes());
        let out: String = hex
            .chars()
            .enumerate()
            .map(|(i, c)| {
                let nib = (hash[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 0xf;
                if c.is_ascii_alphabetic() && nib >= 8 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect();
        format!("0x{out}")
    }
    pub fn wallet(&mut self) -> String {
        if self.chance(0.5) {
            self.btc()
        } else {
            self.eth()
        }
    }
    pub fn aws_key(&mut self) -> String {
        let b32 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        format!(
            "{}{}",
            ["AKIA", "ASIA"][self.rng.gen_range(0..2)],
            (0..16)
                .map(|_| b32[self.rng.gen_range(0..32)] as char)
                .collect::<String>()
        )
    }
    pub fn secret(&mut self) -> String {
        use base64::Engine;
        let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let alnum = |g: &mut Gen, n: usize| {
            (0..n)
                .map(|_| {
                    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                        [g.rng.gen_range(0..62)] as char
                })
                .collect::<String>()
        };
        match self.rng.gen_range(0..3) {
            0 => format!(
                "{}.{}.{}",
                e.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
                e.encode(format!(
                    r#"{{"sub":"{}","exp":{}}}"#,
                    self.digits(6),
                    self.digits(10)
                )),
                alnum(self, 43)
            ),
            1 => format!("ghp_{}", alnum(self, 36)),
            _ => format!("sk_live_{}", alnum(self, 24)),
        }
    }
    pub fn vin(&mut self) -> String {
        self.until(
            |g| {
                let chars = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
                (0..17)
                    .map(|i| {
                        if i >= 12 {
                            (b'0' + g.rng.gen_range(0..10)) as char
                        } else {
                            chars[g.rng.gen_range(0..chars.len())] as char
                        }
                    })
                    .collect()
            },
            v::vin,
        )
    }
    pub fn geo_pair(&mut self) -> String {
        format!(
            "{:.5}, {:.5}",
            self.rng.gen_range(-60.0..70.0),
            self.rng.gen_range(-170.0..170.0)
        )
    }
    pub fn url(&mut self) -> String {
        format!(
            "https://{}/{}/{}?ref={}",
            self.pick(DOMAINS),
            self.pick(&["profile", "orders", "u", "account"]),
            self.rng.gen_range(1000..99999),
            self.hex(6)
        )
    }
    pub fn passport(&mut self) -> String {
        if self.chance(0.5) {
            self.digits(9)
        } else {
            format!("{}{}", self.upper(1), self.digits(8))
        }
    }
    pub fn driver_license(&mut self) -> String {
        match self.rng.gen_range(0..3) {
            0 => format!("{}{}", self.upper(1), self.digits(7)),
            1 => self.digits(9),
            _ => format!("{}{}", self.upper(1), self.digits(12)),
        }
    }
    pub fn uuid(&mut self) -> String {
        let h = self.hex(32);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..]
        )
    }
    pub fn sentence(&mut self, n: usize) -> String {
        let mut w: Vec<&str> = (0..n).map(|_| self.pick(WORDS)).collect();
        if let Some(f) = w.first_mut() {
            *f = self.pick(&[
                "Order", "Customer", "Package", "Ticket", "Refund", "Support",
            ]);
        }
        w.join(" ") + "."
    }
    pub fn non_luhn_16(&mut self) -> String {
        self.until(
            |g| format!("{}{}", g.rng.gen_range(3..7), g.digits(15)),
            |s| !v::luhn_card(s),
        )
    }
    pub fn sku(&mut self) -> String {
        format!(
            "SKU-{}-{}",
            self.digits(5),
            self.pick(&["BLK", "WHT", "RED", "XL", "M"])
        )
    }
    pub fn version(&mut self) -> String {
        if self.chance(0.5) {
            format!(
                "{}.{}.{}",
                self.rng.gen_range(0..20),
                self.rng.gen_range(0..40),
                self.rng.gen_range(0..100)
            )
        } else {
            format!(
                "{}.{}.{}.{}",
                self.rng.gen_range(1..12),
                self.rng.gen_range(0..10),
                self.rng.gen_range(0..10),
                self.rng.gen_range(0..5000)
            )
        }
    }
}

fn iban_check(cc: &str, bban: &str) -> u32 {
    let s = format!("{bban}{cc}00");
    let mut rem = 0u32;
    for c in s.chars() {
        let v = if c.is_ascii_digit() {
            c as u32 - '0' as u32
        } else {
            c as u32 - 'A' as u32 + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    98 - rem
}

fn base58(bytes: &[u8]) -> String {
    const A: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut digits: Vec<u8> = vec![0];
    for &b in bytes {
        let mut carry = b as u32;
        for d in digits.iter_mut() {
            carry += (*d as u32) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    let mut s: String = std::iter::repeat_n('1', zeros).collect();
    s.extend(
        digits
            .iter()
            .rev()
            .skip_while(|&&d| d == 0)
            .map(|&d| A[d as usize] as char),
    );
    s
}

/// A column under construction: values (None = null) and the truth for it.
struct Col {
    name: String,
    values: ArrayRef,
    truth: Vec<&'static str>,
}

fn strings(name: &str, vals: Vec<Option<String>>, truth: &[&'static str]) -> Col {
    Col {
        name: name.into(),
        values: Arc::new(StringArray::from(vals)),
        truth: truth.to_vec(),
    }
}

fn with_nulls(
    g: &mut Gen,
    n: usize,
    p_null: f64,
    mut f: impl FnMut(&mut Gen) -> String,
) -> Vec<Option<String>> {
    (0..n)
        .map(|_| if g.chance(p_null) { None } else { Some(f(g)) })
        .collect()
}

/// Writes one PII value.
type PiiFn = fn(&mut Gen) -> String;

/// Free text where `k` kinds of PII each appear in a minority share of rows.
fn notes(g: &mut Gen, n: usize, pii: &[(f64, PiiFn)]) -> Vec<Option<String>> {
    (0..n)
        .map(|_| {
            if g.chance(0.1) {
                return None;
            }
            let k = g.rng.gen_range(6..14);
            let mut s = g.sentence(k);
            for (p, f) in pii {
                if g.chance(*p) {
                    let v = f(g);
                    let lead = g.pick(&[
                        "Customer said",
                        "reach them at",
                        "per ticket,",
                        "updated:",
                        "FYI",
                    ]);
                    s = format!("{s} {lead} {v} {}", g.sentence(3));
                }
            }
            Some(s)
        })
        .collect()
}

fn batch(cols: Vec<Col>, table: &str, truth: &mut Truth) -> RecordBatch {
    let t = truth.entry(table.into()).or_default();
    for c in &cols {
        if !c.truth.is_empty() {
            t.insert(
                c.name.clone(),
                c.truth.iter().map(|s| s.to_string()).collect(),
            );
        }
    }
    let fields: Vec<Field> = cols
        .iter()
        .map(|c| Field::new(&c.name, c.values.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        cols.into_iter().map(|c| c.values).collect(),
    )
    .expect("consistent columns")
}

pub fn customers(g: &mut Gen, n: usize, truth: &mut Truth) -> RecordBatch {
    let tiers = ["bronze", "silver", "gold", "platinum"];
    let keys: Vec<i32> = (0..n).map(|_| g.rng.gen_range(0..4)).collect();
    let tier: DictionaryArray<Int32Type> =
        DictionaryArray::new(keys.into(), Arc::new(StringArray::from(tiers.to_vec())));
    let emails_dict: Vec<String> = (0..200).map(|_| g.email()).collect();
    let ekeys: Vec<Option<i32>> = (0..n)
        .map(|_| {
            if g.chance(0.05) {
                None
            } else {
                Some(g.rng.gen_range(0..200))
            }
        })
        .collect();
    let billing: DictionaryArray<Int32Type> =
        DictionaryArray::new(ekeys.into(), Arc::new(StringArray::from(emails_dict)));
    let cols = vec![
        Col {
            name: "customer_id".into(),
            values: Arc::new(Int64Array::from_iter_values(
                (0..n as i64).map(|i| 1_000_000 + i),
            )),
            truth: vec![],
        },
        strings(
            "full_name",
            with_nulls(g, n, 0.03, Gen::full_name),
            &["PERSON_NAME"],
        ),
        strings("email", with_nulls(g, n, 0.05, Gen::email), &["EMAIL"]),
        strings("phone", with_nulls(g, n, 0.1, Gen::phone), &["PHONE"]),
        strings(
            "birth_dt",
            with_nulls(g, n, 0.1, Gen::dob),
            &["DATE_OF_BIRTH"],
        ),
        strings(
            "addr_line1",
            with_nulls(g, n, 0.05, Gen::street),
            &["STREET_ADDRESS"],
        ),
        strings("created_at", with_nulls(g, n, 0.0, Gen::timestamp), &[]),
        Col {
            name: "signup_date".into(),
            values: Arc::new(Date32Array::from_iter_values(
                (0..n).map(|_| g.rng.gen_range(16_000..20_000)),
            )),
            truth: vec![],
        },
        strings("c17", with_nulls(g, n, 0.2, Gen::iban), &["IBAN"]),
        strings(
            "notes",
            notes(g, n, &[(0.06, Gen::email), (0.05, Gen::phone)]),
            &["EMAIL", "PHONE"],
        ),
        Col {
            name: "loyalty_tier".into(),
            values: Arc::new(tier),
            truth: vec![],
        },
        Col {
            name: "billing_contact".into(),
            values: Arc::new(billing),
            truth: vec!["EMAIL"],
        },
        strings(
            "city",
            with_nulls(g, n, 0.02, |g| g.pick(CITIES).to_string()),
            &[],
        ),
    ];
    batch(cols, "customers", truth)
}

pub fn payments(g: &mut Gen, n: usize, truth: &mut Truth) -> RecordBatch {
    let cols = vec![
        strings("txn_id", with_nulls(g, n, 0.0, Gen::uuid), &[]),
        strings("pan", with_nulls(g, n, 0.02, Gen::card), &["CREDIT_CARD"]),
        Col {
            name: "amount".into(),
            values: Arc::new(Float64Array::from_iter_values(
                (0..n).map(|_| g.rng.gen_range(1.0..5000.0)),
            )),
            truth: vec![],
        },
        strings(
            "bank_ref",
            with_nulls(g, n, 0.1, Gen::routing),
            &["US_BANK_ROUTING"],
        ),
        strings("iban", with_nulls(g, n, 0.1, Gen::iban), &["IBAN"]),
        strings("swift", with_nulls(g, n, 0.1, Gen::bic), &["SWIFT_BIC"]),
        // Misleading names over hard negatives.
        strings("card_token", with_nulls(g, n, 0.0, Gen::non_luhn_16), &[]),
        strings("account_ref", with_nulls(g, n, 0.0, Gen::bad_iban), &[]),
        strings(
            "phone",
            with_nulls(g, n, 0.0, |g| {
                format!("ORD-{}-{}", g.rng.gen_range(2019..2026), g.digits(6))
            }),
            &[],
        ),
        strings("sku", with_nulls(g, n, 0.0, Gen::sku), &[]),
        strings(
            "memo",
            notes(g, n, &[(0.04, Gen::card), (0.03, Gen::iban)]),
            &["CREDIT_CARD", "IBAN"],
        ),
        strings(
            "wallet_addr",
            with_nulls(g, n, 0.3, Gen::wallet),
            &["CRYPTO_WALLET"],
        ),
    ];
    batch(cols, "payments", truth)
}

pub fn hr(g: &mut Gen, n: usize, truth: &mut Truth) -> RecordBatch {
    let cols = vec![
        Col {
            name: "emp_no".into(),
            values: Arc::new(Int64Array::from_iter_values(
                (0..n as i64).map(|i| 40_000 + i),
            )),
            truth: vec![],
        },
        strings(
            "employee",
            with_nulls(g, n, 0.0, Gen::full_name),
            &["PERSON_NAME"],
        ),
        strings("ssn", with_nulls(g, n, 0.05, |g| g.ssn(true)), &["US_SSN"]),
        strings(
            "tax_ssn_raw",
            with_nulls(g, n, 0.05, |g| g.ssn(false)),
            &["US_SSN"],
        ),
        strings("itin", with_nulls(g, n, 0.5, Gen::itin), &["US_ITIN"]),
        strings(
            "passport_no",
            with_nulls(g, n, 0.3, Gen::passport),
            &["US_PASSPORT"],
        ),
        strings(
            "dl_number",
            with_nulls(g, n, 0.2, Gen::driver_license),
            &["US_DRIVER_LICENSE"],
        ),
        strings("provider_npi", with_nulls(g, n, 0.3, Gen::npi), &["US_NPI"]),
        strings(
            "geburtsdatum",
            with_nulls(g, n, 0.05, Gen::dob),
            &["DATE_OF_BIRTH"],
        ),
        strings("record_no", with_nulls(g, n, 0.0, |g| g.digits(9)), &[]),
        strings(
            "public_record_id",
            with_nulls(g, n, 0.0, |g| format!("{}{}", g.upper(1), g.digits(7))),
            &[],
        ),
        strings(
            "hire_date",
            with_nulls(g, n, 0.0, |g| {
                let (y, m, d) = g.date(1990, 2026);
                format!("{y}-{m:02}-{d:02}")
            }),
            &[],
        ),
        strings(
            "review",
            notes(
                g,
                n,
                &[(0.05, |g: &mut Gen| format!("SSN {}", g.ssn(true)))],
            ),
            &["US_SSN"],
        ),
        strings("sin", with_nulls(g, n, 0.4, Gen::sin), &["CA_SIN"]),
    ];
    batch(cols, "hr_employees", truth)
}

pub fn eu(g: &mut Gen, n: usize, truth: &mut Truth) -> RecordBatch {
    // A nested struct: person { name, contact { email, phone } }.
    let name = Arc::new(StringArray::from(with_nulls(g, n, 0.0, Gen::full_name))) as ArrayRef;
    let email = Arc::new(StringArray::from(with_nulls(g, n, 0.1, Gen::email))) as ArrayRef;
    let phone = Arc::new(StringArray::from(with_nulls(g, n, 0.1, Gen::phone))) as ArrayRef;
    let contact = StructArray::from(vec![
        (Arc::new(Field::new("email", DataType::Utf8, true)), email),
        (Arc::new(Field::new("tel", DataType::Utf8, true)), phone),
    ]);
    let person = StructArray::from(vec![
        (Arc::new(Field::new("name", DataType::Utf8, true)), name),
        (
            Arc::new(Field::new("contact", contact.data_type().clone(), true)),
            Arc::new(contact) as ArrayRef,
        ),
    ]);
    let mut tags = ListBuilder::new(StringBuilder::new());
    for _ in 0..n {
        for _ in 0..g.rng.gen_range(0..3) {
            tags.values()
                .append_value(g.pick(&["vip", "newsletter", "churn-risk", "b2b"]));
        }
        tags.append(true);
    }
    let cols = vec![
        Col {
            name: "person".into(),
            values: Arc::new(person),
            truth: vec![],
        },
        Col {
            name: "tags".into(),
            values: Arc::new(tags.finish()),
            truth: vec![],
        },
        strings("ni_number", with_nulls(g, n, 0.3, Gen::nino), &["UK_NINO"]),
        strings("nhs_no", with_nulls(g, n, 0.3, Gen::nhs), &["UK_NHS"]),
        strings(
            "steuer_id",
            with_nulls(g, n, 0.3, Gen::de_tax),
            &["DE_TAX_ID"],
        ),
        strings("doc_es", with_nulls(g, n, 0.3, Gen::es_nif), &["ES_NIF"]),
        strings("cf", with_nulls(g, n, 0.3, Gen::it_cf), &["IT_FISCAL_CODE"]),
        strings("secu", with_nulls(g, n, 0.3, Gen::insee), &["FR_INSEE"]),
        strings("pesel", with_nulls(g, n, 0.3, Gen::pesel), &["PL_PESEL"]),
        strings("version", with_nulls(g, n, 0.0, Gen::version), &[]),
    ];
    let b = batch(cols, "eu_citizens", truth);
    let t = truth.get_mut("eu_citizens").expect("table");
    t.insert("person.name".into(), vec!["PERSON_NAME".into()]);
    t.insert("person.contact.email".into(), vec!["EMAIL".into()]);
    t.insert("person.contact.tel".into(), vec!["PHONE".into()]);
    b
}

pub fn apac(g: &mut Gen, n: usize, truth: &mut Truth) -> RecordBatch {
    let cols = vec![
        strings(
            "col_a",
            with_nulls(g, n, 0.1, Gen::aadhaar),
            &["IN_AADHAAR"],
        ),
        strings("col_b", with_nulls(g, n, 0.1, Gen::pan), &["IN_PAN"]),
        strings("col_c", with_nulls(g, n, 0.1, Gen::cpf), &["BR_CPF"]),
        strings("tfn", with_nulls(g, n, 0.1, Gen::tfn), &["AU_TFN"]),
        strings("col_e", with_nulls(g, n, 0.1, Gen::nric), &["SG_NRIC"]),
        strings("col_f", with_nulls(g, n, 0.1, Gen::vin), &["VIN"]),
        strings(
            "col_g",
            with_nulls(g, n, 0.0, |g| {
                format!("{:.2}", g.rng.gen_range(0.0..99999.0))
            }),
            &[],
        ),
    ];
    batch(cols, "apac_latam", truth)
}

pub fn devices(g: &mut Gen, n: usize, truth: &mut Truth) -> RecordBatch {
    let cols = vec![
        strings(
            "client_ip",
            with_nulls(
                g,
                n,
                0.05,
                |g| if g.chance(0.8) { g.ipv4() } else { g.ipv6() },
            ),
            &["IP_ADDRESS"],
        ),
        strings("hw", with_nulls(g, n, 0.05, Gen::mac), &["MAC_ADDRESS"]),
        strings(
            "log_line",
            with_nulls(g, n, 0.0, |g| {
                format!(
                    "{} INFO request from {} took {}ms",
                    g.timestamp(),
                    g.ipv4(),
                    g.rng.gen_range(1..900)
                )
            }),
            &["IP_ADDRESS"],
        ),
        strings("profile_url", with_nulls(g, n, 0.2, Gen::url), &["URL"]),
        Col {
            name: "lat".into(),
            values: Arc::new(Float64Array::from_iter_values(
                (0..n).map(|_| g.rng.gen_range(-60.0..70.0)),
            )),
            truth: vec!["GEO_COORDINATE"],
        },
        strings(
            "last_position",
            with_nulls(g, n, 0.1, Gen::geo_pair),
            &["GEO_COORDINATE"],
        ),
        strings(
            "auth",
            with_nulls(g, n, 0.1, Gen::secret),
            &["SECRET_TOKEN"],
        ),
        strings(
            "aws_key_id",
            with_nulls(g, n, 0.5, Gen::aws_key),
            &["AWS_ACCESS_KEY"],
        ),
        strings(
            "config_dump",
            notes(
                g,
                n,
                &[(0.05, |g: &mut Gen| {
                    format!("password={}{}!x", g.upper(4), g.hex(10))
                })],
            ),
            &["SECRET_TOKEN"],
        ),
        strings("sha256", with_nulls(g, n, 0.0, |g| g.hex(64)), &[]),
        strings("build", with_nulls(g, n, 0.0, Gen::version), &[]),
        strings("event_ts", with_nulls(g, n, 0.0, Gen::timestamp), &[]),
    ];
    batch(cols, "devices_logs", truth)
}

pub fn hard_negatives(g: &mut Gen, n: usize, truth: &mut Truth) -> RecordBatch {
    let cols = vec![
        strings("id", with_nulls(g, n, 0.0, Gen::uuid), &[]),
        strings("ssn", with_nulls(g, n, 0.0, |g| g.hex(64)), &[]),
        strings("digest_sha1", with_nulls(g, n, 0.0, |g| g.hex(40)), &[]),
        strings("num16", with_nulls(g, n, 0.0, Gen::non_luhn_16), &[]),
        strings("num9", with_nulls(g, n, 0.0, |g| g.digits(9)), &[]),
        strings("iban_like", with_nulls(g, n, 0.0, Gen::bad_iban), &[]),
        strings("ts", with_nulls(g, n, 0.0, Gen::timestamp), &[]),
        strings("sku", with_nulls(g, n, 0.0, Gen::sku), &[]),
        strings("version", with_nulls(g, n, 0.0, Gen::version), &[]),
        strings(
            "name",
            with_nulls(g, n, 0.0, |g| g.pick(PRODUCTS).to_string()),
            &[],
        ),
        strings(
            "company",
            with_nulls(g, n, 0.0, |g| g.pick(COMPANIES).to_string()),
            &[],
        ),
        strings(
            "email",
            with_nulls(g, n, 0.0, |g| {
                g.pick(&["n/a", "none", "REDACTED", "unknown", "-"])
                    .to_string()
            }),
            &[],
        ),
        strings("description", notes(g, n, &[]), &[]),
        strings("zip", with_nulls(g, n, 0.0, |g| g.digits(5)), &[]),
        strings(
            "price",
            with_nulls(g, n, 0.0, |g| {
                format!("{}.{:02}", g.rng.gen_range(1..999), g.rng.gen_range(0..100))
            }),
            &[],
        ),
        strings(
            "isbn",
            with_nulls(g, n, 0.0, |g| format!("978{}", g.digits(10))),
            &[],
        ),
        strings("dob", with_nulls(g, n, 0.0, Gen::timestamp), &[]),
        Col {
            name: "quantity".into(),
            values: Arc::new(Int64Array::from_iter_values(
                (0..n).map(|_| g.rng.gen_range(1..50)),
            )),
            truth: vec![],
        },
        Col {
            name: "order_number".into(),
            values: Arc::new(Int64Array::from_iter_values(
                (0..n).map(|_| g.rng.gen_range(1_000_000_000..9_999_999_999)),
            )),
            truth: vec![],
        },
    ];
    batch(cols, "hard_negatives", truth)
}

const CJK_CYR: &[&str] = &[
    "王伟",
    "李娜",
    "张敏",
    "Иван Петров",
    "Ольга Смирнова",
    "佐藤 健",
    "김민준",
    "Γιώργος Παπαδόπουλος",
];

/// A messy CRM export: single-name columns, mixed contact columns, placeholders,
/// mostly-null columns, numbers stored as integers, JSON blobs, multilingual free text.
pub fn crm(g: &mut Gen, n: usize, truth: &mut Truth) -> RecordBatch {
    let first = with_nulls(g, n, 0.05, |g| {
        let f = g.first_name();
        match g.rng.gen_range(0..10) {
            0 => f.to_lowercase(),
            1 => g.pick(CJK_CYR).to_string(),
            _ => f,
        }
    });
    let mobile: Vec<Option<i64>> = (0..n)
        .map(|_| {
            if g.chance(0.1) {
                None
            } else {
                Some(match g.rng.gen_range(0..3) {
                    0 => format!(
                        "1{}{}{}",
                        g.rng.gen_range(2..10),
                        g.digits(2),
                        g.rng.gen_range(2_000_000..9_999_999)
                    )
                    .parse()
                    .unwrap_or(0),
                    1 => format!("44{}{}", 7, g.digits(9)).parse().unwrap_or(0),
                    _ => format!("49{}{}", 15, g.digits(9)).parse().unwrap_or(0),
                })
            }
        })
        .collect();
    let cols = vec![
        strings("first_name", first, &["PERSON_NAME"]),
        strings(
            "LastName",
            with_nulls(g, n, 0.05, |g| g.last_name()),
            &["PERSON_NAME"],
        ),
        strings(
            "contact",
            with_nulls(g, n, 0.05, |g| {
                if g.chance(0.5) {
                    g.email()
                } else {
                    g.phone()
                }
            }),
            &["EMAIL", "PHONE"],
        ),
        Col {
            name: "mobile".into(),
            values: Arc::new(Int64Array::from(mobile)),
            truth: vec!["PHONE"],
        },
        strings(
            "phone_intl",
            with_nulls(g, n, 0.1, |g| match g.rng.gen_range(0..4) {
                0 => format!("+39 06 {} {}", g.digits(4), g.digits(4)),
                1 => format!(
                    "({}) 9{}-{}",
                    g.rng.gen_range(11..99),
                    g.digits(4),
                    g.digits(4)
                ),
                2 => format!(
                    "(0{}) {} {}",
                    g.rng.gen_range(2..9),
                    g.digits(4),
                    g.digits(4)
                ),
                _ => format!("+34 6{} {} {}", g.digits(2), g.digits(3), g.digits(3)),
            }),
            &["PHONE"],
        ),
        strings(
            "home_address",
            with_nulls(g, n, 0.1, |g| match g.rng.gen_range(0..4) {
                0 => format!("Unter den Linden {}", g.rng.gen_range(1..99)),
                1 => format!("{} Kingsway", g.rng.gen_range(1..400)),
                2 => format!(
                    "Flat {}, {} {} {}",
                    g.rng.gen_range(1..40),
                    g.rng.gen_range(1..200),
                    g.pick(STREETS_EN),
                    g.pick(TYPES_EN)
                ),
                _ => g.street(),
            }),
            &["STREET_ADDRESS"],
        ),
        strings(
            "email_addr",
            with_nulls(g, n, 0.05, |g| {
                if g.chance(0.4) {
                    g.pick(&["", "n/a", "N/A", "unknown"]).to_string()
                } else {
                    g.email()
                }
            }),
            &["EMAIL"],
        ),
        strings(
            "ssn_legacy",
            with_nulls(g, n, 0.95, |g| g.ssn(true)),
            &["US_SSN"],
        ),
        strings(
            "comments",
            notes(
                g,
                n,
                &[
                    (0.05, |g: &mut Gen| {
                        let (f, l) = (g.first_name(), g.last_name());
                        let f = if f.chars().all(|c| c.is_ascii_alphabetic()) {
                            f
                        } else {
                            "Maria".into()
                        };
                        format!("{f} {l}")
                    }),
                    (0.03, |g: &mut Gen| format!("born {}", g.dob())),
                    (0.04, |g: &mut Gen| {
                        format!(
                            "ship to {} {} {}",
                            g.rng.gen_range(1..999),
                            g.pick(STREETS_EN),
                            g.pick(TYPES_EN)
                        )
                    }),
                ],
            ),
            &["PERSON_NAME", "DATE_OF_BIRTH", "STREET_ADDRESS"],
        ),
        strings(
            "payload",
            with_nulls(g, n, 0.0, |g| {
                format!(
                    "{{\"user\":{{\"mail\":\"{}\",\"plan\":\"{}\"}},\"ts\":{}}}",
                    g.email(),
                    g.pick(&["free", "pro"]),
                    g.digits(10)
                )
            }),
            &["EMAIL"],
        ),
        Col {
            name: "epoch_ms".into(),
            values: Arc::new(Int64Array::from_iter_values(
                (0..n).map(|_| g.rng.gen_range(1_500_000_000_000i64..1_800_000_000_000)),
            )),
            truth: vec![],
        },
        strings(
            "passport_number",
            with_nulls(g, n, 0.2, |g| {
                let a = b"CFGHJKLMNPRTVWXYZ0123456789";
                format!(
                    "C{}",
                    (0..8)
                        .map(|_| a[g.rng.gen_range(0..a.len())] as char)
                        .collect::<String>()
                )
            }),
            &["US_PASSPORT"],
        ),
        strings(
            "notiz",
            notes(
                g,
                n,
                &[(0.05, |g: &mut Gen| {
                    format!("Bitte auf IBAN {} überweisen", g.iban())
                })],
            ),
            &["IBAN"],
        ),
        strings(
            "user_agent",
            with_nulls(g, n, 0.0, |g| {
                format!("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{}.0.{}.{} Safari/537.36", g.rng.gen_range(100..130), g.rng.gen_range(1000..7000), g.rng.gen_range(10..200))
            }),
            &[],
        ),
        strings(
            "zip_code",
            with_nulls(g, n, 0.0, |g| format!("{}-{}", g.digits(5), g.digits(4))),
            &[],
        ),
        strings(
            "account_number",
            with_nulls(g, n, 0.0, |g| {
                let k = g.rng.gen_range(10..13);
                g.digits(k)
            }),
            &[],
        ),
        Col {
            name: "lng".into(),
            values: Arc::new(Float64Array::from_iter_values(
                (0..n).map(|_| g.rng.gen_range(-170.0..170.0)),
            )),
            truth: vec!["GEO_COORDINATE"],
        },
        strings(
            "ticket_subject",
            with_nulls(g, n, 0.0, |g| {
                let k = g.rng.gen_range(3..7);
                g.sentence(k)
            }),
            &[],
        ),
    ];
    batch(cols, "messy_crm", truth)
}

pub fn write_parquet(path: &Path, b: &RecordBatch) {
    let f = std::fs::File::create(path).expect("create fixture");
    let mut w = parquet::arrow::ArrowWriter::try_new(f, b.schema(), None).expect("writer");
    w.write(b).expect("write");
    w.close().expect("close");
}

pub fn write_csv(path: &Path, b: &RecordBatch) {
    let f = std::fs::File::create(path).expect("create fixture");
    let mut w = arrow::csv::WriterBuilder::new().with_header(true).build(f);
    w.write(b).expect("write csv");
}

pub fn write_ndjson(path: &Path, b: &RecordBatch) {
    let f = std::fs::File::create(path).expect("create fixture");
    let mut w = arrow::json::LineDelimitedWriter::new(f);
    w.write(b).expect("write ndjson");
    w.finish().expect("finish");
}

/// Write the whole fixture set into `dir` and return its truth.
pub fn write_all(dir: &Path, seed: u64, rows: usize) -> Truth {
    std::fs::create_dir_all(dir).expect("fixture dir");
    let mut g = Gen::new(seed);
    let mut truth = Truth::new();
    write_parquet(
        &dir.join("customers.parquet"),
        &customers(&mut g, rows, &mut truth),
    );
    write_parquet(
        &dir.join("payments.parquet"),
        &payments(&mut g, rows, &mut truth),
    );
    write_csv(&dir.join("hr_employees.csv"), &hr(&mut g, rows, &mut truth));
    write_ndjson(
        &dir.join("eu_citizens.ndjson"),
        &eu(&mut g, rows, &mut truth),
    );
    write_parquet(
        &dir.join("apac_latam.parquet"),
        &apac(&mut g, rows, &mut truth),
    );
    write_parquet(
        &dir.join("devices_logs.parquet"),
        &devices(&mut g, rows, &mut truth),
    );
    write_parquet(
        &dir.join("hard_negatives.parquet"),
        &hard_negatives(&mut g, rows, &mut truth),
    );
    write_parquet(
        &dir.join("messy_crm.parquet"),
        &crm(&mut g, rows, &mut truth),
    );
    truth
}

/// Lower case without diacritics, for e-mail local parts written from names
/// (the generator's own, so that it does not lean on the code under test).
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' | 'ń' => 'n',
            'ç' | 'ć' => 'c',
            'ł' => 'l',
            'ś' | 'š' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ß' => 's',
            c => c,
        })
        .collect()
}
