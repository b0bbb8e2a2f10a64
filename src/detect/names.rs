//! Personal names from dictionaries: given names and surnames (see
//! `rules/dict/LICENSE.md` for sources), plus shape evidence.

const FIRST: &str = include_str!("../../rules/dict/first_names.txt");
const LAST: &str = include_str!("../../rules/dict/surnames.txt");
/// Given names and surnames of Faker's Latin-script locales and its
/// romanized Japanese names, less the Census words
/// (`tools/build_name_lists.py`).
const FIRST_INTL: &str = include_str!("../../rules/dict/first_names_intl.txt");
const LAST_INTL: &str = include_str!("../../rules/dict/surnames_intl.txt");
const PLACES: &str = include_str!("../../rules/dict/places.txt");
const PLACE_WORDS: &str = include_str!("../../rules/dict/place_words.txt");
/// Three-letter country codes (ISO 3166-1 alpha-3, 3166-3, IOC).
const COUNTRY_CODES: &str = include_str!("../../rules/dict/country_codes.txt");
const TOPO_WORDS: &str = include_str!("../../rules/dict/topo_words.txt");
const CITIES: &str = include_str!("../../rules/dict/cities.txt");
/// Country and region names of two to four words ("sierra leone").
const PLACES_MULTI: &str = include_str!("../../rules/dict/places_multi.txt");

/// Capitalised words that are also in the name lists but far more often mean
/// something else (months, verbs, colours, places, business words).
const STOP: &[&str] = &[
    "may",
    "june",
    "april",
    "august",
    "march",
    "will",
    "mark",
    "bill",
    "grant",
    "rose",
    "summer",
    "hope",
    "joy",
    "dawn",
    "art",
    "guy",
    "long",
    "young",
    "king",
    "street",
    "new",
    "park",
    "green",
    "brown",
    "black",
    "white",
    "hill",
    "lane",
    "page",
    "case",
    "bank",
    "price",
    "day",
    "love",
    "major",
    "rich",
    "early",
    "lake",
    "pearl",
    "ruby",
    "crystal",
    "ivy",
    "iris",
    "lily",
    "holly",
    "georgia",
    "virginia",
    "carolina",
    "dakota",
    "austin",
    "houston",
    "dallas",
    "jackson",
    "washington",
    "lincoln",
    "orlando",
    "phoenix",
    "denver",
    "paris",
    "london",
    "florence",
    "sydney",
    "chelsea",
    "madison",
    "order",
    "the",
    "and",
    "for",
    "customer",
    "service",
    "support",
    "team",
    "sales",
    "home",
    "office",
    "east",
    "west",
    "north",
    "south",
    "main",
    "center",
    "central",
    "general",
    "church",
    "christian",
    "christmas",
    "easter",
    "monday",
    "friday",
    "sunday",
    "chase",
    "wells",
    "fargo",
    "ford",
    "dell",
    "apple",
    "amazon",
    "best",
    "buy",
    "price",
    "miles",
    "case",
    "cash",
    "card",
    "gold",
    "silver",
    "star",
    "sun",
    "rain",
    "snow",
    "storm",
    "wood",
    "woods",
    "field",
    "fields",
    "water",
    "waters",
    "stone",
    "rock",
    "power",
    "energy",
    "media",
    "data",
    "group",
    "inc",
    "ltd",
    "gmbh",
    "llc",
    "corp",
    "company",
    "bay",
    "beach",
    "port",
    "city",
    "county",
    "state",
    "van",
    "von",
    "de",
    "la",
    "le",
    "del",
    "da",
    "di",
    "du",
    "el",
    "al",
    "bin",
    "don",
    "son",
    "an",
    "so",
    "do",
    "in",
    "is",
    "it",
    "on",
    "or",
    "to",
    "as",
    "at",
    "be",
    "by",
    "go",
    "he",
    "me",
    "my",
    "no",
    "of",
    "up",
    "us",
    "we",
    "can",
    "sent",
    "said",
    "see",
    "call",
    "email",
    "phone",
    "note",
    "notes",
    "ticket",
    "issue",
    "error",
    "request",
    "account",
    "user",
    "admin",
    "test",
    "default",
];

/// Words a name may carry besides its given names and surnames, skipped
/// when a value is judged: forms of address, degrees and suffixes
/// ("Univ.Prof.", "B.Eng.", "MBA", "III"), and the lower-case particles of
/// surnames ("van der", "de la", "von").
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "herr",
    "frau",
    "m",
    "mme",
    "mlle",
    "sr",
    "sra",
    "srta",
    "sig",
    "jr",
    "sir",
    "herrn",
    "mx",
    "dame",
    "lord",
    "rev",
    "hon",
    "esq",
    "dott",
    "dott.ssa",
    "avv",
    "ing",
    "mag",
    "mgr",
    "univ.prof",
    "dipl.-ing",
    "dipl.-kfm",
    "dipl.-inf",
    "phd",
    "ph.d",
    "md",
    "dds",
    "dvm",
    "mba",
    "msc",
    "bsc",
    "b.a",
    "m.a",
    "b.sc",
    "m.sc",
    "b.eng",
    "m.eng",
    "ii",
    "iii",
    "iv",
    "van",
    "von",
    "de",
    "da",
    "di",
    "del",
    "della",
    "der",
    "den",
    "du",
    "des",
    "la",
    "le",
    "ten",
    "ter",
    "dos",
    "das",
    "zu",
    "vom",
    "zum",
    "af",
    "bin",
    "binti",
];

/// What a dictionary word can be (a set of the bits below).
type Flags = u16;

const FIRST_NAME: Flags = 1;
const SURNAME: Flags = 2;
const STOP_WORD: Flags = 4;
const TITLE: Flags = 8;
/// In the Census lists or the hand-curated ones (not only in the larger
/// international lists): what a name in running text must be, where
/// capitalised nouns (German prose) would otherwise pair up as names.
const COMMON_FIRST: Flags = 16;
const COMMON_SURNAME: Flags = 32;
/// A word of place, facility and organisation names ("County",
/// "Municipal", "Inc"): outside a column named for a name, a value holding
/// one is not a person's name.
const PLACE_WORD: Flags = 64;
/// A one-word country or subdivision name ("Alabama", "Kenya"): alone in a
/// generic name column, a place.
const PLACE_NAME: Flags = 128;
/// A word for a street or a feature of the land that is also a surname
/// ("Street", "Road", "Cross", "Hill", "Lane"): as the last of two words it
/// makes a street or a place ("Baker Street", "Charing Cross") unless a
/// common given name comes first ("Lois Lane", "Benny Hill").
const TOPO_WORD: Flags = 256;
/// Not in the lists, but ends the way only surnames end (Greek -opoulos,
/// -akis, -idis, -iou, -dou, -lou…, not -bou: Caribou; Turkish -oğlu; Georgian -shvili; Ukrainian -enko;
/// Romanian -escu; Igbo -chukwu; Persian -zadeh): a surname by its form.
const SUFFIX_SURNAME: Flags = 512;

/// The endings of `SUFFIX_SURNAME` (folded), each of a surname of six
/// letters or more.
const SURNAME_SUFFIXES: &[&[u8]] = &[
    b"opoulos", b"poulos", b"akis", b"idis", b"iadis", b"oglou", b"oglu", b"shvili", b"enko",
    b"escu", b"chukwu", b"zadeh", b"iou", b"dou", b"lou", b"rou", b"nou", b"mou", b"kou", b"tou",
    b"sou", b"pou", b"vou", b"zou", b"gou", b"ovich", b"evich",
];

/// The flags of a word that no list holds: `SURNAME | SUFFIX_SURNAME` when
/// it ends like a surname (ASCII case ignored), else none. Besides the
/// endings of `SURNAME_SUFFIXES`, the South Slavic -ić, folded ("Jokić",
/// "Bogdanović", "Dragic"), on a word of five letters or more that is no
/// English word ("logic", "Atlantic", "republic").
fn by_suffix(w: &[u8]) -> Flags {
    let ends = |s: &[u8]| w.len() > s.len() && w[w.len() - s.len()..].eq_ignore_ascii_case(s);
    let surname = w.len() >= 5
        && w.iter().all(u8::is_ascii_alphabetic)
        && ((w.len() >= 6 && SURNAME_SUFFIXES.iter().any(|s| ends(s)))
            || (ends(b"ic") && !is_english_word(w)));
    if surname {
        SURNAME | SUFFIX_SURNAME
    } else {
        0
    }
}

/// Every dictionary word (folded) with what it can be: one hash lookup per
/// token answers all the questions the finder asks.
#[derive(Debug)]
pub struct Names {
    /// Folded word → `FIRST_NAME | SURNAME | STOP_WORD | TITLE` flags. Words
    /// of up to 15 bytes (nearly all) are keyed by one integer (`short_key`),
    /// which hashes and compares in a few instructions; longer ones by bytes.
    short: rustc_hash::FxHashMap<u128, Flags>,
    long: rustc_hash::FxHashMap<Box<[u8]>, Flags>,
    /// The short keys of the words that are stop words or titles, with
    /// just those two flags: all that a column named for a name asks of
    /// most values, in a table small enough to stay in the L1 cache
    /// (the full one is ~50,000 words).
    marked: rustc_hash::FxHashMap<u128, Flags>,
}

const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Eight ASCII bytes lower-cased at once: a byte gets 0x20 added when
/// adding 0x3f sets its high bit (it is 'A' or above) and adding 0x25 does
/// not (it is 'Z' or below). No byte carries into the next: each is < 0x80.
fn ascii_lower(x: u64) -> u64 {
    let upper = (x.wrapping_add(0x3f3f_3f3f_3f3f_3f3f) & !x.wrapping_add(0x2525_2525_2525_2525))
        & HIGH_BITS;
    x | upper >> 2
}

/// A word of at most 15 bytes as one integer: its bytes, then its length in
/// the top byte (so that no two words share a key). `Names::flags` builds
/// the same key in place for ASCII words.
fn short_key(w: &[u8]) -> Option<u128> {
    if w.len() > 15 {
        return None;
    }
    let mut b = [0u8; 16];
    b[..w.len()].copy_from_slice(w);
    b[15] = w.len() as u8;
    Some(u128::from_le_bytes(b))
}

/// What `fold` makes of each letter from U+00C0 to U+017F, as UTF-8 bytes
/// and their length (`flags_latin`'s table; a test checks it against `fold`).
static LATIN_FOLD: std::sync::LazyLock<Vec<([u8; 4], u8)>> = std::sync::LazyLock::new(|| {
    (0xC0u32..0x180)
        .map(|cp| {
            let folded = char::from_u32(cp)
                .map(|c| fold(c.encode_utf8(&mut [0; 4])))
                .unwrap_or_default();
            let mut b = [0u8; 4];
            let len = folded.len().min(4);
            b[..len].copy_from_slice(&folded.as_bytes()[..len]);
            (b, len as u8)
        })
        .collect()
});

/// Fold common Latin diacritics so "García" meets "garcia".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// `fold` into a reused buffer (the hot path allocates nothing for ASCII).
pub fn fold_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        out.push_str(s);
        out.make_ascii_lowercase();
        return;
    }
    out.extend(s.chars().flat_map(char::to_lowercase).map(|c| match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ą' | 'ă' | 'ā' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'ę' | 'ě' | 'ē' | 'ė' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'ı' | 'ī' | 'į' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ő' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'ű' | 'ů' | 'ū' | 'ų' => 'u',
        'ñ' | 'ń' | 'ň' | 'ņ' => 'n',
        'ç' | 'ć' | 'č' => 'c',
        'ł' | 'ľ' | 'ĺ' | 'ļ' => 'l',
        'ś' | 'š' | 'ş' | 'ș' => 's',
        'ź' | 'ż' | 'ž' => 'z',
        'ğ' | 'ģ' => 'g',
        'ķ' => 'k',
        'ř' | 'ŕ' => 'r',
        'ď' | 'đ' => 'd',
        'ť' | 'ţ' | 'ț' => 't',
        'ý' | 'ÿ' => 'y',
        'ß' => 's',
        c => c,
    }));
}

