// The screens of this slice and how a mock-mode URL can open one directly.

import type { CardView } from './bindings';
import { COLOR_MODES, TEXT_SIZES, type ColorModeName, type TextSize } from './theme';

export type Route =
  | { screen: 'welcome' }
  | { screen: 'list' }
  | { screen: 'search' }
  | { screen: 'detail'; code: string }
  | { screen: 'identify'; code: string }
  | { screen: 'confirm'; code: string; card: CardView }
  | { screen: 'account'; code: string }
  | { screen: 'phone'; code: string }
  | { screen: 'code'; code: string; phone: string; resendAfterSeconds: number }
  /** `extra`: a document the dossier needs beyond the procedure's components (an exemption's proof) */
  | { screen: 'scan'; code: string; index: number; helperHere: boolean; extra?: { id: string; name: string } }
  | { screen: 'pay'; code: string; helperHere: boolean }
  /** helper mode: to vouch for the account, or to unlock it and go back to the screen it came from */
  | { screen: 'staff'; code: string; purpose: 'vouch' }
  | { screen: 'staff'; code: string | null; purpose: 'unlock'; back: Route }
  /** helper mode: the kiosk's devices, then back to the screen it came from */
  | { screen: 'devices'; back: Route }
  | { screen: 'handover'; code: string; reason: 'handover' | 'vouch' | 'vouched' }
  | { screen: 'review'; code: string; helperHere: boolean }
  | { screen: 'submitted'; code: string; helperHere: boolean }
  | { screen: 'lookup' };

export type ScreenName = Route['screen'];

export type DeepLink = {
  mock: boolean;
  route: Route;
  textSize: TextSize | null;
  colorMode: ColorModeName | null;
  /** mock only: open the help dialog at start, with the mock answering ok or error */
  help: 'ok' | 'error' | null;
  /** mock only: the catalogue fails to load, to show the list's error state */
  fail: 'list' | null;
  /** mock only: start in helper mode (`helper=1`), with its panel open (`helper=panel`) */
  helper: 'on' | 'panel' | null;
  pxPerMm: number | null;
};

/** Procedure codes are national codes like "1.001193" or "2.000815". */
const CODE = /^[0-9A-Za-z.\-_]{1,32}$/;

/**
 * Reads `?mock=1&screen=list` / `?mock=1&screen=detail&code=2.000815` (and `size`, `contrast`,
 * `help`, `fail=list`). Everything but `mock` and `pxPerMm` is honoured only in mock mode, so the real kiosk
 * always starts on the welcome screen.
 */
export function parseDeepLink(search: string): DeepLink {
  const q = new URLSearchParams(search);
  const mock = q.get('mock') === '1';
  const px = Number(q.get('pxPerMm'));
  const base: DeepLink = {
    mock,
    route: { screen: 'welcome' },
    textSize: null,
    colorMode: null,
    help: null,
    fail: null,
    helper: null,
    pxPerMm: q.has('pxPerMm') && Number.isFinite(px) ? px : null,
  };
  if (!mock) return base;

  const screen = q.get('screen');
  const code = q.get('code');
  if (screen === 'list') base.route = { screen: 'list' };
  else if (screen === 'search') base.route = { screen: 'search' };
  else if (screen === 'lookup') base.route = { screen: 'lookup' };
  else if (screen === 'devices') base.route = { screen: 'devices', back: { screen: 'welcome' } };
  else if (screen === 'unlock') base.route = { screen: 'staff', code: null, purpose: 'unlock', back: { screen: 'list' } };
  else if (screen === 'review' && code && CODE.test(code)) base.route = { screen: 'review', code, helperHere: false };
  else if (screen === 'submitted' && code && CODE.test(code)) base.route = { screen: 'submitted', code, helperHere: false };
  else if (screen === 'detail' && code && CODE.test(code)) base.route = { screen: 'detail', code };
  else if (screen === 'identify' && code && CODE.test(code)) base.route = { screen: 'identify', code };
  else if (screen === 'handover' && code && CODE.test(code)) base.route = { screen: 'handover', code, reason: 'handover' };
  else if (screen === 'phone' && code && CODE.test(code)) base.route = { screen: 'phone', code };
  else if (screen === 'staff' && code && CODE.test(code)) base.route = { screen: 'staff', code, purpose: 'vouch' };
  else if (screen === 'pay' && code && CODE.test(code)) base.route = { screen: 'pay', code, helperHere: false };
  else if (screen === 'scan' && code && CODE.test(code)) base.route = { screen: 'scan', code, index: 0, helperHere: false };
  else if (screen === 'code' && code && CODE.test(code))
    base.route = { screen: 'code', code, phone: '0912345678', resendAfterSeconds: 60 };
  // `screen=confirm` needs a card: main.ts fills one in from the mock data.

  const size = q.get('size');
  if (size && (TEXT_SIZES as readonly string[]).includes(size)) base.textSize = size as TextSize;
  const contrast = q.get('contrast');
  if (contrast && (COLOR_MODES as readonly string[]).includes(contrast)) base.colorMode = contrast as ColorModeName;
  const help = q.get('help');
  if (help === 'ok' || help === 'error') base.help = help;
  if (q.get('fail') === 'list') base.fail = 'list';
  const helperMode = q.get('helper');
  if (helperMode === '1') base.helper = 'on';
  else if (helperMode === 'panel') base.helper = 'panel';
  return base;
}

/**
 * Where a helper's "Bỏ qua bước này" goes from `r`; null where the next step needs this one's
 * answer (the procedure chosen, the card read, the fee paid, the dossier checked).
 */
export function skipTarget(r: Route): Route | null {
  switch (r.screen) {
    case 'detail':
      return { screen: 'identify', code: r.code };
    case 'account':
    case 'phone':
    case 'code':
      // No account by SMS: the helper vouches for the citizen instead.
      return { screen: 'handover', code: r.code, reason: 'vouch' };
    case 'scan':
      // Past the last component, the scan screen moves on by itself.
      return r.extra ? { screen: 'review', code: r.code, helperHere: true } : { ...r, index: r.index + 1, helperHere: true };
    default:
      return null;
  }
}
