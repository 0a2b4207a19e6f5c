// Helper mode as the UI sees it: which helper unlocked it (their display name only), whether the
// helper panel is open, and the actions the open screen lends the panel. The Rust side holds the
// helper's token and checks it for every helper action; this only decides what to show.

export type HelperState = {
  /** the helper's name while helper mode is unlocked */
  displayName: string | null;
  panelOpen: boolean;
  /** set by the scan screen while it is open: marks its component on paper (or takes it back) */
  markPaper: (() => Promise<boolean>) | null;
  /** set by the app: opens the helper screen to unlock helper mode, coming back to this screen */
  requestUnlock: (() => void) | null;
};

export const helper = $state<HelperState>({ displayName: null, panelOpen: false, markPaper: null, requestUnlock: null });

/** Helper mode ends (with the session, or the helper leaves). */
export function clearHelper(): void {
  helper.displayName = null;
  helper.panelOpen = false;
}
