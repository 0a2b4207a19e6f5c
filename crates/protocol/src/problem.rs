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
        }
    }
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
        let all = [
            ProblemCode::InvalidRequest,
            ProblemCode::NotFound,
            ProblemCode::MethodNotAllowed,
            ProblemCode::PayloadTooLarge,
            ProblemCode::Internal,
        ];
        for c in all {
            let wire = serde_json::to_value(c).unwrap_or_default();
            assert_eq!(wire, c.as_str());
            assert!(c.status() >= 400);
        }
    }
}
