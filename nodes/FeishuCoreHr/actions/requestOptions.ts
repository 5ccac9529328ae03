/**
 * The editor's request options (the "Options" collection of every operation); transportSettings.ts
 * reads what the user set. The literal defaults here are what the editor shows; a test checks they
 * equal DEFAULT_SETTINGS.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { RequestKind } from '../../shared/transport';
import { FEISHU_LIMITS, IN_FLIGHT_AFTER_RATE_LIMIT } from '../../shared/transport';

/**
 * "Max Requests per Minute" as the operation's own requests need it: a write operation's
 * default and bound are Feishu's 100 writes per minute, Search's its 1,000 reads per minute.
 */
function maxRequestsPerMinuteProperty(kind: RequestKind): INodeProperties {
	const limit = FEISHU_LIMITS[kind].perMinute;
	const perSecond = FEISHU_LIMITS[kind].perSecond;
	const allows = kind === 'write' ? `${limit} writes per minute per app` : `${limit} per minute${perSecond ? ` and ${perSecond} per second` : ''} per app`;
	const what = kind === 'write' ? 'requests' : 'search requests (one per page of up to 100 results)';
	return {
		displayName: 'Max Requests per Minute',
		name: 'maxRequestsPerMinute',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: limit },
		default: limit,
		description: `At most this many ${what} in any 60 seconds; 0 turns pacing off`,
		hint: `Feishu allows ${allows} and the node always keeps to that: lower it only to leave room for other workflows using the same app`,
	};
}

/**
 * How many items the node has in flight at once when "Requests in Parallel" is not set (see
 * transportSettings): results, their order and pairing are those of one at a
 * time. 50 lets the start of each minute — which sets when the sheet's last rows may go — leave
 * at once even when every request takes a second (see CONTRIBUTING.md, Performance, for the measurements);
 * the per-minute limit still paces them all. The same number as n8n's own HTTP Request batches.
 */
export const DEFAULT_REQUESTS_IN_PARALLEL = 50;
/** A minute's worth of writes (Feishu allows 100): more in flight gains nothing. */
export const MAX_REQUESTS_IN_PARALLEL = 100;

/** Options every operation offers for how requests are sent; read once per run. */
export function requestOptionProperties(kind: RequestKind): INodeProperties[] {
	return [
		maxRequestsPerMinuteProperty(kind),
		{
			displayName: 'Requests in Parallel',
			name: 'requestsInParallel',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_REQUESTS_IN_PARALLEL },
			default: DEFAULT_REQUESTS_IN_PARALLEL,
			description: 'How many items may wait for Feishu at once (1: one item after the other)',
			hint: `The per-minute limit applies to all of them together, and the output keeps the input's order. After a "too many requests" answer the node sends at most ${IN_FLIGHT_AFTER_RATE_LIMIT} at a time`,
		},
		{
			displayName: 'Rate-Limit Wait (Seconds)',
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
			description: 'How often to retry after a server or gateway error, a reset connection or a timeout, waiting longer each time (0: never)',
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
}

function options(kind: RequestKind, own: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...own, ...requestOptionProperties(kind)],
	};
}

/** A write operation's "Options" collection: its own options, then the request options. */
export function optionsProperty(...own: INodeProperties[]): INodeProperties {
	return options('write', own);
}

/** The same for an operation that only reads (Search), with the read limits. */
export function readOptionsProperty(...own: INodeProperties[]): INodeProperties {
	return options('read', own);
}

/** The same for Employee → Search, whose Feishu limit is its own. */
export function employeeSearchOptionsProperty(...own: INodeProperties[]): INodeProperties {
	return options('employeeSearch', own);
}
