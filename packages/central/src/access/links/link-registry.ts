import { timingSafeEqual } from 'node:crypto';
import type { LinkAuditEntryJson as AuditEntry, LinkCreatedJson, LinkJson } from '@stitch/api';
import { ApiError } from '@stitch/http';
import { AuditedState } from '../../state/audited-state.ts';
import { RateLimiter } from './rate-limiter.ts';
import { hashToken, newId, newLinkToken, policyRefusal, renderLabel, type Link, type Sink, type TelemetryType } from './link-model.ts';

export type { AuditEntry };

/** What the API shows of a link: everything but its token's hash. */
const withoutHash = ({ tokenHash: _hidden, ...link }: Link): LinkJson => link;

/** An agent batches: 500 requests a second is far beyond one account's normal flow, and stops a runaway one. */
const DEFAULT_REQUESTS_PER_SECOND = 500;

interface SavedState {
  sinks: Sink[];
  links: Link[];
  audit: AuditEntry[];
}

/**
 * Sinks, links and the audit log. Kept in memory, written through to a JSON file (replaced
 * atomically) when central has a data directory; deleting a link takes effect for the next
 * request, since every request is authenticated against this state.
 */
export class LinkRegistry {
  private readonly limiter: RateLimiter;
  /** Every link (deleted ones too, to answer 403) by its token's hash, for the state it was built from. */
  private byTokenHash = new Map<string, Link>();
  private indexed: Readonly<SavedState> | null = null;

  private constructor(private readonly saved: AuditedState<SavedState>) {
    this.limiter = new RateLimiter(saved.now);
  }

  static async open(file: string | null, now: () => number = Date.now): Promise<LinkRegistry> {
    return new LinkRegistry(await AuditedState.open<SavedState>(file, { sinks: [], links: [], audit: [] }, now));
  }

  private get state(): Readonly<SavedState> {
    return this.saved.state;
  }

  sinks(): Sink[] {
    return [...this.state.sinks];
  }

  links(): LinkJson[] {
    return this.state.links.map(withoutHash);
  }

  audit(): AuditEntry[] {
    return [...this.state.audit];
  }

  createSink(input: { name: string; allowedAccounts: string[]; types: TelemetryType[] }): Promise<Sink> {
    return this.change((state, at) => {
      const sink: Sink = { id: newId('sink'), ...input, createdAt: at };
      state.sinks.push(sink);
      return { audited: { action: 'sink.create', id: sink.id, detail: `name ${sink.name}, accounts ${sink.allowedAccounts.join(',')}, types ${sink.types.join(',')}` }, result: sink };
    });
  }

  /** Deleting a sink deletes its links: their accounts stop sharing at once. */
  deleteSink(id: string): Promise<void> {
    return this.change((state, at) => {
      const sink = state.sinks.find((s) => s.id === id);
      if (!sink) throw new ApiError(404, `sinkId: no sink ${id}`);
      const dropped = state.links.filter((link) => link.sinkId === id && link.revokedAt === null);
      for (const link of dropped) link.revokedAt = at;
      state.sinks = state.sinks.filter((s) => s.id !== id);
      return { audited: { action: 'sink.delete', id, detail: `name ${sink.name}; links deleted with it: ${dropped.map((l) => l.id).join(',') || 'none'}` }, result: undefined };
    });
  }

