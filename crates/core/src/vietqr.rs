//! VietQR: the NAPAS 247 bank-transfer QR payload (EMVCo merchant-presented
//! mode), encoded from typed fields and decoded back with every check.
//!
//! A payload is a run of TLVs (2-digit tag, 2-digit length, value) ending in
//! tag `63`, a CRC-16/CCITT-FALSE over everything before its value.

use std::fmt;

/// NAPAS's application id in tag `38`/`00`.
const NAPAS_GUID: &str = "A000000727";
/// Currency code of the đồng (ISO 4217), tag `53`.
const CURRENCY_VND: &str = "704";
/// Country code, tag `58`.
const COUNTRY_VN: &str = "VN";
/// Longest bank account or card number (tag `38`/`01`/`01`).
pub const MAX_ACCOUNT_LEN: usize = 19;
/// Longest amount, in characters (EMVCo limit of tag `54`).
pub const MAX_AMOUNT_LEN: usize = 13;
/// Longest bill reference or purpose (sub-values of tag `62`).
pub const MAX_TEXT_LEN: usize = 25;
/// Longest value of any TLV: the length is two digits.
const MAX_VALUE_LEN: usize = 99;

/// Whether the money goes to a bank account or to a card number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// `QRIBFTTA`: transfer to an account number.
    ToAccount,
    /// `QRIBFTTC`: transfer to a card number.
    ToCard,
}

impl Service {
    fn code(self) -> &'static str {
        match self {
            Service::ToAccount => "QRIBFTTA",
            Service::ToCard => "QRIBFTTC",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        match code {
            "QRIBFTTA" => Some(Service::ToAccount),
            "QRIBFTTC" => Some(Service::ToCard),
            _ => None,
        }
    }
}

/// A bank transfer to put in a VietQR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// The receiving bank's 6-digit BIN (e.g. `970436`).
    pub bin: String,
    /// The receiving account or card number: 1–19 digits.
    pub account: String,
    /// The amount in đồng; `None` makes a static QR where the payer types it.
    pub amount: Option<u64>,
    /// What the transfer is for (tag `62`/`08`): printable ASCII, ≤ 25 chars.
    pub purpose: Option<String>,
    /// A bill or dossier reference (tag `62`/`01`): printable ASCII, ≤ 25 chars.
    pub reference: Option<String>,
    /// To an account or to a card.
    pub service: Service,
}

/// A payload read back: the transfer and how it was marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub transfer: Transfer,
    /// Tag `01` was `12` (dynamic, one-off) rather than `11` (static).
    pub dynamic: bool,
}

/// The free-text fields of a transfer, named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Purpose,
    Reference,
}

impl TextField {
    fn vi(self) -> &'static str {
        match self {
            TextField::Purpose => "Nội dung chuyển khoản",
            TextField::Reference => "Mã tham chiếu",
        }
    }
}

impl fmt::Display for TextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TextField::Purpose => "purpose",
            TextField::Reference => "reference",
        })
    }
}

