import { ApiError } from '@stitch/http';
import { actorOf, type Principal } from '../../access/access-policy.ts';
import { parseDuration } from '../../read/params.ts';

/** A linked account's rule lasts an hour unless it asks otherwise, and a day at most. */
export const LINK_RULE_DEFAULT = { ms: 3_600_000, text: '1h' };
export const LINK_RULE_MAX = { ms: 24 * 3_600_000, text: '24h' };

/**
 * Who calls the sampling API, and so what they may change. An operator (the admin, or anyone on
 * an open central) may change every rule. A link (made with canChangeSampling) speaks for one
 * account: it adds temporary rules pinned to that account, so they never select another
 * account's requests, and deletes only the rules it added.
 */
export interface SamplingCaller {
  kind: 'operator' | 'link';
  /** For the audit log and a rule's `addedBy`: admin, anonymous, or `link <id> (account <n>)`. */
  by: string;
  /** The account whose samplers the caller speaks for: a link's, else central's own. */
  accountId: string;
}

export function samplingCallerOf(who: Principal, ownAccountId: string): SamplingCaller {
  if (who.kind === 'link') return { kind: 'link', by: actorOf(who), accountId: who.link.accountId };
  return { kind: 'operator', by: actorOf(who), accountId: ownAccountId };
}

/** What a link may do with the rules, for its refusals. */
export function linkAllowance(caller: SamplingCaller): string {
  return `${caller.by} may add temporary rules (for at most ${LINK_RULE_MAX.text}) that select only account ${caller.accountId}'s services, and delete the rules it added`;
}

/** When a new rule expires (unix ms; null: when deleted). A link's always does, within the day. */
export function ruleExpiryMs(caller: SamplingCaller, lasting: string | undefined, nowMs: number): number | null {
  if (lasting === undefined) return caller.kind === 'link' ? nowMs + LINK_RULE_DEFAULT.ms : null;
  const ms = Number(parseDuration('for', lasting) / 1_000_000n);
  if (caller.kind === 'link' && ms > LINK_RULE_MAX.ms) throw new ApiError(400, `for: ${lasting} is longer than a linked account's rule may last (${LINK_RULE_MAX.text})`);
  return nowMs + ms;
}

/** The account a new rule is pinned to (undefined: every account). A link's is always its own. */
export function ruleAccount(caller: SamplingCaller, asked: string | undefined): string | undefined {
  if (caller.kind === 'operator') return asked;
  if (asked !== undefined && asked !== caller.accountId) throw new ApiError(403, `accountId: ${linkAllowance(caller)}; not account ${asked}'s`);
  return caller.accountId;
}
