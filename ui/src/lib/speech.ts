// "Nghe": what a screen says aloud, and asking the Rust side (espeak-ng) to say it.

import { tick } from 'svelte';
import { commands } from './bindings';
import { safeCall } from './ipc';
import { prefs } from './prefs.svelte';

/**
 * Joins the visible lines of a screen into sentences for the voice: one pause per line,
 * so a heading, a price and a button label are never run together.
 */
export function spokenText(lines: readonly string[]): string {
  return lines
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l.length > 0)
    .map((l) => (/[.?!:;…]$/.test(l) ? l : `${l}.`))
    .join(' ')
    .normalize('NFC');
}

/**
 * The text of a screen as a citizen sees it: an open dialog alone when there is one,
 * else the step line and the middle of the screen, in reading order.
 */
export function screenLines(screen: HTMLElement): string[] {
  const dialog = screen.querySelector<HTMLElement>('dialog[open]');
  const parts = dialog ? [dialog] : [...screen.querySelectorAll<HTMLElement>('.step, main')];
  return parts.flatMap((el) => el.innerText.split('\n'));
}

/** Reads `screen` aloud with the citizen's rate and volume. */
export async function readAloud(screen: HTMLElement): Promise<void> {
  const text = spokenText(screenLines(screen));
  if (!text) return;
  const r = await safeCall(() =>
    commands.speak(text, { rate: prefs.speechRate, volume: prefs.speechVolume }),
  );
  if (r.status === 'error') console.warn('speech unavailable', r.error.code);
}

/**
 * Reads the open screen `name` aloud once what it shows has settled: for an answer that arrives
 * after the screen opened (a dossier's code, a lookup's status).
 */
export async function readScreenWhenShown(name: string): Promise<void> {
  await tick();
  const screen = document.querySelector<HTMLElement>(`[data-testid="screen-${name}"]`);
  if (screen) await readAloud(screen);
}

/** Stops any speech now (a screen change, the end of a session). */
export function stopSpeaking(): void {
  commands.stopSpeaking().catch((e: unknown) => console.warn('stop speaking failed', e));
}
