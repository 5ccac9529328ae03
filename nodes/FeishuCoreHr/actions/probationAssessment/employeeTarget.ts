import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { EmployeeRef } from '../../helpers/employee';
import { parseEmployeeRef } from '../../helpers/employee';
import type { Directory } from '../../../shared/people/directory';
import { employeeOutput } from '../../../shared/people/employeeOutput';
import type { EmployeeFound } from '../../../shared/people/found';
import type { RunContext } from '../types';
import { locatorValue } from './shared';
import { pickEmploymentAmongSpellings } from './target';

export const EMPLOYEE_LABEL = 'Employee';

/** Who the row is about: picked from a list in the editor, or given by number, email or ID from the data. */
export const employeeLocatorProperty: INodeProperties = {
	displayName: EMPLOYEE_LABEL,
	name: 'employee',
	type: 'resourceLocator',
	default: { mode: 'employeeNumber', value: '' },
	required: true,
	description: 'The employee whose probation assessment is written',
	hint: 'Names are not unique, so they only help to pick from the list; from a sheet, use the employee number, work email or employment ID',
	modes: [
		{
			displayName: 'From list',
			name: 'list',
			type: 'list',
			placeholder: 'Search by name, employee number or email…',
			typeOptions: { searchListMethod: 'searchEmployees', searchable: true },
		},
		{
			displayName: 'Number',
			name: 'employeeNumber',
			type: 'string',
			placeholder: 'e.g. 030123',
		},
		{
			displayName: 'By Email',
			name: 'email',
			type: 'string',
			placeholder: 'e.g. zhang.san@example.com',
			validation: [
				{ type: 'regex', properties: { regex: '^\\s*[^@\\s]+@[^@\\s]+\\.[^@\\s]+\\s*$', errorMessage: 'Not a valid email address' } },
			],
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 7140964208476371111 or ou_7dab8a3d…',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^\\s*([0-9０-９]{6,32}|o[un]_[0-9a-zA-Z]+)\\s*$', errorMessage: 'A CoreHR employment ID (digits) or an Open ID (ou_…)' },
				},
			],
		},
	],
};

/** The one employment the row's key means, or a refusal that says what was found. */
export async function lookupEmployee(directory: Directory, ref: EmployeeRef): Promise<EmployeeFound> {
	const bySpelling = await Promise.all(
		ref.values.map(async (spelling) => ({ spelling, matches: await directory.employees(ref.kind, ref.idType, spelling) })),
	);
	return pickEmploymentAmongSpellings(ref.asked, bySpelling);
}

/** The row's Employee parameter, checked; nothing is looked up yet. */
export function employeeRefOf(ctx: IExecuteFunctions, itemIndex: number): EmployeeRef {
	const locator = locatorValue(ctx.getNodeParameter('employee', itemIndex));
	return parseEmployeeRef(EMPLOYEE_LABEL, locator.mode ?? '', locator.value);
}

/**
 * Starts the employee lookups of every row at once, so they go out 100 keys per search instead
 * of one per row. A row whose key is bad is skipped here: it fails with that error in its turn,
 * before any request of its own.
 */
export function prefetchEmployees(run: RunContext, itemCount: number, refOf: (itemIndex: number) => EmployeeRef): void {
	const refs: EmployeeRef[] = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			refs.push(refOf(itemIndex));
		} catch {
			// reported when the item's turn comes
		}
	}
	run.directory.prefetch(refs, []);
}

/** The one current employment the row means, as the ID of the ref's type, and who it is for the output. */
export async function employmentOf(run: RunContext, ref: EmployeeRef): Promise<{ id: string; idType: string; who: IDataObject }> {
	const employee = await lookupEmployee(run.directory, ref);
	return { id: employee.employmentId, idType: ref.idType, who: employeeOutput(employee) };
}
