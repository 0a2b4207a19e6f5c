// The UI's side of the kiosk's one event table (src-tauri/src/events.rs): what the UI reports of
// the citizen's and the helper's actions, and the errors it shows, each by its stable code and at
// most the screen's name — never anything typed or read. The Rust side refuses codes that are not
// in its table (a test reads UI_EVENTS below and checks each one there).

import { commands, type ErrorCode } from './bindings';

/** Every action code the UI reports (errors are `error.<code>`, one per UiError code). */
export const UI_EVENTS = [
  'screen.shown',
  'listen.pressed',
  'prefs.text_size',
  'prefs.contrast',
  'nav.back',
  'idle.warned',
  'idle.extended',
  'session.timed_out',
  'session.finished',
  'helper.panel_opened',
  'helper.skip_step',
  'helper.devices_shown',
  'session.restarted',
] as const;

export type UiEvent = (typeof UI_EVENTS)[number] | `error.${ErrorCode | 'timeout' | 'internal'}`;

/** The screen now shown, so events without a screen of their own name it. */
let currentScreen: string | null = null;

export function setEventScreen(screen: string): void {
  currentScreen = screen;
}

type Sink = (code: UiEvent, screen: string | null) => Promise<unknown>;

const toRust: Sink = (code, screen) => commands.logEvent(code, screen);
let sink: Sink = toRust;

/** Tests only: where events go instead of the `log_event` command (`null`: back to it). */
export function setEventSink(next: Sink | null): void {
  sink = next ?? toRust;
}

/** Logs `code` (on `screen`, else the screen shown). Never fails the caller. */
export function logEvent(code: UiEvent, screen: string | null = currentScreen): void {
  try {
    sink(code, screen).catch((e: unknown) => console.warn('log_event failed', e));
  } catch (e) {
    console.warn('log_event failed', e);
  }
}
