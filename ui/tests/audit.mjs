// Accessibility and size audit of every screen, in headless Chromium.
//
//   npm run build && npm run audit            (npm run audit -- --shots /tmp/a11y-shots)
//
// For every screen × viewport (1920×1080, 1080×1920) × contrast mode × text size it:
//  - runs axe-core (WCAG 2.0/2.1/2.2 A and AA) and fails on any violation;
//  - runs the AAA rules (color-contrast-enhanced …) and reports them; contrast-enhanced fails
//    in the two high-contrast modes (UI.md: 7:1 for text there);
//  - measures the smallest text (px and capital height in mm) and the smallest touch target and
//    gap, and fails below UI.md's rules (body capital ≥ 5 mm and heading ≥ 8 mm at the default
//    size, larger steps above it; targets ≥ 15 mm high, ≥ 3 mm apart);
//  - checks that the bottom band (help, back, primary) is fully on screen with no scrolling and
//    that nothing in the middle is cut off under it.
// It serves `dist/` itself on a free port and uses Debian's Chromium (CHROMIUM to override).

import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const UI = resolve(fileURLToPath(import.meta.url), '../..');
const DIST = join(UI, 'dist');
const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// ---------- the rules (UI.md) and the theme's constants (theme.ts) ----------

const themeSrc = readFileSync(join(UI, 'src/lib/theme.ts'), 'utf8');
function themeConst(name) {
  const m = themeSrc.match(new RegExp(`export const ${name} = ([0-9.]+);`));
  if (!m) throw new Error(`theme.ts: ${name} not found`);
  return Number(m[1]);
}
const PX_PER_MM = themeConst('DEFAULT_PX_PER_MM');
const CAP_EM = themeConst('CAP_HEIGHT_EM');
const TEXT_SIZES = ['medium', 'large', 'xlarge'];
const CONTRASTS = ['highLight', 'highDark', 'standard'];
const HIGH_CONTRASTS = new Set(['highLight', 'highDark']);

/** UI.md, "Type": default body capital height ≥ 5 mm, headings ≥ 8 mm. */
const BODY_CAP_MIN_MM = 5;
const HEADING_CAP_MIN_MM = 8;
/** UI.md, "Touch": targets ≥ 15 mm high, ≥ 3 mm apart. */
const TARGET_MIN_MM = 15;
const GAP_MIN_MM = 3;

const AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const AAA_TAGS = ['wcag2aaa'];

const VIEWPORTS = [
  { name: '1920x1080', width: 1920, height: 1080 },
  { name: '1080x1920', width: 1080, height: 1920 },
];

/**
 * Every screen of the UI, by mock deep link, and what shows that it is ready (`click`: a tap
 * after that; `main`: in a dialog, the buttons that must be fully on screen).
 */
