import { describe, expect, it } from 'vitest';
import { setEventSink, type UiEvent } from './events';
import { safeCall, uiError } from './ipc';
import { t } from './strings';

function quiet<T>(f: () => Promise<T>): Promise<T> {
  const [err, warn] = [console.error, console.warn];
  console.error = () => {};
  console.warn = () => {};
  return f().finally(() => {
    console.error = err;
    console.warn = warn;
  });
}

describe('safeCall', () => {
  it('passes ok results through', async () => {
    expect(await safeCall(async () => ({ status: 'ok', data: 42 }))).toEqual({ status: 'ok', data: 42 });
  });
  it('maps each command error code to its catalogue message', async () => {
    const cases = [
      ['backend_unreachable', 'error.backendUnreachable'],
      ['not_found', 'error.notFound'],
      ['invalid_request', 'error.invalidRequest'],
      ['backend_error', 'error.backendError'],
    ] as const;
    for (const [code, key] of cases) {
      const r = await quiet(() =>
        safeCall(async () => ({ status: 'error' as const, error: { code, detail: 'x' } })),
      );
      expect(r).toEqual({ status: 'error', error: { code, message: t(key) } });
    }
  });
  it('gives an unknown code the generic message', () => {
    expect(uiError('printer_on_fire')).toEqual({ code: 'internal', message: t('error.generic') });
  });
  it('turns a thrown Error into the generic message', async () => {
    const r = await quiet(() =>
      safeCall<number>(async () => {
        throw new Error('no backend');
      }),
    );
    expect(r).toEqual({ status: 'error', error: { code: 'internal', message: t('error.generic') } });
  });
  it('replaces an error that is not a CommandError', async () => {
    const r = await quiet(() => safeCall(async () => ({ status: 'error', error: 'boom' as never })));
    expect(r.status === 'error' && r.error.message).toBe(t('error.generic'));
  });
  it('gives up after the timeout', async () => {
    const r = await safeCall<number>(() => new Promise(() => {}), 20);
    expect(r).toEqual({ status: 'error', error: { code: 'timeout', message: t('error.timeout') } });
  });
});

describe('errors as events', () => {
  it('logs each error shown as error.<code>, and nothing for a success', async () => {
    const logged: [UiEvent, string | null][] = [];
    setEventSink(async (code, screen) => {
      logged.push([code, screen]);
    });
    try {
      await safeCall(async () => ({ status: 'ok', data: 1 }));
      expect(logged).toEqual([]);
      await quiet(() =>
        safeCall(async () => ({ status: 'error' as const, error: { code: 'otp_wrong' as const, detail: 'x', attemptsLeft: 2, retryAfterSeconds: null } })),
      );
      await safeCall<number>(() => new Promise(() => {}), 10);
      await quiet(() => safeCall(async () => ({ status: 'error', error: 'boom' as never })));
      expect(logged.map(([code]) => code)).toEqual(['error.otp_wrong', 'error.timeout', 'error.internal']);
    } finally {
      setEventSink(null);
    }
  });
});
