// The on-screen letter keyboard's layout, and what a physical key means. The composition itself
// (where a tone lands, NFC) is Rust's: every key goes through the `compose` command.

import { commands, type KeyPress, type ToneKey } from './bindings';
import { safeCall, type UiError } from './ipc';
import type { StringKey } from './strings';

/**
 * The Vietnamese alphabet in its own order, then the Latin letters found in foreign names; the
 * full stop fills the third row (user names, procedure codes, "Tp.").
 */
export const LETTER_ROWS: readonly (readonly string[])[] = [
  ['a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'g'],
  ['h', 'i', 'k', 'l', 'm', 'n', 'o', 'ô', 'ơ', 'p'],
  ['q', 'r', 's', 't', 'u', 'ư', 'v', 'x', 'y', '.'],
  ['f', 'j', 'w', 'z'],
];

export const DIGIT_ROW: readonly string[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

/** The five tone keys: the tone on "a" as the key's picture, and its name. */
export const TONES: readonly { tone: ToneKey; sample: string; name: StringKey }[] = [
  { tone: 'sac', sample: 'á', name: 'kb.tone.sac' },
  { tone: 'huyen', sample: 'à', name: 'kb.tone.huyen' },
  { tone: 'hoi', sample: 'ả', name: 'kb.tone.hoi' },
  { tone: 'nga', sample: 'ã', name: 'kb.tone.nga' },
  { tone: 'nang', sample: 'ạ', name: 'kb.tone.nang' },
];

/**
 * A physical keyboard's key as the composer reads it (Telex), or null for keys that are not
 * typing (Tab, arrows, shortcuts). Enter is not typing either: the screen decides what it does.
 */
export function physicalKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey'>): KeyPress | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  if (e.key === 'Backspace') return { kind: 'backspace' };
  if (e.key === ' ') return { kind: 'space' };
  if ([...e.key].length !== 1) return null;
  return /^[A-Za-z]$/.test(e.key) ? { kind: 'telex', value: e.key } : { kind: 'char', value: e.key };
}

/** `text` after `key`, composed in Rust. */
export async function press(text: string, key: KeyPress): Promise<{ status: 'ok'; text: string } | { status: 'error'; error: UiError }> {
  const r = await safeCall(() => commands.compose(text, key));
  return r.status === 'ok' ? { status: 'ok', text: r.data.text } : r;
}
