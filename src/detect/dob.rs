//! Calendar dates in a plausible birth range. Whether a date *is* a birth date
//! is decided by column names and context (the `date_of_birth` rule).

use std::sync::OnceLock;

use regex::Regex;

/// Earliest and latest plausible birth years.
pub const MIN_YEAR: i32 = 1900;

pub fn max_year() -> i32 {
    static Y: OnceLock<i32> = OnceLock::new();
    *Y.get_or_init(|| time::OffsetDateTime::now_utc().year())
}

fn patterns() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?x)
            (?-u:\b)(?P<y1>(?:19|20)[0-9]{2})[-/.](?P<m1>[0-9]{1,2})[-/.](?P<d1>[0-9]{1,2})
            (?:[T\ ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?
            (?P<time1>[T\ ][0-9]{1,2}:[0-9]{2})?
          | (?-u:\b)(?P<a2>[0-9]{1,2})[-/.](?P<b2>[0-9]{1,2})[-/.](?P<y2>(?:19|20)[0-9]{2})(?-u:\b)
          | (?i:(?-u:\b)(?P<d3>[0-9]{1,2})\.?\s+(?P<mon3>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(?P<y3>(?:19|20)[0-9]{2})(?-u:\b))
          | (?i:(?-u:\b)(?P<mon4>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?P<d4>[0-9]{1,2})(?:st|nd|rd|th)?,?\s+(?P<y4>(?:19|20)[0-9]{2})(?-u:\b))
            ",
        )
        .expect("static date pattern")
    })
}

/// The indices of the pattern's named groups, looked up once (a lookup by
/// name hashes the name on every call).
struct Groups {
    y1: usize,
    m1: usize,
    d1: usize,
    time1: usize,
    a2: usize,
    b2: usize,
    y2: usize,
    d3: usize,
    mon3: usize,
    y3: usize,
    mon4: usize,
    d4: usize,
    y4: usize,
}

fn groups() -> &'static Groups {
    static G: OnceLock<Groups> = OnceLock::new();
    G.get_or_init(|| {
        let names: Vec<Option<&str>> = patterns().capture_names().collect();
        let at = |n: &str| {
            names
                .iter()
                .position(|&x| x == Some(n))
                .expect("a group of the date pattern")
        };
        Groups {
            y1: at("y1"),
            m1: at("m1"),
            d1: at("d1"),
            time1: at("time1"),
            a2: at("a2"),
            b2: at("b2"),
            y2: at("y2"),
            d3: at("d3"),
            mon3: at("mon3"),
            y3: at("y3"),
            mon4: at("mon4"),
            d4: at("d4"),
            y4: at("y4"),
        }
    })
}

fn month_no(s: &str) -> u32 {
    let l = s.to_ascii_lowercase();
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| l.starts_with(m))
    .map_or(0, |p| p as u32 + 1)
}

pub fn valid_ymd(y: i32, m: u32, d: u32) -> bool {
    if !(MIN_YEAR..=max_year()).contains(&y) || !(1..=12).contains(&m) || d == 0 {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][m as usize - 1];
    d <= days
}

/// Birth-plausible dates in `text` as (start, end, whole value). A date with a
/// time of day other than midnight is an event timestamp, not a birth date.
///
/// The pattern's matches are found without their groups; a match that is
/// a plain `yyyy-mm-dd` or `dd/mm/yyyy` (any of `-/.`), most of them, is
/// read directly, and only the others are matched again for their groups.
pub fn find(text: &str) -> Vec<(usize, usize, bool)> {
    // A value that is one valid date and nothing else (a date column) is
    // the pattern's one match, read in one pass without the pattern (eight
    // digits are read as a date without separators); any other value of
    // digits only holds no date (every other form has a separator or a
    // space).
    if whole_date(text.as_bytes()) {
        return vec![(0, text.len(), true)];
    }
    let mut out = Vec::new();
    if text.bytes().all(|c| c.is_ascii_digit()) {
        return out;
    }
    // A capture-free pass first: most values hold no date at all.
    if !patterns().is_match(text) {
        return out;
    }
    for m in patterns().find_iter(text) {
        let ok = match plain_date(m.as_str()) {
            Some(ok) => ok,
            None => patterns()
                .captures_at(text, m.start())
                .is_some_and(|c| captured_date(&c)),
        };
        if keep_date(text, m.end(), ok) {
            out.push((m.start(), m.end(), m.start() == 0 && m.end() == text.len()));
        }
    }
    out
}

/// Whether all of `text` is one birth-plausible date that `find` reports
/// as the whole value, read in one pass (`whole_date`); `false` says
/// nothing. The column memo answers a date column's values with it: not
/// eight digits, which other rules can match whole too (a TFN's checksum
/// passes for one date in eleven), and which `detect` decides instead.
pub(crate) fn whole(text: &str) -> bool {
    let b = text.as_bytes();
    !eight_digits(b) && whole_date(b)
}

