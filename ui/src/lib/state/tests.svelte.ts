// The Tests view's state: the open user-flow test file, its cases and each case's latest result
// (as it ends: the shell sends each report when its case finishes). Every call goes through
// `ipc.ts`; the rules (the file format, the runner, the expectations) live in the engine.
import type { CaseReport, CaseSummary, IpcError, SignInView, TestFileView } from '../bindings';
import * as ipc from '../ipc';

export type CaseStatus = 'idle' | 'running' | 'passed' | 'failed';

export class TestsState {
  path = $state('');
  file = $state.raw<TestFileView | null>(null);
  /** Opening or running failed (an invalid file: every problem with file, line and key). */
  error = $state<IpcError | null>(null);
  /** The latest report of each case, by name. */
  reports = $state<Record<string, CaseReport>>({});
  /** Cases of the run in progress. */
  running = $state<string[]>([]);
  /** The case whose failures are shown. */
  open = $state<string | null>(null);
  jobs = $state(1);
  /** The sign-in behind a case, opened in the result view. */
  signIn = $state.raw<SignInView | null>(null);
  signInOf = $state<string | null>(null);
  signInError = $state<string | null>(null);

  get cases(): CaseSummary[] {
    return this.file?.cases ?? [];
  }

  status(name: string): CaseStatus {
    const r = this.reports[name];
    if (this.running.includes(name) && !r) return 'running';
    if (!r) return 'idle';
    return r.ok ? 'passed' : 'failed';
  }

  get busy(): boolean {
    return this.running.length > 0;
  }

  /** Reads the file at `path` (its cases, or why it is refused). */
  async openFile(path = this.path): Promise<void> {
    this.path = path.trim();
    this.error = null;
    this.reports = {};
    this.open = null;
    this.closeSignIn();
    if (!this.path) return;
    try {
      this.file = await ipc.readTestFile(this.path);
    } catch (e) {
      this.file = null;
      this.error = ipc.toIpcError(e);
    }
  }

  /** Runs the named cases, or all of them; reports arrive as each case ends. */
  async run(only: string[] = []): Promise<void> {
    if (!this.file || this.busy) return;
    const names = only.length ? only : this.cases.map((c) => c.name);
    const reports = { ...this.reports };
    for (const n of names) delete reports[n];
    this.reports = reports;
    if (this.signInOf !== null && names.includes(this.signInOf)) this.closeSignIn();
    this.running = names;
    this.error = null;
    let stop: (() => void) | null = null;
    try {
      // Live results are a comfort: without the event, the results come at the end.
      stop = await ipc
        .onCaseReport((c) => {
          if (this.running.includes(c.name)) this.reports = { ...this.reports, [c.name]: c };
        })
        .catch(() => null);
      const all = await ipc.runTestFile(this.file.path, only, this.jobs);
      const done = { ...this.reports };
      for (const c of all) done[c.name] = c;
      this.reports = done;
      const failed = all.find((c) => !c.ok);
      if (failed && this.open === null) this.open = failed.name;
    } catch (e) {
      this.error = ipc.toIpcError(e);
    } finally {
      stop?.();
      this.running = [];
    }
  }

  /** Opens the sign-in behind the case `name` of the latest run. */
  async showSignIn(name: string): Promise<void> {
    if (!this.file) return;
    this.signInOf = name;
    this.signInError = null;
    this.signIn = null;
    try {
      this.signIn = await ipc.testCaseSignIn(this.file.path, name);
    } catch (e) {
      this.signInError = ipc.toIpcError(e).message;
    }
  }

  closeSignIn(): void {
    this.signIn = null;
    this.signInOf = null;
    this.signInError = null;
  }

  get passed(): number {
    return Object.values(this.reports).filter((r) => r.ok).length;
  }

  get failed(): number {
    return Object.values(this.reports).filter((r) => !r.ok).length;
  }
}
