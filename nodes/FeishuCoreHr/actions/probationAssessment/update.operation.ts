import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { EmployeeRef } from '../../helpers/employee';
import { parseEmployeeRef, parseEmploymentId } from '../../helpers/employee';
import { InvalidInputError, booleanWord, isBlank, parseChoice, parseId } from '../../helpers/parse';
import { optionsProperty } from '../requestOptions';
import type { Operation, RunContext } from '../types';
import type { AssessmentChanges, AssessmentInput } from './fields';
import { FIELD_LABELS, additionalFieldsProperty, fieldProperty, needsGrades, parseAssessmentChanges, toWireAssessment } from './fields';
import { probationAssessment, send } from '../../../shared/transport/endpoints';
import { ASSESSMENT_ID_LABEL, assessmentLocatorProperty, createAssessments, locatorValue, clientTokenOption, writeResult } from './shared';
import type { WhichAssessment } from './target';
import { WHICH_ASSESSMENT_OPTIONS, checkOneProbationToCreateIn, findAssessment, pickAssessment, pickProbation } from './target';
import { describeEmployee, employeeOutput } from '../../../shared/people/employeeOutput';
import type { AssessmentFound } from '../../../shared/people/found';
import { LookupError } from '../../../shared/people/lookupError';
import { EMPLOYEE_LABEL, employeeLocatorProperty, lookupEmployee } from './employeeTarget';

const BY_EMPLOYEE = { assessmentBy: ['employee'] };
const BY_ID = { assessmentBy: ['assessmentId'] };
/** The node shows dropdowns; an AI Agent's tool gets text the model can fill. */
const IN_WORKFLOW = { '@tool': [false] };
const AS_TOOL = { '@tool': [true] };

const EMPLOYMENT_ID_LABEL = 'Employment ID';
const WHICH_LABEL = 'Which Assessment';

/** The final flag is kept as Feishu holds it unless the user says otherwise (Feishu requires it on every write). */
const finalChoiceProperty: INodeProperties = {
	displayName: FIELD_LABELS.isFinalAssessment,
	name: 'isFinalAssessment',
	type: 'options',
	options: [
		{ name: 'Keep Current Value', value: 'keep', description: 'Read from Feishu and sent back unchanged' },
		{ name: 'Yes', value: 'true', description: 'This assessment\'s result is the probation\'s final one' },
		{ name: 'No', value: 'false' },
	],
	allowArbitraryValues: true,
	default: 'keep',
	description: 'Whether this is the final assessment of the probation',
	hint: 'An expression may give true/false, yes/no, 是/否, or an empty value to keep the current one',
};

const KEEP_WORDS = ['keep', 'keep current', 'keep current value', 'unchanged', '不变', '保持', '保持不变'];

/** The final flag: true or false as given, undefined for "keep the current value" (also a blank cell). */
export function parseFinalChoice(value: unknown): boolean | undefined {
	if (isBlank(value)) return undefined;
	if (typeof value === 'string' && KEEP_WORDS.includes(value.trim().toLowerCase())) return undefined;
	const answer = booleanWord(value);
	if (answer === undefined) {
		throw new InvalidInputError(
			FIELD_LABELS.isFinalAssessment,
			value,
			'Allowed: Keep Current Value (keep, or an empty value); Yes (true, yes, 1, 是); No (false, no, 0, 否).',
		);
	}
	return answer;
}

