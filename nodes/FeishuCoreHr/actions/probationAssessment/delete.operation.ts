import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import { parseId } from '../../helpers/parse';
import { optionsProperty } from '../requestOptions';
import type { Operation, RunContext } from '../types';
import { ASSESSMENT_ID_LABEL, assessmentIdProperty, assessmentPath, writeResult } from './shared';

const NOT_FOUND = 1162010;

const properties: INodeProperties[] = [
	{ ...assessmentIdProperty, description: 'The ID of the assessment to delete, as text (about 19 digits). Probation → Search returns it.' },
	optionsProperty(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['probationAssessment'], operation: ['delete'] } },
	properties,
);

async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]> {
	const assessmentId = parseId(ASSESSMENT_ID_LABEL, this.getNodeParameter('assessmentId', itemIndex));
	try {
		const response = await run.client.request({ method: 'DELETE', path: assessmentPath(assessmentId), itemIndex });
		return [{ assessmentId, deleted: true, ...writeResult(response) }];
	} catch (error) {
		// DELETE takes no client token: when an earlier attempt's answer was lost, the retry finds
		// the record gone. That is the outcome asked for, not a failure.
		const details = error instanceof NodeApiError ? (error.errorResponse as IDataObject | undefined) : undefined;
		if (details?.code === NOT_FOUND && details.uncertainEarlierAttempt === true) {
			return [{
				assessmentId,
				deleted: true,
				alreadyDeleted: true,
				code: 0,
				msg: 'not found after an earlier attempt whose answer was lost: taken as deleted by that attempt',
				logId: details.logId ?? null,
			}];
		}
		throw error;
	}
}

export const deleteAssessment: Operation = { description, execute };
