// The app's state: profiles, the selection, what the main pane shows, and per profile what this
// session knows of it (one `ProfileSession`). Every action goes through `ipc.ts`; components
// read this state and call these methods, nothing else.
import { getContext, setContext, untrack } from 'svelte';
import type { AppInfo, IpcError, Profile, ProfileEntry, SignInView } from '../bindings';
import { copyName } from '../draft';
import { nowIso } from '../format';
import * as ipc from '../ipc';
import { markStep } from '../perf';
import { newRun } from '../steps';
import { InspectorState } from './inspector.svelte';
import { MigrationState } from './migration.svelte';
import { ProfileSession } from './session.svelte';
import { TestsState } from './tests.svelte';

export type View = 'profile' | 'form' | 'inspector' | 'tests' | 'migration';
export type FormMode = { kind: 'new' } | { kind: 'edit'; name: string };
export type Busy = {
  name: string;
  what: 'sign_in' | 'device' | 'refresh' | 'client_credentials' | 'sign_out' | 'delete' | 'logout_test';
};

/** What the profile form asks for the client secret: type a new one, or remove the stored one. */
export interface SecretEdit {
  /** A new secret ('' = keep what is stored). */
  secret?: string;
  remove?: boolean;
  /** A new private key for private_key_jwt, PEM or JWK ('' = keep what is stored). */
  key?: string;
  removeKey?: boolean;
}

export class AppState {
  info = $state<AppInfo | null>(null);
  infoError = $state<IpcError | null>(null);
  profiles = $state<ProfileEntry[]>([]);
  /** The profile list has been read once (the first screen can paint). */
  loaded = $state(false);
  listError = $state<IpcError | null>(null);
  view = $state<View>('profile');
  form = $state<FormMode>({ kind: 'new' });
  selected = $state<string | null>(null);
  /** What this session knows of each profile, by name. */
  sessions = $state<Record<string, ProfileSession>>({});
  busy = $state<Busy | null>(null);
  /** A failure of an action outside any session (duplicate, delete). */
  actionError = $state<IpcError | null>(null);
  /** The inspector keeps what was pasted while the person looks elsewhere. */
  inspector = new InspectorState();
  /** The Tests view keeps the open test file and its results. */
  tests = new TestsState();
  /** The migration view keeps the two profiles chosen and their comparison. */
  migration = new MigrationState();

  selectedEntry = $derived(this.profiles.find((e) => e.profile.name === this.selected) ?? null);
  names = $derived(this.profiles.map((e) => e.profile.name));

  #loading: Promise<void> | null = null;
  #started: Promise<void> | null = null;

  /** Reads the app info and the profiles and selects the last profile, once. main.ts waits for
   *  it before the first render, so the first screen is laid out and painted once, with the
   *  profiles, not first empty (the welcome page) and again when they arrive. */
  load(): Promise<void> {
    this.#loading ??= this.#load();
    return this.#loading;
  }

