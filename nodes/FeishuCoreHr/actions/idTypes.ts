import type { INodeProperties } from 'n8n-workflow';

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
	description: 'Which kind of ID the employment IDs are. Use the same type in Search and Create.',
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
