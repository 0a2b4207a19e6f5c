//! Composition for the kiosk's on-screen Vietnamese keyboard, and Telex for a
//! physical keyboard.
//!
//! A [`Composer`] holds the text being typed. Letters are typed plain; a vowel
//! mark ([`Mark`]) or a tone ([`Tone`]) key then applies to the last syllable,
//! whichever letter it belongs on, so the citizen never has to find "ệ" on a
//! key. The tone is placed by the spelling rules and moves when later letters
//! change the syllable ("hoa" + huyền + "n" → "hoàn").
//!
//! Tone placement: [`TONE_STYLE`] is [`ToneStyle::Old`] ("hòa", "thủy",
//! "khỏe"), the placement printed on citizen ID cards and in most civil
//! records, so what the citizen types looks like their card. Both styles fold
//! to the same name in [`crate::names::same_name`].

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::names::{
    ACUTE, BREVE, CIRCUMFLEX, DOT_BELOW, GRAVE, HOOK, HORN, TILDE, is_vietnamese_letter,
};

/// Where the tone goes in an open syllable ending in "oa", "oe" or "uy".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToneStyle {
    /// On the first vowel: hòa, hòe, thủy (the style of ID cards).
    Old,
    /// On the second vowel: hoà, hoè, thuỷ.
    New,
}

/// The placement this kiosk types: the one citizen ID cards commonly use.
pub const TONE_STYLE: ToneStyle = ToneStyle::Old;

/// Longest text a composer holds, in characters: longer than any name or
/// address a form asks for.
pub const MAX_CHARS: usize = 256;

/// A vowel mark, or the stroke of đ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// â ê ô.
    Circumflex,
    /// ă.
    Breve,
    /// ơ ư (and the pair ươ).
    Horn,
    /// đ.
    Stroke,
}

/// The six tones; `None` is thanh ngang (no mark).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    None,
    Sac,
    Huyen,
    Hoi,
    Nga,
    Nang,
}

impl Tone {
    fn mark(self) -> Option<char> {
        match self {
            Tone::None => None,
            Tone::Sac => Some(ACUTE),
            Tone::Huyen => Some(GRAVE),
            Tone::Hoi => Some(HOOK),
            Tone::Nga => Some(TILDE),
            Tone::Nang => Some(DOT_BELOW),
        }
    }

    fn from_mark(c: char) -> Option<Tone> {
        match c {
            ACUTE => Some(Tone::Sac),
            GRAVE => Some(Tone::Huyen),
            HOOK => Some(Tone::Hoi),
            TILDE => Some(Tone::Nga),
            DOT_BELOW => Some(Tone::Nang),
            _ => None,
        }
    }

    fn from_telex(key: char) -> Option<Tone> {
        match key {
            's' => Some(Tone::Sac),
            'f' => Some(Tone::Huyen),
            'r' => Some(Tone::Hoi),
            'x' => Some(Tone::Nga),
            'j' => Some(Tone::Nang),
            _ => None,
        }
    }
}

/// A vowel quality mark on one letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quality {
    Circumflex,
    Breve,
    Horn,
}

impl Quality {
    fn mark(self) -> char {
        match self {
            Quality::Circumflex => CIRCUMFLEX,
            Quality::Breve => BREVE,
            Quality::Horn => HORN,
        }
    }
}

/// One letter of a syllable, without its tone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Letter {
    /// Lower case: an ASCII letter or đ.
    base: char,
    upper: bool,
    quality: Option<Quality>,
}

impl Letter {
    /// Splits a Vietnamese letter into the letter and the tone it carries.
    fn parse(c: char) -> Option<(Letter, Tone)> {
        if !is_vietnamese_letter(c) {
            return None;
        }
        let mut parts = std::iter::once(c).nfd();
        let base = parts.next()?;
        let mut letter = Letter {
            base: base.to_lowercase().next()?,
            upper: base.is_uppercase(),
            quality: None,
        };
        let mut tone = Tone::None;
        for m in parts {
            match m {
                CIRCUMFLEX => letter.quality = Some(Quality::Circumflex),
                BREVE => letter.quality = Some(Quality::Breve),
                HORN => letter.quality = Some(Quality::Horn),
                m => tone = Tone::from_mark(m).unwrap_or(tone),
            }
        }
        Some((letter, tone))
    }

