import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { clientTokenPolicy, usesOwnClientToken } from '../helpers/clientTokenPolicy';
import { InvalidInputError, toHalfWidth } from '../helpers/parse';
import type { WriteOrder } from '../transport';
import { FeishuClient } from '../transport';
import { Directory, LookupError } from './directory';
import { gradesOfRun } from './grades';
import { operations } from './resources';
import { requestsInParallel, transportSettings } from './transportSettings';
import type { RunContext } from './types';

function itemLabel(itemIndex: number): string {
	return `Item ${itemIndex + 1} (index ${itemIndex})`;
}

/** Gives every failure the item it belongs to, as the error n8n shows. */
function toNodeError(this: IExecuteFunctions, error: unknown, itemIndex: number): NodeOperationError | NodeApiError {
	if (error instanceof InvalidInputError) {
		return new NodeOperationError(this.getNode(), `${itemLabel(itemIndex)}: ${error.message} Nothing was sent to Feishu for this item.`, {
			itemIndex,
		});
	}
	if (error instanceof LookupError) {
		return new NodeOperationError(this.getNode(), `${itemLabel(itemIndex)}: ${error.message} Nothing was written for this item.`, { itemIndex });
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.message = `${itemLabel(itemIndex)}: ${error.message}`;
		error.context.itemIndex = itemIndex;
		return error;
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(this.getNode(), `${itemLabel(itemIndex)}: ${message}`, { itemIndex });
}

/** An item that never started because the run had already stopped at an earlier one. */
class NotStarted extends Error {}

/**
 * Keeps "On Error → Stop" close to what it was with one item at a time:
 * - an item's first write goes out only after every earlier item has sent its own or finished, so
 *   an item refused before sending (bad input, an unknown employee) stops every later item;
 * - and only while fewer than `width` (Requests in Parallel) items from the earliest unfinished
 *   one on have started, so however long one item retries, at most `width - 1` later items can
 *   have been written when it fails;
 * - an item that waited its turn but had nothing on its way to Feishu yet when the run stopped
 *   does not send (it may still be waiting for the pacer, for the few requests allowed after a
 *   429, or to retry an attempt that never reached Feishu).
 * Requests already out finish.
 */
class SendOrder implements WriteOrder {
	private readonly committed: boolean[];
	private readonly finished: boolean[];
	/** Items with an attempt that may have reached Feishu: their retries go out whatever happens. */
	private readonly reached: boolean[];
	/** The first item that has not committed; every item before it has. */
	private low = 0;
	/** The first item that has not finished. */
	private lowUnfinished = 0;
	private stoppedAt = Infinity;
	private waiters: Array<{ index: number; resolve: () => void; reject: (error: Error) => void }> = [];

	constructor(
		count: number,
		private readonly width: number,
	) {
		this.committed = new Array<boolean>(count).fill(false);
		this.finished = new Array<boolean>(count).fill(false);
		this.reached = new Array<boolean>(count).fill(false);
	}

	/** Item `index` is done (or sends now): later items no longer wait for it. */
	commit(index: number): void {
		this.committed[index] = true;
		while (this.low < this.committed.length && this.committed[this.low]) this.low++;
		this.wake();
	}

	/** Item `index` will make no more requests (written, failed or never started). */
	finish(index: number): void {
		this.finished[index] = true;
		while (this.lowUnfinished < this.finished.length && this.finished[this.lowUnfinished]) this.lowUnfinished++;
		this.wake();
	}

	/** Item `index` failed before or while sending and ends the run: later items do not send. */
	stop(index: number): void {
		this.stoppedAt = Math.min(this.stoppedAt, index);
		this.commit(index);
	}

	async turn(index: number): Promise<void> {
		if (this.committed[index]) return;
		if (index > this.stoppedAt) throw new NotStarted();
		if (!this.mayStart(index)) await new Promise<void>((resolve, reject) => this.waiters.push({ index, resolve, reject }));
		this.commit(index);
	}

	refusal(index: number): Error | undefined {
		return !this.reached[index] && index > this.stoppedAt ? new NotStarted() : undefined;
	}

	mayHaveLanded(index: number): void {
		this.reached[index] = true;
	}

	private mayStart(index: number): boolean {
		return this.low >= index && index < this.lowUnfinished + this.width;
	}

	private wake(): void {
		this.waiters = this.waiters.filter((w) => {
			if (w.index > this.stoppedAt) w.reject(new NotStarted());
			else if (this.mayStart(w.index)) w.resolve();
			else return true;
			return false;
		});
	}
}

/** Parameters that name what an item changes; items naming the same thing run one after the other. */
const TARGET_PARAMETERS = ['assessmentId', 'employmentId', 'employee'];

/**
 * The key two rows share when they may name the same thing: the spellings the node reads as one
 * (full-width digits, an email's case, leading zeros, spaces) give one key. Too many matches only
 * make two rows wait for each other; too few would let both decide "no assessment yet" and create.
 */
export function targetKey(value: unknown): string {
	const text = typeof value === 'string' || typeof value === 'number' ? toHalfWidth(String(value)).trim().toLowerCase() : '';
	return text.replace(/^0+(?=\d)/, '');
}

/** What item `itemIndex` names (its assessment, employment or employee); [] if none. */
function targetsOf(this: IExecuteFunctions, itemIndex: number): string[] {
	const parameters = this.getNode().parameters;
	const targets: string[] = [];
	for (const name of TARGET_PARAMETERS) {
		if (!(name in parameters)) continue;
		try {
			const value = this.getNodeParameter(name, itemIndex, '', { extractValue: true }) as unknown;
			const key = targetKey(value);
			if (key !== '') targets.push(key);
		} catch {
			// The operation reports a bad parameter itself.
		}
	}
	return targets;
}

/**
 * The one per-item loop: resource/operation → operation, one request per item, up to "Requests in
 * Parallel" items in flight, one error policy. Output keeps the input's order and pairing.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = operations[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resource}" is not supported`);
	}

	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const client = new FeishuClient(this, transportSettings(options));
	const run: RunContext = {
		client,
		directory: new Directory(client),
		grades: gradesOfRun(client),
		clientToken: clientTokenPolicy(this),
	};

	const cancelled = () => this.getExecutionCancelSignal?.()?.aborted === true;
	await operation.prepare?.call(this, items.length, run);

	// A Client Token of the user's is checked against earlier items: those go one at a time.
	const inParallel = Math.min(items.length, usesOwnClientToken(this) ? 1 : requestsInParallel(options, this.getNode().typeVersion));
	const stopOnError = !this.continueOnFail();
	const order = inParallel > 1 && stopOnError ? new SendOrder(items.length, inParallel) : undefined;
	client.writeOrder = order;
	/** The last item naming each target, so the next one naming it waits for it (the later row still wins). */
	const lastOn = new Map<string, Promise<void>>();
	const results: Array<INodeExecutionData[] | undefined> = new Array(items.length);
	/** Items that failed in a way that ends the run (On Error → Stop, or a cancelled execution). */
	const fatal = new Map<number, NodeOperationError | NodeApiError>();
	let next = 0;
	let stopped = false;

	const runItem = async (itemIndex: number): Promise<void> => {
		try {
			const json = await operation.execute.call(this, itemIndex, run);
			results[itemIndex] = json.map((entry) => ({ json: entry, pairedItem: { item: itemIndex } }));
			order?.commit(itemIndex);
		} catch (error) {
			if (error instanceof NotStarted) return;
			const nodeError = toNodeError.call(this, error, itemIndex);
			// A cancelled run stops here, whatever "On Error" says.
			if (stopOnError || cancelled()) {
				// Requests already in flight finish; no new item starts.
				stopped = true;
				fatal.set(itemIndex, nodeError);
				order?.stop(itemIndex);
				return;
			}
			// n8n routes an item to the error output by its `error`, and then keeps only the message
			// in json: so the message carries everything a report needs (item, Feishu code, log ID).
			results[itemIndex] = [{ json: { error: nodeError.message }, error: nodeError, pairedItem: { item: itemIndex } }];
		} finally {
			order?.finish(itemIndex);
		}
	};

	const worker = async (): Promise<void> => {
		while (!stopped && next < items.length) {
			if (cancelled()) {
				stopped = true;
				return;
			}
			const itemIndex = next++;
			if (inParallel === 1) {
				await runItem(itemIndex);
				continue;
			}
			const targets = targetsOf.call(this, itemIndex);
			const before = targets.map((target) => lastOn.get(target));
			const done = (async () => {
				await Promise.all(before);
				if (stopped && fatal.size > 0 && Math.min(...fatal.keys()) < itemIndex) {
					order?.finish(itemIndex);
					return;
				}
				await runItem(itemIndex);
			})();
			for (const target of targets) lastOn.set(target, done);
			await done;
		}
	};
	try {
		await Promise.all(Array.from({ length: Math.max(1, inParallel) }, worker));
	} finally {
		client.writeOrder = undefined;
	}

	if (fatal.size > 0) {
		const first = Math.min(...fatal.keys());
		const error = fatal.get(first) as NodeOperationError | NodeApiError;
		// Items after it that were already in flight when it failed went through: say which.
		const through = results.flatMap((result, index) => (index > first && result !== undefined ? [`${index + 1}`] : []));
		if (through.length > 0) error.message += ` Items already in flight when this one failed still went through: ${through.join(', ')}.`;
		throw error;
	}
	const notRun = results.findIndex((result) => result === undefined);
	if (notRun >= 0) throw new NodeOperationError(this.getNode(), `The execution was cancelled before ${itemLabel(notRun)}`);
	return [results.flat() as INodeExecutionData[]];
}