/// Whether `b` is eight ASCII digits (the form `compact_date` reads).
#[inline]
pub(crate) fn eight_digits(b: &[u8]) -> bool {
    b.len() == 8 && b.iter().all(u8::is_ascii_digit)
}

/// Whether `digits`, a run of ASCII digits, is a date as `find` reads it:
/// eight digits of a birth-plausible date (see `compact_date`).
pub(crate) fn digits_are_date(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() == 8 && compact_date(b)
}

/// Whether all of `b` is one birth-plausible date in one of the pattern's
/// forms, in ASCII, without a time: `yyyy-mm-dd` and `dd/mm/yyyy` (any of
/// `-/.`), `4 Nov 2003` and `June 28, 1953` (single spaces; a month is a
/// word that starts with its abbreviation, as in the pattern). Then the
/// pattern's first match is all of it (no form matches earlier, and each
/// form takes all it can). `false` says nothing: the pattern decides.
fn whole_date(b: &[u8]) -> bool {
    match b.first() {
        Some(c) if c.is_ascii_digit() => {
            if eight_digits(b) {
                return compact_date(b);
            }
            if let Some(ok) = plain_date_bytes(b) {
                return ok;
            }
            // `4 Nov 2003`, `4. November 2003`, `04 Nov, 2003`.
            let (d, rest) = number(b, 2);
            let rest = rest.strip_prefix(b".").unwrap_or(rest);
            let Some(rest) = rest.strip_prefix(b" ") else {
                return false;
            };
            let (mon, rest) = month_word(rest);
            let rest = rest.strip_prefix(b".").unwrap_or(rest);
            let rest = rest.strip_prefix(b",").unwrap_or(rest);
            let Some(rest) = rest.strip_prefix(b" ") else {
                return false;
            };
            year_only(rest).is_some_and(|y| d.is_some_and(|d| valid_ymd(y, mon, d)))
        }
        Some(c) if c.is_ascii_alphabetic() => {
            // `June 28, 1953`, `Sept. 4th 1945`.
            let (mon, rest) = month_word(b);
            let rest = rest.strip_prefix(b".").unwrap_or(rest);
            let Some(rest) = rest.strip_prefix(b" ") else {
                return false;
            };
            let (d, rest) = number(rest, 2);
            let rest = ["st", "nd", "rd", "th", "ST", "ND", "RD", "TH"]
                .iter()
                .find_map(|x| rest.strip_prefix(x.as_bytes()))
                .unwrap_or(rest);
            let rest = rest.strip_prefix(b",").unwrap_or(rest);
            let Some(rest) = rest.strip_prefix(b" ") else {
                return false;
            };
            year_only(rest).is_some_and(|y| d.is_some_and(|d| valid_ymd(y, mon, d)))
        }
        _ => false,
    }
}

/// Whether eight digits are a birth-plausible date written without
/// separators, as exports and HL7 write dates of birth: `yyyymmdd`
/// (`19850412`), or `ddmmyyyy` or `mmddyyyy` (`12041985`, either reading).
/// Only the whole value, and only where the column or a word says birth
/// (the rule needs a hint): elsewhere eight digits are ids.
fn compact_date(b: &[u8]) -> bool {
    let n =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |v, &c| v * 10 + u32::from(c - b'0'));
    let (y0, y4) = (n(0..4) as i32, n(4..8) as i32);
    valid_ymd(y0, n(4..6), n(6..8))
        || valid_ymd(y4, n(2..4), n(0..2))
        || valid_ymd(y4, n(0..2), n(2..4))
}

/// One to `max` leading digits as a number, and what follows them.
fn number(b: &[u8], max: usize) -> (Option<u32>, &[u8]) {
    let n = b
        .iter()
        .take(max + 1)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if n == 0 || n > max {
        return (None, b);
    }
    let v = b[..n].iter().fold(0, |v, &c| v * 10 + u32::from(c - b'0'));
    (Some(v), &b[n..])
}

/// A word of ASCII letters that starts with a month's abbreviation: the
/// month (0 if none) and what follows the word.
fn month_word(b: &[u8]) -> (u32, &[u8]) {
    let n = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let m = if n >= 3 {
        month_no(std::str::from_utf8(&b[..n]).unwrap_or(""))
    } else {
        0
    };
    (m, &b[n..])
}