    fn is_vowel(&self) -> bool {
        matches!(self.base, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
    }

    fn render(&self, tone: Option<char>, out: &mut String) {
        let mut s = String::with_capacity(8);
        s.push(self.base);
        if let Some(q) = self.quality {
            s.push(q.mark());
        }
        if let Some(t) = tone {
            s.push(t);
        }
        if self.upper {
            out.extend(s.nfc().flat_map(char::to_uppercase));
        } else {
            out.extend(s.nfc());
        }
    }
}

/// The last syllable of the text: a run of Vietnamese letters and its tone.
#[derive(Debug, Clone, Default)]
struct Syllable {
    letters: Vec<Letter>,
    tone: Option<Tone>,
}

impl Syllable {
    fn tone(&self) -> Tone {
        self.tone.unwrap_or(Tone::None)
    }

    /// The vowel nucleus as a range of letter indices, leaving out the "u" of
    /// "qu" and the "i" of "gi" when another vowel follows ("quá", "già").
    fn nucleus(&self) -> Option<std::ops::Range<usize>> {
        let l = &self.letters;
        let mut start = l.iter().position(Letter::is_vowel)?;
        let mut end = start;
        while l.get(end).is_some_and(Letter::is_vowel) {
            end += 1;
        }
        let initial = |i: usize, c: char| l.get(i).is_some_and(|x| x.base == c);
        let plain = |i: usize| l.get(i).is_some_and(|x| x.quality.is_none());
        if end - start > 1
            && start == 1
            && plain(1)
            && ((initial(0, 'q') && initial(1, 'u')) || (initial(0, 'g') && initial(1, 'i')))
        {
            start += 1;
        }
        Some(start..end)
    }

    /// The index of the letter that carries the tone.
    fn tone_position(&self, style: ToneStyle) -> Option<usize> {
        let n = self.nucleus()?;
        // A vowel with a quality mark takes the tone; of "ươ", the ơ.
        if let Some(i) = n.clone().rev().find(|&i| self.quality(i).is_some()) {
            return Some(i);
        }
        let closed = n.end < self.letters.len();
        match n.len() {
            1 => Some(n.start),
            _ if closed => Some(n.end - 1),
            2 => {
                let pair = (self.base(n.start), self.base(n.start + 1));
                let glide = matches!(pair, ('o', 'a') | ('o', 'e') | ('u', 'y'));
                Some(if glide && style == ToneStyle::New {
                    n.start + 1
                } else {
                    n.start
                })
            }
            _ => Some(n.start + 1),
        }
    }

    fn base(&self, i: usize) -> char {
        self.letters.get(i).map_or('\0', |l| l.base)
    }

    fn quality(&self, i: usize) -> Option<Quality> {
        self.letters.get(i).and_then(|l| l.quality)
    }

    fn set_quality(&mut self, i: usize, q: Option<Quality>) -> bool {
        match self.letters.get_mut(i) {
            Some(l) if l.quality != q => {
                l.quality = q;
                true
            }
            _ => false,
        }
    }

    /// The last nucleus letter whose base is one of `bases`.
    fn last_of(&self, bases: &[char]) -> Option<usize> {
        self.nucleus()?
            .rev()
            .find(|&i| bases.contains(&self.base(i)))
    }

    /// "uo" in the nucleus: the index of the u.
    fn uo_pair(&self) -> Option<usize> {
        let n = self.nucleus()?;
        n.clone()
            .take(n.len().saturating_sub(1))
            .find(|&i| self.base(i) == 'u' && self.base(i + 1) == 'o')
    }

    /// Puts a circumflex on letter `i`; whether the syllable changed.
    fn circumflex_at(&mut self, i: usize) -> bool {
        let changed = self.set_quality(i, Some(Quality::Circumflex));
        // "ươ" → "uô": the u loses its horn with the o's.
        if changed && i > 0 && self.base(i) == 'o' && self.uo_pair() == Some(i - 1) {
            self.set_quality(i - 1, None);
        }
        changed
    }

    /// Applies a mark; whether the syllable changed.
    fn apply(&mut self, mark: Mark) -> bool {
        match mark {
            Mark::Circumflex => self
                .last_of(&['a', 'e', 'o'])
                .is_some_and(|i| self.circumflex_at(i)),
            Mark::Breve => self
                .last_of(&['a'])
                .is_some_and(|i| self.set_quality(i, Some(Quality::Breve))),
            Mark::Horn => {
                if let Some(u) = self.uo_pair() {
                    // "uo" takes the horn on both ("ương") unless the o ends
                    // the syllable ("thuở"); `normalise` completes "uơ" + more.
                    let o_ends = u + 2 == self.letters.len();
                    let o_changed = self.set_quality(u + 1, Some(Quality::Horn));
                    let u_changed = !o_ends && self.set_quality(u, Some(Quality::Horn));
                    o_changed || u_changed
                } else {
                    self.nucleus()
                        .and_then(|mut n| n.find(|&i| matches!(self.base(i), 'o' | 'u')))
                        .is_some_and(|i| self.set_quality(i, Some(Quality::Horn)))
                }
            }
            Mark::Stroke => match self.letters.first_mut() {
                Some(l) if l.base == 'd' => {
                    l.base = 'đ';
                    true
                }
                _ => false,
            },
        }
    }

