import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InvalidInputError } from '../../helpers/parse';
import { DEFAULT_USER_ID_TYPE, parseIdOfType, userIdTypeOption } from '../idTypes';
import { optionsProperty } from '../requestOptions';
import type { Operation, RunContext } from '../types';
import { FROM_VERSION_2, FROM_VERSION_3, ONLY_VERSION_1, UP_TO_VERSION_2 } from '../versions';
import type { AssessmentInput } from './fields';
import { additionalFieldsProperty, additionalFieldsPropertyV3, finalProperty, needsGrades, parseAssessment, statusProperty, statusPropertyV3, toWireAssessment } from './fields';
import { clientTokenOption, createAssessments } from './shared';
import { employeeLocatorProperty, employeeRefOf, employmentOf as employmentOfRef, prefetchEmployees } from './employeeTarget';

const EMPLOYMENT_ID_LABEL = 'Employment ID';

const V1 = ONLY_VERSION_1;
const V2 = FROM_VERSION_2;

/** The assessments to create; in version 3 an added assessment's status and optional fields start empty. */
function assessmentsProperty(status: INodeProperties, optional: INodeProperties): INodeProperties {
	return {
		displayName: 'Assessments',
		name: 'assessments',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Assessment',
		default: { assessment: [{ assessmentStatus: 'not_started', isFinalAssessment: false }] },
		required: true,
		description: 'The assessments to create for this employee, in the order Feishu returns their new IDs',
		options: [{ displayName: 'Assessment', name: 'assessment', values: [status, finalProperty, optional] }],
	};
}

const properties: INodeProperties[] = [
	{ ...employeeLocatorProperty, description: 'The employee on probation who gets the new assessments', displayOptions: { show: V2 } },
	{
		displayOptions: { show: V1 },
		displayName: EMPLOYMENT_ID_LABEL,
		name: 'employmentId',
		type: 'string',
		default: '',
		required: true,
		// The example matches the default ID type (Open ID); the description names the other forms.
		placeholder: 'e.g. ou_7dab8a3d3cdcc9da365777c7ad535d62',
		description: 'The employment ID of the employee on probation, of the type set in Options → Employment ID Type',
		hint: 'Open ID (ou_…) by default; digits for the CoreHR People ID. Probation → Search returns it.',
	},
	{ ...assessmentsProperty(statusProperty, additionalFieldsProperty), displayOptions: { show: UP_TO_VERSION_2 } },
	{ ...assessmentsProperty(statusPropertyV3, additionalFieldsPropertyV3), displayOptions: { show: FROM_VERSION_3 } },
	{ ...optionsProperty(clientTokenOption, userIdTypeOption), displayOptions: { show: V1 } },
	{ ...optionsProperty(clientTokenOption), displayOptions: { show: V2 } },
];

export const description = updateDisplayOptions(
	{ show: { resource: ['probationAssessment'], operation: ['create'] } },
	properties,
);

/** Version 1 takes an employment ID of the type set in Options; version 2 any employee key, looked up. */
async function employmentOf(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<{ id: string; idType: string; who: IDataObject }> {
	if (this.getNode().typeVersion < 2) {
		const idType = (this.getNodeParameter('options.userIdType', itemIndex, DEFAULT_USER_ID_TYPE) as string) || DEFAULT_USER_ID_TYPE;
		return { id: parseIdOfType(EMPLOYMENT_ID_LABEL, this.getNodeParameter('employmentId', itemIndex), idType), idType, who: {} };
	}
	return await employmentOfRef(run, employeeRefOf(this, itemIndex));
}

function parseEntries(this: IExecuteFunctions, itemIndex: number): IDataObject[] {
	const entries = (this.getNodeParameter('assessments.assessment', itemIndex, []) as IDataObject[]) ?? [];
	if (!Array.isArray(entries) || entries.length === 0) {
		throw new InvalidInputError('Assessments', entries, 'Add at least one assessment.', 'is empty');
	}
	return entries.map((entry) => ({ ...((entry.additionalFields as IDataObject) ?? {}), ...entry }));
}

/** Batches the employee lookups of all rows (version 2). */
async function prepare(this: IExecuteFunctions, itemCount: number, run: RunContext): Promise<void> {
	if (this.getNode().typeVersion < 2) return;
	prefetchEmployees(run, itemCount, (itemIndex) => employeeRefOf(this, itemIndex));
}

async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]> {
	const raws = parseEntries.call(this, itemIndex);
	const grades = raws.some(needsGrades) ? await run.grades() : undefined;
	const inputs: AssessmentInput[] = raws.map((raw, n) => parseAssessment(raw, grades, `Assessment ${n + 1}: `));
	const employment = await employmentOf.call(this, itemIndex, run);
	const created = await createAssessments(run, itemIndex, employment, inputs.map(toWireAssessment));
	return [{
		...employment.who,
		employmentId: employment.id,
		assessmentIds: created.assessmentIds,
		assessments: inputs as unknown as IDataObject[],
		clientToken: created.clientToken,
		...created.result,
	}];
}

export const create: Operation = { description, prepare, execute };
