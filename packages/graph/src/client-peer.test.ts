import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan } from '@stitch/model';
import { clientPeerOf } from './client-peer.ts';

const cases: Array<{ attributes: Record<string, string | number | string[]>; peer: string }> = [
  // As the service map labels it (one identity): peer.service names the host, ports tell peers apart.
  { attributes: { 'server.address': 'api.stripe.com', 'peer.service': 'Stripe' }, peer: 'Stripe (api.stripe.com)' },
  { attributes: { 'server.address': '127.0.0.1', 'server.port': 33103 }, peer: '127.0.0.1:33103' },
  { attributes: { 'db.system': 'dynamodb', 'aws.dynamodb.table_names': ['orders'] }, peer: 'orders (dynamodb)' },
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
