import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { deriveClientToken } from '../helpers/clientToken';
import type { GradeOption } from '../helpers/grades';
import { InvalidInputError } from '../helpers/parse';
import { FeishuClient } from '../transport';
import { fetchGradeOptions } from './gradeOptions';
import { operations } from './operations';
import { transportSettings } from './requestOptions';
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
	let grades: Promise<GradeOption[] | undefined> | undefined;
	const executionId = this.getExecutionId() || `run-${Date.now()}`;
	const nodeId = this.getNode().id || this.getNode().name;

	const run: RunContext = {
		client,
		grades: async () => {
			// Unreadable list (e.g. no metadata scope): the grade is then sent as given.
			grades ??= fetchGradeOptions(client).catch(() => undefined);
			return await grades;
		},
		clientToken: (itemIndex, name) => {
			const given = this.getNodeParameter('options.clientToken', itemIndex, '') as unknown;
			const text = typeof given === 'string' || typeof given === 'number' ? String(given).trim() : '';
			return text || deriveClientToken(executionId, nodeId, `${resource}.${name}`, itemIndex);
		},
	};

	const cancelled = () => this.getExecutionCancelSignal?.()?.aborted === true;
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
