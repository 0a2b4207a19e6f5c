// Every user-facing string of the kiosk, by key. Vietnamese, NFC, addressed to "Ông/Bà".
// Each string will also be spoken (a later change), so keep them plain, short and complete.
// Placeholders are written {name} and filled with `fmt`.

export const strings = {
  'app.name': 'Một Cửa Kiosk',
  'app.center': 'Trung tâm Phục vụ hành chính công',

  'step.label': 'Bước {current}/{total}: {name}',
  'step.welcome': 'Chào mừng Ông/Bà',
  'step.chooseProcedure': 'Chọn thủ tục',
  'step.identify': 'Xác minh người nộp',
  'step.handover': 'Cán bộ hỗ trợ',
  'step.account': 'Tài khoản',

  'prefs.listen': 'Nghe',
  'prefs.listen.hint': 'Đọc to',
  'prefs.textSize': 'Cỡ chữ',
  'prefs.textSize.medium': 'Vừa',
  'prefs.textSize.large': 'Lớn',
  'prefs.textSize.xlarge': 'Rất lớn',
  'prefs.contrast': 'Tương phản',
  'prefs.contrast.highLight': 'Nền trắng',
  'prefs.contrast.highDark': 'Nền đen',
  'prefs.contrast.standard': 'Màu dịu',

  'nav.back': 'Quay lại',
  'nav.done': 'Xong',
  'nav.continue': 'Tiếp tục',
  'nav.retry': 'Thử lại',
  'nav.scrollUp': 'Xem phía trên',
  'nav.scrollDown': 'Xem thêm phía dưới',

  'welcome.title': 'Xin chào Ông/Bà',
  'welcome.lead': 'Máy này giúp Ông/Bà làm thủ tục hành chính từng bước một.',
  'welcome.hint': 'Ông/Bà chạm vào nút lớn bên dưới để bắt đầu.',
  'welcome.start': 'Bắt đầu',
  'welcome.sessionEnded': 'Lượt làm việc trước đã kết thúc vì máy không được dùng tiếp. Mọi thông tin của lượt đó đã được xóa.',

  'idle.title': 'Ông/Bà còn đang làm không?',
  'idle.countdown': 'Sau {seconds} giây, máy sẽ xóa thông tin và trở về màn hình đầu.',
  'idle.stay': 'Tôi vẫn đang làm',

  'list.heading': 'Ông/Bà muốn làm thủ tục gì?',
  'list.hint': 'Ông/Bà chạm vào tên thủ tục.',
  'list.loading': 'Đang tải danh sách thủ tục…',
  'list.empty': 'Hiện chưa có thủ tục nào trên máy này.',
  'list.fee': 'Lệ phí: {fee}',

  'detail.heading': 'Thông tin thủ tục',
  'detail.loading': 'Đang tải thông tin thủ tục…',
  'detail.documents': 'Giấy tờ cần mang',
  'detail.required': 'Bắt buộc',
  'detail.optional': 'Nếu có',
  'detail.noDocuments': 'Không cần mang giấy tờ.',
  'detail.fee': 'Lệ phí',
  'detail.feeInWords': 'Bằng chữ: {words}',
  'detail.time': 'Thời gian giải quyết',
  'detail.resultPlace': 'Nơi nhận kết quả',
  'detail.legalBasis': 'Căn cứ: {basis}',

  'identify.heading': 'Ông/Bà đưa mặt trước thẻ căn cước vào máy đọc mã QR',
  'identify.headingCamera': 'Ông/Bà đưa mặt trước thẻ căn cước vào khung',
  'identify.step2Camera': 'Để mặt có mã QR hướng vào máy ảnh, thẻ nằm gọn trong khung sáng.',
  'identify.cameraOff': 'Máy ảnh chưa sẵn sàng. Ông/Bà đưa thẻ vào máy đọc mã QR.',
  'identify.step1': 'Lấy thẻ căn cước (hoặc căn cước công dân) ra.',
  'identify.step2': 'Để mặt có mã QR hướng vào máy đọc, cách khoảng một gang tay.',
  'identify.step3': 'Giữ yên thẻ. Máy sẽ tự đọc, Ông/Bà không cần bấm gì.',
  'identify.reading': 'Máy đang đọc thẻ…',

  'confirm.heading': 'Đây có phải thông tin của Ông/Bà không?',
  'confirm.name': 'Họ và tên',
  'confirm.idNumber': 'Số định danh',
  'confirm.dateOfBirth': 'Ngày sinh',
  'confirm.sex': 'Giới tính',
  'confirm.address': 'Nơi thường trú',
  'confirm.yes': 'Đúng',
  'confirm.no': 'Không đúng',

  'account.heading': 'Tài khoản dịch vụ công của Ông/Bà',
  'account.checking': 'Máy đang tìm tài khoản của Ông/Bà…',
  'account.found': 'Ông/Bà đã có tài khoản dịch vụ công.',
  'account.foundPhone': 'Số điện thoại của tài khoản: {phone}.',

  'phone.heading': 'Số điện thoại di động của Ông/Bà là gì?',
  'phone.placeholder': 'Chưa có số',
  'phone.hint': 'Máy sẽ gửi một mã gồm 6 số đến điện thoại này qua tin nhắn.',
  'phone.send': 'Gửi mã',
  'phone.none': 'Tôi không có điện thoại',

  'code.heading': 'Ông/Bà nhập mã 6 số vừa nhận qua tin nhắn',
  'code.sentTo': 'Máy đã gửi mã đến số {phone}.',
  'code.confirm': 'Xác nhận',
  'code.resend': 'Gửi lại mã',
  'code.resendIn': 'Gửi lại mã sau {seconds} giây',

  'handover.heading': 'Cảm ơn Ông/Bà',
  'handover.coming': 'Cán bộ đang đến để giúp Ông/Bà làm tiếp hồ sơ.',
  'handover.vouch': 'Cán bộ đang đến để xác nhận tài khoản giúp Ông/Bà, không cần điện thoại.',
  'handover.bring': 'Ông/Bà chuẩn bị sẵn các giấy tờ cần mang và chờ tại đây.',

  'search.open': 'Tìm theo tên',
  'search.heading': 'Ông/Bà gõ tên thủ tục cần làm',
  'search.placeholder': 'Chạm vào các chữ bên dưới',
  'search.hint': 'Chỉ cần gõ vài chữ đầu, có dấu hay không dấu đều được.',
  'search.none': 'Chưa thấy thủ tục nào có tên như vậy. Ông/Bà xóa bớt chữ, hoặc bấm “Gọi cán bộ hỗ trợ”.',
  'search.results': 'Các thủ tục tìm thấy',

  'kb.label': 'Bàn phím chữ',
  'kb.tones': 'Dấu thanh: chạm sau khi gõ chữ',
  'kb.tone.sac': 'Sắc',
  'kb.tone.huyen': 'Huyền',
  'kb.tone.hoi': 'Hỏi',
  'kb.tone.nga': 'Ngã',
  'kb.tone.nang': 'Nặng',
  'kb.space': 'Dấu cách',
  'kb.back': 'Xóa',
  'kb.clear': 'Xóa hết',

  'staff.userHeading': 'Cán bộ nhập tên đăng nhập',
  'staff.pinHeading': 'Cán bộ nhập mã PIN',
  'staff.note': 'Phần này do cán bộ hỗ trợ làm, để xác nhận tài khoản cho Ông/Bà.',
  'staff.confirm': 'Xác nhận',
  'staff.checking': 'Đang kiểm tra…',
  'staff.pinTyped': 'Đã nhập {n} trên 6 số',
  'handover.vouchButton': 'Cán bộ xác nhận tài khoản',
  'handover.vouched': 'Tài khoản của Ông/Bà đã được cán bộ xác nhận.',

  'pad.label': 'Bàn phím số',
  'pad.clear': 'Xóa hết',
  'pad.back': 'Xóa',

  'help.button': 'Gọi cán bộ hỗ trợ',
  'help.calling': 'Đang gọi cán bộ hỗ trợ…',
  'help.coming': 'Cán bộ đang đến giúp Ông/Bà.',
  'help.wait': 'Ông/Bà vui lòng chờ tại đây.',
  'help.failedTitle': 'Chưa gọi được cán bộ',
  'help.goToCounter': 'Ông/Bà vui lòng đến quầy tiếp nhận.',
  'help.ok': 'Đã hiểu',

  'error.title': 'Có lỗi',
  'error.generic': 'Máy đang gặp sự cố.',
  'error.timeout': 'Máy chưa nhận được trả lời.',
  'error.backendUnreachable': 'Máy chưa kết nối được với hệ thống của trung tâm.',
  'error.notFound': 'Không tìm thấy thông tin Ông/Bà cần.',
  'error.invalidRequest': 'Thông tin gửi đi chưa đúng.',
  'error.backendError': 'Hệ thống của trung tâm đang gặp sự cố.',
  'error.speechUnavailable': 'Máy chưa đọc to được.',
  'error.cardForeign': 'Mã QR này không phải của thẻ căn cước. Ông/Bà lật thẻ, đưa mặt trước có mã QR vào máy đọc.',
  'error.cardUnreadable': 'Máy chưa đọc được đầy đủ mã QR trên thẻ. Ông/Bà giữ thẻ yên để máy đọc lại.',
  'error.invalidPhone': 'Số điện thoại này chưa đúng. Ông/Bà kiểm tra lại 10 số.',
  'error.otpWrong': 'Mã chưa đúng. Ông/Bà xem lại tin nhắn và nhập lại.',
  'error.otpWrongLeft': 'Mã chưa đúng. Ông/Bà xem lại tin nhắn và nhập lại. Còn {n} lần thử.',
  'error.smsUnavailable': 'Máy chưa gửi được tin nhắn. Ông/Bà thử lại sau ít phút hoặc gọi cán bộ hỗ trợ.',
  'error.accountHasOtherPhone': 'Ông/Bà đã có tài khoản với một số điện thoại khác. Ông/Bà vui lòng gọi cán bộ hỗ trợ để đổi số.',
  'error.otpLocked': 'Ông/Bà đã nhập sai quá nhiều lần. Ông/Bà bấm “Gửi lại mã” để nhận mã mới.',
  'error.otpExpired': 'Mã đã hết hạn. Ông/Bà bấm “Gửi lại mã” để nhận mã mới.',
  'error.otpUsed': 'Mã này đã được dùng. Ông/Bà bấm “Gửi lại mã” để nhận mã mới.',
  'error.tooManyCodes': 'Số điện thoại này đã nhận quá nhiều mã. Ông/Bà vui lòng gọi cán bộ hỗ trợ.',
  'error.resendTooSoon': 'Ông/Bà chờ thêm một chút rồi bấm “Gửi lại mã”.',
  'error.noCard': 'Máy chưa đọc thẻ căn cước của Ông/Bà. Ông/Bà quay lại bước đọc thẻ.',
  'error.cardInvalid': 'Thông tin trong mã QR của thẻ không hợp lệ. Ông/Bà vui lòng bấm “Gọi cán bộ hỗ trợ”.',
  'error.staffDenied': 'Tên đăng nhập hoặc mã PIN chưa đúng. Cán bộ nhập lại.',
  'error.staffLocked': 'Tài khoản cán bộ đang tạm khóa vì nhập sai nhiều lần. Cán bộ thử lại sau 15 phút.',
  'error.staffRequired': 'Cần cán bộ nhập lại mã PIN để xác nhận.',
  'error.askStaff': 'Ông/Bà vui lòng bấm “Gọi cán bộ hỗ trợ” hoặc đến quầy tiếp nhận.',
} as const;

export type StringKey = keyof typeof strings;

/** The catalogue string for `key`. */
export function t(key: StringKey): string {
  return strings[key];
}

/** The catalogue string for `key` with each `{name}` replaced by `vars[name]` (NFC). */
export function fmt(key: StringKey, vars: Record<string, string | number>): string {
  return strings[key]
    .replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole))
    .normalize('NFC');
}
