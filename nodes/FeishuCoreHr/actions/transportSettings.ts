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

/**
 * "Requests in Parallel" for this run: a whole number from 1 to 100. When not set: the default from
 * node version 3; one at a time in versions 1 and 2, whose workflows rely on On Error → Stop
 * writing nothing after the failed item.
 */
export function requestsInParallel(options: IDataObject, nodeVersion: number): number {
	const n = nonNegative(options.requestsInParallel, nodeVersion >= 3 ? DEFAULT_REQUESTS_IN_PARALLEL : 1);
	return Math.min(MAX_REQUESTS_IN_PARALLEL, Math.max(1, Math.floor(n)));
}
