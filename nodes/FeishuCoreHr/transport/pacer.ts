/** Time source, injectable so the arithmetic can be tested without real minutes. */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

/**
 * Keeps a run under Feishu's per-app limit by itself: at most `limit` requests in any
 * `windowMs` (a sliding window, so a short sheet goes out at once and a long one runs at the
 * limit instead of into it). A limit of 0 turns pacing off.
 */
export class SlidingWindowPacer {
	private readonly sent: number[] = [];

	constructor(
		private readonly limit: number,
		private readonly windowMs: number,
		private readonly clock: Clock,
	) {}

	/** How long the next request must wait, in ms (0 = it may go now). */
	delayFor(now: number): number {
		if (this.limit <= 0) return 0;
		while (this.sent.length > 0 && this.sent[0] <= now - this.windowMs) this.sent.shift();
		if (this.sent.length < this.limit) return 0;
		return this.sent[0] + this.windowMs - now;
	}

	/** Waits until a request may go, then counts it. */
	async acquire(): Promise<void> {
		if (this.limit <= 0) return;
		for (let wait = this.delayFor(this.clock.now()); wait > 0; wait = this.delayFor(this.clock.now())) {
			await this.clock.sleep(wait);
		}
		this.sent.push(this.clock.now());
	}

	/**
	 * The latest request's answer (or failure) arrived. Feishu counted the request when it got
	 * there, somewhere between sending and now; timing it by now keeps the window from opening
	 * a few milliseconds before Feishu's does. Requests go one at a time, so it is the last one.
	 */
	settle(): void {
		if (this.limit > 0 && this.sent.length > 0) this.sent[this.sent.length - 1] = this.clock.now();
	}
}
