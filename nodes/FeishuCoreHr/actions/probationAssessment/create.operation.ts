import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InvalidInputError } from '../../helpers/parse';
import { DEFAULT_USER_ID_TYPE, parseIdOfType, userIdTypeOption } from '../idTypes';
import { optionsProperty } from '../requestOptions';
import type { Operation, RunContext } from '../types';
import type { AssessmentInput } from './fields';
import { additionalFieldsProperty, finalProperty, needsGrades, parseAssessment, statusProperty, toWireAssessment } from './fields';
import { ASSESSMENTS_PATH, clientTokenOption, writeResult } from './shared';

const EMPLOYMENT_ID_LABEL = 'Employment ID';

const properties: INodeProperties[] = [
	{
		displayName: EMPLOYMENT_ID_LABEL,
		name: 'employmentId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '7140964208476371111',
		description: 'The employee on probation: their employment ID as text, of the type set in Options → Employment ID Type (Open ID such as ou_…, or the 19-digit CoreHR ID). Probation → Search returns it.',
	},
	{
		displayName: 'Assessments',
		name: 'assessments',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Assessment',
		default: { assessment: [{ assessmentStatus: 'not_started', isFinalAssessment: false }] },
		required: true,
		description: 'One or more assessments to create for this employee; Feishu returns their new IDs in this order',
		options: [
			{
				displayName: 'Assessment',
				name: 'assessment',
				values: [statusProperty, finalProperty, additionalFieldsProperty],
			},
		],
	},
	optionsProperty(clientTokenOption, userIdTypeOption),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['probationAssessment'], operation: ['create'] } },
	properties,
);

async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]> {
	const userIdType = (this.getNodeParameter('options.userIdType', itemIndex, DEFAULT_USER_ID_TYPE) as string) || DEFAULT_USER_ID_TYPE;
	const employmentId = parseIdOfType(EMPLOYMENT_ID_LABEL, this.getNodeParameter('employmentId', itemIndex), userIdType);
	const entries = (this.getNodeParameter('assessments.assessment', itemIndex, []) as IDataObject[]) ?? [];
	if (!Array.isArray(entries) || entries.length === 0) {
		throw new InvalidInputError('Assessments', entries, 'Add at least one assessment.', 'is empty');
	}
	const raws = entries.map((entry) => ({ ...((entry.additionalFields as IDataObject) ?? {}), ...entry }));
	const grades = raws.some(needsGrades) ? await run.grades() : undefined;
	const inputs: AssessmentInput[] = raws.map((raw, n) => {
		try {
			return parseAssessment(raw, grades);
		} catch (error) {
			if (error instanceof InvalidInputError) {
				throw new InvalidInputError(`Assessment ${n + 1}: ${error.field}`, error.value, error.allowed, error.reason);
			}
			throw error;
		}
	});
	const write = {
		method: 'POST' as const,
		path: ASSESSMENTS_PATH,
		body: { employment_id: employmentId, assessments: inputs.map(toWireAssessment) },
	};
	// Creating is not idempotent: the client token makes a retried request create nothing twice.
	const clientToken = run.clientToken(itemIndex, write);

	const response = await run.client.request<{ assessment_ids?: unknown }>({
		...write,
		qs: { client_token: clientToken, user_id_type: userIdType },
		itemIndex,
	});
	const ids = Array.isArray(response.data?.assessment_ids) ? response.data.assessment_ids.map(String) : [];
	return [{ employmentId, assessmentIds: ids, assessments: inputs as unknown as IDataObject[], clientToken, ...writeResult(response) }];
}

export const create: Operation = { description, execute };
