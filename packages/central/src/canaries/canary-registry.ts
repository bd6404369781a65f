import { ApiError } from '@stitch/http';
import type { Journey } from '@stitch/canary';
import { readState, saveState } from '../audited-state-file.ts';

export interface CanaryAuditEntry {
  at: string;
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
 * `canaries.json.audit.jsonl`). Their runs are not here: recent ones stay in memory, and every
 * run is a trace in the store.
 */
export class CanaryRegistry {
  private constructor(
    private readonly file: string | null,
    private readonly state: SavedCanaries,
    private readonly now: () => number,
  ) {}

  static async open(file: string | null, now: () => number = Date.now): Promise<CanaryRegistry> {
    return new CanaryRegistry(file, await readState<SavedCanaries>(file, { journeys: [] }), now);
  }

  list(): Journey[] {
    return [...this.state.journeys];
  }

  get(id: string): Journey {
    const journey = this.state.journeys.find((candidate) => candidate.id === id);
    if (!journey) throw new ApiError(404, `canary: no canary with id ${JSON.stringify(id.slice(0, 80))}`);
    return journey;
  }

  async create(journey: Journey): Promise<void> {
    if (this.state.journeys.some((existing) => existing.id === journey.id)) throw new ApiError(409, `id: a canary with id ${journey.id} exists; PUT /api/canaries/${journey.id} replaces it`);
    if (this.state.journeys.some((existing) => existing.name === journey.name)) throw new ApiError(409, `name: a canary named ${journey.name} exists (its runs would share a service)`);
    if (this.state.journeys.length >= MAX_CANARIES) throw new ApiError(400, `canaries: at most ${MAX_CANARIES} canaries; delete one first`);
    this.state.journeys.push(journey);
    await this.save('canary.create', journey);
  }

  async replace(journey: Journey): Promise<void> {
    const index = this.state.journeys.indexOf(this.get(journey.id));
    if (this.state.journeys.some((existing) => existing.name === journey.name && existing.id !== journey.id)) throw new ApiError(409, `name: a canary named ${journey.name} exists`);
    this.state.journeys[index] = journey;
    await this.save('canary.replace', journey);
  }

  async remove(id: string): Promise<void> {
    const journey = this.get(id);
    this.state.journeys.splice(this.state.journeys.indexOf(journey), 1);
    await this.save('canary.delete', journey);
  }

  private async save(action: CanaryAuditEntry['action'], journey: Journey): Promise<void> {
    const audited: CanaryAuditEntry = { at: new Date(this.now()).toISOString(), action, id: journey.id, name: journey.name };
    await saveState(this.file, this.state, audited);
  }
}
