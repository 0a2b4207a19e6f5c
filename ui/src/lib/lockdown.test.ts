import { describe, expect, it } from 'vitest';
import { createTapGuard, isBlockedKey, type KeyLike } from './lockdown';

describe('blocked keys', () => {
  const blocked: KeyLike[] = [
    { key: 'F5' },
    { key: 'r', ctrlKey: true },
    { key: 'R', ctrlKey: true, shiftKey: true },
    { key: 'f', ctrlKey: true },
    { key: 'p', ctrlKey: true },
    { key: '=', ctrlKey: true },
    { key: '+', ctrlKey: true, shiftKey: true },
    { key: '-', ctrlKey: true },
    { key: '0', ctrlKey: true },
    { key: 'r', metaKey: true },
    { key: 'ArrowLeft', altKey: true },
    { key: 'BrowserBack' },
  ];
  const allowed: KeyLike[] = [
    { key: 'a' },
    { key: 'r' },
    { key: '0' },
    { key: '-' },
    { key: 'Enter' },
    { key: ' ' },
    { key: 'Tab' },
    { key: 'Escape' },
    { key: 'ArrowLeft' },
    { key: 'Backspace' },
  ];
  it.each(blocked)('blocks %o', (k) => expect(isBlockedKey(k)).toBe(true));
  it.each(allowed)('allows %o', (k) => expect(isBlockedKey(k)).toBe(false));
});

describe('tap guard', () => {
  it('accepts a tap, drops a second one too soon, accepts a later one', () => {
    const g = createTapGuard(400);
    expect(g.accept(1000)).toBe(true);
    expect(g.accept(1150)).toBe(false);
    expect(g.accept(1399)).toBe(false);
    expect(g.accept(1400)).toBe(true);
  });
  it('drops taps right after a screen change', () => {
    const g = createTapGuard(400);
    g.hold(5000);
    expect(g.accept(5100)).toBe(false);
    expect(g.accept(5500)).toBe(true);
  });
});
