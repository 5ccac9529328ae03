import type { INodePropertyOptions } from 'n8n-workflow';

/**
 * One allowed value of a field: what is sent, the editor's label, and the other spellings a
 * spreadsheet may use. The lists below serve several operations (lists only one resource uses sit
 * with it, e.g. probation/lifecycle.ts); parseChoice checks against them, toOptions makes a dropdown.
 */
export interface Choice<V extends string = string> {
	value: V;
	/** English label shown in the editor. */
	name: string;
	/** Other spellings accepted from spreadsheets and forms (Chinese labels, synonyms). */
	aliases: readonly string[];
}

/** Option lists used by both the editor's dropdowns and the validators. */
export const ASSESSMENT_STATUSES = [
	{ value: 'not_started', name: 'Not Started', aliases: ['未开始'] },
	{ value: 'in_process', name: 'In Process', aliases: ['In Progress', '进行中'] },
	{ value: 'completed', name: 'Completed', aliases: ['Done', '已完成'] },
	{ value: 'no_need', name: 'No Need', aliases: ['Not Needed', '无需考核'] },
] as const satisfies readonly Choice[];

export const ASSESSMENT_RESULTS = [
	{ value: 'approved', name: 'Approved', aliases: ['Pass', 'Passed', '通过'] },
	{ value: 'rejected', name: 'Rejected', aliases: ['Fail', 'Failed', '不通过'] },
] as const satisfies readonly Choice[];

export const PROBATION_STATUSES = [
	{ value: 'pending', name: 'Pending Approval', aliases: ['审批中'] },
	{ value: 'rejected', name: 'Rejected', aliases: ['已拒绝'] },
	{ value: 'waiting', name: 'Waiting', aliases: ['Waiting for Conversion', '待发起转正'] },
	{ value: 'approved', name: 'Approved', aliases: ['审批通过'] },
	{ value: 'converted', name: 'Converted to Regular', aliases: ['已转正'] },
	{ value: 'offboarded', name: 'Offboarded', aliases: ['已离职'] },
] as const satisfies readonly Choice[];

export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number]['value'];
export type AssessmentResult = (typeof ASSESSMENT_RESULTS)[number]['value'];

export function toOptions(choices: readonly Choice[]): INodePropertyOptions[] {
	return choices.map((c) => ({
		name: c.name,
		value: c.value,
		...(c.aliases.length ? { description: `From a sheet also: ${c.aliases.join(', ')}` } : {}),
	}));
}