const SCREENS = [
  { name: 'welcome', query: '', ready: '[data-testid="start"]', main: ['start', 'open-lookup'] },
  { name: 'list', query: '&screen=list', ready: '[data-testid^="procedure-card-"]', main: ['back', 'open-search'] },
  { name: 'search', query: '&screen=search', ready: '[data-testid="kb-a"]', main: ['back', 'kb-a', 'kb-z', 'kb-tone-nang', 'kb-space', 'kb-clear'] },
  { name: 'list-error', query: '&screen=list&fail=list', ready: '[data-testid="retry"]', main: ['back'] },
  { name: 'detail-1.001193', query: '&screen=detail&code=1.001193', ready: '[data-testid="fee-text"]', main: ['back', 'primary'] },
  { name: 'detail-2.000815', query: '&screen=detail&code=2.000815', ready: '[data-testid="fee-text"]', main: ['back', 'primary'] },
  { name: 'detail-error', query: '&screen=detail&code=0.000000', ready: '[data-testid="retry"]', main: ['back', 'primary'] },
  { name: 'identify', query: '&screen=identify&code=2.000635', ready: 'h1', main: ['back'] },
  { name: 'confirm', query: '&screen=confirm&code=2.000635', ready: '[data-testid="card-data"]', main: ['back', 'primary', 'confirm-no'] },
  { name: 'phone', query: '&screen=phone&code=2.000635', ready: '[data-testid="pad-1"]', main: ['back', 'primary', 'no-phone'] },
  { name: 'staff', query: '&screen=staff&code=2.000635', ready: '[data-testid="kb-a"]', main: ['back', 'primary', 'kb-a', 'kb-clear'] },
  { name: 'scan', query: '&screen=scan&code=2.000635', ready: '[data-testid="scan-capture"]', main: ['back', 'primary', 'scan-capture', 'scan-paper'] },
  { name: 'pay', query: '&screen=pay&code=2.000635', ready: '[data-testid="pay-amount"]', main: ['back', 'primary', 'pay-counter', 'pay-more'] },
  { name: 'code', query: '&screen=code&code=2.000635', ready: '[data-testid="pad-1"]', main: ['back', 'primary'] },
  { name: 'review', query: '&screen=review&code=2.000635', ready: '[data-testid="review"]', main: ['back', 'primary'] },
  { name: 'submitted', query: '&screen=submitted&code=2.000635', ready: '[data-testid="dossier-code"]', main: ['primary'] },
  { name: 'lookup', query: '&screen=lookup', ready: '[data-testid="lookup-type"]', main: ['back', 'lookup-type'] },
  { name: 'handover', query: '&screen=handover&code=2.000635', ready: '[data-testid="handover-called"]', main: ['primary'] },
  { name: 'unlock', query: '&screen=unlock', ready: '[data-testid="kb-a"]', main: ['back', 'primary', 'kb-a', 'kb-clear'] },
  { name: 'helper-mode', query: '&screen=scan&code=2.000635&helper=1', ready: '[data-testid="scan-capture"]', main: ['back', 'primary', 'helper-open', 'scan-capture'] },
  { name: 'helper-panel', query: '&screen=scan&code=2.000635&helper=panel', ready: '[data-testid="helper-close"]', dialog: true, main: ['helper-skip', 'helper-restart', 'helper-close'] },
  { name: 'helper-restart', query: '&screen=scan&code=2.000635&helper=panel', ready: '[data-testid="helper-close"]', dialog: true, main: ['helper-restart-yes', 'helper-restart-no'], click: 'helper-restart' },
  { name: 'devices', query: '&screen=devices&helper=1', ready: '[data-testid="device-printer"]', main: ['back', 'primary', 'helper-open'] },
  { name: 'help-coming', query: '&screen=list&help=ok', ready: '[data-testid="help-dialog-ok"]', dialog: true },
  { name: 'help-failed', query: '&screen=list&help=error', ready: '[data-testid="help-dialog-ok"]', dialog: true },
];

const args = process.argv.slice(2);
const shotsIdx = args.indexOf('--shots');
const SHOTS = shotsIdx >= 0 ? args[shotsIdx + 1] : process.env.AUDIT_SHOTS || null;
const VERBOSE = args.includes('--verbose');

// ---------- a static server for dist/ ----------

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

function serveDist() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DIST + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      // Hashed assets and fonts are cached, so each of the many page loads costs little.
      const cache = file.includes(`${sep}assets${sep}`) ? 'public, max-age=3600, immutable' : 'no-store';
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': cache }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok(server));
  });
}

// ---------- measuring inside the page ----------

