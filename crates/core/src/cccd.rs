//! The citizen ID card (CCCD / thẻ căn cước): parsing and checking the QR
//! code on its front.
//!
//! The QR holds `|`-separated fields: 12-digit ID number, old 9-digit CMND
//! number (empty when none), full name, date of birth `ddmmyyyy`, sex
//! (`Nam`/`Nữ`), address, issue date `ddmmyyyy`; newer cards add more fields,
//! which are ignored. The ID number is checked against Circular
//! 07/2016/TT-BCA: province code of birth registration, a century-and-sex
//! digit, the last two digits of the birth year, and a 6-digit serial; the
//! digits must agree with the card's own date of birth and sex.
//!
//! Errors never carry the payload or any field value: they are logged.

use serde::{Serialize, Serializer};
use time::{Date, Month, OffsetDateTime};
use unicode_normalization::UnicodeNormalization;

use crate::names::is_vietnamese_letter;

/// Payloads longer than this (in bytes) are refused before any other work.
/// A real card's QR is a few hundred bytes.
pub const MAX_PAYLOAD_BYTES: usize = 2048;

/// The fields of a card's QR, checked and in NFC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CitizenCard {
    /// The 12-digit personal ID number (số định danh cá nhân).
    pub id_number: String,
    /// The old 9-digit ID number (CMND), when the card names one.
    pub old_id_number: Option<String>,
    /// Full name as printed on the card, whitespace collapsed.
    pub full_name: String,
    #[serde(serialize_with = "iso_date")]
    pub date_of_birth: Date,
    pub sex: Sex,
    /// Address as printed on the card, trimmed.
    pub address: String,
    #[serde(serialize_with = "iso_date")]
    pub issue_date: Date,
}

impl CitizenCard {
    /// The province (or centrally-run city) where the birth was registered,
    /// from the first three digits of the ID number.
    pub fn birth_registration_province(&self) -> Option<&'static str> {
        self.id_number.get(..3).and_then(province_name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

/// Writes a date as `YYYY-MM-DD`.
fn iso_date<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_iso(*d))
}

/// `YYYY-MM-DD`.
pub fn format_iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

impl From<Sex> for motcua_protocol::Sex {
    fn from(s: Sex) -> Self {
        match s {
            Sex::Male => Self::Male,
            Sex::Female => Self::Female,
        }
    }
}

/// What a QR that is not a citizen ID card looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForeignKind {
    /// A web address.
    Url,
    /// A payment code (VietQR and other EMVCo codes start with `000201`).
    Payment,
    /// Any other text.
    Text,
}

impl std::fmt::Display for ForeignKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ForeignKind::Url => "a web address",
            ForeignKind::Payment => "a payment (EMV/VietQR) code",
            ForeignKind::Text => "text without card fields",
        })
    }
}

/// Which date field of the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    Birth,
    Issue,
}

impl std::fmt::Display for DateField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DateField::Birth => "date of birth",
            DateField::Issue => "issue date",
        })
    }
}

/// Why a payload is not a usable card QR. The English text is for logs and
/// never includes the payload or a field value; [`CardError::message_vi`] is
/// for the citizen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    #[error("empty payload")]
    Empty,
    #[error("payload longer than {MAX_PAYLOAD_BYTES} bytes")]
    TooLong,
    #[error("not a citizen ID card QR: {0}")]
    Foreign(ForeignKind),
    #[error("payload contains a control or invisible formatting character")]
    ControlCharacter,
    #[error("payload contains U+FFFD: the text was damaged when decoded")]
    Damaged,
    #[error("payload has {found} field(s), a card has at least 7")]
    TooFewFields { found: usize },
    #[error("ID number is not 12 digits")]
    IdNumberFormat,
    #[error("ID number starts with an unknown province code")]
    UnknownProvince,
    #[error("ID number has an unused century-and-sex digit (8 or 9)")]
    CenturyCode,
    #[error("ID number's century digit does not match the year of birth")]
    CenturyMismatch,
    #[error("ID number's sex digit does not match the sex field")]
    SexMismatch,
    #[error("ID number's year digits do not match the year of birth")]
    YearMismatch,
    #[error("old ID number is not 9 digits")]
    OldIdNumberFormat,
    #[error("full name is empty")]
    NameEmpty,
    #[error("full name contains a character that is not a letter or a space")]
    NameCharacters,
    #[error("{0} is not 8 digits ddmmyyyy")]
    DateFormat(DateField),
    #[error("{0} is not a calendar date")]
    DateInvalid(DateField),
    #[error("{0} is in the future")]
    DateInFuture(DateField),
    #[error("issue date is before the date of birth")]
    IssueBeforeBirth,
    #[error("sex is neither Nam nor Nữ")]
    Sex,
    #[error("address is empty")]
    AddressEmpty,
}

/// Asks the citizen to show the front of the card again.
const SHOW_FRONT: &str = "Ông/Bà lật thẻ, đưa mặt trước có mã QR vào khung.";
const READ_AGAIN: &str =
    "Máy chưa đọc được đầy đủ mã QR trên thẻ. Ông/Bà giữ thẻ yên trong khung để máy đọc lại.";
const ASK_HELPER: &str = "Thông tin trong mã QR của thẻ không hợp lệ. Ông/Bà vui lòng bấm \"Gọi cán bộ hỗ trợ\" để được giúp.";

/// What a citizen can do about a [`CardError`]: the three answers a kiosk gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardErrorKind {
    /// Not a citizen ID card's QR at all: show the front of the card.
    Foreign,
    /// Read incompletely or damaged: hold the card still and read again.
    Unreadable,
    /// Read, but the data breaks the card's rules: a helper must look.
    Invalid,
}

