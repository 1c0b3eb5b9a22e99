// The B2C → External ID migration view's state: the two profiles compared (A, the B2C one, and
// B, the External ID one) and their comparison. The ID tokens compared are each profile's latest
// sign-in of this session; the comparison and its explanations are the engine's
// (`migration_compare`).
import type { IpcError, Migration } from '../bindings';
import * as ipc from '../ipc';

export class MigrationState {
  a = $state<string | null>(null);
  b = $state<string | null>(null);
  result = $state<Migration | null>(null);
  error = $state<IpcError | null>(null);
  comparing = $state(false);

  /** Compares two ID tokens (raw); the result or the error is kept for the view. */
  async compare(a: string, b: string): Promise<void> {
    this.comparing = true;
    this.error = null;
    try {
      this.result = await ipc.migrationCompare(a, b);
    } catch (e) {
      this.result = null;
      this.error = ipc.toIpcError(e);
    } finally {
      this.comparing = false;
    }
  }

  /** A new choice of profiles: the comparison shown no longer applies. */
  changed(): void {
    this.result = null;
    this.error = null;
  }
}