/** Runs in the page: text sizes, targets, gaps, the bottom band and overflow. */
function measureInPage(opts) {
  const { mainIds, dialog } = opts;
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  const openDialog = document.querySelector('dialog[open]');
  const scope = openDialog ?? document.body;

  const describe = (el) => {
    const id = el.getAttribute('data-testid');
    if (id) return `[data-testid="${id}"]`;
    const cls = typeof el.className === 'string' ? el.className.trim().split(/\s+/).filter((c) => !c.startsWith('s-'))[0] : '';
    return el.tagName.toLowerCase() + (cls ? '.' + cls : '');
  };
  const shown = (el) => {
    const cs = getComputedStyle(el);
    if (cs.visibility !== 'visible' || cs.display === 'none' || Number(cs.opacity) === 0) return false;
    if (el.closest('dialog:not([open])')) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  /** The part of an element's box not clipped by scrolling ancestors or the viewport. */
  const visibleRect = (el) => {
    const r = el.getBoundingClientRect();
    let box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    for (let a = el.parentElement; a; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
        const ar = a.getBoundingClientRect();
        box = {
          left: Math.max(box.left, ar.left),
          top: Math.max(box.top, ar.top),
          right: Math.min(box.right, ar.right),
          bottom: Math.min(box.bottom, ar.bottom),
        };
      }
    }
    box = { left: Math.max(box.left, 0), top: Math.max(box.top, 0), right: Math.min(box.right, vw), bottom: Math.min(box.bottom, vh) };
    return box.right > box.left && box.bottom > box.top ? box : null;
  };

  // Text: the parent of every visible, non-blank text node (in the open dialog if there is one).
  const texts = [];
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const s = n.textContent.trim();
    if (!s) continue;
    const el = n.parentElement;
    if (!el || !shown(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const rr = range.getBoundingClientRect();
    if (rr.width === 0 || rr.height === 0) continue;
    const cs = getComputedStyle(el);
    const heading = el.closest('h1, [id$="dialog-title"]');
    texts.push({
      px: parseFloat(cs.fontSize),
      text: s.slice(0, 40),
      el: describe(el),
      heading: heading !== null,
      subheading: heading === null && el.closest('h2, h3, h4, h5, h6') !== null,
    });
  }

  // Touch targets: everything a finger can press (in the open dialog if there is one).
  const targets = [];
  for (const el of scope.querySelectorAll('button, [role="button"], a[href], a, input, select, textarea, summary')) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    targets.push({ el, name: describe(el), w: r.width, h: r.height, vis: visibleRect(el) });
  }
  let minGap = null;
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) {
      const a = targets[i];
      const b = targets[j];
      if (!a.vis || !b.vis || a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const dx = Math.max(0, b.vis.left - a.vis.right, a.vis.left - b.vis.right);
      const dy = Math.max(0, b.vis.top - a.vis.bottom, a.vis.top - b.vis.bottom);
      const d = Math.hypot(dx, dy);
      if (minGap === null || d < minGap.px) minGap = { px: d, a: a.name, b: b.name };
    }
  }

  // The main action: the bottom band and its buttons fully on screen, with nothing to scroll.
  const problems = [];
  const doc = document.scrollingElement ?? document.documentElement;
  if (doc.scrollHeight > vh + 1 || doc.scrollWidth > vw + 1) {
    problems.push(`page scrolls (${doc.scrollWidth}×${doc.scrollHeight} in ${vw}×${vh})`);
  }
  const inViewport = (r) => r.left >= -0.5 && r.top >= -0.5 && r.right <= vw + 0.5 && r.bottom <= vh + 0.5;
  const band = document.querySelector('footer.bottom');
  if (!band) problems.push('no bottom band');
  else if (!inViewport(band.getBoundingClientRect())) problems.push('bottom band not fully on screen');
  const ids = dialog ? (mainIds.length ? mainIds : ['help-dialog-ok']) : ['help-button', ...mainIds];
  for (const id of ids) {
    const el = document.querySelector(`[data-testid="${id}"]`);
    if (!el || !shown(el)) {
      problems.push(`${id} missing`);
      continue;
    }
    const r = el.getBoundingClientRect();
    if (!inViewport(r)) problems.push(`${id} not fully on screen`);
    const v = visibleRect(el);
    if (!v || v.right - v.left < r.width - 0.5 || v.bottom - v.top < r.height - 0.5) {
      problems.push(`${id} partly hidden (scroll needed)`);
    }
  }
  // Nothing in the middle may be cut off or drawn under the bottom band.
  const middle = document.querySelector('main.middle');
  if (middle && (middle.scrollHeight > middle.clientHeight + 1 || middle.scrollWidth > middle.clientWidth + 1)) {
    problems.push(`middle overflows (${middle.scrollWidth}×${middle.scrollHeight} in ${middle.clientWidth}×${middle.clientHeight})`);
  }
  const top = document.querySelector('header.top');
  if (top && top.scrollWidth > top.clientWidth + 1) problems.push('top band overflows');
  if (openDialog && openDialog.scrollHeight > openDialog.clientHeight + 1) {
    problems.push('help dialog scrolls');
  }

  const mm = parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--mm'));
  return {
    mm,
    textSize: document.documentElement.dataset.textSize,
    colorMode: document.documentElement.dataset.colorMode,
    texts,
    targets: targets.map(({ name, w, h }) => ({ name, w, h })),
    minGap,
    problems,
  };
}

