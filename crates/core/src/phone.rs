//! Vietnamese mobile phone numbers: the one shape the accounts API accepts,
//! and the masked form shown back to a citizen.

/// Why a text is not a Vietnamese mobile number. Never carries the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("phone number is empty")]
    Empty,
    #[error(
        "phone number contains a character other than digits, spaces, dots, hyphens or a leading +"
    )]
    Characters,
    #[error("phone number does not have 10 digits after normalising the country code")]
    Length,
    #[error("phone number does not start with a mobile prefix (03, 05, 07, 08, 09)")]
    Prefix,
}

/// Longest input considered at all, in bytes.
const MAX_INPUT_BYTES: usize = 32;

/// Normalises a Vietnamese mobile number to its national form `0xxxxxxxxx`:
/// separators (spaces, dots, hyphens) are dropped and a `+84` or `84` country
/// code becomes `0`. The result is 10 digits starting with 03, 05, 07, 08 or 09.
pub fn normalize_mobile(input: &str) -> Result<String, PhoneError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(PhoneError::Length);
    }
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(PhoneError::Empty);
    }
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(r) => (true, r),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(12);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' => {}
            _ => return Err(PhoneError::Characters),
        }
    }
    let national = if plus {
        match digits.strip_prefix("84") {
            Some(r) => format!("0{r}"),
            None => return Err(PhoneError::Prefix),
        }
    } else if digits.len() == 11 && digits.starts_with("84") {
        format!("0{}", digits.get(2..).unwrap_or_default())
    } else {
        digits
    };
    if national.len() != 10 {
        return Err(PhoneError::Length);
    }
    if !["03", "05", "07", "08", "09"]
        .iter()
        .any(|p| national.starts_with(p))
    {
        return Err(PhoneError::Prefix);
    }
    Ok(national)
}

/// `0912345678` → `09xx xxx 678`: the first two and the last three digits.
/// Anything that is not a normalised mobile number is masked whole.
pub fn mask(national: &str) -> String {
    match (national.get(..2), national.get(7..)) {
        (Some(head), Some(tail)) if national.len() == 10 => format!("{head}xx xxx {tail}"),
        _ => "xxxx xxx xxx".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_the_usual_ways_of_writing_a_mobile_number() {
        for (input, want) in [
            ("0912345678", "0912345678"),
            (" 0912 345 678 ", "0912345678"),
            ("0912.345.678", "0912345678"),
            ("0912-345-678", "0912345678"),
            ("+84912345678", "0912345678"),
            ("+84 912 345 678", "0912345678"),
            ("84912345678", "0912345678"),
            ("0312345678", "0312345678"),
            ("0512345678", "0512345678"),
            ("0712345678", "0712345678"),
            ("0812345678", "0812345678"),
        ] {
            assert_eq!(normalize_mobile(input).as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_vietnamese_mobile_number() {
        for (input, want) in [
            ("", PhoneError::Empty),
            ("   ", PhoneError::Empty),
            ("091234567", PhoneError::Length),
            ("09123456789", PhoneError::Length),
            ("0212345678", PhoneError::Prefix),
            ("0112345678", PhoneError::Prefix),
            ("0612345678", PhoneError::Prefix),
            ("1912345678", PhoneError::Prefix),
            ("+1 912 345 6789", PhoneError::Prefix),
            ("+840912345678", PhoneError::Length),
            ("091234567a", PhoneError::Characters),
            ("0912\n345678", PhoneError::Characters),
            ("０９１２３４５６７８", PhoneError::Characters),
            ("0912+345678", PhoneError::Characters),
            ("++84912345678", PhoneError::Characters),
        ] {
            assert_eq!(normalize_mobile(input), Err(want), "{input:?}");
        }
    }

    #[test]
    fn masks_all_but_head_and_tail() {
        for (input, want) in [
            ("0912345678", "09xx xxx 678"),
            ("0398765123", "03xx xxx 123"),
            ("", "xxxx xxx xxx"),
            ("12345", "xxxx xxx xxx"),
        ] {
            assert_eq!(mask(input), want, "{input:?}");
        }
    }
}
