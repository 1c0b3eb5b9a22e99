// The one door to the Rust side: every command the UI calls and the one event it listens to,
// typed with the generated bindings. Components and state modules import these functions and
// never call `invoke` or `listen` themselves (ESLint enforces it). Anything a call throws comes
// back as an `IpcError`, whatever shape it had.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  AppInfo,
  CaseDraft,
  CaseReport,
  TestFileView,
  AuthorityPreview,
  ExportFormat,
  HistoryView,
  LogoutReport,
  RequestPreview,
  ScopeAdvice,
  SignInExtras,
  InspectionView,
  InspectorOptions,
  IpcError,
  Profile,
  ProfileEntry,
  Progress,
  SignInView,
  SignOutView,
  TenantView,
  TokenDiff,
} from './bindings';

/** The event the shell emits as each user-flow test case ends (`flow_commands::CASE_EVENT`). */
export const CASE_EVENT = 'flowtest-case';

/** The event the shell emits while a sign-in or refresh runs (`commands::PROGRESS_EVENT`). */
export const PROGRESS_EVENT = 'signin-progress';

/** Command names as the shell registers them (`src-tauri/src/command_names.rs`). */
export const COMMANDS = {
  appInfo: 'app_info',
  listProfiles: 'list_profiles',
  saveProfile: 'save_profile',
  deleteProfile: 'delete_profile',
  previewAuthority: 'preview_authority',
  signIn: 'sign_in',
  cancelSignIn: 'cancel_sign_in',
  refresh: 'refresh',
  signOut: 'sign_out',
  inspect: 'inspect',
  exportInspection: 'export_inspection',
  diffTokens: 'diff_tokens',
  setLastProfile: 'set_last_profile',
  tenantPolicies: 'tenant_policies',
  addPolicy: 'add_policy',
  removePolicy: 'remove_policy',
  switchPolicy: 'switch_policy',
  resetPassword: 'reset_password',
  sessionHistory: 'session_history',
  supportBundle: 'support_bundle',
  previewRequest: 'preview_request',
  setClientSecret: 'set_client_secret',
  deleteClientSecret: 'delete_client_secret',
  logoutTest: 'logout_test',
  scopeAdvice: 'scope_advice',
  readTestFile: 'read_test_file',
  runTestFile: 'run_test_file',
  testCaseSignIn: 'test_case_sign_in',
  saveTestCase: 'save_test_case',
} as const;

/** Turns whatever a call rejected with into an `IpcError`. */
export function toIpcError(e: unknown): IpcError {
  if (e && typeof e === 'object' && 'kind' in e && 'message' in e) {
    const o = e as Partial<IpcError>;
    return {
      kind: typeof o.kind === 'string' ? o.kind : 'unknown',
      message: typeof o.message === 'string' ? o.message : String(o.message),
      provider: o.provider ?? null,
      body: typeof o.body === 'string' ? o.body : null,
    };
  }
  if (e instanceof Error) return { kind: 'unknown', message: e.message, provider: null, body: null };
  if (typeof e === 'string') return { kind: 'unknown', message: e, provider: null, body: null };
  return { kind: 'unknown', message: 'Something went wrong', provider: null, body: null };
}

