import type { FeishuRequest, FeishuRequester, FeishuResponse, StopSignal } from '../../shared/transport';
import { writeTarget } from '../../shared/transport';
import { toHalfWidth } from '../helpers/parse';

/** An item that never started, or never sent, because the run had already stopped at an earlier one. */
export class NotStarted extends Error {
	constructor() {
		super('The run stopped at an earlier item before this one sent anything');
		this.name = 'NotStarted';
	}
}

/**
 * The key two rows share when they may name the same thing: the spellings the node reads as one
 * (full-width digits, an email's case, leading zeros, spaces) give one key. Too many matches only
 * make two rows wait for each other; too few would let both decide "no assessment yet" and create.
 */
export function targetKey(value: unknown): string {
	const text = typeof value === 'string' || typeof value === 'number' ? toHalfWidth(String(value)).trim().toLowerCase() : '';
	return text.replace(/^0+(?=\d)/, '');
}

/** Runs `work` after the last work queued under the same key, whatever that one's outcome. */
class Queues {
	private readonly last = new Map<string, Promise<unknown>>();

	async after<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
		const before = keys.map((key) => this.last.get(key));
		const mine = Promise.all(before).then(work);
		const settled = mine.then(
			() => undefined,
			() => undefined,
		);
		for (const key of keys) {
			this.last.set(key, settled);
			void settled.then(() => {
				if (this.last.get(key) === settled) this.last.delete(key);
			});
		}
		return await mine;
	}
}

/**
 * The one owner of the order in which a run's items reach Feishu, and of On Error → Stop with
 * several items in flight. The router asks it when an item may start and tells it how each
 * ended; the operations' writes pass through `requester`, which puts them in order and hands
 * the transport a stop signal. The transport never asks back.
 *
 * Always:
 * - items that name the same thing in their parameters (an assessment, an employment, an
 *   employee, in any spelling targetKey reads as one) run one after the other, in item order,
 *   so the later row wins and two rows never both decide "no assessment yet";
 * - writes to the same thing on the wire (an assessment, an employment's probation) go one at a
 *   time in the order they came, for rows that name one thing in two different ways.
 *
 * With On Error → Stop:
 * - an item's first write goes out only after every earlier item has sent its own or finished,
 *   so an item refused before sending (bad input, an unknown employee) stops every later item;
 * - and only while fewer than `width` (Requests in Parallel) items from the earliest unfinished
 *   one on have started, so however long one item retries, at most `width - 1` later items can
 *   have been written when it fails;
 * - once an item failed, no later item starts, and no later item's request goes out unless an
 *   attempt of it may already have reached Feishu. A failed write stops the run the moment its
 *   answer is read, before any other request can take its place (see InFlightGate).
 */
export class WriteOrder {
	private readonly byParameters = new Queues();

	private readonly byWire = new Queues();

	/** With On Error → Stop and several in flight: which items have sent their first write or ended. */
	private readonly committed: boolean[] = [];

	private readonly finished: boolean[] = [];

	/** The first item that has not committed; every item before it has. */
	private low = 0;

	/** The first item that has not finished. */
	private lowUnfinished = 0;

	private stoppedAtIndex = Infinity;

	private waiters: Array<{ index: number; resolve: () => void; reject: (error: Error) => void }> = [];

	/** One signal per item, read by the transport before each attempt. */
	private readonly signals = new Map<number, StopSignal>();

	constructor(
		private readonly width: number,
		private readonly stopOnError: boolean,
	) {}

	/** The first item that failed and stopped the run; undefined while it runs on. */
	get stoppedAt(): number | undefined {
		return this.stoppedAtIndex === Infinity ? undefined : this.stoppedAtIndex;
	}

	/** Whether item `index` must not start: the run stopped at an earlier item. */
	stoppedBefore(index: number): boolean {
		return this.stoppedAtIndex < index;
	}

	/**
	 * Runs item `index` once every earlier item naming one of `keys` is done; resolves to
	 * undefined without running it when the run stopped at an earlier item meanwhile.
	 */
	async run<T>(index: number, keys: readonly string[], item: () => Promise<T>): Promise<T | undefined> {
		return await this.byParameters.after(keys, async () => (this.stoppedBefore(index) ? undefined : await item()));
	}

	/** Item `index` failed: with On Error → Stop, nothing of a later item goes out from now on. */
	failed(index: number): void {
		if (!this.stopOnError) return;
		this.stoppedAtIndex = Math.min(this.stoppedAtIndex, index);
		this.commit(index);
	}

	/** Item `index` will make no more requests (written, failed or never started). */
	finish(index: number): void {
		this.commit(index);
		this.finished[index] = true;
		while (this.finished[this.lowUnfinished]) this.lowUnfinished++;
		this.signals.delete(index);
		this.wake();
	}

	/** What the operations send through: writes in order, each with its item's stop signal. */
	requester(transport: FeishuRequester): FeishuRequester {
		return {
			request: async <T>(request: FeishuRequest): Promise<FeishuResponse<T>> => {
				const target = writeTarget(request);
				const index = request.itemIndex;
				if (target === undefined || index === undefined) return await transport.request<T>(request);
				await this.turn(index);
				return await this.byWire.after([target], async () => {
					const answer = transport.request<T>({ ...request, stop: this.signal(index) });
					// Under Stop a failed write fails its item: stop now, before the next write to this
					// target (or any request woken by this answer) may go. Registered first, so it runs
					// before anything that awaits the answer.
					void answer.catch((error: unknown) => {
						if (!(error instanceof NotStarted)) this.failed(index);
					});
					return await answer;
				});
			},
		};
	}

	private signal(index: number): StopSignal | undefined {
		if (!this.stopOnError) return undefined;
		let signal = this.signals.get(index);
		if (!signal) {
			const stopped = () => this.stoppedBefore(index);
			signal = {
				get aborted() {
					return stopped();
				},
				reason: new NotStarted(),
			};
			this.signals.set(index, signal);
		}
		return signal;
	}

	/** Waits until item `index`'s first write may go (On Error → Stop with several in flight). */
	private async turn(index: number): Promise<void> {
		if (!this.stopOnError || this.width <= 1 || this.committed[index]) return;
		if (this.stoppedBefore(index)) throw new NotStarted();
		if (!this.mayStart(index)) await new Promise<void>((resolve, reject) => this.waiters.push({ index, resolve, reject }));
		this.commit(index);
	}

	private commit(index: number): void {
		this.committed[index] = true;
		while (this.committed[this.low]) this.low++;
		this.wake();
	}

	private mayStart(index: number): boolean {
		return this.low >= index && index < this.lowUnfinished + this.width;
	}

	private wake(): void {
		if (this.waiters.length === 0) return;
		this.waiters = this.waiters.filter((w) => {
			if (this.stoppedBefore(w.index)) w.reject(new NotStarted());
			else if (this.mayStart(w.index)) w.resolve();
			else return true;
			return false;
		});
	}
}
