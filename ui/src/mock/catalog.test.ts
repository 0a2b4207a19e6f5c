import { describe, expect, it } from 'vitest';
import { MOCK_PROCEDURES, mockCatalog } from './catalog';

function allText(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allText);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allText);
  return [];
}

describe('mock catalogue', () => {
  it('has the ten sample procedures, each listed once', () => {
    const listed = mockCatalog().fields.flatMap((f) => f.procedures.map((p) => p.code));
    expect(listed).toHaveLength(10);
    expect(new Set(listed).size).toBe(10);
    expect(new Set(MOCK_PROCEDURES.map((p) => p.code))).toEqual(new Set(listed));
  });
  it('is NFC text throughout', () => {
    for (const s of allText({ MOCK_PROCEDURES, c: mockCatalog() })) expect(s).toBe(s.normalize('NFC'));
  });
  it('writes money with "." thousands separators', () => {
    for (const p of MOCK_PROCEDURES) expect(p.feeText).not.toMatch(/\d,\d{3}/);
    expect(MOCK_PROCEDURES.find((p) => p.code === '2.000635')?.feeText).toBe('8.000 đồng/bản');
  });
});
