//! Masking: what may be shown of a detected value. Examples in reports are
//! masked; raw values never leave the scanner.

/// Mask a value of a given entity, keeping only its format:
/// `jane.doe@example.com` → `j***@e***.com`; digits become `#`, letters `x`/`X`,
/// separators stay. Names and addresses keep each word's initial.
pub fn mask(entity: &str, value: &str) -> String {
    let value = value.trim();
    match entity {
        "EMAIL" => {
            if let Some((local, domain)) = value.rsplit_once('@') {
                let first = local.chars().next().map(String::from).unwrap_or_default();
                let (host, tld) = domain.rsplit_once('.').unwrap_or((domain, ""));
                let h = host.chars().next().map(String::from).unwrap_or_default();
                return format!("{first}***@{h}***.{tld}");
            }
            shape(value, false)
        }
        "PERSON_NAME" | "STREET_ADDRESS" => shape(value, true),
        // Credentials: not even their shape; a short well-known prefix at most.
        "SECRET_TOKEN" | "AWS_ACCESS_KEY" => {
            let head: String = value.chars().take(3).collect();
            format!("{head}***({} chars)", value.chars().count())
        }
        "URL" => match value.find("://") {
            Some(p) => {
                let rest = &value[p + 3..];
                let host_end = rest.find('/').unwrap_or(rest.len());
                format!("{}://{}/***", &value[..p], shape(&rest[..host_end], true))
            }
            None => shape(value, false),
        },
        _ => shape(value, false),
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
    use super::*;

    #[test]
    fn masks_keep_format_not_value() {
        assert_eq!(mask("EMAIL", "jane.doe@example.com"), "j***@e***.com");
        assert_eq!(
            mask("CREDIT_CARD", "4111 1111 1111 1111"),
            "#### #### #### ####"
        );
        assert_eq!(mask("US_SSN", "536-22-8726"), "###-##-####");
        assert_eq!(mask("PERSON_NAME", "John Smith"), "Jxxx Sxxxx");
        assert_eq!(
            mask("IBAN", "DE89370400440532013000"),
            "XX####################"
        );
        assert_eq!(
            mask("AWS_ACCESS_KEY", "AKIAIOSFODNN7EXAMPLE"),
            "AKI***(20 chars)"
        );
    }
}
