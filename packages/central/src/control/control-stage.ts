import type { SpanBatch } from '@stitch/model';
import { ReservoirDivider } from '@stitch/sampling';
import { outsideReadBudget } from '@stitch/store';
import type { CentralOptions } from '../central-options.ts';
import type { Route } from '../http/route.ts';
import type { ReadViews } from '../read/read-views.ts';
import { alarmRoutes } from './alarms/alarm-routes.ts';
import { startAlarms } from './alarms/alarm-service.ts';
import { Canaries } from './canaries/canaries.ts';
import { CanaryRegistry } from './canaries/canary-registry.ts';
import { canaryRoutes } from './canaries/canary-routes.ts';
import { CanaryRuns } from './canaries/canary-runs.ts';
import { costRoutes } from './cost/cost-routes.ts';
import { PriceBook } from './cost/price-book.ts';
import { samplingCallerOf } from './sampling/sampling-caller.ts';
import { SamplingRegistry } from './sampling/sampling-registry.ts';
import { samplingRoutes } from './sampling/sampling-routes.ts';
import { SloRegistry } from './slo/slo-registry.ts';
import { sloRoutes } from './slo/slo-routes.ts';

export interface ControlContext {
  views: ReadViews;
  /** The account of central's own requests (its default account): sampling rules an operator adds are for it unless they name one. */
  ownAccountId: string;
  /** Stores spans central makes itself (canary runs), counted like ingested ones. */
  storeOwnSpans: (batch: SpanBatch) => Promise<void>;
  /** Commits the usage counted so far, so a cost answer includes the last seconds. */
  flushUsage: () => Promise<void>;
  now: () => number;
  log: (message: string) => void;
}

export interface ControlStage {
  routes: Route[];
  /** Starts the canaries' schedule (once central listens: a run may call central itself). */
  start(): void;
  /** Stops the canaries (before the server closes); `close` ends the alarms' scheduler after it. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** What operators set and what acts on its own: sampling rules, SLOs, alarms, canaries, the price sheet. */
export async function controlStage(options: CentralOptions, context: ControlContext): Promise<ControlStage> {
  const { now, log, views } = context;
  const sampling = options.sampling ?? (await SamplingRegistry.open(null, now));
  const slos = options.slos ?? (await SloRegistry.open(null, now));
  const alarms = await startAlarms(options.alarms ?? {}, options.store, slos, now, log);
  const prices = options.prices ?? (await PriceBook.open(null, now));
  const runs = options.canaryRuns ?? (await CanaryRuns.open(null));
  const canaries = new Canaries(options.canaries ?? (await CanaryRegistry.open(null, now)), { store: context.storeOwnSpans, log, now, runs });
  const routes = [
    ...samplingRoutes(sampling, new ReservoirDivider(), now, (who) => samplingCallerOf(who, context.ownAccountId)),
    ...sloRoutes(slos, (who) => {
      const { side, scope } = views.of(who);
      return { store: side, now, ...(scope ? { visible: (slo) => scope.isOwn(slo.selector.account ?? '') } : {}) };
    }),
    ...alarmRoutes(alarms),
    ...canaryRoutes(canaries),
    ...costRoutes({ prices, sampling, now, flushUsage: () => outsideReadBudget(context.flushUsage), usageOf: (who) => views.of(who).side }),
  ];
  return { routes, start: () => canaries.start(), stop: () => canaries.stop(), close: () => alarms.scheduler.close() };
}