impl CardError {
    /// Which of the three answers applies.
    pub fn kind(&self) -> CardErrorKind {
        match self {
            CardError::Empty | CardError::TooLong | CardError::Foreign(_) => CardErrorKind::Foreign,
            CardError::ControlCharacter
            | CardError::Damaged
            | CardError::TooFewFields { .. }
            | CardError::IdNumberFormat
            | CardError::OldIdNumberFormat
            | CardError::DateFormat(_)
            | CardError::NameEmpty
            | CardError::NameCharacters
            | CardError::Sex
            | CardError::AddressEmpty => CardErrorKind::Unreadable,
            CardError::UnknownProvince
            | CardError::CenturyCode
            | CardError::CenturyMismatch
            | CardError::SexMismatch
            | CardError::YearMismatch
            | CardError::DateInvalid(_)
            | CardError::DateInFuture(_)
            | CardError::IssueBeforeBirth => CardErrorKind::Invalid,
        }
    }

    /// A stable code for the UI's string catalogue.
    pub fn code(&self) -> &'static str {
        match self {
            CardError::Empty => "empty",
            CardError::TooLong => "too_long",
            CardError::Foreign(ForeignKind::Url) => "foreign_url",
            CardError::Foreign(ForeignKind::Payment) => "foreign_payment",
            CardError::Foreign(ForeignKind::Text) => "foreign_text",
            CardError::ControlCharacter => "control_character",
            CardError::Damaged => "damaged",
            CardError::TooFewFields { .. } => "too_few_fields",
            CardError::IdNumberFormat => "id_number_format",
            CardError::UnknownProvince => "unknown_province",
            CardError::CenturyCode => "century_code",
            CardError::CenturyMismatch => "century_mismatch",
            CardError::SexMismatch => "sex_mismatch",
            CardError::YearMismatch => "year_mismatch",
            CardError::OldIdNumberFormat => "old_id_number_format",
            CardError::NameEmpty => "name_empty",
            CardError::NameCharacters => "name_characters",
            CardError::DateFormat(_) => "date_format",
            CardError::DateInvalid(_) => "date_invalid",
            CardError::DateInFuture(_) => "date_in_future",
            CardError::IssueBeforeBirth => "issue_before_birth",
            CardError::Sex => "sex",
            CardError::AddressEmpty => "address_empty",
        }
    }

    /// What to tell the citizen, in plain Vietnamese.
    pub fn message_vi(&self) -> String {
        match (self.kind(), self) {
            (_, CardError::Foreign(ForeignKind::Url)) => format!(
                "Mã QR này là địa chỉ một trang web, không phải của thẻ căn cước. {SHOW_FRONT}"
            ),
            (_, CardError::Foreign(ForeignKind::Payment)) => format!(
                "Mã QR này là mã chuyển tiền ngân hàng, không phải của thẻ căn cước. {SHOW_FRONT}"
            ),
            (_, CardError::Empty) => format!("Máy chưa nhận được mã QR. {SHOW_FRONT}"),
            (CardErrorKind::Foreign, _) => {
                format!("Mã QR này không phải của thẻ căn cước. {SHOW_FRONT}")
            }
            (CardErrorKind::Unreadable, _) => READ_AGAIN.to_owned(),
            (CardErrorKind::Invalid, _) => ASK_HELPER.to_owned(),
        }
    }
}

/// Province codes of birth registration (Circular 07/2016/TT-BCA, annex), by
/// the province list in force when the codes were assigned. Codes not in this
/// table were never assigned.
pub const PROVINCES: &[(&str, &str)] = &[
    ("001", "Hà Nội"),
    ("002", "Hà Giang"),
    ("004", "Cao Bằng"),
    ("006", "Bắc Kạn"),
    ("008", "Tuyên Quang"),
    ("010", "Lào Cai"),
    ("011", "Điện Biên"),
    ("012", "Lai Châu"),
    ("014", "Sơn La"),
    ("015", "Yên Bái"),
    ("017", "Hòa Bình"),
    ("019", "Thái Nguyên"),
    ("020", "Lạng Sơn"),
    ("022", "Quảng Ninh"),
    ("024", "Bắc Giang"),
    ("025", "Phú Thọ"),
    ("026", "Vĩnh Phúc"),
    ("027", "Bắc Ninh"),
    ("030", "Hải Dương"),
    ("031", "Hải Phòng"),
    ("033", "Hưng Yên"),
    ("034", "Thái Bình"),
    ("035", "Hà Nam"),
    ("036", "Nam Định"),
    ("037", "Ninh Bình"),
    ("038", "Thanh Hóa"),
    ("040", "Nghệ An"),
    ("042", "Hà Tĩnh"),
    ("044", "Quảng Bình"),
    ("045", "Quảng Trị"),
    ("046", "Thừa Thiên Huế"),
    ("048", "Đà Nẵng"),
    ("049", "Quảng Nam"),
    ("051", "Quảng Ngãi"),
    ("052", "Bình Định"),
    ("054", "Phú Yên"),
    ("056", "Khánh Hòa"),
    ("058", "Ninh Thuận"),
    ("060", "Bình Thuận"),
    ("062", "Kon Tum"),
    ("064", "Gia Lai"),
    ("066", "Đắk Lắk"),
    ("067", "Đắk Nông"),
    ("068", "Lâm Đồng"),
    ("070", "Bình Phước"),
    ("072", "Tây Ninh"),
    ("074", "Bình Dương"),
    ("075", "Đồng Nai"),
    ("077", "Bà Rịa - Vũng Tàu"),
    ("079", "TP. Hồ Chí Minh"),
    ("080", "Long An"),
    ("082", "Tiền Giang"),
    ("083", "Bến Tre"),
    ("084", "Trà Vinh"),
    ("086", "Vĩnh Long"),
    ("087", "Đồng Tháp"),
    ("089", "An Giang"),
    ("091", "Kiên Giang"),
    ("092", "Cần Thơ"),
    ("093", "Hậu Giang"),
    ("094", "Sóc Trăng"),
    ("095", "Bạc Liêu"),
    ("096", "Cà Mau"),
];

