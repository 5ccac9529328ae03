import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { ASSESSMENT_RESULTS, toOptions } from '../../helpers/choices';
import { PROBATION_STATUSES } from '../../../shared/people/choices';
import { toOutput } from '../../../shared/people/output';
import { InvalidInputError, isBlank, parseBoolean, parseChoice, parseDate } from '../../helpers/parse';
import { DEFAULT_DEPARTMENT_ID_TYPE, DEFAULT_USER_ID_TYPE, departmentIdTypeOption, parseIdOfType, userIdTypeOption } from '../idTypes';
import { resolveGrade } from '../grades';
import { searchPages } from '../../../shared/people/paging';
import { resultLimit, returnAllProperties } from '../resultLimit';
import { readOptionsProperty } from '../requestOptions';
import type { ProbationSearchData, ProbationSearchDateRange } from '../../../shared/transport/endpoints';
import { probation } from '../../../shared/transport/endpoints';
import type { Operation, RunContext } from '../types';
import { PROBATION_DATES } from './lifecycle';
import { assessmentsWithheld, assessmentsWithheldMessage } from '../../../shared/people/assessmentScope';

/** Date filters: Feishu wants each range as a `…_start`/`…_end` pair. `short` fits the editor's label width. */
const DATE_RANGES = [
	{ name: 'probationStartDate', ...PROBATION_DATES.probationStartDate, short: 'Start Date' },
	{ name: 'probationExpectedEndDate', ...PROBATION_DATES.probationExpectedEndDate, short: 'Expected End' },
	{ name: 'actualProbationEndDate', ...PROBATION_DATES.actualProbationEndDate, short: 'Actual End' },
	{ name: 'conversionInitiatedDate', label: 'Conversion Initiated Date', short: 'Conversion Started', wire: 'initiating_time' },
] as const satisfies ReadonlyArray<{ name: string; label: string; short: string; wire: ProbationSearchDateRange }>;

/** Date-only pickers: Feishu filters by the day. */
const dateFilters: INodeProperties[] = DATE_RANGES.flatMap((range) => [
	{
		displayName: `${range.short} From`,
		name: `${range.name}From`,
		type: 'dateTime' as const,
		typeOptions: { dateOnly: true },
		default: '',
		description: `Only probations whose ${range.label.toLowerCase()} is on or after this day (set "To" as well)`,
	},
	{
		displayName: `${range.short} To`,
		name: `${range.name}To`,
		type: 'dateTime' as const,
		typeOptions: { dateOnly: true },
		default: '',
		description: `Only probations whose ${range.label.toLowerCase()} is on or before this day (set "From" as well)`,
	},
]);

const employmentIdsFilter: INodeProperties = {
	displayName: 'Employment IDs',
	name: 'employmentIds',
	type: 'string',
	default: '',
	// The example matches the default Employment ID Type (Open ID); CoreHR IDs are digits.
	placeholder: 'e.g. ou_7dab8a3d3cdcc9da365777c7ad535d62, ou_1f2e3d4c5b6a79880796a5b4c3d2e1f0',
	description: 'Only these employees: IDs separated by commas, or an expression returning a list',
};

const departmentIdsFilter: INodeProperties = {
	displayName: 'Department IDs',
	name: 'departmentIds',
	type: 'string',
	default: '',
	placeholder: 'e.g. od-4e6ac4d14bcd5071a37a39de902c7141',
	description: 'Only employees in these departments: IDs separated by commas',
};

/** Status, result and grade: a sheet's labels work through expressions too. */
const choiceFilters: INodeProperties[] = [
	{
		displayName: 'Probation Status',
		name: 'probationStatus',
		type: 'options',
		options: toOptions(PROBATION_STATUSES),
		allowArbitraryValues: true,
		// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- 'waiting' is in PROBATION_STATUSES
		default: 'waiting',
		description: 'Only probations in this state',
	},
	{
		displayName: 'Final Assessment Result',
		name: 'finalAssessmentResult',
		type: 'options',
		options: toOptions(ASSESSMENT_RESULTS),
		allowArbitraryValues: true,
		// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- 'approved' is in ASSESSMENT_RESULTS
		default: 'approved',
		description: 'Only probations whose final assessment has this result',
	},
	{
		displayName: 'Final Grade Name or ID',
		name: 'finalAssessmentGrade',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getAssessmentGrades' },
		allowArbitraryValues: true,
		default: '',
		description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'Filtering by grade needs the scope corehr:probation.grade.search:read',
	},
];

const splitOutProperty: INodeProperties = {
	displayName: 'Split Out Assessments',
	name: 'splitOutAssessments',
	type: 'boolean',
	default: false,
	description: 'Whether to output one item per assessment instead of one per probation',
	hint: 'Each item then carries its assessment ID, employment ID and probation status: what Update needs',
};

