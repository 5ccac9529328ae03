import type { IDataObject } from 'n8n-workflow';

import type { TransportSettings } from '../../shared/transport';
import { DEFAULT_SETTINGS } from '../../shared/transport';
import { DEFAULT_REQUESTS_IN_PARALLEL, MAX_REQUESTS_IN_PARALLEL } from './requestOptions';

function nonNegative(value: unknown, fallback: number): number;
function nonNegative(value: unknown, fallback: undefined): number | undefined;
function nonNegative(value: unknown, fallback: number | undefined): number | undefined {
	const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/**
 * Reads the request options (requestOptions.ts) into the transport's settings, once per run. Pure:
 * a blank or unreadable value falls back to the default the editor shows.
 */
export function transportSettings(options: IDataObject): TransportSettings {
	const perMinute = nonNegative(options.maxRequestsPerMinute, undefined);
	return {
		...DEFAULT_SETTINGS,
		// Not set: Feishu's documented limits alone, which the shown default equals.
		...(perMinute === undefined ? {} : { maxRequestsPerMinute: Math.floor(perMinute) }),
		maxRateLimitWaitMs: nonNegative(options.maxRateLimitWaitSeconds, DEFAULT_SETTINGS.maxRateLimitWaitMs / 1000) * 1000,
		// Expressions can pass the editor's bounds: keep the same ones here.
		maxRetries: Math.min(10, Math.floor(nonNegative(options.maxRetries, DEFAULT_SETTINGS.maxRetries))),
		timeoutMs: Math.max(100, nonNegative(options.timeoutSeconds, DEFAULT_SETTINGS.timeoutMs / 1000) * 1000),
	};
}

/** "Requests in Parallel" for this run: a whole number from 1 to 100, the default when not set. */
export function requestsInParallel(options: IDataObject): number {
	const n = nonNegative(options.requestsInParallel, DEFAULT_REQUESTS_IN_PARALLEL);
	return Math.min(MAX_REQUESTS_IN_PARALLEL, Math.max(1, Math.floor(n)));
}