/// The province named by a 3-digit birth-registration code.
pub fn province_name(code: &str) -> Option<&'static str> {
    PROVINCES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|&(_, name)| name)
}

/// Vietnam keeps UTC+7 all year.
const VIETNAM: time::UtcOffset = time::macros::offset!(+7);

/// Parses a card QR, judging dates against today's date in Vietnam.
pub fn parse(payload: &str) -> Result<CitizenCard, CardError> {
    parse_on(payload, OffsetDateTime::now_utc().to_offset(VIETNAM).date())
}

/// Parses a card QR, judging dates against `today`.
pub fn parse_on(payload: &str, today: Date) -> Result<CitizenCard, CardError> {
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(CardError::TooLong);
    }
    let payload = strip_line_end(payload);
    if payload.trim().is_empty() {
        return Err(CardError::Empty);
    }
    if let Some(kind) = foreign_kind(payload) {
        return Err(CardError::Foreign(kind));
    }
    if payload.chars().any(is_forbidden) {
        return Err(CardError::ControlCharacter);
    }
    if payload.contains('\u{FFFD}') {
        return Err(CardError::Damaged);
    }
    let payload: String = payload.nfc().collect();
    let fields: Vec<&str> = payload.split('|').collect();
    let [id, old_id, name, dob, sex, address, issued, ..] = fields.as_slice() else {
        return Err(CardError::TooFewFields {
            found: fields.len(),
        });
    };

    let id = id.trim();
    if !is_digits(id, 12) {
        return Err(CardError::IdNumberFormat);
    }
    let old_id = old_id.trim();
    let old_id_number = match old_id {
        "" => None,
        s if is_digits(s, 9) => Some(s.to_owned()),
        _ => return Err(CardError::OldIdNumberFormat),
    };
    let full_name = clean_name(name)?;
    let date_of_birth = date(dob, DateField::Birth, today)?;
    let sex = match sex.trim().to_lowercase().as_str() {
        "nam" => Sex::Male,
        "nữ" => Sex::Female,
        _ => return Err(CardError::Sex),
    };
    let address = address.trim();
    if address.is_empty() {
        return Err(CardError::AddressEmpty);
    }
    let issue_date = date(issued, DateField::Issue, today)?;
    if issue_date < date_of_birth {
        return Err(CardError::IssueBeforeBirth);
    }
    check_id_number(id, date_of_birth.year(), sex)?;

    Ok(CitizenCard {
        id_number: id.to_owned(),
        old_id_number,
        full_name,
        date_of_birth,
        sex,
        address: address.to_owned(),
        issue_date,
    })
}

/// A citizen's identity as typed or sent over the API rather than read from
/// the card's QR: the same rules as [`parse_on`], field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdentityInput<'a> {
    pub id_number: &'a str,
    pub full_name: &'a str,
    /// `YYYY-MM-DD`.
    pub date_of_birth: &'a str,
    pub sex: Sex,
    pub address: &'a str,
}

/// A checked identity, in NFC, whitespace collapsed in the name and trimmed
/// elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub id_number: String,
    pub full_name: String,
    pub date_of_birth: Date,
    pub sex: Sex,
    pub address: String,
}

/// Longest name or address [`check_identity`] accepts, in characters.
pub const IDENTITY_TEXT_MAX_CHARS: usize = 200;

/// Checks identity fields with the card's rules: ID number structure against
/// the date of birth and sex, name letters, a real past date of birth, a
/// non-empty address, no control or invisible characters.
pub fn check_identity(input: &IdentityInput<'_>, today: Date) -> Result<Identity, CardError> {
    let fields = [
        input.id_number,
        input.full_name,
        input.date_of_birth,
        input.address,
    ];
    if fields
        .iter()
        .any(|f| f.chars().count() > IDENTITY_TEXT_MAX_CHARS)
    {
        return Err(CardError::TooLong);
    }
    if fields.iter().any(|f| f.chars().any(is_forbidden)) {
        return Err(CardError::ControlCharacter);
    }
    if fields.iter().any(|f| f.contains('\u{FFFD}')) {
        return Err(CardError::Damaged);
    }
    let id = input.id_number.trim();
    check_id_number_shape(id)?;
    let full_name = clean_name(&input.full_name.nfc().collect::<String>())?;
    let date_of_birth = iso_date_of_birth(input.date_of_birth.trim(), today)?;
    let address: String = input.address.trim().nfc().collect();
    if address.is_empty() {
        return Err(CardError::AddressEmpty);
    }
    check_id_number(id, date_of_birth.year(), input.sex)?;
    Ok(Identity {
        id_number: id.to_owned(),
        full_name,
        date_of_birth,
        sex: input.sex,
        address,
    })
}

/// Checks what an ID number alone can tell: 12 digits, a known province
/// code, a used century-and-sex digit.
pub fn check_id_number_shape(id: &str) -> Result<(), CardError> {
    if !is_digits(id, 12) {
        return Err(CardError::IdNumberFormat);
    }
    if id.get(..3).and_then(province_name).is_none() {
        return Err(CardError::UnknownProvince);
    }
    if id.as_bytes().get(3).is_some_and(|b| *b > b'7') {
        return Err(CardError::CenturyCode);
    }
    Ok(())
}

/// Whitespace collapsed; words of letters (see [`is_name`]).
fn clean_name(name: &str) -> Result<String, CardError> {
    let full_name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if full_name.is_empty() {
        return Err(CardError::NameEmpty);
    }
    if !is_name(&full_name) {
        return Err(CardError::NameCharacters);
    }
    Ok(full_name)
}

