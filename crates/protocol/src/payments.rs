//! Fees and payments: a fee quote from the catalog's rule, payment intents
//! paid by VietQR bank transfer or at the counter, the bank's webhook, the
//! counter's confirmation, and the electronic receipt (biên lai điện tử)
//! issued when an intent is paid.
//!
//! No payer's personal data travels here: an intent names the procedure,
//! the amount and an opaque reference, never the citizen.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Component;

/// How long a payment intent can be paid after it is created.
pub const PAYMENT_TTL_SECONDS: i64 = 30 * 60;

/// Most copies a quote or a payment may ask for.
pub const MAX_COPIES: u32 = 100;

/// Most pages a quote or a payment may ask for.
pub const MAX_PAGES: u32 = 10_000;

/// Longest `Idempotency-Key` a payment creation may carry.
pub const IDEMPOTENCY_KEY_MAX_CHARS: usize = 128;

/// The header carrying the bank webhook's signature:
/// `sha256=<hex HMAC-SHA256 of the raw body>` under the shared secret.
pub const BANK_SIGNATURE_HEADER: &str = "X-Signature";

/// A fee exemption (miễn lệ phí) a citizen may claim. Claiming one makes
/// the fee zero, and the dossier must then include the proving document
/// the quote names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Exemption {
    /// A member of a poor household (hộ nghèo).
    HoNgheo,
    /// A person with a disability (người khuyết tật).
    KhuyetTat,
    /// A person with revolutionary merit or their family (người có công
    /// với cách mạng).
    NguoiCoCong,
}

impl Exemption {
    /// Every exemption, for tests and documentation.
    pub const ALL: [Exemption; 3] = [Self::HoNgheo, Self::KhuyetTat, Self::NguoiCoCong];

    /// The exemption as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HoNgheo => "ho_ngheo",
            Self::KhuyetTat => "khuyet_tat",
            Self::NguoiCoCong => "nguoi_co_cong",
        }
    }
}

/// Body of `POST /v1/fees/quote`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeQuoteRequest {
    /// National procedure code, e.g. `2.000815`.
    pub procedure_code: String,
    /// Copies requested, 1 to 100; 1 when left out. Read by per-copy and
    /// per-page rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<u32>,
    /// Pages of the document, 1 to 10 000. Required by a per-page rule,
    /// ignored by the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// An exemption the citizen claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption: Option<Exemption>,
}

/// An exemption applied to a quote: what it waived and what proves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AppliedExemption {
    pub kind: Exemption,
    /// The group in plain Vietnamese, e.g. "Người thuộc hộ nghèo".
    pub label: String,
    /// The amount the rule gives without the exemption, in đồng.
    pub waived_amount: u64,
    /// The document the dossier must then include, as a dossier component.
    pub required_document: Component,
}

/// Answer of `POST /v1/fees/quote`: the fee computed from the catalog's
/// rule. Amounts are whole đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FeeQuote {
    pub procedure_code: String,
    pub procedure_name: String,
    /// Copies the amount was computed for.
    pub copies: u32,
    /// Pages the amount was computed for, when the rule reads pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// What the citizen pays: 0 for a free procedure or an exemption.
    pub amount: u64,
    /// The amount in digits, e.g. "8.000 đồng".
    pub amount_text: String,
    /// The amount in words, e.g. "Tám nghìn đồng".
    pub amount_in_words: String,
    /// The catalog's rule in one line, e.g. "8.000 đồng mỗi bản".
    pub rule_text: String,
    /// The legal basis of the fee.
    pub legal_basis: String,
    /// For a free procedure: when it is free, as the catalog says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_condition: Option<String>,
    /// The exemption applied, when one was claimed and the fee was not
    /// already zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption: Option<AppliedExemption>,
}

/// How a citizen pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// A bank transfer by scanning a VietQR; the bank's webhook confirms it.
    Vietqr,
    /// Cash or card at the counter; a clerk confirms it.
    Counter,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vietqr => "vietqr",
            Self::Counter => "counter",
        }
    }
}

/// Where a payment intent stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Waiting for the money.
    Pending,
    /// Paid: the receipt is issued.
    Paid,
    /// Not paid in time (30 minutes).
    Expired,
    /// Cancelled by the kiosk (e.g. the citizen chose another method).
    Cancelled,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Paid => "paid",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
        }
    }
}

/// Body of `POST /v1/payments` (with an `Idempotency-Key` header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPayment {
    pub procedure_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// An exemption makes the fee zero, and a zero fee is refused
    /// (`free_procedure`): it is accepted only so a kiosk may send the same
    /// fields it quoted with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption: Option<Exemption>,
    pub method: PaymentMethod,
}