/** Is this value an `IpcError` (as produced by `toIpcError`)? */
export function isIpcError(e: unknown): e is IpcError {
  return !!e && typeof e === 'object' && 'kind' in e && 'message' in e && 'provider' in e;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

/** The answer to a call index.html made as the page started, taken once; null when there is
 *  none (tests, or already taken). */
function early<T>(command: string): Promise<T> | null {
  const asked = (window as { __tokenscopeEarly?: Record<string, Promise<T> | undefined> }).__tokenscopeEarly;
  const answer = asked?.[command];
  if (!asked || !answer) return null;
  delete asked[command];
  return answer.catch((e: unknown) => {
    throw toIpcError(e);
  });
}

export const appInfo = () => early<AppInfo>(COMMANDS.appInfo) ?? call<AppInfo>(COMMANDS.appInfo);

export const listProfiles = () =>
  early<ProfileEntry[]>(COMMANDS.listProfiles) ?? call<ProfileEntry[]>(COMMANDS.listProfiles);

/** Saves a profile; `previousName` renames an existing one (its refresh token does not follow). */
export const saveProfile = (profile: Profile, previousName: string | null) =>
  call<ProfileEntry[]>(COMMANDS.saveProfile, { profile, previousName });

export const deleteProfile = (name: string) =>
  call<ProfileEntry[]>(COMMANDS.deleteProfile, { name });

export const previewAuthority = (text: string) =>
  call<AuthorityPreview>(COMMANDS.previewAuthority, { text });

/** Signs in through the browser; progress arrives through `onProgress` meanwhile. */
export const signIn = (name: string, options: SignInExtras | null = null) =>
  call<SignInView>(COMMANDS.signIn, options === null ? { name } : { name, options });

/** The authorize URL a sign-in with these options would open, and its scopes explained. */
export const previewRequest = (name: string, options: SignInExtras | null = null) =>
  call<RequestPreview>(COMMANDS.previewRequest, { name, options });

/** Stores the profile's client secret in the keyring; it never comes back, only `client_secret`. */
export const setClientSecret = (name: string, secret: string) =>
  call<ProfileEntry[]>(COMMANDS.setClientSecret, { name, secret });

export const deleteClientSecret = (name: string) =>
  call<ProfileEntry[]>(COMMANDS.deleteClientSecret, { name });

/** RP-initiated logout with a loopback post_logout_redirect_uri; did the provider come back? */
/** Each scope explained and B2C's one-resource rule checked (nothing is fetched). */
export const scopeAdvice = (clientId: string, scopes: string[]) =>
  call<ScopeAdvice>(COMMANDS.scopeAdvice, { clientId, scopes });

export const logoutTest = (name: string, idTokenHint: string | null = null) =>
  call<LogoutReport>(COMMANDS.logoutTest, { name, idTokenHint });

/** Cancels the running sign-in; false when none was running. */
export const cancelSignIn = () => call<boolean>(COMMANDS.cancelSignIn);

/** Redeems the stored refresh token (no browser). */
export const refresh = (name: string) => call<SignInView>(COMMANDS.refresh, { name });

export const signOut = (name: string) => call<SignOutView>(COMMANDS.signOut, { name });

/** Everything in a pasted token, `Bearer …`, redirect URL or token response, explained; verified
 *  when `options.verify` (with `options.public_key`, else keys discovered from `iss`). */
export const inspect = (text: string, options: InspectorOptions) =>
  call<InspectionView>(COMMANDS.inspect, { text, options });

/** The same inspection as a JSON or Markdown document (redacted when `options.redact`). */
export const exportInspection = (text: string, options: InspectorOptions, format: ExportFormat) =>
  call<string>(COMMANDS.exportInspection, { text, options, format });

/** Claims added, removed and changed between the first token of `a` and the first of `b`. */
export const diffTokens = (a: string, b: string) => call<TokenDiff>(COMMANDS.diffTokens, { a, b });

export const setLastProfile = (name: string | null) =>
  call<null>(COMMANDS.setLastProfile, { name });

// ---- B2C: the profile's tenant and policies, the password reset, history, support bundle ----

/** The profile's B2C tenant and its known policies (fails with kind `authority` off B2C). */
export const tenantPolicies = (name: string) => call<TenantView>(COMMANDS.tenantPolicies, { name });

/** Adds a policy to the profile's tenant; `reset` makes it the password-reset policy. */
export const addPolicy = (name: string, policy: string, reset: boolean) =>
  call<TenantView>(COMMANDS.addPolicy, { name, policy, reset });

export const removePolicy = (name: string, policy: string) =>
  call<TenantView>(COMMANDS.removePolicy, { name, policy });

/** Switches the profile to another policy of its tenant (client ID and scopes stay). */
export const switchPolicy = (name: string, policy: string) =>
  call<ProfileEntry[]>(COMMANDS.switchPolicy, { name, policy });

/** Runs the tenant's password-reset policy once for the profile (progress through `onProgress`). */
export const resetPassword = (name: string, policy: string) =>
  call<SignInView>(COMMANDS.resetPassword, { name, policy });

/** This session's sign-ins and refreshes of the profile, and its refresh token's age. */
export const sessionHistory = (name: string) => call<HistoryView>(COMMANDS.sessionHistory, { name });

/** The support bundle of the profile's last sign-in or refresh (text for a ticket, no secrets). */
export const supportBundle = (name: string) => call<string>(COMMANDS.supportBundle, { name });

/** Calls `handler` with each progress step until the returned function is called. */
export async function onProgress(handler: (p: Progress) => void): Promise<UnlistenFn> {
  try {
    return await listen<Progress>(PROGRESS_EVENT, (event) => handler(event.payload));
  } catch (e) {
    throw toIpcError(e);
  }
}

/** Opens a user-flow test file: its cases, or an `IpcError` (kind `test_file`) naming every
 * problem with file, line and key. */
export const readTestFile = (path: string) => call<TestFileView>(COMMANDS.readTestFile, { path });

/** Runs the file's cases (`only` names some; empty runs all); each report also arrives through
 * `onCaseReport` as its case ends. */
export const runTestFile = (path: string, only: string[], jobs: number | null = null) =>
  call<CaseReport[]>(COMMANDS.runTestFile, { path, only, jobs });

/** Calls `handler` with each case's report as it ends, until the returned function is called. */
export async function onCaseReport(handler: (c: CaseReport) => void): Promise<UnlistenFn> {
  try {
    return await listen<CaseReport>(CASE_EVENT, (event) => handler(event.payload));
  } catch (e) {
    throw toIpcError(e);
  }
}

/** The sign-in behind a case of the file's latest run, for the result view. */
export const testCaseSignIn = (path: string, name: string) =>
  call<SignInView>(COMMANDS.testCaseSignIn, { path, name });

/** Appends a case written from a sign-in to the test file (created when missing); the file as
 * it now reads, or an `IpcError` (nothing written). */
export const saveTestCase = (path: string, draft: CaseDraft) =>
  call<TestFileView>(COMMANDS.saveTestCase, { path, draft });