/// Why a transfer cannot be encoded or a payload cannot be read.
///
/// The English text is for logs and the command line; [`VietQrError::message_vi`]
/// is for the kiosk screen. Neither repeats the account number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VietQrError {
    // --- the fields of a transfer ---
    #[error("bank BIN must be exactly 6 digits, got {len} character(s)")]
    BinLength { len: usize },
    #[error("bank BIN must contain digits only")]
    BinNotDigits,
    #[error("account number is empty")]
    AccountEmpty,
    #[error("account number has {len} digits, at most {MAX_ACCOUNT_LEN} allowed")]
    AccountTooLong { len: usize },
    #[error("account number must contain digits only")]
    AccountNotDigits,
    #[error("amount must be greater than zero")]
    AmountZero,
    #[error("amount has {len} digits, at most {MAX_AMOUNT_LEN} allowed")]
    AmountTooLong { len: usize },
    #[error("amount must be a whole number of đồng in digits")]
    AmountNotDigits,
    #[error("{field} is empty; leave it out instead")]
    TextEmpty { field: TextField },
    #[error("{field} has {len} characters, at most {MAX_TEXT_LEN} allowed")]
    TextTooLong { field: TextField, len: usize },
    #[error(
        "{field} must be written without accents (plain ASCII), e.g. \"thanh toan\" not \"thanh toán\""
    )]
    TextNotAscii { field: TextField },
    #[error("{field} contains a control character")]
    TextNotPrintable { field: TextField },
    #[error("value of tag {tag} is {len} characters long, at most {MAX_VALUE_LEN} allowed")]
    ValueTooLong { tag: &'static str, len: usize },

    // --- reading a payload ---
    #[error("the payload does not fit in a QR code")]
    TooLongForQr,
    #[error("payload is empty")]
    Empty,
    #[error("payload contains characters outside ASCII")]
    PayloadNotAscii,
    #[error("tag at position {at} is not two digits")]
    BadTag { at: usize },
    #[error("length at position {at} is not two digits")]
    BadLength { at: usize },
    #[error("value of tag {tag} at position {at} runs past the end of the payload")]
    Truncated { tag: String, at: usize },
    #[error("tag {tag} appears more than once")]
    Duplicate { tag: String },
    #[error("mandatory tag {tag} is missing")]
    Missing { tag: &'static str },
    #[error("tag {tag} has an unexpected value")]
    BadValue { tag: &'static str },
    #[error("payload format indicator (tag 00) must come first")]
    FormatNotFirst,
    #[error("CRC (tag 63, 4 characters) must be the last field")]
    CrcNotLast,
    #[error("CRC mismatch: payload says {found}, content gives {computed}")]
    CrcMismatch { found: String, computed: String },
    #[error("not a NAPAS VietQR (merchant account tag 38 has another id)")]
    NotNapas,
    #[error("unknown transfer service code in tag 38/02")]
    UnknownService,
}

impl VietQrError {
    /// A plain-Vietnamese sentence for the kiosk screen.
    pub fn message_vi(&self) -> String {
        use VietQrError as E;
        match self {
            E::BinLength { .. } | E::BinNotDigits => {
                "Mã ngân hàng (BIN) phải gồm đúng 6 chữ số.".to_owned()
            }
            E::AccountEmpty => "Vui lòng nhập số tài khoản nhận tiền.".to_owned(),
            E::AccountTooLong { .. } => {
                format!("Số tài khoản dài quá: tối đa {MAX_ACCOUNT_LEN} chữ số.")
            }
            E::AccountNotDigits => "Số tài khoản chỉ được gồm các chữ số.".to_owned(),
            E::AmountZero => "Số tiền phải lớn hơn 0 đồng.".to_owned(),
            E::AmountTooLong { .. } => "Số tiền quá lớn.".to_owned(),
            E::AmountNotDigits => "Số tiền phải là số nguyên, chỉ gồm chữ số.".to_owned(),
            E::TextEmpty { field } => format!("{} đang để trống.", field.vi()),
            E::TextTooLong { field, .. } => {
                format!("{} dài quá: tối đa {MAX_TEXT_LEN} ký tự.", field.vi())
            }
            E::TextNotAscii { field } => format!(
                "{} phải viết không dấu, ví dụ \"thanh toan\" thay cho \"thanh toán\".",
                field.vi()
            ),
            E::TextNotPrintable { field } => {
                format!("{} có ký tự không hợp lệ.", field.vi())
            }
            E::ValueTooLong { .. } | E::TooLongForQr => {
                "Thông tin chuyển khoản dài quá, không tạo được mã QR.".to_owned()
            }
            E::CrcMismatch { .. } => "Mã QR bị hỏng hoặc đọc sai. Vui lòng quét lại.".to_owned(),
            E::NotNapas | E::UnknownService => {
                "Đây không phải mã QR chuyển khoản VietQR.".to_owned()
            }
            E::Empty
            | E::PayloadNotAscii
            | E::BadTag { .. }
            | E::BadLength { .. }
            | E::Truncated { .. }
            | E::Duplicate { .. }
            | E::Missing { .. }
            | E::BadValue { .. }
            | E::FormatNotFirst
            | E::CrcNotLast => "Mã QR không đúng định dạng VietQR. Vui lòng quét lại.".to_owned(),
        }
    }
}

/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection,
/// no final xor.
pub fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

fn digits_only(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

fn check_bin(bin: &str) -> Result<(), VietQrError> {
    if !digits_only(bin) {
        return Err(VietQrError::BinNotDigits);
    }
    if bin.len() != 6 {
        return Err(VietQrError::BinLength { len: bin.len() });
    }
    Ok(())
}

fn check_account(account: &str) -> Result<(), VietQrError> {
    if account.is_empty() {
        return Err(VietQrError::AccountEmpty);
    }
    if !digits_only(account) {
        return Err(VietQrError::AccountNotDigits);
    }
    if account.len() > MAX_ACCOUNT_LEN {
        return Err(VietQrError::AccountTooLong { len: account.len() });
    }
    Ok(())
}

fn check_amount(amount: u64) -> Result<String, VietQrError> {
    if amount == 0 {
        return Err(VietQrError::AmountZero);
    }
    let s = amount.to_string();
    if s.len() > MAX_AMOUNT_LEN {
        return Err(VietQrError::AmountTooLong { len: s.len() });
    }
    Ok(s)
}

fn check_text(field: TextField, text: &str) -> Result<(), VietQrError> {
    if text.is_empty() {
        return Err(VietQrError::TextEmpty { field });
    }
    if !text.is_ascii() {
        return Err(VietQrError::TextNotAscii { field });
    }
    if text.bytes().any(|b| !(0x20..=0x7E).contains(&b)) {
        return Err(VietQrError::TextNotPrintable { field });
    }
    if text.len() > MAX_TEXT_LEN {
        return Err(VietQrError::TextTooLong {
            field,
            len: text.len(),
        });
    }
    Ok(())
}

/// Checks every field of `t` as [`encode`] does.
pub fn validate(t: &Transfer) -> Result<(), VietQrError> {
    check_bin(&t.bin)?;
    check_account(&t.account)?;
    if let Some(a) = t.amount {
        check_amount(a)?;
    }
    if let Some(r) = &t.reference {
        check_text(TextField::Reference, r)?;
    }
    if let Some(p) = &t.purpose {
        check_text(TextField::Purpose, p)?;
    }
    Ok(())
}

/// Appends one TLV to `out`.
fn put(out: &mut String, tag: &'static str, value: &str) -> Result<(), VietQrError> {
    if value.len() > MAX_VALUE_LEN {
        return Err(VietQrError::ValueTooLong {
            tag,
            len: value.len(),
        });
    }
    out.push_str(tag);
    out.push_str(&format!("{:02}", value.len()));
    out.push_str(value);
    Ok(())
}

/// The VietQR payload of `t`, CRC included.
pub fn encode(t: &Transfer) -> Result<String, VietQrError> {
    validate(t)?;
    let amount = t.amount.map(|a| a.to_string());

    let mut bank = String::new();
    put(&mut bank, "00", &t.bin)?;
    put(&mut bank, "01", &t.account)?;
    let mut merchant = String::new();
    put(&mut merchant, "00", NAPAS_GUID)?;
    put(&mut merchant, "01", &bank)?;
    put(&mut merchant, "02", t.service.code())?;
    let mut additional = String::new();
    if let Some(r) = &t.reference {
        put(&mut additional, "01", r)?;
    }
    if let Some(p) = &t.purpose {
        put(&mut additional, "08", p)?;
    }

    let mut out = String::new();
    put(&mut out, "00", "01")?;
    put(&mut out, "01", if amount.is_some() { "12" } else { "11" })?;
    put(&mut out, "38", &merchant)?;
    put(&mut out, "53", CURRENCY_VND)?;
    if let Some(a) = &amount {
        put(&mut out, "54", a)?;
    }
    put(&mut out, "58", COUNTRY_VN)?;
    if !additional.is_empty() {
        put(&mut out, "62", &additional)?;
    }
    out.push_str("6304");
    let crc = crc16(out.as_bytes());
    out.push_str(&format!("{crc:04X}"));
    Ok(out)
}

/// One field of a payload: its tag, its value and where the field starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: &'a str,
    pub value: &'a str,
    pub at: usize,
}

/// Splits an ASCII string into TLVs, refusing non-digit tags or lengths,
/// values that run past the end, and repeated tags. `base` is the position
/// of `s` in the whole payload, for error messages.
pub fn parse_tlvs(s: &str, base: usize) -> Result<Vec<Tlv<'_>>, VietQrError> {
    let mut out: Vec<Tlv<'_>> = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let at = base + i;
        let tag = s
            .get(i..i + 2)
            .filter(|t| digits_only(t))
            .ok_or(VietQrError::BadTag { at })?;
        let len_text = s
            .get(i + 2..i + 4)
            .filter(|t| digits_only(t))
            .ok_or(VietQrError::BadLength { at: at + 2 })?;
        let len: usize = len_text
            .parse()
            .map_err(|_| VietQrError::BadLength { at: at + 2 })?;
        let value = s
            .get(i + 4..i + 4 + len)
            .ok_or_else(|| VietQrError::Truncated {
                tag: tag.to_owned(),
                at,
            })?;
        if out.iter().any(|t| t.tag == tag) {
            return Err(VietQrError::Duplicate {
                tag: tag.to_owned(),
            });
        }
        out.push(Tlv { tag, value, at });
        i += 4 + len;
    }
    Ok(out)
}

