// Sample catalogue for the browser preview (`?mock=1`). Stands in for what the Rust side serves;
// the real catalogue is data the center edits. Fees and times follow the national database
// where known; "Theo mức do tỉnh quy định" where the province sets them.

import type { CardView, CatalogView, ComponentView, ProcedureView } from '../lib/bindings';

const CCCD: ComponentView = {
  id: 'cccd',
  name: 'Căn cước công dân hoặc thẻ căn cước',
  note: 'Bản chính, để cán bộ đối chiếu.',
  required: true,
};

const SAME_DAY = 'Trong ngày. Nộp sau 15 giờ: trả vào ngày làm việc tiếp theo.';
const UBND = 'Bộ phận Một cửa, Ủy ban nhân dân xã';
const BY_PROVINCE = 'Theo mức do tỉnh quy định';

export const MOCK_FIELDS: Array<{ code: string; name: string; procedures: string[] }> = [
  {
    code: 'ho-tich',
    name: 'Hộ tịch',
    procedures: ['1.001193', '1.000656', '1.000894', '2.000635', '1.004873', '1.004859'],
  },
  { code: 'chung-thuc', name: 'Chứng thực', procedures: ['2.000815', '2.000884', '2.000908'] },
  { code: 'cu-tru', name: 'Cư trú', procedures: ['1.004222'] },
];

