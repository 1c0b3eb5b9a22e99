// The app as it starts: the profile list (and the first-screen mark), the status bar, the
// silent refresh of the last profile, remembering the selection, and the keyboard shortcuts.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, test } from 'vitest';
import App from '../App.svelte';
import { resetFirstScreenMark } from '../lib/perf';
import { AppState } from '../lib/state/app.svelte';
import { backend } from './backend';
import { appInfo, entry, profile, signInView } from './fixtures';

const local = profile({ name: 'Local demo (B2C-shaped)', authority: 'http://127.0.0.1:4010/tenant/B2C_1_susi/v2.0/' });

beforeEach(() => resetFirstScreenMark());

describe('start-up', () => {
  test('lists the profiles, marks the first screen and shows where tokens are kept', async () => {
    backend({
      list_profiles: () => [entry(profile(), true), entry(local)],
      app_info: () => ({ ...appInfo(), vault: { kind: 'session_only', reason: 'no Secret Service on the session bus' } }),
    });
    render(App);
    const items = await screen.findAllByTestId('profile-item');
    expect(items.map((i) => i.dataset.name)).toEqual(['Contoso SUSI', 'Local demo (B2C-shaped)']);
    expect(within(items[0]!).getByTestId('refresh-badge')).toBeInTheDocument();
    expect(within(items[1]!).queryByTestId('refresh-badge')).toBeNull();
    expect(items[0]).toHaveTextContent('contoso.b2clogin.com · B2C_1_susi');
    await waitFor(() => expect(document.documentElement.dataset.firstScreen).toMatch(/^\d+$/));
    expect(performance.getEntriesByName('tokenscope:first-screen')).not.toHaveLength(0);
    await waitFor(() =>
      expect(screen.getByTestId('vault-location')).toHaveTextContent('this session only (no keyring)'),
    );
    // The reason in full in the tooltip; said on the page only once, by the profile.
    expect(screen.getByTestId('status-bar').querySelector('[title]')?.getAttribute('title')).toContain(
      'no Secret Service on the session bus',
    );
    expect(screen.getByTestId('status-bar')).not.toHaveTextContent('no Secret Service');
    expect(screen.getByTestId('status-bar')).toHaveTextContent('Tokenscope 0.1.0');
  });

  test('refreshes the last profile silently when it has a stored refresh token', async () => {
    const b = backend({
      app_info: () => appInfo('Contoso SUSI'),
      list_profiles: () => [entry(local), entry(profile(), true)],
      refresh: () => signInView({ flow: 'refresh', redirect_uri: null }),
    });
    render(App);
    expect(await screen.findByTestId('startup-refresh-note')).toHaveTextContent('start-up');
    expect(screen.getByTestId('result-summary')).toHaveTextContent('All 12 checks passed');
    expect(b.argsOf('refresh')).toEqual([{ name: 'Contoso SUSI' }]);
    expect(b.argsOf('sign_in')).toEqual([]);
    expect(b.argsOf('set_last_profile')).toEqual([]);
    const selected = screen.getAllByTestId('profile-item').find((i) => i.getAttribute('aria-current'));
    expect(selected?.dataset.name).toBe('Contoso SUSI');
  });

  test('started before the first render (as main.ts does), it renders the profiles at once and asks for them once', async () => {
    const b = backend({
      app_info: () => appInfo('Local demo (B2C-shaped)'),
      list_profiles: () => [entry(profile()), entry(local)],
    });
    const app = new AppState();
    void app.start();
    await app.load();
    render(App, { props: { app } });
    // The first render already shows the profile: no welcome page first.
    expect(screen.getByRole('heading', { name: 'Local demo (B2C-shaped)' })).toBeInTheDocument();
    expect(screen.queryByText(/No profiles yet/)).toBeNull();
    await waitFor(() => expect(document.documentElement.dataset.firstScreen).toMatch(/^\d+$/));
    expect(b.argsOf('list_profiles')).toHaveLength(1);
    expect(b.argsOf('app_info')).toHaveLength(1);
  });

  test('opens the last profile without refreshing when nothing is stored', async () => {
    const b = backend({
      app_info: () => appInfo('Local demo (B2C-shaped)'),
      list_profiles: () => [entry(profile()), entry(local)],
    });
    render(App);
    expect(await screen.findByRole('heading', { name: 'Local demo (B2C-shaped)' })).toBeInTheDocument();
    expect(screen.getByTestId('refresh-status')).toHaveTextContent('No refresh token stored');
    expect(screen.getByTestId('refresh-now')).toBeDisabled();
    expect(b.argsOf('refresh')).toEqual([]);
  });

  test('shows a welcome when there are no profiles', async () => {
    backend({});
    render(App);
    expect(await screen.findByText(/No profiles yet/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create a profile' })).toBeInTheDocument();
  });
});

describe('selection and keyboard', () => {
  test('remembers the selected profile', async () => {
    const b = backend({ list_profiles: () => [entry(profile()), entry(local)] });
    const user = userEvent.setup();
    render(App);
    const items = await screen.findAllByTestId('profile-item');
    await user.click(items[1]!);
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Local demo (B2C-shaped)');
    expect(b.argsOf('set_last_profile')).toEqual([{ name: 'Local demo (B2C-shaped)' }]);
  });

  test('Ctrl+N opens a new profile with the name focused; Ctrl+I opens the inspector', async () => {
    backend({ list_profiles: () => [entry(profile())] });
    const user = userEvent.setup();
    render(App);
    await screen.findAllByTestId('profile-item');
    await user.keyboard('{Control>}n{/Control}');
    expect(screen.getByTestId('profile-form')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('name-input')).toHaveFocus());
    await user.keyboard('Half typed{Control>}n{/Control}');
    expect(screen.getByTestId('name-input')).toHaveValue('Half typed');
    await user.keyboard('{Control>}i{/Control}');
    expect(screen.getByTestId('inspector')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('token-input')).toHaveFocus());
    await user.click(screen.getByTestId('nav-profiles'));
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Contoso SUSI');
  });

  test('Ctrl+P goes back to the profiles from the inspector and the form, the profile focused', async () => {
    backend({ list_profiles: () => [entry(profile())] });
    const user = userEvent.setup();
    render(App);
    await screen.findAllByTestId('profile-item');
    await user.keyboard('{Control>}i{/Control}');
    expect(screen.getByTestId('inspector')).toBeInTheDocument();
    await user.keyboard('{Control>}p{/Control}');
    expect(screen.queryByTestId('inspector')).toBeNull();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Contoso SUSI');
    await waitFor(() => expect(screen.getByTestId('profile-item')).toHaveFocus());
    await user.keyboard('{Control>}n{/Control}');
    expect(screen.getByTestId('profile-form')).toBeInTheDocument();
    await user.keyboard('{Control>}p{/Control}');
    expect(screen.queryByTestId('profile-form')).toBeNull();
    expect(screen.getByTestId('nav-profiles')).toHaveAttribute('aria-keyshortcuts', 'Control+P');
  });

  test('every profile action is a real button reachable with Tab', async () => {
    backend({ list_profiles: () => [entry(profile(), true)] });
    const user = userEvent.setup();
    render(App);
    await screen.findAllByTestId('profile-item');
    const reached = new Set<string>();
    for (let i = 0; i < 20; i++) {
      await user.tab();
      const id = (document.activeElement as HTMLElement | null)?.dataset.testid;
      if (id) reached.add(id);
    }
    for (const id of ['nav-profiles', 'nav-inspector', 'new-profile', 'profile-item', 'edit-profile',
      'duplicate-profile', 'delete-profile', 'sign-in', 'refresh-now', 'sign-out']) {
      expect(reached, id).toContain(id);
    }
  });
});
