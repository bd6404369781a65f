import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeletedJson, LinkAuditJson, LinkCreatedJson, LinksJson, SinkCreatedJson, SinksJson } from '@stitch/api';
import { ApiError, bodyOf, decodePathSegment, sendJson } from '@stitch/http';
import { createLinkBody, createSinkBody } from './link-model.ts';
import type { LinkRegistry } from './link-registry.ts';

const MAX_BODY = 64 * 1024;

/**
 * /api/sinks (GET, POST), /api/sinks/{id} (DELETE), /api/sinks/{id}/links (POST: the token is in
 * this answer only), /api/links (GET), /api/links/{id} (DELETE), /api/audit (GET).
 * Returns false when the path is not one of these.
 */
export async function routeLinks(req: IncomingMessage, res: ServerResponse, path: string, registry: LinkRegistry): Promise<boolean> {
  const method = req.method ?? 'GET';
  const parts = path.split('/').slice(2); // after /api/
  if (parts[0] === 'sinks' && parts.length === 1) {
    if (method === 'GET') return reply(res, 200, { sinks: registry.sinks() } satisfies SinksJson);
    if (method === 'POST') return reply(res, 201, { sink: await registry.createSink(await bodyOf(req, createSinkBody, MAX_BODY)) } satisfies SinkCreatedJson);
  } else if (parts[0] === 'sinks' && parts.length === 2 && method === 'DELETE') {
    await registry.deleteSink(decodePathSegment('sink', parts[1]!));
    return reply(res, 200, { deleted: parts[1]! } satisfies DeletedJson);
  } else if (parts[0] === 'sinks' && parts.length === 3 && parts[2] === 'links' && method === 'POST') {
    return reply(res, 201, await registry.createLink(decodePathSegment('sink', parts[1]!), await bodyOf(req, createLinkBody, MAX_BODY)) satisfies LinkCreatedJson);
  } else if (parts[0] === 'links' && parts.length === 1 && method === 'GET') {
    return reply(res, 200, { links: registry.links() } satisfies LinksJson);
  } else if (parts[0] === 'links' && parts.length === 2 && method === 'DELETE') {
    await registry.deleteLink(decodePathSegment('link', parts[1]!));
    return reply(res, 200, { deleted: parts[1]! } satisfies DeletedJson);
  } else if (parts[0] === 'audit' && parts.length === 1 && method === 'GET') {
    return reply(res, 200, { audit: registry.audit() } satisfies LinkAuditJson);
  } else {
    return false;
  }
  throw new ApiError(405, `method: ${method} is not allowed on ${path}`);
}

function reply(res: ServerResponse, status: number, body: unknown): true {
  sendJson(res, status, body);
  return true;
}
