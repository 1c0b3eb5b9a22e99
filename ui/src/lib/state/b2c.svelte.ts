// B2C per profile: its tenant's policies (the picker), this session's history with the refresh
// token's age, and the support bundle once asked for. Every call goes through `ipc.ts`; failures
// are kept per profile for the components to show, never thrown at them.
import type { HistoryView, IpcError, TenantView } from '../bindings';
import * as ipc from '../ipc';

export class B2cState {
  /** The tenant of each profile; `null` when the profile is not on B2C. */
  tenants = $state<Record<string, TenantView | null>>({});
  /** The last failure of a picker action (add, remove, switch), per profile. */
  pickerErrors = $state<Record<string, IpcError | null>>({});
  histories = $state<Record<string, HistoryView>>({});
  /** The support bundle text, once made, per profile. */
  bundles = $state<Record<string, string>>({});
  bundleErrors = $state<Record<string, IpcError | null>>({});

  async loadTenant(name: string): Promise<void> {
    try {
      this.tenants[name] = await ipc.tenantPolicies(name);
    } catch {
      // Not a B2C profile (or not readable): no picker.
      this.tenants[name] = null;
    }
  }

  async addPolicy(name: string, policy: string, reset: boolean): Promise<boolean> {
    this.pickerErrors[name] = null;
    try {
      this.tenants[name] = await ipc.addPolicy(name, policy.trim(), reset);
      return true;
    } catch (e) {
      this.pickerErrors[name] = ipc.toIpcError(e);
      return false;
    }
  }

  async removePolicy(name: string, policy: string): Promise<void> {
    this.pickerErrors[name] = null;
    try {
      this.tenants[name] = await ipc.removePolicy(name, policy);
    } catch (e) {
      this.pickerErrors[name] = ipc.toIpcError(e);
    }
  }

  async loadHistory(name: string): Promise<void> {
    try {
      this.histories[name] = await ipc.sessionHistory(name);
    } catch {
      // The history is a convenience; the result view still shows the run.
    }
  }

  /** Makes the bundle; returns its text (also kept for display) or null. */
  async bundle(name: string): Promise<string | null> {
    this.bundleErrors[name] = null;
    try {
      const text = await ipc.supportBundle(name);
      this.bundles[name] = text;
      return text;
    } catch (e) {
      this.bundleErrors[name] = ipc.toIpcError(e);
      return null;
    }
  }

  forget(name: string): void {
    delete this.tenants[name];
    delete this.histories[name];
    delete this.bundles[name];
    delete this.pickerErrors[name];
    delete this.bundleErrors[name];
  }
}
