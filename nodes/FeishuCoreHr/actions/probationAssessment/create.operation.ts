import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { AssessmentStatus } from '../../helpers/choices';
import { InvalidInputError } from '../../helpers/parse';
import { optionsProperty } from '../requestOptions';
import type { Operation, RunContext } from '../types';
import type { AssessmentInput } from './fields';
import { additionalFieldsProperty, fieldProperty, needsGrades, parseAssessment, toWireAssessment } from './fields';
import { clientTokenOption, createAssessments } from './shared';
import { employeeLocatorProperty, employeeRefOf, employmentOf, prefetchEmployees } from './employeeTarget';

const NOT_STARTED: AssessmentStatus = 'not_started';

/** The assessments to create; an added assessment's status and optional fields start empty. */
const assessmentsProperty: INodeProperties = {
	displayName: 'Assessments',
	name: 'assessments',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Assessment',
	default: { assessment: [{ assessmentStatus: NOT_STARTED, isFinalAssessment: false }] },
	required: true,
	description: 'The assessments to create for this employee, in the order Feishu returns their new IDs',
	options: [{ displayName: 'Assessment', name: 'assessment', values: [fieldProperty('assessmentStatus'), fieldProperty('isFinalAssessment'), additionalFieldsProperty()] }],
};

const properties: INodeProperties[] = [
	{ ...employeeLocatorProperty, description: 'The employee on probation who gets the new assessments' },
	assessmentsProperty,
	optionsProperty(clientTokenOption),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['probationAssessment'], operation: ['create'] } },
	properties,
);

function parseEntries(this: IExecuteFunctions, itemIndex: number): IDataObject[] {
	const entries = (this.getNodeParameter('assessments.assessment', itemIndex, []) as IDataObject[]) ?? [];
	if (!Array.isArray(entries) || entries.length === 0) {
		throw new InvalidInputError('Assessments', entries, 'Add at least one assessment.', 'is empty');
	}
	return entries.map((entry) => ({ ...((entry.additionalFields as IDataObject) ?? {}), ...entry }));
}

/** Batches the employee lookups of all rows. */
async function prepare(this: IExecuteFunctions, itemCount: number, run: RunContext): Promise<void> {
	prefetchEmployees(run, itemCount, (itemIndex) => employeeRefOf(this, itemIndex));
}

async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]> {
	const raws = parseEntries.call(this, itemIndex);
	const grades = raws.some(needsGrades) ? await run.grades() : undefined;
	const inputs: AssessmentInput[] = raws.map((raw, n) => parseAssessment(raw, grades, `Assessment ${n + 1}: `));
	const employment = await employmentOf(run, employeeRefOf(this, itemIndex));
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
