// A camera for the screen that is open: the ID-card camera (identify) or the document camera (scan).
// Starts it, hands its pictures and QR texts to the screen, and turns it off when the screen closes.

import { Channel } from '@tauri-apps/api/core';
import { commands, type CameraPurpose, type CameraView } from './bindings';
import { safeCall } from './ipc';

export type CameraState = { kind: 'none' } | { kind: 'on'; preview: string | null } | { kind: 'failed' };

/**
 * Turns the `purpose` camera on; `onstate` hears whether it runs and its newest picture (a JPEG data
 * URL), `onqr` the QR texts it reads. Returns the function that turns it off (for `$effect`).
 */
export function watchCamera(
  purpose: CameraPurpose,
  onstate: (state: CameraState) => void,
  onqr: (text: string) => void = () => undefined,
): () => void {
  let open = true;
  let state: CameraState = { kind: 'none' };
  const set = (next: CameraState) => {
    state = next;
    onstate(next);
  };
  const events = new Channel<CameraView>();
  events.onmessage = (e) => {
    if (!open) return;
    if (e.kind === 'frame') set({ kind: 'on', preview: `data:image/jpeg;base64,${e.jpegBase64}` });
    else if (e.kind === 'qr') onqr(e.text);
    else if (e.kind === 'trouble') set({ kind: 'failed' });
    // 'recovered': the next frame turns the picture back on.
  };
  void safeCall(() => commands.watchCamera(purpose, events)).then((r) => {
    if (!open) return;
    if (r.status === 'error') set({ kind: 'failed' });
    else if (r.data && state.kind === 'none') set({ kind: 'on', preview: null });
  });
  return () => {
    open = false;
    commands.stopCamera().catch((e: unknown) => console.warn('stop_camera failed', e));
  };
}
