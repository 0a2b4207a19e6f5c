use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Stable error codes of the API. Clients branch on these, never on text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// The request body or a parameter is malformed or out of range.
    InvalidRequest,
    /// The addressed resource does not exist.
    NotFound,
    /// The path exists but not with this method.
    MethodNotAllowed,
    /// The body is larger than the server accepts.
    PayloadTooLarge,
    /// The server failed; retrying later may help.
    Internal,
    /// The citizen ID card data is not a valid card (detail names the rule).
    InvalidCard,
    /// The phone is not a Vietnamese mobile number.
    InvalidPhone,
    /// The one-time code is wrong; `attempts_left` says how many tries remain.
    OtpWrong,
    /// Too many wrong codes: the challenge is locked, ask for a new code.
    OtpLocked,
    /// The one-time code has expired, ask for a new code.
    OtpExpired,
    /// The challenge was already used.
    OtpUsed,
    /// Too many codes for this phone in the last hour (`Retry-After`).
    TooManyCodes,
    /// A code was sent to this phone moments ago (`Retry-After`).
    ResendTooSoon,
    /// The SMS could not be sent; no code is pending.
    SmsUnavailable,
    /// The ID number already has an account with another phone; only a
    /// helper at the counter may change it.
    AccountHasOtherPhone,
    /// The request lacks the kiosk's bearer token, or the token is unknown
    /// or revoked.
    KioskUnauthorized,
    /// Wrong user name, password or PIN; never says which.
    StaffLoginFailed,
    /// Too many wrong passwords or PINs: the staff account is locked for a
    /// while (`Retry-After`).
    StaffLocked,
    /// The action needs a helper's staff token (`X-Staff-Token`), and none
    /// was given, or it is unknown, expired, or from another kiosk.
    StaffUnauthorized,
    /// No payment intent with this id (for the calling kiosk), or no intent
    /// with the webhook's reference.
    PaymentNotFound,
    /// The bank reported an amount other than the intent's; the intent stays
    /// pending and the transaction is recorded for a clerk.
    PaymentAmountMismatch,
    /// The intent is no longer pending (paid, expired or cancelled): it can
    /// be neither paid nor cancelled. Money received for it is recorded to be
    /// refunded by hand.
    PaymentClosed,
    /// The bank webhook's `X-Signature` is missing or wrong.
    BadSignature,
    /// The fee is zero (a free procedure or an exemption): there is nothing
    /// to pay.
    FreeProcedure,
    /// The `Idempotency-Key` was already used by this kiosk for a different
    /// request.
    IdempotencyKeyReused,
    /// A chunk's `Upload-Offset` is not the bytes the server holds: read the
    /// upload's state and send from there. Nothing was stored.
    UploadOffsetMismatch,
    /// The bytes received do not have the declared SHA-256; they were
    /// discarded.
    UploadHashMismatch,
    /// The content is not a PDF, JPEG or PNG (read from its first bytes,
    /// never its name); it was discarded.
    UploadTypeRefused,
    /// A dossier names an upload that is unknown or not complete.
    UploadIncomplete,
    /// A required component has neither uploads nor a paper mark, or a
    /// component is not the procedure's.
    DossierIncomplete,
    /// The fee is not zero and the dossier names no paid intent of this
    /// kiosk for this procedure and amount, or one already used.
    PaymentRequired,
    /// No dossier with this code and secret (never says which was wrong).
    DossierNotFound,
    /// The dossier cannot move from its status to the one asked.
    DossierStatusConflict,
    /// Too many wrong secrets for this code: lookups of it wait a while
    /// (`Retry-After`).
    LookupLocked,
}

