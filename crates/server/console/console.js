// The helper console: vanilla JavaScript, no build step. It talks to the
// /v1 API with the console cookie (HttpOnly, set at login) and re-reads a
// section whenever /v1/console/events says something in it changed.
'use strict';

// Every word the page shows, in one place.
const S = {
  connecting: 'Đang kết nối…',
  live: 'Đang cập nhật trực tiếp',
  lost: 'Mất kết nối, đang thử lại…',
  loginFailed: 'Sai tên đăng nhập hoặc mật khẩu.',
  loginLocked: (min) => `Tài khoản tạm khóa vì nhập sai nhiều lần. Vui lòng thử lại sau ${min} phút.`,
  sessionEnded: 'Phiên làm việc đã hết. Vui lòng đăng nhập lại.',
  failed: 'Không thực hiện được. Vui lòng thử lại.',
  unreachable: 'Không kết nối được máy chủ. Vui lòng kiểm tra mạng rồi thử lại.',
  kiosk: (name) => `Máy ${name}`,
  calledAt: (t) => `gọi lúc ${t}`,
  procedure: (c) => `thủ tục ${c}`,
  answer: 'Đã hỗ trợ xong',
  waiting: (n) => `(${n} đang chờ)`,
  kioskCount: (on, all) => `(${on}/${all} đang hoạt động)`,
  online: 'Đang hoạt động',
  offline: 'Mất kết nối',
  neverSeen: 'Chưa nhận tín hiệu',
  devices: { camera: 'Camera', scanner: 'Máy quét', printer: 'Máy in', backend: 'Máy chủ' },
  deviceState: { ok: 'tốt', missing: 'không thấy', failing: 'lỗi', not_configured: 'không dùng' },
  outbox: (n) => (n === 0 ? 'Không có' : `${n} hồ sơ`),
  needsHelper: (n) => `${n} hồ sơ cần cán bộ`,
  ago: (s) => (s < 60 ? `${s} giây trước` : s < 3600 ? `${Math.floor(s / 60)} phút trước` : `${Math.floor(s / 3600)} giờ trước`),
  code: 'Mã thu tiền',
  expires: (t) => `hết hạn lúc ${t}`,
  paidButton: 'Đã thu tiền',
  paidDone: (amount, code, receipt) => `Đã xác nhận thu ${amount} (mã ${code}). Biên lai số ${receipt}.`,
  money: (n) => `${new Intl.NumberFormat('vi-VN').format(n)} đồng`,
  notFound: 'Không tìm thấy hồ sơ nào với mã này.',
  several: 'Có nhiều hồ sơ với mã tạm này. Chọn một hồ sơ:',
  dossier: {
    code: 'Mã hồ sơ', procedure: 'Thủ tục', applicant: 'Người nộp', status: 'Trạng thái',
    received: 'Ngày nhận', due: 'Hẹn trả', place: 'Nơi trả kết quả', components: 'Thành phần',
    local: 'Mã tạm của kiosk', history: 'Quá trình xử lý',
    componentsText: (digital, all) => `${all} thành phần, ${digital} có bản số`,
  },
  statusLabel: {
    received: 'Đã tiếp nhận', processing: 'Đang giải quyết', needs_more_documents: 'Cần bổ sung giấy tờ',
    done: 'Đã có kết quả', returned: 'Trả lại hồ sơ',
  },
  changeStatus: 'Chuyển sang trạng thái',
  note: 'Ghi chú cho công dân',
  noteRequired: 'Trạng thái này cần ghi chú cho công dân.',
  noteHint: 'Bắt buộc khi cần bổ sung giấy tờ hoặc trả lại hồ sơ.',
  save: 'Cập nhật trạng thái',
  saved: (label) => `Đã chuyển sang “${label}”.`,
  final: 'Hồ sơ đã ở trạng thái cuối, không đổi được nữa.',
  figures: {
    received: 'Hồ sơ đã nhận', online: 'Nộp trực tuyến', onTime: 'Giải quyết đúng hạn',
    paidOnline: 'Thanh toán trực tuyến', digitized: 'Thành phần được số hóa',
    none: 'Chưa có số liệu', of: (c, n) => `${c}/${n}`,
  },
  chartTitle: 'Số hồ sơ nhận theo từng giờ trong ngày',
  actor: { kiosk: (id) => `Máy ${id}`, staff: (id) => `Cán bộ ${id}`, bank: () => 'Ngân hàng', system: () => 'Hệ thống' },
  action: {
    'account.created': 'Tạo tài khoản',
    'account.verified': 'Xác thực tài khoản',
    'account.vouched': 'Cán bộ bảo lãnh tài khoản',
    'otp.issued': 'Gửi mã xác thực',
    'upload.completed': 'Nhận xong tài liệu',
    'dossier.created': 'Tiếp nhận hồ sơ',
    'dossier.status_changed': 'Đổi trạng thái hồ sơ',
    'payment.created': 'Tạo khoản thanh toán',
    'payment.cancelled': 'Hủy khoản thanh toán',
    'payment.expired': 'Khoản thanh toán hết hạn',
    'payment.confirmed_by_bank': 'Ngân hàng báo đã nhận tiền',
    'payment.cash_confirmed': 'Xác nhận thu tiền mặt',
    'bank_transaction.unapplied': 'Giao dịch ngân hàng cần xử lý',
    'receipt.issued': 'Phát hành biên lai',
    'help_request.created': 'Gọi cán bộ hỗ trợ',
    'help_request.resolved': 'Đã hỗ trợ xong',
    'kiosk.added': 'Thêm máy kiosk',
    'kiosk.token_renewed': 'Cấp lại khóa máy kiosk',
    'kiosk.revoked': 'Thu hồi máy kiosk',
    'staff.added': 'Thêm cán bộ',
    'staff.disabled': 'Khóa tài khoản cán bộ',
    'staff.login': 'Cán bộ đăng nhập',
    'staff.logout': 'Cán bộ đăng xuất',
    'staff.helper_mode_unlocked': 'Mở chế độ cán bộ trên kiosk',
  },
  hour: (h) => `${h}h`,
};

