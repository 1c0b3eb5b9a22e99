// The refresh-token line under a profile: when the token was stored, in the past tense.
import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, test, vi } from 'vitest';
import RefreshStatus from '../lib/components/RefreshStatus.svelte';
import { entry, profile } from './fixtures';

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
});
