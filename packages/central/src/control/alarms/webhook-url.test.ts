import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shownUrl } from './webhook-url.ts';

test('a webhook is shown without what may be its secret: deeper path, query, credentials', () => {
  const cases: Array<[string, string]> = [
    ['https://hooks.slack.com/services/T0000/B0000/XXXXXXXX', 'https://hooks.slack.com/services/…'],
    ['https://events.pagerduty.example/v2/enqueue?routing_key=abc', 'https://events.pagerduty.example/v2/…'],
    ['http://user:pass@pager.internal/alarms', 'http://pager.internal/alarms/…'],
    ['http://127.0.0.1:8080/hook', 'http://127.0.0.1:8080/hook'],
    ['https://alerts.example.com', 'https://alerts.example.com'],
  ];
  for (const [url, shown] of cases) assert.equal(shownUrl(url), shown, url);
});
