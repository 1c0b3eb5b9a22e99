// The one door to the Rust side: every command the UI calls and the one event it listens to,
// typed with the generated bindings. Components and state modules import these functions and
// never call `invoke` or `listen` themselves (ESLint enforces it). Anything a call throws comes
// back as an `IpcError`, whatever shape it had.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { ERROR_KINDS } from './bindings';
import type {
  Command,
  ErrorKind,
  ApiCall,
  ApiRequest,
  CertificateView,
  DpopKeyInfo,
  ClientCertificate,
  AppInfo,
  CaseDraft,
  CaseReport,
  TestFileView,
  AuthorityPreview,
  BrowserErrorHelp,
  ExportFormat,
  HistoryView,
  LogoutReport,
  RequestPreview,
  ScopeAdvice,
  SignInExtras,
  InspectionView,
  InspectorOptions,
  IpcError,
  Made,
  MakeRequest,
  Profile,
  ProfileEntry,
  Progress,
  RecentCall,
  SignInView,
  SignOutView,
  TenantView,
  TokenDiff,
  WireOf,
  UserInfo,
  EndpointSupport,
  RevokeToken,
  Revocation,
  IntrospectToken,
  Introspection,
  SavedBody,
  DeviceCode,
  DevicePoll,
  DeviceSupport,
  Migration,
} from './bindings';

/** The event the shell emits as each user-flow test case ends (`flow_commands::CASE_EVENT`). */
export const CASE_EVENT = 'flowtest-case';

/** The event the shell emits while a sign-in or refresh runs (`commands::PROGRESS_EVENT`). */
export const PROGRESS_EVENT = 'signin-progress';

/** The user code of a device sign-in, with its QR code (`device_commands::DEVICE_CODE_EVENT`). */
export const DEVICE_CODE_EVENT = 'device-code';

/** Each poll of a device sign-in (`device_commands::DEVICE_POLL_EVENT`). */
export const DEVICE_POLL_EVENT = 'device-poll';

/** The command names, generated from the shell's one list (`src-tauri/src/command_list.rs`): a
 *  name that is not one of them does not type-check. */
export { COMMANDS, type Command } from './bindings';

/** Turns whatever a call rejected with into an `IpcError`. */
export function toIpcError(e: unknown): IpcError {
  if (e && typeof e === 'object' && 'kind' in e && 'message' in e) {
    const o = e as Partial<IpcError>;
    return {
      kind: isErrorKind(o.kind) ? o.kind : 'unknown',
      message: typeof o.message === 'string' ? o.message : String(o.message),
      provider: o.provider ?? null,
      body: typeof o.body === 'string' ? o.body : null,
    };
  }
  if (e instanceof Error) return { kind: 'unknown', message: e.message, provider: null, body: null };
  if (typeof e === 'string') return { kind: 'unknown', message: e, provider: null, body: null };
  return { kind: 'unknown', message: 'Something went wrong', provider: null, body: null };
}

function isErrorKind(k: unknown): k is ErrorKind {
  return (ERROR_KINDS as readonly unknown[]).includes(k);
}

/** Is this value an `IpcError` (as produced by `toIpcError`)? */
export function isIpcError(e: unknown): e is IpcError {
  return !!e && typeof e === 'object' && 'kind' in e && 'message' in e && 'provider' in e;
}

