// Kiosk lockdown in the web view: no text selection, context menu, reload, find, print or zoom,
// and one tap counted once. The Tauri side locks the window itself; this covers the page.

export type KeyLike = {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
};

const ZOOM_KEYS = new Set(['=', '+', '-', '_', '0']);
const CTRL_LETTERS = new Set(['r', 'f', 'g', 'p', 's', 'o', 'u', 'n', 't', 'w', 'j', 'h']);

/** True for a key press that would reload, find, print, save, zoom or navigate away. */
export function isBlockedKey(e: KeyLike): boolean {
  const key = e.key;
  const mod = Boolean(e.ctrlKey || e.metaKey);
  if (key === 'F5' || key === 'F3' || key === 'F7' || key === 'F11' || key === 'BrowserRefresh') return true;
  if (key === 'BrowserBack' || key === 'BrowserForward' || key === 'BrowserSearch') return true;
  if (e.altKey && (key === 'ArrowLeft' || key === 'ArrowRight' || key === 'Home')) return true;
  if (mod && ZOOM_KEYS.has(key)) return true;
  if (mod && CTRL_LETTERS.has(key.toLowerCase())) return true;
  return false;
}

/**
 * Counts a tap once: a second click within `windowMs` of the last accepted one (a trembling
 * double tap, or a tap landing on the next screen's button) is dropped.
 */
export function createTapGuard(windowMs = 400) {
  let last = Number.NEGATIVE_INFINITY;
  return {
    accept(now: number): boolean {
      if (now - last < windowMs) return false;
      last = now;
      return true;
    },
    /** Call when the screen changes: taps right after it are dropped too. */
    hold(now: number): void {
      last = now;
    },
  };
}

export const tapGuard = createTapGuard();

/** Installs the page-level lockdown; returns a function that removes it (for tests and HMR). */
export function installLockdown(doc: Document = document): () => void {
  const win = doc.defaultView ?? window;
  const prevent = (e: Event) => e.preventDefault();
  const onKey = (e: KeyboardEvent) => {
    if (isBlockedKey(e)) {
      e.preventDefault();
      e.stopPropagation();
    }
  };
  const onWheel = (e: WheelEvent) => {
    if (e.ctrlKey || e.metaKey) e.preventDefault();
  };
  const onClick = (e: MouseEvent) => {
    if (!tapGuard.accept(e.timeStamp)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  };

  const listeners: Array<[EventTarget, string, EventListener, AddEventListenerOptions]> = [
    [win, 'keydown', onKey as EventListener, { capture: true }],
    [win, 'wheel', onWheel as EventListener, { capture: true, passive: false }],
    [doc, 'contextmenu', prevent, { capture: true }],
    [doc, 'selectstart', prevent, { capture: true }],
    [doc, 'dragstart', prevent, { capture: true }],
    // WebKit pinch gestures (WebKitGTK on the Linux kiosk).
    [doc, 'gesturestart', prevent, { capture: true, passive: false }],
    [doc, 'gesturechange', prevent, { capture: true, passive: false }],
    [win, 'click', onClick as EventListener, { capture: true }],
  ];
  for (const [target, type, fn, opts] of listeners) target.addEventListener(type, fn, opts);
  return () => {
    for (const [target, type, fn, opts] of listeners) target.removeEventListener(type, fn, opts);
  };
}
