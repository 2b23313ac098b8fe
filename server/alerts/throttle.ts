/**
 * Noise control per rule: after a notification the rule cools down; what it matches meanwhile is
 * held and sent as one digest when the cooldown ends. Pure bookkeeping on an injected clock, used
 * by evaluation and by the dry run alike.
 */
export interface HeldDigest {
  ruleId: string;
  alertIds: string[];
  /** When the first held alert was held. */
  since: number;
}

export class Throttle {
  private readonly lastSent = new Map<string, number>();
  private readonly held = new Map<string, HeldDigest>();

  /** Whether a new alert of the rule notifies now (and starts the cooldown) or is held for the digest. */
  offer(ruleId: string, alertId: string, cooldownMs: number, now: number): 'notify' | 'held' {
    const last = this.lastSent.get(ruleId);
    if (last === undefined || now - last >= cooldownMs) {
      this.lastSent.set(ruleId, now);
      return 'notify';
    }
    const digest = this.held.get(ruleId) ?? { ruleId, alertIds: [], since: now };
    digest.alertIds.push(alertId);
    this.held.set(ruleId, digest);
    return 'held';
  }

  /** When the rule's cooldown ends (null when it is not cooling down). */
  cooldownEnds(ruleId: string, cooldownMs: number): number | null {
    const last = this.lastSent.get(ruleId);
    return last === undefined ? null : last + cooldownMs;
  }

  /** Digests whose rule's cooldown has ended; taking one starts a new cooldown. */
  due(now: number, cooldownOf: (ruleId: string) => number | null): HeldDigest[] {
    const out: HeldDigest[] = [];
    for (const [ruleId, digest] of this.held) {
      const cooldown = cooldownOf(ruleId);
      const last = this.lastSent.get(ruleId) ?? 0;
      // A deleted rule's digest is dropped; its alerts stay stored.
      if (cooldown === null) {
        this.held.delete(ruleId);
        continue;
      }
      if (now - last < cooldown) continue;
      this.held.delete(ruleId);
      this.lastSent.set(ruleId, now);
      out.push(digest);
    }
    return out;
  }

  pending(): number {
    return [...this.held.values()].reduce((n, d) => n + d.alertIds.length, 0);
  }

  forget(ruleId: string): void {
    this.lastSent.delete(ruleId);
    this.held.delete(ruleId);
  }
}
