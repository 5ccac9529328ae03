import type { INodePropertyOptions } from 'n8n-workflow';

import type { Choice } from '../../shared/people/choices';

/**
 * Option lists used by both the editor's dropdowns and the validators, for several operations
 * (parseChoice checks against them, toOptions makes a dropdown). The probation statuses, which
 * the trigger reads too, are in shared/people/choices.ts.
 */
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

export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number]['value'];
export type AssessmentResult = (typeof ASSESSMENT_RESULTS)[number]['value'];

export function toOptions(choices: readonly Choice[]): INodePropertyOptions[] {
	return choices.map((c) => ({
		name: c.name,
		value: c.value,
		...(c.aliases.length ? { description: `From a sheet also: ${c.aliases.join(', ')}` } : {}),
	}));
}