/// `YYYY-MM-DD`, a calendar date not after `today`.
fn iso_date_of_birth(s: &str, today: Date) -> Result<Date, CardError> {
    let which = DateField::Birth;
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return Err(CardError::DateFormat(which));
    }
    // Reorder to the card's ddmmyyyy and reuse its date rule.
    let ddmmyyyy = match (s.get(8..10), s.get(5..7), s.get(..4)) {
        (Some(d), Some(m), Some(y)) => format!("{d}{m}{y}"),
        _ => return Err(CardError::DateFormat(which)),
    };
    date(&ddmmyyyy, which, today)
}

/// Removes one line ending (CRLF, LF or CR) that a keyboard-wedge reader adds.
fn strip_line_end(s: &str) -> &str {
    s.strip_suffix("\r\n")
        .or_else(|| s.strip_suffix('\n'))
        .or_else(|| s.strip_suffix('\r'))
        .unwrap_or(s)
}

fn foreign_kind(payload: &str) -> Option<ForeignKind> {
    let head: String = payload
        .trim_start()
        .chars()
        .take(12)
        .flat_map(char::to_lowercase)
        .collect();
    if ["http://", "https://", "www."]
        .iter()
        .any(|p| head.starts_with(p))
    {
        Some(ForeignKind::Url)
    } else if head.starts_with("000201") {
        Some(ForeignKind::Payment)
    } else if !payload.contains('|') {
        Some(ForeignKind::Text)
    } else {
        None
    }
}

/// Control characters, and the invisible formatting characters (zero-width,
/// byte-order mark, bidirectional overrides) that could hide or reorder text.
fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Words of letters, where a word may join letter runs with one apostrophe or
/// hyphen, as in ethnic-minority names ("H'Hen Niê", "Y-Moan").
fn is_name(name: &str) -> bool {
    name.split(' ').all(|word| {
        word.split(['\'', '-'])
            .all(|part| !part.is_empty() && part.chars().all(is_vietnamese_letter))
    })
}

fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

fn date(field: &str, which: DateField, today: Date) -> Result<Date, CardError> {
    let field = field.trim();
    if !is_digits(field, 8) {
        return Err(CardError::DateFormat(which));
    }
    let number = |range: std::ops::Range<usize>| -> Result<u16, CardError> {
        field
            .get(range)
            .and_then(|s| s.parse().ok())
            .ok_or(CardError::DateFormat(which))
    };
    let (day, month, year) = (number(0..2)?, number(2..4)?, number(4..8)?);
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or(CardError::DateInvalid(which))?;
    let day = u8::try_from(day).map_err(|_| CardError::DateInvalid(which))?;
    let date = Date::from_calendar_date(i32::from(year), month, day)
        .map_err(|_| CardError::DateInvalid(which))?;
    if date > today {
        return Err(CardError::DateInFuture(which));
    }
    Ok(date)
}