impl ProblemCode {
    /// The HTTP status this code is sent with.
    pub fn status(self) -> u16 {
        match self {
            Self::InvalidRequest => 400,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::PayloadTooLarge => 413,
            Self::Internal => 500,
            Self::InvalidCard | Self::InvalidPhone | Self::OtpWrong => 400,
            Self::OtpLocked => 403,
            Self::OtpUsed => 409,
            Self::OtpExpired => 410,
            Self::TooManyCodes | Self::ResendTooSoon => 429,
            Self::SmsUnavailable => 502,
            Self::AccountHasOtherPhone => 409,
            Self::KioskUnauthorized | Self::StaffLoginFailed | Self::StaffUnauthorized => 401,
            Self::StaffLocked => 429,
            Self::PaymentNotFound => 404,
            Self::PaymentAmountMismatch | Self::PaymentClosed | Self::FreeProcedure => 409,
            Self::BadSignature => 401,
            Self::IdempotencyKeyReused => 422,
            Self::UploadOffsetMismatch => 409,
            Self::UploadHashMismatch => 422,
            Self::UploadTypeRefused => 415,
            Self::UploadIncomplete => 409,
            Self::DossierIncomplete => 422,
            Self::PaymentRequired => 402,
            Self::DossierNotFound => 404,
            Self::DossierStatusConflict => 409,
            Self::LookupLocked => 429,
        }
    }

    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Internal => "internal",
            Self::InvalidCard => "invalid_card",
            Self::InvalidPhone => "invalid_phone",
            Self::OtpWrong => "otp_wrong",
            Self::OtpLocked => "otp_locked",
            Self::OtpExpired => "otp_expired",
            Self::OtpUsed => "otp_used",
            Self::TooManyCodes => "too_many_codes",
            Self::ResendTooSoon => "resend_too_soon",
            Self::SmsUnavailable => "sms_unavailable",
            Self::AccountHasOtherPhone => "account_has_other_phone",
            Self::KioskUnauthorized => "kiosk_unauthorized",
            Self::StaffLoginFailed => "staff_login_failed",
            Self::StaffLocked => "staff_locked",
            Self::StaffUnauthorized => "staff_unauthorized",
            Self::PaymentNotFound => "payment_not_found",
            Self::PaymentAmountMismatch => "payment_amount_mismatch",
            Self::PaymentClosed => "payment_closed",
            Self::BadSignature => "bad_signature",
            Self::FreeProcedure => "free_procedure",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::UploadOffsetMismatch => "upload_offset_mismatch",
            Self::UploadHashMismatch => "upload_hash_mismatch",
            Self::UploadTypeRefused => "upload_type_refused",
            Self::UploadIncomplete => "upload_incomplete",
            Self::DossierIncomplete => "dossier_incomplete",
            Self::PaymentRequired => "payment_required",
            Self::DossierNotFound => "dossier_not_found",
            Self::DossierStatusConflict => "dossier_status_conflict",
            Self::LookupLocked => "lookup_locked",
        }
    }

    /// A plain Vietnamese sentence fit to show a citizen.
    pub fn message_vi(self) -> &'static str {
        match self {
            Self::InvalidRequest => "Thông tin gửi lên chưa đúng. Ông/Bà vui lòng thử lại.",
            Self::NotFound => "Không tìm thấy thông tin Ông/Bà cần.",
            Self::MethodNotAllowed => "Yêu cầu không đúng cách. Ông/Bà vui lòng thử lại.",
            Self::PayloadTooLarge => "Tệp gửi lên quá lớn.",
            Self::Internal => {
                "Hệ thống đang bận. Ông/Bà vui lòng thử lại sau ít phút hoặc gọi cán bộ hỗ trợ."
            }
            Self::InvalidCard => {
                "Thông tin trên thẻ căn cước chưa đúng. Ông/Bà vui lòng đọc lại thẻ hoặc gọi cán bộ hỗ trợ."
            }
            Self::InvalidPhone => {
                "Số điện thoại chưa đúng. Ông/Bà vui lòng nhập số di động gồm 10 chữ số, bắt đầu bằng 0."
            }
            Self::OtpWrong => {
                "Mã xác thực chưa đúng. Ông/Bà vui lòng xem lại tin nhắn và nhập lại."
            }
            Self::OtpLocked => {
                "Ông/Bà đã nhập sai mã quá nhiều lần. Ông/Bà vui lòng bấm \"Gửi lại mã\" để nhận mã mới."
            }
            Self::OtpExpired => {
                "Mã xác thực đã hết hiệu lực. Ông/Bà vui lòng bấm \"Gửi lại mã\" để nhận mã mới."
            }
            Self::OtpUsed => "Mã xác thực này đã được dùng. Ông/Bà vui lòng tiếp tục bước sau.",
            Self::TooManyCodes => {
                "Số điện thoại này đã nhận quá nhiều mã trong một giờ. Ông/Bà vui lòng thử lại sau hoặc gọi cán bộ hỗ trợ."
            }
            Self::ResendTooSoon => {
                "Mã vừa được gửi. Ông/Bà vui lòng chờ một phút rồi bấm \"Gửi lại mã\"."
            }
            Self::SmsUnavailable => {
                "Chưa gửi được tin nhắn. Ông/Bà vui lòng thử lại sau ít phút hoặc gọi cán bộ hỗ trợ."
            }
            Self::AccountHasOtherPhone => {
                "Ông/Bà đã có tài khoản với một số điện thoại khác. Ông/Bà vui lòng gọi cán bộ hỗ trợ để đổi số."
            }
            Self::KioskUnauthorized => {
                "Máy này chưa được kết nối với hệ thống. Ông/Bà vui lòng gọi cán bộ hỗ trợ."
            }
            Self::StaffLoginFailed => {
                "Tên đăng nhập, mật khẩu hoặc mã PIN của cán bộ chưa đúng. Vui lòng nhập lại."
            }
            Self::StaffLocked => {
                "Tài khoản cán bộ đang tạm khóa vì nhập sai nhiều lần. Vui lòng thử lại sau 15 phút."
            }
            Self::StaffUnauthorized => {
                "Việc này cần cán bộ hỗ trợ xác nhận. Ông/Bà vui lòng gọi cán bộ hỗ trợ."
            }
            Self::PaymentNotFound => {
                "Không tìm thấy khoản thanh toán này. Ông/Bà vui lòng gọi cán bộ hỗ trợ."
            }
            Self::PaymentAmountMismatch => {
                "Số tiền nhận được chưa khớp với số tiền phải nộp. Cán bộ sẽ kiểm tra và hỗ trợ Ông/Bà."
            }
            Self::PaymentClosed => {
                "Khoản thanh toán này đã kết thúc (đã nộp, đã hủy hoặc đã hết hạn). Ông/Bà vui lòng gọi cán bộ hỗ trợ."
            }
            Self::BadSignature => "Thông báo thanh toán không có chữ ký hợp lệ.",
            Self::FreeProcedure => {
                "Thủ tục này không phải nộp lệ phí. Ông/Bà không cần thanh toán."
            }
            Self::IdempotencyKeyReused => {
                "Yêu cầu thanh toán bị trùng với một yêu cầu khác. Ông/Bà vui lòng thử lại."
            }
            Self::UploadOffsetMismatch => "Việc gửi giấy tờ bị gián đoạn. Máy sẽ tự gửi tiếp.",
            Self::UploadHashMismatch => {
                "Giấy tờ gửi lên bị lỗi trên đường truyền. Máy sẽ tự gửi lại."
            }
            Self::UploadTypeRefused => {
                "Tệp này không phải là giấy tờ được chấp nhận (chỉ nhận PDF, JPEG hoặc PNG)."
            }
            Self::UploadIncomplete => "Giấy tờ của hồ sơ chưa gửi xong. Máy sẽ tự gửi tiếp.",
            Self::DossierIncomplete => {
                "Hồ sơ còn thiếu giấy tờ bắt buộc. Ông/Bà vui lòng chụp bổ sung hoặc gọi cán bộ hỗ trợ."
            }
            Self::PaymentRequired => {
                "Hồ sơ này cần nộp lệ phí trước khi gửi. Ông/Bà vui lòng gọi cán bộ hỗ trợ."
            }
            Self::DossierNotFound => {
                "Không tìm thấy hồ sơ với mã và số bí mật này. Ông/Bà vui lòng xem lại giấy hẹn."
            }
            Self::DossierStatusConflict => "Không thể chuyển hồ sơ sang trạng thái này.",
            Self::LookupLocked => {
                "Đã nhập sai nhiều lần. Ông/Bà vui lòng thử lại sau 15 phút hoặc gọi cán bộ hỗ trợ."
            }
        }
    }
}

