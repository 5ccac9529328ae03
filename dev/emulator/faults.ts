import type { FaultControls, FaultMatch, FaultSpec } from './types';
import { isRecord } from './validation';

export const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

/** Pending faults, first in first out; each fires on the next matching requests until used up. */
export class FaultQueue implements FaultControls {
	private queue: FaultSpec[] = [];

	constructor(private readonly onExpireTokens: () => void) {}

	private add(spec: FaultSpec): void {
		const n = Math.floor(spec.remaining);
		if (!(n > 0)) return;
		this.queue.push({ ...spec, remaining: n });
	}

	serverErrors(n: number, opts: { status?: number; code?: number; match?: FaultMatch } = {}): void {
		this.add({ kind: 'serverError', remaining: n, status: opts.status ?? 500, code: opts.code, match: opts.match });
	}

	gatewayErrors(n: number, opts: { match?: FaultMatch } = {}): void {
		this.add({ kind: 'gatewayError', remaining: n, status: 502, match: opts.match });
	}

	dropConnections(n: number, opts: { afterApply?: boolean; match?: FaultMatch } = {}): void {
		this.add({ kind: 'dropConnection', remaining: n, afterApply: opts.afterApply ?? false, match: opts.match });
	}

	slowResponses(n: number, delayMs: number, opts: { afterApply?: boolean; match?: FaultMatch } = {}): void {
		this.add({
			kind: 'slowResponse',
			remaining: n,
			delayMs,
			afterApply: opts.afterApply ?? false,
			match: opts.match,
		});
	}

	rateLimitBurst(n: number, resetSeconds = 1, opts: { match?: FaultMatch } = {}): void {
		this.add({ kind: 'rateLimitBurst', remaining: n, status: 429, resetSeconds, match: opts.match });
	}

	respondWith(
		n: number,
		status: number,
		body: unknown,
		opts: { headers?: Record<string, string>; match?: FaultMatch } = {},
	): void {
		this.add({ kind: 'respondWith', remaining: n, status, body, headers: opts.headers, match: opts.match });
	}

	expireAllTokens(): void {
		this.onExpireTokens();
	}

	clear(): void {
		this.queue = [];
	}

	pending(): FaultSpec[] {
		return this.queue.map((f) => ({ ...f }));
	}

	/** The fault this request runs into, counted down; undefined when none applies. */
	take(method: string, path: string): FaultSpec | undefined {
		if (this.queue.length === 0) return undefined;
		const index = this.queue.findIndex((f) => applies(f.match, method, path));
		if (index < 0) return undefined;
		const fault = this.queue[index];
		fault.remaining--;
		if (fault.remaining <= 0) this.queue.splice(index, 1);
		return { ...fault };
	}

	/**
	 * Admin form: `{serverErrors: {n, status?, code?, match?}, gatewayErrors: {n}, dropConnections: {n, afterApply?},
	 * slowResponses: {n, delayMs, afterApply?}, rateLimitBurst: {n, resetSeconds?}, respondWith: {n, status, body, headers?},
	 * expireAllTokens: true, clear: true}`, or an array of such objects applied in order.
	 */
	applyJson(input: unknown): string | null {
		const list = Array.isArray(input) ? input : [input];
		for (const entry of list) {
			if (!isRecord(entry)) return 'each fault entry must be a JSON object';
			if (entry.clear === true) this.clear();
			for (const [key, raw] of Object.entries(entry)) {
				if (key === 'clear') continue;
				if (key === 'expireAllTokens') {
					if (raw === true) this.expireAllTokens();
					continue;
				}
				if (!isRecord(raw)) return `${key} must be an object`;
				const n = num(raw.n);
				if (n === undefined) return `${key}.n must be a number`;
				const match = parseMatch(raw.match);
				switch (key) {
					case 'serverErrors':
						this.serverErrors(n, { status: num(raw.status), code: num(raw.code), match });
						break;
					case 'gatewayErrors':
						this.gatewayErrors(n, { match });
						break;
					case 'dropConnections':
						this.dropConnections(n, { afterApply: raw.afterApply === true, match });
						break;
					case 'slowResponses': {
						const delayMs = num(raw.delayMs);
						if (delayMs === undefined) return 'slowResponses.delayMs must be a number';
						this.slowResponses(n, delayMs, { afterApply: raw.afterApply === true, match });
						break;
					}
					case 'rateLimitBurst':
						this.rateLimitBurst(n, num(raw.resetSeconds) ?? 1, { match });
						break;
					case 'respondWith': {
						const status = num(raw.status);
						if (status === undefined) return 'respondWith.status must be a number';
						const headers = isRecord(raw.headers)
							? Object.fromEntries(Object.entries(raw.headers).map(([k, v]) => [k, String(v)]))
							: undefined;
						this.respondWith(n, status, raw.body, { headers, match });
						break;
					}
					default:
						return `unknown fault ${key}`;
				}
			}
		}
		return null;
	}
}

/** Faults skip the token endpoint unless the fault's match names it explicitly. */
function applies(match: FaultMatch | undefined, method: string, path: string): boolean {
	if (match?.method && match.method.toUpperCase() !== method) return false;
	if (match?.path) return path.includes(match.path);
	return path !== TOKEN_PATH;
}

function num(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function parseMatch(value: unknown): FaultMatch | undefined {
	if (!isRecord(value)) return undefined;
	const match: FaultMatch = {};
	if (typeof value.method === 'string') match.method = value.method;
	if (typeof value.path === 'string') match.path = value.path;
	return match;
}