const STEP = {
  welcome: 'Màn hình chào', search: 'Tìm thủ tục', list: 'Chọn thủ tục', detail: 'Xem thủ tục',
  identify: 'Đọc căn cước', account: 'Tài khoản', phone: 'Số điện thoại', code: 'Nhập mã SMS',
  scan: 'Chụp giấy tờ', review: 'Kiểm tra thông tin', pay: 'Thanh toán', confirm: 'Xác nhận nộp',
  submitted: 'Đã nộp hồ sơ', handover: 'Nhận biên nhận', lookup: 'Tra cứu hồ sơ', staff: 'Chế độ cán bộ',
};

const NEXT = {
  received: ['processing', 'needs_more_documents', 'done', 'returned'],
  processing: ['needs_more_documents', 'done', 'returned'],
  needs_more_documents: ['processing', 'returned'],
  done: [],
  returned: [],
};

const TZ = 'Asia/Ho_Chi_Minh';
const timeFmt = new Intl.DateTimeFormat('vi-VN', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dateFmt = new Intl.DateTimeFormat('vi-VN', { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric' });
const pctFmt = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });

const $ = (id) => document.getElementById(id);

/** An element with attributes and children (strings become text). */
function el(tag, attrs, ...children) {
  const node = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.setAttribute('class', v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === 'string' || typeof c === 'number' ? String(c) : c);
  }
  return node;
}

function time(rfc) { const d = new Date(rfc); return Number.isNaN(d.getTime()) ? '' : timeFmt.format(d); }
function date(rfc) { const d = new Date(rfc); return Number.isNaN(d.getTime()) ? '' : dateFmt.format(d); }
function dateTime(rfc) { return `${time(rfc)} ${date(rfc)}`; }
function isoDate(ymd) { const [y, m, d] = String(ymd).split('-'); return d && m && y ? `${d}/${m}/${y}` : ymd; }

class ApiError extends Error {
  constructor(status, problem, message) { super(message); this.status = status; this.problem = problem; }
}

async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  let resp;
  try { resp = await fetch(path, init); } catch (e) { throw new ApiError(0, null, S.unreachable); }
  const text = await resp.text();
  let data = null;
  if (text) { try { data = JSON.parse(text); } catch (e) { data = null; } }
  if (resp.ok) return data;
  if (resp.status === 401 && path !== '/v1/staff/sessions') {
    showLogin(S.sessionEnded);
  }
  throw new ApiError(resp.status, data, (data && data.message) || S.failed);
}

// ---------------------------------------------------------------- session

let events = null;
let kioskTimer = null;
let loggedIn = false;

