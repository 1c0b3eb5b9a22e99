// A fake shell for UI tests: routes mocked IPC commands to handlers and records every call.
import { mockIPC } from '@tauri-apps/api/mocks';
import type { InvokeArgs } from '@tauri-apps/api/core';
import { appInfo } from './fixtures';

export type Handler = (args: Record<string, unknown>) => unknown;

export interface Backend {
  calls: { cmd: string; args: Record<string, unknown> }[];
  /** The args of every call to one command. */
  argsOf(cmd: string): Record<string, unknown>[];
}

/** Installs the fake; unknown commands fail like the shell would. */
export function backend(handlers: Record<string, Handler>, options = { events: false }): Backend {
  const calls: Backend['calls'] = [];
  const defaults: Record<string, Handler> = {
    app_info: () => appInfo(),
    list_profiles: () => [],
    set_last_profile: () => null,
    recent_calls: () => [],
    dpop_key: () => null,
    device_support: () => ({ endpoint: null, missing: 'the provider offers no device flow' }),
    session_history: () => ({ entries: [], refresh_age: null, redirect_rules: [] }),
    tenant_policies: () => {
      throw { kind: 'authority', message: 'not on a B2C tenant', provider: null, body: null };
    },
  };
  const all = { ...defaults, ...handlers };
  mockIPC(
    (cmd: string, payload?: InvokeArgs) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      if (!cmd.startsWith('plugin:')) calls.push({ cmd, args });
      const handler = all[cmd];
      if (!handler) throw { kind: 'unknown', message: `no handler for ${cmd}`, provider: null, body: null };
      return handler(args);
    },
    { shouldMockEvents: options.events },
  );
  return { calls, argsOf: (cmd) => calls.filter((c) => c.cmd === cmd).map((c) => c.args) };
}

/** A promise the test settles when it chooses (a sign-in waiting for the browser). */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
