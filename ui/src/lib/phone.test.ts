import { describe, expect, it } from 'vitest';
import { groupPhone, isMobile, padInput } from './phone';

describe('phone numbers', () => {
  it.each([
    ['0912345678', true],
    ['0387654321', true],
    ['0512345678', true],
    ['0712345678', true],
    ['0812345678', true],
    ['0212345678', false],
    ['091234567', false],
    ['09123456789', false],
    ['1912345678', false],
    ['', false],
  ])('%s is a mobile number: %s', (d, ok) => expect(isMobile(d)).toBe(ok));

  it('groups as read aloud', () => {
    expect(groupPhone('0912345678')).toBe('0912 345 678');
    expect(groupPhone('09123')).toBe('0912 3');
    expect(groupPhone('')).toBe('');
  });

  it('applies pad keys within the limit', () => {
    expect(padInput('', '0', 10)).toBe('0');
    expect(padInput('091234567', '8', 10)).toBe('0912345678');
    expect(padInput('0912345678', '9', 10)).toBe('0912345678');
    expect(padInput('0912', 'back', 10)).toBe('091');
    expect(padInput('', 'back', 10)).toBe('');
    expect(padInput('0912', 'clear', 10)).toBe('');
    expect(padInput('0912', 'x', 10)).toBe('0912');
  });
});
