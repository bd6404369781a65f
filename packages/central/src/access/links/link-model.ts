import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { parseAllowEntry } from '@stitch/federation';
import { z } from 'zod';
import { TELEMETRY_TYPES, type LinkJson, type SinkJson as Sink, type TelemetryType } from '@stitch/api';

/** In the observability account: who may link, and what they may share (as the API shows it). */
export type { Sink, TelemetryType };

/** A source account's link to a sink. The credential is kept only as its hash. */
export interface Link extends LinkJson {
  tokenHash: string;
}

export const accountIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - (1 to 64)');
const types = z.array(z.enum(TELEMETRY_TYPES)).min(1).max(3);

export const createSinkBody = z.object({
  name: z.string().min(1).max(128),
  allowedAccounts: z.array(z.union([z.literal('*'), accountIdSchema])).min(1).max(1000),
  types: types.default(['traces']),
});

export const createLinkBody = z.object({
  accountId: accountIdSchema,
  accountName: z.string().min(1).max(128),
  types: types.default(['traces']),
  labelTemplate: z.string().min(1).max(256).default('$AccountName'),
  requestsPerSecond: z.number().int().min(1).max(100_000).default(500),
  canChangeSampling: z.boolean().default(false),
  /** Exact URLs, host:port, addresses or CIDRs (ReadAllowList): set by the admin, never by the account. */
  allowReadUrls: z
    .array(
      z.string().max(300).superRefine((entry, context) => {
        try {
          parseAllowEntry(entry);
        } catch (error) {
          context.addIssue({ code: 'custom', message: (error as Error).message });
        }
      }),
    )
    .max(32)
    .default([]),
});

/** `$AccountName`, `$AccountId` filled in. */
export function renderLabel(template: string, account: { accountId: string; accountName: string }): string {
  return template.replaceAll('$AccountName', account.accountName).replaceAll('$AccountId', account.accountId);
}

/** Why the sink refuses this link, or null when it allows it. */
export function policyRefusal(sink: Sink, accountId: string, wanted: readonly TelemetryType[]): string | null {
  if (!sink.allowedAccounts.includes('*') && !sink.allowedAccounts.includes(accountId)) {
    return `accountId: account ${accountId} is not in sink "${sink.name}"'s policy (allowed: ${sink.allowedAccounts.join(', ')})`;
  }
  const refused = wanted.filter((type) => !sink.types.includes(type));
  if (refused.length > 0) return `types: sink "${sink.name}" does not accept ${refused.join(', ')} (it accepts ${sink.types.join(', ')})`;
  return null;
}

/** 256 random bits: a fast hash is enough to store it (nothing to brute-force). */
export function newLinkToken(): string {
  return `stl_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export const newId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
