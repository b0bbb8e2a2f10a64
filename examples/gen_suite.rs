//! The speed suite's generated datasets (not committed; written on demand):
//!
//! ```sh
//! cargo run --release --example gen_suite -- --out /tmp/suite --rows 1000000
//! ```
//!
//! Four tables unlike the bench file's, from word lists and layouts of their
//! own (none shared with the detectors' dictionaries or the test generator,
//! and none to be copied into them):
//!
//! - `people_mixed.parquet`: a person table, 15 locales in every column,
//!   several phone, address, date and identifier layouts per column, 1–5%
//!   nulls, stray spaces and odd case;
//! - `free_text.parquet`: support tickets, chat lines and e-mail bodies of
//!   50 B to 4 KB, with PII in 1–20% of the rows depending on the channel;
//! - `wide.parquet`: 200 columns, five of them PII: ids, metrics, categories,
//!   timestamps, JSON blobs, asset URLs;
//! - `logs.parquet`: web-server and application log lines (IPs, user agents,
//!   URLs, bearer tokens, e-mails).
//!
//! Deterministic for a seed. `benches/suite.sh` runs the scans.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray, TimestampMicrosecondArray,
};
use arrow::datatypes::{Field, Schema};
use arrow::record_batch::RecordBatch;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

#[derive(clap::Parser)]
struct Args {
    /// Directory to write the datasets into.
    #[arg(long)]
    out: std::path::PathBuf,
    /// Rows per dataset.
    #[arg(long, default_value_t = 1_000_000)]
    rows: usize,
    /// Seed of every value drawn.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Only these datasets (people_mixed, free_text, wide, logs).
    #[arg(long)]
    only: Vec<String>,
}

// ---------------------------------------------------------------- locales

struct Locale {
    first: &'static [&'static str],
    last: &'static [&'static str],
    streets: &'static [&'static str],
    cities: &'static [&'static str],
    domains: &'static [&'static str],
}