function showLogin(message) {
  loggedIn = false;
  if (events) { events.close(); events = null; }
  if (kioskTimer) { clearInterval(kioskTimer); kioskTimer = null; }
  $('console-view').hidden = true;
  $('who').hidden = true;
  $('login-view').hidden = false;
  const err = $('login-error');
  err.hidden = !message;
  err.textContent = message || '';
  $('login-user').focus();
}

function showConsole() {
  loggedIn = true;
  $('login-view').hidden = true;
  $('console-view').hidden = false;
  $('who').hidden = false;
  $('who-name').textContent = sessionStorage.getItem('motcua.console.name') || '';
  connectEvents();
  loadAll();
  if (!kioskTimer) kioskTimer = setInterval(() => schedule('kiosks'), 15000);
}

async function login(ev) {
  ev.preventDefault();
  const button = $('login-submit');
  button.disabled = true;
  try {
    const s = await api('POST', '/v1/staff/sessions', {
      user: $('login-user').value.trim(),
      password: $('login-password').value.normalize('NFC'),
    });
    sessionStorage.setItem('motcua.console.name', s.display_name || s.user || '');
    $('login-password').value = '';
    showConsole();
  } catch (e) {
    let msg = e.message;
    if (e.status === 401) msg = S.loginFailed;
    if (e.status === 429) msg = S.loginLocked(Math.max(1, Math.ceil(((e.problem && e.problem.retry_after_seconds) || 60) / 60)));
    const err = $('login-error');
    err.textContent = msg;
    err.hidden = false;
  } finally {
    button.disabled = false;
  }
}

async function logout() {
  try { await api('DELETE', '/v1/staff/sessions'); } catch (e) { /* the session is gone either way */ }
  sessionStorage.removeItem('motcua.console.name');
  showLogin('');
}

function setLive(state) {
  const live = $('live-status');
  live.dataset.state = state;
  live.textContent = state === 'open' ? S.live : state === 'lost' ? S.lost : S.connecting;
}

function connectEvents() {
  if (events) events.close();
  setLive('connecting');
  const source = new EventSource('/v1/console/events');
  events = source;
  source.onopen = () => { setLive('open'); loadAll(); };
  source.onerror = () => {
    if (events !== source) return;
    setLive('lost');
    if (source.readyState === EventSource.CLOSED) {
      // Refused (the session ended) or the server went away: ask which.
      setTimeout(async () => {
        if (events !== source || !loggedIn) return;
        try { await api('GET', '/v1/console/kiosks'); connectEvents(); } catch (e) {
          if (e.status !== 401 && loggedIn) setTimeout(connectEvents, 5000);
        }
      }, 2000);
    }
  };
  const on = (kind, sections) => source.addEventListener(kind, (m) => {
    let id = '';
    try { id = JSON.parse(m.data).id || ''; } catch (e) { id = ''; }
    sections.forEach((s) => schedule(s));
    if (kind !== 'heartbeat') schedule('audit');
    if (kind === 'dossier_status_changed' && id && id === shownDossier) schedule('dossier');
  });
  on('help_request_created', ['help']);
  on('help_request_answered', ['help']);
  on('heartbeat', ['kiosks']);
  on('payment_created', ['counter']);
  on('payment_confirmed', ['counter', 'figures']);
  on('dossier_received', ['figures']);
  on('dossier_status_changed', ['figures']);
  on('resync', ['help', 'kiosks', 'counter', 'figures']);
}

// Coalesces bursts of events into one read per section.
const timers = {};
const loaders = {};
function schedule(section) {
  if (!loggedIn) return;
  clearTimeout(timers[section]);
  timers[section] = setTimeout(() => { loaders[section]().catch(() => {}); }, 120);
}

function loadAll() { ['help', 'kiosks', 'counter', 'figures', 'audit'].forEach((s) => schedule(s)); }

// ---------------------------------------------------------------- audit log

function shortId(id) { return id.length > 24 ? `${id.slice(0, 12)}…` : id; }

loaders.audit = async () => {
  const data = await api('GET', '/v1/audit?limit=15');
  const items = ((data && data.items) || []).slice().reverse();
  $('audit-list').replaceChildren(...items.map((e) => el('li', { 'data-action': e.action },
    el('div', { class: 'item-main' },
      el('div', { class: 'item-title' }, S.action[e.action] || e.action),
      el('div', { class: 'item-sub' },
        [time(e.at), (S.actor[e.actor_kind] || String)(e.actor_id), shortId(e.subject_id)].join(' · '))))));
  $('audit-empty').hidden = items.length > 0;
};

// ------------------------------------------------------------ help requests

