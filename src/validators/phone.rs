//! Phone number plausibility: a number must be valid for its region, not just
//! any run of digits.
//!
//! International numbers (`+CC…` or `00CC…`) are checked against the national
//! significant number lengths of their country calling code (ITU-T E.164
//! assignments; NANP numbers also against the area-code and exchange rules).
//! Numbers without a country code must be NANP-valid (10 digits, or 11 with a
//! leading 1) or a national number with a trunk prefix `0` and a plausible length.

/// (country calling code, min, max national significant number length).
const COUNTRIES: &[(u16, u8, u8)] = &[
    (1, 10, 10),
    (7, 10, 10),
    (20, 9, 10),
    (27, 9, 9),
    (30, 10, 10),
    (31, 9, 9),
    (32, 8, 9),
    (33, 9, 9),
    (34, 9, 9),
    (36, 8, 9),
    (39, 6, 11),
    (40, 9, 9),
    (41, 9, 9),
    (43, 4, 13),
    (44, 9, 10),
    (45, 8, 8),
    (46, 7, 13),
    (47, 8, 8),
    (48, 9, 9),
    (49, 6, 13),
    (51, 8, 9),
    (52, 10, 10),
    (53, 8, 8),
    (54, 10, 11),
    (55, 10, 11),
    (56, 9, 9),
    (57, 10, 10),
    (58, 10, 10),
    (60, 8, 10),
    (61, 9, 9),
    (62, 8, 12),
    (63, 8, 10),
    (64, 8, 10),
    (65, 8, 8),
    (66, 8, 9),
    (81, 9, 10),
    (82, 8, 11),
    (84, 9, 10),
    (86, 10, 11),
    (90, 10, 10),
    (91, 10, 10),
    (92, 9, 10),
    (93, 9, 9),
    (94, 9, 9),
    (95, 8, 10),
    (98, 10, 10),
    (212, 9, 9),
    (213, 9, 9),
    (216, 8, 8),
    (234, 8, 10),
    (254, 9, 9),
    (351, 9, 9),
    (352, 6, 11),
    (353, 7, 9),
    (354, 7, 7),
    (358, 6, 12),
    (372, 7, 8),
    (380, 9, 9),
    (420, 9, 9),
    (421, 9, 9),
    (966, 9, 9),
    (971, 8, 9),
    (972, 8, 9),
];

fn nanp_ok(d: &[u8]) -> bool {
    // NXX-NXX-XXXX: area and exchange start 2-9, neither is an N11 service code.
    d.len() == 10
        && d[0] >= 2
        && d[3] >= 2
        && !(d[1] == 1 && d[2] == 1)
        && !(d[4] == 1 && d[5] == 1)
        // 555-01XX is reserved for fiction; 37X/96X area codes are unassigned.
        && !(d[3] == 5 && d[4] == 5 && d[5] == 5 && d[6] == 0 && d[7] == 1)
}

/// `COUNTRIES` indexed by calling code: `min << 8 | max`, 0 for none.
static BY_CODE: [u16; 1000] = {
    let mut t = [0u16; 1000];
    let mut k = 0;
    while k < COUNTRIES.len() {
        let (cc, min, max) = COUNTRIES[k];
        t[cc as usize] = (min as u16) << 8 | max as u16;
        k += 1;
    }
    t
};

/// Whether `s` (as matched, with separators) is a plausible phone number.
pub fn valid_phone(s: &str) -> bool {
    check(
        strip_extension(crate::detect::matching::bytes::trim_value(s)),
        true,
    )
}

/// The number without a trailing extension ("x791", "ext. 42", "#12":
/// one to six digits after the marker), which is not part of the dialled
/// number. Anything else is returned as it is.
fn strip_extension(t: &str) -> &str {
    strip_extension_as::<true>(t)
}

/// `strip_extension`; without `SHORTCUT` (the property test's reference)
/// every marker is compared even where the byte before the digits rules
/// them all out.
#[inline]
fn strip_extension_as<const SHORTCUT: bool>(t: &str) -> &str {
    let b = t.as_bytes();
    let mut i = b.len();
    while i > 0 && b[i - 1].is_ascii_digit() {
        i -= 1;
    }
    let digits = b.len() - i;
    if digits == 0 || digits > 6 {
        return t;
    }
    if i > 0 && b[i - 1] == b' ' {
        i -= 1;
    }
    let head = &b[..i];
    // Every marker ends with 'x', 't' (either case), '#' or '.': most
    // numbers end with a separator or digit group and stop here.
    if SHORTCUT
        && !head
            .last()
            .is_some_and(|&c| matches!(c | 0x20, b'x' | b't' | b'#' | b'.'))
    {
        return t;
    }
    let marker = [&b"x"[..], b"#", b"ext", b"ext."]
        .iter()
        .find(|m| head.len() > m.len() && head[head.len() - m.len()..].eq_ignore_ascii_case(m))
        .map(|m| m.len());
    let Some(m) = marker else {
        return t;
    };
    let mut k = head.len() - m;
    if k > 0 && b[k - 1] == b' ' {
        k -= 1;
    }
    // The number must end with a digit before the marker.
    if k == 0 || !b[k - 1].is_ascii_digit() {
        return t;
    }
    &t[..k]
}

