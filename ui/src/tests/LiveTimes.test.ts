// Times that go on changing while the window is open: the verdict card's expiries count down,
// "signed in … ago" and "last rotated … ago" follow the one clock, and a time a little ahead
// of this machine's clock is never shown as in the future when it is known to be past.
import { render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import RefreshStatus from '../lib/components/RefreshStatus.svelte';
import Checklist from '../lib/components/Checklist.svelte';
import ResultView from '../lib/components/ResultView.svelte';
import { countdown, refreshAgeSummary, relativeTime } from '../lib/format';
import { entry, signInView } from './fixtures';

const tick = (ms: number) => {
  vi.advanceTimersByTime(ms);
  flushSync();
};

describe('live times', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-03-02T10:15:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  test('the verdict card shows when each token expires and counts down', () => {
    // The ID token's exp is 10:19:00; the opaque access token lives expires_in = 3600 s.
    render(ResultView, { result: signInView(), at: '2026-03-02T10:15:00Z', saveable: false });
    const id = screen.getByTestId('id-token-expiry');
    expect(id.querySelector('time')?.getAttribute('datetime')).toBe('2026-03-02T10:19:00Z');
    expect(screen.getByTestId('id-token-expiry-countdown')).toHaveTextContent('(4:00 left)');
    expect(screen.getByTestId('access-token-expiry-countdown')).toHaveTextContent('(1 h 00 min left)');
    expect(screen.getByTestId('result-at')).toHaveTextContent('(just now)');
    tick(61_000);
    expect(screen.getByTestId('id-token-expiry-countdown')).toHaveTextContent('(2:59 left)');
    expect(screen.getByTestId('result-at')).toHaveTextContent('(1 min ago)');
    tick(5 * 60_000);
    expect(screen.getByTestId('id-token-expiry-countdown')).toHaveTextContent('(expired 2 min ago)');
  });

  test('"last rotated" right after a sign-in is just now, not in the future, and then ages', () => {
    const stored = entry(undefined, true);
    // The engine stamped it 6 s ahead of the window's clock.
    stored.refresh = { stored_at: '2026-03-02T10:15:06Z', location: { kind: 'keyring' } };
    render(RefreshStatus, { entry: stored, result: null });
    expect(screen.getByTestId('refresh-status')).toHaveTextContent('last rotated just now');
    tick(2 * 60_000);
    expect(screen.getByTestId('refresh-status')).toHaveTextContent('last rotated 1 min ago');
  });

  test('a check that placed a time relative to the moment of the check stays true', () => {
    // The engine checked at 10:15:00: issued "now", expires "in 4 min".
    const checks = [
      { name: 'iat' as const, ok: true, detail: 'issued 2026-03-02 10:15:00 UTC (now)',
        relative: { at: '2026-03-02T10:15:00Z', phrase: 'now' } },
      { name: 'exp' as const, ok: true, detail: 'expires 2026-03-02 10:19:00 UTC (in 4 min), skew 300 s',
        relative: { at: '2026-03-02T10:19:00Z', phrase: 'in 4 min' } },
      { name: 'signature' as const, ok: true, detail: 'valid RS256 signature (now)' },
    ];
    render(Checklist, { checks });
    const detail = (name: string) =>
      screen.getAllByTestId('check').find((c) => c.dataset.name === name)?.querySelector('[data-testid="check-detail"]');
    expect(detail('iat')).toHaveTextContent('issued 2026-03-02 10:15:00 UTC (now)');
    tick(9 * 60_000);
    expect(detail('iat')).toHaveTextContent('issued 2026-03-02 10:15:00 UTC (9 min ago)');
    expect(detail('exp')).toHaveTextContent('expires 2026-03-02 10:19:00 UTC (5 min ago), skew 300 s');
    // Words without a time of their own are left as they are.
    expect(detail('signature')).toHaveTextContent('valid RS256 signature (now)');
  });

  test('the refresh token\'s age ages', () => {
    const age = {
      stored_at: '2026-03-02T10:15:00Z', age_seconds: 0, lifetime_days: 14, expires_at: '2026-03-16T10:15:00Z',
      window_started_at: null, window_days: 90, window_ends_at: null,
      summary: '0 s old of 14 days (B2C\'s default lifetime)',
      age: { at: '2026-03-02T10:15:00Z', phrase: '0 s' },
    };
    const now = Date.parse('2026-03-02T10:15:00Z');
    expect(refreshAgeSummary(age, now)).toBe('0 s old of 14 days (B2C\'s default lifetime)');
    expect(refreshAgeSummary(age, now + 9 * 60_000)).toBe('9 min old of 14 days (B2C\'s default lifetime)');
    expect(refreshAgeSummary(age, now + 3 * 86_400_000)).toBe('3 days old of 14 days (B2C\'s default lifetime)');
  });

  test('one relative-time helper, in the engine\'s words', () => {
    const now = Date.parse('2026-03-02T10:15:00Z');
    expect(relativeTime('2026-03-02T10:19:00Z', now)).toBe('in 4 min');
    expect(relativeTime('2026-03-02T09:15:00Z', now)).toBe('1 h ago');
    expect(relativeTime('2026-03-02T10:15:04Z', now, true)).toBe('now');
    expect(relativeTime('2026-02-20T10:15:00Z', now)).toBe('10 days ago');
    expect(countdown('2026-03-02T10:15:00Z', now)).toBe('expired just now');
  });
});
