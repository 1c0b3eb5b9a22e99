// The inspector's state: what was pasted, the keys and options given, the latest inspection and
// the comparison of two tokens. Kept by `AppState` so nothing is lost while the person looks
// elsewhere. Every call goes through `ipc.ts`; a newer call wins over an older one still running.
import type {
  ErrorKind,
  ExportFormat,
  InspectionView,
  InspectorOptions,
  IpcError,
  Made,
  MakeRequest,
  TokenDiff,
} from '../bindings';
import * as ipc from '../ipc';

export type InspectorMode = 'inspect' | 'compare';

/** Error kinds that belong to a key field rather than to the pasted text. */
const KEY_ERRORS: readonly ErrorKind[] = ['public_key', 'decryption_key'];

export const DEFAULT_SKEW = 300;

export class InspectorState {
  mode = $state<InspectorMode>('inspect');
  text = $state('');
  // Raw: a result is replaced, never changed in place, so it needs no deep proxy (a 500-claim
  // token is thousands of values; proxying them made its token view several times slower).
  result = $state.raw<InspectionView | null>(null);
  error = $state<IpcError | null>(null);
  /** A pasted key that does not parse (`public_key` or `decryption_key`). */
  keyError = $state<IpcError | null>(null);
  busy = $state<'decode' | 'verify' | null>(null);
  /** Verification was asked for this text (it is dropped when the text changes). */
  verify = $state(false);
  /** A public key to verify with; empty: the issuer's published keys. */
  publicKey = $state('');
  decryptionKey = $state('');
  redact = $state(false);
  skew = $state(DEFAULT_SKEW);

  diffA = $state('');
  diffB = $state('');
  diff = $state.raw<TokenDiff | null>(null);
  diffError = $state<IpcError | null>(null);

  private seq = 0;
  private diffSeq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private diffTimer: ReturnType<typeof setTimeout> | undefined;

  options(overrides: Partial<InspectorOptions> = {}): InspectorOptions {
    const blank = (s: string) => (s.trim() === '' ? null : s);
    const skew = Number.isFinite(this.skew) && this.skew >= 0 ? Math.floor(this.skew) : DEFAULT_SKEW;
    return {
      verify: this.verify,
      public_key: blank(this.publicKey),
      decryption_key: blank(this.decryptionKey),
      redact: this.redact,
      skew_seconds: skew,
      ...overrides,
    };
  }

  /** Inspects the text with the current options. */
  async run(): Promise<void> {
    clearTimeout(this.timer);
    const text = this.text;
    const mine = ++this.seq;
    if (text.trim() === '') {
      this.result = null;
      this.error = null;
      this.keyError = null;
      this.busy = null;
      return;
    }
    this.busy = this.verify ? 'verify' : 'decode';
    try {
      const result = await ipc.inspect(text, this.options());
      if (mine !== this.seq) return;
      this.result = result;
      this.error = null;
      this.keyError = null;
    } catch (e) {
      if (mine !== this.seq) return;
      const err = ipc.toIpcError(e);
      if (KEY_ERRORS.includes(err.kind)) {
        // The text is fine: keep what it decoded to, and say what is wrong with the key.
        this.keyError = err;
      } else {
        this.result = null;
        this.error = err;
        this.keyError = null;
      }
    } finally {
      if (mine === this.seq) this.busy = null;
    }
  }

  /** The text changed: verification was for the old text; decode again shortly. */
  textChanged(): void {
    this.verify = false;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), 150);
  }

  clear(): void {
    this.text = '';
    this.verify = false;
    void this.run();
  }

  /** Checks signatures and times: with the pasted public key, else the issuer's keys. */
  verifyNow(): Promise<void> {
    this.verify = true;
    return this.run();
  }

  /** Decodes again (after a decryption key was pasted, or redaction switched). */
  refresh(): Promise<void> {
    return this.run();
  }

  /** The inspection as a document; throws the `IpcError`. */
  exportAs(format: ExportFormat, redact = this.redact): Promise<string> {
    return ipc.exportInspection(this.text, this.options({ redact }), format);
  }

  /** Makes a token (or changes the pasted one, `request.from`) and inspects it in place of the
   *  text; throws the `IpcError` when the key or claims are unusable. */
  async make(request: MakeRequest): Promise<Made> {
    const made = await ipc.makeToken(request);
    this.text = made.token;
    this.verify = false;
    await this.run();
    return made;
  }

  /** Compares the two pasted tokens. */
  async compare(): Promise<void> {
    clearTimeout(this.diffTimer);
    const mine = ++this.diffSeq;
    if (this.diffA.trim() === '' || this.diffB.trim() === '') {
      this.diff = null;
      this.diffError = null;
      return;
    }
    try {
      const d = await ipc.diffTokens(this.diffA, this.diffB);
      if (mine !== this.diffSeq) return;
      this.diff = d;
      this.diffError = null;
    } catch (e) {
      if (mine !== this.diffSeq) return;
      this.diff = null;
      this.diffError = ipc.toIpcError(e);
    }
  }

  /** "Compare with…": the open token becomes A; B is left for the other one. */
  compareWith(token: string): void {
    this.mode = 'compare';
    this.diffA = token;
    this.diffB = '';
    this.diff = null;
    this.diffError = null;
  }

  diffChanged(): void {
    clearTimeout(this.diffTimer);
    this.diffTimer = setTimeout(() => void this.compare(), 150);
  }
}