  /** Loads (once) and, when the last profile has a stored refresh token, refreshes silently.
   *  Called by main.ts before the first render and by App's onMount (a no-op then; tests mount
   *  App alone). */
  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  /** The profile used last (app info), when it is still in the list. */
  #lastEntry(): ProfileEntry | undefined {
    const last = this.info?.last_profile ?? null;
    return last === null ? undefined : this.profiles.find((e) => e.profile.name === last);
  }

  async #load(): Promise<void> {
    markStep('start');
    const info = ipc.appInfo().then(
      (i) => {
        markStep('app-info');
        this.info = i;
      },
      (e) => (this.infoError = ipc.toIpcError(e)),
    );
    try {
      this.profiles = await ipc.listProfiles();
      markStep('profiles');
    } catch (e) {
      this.listError = ipc.toIpcError(e);
    }
    this.loaded = true;
    await info;
    if (this.selected === null && this.view === 'profile') {
      const pick = this.#lastEntry() ?? this.profiles[0];
      if (pick) this.selected = pick.profile.name;
    }
  }

  async #start(): Promise<void> {
    await this.load();
    const entry = this.#lastEntry();
    if (entry?.refresh && this.selected === entry.profile.name && !this.busy) {
      await this.refresh(entry.profile.name, true);
    }
  }

  /** The profile's session, made on first use (safe to call from an effect). */
  session(name: string): ProfileSession {
    return untrack(() => (this.sessions[name] ??= new ProfileSession(name)));
  }

  /** Drops all this session knew of a profile (renamed or deleted). */
  #forget(name: string): void {
    delete this.sessions[name];
  }

  async reloadProfiles(): Promise<void> {
    try {
      this.profiles = await ipc.listProfiles();
      this.listError = null;
    } catch (e) {
      this.listError = ipc.toIpcError(e);
    }
  }

  /** Shows a profile and remembers it for the next start. */
  select(name: string): void {
    this.view = 'profile';
    this.actionError = null;
    if (this.selected === name) return;
    this.selected = name;
    ipc.setLastProfile(name).catch(() => {
      // Not remembering the last profile costs nothing now; the next start just opens another.
    });
  }

  newProfile(): void {
    // Already on an empty form: keep what was typed.
    if (this.view === 'form' && this.form.kind === 'new') return;
    this.form = { kind: 'new' };
    this.view = 'form';
  }

  edit(name: string): void {
    this.form = { kind: 'edit', name };
    this.view = 'form';
  }

  openInspector(): void {
    this.view = 'inspector';
  }

  /** Opens the inspector's comparison with `token` (one already open) as A. */
  compareWith(token: string): void {
    this.inspector.compareWith(token);
    this.view = 'inspector';
  }

  openTests(): void {
    this.view = 'tests';
  }

  /** The B2C → External ID migration view. */
  openMigration(): void {
    this.view = 'migration';
  }

  showProfiles(): void {
    this.view = 'profile';
  }

  closeForm(): void {
    this.view = 'profile';
  }

  /** Saves the form's profile, then its client secret change; throws the `IpcError` for the
   *  form to show. A secret the keyring refuses leaves the saved profile selected and says so. */
  async save(profile: Profile, previousName: string | null, secret: SecretEdit = {}): Promise<void> {
    this.profiles = await ipc.saveProfile(profile, previousName);
    if (previousName !== null && previousName !== profile.name) {
      this.#forget(previousName);
    }
    this.select(profile.name);
    this.actionError = null;
    try {
      if (secret.secret && secret.secret.trim() !== '') {
        this.profiles = await ipc.setClientSecret(profile.name, secret.secret);
      } else if (secret.remove) {
        this.profiles = await ipc.deleteClientSecret(profile.name);
      }
    } catch (e) {
      const err = ipc.toIpcError(e);
      this.actionError = { ...err, message: `The profile was saved, but not its client secret: ${err.message}` };
    }
    try {
      if (secret.key && secret.key.trim() !== '') {
        this.profiles = await ipc.setClientKey(profile.name, secret.key);
      } else if (secret.removeKey) {
        this.profiles = await ipc.deleteClientKey(profile.name);
      }
    } catch (e) {
      const err = ipc.toIpcError(e);
      this.actionError = { ...err, message: `The profile was saved, but not its private key: ${err.message}` };
    }
  }

  /** Runs the logout test of a profile (the browser opens the provider's logout page). */
  async logoutTest(name: string | null = this.selected): Promise<void> {
    if (name === null || this.busy) return;
    this.busy = { name, what: 'logout_test' };
    try {
      await this.session(name).logoutTest();
    } finally {
      this.busy = null;
    }
  }

  /** Saves a copy named "<name> (copy)" and selects it. */
  async duplicate(name: string): Promise<void> {
    const entry = this.profiles.find((e) => e.profile.name === name);
    if (!entry) return;
    const copy: Profile = { ...$state.snapshot(entry.profile), name: copyName(name, this.names) };
    this.actionError = null;
    try {
      this.profiles = await ipc.saveProfile(copy, null);
      this.select(copy.name);
    } catch (e) {
      this.actionError = ipc.toIpcError(e);
    }
  }

  async remove(name: string): Promise<boolean> {
    if (this.busy) return false;
    this.busy = { name, what: 'delete' };
    this.actionError = null;
    try {
      this.profiles = await ipc.deleteProfile(name);
      this.#forget(name);
      if (this.selected === name) this.selected = this.profiles[0]?.profile.name ?? null;
      return true;
    } catch (e) {
      this.actionError = ipc.toIpcError(e);
      return false;
    } finally {
      this.busy = null;
    }
  }

  /** Runs a sign-in (browser or, with `device`, on another device), a refresh (no browser) or a
   *  client credentials grant, following its progress events. */
  private async run(
    name: string,
    flow: 'sign_in' | 'refresh' | 'client_credentials',
    startup: boolean,
    call: () => Promise<SignInView> = () =>
      flow === 'sign_in' ? ipc.signIn(name, this.session(name).extras()) : ipc.refresh(name),
    device = false,
  ): Promise<void> {
    if (this.busy) return;
    const s = this.session(name);
    s.run = newRun(flow, flow === 'sign_in' && !device && (s.extras()?.no_browser ?? false), device);
    s.result = null;
    s.error = null;
    s.signOut = null;
    s.startup = false;
    s.device = null;
    const run = s.run;
    this.busy = { name, what: device ? 'device' : flow };
    const unlisteners: (() => void)[] = [];
    try {
      unlisteners.push(
        await ipc.onProgress((p) => {
          if (run.status === 'running') run.events.push(p);
        }),
      );
      if (device) {
        unlisteners.push(
          await ipc.onDeviceCode((code) => {
            if (run.status === 'running') {
              s.device = { code, receivedAt: Date.now(), polls: 0, interval: code.interval, lastPollAt: null };
            }
          }),
          await ipc.onDevicePoll((p) => {
            if (run.status === 'running' && s.device) {
              s.device.polls += 1;
              s.device.interval = p.interval;
              s.device.lastPollAt = Date.now();
            }
          }),
        );
      }
    } catch {
      // Without events the steps still end right: the result marks them all.
    }
    try {
      const view = await call();
      run.passed = view.passed;
      run.status = 'done';
      s.result = view;
      s.resultAt = nowIso();
      s.startup = startup;
    } catch (e) {
      const err = ipc.toIpcError(e);
      if (err.kind === 'cancelled') {
        run.status = 'cancelled';
      } else {
        run.status = 'failed';
        s.error = err;
      }
    } finally {
      for (const u of unlisteners) u();
      this.busy = null;
    }
    await this.reloadProfiles();
    await s.loadHistory();
  }

  /** Signs in on another device (RFC 8628): the code and its QR code are shown until the person
   *  completes the sign-in there, the code expires, or Cancel. */
  signInDevice(name: string | null = this.selected): Promise<void> {
    if (name === null) return Promise.resolve();
    if (!this.busy) this.session(name).notice = null;
    return this.run(name, 'sign_in', false, () => ipc.signInDevice(name), true);
  }

  /** Gets an app-only token for the profile's client (client credentials grant); a blank
   *  `scope` sends the profile's scopes. Nothing is stored. */
  appToken(name: string, scope: string): Promise<void> {
    if (!this.busy) this.session(name).notice = null;
    const s = scope.trim();
    return this.run(name, 'client_credentials', false, () => ipc.clientCredentials(name, s === '' ? null : s));
  }

  signIn(name: string | null = this.selected): Promise<void> {
    if (name === null) return Promise.resolve();
    if (!this.busy) this.session(name).notice = null;
    return this.run(name, 'sign_in', false);
  }

  /** AADB2C90118: runs the tenant's password-reset policy (remembered as the tenant's), then,
   *  when it completed, the profile's own sign-in again. */
  async resetPassword(name: string, policy: string): Promise<void> {
    if (this.busy) return;
    const s = this.session(name);
    const chosen = policy.trim();
    if (!(await s.addPolicy(chosen, true))) return;
    s.notice = `Resetting the password through ${chosen}…`;
    await this.run(name, 'sign_in', false, () => ipc.resetPassword(name, chosen));
    if (!s.result?.passed) {
      s.notice = `The password reset through ${chosen} did not complete.`;
      return;
    }
    s.notice = `Password reset through ${chosen} completed; signing in again with the profile's own policy…`;
    await this.run(name, 'sign_in', false);
    s.notice = s.result?.passed
      ? `Password reset through ${chosen} completed, then signed in again with the profile's own policy.`
      : `Password reset through ${chosen} completed; the sign-in again ended as shown below.`;
  }

  /** Switches the profile to another policy of its tenant (client ID and scopes stay). */
  async switchPolicy(name: string, policy: string): Promise<void> {
    if (this.busy) return;
    const s = this.session(name);
    s.pickerError = null;
    try {
      this.profiles = await ipc.switchPolicy(name, policy);
      await s.loadTenant();
    } catch (e) {
      s.pickerError = ipc.toIpcError(e);
    }
  }

  refresh(name: string | null = this.selected, startup = false): Promise<void> {
    return name === null ? Promise.resolve() : this.run(name, 'refresh', startup);
  }

  /** Cancels the running sign-in (the browser stays open; its redirect is no longer awaited). */
  async cancel(): Promise<void> {
    if (this.busy?.what !== 'sign_in' && this.busy?.what !== 'device' && this.busy?.what !== 'logout_test') return;
    try {
      await ipc.cancelSignIn();
    } catch (e) {
      this.session(this.busy.name).error = ipc.toIpcError(e);
    }
  }

  async signOut(name: string | null = this.selected): Promise<void> {
    if (name === null || this.busy) return;
    const s = this.session(name);
    this.busy = { name, what: 'sign_out' };
    s.error = null;
    try {
      s.signOut = await ipc.signOut(name);
      s.result = null;
      s.run = null;
      s.startup = false;
    } catch (e) {
      s.error = ipc.toIpcError(e);
    } finally {
      this.busy = null;
    }
    await this.reloadProfiles();
  }
}

const KEY = Symbol('tokenscope-app');

export function provideApp(app: AppState): AppState {
  return setContext(KEY, app);
}

/** The app, or undefined for a component rendered on its own (some tests). */
export function maybeApp(): AppState | undefined {
  return getContext<AppState | undefined>(KEY);
}

export function useApp(): AppState {
  const app = getContext<AppState | undefined>(KEY);
  if (!app) throw new Error('AppState missing: render components inside App');
  return app;
}
