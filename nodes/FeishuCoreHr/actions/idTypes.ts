import type { INodeProperties } from 'n8n-workflow';

import { parseId, parseTextId } from '../helpers/parse';

/** CoreHR's own IDs are ~19-digit numbers; the others (ou_…, od-…) are text. */
const NUMERIC_ID_TYPES = new Set(['people_corehr_id', 'people_corehr_department_id']);

/** Checks an ID the way its type looks: digits for CoreHR IDs, token-like text otherwise. */
export function parseIdOfType(field: string, value: unknown, idType: string): string {
	return NUMERIC_ID_TYPES.has(idType) ? parseId(field, value) : parseTextId(field, value);
}

/** How Feishu reads (and writes) employment IDs; search and create must agree for a chain to work. */
export const userIdTypeOption: INodeProperties = {
	displayName: 'Employment ID Type',
	name: 'userIdType',
	type: 'options',
	options: [
		{ name: 'Open ID (Feishu Default)', value: 'open_id' },
		{ name: 'Union ID', value: 'union_id' },
		{ name: 'User ID', value: 'user_id', description: 'Needs the scope contact:user.employee_id:readonly' },
		{ name: 'CoreHR People ID', value: 'people_corehr_id' },
	],
	default: 'open_id',
	description: 'Which kind of ID the employment IDs are; use the same type in Search and Create',
};

export const departmentIdTypeOption: INodeProperties = {
	displayName: 'Department ID Type',
	name: 'departmentIdType',
	type: 'options',
	options: [
		{ name: 'Open Department ID (Feishu Default)', value: 'open_department_id' },
		{ name: 'Department ID', value: 'department_id' },
		{ name: 'CoreHR Department ID', value: 'people_corehr_department_id' },
	],
	default: 'open_department_id',
	description: 'Which kind of ID the department IDs are',
};

/** Feishu's own defaults, as the options above show them. */
export const DEFAULT_USER_ID_TYPE = userIdTypeOption.default as string;
export const DEFAULT_DEPARTMENT_ID_TYPE = departmentIdTypeOption.default as string;
