import { describe, expect, it } from 'vitest';
import {
  buttonEdges,
  COLOR_MODE_DATA,
  COLOR_MODES,
  contrastRatio,
  deriveSizes,
  fontPxForCap,
  nextInCycle,
  resolvePxPerMm,
  TEXT_SIZES,
  textPairs,
  themeVariables,
  uiPairs,
} from './theme';

describe('contrast maths', () => {
  it('matches known WCAG values', () => {
    expect(contrastRatio('#000000', '#FFFFFF')).toBeCloseTo(21, 5);
    expect(contrastRatio('#FFFFFF', '#FFFFFF')).toBeCloseTo(1, 5);
    expect(contrastRatio('#777', '#FFF')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#FFF', '#777')).toBeCloseTo(contrastRatio('#777', '#FFF'), 10);
  });
  it('rejects non-hex colours', () => {
    expect(() => contrastRatio('red', '#FFF')).toThrow();
  });
});

describe.each(COLOR_MODES)('colour mode %s', (name) => {
  const mode = COLOR_MODE_DATA[name];
  const minText = mode.high ? 7 : 4.5;

  it.each(textPairs(mode.palette))(`text %s reaches ${minText}:1`, (_label, fg, bg) => {
    expect(contrastRatio(fg, bg)).toBeGreaterThanOrEqual(minText);
  });

  it.each(uiPairs(mode.palette))('UI %s reaches 3:1', (_label, fg, bg) => {
    expect(contrastRatio(fg, bg)).toBeGreaterThanOrEqual(3);
  });

  it.each(buttonEdges(mode.palette))('%s has a visible outline', (_label, fill, edge, behind) => {
    expect(Math.max(contrastRatio(fill, behind), contrastRatio(edge, behind))).toBeGreaterThanOrEqual(3);
  });

  it('has the mode name it is filed under', () => {
    expect(mode.name).toBe(name);
  });
});

describe('size derivation', () => {
  it('turns a 5.6 mm capital into a 32 px body font at 4 px/mm', () => {
    expect(fontPxForCap(5.6, 4)).toBeCloseTo(32, 5);
    const s = deriveSizes(4, 'medium');
    expect(s.body).toBe(32);
    expect(s.body).toBeGreaterThanOrEqual(32);
  });

  it('keeps headings at 8 mm capital height or more', () => {
    for (const size of TEXT_SIZES) {
      const s = deriveSizes(4, size);
      expect((s.heading * 0.7) / 4).toBeGreaterThanOrEqual(8 - 1e-9);
      expect((s.body * 0.7) / 4).toBeGreaterThanOrEqual(5.6 - 1e-9);
    }
  });

  it('keeps every text, small labels too, at a 5 mm capital or more', () => {
    for (const size of TEXT_SIZES) {
      const s = deriveSizes(4, size);
      expect((s.small * 0.7) / 4).toBeGreaterThanOrEqual(5 - 1e-9);
    }
  });

  it('grows every text size step by step', () => {
    const [m, l, x] = TEXT_SIZES.map((size) => deriveSizes(4, size));
    for (const key of ['small', 'body', 'heading', 'display'] as const) {
      expect(l![key]).toBeGreaterThan(m![key]);
      expect(x![key]).toBeGreaterThan(l![key]);
    }
  });

  it('keeps targets at least 15 mm high and 3 mm apart, at any density', () => {
    for (const pxPerMm of [3, 4, 6.5]) {
      for (const size of TEXT_SIZES) {
        const s = deriveSizes(pxPerMm, size);
        expect(s.targetMin).toBeGreaterThanOrEqual(15 * pxPerMm);
        expect(s.targetMin).toBeGreaterThan(s.body * s.lineHeight);
        expect(s.gap).toBeGreaterThanOrEqual(3 * pxPerMm);
      }
    }
  });

  it('scales linearly with the density', () => {
    const a = deriveSizes(4, 'large');
    const b = deriveSizes(8, 'large');
    expect(b.body).toBeCloseTo(a.body * 2, 0);
    expect(b.heading).toBeCloseTo(a.heading * 2, 0);
  });

  it('defaults to 4 px/mm and accepts only sensible configured densities', () => {
    expect(resolvePxPerMm()).toBe(4);
    expect(resolvePxPerMm(null)).toBe(4);
    expect(resolvePxPerMm(5.2)).toBe(5.2);
    expect(resolvePxPerMm(0)).toBe(4);
    expect(resolvePxPerMm(Number.NaN)).toBe(4);
    expect(resolvePxPerMm(400)).toBe(4);
  });

  it('writes CSS variables with units', () => {
    const vars = themeVariables(deriveSizes(4, 'medium'), COLOR_MODE_DATA.highLight);
    expect(vars['--size-body']).toBe('32px');
    expect(vars['--size-line-height']).toBe('1.4');
    expect(vars['--size-target-min']).toMatch(/^\d+(\.\d)?px$/);
    expect(vars['--color-help-bg']).toBe(COLOR_MODE_DATA.highLight.palette.helpBg);
  });
});

describe('cycles', () => {
  it('cycles text sizes and modes and wraps around', () => {
    expect(nextInCycle(TEXT_SIZES, 'medium')).toBe('large');
    expect(nextInCycle(TEXT_SIZES, 'xlarge')).toBe('medium');
    expect(nextInCycle(COLOR_MODES, 'standard')).toBe('highLight');
  });
});
