import { describe, expect, it } from 'vitest';
import { BurstDetector } from './qrReader';

const CARD = '001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5, Đông Sơn, Thanh Hóa|20042021';

/** Feeds `text` then Enter, `gapMs` apart, starting at `t0`; returns what the detector gave. */
function type(d: BurstDetector, text: string, gapMs: number, t0 = 1000): (string | null)[] {
  const out: (string | null)[] = [];
  let t = t0;
  for (const ch of [...text]) {
    out.push(d.feed(ch, t));
    t += gapMs;
  }
  out.push(d.feed('Enter', t));
  return out.filter((x) => x !== null);
}

describe('BurstDetector', () => {
  it('takes a fast burst ended by Enter as a scan', () => {
    expect(type(new BurstDetector(), CARD, 5)).toEqual([CARD]);
  });
  it('never takes human typing as a scan, however long', () => {
    expect(type(new BurstDetector(), CARD, 90)).toEqual([]);
    expect(type(new BurstDetector(), CARD, 60)).toEqual([]);
  });
  it('ignores short bursts and a bare Enter', () => {
    const d = new BurstDetector();
    expect(type(d, '0912345678', 2)).toEqual([]);
    expect(d.feed('Enter', 5000)).toBeNull();
  });
  it('lets modifier keys pass inside a burst', () => {
    const d = new BurstDetector();
    let t = 0;
    for (const ch of [...CARD]) {
      d.feed('Shift', t);
      d.feed(ch, t + 1);
      t += 4;
    }
    expect(d.feed('Enter', t)).toBe(CARD);
  });
  it('starts over after a pause, keeping only the fast part', () => {
    const d = new BurstDetector();
    d.feed('x', 0);
    d.feed('y', 10);
    expect(type(d, CARD, 3, 5000)).toEqual([CARD]);
  });
  it('drops a burst that waited too long before Enter', () => {
    const d = new BurstDetector();
    let t = 0;
    for (const ch of [...CARD]) d.feed(ch, (t += 3));
    expect(d.feed('Enter', t + 500)).toBeNull();
  });
  it('two scans in a row give two payloads', () => {
    const d = new BurstDetector();
    expect(type(d, CARD, 3, 0)).toEqual([CARD]);
    expect(type(d, CARD, 3, 10_000)).toEqual([CARD]);
  });
});