    /// "uơ" followed by more letters is always "ươ" ("thuơ" + "ng" → "thương").
    fn normalise(&mut self) {
        if let Some(u) = self.uo_pair()
            && self.quality(u).is_none()
            && self.quality(u + 1) == Some(Quality::Horn)
            && u + 2 < self.letters.len()
        {
            self.set_quality(u, Some(Quality::Horn));
        }
    }

    fn render(&mut self, style: ToneStyle, out: &mut String) {
        self.normalise();
        let at = self.tone_position(style);
        let tone = self.tone().mark();
        for (i, l) in self.letters.iter().enumerate() {
            l.render(if Some(i) == at { tone } else { None }, out);
        }
    }
}

/// One press on the on-screen keyboard, or one key of a physical keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A letter, digit or punctuation key (a key for â ă ê ô ơ ư đ types that
    /// letter).
    Char(char),
    /// A vowel mark on the last syllable.
    Mark(Mark),
    /// A tone on the last syllable.
    Tone(Tone),
    Space,
    Backspace,
    /// A key of a physical keyboard, read as Telex.
    Telex(char),
}

/// The text being typed on the on-screen keyboard. Every operation keeps it
/// in NFC.
#[derive(Debug, Clone)]
pub struct Composer {
    text: String,
    style: ToneStyle,
}

impl Default for Composer {
    fn default() -> Self {
        Self::new()
    }
}

impl Composer {
    /// An empty composer placing tones by [`TONE_STYLE`].
    pub fn new() -> Self {
        Self::with_style(TONE_STYLE)
    }

    /// An empty composer placing tones by `style`.
    pub fn with_style(style: ToneStyle) -> Self {
        Self {
            text: String::new(),
            style,
        }
    }

    /// A composer holding `text` (in either tone style; it is kept in this
    /// composer's), as if it had been typed. `None` when `text` holds what
    /// cannot be typed: a control character, or more than [`MAX_CHARS`].
    pub fn from_text(text: &str) -> Option<Self> {
        let mut composer = Self::new();
        for c in text.nfc() {
            if !composer.letter(c) {
                return None;
            }
        }
        Some(composer)
    }

    /// Applies one key; false when it changed nothing (a tone with no vowel
    /// to carry it, a full text, a refused character).
    pub fn press(&mut self, key: Key) -> bool {
        match key {
            Key::Char(c) => self.letter(c),
            Key::Mark(m) => self.mark(m),
            Key::Tone(t) => self.tone(t),
            Key::Space => {
                let before = self.text.len();
                self.space();
                self.text.len() != before
            }
            Key::Backspace => self.backspace(),
            Key::Telex(c) => self.telex(c),
        }
    }

    /// The text, in NFC.
    pub fn text(&self) -> String {
        self.text.nfc().collect()
    }

    /// Forgets the text (at the end of a citizen's session).
    pub fn clear(&mut self) {
        self.text.clear();
    }

    fn is_full(&self) -> bool {
        self.text.chars().count() >= MAX_CHARS
    }

