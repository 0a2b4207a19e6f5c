// The kiosk's design tokens. Every size comes from physical millimetres and the chosen text size;
// colours come from three modes kept as data. `applyTheme` writes them as CSS custom properties.

// ---------- sizes ----------

/** A 21.5" 1920×1080 panel is 476 mm wide: 1920 / 476 ≈ 4.03 CSS px per mm. */
export const DEFAULT_PX_PER_MM = 4;

/** Be Vietnam Pro's capital height is about 0.7 of its em. */
export const CAP_HEIGHT_EM = 0.7;

export const TEXT_SIZES = ['medium', 'large', 'xlarge'] as const;
export type TextSize = (typeof TEXT_SIZES)[number];

/**
 * Capital-letter heights in millimetres for each text size. UI.md has no tier below body text:
 * every text, "small" labels included, has a capital of at least 5 mm at the default size.
 */
export const CAP_HEIGHT_MM: Record<TextSize, { small: number; body: number; heading: number; display: number }> = {
  medium: { small: 5, body: 5.6, heading: 8, display: 10 },
  large: { small: 6.3, body: 7, heading: 10, display: 12 },
  xlarge: { small: 7.5, body: 8.4, heading: 12, display: 14 },
};

/** Touch targets: at least 15 mm high and 3 mm apart (we use 4 mm). */
export const TARGET_MIN_MM = 15;
export const GAP_MM = 4;
export const LINE_HEIGHT = 1.4;

export type Sizes = {
  pxPerMm: number;
  small: number;
  body: number;
  heading: number;
  display: number;
  lineHeight: number;
  targetMin: number;
  gap: number;
  gapLarge: number;
  pad: number;
  radius: number;
  border: number;
  focus: number;
  icon: number;
};

/** Font size in px for a capital height in mm. */
export function fontPxForCap(capMm: number, pxPerMm: number): number {
  return (capMm / CAP_HEIGHT_EM) * pxPerMm;
}

const round = (n: number) => Math.round(n * 10) / 10;
/** Rounds up to 0.1 px, so a font never ends below its physical minimum. */
const roundUp = (n: number) => Math.ceil(n * 10 - 1e-9) / 10;

/** Every size of the design in CSS px, for a screen density and a text size. */
export function deriveSizes(pxPerMm: number, textSize: TextSize): Sizes {
  const caps = CAP_HEIGHT_MM[textSize];
  const mm = (n: number) => round(n * pxPerMm);
  const body = roundUp(fontPxForCap(caps.body, pxPerMm));
  // A target is never under 15 mm, and always holds one line of body text plus padding.
  const targetMin = Math.max(mm(TARGET_MIN_MM), Math.ceil(body * LINE_HEIGHT + mm(6)));
  return {
    pxPerMm,
    small: roundUp(fontPxForCap(caps.small, pxPerMm)),
    body,
    heading: roundUp(fontPxForCap(caps.heading, pxPerMm)),
    display: roundUp(fontPxForCap(caps.display, pxPerMm)),
    lineHeight: LINE_HEIGHT,
    targetMin,
    gap: mm(GAP_MM),
    gapLarge: mm(GAP_MM * 2),
    pad: mm(5),
    radius: mm(2),
    border: Math.max(2, mm(0.75)),
    focus: Math.max(3, mm(1.25)),
    icon: round(body * 1.8),
  };
}

/**
 * CSS px per mm for this screen. CSS px already absorb devicePixelRatio (a 4K 21.5" panel at
 * ratio 2 has the same ~4 CSS px/mm as a 1080p one), and a browser cannot know the panel's
 * physical size, so the default is 4 unless the kiosk is configured otherwise.
 */
export function resolvePxPerMm(configured?: number | null): number {
  if (configured != null && Number.isFinite(configured) && configured >= 2 && configured <= 16) {
    return configured;
  }
  return DEFAULT_PX_PER_MM;
}

// ---------- colours ----------

