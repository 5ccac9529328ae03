import type { RequestKind } from '../feishu/limits';
import { FEISHU_LIMITS } from '../feishu/limits';

/** Time source, injectable so the arithmetic can be tested without real minutes. */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

/** Holds a request back until it may go, and hears when its answer came. */
export interface Pacer {
	/** Waits until a request may go and counts it; resolves to the time it was counted at (its ticket). */
	acquire(): Promise<number>;
	/** The answer (or failure) of the request counted at `sentAt` arrived (default: the latest one). */
	settle(sentAt?: number): void;
	/**
	 * Holds every request of this pacer back until `until` (e.g. the reset time of a 429), whichever
	 * request heard it: several requests in flight wait once, together, instead of each on its own.
	 */
	pause(until: number): void;
}

const SECOND = 1_000;
const MINUTE = 60_000;

/** Inserts `value` into the ascending list. */
function insertSorted(list: number[], value: number): void {
	let i = list.length;
	while (i > 0 && list[i - 1] > value) i--;
	list.splice(i, 0, value);
}

/**
 * Keeps a run under Feishu's per-app limit by itself: at most `limit` requests in any
 * `windowMs` (a sliding window, so a short sheet goes out at once and a long one runs at the
 * limit instead of into it). A limit of 0 turns pacing off.
 */
export class SlidingWindowPacer implements Pacer {
	/** When each counted request went (or, once settled, was answered), ascending. */
	private readonly sent: number[] = [];

	private pausedUntil = 0;

	constructor(
		private readonly limit: number,
		private readonly windowMs: number,
		private readonly clock: Clock,
	) {}

	/** How long the next request must wait, in ms (0 = it may go now). */
	delayFor(now: number): number {
		const paused = Math.max(0, this.pausedUntil - now);
		if (this.limit <= 0) return paused;
		while (this.sent.length > 0 && this.sent[0] <= now - this.windowMs) this.sent.shift();
		if (this.sent.length < this.limit) return paused;
		return Math.max(paused, this.sent[0] + this.windowMs - now);
	}

	/** Waits until a request may go, then counts it. */
	async acquire(): Promise<number> {
		for (let wait = this.delayFor(this.clock.now()); wait > 0; wait = this.delayFor(this.clock.now())) {
			await this.clock.sleep(wait);
		}
		const now = this.clock.now();
		this.record(now);
		return now;
	}

	/** Counts a request that goes now (its wait was decided elsewhere). */
	record(now: number): void {
		if (this.limit > 0) insertSorted(this.sent, now);
	}

	/**
	 * A request's answer (or failure) arrived. Feishu counted the request when it got there,
	 * somewhere between sending and now; timing it by now keeps the window from opening a few
	 * milliseconds before Feishu's does. With several requests in flight, `sentAt` says which.
	 */
	settle(sentAt?: number): void {
		if (this.limit <= 0 || this.sent.length === 0) return;
		const index = sentAt === undefined ? this.sent.length - 1 : this.sent.lastIndexOf(sentAt);
		if (index < 0) return;
		this.sent.splice(index, 1);
		insertSorted(this.sent, Math.max(sentAt ?? 0, this.clock.now()));
	}

	pause(until: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, until);
	}
}

/**
 * Several windows at once, e.g. 1,000 per minute and 50 per second: a request goes only when
 * every window allows it, and then counts in each.
 */
export class CombinedPacer implements Pacer {
	private pausedUntil = 0;

	constructor(
		private readonly windows: readonly SlidingWindowPacer[],
		private readonly clock: Clock,
	) {}

	private delay(): number {
		const now = this.clock.now();
		return Math.max(0, this.pausedUntil - now, ...this.windows.map((w) => w.delayFor(now)));
	}

	async acquire(): Promise<number> {
		for (let wait = this.delay(); wait > 0; wait = this.delay()) await this.clock.sleep(wait);
		const now = this.clock.now();
		for (const w of this.windows) w.record(now);
		return now;
	}

	settle(sentAt?: number): void {
		for (const w of this.windows) w.settle(sentAt);
	}

	pause(until: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, until);
	}
}

/**
 * The pacer for each kind of request: Feishu's documented limits for that kind, and the run's
 * own "Max Requests per Minute" over all its requests when given. 0 turns pacing off (a 429's
 * pause still holds every request of its kind).
 */
export function pacersFor(maxRequestsPerMinute: number | undefined, clock: Clock): Record<RequestKind, Pacer> {
	const kinds = Object.keys(FEISHU_LIMITS) as RequestKind[];
	const byKind = (pacerOf: (kind: RequestKind) => Pacer) => Object.fromEntries(kinds.map((kind) => [kind, pacerOf(kind)])) as Record<RequestKind, Pacer>;
	if (maxRequestsPerMinute === 0) return byKind(() => new CombinedPacer([], clock));
	// The run's own cap counts every request it makes, whatever the kind.
	const own = maxRequestsPerMinute === undefined ? [] : [new SlidingWindowPacer(maxRequestsPerMinute, MINUTE, clock)];
	return byKind((kind) => {
		const { perMinute, perSecond } = FEISHU_LIMITS[kind];
		return new CombinedPacer(
			[
				new SlidingWindowPacer(perMinute, MINUTE, clock),
				...(perSecond === undefined ? [] : [new SlidingWindowPacer(perSecond, SECOND, clock)]),
				...own,
			],
			clock,
		);
	});
}
