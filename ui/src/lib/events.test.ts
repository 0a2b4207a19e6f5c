import { describe, expect, it } from 'vitest';
import { EVENT_CODES } from './bindings';
import { UI_EVENTS } from './events';
import { UI_ERROR_CODES } from './ipc';

describe('events', () => {
  const table = new Set<string>(EVENT_CODES);

  it.each([...UI_EVENTS])('%s is in the Rust event table', (code) => {
    expect(table.has(code)).toBe(true);
  });

  it.each(UI_ERROR_CODES)('error.%s is in the Rust event table', (code) => {
    expect(table.has(`error.${code}`)).toBe(true);
  });

  it('reports no code twice and nothing but dotted lowercase codes', () => {
    expect(new Set(UI_EVENTS).size).toBe(UI_EVENTS.length);
    for (const code of UI_EVENTS) expect(code).toMatch(/^[a-z_]+\.[a-z_.]+$/);
  });
});