export const COLOR_MODES = ['highLight', 'highDark', 'standard'] as const;
export type ColorModeName = (typeof COLOR_MODES)[number];

export type Palette = {
  /** page */
  bg: string;
  fg: string;
  fgMuted: string;
  /** top and bottom bands */
  bandBg: string;
  bandFg: string;
  /** cards and panels */
  surface: string;
  surfaceFg: string;
  accentFg: string; // headings inside cards, the fee
  border: string;
  /** buttons */
  primaryBg: string;
  primaryFg: string;
  secondaryBg: string;
  secondaryFg: string;
  helpBg: string;
  helpFg: string;
  pressedBg: string;
  pressedFg: string;
  disabledFg: string;
  /** messages */
  errorFg: string;
  focus: string;
  backdrop: string;
};

export type ColorMode = { name: ColorModeName; high: boolean; palette: Palette };

export const COLOR_MODE_DATA: Record<ColorModeName, ColorMode> = {
  highLight: {
    name: 'highLight',
    high: true,
    palette: {
      bg: '#FFFFFF',
      fg: '#0A0A0A',
      fgMuted: '#2B2B2B',
      bandBg: '#F0F0F0',
      bandFg: '#0A0A0A',
      surface: '#FFFFFF',
      surfaceFg: '#0A0A0A',
      accentFg: '#00306E',
      border: '#0A0A0A',
      primaryBg: '#00306E',
      primaryFg: '#FFFFFF',
      secondaryBg: '#FFFFFF',
      secondaryFg: '#0A0A0A',
      helpBg: '#FFD83D',
      helpFg: '#0A0A0A',
      pressedBg: '#0A0A0A',
      pressedFg: '#FFFFFF',
      disabledFg: '#4D4D4D',
      errorFg: '#8A0000',
      focus: '#B34700',
      backdrop: 'rgba(0, 0, 0, 0.7)',
    },
  },
  highDark: {
    name: 'highDark',
    high: true,
    palette: {
      bg: '#000000',
      fg: '#FFFFFF',
      fgMuted: '#E6E6E6',
      bandBg: '#141414',
      bandFg: '#FFFFFF',
      surface: '#0F0F0F',
      surfaceFg: '#FFFFFF',
      accentFg: '#FFE45C',
      border: '#FFFFFF',
      primaryBg: '#FFE45C',
      primaryFg: '#000000',
      secondaryBg: '#000000',
      secondaryFg: '#FFFFFF',
      helpBg: '#8FE3FF',
      helpFg: '#000000',
      pressedBg: '#FFFFFF',
      pressedFg: '#000000',
      disabledFg: '#BDBDBD',
      errorFg: '#FF9E9E',
      focus: '#5CD6FF',
      backdrop: 'rgba(0, 0, 0, 0.8)',
    },
  },
  standard: {
    name: 'standard',
    high: false,
    palette: {
      bg: '#F3EFE6',
      fg: '#1D2733',
      fgMuted: '#3E4A59',
      bandBg: '#E3DCCB',
      bandFg: '#1D2733',
      surface: '#FFFFFF',
      surfaceFg: '#1D2733',
      accentFg: '#1F4E6B',
      border: '#6B7785',
      primaryBg: '#A3231F',
      primaryFg: '#FFFFFF',
      secondaryBg: '#FFFFFF',
      secondaryFg: '#1D2733',
      helpBg: '#F2C230',
      helpFg: '#1D1D1D',
      pressedBg: '#1D2733',
      pressedFg: '#FFFFFF',
      disabledFg: '#5A6573',
      errorFg: '#9E1B17',
      focus: '#0067A3',
      backdrop: 'rgba(20, 24, 30, 0.65)',
    },
  },
};