impl Names {
    /// Calls `f` with a hash of each word of `value` that is capitalised,
    /// of three or more letters, and no name word (given name, surname or
    /// title): "Pizza" and "Station" in the names of things, rare surnames
    /// in people's names.
    pub(crate) fn thing_words(&self, value: &str, mut f: impl FnMut(u64)) {
        // A thing's word stands beside other words; a value of one word
        // that is a name is the name (a stage name, "Ronaldinho").
        let sep = |c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | '/');
        if !value.trim().contains(sep) {
            return;
        }
        for w in value.split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | '/')) {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            if w.chars().count() < 3
                || !w.chars().next().is_some_and(char::is_uppercase)
                || !w
                    .chars()
                    .all(|c| c.is_alphabetic() || c == '\'' || c == '-')
                || self.flags(w) & (FIRST_NAME | SURNAME | TITLE) != 0
            {
                continue;
            }
            f(lower_hash(w));
        }
    }

    /// Whether `value` is one word of the English word list (SCOWL, the
    /// list alone) that no list holds as a given name: "Low", "High",
    /// "White", "Good", "Tall" — the levels of a category, which are
    /// surnames too. "Rose" and "Mark" are given names; "Kowalczyk" and
    /// "Johnson" are no English words.
    pub(crate) fn common_word(&self, value: &str) -> bool {
        let w = value.trim();
        (3..=40).contains(&w.len())
            && w.bytes().all(|c| c.is_ascii_alphabetic())
            && self.flags(w) & FIRST_NAME == 0
            && in_english_list(w.as_bytes())
    }

    /// Whether every word of `value` (one at least) is a given name or a
    /// surname of the lists.
    pub(crate) fn name_words_only(&self, value: &str) -> bool {
        let mut words = value.split_whitespace().peekable();
        words.peek().is_some() && words.all(|w| self.flags(w) & (FIRST_NAME | SURNAME) != 0)
    }

    /// Whether `text` is a person's name written as one identifier: a given
    /// name and a surname joined by `_` or `.` ("maria_gonzalez",
    /// "John.F.Kennedy"), or run together in capitalised parts ("AnaSouza",
    /// "HenryVIII"), as user names, keys and logins write them. Two or three
    /// parts of letters, in one case style; the first a given name of the
    /// lists, the last a surname (or a regnal number after a capitalised
    /// given name), a middle one a name or an initial; no part a stop
    /// word, title or place.
    #[inline]
    pub(crate) fn run_together(&self, text: &str) -> bool {
        let b = text.as_bytes();
        (5..=40).contains(&b.len())
            && b[0].is_ascii_alphabetic()
            && !b.contains(&b' ')
            && self.run_together_parts(text)
    }

    #[inline(never)]
    fn run_together_parts(&self, text: &str) -> bool {
        let b = text.as_bytes();
        let mut parts = [(0usize, 0usize); 3];
        let mut n = 0;
        let mut start = 0;
        let mut sep = 0u8;
        for (i, &c) in b.iter().enumerate() {
            if c.is_ascii_alphabetic() {
                // A capital after a small letter starts a part of a name
                // run together; with a separator, parts are split there.
                if sep == 0 && i > 0 && c.is_ascii_uppercase() && b[i - 1].is_ascii_lowercase() {
                    if n == 2 {
                        return false;
                    }
                    parts[n] = (start, i);
                    n += 1;
                    start = i;
                }
                continue;
            }
            if !(c == b'_' || c == b'.') || (sep != 0 && c != sep) || n == 2 || i == start {
                return false;
            }
            if sep == 0 && n > 0 {
                // Capitals inside a part and a separator: no one form.
                return false;
            }
            sep = c;
            parts[n] = (start, i);
            n += 1;
            start = i + 1;
        }
        if start == b.len() || n == 0 {
            return false;
        }
        parts[n] = (start, b.len());
        let parts = &parts[..=n];
        let style = |p: &[u8]| -> u8 {
            if p.iter().all(u8::is_ascii_lowercase) {
                0
            } else if p.iter().all(u8::is_ascii_uppercase) {
                1
            } else if p[0].is_ascii_uppercase() && p[1..].iter().all(u8::is_ascii_lowercase) {
                2
            } else {
                3
            }
        };
        let word = |(s, e): (usize, usize)| &text[s..e];
        let first = word(parts[0]);
        let last = word(parts[parts.len() - 1]);
        let first_style = style(first.as_bytes());
        let regnal = sep == 0
            && first_style == 2
            && last.len() <= 4
            && last.bytes().all(|c| matches!(c, b'I' | b'V' | b'X'));
        let styles_agree = parts.iter().all(|&p| {
            let s = style(word(p).as_bytes());
            s == first_style || (p.1 - p.0 == 1 && s != 3)
        });
        if first_style == 3 || first.len() < 2 || !(styles_agree || regnal) {
            return false;
        }
        let against = STOP_WORD | TITLE | PLACE_NAME | PLACE_WORD | TOPO_WORD;
        let given = self.flags(first);
        if given & FIRST_NAME == 0 || given & against != 0 {
            return false;
        }
        // The surname lists cannot hold every surname: after a common given
        // name, a last part that no list holds and that is no English word
        // ("john.verstappen") is one too, as in a name written with spaces.
        let tail_ok = regnal || {
            let f = self.flags(last);
            (last.len() >= 2 && f & SURNAME != 0 && f & against == 0)
                || (given & COMMON_FIRST != 0
                    && last.len() >= 3
                    && f & (FIRST_NAME | SURNAME | against) == 0
                    && !is_english_word(last.as_bytes()))
        };
        let middle_ok = parts[1..parts.len() - 1].iter().all(|&p| {
            p.1 - p.0 == 1 || {
                let f = self.flags(word(p));
                f & (FIRST_NAME | SURNAME) != 0 && f & against == 0
            }
        });
        tail_ok && middle_ok
    }

    pub fn builtin() -> Self {
        let mut words: rustc_hash::FxHashMap<Box<[u8]>, Flags> = Default::default();
        let mut add = |t: &str, flag: Flags| {
            for l in t
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
            {
                *words
                    .entry(fold(l).into_bytes().into_boxed_slice())
                    .or_default() |= flag;
            }
        };
        add(FIRST, FIRST_NAME | COMMON_FIRST);
        add(LAST, SURNAME | COMMON_SURNAME);
        add(FIRST_INTL, FIRST_NAME);
        add(LAST_INTL, SURNAME);
        add(PLACE_WORDS, PLACE_WORD);
        add(TOPO_WORDS, TOPO_WORD);
        add(PLACES, PLACE_NAME);
        for w in STOP {
            add(w, STOP_WORD);
        }
        for w in TITLES {
            add(w, TITLE);
        }
        // Surnames that are far more often ordinary words.
        for w in ["the", "and", "street", "new"] {
            if let Some(f) = words.get_mut(w.as_bytes()) {
                *f &= !(SURNAME | COMMON_SURNAME);
            }
        }
        let mut names = Names {
            short: Default::default(),
            long: Default::default(),
            marked: Default::default(),
        };
        for (w, f) in words {
            match short_key(&w) {
                Some(k) => {
                    if f & (STOP_WORD | TITLE) != 0 {
                        names.marked.insert(k, f & (STOP_WORD | TITLE));
                    }
                    names.short.insert(k, f)
                }
                None => names.long.insert(w, f),
            };
        }
        names
    }

    /// The flags of a folded word. A hyphenated word that is not in the
    /// dictionaries as a whole ("koch-scheuermann", "thomas-xavier") takes
    /// the flags of its parts.
    fn lookup(&self, w: &[u8]) -> Flags {
        self.exact(w).unwrap_or_else(|| match self.hyphenated(w) {
            0 => by_suffix(w),
            f => f,
        })
    }

    /// The flags of a folded word that is in the dictionaries as it is.
    #[inline]
    fn exact(&self, w: &[u8]) -> Option<Flags> {
        match short_key(w) {
            Some(k) => self.short.get(&k),
            None => self.long.get(w),
        }
        .copied()
    }

    /// The union of the flags of the parts of a folded, hyphenated word
    /// (0 for a word without a hyphen, or with an empty part).
    #[cold]
    fn hyphenated(&self, w: &[u8]) -> Flags {
        if !w.contains(&b'-') {
            return 0;
        }
        let mut f = 0;
        for part in w.split(|&c| c == b'-') {
            if part.is_empty() {
                return 0;
            }
            f |= self.exact(part).unwrap_or(0);
        }
        // A title is a whole word, never a part.
        f & !TITLE
    }

    /// What `w` can be (0: not in any dictionary).
    fn flags(&self, w: &str) -> Flags {
        thread_local!(static BUF: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) });
        if w.len() > 40 {
            return 0;
        }
        if w.len() <= 15 {
            // The short key built in two words: lower-cased eight bytes at a
            // time when the word is ASCII.
            let mut b = [0u8; 16];
            b[..w.len()].copy_from_slice(w.as_bytes());
            let lo = u64::from_le_bytes(b[..8].try_into().expect("8 bytes"));
            let hi = u64::from_le_bytes(b[8..].try_into().expect("8 bytes"));
            if (lo | hi) & HIGH_BITS == 0 {
                let key = (ascii_lower(lo) as u128)
                    | ((ascii_lower(hi) | (w.len() as u64) << 56) as u128) << 64;
                return match self.short.get(&key) {
                    Some(&f) => f,
                    None if w.bytes().any(|c| c == b'-') => self.flags_slow(w.as_bytes()),
                    None => by_suffix(w.as_bytes()),
                };
            }
        }
        if w.is_ascii() {
            // Lower-case on the stack: no buffer, no UTF-8 re-encoding.
            let mut buf = [0u8; 40];
            let b = &mut buf[..w.len()];
            b.copy_from_slice(w.as_bytes());
            b.make_ascii_lowercase();
            return self.lookup(b);
        }
        if let Some(f) = self.flags_latin(w.as_bytes()) {
            return f;
        }
        BUF.with(|b| {
            let mut b = b.borrow_mut();
            fold_into(w, &mut b);
            self.lookup(b.as_bytes())
        })
    }

    /// `flags` of a word of ASCII and two-byte Latin letters (U+00C0 to
    /// U+017F: "Müller", "Łukasz", "García"), folded on the stack through a
    /// table of what `fold` makes of each such letter. `None` for any other
    /// character.
    fn flags_latin(&self, w: &[u8]) -> Option<Flags> {
        let mut buf = [0u8; 80];
        let mut n = 0;
        let mut i = 0;
        while i < w.len() {
            let c = w[i];
            if c < 0x80 {
                buf[n] = c.to_ascii_lowercase();
                n += 1;
                i += 1;
                continue;
            }
            if !(0xC3..=0xC5).contains(&c) || i + 1 >= w.len() {
                return None;
            }
            let cp = ((c as usize & 0x1F) << 6) | (w[i + 1] as usize & 0x3F);
            let (bytes, len) = LATIN_FOLD[cp - 0xC0];
            buf[n..n + 4].copy_from_slice(&bytes);
            n += len as usize;
            i += 2;
        }
        Some(self.lookup(&buf[..n]))
    }

    /// A given name of the common lists, not a stop word.
    fn is_common_first(&self, w: &str) -> bool {
        self.flags(w) & (COMMON_FIRST | STOP_WORD) == COMMON_FIRST
    }

    fn is_title(&self, w: &str) -> bool {
        self.flags(w.trim_end_matches('.')) & TITLE != 0
    }

    /// Name spans in `text` as (start, end, whole value). `hinted`: the column is
    /// a name column, so a single given name or surname counts.
    #[cfg(test)]
    pub fn find(&self, text: &str, hinted: impl Into<NameHint>) -> Vec<(usize, usize, bool)> {
        let hinted = hinted.into();
        let (mut tokens, mut out) = (Vec::new(), Vec::new());
        self.find_counted(text, hinted, capitalised_words(text), &mut tokens, &mut out);
        out
    }

    /// `find` with an upper bound on the capitalised words already counted
    /// (`detect` counts capital-like bytes), into
    /// reused buffers (`tokens` is scratch space; the spans go to `out`).
    pub(crate) fn find_counted(
        &self,
        text: &str,
        hinted: NameHint,
        capitalised: usize,
        tokens: &mut Vec<(usize, usize)>,
        out: &mut Vec<(usize, usize, bool)>,
    ) {
        // A mailbox with its display name ("Molly" <m@example.com>): the
        // display name is judged as a whole value, where one capitalised
        // given name is a name too, as beside a column of people (a
        // newsletter's "Lockergnome Windows Daily" is no name for ending
        // in a surname, as it would be in a name column).
        let hint = if hinted.any() {
            hinted
        } else {
            NameHint::Beside
        };
        if let Some((a, b)) = display_name(text) {
            self.find_in_part(text, a..b, hint, tokens, out);
            return;
        }
        // A list of mailboxes (`"Ann Lee" <a@x.org>, Bo Chen <b@y.org>`):
        // each display name as above.
        if matches!(text.as_bytes().last(), Some(b'>' | b' ' | b'\t'))
            && text.trim_end().ends_with('>')
            && text.contains(">,")
        {
            let mut found = Vec::new();
            let mut start = 0;
            for end in text
                .match_indices(">,")
                .map(|(i, _)| i + 1)
                .chain([text.len()])
            {
                if let Some((a, b)) = display_name(&text[start..end]) {
                    self.find_in_part(text, start + a..start + b, hint, tokens, out);
                    found.extend_from_slice(out);
                }
                start = (end + 1).min(text.len());
            }
            *out = found;
            return;
        }
        self.find_counted_with::<true>(text, hinted, capitalised, tokens, out)
    }

    /// The names in `text[part]` judged as a whole value under `hint`,
    /// written to `out` as spans of `text` (none of them the whole value).
    fn find_in_part(
        &self,
        text: &str,
        part: std::ops::Range<usize>,
        hint: NameHint,
        tokens: &mut Vec<(usize, usize)>,
        out: &mut Vec<(usize, usize, bool)>,
    ) {
        let at = part.start;
        let part = &text[part];
        let caps = part.bytes().filter(u8::is_ascii_uppercase).count();
        self.find_counted_with::<true>(part, hint, caps, tokens, out);
        for o in out.iter_mut() {
            *o = (o.0 + at, o.1 + at, false);
        }
    }

    /// `find_counted`; without `QUICK`, long ASCII text is not first
    /// checked for a pair of capitalised words (the reference the check is
    /// tested against).
    #[inline(always)]
    fn find_counted_with<const QUICK: bool>(
        &self,
        text: &str,
        hinted: NameHint,
        capitalised: usize,
        tokens: &mut Vec<(usize, usize)>,
        out: &mut Vec<(usize, usize, bool)>,
    ) {
        out.clear();
        if self.with_nationality(text) {
            out.push((0, text.len(), true));
            return;
        }
        let text = without_code_annotation(text);
        // The bound counts capital-like bytes: in a short ASCII value with
        // more than one (a JSON document's "SKU-1234", a code in capitals)
        // the tokens that start with a capital are counted instead.
        let capitalised = if QUICK
            && !hinted.any()
            && capitalised >= 2
            && text.len() <= CAPITALISED_COUNT_MAX
            && text.is_ascii()
        {
            ascii_capitalised_tokens(text.as_bytes())
        } else {
            capitalised
        };
        // Outside a name column, a name is capitalised words: a whole-value
        // name needs every word capitalised and at least two of them, or is
        // one word that is only ever a surname (`verdict`), and an embedded
        // one is a "Given Surname" pair. Fewer than two capitalised words
        // can be neither unless the value is that one word: skip the
        // tokenizer (most sentences take this exit).
        if !hinted.any() && capitalised < 2 && (capitalised == 0 || !one_word(text)) {
            return;
        }
        // A short value of a name with its role after a comma ("Mark
        // Twain, author") is judged whole on the name; the rest of running
        // text is not cut.
        let head = if text.len() <= 96 {
            without_role(text)
        } else {
            text
        };
        if head.len() < text.len() {
            tokenize(head, tokens);
            if !tokens.is_empty() && self.is_whole_name(head, tokens, hinted) {
                out.push((0, head.len(), true));
                return;
            }
        }
        // Long running text (sentences start with capitals) is most often
        // neither: more than five words, and no two capitalised ones side by
        // side. One walk over its word runs says so without the token list.
        if QUICK
            && text.len() >= crate::detect::SHORT_VALUE
            && text.is_ascii()
            && no_name_in_ascii(text.as_bytes())
        {
            return;
        }
        tokenize(text, tokens);
        if tokens.is_empty() {
            return;
        }
        if self.is_whole_name(text, tokens, hinted) {
            out.push((0, text.len(), true));
            return;
        }
        // Embedded: "Firstname Surname" pairs of capitalised words in running
        // text, both from the common lists. In prose that capitalises its
        // nouns (German), where "Sommer Vogel" or "Jung Berg" would pair up,
        // a pair also needs a title or form of address before it ("Herrn
        // Thomas Müller").
        for (k, w) in tokens.windows(2).enumerate() {
            let ((a0, a1), (b0, b1)) = (w[0], w[1]);
            let (a, b) = (&text[a0..a1], &text[b0..b1]);
            if !(starts_upper(b) && starts_upper(a) && text[a1..b0].trim().is_empty()) {
                continue;
            }
            if !is_all_upper(a)
                && self.is_common_first(a)
                && (self.flags(b) & (COMMON_SURNAME | STOP_WORD) == COMMON_SURNAME
                    || self.foreign_surname(b))
            {
                let titled = k > 0 && {
                    let (t0, t1) = tokens[k - 1];
                    text[t1..a0].trim().is_empty() && self.is_title(&text[t0..t1])
                };
                // A pair that is wholly a place's name ("Hong Kong", "Sierra
                // Leone") is the place unless a title stands before it.
                if (titled || !capitalises_nouns(text, tokens, k))
                    && !self.names_a_thing(text, tokens, k)
                    && (titled || !is_place_name(&text[a0..b1]))
                {
                    out.push((a0, b1, false));
                    continue;
                }
            }
            if k > 0 && self.introduced(text, tokens, k) {
                out.push((a0, b1, false));
            }
        }
        self.find_addressed(text, tokens, out);
    }

    /// Whether the capitalised pair of `tokens` at `k` follows a phrase
    /// that a person's name follows ("spoke with Dmitri Volkov", "on behalf
    /// of Zhang Wei", "falou com Ayşe Demir", "habló con Tesfaye Bekele"):
    /// then it names a person where the lists know one of the two words in
    /// any of their languages (a pair in plain running text needs both in
    /// the common lists). The other word, if no list holds it, must not be
    /// an English word ("met with Maria Training"); neither may be a stop
    /// word, a title, a place or a word in capitals, and the run must not
    /// name a thing ("on behalf of Wells Fargo Bank").
    fn introduced(&self, text: &str, tokens: &[(usize, usize)], k: usize) -> bool {
        let word = |i: usize| &text[tokens[i].0..tokens[i].1];
        let joined = |i: usize| {
            text.as_bytes()[tokens[i].1..tokens[i + 1].0]
                .iter()
                .all(u8::is_ascii_whitespace)
        };
        if !joined(k - 1) || !introduces_name(k - 1, &word, &joined) {
            return false;
        }
        let (a, b) = (word(k), word(k + 1));
        let (fa, fb) = (self.flags(a), self.flags(b));
        let listed = |f: Flags| f & (FIRST_NAME | SURNAME) != 0;
        let plain = |w: &str, f: Flags| {
            is_name_token(w, NameHint::None)
                && !is_all_upper(w)
                && f & (STOP_WORD | TITLE | PLACE_WORD | PLACE_NAME) == 0
                && (listed(f) || !is_english_word(w.as_bytes()))
        };
        (listed(fa) || listed(fb))
            && plain(a, fa)
            && plain(b, fb)
            && !self.names_a_thing(text, tokens, k)
            && !is_place_name(&text[tokens[k].0..tokens[k + 1].1])
    }

    /// A surname of the other languages' lists written with a letter
    /// outside ASCII ("Gonçalves", "Fernández", "Wójcik"): after a common
    /// given name in running text it is a surname too, as the Census's are
    /// (an ordinary word capitalised after a given name is rarely written
    /// so).
    fn foreign_surname(&self, word: &str) -> bool {
        !word.is_ascii()
            && self.flags(word) & (SURNAME | STOP_WORD | PLACE_NAME | PLACE_WORD | TITLE) == SURNAME
    }

    /// Embedded: a form of address before one to three capitalised words
    /// in running text names a person whether or not a list knows the
    /// words ("ask Dr. Okafor to call", "avec Mme Dupont", "com a Dona
    /// Fátima", "with Prof. Wole Soyinka at noon"). Not after a capitalised
    /// word, where the title may be a street's ("12 Oak Dr. Springfield");
    /// the words stop at a stop word, a place or a word in capitals; after
    /// the forms that are also abbreviations of other words ("Sr." for
    /// senior, "M." an initial) the first word must be a listed name.
    fn find_addressed(
        &self,
        text: &str,
        tokens: &[(usize, usize)],
        out: &mut Vec<(usize, usize, bool)>,
    ) {
        for k in 0..tokens.len().saturating_sub(1) {
            let (t0, t1) = tokens[k];
            let title = &text[t0..t1];
            // A form of address in capitals before a word that is not
            // ("MS Word", "DR Congo") is an abbreviation of something else:
            // text in capitals writes its names in capitals too, and those
            // stop the words below.
            if !starts_upper(title)
                || !is_form_of_address(title.as_bytes())
                || (title.len() >= 2 && is_all_upper(title))
            {
                continue;
            }
            // "Dr." is also a street's drive, "Sr." senior and "M." an
            // initial: after a capitalised word or a number they are not
            // forms of address, and a word after them must be a listed name.
            let ambiguous = ["dr", "sr", "m"]
                .iter()
                .any(|a| title.eq_ignore_ascii_case(a));
            if ambiguous && k > 0 {
                let (p0, p1) = tokens[k - 1];
                let prev = &text[p0..p1];
                // An article opening the sentence ("El Sr. Martínez", "Der
                // Dr. Weber") is no street's name.
                if text[p1..t0].trim().is_empty()
                    && (starts_upper(prev) || prev.as_bytes()[0].is_ascii_digit())
                    && !is_form_of_address(prev.as_bytes())
                    && !is_article(prev)
                {
                    continue;
                }
            }
            // A dot after an abbreviated form ("Dr.", "Mrs.") is part of
            // it; after a whole word ("Herr", "Frau", "Miss") it ends the
            // sentence, and the capital after it starts the next one ("…
            // wünschen Herr. Freuen nächste …").
            let dot_ok = !is_whole_word_form(title.as_bytes());
            let (mut end, mut words, mut known) = (t1, 0, false);
            for (n, &(w0, w1)) in tokens[k + 1..].iter().take(3).enumerate() {
                let gap = text[end..w0].trim();
                if !(gap.is_empty() || (n == 0 && dot_ok && gap == ".")) {
                    break;
                }
                let w = &text[w0..w1];
                let f = self.flags(w);
                if !starts_upper(w)
                    || is_all_upper(w)
                    || !is_name_token(w, NameHint::None)
                    || f & (STOP_WORD | TITLE | PLACE_WORD | PLACE_NAME) != 0
                {
                    break;
                }
                if n == 0 {
                    known = f & (FIRST_NAME | SURNAME) != 0;
                    // An English word that no list holds after the title is
                    // the title's other sense ("Don't Miss Out", "Miss
                    // Anything"), not a name.
                    if !known && is_english_word(w.as_bytes()) {
                        break;
                    }
                }
                words += 1;
                end = w1;
            }
            // In prose that capitalises its nouns, the whole-word forms
            // ("Herr", "Frau") come before roles as often as before names
            // ("Herr Pfarrer", "Frau Nachbarin"): there the word after
            // them must be listed ("Frau Dr. Özdemir" keeps its doctor).
            let sure = !(title.eq_ignore_ascii_case("sr") || title.eq_ignore_ascii_case("m"))
                && !(!dot_ok && capitalises_nouns(text, tokens, k));
            if words == 0 || !(sure || known) {
                continue;
            }
            if !out.iter().any(|&(s, e, _)| s < end && t0 < e) {
                out.push((t0, end, false));
            }
        }
    }

    /// Whether the pair of `tokens` at `k` is part of a longer run of
    /// capitalised words that holds a word of place, facility or
    /// organisation names: the run names a thing after a person ("Ted
    /// Stevens Anchorage International Airport", "John Hopkins University
    /// Hospital"), not the person.
    fn names_a_thing(&self, text: &str, tokens: &[(usize, usize)], k: usize) -> bool {
        let joined = |i: usize| text[tokens[i].1..tokens[i + 1].0].trim().is_empty();
        let capital = |i: usize| starts_upper(&text[tokens[i].0..tokens[i].1]);
        let place = |i: usize| self.flags(&text[tokens[i].0..tokens[i].1]) & PLACE_WORD != 0;
        let mut i = k + 1;
        while i + 1 < tokens.len() && joined(i) && capital(i + 1) {
            i += 1;
            if place(i) {
                return true;
            }
        }
        let mut i = k;
        while i > 0 && joined(i - 1) && capital(i - 1) {
            i -= 1;
            if place(i) {
                return true;
            }
        }
        false
    }

    /// One capitalised word with a country code in parentheses ("Behmer
    /// (GDR)", "Sablovskaite (URS)", "Fleming (AUS)"): a surname and a
    /// nationality, as results tables write athletes, whether or not the
    /// surname is in a list. Not where the word names a place ("Paris
    /// (FRA)"), is a stop word or a title, or is written in capitals.
    fn with_nationality(&self, text: &str) -> bool {
        static CODES: std::sync::LazyLock<rustc_hash::FxHashSet<[u8; 3]>> =
            std::sync::LazyLock::new(|| {
                COUNTRY_CODES
                    .lines()
                    .filter(|l| l.len() == 3 && !l.starts_with('#'))
                    .map(|l| {
                        let b = l.as_bytes();
                        [b[0], b[1], b[2]]
                    })
                    .collect()
            });
        let Some(body) = text.strip_suffix(')') else {
            return false;
        };
        let Some(open) = body.rfind(" (") else {
            return false;
        };
        let code = &body.as_bytes()[open + 2..];
        let word = body[..open].trim_end();
        if code.len() != 3
            || !code.iter().all(u8::is_ascii_uppercase)
            || !CODES.contains(&[
                code[0].to_ascii_lowercase(),
                code[1].to_ascii_lowercase(),
                code[2].to_ascii_lowercase(),
            ])
            || word.is_empty()
            || word.len() > 40
        {
            return false;
        }
        word.chars().next().is_some_and(char::is_uppercase)
            && word.chars().any(char::is_lowercase)
            && word
                .chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
            && self.flags(word) & (STOP_WORD | PLACE_NAME | PLACE_WORD | TITLE) == 0
            && !is_place_name(word)
    }

    /// Whether all of `text` (split into `tokens`) is one person's name.
    pub(crate) fn whole_name(
        &self,
        text: &str,
        hinted: NameHint,
        tokens: &mut Vec<(usize, usize)>,
    ) -> bool {
        if self.with_nationality(text) || self.run_together(text) {
            return true;
        }
        let text = without_code_annotation(without_role(text));
        if let Some(answer) = self.whole_name_latin(text.as_bytes(), hinted) {
            return answer;
        }
        tokenize(text, tokens);
        !tokens.is_empty() && self.is_whole_name(text, tokens, hinted)
    }

    /// `whole_name` in one pass for values of ASCII and two-byte Latin
    /// letters (U+00C0 to U+017F): the tokens are judged as they are found,
    /// with no token list, and each ASCII dictionary key is built from two
    /// loads. `None` for any other character (the general path takes it). A
    /// property test holds it to the general path.
    fn whole_name_latin(&self, b: &[u8], hinted: NameHint) -> Option<bool> {
        // Non-ASCII bytes must be two-byte letters from U+00C0 to U+017F
        // (every one of them is a letter but × and ÷); checked before any
        // early answer, so that other values go to the general path.
        let ascii = b.is_ascii();
        let mut k = if ascii { b.len() } else { 0 };
        while k < b.len() {
            if b[k] < 0x80 {
                k += 1;
                continue;
            }
            let ok = (0xC3..=0xC5).contains(&b[k])
                && b.get(k + 1).is_some_and(|&c| c & 0xC0 == 0x80)
                && !(b[k] == 0xC3 && matches!(b[k + 1], 0x97 | 0xB7));
            if !ok {
                return None;
            }
            k += 2;
        }
        if hinted != NameHint::Named && slash_joined(b) {
            return Some(false);
        }
        if ascii && b.len() <= 64 {
            // In a column named for a name, capitalised words without a
            // stop word are a name whatever the dictionaries say: the small
            // table of stop words and titles answers most values.
            if hinted == NameHint::Named {
                if let Some(answer) = self.whole_name_ascii::<true>(b, hinted) {
                    return Some(answer);
                }
            }
            return Some(self.whole_name_ascii::<false>(b, hinted) == Some(true));
        }
        // A name has no digits, at most five tokens and at most four words:
        // each early `false` is the general path's answer too.
        let (mut n_tokens, mut tally) = (0usize, NameTally::default());
        let word = |c: u8| c >= 0x80 || WORD_BYTE[c as usize];
        let flags = |w: &[u8]| {
            if ascii || w.is_ascii() {
                self.flags_ascii(w)
            } else {
                self.flags_latin(w).unwrap_or(0)
            }
        };
        let mut verdict = true;
        let mut i = 0;
        while i < b.len() {
            while i < b.len() && !word(b[i]) {
                i += 1;
            }
            let s = i;
            while i < b.len() && word(b[i]) {
                verdict &= !b[i].is_ascii_digit();
                i += 1;
            }
            let e = token_end(b, s, i);
            if e == s {
                continue;
            }
            n_tokens += 1;
            if !verdict || n_tokens > 5 {
                return Some(false);
            }
            let t = &b[s..e];
            let f = flags(t);
            let mut core = t;
            while let [rest @ .., b'.'] = core {
                core = rest;
            }
            let title = if core.len() < t.len() {
                flags(core) & TITLE != 0
            } else {
                f & TITLE != 0
            };
            if title {
                tally.title(core);
                continue;
            }
            // Letters (ASCII, or the two-byte Latin ones checked above),
            // apostrophes and hyphens; capitalised unless in a name column.
            let first_upper = match core.first() {
                Some(&c) if c < 0x80 => c.is_ascii_uppercase(),
                Some(&c) => {
                    let cp = ((c as u32 & 0x1F) << 6) | (core[1] as u32 & 0x3F);
                    char::from_u32(cp).is_some_and(char::is_uppercase)
                }
                None => false,
            };
            let initial = Initial::of(core, t);
            let name_token = !core.is_empty()
                && (initial != Initial::No
                    || core
                        .iter()
                        .all(|&c| c >= 0x80 || c.is_ascii_alphabetic() || c == b'\'' || c == b'-'))
                && (first_upper || hinted.any());
            if !name_token {
                return Some(false);
            }
            tally.add(f, first_upper, initial, (s, s + core.len()));
        }
        Some(tally.verdict(
            hinted,
            || b.contains(&b','),
            || has_lowercase(b),
            || b.contains(&b'&'),
            || is_english_word(b),
            |(s, e)| is_english_word(&b[s..e]),
            || std::str::from_utf8(b).is_ok_and(is_place_name),
        ))
    }

    /// `whole_name_latin` for ASCII values of at most 64 bytes, on bit masks
    /// of the byte classes (`bytes::masks`): the tokens are the runs of word
    /// bytes, found with bit scans instead of byte loops.
    ///
    /// With `MARKED` (a column named for a name) the words are looked up in
    /// the table of stop words and titles only, which gives the same title
    /// and stop-word answers as the full one for words without a hyphen:
    /// the answer is `None` where it would need the given-name and surname
    /// flags (a stop word, a lower-case word, a hyphen, or more than four
    /// words), and the caller asks again without `MARKED`.
    fn whole_name_ascii<const MARKED: bool>(&self, b: &[u8], hinted: NameHint) -> Option<bool> {
        let m = super::bytes::masks::<true>(b);
        // Digits are word bytes: a digit anywhere is a digit in a token.
        if m.digit != 0 {
            return Some(false);
        }
        // A hyphenated word's flags may come from its parts.
        if MARKED && m.dash != 0 {
            return None;
        }
        let flags = |w: &[u8]| {
            if MARKED {
                self.marked_ascii(w)
            } else {
                self.flags_ascii(w)
            }
        };
        let name_byte = m.alpha | m.apostrophe | m.dash;
        let mut rest = name_byte | m.dot;
        let (mut n_tokens, mut tally) = (0usize, NameTally::default());
        while rest != 0 {
            let s = rest.trailing_zeros() as usize;
            let run = (rest >> s).trailing_ones() as usize;
            let run_end = s + run;
            rest = rest.checked_shr(run_end as u32).map_or(0, |r| r << run_end);
            let e = token_end(b, s, run_end);
            if e == s {
                continue;
            }
            n_tokens += 1;
            if n_tokens > 5 {
                return Some(false);
            }
            let t = &b[s..e];
            let f = flags(t);
            let mut core_end = e;
            while core_end > s && b[core_end - 1] == b'.' {
                core_end -= 1;
            }
            let title = if core_end < e {
                flags(&b[s..core_end]) & TITLE != 0
            } else {
                f & TITLE != 0
            };
            if title {
                tally.title(&b[s..core_end]);
                continue;
            }
            // Letters, apostrophes and hyphens; capitalised unless in a
            // name column.
            let core_bits = 1u64
                .checked_shl(core_end as u32)
                .unwrap_or(0)
                .wrapping_sub(1)
                & !((1u64 << s) - 1);
            let initial = Initial::of(&b[s..core_end], &b[s..e]);
            let name_token = core_end > s
                && (core_bits & !name_byte == 0 || initial != Initial::No)
                && (b[s].is_ascii_uppercase() || hinted.any());
            if !name_token {
                return Some(false);
            }
            tally.add(f, b[s].is_ascii_uppercase(), initial, (s, core_end));
        }
        if MARKED {
            return tally.named_without_dictionaries().then_some(true);
        }
        Some(tally.verdict(
            hinted,
            || b.contains(&b','),
            || b.iter().any(u8::is_ascii_lowercase),
            || b.contains(&b'&'),
            || is_english_word(b),
            |(s, e)| is_english_word(&b[s..e]),
            || std::str::from_utf8(b).is_ok_and(is_place_name),
        ))
    }

    /// `flags_ascii` in the table of stop words and titles (those two
    /// flags only), for a word without a hyphen.
    #[inline]
    fn marked_ascii(&self, w: &[u8]) -> Flags {
        let n = w.len();
        if n > 15 || n == 0 {
            return self.flags_ascii(w) & (STOP_WORD | TITLE);
        }
        let (lo, hi) = super::bytes::short_words(w);
        let key = (ascii_lower(lo) as u128) | ((ascii_lower(hi) | (n as u64) << 56) as u128) << 64;
        self.marked.get(&key).copied().unwrap_or(0)
    }

    /// `flags` of an ASCII word, its key read with at most two loads.
    #[inline]
    fn flags_ascii(&self, w: &[u8]) -> Flags {
        let n = w.len();
        if n > 15 || n == 0 {
            return if n == 0 {
                self.lookup(w)
            } else {
                self.flags_slow(w)
            };
        }
        let (lo, hi) = super::bytes::short_words(w);
        let key = (ascii_lower(lo) as u128) | ((ascii_lower(hi) | (n as u64) << 56) as u128) << 64;
        match self.short.get(&key) {
            Some(&f) => f,
            None if w.contains(&b'-') => self.flags_slow(w),
            None => by_suffix(w),
        }
    }

    /// `flags` of a longer ASCII word.
    fn flags_slow(&self, w: &[u8]) -> Flags {
        if w.len() > 40 {
            return 0;
        }
        let mut buf = [0u8; 40];
        let b = &mut buf[..w.len()];
        b.copy_from_slice(w);
        b.make_ascii_lowercase();
        self.lookup(b)
    }

    fn is_whole_name(&self, text: &str, tokens: &[(usize, usize)], hinted: NameHint) -> bool {
        if tokens.len() > 5
            || text.bytes().any(|b| b.is_ascii_digit())
            || (hinted != NameHint::Named && slash_joined(text.as_bytes()))
        {
            return false;
        }
        // Scripts the dictionaries do not cover (Han, Cyrillic, Greek, Arabic,
        // Devanagari, Hangul, kana): in a name column, a short alphabetic value is a name.
        if hinted.any() && !text.is_ascii() && tokens.len() <= 4 && text.chars().count() <= 40 {
            let non_latin = text
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| !c.is_ascii() && !('\u{00C0}'..='\u{024F}').contains(&c));
            if non_latin
                && text.chars().any(char::is_alphabetic)
                && text
                    .chars()
                    .all(|c| c.is_alphabetic() || c == ' ' || c == '·' || c == '-' || c == '・')
            {
                return script_says_name(text);
            }
        }
        // "Surname, Given" never has a compass point or a relative position
        // for its given part: "Altai, Southern", "Korea, South", "Banda,
        // Mid-Southern", "Sorbian, Upper" are a catalogue's inverted names
        // of languages, places and kinds.
        if let Some(comma) = text.find(',') {
            let qualified = tokens.iter().filter(|&&(s, _)| s > comma).any(|&(s, e)| {
                text[s..e]
                    .trim_end_matches('.')
                    .split('-')
                    .any(|part| QUALIFIERS.iter().any(|q| part.eq_ignore_ascii_case(q)))
            });
            if qualified {
                return false;
            }
        }
        // Whole value: 1-4 name tokens (titles aside), nothing else.
        let mut tally = NameTally::default();
        for &(s, e) in tokens {
            let t = &text[s..e];
            // One lookup answers "title?" and "name?" unless the token ends
            // with a dot ("M.", "Dr."), where the title is looked up without it.
            let f = self.flags(t);
            let title = if t.ends_with('.') {
                self.is_title(t)
            } else {
                f & TITLE != 0
            };
            let core = t.trim_end_matches('.');
            if title {
                tally.title(core.as_bytes());
                continue;
            }
            let initial = Initial::of(core.as_bytes(), t.as_bytes());
            if initial == Initial::No && !is_name_token(t, hinted) {
                return false;
            }
            tally.add(f, starts_upper(t), initial, (s, s + core.len()));
        }
        tally.verdict(
            hinted,
            || text.contains(','),
            || text.chars().any(char::is_lowercase),
            || text.contains('&'),
            || is_english_word(text.as_bytes()),
            |(s, e)| is_english_word(&text.as_bytes()[s..e]),
            || is_place_name(text),
        )
    }
}

