import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { clientTokenPolicy, usesOwnClientToken } from '../helpers/clientTokenPolicy';
import { InvalidInputError } from '../helpers/parse';
import { FeishuClient } from '../../shared/transport';
import { Directory } from '../../shared/people/directory';
import { LookupError } from '../../shared/people/lookupError';
import { gradesOfRun } from './grades';
import { locatorValue } from './probationAssessment/shared';
import { operations } from './resources';
import { requestsInParallel, transportSettings } from './transportSettings';
import type { RunContext } from './types';
import { NotStarted, targetKey, WriteOrder } from './writeOrder';

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

/** Parameters that name what an item changes; items naming the same thing run one after the other. */
const TARGET_PARAMETERS = ['assessmentId', 'employmentId', 'employee'];

/** What item `itemIndex` names (its assessment, employment or employee); [] if none. */
function targetsOf(this: IExecuteFunctions, itemIndex: number): string[] {
	const parameters = this.getNode().parameters;
	const targets: string[] = [];
	for (const name of TARGET_PARAMETERS) {
		if (!(name in parameters)) continue;
		try {
			// Read as the operations read it, so the value is evaluated once (see readingOnce).
			const key = targetKey(locatorValue(this.getNodeParameter(name, itemIndex)).value);
			if (key !== '') targets.push(key);
		} catch {
			// The operation reports a bad parameter itself.
		}
	}
	return targets;
}

/**
 * n8n evaluates a parameter's expression on every read — in n8n 2.x in a sandbox, the largest
 * share of the node's own time per item — and an item's parameters are read more than once:
 * `prepare` reads them all to batch the lookups, the router to learn what the item names, the
 * operation to build its request. Through this context each (item, parameter, options) is read
 * once per run; an item's values are dropped when it finishes. A read that throws is not kept:
 * the next read throws the same error where the operation reports it.
 */
function readingOnce(ctx: IExecuteFunctions): { ctx: IExecuteFunctions; forget(itemIndex: number): void } {
	const read = ctx.getNodeParameter.bind(ctx) as (...args: unknown[]) => unknown;
	const byItem = new Map<number, Map<string, unknown>>();
	const getNodeParameter = (name: string, itemIndex: number, fallback?: unknown, options?: unknown): unknown => {
		let values = byItem.get(itemIndex);
		if (!values) byItem.set(itemIndex, (values = new Map()));
		const key = JSON.stringify([name, fallback ?? null, options ?? null]);
		if (values.has(key)) return values.get(key);
		const value = read(name, itemIndex, fallback, options);
		values.set(key, value);
		return value;
	};
	return {
		ctx: Object.create(ctx, { getNodeParameter: { value: getNodeParameter } }) as IExecuteFunctions,
		forget: (itemIndex) => byItem.delete(itemIndex),
	};
}

/**
 * The one per-item loop: resource/operation → operation, one request per item, up to "Requests in
 * Parallel" items in flight, one error policy. Output keeps the input's order and pairing.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const parameters = readingOnce(this);
	return await runItems.call(parameters.ctx, parameters.forget);
}

async function runItems(this: IExecuteFunctions, forget: (itemIndex: number) => void): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = operations[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resource}" is not supported`);
	}

	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	// A Client Token of the user's is checked against earlier items: those go one at a time.
	const inParallel = Math.min(items.length, usesOwnClientToken(this) ? 1 : requestsInParallel(options));
	const stopOnError = !this.continueOnFail();
	const order = new WriteOrder(inParallel, stopOnError);
	const client = new FeishuClient(this, transportSettings(options));
	const run: RunContext = {
		client: order.requester(client),
		directory: new Directory(client),
		grades: gradesOfRun(client),
		clientToken: clientTokenPolicy(this),
	};

	const cancelled = () => this.getExecutionCancelSignal?.()?.aborted === true;
	await operation.prepare?.call(this, items.length, run);

	const results: Array<INodeExecutionData[] | undefined> = new Array(items.length);
	/** Items that failed in a way that ends the run (On Error → Stop, or a cancelled execution). */
	const fatal = new Map<number, NodeOperationError | NodeApiError>();
	let next = 0;
	let stopped = false;

	const runItem = async (itemIndex: number): Promise<void> => {
		try {
			const json = await operation.execute.call(this, itemIndex, run);
			results[itemIndex] = json.map((entry) => ({ json: entry, pairedItem: { item: itemIndex } }));
		} catch (error) {
			if (error instanceof NotStarted) return;
			const nodeError = toNodeError.call(this, error, itemIndex);
			// A cancelled run stops here, whatever "On Error" says.
			if (stopOnError || cancelled()) {
				// Requests already in flight finish; no new item starts.
				stopped = true;
				fatal.set(itemIndex, nodeError);
				order.failed(itemIndex);
				return;
			}
			// n8n routes an item to the error output by its `error`, and then keeps only the message
			// in json: so the message carries everything a report needs (item, Feishu code, log ID).
			results[itemIndex] = [{ json: { error: nodeError.message }, error: nodeError, pairedItem: { item: itemIndex } }];
		} finally {
			order.finish(itemIndex);
			forget(itemIndex);
		}
	};

	const worker = async (): Promise<void> => {
		while (!stopped && next < items.length) {
			if (cancelled()) {
				stopped = true;
				return;
			}
			const itemIndex = next++;
			const keys = inParallel > 1 ? targetsOf.call(this, itemIndex) : [];
			const ran = await order.run(itemIndex, keys, async () => await runItem(itemIndex).then(() => true));
			if (ran === undefined) {
				order.finish(itemIndex);
				forget(itemIndex);
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, inParallel) }, worker));

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
