import type { FaultControls, FaultMatch, FaultSpec } from './types';
import { isRecord } from './validation';

export const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

/**
 * Pending faults, first in first out; each fires on the next matching requests until used up. A
 * fault with `every` fires on every `every`-th matching request only: it counts each matching
 * request, also those another fault answers, and lets the others pass to the next fault.
 */
export class FaultQueue implements FaultControls {
	private queue: FaultSpec[] = [];

	constructor(private readonly onExpireTokens: () => void) {}

	private add(spec: FaultSpec): void {
		const n = Math.floor(spec.remaining);
		if (!(n > 0)) return;
		const every = spec.every === undefined ? undefined : Math.floor(spec.every);
		if (every !== undefined && !(every >= 1)) return;
		const fault: FaultSpec = { ...spec, remaining: n };
		delete fault.every;
		if (every !== undefined) Object.assign(fault, { every, seen: 0 });
		this.queue.push(fault);
	}

	serverErrors(n: number, opts: { status?: number; code?: number; match?: FaultMatch } = {}): void {
		this.add({ kind: 'serverError', remaining: n, status: opts.status ?? 500, code: opts.code, match: opts.match });
	}

	gatewayErrors(n: number, opts: { status?: number; every?: number; match?: FaultMatch } = {}): void {
		this.add({ kind: 'gatewayError', remaining: n, status: opts.status ?? 502, every: opts.every, match: opts.match });
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

	expireTokensOn(n: number, opts: { every?: number; match?: FaultMatch } = {}): void {
		this.add({ kind: 'expireTokens', remaining: n, every: opts.every, match: opts.match });
	}

	clear(): void {
		this.queue = [];
	}

	pending(): FaultSpec[] {
		return this.queue.map((f) => ({ ...f }));
	}

	/**
	 * The fault this request runs into, counted down; undefined when none applies. Every matching
	 * fault with `every` counts the request; token expiries due on it fire here, on the side. The
	 * first fault due answers it; a periodic fault whose turn an earlier one took waits for its next.
	 */
	take(method: string, path: string): FaultSpec | undefined {
		if (this.queue.length === 0) return undefined;
		let chosen: FaultSpec | undefined;
		let expire = false;
		for (const fault of this.queue) {
			if (!applies(fault.match, method, path)) continue;
			if (fault.every !== undefined) {
				fault.seen = (fault.seen ?? 0) + 1;
				if (fault.seen % fault.every !== 0) continue;
			}
			if (fault.kind === 'expireTokens') {
				fault.remaining--;
				expire = true;
			} else if (!chosen) {
				fault.remaining--;
				chosen = { ...fault };
			}
		}
		this.queue = this.queue.filter((f) => f.remaining > 0);
		if (expire) this.onExpireTokens();
		return chosen;
	}

	/**
	 * Admin form: `{serverErrors: {n, status?, code?, match?}, gatewayErrors: {n, status?, every?}, dropConnections: {n, afterApply?},
	 * slowResponses: {n, delayMs, afterApply?}, rateLimitBurst: {n, resetSeconds?}, respondWith: {n, status, body, headers?},
	 * expireTokensOn: {n, every?}, expireAllTokens: true, clear: true}`, each with an optional `match: {method?, path?}`,
	 * or an array of such objects applied in order.
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
				const every = num(raw.every);
				if (raw.every !== undefined && !(every !== undefined && every >= 1)) return `${key}.every must be a number of 1 or more`;
				switch (key) {
					case 'serverErrors':
						this.serverErrors(n, { status: num(raw.status), code: num(raw.code), match });
						break;
					case 'gatewayErrors':
						this.gatewayErrors(n, { status: num(raw.status), every, match });
						break;
					case 'expireTokensOn':
						this.expireTokensOn(n, { every, match });
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