/// What a VietQR payment shows: the payload to draw as a QR and the
/// account it pays, to print beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VietQrPayment {
    /// The EMVCo payload (dynamic, with the amount; the reference as bill
    /// number and transfer content).
    pub payload: String,
    /// The receiving bank's 6-digit BIN.
    pub bank_bin: String,
    pub account_number: String,
    pub account_name: String,
    /// True when the server uses the shipped SAMPLE bank account: the QR
    /// pays no real center and must not be shown to citizens as real.
    pub sample: bool,
}

/// An electronic fee receipt (biên lai điện tử), issued when an intent is
/// paid. It carries no payer's personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Receipt {
    /// The kind of document, "Biên lai thu phí, lệ phí".
    pub title: String,
    /// Form-template symbol (mẫu số), e.g. `01BLP0-001`.
    pub template: String,
    /// Receipt symbol (ký hiệu), with the two-digit year, e.g. `AA-26E`.
    pub symbol: String,
    /// Number within the symbol and year, from 1, gap-free.
    pub number: u32,
    /// The number as printed, 7 digits: `0000001`.
    pub number_text: String,
    /// RFC 3339, UTC.
    pub issued_at: String,
    /// The unit that collects the fee.
    pub issuer: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub amount: u64,
    /// E.g. "8.000 đồng".
    pub amount_text: String,
    /// E.g. "Tám nghìn đồng".
    pub amount_in_words: String,
    pub method: PaymentMethod,
    /// The intent's reference.
    pub reference: String,
}

/// A payment intent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Payment {
    pub id: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub copies: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    pub amount: u64,
    pub amount_text: String,
    pub amount_in_words: String,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    /// Short, unique, ASCII: `MC` and 8 base-32 characters. The transfer
    /// content of a VietQR payment.
    pub reference: String,
    /// With `vietqr`: what to draw and show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vietqr: Option<VietQrPayment>,
    /// With `counter`: the 6-digit code the citizen tells the clerk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter_code: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC: after it, the intent is `expired` unless paid.
    pub expires_at: String,
    /// RFC 3339, UTC, when paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_at: Option<String>,
    /// When paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<Receipt>,
}

/// Body the bank POSTs to `/v1/bank/webhook`, signed in
/// [`BANK_SIGNATURE_HEADER`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BankWebhook {
    /// The intent's reference, as the transfer content.
    pub reference: String,
    /// The amount received, in đồng.
    pub amount: u64,
    /// The bank's id of the transaction: a replay of it changes nothing.
    pub transaction_id: String,
    /// When the bank took the money, RFC 3339.
    pub paid_at: String,
}

/// Answer of `POST /v1/bank/webhook` when the money is applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BankWebhookAck {
    pub payment_id: String,
    /// Always `paid`.
    pub status: PaymentStatus,
    /// True when this transaction had already been applied.
    pub duplicate: bool,
    /// The receipt's number.
    pub receipt_number: u32,
}

/// A counter payment as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CounterPayment {
    pub id: String,
    /// The kiosk that created it.
    pub kiosk: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub amount: u64,
    pub amount_text: String,
    /// The 6-digit code the citizen tells the clerk.
    pub counter_code: String,
    pub status: PaymentStatus,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub expires_at: String,
}

/// Answer of `GET /v1/counter/payments`, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CounterPaymentList {
    pub items: Vec<CounterPayment>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_use_their_wire_names() {
        for e in Exemption::ALL {
            assert_eq!(serde_json::to_value(e).unwrap_or_default(), e.as_str());
        }
        for m in [PaymentMethod::Vietqr, PaymentMethod::Counter] {
            assert_eq!(serde_json::to_value(m).unwrap_or_default(), m.as_str());
        }
        for s in [
            PaymentStatus::Pending,
            PaymentStatus::Paid,
            PaymentStatus::Expired,
            PaymentStatus::Cancelled,
        ] {
            assert_eq!(serde_json::to_value(s).unwrap_or_default(), s.as_str());
        }
    }

    #[test]
    fn a_quote_request_needs_only_the_procedure() {
        let r: Result<FeeQuoteRequest, _> =
            serde_json::from_str(r#"{"procedure_code":"2.000635"}"#);
        assert!(
            matches!(&r, Ok(q) if q.copies.is_none() && q.exemption.is_none()),
            "{r:?}"
        );
        let bad: Result<FeeQuoteRequest, _> =
            serde_json::from_str(r#"{"procedure_code":"2.000635","exemption":"rich"}"#);
        assert!(bad.is_err());
        let extra: Result<NewPayment, _> =
            serde_json::from_str(r#"{"procedure_code":"2.000635","method":"counter","amount":1}"#);
        assert!(extra.is_err(), "a kiosk never sets the amount");
    }
}
