// The refresh-token line under a profile: when the token was stored, in the past tense.
import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, test, vi } from 'vitest';
import RefreshStatus from '../lib/components/RefreshStatus.svelte';
import { entry, profile, signInView } from './fixtures';

describe('RefreshStatus', () => {
  afterEach(() => vi.useRealTimers());

  test('a token stored after the window last read the clock is "just now", not "in 8 s"', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-02T10:00:00Z'));
    const view = render(RefreshStatus, { entry: entry(profile(), false), result: null });
    expect(screen.getByTestId('refresh-status')).toHaveTextContent('No refresh token stored');
    // The sign-in takes 8 s; the engine stamps the token when it stores it.
    vi.setSystemTime(new Date('2026-03-02T10:00:08Z'));
    const signedIn = entry(profile(), true);
    signedIn.refresh = { stored_at: '2026-03-02T10:00:08Z', location: { kind: 'keyring' } };
    await view.rerender({ entry: signedIn, result: null });
    const line = screen.getByTestId('refresh-status');
    expect(line).toHaveTextContent('last rotated just now');
    expect(line).not.toHaveTextContent(/\bin \d/);
  });

  test('an older token says how long ago', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-02T09:18:00Z'));
    render(RefreshStatus, { entry: entry(profile(), true), result: null });
    expect(screen.getByTestId('refresh-status')).toHaveTextContent('last rotated 3 min ago');
  });

  test('the long no-keyring reason is said once, not in both lines', () => {
    const reason = 'no Secret Service on the session bus: tokens are kept in memory for this session only';
    const e = entry(profile(), true);
    e.refresh = { stored_at: '2026-03-02T09:15:00Z', location: { kind: 'session_only', reason } };
    const result = signInView({
      refresh: { received: true, stored: true, location: { kind: 'session_only', reason }, note: `kept for this session only: ${reason}` },
    });
    render(RefreshStatus, { entry: e, result });
    const text = screen.getByTestId('refresh-status').textContent ?? '';
    expect(text.split(reason).length - 1).toBe(1);
    expect(text).toContain('this session only');
  });

  test('without a run to repeat it, the reason is on the stored-token line', () => {
    const e = entry(profile(), true);
    e.refresh = { stored_at: '2026-03-02T09:15:00Z', location: { kind: 'session_only', reason: 'the keyring is locked' } };
    render(RefreshStatus, { entry: e, result: null });
    expect(screen.getByTestId('refresh-status')).toHaveTextContent('this session only (the keyring is locked)');
  });
});