/** Text colour on background colour: every pair the screens use for text. */
export function textPairs(p: Palette): Array<[label: string, fg: string, bg: string]> {
  return [
    ['fg/bg', p.fg, p.bg],
    ['fgMuted/bg', p.fgMuted, p.bg],
    ['bandFg/bandBg', p.bandFg, p.bandBg],
    ['surfaceFg/surface', p.surfaceFg, p.surface],
    ['fgMuted/surface', p.fgMuted, p.surface],
    ['accentFg/surface', p.accentFg, p.surface],
    ['accentFg/bg', p.accentFg, p.bg],
    ['primaryFg/primaryBg', p.primaryFg, p.primaryBg],
    ['secondaryFg/secondaryBg', p.secondaryFg, p.secondaryBg],
    ['helpFg/helpBg', p.helpFg, p.helpBg],
    ['pressedFg/pressedBg', p.pressedFg, p.pressedBg],
    ['disabledFg/surface', p.disabledFg, p.surface],
    ['errorFg/surface', p.errorFg, p.surface],
    ['errorFg/bg', p.errorFg, p.bg],
  ];
}

/** Non-text pairs (borders, focus ring) that must reach 3:1 (WCAG 1.4.11). */
export function uiPairs(p: Palette): Array<[label: string, fg: string, bg: string]> {
  return [
    ['border/bg', p.border, p.bg],
    ['border/surface', p.border, p.surface],
    ['focus/bg', p.focus, p.bg],
    ['focus/surface', p.focus, p.surface],
  ];
}

/**
 * Buttons and where they stand: a button's outline is visible (3:1) when either its fill or its
 * edge (border colour) stands out from the band or card behind it.
 */
export function buttonEdges(p: Palette): Array<[label: string, fill: string, edge: string, behind: string]> {
  return [
    ['primary on band', p.primaryBg, p.border, p.bandBg],
    ['secondary on band', p.secondaryBg, p.border, p.bandBg],
    ['help on band', p.helpBg, p.helpFg, p.bandBg],
    ['card on page', p.surface, p.border, p.bg],
    ['secondary on page', p.secondaryBg, p.border, p.bg],
    ['primary on page', p.primaryBg, p.border, p.bg],
  ];
}

/** WCAG 2.x relative luminance of an sRGB hex colour (#RGB or #RRGGBB). */
export function relativeLuminance(hex: string): number {
  let h = hex.trim().replace(/^#/, '');
  if (h.length === 3) h = h.replace(/./g, (c) => c + c);
  if (!/^[0-9a-fA-F]{6}$/.test(h)) throw new Error(`not a hex colour: ${hex}`);
  const channel = (i: number) => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

/** WCAG contrast ratio between two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  const [hi, lo] = la > lb ? [la, lb] : [lb, la];
  return (hi + 0.05) / (lo + 0.05);
}

// ---------- applying ----------

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** CSS custom properties for a size set and a colour mode. */
export function themeVariables(sizes: Sizes, mode: ColorMode): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(sizes)) {
    if (k === 'pxPerMm') continue;
    vars[`--size-${kebab(k)}`] = k === 'lineHeight' ? String(v) : `${v}px`;
  }
  vars['--mm'] = `${sizes.pxPerMm}px`;
  for (const [k, v] of Object.entries(mode.palette)) {
    vars[`--color-${kebab(k)}`] = v;
  }
  vars['color-scheme'] = mode.name === 'highDark' ? 'dark' : 'light';
  return vars;
}

/** Writes the theme onto an element (the document root) as CSS custom properties. */
export function applyTheme(el: HTMLElement, pxPerMm: number, textSize: TextSize, mode: ColorModeName): void {
  const vars = themeVariables(deriveSizes(pxPerMm, textSize), COLOR_MODE_DATA[mode]);
  for (const [k, v] of Object.entries(vars)) el.style.setProperty(k, v);
  el.dataset.textSize = textSize;
  el.dataset.colorMode = mode;
}

/** The next value in a cycle (text size, colour mode). */
export function nextInCycle<T>(list: readonly T[], current: T): T {
  const i = list.indexOf(current);
  return list[(i + 1) % list.length] as T;
}