export const MOCK_PROCEDURES: ProcedureView[] = [
  {
    code: '1.001193',
    name: 'Đăng ký khai sinh',
    fieldName: 'Hộ tịch',
    summary: 'Đăng ký khai sinh cho trẻ em sinh ra tại địa phương.',
    components: [
      {
        id: 'to-khai',
        name: 'Tờ khai đăng ký khai sinh',
        note: 'Cán bộ có thể giúp Ông/Bà điền tờ khai.',
        required: true,
      },
      {
        id: 'giay-chung-sinh',
        name: 'Giấy chứng sinh',
        note: 'Nếu không có: giấy xác nhận của người làm chứng.',
        required: true,
      },
      CCCD,
    ],
    feeText: 'Miễn lệ phí',
    feeCondition: null,
    feeInWords: null,
    feeBasis: 'Luật Hộ tịch năm 2014; Thông tư 85/2019/TT-BTC.',
    timeText: SAME_DAY,
    resultPlace: UBND,
  },
  {
    code: '1.000656',
    name: 'Đăng ký khai tử',
    fieldName: 'Hộ tịch',
    summary: 'Đăng ký khai tử cho người đã mất.',
    components: [
      { id: 'to-khai', name: 'Tờ khai đăng ký khai tử', note: null, required: true },
      {
        id: 'giay-bao-tu',
        name: 'Giấy báo tử',
        note: 'Hoặc giấy tờ thay cho giấy báo tử.',
        required: true,
      },
      CCCD,
    ],
    feeText: 'Miễn lệ phí',
    feeCondition: null,
    feeInWords: null,
    feeBasis: 'Luật Hộ tịch năm 2014; Thông tư 85/2019/TT-BTC.',
    timeText: SAME_DAY,
    resultPlace: UBND,
  },
  {
    code: '1.000894',
    name: 'Đăng ký kết hôn',
    fieldName: 'Hộ tịch',
    summary: 'Hai bên nam, nữ cùng có mặt để đăng ký kết hôn.',
    components: [
      { id: 'to-khai', name: 'Tờ khai đăng ký kết hôn', note: 'Hai bên cùng ký.', required: true },
      { ...CCCD, name: 'Căn cước của cả hai bên' },
      {
        id: 'xac-nhan-hon-nhan',
        name: 'Giấy xác nhận tình trạng hôn nhân',
        note: 'Chỉ khi một bên thường trú ở xã khác.',
        required: false,
      },
    ],
    feeText: 'Miễn lệ phí',
    feeCondition: null,
    feeInWords: null,
    feeBasis: 'Luật Hộ tịch năm 2014; Thông tư 85/2019/TT-BTC.',
    timeText: 'Trong ngày. Nếu cần xác minh: không quá 5 ngày làm việc.',
    resultPlace: UBND,
  },
  {
    code: '2.000635',
    name: 'Cấp bản sao trích lục hộ tịch',
    fieldName: 'Hộ tịch',
    summary: 'Cấp bản sao giấy khai sinh, trích lục kết hôn, khai tử từ sổ hộ tịch.',
    components: [
      { id: 'to-khai', name: 'Tờ khai cấp bản sao trích lục hộ tịch', note: null, required: true },
      CCCD,
    ],
    feeText: '8.000 đồng/bản',
    feeCondition: null,
    feeInWords: 'Tám nghìn đồng một bản',
    feeBasis: 'Thông tư 281/2016/TT-BTC.',
    timeText: SAME_DAY,
    resultPlace: UBND,
  },
  {
    code: '1.004873',
    name: 'Xác nhận tình trạng hôn nhân',
    fieldName: 'Hộ tịch',
    summary: 'Cấp giấy xác nhận Ông/Bà đang độc thân, đã ly hôn hoặc góa.',
    components: [
      { id: 'to-khai', name: 'Tờ khai cấp giấy xác nhận tình trạng hôn nhân', note: null, required: true },
      CCCD,
      {
        id: 'ly-hon',
        name: 'Bản án hoặc quyết định ly hôn',
        note: 'Chỉ khi Ông/Bà đã ly hôn.',
        required: false,
      },
    ],
    feeText: BY_PROVINCE,
    feeCondition: null,
    feeInWords: null,
    feeBasis: 'Nghị quyết của Hội đồng nhân dân tỉnh về lệ phí hộ tịch.',
    timeText: '3 ngày làm việc',
    resultPlace: UBND,
  },
  {
    code: '2.000815',
    name: 'Chứng thực bản sao từ bản chính',
    fieldName: 'Chứng thực',
    summary: 'Chứng thực bản sao giấy tờ đúng với bản chính.',
    components: [
      {
        id: 'ban-chinh',
        name: 'Bản chính giấy tờ cần chứng thực',
        note: 'Giấy tờ còn rõ chữ, không bị rách, không bị tẩy xóa.',
        required: true,
      },
      {
        id: 'ban-sao',
        name: 'Bản sao cần chứng thực',
        note: 'Nếu không mang, cán bộ sẽ chụp từ bản chính.',
        required: false,
      },
    ],
    feeText: '2.000 đồng/trang; từ trang thứ ba: 1.000 đồng/trang',
    feeCondition: null,
    feeInWords: 'Hai nghìn đồng một trang; từ trang thứ ba một nghìn đồng một trang; tối đa hai trăm nghìn đồng một bản',
    feeBasis: 'Thông tư 226/2016/TT-BTC; tối đa 200.000 đồng/bản.',
    timeText: SAME_DAY,
    resultPlace: UBND,
  },
  {
    code: '2.000884',
    name: 'Chứng thực chữ ký',
    fieldName: 'Chứng thực',
    summary: 'Chứng thực chữ ký của Ông/Bà trên giấy tờ, văn bản.',
    components: [
      CCCD,
      {
        id: 'van-ban',
        name: 'Giấy tờ, văn bản cần chứng thực chữ ký',
        note: 'Chưa ký. Ông/Bà ký trước mặt cán bộ.',
        required: true,
      },
    ],
    feeText: '10.000 đồng/trường hợp',
    feeCondition: null,
    feeInWords: 'Mười nghìn đồng một trường hợp',
    feeBasis: 'Thông tư 226/2016/TT-BTC.',
    timeText: SAME_DAY,
    resultPlace: UBND,
  },
  {
    code: '2.000908',
    name: 'Cấp bản sao từ sổ gốc',
    fieldName: 'Chứng thực',
    summary: 'Cấp bản sao giấy tờ từ sổ gốc đang lưu tại xã.',
    components: [
      { id: 'to-khai', name: 'Đơn đề nghị cấp bản sao từ sổ gốc', note: null, required: true },
      CCCD,
    ],
    feeText: BY_PROVINCE,
    feeCondition: null,
    feeInWords: null,
    feeBasis: 'Nghị định 23/2015/NĐ-CP.',
    timeText: SAME_DAY,
    resultPlace: UBND,
  },
  {
    code: '1.004859',
    name: 'Thay đổi, cải chính hộ tịch',
    fieldName: 'Hộ tịch',
    summary: 'Sửa họ, chữ đệm, tên hoặc thông tin sai trong giấy tờ hộ tịch.',
    components: [
      { id: 'to-khai', name: 'Tờ khai thay đổi, cải chính hộ tịch', note: null, required: true },
      {
        id: 'giay-to-lien-quan',
        name: 'Giấy tờ chứng minh thông tin đúng',
        note: 'Ví dụ: học bạ, giấy khai sinh cũ.',
        required: true,
      },
      CCCD,
    ],
    feeText: BY_PROVINCE,
    feeCondition: null,
    feeInWords: null,
    feeBasis: 'Nghị quyết của Hội đồng nhân dân tỉnh về lệ phí hộ tịch.',
    timeText: '3 ngày làm việc',
    resultPlace: UBND,
  },
  {
    code: '1.004222',
    name: 'Đăng ký thường trú',
    fieldName: 'Cư trú',
    summary: 'Đăng ký nơi thường trú mới của Ông/Bà.',
    components: [
      { id: 'ct01', name: 'Tờ khai thay đổi thông tin cư trú (mẫu CT01)', note: null, required: true },
      {
        id: 'cho-o',
        name: 'Giấy tờ chứng minh chỗ ở hợp pháp',
        note: 'Ví dụ: sổ đỏ, hợp đồng thuê nhà.',
        required: true,
      },
      CCCD,
    ],
    feeText: '20.000 đồng',
    feeCondition: null,
    feeInWords: 'Hai mươi nghìn đồng',
    feeBasis: 'Thông tư 75/2022/TT-BTC.',
    timeText: '7 ngày làm việc',
    resultPlace: 'Công an xã',
  },
];