/// `valid_phone` on trimmed text; `clean`: a "(0)" may still be dropped.
fn check(t: &str, clean: bool) -> bool {
    let b = t.as_bytes();
    // At most 15 digits are valid: collect them on the stack.
    let mut buf = [0u8; 15];
    let mut n = 0;
    for (i, &c) in b.iter().enumerate() {
        let d = c.wrapping_sub(b'0');
        if d <= 9 {
            if n == buf.len() {
                return false;
            }
            buf[n] = d;
            n += 1;
        } else if c == b'(' && clean && b.get(i + 1..i + 3) == Some(b"0)") {
            // "+44 (0)20 …": the bracketed trunk zero is dropped when
            // dialling internationally (the first one only).
            return check(&t.replacen("(0)", "", 1), false);
        } else if !matches!(c, b' ' | b'-' | b'.' | b'(' | b')' | b'/' | b'+') {
            return false;
        }
    }
    let d = &buf[..n];
    if !(7..=15).contains(&d.len()) || t.starts_with("+0") {
        return false;
    }
    if t.starts_with('+') {
        return international(d);
    }
    if t.starts_with("00") && d.len() >= 10 {
        return international(&d[2..]);
    }
    if d[0] == 0 {
        // National format with trunk prefix: 0 + 8..=12 digits, area code not 0.
        return (9..=13).contains(&d.len()) && d[1] != 0;
    }
    // Brazilian national format: "(11) 91234-5678", two-digit area code in brackets.
    if t.starts_with('(')
        && b.get(3) == Some(&b')')
        && (10..=11).contains(&d.len())
        && d[0] != 0
        && d[1] != 0
    {
        return true;
    }
    match d.len() {
        10 => nanp_ok(d),
        11 if d[0] == 1 => nanp_ok(&d[1..]),
        // Bare digits of an E.164 number without its '+' (the bare-digit rule
        // only runs in phone columns); `d[0]` is not 0 here.
        11..=15 if !t.contains([' ', '-', '.', '(']) => international(d),
        _ => false,
    }
}