/// Checks the ID number's structure against the date of birth and sex.
/// `id` is 12 ASCII digits.
fn check_id_number(id: &str, birth_year: i32, sex: Sex) -> Result<(), CardError> {
    let province = id.get(..3).ok_or(CardError::IdNumberFormat)?;
    if province_name(province).is_none() {
        return Err(CardError::UnknownProvince);
    }
    let digit = id
        .as_bytes()
        .get(3)
        .map(|b| b.wrapping_sub(b'0'))
        .ok_or(CardError::IdNumberFormat)?;
    if digit > 7 {
        return Err(CardError::CenturyCode);
    }
    // 0/1: 1900s, 2/3: 2000s, 4/5: 2100s, 6/7: 2200s; even male, odd female.
    let century = 1900 + 100 * i32::from(digit / 2);
    if birth_year.div_euclid(100) * 100 != century {
        return Err(CardError::CenturyMismatch);
    }
    let coded_sex = if digit % 2 == 0 {
        Sex::Male
    } else {
        Sex::Female
    };
    if coded_sex != sex {
        return Err(CardError::SexMismatch);
    }
    let year_digits: i32 = id
        .get(4..6)
        .and_then(|s| s.parse().ok())
        .ok_or(CardError::IdNumberFormat)?;
    if year_digits != birth_year.rem_euclid(100) {
        return Err(CardError::YearMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 06 - 01);

    fn card(
        id: &str,
        old: Option<&str>,
        name: &str,
        dob: Date,
        sex: Sex,
        address: &str,
        issued: Date,
    ) -> CitizenCard {
        CitizenCard {
            id_number: id.to_owned(),
            old_id_number: old.map(str::to_owned),
            full_name: name.to_owned(),
            date_of_birth: dob,
            sex,
            address: address.to_owned(),
            issue_date: issued,
        }
    }

    fn check(input: &str, expected: Result<CitizenCard, CardError>) {
        let got = parse_on(input, TODAY);
        assert_eq!(got, expected, "input {input:?}");
        if let Ok(c) = &got {
            for s in [&c.full_name, &c.address] {
                assert!(crate::text::is_nfc(s), "{s:?} is not NFC");
            }
        }
    }

    fn err(input: &str, expected: CardError) {
        check(input, Err(expected));
    }

    fn an() -> CitizenCard {
        card(
            "001089012345",
            None,
            "NGUYỄN VĂN AN",
            date!(1989 - 03 - 15),
            Sex::Male,
            "Số 5, Đông Sơn, Thanh Hóa",
            date!(2021 - 04 - 20),
        )
    }

    const AN: &str = "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5, Đông Sơn, Thanh Hóa|20042021";

    #[test]
    fn valid_cards() {
        check(AN, Ok(an()));
        check(
            "038155000123|172345678|Lê Thị Thủy|01011955|Nữ|Thôn 3, Quảng Xương, Thanh Hóa|10082021",
            Ok(card(
                "038155000123",
                Some("172345678"),
                "Lê Thị Thủy",
                date!(1955 - 01 - 01),
                Sex::Female,
                "Thôn 3, Quảng Xương, Thanh Hóa",
                date!(2021 - 08 - 10),
            )),
        );
        check(
            "079204004567||TRẦN MINH KHOA|29022004|Nam|12 Lê Lợi, Quận 1, TP. Hồ Chí Minh|05052022",
            Ok(card(
                "079204004567",
                None,
                "TRẦN MINH KHOA",
                date!(2004 - 02 - 29),
                Sex::Male,
                "12 Lê Lợi, Quận 1, TP. Hồ Chí Minh",
                date!(2022 - 05 - 05),
            )),
        );
        check(
            "096310000001||Phạm Thị Ngọc Ánh|31122010|nữ|Ấp 2, Cà Mau|01062025",
            Ok(card(
                "096310000001",
                None,
                "Phạm Thị Ngọc Ánh",
                date!(2010 - 12 - 31),
                Sex::Female,
                "Ấp 2, Cà Mau",
                date!(2025 - 06 - 01),
            )),
        );
        // Born 1 January 1900, issued the same day it is read.
        check(
            "001000000000||A|01011900|Nam|X|01062025",
            Ok(card(
                "001000000000",
                None,
                "A",
                date!(1900 - 01 - 01),
                Sex::Male,
                "X",
                date!(2025 - 06 - 01),
            )),
        );
    }

    #[test]
    fn endings_extras_nfd_and_spacing() {
        for input in [
            format!("{AN}\r\n"),
            format!("{AN}\n"),
            format!("{AN}\r"),
            format!("{AN}|"),
            format!("{AN}|x"),
            format!("{AN}|a|b|c|d\r\n"),
            format!("{AN}||||"),
            AN.nfd().collect::<String>(),
            format!("{}\r\n", AN.nfd().collect::<String>()),
            "001089012345|| NGUYỄN  VĂN   AN |15031989| Nam |  Số 5, Đông Sơn, Thanh Hóa |20042021"
                .to_owned(),
        ] {
            check(&input, Ok(an()));
        }
        // Eleven fields, as some newer cards give.
        check(
            "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5, Đông Sơn, Thanh Hóa|20042021|NGUYỄN VĂN B|TRẦN THỊ C|||",
            Ok(an()),
        );
        // Decomposed letters with two marks compose (ệ, ổ).
        let nfd = "001089012345||Nguye\u{0302}\u{0323}n Vo\u{0302}\u{0309}|15031989|Nam|Ba\u{0306}\u{0301}c Ninh|20042021";
        let got = parse_on(nfd, TODAY).unwrap_or_else(|e| panic!("NFD card refused: {e}"));
        assert_eq!(got.full_name, "Nguyện Vổ");
        assert_eq!(got.address, "Bắc Ninh");
    }

    #[test]
    fn only_one_line_ending_is_stripped() {
        err(&format!("{AN}\r\n\r\n"), CardError::ControlCharacter);
        err(&format!("{AN}\n\n"), CardError::ControlCharacter);
        err(&format!("{AN}\n\r"), CardError::ControlCharacter);
    }

    #[test]
    fn id_number_rules() {
        let cases: &[(&str, CardError)] = &[
            // Century digit: 1 is female in the 1900s, the card says Nam.
            (
                "001189012345||A|15031989|Nam|X|20042021",
                CardError::SexMismatch,
            ),
            // 2000s digit for a 1989 birth.
            (
                "001289012345||A|15031989|Nam|X|20042021",
                CardError::CenturyMismatch,
            ),
            (
                "001389012345||A|15031989|Nữ|X|20042021",
                CardError::CenturyMismatch,
            ),
            (
                "001489012345||A|15031989|Nam|X|20042021",
                CardError::CenturyMismatch,
            ),
            (
                "001889012345||A|15031989|Nam|X|20042021",
                CardError::CenturyCode,
            ),
            (
                "001989012345||A|15031989|Nam|X|20042021",
                CardError::CenturyCode,
            ),
            // 1900s digit for a 2004 birth.
            (
                "001004012345||A|15032004|Nam|X|20042021",
                CardError::CenturyMismatch,
            ),
            // Year digits 88 for 1989.
            (
                "001088012345||A|15031989|Nam|X|20042021",
                CardError::YearMismatch,
            ),
            (
                "001098012345||A|15031989|Nam|X|20042021",
                CardError::YearMismatch,
            ),
            // Sex digit female, card male (2000s).
            (
                "001304012345||A|15032004|Nam|X|20042021",
                CardError::SexMismatch,
            ),
            (
                "001204012345||A|15032004|Nữ|X|20042021",
                CardError::SexMismatch,
            ),
            // Unknown province codes.
            (
                "000089012345||A|15031989|Nam|X|20042021",
                CardError::UnknownProvince,
            ),
            (
                "003089012345||A|15031989|Nam|X|20042021",
                CardError::UnknownProvince,
            ),
            (
                "097089012345||A|15031989|Nam|X|20042021",
                CardError::UnknownProvince,
            ),
            (
                "100089012345||A|15031989|Nam|X|20042021",
                CardError::UnknownProvince,
            ),
            (
                "999089012345||A|15031989|Nam|X|20042021",
                CardError::UnknownProvince,
            ),
            // Not 12 ASCII digits.
            (
                "00108901234||A|15031989|Nam|X|20042021",
                CardError::IdNumberFormat,
            ),
            (
                "0010890123456||A|15031989|Nam|X|20042021",
                CardError::IdNumberFormat,
            ),
            (
                "00108901234A||A|15031989|Nam|X|20042021",
                CardError::IdNumberFormat,
            ),
            (
                "001 89012345||A|15031989|Nam|X|20042021",
                CardError::IdNumberFormat,
            ),
            (
                "00108901234５||A|15031989|Nam|X|20042021",
                CardError::IdNumberFormat,
            ),
            ("||A|15031989|Nam|X|20042021", CardError::IdNumberFormat),
            // Old number: 9 digits or nothing.
            (
                "001089012345|12345678|A|15031989|Nam|X|20042021",
                CardError::OldIdNumberFormat,
            ),
            (
                "001089012345|1234567890|A|15031989|Nam|X|20042021",
                CardError::OldIdNumberFormat,
            ),
            (
                "001089012345|12345678x|A|15031989|Nam|X|20042021",
                CardError::OldIdNumberFormat,
            ),
        ];
        for (input, want) in cases {
            err(input, want.clone());
        }
    }

    #[test]
    fn every_listed_province_is_accepted() {
        assert_eq!(PROVINCES.len(), 63);
        for (code, name) in PROVINCES {
            let input = format!("{code}089012345||A|15031989|Nam|X|20042021");
            let got =
                parse_on(&input, TODAY).unwrap_or_else(|e| panic!("province {code} refused: {e}"));
            assert_eq!(got.birth_registration_province(), Some(*name));
            assert!(crate::text::is_nfc(name));
        }
        assert_eq!(province_name("079"), Some("TP. Hồ Chí Minh"));
        assert_eq!(province_name("038"), Some("Thanh Hóa"));
        assert_eq!(province_name("003"), None);
    }

    #[test]
    fn date_rules() {
        let cases: &[(&str, CardError)] = &[
            (
                "001089012345||A|31021989|Nam|X|20042021",
                CardError::DateInvalid(DateField::Birth),
            ),
            (
                "001089012345||A|29021989|Nam|X|20042021",
                CardError::DateInvalid(DateField::Birth),
            ),
            (
                "001000012345||A|29021900|Nam|X|20042021",
                CardError::DateInvalid(DateField::Birth),
            ),
            (
                "001089012345||A|15131989|Nam|X|20042021",
                CardError::DateInvalid(DateField::Birth),
            ),
            (
                "001089012345||A|15001989|Nam|X|20042021",
                CardError::DateInvalid(DateField::Birth),
            ),
            (
                "001089012345||A|00031989|Nam|X|20042021",
                CardError::DateInvalid(DateField::Birth),
            ),
            (
                "001089012345||A|32031989|Nam|X|20042021",
                CardError::DateInvalid(DateField::Birth),
            ),
            (
                "001089012345||A|1503198|Nam|X|20042021",
                CardError::DateFormat(DateField::Birth),
            ),
            (
                "001089012345||A|1989-03-15|Nam|X|20042021",
                CardError::DateFormat(DateField::Birth),
            ),
            (
                "001089012345||A||Nam|X|20042021",
                CardError::DateFormat(DateField::Birth),
            ),
            (
                "001089012345||A|15031989|Nam|X|31042021",
                CardError::DateInvalid(DateField::Issue),
            ),
            (
                "001089012345||A|15031989|Nam|X|29022021",
                CardError::DateInvalid(DateField::Issue),
            ),
            (
                "001089012345||A|15031989|Nam|X|2004202",
                CardError::DateFormat(DateField::Issue),
            ),
            // Future relative to 2025-06-01.
            (
                "001225012345||A|02062025|Nam|X|02062025",
                CardError::DateInFuture(DateField::Birth),
            ),
            (
                "001230012345||A|01012030|Nam|X|01012030",
                CardError::DateInFuture(DateField::Birth),
            ),
            (
                "001089012345||A|15031989|Nam|X|02062025",
                CardError::DateInFuture(DateField::Issue),
            ),
            (
                "001089012345||A|15031989|Nam|X|20041988",
                CardError::IssueBeforeBirth,
            ),
            (
                "001089012345||A|15031989|Nam|X|14031989",
                CardError::IssueBeforeBirth,
            ),
        ];
        for (input, want) in cases {
            err(input, want.clone());
        }
        // 29 February in a leap year and on the day of birth.
        check(
            "001200012345||A|29022000|Nam|X|29022000",
            Ok(card(
                "001200012345",
                None,
                "A",
                date!(2000 - 02 - 29),
                Sex::Male,
                "X",
                date!(2000 - 02 - 29),
            )),
        );
    }

    #[test]
    fn ethnic_minority_names_with_apostrophes_and_hyphens_are_accepted() {
        for name in ["H'HEN NIÊ", "Y-MOAN ÊNUÔL", "KPĂ Y-LÔNG"] {
            let payload = format!("001089012345||{name}|15031989|Nam|Buôn Ma Thuột|20042021");
            let got = parse_on(&payload, TODAY).map(|c| c.full_name);
            assert_eq!(got.as_deref(), Ok(name), "{name}");
        }
    }

    #[test]
    fn name_sex_and_address_rules() {
        let cases: &[(&str, CardError)] = &[
            (
                "001089012345|||15031989|Nam|X|20042021",
                CardError::NameEmpty,
            ),
            (
                "001089012345||   |15031989|Nam|X|20042021",
                CardError::NameEmpty,
            ),
            (
                "001089012345||NGUYEN VAN 4|15031989|Nam|X|20042021",
                CardError::NameCharacters,
            ),
            (
                "001089012345||-NGUYỄN|15031989|Nam|X|20042021",
                CardError::NameCharacters,
            ),
            (
                "001089012345||NGUYỄN--VĂN|15031989|Nam|X|20042021",
                CardError::NameCharacters,
            ),
            (
                "001089012345||H'HEN'|15031989|Nam|X|20042021",
                CardError::NameCharacters,
            ),
            (
                "001089012345||Иван|15031989|Nam|X|20042021",
                CardError::NameCharacters,
            ),
            // Mojibake of "NGUYỄN" (UTF-8 read as Windows-1252).
            (
                "001089012345||NGUYá»„N|15031989|Nam|X|20042021",
                CardError::NameCharacters,
            ),
            ("001089012345||A|15031989|Male|X|20042021", CardError::Sex),
            ("001089012345||A|15031989|Nu|X|20042021", CardError::Sex),
            ("001089012345||A|15031989||X|20042021", CardError::Sex),
            (
                "001089012345||A|15031989|Nam||20042021",
                CardError::AddressEmpty,
            ),
            (
                "001089012345||A|15031989|Nam|  |20042021",
                CardError::AddressEmpty,
            ),
        ];
        for (input, want) in cases {
            err(input, want.clone());
        }
        // Sex in NFD and in capitals.
        let nfd = "001189012345||A|15031989|Nu\u{031B}\u{0303}|X|20042021";
        check(
            nfd,
            Ok(card(
                "001189012345",
                None,
                "A",
                date!(1989 - 03 - 15),
                Sex::Female,
                "X",
                date!(2021 - 04 - 20),
            )),
        );
        let caps = "001189012345||A|15031989|NỮ|X|20042021";
        assert!(parse_on(caps, TODAY).is_ok());
    }

    #[test]
    fn control_and_damaged_characters() {
        for bad in [
            "\u{0}", "\t", "\u{7}", "\u{1b}", "\u{7f}", "\u{85}", "\u{200B}", "\u{202E}",
            "\u{FEFF}", "\r", "\n",
        ] {
            let input = format!("001089012345||NGUYỄN{bad} VĂN AN|15031989|Nam|X|20042021");
            err(&input, CardError::ControlCharacter);
        }
        err(
            "\u{FEFF}001089012345||A|15031989|Nam|X|20042021",
            CardError::ControlCharacter,
        );
        err(
            "001089012345||NGUY\u{FFFD}N|15031989|Nam|X|20042021",
            CardError::Damaged,
        );
    }

    #[test]
    fn foreign_and_malformed_payloads() {
        let vietqr = "00020101021238540010A00000072701240006970436011010175956000208QRIBFTTA530370454061800005802VN62230819thanh toan don hang630470FA";
        let cases: &[(&str, CardError)] = &[
            (
                "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
                CardError::Foreign(ForeignKind::Url),
            ),
            ("HTTP://EXAMPLE.VN", CardError::Foreign(ForeignKind::Url)),
            (
                "www.example.vn/a|b|c|d|e|f|g",
                CardError::Foreign(ForeignKind::Url),
            ),
            (vietqr, CardError::Foreign(ForeignKind::Payment)),
            (
                "000201|a|b|c|d|e|f",
                CardError::Foreign(ForeignKind::Payment),
            ),
            ("Xin chào", CardError::Foreign(ForeignKind::Text)),
            ("001089012345", CardError::Foreign(ForeignKind::Text)),
            (
                "WIFI:S:quan-ca-phe;T:WPA;P:matkhau;;",
                CardError::Foreign(ForeignKind::Text),
            ),
            ("", CardError::Empty),
            ("\r\n", CardError::Empty),
            ("\n", CardError::Empty),
            ("   ", CardError::Empty),
            ("|", CardError::TooFewFields { found: 2 }),
            (
                "001089012345||A|15031989|Nam|X",
                CardError::TooFewFields { found: 6 },
            ),
            ("||||||", CardError::IdNumberFormat),
        ];
        for (input, want) in cases {
            err(input, want.clone());
        }
    }

    #[test]
    fn huge_input_is_refused_as_too_long() {
        let padded = format!("{AN}|{}", "x".repeat(MAX_PAYLOAD_BYTES));
        err(&padded, CardError::TooLong);
        err(&"a".repeat(1_000_000), CardError::TooLong);
        err(&"|".repeat(MAX_PAYLOAD_BYTES + 1), CardError::TooLong);
        // Exactly at the limit it is parsed (and ignored extra fields are fine).
        let at_limit = format!("{AN}|{}", "x".repeat(MAX_PAYLOAD_BYTES - AN.len() - 1));
        assert_eq!(at_limit.len(), MAX_PAYLOAD_BYTES);
        check(&at_limit, Ok(an()));
    }

    #[test]
    fn errors_speak_vietnamese_and_leak_nothing() {
        let vietqr = "00020101021238540010A000000727";
        let inputs = [
            "",
            "https://example.vn/123456789012",
            vietqr,
            "hello",
            "001089012345||NGUYỄN VĂN AN|15031989|Nữ|Số 5|20042021",
            "001089012345||NGUYỄN VĂN AN|31021989|Nam|Số 5|20042021",
            "001889012345||NGUYỄN VĂN AN|15031989|Nam|Số 5|20042021",
            "999089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5|20042021",
            "001089012345|12345|NGUYỄN VĂN AN|15031989|Nam|Số 5|20042021",
            "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5|2004202",
            "001089012345||NGUYỄN VĂN AN|15031989|Nam\u{7}|Số 5|20042021",
        ];
        for input in inputs {
            let e = match parse_on(input, TODAY) {
                Err(e) => e,
                Ok(_) => panic!("{input:?} should be refused"),
            };
            let english = e.to_string();
            for secret in [
                "001089012345",
                "12345",
                "NGUY",
                "1989",
                "Số 5",
                "example",
                "A000000727",
                "hello",
                "999",
            ] {
                assert!(!english.contains(secret), "{english:?} leaks {secret:?}");
            }
            let vi = e.message_vi();
            assert!(crate::text::is_nfc(&vi), "{vi:?}");
            assert!(vi.contains("Ông/Bà"), "{vi:?}");
            assert!(!e.code().is_empty());
        }
        assert_eq!(
            CardError::Foreign(ForeignKind::Text).message_vi(),
            "Mã QR này không phải của thẻ căn cước. Ông/Bà lật thẻ, đưa mặt trước có mã QR vào khung."
        );
    }

    #[test]
    fn damaged_payloads_never_panic() {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let pieces = [
            "|", "0", "9", "Ữ", "\u{0301}", "\r", " ", "a", "\u{FFFD}", "29", "02",
        ];
        for _ in 0..2000 {
            let mut input: Vec<char> = AN.chars().collect();
            for _ in 0..3 {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let r = (seed >> 33) as usize;
                let at = r % (input.len() + 1);
                match r % 3 {
                    0 if at < input.len() => {
                        input.remove(at);
                    }
                    _ => {
                        for (k, ch) in pieces[r % pieces.len()].chars().enumerate() {
                            input.insert(at + k, ch);
                        }
                    }
                }
            }
            let input: String = input.into_iter().collect();
            if let Ok(card) = parse_on(&input, TODAY) {
                assert!(crate::text::is_nfc(&card.full_name));
                assert!(card.issue_date >= card.date_of_birth);
            }
        }
    }

    #[test]
    fn serializes_to_the_documented_json() {
        let json = serde_json::to_value(an()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            json,
            serde_json::json!({
                "id_number": "001089012345",
                "old_id_number": null,
                "full_name": "NGUYỄN VĂN AN",
                "date_of_birth": "1989-03-15",
                "sex": "male",
                "address": "Số 5, Đông Sơn, Thanh Hóa",
                "issue_date": "2021-04-20",
            })
        );
        let mut female = an();
        female.sex = Sex::Female;
        female.old_id_number = Some("123456789".to_owned());
        let json = serde_json::to_value(female).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json["sex"], "female");
        assert_eq!(json["old_id_number"], "123456789");
    }

    #[test]
    fn parse_uses_the_system_date() {
        // A card born and issued long ago is valid today; one born in 2200 is not.
        assert_eq!(parse(AN), Ok(an()));
        assert_eq!(
            parse("001689012345||A|15032289|Nam|X|20042290"),
            Err(CardError::DateInFuture(DateField::Birth))
        );
    }

    fn identity<'a>(
        id: &'a str,
        name: &'a str,
        dob: &'a str,
        sex: Sex,
        address: &'a str,
    ) -> IdentityInput<'a> {
        IdentityInput {
            id_number: id,
            full_name: name,
            date_of_birth: dob,
            sex,
            address,
        }
    }

    #[test]
    fn identity_fields_follow_the_card_rules() {
        let nfd_name: String = "Lê Thị Thủy".nfd().collect();
        let ok: &[(IdentityInput<'_>, &str, Date)] = &[
            (
                identity(
                    "001089012345",
                    " NGUYỄN  VĂN AN ",
                    "1989-03-15",
                    Sex::Male,
                    " Số 5, Đông Sơn ",
                ),
                "NGUYỄN VĂN AN",
                date!(1989 - 03 - 15),
            ),
            (
                identity(
                    "038155000123",
                    &nfd_name,
                    "1955-01-01",
                    Sex::Female,
                    "Thôn 3",
                ),
                "Lê Thị Thủy",
                date!(1955 - 01 - 01),
            ),
            (
                identity(
                    "066190000001",
                    "H'Hen Niê",
                    "1990-07-01",
                    Sex::Female,
                    "Buôn Ma Thuột",
                ),
                "H'Hen Niê",
                date!(1990 - 07 - 01),
            ),
        ];
        for (input, name, dob) in ok {
            let got = check_identity(input, TODAY).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(&got.full_name, name);
            assert_eq!(&got.date_of_birth, dob);
            assert!(crate::text::is_nfc(&got.full_name) && crate::text::is_nfc(&got.address));
        }
        let long = "A".repeat(201);
        let bad: &[(IdentityInput<'_>, CardError)] = &[
            (
                identity("00108901234", "A", "1989-03-15", Sex::Male, "X"),
                CardError::IdNumberFormat,
            ),
            (
                identity("00108901234x", "A", "1989-03-15", Sex::Male, "X"),
                CardError::IdNumberFormat,
            ),
            (
                identity("999089012345", "A", "1989-03-15", Sex::Male, "X"),
                CardError::UnknownProvince,
            ),
            (
                identity("001889012345", "A", "1989-03-15", Sex::Male, "X"),
                CardError::CenturyCode,
            ),
            (
                identity("001089012345", "A", "1989-03-15", Sex::Female, "X"),
                CardError::SexMismatch,
            ),
            (
                identity("001089012345", "A", "1988-03-15", Sex::Male, "X"),
                CardError::YearMismatch,
            ),
            (
                identity("001089012345", "A", "2089-03-15", Sex::Male, "X"),
                CardError::DateInFuture(DateField::Birth),
            ),
            (
                identity("001089012345", "A", "15/03/1989", Sex::Male, "X"),
                CardError::DateFormat(DateField::Birth),
            ),
            (
                identity("001089012345", "A", "1989-3-15", Sex::Male, "X"),
                CardError::DateFormat(DateField::Birth),
            ),
            (
                identity("001089012345", "A", "1989-02-30", Sex::Male, "X"),
                CardError::DateInvalid(DateField::Birth),
            ),
            (
                identity("001089012345", "  ", "1989-03-15", Sex::Male, "X"),
                CardError::NameEmpty,
            ),
            (
                identity("001089012345", "An 2", "1989-03-15", Sex::Male, "X"),
                CardError::NameCharacters,
            ),
            (
                identity("001089012345", "A", "1989-03-15", Sex::Male, " "),
                CardError::AddressEmpty,
            ),
            (
                identity("001089012345", "A\u{202E}", "1989-03-15", Sex::Male, "X"),
                CardError::ControlCharacter,
            ),
            (
                identity("001089012345", "A", "1989-03-15", Sex::Male, "X\n"),
                CardError::ControlCharacter,
            ),
            (
                identity("001089012345", "A", "1989-03-15", Sex::Male, "X\u{FFFD}"),
                CardError::Damaged,
            ),
            (
                identity("001089012345", &long, "1989-03-15", Sex::Male, "X"),
                CardError::TooLong,
            ),
        ];
        for (input, want) in bad {
            assert_eq!(
                check_identity(input, TODAY).as_ref(),
                Err(want),
                "{input:?}"
            );
        }
    }
}