// The filters are listed in the order people look for them (IDs first, then states, then the
// date ranges From next to To), not alphabetically.
const properties: INodeProperties[] = [
	...returnAllProperties,
	splitOutProperty,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		// Each ID type sits next to its IDs.
		options: [employmentIdsFilter, userIdTypeOption, departmentIdsFilter, departmentIdTypeOption, ...choiceFilters, ...dateFilters],
	},
	readOptionsProperty(),
];

export const description = updateDisplayOptions({ show: { resource: ['probation'], operation: ['search'] } }, properties);

function idList(field: string, value: unknown, idType: string): string[] {
	const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[,\s;]+/) : [value];
	return parts.filter((p) => !isBlank(p)).map((p) => parseIdOfType(field, p, idType));
}

export interface IdTypes {
	userIdType: string;
	departmentIdType: string;
}

/** Checks the filters and builds Feishu's search body. Pure, so bad filters fail before any request. */
export function searchBody(filters: IDataObject, idTypes: IdTypes, grade: (value: unknown) => string): ProbationSearchData {
	const body: ProbationSearchData = {};
	if (!isBlank(filters.employmentIds)) body.employment_ids = idList('Employment IDs', filters.employmentIds, idTypes.userIdType);
	if (!isBlank(filters.departmentIds)) body.department_ids = idList('Department IDs', filters.departmentIds, idTypes.departmentIdType);
	for (const range of DATE_RANGES) {
		const from = filters[`${range.name}From`];
		const to = filters[`${range.name}To`];
		if (isBlank(from) && isBlank(to)) continue;
		if (isBlank(from) || isBlank(to)) {
			const missing = isBlank(from) ? 'From' : 'To';
			throw new InvalidInputError(`${range.label} ${missing}`, isBlank(from) ? from : to, `Feishu filters by a range: set both ${range.label} From and To.`, 'is required when the other end of the range is set');
		}
		body[`${range.wire}_start`] = parseDate(`${range.label} From`, from);
		body[`${range.wire}_end`] = parseDate(`${range.label} To`, to);
	}
	if (!isBlank(filters.probationStatus)) body.probation_status = parseChoice('Probation Status', filters.probationStatus, PROBATION_STATUSES);
	if (!isBlank(filters.finalAssessmentResult)) {
		body.final_assessment_result = parseChoice('Final Assessment Result', filters.finalAssessmentResult, ASSESSMENT_RESULTS);
	}
	if (!isBlank(filters.finalAssessmentGrade)) body.final_assessment_grade = grade(filters.finalAssessmentGrade);
	return body;
}

/** One output item per assessment, carrying what a following Update needs. */
export function splitAssessments(probation: IDataObject): IDataObject[] {
	const assessments = Array.isArray(probation.assessments) ? (probation.assessments as IDataObject[]) : [];
	return assessments.map((assessment) => ({
		...assessment,
		assessmentId: String(assessment.assessmentId),
		employmentId: probation.employmentId,
		probationId: probation.probationId,
		probationStatus: probation.probationStatus,
		probationStatusLabel: probation.probationStatusLabel,
	}));
}

async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]> {
	const limit = resultLimit(this.getNodeParameter('returnAll', itemIndex, false), this.getNodeParameter('limit', itemIndex, 50));
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const splitOutRaw = this.getNodeParameter('splitOutAssessments', itemIndex, false);
	const splitOut = isBlank(splitOutRaw) ? false : parseBoolean('Split Out Assessments', splitOutRaw);
	const idTypes: IdTypes = {
		userIdType: (filters.userIdType as string) || DEFAULT_USER_ID_TYPE,
		departmentIdType: (filters.departmentIdType as string) || DEFAULT_DEPARTMENT_ID_TYPE,
	};
	const grades = isBlank(filters.finalAssessmentGrade) ? undefined : await run.grades();
	const body = searchBody(filters, idTypes, (value) => resolveGrade(value, grades));
	const params = { user_id_type: idTypes.userIdType, department_id_type: idTypes.departmentIdType };
	const items = await searchPages(run.client, probation.search, { params, data: body, limit, itemIndex });
	const found = items.map((item) => toOutput(item) as IDataObject);
	if (assessmentsWithheld(found)) {
		// Split out, that would be zero items and a run that looks fine; whole probations still
		// carry what they do have, so those get a notice on the output instead.
		if (splitOut) throw new NodeOperationError(this.getNode(), assessmentsWithheldMessage(found.length), { itemIndex });
		if (!hinted.has(run)) {
			hinted.add(run);
			this.addExecutionHints({ message: assessmentsWithheldMessage(found.length), type: 'warning', location: 'outputPane' });
		}
	}
	return splitOut ? found.flatMap(splitAssessments) : found;
}

/** Runs that already show the notice: one per run, not one per input item. */
const hinted = new WeakSet<RunContext>();

export const search: Operation = { description, execute };
