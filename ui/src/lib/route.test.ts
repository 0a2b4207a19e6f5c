import { describe, expect, it } from 'vitest';
import { parseDeepLink } from './route';

describe('deep links', () => {
  it('starts on welcome without mock mode, whatever the URL says', () => {
    const d = parseDeepLink('?screen=detail&code=2.000815&size=xlarge&help=ok');
    expect(d.mock).toBe(false);
    expect(d.route).toEqual({ screen: 'welcome' });
    expect(d.textSize).toBeNull();
    expect(d.help).toBeNull();
    expect(parseDeepLink('?fail=list').fail).toBeNull();
  });

  it('opens the list and a detail in mock mode', () => {
    expect(parseDeepLink('?mock=1&screen=list').route).toEqual({ screen: 'list' });
    expect(parseDeepLink('?mock=1&screen=detail&code=2.000815').route).toEqual({
      screen: 'detail',
      code: '2.000815',
    });
  });

  it('opens the check, the submission and the lookup in mock mode, and never the submission without a code', () => {
    expect(parseDeepLink('?mock=1&screen=lookup').route).toEqual({ screen: 'lookup' });
    expect(parseDeepLink('?mock=1&screen=review&code=2.000635').route).toEqual({
      screen: 'review',
      code: '2.000635',
      helperHere: false,
    });
    expect(parseDeepLink('?mock=1&screen=submitted&code=2.000635').route).toEqual({
      screen: 'submitted',
      code: '2.000635',
      helperHere: false,
    });
    expect(parseDeepLink('?mock=1&screen=submitted').route).toEqual({ screen: 'welcome' });
    expect(parseDeepLink('?screen=lookup').route).toEqual({ screen: 'welcome' });
  });

  it('ignores a detail without a sane code', () => {
    expect(parseDeepLink('?mock=1&screen=detail').route).toEqual({ screen: 'welcome' });
    expect(parseDeepLink('?mock=1&screen=detail&code=%3Cscript%3E').route).toEqual({ screen: 'welcome' });
  });

  it('reads text size, contrast and help only when valid', () => {
    const d = parseDeepLink('?mock=1&size=large&contrast=highDark&help=error');
    expect(d.textSize).toBe('large');
    expect(d.colorMode).toBe('highDark');
    expect(d.help).toBe('error');
    const bad = parseDeepLink('?mock=1&size=huge&contrast=pink&help=maybe');
    expect(bad.textSize).toBeNull();
    expect(bad.colorMode).toBeNull();
    expect(bad.help).toBeNull();
  });

  it('makes the catalogue fail only when asked for exactly', () => {
    expect(parseDeepLink('?mock=1&screen=list&fail=list').fail).toBe('list');
    expect(parseDeepLink('?mock=1&screen=list&fail=yes').fail).toBeNull();
  });
});
