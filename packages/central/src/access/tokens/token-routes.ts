import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReadTokenIssuedJson, ReadTokenRevokedJson, ReadTokensJson, ServerTokenRotatedJson } from '@stitch/api';
import { ApiError, bodyOf, decodePathSegment, sendJson } from '@stitch/http';
import { z } from 'zod';
import { accountIdSchema } from '../links/link-model.ts';
import type { TokenRegistry } from './token-registry.ts';

const MAX_BODY = 64 * 1024;

// accounts absent or null: a read token for every account, like central's own.
const createTokenBody = z.object({ accounts: z.array(accountIdSchema).min(1).max(1000).nullable().default(null) }).strict();

/**
 * /api/tokens (GET: the read tokens, never a secret; POST {accounts}: a new one, its token in
 * this answer only), /api/tokens/{id} (DELETE: revoke), /api/tokens/{id}/rotate (POST: a new
 * secret), /api/tokens/admin/rotate and /api/tokens/read/rotate (POST: a new admin token, or
 * startup read token). Admin only (access-policy). False when the path is not one of these.
 */
export async function routeTokens(req: IncomingMessage, res: ServerResponse, path: string, tokens: TokenRegistry, configured: { adminToken?: string | undefined; readToken?: string | undefined }): Promise<boolean> {
  if (path !== '/api/tokens' && !path.startsWith('/api/tokens/')) return false;
  const method = req.method ?? 'GET';
  const [id, action, ...rest] = path.split('/').slice(3);
  if (id === undefined) {
    if (method === 'GET' || method === 'HEAD') return reply(res, 200, { tokens: tokens.list() } satisfies ReadTokensJson);
    if (method === 'POST') {
      const { accounts } = await bodyOf(req, createTokenBody, MAX_BODY);
      return reply(res, 201, (await tokens.create(accounts)) satisfies ReadTokenIssuedJson);
    }
    throw notAllowed(method, path, 'GET, POST');
  }
  if (rest.length > 0 || id === '') throw new ApiError(404, `path: no route for ${method} ${path}`);
  if (action === 'rotate') {
    if (method !== 'POST') throw notAllowed(method, path, 'POST');
    if (id === 'admin' || id === 'read') return reply(res, 200, { token: await tokens.rotateServer(id, configured) } satisfies ServerTokenRotatedJson);
    return reply(res, 200, (await tokens.rotate(decodePathSegment('id', id))) satisfies ReadTokenIssuedJson);
  }
  if (action !== undefined) throw new ApiError(404, `path: no route for ${method} ${path}`);
  if (method !== 'DELETE') throw notAllowed(method, path, 'DELETE');
  return reply(res, 200, { revoked: await tokens.revoke(decodePathSegment('id', id)) } satisfies ReadTokenRevokedJson);
}

function reply(res: ServerResponse, status: number, body: unknown): true {
  sendJson(res, status, body);
  return true;
}

const notAllowed = (method: string, path: string, allow: string) => new ApiError(405, `method: ${method} is not allowed on ${path}`, { headers: { allow } });
