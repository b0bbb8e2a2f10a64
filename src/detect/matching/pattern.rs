//! What a pattern's syntax tells before it runs.

/// What a pattern's matches hold of ASCII digits: whether every match has
/// one, at most how many bytes come before the first, and at most how long a
/// match is (`None`: unbounded).
#[derive(Debug, Clone, Copy, PartialEq)]
struct DigitReach {
    must: bool,
    pre: Option<usize>,
    max: Option<usize>,
}

impl DigitReach {
    fn of(h: &regex_syntax::hir::Hir) -> DigitReach {
        use regex_syntax::hir::{Class, HirKind};
        let add = |a: Option<usize>, b: Option<usize>| a.zip(b).map(|(a, b)| a + b);
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => DigitReach {
                must: false,
                pre: None,
                max: Some(0),
            },
            HirKind::Literal(l) => DigitReach {
                must: l.0.iter().any(u8::is_ascii_digit),
                pre: l.0.iter().position(u8::is_ascii_digit),
                max: Some(l.0.len()),
            },
            HirKind::Class(Class::Unicode(c)) => DigitReach {
                must: c
                    .ranges()
                    .iter()
                    .all(|r| r.start().is_ascii_digit() && r.end().is_ascii_digit()),
                pre: Some(0),
                max: Some(
                    c.ranges()
                        .iter()
                        .map(|r| r.end().len_utf8())
                        .max()
                        .unwrap_or(0),
                ),
            },
            HirKind::Class(Class::Bytes(c)) => DigitReach {
                must: c
                    .ranges()
                    .iter()
                    .all(|r| r.start().is_ascii_digit() && r.end().is_ascii_digit()),
                pre: Some(0),
                max: Some(1),
            },
            HirKind::Capture(c) => DigitReach::of(&c.sub),
            HirKind::Repetition(r) => {
                let sub = DigitReach::of(&r.sub);
                DigitReach {
                    must: r.min >= 1 && sub.must,
                    pre: sub.pre,
                    max: r.max.and_then(|m| sub.max.map(|x| x * m as usize)),
                }
            }
            HirKind::Concat(xs) => {
                let mut out = DigitReach {
                    must: false,
                    pre: None,
                    max: Some(0),
                };
                for x in xs.iter().map(DigitReach::of) {
                    if x.must && !out.must {
                        out.must = true;
                        out.pre = add(out.max, x.pre);
                    }
                    out.max = add(out.max, x.max);
                }
                out
            }
            HirKind::Alternation(xs) => {
                let all: Vec<DigitReach> = xs.iter().map(DigitReach::of).collect();
                let must = all.iter().all(|x| x.must);
                DigitReach {
                    must,
                    pre: if must {
                        all.iter().try_fold(0, |m, x| x.pre.map(|p| m.max(p)))
                    } else {
                        None
                    },
                    max: all.iter().try_fold(0, |m, x| x.max.map(|p| m.max(p))),
                }
            }
        }
    }

    /// The bound on the bytes before a match's first digit, when every
    /// match has one.
    fn lead(self) -> Option<usize> {
        if self.must {
            self.pre
        } else {
            None
        }
    }
}

/// Per pattern (after `fast_pattern`): when every match holds an ASCII
/// digit, the most bytes a match can have before its first digit; `None`
/// otherwise (or when the pattern does not parse).
pub(crate) fn digit_lead(pattern: &str) -> Option<usize> {
    regex_automata::util::syntax::parse(pattern)
        .ok()
        .and_then(|h| DigitReach::of(&h).lead())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(p: &str) -> Option<usize> {
        DigitReach::of(&regex_automata::util::syntax::parse(p).unwrap()).lead()
    }

    #[test]
    fn digit_lead_bounds_the_bytes_before_the_first_digit() {
        assert_eq!(lead(r"(?-u:\b)[0-9]{4}"), Some(0));
        assert_eq!(lead(r"(?:\+|\()?[0-9]{3}"), Some(1));
        assert_eq!(lead(r"abc[0-9]"), Some(3));
        assert_eq!(lead(r"é[0-9]"), Some(2));
        assert_eq!(lead(r"(?:ab|c)[0-9]|[0-9]{2}"), Some(2));
        assert_eq!(lead(r"x{1,3}[0-9]"), Some(3));
        // Unbounded before the digit, or a match without one: no bound.
        assert_eq!(lead(r"\s*[0-9]"), None);
        assert_eq!(lead(r"[0-9]?x"), None);
        assert_eq!(lead(r"[0-9]+|abc"), None);
        assert_eq!(lead(r"[0-9a]{4}"), None);
    }
}
