// The steps of a sign-in or refresh as the person sees them, computed from the progress events
// received so far and how the run ended. Pure, so the step display is tested with plain data.
import type { Flow, Progress } from './bindings';

export type StepId = Progress['step'];
export type StepState = 'done' | 'active' | 'failed';
export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** One sign-in or refresh as it happens. */
export interface Run {
  flow: Flow;
  /** Progress events, in the order they arrived. */
  events: Progress[];
  status: RunStatus;
  /** From the result, once there is one (covers a `validated` event that lost the race). */
  passed: boolean | null;
  /** No browser is opened: the person copies the authorize URL into one. */
  manual?: boolean;
  /** A device sign-in (RFC 8628): the person signs in on another device with a code. */
  device?: boolean;
  /** When the run started (ms since the epoch). */
  startedAt?: number;
}

export interface StepView {
  id: StepId;
  state: StepState;
  label: string;
  /** Text worth reading (issuer, URL); rendered as text. */
  detail: string | null;
}

export const SIGN_IN_STEPS: StepId[] = [
  'metadata_fetched',
  'browser_opened',
  'waiting_for_redirect',
  'code_received',
  'tokens_exchanged',
  'validated',
];

/** A refresh or an app token (client credentials): no browser, one token request. */
export const REFRESH_STEPS: StepId[] = ['metadata_fetched', 'tokens_exchanged', 'validated'];

/** A device sign-in has no browser and no redirect: the tokens come from polling. */
export const DEVICE_STEPS: StepId[] = ['metadata_fetched', 'tokens_exchanged', 'validated'];

export function newRun(flow: Flow, manual = false, device = false): Run {
  return { flow, events: [], status: 'running', passed: null, manual, device, startedAt: Date.now() };
}

function label(id: StepId, state: StepState, flow: Flow, cancelled: boolean, manual: boolean, device: boolean): string {
  const active = state === 'active';
  const failed = state === 'failed';
  if (device && id === 'tokens_exchanged') {
    if (failed) return cancelled ? 'Cancelled while waiting for the other device' : 'No tokens came (see below)';
    return active ? 'Waiting for the sign-in on the other device…' : 'Signed in on the other device: tokens received';
  }
  switch (id) {
    case 'metadata_fetched':
      if (failed) return 'Could not get the provider’s metadata';
      return active ? 'Fetching the provider’s metadata…' : 'Metadata fetched';
    case 'browser_opened':
      if (manual) return active ? 'Building the authorize URL…' : 'No browser opened: copy this URL into one';
      if (failed) return 'Could not open the browser';
      // The command was started; whether the page loaded, only the browser knows.
      return active ? 'Starting the browser…' : 'Browser started with the sign-in page';
    case 'waiting_for_redirect':
      if (failed) return cancelled ? 'Cancelled while waiting for the redirect' : 'The redirect brought no code (see below)';
      return active ? 'Waiting for the redirect: sign in in the browser' : 'Redirect received';
    case 'code_received':
      if (failed) return 'No authorization code';
      return active ? 'Reading the authorization code…' : 'Authorization code received';
    case 'tokens_exchanged':
      if (flow === 'client_credentials') {
        if (failed) return 'No app token came (see below)';
        return active ? 'Asking for an app token with the client’s credentials…' : 'App token received';
      }
      if (flow === 'refresh') {
        if (failed) return 'The refresh token was not redeemed';
        return active ? 'Redeeming the refresh token…' : 'Refresh token redeemed';
      }
      if (failed) return 'The code was not exchanged for tokens';
      return active ? 'Exchanging the code for tokens…' : 'Code exchanged for tokens';
    case 'validated':
      if (failed) return 'Validated: some checks failed';
      return active ? 'Validating the tokens…' : 'Tokens validated';
  }
}

function detail(event: Progress | undefined): string | null {
  if (!event) return null;
  switch (event.step) {
    case 'metadata_fetched':
      return `issuer ${event.issuer}`;
    case 'browser_opened':
      return event.authorize_url;
    case 'waiting_for_redirect':
      return event.redirect_uri;
    default:
      return null;
  }
}

/** The steps to show: those that happened, then the one in progress (or the one that failed). */
export function stepsOf(run: Run): StepView[] {
  const order = run.flow !== 'sign_in' ? REFRESH_STEPS : run.device ? DEVICE_STEPS : SIGN_IN_STEPS;
  const seen = new Map<StepId, Progress>();
  for (const e of run.events) seen.set(e.step, e);
  let last = -1;
  order.forEach((id, i) => {
    if (seen.has(id)) last = i;
  });
  if (run.status === 'done') last = order.length - 1;

  const validatedEvent = seen.get('validated');
  const passed =
    run.passed ?? (validatedEvent?.step === 'validated' ? validatedEvent.passed : true);
  const cancelled = run.status === 'cancelled';
  const out: StepView[] = order.slice(0, last + 1).map((id) => {
    const state: StepState = id === 'validated' && !passed ? 'failed' : 'done';
    return { id, state, label: '', detail: detail(seen.get(id)) };
  });

  const tail = out[out.length - 1];
  const waitingIsLast = tail?.id === 'waiting_for_redirect';
  if (run.status === 'running') {
    if (waitingIsLast) tail.state = 'active';
    else if (last < order.length - 1) {
      out.push({ id: order[last + 1] as StepId, state: 'active', label: '', detail: null });
    }
  } else if (run.status === 'failed' || cancelled) {
    if (waitingIsLast) tail.state = 'failed';
    else if (last < order.length - 1) {
      out.push({ id: order[last + 1] as StepId, state: 'failed', label: '', detail: null });
    }
  }
  for (const s of out) s.label = label(s.id, s.state, run.flow, cancelled, run.manual ?? false, run.device ?? false);
  return out;
}

/** The authorize URL sent (the request the browser opened), once known. */
export function authorizeUrlOf(run: Run): string | null {
  for (const e of run.events) if (e.step === 'browser_opened') return e.authorize_url;
  return null;
}

/** A duration as a stopwatch shows it: "0:07", "2:15", "1:02:03". */
export function elapsedText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The exact redirect_uri sent, once known. */
export function redirectUriOf(run: Run): string | null {
  for (const e of run.events) if (e.step === 'waiting_for_redirect') return e.redirect_uri;
  return null;
}
