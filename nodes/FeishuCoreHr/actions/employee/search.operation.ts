import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Choice } from '../../../shared/people/choices';
import { employeeOutput } from '../../../shared/people/employeeOutput';
import { toOutput } from '../../../shared/people/output';
import { toOptions } from '../../helpers/choices';
import { parseEmploymentId, parseEmployeeNumber, parseWorkEmail } from '../../helpers/employee';
import { InvalidInputError, isBlank, parseBoolean, parseChoice, parseText } from '../../helpers/parse';
import type { EmployeeSearchData } from '../../../shared/transport/endpoints';
import { EMPLOYEE_FIELDS, SEARCH_PAGE_SIZE, employees as employeesEndpoint } from '../../../shared/transport/endpoints';
import { COREHR_ID_TYPE } from '../../../shared/people/directory';
import { toEmployeeFound } from '../../../shared/people/found';
import { searchPages } from '../../../shared/people/paging';
import { resultLimit, returnAllProperties } from '../resultLimit';
import { assessmentsWithheld, assessmentsWithheldMessage } from '../../../shared/people/assessmentScope';
import { employeeSearchOptionsProperty } from '../requestOptions';
import type { Operation, RunContext } from '../types';

const EMPLOYMENT_STATUSES = [
	{ value: 'hired', name: 'Employed', aliases: ['active', '在职'] },
	{ value: 'terminated', name: 'Left', aliases: ['former', '离职', '已离职'] },
] as const satisfies readonly Choice[];

const properties: INodeProperties[] = [
	...returnAllProperties,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Employee Numbers',
				name: 'employeeNumbers',
				type: 'string',
				default: '',
				placeholder: 'e.g. 030123, 030124',
				description: 'Exact employee numbers, separated by commas (or an expression returning a list)',
			},
			{
				displayName: 'Employment IDs',
				name: 'employmentIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. 7140964208476371111',
				description: 'Exact CoreHR employment IDs, separated by commas',
			},
			{
				displayName: 'Employment Status',
				name: 'employmentStatus',
				type: 'options',
				allowArbitraryValues: true,
				options: toOptions(EMPLOYMENT_STATUSES),
				// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- 'hired' is in EMPLOYMENT_STATUSES
				default: 'hired',
				description: 'Only current employees, or only people who have left',
			},
			{
				displayName: 'Name or Keyword',
				name: 'keyword',
				type: 'string',
				default: '',
				placeholder: 'e.g. 张三',
				description: 'Part of a name, employee number or email',
				hint: 'Names are not unique: check what comes back before writing',
			},
			{
				displayName: 'Work Emails',
				name: 'workEmails',
				type: 'string',
				default: '',
				placeholder: 'e.g. zhang.san@example.com',
				description: 'Exact work emails, separated by commas',
			},
		],
	},
	employeeSearchOptionsProperty({
		displayName: 'Include Probation',
		name: 'includeProbation',
		type: 'boolean',
		default: false,
		description: 'Whether to add each employee\'s probation with its assessments and their assessment IDs',
	}),
];

export const description = updateDisplayOptions({ show: { resource: ['employee'], operation: ['search'] } }, properties);

function list(value: unknown): unknown[] {
	const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[,;\n]+/) : [value];
	return parts.filter((p) => !isBlank(p));
}

const MAX_LIST = SEARCH_PAGE_SIZE;

function capped(field: string, values: string[]): string[] {
	if (values.length > MAX_LIST) {
		throw new InvalidInputError(field, `${values.length} values`, `Give at most ${MAX_LIST} per item; split longer lists over several items.`, 'has too many values');
	}
	return values;
}

/** Checks the filters and builds Feishu's employee search body. Pure, so bad filters fail before any request. */
export function employeeSearchBody(filters: IDataObject): EmployeeSearchData {
	const body: EmployeeSearchData = { fields: EMPLOYEE_FIELDS };
	if (!isBlank(filters.employeeNumbers)) {
		body.employee_number_list = capped('Employee Numbers', list(filters.employeeNumbers).flatMap((v) => parseEmployeeNumber('Employee Numbers', v).values));
	}
	if (!isBlank(filters.workEmails)) {
		body.email_address_list = capped('Work Emails', list(filters.workEmails).flatMap((v) => parseWorkEmail('Work Emails', v).values));
	}
	if (!isBlank(filters.employmentIds)) {
		body.employment_id_list = capped(
			'Employment IDs',
			list(filters.employmentIds).map((v) => {
				const { id, idType } = parseEmploymentId('Employment IDs', v);
				if (idType !== COREHR_ID_TYPE) throw new InvalidInputError('Employment IDs', v, 'Use CoreHR employment IDs (digits) here.');
				return id;
			}),
		);
	}
	if (!isBlank(filters.keyword)) body.key_word = parseText('Name or Keyword', filters.keyword).trim();
	if (!isBlank(filters.employmentStatus)) body.employment_status = parseChoice('Employment Status', filters.employmentStatus, EMPLOYMENT_STATUSES);
	return body;
}

async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]> {
	const limit = resultLimit(this.getNodeParameter('returnAll', itemIndex, false), this.getNodeParameter('limit', itemIndex, 50));
	const body = employeeSearchBody(this.getNodeParameter('filters', itemIndex, {}) as IDataObject);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const includeProbation = isBlank(options.includeProbation) ? false : parseBoolean('Include Probation', options.includeProbation);

	const items = await searchPages(run.client, employeesEndpoint.search, { params: { user_id_type: COREHR_ID_TYPE }, data: body, limit, itemIndex });
	const employees = items.map(toEmployeeFound);
	if (includeProbation) run.directory.prefetchProbations(COREHR_ID_TYPE, employees.map((e) => e.employmentId));
	const probationsShown: IDataObject[] = [];
	const out: IDataObject[] = [];
	for (const employee of employees) {
		const json = employeeOutput(employee);
		if (includeProbation) {
			const probations = await run.directory.probations(COREHR_ID_TYPE, employee.employmentId);
			json.probation = probations.length === 1 ? (toOutput(probations[0].raw) as IDataObject) : null;
			if (probations.length > 1) json.probations = probations.map((p) => toOutput(p.raw) as IDataObject);
			probationsShown.push(...probations.map((p) => p.raw));
		}
		out.push(json);
	}
	// Probations without their assessments mean a missing scope, not "no assessments": say so.
	if (assessmentsWithheld(probationsShown)) {
		this.addExecutionHints({ message: assessmentsWithheldMessage(probationsShown.length), type: 'warning', location: 'outputPane' });
	}
	return out;
}

export const search: Operation = { description, execute };