const LOCALES: &[Locale] = &[
    Locale {
        first: &[
            "Madison", "Tyrone", "Kayla", "Dwight", "Brenda", "Cody", "Latoya", "Garrett",
        ],
        last: &[
            "Kowalczyk",
            "Hendricks",
            "Okafor",
            "Brennan",
            "Whitfield",
            "Delgado",
            "Yazzie",
            "Pruitt",
        ],
        streets: &[
            "Maple Ave",
            "Ridgeview Dr",
            "W 3rd St",
            "Lakeshore Blvd",
            "Cedar Ln",
        ],
        cities: &["Tulsa", "Boise", "Dayton", "Fresno"],
        domains: &["mailbox.us", "corp-mail.com", "yahoo.com"],
    },
    Locale {
        first: &[
            "Gareth", "Siobhan", "Nigel", "Imogen", "Rhys", "Fiona", "Callum", "Bethan",
        ],
        last: &[
            "Pritchard",
            "Ashworth",
            "Llewellyn",
            "McAllister",
            "Hargreaves",
            "Threlfall",
        ],
        streets: &[
            "High Street",
            "Station Road",
            "Church Lane",
            "Victoria Terrace",
        ],
        cities: &["Leeds", "Cardiff", "Norwich", "Dundee"],
        domains: &["btinternet.com", "mail.co.uk"],
    },
    Locale {
        first: &[
            "Jürgen",
            "Anneliese",
            "Torsten",
            "Heike",
            "Malte",
            "Sabine",
            "Wolfram",
            "Ute",
        ],
        last: &[
            "Schäfer",
            "Großmann",
            "Vogelsang",
            "Küppers",
            "Brandauer",
            "Oberländer",
        ],
        streets: &[
            "Lindenstraße",
            "Am Mühlbach",
            "Goethestr.",
            "Berliner Allee",
        ],
        cities: &["Kassel", "Münster", "Rostock", "Würzburg"],
        domains: &["web.de", "gmx.de", "t-online.de"],
    },
    Locale {
        first: &[
            "Gaëlle", "Thibault", "Solène", "Régis", "Maëlys", "Benoît", "Océane", "Loïc",
        ],
        last: &[
            "Lefèvre",
            "Chevalier",
            "Dumoulin",
            "Rousseau",
            "Garnier",
            "Béranger",
        ],
        streets: &[
            "rue des Lilas",
            "avenue Jean Jaurès",
            "boulevard Voltaire",
            "impasse du Moulin",
        ],
        cities: &["Rennes", "Nîmes", "Grenoble", "Lille"],
        domains: &["orange.fr", "laposte.net", "free.fr"],
    },
    Locale {
        first: &[
            "Iñaki", "Rocío", "Álvaro", "Begoña", "Nerea", "Joaquín", "Macarena", "Unai",
        ],
        last: &[
            "Echeverría",
            "Domínguez",
            "Carrasco",
            "Villanueva",
            "Ibáñez",
            "Zubiri",
        ],
        streets: &[
            "Calle de Alcalá",
            "Avenida de la Constitución",
            "Paseo del Prado",
            "Calle Real",
        ],
        cities: &["Bilbao", "Córdoba", "Zaragoza", "Vigo"],
        domains: &["telefonica.es", "correo.es"],
    },
    Locale {
        first: &[
            "Gianluca",
            "Ilaria",
            "Matteo",
            "Chiara",
            "Pierluigi",
            "Serena",
            "Edoardo",
            "Ornella",
        ],
        last: &[
            "Bianchi",
            "Colombo",
            "Ferraro",
            "Esposito",
            "Marchetti",
            "Galli",
        ],
        streets: &[
            "Via Garibaldi",
            "Corso Vittorio Emanuele",
            "Piazza Dante",
            "Via dei Mille",
        ],
        cities: &["Bergamo", "Lecce", "Parma", "Trieste"],
        domains: &["libero.it", "virgilio.it"],
    },
    Locale {
        first: &[
            "Thiago",
            "Luana",
            "Rodrigo",
            "Fernanda",
            "Caio",
            "Juliana",
            "Vinícius",
            "Letícia",
        ],
        last: &[
            "Gonçalves",
            "Albuquerque",
            "Nascimento",
            "Figueiredo",
            "Cavalcanti",
            "Araújo",
        ],
        streets: &[
            "Rua das Acácias",
            "Avenida Paulista",
            "Travessa São Bento",
            "Rua XV de Novembro",
        ],
        cities: &["Recife", "Curitiba", "Manaus", "Belém"],
        domains: &["uol.com.br", "bol.com.br"],
    },
    Locale {
        first: &[
            "Sanne", "Joost", "Femke", "Bram", "Ilse", "Sjoerd", "Marloes", "Thijs",
        ],
        last: &[
            "van Dijk",
            "de Boer",
            "Visser",
            "Smit",
            "van der Heijden",
            "Bakker",
        ],
        streets: &["Kerkstraat", "Dorpsweg", "Prinsengracht", "Molenlaan"],
        cities: &["Utrecht", "Zwolle", "Haarlem", "Breda"],
        domains: &["ziggo.nl", "kpnmail.nl"],
    },
    Locale {
        first: &[
            "Grzegorz",
            "Agnieszka",
            "Wojciech",
            "Małgorzata",
            "Przemysław",
            "Katarzyna",
            "Zbigniew",
            "Jadwiga",
        ],
        last: &[
            "Wiśniewski",
            "Wróblewska",
            "Zieliński",
            "Kamińska",
            "Szymański",
            "Dąbrowska",
        ],
        streets: &[
            "ul. Długa",
            "ul. Piękna",
            "al. Jerozolimskie",
            "ul. Słowackiego",
        ],
        cities: &["Gdańsk", "Łódź", "Poznań", "Lublin"],
        domains: &["wp.pl", "onet.pl", "interia.pl"],
    },
    Locale {
        first: &[
            "Linnea", "Björn", "Astrid", "Oskar", "Elsa", "Henrik", "Saga", "Viggo",
        ],
        last: &[
            "Lindqvist",
            "Bergström",
            "Sjöberg",
            "Nyström",
            "Åkesson",
            "Holmgren",
        ],
        streets: &["Storgatan", "Kungsvägen", "Drottninggatan", "Sveavägen"],
        cities: &["Uppsala", "Malmö", "Umeå", "Västerås"],
        domains: &["telia.se", "bredband.net"],
    },
    Locale {
        first: &[
            "Emre", "Zeynep", "Burak", "Elif", "Serkan", "Ayşe", "Onur", "Gülşen",
        ],
        last: &["Yılmaz", "Öztürk", "Kaya", "Demir", "Şahin", "Aydın"],
        streets: &[
            "Atatürk Caddesi",
            "İstiklal Cd.",
            "Bağdat Caddesi",
            "Cumhuriyet Sk.",
        ],
        cities: &["İzmir", "Bursa", "Konya", "Eskişehir"],
        domains: &["turk.net", "superonline.com"],
    },
    Locale {
        first: &[
            "Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Kaito", "Mei",
        ],
        last: &[
            "Takahashi",
            "Watanabe",
            "Kobayashi",
            "Yamamoto",
            "Nakamura",
            "Inoue",
        ],
        streets: &["Chuo-dori", "Meiji-dori", "Sakura-machi", "Kita 3-jo"],
        cities: &["Sendai", "Kobe", "Fukuoka", "Sapporo"],
        domains: &["docomo.ne.jp", "nifty.com"],
    },
    Locale {
        first: &[
            "Wei", "Xiaoling", "Jun", "Meiling", "Haoran", "Yuting", "Zhiwei", "Lihua",
        ],
        last: &["Zhang", "Wang", "Liu", "Chen", "Huang", "Zhao"],
        streets: &["Renmin Lu", "Jiefang Dajie", "Zhongshan Rd", "Nanjing Xilu"],
        cities: &["Chengdu", "Wuhan", "Xiamen", "Suzhou"],
        domains: &["163.com", "qq.com"],
    },
    Locale {
        first: &[
            "Dmitri", "Olesya", "Yaroslav", "Svetlana", "Arkady", "Ksenia", "Timur", "Alyona",
        ],
        last: &[
            "Kuznetsov",
            "Sokolova",
            "Lebedev",
            "Morozova",
            "Volkov",
            "Orlova",
        ],
        streets: &["ul. Lenina", "pr. Mira", "Nevsky pr.", "ul. Sadovaya"],
        cities: &["Kazan", "Samara", "Tomsk", "Omsk"],
        domains: &["yandex.ru", "mail.ru"],
    },
    Locale {
        first: &[
            "Arjun",
            "Priyanka",
            "Siddharth",
            "Ananya",
            "Rohit",
            "Kavya",
            "Vikram",
            "Sneha",
        ],
        last: &[
            "Iyer",
            "Deshpande",
            "Chatterjee",
            "Reddy",
            "Malhotra",
            "Nair",
        ],
        streets: &["MG Road", "Linking Rd", "Anna Salai", "Park Street"],
        cities: &["Pune", "Kochi", "Jaipur", "Nagpur"],
        domains: &["rediffmail.com", "sify.com"],
    },
];

