// The validation checklist: counts, icons, and the detail of a failed check.
import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import type { Warning } from '../lib/bindings';
import Checklist from '../lib/components/Checklist.svelte';
import { checksSummary } from '../lib/format';
import { CHECKS_OK } from './fixtures';

describe('Checklist', () => {
  test('lists every check as passed', () => {
    render(Checklist, { checks: CHECKS_OK });
    const items = screen.getAllByTestId('check');
    expect(items).toHaveLength(12);
    expect(items.every((i) => i.dataset.ok === 'true')).toBe(true);
    expect(screen.getByTestId('checks-passed')).toHaveTextContent('12 passed');
    expect(screen.queryByTestId('checks-failed')).toBeNull();
    expect(items[3]).toHaveTextContent('Signature');
    expect(items[3]).toHaveTextContent('valid RS256 signature');
  });

  test('counts failures and shows what each failed check found', () => {
    const checks = CHECKS_OK.map((c) =>
      c.name === 'aud'
        ? { ...c, ok: false, detail: 'the token is for 11111111-2222-3333-4444-555555555555, not the client ID' }
        : c.name === 'exp'
          ? { ...c, ok: false, detail: 'expired 2 h ago' }
          : c,
    );
    render(Checklist, { checks });
    expect(screen.getByTestId('checks-passed')).toHaveTextContent('10 passed');
    expect(screen.getByTestId('checks-failed')).toHaveTextContent('2 failed');
    const aud = screen.getAllByTestId('check').find((i) => i.dataset.name === 'aud');
    expect(aud?.dataset.ok).toBe('false');
    expect(within(aud as HTMLElement).getByTestId('check-detail')).toHaveTextContent(
      'the token is for 11111111-2222-3333-4444-555555555555, not the client ID',
    );
    expect(within(aud as HTMLElement).getByRole('img')).toHaveAccessibleName('failed');
  });

  test('shows warnings after the checks, counted apart, without failing anything', () => {
    const warnings: Warning[] = [
      { name: 'auth_time', detail: 'auth_time is 0 (1970-01-01 00:00:00 UTC): a sign-in before OpenID Connect existed' },
      { name: 'scope', detail: 'the token response\'s scope is empty' },
    ];
    render(Checklist, { checks: CHECKS_OK, warnings });
    expect(screen.getByTestId('checks-passed')).toHaveTextContent('12 passed');
    expect(screen.queryByTestId('checks-failed')).toBeNull();
    expect(screen.getByTestId('checks-warnings')).toHaveTextContent('2 warnings');
    const shown = screen.getAllByTestId('warning');
    expect(shown.map((w) => w.dataset.name)).toEqual(['auth_time', 'scope']);
    expect(shown[0]).toHaveTextContent('Authentication time (auth_time)');
    expect(within(shown[0] as HTMLElement).getByTestId('warning-detail')).toHaveTextContent('before OpenID Connect existed');
    expect(within(shown[0] as HTMLElement).getByRole('img')).toHaveAccessibleName('warning');
  });

  test('summarises the report in one line', () => {
    expect(checksSummary(CHECKS_OK)).toBe('All 12 checks passed');
    const two = CHECKS_OK.map((c, i) => (i < 2 ? { ...c, ok: false } : c));
    expect(checksSummary(two)).toBe('2 checks failed: the sign-in does not count');
    expect(checksSummary(two.slice(0, 1).concat(CHECKS_OK.slice(1)))).toBe(
      '1 check failed: the sign-in does not count',
    );
    expect(checksSummary(two, 'refresh')).toBe('2 checks failed: the refresh does not count');
    expect(checksSummary([])).toBe('No checks ran');
  });
});
