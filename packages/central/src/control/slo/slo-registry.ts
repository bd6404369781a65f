import { randomBytes } from 'node:crypto';
import { ApiError } from '@stitch/http';
import type { SloDefinition } from '@stitch/metrics';
import { AuditedState } from '../../state/audited-state.ts';
import type { SloBody } from './slo-schemas.ts';

export interface SloAuditEntry {
  action: 'slo.create' | 'slo.update' | 'slo.delete';
  id: string;
  detail: string;
}

interface SavedSlos {
  slos: SloDefinition[];
}

/**
 * Central's SLOs, written through to `<data>/slos.json` and audited. Alarms read them by id
 * (`get`): a burn-rate rule names the SLO whose budget it watches.
 */
export class SloRegistry {
  private constructor(private readonly saved: AuditedState<SavedSlos>) {}

  static async open(file: string | null, now: () => number = Date.now): Promise<SloRegistry> {
    return new SloRegistry(await AuditedState.open<SavedSlos>(file, { slos: [] }, now));
  }

  list(): SloDefinition[] {
    return this.saved.state.slos.map((slo) => structuredClone(slo));
  }

  get(id: string): SloDefinition | null {
    const slo = this.saved.state.slos.find((candidate) => candidate.id === id);
    return slo ? structuredClone(slo) : null;
  }

  create(body: SloBody): Promise<SloDefinition> {
    return this.saved.change((state) => {
      const slo: SloDefinition = { id: `${slug(body.name)}-${randomBytes(3).toString('hex')}`, ...body };
      state.slos.push(slo);
      return { audited: audited('slo.create', slo), result: structuredClone(slo) };
    });
  }

  update(id: string, body: SloBody): Promise<SloDefinition> {
    return this.saved.change((state) => {
      const slo: SloDefinition = { id, ...body };
      state.slos[indexOf(state, id)] = slo;
      return { audited: audited('slo.update', slo), result: structuredClone(slo) };
    });
  }

  remove(id: string): Promise<void> {
    return this.saved.change((state) => {
      const [slo] = state.slos.splice(indexOf(state, id), 1);
      return { audited: audited('slo.delete', slo!), result: undefined };
    });
  }
}

function indexOf(state: SavedSlos, id: string): number {
  const index = state.slos.findIndex((slo) => slo.id === id);
  if (index < 0) throw new ApiError(404, `id: no SLO ${id} (see GET /api/slos)`);
  return index;
}

function audited(action: SloAuditEntry['action'], slo: SloDefinition): SloAuditEntry {
  return { action, id: slo.id, detail: describeSlo(slo) };
}

/** "checkout: 99 % of requests within 2000 ms over 30 days". */
export function describeSlo(slo: Pick<SloDefinition, 'selector' | 'objective' | 'target' | 'windowDays'>): string {
  const scope = [slo.selector.service, slo.selector.operation, slo.selector.account && `account ${slo.selector.account}`].filter(Boolean).join(' ');
  const what = slo.objective.kind === 'latency' ? `within ${slo.objective.thresholdMs} ms` : 'without a fault';
  return `${scope}: ${Math.round(slo.target * 100_000) / 1_000} % of requests ${what} over ${slo.windowDays} days`;
}

/** Lowercase letters and digits from a name, for a readable id ("checkout-p99-3f9a1c"). */
function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'slo';
}
