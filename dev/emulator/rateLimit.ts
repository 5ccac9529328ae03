import type { RateLimitConfig } from './types';

/**
 * Sliding-window log: at most `limit` accepted requests in any `windowMs`.
 * A ring of the last `limit` accept times makes each check O(1): the request may go when the
 * ring is not full yet or its oldest entry has left the window. Rejected requests are not recorded.
 */
export class SlidingWindow {
	private readonly times: number[];
	private head = 0;
	private size = 0;

	constructor(readonly config: RateLimitConfig) {
		this.times = new Array<number>(Math.max(1, config.limit)).fill(0);
	}

	/** 0 when accepted (and recorded); else milliseconds until a request may go. */
	take(now: number): number {
		const { limit, windowMs } = this.config;
		if (limit <= 0) return windowMs;
		if (this.size < limit) {
			this.times[(this.head + this.size) % limit] = now;
			this.size++;
			return 0;
		}
		const oldest = this.times[this.head];
		const waitMs = oldest + windowMs - now;
		if (waitMs > 0) return waitMs;
		this.times[this.head] = now;
		this.head = (this.head + 1) % limit;
		return 0;
	}
}

/** One window per app and class of call (writes and reads are limited separately, like Feishu's per-API limits). */
export class RateLimiter {
	private readonly windows = new Map<string, SlidingWindow>();

	constructor(private config: RateLimitConfig | null) {}

	get current(): RateLimitConfig | null {
		return this.config;
	}

	set(config: RateLimitConfig | null): void {
		this.config = config;
		this.windows.clear();
	}

	clear(): void {
		this.windows.clear();
	}

	/** 0 when the request may go; else milliseconds to wait. */
	take(appId: string, now: number): number {
		if (!this.config) return 0;
		let w = this.windows.get(appId);
		if (!w) {
			w = new SlidingWindow(this.config);
			this.windows.set(appId, w);
		}
		return w.take(now);
	}
}

export function toRateLimit(value: RateLimitConfig | number | null | undefined): RateLimitConfig | null {
	if (value === undefined || value === null) return null;
	if (typeof value === 'number') return { limit: value, windowMs: 60_000 };
	return { limit: value.limit, windowMs: value.windowMs };
}
