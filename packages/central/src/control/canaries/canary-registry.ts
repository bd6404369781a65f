import { ApiError } from '@stitch/http';
import type { Journey } from '@stitch/canary';
import { AuditedState } from '../../state/audited-state.ts';

export interface CanaryAuditEntry {
  action: 'canary.create' | 'canary.replace' | 'canary.delete';
  id: string;
  name: string;
}

interface SavedCanaries {
  journeys: Journey[];
}

/** Canaries make central call URLs on a schedule: a bound on how many keeps that load bounded. */
export const MAX_CANARIES = 200;

/**
 * The canaries' journeys, written through to `<data>/canaries.json` (every change appended to
 * `canaries.json.audit.jsonl`). Their runs are not here: recent ones are kept by CanaryRuns (in
 * `canary-runs.jsonl`), and every run is a trace in the store.
 */
export class CanaryRegistry {
  private constructor(private readonly saved: AuditedState<SavedCanaries>) {}

  static async open(file: string | null, now: () => number = Date.now): Promise<CanaryRegistry> {
    return new CanaryRegistry(await AuditedState.open<SavedCanaries>(file, { journeys: [] }, now));
  }

  list(): Journey[] {
    return [...this.saved.state.journeys];
  }

  get(id: string): Journey {
    return journeyOf(this.saved.state, id);
  }

  create(journey: Journey): Promise<void> {
    return this.saved.change((state) => {
      if (state.journeys.some((existing) => existing.id === journey.id)) throw new ApiError(409, `id: a canary with id ${journey.id} exists; PUT /api/canaries/${journey.id} replaces it`);
      if (state.journeys.some((existing) => existing.name === journey.name)) throw new ApiError(409, `name: a canary named ${journey.name} exists (its runs would share a service)`);
      if (state.journeys.length >= MAX_CANARIES) throw new ApiError(400, `canaries: at most ${MAX_CANARIES} canaries; delete one first`);
      state.journeys.push(journey);
      return { audited: audited('canary.create', journey), result: undefined };
    });
  }

  replace(journey: Journey): Promise<void> {
    return this.saved.change((state) => {
      const index = state.journeys.indexOf(journeyOf(state, journey.id));
      if (state.journeys.some((existing) => existing.name === journey.name && existing.id !== journey.id)) throw new ApiError(409, `name: a canary named ${journey.name} exists`);
      state.journeys[index] = journey;
      return { audited: audited('canary.replace', journey), result: undefined };
    });
  }

  remove(id: string): Promise<void> {
    return this.saved.change((state) => {
      const journey = journeyOf(state, id);
      state.journeys.splice(state.journeys.indexOf(journey), 1);
      return { audited: audited('canary.delete', journey), result: undefined };
    });
  }
}

function journeyOf(state: Readonly<SavedCanaries>, id: string): Journey {
  const journey = state.journeys.find((candidate) => candidate.id === id);
  if (!journey) throw new ApiError(404, `canary: no canary with id ${JSON.stringify(id.slice(0, 80))}`);
  return journey;
}

function audited(action: CanaryAuditEntry['action'], journey: Journey): CanaryAuditEntry {
  return { action, id: journey.id, name: journey.name };
}
