import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { deriveClientToken, requestKey } from '../helpers/clientToken';
import { InvalidInputError } from '../helpers/parse';
import { FeishuClient } from '../transport';
import { Directory, LookupError } from './directory';
import { gradesOfRun } from './grades';
import { operations } from './resources';
import { transportSettings } from './transportSettings';
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

/** The one per-item loop: resource/operation → operation, one request per item, one error policy. */
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
	// Where a write comes from; the run index tells apart the passes of a loop in one execution.
	const origin = [
		this.getInstanceId(),
		String(this.getWorkflow().id ?? ''),
		this.getExecutionId() || `run-${Date.now()}`,
		this.getNode().id || this.getNode().name,
		String(this.getWorkflowDataProxy(0).$runIndex ?? 0),
	];
	const userTokens = new Map<string, string>();

	const run: RunContext = {
		client,
		directory: new Directory(client),
		grades: gradesOfRun(client),
		clientToken: (itemIndex, { method, path, body }) => {
			const key = requestKey(method, path, body);
			const given = this.getNodeParameter('options.clientToken', itemIndex, '') as unknown;
			const text = typeof given === 'string' || typeof given === 'number' ? String(given).trim() : '';
			if (!text) return deriveClientToken([...origin, String(itemIndex)], key);
			// Feishu would answer a second, different write with this token as if it were the first.
			if ((userTokens.get(text) ?? key) !== key) {
				throw new InvalidInputError(
					'Client Token',
					text,
					'Give each item its own token (e.g. from a row ID), or leave it empty so the node makes one per item.',
					'was already used for a different request in this run, so Feishu would skip this one',
				);
			}
			userTokens.set(text, key);
			return text;
		},
	};

	const cancelled = () => this.getExecutionCancelSignal?.()?.aborted === true;
	await operation.prepare?.call(this, items.length, run);
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		if (cancelled()) throw new NodeOperationError(this.getNode(), `The execution was cancelled before ${itemLabel(itemIndex)}`);
		try {
			const results = await operation.execute.call(this, itemIndex, run);
			for (const json of results) output.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			const nodeError = toNodeError.call(this, error, itemIndex);
			// A cancelled run stops here, whatever "On Error" says.
			if (!this.continueOnFail() || cancelled()) throw nodeError;
			// n8n routes an item to the error output by its `error`, and then keeps only the message
			// in json: so the message carries everything a report needs (item, Feishu code, log ID).
			output.push({ json: { error: nodeError.message }, error: nodeError, pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}
