// The idle rule: after `idleMs` without a touch, a countdown of `countdownMs` with one button
// to stay; when it runs out, the session ends and everything of the citizen is wiped.

export type IdleState =
  | { kind: 'active' }
  | { kind: 'warning'; secondsLeft: number }
  | { kind: 'expired' };

/** Where the idle rule stands `nowMs` after the last touch at `lastActivityMs`. */
export function idleState(lastActivityMs: number, nowMs: number, idleMs: number, countdownMs: number): IdleState {
  const quiet = Math.max(0, nowMs - lastActivityMs);
  if (quiet < idleMs) return { kind: 'active' };
  const left = idleMs + countdownMs - quiet;
  if (left <= 0) return { kind: 'expired' };
  return { kind: 'warning', secondsLeft: Math.ceil(left / 1000) };
}

/** Used until the Rust side says otherwise (and in the browser preview). */
export const DEFAULT_IDLE_SECONDS = 120;
export const DEFAULT_COUNTDOWN_SECONDS = 30;
