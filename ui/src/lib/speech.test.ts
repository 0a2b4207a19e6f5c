import { describe, expect, it } from 'vitest';
import { spokenText } from './speech';

describe('spokenText', () => {
  it('ends every line with a pause and keeps existing punctuation', () => {
    expect(spokenText(['Bước 1/6: Chọn thủ tục', 'Ông/Bà muốn làm thủ tục gì?', 'Lệ phí', '8.000 đồng mỗi bản'])).toBe(
      'Bước 1/6: Chọn thủ tục. Ông/Bà muốn làm thủ tục gì? Lệ phí. 8.000 đồng mỗi bản.',
    );
  });
  it('drops blank lines and collapses spaces', () => {
    expect(spokenText(['', '  Xin   chào ', '\t', 'Ông/Bà'])).toBe('Xin chào. Ông/Bà.');
  });
  it('gives NFC text', () => {
    const nfd = 'Nguyễn Văn An'.normalize('NFD');
    expect(spokenText([nfd])).toBe('Nguyễn Văn An.'.normalize('NFC'));
  });
  it('says nothing for an empty screen', () => {
    expect(spokenText([' ', ''])).toBe('');
  });
});