const properties: INodeProperties[] = [
	{
		displayName: 'Find Assessment By',
		name: 'assessmentBy',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Employee', value: 'employee', description: 'Employee number, work email or employment ID: the node finds the assessment' },
			{ name: 'Assessment ID', value: 'assessmentId', description: 'The assessment\'s own ID, e.g. from Probation → Search' },
		],
		default: 'employee',
	},
	{ ...employeeLocatorProperty, displayOptions: { show: BY_EMPLOYEE } },
	{
		displayName: WHICH_LABEL,
		name: 'whichAssessment',
		type: 'options',
		options: WHICH_ASSESSMENT_OPTIONS,
		allowArbitraryValues: true,
		default: 'final',
		description: "Which assessment of the employee's probation to update",
		hint: 'When it is not clear which one is meant, the row is refused and nothing is written',
		displayOptions: { show: BY_EMPLOYEE },
	},
	{ ...assessmentLocatorProperty, displayOptions: { show: BY_ID } },
	{
		displayName: EMPLOYMENT_ID_LABEL,
		name: 'employmentId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 7140964208476371111 or ou_7dab8a3d3cdcc9da365777c7ad535d62',
		description: 'The employee the assessment belongs to: a CoreHR ID (digits) or an Open ID (ou_…)',
		hint: 'Needed to keep the final flag; the node then also checks the assessment is theirs. Probation → Search with Split Out Assessments outputs it as employmentId.',
		displayOptions: { show: BY_ID },
	},
	{ ...fieldProperty('assessmentStatus'), displayOptions: { show: IN_WORKFLOW } },
	{ ...fieldProperty('assessmentStatus', true), displayOptions: { show: AS_TOOL } },
	finalChoiceProperty,
	{ ...additionalFieldsProperty(), displayOptions: { show: IN_WORKFLOW } },
	{ ...additionalFieldsProperty(true), displayOptions: { show: AS_TOOL } },
	optionsProperty(clientTokenOption),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['probationAssessment'], operation: ['update'] } },
	properties,
);

function rawFields(this: IExecuteFunctions, itemIndex: number): IDataObject {
	return {
		...(this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject),
		assessmentStatus: this.getNodeParameter('assessmentStatus', itemIndex),
		isFinalAssessment: this.getNodeParameter('isFinalAssessment', itemIndex),
	};
}

/** Everything Update reads from one item, checked before any request. */
interface UpdateRequest {
	changes: AssessmentChanges;
	/** undefined: keep the value Feishu holds. */
	final: boolean | undefined;
	byEmployee?: { ref: EmployeeRef; which: WhichAssessment };
	byId?: { assessmentId: string; employment?: { id: string; idType: string } };
}

async function readRequest(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<UpdateRequest> {
	const raw = rawFields.call(this, itemIndex);
	const changes = parseAssessmentChanges(raw, needsGrades(raw) ? await run.grades() : undefined);
	const final = parseFinalChoice(raw.isFinalAssessment);
	if (this.getNodeParameter('assessmentBy', itemIndex) === 'employee') {
		const locator = locatorValue(this.getNodeParameter('employee', itemIndex));
		const ref = parseEmployeeRef(EMPLOYEE_LABEL, locator.mode ?? '', locator.value);
		const which = parseChoice(WHICH_LABEL, this.getNodeParameter('whichAssessment', itemIndex), WHICH_ASSESSMENT_OPTIONS.map((o) => ({ ...o, aliases: [] })));
		return { changes, final, byEmployee: { ref, which } };
	}
	const assessmentId = parseId(ASSESSMENT_ID_LABEL, locatorValue(this.getNodeParameter('assessmentId', itemIndex)).value);
	const employmentRaw = this.getNodeParameter('employmentId', itemIndex, '');
	const employment = isBlank(employmentRaw) ? undefined : parseEmploymentId(EMPLOYMENT_ID_LABEL, employmentRaw);
	if (final === undefined && !employment) {
		throw new InvalidInputError(
			FIELD_LABELS.isFinalAssessment,
			'Keep Current Value',
			'Set Employment ID (Probation → Search with Split Out Assessments outputs it as employmentId) so the node can read the current value, or choose Yes or No.',
			'needs the current value, which Feishu only lists per employee, and Employment ID is empty',
		);
	}
	return { changes, final, byId: { assessmentId, employment } };
}

/** Looks at every item first, so the lookups go out in batches of 100 instead of one per row. */
async function prepare(this: IExecuteFunctions, itemCount: number, run: RunContext): Promise<void> {
	const refs: EmployeeRef[] = [];
	const employments: Array<{ id: string; idType: string }> = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		let request: UpdateRequest;
		try {
			request = await readRequest.call(this, itemIndex, run);
		} catch {
			continue; // the item fails with the same error when its turn comes, before any request
		}
		if (request.byEmployee) refs.push(request.byEmployee.ref);
		else if (request.byId?.employment) employments.push(request.byId.employment);
	}
	run.directory.prefetch(refs, employments);
	// Employees found in the first round name the probations to fetch in the second.
	await run.directory.prefetchProbationsOfEmployees();
}

