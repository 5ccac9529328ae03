/**
 * What Submit Conversion, Withdraw Conversion, Edit and Enable/Disable Assessment share: their
 * option lists (one definition for the dropdown and the validator) and the checks of optional
 * cells. Pure: nothing here sends anything.
 */
import type { Choice } from '../../../shared/people/choices';
import type { ProbationEditData, ProbationSearchDateRange } from '../../../shared/transport/endpoints';
import { isBlank, parseChoice, parseDate, parseText } from '../../helpers/parse';

export const CONVERSION_MODES = [
	{ value: 'direct', name: 'Convert Directly', aliases: ['1', 'Direct', '直接转正'] },
	{ value: 'process', name: 'Start Conversion Process', aliases: ['2', 'Process', 'Approval', '发起转正流程', '发起转正'] },
] as const satisfies readonly Choice[];

export type ConversionMode = (typeof CONVERSION_MODES)[number]['value'];

/** Feishu's conversion_mode is an integer. */
export const CONVERSION_MODE_WIRE: Readonly<Record<ConversionMode, 1 | 2>> = { direct: 1, process: 2 };

export const SUBMISSION_TYPES = [
	{ value: 'hr_submission', name: 'HR Submission', aliases: ['HR', 'HR 提交', 'HR提交'] },
	{ value: 'self_submission', name: 'Self Submission', aliases: ['Self', 'Employee', '员工自助提交', '员工提交'] },
	{ value: 'system', name: 'System', aliases: ['系统', '系统发起'] },
] as const satisfies readonly Choice[];

export const PROBATION_OUTCOMES = [
	{ value: 'passed', name: 'Passed', aliases: ['Pass', '通过'] },
	{ value: 'failed', name: 'Failed', aliases: ['Fail', '不通过', '未通过'] },
	{ value: 'delayed', name: 'Extended', aliases: ['Delayed', 'Extend', 'Extension', '延期', '延长', '延长试用期'] },
] as const satisfies readonly Choice[];

export const EXTENSION_UNITS = [
	{ value: 'day', name: 'Days', aliases: ['Day', '天', '日'] },
	{ value: 'week', name: 'Weeks', aliases: ['Week', '周', '星期'] },
	{ value: 'month', name: 'Months', aliases: ['Month', '月', '个月'] },
] as const satisfies readonly Choice[];

export const ASSESSMENT_FEATURE_STATES = [
	{ value: 'enable', name: 'Enable', aliases: ['Enabled', 'On', 'true', 'yes', '启用', '开启'] },
	{ value: 'disable', name: 'Disable', aliases: ['Disabled', 'Off', 'false', 'no', '停用', '关闭'] },
] as const satisfies readonly Choice[];

/**
 * A probation's dates, as Search filters by them and Edit changes them: the name is Probation →
 * Search's output name (camelCase of Feishu's), so a searched probation's values feed back as they are.
 */
export const PROBATION_DATES = {
	probationStartDate: { label: 'Probation Start Date', wire: 'probation_start_date' },
	probationExpectedEndDate: { label: 'Expected Probation End Date', wire: 'probation_expected_end_date' },
	actualProbationEndDate: { label: 'Actual Probation End Date', wire: 'actual_probation_end_date' },
} as const satisfies Record<string, { label: string; wire: ProbationSearchDateRange & keyof ProbationEditData }>;

/** A choice that may arrive as a number (a conversion mode of 1) or a boolean (true for Enable) from an expression. */
export function parseLooseChoice<V extends string>(field: string, value: unknown, choices: readonly Choice<V>[]): V {
	const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
	return parseChoice(field, text, choices);
}

/** Blank cells are "not given"; anything else must be text (numbers are taken as their digits). */
export function optionalText(field: string, value: unknown): string | undefined {
	return isBlank(value) ? undefined : parseText(field, value);
}

/** Blank cells are "not given"; anything else must be a date, sent as YYYY-MM-DD. */
export function optionalDate(field: string, value: unknown): string | undefined {
	return isBlank(value) ? undefined : parseDate(field, value);
}
