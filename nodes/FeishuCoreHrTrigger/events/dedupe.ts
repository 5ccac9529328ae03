/**
 * Remembers the event IDs a trigger has accepted, so a redelivered event starts no second
 * execution. Bounded in count and age: Feishu redelivers over some hours, not days.
 */
export interface SeenEvents {
	/** [event ID, ms when first accepted], oldest first. */
	ids: Array<[string, number]>;
}

export interface DedupeLimits {
	maxIds: number;
	maxAgeMs: number;
}

export const DEDUPE_LIMITS: DedupeLimits = { maxIds: 1000, maxAgeMs: 24 * 60 * 60 * 1000 };

/** Reads whatever the store holds (workflow static data may be empty or from an older version). */
export function readSeen(value: unknown): SeenEvents {
	const ids = (value as { ids?: unknown } | undefined)?.ids;
	if (!Array.isArray(ids)) return { ids: [] };
	return { ids: ids.filter((e): e is [string, number] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number') };
}

/**
 * Claims an event ID: true when it is new (and records it), false when it was seen within the
 * limits. Synchronous on purpose: two deliveries in one process cannot both pass between a check
 * and a write.
 */
export function claimEvent(seen: SeenEvents, eventId: string, nowMs: number, limits: DedupeLimits = DEDUPE_LIMITS): boolean {
	const fresh = seen.ids.filter(([, at]) => nowMs - at <= limits.maxAgeMs);
	seen.ids.splice(0, seen.ids.length, ...fresh);
	if (seen.ids.some(([id]) => id === eventId)) return false;
	seen.ids.push([eventId, nowMs]);
	if (seen.ids.length > limits.maxIds) seen.ids.splice(0, seen.ids.length - limits.maxIds);
	return true;
}
