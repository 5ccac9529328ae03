/**
 * Feishu's documented per-app rate limits for the calls this node makes; the one place they live.
 * Writes (update, create and delete an assessment): 100 per minute. Reads (probation search and
 * custom_fields/get_by_param, the grade list): 1,000 per minute and 50 per second. The employee
 * search (employees/search): 100 per minute, as its own API page says.
 */
export const FEISHU_LIMITS: Readonly<Record<'write' | 'read' | 'employeeSearch', { perMinute: number; perSecond?: number }>> = {
	write: { perMinute: 100 },
	read: { perMinute: 1_000, perSecond: 50 },
	employeeSearch: { perMinute: 100 },
};

/** Which of Feishu's limits a request counts against. */
export type RequestKind = keyof typeof FEISHU_LIMITS;