// ---------- running ----------

const capMm = (px) => (px * CAP_EM) / PX_PER_MM;
const mmOf = (px) => px / PX_PER_MM;
const f1 = (n) => (n == null ? '-' : n.toFixed(1));

const timing = { load: 0, axe: 0 };
const results = []; // one row per screen × viewport × contrast × size
let passed = 0;
let failed = 0;
const failures = [];

function check(row, name, ok, detail) {
  if (ok) passed++;
  else {
    failed++;
    row.failed.push(name);
    failures.push(`FAIL ${row.key} ${name}: ${detail}`);
    console.log(`FAIL ${row.key} ${name}: ${detail}`);
  }
}

async function waitReady(page, screen) {
  await page.waitForSelector(screen.ready, { state: 'visible', timeout: 10_000 });
  // A state reached by one tap (the helper panel's restart confirmation).
  if (screen.click) {
    await page.click(`[data-testid="${screen.click}"]`);
    await page.waitForSelector(`[data-testid="${screen.main[0]}"]`, { state: 'visible', timeout: 10_000 });
  }
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

async function auditOne(page, base, vp, screen, contrast, size) {
  const url = `${base}/?mock=1${screen.query}&contrast=${contrast}&size=${size}`;
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await waitReady(page, screen);
  timing.load += Date.now() - t0;

  const key = `${screen.name} ${vp.name} ${contrast}/${size}`;
  const row = { key, screen: screen.name, vp: vp.name, contrast, size, failed: [], aaa: [] };

  const m = await page.evaluate(measureInPage, { mainIds: screen.main ?? [], dialog: Boolean(screen.dialog) });
  check(row, 'mode applied', m.textSize === size && m.colorMode === contrast && m.mm === PX_PER_MM,
    `page shows ${m.colorMode}/${m.textSize} at ${m.mm} px/mm`);

  const t1 = Date.now();
  const axe = await page.evaluate(
    async (tags) => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] });
      const slim = (list) =>
        list.map((v) => ({
          id: v.id,
          impact: v.impact,
          tags: v.tags,
          nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: (n.failureSummary ?? '').split('\n').slice(1, 2).join('').trim() })),
        }));
      return { violations: slim(r.violations), incomplete: slim(r.incomplete), passes: r.passes.map((v) => v.id) };
    },
    [...AA_TAGS, ...AAA_TAGS],
  );
  timing.axe += Date.now() - t1;
  // The audit itself: axe ran the contrast rules on this screen (not silently nothing).
  const ran = new Set([...axe.passes, ...axe.violations.map((v) => v.id), ...axe.incomplete.map((v) => v.id)]);
  check(row, 'axe checked contrast', ran.has('color-contrast') && ran.has('color-contrast-enhanced') && ran.has('target-size'),
    `rules with results: ${[...ran].join(', ')}`);
  const isAA = (v) => v.tags.some((t) => AA_TAGS.includes(t));
  const aa = axe.violations.filter(isAA);
  const aaa = axe.violations.filter((v) => !isAA(v));
  row.aa = aa.reduce((n, v) => n + v.nodes.length, 0);
  check(row, 'axe WCAG 2.2 AA', aa.length === 0,
    aa.map((v) => v.nodes.map((n) => `\n    ${v.id} (${v.impact}) ${n.target} — ${n.summary}`).join('')).join(''));

  for (const v of aaa) row.aaa.push(`${v.id}×${v.nodes.length}`);
  const contrastAAA = aaa.filter((v) => v.id === 'color-contrast-enhanced');
  if (HIGH_CONTRASTS.has(contrast)) {
    check(row, 'contrast 7:1 (AAA, high modes)', contrastAAA.length === 0,
      contrastAAA.flatMap((v) => v.nodes.map((n) => `\n    ${n.target} — ${n.summary}`)).join(''));
  } else if (contrastAAA.length) {
    console.log(`note ${key}: color-contrast-enhanced (report only in standard): ` +
      contrastAAA.flatMap((v) => v.nodes.map((n) => `\n    ${n.target} — ${n.summary}`)).join(''));
  }
  const unsure = axe.incomplete.filter((v) => v.id.startsWith('color-contrast') || v.id === 'target-size');
  for (const v of unsure) row.aaa.push(`${v.id}?${v.nodes.length}`);
  if (VERBOSE) {
    for (const v of unsure) for (const n of v.nodes) console.log(`  unsure ${key} ${v.id} ${n.target}`);
  }

  // Text.
  const minText = m.texts.reduce((a, t) => (a === null || t.px < a.px ? t : a), null);
  const headings = m.texts.filter((t) => t.heading);
  const minHeading = headings.reduce((a, t) => (a === null || t.px < a.px ? t : a), null);
  const subs = m.texts.filter((t) => t.subheading);
  const minSub = subs.reduce((a, t) => (a === null || t.px < a.px ? t : a), null);
  row.minTextPx = minText?.px ?? null;
  row.minHeadingPx = minHeading?.px ?? null;
  row.minSubPx = minSub?.px ?? null;
  check(row, 'text found', minText !== null && minHeading !== null, 'no visible text or no heading');
  if (size === 'medium' && minText) {
    check(row, `text capital ≥ ${BODY_CAP_MIN_MM} mm`, capMm(minText.px) >= BODY_CAP_MIN_MM - 1e-6,
      `${minText.px}px = ${capMm(minText.px).toFixed(2)} mm capital: ${minText.el} “${minText.text}”`);
  }
  if (size === 'medium' && minHeading) {
    check(row, `heading capital ≥ ${HEADING_CAP_MIN_MM} mm`, capMm(minHeading.px) >= HEADING_CAP_MIN_MM - 1e-6,
      `${minHeading.px}px = ${capMm(minHeading.px).toFixed(2)} mm capital: ${minHeading.el} “${minHeading.text}”`);
  }

  // Targets.
  const minH = m.targets.reduce((a, t) => (a === null || t.h < a.h ? t : a), null);
  const minW = m.targets.reduce((a, t) => (a === null || t.w < a.w ? t : a), null);
  row.minTargetH = minH?.h ?? null;
  row.minTargetW = minW?.w ?? null;
  row.minGap = m.minGap?.px ?? null;
  check(row, 'targets found', m.targets.length > 0, 'no touch targets');
  if (minH) {
    check(row, `targets ≥ ${TARGET_MIN_MM} mm high`, mmOf(minH.h) >= TARGET_MIN_MM - 1e-6,
      `${minH.name} is ${f1(minH.h)} px = ${mmOf(minH.h).toFixed(2)} mm high`);
  }
  if (m.minGap) {
    check(row, `targets ≥ ${GAP_MIN_MM} mm apart`, mmOf(m.minGap.px) >= GAP_MIN_MM - 1e-6,
      `${m.minGap.a} and ${m.minGap.b} are ${f1(m.minGap.px)} px = ${mmOf(m.minGap.px).toFixed(2)} mm apart`);
  }

  // Main action and overflow.
  check(row, 'main action on screen, nothing cut off', m.problems.length === 0, m.problems.join('; '));

  if (SHOTS && (size !== 'large')) {
    await page.screenshot({ path: join(SHOTS, `${screen.name}_${vp.name}_${contrast}_${size}.png`) });
  }
  results.push(row);
  return row;
}

