/**
 * Feishu's documented per-app rate limits for the calls this node makes; the one place they live.
 * Writes (update, create and delete an assessment): 100 per minute. Reads (probation search and
 * custom_fields/get_by_param, the grade list): 1,000 per minute and 50 per second. The employee
 * search's limit is not documented; it counts as a read like the other CoreHR searches.
 */
export const FEISHU_LIMITS = {
	write: { perMinute: 100 },
	read: { perMinute: 1_000, perSecond: 50 },
} as const;

/** Which of Feishu's limits a request counts against. */
export type RequestKind = keyof typeof FEISHU_LIMITS;
