import type { IDataObject, IExecuteFunctions, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import { parseId } from '../../helpers/parse';
import type { RequestFailure } from '../../../shared/transport';
import { describeAttempts, requestFailure } from '../../../shared/transport';
import { optionsProperty } from '../requestOptions';
import type { Operation, RunContext } from '../types';
import { probationAssessment, send } from '../../../shared/transport/endpoints';
import { NOT_FOUND_CODE } from '../../../shared/feishu/errors';
import { ASSESSMENT_ID_LABEL, assessmentLocatorProperty, locatorValue, writeResult } from './shared';

const properties: INodeProperties[] = [
	// Picked from a list by its person, or given by ID.
	{ ...assessmentLocatorProperty, description: 'The assessment to delete' },
	optionsProperty(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['probationAssessment'], operation: ['delete'] } },
	properties,
);

/**
 * DELETE takes no client token, so a retry after a lost answer cannot be matched to the first
 * attempt. When that retry finds no such assessment, either the first attempt deleted it or it
 * never existed (a mistyped ID): the node cannot tell, so it says exactly that, never "deleted".
 */
function unknownOutcome(this: IExecuteFunctions, assessmentId: string, failure: RequestFailure, itemIndex: number): NodeApiError {
	const earlier = failure.attempts.slice(0, -1);
	const last = failure.attempts[failure.attempts.length - 1];
	const message =
		`Assessment ${assessmentId} may or may not have been deleted: the answer to an earlier attempt was lost (${describeAttempts(earlier)}), ` +
		`and the retry found no such assessment (code ${NOT_FOUND_CODE}${last?.logId ? `, log ID ${last.logId}` : ''}). ` +
		'Either that attempt deleted it, or no assessment with this ID existed.';
	return new NodeApiError(this.getNode(), { ...failure, attempts: failure.attempts as unknown as JsonObject[], outcome: 'unknown' } as JsonObject, {
		message,
		description: 'Check the ID: Probation → Search lists the assessments that exist. Give the log IDs to Feishu support to learn what the lost attempt did.',
		httpCode: String(failure.httpStatus),
		itemIndex,
	});
}

async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]> {
	const assessmentId = parseId(ASSESSMENT_ID_LABEL, locatorValue(this.getNodeParameter('assessmentId', itemIndex)).value);
	const response = await send(run.client, probationAssessment.delete.request({ path: { assessment_id: assessmentId } }, itemIndex)).catch((error: unknown) => {
		// The transport's own error, unless the outcome is unknown (see unknownOutcome).
		const failure = requestFailure(error);
		throw failure?.code === NOT_FOUND_CODE && failure.uncertainEarlierAttempt ? unknownOutcome.call(this, assessmentId, failure, itemIndex) : error;
	});
	return [{ assessmentId, deleted: true, ...writeResult(response) }];
}

export const deleteAssessment: Operation = { description, execute };
