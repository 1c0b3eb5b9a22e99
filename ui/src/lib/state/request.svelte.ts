// The request builder's per-profile state for this session: the options of the next sign-in
// (clean session, id_token_hint; never saved), the last authorize URL preview and the last
// logout test. Kept apart from the app state; `AppState` owns one and routes calls through it.
import type { IpcError, LogoutReport, RequestPreview, SignInExtras } from '../bindings';
import * as ipc from '../ipc';

export interface Outcome<T> {
  value: T | null;
  error: IpcError | null;
}

/** What the profile form asks for the client secret: type a new one, or remove the stored one. */
export interface SecretEdit {
  /** A new secret ('' = keep what is stored). */
  secret?: string;
  remove?: boolean;
}

export class RequestState {
  options = $state<Record<string, SignInExtras>>({});
  previews = $state<Record<string, Outcome<RequestPreview>>>({});
  logouts = $state<Record<string, Outcome<LogoutReport>>>({});
  previewing = $state<string | null>(null);

  /** The options to send with the next sign-in, or null when nothing is set. */
  extrasFor(name: string): SignInExtras | null {
    const o = this.options[name];
    if (!o) return null;
    const hint = o.id_token_hint?.trim() || null;
    return o.clean || hint || o.no_browser ? { clean: o.clean, id_token_hint: hint, no_browser: o.no_browser } : null;
  }

  setOptions(name: string, options: SignInExtras): void {
    this.options[name] = options;
  }

  /** The authorize URL the next sign-in would open (with the current options). */
  async preview(name: string): Promise<void> {
    this.previewing = name;
    try {
      this.previews[name] = { value: await ipc.previewRequest(name, this.extrasFor(name)), error: null };
    } catch (e) {
      this.previews[name] = { value: null, error: ipc.toIpcError(e) };
    } finally {
      this.previewing = null;
    }
  }

  /** Runs the logout test (the caller marks the app busy). */
  async logoutTest(name: string): Promise<void> {
    delete this.logouts[name];
    const hint = this.options[name]?.id_token_hint?.trim() || null;
    try {
      this.logouts[name] = { value: await ipc.logoutTest(name, hint), error: null };
    } catch (e) {
      this.logouts[name] = { value: null, error: ipc.toIpcError(e) };
    }
  }

  forget(name: string): void {
    delete this.options[name];
    delete this.previews[name];
    delete this.logouts[name];
  }
}
