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
pub fn find(text: &str) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    // A capture-free pass first: most values hold no date at all.
    if !patterns().is_match(text) {
        return out;
    }
    let g = groups();
    for c in patterns().captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let num = |k: usize| c.get(k).and_then(|x| x.as_str().parse::<u32>().ok());
        let ok = if let (Some(y), Some(mo), Some(d)) = (num(g.y1), num(g.m1), num(g.d1)) {
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
        };
        // Glued to more digits: part of a longer number, not a date.
        if text[m.end()..].starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        // A trailing time ("12:30") right after the date also marks a timestamp.
        let rest = text[m.end()..].trim_start();
        let timestamp = rest.len() >= 4
            && rest.as_bytes()[0].is_ascii_digit()
            && rest[..rest.len().min(3)].contains(':');
        if ok && !timestamp {
            out.push((m.start(), m.end(), m.start() == 0 && m.end() == text.len()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::find;

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