/// Whether a short value in a script the dictionaries do not cover, in a
/// name column, has the form of a person's name in that script rather than
/// of a thing's (a `name` column of products, species or places written in
/// Cyrillic, kana or Hangul): two words or more, or one word that
/// - in Cyrillic ends like a surname (Петров, Иванова, Шевченко, Кравчук,
///   Петрович) or is a common given name;
/// - in Hangul has two to four syllables, the first a common surname;
/// - in kana is a foreign name written with a middle dot (ジョン・スミス):
///   a single kana word is a loanword or a thing's name;
/// - holds a Han character (Chinese and Japanese names), or is in another
///   script (Greek, Arabic, Hebrew, Devanagari…), as before.
fn script_says_name(text: &str) -> bool {
    let words = text.split([' ', '-']).filter(|w| !w.is_empty()).count();
    if words >= 2 {
        return true;
    }
    let is_cyrillic = |c: char| ('\u{0400}'..='\u{04FF}').contains(&c);
    let is_hangul = |c: char| ('\u{AC00}'..='\u{D7A3}').contains(&c);
    // Hiragana and katakana, the long-vowel mark ー among them.
    let is_kana = |c: char| ('\u{3040}'..='\u{30FF}').contains(&c);
    let is_han =
        |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c);
    let letters = || text.chars().filter(|c| c.is_alphabetic() || *c == '・');
    if letters().any(is_han) {
        return true;
    }
    if letters().all(is_cyrillic) {
        let lower = text.to_lowercase();
        return CYRILLIC_SURNAME_ENDINGS
            .iter()
            .any(|e| lower.ends_with(e) && lower.chars().count() > e.chars().count() + 1)
            || CYRILLIC_GIVEN_NAMES.contains(&lower.as_str());
    }
    if letters().all(is_hangul) {
        let n = text.chars().count();
        return (2..=4).contains(&n)
            && text
                .chars()
                .next()
                .is_some_and(|c| HANGUL_SURNAMES.contains(&c));
    }
    if letters().all(|c| is_kana(c) || c == '・') {
        return text.contains('・');
    }
    true
}

