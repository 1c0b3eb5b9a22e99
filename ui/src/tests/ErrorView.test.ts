// Errors as a person reads them: the provider's code, message, Correlation ID and Timestamp.
import { render, screen } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import ErrorView from '../lib/components/ErrorView.svelte';
import { cancelledByUser } from './fixtures';

describe('ErrorView', () => {
  test('shows a B2C provider error with its code, Correlation ID and Timestamp', () => {
    render(ErrorView, { error: cancelledByUser });
    expect(screen.getByTestId('error-kind')).toHaveTextContent('provider');
    expect(screen.getByTestId('error-code')).toHaveTextContent('AADB2C90091');
    expect(screen.getByTestId('error-message')).toHaveTextContent(
      'The user has cancelled entering self-asserted information.',
    );
    expect(screen.getByTestId('error-correlation-id')).toHaveTextContent('0f9a2c1e-4b7d-4e0a-9c3b-2d1e0f9a8b7c');
    expect(screen.getByTestId('error-timestamp')).toHaveTextContent('2026-03-02 09:15:01Z');
    expect(screen.getByTestId('error-error')).toHaveTextContent('access_denied');
    expect(screen.getByRole('heading')).toHaveTextContent('The provider refused the sign-in');
    expect(screen.getByTestId('error-meaning')).toHaveTextContent('The user cancelled in the B2C pages.');
    expect(screen.getByTestId('error-todo')).toHaveTextContent('sign in again and complete the pages');
    expect(screen.getByRole('button', { name: 'Copy: Correlation ID' })).toBeInTheDocument();
    expect(screen.getByTestId('copy-error-details')).toBeInTheDocument();
  });

  test('leaves out what the provider did not say', () => {
    const error = structuredClone(cancelledByUser);
    if (error.provider) {
      error.provider.code = null;
      error.provider.correlation_id = null;
      error.provider.timestamp = null;
    }
    render(ErrorView, { error });
    expect(screen.queryByTestId('error-code')).toBeNull();
    expect(screen.queryByTestId('error-correlation-id')).toBeNull();
    expect(screen.queryByTestId('error-timestamp')).toBeNull();
  });

  test('shows other errors by message, with the body the provider sent', () => {
    render(ErrorView, {
      error: {
        kind: 'invalid_response',
        message: 'https://contoso.b2clogin.com/token answered something Tokenscope cannot use: not JSON',
        provider: null,
        body: '<html><body>Service unavailable</body></html>',
      },
    });
    expect(screen.getByTestId('error-kind')).toHaveTextContent('invalid_response');
    expect(screen.getByTestId('error-message')).toHaveTextContent('not JSON');
    expect(screen.getByTestId('error-body').textContent).toBe('<html><body>Service unavailable</body></html>');
    expect(screen.queryByTestId('error-code')).toBeNull();
  });

  test('names and values the engine puts in backticks show as code, never as backticks', () => {
    const error = structuredClone(cancelledByUser);
    if (error.provider?.advice) {
      error.provider.advice.advice = 'Add one; for Tokenscope, `http://localhost`.';
      error.provider.advice.meaning = 'The app sent `openid` without a `scope`.';
    }
    const { container, unmount } = render(ErrorView, { error });
    expect(container.textContent).not.toContain('`');
    expect(screen.getByTestId('error-todo').querySelector('code')).toHaveTextContent('http://localhost');
    expect(screen.getByTestId('error-meaning').querySelectorAll('code')).toHaveLength(2);
    unmount();
    const config = { kind: 'config' as const, message: 'redirect URI `http://localhost:8400/cb?x` must not carry a query', provider: null, body: null };
    const second = render(ErrorView, { error: config });
    expect(second.container.textContent).not.toContain('`');
    expect(screen.getByTestId('error-message').querySelector('code')).toHaveTextContent('http://localhost:8400/cb?x');
  });
});
