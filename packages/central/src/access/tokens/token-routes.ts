import type { ReadTokenIssuedJson, ReadTokenRevokedJson, ReadTokensJson, ServerTokenRotatedJson } from '@stitch/api';
import { bodyOf } from '@stitch/http';
import { z } from 'zod';
import { created, type Route } from '../../http/route.ts';
import { accountIdSchema } from '../links/link-model.ts';
import type { TokenRegistry } from './token-registry.ts';

const MAX_BODY = 64 * 1024;

// accounts absent or null: a read token for every account, like central's own.
const createTokenBody = z.object({ accounts: z.array(accountIdSchema).min(1).max(1000).nullable().default(null) }).strict();

/**
 * Read tokens (listed without a secret; a new one's token is in its creation's answer only),
 * revoking and rotating them, and rotating central's admin and startup read tokens
 * (/api/tokens/admin/rotate, /api/tokens/read/rotate). Admin only: who can read what is the admin's.
 */
export function tokenRoutes(tokens: TokenRegistry, configured: { adminToken?: string | undefined; readToken?: string | undefined }): Route[] {
  return [
    { method: 'GET', path: '/api/tokens', access: 'manage', handle: async () => ({ tokens: tokens.list() }) satisfies ReadTokensJson },
    {
      method: 'POST',
      path: '/api/tokens',
      access: 'manage',
      handle: async ({ req }) => {
        const { accounts } = await bodyOf(req, createTokenBody, MAX_BODY);
        return created((await tokens.create(accounts)) satisfies ReadTokenIssuedJson);
      },
    },
    {
      method: 'POST',
      path: '/api/tokens/:id/rotate',
      access: 'manage',
      handle: async ({ params }) => {
        const id = params.id!;
        if (id === 'admin' || id === 'read') return { token: await tokens.rotateServer(id, configured) } satisfies ServerTokenRotatedJson;
        return (await tokens.rotate(id)) satisfies ReadTokenIssuedJson;
      },
    },
    { method: 'DELETE', path: '/api/tokens/:id', access: 'manage', handle: async ({ params }) => ({ revoked: await tokens.revoke(params.id!) }) satisfies ReadTokenRevokedJson },
  ];
}