/// `b` is exactly a year of the pattern's (`19xx` or `20xx`).
fn year_only(b: &[u8]) -> Option<i32> {
    match b {
        [b'1', b'9', c, d] | [b'2', b'0', c, d] if c.is_ascii_digit() && d.is_ascii_digit() => {
            Some(
                i32::from(b[0] - b'0') * 1000
                    + i32::from(b[1] - b'0') * 100
                    + i32::from(c - b'0') * 10
                    + i32::from(d - b'0'),
            )
        }
        _ => None,
    }
}

/// `plain_date` of bytes.
fn plain_date_bytes(b: &[u8]) -> Option<bool> {
    std::str::from_utf8(b).ok().and_then(plain_date)
}

/// Whether a plain numeric date that is the whole of `s` is a birth-plausible
/// date: `yyyy-mm-dd` or `dd/mm/yyyy` (either reading), with one separator
/// of `-/.` (the pattern's first two forms without a time); `None` for
/// anything else.
fn plain_date(s: &str) -> Option<bool> {
    let b = s.as_bytes();
    let mut parts = [0u32; 3];
    let mut lens = [0usize; 3];
    let mut k = 0;
    for &c in b {
        match c {
            b'0'..=b'9' => {
                parts[k] = parts[k] * 10 + u32::from(c - b'0');
                lens[k] += 1;
                if lens[k] > 4 {
                    return None;
                }
            }
            b'-' | b'/' | b'.' if k < 2 && lens[k] > 0 => k += 1,
            _ => return None,
        }
    }
    if k != 2 || lens[2] == 0 {
        return None;
    }
    match lens {
        [4, 1..=2, 1..=2] => Some(valid_ymd(parts[0] as i32, parts[1], parts[2])),
        [1..=2, 1..=2, 4] => {
            let (a, b2, y) = (parts[0], parts[1], parts[2] as i32);
            Some(valid_ymd(y, b2, a) || valid_ymd(y, a, b2))
        }
        _ => None,
    }
}

/// Whether the groups of one match of the pattern make a birth-plausible date.
fn captured_date(c: &regex::Captures<'_>) -> bool {
    let g = groups();
    let num = |k: usize| c.get(k).and_then(|x| x.as_str().parse::<u32>().ok());
    if let (Some(y), Some(mo), Some(d)) = (num(g.y1), num(g.m1), num(g.d1)) {
        c.get(g.time1).is_none() && valid_ymd(y as i32, mo, d)
    } else if let (Some(a), Some(b), Some(y)) = (num(g.a2), num(g.b2), num(g.y2)) {
        // Day-first or month-first: either reading must be a real date.
        valid_ymd(y as i32, b, a) || valid_ymd(y as i32, a, b)
    } else if let (Some(d), Some(mon), Some(y)) = (num(g.d3), c.get(g.mon3), num(g.y3)) {
        valid_ymd(y as i32, month_no(mon.as_str()), d)
    } else if let (Some(mon), Some(d), Some(y)) = (c.get(g.mon4), num(g.d4), num(g.y4)) {
        valid_ymd(y as i32, month_no(mon.as_str()), d)
    } else {
        false
    }
}

/// A valid date ending at `end` counts unless it is glued to more digits
/// (part of a longer number) or a time of day follows it (a timestamp).
fn keep_date(text: &str, end: usize, ok: bool) -> bool {
    if !ok || text[end..].starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let rest = text[end..].trim_start();
    let timestamp = rest.len() >= 4
        && rest.as_bytes()[0].is_ascii_digit()
        && rest[..rest.len().min(3)].contains(':');
    !timestamp
}

