import '@fontsource/be-vietnam-pro/400.css';
import '@fontsource/be-vietnam-pro/600.css';
import '@fontsource/be-vietnam-pro/700.css';
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { installLockdown } from './lib/lockdown';
import { parseDeepLink } from './lib/route';

declare global {
  interface Window {
    __TAURI_INTERNALS__?: unknown;
  }
}

async function start(): Promise<void> {
  installLockdown();
  const deepLink = parseDeepLink(window.location.search);
  // Sample data only in a plain browser and only when asked for: the real kiosk never uses it.
  const mock = deepLink.mock && !window.__TAURI_INTERNALS__;
  if (mock) {
    const { installMock } = await import('./mock/install');
    // `bench=1` (scripts/bench-coldstart.sh): answer at once and say when the first screen is up.
    const bench = new URLSearchParams(window.location.search).get('bench') === '1';
    installMock({
      helpFails: deepLink.help === 'error',
      listFails: deepLink.fail === 'list',
      helperMode: deepLink.helper !== null,
      ...(bench ? { delayMs: 0, readyBeacon: '/__ready' } : {}),
    });
  } else if (!window.__TAURI_INTERNALS__) {
    console.warn('Not inside Tauri. Open with ?mock=1 for the sample catalogue.');
  }
  const target = document.getElementById('app');
  if (!target) throw new Error('#app missing');
  if (mock && new URLSearchParams(window.location.search).get('screen') === 'glyphs') {
    const { default: Specimen } = await import('./mock/Specimen.svelte');
    mount(Specimen, { target });
    return;
  }
  const q = new URLSearchParams(window.location.search);
  const code = q.get('code');
  if (mock && q.get('screen') === 'confirm' && code) {
    const { MOCK_CARD } = await import('./mock/catalog');
    deepLink.route = { screen: 'confirm', code, card: MOCK_CARD };
  }
  mount(App, { target, props: { deepLink: { ...deepLink, mock } } });
}

void start();