async function patch(
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
	assessmentId: string,
	input: AssessmentInput,
	who: IDataObject,
): Promise<IDataObject> {
	const call = { path: { assessment_id: assessmentId }, data: toWireAssessment(input) };
	const clientToken = run.clientToken(itemIndex, probationAssessment.patch.request(call));
	const response = await send(run.client, probationAssessment.patch.request({ ...call, params: { client_token: clientToken } }, itemIndex));
	run.directory.recordUpdate(assessmentId, input.isFinalAssessment);
	return { ...who, assessmentId, updated: true, ...input, clientToken, ...writeResult(response) };
}

async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]> {
	const request = await readRequest.call(this, itemIndex, run);

	if (request.byId) {
		const { assessmentId, employment } = request.byId;
		let final = request.final;
		if (employment) {
			const who = `employment ${employment.id}`;
			const current = findAssessment(assessmentId, who, await run.directory.probations(employment.idType, employment.id));
			final ??= keptFlag(current, who);
		}
		const input: AssessmentInput = { ...request.changes, isFinalAssessment: final as boolean };
		return [await patch.call(this, itemIndex, run, assessmentId, input, employment ? { employmentId: employment.id } : {})];
	}

	const { ref, which } = request.byEmployee!;
	const employee = await lookupEmployee(run.directory, ref);
	const who = describeEmployee(employee);
	const probations = await run.directory.probations(ref.idType, employee.employmentId);
	const probation = pickProbation(who, probations);
	const target = pickAssessment(which, who, probation.assessments);
	if (target.existing) {
		const input: AssessmentInput = { ...request.changes, isFinalAssessment: request.final ?? keptFlag(target.existing, who) };
		return [await patch.call(this, itemIndex, run, target.existing.assessmentId, input, employeeOutput(employee))];
	}

	if (request.final === undefined) {
		throw new LookupError(
			`The probation of ${who} has no assessment yet, so a new one would be created, and Is Final Assessment "Keep Current Value" has no value to keep for it. Choose Yes or No.`,
		);
	}
	checkOneProbationToCreateIn(who, probations);
	const input: AssessmentInput = { ...request.changes, isFinalAssessment: request.final };
	const created = await createAssessments(run, itemIndex, { id: employee.employmentId, idType: ref.idType }, [toWireAssessment(input)]);
	await run.directory.recordCreated(ref.idType, employee.employmentId, created.assessmentIds.map((id) => ({ assessmentId: id, isFinalAssessment: input.isFinalAssessment, assessmentStatus: input.assessmentStatus })));
	return [{ ...employeeOutput(employee), assessmentId: created.assessmentIds[0] ?? null, created: true, ...input, clientToken: created.clientToken, ...created.result }];
}

/** The flag to send back unchanged; refused when Feishu's answer did not state it. */
function keptFlag(current: AssessmentFound, who: string): boolean {
	if (current.isFinalAssessment === undefined) {
		throw new LookupError(`Feishu did not say whether assessment ${current.assessmentId} of ${who} is final, so "Keep Current Value" has nothing to keep. Choose Yes or No.`);
	}
	return current.isFinalAssessment;
}

export const update: Operation = { description, prepare, execute };
