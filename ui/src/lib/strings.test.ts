import { describe, expect, it } from 'vitest';
import { fmt, strings, t } from './strings';
import { formatDong, groupThousands } from './format';

describe('string catalogue', () => {
  const entries = Object.entries(strings);

  it.each(entries)('%s is non-empty NFC text', (_key, value) => {
    expect(value.trim().length).toBeGreaterThan(0);
    expect(value).toBe(value.normalize('NFC'));
    expect(value).toBe(value.trim());
  });

  it('addresses the citizen as "Ông/Bà", never "bạn" or lower-case "ông/bà" at a sentence start', () => {
    for (const [, value] of entries) {
      expect(value).not.toMatch(/\bbạn\b/i);
      expect(value).not.toMatch(/(^|[.?!]\s)ông\/bà/);
    }
  });

  it('fills placeholders', () => {
    expect(fmt('step.label', { current: 1, total: 6, name: t('step.chooseProcedure') })).toBe(
      'Bước 1/6: Chọn thủ tục',
    );
    expect(fmt('list.fee', { fee: 'Miễn phí' })).toBe('Lệ phí: Miễn phí');
  });

  it('normalizes filled-in values to NFC', () => {
    const nfd = 'Nguyễn'.normalize('NFD');
    expect(fmt('list.fee', { fee: nfd })).toBe('Lệ phí: Nguyễn'.normalize('NFC'));
  });

  it('leaves unknown placeholders visible rather than blank', () => {
    expect(fmt('list.fee', {})).toBe('Lệ phí: {fee}');
  });
});

describe('number format', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1.000'],
    [8000, '8.000'],
    [200000, '200.000'],
    [1234567, '1.234.567'],
    [-5000, '-5.000'],
  ])('%d → %s', (n, text) => {
    expect(groupThousands(n)).toBe(text);
  });
  it('names the currency', () => {
    expect(formatDong(8000)).toBe('8.000 đồng');
  });
});
