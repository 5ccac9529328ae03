import type { IDataObject } from 'n8n-workflow';

import type { DedupeLimits, SeenEvents } from './events/dedupe';
import { DEDUPE_LIMITS, claimEvent, readSeen } from './events/dedupe';
import type { ProbationEvent } from './events/probationEvent';
import { parseProbationEvent, statusWanted } from './events/probationEvent';
import type { Enrichment } from './enrich';

/** What the trigger's options say about which events start the workflow. */
export interface EventOptions {
	/** Empty = every status. */
	statuses: readonly string[];
	enrich: boolean;
}

export type Acceptance = { event: ProbationEvent } | { skipped: string };

/**
 * The event IDs each trigger accepted in this n8n process, by workflow, node and mode. Production
 * webhooks read the workflow's static data from the database per request and save it after
 * answering, so two deliveries of one event at the same moment would both pass a check of static
 * data alone; this map sees both.
 */
const acceptedInProcess = new Map<string, SeenEvents>();

/** Where a trigger keeps its accepted IDs across restarts: the node's workflow static data. */
export const STATIC_DATA_KEY = 'acceptedEventIds';

/**
 * Claims an event ID in this process and in the workflow's static data (persisted by n8n).
 * Synchronous: nothing can run between the checks and the writes.
 */
export function claimOnce(scope: string, staticData: IDataObject, eventId: string, nowMs: number, limits: DedupeLimits = DEDUPE_LIMITS): boolean {
	const memory = acceptedInProcess.get(scope) ?? { ids: [] };
	acceptedInProcess.set(scope, memory);
	const persisted = readSeen(staticData[STATIC_DATA_KEY]);
	const inMemory = claimEvent(memory, eventId, nowMs, limits);
	const inStore = claimEvent(persisted, eventId, nowMs, limits);
	staticData[STATIC_DATA_KEY] = { ids: persisted.ids } as unknown as IDataObject;
	return inMemory && inStore;
}

/**
 * The decision both modes share, after a request or frame is known to be Feishu's: is this a
 * probation update we want, and is it the first delivery? Synchronous, see claimOnce.
 */
export function acceptEnvelope(envelope: IDataObject, options: EventOptions, claim: (eventId: string) => boolean): Acceptance {
	const parsed = parseProbationEvent(envelope);
	if ('ignored' in parsed) return { skipped: parsed.ignored };
	const { event } = parsed;
	if (!statusWanted(event, options.statuses)) {
		return { skipped: `event ${event.eventId}: probation status "${event.probationStatus}" is not among the statuses the trigger reacts to` };
	}
	if (!claim(event.eventId)) return { skipped: `event ${event.eventId} was already delivered; duplicates start no second execution` };
	return { event };
}

/** The output item: the event's fields first, then what the lookup found. */
export async function eventItem(event: ProbationEvent, options: EventOptions, enrich: (event: ProbationEvent) => Promise<Enrichment>): Promise<IDataObject> {
	const item: IDataObject = { ...event };
	if (!options.enrich) return item;
	const found = await enrich(event);
	return { ...item, ...found } as IDataObject;
}