    /// Splits off the trailing syllable.
    fn take_syllable(&mut self) -> Syllable {
        let start = self
            .text
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_vietnamese_letter(c))
            .last()
            .map_or(self.text.len(), |(i, _)| i);
        let mut syllable = Syllable::default();
        for c in self.text.get(start..).unwrap_or("").chars() {
            if let Some((letter, tone)) = Letter::parse(c) {
                syllable.letters.push(letter);
                if tone != Tone::None {
                    syllable.tone = Some(tone);
                }
            }
        }
        self.text.truncate(start);
        syllable
    }

    fn put_syllable(&mut self, mut syllable: Syllable) {
        syllable.render(self.style, &mut self.text);
    }

    /// Runs `edit` on the last syllable; keeps the text as it was when the
    /// edit reports no change.
    fn edit(&mut self, edit: impl FnOnce(&mut Syllable) -> bool) -> bool {
        let mut syllable = self.take_syllable();
        let original = syllable.clone();
        let changed = edit(&mut syllable);
        self.put_syllable(if changed { syllable } else { original });
        changed
    }

    /// Types a character: a letter (a precomposed one may carry its marks and
    /// tone), a digit or punctuation. Control characters and lone combining
    /// marks are refused, and so is anything past [`MAX_CHARS`].
    pub fn letter(&mut self, c: char) -> bool {
        if c.is_control() || is_combining_mark(c) || self.is_full() {
            return false;
        }
        if c.is_whitespace() {
            self.space();
            return true;
        }
        match Letter::parse(c) {
            Some((letter, tone)) => self.edit(|s| {
                s.letters.push(letter);
                if tone != Tone::None {
                    s.tone = Some(tone);
                }
                true
            }),
            None => {
                self.text.push(c);
                true
            }
        }
    }

    /// Puts a vowel mark on the right vowel of the last syllable, or the
    /// stroke on its initial d. False when the syllable has no letter for it
    /// or already has the mark.
    pub fn mark(&mut self, mark: Mark) -> bool {
        self.edit(|s| s.apply(mark))
    }

    /// Puts a tone on the last syllable (`Tone::None` removes it). False
    /// when the syllable has no vowel or already has that tone.
    pub fn tone(&mut self, tone: Tone) -> bool {
        self.edit(|s| {
            if s.nucleus().is_none() || s.tone() == tone {
                return false;
            }
            s.tone = Some(tone);
            true
        })
    }

    /// Types a space.
    pub fn space(&mut self) {
        if !self.is_full() {
            self.text.push(' ');
        }
    }

    /// Removes the last letter with all its marks (or the last character);
    /// the tone of the syllable stays and moves to where it now belongs.
    pub fn backspace(&mut self) -> bool {
        let mut syllable = self.take_syllable();
        if syllable.letters.pop().is_some() {
            self.put_syllable(syllable);
            true
        } else {
            self.text.pop().is_some()
        }
    }

    /// Interprets one key of a physical keyboard as Telex: aa â, aw ă, ee ê,
    /// oo ô, ow ơ, uw ư (uow ươ), dd đ; s f r x j the tones, z clears the
    /// tone. Pressing a mark or tone key again undoes it and types the letter
    /// ("ass" → "as", "aaa" → "aa"). Marks may come after the rest of the
    /// syllable ("thuongw" → "thương", "tranaf" → "trần").
    pub fn telex(&mut self, key: char) -> bool {
        if self.is_full() && !key.is_whitespace() {
            return false;
        }
        let lower = key.to_ascii_lowercase();
        let mut syllable = self.take_syllable();
        let handled = match lower {
            's' | 'f' | 'r' | 'x' | 'j' if syllable.nucleus().is_some() => {
                let tone = Tone::from_telex(lower).unwrap_or(Tone::None);
                if syllable.tone() == tone {
                    syllable.tone = None;
                    false
                } else {
                    syllable.tone = Some(tone);
                    true
                }
            }
            'z' if syllable.tone() != Tone::None => {
                syllable.tone = None;
                true
            }
            'a' | 'e' | 'o' => match syllable.last_of(&[lower]) {
                Some(i) if syllable.quality(i) == Some(Quality::Circumflex) => {
                    syllable.set_quality(i, None);
                    false
                }
                Some(i) => syllable.circumflex_at(i),
                None => false,
            },
            'w' => {
                let oa = syllable.nucleus().is_some_and(|n| {
                    n.clone()
                        .skip(1)
                        .any(|i| syllable.base(i) == 'a' && syllable.base(i - 1) == 'o')
                });
                let horn = !oa && syllable.last_of(&['o', 'u']).is_some();
                let (mark, quality) = if horn {
                    (Mark::Horn, Quality::Horn)
                } else {
                    (Mark::Breve, Quality::Breve)
                };
                if syllable.apply(mark) {
                    true
                } else {
                    // Already there ("uww", "aww"): take it off, type the w.
                    if let Some(n) = syllable.nucleus() {
                        for i in n {
                            if syllable.quality(i) == Some(quality) {
                                syllable.set_quality(i, None);
                            }
                        }
                    }
                    false
                }
            }
            'd' => {
                let alone = syllable.letters.len() == 1;
                match syllable.letters.first_mut() {
                    Some(l) if l.base == 'd' => {
                        l.base = 'đ';
                        true
                    }
                    // "ddd": take the stroke off, type the d.
                    Some(l) if l.base == 'đ' && alone => {
                        l.base = 'd';
                        false
                    }
                    _ => false,
                }
            }
            _ => false,
        };
        self.put_syllable(syllable);
        if handled { true } else { self.letter(key) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Types `keys` as Telex into a fresh composer.
    fn telex(keys: &str) -> String {
        let mut c = Composer::new();
        for k in keys.chars() {
            c.telex(k);
        }
        c.text()
    }

    fn check(got: &str, expected: &str, what: &str) {
        assert_eq!(got, expected, "{what}");
        assert!(crate::text::is_nfc(got), "{what}: {got:?} is not NFC");
    }

    const TONES: [Tone; 6] = [
        Tone::None,
        Tone::Sac,
        Tone::Huyen,
        Tone::Hoi,
        Tone::Nga,
        Tone::Nang,
    ];
    const TELEX_TONES: [&str; 6] = ["", "s", "f", "r", "x", "j"];

    /// Each vowel: its plain letter, the mark that makes it, the Telex keys
    /// that type it, and the vowel with each tone in the order of `TONES`.
    const VOWELS: [(char, Option<Mark>, &str, [&str; 6]); 12] = [
        ('a', None, "a", ["a", "á", "à", "ả", "ã", "ạ"]),
        ('a', Some(Mark::Breve), "aw", ["ă", "ắ", "ằ", "ẳ", "ẵ", "ặ"]),
        (
            'a',
            Some(Mark::Circumflex),
            "aa",
            ["â", "ấ", "ầ", "ẩ", "ẫ", "ậ"],
        ),
        ('e', None, "e", ["e", "é", "è", "ẻ", "ẽ", "ẹ"]),
        (
            'e',
            Some(Mark::Circumflex),
            "ee",
            ["ê", "ế", "ề", "ể", "ễ", "ệ"],
        ),
        ('i', None, "i", ["i", "í", "ì", "ỉ", "ĩ", "ị"]),
        ('o', None, "o", ["o", "ó", "ò", "ỏ", "õ", "ọ"]),
        (
            'o',
            Some(Mark::Circumflex),
            "oo",
            ["ô", "ố", "ồ", "ổ", "ỗ", "ộ"],
        ),
        ('o', Some(Mark::Horn), "ow", ["ơ", "ớ", "ờ", "ở", "ỡ", "ợ"]),
        ('u', None, "u", ["u", "ú", "ù", "ủ", "ũ", "ụ"]),
        ('u', Some(Mark::Horn), "uw", ["ư", "ứ", "ừ", "ử", "ữ", "ự"]),
        ('y', None, "y", ["y", "ý", "ỳ", "ỷ", "ỹ", "ỵ"]),
    ];

    #[test]
    fn every_vowel_with_every_tone() {
        for (base, mark, keys, toned) in VOWELS {
            for (t, tone) in TONES.into_iter().enumerate() {
                let want = toned[t];
                for upper in [false, true] {
                    let want = if upper {
                        want.to_uppercase()
                    } else {
                        want.to_owned()
                    };
                    let base = if upper {
                        base.to_ascii_uppercase()
                    } else {
                        base
                    };
                    // On-screen keys: letter, mark, tone, and tone before mark.
                    let mut c = Composer::new();
                    c.letter(base);
                    if let Some(m) = mark {
                        assert!(c.mark(m), "{want}: mark");
                    }
                    c.tone(tone);
                    check(&c.text(), &want, &format!("{base} {mark:?} {tone:?}"));
                    let mut c = Composer::new();
                    c.letter(base);
                    c.tone(tone);
                    if let Some(m) = mark {
                        c.mark(m);
                    }
                    check(&c.text(), &want, &format!("{base} {tone:?} {mark:?}"));
                    // Telex.
                    let keys = format!("{keys}{}", TELEX_TONES[t]);
                    let keys = if upper { keys.to_uppercase() } else { keys };
                    check(&telex(&keys), &want, &format!("telex {keys}"));
                    // The precomposed letter typed as is.
                    let mut c = Composer::new();
                    for ch in want.chars() {
                        c.letter(ch);
                    }
                    check(&c.text(), &want, &format!("letter {want}"));
                }
            }
        }
    }

    /// Types `word` letter by letter (precomposed vowels allowed), then the tone.
    fn placed(word: &str, tone: Tone, style: ToneStyle) -> String {
        let mut c = Composer::with_style(style);
        for ch in word.chars() {
            c.letter(ch);
        }
        c.tone(tone);
        c.text()
    }

    #[test]
    fn tone_placement_rules() {
        use Tone::*;
        // word, tone, old style, new style
        let cases: &[(&str, Tone, &str, &str)] = &[
            ("hoa", Huyen, "hòa", "hoà"),
            ("hoan", Huyen, "hoàn", "hoàn"),
            ("thuy", Hoi, "thủy", "thuỷ"),
            ("khoe", Hoi, "khỏe", "khoẻ"),
            ("hoe", Huyen, "hòe", "hoè"),
            ("huynh", Huyen, "huỳnh", "huỳnh"),
            ("huyt", Sac, "huýt", "huýt"),
            ("toan", Sac, "toán", "toán"),
            ("qua", Sac, "quá", "quá"),
            ("quy", Sac, "quý", "quý"),
            ("quynh", Huyen, "quỳnh", "quỳnh"),
            ("quôc", Sac, "quốc", "quốc"),
            ("gia", Huyen, "già", "già"),
            ("gi", Huyen, "gì", "gì"),
            ("gin", Huyen, "gìn", "gìn"),
            ("giêng", Sac, "giếng", "giếng"),
            ("giưa", Nga, "giữa", "giữa"),
            ("mua", Huyen, "mùa", "mùa"),
            ("mia", Sac, "mía", "mía"),
            ("tai", Huyen, "tài", "tài"),
            ("chao", Sac, "cháo", "cháo"),
            ("day", Nang, "dạy", "dạy"),
            ("keo", Nang, "kẹo", "kẹo"),
            ("ngoai", Huyen, "ngoài", "ngoài"),
            ("xoay", Sac, "xoáy", "xoáy"),
            ("khuyu", Hoi, "khuỷu", "khuỷu"),
            ("người", Huyen, "người", "người"),
            ("ngươi", Huyen, "người", "người"),
            ("thương", Nga, "thưỡng", "thưỡng"),
            ("cưu", Sac, "cứu", "cứu"),
            ("cưa", Hoi, "cửa", "cửa"),
            ("tuân", Sac, "tuấn", "tuấn"),
            ("khuyên", Sac, "khuyến", "khuyến"),
            ("thuơ", Hoi, "thuở", "thuở"),
            ("hoăc", Nang, "hoặc", "hoặc"),
            ("Nguyên", Nga, "Nguyễn", "Nguyễn"),
            ("THUY", Hoi, "THỦY", "THUỶ"),
            ("HOA", Huyen, "HÒA", "HOÀ"),
            ("ĐƯC", Sac, "ĐỨC", "ĐỨC"),
            // No vowel: nothing to put the tone on.
            ("nh", Sac, "nh", "nh"),
            ("", Sac, "", ""),
        ];
        for &(word, tone, old, new) in cases {
            check(
                &placed(word, tone, ToneStyle::Old),
                old,
                &format!("{word} {tone:?} old"),
            );
            check(
                &placed(word, tone, ToneStyle::New),
                new,
                &format!("{word} {tone:?} new"),
            );
        }
        assert_eq!(TONE_STYLE, ToneStyle::Old);
    }

    /// Runs on-screen key presses on a fresh composer.
    enum Key {
        L(&'static str),
        M(Mark),
        T(Tone),
        Back,
        Space,
    }

    fn keys(presses: &[Key]) -> String {
        let mut c = Composer::new();
        for p in presses {
            match p {
                Key::L(s) => s.chars().for_each(|ch| {
                    c.letter(ch);
                }),
                Key::M(m) => {
                    c.mark(*m);
                }
                Key::T(t) => {
                    c.tone(*t);
                }
                Key::Back => {
                    c.backspace();
                }
                Key::Space => c.space(),
            }
        }
        c.text()
    }

    #[test]
    fn tone_moves_as_the_syllable_changes() {
        use Key::*;
        use Mark::*;
        use Tone::*;
        let cases: &[(&[Key], &str)] = &[
            (&[L("hoa"), T(Huyen)], "hòa"),
            (&[L("hoa"), T(Huyen), L("n")], "hoàn"),
            (&[L("hoa"), T(Huyen), L("n"), Back], "hòa"),
            (&[L("thuy"), T(Hoi), L("nh")], "thuỷnh"),
            (&[L("qu"), T(Sac)], "qú"),
            (&[L("qu"), T(Sac), L("a")], "quá"),
            (&[L("gi"), T(Huyen)], "gì"),
            (&[L("gi"), T(Huyen), L("a")], "già"),
            (&[L("gi"), T(Huyen), L("a"), Back], "gì"),
            (&[L("thuong"), M(Horn)], "thương"),
            (&[L("thuo"), M(Horn)], "thuơ"),
            (&[L("thuo"), M(Horn), T(Hoi)], "thuở"),
            (&[L("thuo"), M(Horn), L("ng")], "thương"),
            (&[L("nguoi"), M(Horn), T(Huyen)], "người"),
            (&[L("nguo"), T(Huyen), M(Horn), L("i")], "người"),
            (&[L("mua"), M(Horn)], "mưa"),
            (&[L("cuu"), M(Horn), T(Sac)], "cứu"),
            (&[L("oi"), M(Horn)], "ơi"),
            (&[L("tuan"), M(Circumflex), T(Sac)], "tuấn"),
            (&[L("khuyen"), T(Sac), M(Circumflex)], "khuyến"),
            (&[L("hoac"), M(Breve), T(Nang)], "hoặc"),
            (&[L("dang"), M(Stroke), M(Breve), T(Sac)], "đắng"),
            (&[L("Duc"), M(Stroke), M(Horn), T(Sac)], "Đức"),
            (&[L("ta"), M(Stroke)], "ta"),
            (&[L("a"), M(Breve), M(Circumflex)], "â"),
            (&[L("a"), M(Circumflex), M(Breve)], "ă"),
            (&[L("o"), M(Circumflex), M(Horn)], "ơ"),
            (&[L("i"), M(Circumflex)], "i"),
            (&[L("ban"), T(Sac), T(None)], "ban"),
            (&[L("ban"), T(Sac), T(Huyen)], "bàn"),
            (&[L("an"), Space, T(Sac)], "an "),
            (&[L("an"), Space, L("an"), T(Sac)], "an án"),
            (&[L("Nguyễn"), Back], "Nguyễ"),
            (&[L("ệ"), Back], ""),
            (&[Back], ""),
            (&[L("an 1"), Back, Back, Back], "a"),
            (&[L("12"), T(Sac), M(Horn)], "12"),
        ];
        for (presses, want) in cases {
            check(&keys(presses), want, want);
        }
    }

    #[test]
    fn refuses_control_and_combining_characters() {
        let mut c = Composer::new();
        for bad in ['\u{0}', '\n', '\u{7f}', '\u{0301}', '\u{0323}'] {
            assert!(!c.letter(bad), "{bad:?}");
            assert!(!c.telex(bad), "{bad:?}");
        }
        assert_eq!(c.text(), "");
        assert!(c.letter('ñ'));
        assert!(c.letter('-'));
        assert_eq!(c.text(), "ñ-");
        c.clear();
        assert_eq!(c.text(), "");
    }

    #[test]
    fn text_is_bounded() {
        let mut c = Composer::new();
        for _ in 0..MAX_CHARS + 10 {
            c.letter('a');
            c.space();
        }
        assert_eq!(c.text().chars().count(), MAX_CHARS);
        assert!(!c.letter('a'));
    }

    #[test]
    fn telex_sequences() {
        let cases: &[(&str, &str)] = &[
            ("Nguyeenx Vawn An", "Nguyễn Văn An"),
            ("Nguyeexn Vawn An", "Nguyễn Văn An"),
            ("NGUYEENX VAWN AN", "NGUYỄN VĂN AN"),
            ("Traanf Thij Hoongf Nhung", "Trần Thị Hồng Nhung"),
            ("Tranaf Thij Hongfo Nhung", "Trần Thị Hồng Nhung"),
            ("Phamj DDuwcs Thawngs", "Phạm Đức Thắng"),
            ("Phamj Dduwcs Thawngs", "Phạm Đức Thắng"),
            ("PHAMJ DDUWCS THAWNGS", "PHẠM ĐỨC THẮNG"),
            ("Lee Thij Thuyr", "Lê Thị Thủy"),
            ("Hoaf", "Hòa"),
            ("Hoanf", "Hoàn"),
            ("Hoafn", "Hoàn"),
            ("thuongw", "thương"),
            ("thuowng", "thương"),
            ("nguowif", "người"),
            ("nguoiwf", "người"),
            ("thuowr", "thuở"),
            ("muwa", "mưa"),
            ("muaw", "mưa"),
            ("hoawcj", "hoặc"),
            ("hoacwj", "hoặc"),
            ("quoocs", "quốc"),
            ("giaf", "già"),
            ("gif", "gì"),
            ("dd", "đ"),
            ("did", "đi"),
            ("didd", "đid"),
            ("ddi", "đi"),
            // Undo: the key again takes the mark off and types the letter.
            ("as", "á"),
            ("ass", "as"),
            ("aa", "â"),
            ("aaa", "aa"),
            ("aw", "ă"),
            ("aww", "aw"),
            ("uw", "ư"),
            ("uww", "uw"),
            ("ddd", "dd"),
            ("asz", "a"),
            ("z", "z"),
            ("asf", "à"),
            ("s", "s"),
            ("tr", "tr"),
            ("w", "w"),
            ("an 12", "an 12"),
        ];
        for &(keys, want) in cases {
            check(&telex(keys), want, keys);
        }
    }

    #[test]
    fn random_keys_never_panic_and_stay_nfc() {
        let keys: Vec<char> = "aeiouydwsfrxjzqgnhtAEOWDS ệƯ1-\u{0301}\n".chars().collect();
        let marks = [Mark::Circumflex, Mark::Breve, Mark::Horn, Mark::Stroke];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..300 {
            let mut c = Composer::new();
            for _ in 0..40 {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let r = (seed >> 33) as usize;
                let key = keys[r % keys.len()];
                match r % 7 {
                    0 => {
                        c.mark(marks[r % marks.len()]);
                    }
                    1 => {
                        c.tone(TONES[r % TONES.len()]);
                    }
                    2 => {
                        c.backspace();
                    }
                    3 => {
                        c.letter(key);
                    }
                    _ => {
                        c.telex(key);
                    }
                }
                assert!(crate::text::is_nfc(&c.text()), "{:?}", c.text());
            }
        }
    }

    #[test]
    fn styles_fold_to_the_same_name() {
        for word in ["hoa", "thuy", "khoe", "hoan"] {
            let old = placed(word, Tone::Hoi, ToneStyle::Old);
            let new = placed(word, Tone::Hoi, ToneStyle::New);
            assert!(crate::names::same_name(&old, &new), "{old} / {new}");
        }
    }

    #[test]
    fn from_text_then_keys_continues_where_the_text_left_off() {
        // Typed elsewhere in the new style, continued here in the old one.
        let mut c = Composer::from_text("Nguyễn Thị Hoà").unwrap_or_default();
        check(
            &c.text(),
            "Nguyễn Thị Hòa",
            "from_text keeps the card's style",
        );
        assert!(c.press(super::Key::Char('n')));
        check(&c.text(), "Nguyễn Thị Hoàn", "the tone moves to its place");
        assert!(c.press(super::Key::Backspace));
        assert!(c.press(super::Key::Space));
        assert!(c.press(super::Key::Char('đ')));
        assert!(c.press(super::Key::Char('ô')));
        assert!(!c.press(super::Key::Tone(Tone::None)), "no tone to remove");
        assert!(c.press(super::Key::Tone(Tone::Nang)));
        check(&c.text(), "Nguyễn Thị Hòa độ", "letter keys for ô and đ");
        assert!(c.press(super::Key::Telex('i')));
        check(
            &c.text(),
            "Nguyễn Thị Hòa đội",
            "Telex continues the syllable",
        );
        assert!(c.press(super::Key::Mark(Mark::Horn)));
        check(&c.text(), "Nguyễn Thị Hòa đợi", "horn on the o of ôi");
    }

    #[test]
    fn from_text_refuses_what_cannot_be_typed() {
        assert!(Composer::from_text("Hà\u{0007}Nội").is_none());
        assert!(Composer::from_text("line\nbreak").is_none());
        assert!(Composer::from_text(&"a".repeat(MAX_CHARS + 1)).is_none());
        assert!(Composer::from_text(&"a".repeat(MAX_CHARS)).is_some());
        // NFD in, NFC out.
        let nfd: String = "Trần".nfd().collect();
        assert_eq!(
            Composer::from_text(&nfd).map(|c| c.text()),
            Some("Trần".to_owned())
        );
    }

    #[test]
    fn a_full_text_takes_no_more_keys() {
        let mut c = Composer::from_text(&"a".repeat(MAX_CHARS)).unwrap_or_default();
        assert!(!c.press(super::Key::Char('b')));
        assert!(!c.press(super::Key::Space));
        assert!(
            c.press(super::Key::Tone(Tone::Sac)),
            "a tone adds no character"
        );
        assert!(c.press(super::Key::Backspace));
        assert_eq!(c.text().chars().count(), MAX_CHARS - 1);
    }
}
