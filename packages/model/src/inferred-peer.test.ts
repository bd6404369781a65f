import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan } from './fixtures.ts';
import { inferPeer } from './inferred-peer.ts';
import type { Attributes } from './span.ts';

const call = (attributes: Attributes, resource: Attributes = {}) =>
  makeSpan({ name: 'call', kind: 'client', attributes, resource: { serviceName: 'svc', attributes: { 'service.name': 'svc', ...resource } }, account: { id: 'local', label: 'local' } });
const peer = (attributes: Attributes, resource?: Attributes) => {
  const { type, name, label, account } = inferPeer(call(attributes, resource));
  return `${type} ${name} [${label}] @${account}`;
};

test('HTTP peers: host and port, the port left out when it is the scheme’s default', () => {
  assert.equal(peer({ 'server.address': '127.0.0.1', 'server.port': 33103 }), 'http 127.0.0.1:33103 [127.0.0.1:33103] @');
  assert.equal(peer({ 'net.peer.name': '127.0.0.1', 'net.peer.port': '33104' }), 'http 127.0.0.1:33104 [127.0.0.1:33104] @');
  assert.equal(peer({ 'url.full': 'http://127.0.0.1:33105/x' }), 'http 127.0.0.1:33105 [127.0.0.1:33105] @');
  assert.equal(peer({ 'url.full': 'https://api.stripe.com:443/v1', 'server.port': 443, 'peer.service': 'Stripe' }), 'http api.stripe.com [Stripe (api.stripe.com)] @');
  assert.equal(peer({ 'server.address': 'api.stripe.com', 'server.port': 80 }), 'http api.stripe.com [api.stripe.com] @', 'no scheme: 80 and 443 are defaults');
  assert.equal(peer({ 'http.url': 'http://shop.example.com:8443/' }), 'http shop.example.com:8443 [shop.example.com:8443] @');
  assert.equal(peer({ 'peer.service': 'Stripe' }), 'http Stripe [Stripe] @');
});

test('tables and topics: the account the call names, else its caller’s (resource first); HTTP peers only the named one', () => {
  const table = { 'db.system': 'dynamodb', 'aws.dynamodb.table_names': ['orders'] };
  assert.equal(peer(table, { 'cloud.account.id': '222222222222' }), 'database orders [orders (dynamodb)] @222222222222');
  assert.equal(peer(table), 'database orders [orders (dynamodb)] @local');
  assert.equal(peer({ ...table, 'cloud.account.id': '777777777777' }, { 'cloud.account.id': '222222222222' }), 'database orders [orders (dynamodb)] @777777777777');
  assert.equal(peer({ 'messaging.destination.name': 'order-events', 'messaging.system': 'aws_sns' }, { 'cloud.account.id': '2' }), 'queue order-events [order-events (aws_sns)] @2');
  assert.equal(peer({ 'server.address': 'api.stripe.com' }, { 'cloud.account.id': '222222222222' }), 'http api.stripe.com [api.stripe.com] @');
});

test('the X-Ray SDK’s subsegments: a DynamoDB table, an SQS queue and an SNS topic (their account from the URL or ARN), a SQL database', () => {
  assert.equal(peer({ 'aws.table_name': 'orders', 'aws.operation': 'PutItem' }, { 'cloud.account.id': '3' }), 'database orders [orders (dynamodb)] @3');
  assert.equal(peer({ 'aws.queue_url': 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs' }), 'queue jobs [jobs (aws_sqs)] @123456789012');
  assert.equal(peer({ 'aws.topic_arn': 'arn:aws:sns:eu-west-1:210987654321:order-events' }), 'queue order-events [order-events (aws_sns)] @210987654321');
  assert.equal(peer({ 'db.url': 'jdbc:postgresql://db.internal:5432/orders', 'db.database_type': 'PostgreSQL' }), 'database orders [orders (PostgreSQL)] @local');
});
