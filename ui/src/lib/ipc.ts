// Calls into the Rust side through the generated bindings, always ending in a Result whose
// error carries a message from the string catalogue: the Rust side sends a stable code, the
// catalogue says it in plain Vietnamese. A thrown Error or a silent back end become errors too.

import type { CommandError, ErrorCode } from './bindings';
import { logEvent } from './events';
import { fmt, t, type StringKey } from './strings';

export type Result<T, E> = { status: 'ok'; data: T } | { status: 'error'; error: E };

/** An error as the screens show it: a code for logic, a catalogue message for people. */
export type UiError = { code: ErrorCode | 'timeout' | 'internal'; message: string };

export const IPC_TIMEOUT_MS = 15_000;

const MESSAGES: Record<UiError['code'], StringKey> = {
  backend_unreachable: 'error.backendUnreachable',
  not_found: 'error.notFound',
  invalid_request: 'error.invalidRequest',
  backend_error: 'error.backendError',
  speech_unavailable: 'error.speechUnavailable',
  card_foreign: 'error.cardForeign',
  card_unreadable: 'error.cardUnreadable',
  card_invalid: 'error.cardInvalid',
  no_card: 'error.noCard',
  invalid_phone: 'error.invalidPhone',
  otp_wrong: 'error.otpWrong',
  otp_locked: 'error.otpLocked',
  otp_expired: 'error.otpExpired',
  otp_used: 'error.otpUsed',
  too_many_codes: 'error.tooManyCodes',
  resend_too_soon: 'error.resendTooSoon',
  sms_unavailable: 'error.smsUnavailable',
  account_has_other_phone: 'error.accountHasOtherPhone',
  camera_unavailable: 'identify.cameraOff',
  staff_denied: 'error.staffDenied',
  staff_locked: 'error.staffLocked',
  staff_required: 'error.staffRequired',
  staff_card_foreign: 'error.staffCardForeign',
  staff_card_citizen: 'error.staffCardCitizen',
  staff_card_refused: 'error.staffCardRefused',
  scanner_unavailable: 'error.scannerUnavailable',
  scan_unreadable: 'error.scanUnreadable',
  too_many_pages: 'error.tooManyPages',
  payment_closed: 'error.paymentClosed',
  dossier_not_found: 'error.dossierNotFound',
  lookup_locked: 'error.lookupLocked',
  lookup_foreign: 'lookup.foreignQr',
  save_failed: 'submit.failed',
  timeout: 'error.timeout',
  internal: 'error.generic',
};

/** Every error code the UI has a message for (each is logged as the event `error.<code>`). */
export const UI_ERROR_CODES = Object.keys(MESSAGES) as UiError['code'][];

/**
 * The error for `code`, with the catalogue's message (unknown codes get the generic one).
 * A wrong code says how many tries are left.
 */
export function uiError(code: string, attemptsLeft?: number | null): UiError {
  const known = (code in MESSAGES ? code : 'internal') as UiError['code'];
  if (known === 'otp_wrong' && typeof attemptsLeft === 'number') {
    return { code: known, message: fmt('error.otpWrongLeft', { n: attemptsLeft }) };
  }
  return { code: known, message: t(MESSAGES[known]) };
}

/**
 * Calls a command; an error comes back with the catalogue's message and is logged as the event
 * `error.<code>` (the code only: nothing of what the citizen typed or showed).
 */
export async function safeCall<T>(
  call: () => Promise<Result<T, CommandError>>,
  timeoutMs = IPC_TIMEOUT_MS,
): Promise<Result<T, UiError>> {
  const r = await safeCallQuiet(call, timeoutMs);
  if (r.status === 'error') logEvent(`error.${r.error.code}`);
  return r;
}

async function safeCallQuiet<T>(
  call: () => Promise<Result<T, CommandError>>,
  timeoutMs: number,
): Promise<Result<T, UiError>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Result<T, UiError>>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'error', error: uiError('timeout') }), timeoutMs);
  });
  try {
    return await Promise.race([call().then(toUiResult), timeout]);
  } catch (e) {
    console.error('IPC call failed', e);
    return { status: 'error', error: uiError('internal') };
  } finally {
    clearTimeout(timer);
  }
}

function toUiResult<T>(r: Result<T, CommandError>): Result<T, UiError> {
  if (r.status === 'ok') return r;
  const e = r.error as Partial<CommandError> | string | null | undefined;
  if (typeof e === 'object' && e && typeof e.code === 'string') {
    // `detail` is English for the log and carries no personal data.
    console.warn('command failed', e.code, e.detail);
    return { status: 'error', error: uiError(e.code, e.attemptsLeft) };
  }
  return { status: 'error', error: uiError('internal') };
}