/// An error answer: an RFC 9457 problem document with a stable `code` and a
/// Vietnamese `message` fit to show a citizen. `detail` is precise English for
/// logs and API clients and never carries personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// `urn:motcua:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short English summary of the code.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    pub code: ProblemCode,
    /// Vietnamese, for the citizen.
    pub message: String,
    /// English, for logs and API clients.
    pub detail: String,
    /// With `otp_wrong` and `otp_locked`: how many tries the challenge has left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    /// With `too_many_codes`, `resend_too_soon` and `staff_locked`: seconds
    /// to wait, as in the `Retry-After` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u64>,
}

impl Problem {
    pub fn new(code: ProblemCode, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("urn:motcua:problem:{}", code.as_str()),
            title: code.as_str().replace('_', " "),
            status: code.status(),
            code,
            message: code.message_vi().to_owned(),
            detail: detail.into(),
            attempts_left: None,
            retry_after_seconds: None,
        }
    }
}

impl ProblemCode {
    /// Every code, for tests and documentation.
    pub const ALL: [ProblemCode; 34] = [
        Self::InvalidRequest,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::PayloadTooLarge,
        Self::Internal,
        Self::InvalidCard,
        Self::InvalidPhone,
        Self::OtpWrong,
        Self::OtpLocked,
        Self::OtpExpired,
        Self::OtpUsed,
        Self::TooManyCodes,
        Self::ResendTooSoon,
        Self::SmsUnavailable,
        Self::AccountHasOtherPhone,
        Self::KioskUnauthorized,
        Self::StaffLoginFailed,
        Self::StaffLocked,
        Self::StaffUnauthorized,
        Self::PaymentNotFound,
        Self::PaymentAmountMismatch,
        Self::PaymentClosed,
        Self::BadSignature,
        Self::FreeProcedure,
        Self::IdempotencyKeyReused,
        Self::UploadOffsetMismatch,
        Self::UploadHashMismatch,
        Self::UploadTypeRefused,
        Self::UploadIncomplete,
        Self::DossierIncomplete,
        Self::PaymentRequired,
        Self::DossierNotFound,
        Self::DossierStatusConflict,
        Self::LookupLocked,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_serialises_with_stable_code_and_vietnamese_message() {
        let p = Problem::new(ProblemCode::NotFound, "no procedure 9.999999");
        let v = serde_json::to_value(&p).unwrap_or_default();
        assert_eq!(v["type"], "urn:motcua:problem:not_found");
        assert_eq!(v["status"], 404);
        assert_eq!(v["code"], "not_found");
        assert_eq!(v["detail"], "no procedure 9.999999");
        assert!(
            v["message"]
                .as_str()
                .is_some_and(|m| m.contains("Không tìm thấy"))
        );
    }

    #[test]
    fn every_code_has_a_distinct_status_and_wire_name() {
        let mut seen = std::collections::HashSet::new();
        for c in ProblemCode::ALL {
            let wire = serde_json::to_value(c).unwrap_or_default();
            assert_eq!(wire, c.as_str());
            assert!(c.status() >= 400);
            assert!(seen.insert(c.as_str()), "{} twice", c.as_str());
            let m = c.message_vi();
            assert!(!m.is_empty() && m.ends_with('.'), "{m}");
            assert!(
                m.chars().all(|ch| !ch.is_control()),
                "{} message has a control character",
                c.as_str()
            );
        }
    }

    #[test]
    fn extension_members_appear_only_when_set() {
        let mut p = Problem::new(ProblemCode::OtpWrong, "wrong code");
        let v = serde_json::to_value(&p).unwrap_or_default();
        assert!(v.get("attempts_left").is_none());
        p.attempts_left = Some(3);
        let v = serde_json::to_value(&p).unwrap_or_default();
        assert_eq!(v["attempts_left"], 3);
        assert_eq!(v["status"], 400);
        let back: Problem = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, p);
    }
}
