// Everything this session knows about one profile, in one object: the last sign-in, refresh or
// sign-out; its B2C tenant, history and support bundle; the options of its next sign-in, the
// request preview and the logout test. `AppState` keeps one per profile name and drops it as a
// whole when the profile is renamed or deleted. Every call goes through `ipc.ts`; failures are
// kept here for the components to show, never thrown at them.
import type {
  DeviceCode,
  DeviceSupport,
  HistoryView,
  IpcError,
  LogoutReport,
  RequestPreview,
  SignInExtras,
  SignInView,
  SignOutView,
  TenantView,
} from '../bindings';
import * as ipc from '../ipc';
import type { Run } from '../steps';

export interface Outcome<T> {
  value: T | null;
  error: IpcError | null;
}

/** A device sign-in as it runs: the code shown, and the polling. */
export interface DeviceRun {
  code: DeviceCode;
  /** When the code arrived (ms since the epoch): its countdown starts there. */
  receivedAt: number;
  /** Polls made so far. */
  polls: number;
  /** Seconds between polls now (grows by 5 s with each `slow_down`). */
  interval: number;
  /** When the last poll was made (ms), or null before the first. */
  lastPollAt: number | null;
}

export class ProfileSession {
  readonly name: string;

  /** Whether the provider offers the device flow; `undefined` until asked, null when the
   *  metadata could not be read. */
  deviceSupport = $state<DeviceSupport | null | undefined>(undefined);
  /** The device sign-in running or last run. */
  device = $state<DeviceRun | null>(null);

  // The last run.
  run = $state<Run | null>(null);
  result = $state<SignInView | null>(null);
  /** When the result arrived (ISO). */
  resultAt = $state<string | null>(null);
  /** The result came from the silent refresh at start-up. */
  startup = $state(false);
  error = $state<IpcError | null>(null);
  signOut = $state<SignOutView | null>(null);
  /** What the password-reset chain is doing or did (AADB2C90118). */
  notice = $state<string | null>(null);

  // B2C.
  /** The profile's tenant; `null` when it is not on B2C, `undefined` until read. */
  tenant = $state<TenantView | null | undefined>(undefined);
  /** The last failure of a picker action (add, remove, switch). */
  pickerError = $state<IpcError | null>(null);
  history = $state<HistoryView | null>(null);
  /** The support bundle text, once made. */
  bundle = $state<string | null>(null);
  bundleError = $state<IpcError | null>(null);

  // The request builder (never saved).
  options = $state<SignInExtras | null>(null);
  preview = $state<Outcome<RequestPreview> | null>(null);
  previewing = $state(false);
  logout = $state<Outcome<LogoutReport> | null>(null);

  constructor(name: string) {
    this.name = name;
  }

  /** Nothing has happened to the profile yet in this session. */
  get idle(): boolean {
    return !this.run && !this.result && !this.error && !this.signOut;
  }

  /** The options to send with the next sign-in, or null when nothing is set. */
  extras(): SignInExtras | null {
    const o = this.options;
    if (!o) return null;
    const hint = o.id_token_hint?.trim() || null;
    return o.clean || hint || o.no_browser ? { clean: o.clean, id_token_hint: hint, no_browser: o.no_browser } : null;
  }

  /** Asks (once) whether the provider offers the device flow. */
  async loadDeviceSupport(): Promise<void> {
    if (this.deviceSupport !== undefined) return;
    try {
      this.deviceSupport = await ipc.deviceSupport(this.name);
    } catch {
      // Metadata out of reach: no "another device" button; the browser sign-in says why.
      this.deviceSupport = null;
    }
  }

  async loadTenant(): Promise<void> {
    try {
      this.tenant = await ipc.tenantPolicies(this.name);
    } catch {
      // Not a B2C profile (or not readable): no picker.
      this.tenant = null;
    }
  }

  async addPolicy(policy: string, reset: boolean): Promise<boolean> {
    this.pickerError = null;
    try {
      this.tenant = await ipc.addPolicy(this.name, policy.trim(), reset);
      return true;
    } catch (e) {
      this.pickerError = ipc.toIpcError(e);
      return false;
    }
  }

  async loadHistory(): Promise<void> {
    try {
      this.history = await ipc.sessionHistory(this.name);
    } catch {
      // The history is a convenience; the result view still shows the run.
    }
  }

  /** Makes the support bundle; returns its text (also kept for display) or null. */
  async makeBundle(): Promise<string | null> {
    this.bundleError = null;
    try {
      this.bundle = await ipc.supportBundle(this.name);
      return this.bundle;
    } catch (e) {
      this.bundleError = ipc.toIpcError(e);
      return null;
    }
  }

  /** The authorize URL the next sign-in would open (with the current options). */
  async showPreview(): Promise<void> {
    this.previewing = true;
    try {
      this.preview = { value: await ipc.previewRequest(this.name, this.extras()), error: null };
    } catch (e) {
      this.preview = { value: null, error: ipc.toIpcError(e) };
    } finally {
      this.previewing = false;
    }
  }

  /** Runs the logout test (the caller marks the app busy). */
  async logoutTest(): Promise<void> {
    this.logout = null;
    const hint = this.options?.id_token_hint?.trim() || null;
    try {
      this.logout = { value: await ipc.logoutTest(this.name, hint), error: null };
    } catch (e) {
      this.logout = { value: null, error: ipc.toIpcError(e) };
    }
  }
}
