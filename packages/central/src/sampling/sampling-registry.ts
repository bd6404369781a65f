import { ApiError } from '@stitch/http';
import { DEFAULT_RULE_NAME, inEvaluationOrder, X_RAY_DEFAULT_RULE, type SamplingRule } from '@stitch/sampling';
import { readState, saveState } from '../audited-state-file.ts';

export interface SamplingAuditEntry {
  at: string;
  /** The rules' version after the change. */
  version: number;
  action: 'rules.apply' | 'rule.add' | 'rule.delete' | 'rule.expire';
  /** admin, anonymous (an open central), or the link whose account changed the rules; absent for expiries. */
  by?: string;
  detail: string;
}

interface SavedRules {
  version: number;
  rules: SamplingRule[];
  audit: SamplingAuditEntry[];
}

/**
 * The fleet's sampling rules on central: versioned (every change bumps the version), audited,
 * written through to `<data>/sampling.json`. Temporary rules disappear at their expiry: the
 * next read removes them, and that removal is audited like any other change.
 */
export class SamplingRegistry {
  private constructor(
    private readonly file: string | null,
    private state: SavedRules,
    private readonly now: () => number,
  ) {}

  static async open(file: string | null, now: () => number = Date.now): Promise<SamplingRegistry> {
    const initial: SavedRules = { version: 1, rules: [X_RAY_DEFAULT_RULE], audit: [] };
    return new SamplingRegistry(file, await readState(file, initial), now);
  }

  /** The live rules in evaluation order, with the version they are at. */
  async current(): Promise<{ version: number; rules: SamplingRule[] }> {
    const nowMs = this.now();
    const expired = this.state.rules.filter((rule) => rule.expiresAtMs !== null && rule.expiresAtMs <= nowMs);
    if (expired.length > 0) {
      this.state.rules = this.state.rules.filter((rule) => !expired.includes(rule));
      await this.save('rule.expire', undefined, expired.map((rule) => `${rule.name} (expired ${new Date(rule.expiresAtMs!).toISOString()})`).join(', '));
    }
    return { version: this.state.version, rules: inEvaluationOrder(this.state.rules) };
  }

  /** When the rules last changed (unix ms; 0 before any change): samplers refresh their rules when it moves. */
  lastModifiedMs(): number {
    const last = this.state.audit.at(-1);
    return last ? Date.parse(last.at) : 0;
  }

  audit(): SamplingAuditEntry[] {
    return [...this.state.audit];
  }

  /** Replaces every rule (an imported file); a set without a default gets X-Ray's. */
  async apply(rules: SamplingRule[], by?: string): Promise<void> {
    const names = new Set<string>();
    for (const rule of rules) {
      if (names.has(rule.name)) throw new ApiError(400, `rules: the name ${rule.name} is used twice`);
      names.add(rule.name);
    }
    this.state.rules = names.has(DEFAULT_RULE_NAME) ? rules : [...rules, X_RAY_DEFAULT_RULE];
    await this.save('rules.apply', by, `${rules.length} rules`);
  }

  async add(rule: SamplingRule, by?: string): Promise<void> {
    await this.current();
    if (rule.name === DEFAULT_RULE_NAME) throw new ApiError(400, `name: ${DEFAULT_RULE_NAME} is the default rule; apply a file to change it`);
    if (this.state.rules.some((existing) => existing.name === rule.name)) throw new ApiError(409, `name: a rule named ${rule.name} exists; delete it first`);
    this.state.rules.push(rule);
    const expiry = rule.expiresAtMs === null ? '' : `, until ${new Date(rule.expiresAtMs).toISOString()}`;
    await this.save('rule.add', by, `${rule.name}: priority ${rule.priority}, ${rule.fixedTarget}/s then ${rule.rate}${expiry}`);
  }

  async remove(name: string, by?: string): Promise<void> {
    if (name === DEFAULT_RULE_NAME) throw new ApiError(400, `name: the default rule cannot be deleted`);
    const before = this.state.rules.length;
    this.state.rules = this.state.rules.filter((rule) => rule.name !== name);
    if (this.state.rules.length === before) throw new ApiError(404, `name: no sampling rule named ${name}`);
    await this.save('rule.delete', by, name);
  }

  private async save(action: SamplingAuditEntry['action'], by: string | undefined, detail: string): Promise<void> {
    this.state.version += 1;
    const audited: SamplingAuditEntry = { at: new Date(this.now()).toISOString(), version: this.state.version, action, ...(by === undefined ? {} : { by }), detail };
    this.state.audit.push(audited);
    await saveState(this.file, this.state, audited);
  }
}