fn pick<'a, T>(r: &mut StdRng, v: &'a [T]) -> &'a T {
    &v[r.gen_range(0..v.len())]
}

fn digits(r: &mut StdRng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + r.gen_range(0..10u8)))
        .collect()
}

fn ascii_fold(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ą' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'ę' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ı' | 'İ' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' | 'ć' => 'c',
            'ñ' | 'ń' => 'n',
            'ł' => 'l',
            'ś' | 'ş' => 's',
            'ź' | 'ż' => 'z',
            'ğ' => 'g',
            'ß' => 's',
            ' ' => '.',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// A name in one of several layouts.
fn person(r: &mut StdRng, l: &Locale) -> String {
    let (f, s) = (*pick(r, l.first), *pick(r, l.last));
    match r.gen_range(0..10) {
        0 => format!("{s}, {f}"),
        1 => format!(
            "{} {s}",
            &f[..f.char_indices().nth(1).map_or(f.len(), |x| x.0)]
        ),
        2 => format!("{f} {} {s}", pick(r, l.first)),
        3 => format!("{} {}", f.to_uppercase(), s.to_uppercase()),
        _ => format!("{f} {s}"),
    }
}

fn email(r: &mut StdRng, l: &Locale) -> String {
    let f = ascii_fold(pick::<&str>(r, l.first));
    let s = ascii_fold(pick::<&str>(r, l.last));
    let d = pick(r, l.domains);
    match r.gen_range(0..6) {
        0 => format!("{f}.{s}@{d}"),
        1 => format!(
            "{}{s}{}@{d}",
            f.chars().next().unwrap_or('x'),
            r.gen_range(1..99)
        ),
        2 => format!("{f}_{s}+news@{d}"),
        3 => format!("{}.{}@{d}", f.to_uppercase(), s),
        4 => format!("{s}{}@{d}", r.gen_range(1950..2010)),
        _ => format!("{f}@{d}"),
    }
}

/// A phone number in one of 16 national and international layouts.
fn phone(r: &mut StdRng) -> String {
    match r.gen_range(0..16) {
        0 => format!(
            "({}) {}-{}",
            r.gen_range(201..989),
            digits(r, 3),
            digits(r, 4)
        ),
        1 => format!(
            "+1 {} {} {}",
            r.gen_range(201..989),
            digits(r, 3),
            digits(r, 4)
        ),
        2 => format!("+44 20 {} {}", digits(r, 4), digits(r, 4)),
        3 => format!("07{} {}", digits(r, 3), digits(r, 6)),
        4 => format!("+49 30 {}", digits(r, 7)),
        5 => format!("0{}/{}", r.gen_range(30..899), digits(r, 7)),
        6 => format!(
            "0{} {} {} {} {}",
            r.gen_range(1..6),
            digits(r, 2),
            digits(r, 2),
            digits(r, 2),
            digits(r, 2)
        ),
        7 => format!(
            "+33 {} {} {} {} {}",
            r.gen_range(1..8),
            digits(r, 2),
            digits(r, 2),
            digits(r, 2),
            digits(r, 2)
        ),
        8 => format!(
            "6{} {} {} {}",
            digits(r, 2),
            digits(r, 2),
            digits(r, 2),
            digits(r, 2)
        ),
        9 => format!("+39 06 {} {}", digits(r, 4), digits(r, 4)),
        10 => format!(
            "({}) 9{}-{}",
            r.gen_range(11..99),
            digits(r, 4),
            digits(r, 4)
        ),
        11 => format!("06-{}", digits(r, 8)),
        12 => format!("+48 {} {} {}", digits(r, 3), digits(r, 3), digits(r, 3)),
        13 => format!("0{}-{}-{}", r.gen_range(3..99), digits(r, 4), digits(r, 4)),
        14 => format!("+91 9{} {}", digits(r, 4), digits(r, 5)),
        _ => format!(
            "{}.{}.{}",
            r.gen_range(201..989),
            digits(r, 3),
            digits(r, 4)
        ),
    }
}

fn ssn(r: &mut StdRng) -> String {
    format!(
        "{:03}-{:02}-{:04}",
        r.gen_range(1..899),
        r.gen_range(1..99),
        r.gen_range(1..9999)
    )
}

/// A national identifier of one of several countries.
fn national_id(r: &mut StdRng) -> String {
    match r.gen_range(0..6) {
        0 | 1 => ssn(r),
        2 => {
            let a = b"ABCEGHJKLMNPRSTWXYZ";
            format!(
                "{}{}{} {} {} {}",
                a[r.gen_range(0..a.len())] as char,
                a[r.gen_range(0..a.len())] as char,
                digits(r, 2),
                digits(r, 2),
                digits(r, 2),
                ['A', 'B', 'C', 'D'][r.gen_range(0..4)]
            )
        }
        3 => {
            let n: u32 = r.gen_range(10_000_000..99_999_999);
            format!(
                "{n}{}",
                b"TRWAGMYFPDXBNJZSQVHLCKE"[(n % 23) as usize] as char
            )
        }
        4 => {
            // PESEL with its check digit.
            let mut d: Vec<u32> = digits(r, 10).bytes().map(|b| (b - b'0') as u32).collect();
            let w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
            let s: u32 = d.iter().zip(w).map(|(a, b)| a * b).sum();
            d.push((10 - s % 10) % 10);
            d.iter().map(|x| char::from(b'0' + *x as u8)).collect()
        }
        _ => format!("{}{}-{}", r.gen_range(40..99), digits(r, 4), digits(r, 4)),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_LONG: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A birth date in one of eight layouts.
fn dob(r: &mut StdRng) -> String {
    let (y, m, d) = (
        r.gen_range(1930..2006),
        r.gen_range(1..=12usize),
        r.gen_range(1..=28),
    );
    match r.gen_range(0..8) {
        0 => format!("{y}-{m:02}-{d:02}"),
        1 => format!("{d:02}/{m:02}/{y}"),
        2 => format!("{m}/{d}/{y}"),
        3 => format!("{d:02}.{m:02}.{y}"),
        4 => format!("{d} {} {y}", MONTHS[m - 1]),
        5 => format!("{} {d}, {y}", MONTHS_LONG[m - 1]),
        6 => format!("{y}{m:02}{d:02}"),
        _ => format!("{y}/{m:02}/{d:02}"),
    }
}

/// A street address in the locale's own layout.
fn street(r: &mut StdRng, li: usize, l: &Locale) -> String {
    let s = *pick(r, l.streets);
    let n = r.gen_range(1..400);
    match li {
        0 => match r.gen_range(0..3) {
            0 => format!("{n} {s}"),
            1 => format!("{n} {s} Apt {}", r.gen_range(1..40)),
            _ => format!("{n} {s}, Suite {}", r.gen_range(100..900)),
        },
        1 => format!("{n} {s}"),
        3 => format!("{n}, {s}"),
        4 => format!("{s} {n}, {}º", r.gen_range(1..9)),
        6 => format!("{s}, {n}"),
        8 => format!("{s} {n}/{}", r.gen_range(1..60)),
        11 | 12 => format!("{n} {s}"),
        _ => format!("{s} {n}"),
    }
}

fn card(r: &mut StdRng) -> String {
    let prefix = *pick(r, &["4", "51", "55", "37", "6011"]);
    let len = if prefix == "37" { 15 } else { 16 };
    let mut d: Vec<u8> = prefix.bytes().map(|b| b - b'0').collect();
    while d.len() < len - 1 {
        d.push(r.gen_range(0..10));
    }
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = x as u32;
            if i % 2 == 0 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    d.push(((10 - sum % 10) % 10) as u8);
    let s: String = d.iter().map(|x| char::from(b'0' + x)).collect();
    match r.gen_range(0..3) {
        0 => s,
        1 => s
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" "),
        _ => s
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("-"),
    }
}

fn ip(r: &mut StdRng) -> String {
    if r.gen_bool(0.15) {
        format!(
            "2001:db8:{:x}:{:x}::{:x}",
            r.gen::<u16>(),
            r.gen::<u16>(),
            r.gen::<u16>()
        )
    } else {
        format!(
            "{}.{}.{}.{}",
            r.gen_range(1..224),
            r.gen::<u8>(),
            r.gen::<u8>(),
            r.gen_range(1..255)
        )
    }
}

/// Dirt: stray spaces, odd case.
fn dirty(r: &mut StdRng, s: String) -> String {
    match r.gen_range(0..100) {
        0 | 1 => format!(" {s}"),
        2 => format!("{s}  "),
        3 => s.to_uppercase(),
        4 => s.to_lowercase(),
        _ => s,
    }
}

// ---------------------------------------------------------------- prose

const WORDS: &[&str] = &[
    "the",
    "order",
    "arrived",
    "late",
    "and",
    "the",
    "box",
    "was",
    "damaged",
    "please",
    "refund",
    "my",
    "account",
    "cannot",
    "log",
    "in",
    "since",
    "yesterday",
    "update",
    "broke",
    "sync",
    "on",
    "mobile",
    "thanks",
    "for",
    "quick",
    "reply",
    "invoice",
    "shows",
    "wrong",
    "amount",
    "again",
    "tried",
    "resetting",
    "password",
    "twice",
    "still",
    "error",
    "code",
    "when",
    "checkout",
    "page",
    "loads",
    "slowly",
    "driver",
    "left",
    "parcel",
    "at",
    "neighbour",
    "door",
    "subscription",
    "renewed",
    "without",
    "notice",
    "would",
    "like",
    "to",
    "cancel",
    "it",
    "shipment",
    "tracking",
    "not",
    "moving",
    "warehouse",
    "status",
    "pending",
    "for",
    "days",
    "colour",
    "size",
    "exchange",
    "voucher",
    "expired",
    "before",
    "use",
    "kindly",
    "advise",
    "next",
    "steps",
    "regards",
    "hello",
    "team",
    "hi",
    "there",
    "quick",
    "question",
    "about",
    "plan",
    "pricing",
    "upgrade",
    "downgrade",
    "feature",
    "request",
    "export",
    "report",
    "dashboard",
    "filters",
    "reset",
    "after",
    "logout",
];

fn sentence(r: &mut StdRng, out: &mut String) {
    let n = r.gen_range(5..16);
    for i in 0..n {
        let w = *pick(r, WORDS);
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(w);
        }
    }
    out.push_str(pick::<&str>(r, &[".", ".", ".", "?", "!"]));
}

/// A free-text body of about `len` bytes; with `pii`, one to three PII
/// mentions somewhere in it.
fn body(r: &mut StdRng, len: usize, pii: bool) -> String {
    let mut s = String::with_capacity(len + 64);
    let mentions = if pii { r.gen_range(1..=3) } else { 0 };
    let mut at: Vec<usize> = (0..mentions).map(|_| r.gen_range(0..len.max(1))).collect();
    at.sort_unstable();
    let mut next = 0;
    while s.len() < len {
        if !s.is_empty() {
            s.push(' ');
        }
        if next < at.len() && s.len() >= at[next] {
            next += 1;
            let li = r.gen_range(0..LOCALES.len());
            let l = &LOCALES[li];
            let m = match r.gen_range(0..7) {
                0 => format!("You can reach me at {}.", email(r, l)),
                1 => format!("Call me back on {} please.", phone(r)),
                2 => format!("My name is {}.", person(r, l)),
                3 => format!("Card used was {}.", card(r)),
                4 => format!("Ship it to {}, {}.", street(r, li, l), pick(r, l.cities)),
                5 => format!("Login came from {} last night.", ip(r)),
                _ => format!("My SSN is {} if needed.", ssn(r)),
            };
            s.push_str(&m);
        } else {
            sentence(r, &mut s);
        }
    }
    s
}

// ---------------------------------------------------------------- writing

fn strings(
    rows: usize,
    seed: u64,
    null_rate: f64,
    f: impl Fn(&mut StdRng, usize) -> String + Sync,
) -> ArrayRef {
    let v: Vec<Option<String>> = (0..rows)
        .into_par_iter()
        .chunks(8192)
        .flat_map_iter(|c| {
            let mut r =
                StdRng::seed_from_u64(seed ^ (c[0] as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            c.into_iter()
                .map(|i| {
                    if r.gen_bool(null_rate) {
                        None
                    } else {
                        Some(f(&mut r, i))
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect();
    Arc::new(StringArray::from(v))
}

fn write(path: &std::path::Path, cols: Vec<(&str, ArrayRef)>) {
    let schema = Arc::new(Schema::new(
        cols.iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    ));
    let batch = RecordBatch::try_new(schema.clone(), cols.into_iter().map(|(_, a)| a).collect())
        .expect("columns of one length");
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(256 * 1024))
        .build();
    let f = std::fs::File::create(path).unwrap_or_else(|e| {
        eprintln!("gen_suite: cannot write {}: {e}", path.display());
        std::process::exit(1)
    });
    let mut w = parquet::arrow::ArrowWriter::try_new(f, schema, Some(props)).expect("writer");
    for start in (0..batch.num_rows()).step_by(64 * 1024) {
        let n = (64 * 1024).min(batch.num_rows() - start);
        w.write(&batch.slice(start, n)).expect("write");
    }
    w.close().expect("close");
}

fn people_mixed(rows: usize, seed: u64) -> Vec<(&'static str, ArrayRef)> {
    let loc = |r: &mut StdRng| r.gen_range(0..LOCALES.len());
    vec![
        (
            "customer_id",
            Arc::new(Int64Array::from_iter_values(
                (0..rows as i64).map(|i| 10_000_000 + i * 7),
            )) as ArrayRef,
        ),
        (
            "full_name",
            strings(rows, seed + 1, 0.02, |r, _| {
                let l = loc(r);
                let s = person(r, &LOCALES[l]);
                dirty(r, s)
            }),
        ),
        (
            "email",
            strings(rows, seed + 2, 0.03, |r, _| {
                let l = loc(r);
                let s = email(r, &LOCALES[l]);
                dirty(r, s)
            }),
        ),
        (
            "phone",
            strings(rows, seed + 3, 0.05, |r, _| {
                let s = phone(r);
                dirty(r, s)
            }),
        ),
        (
            "national_id",
            strings(rows, seed + 4, 0.04, |r, _| national_id(r)),
        ),
        (
            "date_of_birth",
            strings(rows, seed + 5, 0.01, |r, _| dob(r)),
        ),
        (
            "street_address",
            strings(rows, seed + 6, 0.03, |r, _| {
                let l = loc(r);
                let s = street(r, l, &LOCALES[l]);
                dirty(r, s)
            }),
        ),
        (
            "city",
            strings(rows, seed + 7, 0.02, |r, _| {
                let l = loc(r);
                pick(r, LOCALES[l].cities).to_string()
            }),
        ),
        ("ip_address", strings(rows, seed + 8, 0.02, |r, _| ip(r))),
        ("card_number", strings(rows, seed + 9, 0.05, |r, _| card(r))),
        (
            "amount",
            Arc::new(Float64Array::from_iter_values(
                (0..rows).map(|i| ((i * 7919) % 100_000) as f64 / 100.0),
            )) as ArrayRef,
        ),
        (
            "created_at",
            Arc::new(
                TimestampMicrosecondArray::from_iter_values(
                    (0..rows as i64).map(|i| 1_600_000_000_000_000 + i * 37_000_000),
                )
                .with_timezone("UTC"),
            ) as ArrayRef,
        ),
        (
            "notes",
            strings(rows, seed + 10, 0.3, |r, _| {
                let pii = r.gen_bool(0.05);
                let n = r.gen_range(20..160);
                body(r, n, pii)
            }),
        ),
    ]
}

fn free_text(rows: usize, seed: u64) -> Vec<(&'static str, ArrayRef)> {
    // Length log-uniform in 50..4096 bytes; PII share by channel.
    let len = |r: &mut StdRng| (50f64 * (4096f64 / 50.0).powf(r.gen::<f64>())) as usize;
    vec![
        (
            "ticket_id",
            Arc::new(Int64Array::from_iter_values(0..rows as i64)) as ArrayRef,
        ),
        (
            "channel",
            strings(rows, seed + 20, 0.0, |_, i| {
                ["email", "chat", "ticket", "call_note"][i % 4].to_string()
            }),
        ),
        (
            "body",
            strings(rows, seed + 21, 0.01, |r, i| {
                let share = [0.20, 0.05, 0.10, 0.01][i % 4];
                let pii = r.gen_bool(share);
                let n = len(r);
                body(r, n, pii)
            }),
        ),
    ]
}

fn wide(rows: usize, seed: u64) -> Vec<(&'static str, ArrayRef)> {
    let mut cols: Vec<(&'static str, ArrayRef)> = Vec::with_capacity(200);
    let name =
        |p: &str, i: usize| -> &'static str { Box::leak(format!("{p}_{i:03}").into_boxed_str()) };
    for i in 0..40 {
        let k = (i as i64 + 1) * 1_000_003;
        cols.push((
            name("id", i),
            Arc::new(Int64Array::from_iter_values(
                (0..rows as i64).map(move |x| x * k % 1_000_000_007),
            )),
        ));
    }
    for i in 0..60 {
        let f = (i + 1) as f64;
        cols.push((
            name("metric", i),
            Arc::new(Float64Array::from_iter_values(
                (0..rows).map(move |x| ((x as f64) * 0.618 * f).fract() * 1000.0),
            )),
        ));
    }
    const CATS: &[&[&str]] = &[
        &["active", "paused", "closed", "trial"],
        &["eu-west-1", "us-east-2", "ap-south-1"],
        &["bronze", "silver", "gold", "platinum"],
        &["web", "ios", "android", "api"],
        &["EUR", "USD", "GBP", "JPY", "BRL"],
    ];
    for i in 0..40 {
        let c = CATS[i % CATS.len()];
        cols.push((
            name("category", i),
            strings(rows, seed + 100 + i as u64, 0.02, move |r, _| {
                pick(r, c).to_string()
            }),
        ));
    }
    for i in 0..20 {
        let step = 1_000_000 + i as i64 * 17;
        cols.push((
            name("ts", i),
            Arc::new(TimestampMicrosecondArray::from_iter_values(
                (0..rows as i64).map(move |x| 1_650_000_000_000_000 + x * step),
            )) as ArrayRef,
        ));
    }
    for i in 0..10 {
        cols.push((
            name("flag", i),
            Arc::new(BooleanArray::from_iter(
                (0..rows).map(|x| Some((x * (i + 3)) % 7 < 3)),
            )) as ArrayRef,
        ));
    }
    for i in 0..12 {
        cols.push((
            name("json", i),
            strings(rows, seed + 200 + i as u64, 0.05, |r, _| {
                format!(
                    r#"{{"v":{},"sku":"SKU-{}","tags":["{}","{}"],"ok":{}}}"#,
                    r.gen_range(1..9),
                    digits(r, 6),
                    pick(r, WORDS),
                    pick(r, WORDS),
                    r.gen_bool(0.5)
                )
            }),
        ));
    }
    for i in 0..13 {
        cols.push((
            name("asset_url", i),
            strings(rows, seed + 300 + i as u64, 0.05, |r, _| {
                format!(
                    "https://cdn.example-assets.net/img/{}/{}-{}.{}",
                    digits(r, 4),
                    pick(r, WORDS),
                    digits(r, 8),
                    pick(r, &["png", "jpg", "webp"])
                )
            }),
        ));
    }
    // The five PII columns.
    cols.push((
        "contact_email",
        strings(rows, seed + 400, 0.1, |r, _| {
            let l = r.gen_range(0..LOCALES.len());
            email(r, &LOCALES[l])
        }),
    ));
    cols.push((
        "contact_name",
        strings(rows, seed + 401, 0.1, |r, _| {
            let l = r.gen_range(0..LOCALES.len());
            person(r, &LOCALES[l])
        }),
    ));
    cols.push((
        "contact_phone",
        strings(rows, seed + 402, 0.1, |r, _| phone(r)),
    ));
    cols.push((
        "last_login_ip",
        strings(rows, seed + 403, 0.1, |r, _| ip(r)),
    ));
    cols.push((
        "billing_address",
        strings(rows, seed + 404, 0.1, |r, _| {
            let l = r.gen_range(0..LOCALES.len());
            street(r, l, &LOCALES[l])
        }),
    ));
    assert_eq!(cols.len(), 200);
    cols
}

const AGENTS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "curl/8.5.0",
    "python-requests/2.31.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
];

fn logs(rows: usize, seed: u64) -> Vec<(&'static str, ArrayRef)> {
    vec![
        (
            "ts",
            Arc::new(
                TimestampMicrosecondArray::from_iter_values(
                    (0..rows as i64).map(|i| 1_700_000_000_000_000 + i * 250_000),
                )
                .with_timezone("UTC"),
            ) as ArrayRef,
        ),
        (
            "service",
            strings(rows, seed + 30, 0.0, |r, _| {
                pick(r, &["nginx", "api", "auth", "billing", "worker"]).to_string()
            }),
        ),
        (
            "line",
            strings(rows, seed + 31, 0.0, |r, _| {
                let path = format!(
                    "/{}/{}/{}",
                    pick(r, &["api", "v2", "static", "account"]),
                    pick(r, WORDS),
                    digits(r, 5)
                );
                match r.gen_range(0..10) {
                0..=5 => format!(
                    "{} - - [12/Mar/2026:{:02}:{:02}:{:02} +0000] \"{} {}{} HTTP/1.1\" {} {} \"-\" \"{}\"",
                    ip(r), r.gen_range(0..24), r.gen_range(0..60), r.gen_range(0..60),
                    pick(r, &["GET", "POST", "PUT"]), path,
                    if r.gen_bool(0.05) { { let l = r.gen_range(0..LOCALES.len()); format!("?email={}", email(r, &LOCALES[l])) } } else { String::new() },
                    pick(r, &[200, 200, 200, 301, 404, 500]), r.gen_range(200..90_000), pick(r, AGENTS)),
                6 | 7 => format!(
                    "level={} msg=\"{} {}\" request_id={} duration_ms={} path={path}",
                    pick(r, &["info", "warn", "debug"]), pick(r, WORDS), pick(r, WORDS), digits(r, 12), r.gen_range(1..3000)),
                8 => { let l = r.gen_range(0..LOCALES.len()); format!("level=info msg=\"login ok\" user={} ip={}", email(r, &LOCALES[l]), ip(r)) }
                _ => format!(
                    "level=debug msg=\"upstream call\" authorization=\"Bearer {}\" path={path}",
                    (0..40).map(|_| char::from(*pick(r, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"))).collect::<String>()),
            }
            }),
        ),
    ]
}

fn main() {
    let a = <Args as clap::Parser>::parse();
    std::fs::create_dir_all(&a.out).unwrap_or_else(|e| {
        eprintln!("gen_suite: cannot create {}: {e}", a.out.display());
        std::process::exit(1)
    });
    type Gen = fn(usize, u64) -> Vec<(&'static str, ArrayRef)>;
    let all: [(&str, Gen); 4] = [
        ("people_mixed", people_mixed),
        ("free_text", free_text),
        ("wide", wide),
        ("logs", logs),
    ];
    for (name, f) in all {
        if !a.only.is_empty() && !a.only.iter().any(|o| o == name) {
            continue;
        }
        let t = std::time::Instant::now();
        let path = a.out.join(format!("{name}.parquet"));
        write(&path, f(a.rows, a.seed));
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        eprintln!(
            "{}: {} rows, {:.1} MB, {:.1} s",
            path.display(),
            a.rows,
            size as f64 / 1e6,
            t.elapsed().as_secs_f64()
        );
    }
}