/// Compass points and relative positions: the qualifier of an inverted
/// name of a place, a language or a kind ("Altai, Southern"), never the
/// given part of a person's inverted name.
const QUALIFIERS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "upper",
    "lower",
    "middle",
    "mid",
    "inner",
    "outer",
    "greater",
    "lesser",
    "highland",
    "lowland",
    "coastal",
];

/// How Russian, Ukrainian, Belarusian, Serbian, Bulgarian, Armenian and
/// Georgian surnames written in Cyrillic end.
const CYRILLIC_SURNAME_ENDINGS: &[&str] = &[
    "ов",
    "ев",
    "ёв",
    "ин",
    "ын",
    "ова",
    "ева",
    "ёва",
    "ина",
    "ына",
    "ский",
    "цкий",
    "ская",
    "цкая",
    "ской",
    "енко",
    "чук",
    "ук",
    "юк",
    "вич",
    "ич",
    "ян",
    "янц",
    "дзе",
    "швили",
    "ых",
    "их",
];

/// Common Russian and Ukrainian given names (lower case), for a value of
/// one word.
const CYRILLIC_GIVEN_NAMES: &[&str] = &[
    "александр",
    "алексей",
    "андрей",
    "антон",
    "артём",
    "артем",
    "борис",
    "вадим",
    "валентин",
    "василий",
    "виктор",
    "владимир",
    "вячеслав",
    "геннадий",
    "георгий",
    "григорий",
    "дмитрий",
    "евгений",
    "иван",
    "игорь",
    "илья",
    "кирилл",
    "константин",
    "леонид",
    "максим",
    "михаил",
    "никита",
    "николай",
    "олег",
    "павел",
    "пётр",
    "петр",
    "роман",
    "руслан",
    "сергей",
    "станислав",
    "степан",
    "тарас",
    "фёдор",
    "федор",
    "юрий",
    "ярослав",
    "александра",
    "алина",
    "алла",
    "анастасия",
    "анна",
    "валентина",
    "валерия",
    "вера",
    "вероника",
    "виктория",
    "галина",
    "дарья",
    "екатерина",
    "елена",
    "елизавета",
    "зоя",
    "инна",
    "ирина",
    "кристина",
    "ксения",
    "лариса",
    "любовь",
    "людмила",
    "марина",
    "мария",
    "надежда",
    "наталья",
    "нина",
    "оксана",
    "ольга",
    "полина",
    "светлана",
    "софия",
    "татьяна",
    "юлия",
    "яна",
];

/// The first syllables of the most common Korean surnames.
const HANGUL_SURNAMES: &[char] = &[
    '김', '이', '박', '최', '정', '강', '조', '윤', '장', '임', '한', '오', '서', '신', '권', '황',
    '안', '송', '류', '유', '전', '홍', '고', '문', '양', '손', '배', '백', '허', '남', '심', '노',
    '하', '곽', '성', '차', '주', '우', '구', '민', '진', '나', '지', '엄', '원', '천', '방', '공',
    '현', '함', '변', '염', '여', '추', '도', '소', '석', '선', '설', '마', '길', '연', '위', '표',
    '명', '기', '반', '왕', '금', '옥', '육', '인', '맹', '제', '모', '탁', '국', '어', '은', '편',
    '용', '예', '경', '봉', '사', '부',
];

/// German function words that are not English words (nor name particles):
/// one of them marks prose that capitalises its nouns.
const GERMAN_WORDS: &[&str] = &[
    "und", "das", "ist", "nicht", "mit", "auf", "für", "ein", "eine", "einen", "sich", "auch",
    "noch", "wir", "ihr", "dich", "mich", "mein", "dein", "sein", "wenn", "aber", "oder", "bei",
    "nach", "vom", "zum", "zur", "über", "kein", "keine", "sehr", "schon", "hier", "wie", "wird",
    "werden", "haben", "sind", "waren", "darin", "uns", "euch", "bitte", "danke",
];

/// Whether running text capitalises nouns the way German does: a German
/// function word among its words, or (in at least six words) more than a
/// third of the words inside its sentences capitalised, the words of
/// `pair` aside.
fn capitalises_nouns(text: &str, tokens: &[(usize, usize)], pair: usize) -> bool {
    if tokens.iter().any(|&(s, e)| {
        let w = &text[s..e];
        w.len() <= 6 && GERMAN_WORDS.iter().any(|g| g.eq_ignore_ascii_case(w))
    }) {
        return true;
    }
    if tokens.len() < 6 {
        return false;
    }
    let (mut inner, mut caps) = (0, 0);
    for (k, &(s, e)) in tokens.iter().enumerate() {
        let starts_sentence = k == 0 || text[..s].trim_end().ends_with(['.', '!', '?', ':', '\n']);
        if starts_sentence || k == pair || k == pair + 1 {
            continue;
        }
        inner += 1;
        caps += starts_upper(&text[s..e]) as usize;
    }
    caps * 3 > inner
}

/// Words that start with a capital letter (`detect`'s first pass counts an
/// upper bound: capital-like bytes) (ASCII fast path; any non-ASCII
/// letter at a word start counts, to stay conservative).
/// The hash of `s` lower-cased, without building the lower-cased string.
fn lower_hash(s: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    if s.is_ascii() {
        for b in s.bytes() {
            h.write_u8(b.to_ascii_lowercase());
        }
    } else {
        for c in s.chars().flat_map(char::to_lowercase) {
            h.write_u32(c as u32);
        }
    }
    h.finish()
}

/// Whether `value` (trimmed) is wholly the name of a city of 15,000 people
/// or more ("Springfield", "mount vernon"; `rules/dict/cities.txt`, from
/// GeoNames) or of a country or region in two to four words ("Sierra
/// Leone", "Rhode Island"; `rules/dict/places_multi.txt`, from ISO 3166),
/// compared without case.
pub fn is_place_name(value: &str) -> bool {
    static CITY_HASHES: std::sync::LazyLock<rustc_hash::FxHashSet<u64>> =
        std::sync::LazyLock::new(|| {
            CITIES
                .lines()
                .chain(PLACES_MULTI.lines())
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(lower_hash)
                .collect()
        });
    let v = value.trim();
    !v.is_empty() && v.len() <= 64 && CITY_HASHES.contains(&lower_hash(v))
}

#[cfg(test)]
pub(crate) fn capitalised_words(text: &str) -> usize {
    let b = text.as_bytes();
    let mut n = 0;
    let mut at_start = true;
    for &c in b {
        if at_start && (c.is_ascii_uppercase() || c >= 0x80) {
            n += 1;
        }
        at_start = matches!(
            c,
            b' ' | b'\t' | b'\n' | b'(' | b'"' | b'\'' | b',' | b';' | b':'
        );
    }
    n
}

fn starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn is_all_upper(w: &str) -> bool {
    w.chars().count() > 1 && w.chars().all(|c| !c.is_lowercase())
}

fn is_name_token(w: &str, hinted: NameHint) -> bool {
    let core = w.trim_end_matches('.');
    if core.is_ascii() {
        let b = core.as_bytes();
        return !b.is_empty()
            && b.iter()
                .all(|&c| c.is_ascii_alphabetic() || c == b'\'' || c == b'-')
            && (b[0].is_ascii_uppercase() || hinted.any());
    }
    if core.is_empty()
        || !core
            .chars()
            .all(|c| c.is_alphabetic() || c == '\'' || c == '-')
    {
        return false;
    }
    // Capitalised, or ALL CAPS; lower-case names only in a name column.
    starts_upper(core) || hinted.any()
}

/// Bytes that belong to a word (ASCII): letters, digits, `'`, `-`, `.`.
/// The end of the token `b[s..e]`: trailing dots dropped from tokens
/// longer than two bytes ("Jr." stays whole for the title lookup).
fn token_end(b: &[u8], s: usize, mut e: usize) -> usize {
    if e - s > 2 {
        while e > s && b[e - 1] == b'.' {
            e -= 1;
        }
    }
    e
}

/// What a column's name says about the names in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameHint {
    /// Nothing: names are capitalised and need the dictionaries.
    None,
    /// A name column (`name`, `customer`, `holder`): one known word can be a name.
    Hinted,
    /// A column named for a name (`surname`, `first_name`): every value of
    /// capitalised letter words is one.
    Named,
    /// A column whose name says nothing, beside one that names people by
    /// their role (`ColumnHints::people_beside`): as `None`, and a value
    /// that is one capitalised given name is a name.
    Beside,
    /// A name column named for people by their role (`contestant`,
    /// `player`, `artist`): as `Hinted`, and a value that is one
    /// capitalised word that no list holds and that is no English word
    /// is a name (a stage name, a footballer's single name: "Ronaldinho";
    /// not "Goalkeeper" or "Draw").
    Role,
}

/// The display name of a mailbox written as RFC 5322's name-addr,
/// `Display Name <local@domain>` or `"Surname, Given" <local@domain>`, or
/// as the older address with a comment, `local@domain (Display Name)`: its
/// byte range, quotes and spaces trimmed; `None` for any other value (a
/// bare address, a list of mailboxes, a display name that is an address).
fn display_name(text: &str) -> Option<(usize, usize)> {
    // Most values end in none of '>', ')' or a space: one byte says so.
    if !matches!(text.as_bytes().last(), Some(b'>' | b')' | b' ' | b'\t')) {
        return None;
    }
    let t = text.trim_end();
    let (s, e) = if let Some(head) = t.strip_suffix('>') {
        let lt = head.rfind('<')?;
        let addr = &t[lt + 1..t.len() - 1];
        if !addr.contains('@') || addr.contains(|c: char| c.is_whitespace() || c == '<') {
            return None;
        }
        (0, lt)
    } else {
        let head = t.strip_suffix(')')?;
        let open = head.find('(')?;
        let addr = head[..open].trim();
        if !addr.contains('@') || addr.contains(|c: char| c.is_whitespace() || "()<>".contains(c)) {
            return None;
        }
        (open + 1, head.len())
    };
    let b = text.as_bytes();
    let trim = |c: u8| matches!(c, b' ' | b'\t' | b'"' | b'\'');
    let (mut s, mut e) = (s, e);
    while s < e && trim(b[s]) {
        s += 1;
    }
    while e > s && trim(b[e - 1]) {
        e -= 1;
    }
    let name = &text[s..e];
    if name.is_empty() || name.len() > 64 || name.contains(['<', '>', '@', '"', '(', ')']) {
        return None;
    }
    Some((s, e))
}

impl NameHint {
    /// From a column hint (`ColumnHints::get`; columns use `ColumnHints::name_hint`).
    #[cfg(test)]
    pub fn of(hint: i8) -> NameHint {
        match hint {
            2.. => NameHint::Named,
            1 => NameHint::Hinted,
            _ => NameHint::None,
        }
    }

    /// The column's name supports names (`Hinted`, `Named` or `Role`).
    pub fn any(self) -> bool {
        matches!(self, NameHint::Hinted | NameHint::Named | NameHint::Role)
    }
}

impl From<bool> for NameHint {
    fn from(hinted: bool) -> Self {
        if hinted {
            NameHint::Hinted
        } else {
            NameHint::None
        }
    }
}

/// What the name words of a value (titles aside) are, in order.
#[derive(Default)]
struct NameTally {
    firsts: usize,
    lasts: usize,
    /// Words that are a given name or a surname (or both).
    known: usize,
    /// Name words so far.
    words: usize,
    /// The first word is a given name / a surname.
    head: (bool, bool),
    /// The last word so far is a given name / a surname.
    tail: (bool, bool),
    /// Words that are stop words or do not start with a capital.
    plain: usize,
    /// Place, facility and organisation words; country and subdivision names.
    place_words: usize,
    place_names: usize,
    /// Initials ("J.", "B"), and those of them written without a dot.
    initials: usize,
    bare_initials: usize,
    /// A form of address stood among the words ("Dr", "Mrs", "Prof.").
    addressed: bool,
    /// The words that are surnames and not given names.
    surnames_only: usize,
    /// The first word is a common given name (Census or hand-curated).
    head_common: bool,
    /// The last word so far is a street or land word (`TOPO_WORD`).
    tail_topo: bool,
    /// The first word is one ("Mount", "Lake", "Fort").
    head_topo: bool,
    /// A surname particle came right after the first word ("Ludwig van").
    particle_after_head: bool,
    /// The last word so far is in no list at all (no name, stop, place,
    /// street or title word).
    tail_unlisted: bool,
    /// The last word is a surname by its ending only (`SUFFIX_SURNAME`).
    tail_suffix: bool,
    /// The first word is capitalised and in no list at all.
    head_unlisted: bool,
    /// The last word so far is capitalised and a common surname (Census or
    /// hand-curated) that is no stop, place, street or title word.
    tail_common_surname: bool,
    /// Where the first and the last word so far stand in the value.
    head_at: (usize, usize),
    tail_at: (usize, usize),
}

/// Whether a name token is an initial: one capital letter, with or
/// without a dot.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Initial {
    No,
    Bare,
    Dotted,
}

impl Initial {
    /// From the token without its trailing dots (`core`) and with them.
    #[inline]
    fn of(core: &[u8], token: &[u8]) -> Initial {
        match core {
            [c] if c.is_ascii_uppercase() => {
                if token.len() > 1 {
                    Initial::Dotted
                } else {
                    Initial::Bare
                }
            }
            _ if joined_initials(core) => Initial::Dotted,
            _ => Initial::No,
        }
    }
}

/// Two or three initials written together, their last dot aside ("T.J",
/// "J.R.R"): initials as "T. J." are, unless they abbreviate a country,
/// a city or a kind of club or firm ("U.S", "L.A", "A.C", "S.A").
fn joined_initials(core: &[u8]) -> bool {
    const NOT_INITIALS: &[&[u8]] = &[
        b"U.S", b"U.K", b"U.A.E", b"U.N", b"E.U", b"D.C", b"L.A", b"N.Y", b"S.F", b"A.C", b"F.C",
        b"S.C", b"C.F", b"S.A", b"N.V", b"B.V", b"A.G", b"P.C", b"P.A", b"L.P", b"T.V", b"A.M",
        b"P.M", b"B.C", b"A.D", b"R.I.P", b"P.S", b"U.S.A",
    ];
    (core.len() == 3 || core.len() == 5)
        && core.iter().enumerate().all(|(i, &c)| {
            if i % 2 == 0 {
                c.is_ascii_uppercase()
            } else {
                c == b'.'
            }
        })
        && !NOT_INITIALS.contains(&core)
}

/// A title that addresses a person ("Dr", "Mrs", "Prof", "Herr", "Sra"),
/// as opposed to a degree, a suffix or a surname particle.
fn is_form_of_address(core: &[u8]) -> bool {
    const FORMS: &[&[u8]] = &[
        b"mr",
        b"mrs",
        b"ms",
        b"miss",
        b"mx",
        b"dr",
        b"prof",
        b"herr",
        b"herrn",
        b"frau",
        b"m",
        b"mme",
        b"mlle",
        b"sr",
        b"sra",
        b"srta",
        b"sig",
        b"sir",
        b"dame",
        b"lord",
        b"rev",
        b"hon",
        b"dott",
        b"dott.ssa",
        b"avv",
        b"ing",
        b"mag",
        b"mgr",
        b"univ.prof",
        b"dona",
        "doña".as_bytes(),
        b"dra",
        b"profa",
        b"lic",
    ];
    core.len() <= 9 && FORMS.iter().any(|f| f.eq_ignore_ascii_case(core))
}

/// Forms of address that are whole words, never abbreviated with a dot.
fn is_whole_word_form(core: &[u8]) -> bool {
    const WHOLE: &[&[u8]] = &[
        b"miss", b"herr", b"herrn", b"frau", b"sir", b"dame", b"lord", b"dona",
    ];
    WHOLE.iter().any(|f| f.eq_ignore_ascii_case(core))
        || core.eq_ignore_ascii_case("doña".as_bytes())
}