async function call<T>(command: Command, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

/** The answer to a call index.html made as the page started, taken once; null when there is
 *  none (tests, or already taken). */
function early<T>(command: Command): Promise<T> | null {
  const asked = (window as { __tokenscopeEarly?: Record<string, Promise<T> | undefined> }).__tokenscopeEarly;
  const answer = asked?.[command];
  if (!asked || !answer) return null;
  delete asked[command];
  return answer.catch((e: unknown) => {
    throw toIpcError(e);
  });
}

export const appInfo = () => early<AppInfo>('app_info') ?? call<AppInfo>('app_info');

export const listProfiles = () =>
  early<ProfileEntry[]>('list_profiles') ?? call<ProfileEntry[]>('list_profiles');

/** Saves a profile; `previousName` renames an existing one (its refresh token does not follow). */
export const saveProfile = (profile: Profile, previousName: string | null) =>
  call<ProfileEntry[]>('save_profile', { profile, previousName });

export const deleteProfile = (name: string) =>
  call<ProfileEntry[]>('delete_profile', { name });

export const previewAuthority = (text: string) =>
  call<AuthorityPreview>('preview_authority', { text });

/** Signs in through the browser; progress arrives through `onProgress` meanwhile. */
export const signIn = (name: string, options: SignInExtras | null = null) =>
  call<SignInView>('sign_in', options === null ? { name } : { name, options });

/** The authorize URL a sign-in with these options would open, and its scopes explained. */
export const previewRequest = (name: string, options: SignInExtras | null = null) =>
  call<RequestPreview>('preview_request', { name, options });

/** Stores the profile's client secret in the keyring; it never comes back, only `client_secret`. */
export const setClientSecret = (name: string, secret: string) =>
  call<ProfileEntry[]>('set_client_secret', { name, secret });

export const deleteClientSecret = (name: string) =>
  call<ProfileEntry[]>('delete_client_secret', { name });

/** Stores the profile's private key for private_key_jwt (PEM, with its certificate, or a private
 *  JWK) in the keyring; it never comes back, only `client_key` (thumbprint, x5t#S256). */
export const setClientKey = (name: string, key: string) =>
  call<ProfileEntry[]>('set_client_key', { name, key });

export const deleteClientKey = (name: string) => call<ProfileEntry[]>('delete_client_key', { name });

/** Whether the profile's provider offers the device flow (its metadata is fetched or cached). */
export const deviceSupport = (name: string) => call<DeviceSupport>('device_support', { name });

/** Signs in on another device (RFC 8628): the code arrives through `onDeviceCode`, each poll
 *  through `onDevicePoll`, the steps through `onProgress`; `cancelSignIn` stops it. */
export const signInDevice = (name: string) => call<SignInView>('sign_in_device', { name });

/** An app-only token for the profile's client (client credentials grant), as `tokenscope token
 *  --grant client-credentials` gets it; `scope` null: the profile's scopes. */
export const clientCredentials = (name: string, scope: string | null) =>
  call<SignInView>('client_credentials', { name, scope });

/** The B2C → External ID comparison of the first token of `a` and of `b`: the claim diff with
 *  the known differences explained (core's table). */
export const migrationCompare = (a: string, b: string) => call<Migration>('migration_compare', { a, b });

/** Each scope explained and B2C's one-resource rule checked (nothing is fetched). */
export const scopeAdvice = (clientId: string, scopes: string[]) =>
  call<ScopeAdvice>('scope_advice', { clientId, scopes });

/** A sign-in that never came back: the codes the provider's page likely shows for the request
 *  sent (`authorizeUrl`), and what `read` (a code read off the page) means; from core's catalogue. */
export const browserErrorHelp = (authorizeUrl: string, read: string | null) =>
  call<BrowserErrorHelp>('browser_error_help', { authorizeUrl, read });

/** Mutual TLS: the client certificate files as the engine reads them now (never the key). */
export const describeClientCertificate = (files: ClientCertificate) =>
  call<CertificateView>('describe_client_certificate', { files });

/** DPoP: the profile's key as the engine shows it (thumbprint, public JWK, when it was made;
 *  never the private key), or null when none is made yet. */
export const dpopKey = (name: string) => call<DpopKeyInfo | null>('dpop_key', { name });

/** DPoP: a new key for the profile (the engine's rotate, as `profiles dpop rotate`): tokens
 *  bound to the old key stop working. */
export const rotateDpopKey = (name: string) => call<DpopKeyInfo>('rotate_dpop_key', { name });

/** DPoP: deletes the profile's key; false when there was none. */
export const removeDpopKey = (name: string) => call<boolean>('remove_dpop_key', { name });

/** RP-initiated logout with a loopback post_logout_redirect_uri; did the provider come back? */
export const logoutTest = (name: string, idTokenHint: string | null = null) =>
  call<LogoutReport>('logout_test', { name, idTokenHint });

/** Cancels the running sign-in; false when none was running. */
export const cancelSignIn = () => call<boolean>('cancel_sign_in');

/** Redeems the stored refresh token (no browser). */
export const refresh = (name: string) => call<SignInView>('refresh', { name });

export const signOut = (name: string) => call<SignOutView>('sign_out', { name });

/** Everything in a pasted token, `Bearer …`, redirect URL or token response, explained; verified
 *  when `options.verify` (with `options.public_key`, else keys discovered from `iss`). */
export const inspect = (text: string, options: InspectorOptions) =>
  call<InspectionView>('inspect', { text, options });

/** The same inspection as a JSON or Markdown document (redacted when `options.redact`). */
export const exportInspection = (text: string, options: InspectorOptions, format: ExportFormat) =>
  call<string>('export_inspection', { text, options, format });

/** Claims added, removed and changed between the first token of `a` and the first of `b`. */
export const diffTokens = (a: string, b: string) => call<TokenDiff>('diff_tokens', { a, b });

/** "Make a token": a signed test token (optionally encrypted), or, with `request.from`, a
 *  decoded token changed (exp, aud…) and signed again with the key given. */
export const makeToken = (request: MakeRequest) => call<Made>('make_token', { request });

export const setLastProfile = (name: string | null) =>
  call<null>('set_last_profile', { name });

// ---- B2C: the profile's tenant and policies, the password reset, history, support bundle ----

/** The profile's B2C tenant and its known policies (fails with kind `authority` off B2C). */
export const tenantPolicies = (name: string) => call<TenantView>('tenant_policies', { name });

/** Adds a policy to the profile's tenant; `reset` makes it the password-reset policy. */
export const addPolicy = (name: string, policy: string, reset: boolean) =>
  call<TenantView>('add_policy', { name, policy, reset });

export const removePolicy = (name: string, policy: string) =>
  call<TenantView>('remove_policy', { name, policy });

/** Switches the profile to another policy of its tenant (client ID and scopes stay). */
export const switchPolicy = (name: string, policy: string) =>
  call<ProfileEntry[]>('switch_policy', { name, policy });

/** Runs the tenant's password-reset policy once for the profile (progress through `onProgress`). */
export const resetPassword = (name: string, policy: string) =>
  call<SignInView>('reset_password', { name, policy });

/** This session's sign-ins and refreshes of the profile, and its refresh token's age. */
export const sessionHistory = (name: string) => call<HistoryView>('session_history', { name });

/** The support bundle of the profile's last sign-in or refresh (text for a ticket, no secrets). */
export const supportBundle = (name: string) => call<string>('support_bundle', { name });

// ---- Beyond the token: an API called with the profile's token, userinfo ----

/** Calls an API with the profile's token (held by the shell, never sent here) and explains a
 *  refusal; the call is remembered in the profile's recent calls. */
export const callApi = (name: string, request: ApiRequest) =>
  call<ApiCall>('call_api', { name, request });

/** The request as a curl command: the token as `$TOKEN`, in the clear only when `reveal`. */
export const apiCurl = (name: string, request: ApiRequest, reveal: boolean) =>
  call<string>('api_curl', { name, request, reveal });

/** Calls an API with a token the user pasted in the inspector and explains a refusal. */
export const callApiWithToken = (token: string, request: ApiRequest) =>
  call<ApiCall>('call_api_with_token', { token, request });

/** A call with a pasted token as a curl command: `$TOKEN`, in the clear only when `reveal`. */
export const apiCurlWithToken = (token: string, request: ApiRequest, reveal: boolean) =>
  call<string>('api_curl_with_token', { token, request, reveal });

/** The profile's recent API calls, newest first. */
export const recentCalls = (name: string) => call<RecentCall[]>('recent_calls', { name });

/** Request `index` of the profile's last log of `kind` (a sign-in or refresh, an API call,
 *  userinfo, revocation, introspection) as curl with what it sent in the clear, except refresh
 *  tokens (those never reach the webview). `url`: the entry's URL as shown. */
export const exchangeCurl = (name: string, index: number, url: string, kind: WireOf = 'sign_in') =>
  call<string>('exchange_curl', { name, kind, index, url });

/** The provider's userinfo claims, explained and compared with the ID token's. */
export const userinfo = (name: string) => call<UserInfo>('userinfo', { name });

/** Which of revocation and introspection the profile's provider advertises, and why not. */
export const providerEndpoints = (name: string) => call<EndpointSupport>('provider_endpoints', { name });

/** Revokes the stored refresh token (the shell reads it from the vault; it never comes here)
 *  or the access token. */
export const revokeToken = (name: string, token: RevokeToken) => call<Revocation>('revoke_token', { name, token });

/** Asks the provider's introspection endpoint about the profile's access or refresh token. */
export const introspectToken = (name: string, token: IntrospectToken) =>
  call<Introspection>('introspect_token', { name, token });

/** Writes the whole body of the profile's last API call to a new file at `path`. */
export const saveApiBody = (name: string | null, path: string) => call<SavedBody>('save_api_body', { name, path });

/** Calls `handler` with each progress step until the returned function is called. */
export async function onProgress(handler: (p: Progress) => void): Promise<UnlistenFn> {
  try {
    return await listen<Progress>(PROGRESS_EVENT, (event) => handler(event.payload));
  } catch (e) {
    throw toIpcError(e);
  }
}

/** Calls `handler` with the user code of a device sign-in, until the returned function is called. */
export async function onDeviceCode(handler: (c: DeviceCode) => void): Promise<UnlistenFn> {
  try {
    return await listen<DeviceCode>(DEVICE_CODE_EVENT, (event) => handler(event.payload));
  } catch (e) {
    throw toIpcError(e);
  }
}

/** Calls `handler` before each poll of a device sign-in, until the returned function is called. */
export async function onDevicePoll(handler: (p: DevicePoll) => void): Promise<UnlistenFn> {
  try {
    return await listen<DevicePoll>(DEVICE_POLL_EVENT, (event) => handler(event.payload));
  } catch (e) {
    throw toIpcError(e);
  }
}

/** Opens a user-flow test file: its cases, or an `IpcError` (kind `test_file`) naming every
 * problem with file, line and key. */
export const readTestFile = (path: string) => call<TestFileView>('read_test_file', { path });

/** Runs the file's cases (`only` names some; empty runs all); each report also arrives through
 * `onCaseReport` as its case ends. */
export const runTestFile = (path: string, only: string[], jobs: number | null = null) =>
  call<CaseReport[]>('run_test_file', { path, only, jobs });

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
  call<SignInView>('test_case_sign_in', { path, name });

/** Appends a case written from a sign-in to the test file (created when missing); the file as
 * it now reads, or an `IpcError` (nothing written). */
export const saveTestCase = (path: string, draft: CaseDraft) =>
  call<TestFileView>('save_test_case', { path, draft });
