import { describe, expect, it } from 'vitest';
import { idleState } from './idle';

const IDLE = 120_000;
const COUNTDOWN = 30_000;

describe('idleState', () => {
  const check = (quietMs: number, want: ReturnType<typeof idleState>) =>
    expect(idleState(1_000, 1_000 + quietMs, IDLE, COUNTDOWN)).toEqual(want);

  it('stays active until the idle time has passed', () => {
    check(0, { kind: 'active' });
    check(IDLE - 1, { kind: 'active' });
  });
  it('counts down whole seconds, starting at the full countdown', () => {
    check(IDLE, { kind: 'warning', secondsLeft: 30 });
    check(IDLE + 1, { kind: 'warning', secondsLeft: 30 });
    check(IDLE + 1_000, { kind: 'warning', secondsLeft: 29 });
    check(IDLE + COUNTDOWN - 1, { kind: 'warning', secondsLeft: 1 });
  });
  it('expires when the countdown runs out', () => {
    check(IDLE + COUNTDOWN, { kind: 'expired' });
    check(IDLE * 10, { kind: 'expired' });
  });
  it('treats a clock that went backwards as activity', () => {
    expect(idleState(5_000, 1_000, IDLE, COUNTDOWN)).toEqual({ kind: 'active' });
  });
});