  /** The token is returned once and kept only as its hash. */
  createLink(sinkId: string, input: { accountId: string; accountName: string; types: TelemetryType[]; labelTemplate: string; requestsPerSecond?: number; canChangeSampling?: boolean; allowReadUrls?: string[] }): Promise<LinkCreatedJson> {
    return this.change((state, at) => {
      const sink = state.sinks.find((s) => s.id === sinkId);
      if (!sink) throw new ApiError(404, `sinkId: no sink ${sinkId}`);
      const refusal = policyRefusal(sink, input.accountId, input.types);
      if (refusal) throw new ApiError(403, refusal);
      if (state.links.some((link) => link.sinkId === sinkId && link.accountId === input.accountId && link.revokedAt === null)) {
        throw new ApiError(409, `accountId: account ${input.accountId} is already linked to sink ${sinkId}; delete that link first`);
      }
      const token = newLinkToken();
      const link: Link = { id: newId('link'), sinkId, ...input, requestsPerSecond: input.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND, canChangeSampling: input.canChangeSampling ?? false, allowReadUrls: input.allowReadUrls ?? [], label: renderLabel(input.labelTemplate, input), tokenHash: hashToken(token), createdAt: at, revokedAt: null };
      state.links.push(link);
      const readUrls = link.allowReadUrls!.length > 0 ? `, read at ${link.allowReadUrls!.join(' ')}` : '';
      const detail = `account ${link.accountId} (${link.label}) to sink ${sinkId}, types ${link.types.join(',')}${link.canChangeSampling ? ', may change sampling rules' : ''}${readUrls}`;
      return { audited: { action: 'link.create', id: link.id, detail }, result: { link: withoutHash(link), token } };
    });
  }

  deleteLink(id: string): Promise<void> {
    return this.change((state, at) => {
      const link = state.links.find((l) => l.id === id && l.revokedAt === null);
      if (!link) throw new ApiError(404, `linkId: no active link ${id}`);
      link.revokedAt = at;
      return { audited: { action: 'link.delete', id, detail: `account ${link.accountId} (${link.label}) stops sharing` }, result: undefined };
    });
  }

  /**
   * The link a token belongs to, or null when it is no link's; a 403 once the link is deleted.
   * Found by its hash (a map lookup reveals nothing of the token), then compared in constant time.
   */
  linkOf(token: string): Link | null {
    const hash = hashToken(token);
    const link = this.tokenIndex().get(hash);
    if (!link || !timingSafeEqual(Buffer.from(link.tokenHash, 'hex'), Buffer.from(hash, 'hex'))) return null;
    if (link.revokedAt !== null) throw new ApiError(403, `authorization: link ${link.id} (account ${link.accountId}) was deleted at ${link.revokedAt}; its data is no longer accepted`);
    return link;
  }

  /** Rebuilt when a change has replaced the state. */
  private tokenIndex(): Map<string, Link> {
    if (this.indexed !== this.state) {
      this.byTokenHash = new Map(this.state.links.map((link) => [link.tokenHash, link]));
      this.indexed = this.state;
    }
    return this.byTokenHash;
  }

  /** The link if it stands and shares `type` (its sink too), else null: whether central may still read through it. */
  activeLink(id: string, type: TelemetryType): Link | null {
    const link = this.state.links.find((l) => l.id === id);
    const sink = link && this.state.sinks.find((s) => s.id === link.sinkId);
    return link && link.revokedAt === null && link.types.includes(type) && sink?.types.includes(type) ? link : null;
  }

  /** Lets a link's request of this type in: a 403 when the link or its sink does not share the type, a 429 over its rate. */
  admit(link: Link, type: TelemetryType): Link {
    const sink = this.state.sinks.find((s) => s.id === link.sinkId);
    if (!link.types.includes(type) || !sink?.types.includes(type)) throw new ApiError(403, `authorization: link ${link.id} does not share ${type}`);
    const perSecond = link.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
    const rate = this.limiter.take(link.id, perSecond, perSecond * 2);
    if (!rate.allowed) {
      throw new ApiError(429, `rate: link ${link.id} is over its ${perSecond} requests per second; retry in ${rate.retryAfterSeconds} s`, { headers: { 'retry-after': String(rate.retryAfterSeconds) } });
    }
    return link;
  }

  /** One change of sinks or links, kept in the state's audit list as well as in the audit log. */
  private change<R>(apply: (state: SavedState, at: string) => { audited: Omit<AuditEntry, 'at'>; result: R }): Promise<R> {
    return this.saved.change((state, at) => {
      const { audited, result } = apply(state, at);
      const entry: AuditEntry = { at, ...audited };
      state.audit.push(entry);
      return { audited: entry, result };
    });
  }
}