loaders.help = async () => {
  const data = await api('GET', '/v1/console/help-requests');
  const items = (data && data.items) || [];
  const list = $('help-list');
  list.replaceChildren(...items.map((r) => el('li', { 'data-id': r.id },
    el('div', { class: 'item-main' },
      el('div', { class: 'item-title' }, S.kiosk(r.kiosk_id)),
      el('div', { class: 'item-sub' },
        [STEP[r.step] || r.step, S.calledAt(time(r.created_at)), r.procedure_code ? S.procedure(r.procedure_code) : null]
          .filter(Boolean).join(' · '))),
    el('button', { type: 'button', class: 'primary answer', onclick: (ev) => answer(ev.currentTarget, r.id) }, S.answer))));
  $('help-empty').hidden = items.length > 0;
  $('help-count').textContent = items.length ? S.waiting(items.length) : '';
};

async function answer(button, id) {
  button.disabled = true;
  try { await api('POST', `/v1/help-requests/${encodeURIComponent(id)}/answer`); } catch (e) { button.disabled = false; }
  schedule('help');
}

// ------------------------------------------------------------------ kiosks

function deviceItem(name, state) {
  const cls = state === 'ok' ? 'dev-ok' : state === 'not_configured' ? 'dev-none' : 'dev-bad';
  return el('li', { class: cls }, `${S.devices[name]}: ${S.deviceState[state] || state}`);
}

loaders.kiosks = async () => {
  const data = await api('GET', '/v1/console/kiosks');
  const items = (data && data.items) || [];
  const now = data && data.now ? new Date(data.now).getTime() : Date.now();
  const rows = items.map((k) => {
    const hb = k.heartbeat;
    const ago = k.last_seen_at ? Math.max(0, Math.round((now - new Date(k.last_seen_at).getTime()) / 1000)) : null;
    return el('tr', { 'data-kiosk': k.name, 'data-online': k.online ? 'yes' : 'no' },
      el('th', { scope: 'row' }, k.name),
      el('td', {}, el('span', { class: k.online ? 'state on' : 'state off' }, k.online ? S.online : S.offline)),
      el('td', {}, hb ? (STEP[hb.step] || hb.step) : '—'),
      el('td', {}, hb ? el('ul', { class: 'devices' }, ['camera', 'scanner', 'printer', 'backend'].map((d) => deviceItem(d, hb.devices[d]))) : '—'),
      el('td', { class: 'outbox' }, hb ? [S.outbox(hb.outbox_pending), ' ', hb.outbox_needs_helper > 0 ? el('span', { class: 'warn' }, S.needsHelper(hb.outbox_needs_helper)) : null] : '—'),
      el('td', { class: 'seen' }, k.last_seen_at
        ? [el('span', {}, time(k.last_seen_at)), el('span', { class: 'ago' }, S.ago(ago))]
        : S.neverSeen));
  });
  $('kiosk-rows').replaceChildren(...rows);
  $('kiosks-empty').hidden = items.length > 0;
  $('kiosks-count').textContent = items.length ? S.kioskCount(items.filter((k) => k.online).length, items.length) : '';
};

// ---------------------------------------------------------------- counter

function spacedCode(code) { return code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code; }

loaders.counter = async () => {
  const data = await api('GET', '/v1/counter/payments');
  const items = ((data && data.items) || []).filter((p) => p.status === 'pending');
  $('counter-list').replaceChildren(...items.map((p) => el('li', { 'data-id': p.id, 'data-code': p.counter_code },
    el('div', { class: 'item-main' },
      el('div', {}, el('span', { class: 'code', 'aria-label': `${S.code} ${p.counter_code}` }, spacedCode(p.counter_code)),
        el('span', { class: 'amount' }, S.money(p.amount))),
      el('div', { class: 'item-sub' }, `${p.procedure_name} · ${S.kiosk(p.kiosk)} · ${S.expires(time(p.expires_at))}`)),
    el('button', { type: 'button', class: 'primary confirm', onclick: (ev) => confirmPaid(ev.currentTarget, p) }, S.paidButton))));
  $('counter-empty').hidden = items.length > 0;
  $('counter-count').textContent = items.length ? S.waiting(items.length) : '';
};

