//! Vietnamese personal names: which letters a name may hold, and comparing
//! two names the way a person reads them.
//!
//! "Hòa" and "Hoà" are the same name written with the tone mark in two
//! places (both are NFC, yet they differ as strings); "HOÀ" is the same name
//! in capitals. "Hòa", "Hoa" and "Hóa" are three different names, and so are
//! "Nguyễn" and "Nguyên": a tone mark or a vowel mark changes the word.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Combining grave: thanh huyền.
pub(crate) const GRAVE: char = '\u{0300}';
/// Combining acute: thanh sắc.
pub(crate) const ACUTE: char = '\u{0301}';
/// Combining tilde: thanh ngã.
pub(crate) const TILDE: char = '\u{0303}';
/// Combining hook above: thanh hỏi.
pub(crate) const HOOK: char = '\u{0309}';
/// Combining dot below: thanh nặng.
pub(crate) const DOT_BELOW: char = '\u{0323}';
/// Combining circumflex: â ê ô.
pub(crate) const CIRCUMFLEX: char = '\u{0302}';
/// Combining breve: ă.
pub(crate) const BREVE: char = '\u{0306}';
/// Combining horn: ơ ư.
pub(crate) const HORN: char = '\u{031B}';

/// The tone mark's code in a [`fold`] key (1–5), or `None` for other characters.
fn tone_code(c: char) -> Option<char> {
    match c {
        ACUTE => Some('1'),
        GRAVE => Some('2'),
        HOOK => Some('3'),
        TILDE => Some('4'),
        DOT_BELOW => Some('5'),
        _ => None,
    }
}

fn is_tone_mark(c: char) -> bool {
    tone_code(c).is_some()
}

fn is_vowel_base(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// Whether `c` is a letter of the Vietnamese alphabet, with at most one vowel
/// mark where Vietnamese puts one (â ê ô ă ơ ư) and at most one tone mark on a
/// vowel; the Latin letters f, j, w, z (foreign and minority names) and đ
/// count too. Precomposed (NFC) letters only: a lone combining mark is not a
/// letter.
pub fn is_vietnamese_letter(c: char) -> bool {
    if c.is_ascii_alphabetic() || c == 'đ' || c == 'Đ' {
        return true;
    }
    if c.is_ascii() {
        return false;
    }
    let mut parts = std::iter::once(c).nfd();
    let Some(base) = parts.next() else {
        return false;
    };
    if !base.is_ascii_alphabetic() {
        return false;
    }
    let lower = base.to_ascii_lowercase();
    let (mut quality, mut tone) = (0, 0);
    for mark in parts {
        let fits = match mark {
            CIRCUMFLEX => matches!(lower, 'a' | 'e' | 'o'),
            BREVE => lower == 'a',
            HORN => matches!(lower, 'o' | 'u'),
            m if is_tone_mark(m) => {
                tone += 1;
                is_vowel_base(lower)
            }
            _ => false,
        };
        if matches!(mark, CIRCUMFLEX | BREVE | HORN) {
            quality += 1;
        }
        if !fits || quality > 1 || tone > 1 {
            return false;
        }
    }
    // A non-ASCII character that decomposes to a bare ASCII letter (the
    // Kelvin sign) is a compatibility look-alike, not a Vietnamese letter.
    quality + tone > 0
}

/// A comparison key for a name: lower case, whitespace collapsed, and the
/// tone of each syllable moved to its end as a digit (1 sắc, 2 huyền, 3 hỏi,
/// 4 ngã, 5 nặng, 0 none) wherever the mark sat. Vowel marks (â ă ê ô ơ ư)
/// and đ are kept, so they still tell names apart.
///
/// `fold("Hòa") == fold("Hoà") == fold("HOÀ") == "hoa2"`.
pub fn fold(name: &str) -> String {
    let mut key = String::with_capacity(name.len() + 8);
    for (i, syllable) in name.split_whitespace().enumerate() {
        if i > 0 {
            key.push(' ');
        }
        let mut tones: Vec<char> = Vec::new();
        let mut bare = String::with_capacity(syllable.len());
        for c in syllable.nfd() {
            match tone_code(c) {
                Some(code) => tones.push(code),
                None => bare.extend(c.to_lowercase()),
            }
        }
        key.extend(bare.nfc());
        if tones.is_empty() {
            key.push('0');
        } else {
            // Sorted, so a malformed syllable with two tones folds the same
            // whichever letters carry them.
            tones.sort_unstable();
            key.extend(tones);
        }
    }
    key
}

/// A search key: lower case, whitespace collapsed, every tone and vowel mark
/// dropped and đ read as d, so "Khai sinh", "KHAI SINH" and "khai sinh"
/// typed without marks all meet. For finding, never for telling names apart.
pub fn plain(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            key.push(' ');
        }
        for c in word.nfd().filter(|&c| !is_combining_mark(c)) {
            match c {
                'đ' | 'Đ' => key.push('d'),
                c => key.extend(c.to_lowercase()),
            }
        }
    }
    key
}

