/** What goes wrong in a demo run; each is a story the console and `stitch diagnose` explain. */
export const DEMO_SCENARIOS = ['stripe-tail', 'retry-storm', 'lock-contention', 'broken-propagation'] as const;
export type DemoScenario = (typeof DEMO_SCENARIOS)[number];

export const SCENARIO_STORY: Record<DemoScenario, string> = {
  'stripe-tail': 'Stripe now and then takes 8-10 s: a handful of 10-second checkouts',
  'retry-storm': 'the warehouse API is flaky and inventory retries it up to 4 times',
  'lock-contention': 'inventory waits on its stock lock in 3 of 10 reservations',
  'broken-propagation': 'the private link to pricing drops the trace headers: the "before" picture',
};
