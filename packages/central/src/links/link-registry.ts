import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '@stitch/http';
import { readState, saveState } from '../audited-state-file.ts';
import { RateLimiter } from './rate-limiter.ts';
import { hashToken, newId, newLinkToken, policyRefusal, renderLabel, type Link, type Sink, type TelemetryType } from './link-model.ts';

export interface AuditEntry {
  at: string;
  action: 'sink.create' | 'sink.delete' | 'link.create' | 'link.delete';
  id: string;
  detail: string;
}

/** What the API shows of a link: everything but its token's hash. */
const withoutHash = ({ tokenHash: _hidden, ...link }: Link): Omit<Link, 'tokenHash'> => link;

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
  /** Every link (deleted ones too, to answer 403) by its token's hash. */
  private readonly byTokenHash = new Map<string, Link>();

  private constructor(
    private readonly file: string | null,
    private state: SavedState,
    private readonly now: () => number,
  ) {
    this.limiter = new RateLimiter(now);
    for (const link of state.links) this.byTokenHash.set(link.tokenHash, link);
  }

  static async open(file: string | null, now: () => number = Date.now): Promise<LinkRegistry> {
    return new LinkRegistry(file, await readState<SavedState>(file, { sinks: [], links: [], audit: [] }), now);
  }

  sinks(): Sink[] {
    return [...this.state.sinks];
  }

  links(): Array<Omit<Link, 'tokenHash'>> {
    return this.state.links.map(withoutHash);
  }

  audit(): AuditEntry[] {
    return [...this.state.audit];
  }

  async createSink(input: { name: string; allowedAccounts: string[]; types: TelemetryType[] }): Promise<Sink> {
    const sink: Sink = { id: newId('sink'), ...input, createdAt: new Date(this.now()).toISOString() };
    this.state.sinks.push(sink);
    await this.save({ action: 'sink.create', id: sink.id, detail: `name ${sink.name}, accounts ${sink.allowedAccounts.join(',')}, types ${sink.types.join(',')}` });
    return sink;
  }

  /** Deleting a sink deletes its links: their accounts stop sharing at once. */
  async deleteSink(id: string): Promise<void> {
    const sink = this.state.sinks.find((s) => s.id === id);
    if (!sink) throw new ApiError(404, `sinkId: no sink ${id}`);
    const dropped = this.state.links.filter((link) => link.sinkId === id && link.revokedAt === null);
    const at = new Date(this.now()).toISOString();
    for (const link of dropped) link.revokedAt = at;
    this.state.sinks = this.state.sinks.filter((s) => s.id !== id);
    await this.save({ action: 'sink.delete', id, detail: `name ${sink.name}; links deleted with it: ${dropped.map((l) => l.id).join(',') || 'none'}` });
  }

  /** The token is returned once and kept only as its hash. */
  async createLink(sinkId: string, input: { accountId: string; accountName: string; types: TelemetryType[]; labelTemplate: string; requestsPerSecond?: number; canChangeSampling?: boolean; allowReadUrls?: string[] }): Promise<{ link: Omit<Link, 'tokenHash'>; token: string }> {
    const sink = this.state.sinks.find((s) => s.id === sinkId);
    if (!sink) throw new ApiError(404, `sinkId: no sink ${sinkId}`);
    const refusal = policyRefusal(sink, input.accountId, input.types);
    if (refusal) throw new ApiError(403, refusal);
    if (this.state.links.some((link) => link.sinkId === sinkId && link.accountId === input.accountId && link.revokedAt === null)) {
      throw new ApiError(409, `accountId: account ${input.accountId} is already linked to sink ${sinkId}; delete that link first`);
    }
    const token = newLinkToken();
    const link: Link = { id: newId('link'), sinkId, ...input, requestsPerSecond: input.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND, canChangeSampling: input.canChangeSampling ?? false, allowReadUrls: input.allowReadUrls ?? [], label: renderLabel(input.labelTemplate, input), tokenHash: hashToken(token), createdAt: new Date(this.now()).toISOString(), revokedAt: null };
    this.state.links.push(link);
    this.byTokenHash.set(link.tokenHash, link);
    const readUrls = link.allowReadUrls!.length > 0 ? `, read at ${link.allowReadUrls!.join(' ')}` : '';
    await this.save({ action: 'link.create', id: link.id, detail: `account ${link.accountId} (${link.label}) to sink ${sinkId}, types ${link.types.join(',')}${link.canChangeSampling ? ', may change sampling rules' : ''}${readUrls}` });
    return { link: withoutHash(link), token };
  }

  async deleteLink(id: string): Promise<void> {
    const link = this.state.links.find((l) => l.id === id && l.revokedAt === null);
    if (!link) throw new ApiError(404, `linkId: no active link ${id}`);
    link.revokedAt = new Date(this.now()).toISOString();
    await this.save({ action: 'link.delete', id, detail: `account ${link.accountId} (${link.label}) stops sharing` });
  }

  /**
   * The link a token belongs to, or null when it is no link's; a 403 once the link is deleted.
   * Found by its hash (a map lookup reveals nothing of the token), then compared in constant time.
   */
  linkOf(token: string): Link | null {
    const hash = hashToken(token);
    const link = this.byTokenHash.get(hash);
    if (!link || !timingSafeEqual(Buffer.from(link.tokenHash, 'hex'), Buffer.from(hash, 'hex'))) return null;
    if (link.revokedAt !== null) throw new ApiError(403, `authorization: link ${link.id} (account ${link.accountId}) was deleted at ${link.revokedAt}; its data is no longer accepted`);
    return link;
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

  private async save(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    const audited: AuditEntry = { at: new Date(this.now()).toISOString(), ...entry };
    this.state.audit.push(audited);
    await saveState(this.file, this.state, audited);
  }
}