/// Whether two names are the same once case, spacing, Unicode form and the
/// placement of tone marks are set aside.
pub fn same_name(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(a: &str, b: &str, same: bool) {
        assert_eq!(
            same_name(a, b),
            same,
            "{a:?} vs {b:?}: {} / {}",
            fold(a),
            fold(b)
        );
        assert_eq!(same_name(b, a), same, "{b:?} vs {a:?} (symmetry)");
    }

    #[test]
    fn tone_placement_and_case_are_folded() {
        let cases: &[(&str, &str)] = &[
            ("Hòa", "Hoà"),
            ("Hòa", "HOÀ"),
            ("Hòa", "hoà"),
            ("HÒA", "hoà"),
            ("Thủy", "Thuỷ"),
            ("THỦY", "thuỷ"),
            ("Khỏe", "Khoẻ"),
            ("Hòe", "Hoè"),
            ("Quý", "QUÝ"),
            ("Nguyễn Văn An", "NGUYỄN VĂN AN"),
            ("Trần Thị Hồng Nhung", "trần thị hồng nhung"),
            ("Lê Thị Thủy", "LÊ THỊ THUỶ"),
            ("Phạm Đức Thắng", "PHẠM ĐỨC THẮNG"),
            ("  Lê   Thị  Hòa ", "Lê Thị Hoà"),
            ("Lê\tThị\nHòa", "Lê Thị Hoà"),
            ("Đoàn Thị Thúy", "ĐOÀN THỊ THUÝ"),
            ("Ngô Thị Tuyết", "NGÔ THỊ TUYẾT"),
            ("", ""),
        ];
        for &(a, b) in cases {
            check(a, b, true);
        }
    }

    #[test]
    fn nfd_input_folds_like_nfc() {
        let cases: &[(&str, &str)] = &[
            ("Ho\u{0300}a", "Hòa"),
            ("Hoa\u{0300}", "Hòa"),
            ("Thu\u{0309}y", "Thuỷ"),
            // ệ with its marks in either order, and in NFC.
            ("Nguye\u{0302}\u{0323}n", "Nguyện"),
            ("Nguye\u{0323}\u{0302}n", "NGUYỆN"),
            ("Tra\u{0302}\u{0300}n", "Trần"),
            ("Đa\u{0306}\u{0301}ng", "ĐẮNG"),
        ];
        for &(a, b) in cases {
            check(a, b, true);
        }
    }

    #[test]
    fn tones_vowel_marks_and_stroke_tell_names_apart() {
        let cases: &[(&str, &str)] = &[
            ("Hòa", "Hoa"),
            ("Hòa", "Hóa"),
            ("Hoa", "Hóa"),
            ("Hòa", "Họa"),
            ("Hỏa", "Hõa"),
            ("Nguyễn", "Nguyên"),
            ("Nguyễn", "Nguyến"),
            ("Nguyễn", "Nguyen"),
            ("Văn", "Vân"),
            ("Văn", "Van"),
            ("Thơ", "Thô"),
            ("Thư", "Thu"),
            ("Đức", "Dức"),
            ("Thủy", "Thủi"),
            ("Lê Thị Hòa", "Lê Thị"),
            ("Lê Thị Hòa", "Lê Thịhòa"),
            ("An", ""),
        ];
        for &(a, b) in cases {
            check(a, b, false);
        }
    }

    #[test]
    fn fold_keys() {
        for (name, want) in [
            ("Hòa", "hoa2"),
            ("Hoà", "hoa2"),
            ("Hoa", "hoa0"),
            ("Hóa", "hoa1"),
            ("Thủy", "thuy3"),
            ("Nguyễn Văn An", "nguyên4 văn0 an0"),
            ("ĐỨC", "đưc1"),
        ] {
            assert_eq!(fold(name), want, "{name:?}");
        }
    }

    #[test]
    fn vietnamese_letters() {
        for c in "aăâbcdđeêghiklmnoôơpqrstuưvxyfjwzAĂÂĐÊÔƠƯáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵÝỲỶỸỴỆỮ".chars() {
            assert!(is_vietnamese_letter(c), "{c:?} should be a letter");
        }
        for c in [
            ' ', '1', '-', '\'', '.', '\u{0301}', 'ñ', 'ç', 'ö', 'ü', 'ǒ', 'ĕ', 'ḿ', '\u{212A}',
            'Ж', 'ß', '中',
        ] {
            assert!(!is_vietnamese_letter(c), "{c:?} should not be a letter");
        }
    }

    #[test]
    fn plain_drops_every_mark_for_searching() {
        assert_eq!(plain("  Đăng ký   KHAI SINH "), "dang ky khai sinh");
        assert_eq!(plain("Chứng thực bản sao"), plain("chung thuc ban sao"));
        let nfd: String = "Hộ tịch".nfd().collect();
        assert_eq!(plain(&nfd), "ho tich");
        assert_eq!(plain(""), "");
    }
}
