//! Vietnamese text rules: NFC normalisation, and money written the way a
//! citizen reads it ("8.000 đồng", "Tám nghìn đồng").

use unicode_normalization::UnicodeNormalization;

/// Normalises text to Unicode NFC, the form every boundary of the kiosk uses.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Whether `s` is already in NFC.
pub fn is_nfc(s: &str) -> bool {
    unicode_normalization::is_nfc(s)
}

/// Formats a whole number with `.` as the thousands separator: `8000` → `8.000`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// An amount of money in digits: `8000` → `8.000 đồng`.
pub fn money(amount: u64) -> String {
    format!("{} đồng", group_thousands(amount))
}

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];
const SCALES: [&str; 7] = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ", "tỷ tỷ"];

/// Reads a group of three digits. `full` is set for every group after the
/// leading one, where hundreds and "linh" are always spoken
/// (1.005.000 → "một triệu không trăm linh năm nghìn").
fn read_group(n: u64, full: bool, words: &mut Vec<&'static str>) {
    let (h, t, u) = (
        (n / 100) as usize,
        ((n / 10) % 10) as usize,
        (n % 10) as usize,
    );
    if h > 0 || full {
        words.push(DIGITS[h]);
        words.push("trăm");
    }
    match t {
        0 => {
            if u > 0 && (h > 0 || full) {
                words.push("linh");
            }
            if u > 0 {
                words.push(DIGITS[u]);
            }
        }
        1 => {
            words.push("mười");
            match u {
                0 => {}
                5 => words.push("lăm"),
                _ => words.push(DIGITS[u]),
            }
        }
        _ => {
            words.push(DIGITS[t]);
            words.push("mươi");
            match u {
                0 => {}
                1 => words.push("mốt"),
                4 => words.push("tư"),
                5 => words.push("lăm"),
                _ => words.push(DIGITS[u]),
            }
        }
    }
}

/// A number in Vietnamese words, lower case: `15000` → `mười lăm nghìn`.
pub fn number_in_words(n: u64) -> String {
    if n == 0 {
        return DIGITS[0].to_owned();
    }
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut words = Vec::new();
    let leading = groups.len() - 1;
    for (i, &g) in groups.iter().enumerate().rev() {
        if g == 0 {
            continue;
        }
        read_group(g, i != leading, &mut words);
        if !SCALES[i].is_empty() {
            words.push(SCALES[i]);
        }
    }
    words.join(" ")
}

/// An amount of money in words, capitalised: `8000` → `Tám nghìn đồng`.
pub fn money_in_words(amount: u64) -> String {
    capitalise(&format!("{} đồng", number_in_words(amount)))
}

/// Upper-cases the first letter.
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_with_dots() {
        for (n, want) in [
            (0, "0"),
            (999, "999"),
            (1000, "1.000"),
            (8000, "8.000"),
            (200_000, "200.000"),
            (1_234_567, "1.234.567"),
        ] {
            assert_eq!(group_thousands(n), want, "{n}");
        }
        assert_eq!(money(8000), "8.000 đồng");
    }

    #[test]
    fn reads_numbers_in_words() {
        let cases: &[(u64, &str)] = &[
            (0, "không"),
            (1, "một"),
            (5, "năm"),
            (10, "mười"),
            (11, "mười một"),
            (15, "mười lăm"),
            (20, "hai mươi"),
            (21, "hai mươi mốt"),
            (24, "hai mươi tư"),
            (25, "hai mươi lăm"),
            (105, "một trăm linh năm"),
            (110, "một trăm mười"),
            (1000, "một nghìn"),
            (2000, "hai nghìn"),
            (8000, "tám nghìn"),
            (15_000, "mười lăm nghìn"),
            (105_000, "một trăm linh năm nghìn"),
            (200_000, "hai trăm nghìn"),
            (1_000_000, "một triệu"),
            (1_005_000, "một triệu không trăm linh năm nghìn"),
            (1_050_000, "một triệu không trăm năm mươi nghìn"),
            (2_000_500, "hai triệu năm trăm"),
            (1_000_000_000, "một tỷ"),
        ];
        for &(n, want) in cases {
            assert_eq!(number_in_words(n), want, "{n}");
        }
    }

    #[test]
    fn money_in_words_is_capitalised_and_nfc() {
        assert_eq!(money_in_words(8000), "Tám nghìn đồng");
        assert_eq!(money_in_words(200_000), "Hai trăm nghìn đồng");
        assert!(is_nfc(&money_in_words(1_234_567)));
    }

    #[test]
    fn nfc_composes_letters_with_two_marks() {
        // "ệ" with its two marks in non-canonical order, and "ổ" decomposed.
        let nfd = "Nguye\u{0302}\u{0323}n Vo\u{0302}\u{0309}";
        let out = nfc(nfd);
        assert_eq!(out, "Nguyện Vổ");
        assert!(is_nfc(&out));
        assert!(!is_nfc(nfd));
    }
}
