import type { LinkAuditJson, LinkCreatedJson, LinksJson, SinkCreatedJson, SinksJson } from '@stitch/api';
import { bodyOf } from '@stitch/http';
import { created, deletion, type Route } from '../../http/route.ts';
import { createLinkBody, createSinkBody } from './link-model.ts';
import type { LinkRegistry } from './link-registry.ts';

const MAX_BODY = 64 * 1024;

/** Sinks and links: listed by readers of every account, changed by the admin; a link's token is in its creation's answer only. */
export function linkRoutes(registry: LinkRegistry): Route[] {
  return [
    { method: 'GET', path: '/api/sinks', access: 'read-config', handle: async () => ({ sinks: registry.sinks() }) satisfies SinksJson },
    { method: 'POST', path: '/api/sinks', access: 'manage', handle: async ({ req }) => created({ sink: await registry.createSink(await bodyOf(req, createSinkBody, MAX_BODY)) } satisfies SinkCreatedJson) },
    deletion('/api/sinks/:sink', 'sink', (id) => registry.deleteSink(id)),
    { method: 'POST', path: '/api/sinks/:sink/links', access: 'manage', handle: async ({ req, params }) => created((await registry.createLink(params.sink!, await bodyOf(req, createLinkBody, MAX_BODY))) satisfies LinkCreatedJson) },
    { method: 'GET', path: '/api/links', access: 'read-config', handle: async () => ({ links: registry.links() }) satisfies LinksJson },
    deletion('/api/links/:link', 'link', (id) => registry.deleteLink(id)),
    { method: 'GET', path: '/api/audit', access: 'read-config', handle: async () => ({ audit: registry.audit() }) satisfies LinkAuditJson },
  ];
}
