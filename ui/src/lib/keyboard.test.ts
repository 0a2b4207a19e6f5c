import { describe, expect, it } from 'vitest';
import { DIGIT_ROW, LETTER_ROWS, physicalKey, TONES } from './keyboard';
import { strings } from './strings';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'altKey' | 'metaKey', boolean>> = {}) =>
  physicalKey({ key: k, ctrlKey: false, altKey: false, metaKey: false, ...mods });

describe('letter keyboard layout', () => {
  it('has every letter of the Vietnamese alphabet once, NFC, in alphabet order', () => {
    const letters = LETTER_ROWS.flat().filter((k) => k !== '.');
    const alphabet = 'a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y'.split(' ');
    expect(letters.slice(0, alphabet.length)).toEqual(alphabet);
    expect(new Set(letters).size).toBe(letters.length);
    for (const l of letters) expect(l).toBe(l.normalize('NFC'));
    expect(letters).toEqual(expect.arrayContaining(['f', 'j', 'w', 'z']));
  });

  it('never puts more than ten keys in a row, so keys stay 15 mm wide on a portrait screen', () => {
    for (const row of [...LETTER_ROWS, DIGIT_ROW]) expect(row.length).toBeLessThanOrEqual(10);
  });

  it('has the five tones, each named in the catalogue', () => {
    expect(TONES.map((t) => t.tone)).toEqual(['sac', 'huyen', 'hoi', 'nga', 'nang']);
    for (const t of TONES) expect(strings[t.name]).toBeTruthy();
  });
});

describe('physical keys', () => {
  it('reads letters as Telex and other characters as themselves', () => {
    expect(key('a')).toEqual({ kind: 'telex', value: 'a' });
    expect(key('S')).toEqual({ kind: 'telex', value: 'S' });
    expect(key('5')).toEqual({ kind: 'char', value: '5' });
    expect(key('ơ')).toEqual({ kind: 'char', value: 'ơ' });
    expect(key(' ')).toEqual({ kind: 'space' });
    expect(key('Backspace')).toEqual({ kind: 'backspace' });
  });

  it('ignores keys that are not typing', () => {
    for (const k of ['Enter', 'Tab', 'ArrowLeft', 'Shift', 'F5', 'Escape']) expect(key(k)).toBeNull();
    expect(key('r', { ctrlKey: true })).toBeNull();
    expect(key('p', { metaKey: true })).toBeNull();
  });
});
