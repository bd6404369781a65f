import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './api-error.ts';
import { methodNotAllowed, RouteTable, type RoutePattern } from './route-table.ts';

const routes: (RoutePattern & { name: string })[] = [
  { method: 'GET', path: '/api/alarms', name: 'list' },
  { method: 'POST', path: '/api/alarms', name: 'create' },
  { method: 'GET', path: '/api/alarms/:id', name: 'one' },
  { method: 'DELETE', path: '/api/alarms/:id', name: 'delete' },
  { method: 'GET', path: '/api/alarms/:id/history', name: 'history' },
];

test('a request finds its one route, with its path parameters decoded', () => {
  const table = new RouteTable(routes);
  const match = table.match('GET', '/api/alarms/slow%20checkout/history');
  assert.ok(match && 'route' in match);
  assert.equal(match.route.name, 'history');
  assert.deepEqual(match.params, { id: 'slow checkout' });
  const head = table.match('HEAD', '/api/alarms');
  assert.ok(head && 'route' in head && head.route.name === 'list', 'GET routes answer HEAD');
});

test('a known path asked with another method names the methods it takes; an unknown path matches nothing', () => {
  const table = new RouteTable(routes);
  const match = table.match('PUT', '/api/alarms/a1');
  assert.ok(match && 'allow' in match);
  assert.deepEqual(match.allow, ['GET', 'DELETE']);
  const refusal = methodNotAllowed('PUT', '/api/alarms/a1', match.allow);
  assert.equal(refusal.status, 405);
  assert.equal(refusal.headers['allow'], 'GET, DELETE');
  assert.equal(table.match('GET', '/api/alarms/a1/history/more'), null);
  assert.equal(table.match('GET', '/api/alarms/'), null, 'a parameter is never empty');
  assert.equal(table.match('GET', '/api/alarm'), null);
});

test('a badly escaped path parameter is a 400 naming it', () => {
  const table = new RouteTable(routes);
  assert.throws(
    () => table.match('GET', '/api/alarms/%E0%A4%A'),
    (error: unknown) => error instanceof ApiError && error.status === 400 && error.message.startsWith('id: '),
  );
});

test('two routes of one shape are refused when the table is built, whatever their parameter names', () => {
  assert.throws(() => new RouteTable([...routes, { method: 'GET', path: '/api/alarms/:name', name: 'again' }]), /GET \/api\/alarms\/:name is listed twice/);
});
