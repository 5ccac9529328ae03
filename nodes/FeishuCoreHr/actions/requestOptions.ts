import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { TransportSettings } from '../transport';
import { DEFAULT_SETTINGS } from '../transport';

/** Options every operation offers for how requests are sent; read once per run. */
export const requestOptionProperties: INodeProperties[] = [
	{
		displayName: 'Max Requests per Minute',
		name: 'maxRequestsPerMinute',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 100,
		description:
			'Keeps this run under Feishu\'s limit (100 writes per minute per app): at most this many requests in any 60 seconds. 0 turns pacing off. Lower it when other workflows use the same app at the same time.',
	},
	{
		displayName: 'Max Rate-Limit Wait (Seconds)',
		name: 'maxRateLimitWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 180,
		description: 'When Feishu answers "too many requests", the node waits as Feishu says and tries again, up to this long per item; then the item fails',
	},
	{
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 3,
		description: 'How often to retry after a server error (5xx), a gateway error, a reset connection or a timeout, waiting longer each time. 0 = never. Errors in the request itself are never retried.',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 0.1, numberPrecision: 1 },
		default: 30,
		description: 'How long to wait for one answer before it counts as a timeout',
	},
];

/** Every operation's "Options" collection: its own options, then the request options. */
export function optionsProperty(...own: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...own, ...requestOptionProperties],
	};
}

// The literal defaults above are what the editor shows; a test checks they equal DEFAULT_SETTINGS.
function nonNegative(value: unknown, fallback: number): number {
	const n = typeof value === 'number' ? value : Number(value);
	return Number.isFinite(n) && n >= 0 ? n : fallback;
}

export function transportSettings(options: IDataObject): TransportSettings {
	return {
		...DEFAULT_SETTINGS,
		maxRequestsPerMinute: Math.floor(nonNegative(options.maxRequestsPerMinute, DEFAULT_SETTINGS.maxRequestsPerMinute)),
		maxRateLimitWaitMs: nonNegative(options.maxRateLimitWaitSeconds, DEFAULT_SETTINGS.maxRateLimitWaitMs / 1000) * 1000,
		// Expressions can pass the editor's bounds: keep the same ones here.
		maxRetries: Math.min(10, Math.floor(nonNegative(options.maxRetries, DEFAULT_SETTINGS.maxRetries))),
		timeoutMs: Math.max(100, nonNegative(options.timeoutSeconds, DEFAULT_SETTINGS.timeoutMs / 1000) * 1000),
	};
}
