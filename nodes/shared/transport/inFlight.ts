/**
 * Once Feishu has answered a run with 429, the app's quota is shared with something the run's
 * pacer cannot see (another workflow, another worker): sending many at once after the reset would
 * only collect more 429s. From then on the run keeps at most this many requests on their way.
 */
export const IN_FLIGHT_AFTER_RATE_LIMIT = 4;

import { sleep } from 'n8n-workflow';

/**
 * Lets at most `limit()` requests be on their way at once; the others wait their turn, first come
 * first served. The limit may change while requests are out: a lower one takes effect as they
 * come back.
 *
 * A place freed by an answer goes to the next request only after that answer has been dealt with
 * all the way up (one turn of the event loop later): when the answer stops the run (On Error →
 * Stop), the stop is in force before the next request may go — whatever the machine's load.
 */
export class InFlightGate {
	private active = 0;

	private readonly waiting: Array<() => void> = [];

	constructor(private readonly limit: () => number) {}

	/** Resolves when this request may go; call leave() once its attempt is over. */
	async enter(): Promise<void> {
		if (this.waiting.length === 0 && this.active < this.limit()) {
			this.active++;
			return;
		}
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	leave(): void {
		this.active--;
		const next: Array<() => void> = [];
		while (this.waiting.length > 0 && this.active < this.limit()) {
			this.active++;
			next.push(this.waiting.shift() as () => void);
		}
		// The place is taken now (counted above); the request is woken after this turn's work is done.
		if (next.length > 0) void sleep(0).then(() => next.forEach((wake) => wake()));
	}

	/** Requests on their way now (for tests and figures). */
	get inFlight(): number {
		return this.active;
	}
}