fn find<'a>(tlvs: &[Tlv<'a>], tag: &str) -> Option<Tlv<'a>> {
    tlvs.iter().find(|t| t.tag == tag).copied()
}

fn need<'a>(tlvs: &[Tlv<'a>], tag: &'static str) -> Result<Tlv<'a>, VietQrError> {
    find(tlvs, tag).ok_or(VietQrError::Missing { tag })
}

/// Reads a VietQR payload: the TLV structure, the CRC, then the typed fields,
/// which must pass the same checks as [`encode`]'s. Tags this module does
/// not write (merchant name, city, other sub-fields of `62`) are allowed and
/// ignored; `dynamic` reports tag `01` as written, whether or not an amount
/// is present.
pub fn decode(payload: &str) -> Result<Decoded, VietQrError> {
    if payload.is_empty() {
        return Err(VietQrError::Empty);
    }
    if !payload.is_ascii() {
        return Err(VietQrError::PayloadNotAscii);
    }
    let top = parse_tlvs(payload, 0)?;

    // The CRC is the last field, 4 characters, over everything before its value.
    let crc = need(&top, "63")?;
    if crc.value.len() != 4 || crc.at + 8 != payload.len() {
        return Err(VietQrError::CrcNotLast);
    }
    let covered = payload.get(..crc.at + 4).ok_or(VietQrError::CrcNotLast)?;
    let computed = format!("{:04X}", crc16(covered.as_bytes()));
    if computed != crc.value {
        return Err(VietQrError::CrcMismatch {
            found: crc.value.to_owned(),
            computed,
        });
    }

    if top.first().map(|t| t.tag) != Some("00") {
        return Err(if find(&top, "00").is_some() {
            VietQrError::FormatNotFirst
        } else {
            VietQrError::Missing { tag: "00" }
        });
    }
    if need(&top, "00")?.value != "01" {
        return Err(VietQrError::BadValue { tag: "00" });
    }
    let dynamic = match need(&top, "01")?.value {
        "11" => false,
        "12" => true,
        _ => return Err(VietQrError::BadValue { tag: "01" }),
    };
    if need(&top, "53")?.value != CURRENCY_VND {
        return Err(VietQrError::BadValue { tag: "53" });
    }
    if need(&top, "58")?.value != COUNTRY_VN {
        return Err(VietQrError::BadValue { tag: "58" });
    }

    let merchant_tlv = need(&top, "38")?;
    let merchant = parse_tlvs(merchant_tlv.value, merchant_tlv.at + 4)?;
    if need(&merchant, "00")?.value != NAPAS_GUID {
        return Err(VietQrError::NotNapas);
    }
    let bank_tlv = need(&merchant, "01")?;
    let bank = parse_tlvs(bank_tlv.value, bank_tlv.at + 4)?;
    let bin = need(&bank, "00")?.value;
    let account = need(&bank, "01")?.value;
    let service =
        Service::from_code(need(&merchant, "02")?.value).ok_or(VietQrError::UnknownService)?;

    let amount = match find(&top, "54") {
        None => None,
        Some(t) => {
            if t.value.is_empty() || !digits_only(t.value) {
                return Err(VietQrError::AmountNotDigits);
            }
            if t.value.len() > MAX_AMOUNT_LEN {
                return Err(VietQrError::AmountTooLong { len: t.value.len() });
            }
            Some(
                t.value
                    .parse::<u64>()
                    .map_err(|_| VietQrError::AmountNotDigits)?,
            )
        }
    };

    let (mut reference, mut purpose) = (None, None);
    if let Some(t) = find(&top, "62") {
        let additional = parse_tlvs(t.value, t.at + 4)?;
        reference = find(&additional, "01").map(|t| t.value.to_owned());
        purpose = find(&additional, "08").map(|t| t.value.to_owned());
    }

    let transfer = Transfer {
        bin: bin.to_owned(),
        account: account.to_owned(),
        amount,
        purpose,
        reference,
        service,
    };
    validate(&transfer)?;
    Ok(Decoded { transfer, dynamic })
}