/// The digits after '+' or "00": a known country calling code, then a
/// national number of a length that country uses.
fn international(digits: &[u8]) -> bool {
    let mut cc = 0usize;
    for cc_len in 1..=3 {
        if digits.len() <= cc_len {
            break;
        }
        cc = cc * 10 + digits[cc_len - 1] as usize;
        let e = BY_CODE[cc];
        if e != 0 {
            let (min, max) = ((e >> 8) as usize, (e & 0xff) as usize);
            let nsn = &digits[cc_len..];
            // Italy, San Marino and the Vatican keep the leading 0 internationally.
            if nsn[0] == 0 && !matches!(cc, 39 | 378 | 379) {
                return false;
            }
            if cc == 1 {
                return nanp_ok(nsn);
            }
            return (min..=max).contains(&nsn.len());
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{strip_extension, strip_extension_as, valid_phone, BY_CODE, COUNTRIES};

    #[test]
    fn extensions_are_not_part_of_the_number() {
        for (v, want) in [
            ("795.242.2058x791", "795.242.2058"),
            ("001-362-876-2230X1289", "001-362-876-2230"),
            ("(506)772-0361 ext. 90193", "(506)772-0361"),
            ("+44 20 7946 0958 #12", "+44 20 7946 0958"),
            ("020 7946 0958", "020 7946 0958"),
            ("2058x1234567", "2058x1234567"),
            ("box 12", "box 12"),
            ("x12", "x12"),
        ] {
            assert_eq!(strip_extension(v), want, "{v}");
        }
        assert!(valid_phone("795.242.2058x791"));
        assert!(valid_phone("+1-966-991-1309x21105"));
        // An invalid number stays invalid with an extension.
        assert!(!valid_phone("123-456-7890x12"));
    }

    /// The earlier form of `valid_phone` (binary search over the country
    /// list, "(0)" removed up front), which the property test below holds
    /// the one-pass form to.
    fn valid_phone_reference(s: &str) -> bool {
        let t = strip_extension(s.trim());
        // "+44 (0)20 …": the bracketed trunk zero is dropped when dialling internationally.
        let cleaned;
        // (A byte-window test: `str::contains` sets up a substring searcher per
        // call, which costs more than the whole check on a short value.)
        let t = if t.as_bytes().windows(3).any(|w| w == b"(0)") {
            cleaned = t.replacen("(0)", "", 1);
            cleaned.as_str()
        } else {
            t
        };
        // At most 15 digits are valid: collect them on the stack.
        let mut buf = [0u8; 15];
        let mut n = 0;
        for b in t.bytes() {
            match b {
                b'0'..=b'9' => {
                    if n == buf.len() {
                        return false;
                    }
                    buf[n] = b - b'0';
                    n += 1;
                }
                b' ' | b'-' | b'.' | b'(' | b')' | b'/' | b'+' => {}
                _ => return false,
            }
        }
        let d = &buf[..n];
        if !(7..=15).contains(&d.len()) || t.starts_with("+0") {
            return false;
        }
        let international = t.starts_with('+') || (t.starts_with("00") && d.len() >= 10);
        if international {
            let digits = if t.starts_with("00") { &d[2..] } else { d };
            for cc_len in 1..=3 {
                if digits.len() <= cc_len {
                    break;
                }
                let cc = digits[..cc_len]
                    .iter()
                    .fold(0u16, |a, &x| a * 10 + x as u16);
                if let Ok(k) = super::COUNTRIES.binary_search_by_key(&cc, |&(c, _, _)| c) {
                    let (_, min, max) = super::COUNTRIES[k];
                    let nsn = &digits[cc_len..];
                    // Italy, San Marino and the Vatican keep the leading 0 internationally.
                    if nsn.first() == Some(&0) && !matches!(cc, 39 | 378 | 379) {
                        return false;
                    }
                    if cc == 1 {
                        return super::nanp_ok(nsn);
                    }
                    return (min as usize..=max as usize).contains(&nsn.len());
                }
            }
            return false;
        }
        if d[0] == 0 {
            // National format with trunk prefix: 0 + 8..=12 digits, area code not 0.
            return (9..=13).contains(&d.len()) && d[1] != 0;
        }
        // Brazilian national format: "(11) 91234-5678", two-digit area code in brackets.
        if t.starts_with('(')
            && t.as_bytes().get(3) == Some(&b')')
            && (10..=11).contains(&d.len())
            && d[0] != 0
            && d[1] != 0
        {
            return true;
        }
        match d.len() {
            10 => super::nanp_ok(d),
            11 if d[0] == 1 => super::nanp_ok(&d[1..]),
            // Bare digits of an E.164 number without its '+' (the bare-digit rule
            // only runs in phone columns).
            11..=15 if !t.contains([' ', '-', '.', '(']) => valid_phone_reference(&format!("+{t}")),
            _ => false,
        }
    }

    proptest::proptest! {
        #[test]
        fn strip_extension_agrees_with_its_reference(
            v in "[0-9]{0,4}[ .#xXtTeE\x0e\x03-]{0,4}[0-9]{0,8}"
        ) {
            proptest::prop_assert_eq!(strip_extension(&v), strip_extension_as::<false>(&v));
        }

        #[test]
        fn valid_phone_agrees_with_its_reference(
            v in proptest::prop_oneof![
                // Noise around phone shapes.
                "[+(]?(00|0|1|[2-9])?[0-9]{0,3}[ ).-]{0,2}(\\(0\\))?[0-9 ./()-]{0,14}[a+]?",
                // Numbers laid out as people write them (many valid).
                "(\\+|00|\\(|0)?[1-9][0-9]{0,2}[ )-]?(\\(0\\))?[0-9]{2,4}[ .-]?[0-9]{3,4}[ -]?[0-9]{2,4}",
            ]
        ) {
            proptest::prop_assert_eq!(valid_phone(&v), valid_phone_reference(&v), "{}", v);
        }
    }

    #[test]
    fn code_table_holds_every_country() {
        for cc in 0..1000u16 {
            let want = COUNTRIES
                .iter()
                .find(|c| c.0 == cc)
                .map_or(0, |&(_, min, max)| (min as u16) << 8 | max as u16);
            assert_eq!(BY_CODE[cc as usize], want, "{cc}");
        }
    }

    #[test]
    fn country_codes_are_sorted_for_binary_search() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn valid_numbers() {
        for ok in [
            "+1 (415) 555-2671",
            "415-555-2671",
            "(212) 736-5000",
            "+44 20 7946 0958",
            "+44 (0)20 7946 0958",
            "020 7946 0958",
            "+49 30 901820",
            "+49 151 23456789",
            "030 901820",
            "+33 1 42 68 53 00",
            "01 42 68 53 00",
            "+91 98765 43210",
            "+55 11 91234-5678",
            "0049 30 901820",
            "+39 06 6982 1234",
            "(11) 91234-5678",
            "(02) 9374 4000",
            "447911123456",
        ] {
            assert!(valid_phone(ok), "{ok}");
        }
    }

    #[test]
    fn not_phone_numbers() {
        for bad in [
            "123-456-7890",   // area code cannot start with 1
            "415-555-0123",   // fictional range
            "+999 1234 5678", // unassigned country code
            "+44 1234",       // too short for the UK
            "2024-03-15",     // a date
            "12345",
            "415-911-2671", // N11 exchange
            "00000000000",
        ] {
            assert!(!valid_phone(bad), "{bad}");
        }
    }
}
