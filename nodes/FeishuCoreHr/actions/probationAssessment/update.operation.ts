import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { parseId } from '../../helpers/parse';
import { optionsProperty } from '../requestOptions';
import type { Operation, RunContext } from '../types';
import { additionalFieldsProperty, finalProperty, needsGrades, parseAssessment, statusProperty, toWireAssessment } from './fields';
import { ASSESSMENT_ID_LABEL, assessmentIdProperty, assessmentPath, clientTokenOption, writeResult } from './shared';

const properties: INodeProperties[] = [
	assessmentIdProperty,
	statusProperty,
	finalProperty,
	additionalFieldsProperty,
	optionsProperty(clientTokenOption),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['probationAssessment'], operation: ['update'] } },
	properties,
);

async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]> {
	const assessmentId = parseId(ASSESSMENT_ID_LABEL, this.getNodeParameter('assessmentId', itemIndex));
	const raw: IDataObject = {
		...(this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject),
		assessmentStatus: this.getNodeParameter('assessmentStatus', itemIndex),
		isFinalAssessment: this.getNodeParameter('isFinalAssessment', itemIndex),
	};
	const input = parseAssessment(raw, needsGrades(raw) ? await run.grades() : undefined);
	const write = { method: 'PATCH' as const, path: assessmentPath(assessmentId), body: toWireAssessment(input) };
	const clientToken = run.clientToken(itemIndex, write);

	const response = await run.client.request({ ...write, qs: { client_token: clientToken }, itemIndex });
	return [{ assessmentId, updated: true, ...input, clientToken, ...writeResult(response) }];
}

export const update: Operation = { description, execute };
