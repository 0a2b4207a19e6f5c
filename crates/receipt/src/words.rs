//! Every word the slip prints, in one place (NFC; a test checks it).
//! The kiosk's screen wording lives in the UI's string catalogue; the
//! slip's lives here, with the slip.

pub const UNIT: &str = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ";
pub const TITLE_1: &str = "GIẤY TIẾP NHẬN HỒ SƠ";
pub const TITLE_2: &str = "VÀ HẸN TRẢ KẾT QUẢ";
pub const QUEUED_NOTICE: &str = "Hồ sơ đã được lưu và sẽ tự động gửi khi có kết nối";
pub const PLACE: &str = "Nơi tiếp nhận: ";
pub const CODE: &str = "Mã hồ sơ";
pub const LOCAL_REFERENCE: &str = "Số tham chiếu";
pub const LOOKUP_SECRET: &str = "Mã tra cứu:";
pub const LOOKUP_HINT: &str = "Quét mã để tra cứu";
pub const APPLICANT: &str = "Người nộp: ";
pub const ADDRESS: &str = "Địa chỉ: ";
pub const PHONE: &str = "Điện thoại: ";
pub const EMAIL: &str = "Email: ";
pub const REQUEST: &str = "Nội dung yêu cầu giải quyết: ";
pub const COMPONENTS: &str = "Thành phần hồ sơ:";
pub const ON_PAPER: &str = "nộp bản giấy tại quầy";
pub const FILES_SUFFIX: &str = "tệp";
pub const COPIES: &str = "Số lượng hồ sơ: ";
pub const COPIES_UNIT: &str = "bộ";
pub const PROCESSING_TIME: &str = "Thời gian giải quyết: ";
pub const RECEIVED_AT: &str = "Thời gian nhận hồ sơ: ";
pub const SAVED_AT: &str = "Thời gian lưu hồ sơ: ";
pub const DUE_AT: &str = "Thời gian trả kết quả: ";
pub const DUE_LATER: &str = "sẽ báo khi hồ sơ được tiếp nhận";
pub const RESULT_PLACE: &str = "Nơi trả kết quả: ";
pub const RECEIPT_TEMPLATE: &str = "Mẫu số: ";
pub const RECEIPT_SYMBOL: &str = "Ký hiệu: ";
pub const RECEIPT_NUMBER: &str = "Số: ";
pub const RECEIPT_AMOUNT: &str = "Số tiền: ";
pub const RECEIPT_IN_WORDS: &str = "Bằng chữ: ";
pub const RECEIPT_METHOD: &str = "Hình thức thanh toán: ";
pub const RECEIPT_ISSUER: &str = "Đơn vị thu: ";
pub const METHOD_VIETQR: &str = "Chuyển khoản (VietQR)";
pub const METHOD_COUNTER: &str = "Nộp tại quầy";
pub const CLOSING_RECEIVED: &str =
    "Ông/Bà vui lòng giữ giấy này và mang theo khi đến nhận kết quả.";
pub const CLOSING_LOOKUP: &str =
    "Tra cứu hồ sơ: quét mã QR trên giấy này tại kiosk, hoặc nhập Mã hồ sơ và Mã tra cứu.";
pub const CLOSING_QUEUED: &str =
    "Ông/Bà vui lòng giữ giấy này. Nếu cần, cán bộ tại quầy tìm hồ sơ theo Số tham chiếu.";

/// Every constant above, for the NFC test.
#[cfg(test)]
pub const ALL: &[&str] = &[
    UNIT,
    TITLE_1,
    TITLE_2,
    QUEUED_NOTICE,
    PLACE,
    CODE,
    LOCAL_REFERENCE,
    LOOKUP_SECRET,
    LOOKUP_HINT,
    APPLICANT,
    ADDRESS,
    PHONE,
    EMAIL,
    REQUEST,
    COMPONENTS,
    ON_PAPER,
    FILES_SUFFIX,
    COPIES,
    COPIES_UNIT,
    PROCESSING_TIME,
    RECEIVED_AT,
    SAVED_AT,
    DUE_AT,
    DUE_LATER,
    RESULT_PLACE,
    RECEIPT_TEMPLATE,
    RECEIPT_SYMBOL,
    RECEIPT_NUMBER,
    RECEIPT_AMOUNT,
    RECEIPT_IN_WORDS,
    RECEIPT_METHOD,
    RECEIPT_ISSUER,
    METHOD_VIETQR,
    METHOD_COUNTER,
    CLOSING_RECEIVED,
    CLOSING_LOOKUP,
    CLOSING_QUEUED,
];

/// The printer's troubles, in plain Vietnamese for the citizen and the helper.
pub mod printer {
    pub const OUT_OF_PAPER: &str = "Máy in hết giấy. Cán bộ sẽ in lại giấy hẹn cho Ông/Bà.";
    pub const OFFLINE: &str = "Máy in chưa sẵn sàng. Cán bộ sẽ in lại giấy hẹn cho Ông/Bà.";
    pub const TIMEOUT: &str = "Máy in không phản hồi. Cán bộ sẽ in lại giấy hẹn cho Ông/Bà.";
    pub const NOT_CONFIGURED: &str =
        "Máy tự phục vụ này chưa nối với máy in. Cán bộ sẽ in giấy hẹn cho Ông/Bà tại quầy.";
    pub const FAILED: &str = "Không in được giấy hẹn. Cán bộ sẽ in lại cho Ông/Bà.";

    #[cfg(test)]
    pub const ALL: &[&str] = &[OUT_OF_PAPER, OFFLINE, TIMEOUT, NOT_CONFIGURED, FAILED];
}