/// The modules of a payload's QR code (error correction level M, as
/// banking apps expect), row by row, without the quiet zone: what a screen
/// draws and a PNG renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side.
    pub width: usize,
    /// `width × width` modules, true for dark.
    pub dark: Vec<bool>,
}

impl QrMatrix {
    /// Builds the QR code of `payload`.
    pub fn of(payload: &str) -> Result<Self, VietQrError> {
        let code =
            qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
                .map_err(|_| VietQrError::TooLongForQr)?;
        Ok(Self {
            width: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == qrcode::Color::Dark)
                .collect(),
        })
    }

    /// Whether the module at column `x`, row `y` is dark (outside: light).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "00020101021238540010A00000072701240006970436011010175956000208QRIBFTTA530370454061800005802VN62230819thanh toan don hang630470FA";

    fn example() -> Transfer {
        Transfer {
            bin: "970436".into(),
            account: "1017595600".into(),
            amount: Some(180_000),
            purpose: Some("thanh toan don hang".into()),
            reference: None,
            service: Service::ToAccount,
        }
    }

    fn with(f: impl FnOnce(&mut Transfer)) -> Transfer {
        let mut t = example();
        f(&mut t);
        t
    }

    /// `encode(t)` gives `expected` (the exact payload, or the error); a
    /// payload decodes back to `t`.
    fn check(t: &Transfer, expected: Result<&str, VietQrError>) {
        let got = encode(t);
        assert_eq!(got.as_deref().map_err(Clone::clone), expected, "{t:?}");
        if let Ok(payload) = got {
            check_round_trip(t, &payload);
        }
    }

    fn check_round_trip(t: &Transfer, payload: &str) {
        match decode(payload) {
            Ok(d) => {
                assert_eq!(&d.transfer, t, "round trip of {payload}");
                assert_eq!(d.dynamic, t.amount.is_some(), "{payload}");
            }
            Err(e) => panic!("{payload} does not decode: {e}"),
        }
    }

    /// `t` encodes, and its payload decodes back to `t`.
    fn check_ok(t: &Transfer) {
        match encode(t) {
            Ok(payload) => check_round_trip(t, &payload),
            Err(e) => panic!("{t:?} does not encode: {e}"),
        }
    }

    #[test]
    fn crc_known_vectors() {
        assert_eq!(crc16(b"123456789"), 0x29B1);
        assert_eq!(crc16(b""), 0xFFFF);
        assert_eq!(crc16(b"A"), 0xB915);
        let covered = &EXAMPLE[..EXAMPLE.len() - 4];
        assert_eq!(crc16(covered.as_bytes()), 0x70FA);
    }

    #[test]
    fn published_example_byte_for_byte() {
        check(&example(), Ok(EXAMPLE));
    }

    #[test]
    fn decode_published_example() {
        match decode(EXAMPLE) {
            Ok(d) => {
                assert_eq!(d.transfer, example());
                assert!(d.dynamic);
            }
            Err(e) => panic!("example does not decode: {e}"),
        }
    }

    #[test]
    fn decode_ignores_tags_it_does_not_write() {
        let body = &EXAMPLE[..EXAMPLE.len() - 8];
        let extra = body.replace("5802VN", "5802VN5907MOT CUA6006HA NOI");
        match decode(&signed(&extra)) {
            Ok(d) => assert_eq!(d.transfer, example()),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn static_qr_has_no_amount() {
        let t = with(|t| t.amount = None);
        let payload = encode(&t).unwrap_or_else(|e| panic!("{e}"));
        assert!(payload.starts_with("000201010211"), "{payload}");
        assert!(!payload.contains("5406"), "{payload}");
        check_ok(&t);
        match decode(&payload) {
            Ok(d) => assert!(!d.dynamic),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn round_trips() {
        let table = [
            example(),
            with(|t| t.service = Service::ToCard),
            with(|t| t.account = "9704229200000000001".into()),
            with(|t| t.account = "1".into()),
            with(|t| t.amount = Some(1)),
            with(|t| t.amount = Some(9_999_999_999_999)),
            with(|t| t.purpose = None),
            with(|t| t.reference = Some("HS-2025-000123".into())),
            with(|t| {
                t.reference = Some("R".repeat(25));
                t.purpose = Some("p".repeat(25));
            }),
            with(|t| {
                t.amount = None;
                t.purpose = None;
                t.reference = None;
            }),
            with(|t| t.purpose = Some("Le phi 1.001193 ~!@#$%^&*".into())),
        ];
        for t in &table {
            check_ok(t);
        }
    }

    #[test]
    fn invalid_transfers() {
        use TextField::*;
        use VietQrError as E;
        let table = [
            (with(|t| t.bin = "97043".into()), E::BinLength { len: 5 }),
            (with(|t| t.bin = "9704361".into()), E::BinLength { len: 7 }),
            (with(|t| t.bin = "".into()), E::BinLength { len: 0 }),
            (with(|t| t.bin = "97043a".into()), E::BinNotDigits),
            (with(|t| t.account = "".into()), E::AccountEmpty),
            (with(|t| t.account = "12-34".into()), E::AccountNotDigits),
            (with(|t| t.account = "١٢٣".into()), E::AccountNotDigits),
            (
                with(|t| t.account = "1".repeat(20)),
                E::AccountTooLong { len: 20 },
            ),
            (with(|t| t.amount = Some(0)), E::AmountZero),
            (
                with(|t| t.amount = Some(10_000_000_000_000)),
                E::AmountTooLong { len: 14 },
            ),
            (
                with(|t| t.amount = Some(u64::MAX)),
                E::AmountTooLong { len: 20 },
            ),
            (
                with(|t| t.purpose = Some("thanh toán".into())),
                E::TextNotAscii { field: Purpose },
            ),
            (
                with(|t| t.reference = Some("hồ sơ".into())),
                E::TextNotAscii { field: Reference },
            ),
            (
                with(|t| t.purpose = Some("a\nb".into())),
                E::TextNotPrintable { field: Purpose },
            ),
            (
                with(|t| t.purpose = Some("x".repeat(26))),
                E::TextTooLong {
                    field: Purpose,
                    len: 26,
                },
            ),
            (
                with(|t| t.reference = Some(String::new())),
                E::TextEmpty { field: Reference },
            ),
        ];
        for (t, e) in table {
            check(&t, Err(e));
        }
    }

    #[test]
    fn every_error_has_a_vietnamese_message() {
        let errors = [
            VietQrError::BinLength { len: 5 },
            VietQrError::AccountNotDigits,
            VietQrError::AmountZero,
            VietQrError::TextNotAscii {
                field: TextField::Purpose,
            },
            VietQrError::CrcMismatch {
                found: "0000".into(),
                computed: "70FA".into(),
            },
            VietQrError::Truncated {
                tag: "38".into(),
                at: 20,
            },
        ];
        for e in errors {
            let m = e.message_vi();
            assert!(!m.is_empty() && m.ends_with('.'), "{e:?}: {m}");
            assert!(crate::text::is_nfc(&m), "{m}");
        }
        let m = VietQrError::TextNotAscii {
            field: TextField::Purpose,
        }
        .message_vi();
        assert!(m.contains("không dấu"), "{m}");
    }

    /// A payload with a correct CRC around `body` (everything before `6304`).
    fn signed(body: &str) -> String {
        let covered = format!("{body}6304");
        let crc = crc16(covered.as_bytes());
        format!("{covered}{crc:04X}")
    }

    fn tlv(tag: &str, value: &str) -> String {
        format!("{tag}{:02}{value}", value.len())
    }

    fn check_decode(payload: &str, expected: VietQrError) {
        assert_eq!(decode(payload), Err(expected), "{payload}");
    }

    #[test]
    fn malformed_payloads() {
        use VietQrError as E;
        let body = &EXAMPLE[..EXAMPLE.len() - 8];
        let merchant_tlv = "38540010A00000072701240006970436011010175956000208QRIBFTTA";
        check_decode("", E::Empty);
        check_decode("0002010102ñ1", E::PayloadNotAscii);
        check_decode(
            &format!("{}0000", &EXAMPLE[..EXAMPLE.len() - 4]),
            E::CrcMismatch {
                found: "0000".into(),
                computed: "70FA".into(),
            },
        );
        check_decode(
            &format!("{}70fa", &EXAMPLE[..EXAMPLE.len() - 4]),
            E::CrcMismatch {
                found: "70fa".into(),
                computed: "70FA".into(),
            },
        );
        check_decode(body, E::Missing { tag: "63" });
        check_decode(
            &EXAMPLE[..EXAMPLE.len() - 1],
            E::Truncated {
                tag: "63".into(),
                at: EXAMPLE.len() - 8,
            },
        );
        check_decode("0x020101", E::BadTag { at: 0 });
        check_decode("00a20101", E::BadLength { at: 2 });
        check_decode("000", E::BadLength { at: 2 });
        check_decode(&format!("{body}630570FA0"), E::CrcNotLast);
        check_decode(&format!("{EXAMPLE}9900"), E::CrcNotLast);
        check_decode(&format!("{EXAMPLE}0000"), E::Duplicate { tag: "00".into() });
        check_decode(
            &signed(&format!("{body}5802VN")),
            E::Duplicate { tag: "58".into() },
        );
        check_decode(
            &signed(&body.replace("5802VN", "")),
            E::Missing { tag: "58" },
        );
        check_decode(
            &signed(&body.replace(merchant_tlv, "")),
            E::Missing { tag: "38" },
        );
        check_decode(
            &signed(&body.replace("000201", "")),
            E::Missing { tag: "00" },
        );
        check_decode(
            &signed(&format!("010212000201{}", &body[12..])),
            E::FormatNotFirst,
        );
        check_decode(
            &signed(&body.replace("000201", "000202")),
            E::BadValue { tag: "00" },
        );
        check_decode(
            &signed(&body.replace("010212", "010213")),
            E::BadValue { tag: "01" },
        );
        check_decode(
            &signed(&body.replace("5303704", "5303840")),
            E::BadValue { tag: "53" },
        );
        check_decode(
            &signed(&body.replace("5802VN", "5802US")),
            E::BadValue { tag: "58" },
        );
        check_decode(
            &signed(&body.replace("A000000727", "A000000728")),
            E::NotNapas,
        );
        check_decode(
            &signed(&body.replace("QRIBFTTA", "QRIBFTTX")),
            E::UnknownService,
        );
        check_decode(
            &signed(&body.replace("5406180000", "5406180.00")),
            E::AmountNotDigits,
        );
        check_decode(
            &signed(&body.replace("5406180000", "5406000000")),
            E::AmountZero,
        );
        check_decode(
            &signed(&body.replace("5406180000", "541412345678901234")),
            E::AmountTooLong { len: 14 },
        );
        let with_bank = |bin: &str, account: &str| {
            let bank = format!("{}{}", tlv("00", bin), tlv("01", account));
            let merchant = format!(
                "{}{}{}",
                tlv("00", "A000000727"),
                tlv("01", &bank),
                tlv("02", "QRIBFTTA")
            );
            signed(&body.replace(merchant_tlv, &tlv("38", &merchant)))
        };
        check_decode(&with_bank("97043", "1017595600"), E::BinLength { len: 5 });
        check_decode(&with_bank("970436", "10175956AB"), E::AccountNotDigits);
        check_decode(&with_bank("970436", ""), E::AccountEmpty);
        check_decode(
            &with_bank("970436", &"1".repeat(20)),
            E::AccountTooLong { len: 20 },
        );
        // A merchant template whose inner length overruns it.
        check_decode(
            &signed(&body.replace("01240006", "01990006")),
            E::Truncated {
                tag: "01".into(),
                at: 30,
            },
        );
        // A duplicate inside the additional data.
        check_decode(
            &signed(&body.replace("62230819thanh toan don hang", "62100801a0801b")),
            E::Duplicate { tag: "08".into() },
        );
    }

    /// xorshift64*: a small deterministic generator so the test needs no crate.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    #[test]
    fn garbled_payloads_are_refused_without_panic() {
        let bytes = EXAMPLE.as_bytes();

        // Every strict prefix is refused.
        for n in 0..bytes.len() {
            assert!(decode(&EXAMPLE[..n]).is_err(), "prefix of {n} accepted");
        }
        // Every single-character change to another printable character is
        // caught (by the CRC or the structure).
        for i in 0..bytes.len() {
            for c in 0x20u8..=0x7E {
                if c == bytes[i] {
                    continue;
                }
                let mut b = bytes.to_vec();
                b[i] = c;
                let s = String::from_utf8_lossy(&b);
                assert!(
                    decode(&s).is_err(),
                    "change at {i} to {:?} accepted",
                    c as char
                );
            }
        }
        // Random garbling: flips, deletions, insertions, splices, noise.
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for round in 0..20_000 {
            let mut b = bytes.to_vec();
            let edits = 1 + rng.below(4);
            for _ in 0..edits {
                match rng.below(5) {
                    0 => {
                        let i = rng.below(b.len());
                        if let Some(x) = b.get_mut(i) {
                            *x ^= 1 << rng.below(8);
                        }
                    }
                    1 if !b.is_empty() => {
                        let i = rng.below(b.len());
                        b.remove(i);
                    }
                    2 => {
                        let i = rng.below(b.len() + 1);
                        b.insert(i, (rng.next() & 0xFF) as u8);
                    }
                    3 => {
                        let n = rng.below(b.len() + 1);
                        b.truncate(n);
                    }
                    _ => {
                        let n = rng.below(40);
                        b = (0..n)
                            .map(|_| b"0123456789ABQRTVN"[rng.below(17)])
                            .collect();
                    }
                }
            }
            let s = String::from_utf8_lossy(&b);
            if s.as_bytes() != bytes {
                assert!(decode(&s).is_err(), "round {round}: garbled {s:?} accepted");
            }
        }
    }
}
