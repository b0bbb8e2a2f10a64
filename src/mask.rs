//! Masking: what may be shown of a detected value. Examples in reports are
//! masked; raw values never leave the scanner.

use crate::rules::MaskStyle;

/// Mask a value in a style (rule data, see `MaskStyle`), keeping only its
/// format: `jane.doe@example.com` → `j***@e***.com`; digits become `#`,
/// letters `x`/`X`, separators stay.
pub(crate) fn mask(style: MaskStyle, value: &str) -> String {
    let value = value.trim();
    match style {
        MaskStyle::Email => {
            if let Some((local, domain)) = value.rsplit_once('@') {
                let first = local.chars().next().map(String::from).unwrap_or_default();
                let (host, tld) = domain.rsplit_once('.').unwrap_or((domain, ""));
                let h = host.chars().next().map(String::from).unwrap_or_default();
                return format!("{first}***@{h}***.{tld}");
            }
            shape(value, false)
        }
        MaskStyle::Initials => shape(value, true),
        MaskStyle::Prefix => {
            let head: String = value.chars().take(3).collect();
            format!("{head}***({} chars)", value.chars().count())
        }
        MaskStyle::Url => match value.find("://") {
            Some(p) => {
                let rest = &value[p + 3..];
                let host_end = rest.find('/').unwrap_or(rest.len());
                format!("{}://{}/***", &value[..p], shape(&rest[..host_end], true))
            }
            None => shape(value, false),
        },
        MaskStyle::Shape => shape(value, false),
    }
}

fn shape(value: &str, keep_initials: bool) -> String {
    let mut out = String::with_capacity(value.len().min(64));
    let mut word_start = true;
    for (n, c) in value.chars().enumerate() {
        if n >= 64 {
            out.push('…');
            break;
        }
        let m = if c.is_ascii_digit() {
            '#'
        } else if c.is_alphabetic() {
            if keep_initials && word_start {
                c
            } else if c.is_uppercase() {
                'X'
            } else {
                'x'
            }
        } else {
            c
        };
        word_start = !c.is_alphanumeric();
        out.push(m);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks_keep_format_not_value() {
        // The styles come from the built-in rules (`mask = …`).
        let rules = crate::RuleSet::builtin().unwrap();
        let mask = |e: &str, v: &str| rules.mask(e, v);
        assert_eq!(mask("EMAIL", "jane.doe@example.com"), "j***@e***.com");
        assert_eq!(
            mask("CREDIT_CARD", "4111 1111 1111 1111"),
            "#### #### #### ####"
        );
        assert_eq!(mask("US_SSN", "536-22-8726"), "###-##-####");
        assert_eq!(mask("PERSON_NAME", "John Smith"), "Jxxx Sxxxx");
        assert_eq!(mask("STREET_ADDRESS", "12 Elm Street"), "## Exx Sxxxxx");
        assert_eq!(
            mask("IBAN", "DE89370400440532013000"),
            "XX####################"
        );
        assert_eq!(
            mask("AWS_ACCESS_KEY", "AKIAIOSFODNN7EXAMPLE"),
            "AKI***(20 chars)"
        );
        assert_eq!(
            mask("SECRET_TOKEN", "ghp_0123456789abcdef"),
            "ghp***(20 chars)"
        );
        assert_eq!(
            mask("URL", "https://example.com/u/jane?x=1"),
            "https://exxxxxx.cxx/***"
        );
    }
}
