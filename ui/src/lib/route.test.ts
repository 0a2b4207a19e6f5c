import { describe, expect, it } from 'vitest';
import { parseDeepLink, skipTarget } from './route';

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

  it('opens helper mode, its panel and the device screen only in mock mode', () => {
    expect(parseDeepLink('?mock=1&screen=devices&helper=1')).toMatchObject({
      route: { screen: 'devices', back: { screen: 'welcome' } },
      helper: 'on',
    });
    expect(parseDeepLink('?mock=1&screen=scan&code=2.000635&helper=panel').helper).toBe('panel');
    expect(parseDeepLink('?mock=1&screen=unlock').route).toEqual({
      screen: 'staff',
      code: null,
      purpose: 'unlock',
      back: { screen: 'list' },
    });
    expect(parseDeepLink('?mock=1&helper=yes').helper).toBeNull();
    const real = parseDeepLink('?screen=devices&helper=panel');
    expect(real.route).toEqual({ screen: 'welcome' });
    expect(real.helper).toBeNull();
  });
});

describe('skipping a step (helper mode)', () => {
  it('moves to the next component, past an exemption proof to the review', () => {
    expect(skipTarget({ screen: 'scan', code: '1.001193', index: 0, helperHere: false })).toEqual({
      screen: 'scan',
      code: '1.001193',
      index: 1,
      helperHere: true,
    });
    expect(skipTarget({ screen: 'scan', code: '1.001193', index: 0, helperHere: true, extra: { id: 'x', name: 'X' } })).toEqual({
      screen: 'review',
      code: '1.001193',
      helperHere: true,
    });
  });
  it('turns the phone steps into a vouch and the detail into identification', () => {
    for (const screen of ['account', 'phone'] as const) {
      expect(skipTarget({ screen, code: '1.001193' })).toEqual({ screen: 'handover', code: '1.001193', reason: 'vouch' });
    }
    expect(skipTarget({ screen: 'detail', code: '1.001193' })).toEqual({ screen: 'identify', code: '1.001193' });
  });
  it('never skips what the next step needs', () => {
    expect(skipTarget({ screen: 'welcome' })).toBeNull();
    expect(skipTarget({ screen: 'list' })).toBeNull();
    expect(skipTarget({ screen: 'identify', code: '1.001193' })).toBeNull();
    expect(skipTarget({ screen: 'pay', code: '1.001193', helperHere: true })).toBeNull();
    expect(skipTarget({ screen: 'review', code: '1.001193', helperHere: true })).toBeNull();
    expect(skipTarget({ screen: 'submitted', code: '1.001193', helperHere: true })).toBeNull();
  });
});
