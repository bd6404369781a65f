import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan } from '@stitch/model';
import { clientPeerOf } from './client-peer.ts';

const cases: Array<{ attributes: Record<string, string>; peer: string }> = [
  { attributes: { 'server.address': 'api.stripe.com', 'peer.service': 'Stripe' }, peer: 'api.stripe.com' },
  { attributes: { 'net.peer.name': 'db.internal' }, peer: 'db.internal' },
  { attributes: { 'peer.service': 'Stripe' }, peer: 'Stripe' },
  { attributes: { 'http.host': 'shop.example.com' }, peer: 'shop.example.com' },
  { attributes: { 'server.address': '' }, peer: 'GET /stock' },
];

for (const { attributes, peer } of cases) {
  test(`the peer of a client span with ${JSON.stringify(attributes)} is ${peer}`, () => {
    assert.equal(clientPeerOf(makeSpan({ name: 'GET /stock', kind: 'client', attributes })), peer);
  });
}
