import type { INodeProperties } from 'n8n-workflow';

import { parseId, parseTextId } from '../helpers/parse';
import { DEPARTMENT_ID_TYPES, USER_ID_TYPES } from '../../shared/transport/endpoints';

/** CoreHR's own IDs are ~19-digit numbers; the others (ou_…, od-…) are text. */
const NUMERIC_ID_TYPES = new Set<string>([USER_ID_TYPES.coreHr, DEPARTMENT_ID_TYPES.coreHr]);

/** Checks an ID the way its type looks: digits for CoreHR IDs, token-like text otherwise. */
export function parseIdOfType(field: string, value: unknown, idType: string): string {
	return NUMERIC_ID_TYPES.has(idType) ? parseId(field, value) : parseTextId(field, value);
}

/** How Feishu reads (and writes) employment IDs; search and create must agree for a chain to work. */
// n8n's linters (the scanner's too, which ignores disable comments) take only a literal default;
// test/unit/placeholders.test.ts checks each default is Feishu's default type from the lists.
export const userIdTypeOption: INodeProperties = {
	displayName: 'Employment ID Type',
	name: 'userIdType',
	type: 'options',
	options: [
		{ name: 'Open ID (Feishu Default)', value: USER_ID_TYPES.openId },
		{ name: 'Union ID', value: USER_ID_TYPES.unionId },
		{ name: 'User ID', value: USER_ID_TYPES.userId, description: 'Needs the scope contact:user.employee_id:readonly' },
		{ name: 'CoreHR People ID', value: USER_ID_TYPES.coreHr },
	],
	default: 'open_id',
	description: 'Which kind of ID the employment IDs are; use the same type in Search and Create',
};

export const departmentIdTypeOption: INodeProperties = {
	displayName: 'Department ID Type',
	name: 'departmentIdType',
	type: 'options',
	options: [
		{ name: 'Open Department ID (Feishu Default)', value: DEPARTMENT_ID_TYPES.openDepartmentId },
		{ name: 'Department ID', value: DEPARTMENT_ID_TYPES.departmentId },
		{ name: 'CoreHR Department ID', value: DEPARTMENT_ID_TYPES.coreHr },
	],
	default: 'open_department_id',
	description: 'Which kind of ID the department IDs are',
};

/** Feishu's own defaults, as the options above show them. */
export const DEFAULT_USER_ID_TYPE = userIdTypeOption.default as string;
export const DEFAULT_DEPARTMENT_ID_TYPE = departmentIdTypeOption.default as string;
