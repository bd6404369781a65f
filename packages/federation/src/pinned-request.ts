import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './read-allow-list.ts';

export interface PinnedRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** The addresses the allow-list checked: the connection goes to one of these, never to a fresh lookup's. */
  addresses: readonly ResolvedAddress[];
  signal: AbortSignal;
}

/**
 * One HTTP(S) request to `url` whose host name (if any) is "resolved" to the checked addresses
 * only, so DNS cannot answer differently between the check and the connection. Redirects are
 * never followed (node:http does not): a 3xx is an answer like any other. Resolves with the
 * response once its head arrived; the caller reads or discards the body.
 */
export function pinnedRequest(url: URL, init: PinnedRequest): Promise<IncomingMessage> {
  const lookup: LookupFunction = (_hostname, options, callback) => {
    const usable = init.addresses.filter(({ family }) => !options.family || options.family === family);
    const chosen = usable.length > 0 ? usable : init.addresses;
    if (options.all) callback(null, chosen.map(({ address, family }) => ({ address, family })));
    else callback(null, chosen[0]!.address, chosen[0]!.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: init.method, headers: init.headers, lookup, signal: init.signal }, resolve);
    req.once('error', reject);
    req.end(init.body);
  });
}
