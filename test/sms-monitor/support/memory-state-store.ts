import type { SendRecord, StateStore, StoredRegistration } from '../../../lambda/sms-monitor/core/ports';

/**
 * A state store in memory: the local report command uses it when no table is given (so nothing is
 * remembered between runs), and core tests use it to drive the idempotency rules.
 */
export class MemoryStateStore implements StateStore {
  readonly registrations = new Map<string, StoredRegistration>();
  readonly sends = new Map<string, SendRecord>();
  savedAt?: Date;
  lastSentAt?: Date;

  async loadRegistrations(): Promise<{ savedAt?: Date; registrations: StoredRegistration[] }> {
    return { savedAt: this.savedAt, registrations: [...this.registrations.values()] };
  }

  async saveRegistrations(
    upserts: readonly StoredRegistration[],
    deletedKeys: readonly string[],
    at: Date,
  ): Promise<void> {
    for (const r of upserts) this.registrations.set(r.key, r);
    for (const k of deletedKeys) this.registrations.delete(k);
    this.savedAt = at;
  }

  async getSend(key: string): Promise<SendRecord | undefined> {
    return this.sends.get(key);
  }

  async claimSend(key: string, at: Date): Promise<boolean> {
    const existing = this.sends.get(key);
    if (existing && existing.status !== 'FAILED' && existing.status !== 'SKIPPED') return false;
    this.sends.set(key, { key, status: 'SENDING', updatedAt: at });
    return true;
  }

  async completeSend(key: string, messageId: string, at: Date): Promise<void> {
    this.settle(key, { key, status: 'SENT', messageId, updatedAt: at });
  }

  async releaseSend(key: string, _reason: string, at: Date): Promise<void> {
    this.settle(key, { key, status: 'FAILED', updatedAt: at });
  }

  async skipSend(key: string, at: Date): Promise<void> {
    const existing = this.sends.get(key);
    if (!existing || existing.status === 'FAILED' || existing.status === 'SKIPPED') {
      this.sends.set(key, { key, status: 'SKIPPED', updatedAt: at });
    }
  }

  async markStateSaved(key: string): Promise<void> {
    const existing = this.sends.get(key);
    if (!existing) throw new Error(`no send record ${key}`);
    this.sends.set(key, { ...existing, stateSaved: true });
  }

  async lastReportSentAt(): Promise<Date | undefined> {
    return this.lastSentAt;
  }

  async recordReportSent(at: Date): Promise<void> {
    this.lastSentAt = at;
  }

  private settle(key: string, record: SendRecord): void {
    if (this.sends.get(key)?.status !== 'SENDING') throw new Error(`send ${key} is not being sent`);
    this.sends.set(key, record);
  }
}
