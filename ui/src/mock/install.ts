// Browser preview only (`?mock=1` and no Tauri): answers the kiosk's commands from sample data.
// Loaded with a dynamic import so none of this is in the main bundle.

import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  CommandError,
  ComponentPagesView,
  DeviceHealthView,
  Composed,
  DraftView,
  FeeView,
  HelpCall,
  KeyPress,
  KioskInfo,
  LookupView,
  PaymentView,
  ReviewView,
  SubmitView,
} from '../lib/bindings';
import { MOCK_CARD, MOCK_PAGE_JPEG, MOCK_PROCEDURES, mockCatalog } from './catalog';

export type MockOptions = {
  helpFails?: boolean;
  listFails?: boolean;
  delayMs?: number;
  helperMode?: boolean;
  /** scripts/bench-coldstart: GET this path once, when the first screen reports itself shown. */
  readyBeacon?: string;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function installMock(opts: MockOptions = {}): void {
  const delay = opts.delayMs ?? 250;
  let helpCalls = 0;
  let beaconSent = false;
  let helperMode = opts.helperMode ?? false;
  let onPaper = false;
  const pages: string[] = [];
  mockIPC(async (cmd, payload) => {
    if (delay > 0) await sleep(delay);
    const args = (payload ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case 'kiosk_info':
        return {
          kioskId: 'mock-01',
          backendUrl: 'mock://',
          embedded: true,
          version: '0.0.0-mock',
          idleSeconds: 120,
          countdownSeconds: 30,
          scanner: 'scanner',
        } satisfies KioskInfo;
      case 'read_card': {
        const payload = String(args['payload'] ?? '');
        if (!payload.includes('|')) throw { code: 'card_foreign', detail: 'mock: not a card', attemptsLeft: null, retryAfterSeconds: null } satisfies CommandError;
        return MOCK_CARD;
      }
      case 'unlock_staff':
        if (args['pin'] !== '482916') throw { code: 'staff_denied', detail: 'mock: the PIN is 482916', attemptsLeft: null, retryAfterSeconds: null } satisfies CommandError;
        helperMode = true;
        return { displayName: 'Nguyễn Thị Lan' };
      case 'unlock_staff_card': {
        const text = String(args['text'] ?? '').trim();
        if (text.includes('|')) throw { code: 'staff_card_citizen', detail: 'mock: a citizen card', attemptsLeft: null, retryAfterSeconds: null } satisfies CommandError;
        if (!/^MOTCUA:CB:[0-9a-f]{64}$/.test(text)) throw { code: 'staff_card_foreign', detail: 'mock: not a staff card', attemptsLeft: null, retryAfterSeconds: null } satisfies CommandError;
        helperMode = true;
        return { displayName: 'Nguyễn Thị Lan' };
      }
      case 'end_helper_mode':
        helperMode = false;
        return null;
      case 'log_event':
        return null;
      case 'device_health':
        return {
          camera: 'ok',
          scanner: 'failing',
          scannerKind: 'scanner',
          printer: 'paper_low',
          backend: 'ok',
          outboxPending: 1,
          outboxNeedsHelper: 0,
        } satisfies DeviceHealthView;
      case 'vouch_account':
        return { created: true };
      case 'find_account':
        return { found: false, maskedPhone: null };
      case 'send_code':
        return { resendAfterSeconds: 60 };
      case 'verify_code':
        if (args['code'] !== '123456') throw { code: 'otp_wrong', detail: 'mock: the code is 123456', attemptsLeft: 4, retryAfterSeconds: null } satisfies CommandError;
        return { created: true };
      case 'quote_fee': {
        const copies = Number(args['copies'] ?? 1);
        const p = MOCK_PROCEDURES.find((x) => x.code === args['procedureCode']);
        const exempt = typeof args['exemption'] === 'string';
        const free = !p || p.feeInWords === null || exempt;
        const amount = free ? 0 : 8000 * copies;
        return {
          free,
          amountText: `${amount.toLocaleString('vi-VN')} đồng`,
          amountInWords: copies === 1 ? 'Tám nghìn đồng' : `${copies} lần tám nghìn đồng`,
          ruleText: p?.feeText ?? 'Miễn phí',
          legalBasis: p?.feeBasis ?? '',
          copies,
          asksCopies: !free,
          exemption: exempt
            ? {
                label: 'Người thuộc hộ nghèo',
                document: { id: 'giay-ho-ngheo', name: 'Giấy chứng nhận hộ nghèo', note: null, required: true },
              }
            : null,
        } satisfies FeeView;
      }
      case 'start_payment':
      case 'payment_status': {
        // A stand-in pattern, not a real QR: the preview shows the layout only.
        const width = 29;
        const modules = Array.from({ length: width * width }, (_, i) => ((i * 7919) % 13 < 6 ? '1' : '0')).join('');
        const counter = args['method'] === 'counter';
        return {
          method: counter ? 'counter' : 'vietqr',
          status: 'pending',
          amountText: '8.000 đồng',
          amountInWords: 'Tám nghìn đồng',
          reference: 'MCAB12CD34',
          qrModules: counter ? null : modules,
          qrWidth: counter ? null : width,
          accountName: counter ? null : 'TRUNG TAM PHUC VU HANH CHINH CONG (MAU)',
          accountNumber: counter ? null : '0000000000',
          sampleAccount: !counter,
          counterCode: counter ? '482913' : null,
          receipt: null,
        } satisfies PaymentView;
      }
      case 'scan_page':
        return { thumbnailBase64: MOCK_PAGE_JPEG, warnings: pages.length === 1 ? ['blurred'] : [] } satisfies DraftView;
      case 'keep_page':
        pages.push(MOCK_PAGE_JPEG);
        return { pages: [...pages], onPaper: false } satisfies ComponentPagesView;
      case 'remove_page':
        pages.splice(Number(args['index']), 1);
        return { pages: [...pages], onPaper: false } satisfies ComponentPagesView;
      case 'component_pages':
        return { pages: [...pages], onPaper: false } satisfies ComponentPagesView;
      case 'retake_page':
        return null;
      case 'mark_on_paper':
        if (!helperMode) throw { code: 'staff_required', detail: 'mock: no helper mode', attemptsLeft: null, retryAfterSeconds: null } satisfies CommandError;
        onPaper = Boolean(args['onPaper']);
        return { pages: [...pages], onPaper } satisfies ComponentPagesView;
      case 'watch_camera':
        // The preview has no camera: the identify screen shows the QR reader's picture.
        return false;
      case 'report_screen':
        if (opts.readyBeacon && !beaconSent) {
          beaconSent = true;
          void fetch(opts.readyBeacon).catch(() => undefined);
        }
        return null;
      case 'speak':
      case 'stop_speaking':
      case 'stop_camera':
      case 'end_session':
        return null;
      case 'list_procedures':
        if (opts.listFails) {
          throw { code: 'backend_unreachable', detail: 'mock: list fails', attemptsLeft: null, retryAfterSeconds: null } satisfies CommandError;
        }
        return mockCatalog();
      case 'search_procedures': {
        // The real search (Rust) ignores every mark; the preview only ignores case and tones.
        const plain = (x: string) => x.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
        const words = plain(String(args['query'] ?? '')).split(/\s+/).filter(Boolean);
        if (words.length === 0) return [];
        return mockCatalog()
          .fields.flatMap((f) => f.procedures)
          .filter((p) => words.every((w) => plain(p.name).split(' ').some((n) => n.startsWith(w))));
      }
      case 'compose': {
        // A stand-in for the Rust composer: good enough to preview the screen, not its rules.
        const text = String(args['text'] ?? '');
        const key = args['key'] as KeyPress;
        const marks: Record<string, string> = { none: '', sac: '\u0301', huyen: '\u0300', hoi: '\u0309', nga: '\u0303', nang: '\u0323' };
        let next = text;
        if (key.kind === 'char' || key.kind === 'telex') next = text + key.value;
        else if (key.kind === 'space') next = text + ' ';
        else if (key.kind === 'backspace') next = [...text].slice(0, -1).join('');
        else if (key.kind === 'tone') next = text + marks[key.value];
        next = next.normalize('NFC');
        return { text: next, changed: next !== text } satisfies Composed;
      }
      case 'get_procedure': {
        const p = MOCK_PROCEDURES.find((x) => x.code === args['code']);
        if (!p) throw { code: 'not_found', detail: 'mock: no such procedure', attemptsLeft: null, retryAfterSeconds: null } satisfies CommandError;
        return p;
      }
      case 'call_helper': {
        if (opts.helpFails) {
          throw { code: 'backend_unreachable', detail: 'mock: help fails', attemptsLeft: null, retryAfterSeconds: null } satisfies CommandError;
        }
        helpCalls += 1;
        console.info('mock call_helper', args);
        return {
          requestId: `mock-help-${helpCalls}`,
          createdAt: new Date().toISOString(),
        } satisfies HelpCall;
      }
      case 'review_dossier': {
        const p = MOCK_PROCEDURES.find((x) => x.code === args['procedureCode']);
        return {
          procedureName: p?.name ?? 'Thủ tục mẫu',
          applicant: { fullName: MOCK_CARD.fullName, idNumber: MOCK_CARD.idNumber, address: MOCK_CARD.address, phone: '0912 345 678' },
          components: [
            { name: 'Tờ khai', pages: 1, onPaper: false },
            { name: 'Giấy tờ gốc', pages: 2, onPaper: false },
          ],
          copies: 1,
          paidAmount: p?.feeInWords ? '8.000 đồng' : null,
          receiptNumber: p?.feeInWords ? '0000001' : null,
          exemption: null,
          missing: [],
        } satisfies ReviewView;
      }
      case 'submit_dossier': {
        const p = MOCK_PROCEDURES.find((x) => x.code === args['procedureCode']);
        return {
          delivered: true,
          needsHelper: false,
          code: '261126-0001',
          lookupSecret: '042917',
          localReference: 'K-7F3A9C',
          procedureName: p?.name ?? 'Thủ tục mẫu',
          receivedAt: '10 giờ 52 phút, ngày 26/11/2026',
          due: 'Thứ Sáu, ngày 27/11/2026',
          resultPlace: 'Bộ phận Một cửa, UBND xã',
          print: { printed: true, message: null },
        } satisfies SubmitView;
      }
      case 'print_receipt':
        return { printed: true, message: null };
      case 'lookup_qr':
      case 'lookup_dossier': {
        const ok = cmd === 'lookup_dossier' ? args['secret'] === '042917' : String(args['text'] ?? '').startsWith('MOTCUA:HS:');
        if (!ok) {
          const code = cmd === 'lookup_qr' ? 'lookup_foreign' : 'dossier_not_found';
          throw { code, detail: 'mock: the secret is 042917', attemptsLeft: null, retryAfterSeconds: null } satisfies CommandError;
        }
        return {
          code: '261126-0001',
          procedureName: 'Cấp bản sao trích lục hộ tịch',
          status: 'processing',
          statusLabel: 'Đang giải quyết',
          receivedAt: '10 giờ 52 phút, ngày 26/11/2026',
          due: 'Thứ Sáu, ngày 27/11/2026',
          resultPlace: 'Bộ phận Một cửa, UBND xã',
          history: [
            { label: 'Đã tiếp nhận', at: '10 giờ 52 phút, ngày 26/11/2026', note: null },
            { label: 'Đang giải quyết', at: '14 giờ 05 phút, ngày 26/11/2026', note: null },
          ],
        } satisfies LookupView;
      }
      default:
        throw { code: 'backend_error', detail: `mock: unknown command ${cmd}`, attemptsLeft: null, retryAfterSeconds: null } satisfies CommandError;
    }
  });
}