export function mockCatalog(): CatalogView {
  const byCode = new Map(MOCK_PROCEDURES.map((p) => [p.code, p]));
  return {
    fields: MOCK_FIELDS.map((f) => ({
      code: f.code,
      name: f.name,
      procedures: f.procedures.map((code) => {
        const p = byCode.get(code);
        if (!p) throw new Error(`mock catalogue: no procedure ${code}`);
        return { code: p.code, name: p.name, feeText: p.feeText, timeText: p.timeText };
      }),
    })),
  };
}

/** A synthetic person (the example shape in DOMAIN.md), for the confirmation screen preview. */
export const MOCK_CARD: CardView = {
  idNumber: '001089012345',
  fullName: 'NGUYỄN VĂN AN',
  dateOfBirth: '15/03/1989',
  sex: 'Nam',
  address: 'Số 5, Đông Sơn, Thanh Hóa',
  issueDate: '20/04/2021',
};

/** A small gray JPEG of a text page (base64), standing in for a scanned page in the preview. */
export const MOCK_PAGE_JPEG =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk//wAALCAEpANIBAREA/8QAGQABAQEBAQEAAAAAAAAAAAAAAAUGBAcD/8QAMBABAAADAwwCAgIDAQAAAAAAAAEF0gIDBgQREhUWF1NUVZOVoxMhFDFBUQcjMiL/2gAIAQEAAD8A9OAAAAAAAAAAAAAAAAAAAAAAAAAAAE6bTyWSX4tZZT8PzZ9D/XatZ82bP/zCP9wTtucNdS9F5Sbc4a6l6Lyk25w11L0XlJtzhrqXovKTbnDXUvReUm3OGupei8pNucNdS9F5Sbc4a6l6Lyk25w11L0XlJtzhrqXovKTbnDXUvReUm3OGupei8pNucNdS9F5Sbc4a6l6Lyk25w11L0XlJtzhrqXovKTbnDXUvReUm3OGupei8pNucNdS9F5Sbc4a6l6Lyl9Mmxjh/KspusnuJhpXt9bhYsWfhvIZ7UY5oQ+7P9rwAyuN8NZbiH8H8K9yex+P8ml81q1DPpaObNmhH+ospu1nXNS/uW6DdrOual/ct0G7Wdc1L+5boN2s65qX9y3QbtZ1zUv7lug3azrmpf3LdBu1nXNS/uW6DdrOual/ct0G7Wdc1L+5boN2s65qX9y3QbtZ1zUv7lug3azrmpf3LdBu1nXNS/uW6DdrOual/ct0G7Wdc1L+5boN2s65qX9y3QbtZ1zUv7lug3azrmpf3LdBu1nXNS/uW6DdrOual/ct0OuVf4+m+RTbIsrvcpyGN3cX9i8tQs27eeMLNqEY5v/P7+npQAAAAAAAAAAyuN8txBkf4Oz9jKLWn8nzfDk8L39aOjn+o5v3FlNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwoNdY/wCDMPHwobXBmVTjK5Re3k9s31nKYX8bNmF7c/FHQ0bOb6zQ+s+f7aAABOm08lkl+LWWU/D82fQ/12rWfNmz/wDMI/3BO25w11L0XlJtzhrqXovKTbnDXUvReUm3OGupei8pNucNdS9F5Sbc4a6l6Lyk25w11L0XlJtzhrqXovKTbnDXUvReUm3OGupei8pNucNdS9F5Sbc4a6l6Lyk25w11L0XlJtzhrqXovKTbnDXUvReUm3OGupei8pNucNdS9F5Sbc4a6l6Lyk25w11L0XlLtlWI5ROMptZPLsr+a9s2I242fjt2c1mEYQz/AHCH8xgqgAjYhw1kWIfx/wA29yix+PpaPw2rMM+lmz588I/1BF3ayXmph3LFBu1kvNTDuWKDdrJeamHcsUG7WS81MO5YoN2sl5qYdyxQbtZLzUw7lig3ayXmph3LFBu1kvNTDuWKDdrJeamHcsUG7WS81MO5YoN2sl5qYdyxQbtZLzUw7lig3ayXmph3LFBu1kvNTDuWKDdrJeamHcsUG7WS81MO5YoN2sl5qYdyxQbtZLzUw7lig3ayXmph3LFCnIMIy+QZbbyvI77Krd5bu43cYXtqzGGaMYR/izD7+oNAADK43y3EGR/g7P2MotafyfN8OTwvf1o6Of6jm/cWU11j/gzDx8KDXWP+DMPHwoNdY/4Mw8fCg11j/gzDx8KDXWP+DMPHwoNdY/4Mw8fCg11j/gzDx8KDXWP+DMPHwoNdY/4Mw8fCg11j/gzDx8KDXWP+DMPHwoNdY/4Mw8fCg11j/gzDx8KDXWP+DMPHwoNdY/4Mw8fCh1yqb43vJtkV3ll1l0Mmt39izextZDCzDQjahnzx0PqGbP8Ab0oAABOm08lkl+LWWU/D82fQ/wBdq1nzZs//ADCP9wTtucNdS9F5Sbc4a6l6Lyk25w11L0XlJtzhrqXovKTbnDXUvReUm3OGupei8pNucNdS9F5Sbc4a6l6Lyk25w11L0XlJtzhrqXovKTbnDXUvReUm3OGupei8pNucNdS9F5Sbc4a6l6Lyk25w11L0XlJtzhrqXovKTbnDXUvReUm3OGupei8pNucNdS9F5Sbc4a6l6Lylal+XZNMsiu8syK9+W4vM+jb0Y2c+aMYR+o/f7hF0ACNiHDWRYh/H/Nvcosfj6Wj8NqzDPpZs+fPCP9QRd2sl5qYdyxQbtZLzUw7lig3ayXmph3LFBu1kvNTDuWKDdrJeamHcsUG7WS81MO5YoN2sl5qYdyxQbtZLzUw7lig3ayXmph3LFBu1kvNTDuWKDdrJeamHcsUG7WS81MO5YoN2sl5qYdyxQbtZLzUw7lig3ayXmph3LFBu1kvNTDuWKDdrJeamHcsUG7WS81MO5YoN2sl5qYdyxQbtZLzUw7lihppPLbiTyy5l+TWry1dXOloxvIwjajntRj95oQ/mLtAGVxvluIMj/B2fsZRa0/k+b4cnhe/rR0c/1HN+4sprrH/BmHj4UGusf8GYePhQa6x/wZh4+FBrrH/BmHj4UGusf8GYePhQa6x/wZh4+FBrrH/BmHj4UGusf8GYePhQa6x/wZh4+FBrrH/BmHj4UGusf8GYePhQa6x/wZh4+FD0uVW8ovJRkV5lkLUMpt3Fi1ewtWdGOnGzDPnh/Ec+f6dQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/9k=';
