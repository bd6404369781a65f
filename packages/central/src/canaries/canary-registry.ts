import { ApiError } from '@stitch/http';
import type { Journey } from '@stitch/canary';
import { AuditedState } from '../audited-state.ts';

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
    const journey = this.saved.state.journeys.find((candidate) => candidate.id === id);
    if (!journey) throw new ApiError(404, `canary: no canary with id ${JSON.stringify(id.slice(0, 80))}`);
    return journey;
  }

  async create(journey: Journey): Promise<void> {
    if (this.saved.state.journeys.some((existing) => existing.id === journey.id)) throw new ApiError(409, `id: a canary with id ${journey.id} exists; PUT /api/canaries/${journey.id} replaces it`);
    if (this.saved.state.journeys.some((existing) => existing.name === journey.name)) throw new ApiError(409, `name: a canary named ${journey.name} exists (its runs would share a service)`);
    if (this.saved.state.journeys.length >= MAX_CANARIES) throw new ApiError(400, `canaries: at most ${MAX_CANARIES} canaries; delete one first`);
    this.saved.state.journeys.push(journey);
    await this.save('canary.create', journey);
  }

  async replace(journey: Journey): Promise<void> {
    const index = this.saved.state.journeys.indexOf(this.get(journey.id));
    if (this.saved.state.journeys.some((existing) => existing.name === journey.name && existing.id !== journey.id)) throw new ApiError(409, `name: a canary named ${journey.name} exists`);
    this.saved.state.journeys[index] = journey;
    await this.save('canary.replace', journey);
  }

  async remove(id: string): Promise<void> {
    const journey = this.get(id);
    this.saved.state.journeys.splice(this.saved.state.journeys.indexOf(journey), 1);
    await this.save('canary.delete', journey);
  }

  private save(action: CanaryAuditEntry['action'], journey: Journey): Promise<void> {
    const audited: CanaryAuditEntry = { action, id: journey.id, name: journey.name };
    return this.saved.save(audited);
  }
}
