// The step display, fed progress events one at a time.
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { flushSync } from 'svelte';
import { describe, expect, test, vi } from 'vitest';
import SignInSteps from '../lib/components/SignInSteps.svelte';
import { newRun, stepsOf, type Run } from '../lib/steps';
import { SIGN_IN_EVENTS } from './fixtures';

const states = () =>
  screen.getAllByTestId('step').map((s) => `${s.dataset.step}:${s.dataset.state}`);

describe('SignInSteps', () => {
  test('marks steps done in order as events arrive, the next one active', () => {
    const run: Run = $state(newRun('sign_in'));
    render(SignInSteps, { run });
    expect(states()).toEqual(['metadata_fetched:active']);

    run.events.push(SIGN_IN_EVENTS[0]!);
    flushSync();
    expect(states()).toEqual(['metadata_fetched:done', 'browser_opened:active']);
    expect(screen.getAllByTestId('step')[0]).toHaveTextContent('issuer https://contoso.b2clogin.com/');

    run.events.push(SIGN_IN_EVENTS[1]!, SIGN_IN_EVENTS[2]!);
    flushSync();
    expect(states()).toEqual(['metadata_fetched:done', 'browser_opened:done', 'waiting_for_redirect:active']);
    // The browser command was only started: not "Browser opened ✓".
    expect(screen.getAllByTestId('step')[1]).toHaveTextContent('Browser started with the sign-in page');
    expect(screen.getAllByTestId('step')[1]).not.toHaveTextContent('Browser opened');
    expect(screen.getByTestId('redirect-uri')).toHaveTextContent('http://localhost:53124/');
    // The exact authorize URL sent can be copied (to open it in another browser).
    expect(screen.getByTestId('sent-url')).toHaveTextContent('oauth2/v2.0/authorize?client_id=');
    expect(screen.getByTestId('copy-sent-url')).toBeInTheDocument();

    run.events.push(...SIGN_IN_EVENTS.slice(3));
    run.status = 'done';
    run.passed = true;
    flushSync();
    expect(states()).toEqual([
      'metadata_fetched:done',
      'browser_opened:done',
      'waiting_for_redirect:done',
      'code_received:done',
      'tokens_exchanged:done',
      'validated:done',
    ]);
    expect(screen.getByTestId('redirect-uri')).toHaveTextContent('http://localhost:53124/');
    expect(screen.queryByTestId('cancel-sign-in')).toBeNull();
  });

  test('with no browser, the step says to copy the URL, and the URL is there to copy', () => {
    const run: Run = { ...newRun('sign_in', true), events: SIGN_IN_EVENTS.slice(0, 3) };
    render(SignInSteps, { run });
    const opened = screen.getAllByTestId('step').find((s) => s.dataset.step === 'browser_opened');
    expect(opened).toHaveTextContent('No browser opened: copy this URL into one');
    expect(screen.getByTestId('sent-url')).toHaveTextContent('oauth2/v2.0/authorize?client_id=');
    expect(screen.getByTestId('copy-sent-url')).toBeInTheDocument();
    expect(screen.getByTestId('cancel-sign-in')).toBeInTheDocument();
  });

  test('offers Cancel while waiting and calls back', async () => {
    const onCancel = vi.fn();
    const run: Run = { ...newRun('sign_in'), events: SIGN_IN_EVENTS.slice(0, 3) };
    render(SignInSteps, { run, onCancel });
    await userEvent.click(screen.getByTestId('cancel-sign-in'));
    expect(onCancel).toHaveBeenCalledOnce();
  });

  test('marks the step that failed', () => {
    const run: Run = { ...newRun('sign_in'), events: SIGN_IN_EVENTS.slice(0, 4), status: 'failed' };
    render(SignInSteps, { run });
    expect(states().at(-1)).toBe('tokens_exchanged:failed');
  });

  test('marks validation failed when checks failed', () => {
    const events = [...SIGN_IN_EVENTS.slice(0, 5), { step: 'validated' as const, passed: false }];
    const steps = stepsOf({ flow: 'sign_in', events, status: 'done', passed: false });
    expect(steps.at(-1)).toMatchObject({ id: 'validated', state: 'failed' });
  });

  test('a refresh has no browser steps', () => {
    const steps = stepsOf({ flow: 'refresh', events: [SIGN_IN_EVENTS[0]!], status: 'running', passed: null });
    expect(steps.map((s) => `${s.id}:${s.state}`)).toEqual(['metadata_fetched:done', 'tokens_exchanged:active']);
    expect(steps[1]?.label).toBe('Redeeming the refresh token…');
  });

  test('ends with every step done when the result beat the last events', () => {
    const steps = stepsOf({ flow: 'sign_in', events: SIGN_IN_EVENTS.slice(0, 3), status: 'done', passed: true });
    expect(steps.map((s) => s.state)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
  });
});
