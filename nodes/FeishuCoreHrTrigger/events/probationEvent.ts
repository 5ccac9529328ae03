import type { IDataObject } from 'n8n-workflow';

import { PROBATION_STATUSES } from '../../shared/people/choices';

/** The one event this trigger handles. */
export const PROBATION_UPDATED_EVENT = 'corehr.probation.updated_v2';

/** A `corehr.probation.updated_v2` event in the node's words. */
export interface ProbationEvent {
	eventId: string;
	eventType: string;
	/** When Feishu created the event, ISO 8601 (from header.create_time, ms). */
	createdAt?: string;
	/** CoreHR's own employment ID (FEISHU-EVENTS.md: assumed to be people_corehr_id). */
	employmentId: string;
	probationStatus: string;
	probationStatusLabel?: string;
	actualProbationEndDate?: string;
	appId?: string;
	tenantKey?: string;
}

export type ParsedEvent = { event: ProbationEvent } | { ignored: string };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined);

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a verified schema 2.0 envelope. Anything that is not a probation update (another event the
 * app subscribes to, an envelope without an event ID or employment) is ignored, not failed: the
 * sender is Feishu and a retry would bring the same thing again.
 */
export function parseProbationEvent(envelope: IDataObject): ParsedEvent {
	const header = isObject(envelope.header) ? envelope.header : {};
	const body = isObject(envelope.event) ? envelope.event : {};
	const eventType = text(header.event_type);
	if (eventType !== PROBATION_UPDATED_EVENT) return { ignored: `event type ${eventType ?? '(none)'} is not ${PROBATION_UPDATED_EVENT}` };
	const eventId = text(header.event_id);
	if (!eventId) return { ignored: 'the event has no header.event_id' };
	const employmentId = text(body.employment_id);
	if (!employmentId) return { ignored: `event ${eventId} has no employment_id` };
	// The payload may carry the status as a plain value or as Feishu's enum object.
	const rawStatus = body.probation_status;
	const status = isObject(rawStatus) ? text(rawStatus.enum_name) : text(rawStatus);
	const created = Number(text(header.create_time));
	const event: ProbationEvent = {
		eventId,
		eventType,
		createdAt: Number.isFinite(created) && created > 0 ? new Date(created).toISOString() : undefined,
		employmentId,
		probationStatus: status ?? '',
		probationStatusLabel: PROBATION_STATUSES.find((s) => s.value === status)?.name,
		actualProbationEndDate: text(body.actual_probation_end_date),
		appId: text(header.app_id),
		tenantKey: text(header.tenant_key),
	};
	for (const key of Object.keys(event) as Array<keyof ProbationEvent>) if (event[key] === undefined) delete event[key];
	return { event };
}

/** Empty list = every status. */
export function statusWanted(event: ProbationEvent, statuses: readonly string[]): boolean {
	return statuses.length === 0 || statuses.includes(event.probationStatus);
}