async function auditViewport(browser, base, vp) {
  const context = await browser.newContext({
    viewport: { width: vp.width, height: vp.height },
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  await context.addInitScript({ content: AXE_SOURCE });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  for (const screen of SCREENS) {
    for (const contrast of CONTRASTS) {
      for (const size of TEXT_SIZES) await auditOne(page, base, vp, screen, contrast, size);
    }
  }
  await context.close();
  return errors;
}

/** Larger text sizes must be larger: the smallest text and the heading grow at each step. */
function checkSteps() {
  for (const screen of SCREENS) {
    for (const vp of VIEWPORTS) {
      for (const contrast of CONTRASTS) {
        const rows = TEXT_SIZES.map((s) => results.find((r) => r.screen === screen.name && r.vp === vp.name && r.contrast === contrast && r.size === s));
        for (let i = 1; i < rows.length; i++) {
          const [a, b] = [rows[i - 1], rows[i]];
          if (!a || !b) continue;
          check(b, `${b.size} text above ${a.size}`, b.minTextPx > a.minTextPx && b.minHeadingPx > a.minHeadingPx,
            `smallest text ${a.minTextPx}→${b.minTextPx} px, heading ${a.minHeadingPx}→${b.minHeadingPx} px`);
        }
      }
    }
  }
}

function printTable() {
  const head = ['screen', 'viewport', 'contrast', 'size', 'AA viol.', 'AAA notes', 'min text px (cap mm)', 'h2 px', 'min target h×w mm', 'min gap mm', 'result'];
  const rows = results.map((r) => [
    r.screen,
    r.vp,
    r.contrast,
    r.size,
    String(r.aa ?? '-'),
    r.aaa.length ? r.aaa.join(' ') : '-',
    r.minTextPx == null ? '-' : `${f1(r.minTextPx)} (${capMm(r.minTextPx).toFixed(2)})`,
    r.minSubPx == null ? '-' : f1(r.minSubPx),
    r.minTargetH == null ? '-' : `${mmOf(r.minTargetH).toFixed(1)}×${mmOf(r.minTargetW).toFixed(1)}`,
    r.minGap == null ? '-' : mmOf(r.minGap).toFixed(1),
    r.failed.length ? 'FAIL' : 'ok',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log();
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
  console.log();
  console.log('AAA notes: rule×nodes that fail; rule?nodes that axe could not decide (reported, not failed).');
}

async function main() {
  const t0 = Date.now();
  try {
    readFileSync(join(DIST, 'index.html'));
  } catch {
    console.error('dist/ is missing: run `npm run build` first');
    process.exit(2);
  }
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.error(`${executablePath} is missing: apt-get install chromium (scripts/setup.sh does)`);
    process.exit(2);
  }
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  const server = await serveDist();
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--font-render-hinting=none',
    ],
  });
  let errors = [];
  try {
    // One page per viewport, both at once (two renderer processes).
    errors = (await Promise.all(VIEWPORTS.map((vp) => auditViewport(browser, base, vp)))).flat();
  } finally {
    await browser.close();
    server.close();
  }
  results.sort((a, b) => {
    const k = (r) => [SCREENS.findIndex((s) => s.name === r.screen), VIEWPORTS.findIndex((v) => v.name === r.vp), CONTRASTS.indexOf(r.contrast), TEXT_SIZES.indexOf(r.size)];
    const [x, y] = [k(a), k(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return 0;
  });
  checkSteps();
  const dummy = { key: 'page errors', failed: [] };
  check(dummy, 'no uncaught errors in the page', errors.length === 0, errors.join('; '));
  printTable();
  if (failures.length) {
    console.log(`\n${failures.length} failed checks:`);
    for (const f of failures) console.log('  ' + f.split('\n')[0]);
  }
  if (VERBOSE) console.log(`time in page loads ${timing.load} ms, in axe ${timing.axe} ms (both viewports summed)`);
  console.log(`audit took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
