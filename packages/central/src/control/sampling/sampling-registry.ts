import type { HeldSamplingRule as HeldRule, SamplingAuditEntryJson as SamplingAuditEntry } from '@stitch/api';
import { ApiError } from '@stitch/http';
import { DEFAULT_RULE_NAME, inEvaluationOrder, X_RAY_DEFAULT_RULE, type SamplingRule } from '@stitch/sampling';
import { AuditedState } from '../../state/audited-state.ts';
import { linkAllowance, type SamplingCaller } from './sampling-caller.ts';

/** A rule as central holds it: with who added it (a link may delete only its own). */
export type { HeldRule };

interface SavedRules {
  version: number;
  rules: HeldRule[];
  audit: SamplingAuditEntry[];
}

type Change = Pick<SamplingAuditEntry, 'action' | 'by' | 'detail'>;

const isExpired = (rule: SamplingRule, nowMs: number) => rule.expiresAtMs !== null && rule.expiresAtMs <= nowMs;

/**
 * The fleet's sampling rules on central: versioned (every change bumps the version), audited,
 * written through to `<data>/sampling.json`. Temporary rules stop applying at their expiry, and
 * the next read removes them, audited like any other change.
 */
export class SamplingRegistry {
  private constructor(private readonly saved: AuditedState<SavedRules>) {}

  static async open(file: string | null, now: () => number = Date.now): Promise<SamplingRegistry> {
    return new SamplingRegistry(await AuditedState.open<SavedRules>(file, { version: 1, rules: [X_RAY_DEFAULT_RULE], audit: [] }, now));
  }

  /** The live rules in evaluation order, with the version they are at (expired ones removed first). */
  async current(): Promise<{ version: number; rules: HeldRule[] }> {
    const nowMs = this.saved.now();
    if (this.saved.state.rules.some((rule) => isExpired(rule, nowMs))) await this.removeExpired(nowMs);
    const { version, rules } = this.saved.state;
    return { version, rules: inEvaluationOrder(rules.filter((rule) => !isExpired(rule, nowMs))) };
  }

  /** When the rules last changed (unix ms; 0 before any change): samplers refresh their rules when it moves. */
  lastModifiedMs(): number {
    const last = this.saved.state.audit.at(-1);
    return last ? Date.parse(last.at) : 0;
  }

  audit(): SamplingAuditEntry[] {
    return [...this.saved.state.audit];
  }

  /** Replaces every rule (an imported file; an operator's call); a set without a default gets X-Ray's. Answers the new version. */
  apply(rules: SamplingRule[], by: string): Promise<number> {
    const names = new Set<string>();
    for (const rule of rules) {
      if (names.has(rule.name)) throw new ApiError(400, `rules: the name ${rule.name} is used twice`);
      names.add(rule.name);
    }
    return this.change((state) => {
      state.rules = (names.has(DEFAULT_RULE_NAME) ? rules : [...rules, X_RAY_DEFAULT_RULE]).map((rule) => ({ ...rule, addedBy: by }));
      return { action: 'rules.apply', by, detail: `${rules.length} rules` };
    });
  }

  /** Adds a rule as `caller` (who is kept with it). Answers the new version. */
  async add(rule: SamplingRule, caller: SamplingCaller): Promise<number> {
    if (rule.name === DEFAULT_RULE_NAME) throw new ApiError(400, `name: ${DEFAULT_RULE_NAME} is the default rule; apply a file to change it`);
    // An expired rule of the same name is gone first, so its name is free.
    await this.current();
    return this.change((state) => {
      if (state.rules.some((existing) => existing.name === rule.name)) throw new ApiError(409, `name: a rule named ${rule.name} exists; delete it first`);
      state.rules.push({ ...rule, addedBy: caller.by });
      const expiry = rule.expiresAtMs === null ? '' : `, until ${new Date(rule.expiresAtMs).toISOString()}`;
      const account = rule.accountId === undefined ? '' : `, account ${rule.accountId} only`;
      return { action: 'rule.add', by: caller.by, detail: `${rule.name}: priority ${rule.priority}, ${rule.fixedTarget}/s then ${rule.rate}${account}${expiry}` };
    });
  }

  /** Deletes a rule; a link only one it added. Answers the new version. */
  remove(name: string, caller: SamplingCaller): Promise<number> {
    return this.change((state) => {
      if (name === DEFAULT_RULE_NAME) {
        if (caller.kind === 'link') throw new ApiError(403, `authorization: the default rule is the admin's; ${linkAllowance(caller)}`);
        throw new ApiError(400, `name: the default rule cannot be deleted`);
      }
      const rule = state.rules.find((candidate) => candidate.name === name);
      if (!rule) throw new ApiError(404, `name: no sampling rule named ${name}`);
      if (caller.kind === 'link' && rule.addedBy !== caller.by) {
        // Rules saved before `addedBy` was kept were the admin's.
        throw new ApiError(403, `authorization: rule ${name} was added by ${rule.addedBy ?? 'admin'}; ${linkAllowance(caller)}`);
      }
      state.rules = state.rules.filter((candidate) => candidate !== rule);
      return { action: 'rule.delete', by: caller.by, detail: name };
    });
  }

  private removeExpired(nowMs: number): Promise<number> {
    return this.change((state) => {
      const expired = state.rules.filter((rule) => isExpired(rule, nowMs));
      // Another read removed them first.
      if (expired.length === 0) return null;
      state.rules = state.rules.filter((rule) => !expired.includes(rule));
      return { action: 'rule.expire', detail: expired.map((rule) => `${rule.name} (expired ${new Date(rule.expiresAtMs!).toISOString()})`).join(', ') };
    });
  }

  /** One change of the rules: a new version, kept in the state's audit list and in the audit log. Answers the version. */
  private change(apply: (state: SavedRules) => Change | null): Promise<number> {
    return this.saved.change((state, at) => {
      const change = apply(state);
      if (change === null) return { audited: null, result: state.version };
      state.version += 1;
      const entry: SamplingAuditEntry = { at, version: state.version, action: change.action, ...(change.by === undefined ? {} : { by: change.by }), detail: change.detail };
      state.audit.push(entry);
      return { audited: entry, result: state.version };
    });
  }
}