/// Phrases of running text that a person's name follows, lower case, as
/// words: the last word and, for two- and three-word phrases, the words
/// before it (English, Portuguese, Spanish, French, Italian, German,
/// Dutch).
const INTRODUCERS: &[&[&str]] = &[
    &["spoke", "with"],
    &["spoke", "to"],
    &["speaking", "with"],
    &["speaking", "to"],
    &["talked", "to"],
    &["talked", "with"],
    &["met", "with"],
    &["meeting", "with"],
    &["on", "behalf", "of"],
    &["signed", "by"],
    &["approved", "by"],
    &["requested", "by"],
    &["reported", "by"],
    &["submitted", "by"],
    &["reviewed", "by"],
    &["handled", "by"],
    &["assigned", "to"],
    &["escalated", "to"],
    &["transfer", "to"],
    &["transferred", "to"],
    &["paid", "to"],
    &["payment", "to"],
    &["payable", "to"],
    &["contacted"],
    &["emailed"],
    &["dear"],
    &["falou", "com"],
    &["falei", "com"],
    &["conversou", "com"],
    &["conversei", "com"],
    &["em", "nome", "de"],
    &["aos", "cuidados", "de"],
    &["assinado", "por"],
    &["aprovado", "por"],
    &["atendido", "por"],
    &["solicitado", "por"],
    &["prezado"],
    &["prezada"],
    &["habló", "con"],
    &["hablé", "con"],
    &["conversó", "con"],
    &["en", "nombre", "de"],
    &["a", "nombre", "de"],
    &["firmado", "por"],
    &["aprobado", "por"],
    &["estimado"],
    &["estimada"],
    &["parlé", "avec"],
    &["de", "la", "part", "de"],
    &["signé", "par"],
    &["approuvé", "par"],
    &["parlato", "con"],
    &["a", "nome", "di"],
    &["firmato", "da"],
    &["approvato", "da"],
    &["sprach", "mit"],
    &["gesprochen", "mit"],
    &["im", "auftrag", "von"],
    &["unterschrieben", "von"],
    &["genehmigt", "von"],
    &["gesproken", "met"],
    &["namens"],
    &["ondertekend", "door"],
];

/// Whether the words ending at token `k` (`word(i)`; `joined(i)`: only
/// spaces between tokens `i` and `i + 1`) are one of the `INTRODUCERS`.
fn introduces_name<'a>(
    k: usize,
    word: &impl Fn(usize) -> &'a str,
    joined: &impl Fn(usize) -> bool,
) -> bool {
    // The phrases' last words, looked up first (most words that stand
    // before two capitalised ones end none).
    static LAST: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        let mut v: Vec<&str> = INTRODUCERS.iter().map(|p| p[p.len() - 1]).collect();
        v.sort_unstable();
        v.dedup();
        v
    });
    let last = word(k);
    if !LAST.iter().any(|w| w.eq_ignore_ascii_case(last)) {
        return false;
    }
    INTRODUCERS.iter().any(|p| {
        let n = p.len();
        n <= k + 1
            && p[n - 1].eq_ignore_ascii_case(last)
            && p[..n - 1].iter().enumerate().all(|(j, w)| {
                let i = k + 1 - n + j;
                joined(i) && w.eq_ignore_ascii_case(word(i))
            })
    })
}

/// Whether `word` is a definite or indefinite article of English,
/// Spanish, Portuguese, French, Italian or German, any case.
fn is_article(word: &str) -> bool {
    const ARTICLES: &[&str] = &[
        "the", "a", "an", "el", "la", "los", "las", "un", "una", "o", "os", "as", "um", "uma",
        "le", "les", "il", "lo", "der", "die", "das", "ein", "eine",
    ];
    ARTICLES.iter().any(|a| a.eq_ignore_ascii_case(word))
}

/// Whether `word` (ASCII letters, any case, a trailing dot aside) is an
/// English word of `rules/dict/english_words.txt` (SCOWL, lower case, three
/// letters or more) or built like one. Asked of a one-word value in a
/// column named for people by their role, and of the word after a form of
/// address in running text.
fn is_english_word(word: &[u8]) -> bool {
    let w = word.trim_ascii();
    let w = w.strip_suffix(b".").unwrap_or(w);
    if w.len() < 3 || w.len() > 40 || !w.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let mut lower = [0u8; 40];
    for (d, &c) in lower.iter_mut().zip(w) {
        *d = c.to_ascii_lowercase();
    }
    let lower = &lower[..w.len()];
    // Words the list does not hold that English builds with a suffix of
    // agents, acts and qualities ("midfielder", "goalscoring",
    // "frontrunners"): names of roles and kinds, not of people.
    const SUFFIXES: [&[u8]; 13] = [
        b"er", b"ers", b"ing", b"ings", b"ist", b"ists", b"ism", b"tion", b"ment", b"ness",
        b"ship", b"able", b"less",
    ];
    (w.len() >= 6 && SUFFIXES.iter().any(|s| lower.ends_with(s))) || in_english_list(lower)
}

/// Whether a `/` joins two letters with no space around it: a path, a
/// time zone ("America/New_York") or alternatives ("and/or"), never one
/// person's name. (Unless the column is named for a name.)
fn slash_joined(b: &[u8]) -> bool {
    memchr::memchr_iter(b'/', b).any(|i| {
        i > 0 && b[i - 1].is_ascii_alphabetic() && b.get(i + 1).is_some_and(u8::is_ascii_alphabetic)
    })
}

/// Whether `word` (ASCII letters, any case) is in
/// `rules/dict/english_words.txt`.
fn in_english_list(word: &[u8]) -> bool {
    static WORDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let words = WORDS.get_or_init(|| {
        include_str!("../../rules/dict/english_words.txt")
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    });
    if word.len() > 40 {
        return false;
    }
    let mut lower = [0u8; 40];
    for (d, &c) in lower.iter_mut().zip(word) {
        *d = c.to_ascii_lowercase();
    }
    let lower = &lower[..word.len()];
    words.binary_search_by(|e| e.as_bytes().cmp(lower)).is_ok()
}

/// `text` without what a comma puts after a name in lower case: a role
/// or a description ("Mark Twain, author", "Bill Gates, co-founder of
/// Microsoft"). A capital after the comma ("Smith, John", "Paris, France")
/// keeps the value whole, and so does a value in lower case throughout
/// ("pritchard, nigel"). A role is a phrase, not talk: what follows the
/// comma has at most `ROLE_WORDS` words and no sentence of its own ("Oh,
/// no, it wasn't the airplanes. It was Beauty…" is a line of dialogue).
/// The most words a role after a name's comma has ("co-founder of the
/// Bill and Melinda Gates Foundation").
const ROLE_WORDS: usize = 8;

fn without_role(text: &str) -> &str {
    // A name is short: the comma must come within its first 48 bytes.
    let b = text.as_bytes();
    let Some(comma) = memchr::memchr(b',', &b[..b.len().min(49)]) else {
        return text;
    };
    let head = &text[..comma];
    let tail = &b[comma + 1..];
    let phrase = || {
        let body = tail
            .trim_ascii_end()
            .strip_suffix(b".")
            .unwrap_or(tail.trim_ascii_end());
        body.split(|&c| c == b' ').filter(|w| !w.is_empty()).count() <= ROLE_WORDS
            && !body.iter().any(|&c| matches!(c, b'!' | b'?' | b'"'))
            && !body.windows(2).any(|w| w == b". ")
    };
    if b.get(comma + 1) == Some(&b' ')
        && b.get(comma + 2).is_some_and(u8::is_ascii_lowercase)
        && head.bytes().any(|c| c.is_ascii_uppercase())
        && phrase()
    {
        head
    } else {
        text
    }
}

/// `text` without a trailing code in parentheses — a country, a party and
/// state, a year: "Joyner-Kersee (USA)", "SESSIONS (R AL)", "Pelosi
/// (D-CA)" — which annotates a name and is no part of it. The code is at
/// most 12 bytes of capitals, digits, spaces and `-./`; anything else in
/// parentheses ("(John Smith)") stays.
fn without_code_annotation(text: &str) -> &str {
    let Some(body) = text.strip_suffix(')') else {
        return text;
    };
    let Some(open) = body.rfind(" (") else {
        return text;
    };
    let code = &body[open + 2..];
    let is_code = (1..=12).contains(&code.len())
        && code
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || b" -./".contains(&c))
        && code.bytes().any(|c| c.is_ascii_alphanumeric());
    if is_code {
        body[..open].trim_end()
    } else {
        text
    }
}

/// Whether a title-list word is a surname particle ("van", "de", "von
/// der", "bin"), in either case.
fn is_particle(core: &[u8]) -> bool {
    const PARTICLES: &[&[u8]] = &[
        b"van", b"von", b"de", b"da", b"di", b"del", b"della", b"der", b"den", b"du", b"des",
        b"la", b"le", b"ten", b"ter", b"dos", b"das", b"zu", b"vom", b"zum", b"af", b"bin",
        b"binti",
    ];
    PARTICLES.iter().any(|p| p.eq_ignore_ascii_case(core))
}

/// Whether `text` is one short word: no whitespace, at most 40 bytes.
#[inline]
fn one_word(text: &str) -> bool {
    text.len() <= 40 && !text.bytes().any(|b| b.is_ascii_whitespace())
}

/// Whether a value (valid UTF-8) holds a lower-case letter.
fn has_lowercase(b: &[u8]) -> bool {
    b.iter().any(u8::is_ascii_lowercase)
        || std::str::from_utf8(b).is_ok_and(|s| s.chars().any(char::is_lowercase))
}

impl NameTally {
    /// One more name word, with its dictionary flags and whether it starts
    /// with a capital.
    #[inline]
    fn add(&mut self, f: Flags, upper: bool, initial: Initial, at: (usize, usize)) {
        if initial != Initial::No {
            // An initial stands for a given name; it is known to no list.
            self.initials += 1;
            self.bare_initials += (initial == Initial::Bare) as usize;
            if self.words == 0 {
                self.head = (true, false);
            }
            self.words += 1;
            self.tail = (true, false);
            return;
        }
        self.plain += (f & STOP_WORD != 0 || !upper) as usize;
        self.place_words += (f & PLACE_WORD != 0) as usize;
        self.place_names += (f & PLACE_NAME != 0) as usize;
        self.surnames_only +=
            (f & (SURNAME | FIRST_NAME | STOP_WORD | PLACE_NAME) == SURNAME) as usize;
        let w = (f & (FIRST_NAME | STOP_WORD) == FIRST_NAME, f & SURNAME != 0);
        let unlisted = upper
            && f & (FIRST_NAME | SURNAME | STOP_WORD | TITLE | PLACE_WORD | PLACE_NAME | TOPO_WORD)
                == 0;
        if self.words == 0 {
            self.head = w;
            self.head_common = f & (COMMON_FIRST | STOP_WORD) == COMMON_FIRST;
            self.head_topo = f & TOPO_WORD != 0;
            self.head_unlisted = unlisted;
            self.head_at = at;
        }
        self.tail_topo = f & TOPO_WORD != 0;
        self.tail_suffix = upper && f & SUFFIX_SURNAME != 0;
        self.tail_unlisted = unlisted;
        self.tail_common_surname = upper
            && f & (COMMON_SURNAME | STOP_WORD | TITLE | PLACE_WORD | PLACE_NAME | TOPO_WORD)
                == COMMON_SURNAME;
        self.tail_at = at;
        self.words += 1;
        self.firsts += w.0 as usize;
        self.lasts += w.1 as usize;
        self.known += (w.0 || w.1) as usize;
        self.tail = w;
    }

    /// The part of `verdict` in a column named for a name that needs no
    /// dictionary: one to four capitalised words, none a stop word, not
    /// initials alone.
    #[inline]
    fn named_without_dictionaries(&self) -> bool {
        (1..=4).contains(&self.words) && self.plain == 0 && self.initials < self.words
    }

    /// A title among the words (skipped as a name word): a form of
    /// address, a degree or suffix, or a surname particle.
    #[inline]
    fn title(&mut self, core: &[u8]) {
        self.addressed |= is_form_of_address(core);
        self.particle_after_head |= self.words == 1 && is_particle(core);
    }

    /// Whether a value of these name words is one person's name: 1–4
    /// words, and a given name with a surname or another given name on two
    /// different words (one word that is both, "York", is not two parts). In
    /// a name column one known word is enough where it stands as a name
    /// does: a single word, a given name first or a surname last ("Lothar
    /// Patberg"), or the other way round after a comma ("Patberg, Lothar");
    /// a surname-like word inside a product name ("Kindle Paperwhite") is not.
    ///
    /// In a column named for a name (`NameHint::Named`), capitalised words
    /// that are not stop words are a name whether the dictionaries list
    /// them or not: names of every country, and surnames alone.
    ///
    /// Outside name columns, more forms are names: a form of address
    /// with known name words ("Dr Smith", "Prof. Ana Souza", "Mrs E.
    /// Clarke"); initials with a known surname, before or after it ("J.
    /// Smith", "A. B. Jones", "Smith, J.", "Smith J. A."; without a hint the
    /// initials need their dots); a common
    /// given name before one word no list holds ("Albert Einstein"), or
    /// one word no list holds before a common surname ("Tyus Jones"), or a
    /// given name of the other languages' lists before one word no list
    /// holds ("Jakob Poeltl"), neither word English, the value no city;
    /// initials written together ("T.J. Warren"); and a
    /// single word that is only ever a surname, written in mixed case
    /// ("Dvořák", "Kowalczyk"): in a column of such words the column's
    /// share decides (and few distinct ones are a category, see
    /// `classify`). A given name alone is not one (pets and flowers have
    /// them too) unless another column of the table names people by their
    /// role (`NameHint::Beside`).
    #[inline]
    fn verdict(
        &self,
        hinted: NameHint,
        comma: impl Fn() -> bool,
        mixed_case: impl FnOnce() -> bool,
        ampersand: impl FnOnce() -> bool,
        english: impl FnOnce() -> bool,
        english_at: impl Fn((usize, usize)) -> bool,
        place: impl FnOnce() -> bool,
    ) -> bool {
        if self.words == 0 || self.words > 4 || self.initials == self.words {
            return false;
        }
        if hinted == NameHint::Named && self.plain == 0 {
            return true;
        }
        if self.place_words > 0 {
            return false;
        }
        // Two words joined by `&` name a firm ("Procter & Gamble", "Smith &
        // Wesson") unless both are given names (a couple, "Tom & Mary"); a
        // couple with a surname has three words ("John & Mary Smith").
        if self.words == 2 && self.initials == 0 && !(self.head.0 && self.tail.0) && ampersand() {
            return false;
        }
        let named = hinted == NameHint::Named;
        let beside = hinted == NameHint::Beside;
        let role = hinted == NameHint::Role;
        let hinted = hinted.any();
        if self.plain == 0 && self.place_names == 0 {
            if self.addressed && self.known > 0 {
                return true;
            }
            if self.initials > 0
                && (hinted || self.bare_initials == 0)
                && self.words - self.initials == 1
                && (self.tail.1 || self.head.1)
            {
                return true;
            }
        }
        // A given name, a surname particle, and a capitalised word that
        // is no stop word: "Ludwig van Beethoven", "Charles de Gaulle",
        // "Otto von Bismarck" (the surname need not be in a list).
        if self.particle_after_head
            && self.words == 2
            && self.initials == 0
            && self.plain == 0
            && self.place_names == 0
            && self.head.0
        {
            return true;
        }
        if self.words == 1 {
            return self.place_names == 0
                && ((hinted && self.known > 0)
                    || ((self.surnames_only == 1
                        || (beside && self.firsts == 1)
                        || (role && self.tail_unlisted && !english()))
                        && self.plain == 0
                        && mixed_case()));
        }
        // Two words ending in a street or land word name a street or a
        // place ("Baker Street", "Charing Cross"), and so do two led by one
        // ("Mount Rainier", "Lake Placid", "Fort Worth"), unless a common
        // given name comes first ("Lois Lane", "Dale Evans"), the column is
        // named for a name ("Grant Bay" in `full_name`), or a comma puts
        // the surname first ("Tanaka, Lane").
        if self.words == 2
            && self.initials == 0
            && (self.tail_topo || self.head_topo)
            && !self.head_common
            && !named
            && !comma()
        {
            return false;
        }
        let strong = self.firsts >= 1 && (self.lasts >= 1 || self.firsts >= 2) && self.known >= 2;
        // A common given name and one capitalised word that no list knows,
        // an initial between at most ("Albert Einstein", "Maya Angelou",
        // "Dwight D. Eisenhower"): the surname lists cannot hold every
        // surname. Written in mixed case, with no stop word, place or title.
        let given_unlisted = self.head_common
            && self.head.0
            && self.tail_unlisted
            && self.words - self.initials == 2
            && self.initials <= 1
            && self.plain == 0
            && self.place_names == 0
            && !self.addressed;
        // Two capitalised words, the last a surname by its ending
        // ("Giorgos Papadopoulos", "Taras Shevchenko", "Mircea Eliade"
        // aside): the lists cannot hold every given name either.
        let suffix_named = self.tail_suffix
            && self.words == 2
            && self.initials == 0
            && self.plain == 0
            && self.place_names == 0
            && !self.addressed;
        // The other way round: a capitalised word of three letters or more
        // that no list knows before a common surname ("Tyus Jones", "Klay
        // Thompson"): the given-name lists cannot hold every given name
        // either. Neither word may be an English word ("Sunset Harris",
        // "Xentra Wood"), and the value may not be a city ("Chiang Mai").
        let unlisted_surname = self.head_unlisted
            && self.tail_common_surname
            && self.words == 2
            && self.initials == 0
            && self.plain == 0
            && self.place_names == 0
            && !self.addressed
            && self.head_at.1 - self.head_at.0 >= 3;
        // A given name of the other languages' lists (not a common one)
        // before a word that no list knows, each of four letters or more:
        // the same, where neither word is an English word and the value is
        // no city ("Pascal Siakam", "Jakob Poeltl"; not "Chiang Mai").
        let other_given_unlisted = self.head.0
            && !self.head_common
            && self.tail_unlisted
            && self.words == 2
            && self.initials == 0
            && self.plain == 0
            && self.place_names == 0
            && !self.addressed
            && self.head_at.1 - self.head_at.0 >= 4
            && self.tail_at.1 - self.tail_at.0 >= 4;
        strong
            || ((given_unlisted || suffix_named || unlisted_surname || other_given_unlisted)
                && mixed_case()
                && (given_unlisted
                    || suffix_named
                    || !(english_at(self.head_at) || english_at(self.tail_at) || place())))
            || (hinted && (self.head.0 || self.tail.1 || ((self.head.1 || self.tail.0) && comma())))
    }
}

const WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || matches!(b, b'\'' | b'-' | b'.');
        c += 1;
    }
    t
};

/// The runs of word bytes (`WORD_BYTE`) of ASCII text, in order, found from
/// bit masks of 64 bytes run by run; `each` returns `false` to stop.
fn ascii_word_runs(b: &[u8], mut each: impl FnMut(usize, usize) -> bool) {
    // Where the run that goes on into the current block started.
    let mut open: Option<usize> = None;
    for (k, block) in b.chunks(64).enumerate() {
        let base = k * 64;
        let n = block.len() as u32;
        let w = super::bytes::word_masks_of_text(block).word;
        let mut pos = 0u32;
        while pos < n {
            let gap = (w >> pos).trailing_zeros().min(n - pos);
            if gap > 0 {
                if let Some(s) = open.take() {
                    if !each(s, base + pos as usize) {
                        return;
                    }
                }
                pos += gap;
                if pos >= n {
                    break;
                }
            }
            let ones = (!(w >> pos)).trailing_zeros().min(n - pos);
            open.get_or_insert(base + pos as usize);
            pos += ones;
        }
    }
    if let Some(s) = open {
        each(s, b.len());
    }
}

/// The bits of a block's word mask `word` (of `len` bytes) that start a
/// word run, given `carry` (1: the block before ended inside a run), which
/// is set for the next block.
#[inline]
fn run_starts(word: u64, len: usize, carry: &mut u64) -> u64 {
    let starts = word & !((word << 1) | *carry);
    *carry = (word >> (len - 1)) & 1;
    starts
}

/// The longest value whose capitalised tokens `find_counted` counts before
/// its quick exit (longer text has its own quick check).
const CAPITALISED_COUNT_MAX: usize = 256;

/// How many of `tokenize`'s tokens of ASCII `b` start with a capital (word
/// runs whose first byte is one), counting up to two: from the word masks,
/// 64 bytes at a time.
fn ascii_capitalised_tokens(b: &[u8]) -> usize {
    let mut n = 0;
    let mut carry = 0u64;
    for block in b.chunks(64) {
        let m = super::bytes::word_masks(block);
        let starts = run_starts(m.word, block.len(), &mut carry);
        n += (starts & m.upper).count_ones() as usize;
        if n >= 2 {
            break;
        }
    }
    n
}

/// Whether ASCII text certainly holds no name for `find_counted`: more than
/// five tokens (so not a whole name) and no two tokens side by side, only
/// white space between them, that both start with a capital (what an
/// embedded name needs). The tokens are `tokenize`'s: word runs, trailing
/// dots dropped from runs longer than two bytes (they then stand in the
/// gap), runs of dots alone dropped.
fn no_name_in_ascii(b: &[u8]) -> bool {
    // From the word masks, 64 bytes at a time: the runs' first bytes by a
    // shift, and from each run that starts with a capital a look back over
    // the gap to the run before it. Runs that do not start with a dot are
    // tokens; with five or fewer of them the walk decides (runs of dots).
    let is_word = |c: u8| WORD_BYTE[c as usize];
    let is_gap = |c: u8| c.is_ascii_whitespace() || c == 0x0B;
    // Whether the run starting at `q` (a capital) pairs with the token
    // before it: only white space between, and that token starts with a
    // capital and is not a word of three bytes or more ending with a dot
    // (the end of a sentence), unless it is a form of address ("Dr.").
    let pairs_back = |q: usize| {
        let mut p = q;
        while p > 0 && is_gap(b[p - 1]) {
            p -= 1;
        }
        if p == q || p == 0 || !is_word(b[p - 1]) {
            return false;
        }
        let mut s = p - 1;
        while s > 0 && is_word(b[s - 1]) {
            s -= 1;
        }
        b[s].is_ascii_uppercase()
            && (!(p - s > 2 && b[p - 1] == b'.') || is_form_of_address(&b[s..p - 1]))
    };
    let mut tokens = 0u32;
    let mut carry = 0u64;
    for (k, block) in b.chunks(64).enumerate() {
        let m = super::bytes::word_masks_of_text(block);
        let starts = run_starts(m.word, block.len(), &mut carry);
        tokens += (starts & !m.dot).count_ones();
        let mut caps = starts & m.upper;
        while caps != 0 {
            let q = k * 64 + caps.trailing_zeros() as usize;
            caps &= caps - 1;
            if pairs_back(q) {
                return false;
            }
        }
    }
    tokens > 5 || no_name_in_ascii_walk(b)
}

/// `no_name_in_ascii` by a walk over the word runs (the reference the mask
/// form is tested against, and its answer for text of few tokens).
fn no_name_in_ascii_walk(b: &[u8]) -> bool {
    let mut tokens = 0usize;
    // The previous token, when it can be a pair's first word: where it ends.
    let mut first: Option<usize> = None;
    let mut pair = false;
    ascii_word_runs(b, |s, e| {
        let long = e - s > 2;
        if long && b[s..e].iter().all(|&c| c == b'.') {
            first = None;
            return true;
        }
        tokens += 1;
        if let Some(end) = first {
            if b[s].is_ascii_uppercase()
                && b[end..s]
                    .iter()
                    .all(|&c| c.is_ascii_whitespace() || c == 0x0B)
            {
                pair = true;
                return false;
            }
        }
        first = (b[s].is_ascii_uppercase()
            && (!(long && b[e - 1] == b'.') || is_form_of_address(&b[s..e - 1])))
        .then_some(e);
        true
    });
    !pair && tokens > 5
}

/// Words as byte spans, into `out`; commas and other punctuation separate.
fn tokenize(text: &str, out: &mut Vec<(usize, usize)>) {
    tokenize_with::<true>(text, out)
}