async function confirmPaid(button, p) {
  button.disabled = true;
  const msg = $('counter-message');
  try {
    const paid = await api('POST', `/v1/counter/payments/${encodeURIComponent(p.id)}/confirm`);
    const receipt = paid && paid.receipt ? (paid.receipt.number_text || String(paid.receipt.number)) : '';
    msg.className = 'notice';
    msg.textContent = S.paidDone(S.money(paid.amount), p.counter_code, receipt);
  } catch (e) {
    msg.className = 'error';
    msg.textContent = e.message;
    button.disabled = false;
  }
  msg.hidden = false;
  schedule('counter');
}

// ---------------------------------------------------------------- dossiers

let shownDossier = null;
// The last change made here, kept when an event redraws the dossier.
let dossierMessage = null;

function looksLikeCode(v) {
  const digits = v.replace(/[\s-]/g, '');
  return /^\d{10,20}$/.test(digits);
}

async function lookup(ev) {
  ev.preventDefault();
  const v = $('lookup-input').value.normalize('NFC').trim();
  if (!v) return;
  const err = $('lookup-error');
  err.hidden = true;
  dossierMessage = null;
  try {
    let found = null;
    if (looksLikeCode(v)) {
      try { found = await api('GET', `/v1/dossiers/${encodeURIComponent(v)}`); } catch (e) { if (e.status !== 404) throw e; }
    }
    if (!found) {
      const list = await api('GET', `/v1/dossiers?local_reference=${encodeURIComponent(v)}`);
      const items = (list && list.items) || [];
      if (items.length === 1) [found] = items;
      else if (items.length > 1) { showChoices(items); return; }
    }
    if (!found) { err.textContent = S.notFound; err.hidden = false; $('dossier-result').hidden = true; shownDossier = null; return; }
    showDossier(found);
  } catch (e) {
    err.textContent = e.status === 400 ? S.notFound : e.message;
    err.hidden = false;
  }
}

function showChoices(items) {
  const box = $('dossier-result');
  box.replaceChildren(el('p', {}, S.several), el('ul', { class: 'list' }, items.map((d) => el('li', {},
    el('span', {}, `${d.code} · ${d.procedure_name}`),
    el('button', { type: 'button', onclick: () => showDossier(d) }, d.code)))));
  box.hidden = false;
}

async function reloadDossier() {
  if (!shownDossier) return;
  const d = await api('GET', `/v1/dossiers/${encodeURIComponent(shownDossier)}`);
  showDossier(d, dossierMessage && dossierMessage.code === d.code ? dossierMessage.text : undefined);
}
loaders.dossier = reloadDossier;

