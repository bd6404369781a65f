import type { FederationStatusJson, HeartbeatAnswerJson } from '@stitch/api';
import type { MetricRecord } from '@stitch/metrics';
import { spanFromJson } from '@stitch/model';
import { metricBatchJson, metricRecordsAs, parseReadUrl, spanJsonSchema } from '@stitch/federation';
import { ApiError, bodyOf } from '@stitch/http';
import { z } from 'zod';
import type { Route } from '../http/route.ts';
import type { LinkRegistry } from '../access/links/link-registry.ts';
import type { FederationMembers } from './federation-members.ts';

const MAX_BODY = 32 * 1024 * 1024;
export const MAX_UNPAIRED_PER_HEARTBEAT = 10_000;

const heartbeatBody = z.object({
  /** Where central reads the account: taken apart and rebuilt, then checked against the allow-list. */
  readUrl: z
    .string()
    .max(2048)
    .transform((text, context) => {
      const parsed = parseReadUrl(text);
      if ('url' in parsed) return parsed.url;
      context.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    }),
  unpaired: z.array(spanJsonSchema).max(MAX_UNPAIRED_PER_HEARTBEAT).default([]),
  /** Span metrics of the spans the account keeps (central stores none of them, so counts none). */
  metrics: metricBatchJson.optional(),
});

export interface FederationRouteContext {
  links: LinkRegistry;
  members: FederationMembers;
  heartbeatMs: number;
  /** Spans a member's service map could not pair: central pairs them across accounts. */
  pairAcrossAccounts: (spans: ReturnType<typeof spanFromJson>[]) => void;
  /** Where a member's span metrics go (the store adds them up). */
  writeMetrics: (records: MetricRecord[]) => Promise<void>;
}

/**
 * An agent with its link token saying "read my account at readUrl", repeated as a heartbeat,
 * carrying the spans its service map could not pair and the span metrics of the spans it keeps
 * (the answer echoes the metrics' batch id once stored); and the members with when each was last
 * heard from, for readers of every account.
 */
export function federationRoutes(context: FederationRouteContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/federation/members',
      access: 'federation',
      handle: async ({ req, who }) => {
        if (who.kind !== 'link') throw new ApiError(who.kind === 'anonymous' ? 401 : 403, "authorization: an agent registers its account with the account's link token");
        const link = context.links.admit(who.link, 'traces');
        const body = await bodyOf(req, heartbeatBody, MAX_BODY);
        const member = await context.members.register(link, who.token, body.readUrl);
        if (body.metrics) {
          const { batchId, records } = body.metrics;
          // Whatever account the records name, they are the link's. Stored before the unpaired spans are
          // taken: if the store fails (a 500, logged here), the agent sends both again and neither is counted twice.
          await context.members.metricBatches.take(link.id, batchId, () => context.writeMetrics(metricRecordsAs(member.account, records)));
        }
        // Whatever account the spans name, they are the link's.
        if (body.unpaired.length > 0) context.pairAcrossAccounts(body.unpaired.map((json) => ({ ...spanFromJson(json), account: member.account })));
        return {
          accountId: member.account.id,
          label: member.account.label,
          heartbeatMs: context.heartbeatMs,
          ...(body.metrics && { metrics: { batchId: body.metrics.batchId, records: body.metrics.records.length } }),
        } satisfies HeartbeatAnswerJson;
      },
    },
    {
      method: 'GET',
      path: '/api/federation',
      access: 'read-config',
      handle: async () => ({
        members: context.members.readable().map((member) => ({
          accountId: member.account.id,
          label: member.account.label,
          linkId: member.linkId,
          readUrl: member.readUrl,
          registeredAtMs: member.registeredAtMs,
          lastHeartbeatMs: member.lastHeartbeatMs,
        })),
      }) satisfies FederationStatusJson,
    },
  ];
}