/// `find` as it reads every match's groups (the reference for the plain
/// dates read directly).
#[cfg(test)]
fn find_by_groups(text: &str) -> Vec<(usize, usize, bool)> {
    // Eight digits: a date in one of its three readings, by the calendar.
    if text.len() == 8 && text.bytes().all(|c| c.is_ascii_digit()) {
        let at = |r: std::ops::Range<usize>| text[r].parse::<i32>().unwrap_or(0);
        let is = |y: i32, m: i32, d: i32| {
            (MIN_YEAR..=max_year()).contains(&y)
                && time::Month::try_from(m as u8)
                    .is_ok_and(|m| time::Date::from_calendar_date(y, m, d as u8).is_ok())
        };
        let date = is(at(0..4), at(4..6), at(6..8))
            || is(at(4..8), at(2..4), at(0..2))
            || is(at(4..8), at(0..2), at(2..4));
        return if date { vec![(0, 8, true)] } else { Vec::new() };
    }
    patterns()
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(0)?;
            keep_date(text, m.end(), captured_date(&c)).then_some((
                m.start(),
                m.end(),
                m.start() == 0 && m.end() == text.len(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{find, find_by_groups};

    proptest::proptest! {
        /// Values that are one date (read in one pass) give what the
        /// pattern's matches give, for every form, with and without the
        /// things the pass refuses (times, odd spaces, other words, years
        /// out of range, invalid days).
        #[test]
        fn whole_dates_agree_with_the_pattern(
            v in "(0?[1-9]|[12][0-9]|3[0-2])\\.? ?(jan|Feb|MAR|apr|May|jun|Jul|aug|sep|Sept|oct|nov|Dec|Mai|x)[a-zA-Z]{0,6}\\.?,? {1,2}(18|19|20|21)[0-9]{2}( ?[0-9:]{0,3})|(jan|Feb|MAR|apr|May|jun|Jul|aug|sep|Sept|oct|nov|Dec|x)[a-zA-Z]{0,6}\\.? {1,2}(0?[1-9]|[12][0-9]|3[0-2])(st|nd|RD|th|x)?,? (18|19|20|21)[0-9]{2}[a-z ]{0,2}|(0?[1-9]|1[0-3]|[12][0-9]|3[0-2])[-/.](0?[1-9]|1[0-3]|[12][0-9]|3[0-2])[-/.](18|19|20|21)[0-9]{2}[ T0:]{0,3}|(19|20)[0-9]{2}[-/.][0-9]{1,3}[-/.][0-9]{1,3}|[0-9]{1,10}",
        ) {
            proptest::prop_assert_eq!(find(&v), find_by_groups(&v), "{:?}", v);
        }

        /// Plain dates read directly give what reading the groups gives,
        /// in values of dates of every form, times and numbers.
        #[test]
        fn plain_dates_agree_with_the_groups(
            v in "([0-9]{1,5}[-/. :T]{0,2}|(19|20)[0-9]{2}[-/.]([0-9]{1,3}|0?[1-9]|1[0-2])[-/.]([0-9]{1,3}|[12][0-9]|3[01])|(0?[1-9]|1[0-2]|[12][0-9]|3[01])[-/.](0?[1-9]|1[0-2]|[12][0-9]|3[01])[-/.](19|20)[0-9]{2}|[0-9]{1,2}\\.? (Mar|may|Sept)[a-z]{0,3},? (19|20)[0-9]{2}|[T ]00:00(:00)?Z?|[T ][0-9]{1,2}:[0-9]{2}|[a-z ]{0,4}){0,5}",
        ) {
            proptest::prop_assert_eq!(find(&v), find_by_groups(&v), "{:?}", v);
        }
    }

    /// Eight digits are a date without separators when one reading of
    /// them is (`yyyymmdd`, `ddmmyyyy`, `mmddyyyy`, a year from 1900 to
    /// today), and only as the whole value.
    #[test]
    fn eight_digits_are_a_date_written_without_separators() {
        for v in [
            "19850412", "20000229", "12041985", "04121985", "31121999", "19000101",
        ] {
            assert_eq!(find(v), [(0, 8, true)], "{v}");
        }
        for v in [
            "19850231",
            "19001301",
            "32131985",
            "20990101",
            "18991231",
            "1985041",
            "198504121",
            "12345678",
            "born 19850412",
        ] {
            assert!(find(v).is_empty(), "{v}");
        }
    }

    #[test]
    fn plain_dates_agree_with_the_groups_on_each_form() {
        for v in [
            "03/25/1985",
            "25/03/1985",
            "25.03.1985",
            "1985/3/4",
            "1985-02-30",
            "1985-03-12 10:30",
            "1985-03-12T00:00:00Z",
            "1985-03-12 00:00",
            "born 1985-03-12, moved 12/03/1990",
            "01/02/2150",
            "1985-03-123",
            "12 March 1985",
            "March 12, 1985",
            "31/12/1899",
            "1985.12.31.",
            "4 Nov 2003",
            "04. November, 2003",
            "June 28, 1953",
            "Sept. 4th 1945",
            "Junebug 28, 1953",
            "June 31, 1953",
            "June 28 1953 ",
            "June  28, 1953",
            "19870114",
            "8/20/1931",
        ] {
            assert_eq!(find(v), find_by_groups(v), "{v:?}");
        }
        assert_eq!(find("03/25/1985"), vec![(0, 10, true)]);
    }

    #[test]
    fn dates() {
        for ok in [
            "1985-03-12",
            "12/03/1985",
            "03.12.1985",
            "12 March 1985",
            "March 12, 1985",
            "1985-03-12T00:00:00Z",
        ] {
            assert_eq!(find(ok).len(), 1, "{ok}");
        }
        for bad in [
            "2024-03-15T10:22:31Z",
            "1985-13-40",
            "1850-01-01",
            "3050-01-01",
            "2024-03-15 10:22",
        ] {
            assert!(find(bad).is_empty(), "{bad}");
        }
    }
}