function showDossier(d, message) {
  shownDossier = d.code;
  const comps = d.components || [];
  const digital = comps.filter((c) => c.files > 0).length;
  const rows = [
    [S.dossier.code, el('span', { id: 'dossier-code' }, d.code)],
    [S.dossier.procedure, d.procedure_name],
    [S.dossier.applicant, d.applicant ? d.applicant.full_name : ''],
    [S.dossier.status, el('span', { id: 'dossier-status', 'data-status': d.status }, S.statusLabel[d.status] || d.status)],
    [S.dossier.received, dateTime(d.received_at)],
    [S.dossier.due, isoDate(d.due_date)],
    [S.dossier.place, d.result_place],
    [S.dossier.components, S.dossier.componentsText(digital, comps.length)],
    d.local_reference ? [S.dossier.local, d.local_reference] : null,
  ].filter(Boolean);
  const history = el('ol', { class: 'history', id: 'dossier-history' }, (d.history || []).map((h) => el('li', {},
    el('strong', {}, h.label || S.statusLabel[h.status] || h.status), ` · ${dateTime(h.at)}`,
    h.note ? el('span', { class: 'note' }, h.note) : null)));
  const next = NEXT[d.status] || [];
  let form;
  if (next.length) {
    const select = el('select', { id: 'status-select' }, next.map((s) => el('option', { value: s }, S.statusLabel[s])));
    const note = el('textarea', { id: 'status-note', rows: 2, maxlength: 500, 'aria-describedby': 'status-note-hint' });
    const out = el('p', { id: 'status-message', role: 'status', hidden: !message, class: 'notice' }, message || '');
    form = el('form', { id: 'status-form', onsubmit: (ev) => changeStatus(ev, d.code, select, note, out) },
      el('label', { for: 'status-select' }, S.changeStatus), select,
      el('label', { for: 'status-note' }, S.note), note,
      el('p', { class: 'hint', id: 'status-note-hint' }, S.noteHint),
      out,
      el('button', { type: 'submit', class: 'primary' }, S.save));
  } else {
    form = el('div', {}, message ? el('p', { class: 'notice', role: 'status', id: 'status-message' }, message) : null, el('p', { class: 'hint' }, S.final));
  }
  $('dossier-result').replaceChildren(el('div', { class: 'dossier' },
    el('dl', {}, rows.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
    el('h3', {}, S.dossier.history), history, form));
  $('dossier-result').hidden = false;
}

async function changeStatus(ev, code, select, note, out) {
  ev.preventDefault();
  const status = select.value;
  const text = note.value.normalize('NFC').trim();
  if (!text && (status === 'needs_more_documents' || status === 'returned')) {
    out.className = 'error'; out.textContent = S.noteRequired; out.hidden = false; note.focus();
    return;
  }
  try {
    await api('POST', `/v1/dossiers/${encodeURIComponent(code)}/status`, text ? { status, note: text } : { status });
    const d = await api('GET', `/v1/dossiers/${encodeURIComponent(code)}`);
    dossierMessage = { code: d.code, text: S.saved(S.statusLabel[status]) };
    showDossier(d, dossierMessage.text);
  } catch (e) {
    out.className = 'error'; out.textContent = e.message; out.hidden = false;
  }
}

// ----------------------------------------------------------------- figures

function share(s) {
  if (!s || !s.of) return el('span', { class: 'of' }, S.figures.none);
  return [el('span', { class: 'big' }, `${pctFmt.format(s.percent)}%`), ' ', el('span', { class: 'of' }, `(${S.figures.of(s.count, s.of)})`)];
}

loaders.figures = async () => {
  const f = await api('GET', '/v1/console/figures');
  $('figures-date').textContent = `(${isoDate(f.date)})`;
  const items = [
    ['dossiers_received', S.figures.received, el('span', { class: 'big' }, String(f.dossiers_received))],
    ['submitted_online', S.figures.online, share(f.submitted_online)],
    ['resolved_on_time', S.figures.onTime, share(f.resolved_on_time)],
    ['paid_online', S.figures.paidOnline, share(f.paid_online)],
    ['components_digitized', S.figures.digitized, share(f.components_digitized)],
  ];
  $('figure-list').replaceChildren(...items.map(([key, label, value]) => el('div', { class: 'tile' },
    el('div', { class: 'tile-label' }, label), el('div', { class: 'tile-value', 'data-figure': key }, value))));
  drawChart(f.per_hour || []);
};

/** Bars of dossiers per hour: working hours always, other hours when used. */
function drawChart(perHour) {
  let first = 7;
  let last = 17;
  perHour.forEach((n, h) => { if (n > 0) { first = Math.min(first, h); last = Math.max(last, h); } });
  const hours = [];
  for (let h = first; h <= last; h += 1) hours.push(h);
  const max = Math.max(1, ...hours.map((h) => perHour[h] || 0));
  const W = 440; const H = 190; const left = 8; const bottom = 24; const top = 18;
  const step = (W - left * 2) / hours.length;
  const barW = Math.max(6, step * 0.62);
  const svg = el('svg:svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'chart-title', id: 'chart-svg' },
    el('svg:title', { id: 'chart-title' }, S.chartTitle),
    el('svg:line', { class: 'axis', x1: left, x2: W - left, y1: H - bottom, y2: H - bottom }));
  hours.forEach((h, i) => {
    const n = perHour[h] || 0;
    const x = left + i * step + (step - barW) / 2;
    const bh = ((H - bottom - top) * n) / max;
    const y = H - bottom - bh;
    const g = el('svg:g', { 'data-hour': h, 'data-count': n },
      el('svg:rect', { class: 'bar', x: x.toFixed(1), y: y.toFixed(1), width: barW.toFixed(1), height: bh.toFixed(1) }),
      el('svg:text', { x: (x + barW / 2).toFixed(1), y: H - 6, 'text-anchor': 'middle' }, S.hour(h)));
    if (n > 0) g.append(el('svg:text', { class: 'value', x: (x + barW / 2).toFixed(1), y: (y - 4).toFixed(1), 'text-anchor': 'middle' }, String(n)));
    svg.append(g);
  });
  $('chart').replaceChildren(svg);
}

// ------------------------------------------------------------------ start

document.addEventListener('DOMContentLoaded', async () => {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  $('lookup-form').addEventListener('submit', lookup);
  try {
    await api('GET', '/v1/console/kiosks');
    showConsole();
  } catch (e) {
    showLogin(e.status === 401 ? '' : e.message);
  }
});