/// `tokenize`; without `MASKS`, long ASCII text takes the byte walk of
/// short values too (the reference the mask walk is tested against).
#[inline(always)]
fn tokenize_with<const MASKS: bool>(text: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let mut start = None;
    let bytes = text.as_bytes();
    let mut push = |s: usize, mut e: usize| {
        // Trailing sentence dots are not part of a word (but "J." initials keep theirs).
        if e - s > 2 {
            while e > s && bytes[e - 1] == b'.' {
                e -= 1;
            }
        }
        if e > s {
            out.push((s, e));
        }
    };
    let mut step = |part: bool, i: usize| match (part, start) {
        (true, None) => start = Some(i),
        (false, Some(s)) => {
            push(s, i);
            start = None;
        }
        _ => {}
    };
    if text.is_ascii() {
        if MASKS && text.len() >= crate::detect::SHORT_VALUE {
            // Word runs found from bit masks of 64 bytes, run by run.
            ascii_word_runs(text.as_bytes(), |s, e| {
                push(s, e);
                true
            });
            return;
        }
        // Short values: word runs found directly (no per-byte state machine).
        let b = text.as_bytes();
        let word = |c: u8| WORD_BYTE[c as usize];
        let mut i = 0;
        while i < b.len() {
            while i < b.len() && !word(b[i]) {
                i += 1;
            }
            let s = i;
            while i < b.len() && word(b[i]) {
                i += 1;
            }
            if s < i {
                push(s, i);
            }
        }
        return;
    } else {
        for (i, c) in text.char_indices() {
            step(c.is_alphanumeric() || c == '\'' || c == '-' || c == '.', i);
        }
    }
    step(false, text.len());
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy as _;

    fn names() -> &'static Names {
        static N: std::sync::OnceLock<Names> = std::sync::OnceLock::new();
        N.get_or_init(Names::builtin)
    }

    /// Name spans as `find_counted` writes them.
    type Spans = Vec<(usize, usize, bool)>;

    /// `words` joined by `seps` (the `k`-th before the `k`-th word), and the
    /// names finder's answers on it with its quick checks and without.
    fn quick_and_full(words: &[String], seps: &[&str], hint: i8) -> (String, Spans, Spans) {
        let mut v = String::new();
        for (k, w) in words.iter().enumerate() {
            if k > 0 {
                v.push_str(seps[k]);
            }
            v.push_str(w);
        }
        let hinted = NameHint::of(hint);
        let (mut t, mut quick, mut full) = (Vec::new(), Vec::new(), Vec::new());
        names().find_counted_with::<true>(&v, hinted, 99, &mut t, &mut quick);
        names().find_counted_with::<false>(&v, hinted, 99, &mut t, &mut full);
        (v, quick, full)
    }

    /// Each text holds its name among the spans `Names::find` gives.
    fn assert_names(n: &Names, cases: &[(&str, &str)]) {
        for &(text, name) in cases {
            let spans = n.find(text, false);
            assert!(
                spans.iter().any(|&(s, e, _)| &text[s..e] == name),
                "{text}: {spans:?}"
            );
        }
    }

    /// A phrase that a person's name follows makes two capitalised words
    /// a name when the lists know one of them in any language, in notes
    /// of several languages; teams, companies, places and English words
    /// after the same phrases are not names.
    #[test]
    fn names_after_a_phrase_that_introduces_a_person() {
        let n = names();
        assert_names(
            n,
            &[
                (
                    "Spoke with Dmitri Volkov about the renewal",
                    "Dmitri Volkov",
                ),
                ("call back: spoke to Zhang Wei, wants a quote", "Zhang Wei"),
                (
                    "Refund requested by Tesfaye Mensah on 3 May",
                    "Tesfaye Mensah",
                ),
                ("signed on behalf of Kwame Boateng", "Kwame Boateng"),
                (
                    "Refund approved by Chukwuemeka Okafor yesterday",
                    "Chukwuemeka Okafor",
                ),
                ("Falou com Ayşe Demir sobre o contrato", "Ayşe Demir"),
                ("cliente habló con Venkatesh Iyer ayer", "Venkatesh Iyer"),
                ("en nombre de Oluwaseun Bakare", "Oluwaseun Bakare"),
                (
                    "Transfer to Ayşe Demir IBAN DE89370400440532013000",
                    "Ayşe Demir",
                ),
                (
                    "J'ai parlé avec Giorgos Papadopoulos hier",
                    "Giorgos Papadopoulos",
                ),
                (
                    "Habe gestern mit Kunde gesprochen, sprach mit Bogdan Kowalczyk",
                    "Bogdan Kowalczyk",
                ),
            ],
        );
        assert_no_names(
            n,
            &[
                "spoke with Customer Service about the renewal",
                "met with Marketing Team on site",
                "on behalf of Wells Fargo Bank",
                "approved by Finance Team",
                "talked to New York office",
                "escalated to Level Two Support",
                "Dear Valued Customer,",
                "assigned to QA TEAM today",
                "paid to Amazon Web Services",
                "Transfer to Savings Account",
            ],
        );
    }

    /// A dot after a whole-word form of address ends its sentence ("…
    /// wünschen dem Herr. Freuen sich …"), and in prose that capitalises
    /// its nouns "Herr" and "Frau" stand before roles ("Herr Pfarrer",
    /// "Frau Nachbarin"), so a word after them must be a listed name there;
    /// abbreviated forms keep their dot, and names keep their label.
    #[test]
    fn whole_word_forms_of_address_before_a_dot_or_a_noun_name_no_one() {
        let n = names();
        assert_no_names(
            n,
            &[
                "Die Kinder wünschen dem Herr. Freuen sich alle auf den Sommer.",
                "Ich habe mit Herr Pfarrer gesprochen und die Frau Nachbarin gefragt.",
                "Bitte fragen Sie die Frau Nachbarin oder den Herr Hausmeister.",
                "Thank you, dear Miss. Please call back tomorrow.",
            ],
        );
        assert_names(
            n,
            &[
                (
                    "Ich habe heute mit Frau Müller gesprochen und sie ruft an.",
                    "Frau Müller",
                ),
                ("Termin mit Frau Dr. Özdemir am Montag", "Dr. Özdemir"),
                ("Please ask Dr. Okafor to call back", "Dr. Okafor"),
                ("Thanks, Mrs. Clarke will call", "Mrs. Clarke"),
                ("We met Herr Weber yesterday", "Herr Weber"),
            ],
        );
    }

    /// Words joined by a slash are a path, a time zone or alternatives,
    /// not one person's name, in any column but one named for a name; a
    /// slash between spaced names leaves them names.
    #[test]
    fn words_joined_by_a_slash_are_no_name() {
        let n = names();
        let mut tokens = Vec::new();
        for v in [
            "America/New_York",
            "America/Chicago",
            "Europe/Berlin",
            "Australia/Sydney",
            "Pacific/Honolulu",
            "Mary/Smith",
            "Smith/Jones",
        ] {
            for hint in [NameHint::None, NameHint::Hinted, NameHint::Role] {
                assert!(n.find(v, hint).is_empty(), "{v} {hint:?}");
                assert!(!n.whole_name(v, hint, &mut tokens), "{v} {hint:?}");
            }
        }
        for (v, hint) in [
            ("Mary Smith / John Smith", NameHint::None),
            ("Mary Smith", NameHint::None),
            ("Smith/Jones", NameHint::Named),
        ] {
            assert!(!n.find(v, hint).is_empty(), "{v} {hint:?}");
        }
    }

    /// A person's name written as one identifier (joined by `_` or `.`, or
    /// run together in capitalised parts) is a whole name in any column;
    /// identifiers of other things built the same way, and surnames with
    /// a capital inside, are judged as before.
    #[test]
    fn names_written_as_one_identifier() {
        let n = names();
        let mut tokens = Vec::new();
        for v in [
            "maria_gonzalez",
            "john.smith",
            "Olga.Petrova",
            "wei_zhang",
            "ELENA_RUIZ",
            "john_f_kennedy",
            "john.verstappen",
            "AnaSouza",
            "HenryVIII",
            "LouisXIV",
        ] {
            assert!(n.run_together(v), "{v}");
            assert!(n.whole_name(v, NameHint::None, &mut tokens), "{v}");
        }
        for v in [
            "order_status",
            "first_name",
            "bill_id",
            "max_retries",
            "user.name",
            "mail.google",
            "new_york",
            "san_diego",
            "PlayStation",
            "JavaScript",
            "john_",
            "john__smith",
            "john_smith_jones_lee",
            "john_Smith",
            "john.smith42",
            "Maria Gonzalez",
            "McDonald",
            "DiCaprio",
        ] {
            assert!(!n.run_together(v), "{v}");
        }
        // Surnames with a capital inside stay what they were.
        for v in ["McDonald", "DiCaprio", "MacArthur"] {
            assert!(n.whole_name(v, NameHint::Named, &mut tokens), "{v}");
        }
    }

    /// Every phrase of `INTRODUCERS` is recognised, in any case of its
    /// first letter: the quick filter on its last word lets each through.
    #[test]
    fn every_introducer_is_recognised() {
        for p in INTRODUCERS {
            for text in [p.join(" "), {
                let mut t = p.join(" ");
                t[..1].make_ascii_uppercase();
                t
            }] {
                let mut tokens = Vec::new();
                tokenize(&text, &mut tokens);
                let word = |i: usize| &text[tokens[i].0..tokens[i].1];
                let joined = |i: usize| text[tokens[i].1..tokens[i + 1].0].trim().is_empty();
                assert!(introduces_name(tokens.len() - 1, &word, &joined), "{text}");
            }
        }
    }

    /// No text holds a name.
    fn assert_no_names(n: &Names, texts: &[&str]) {
        for &text in texts {
            let spans = n.find(text, false);
            assert!(spans.is_empty(), "{text}: {spans:?}");
        }
    }

    /// The names `find_counted` finds in `v` (no column hint), as text.
    fn found(v: &str) -> Vec<&str> {
        let (mut t, mut out) = (Vec::new(), Vec::new());
        let caps = v.bytes().filter(u8::is_ascii_uppercase).count();
        names().find_counted(v, NameHint::None, caps, &mut t, &mut out);
        out.iter().map(|&(s, e, _)| &v[s..e]).collect()
    }

    /// #28 (names missed): a mailbox's display name is a name position: a
    /// given name alone ("Dora" <...>), or a name in the order "Surname,
    /// Given", is found there as in a column of names beside people; a
    /// newsletter's or a team's display name is not, nor an address
    /// written as a display name, nor a list of mailboxes.
    #[test]
    fn display_names_of_mailboxes_are_name_positions() {
        for (v, name) in [
            ("\"Dora\" <dora.k71@example.com>", "Dora"),
            ("Shirley <shirl.b@example.net>", "Shirley"),
            (
                "\"Kowalski, Anna\" <a.kowalska@example.pl>",
                "Kowalski, Anna",
            ),
            ("'Maria Gonzalez' <mg@example.es>", "Maria Gonzalez"),
            ("Patrick   <p9x2@example.ie>  ", "Patrick"),
            ("m.gonzalez@example.es (Maria Gonzalez)", "Maria Gonzalez"),
            ("dora.k71@example.com (Dora)", "Dora"),
        ] {
            assert_eq!(found(v), vec![name], "{v}");
            // The same name without its mailbox is a single word or a
            // pair the lists would not take alone.
        }
        for v in [
            "Weekly Gadget Digest <news@gadgets.example>",
            "\"Acme Support Team\" <support@acme.example>",
            "\"The Daily Brief\" <brief@news.example>",
            "\"jyv@example.com\" <jyv@example.com>",
            "Dora <not an address>",
            "call Dora (at home)",
            "news@gadgets.example (Weekly Gadget Digest)",
        ] {
            assert!(
                !found(v)
                    .iter()
                    .any(|n| *n == "Dora" || n.contains("Digest")),
                "{v}: {:?}",
                found(v)
            );
        }
        // A list of mailboxes: each display name.
        let list = "\"Kowalski, Anna\" <a.k@example.pl>, Weekly Gadget Digest <n@g.example>, Shirley <s@example.net>";
        assert_eq!(found(list), vec!["Kowalski, Anna", "Shirley"], "{list}");
        assert_eq!(
            display_name("Dora <d@example.com>, Shirley <s@example.com>"),
            None
        );
        assert_eq!(display_name("Dora <d@example.com>"), Some((0, 4)));
        assert_eq!(display_name("<d@example.com>"), None);
        assert_eq!(display_name("d@example.com"), None);
        assert_eq!(display_name("d@example.com (Dora)"), Some((15, 19)));
        assert_eq!(display_name("(Dora) d@example.com"), None);
    }

    proptest::proptest! {
        /// Checking long ASCII text for a pair of capitalised words first
        /// changes no answer of the names finder, hinted or not.
        #[test]
        fn the_pair_check_changes_no_answer(
            words in proptest::collection::vec(
                proptest::prop_oneof![
                    "[A-Z][a-z]{1,8}",
                    "[a-z]{1,8}",
                    proptest::sample::select(vec![
                        "John", "Smith", "Mary", "Jones", "Dr.", "J.", "Mr", "...", "Anna", "Müller", "Smith.",
                    ]).prop_map(String::from),
                ],
                1..24,
            ),
            seps in proptest::collection::vec(
                proptest::sample::select(vec![" ", "  ", ", ", ". ", "\t", "\n", " - ", "\u{b}", "..."]),
                24,
            ),
            hint in 0i8..3,
        ) {
            let (v, quick, full) = quick_and_full(&words, &seps, hint);
            proptest::prop_assert_eq!(quick, full, "{:?}", v);
        }

        /// Counting the tokens that start with a capital in a short ASCII
        /// value (JSON documents, codes in capitals, log fields) before the
        /// quick exit changes no answer either, hinted or not.
        #[test]
        fn counting_capitalised_tokens_changes_no_answer(
            words in proptest::collection::vec(
                proptest::prop_oneof![
                    "[A-Z][a-z]{1,8}",
                    "[A-Z]{2,5}(-[0-9]{2,6})?",
                    "[a-z0-9]{1,8}",
                    "[ -~]{1,6}",
                    proptest::sample::select(vec![
                        "John", "Smith", "Mary", "Jones", "Dr.", "J.", "Mr", "Anna", "O'Neil", "Mary-Jane",
                        "{\"v\":3,", "\"sku\":\"SKU-12\"", "HTTP/1.1", "(X11;", "[\"a\",\"B\"]",
                    ]).prop_map(String::from),
                    proptest::sample::select(vec!["John Smith", "Mary Jones", "Anna Müller"]).prop_map(String::from),
                ],
                1..8,
            ),
            seps in proptest::collection::vec(
                proptest::sample::select(vec![" ", " ", " ", ", ", "\":\"", "/", "[", "]", "{", "}", "=", "&", "-", ".", "\t", ""]),
                24,
            ),
            hint in 0i8..3,
        ) {
            let (v, quick, full) = quick_and_full(&words, &seps, hint);
            proptest::prop_assert_eq!(quick, full, "{:?}", v);
        }

        /// The mask form of the pair check answers as the walk over the
        /// word runs does, across the 64-byte blocks' edges.
        #[test]
        fn the_pair_check_on_masks_agrees_with_the_walk(
            words in proptest::collection::vec(
                proptest::prop_oneof![
                    "[A-Z][a-z]{0,8}",
                    "[a-z0-9]{1,8}",
                    "[A-Z][a-z]{1,4}\\.",
                    "[.]{1,4}",
                    "[A-Z.'-][A-Za-z.'-]{0,6}",
                    "[ -~]{1,6}",
                ],
                1..40,
            ),
            seps in proptest::collection::vec(
                proptest::sample::select(vec![" ", "  ", ", ", ". ", "\t", "\n", " - ", "\u{b}", "...", "(", ") ", "\r\n"]),
                40,
            ),
        ) {
            let mut v = String::new();
            for (k, w) in words.iter().enumerate() {
                if k > 0 {
                    v.push_str(seps[k]);
                }
                v.push_str(w);
            }
            let b = v.as_bytes();
            proptest::prop_assert_eq!(no_name_in_ascii(b), no_name_in_ascii_walk(b), "{:?}", v);
        }
    }

    proptest::proptest! {
        /// The mask walk finds the words the byte walk finds, across
        /// the 64-byte blocks' edges.
        #[test]
        fn word_masks_find_the_words_of_the_byte_walk(
            v in "([A-Za-z0-9'.\\-]{0,70}[ ,;:!?()/_]{0,3}){0,6}"
        ) {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            tokenize_with::<true>(&v, &mut fast);
            tokenize_with::<false>(&v, &mut slow);
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    proptest::proptest! {
        /// Words of ASCII and Latin letters get the flags of their folded
        /// form, as through `fold`.
        #[test]
        fn latin_flags_are_the_folded_words_flags(
            w in "([a-zA-Z]|[\u{c0}-\u{17f}]|Müller|Łukasz|García|José|Zoë){1,8}"
        ) {
            let n = names();
            let expected = n.lookup(fold(&w).as_bytes());
            proptest::prop_assert_eq!(n.flags_latin(w.as_bytes()), Some(expected), "{}", w);
        }

        /// The one-pass answer is the general path's, on values made
        /// of dictionary words, titles, initials, stop words and noise in
        /// any case, with the separators and punctuation names come with.
        #[test]
        fn one_pass_whole_name_agrees_with_the_general_path(
            words in proptest::collection::vec(
                proptest::prop_oneof![
                    "(John|Mary|Smith|Garcia|Lee|Van|de|the|and|Street|Dr|Mrs|Prof|Jr|O'Brien|Anne-Marie)",
                    "(JOHN|mary|sMiTh|dr\\.|Mr\\.|J\\.|M\\.|[A-Z]\\.)",
                    "(García|Müller|Łukasz|José|ÉMILE|łukasz|Zoë|Ñ\\.|[\u{c0}-\u{17f}]{1,3}|[a-z\u{c0}-\u{17f}]{1,8}|×|÷|\u{4e00}|\u{1e9e})",
                    "[A-Za-z'.-]{0,18}",
                    "[A-Za-z0-9]{1,6}",
                ],
                0..7,
            ),
            seps in proptest::collection::vec("( |, |  |,|\t| - |/)", 7),
            hinted in proptest::prop_oneof![
                proptest::strategy::Just(NameHint::None),
                proptest::strategy::Just(NameHint::Hinted),
                proptest::strategy::Just(NameHint::Named),
                proptest::strategy::Just(NameHint::Beside),
                proptest::strategy::Just(NameHint::Role),
            ],
        ) {
            let mut v = String::new();
            for (k, w) in words.iter().enumerate() {
                if k > 0 {
                    v.push_str(&seps[k]);
                }
                v.push_str(w);
            }
            let n = names();
            let mut tokens = Vec::new();
            tokenize(&v, &mut tokens);
            let general = !tokens.is_empty() && n.is_whole_name(&v, &tokens, hinted);
            // Values of ASCII and two-byte Latin letters take the one pass;
            // any other character goes to the general path.
            let latin = v.chars().all(|c| c.is_ascii() || (('\u{c0}'..'\u{180}').contains(&c) && c != '×' && c != '÷'));
            let fast = n.whole_name_latin(v.as_bytes(), hinted);
            proptest::prop_assert_eq!(fast.is_some(), latin, "{:?}", v);
            if let Some(fast) = fast {
                proptest::prop_assert_eq!(fast, general, "{:?}", v);
            }
        }

        #[test]
        fn ascii_lower_is_lowercase(b in proptest::array::uniform8(0u8..0x80)) {
            let mut want = b;
            want.make_ascii_lowercase();
            proptest::prop_assert_eq!(ascii_lower(u64::from_le_bytes(b)).to_le_bytes(), want);
        }
    }

    /// The small table answers the stop-word and title questions as the
    /// full one does, for every word.
    #[test]
    fn marked_words_are_the_stop_words_and_titles() {
        let n = Names::builtin();
        assert!(n.marked.len() > 100, "stop words and titles are kept");
        for (k, &f) in &n.short {
            let b = k.to_le_bytes();
            let w = &b[..b[15] as usize];
            assert_eq!(
                n.marked.get(k).copied().unwrap_or(0),
                f & (STOP_WORD | TITLE),
                "{}",
                String::from_utf8_lossy(w)
            );
            if w.is_ascii() && !w.contains(&b'-') {
                assert_eq!(n.marked_ascii(w), f & (STOP_WORD | TITLE));
            }
        }
        assert_eq!(n.marked_ascii(b"Dr"), TITLE);
        assert_eq!(n.marked_ascii(b"THE") & STOP_WORD, STOP_WORD);
        assert_eq!(n.marked_ascii(b"Smith"), 0);
    }

    #[test]
    fn every_dictionary_word_is_found_whatever_its_length() {
        let n = Names::builtin();
        assert!(n.short.len() > 1000, "the dictionaries are loaded");
        for (k, &f) in &n.short {
            let b = k.to_le_bytes();
            let w = std::str::from_utf8(&b[..b[15] as usize]).expect("utf-8 word");
            assert_eq!(n.flags(w), f, "{w}");
            // In capitals, the Turkish dotless ı is an I, which lower-cases
            // to i: "DUNYAMALI" is not "dunyamalı" (its capitalised form is).
            if w.contains('ı') {
                let cap: String = w
                    .chars()
                    .take(1)
                    .flat_map(char::to_uppercase)
                    .chain(w.chars().skip(1))
                    .collect();
                assert_eq!(n.flags(&cap), f, "{cap}");
            } else {
                assert_eq!(n.flags(&w.to_uppercase()), f, "{w}");
            }
        }
        for (w, &f) in &n.long {
            let w = std::str::from_utf8(w).expect("utf-8 word");
            assert_eq!(n.flags(w), f, "{w}");
        }
        assert_eq!(n.flags("zzqxv"), 0);
        assert_eq!(n.flags(""), 0);
    }

    #[test]
    fn names_and_non_names() {
        let n = Names::builtin();
        for ok in [
            "John Smith",
            "María García",
            "Smith, John",
            "Dr. Anna Müller",
            "JOHN SMITH",
        ] {
            assert_eq!(n.find(ok, false).len(), 1, "{ok}");
        }
        for bad in [
            "New York",
            "Paris",
            "Apple iPhone",
            "Order Shipped",
            "Street Fighter",
            "Customer Service",
        ] {
            assert!(n.find(bad, false).is_empty(), "{bad}");
        }
        assert_eq!(n.find("Smith", true).len(), 1);
        assert_eq!(n.find("王伟", true).len(), 1);
        assert_eq!(n.find("Иван Петров", true).len(), 1);
        assert!(n.find("王伟", false).is_empty());
        assert!(!n
            .find("Please call Jennifer Lopez tomorrow.", false)
            .is_empty());
        assert!(n.find("please call back may 5", false).is_empty());
    }

    #[test]
    fn names_in_scripts_without_dictionaries_need_the_form_of_a_name() {
        let n = Names::builtin();
        // In a name column: people in Cyrillic (full names, surnames by
        // their endings, common given names), Han, kana with a middle dot,
        // Hangul after a common surname, Greek and Arabic.
        for ok in [
            "Иван Петров",
            "Петрова",
            "Шевченко",
            "Кравчук",
            "Ольга",
            "Смирнов",
            "王伟",
            "山田太郎",
            "ジョン・スミス",
            "김민준",
            "이서연",
            "Γιώργος Παπαδόπουλος",
            "محمد علي",
        ] {
            assert_eq!(n.find(ok, true).len(), 1, "{ok}");
        }
        // Things in the same scripts: one word of Cyrillic that is neither
        // a surname nor a given name, one word of kana, Hangul that does
        // not begin with a surname.
        for thing in [
            "Молоко",
            "Самовар",
            "Пылесос",
            "Телевизор",
            "コーヒー",
            "チョコレート",
            "ラーメン",
            "컴퓨터",
            "바나나",
            "커피",
        ] {
            assert!(n.find(thing, true).is_empty(), "{thing}");
        }
    }

    /// The letters of Turkish, Romanian, Polish, Czech, Slovak, Hungarian,
    /// Baltic and South Slavic names fold to the ASCII letters the lists
    /// were written with, so a name spelled with them meets its list entry.
    #[test]
    fn names_fold_the_letters_of_central_and_eastern_european_alphabets() {
        for (word, folded) in [
            ("Ayşe", "ayse"),
            ("Yılmaz", "yilmaz"),
            ("Ağca", "agca"),
            ("Ştefan", "stefan"),
            ("Ţepeş", "tepes"),
            ("Țiriac", "tiriac"),
            ("Dvořák", "dvorak"),
            ("Brzęczek", "brzeczek"),
            ("Ďurišová", "durisova"),
            ("Kőszegi", "koszegi"),
            ("Bērziņa", "berzina"),
            ("Đoković", "dokovic"),
            ("Ķeniņš", "kenins"),
        ] {
            assert_eq!(fold(word), folded, "{word}");
        }
        let n = Names::builtin();
        for name in ["Ayşe Kaya", "Ştefan Popescu", "Radu Ţepeş"] {
            assert_eq!(n.find(name, false).len(), 1, "{name}");
        }
    }

    /// Japanese names written in Latin letters are in the lists (Faker's
    /// romanized Japanese names), so a column of them behind a name that
    /// says nothing is decided by its share like any other.
    /// Surnames no list holds, known by how they end (Greek, Turkish,
    /// Georgian, Ukrainian, Romanian, Persian), after a given name no list
    /// holds either, or alone in mixed case; words that merely end alike
    /// (Caribou) or a facility named after someone are not.
    #[test]
    fn surnames_known_by_their_ending_are_names() {
        let n = Names::builtin();
        for name in [
            "Giorgos Papadopoulos",
            "Eleni Dimitriou",
            "Kostas Nikolaidis",
            "Mehmet Karaoğlu",
            "Levan Beridzeshvili",
            "Taras Shevchenko",
            "Mircea Popescu",
            "Reza Hosseinzadeh",
            "Popescu",
            "Marija Kovačević",
            "Dragan Petrović",
            "Nikola Jokic",
            "Ana Babić",
            "Roman Abramovich",
            "Jovanović",
        ] {
            assert_eq!(n.find(name, false).len(), 1, "{name}");
        }
        // English words that end in -ic are no surnames.
        for thing in [
            "Blue Caribou",
            "Caribou Coffee",
            "Hotel Papadopoulos",
            "POPESCU",
            "Atlantic Records",
            "Classic Mosaic",
            "Tonic",
        ] {
            assert!(n.find(thing, false).is_empty(), "{thing}");
        }
    }

    #[test]
    fn romanized_japanese_names_are_names() {
        let n = Names::builtin();
        for name in [
            "Naoko Yamaguchi",
            "Shota Matsumoto",
            "Akemi Fujiwara",
            "Kenichi Ishikawa",
        ] {
            assert_eq!(n.find(name, false).len(), 1, "{name}");
        }
    }

    #[test]
    fn a_form_of_address_in_running_text_names_the_words_after_it() {
        let n = Names::builtin();
        // Surnames and given names that no list needs to hold, after a
        // title, in several languages; short notes and a long one (which
        // takes the quick check for a capitalised pair first).
        for (text, name) in [
            ("Please ask Dr. Okafor to call back", "Dr. Okafor"),
            ("Meeting with Prof. Wole Soyinka at noon", "Prof. Wole Soyinka"),
            ("Rendez-vous avec Mme Dupont demain", "Mme Dupont"),
            ("Llamar al Sr. Gómez mañana", "Sr. Gómez"),
            ("Falar com a Dona Fátima sobre o contrato", "Dona Fátima"),
            ("Call Mr. Nakamura", "Mr. Nakamura"),
            ("Termin mit Frau Dr. Özdemir am Montag", "Dr. Özdemir"),
            (
                "The customer wrote a long complaint about the delivery, and asked that Dr. Okafor call her back before Friday.",
                "Dr. Okafor",
            ),
        ] {
            let spans = n.find(text, false);
            assert!(
                spans.iter().any(|&(s, e, _)| &text[s..e] == name),
                "{text}: {spans:?}"
            );
        }
        // A street's drive after its name, a senior rank before a job.
        for text in [
            "Delivered to 12 Oak Dr. Springfield",
            "Shipped to 45 Maple Dr. Austin TX, left at the door as asked",
            "Hired a Sr. Software Engineer today",
            "Works as Sr. Manager at Acme",
        ] {
            assert!(n.find(text, false).is_empty(), "{text}");
        }
    }

    /// #28 (names of things): in running text a given name and a surname
    /// side by side that together are a city's or a country's name ("Hong
    /// Kong", "Santa Rosa", "Sierra Leone") are the place; a pair that is
    /// no place, or a place's name after a title, is a name.
    #[test]
    fn a_pair_of_names_that_is_a_place_is_the_place() {
        let n = Names::builtin();
        assert_no_names(
            &n,
            &[
                "We opened an office in Hong Kong last year and hired twelve people",
                "The train to Santa Rosa leaves at noon today",
                "I am the son of the late minister of mines of Sierra Leone and I write to you in confidence",
            ],
        );
        assert_names(
            &n,
            &[
                (
                    "The train to Juan Carlos leaves at noon today",
                    "Juan Carlos",
                ),
                ("Ask Mr. Hong Kong to sign the form", "Mr. Hong Kong"),
            ],
        );
    }

    /// #28 (names in short notes in Portuguese and Spanish): a common given
    /// name before a surname of those languages' lists written with its
    /// accents ("Rafael Gonçalves", "Lucía Fernández"), a form of address
    /// after an article that opens the sentence ("El Sr. Martínez", "A Dra.
    /// Martins"), and the forms Dra., Profa. and Lic. name a person in a
    /// note; a given name before a capitalised word of no list does not.
    #[test]
    fn names_in_short_notes_in_portuguese_and_spanish() {
        let n = Names::builtin();
        assert_names(
            &n,
            &[
                (
                    "O técnico Rafael Gonçalves instalou o equipamento",
                    "Rafael Gonçalves",
                ),
                (
                    "Retorno marcado com Pedro Gonçalves na sexta",
                    "Pedro Gonçalves",
                ),
                (
                    "la cita de Lucía Fernández se movió al lunes",
                    "Lucía Fernández",
                ),
                ("El Sr. Martínez pide devolución", "Sr. Martínez"),
                ("A Dra. Martins pediu exames de sangue", "Dra. Martins"),
                ("Consulta con la Lic. Oyarzún el martes", "Lic. Oyarzún"),
                (
                    "Aula remarcada pela Profa. Quintanilha",
                    "Profa. Quintanilha",
                ),
            ],
        );
        assert_no_names(
            &n,
            &[
                "O técnico Rafael instalou o Equipamento Ótimo ontem",
                "Lic. 48213 vencida",
                "12 Oak Dr. Springfield",
            ],
        );
    }

    /// #28 (e-mail bodies): a form of address in capitals before a word
    /// that is not ("MS Word", "DR Congo") abbreviates something else, and
    /// one before an English word that no list holds is the word's other
    /// sense ("Don't Miss Out"); a name after a title still counts where a
    /// list holds it or no English word is it.
    #[test]
    fn a_title_before_an_abbreviation_or_a_word_is_no_name() {
        let n = Names::builtin();
        assert_no_names(
            &n,
            &[
                "Save the file as MS Word and send it back to the office today",
                "Set the font to MS Sans Serif before printing the labels",
                "Export the sheet from MS Excel, then mail it to the team",
                "Aid convoys reached DR Congo this week after the floods",
                "Don't Miss Out on the offers of this week, they end on Friday",
                "Act now and Miss Nothing of the season's sales in our stores",
            ],
        );
        assert_names(
            &n,
            &[
                ("Please ask Mr. Fisher to call the ward back", "Mr. Fisher"),
                ("Ask Miss Baker about the invoice", "Miss Baker"),
                (
                    "Meeting with Ms Adeyemi-Okafor at noon",
                    "Ms Adeyemi-Okafor",
                ),
            ],
        );
    }

    /// #28, prose: a line of dialogue that opens with a word that is also
    /// a surname and a comma ("Oh, …", "Long, …") is no name with its role
    /// after it; a name with a role or a description is one.
    #[test]
    fn a_sentence_after_a_comma_is_no_role() {
        let n = Names::builtin();
        for line in [
            "Oh, no, it wasn't the airplanes. It was the wind that did it.",
            "Long, long ago there was a king. He had three sons.",
            "Young, are you? Then listen to me.",
            "Well, we could always try again tomorrow, could we not?",
            "Hall, as they call it, was empty. Nobody came.",
        ] {
            assert!(n.find(line, false).is_empty(), "{line}");
            assert!(n.find(line, true).is_empty(), "{line}");
        }
        for (named, name) in [
            ("Ada Lovelace, mathematician", "Ada Lovelace"),
            ("Bill Gates, co-founder of Microsoft.", "Bill Gates"),
            ("Marie Curie, physicist and chemist", "Marie Curie"),
            ("Oh, founder of the Seoul studio", "Oh"),
        ] {
            let found = n.find(named, true);
            assert_eq!(found.len(), 1, "{named}");
            assert_eq!(&named[found[0].0..found[0].1], name, "{named}");
        }
    }

    #[test]
    fn a_compass_point_after_a_comma_is_no_given_name() {
        let n = Names::builtin();
        // A catalogue's inverted names of places, languages and kinds.
        for thing in [
            "Sorbian, Upper",
            "Carolina, North",
            "Korea, South",
            "Frisian, Western",
            "Sami, Northern",
            "Nile, Upper",
            "Bantu, Mid-Southern",
            "Anatolia, Central",
        ] {
            assert!(n.find(thing, true).is_empty(), "{thing}");
        }
        // People whose surname is such a word, inverted or not.
        for ok in [
            "North, Oliver",
            "West, Mae",
            "Southern, Terry",
            "Smith, John",
            "Oliver North",
        ] {
            assert_eq!(n.find(ok, true).len(), 1, "{ok}");
        }
    }

    #[test]
    fn a_common_given_name_before_an_unlisted_surname_is_a_name() {
        let n = Names::builtin();
        // Surnames no list holds, after a common given name, an initial
        // between at most; and names followed by a role after a comma.
        for ok in [
            "Albert Einstein",
            "Maya Angelou",
            "Jeff Bezos",
            "Dwight D. Eisenhower",
            "Susan Wojcicki",
            "Gary Vaynerchuk",
            "Jeff Bezos, founder and CEO of Amazon.com",
            "Anna Freud, psychoanalyst",
            "Peter F. Drucker, educator and author",
        ] {
            assert_eq!(n.find(ok, false).len(), 1, "{ok}");
        }
        // Not in capitals throughout, not with a stop word or a street
        // word, not a lower-case second word; a capital after the comma
        // keeps the value whole ("Springfield, Illinois" is a place).
        for bad in [
            "ALBERT EINSTEIN",
            "Jennifer said hello",
            "Laura Street",
            "Jasmine tea",
            "Customer Service, refunds",
            "Springfield, Illinois",
            "Welcome back, friend",
        ] {
            assert!(n.find(bad, false).is_empty(), "{bad}");
        }
        // A role is cut only where the name before the comma is
        // capitalised: "pritchard, nigel" is a surname and a given name.
        assert_eq!(n.find("pritchard, nigel", true).len(), 1);
        // In running text the comma does not end the search.
        let text = "Thanks for the call, please ask Jennifer Lopez to send it";
        assert!(!n.find(text, false).is_empty());
    }

    #[test]
    fn an_unlisted_given_name_before_a_common_surname_is_a_name() {
        let n = Names::builtin();
        // Given names no list holds, before a common surname.
        for ok in [
            "Tyus Jones",
            "Kaysen Davis",
            "Brexley Wilson",
            "Zendaya Coleman",
            "Jrue Taylor",
        ] {
            assert_eq!(n.find(ok, false).len(), 1, "{ok}");
        }
        // Not a place ("Chiang Mai", "Campina Grande": GeoNames' cities),
        // not an English word on either side, not in capitals
        // throughout, not a lower-case surname.
        for bad in [
            "Chiang Mai",
            "Campina Grande",
            "Ciudad Hidalgo",
            "Sunset Harris",
            "Xentra Wood",
            "KAYSEN DAVIS",
            "Kaysen davis",
        ] {
            assert!(n.find(bad, false).is_empty(), "{bad}");
        }
    }

    #[test]
    fn a_given_name_of_another_language_before_an_unlisted_surname_is_a_name() {
        let n = Names::builtin();
        // Given names of the other languages' lists, surnames of no list.
        for ok in [
            "Søren Kvistgaard",
            "Jolanta Wierzbicka",
            "Gunnar Thorvaldsen",
            "Henrik Zubrowsky",
            "Jakob Poeltl",
        ] {
            assert_eq!(n.find(ok, false).len(), 1, "{ok}");
        }
        // Not before an English word, not in capitals throughout.
        for bad in ["Gunnar Fjord", "Henrik Harbour", "GUNNAR THORVALDSEN"] {
            assert!(n.find(bad, false).is_empty(), "{bad}");
        }
    }

    #[test]
    fn initials_written_together_stand_for_given_names() {
        let n = Names::builtin();
        for ok in [
            "T.J. Warren",
            "J.R. Smith",
            "D.J. Wilson",
            "A.B. Jones",
            "Smith, J.R.",
            "Hampton, R.J.",
        ] {
            assert_eq!(n.find(ok, false).len(), 1, "{ok}");
        }
        // Abbreviations of countries, cities and clubs are no initials,
        // and four letters are an acronym.
        for bad in ["U.S. Steel", "A.C. Milan", "F.C. Porto", "S.A.B.C. Jones"] {
            assert!(n.find(bad, false).is_empty(), "{bad}");
        }
    }

    #[test]
    fn a_code_in_parentheses_after_a_name_annotates_it() {
        let n = Names::builtin();
        let mut tokens = Vec::new();
        for (v, hint) in [
            ("Jackie Joyner-Kersee (USA)", NameHint::None),
            ("Maria Souza (BRA)", NameHint::None),
            ("Jeff Sessions (R AL)", NameHint::None),
            ("Nancy Wilson (D-CA)", NameHint::None),
            ("Robert Smith (1998)", NameHint::None),
            ("Schulz (GDR)", NameHint::Hinted),
            ("Behmer (GDR)", NameHint::None),
            ("Sablovskaite (URS)", NameHint::None),
            ("Hui-Ing (TAI)", NameHint::None),
        ] {
            assert!(n.whole_name(v, hint, &mut tokens), "{v}");
            assert_eq!(n.find(v, hint).len(), 1, "{v}");
        }
        assert_eq!(without_code_annotation("Acme (USA)"), "Acme");
        // Not a code: words, nothing, or no space before.
        for v in [
            "Ann Lee (John's sister)",
            "Jo Ann ()",
            "Smith(USA)",
            "Ann (Lee",
        ] {
            assert_eq!(without_code_annotation(v), v);
        }
        // A nationality needs a country's code, a capitalised word that is
        // no place, and no capitals alone.
        for v in [
            "Paris (FRA)",
            "Behmer (XYZ)",
            "SCHULZ (GDR)",
            "Acme (INC)",
            "Behmer (Gdr)",
        ] {
            assert!(!n.whole_name(v, NameHint::None, &mut tokens), "{v}");
        }
        // The thing before the code is judged as it would be alone.
        assert!(!n.whole_name("Springfield Municipal (IL)", NameHint::Hinted, &mut tokens));
    }

    #[test]
    fn two_words_ending_in_a_street_or_land_word_are_a_place() {
        let n = Names::builtin();
        for place in [
            "Baker Street",
            "Edgware Road",
            "Charing Cross",
            "Kowalski Street",
            "Tower Hill",
            "Putney Bridge",
            "Bishops Gate",
            "Marylebone Station",
            "Ealing Common",
            "Passaic River",
            "Hudson River",
        ] {
            assert!(n.find(place, NameHint::Hinted).is_empty(), "{place}");
            assert!(n.find(place, false).is_empty(), "{place}");
        }
        // A common given name first: a person whose surname is the word.
        for person in [
            "Lois Lane",
            "Benny Hill",
            "Sally Field",
            "Nathan Lane",
            "Tanaka, Lane",
        ] {
            assert_eq!(n.find(person, NameHint::Hinted).len(), 1, "{person}");
        }
        // In a column named for a name, the pair is a name whatever its
        // first word ("Grant" is also a word).
        let mut tokens = Vec::new();
        assert!(n.whole_name("Grant Bay", NameHint::Named, &mut tokens));
    }

    /// In a column named for a name, names the dictionaries do not hold
    /// (Turkish, Polish surnames) are names; in a plain `name` column they
    /// are not, and neither are lower-case words, stop words or digits in
    /// the named one.
    #[test]
    fn a_column_named_for_a_name_needs_no_dictionary() {
        let n = Names::builtin();
        let named = NameHint::Named;
        for ok in [
            "Koçyiğit",
            "Şener Beşerler",
            "Gałczyński",
            "Hvithovudh Ljungdahl",
            "ZXQWY",
        ] {
            assert!(
                n.find(ok, NameHint::Hinted).is_empty(),
                "{ok} needs the named column"
            );
            assert_eq!(n.find(ok, named), vec![(0, ok.len(), true)], "{ok}");
            let mut tokens = Vec::new();
            assert!(
                n.whole_name(ok, named, &mut tokens),
                "{ok}: the memo agrees"
            );
        }
        for bad in ["zzqx Wrtp", "Qwzx the", "Order 12", "Wqz Xqy Zqv Qxw Vqz"] {
            assert!(n.find(bad, named).is_empty(), "{bad}");
        }
    }

    #[test]
    fn international_and_hyphenated_names() {
        let n = Names::builtin();
        // Given names and surnames the US Census lists lack, and double
        // names joined by a hyphen, in a column that does not say "name".
        for ok in [
            "Henri Bruneau",
            "Élodie Bruneau",
            "Götz Eberth",
            "Maksymilian Matyjaszek",
            "Elisa Koch-Scheuermann",
            "Thomas-Xavier Aubert",
            "Herr Gunnar Weihmann",
            "Dylano van Salm",
            "Gérard Arnaud de la Faure",
            "Univ.Prof. Gundula Karge B.Eng.",
            "Dipl.-Ing. Christina Bohlander MBA.",
        ] {
            assert_eq!(n.find(ok, false), vec![(0, ok.len(), true)], "{ok}");
        }
        // One word that is both a given name and a surname is not two parts.
        assert!(n.find("York", false).is_empty());
        assert!(n.find("New York", false).is_empty());
        // In a name column one known word is enough where a name has it...
        assert_eq!(n.find("Lothar Qzxwv", true).len(), 1);
        assert_eq!(n.find("Qzxwv Koch", true).len(), 1);
        assert_eq!(n.find("Qzxwv, Lothar", true).len(), 1);
        // ...but not a surname-like word at the head of a product name.
        assert!(n.find("Kindle Paperwhite", true).is_empty());
        assert!(n.find("Logitech Qzxwv", true).is_empty());
        // In running text a pair needs the common lists: capitalised German
        // nouns that are also rare names do not pair up.
        assert!(n
            .find(
                "Ab Mann erklären und Hand. Sommer Kopf zeigen Apfel.",
                false
            )
            .is_empty());
        assert!(!n
            .find("Bitte Herrn Thomas Müller anrufen.", false)
            .is_empty());
        // Nouns capitalised as German does: common-list pairs need a title.
        let prose =
            "Kaufen wenig schreiben auf. Traurig darin hart Sommer Vogel. Schreien Musik warm.";
        assert!(n.find(prose, false).is_empty());
        let prose = "Termin mit Herrn Thomas Müller am Montag wegen der Rechnung und Lieferung.";
        assert!(!n.find(prose, false).is_empty());
        // English prose keeps its untitled names.
        assert!(!n
            .find(
                "Please call Jennifer Lopez about the refund for order two.",
                false
            )
            .is_empty());
    }
}
