import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { toOptions } from '../../helpers/choices';
import { InvalidInputError, isBlank, parseNumber } from '../../helpers/parse';
import type { ProbationEditData } from '../../../shared/transport/endpoints';
import { probation, send } from '../../../shared/transport/endpoints';
import { employeeLocatorProperty, employeeRefOf, employmentOf, prefetchEmployees } from '../probationAssessment/employeeTarget';
import { writeResult } from '../probationAssessment/shared';
import { optionsProperty } from '../requestOptions';
import type { Operation, RunContext } from '../types';
import { EXTENSION_UNITS, PROBATION_DATES, PROBATION_OUTCOMES, optionalDate, optionalText, parseLooseChoice } from './lifecycle';

/**
 * The fields Edit may change. Their names are Probation → Search's output names (camelCase of
 * Feishu's), so a searched probation's values can be fed back as they are.
 */
const FIELDS = {
	...PROBATION_DATES,
	probationOutcome: { label: 'Probation Outcome', wire: 'probation_outcome' },
	probationExtendExpectedEndDate: { label: 'Extended Probation End Date', wire: 'probation_extend_expected_end_date' },
	extendedProbationPeriodDuration: { label: 'Extension Length', wire: 'extended_probation_period_duration' },
	extendedProbationPeriodUnit: { label: 'Extension Unit', wire: 'extended_probation_period_unit' },
	notes: { label: 'Notes', wire: 'notes' },
	selfReview: { label: 'Self-Review', wire: 'self_review' },
} as const satisfies Record<string, { label: string; wire: Exclude<keyof ProbationEditData, 'employment_id'> }>;

type Field = keyof typeof FIELDS;
export type ProbationChanges = Partial<Record<Field, string | number>>;

const DATE_FIELDS = ['probationStartDate', 'probationExpectedEndDate', 'actualProbationEndDate', 'probationExtendExpectedEndDate'] as const;
const MAX_EXTENSION = 500;
const CHANGES_LABEL = 'Fields to Change';

const dateProperty = (name: (typeof DATE_FIELDS)[number], description: string): INodeProperties => ({
	displayName: FIELDS[name].label,
	name,
	type: 'dateTime',
	typeOptions: { dateOnly: true },
	default: '',
	description,
});

const changeProperties: INodeProperties[] = [
	dateProperty('probationStartDate', 'First day of the probation'),
	dateProperty('probationExpectedEndDate', 'Day the probation is expected to end'),
	dateProperty('actualProbationEndDate', 'Day the probation actually ended'),
	dateProperty('probationExtendExpectedEndDate', 'Day the probation is expected to end after the extension'),
	{
		displayName: FIELDS.probationOutcome.label,
		name: 'probationOutcome',
		type: 'options',
		allowArbitraryValues: true,
		options: toOptions(PROBATION_OUTCOMES),
		// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- 'passed' is in PROBATION_OUTCOMES
		default: 'passed',
		description: 'Passed, failed, or extended (Feishu\'s "delayed")',
	},
	{
		displayName: FIELDS.extendedProbationPeriodDuration.label,
		name: 'extendedProbationPeriodDuration',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_EXTENSION, numberPrecision: 0 },
		default: 1,
		description: `How long the probation is extended, in Extension Units: a whole number from 1 to ${MAX_EXTENSION} (set Extension Unit too)`,
	},
	{
		displayName: FIELDS.extendedProbationPeriodUnit.label,
		name: 'extendedProbationPeriodUnit',
		type: 'options',
		allowArbitraryValues: true,
		options: toOptions(EXTENSION_UNITS),
		// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- 'month' is in EXTENSION_UNITS
		default: 'month',
		description: 'The unit of the Extension Length (set Extension Length too)',
	},
	{ displayName: FIELDS.notes.label, name: 'notes', type: 'string', typeOptions: { rows: 3 }, default: '', description: 'Remarks on the probation' },
	{ displayName: FIELDS.selfReview.label, name: 'selfReview', type: 'string', typeOptions: { rows: 3 }, default: '', description: "The employee's own review of the probation" },
];

const properties: INodeProperties[] = [
	{
		...employeeLocatorProperty,
		description: 'The employee whose probation is changed',
	},
	{
		displayName: CHANGES_LABEL,
		name: 'changes',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Only the fields added here are sent; Feishu keeps the others as they are',
		options: [...changeProperties].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	},
	optionsProperty(),
];

export const description = updateDisplayOptions({ show: { resource: ['probation'], operation: ['edit'] } }, properties);

function parseExtensionLength(value: unknown): number {
	const label = FIELDS.extendedProbationPeriodDuration.label;
	const allowed = `Use a whole number from 1 to ${MAX_EXTENSION}, e.g. 2 (with Extension Unit Months).`;
	const n = parseNumber(label, value);
	if (!Number.isInteger(n) || n < 1 || n > MAX_EXTENSION) throw new InvalidInputError(label, value, allowed);
	return n;
}

/**
 * Checks what one item asks to change. Blank cells count as not given; nothing left to send, an
 * extension length without its unit (or the other way round), or an end before the start are
 * refused here, before any request.
 */
export function parseChanges(raw: IDataObject): ProbationChanges {
	const changes: ProbationChanges = {};
	for (const name of DATE_FIELDS) {
		const date = optionalDate(FIELDS[name].label, raw[name]);
		if (date !== undefined) changes[name] = date;
	}
	if (!isBlank(raw.probationOutcome)) changes.probationOutcome = parseLooseChoice(FIELDS.probationOutcome.label, raw.probationOutcome, PROBATION_OUTCOMES);
	if (!isBlank(raw.extendedProbationPeriodDuration)) changes.extendedProbationPeriodDuration = parseExtensionLength(raw.extendedProbationPeriodDuration);
	if (!isBlank(raw.extendedProbationPeriodUnit)) {
		changes.extendedProbationPeriodUnit = parseLooseChoice(FIELDS.extendedProbationPeriodUnit.label, raw.extendedProbationPeriodUnit, EXTENSION_UNITS);
	}
	for (const name of ['notes', 'selfReview'] as const) {
		const text = optionalText(FIELDS[name].label, raw[name]);
		if (text !== undefined) changes[name] = text;
	}

	// An extension is a length in a unit: one without the other says nothing Feishu can apply.
	const [length, unit] = ['extendedProbationPeriodDuration', 'extendedProbationPeriodUnit'] as const;
	for (const [given, missing] of [[length, unit], [unit, length]] as const) {
		if (changes[given] !== undefined && changes[missing] === undefined) {
			throw new InvalidInputError(
				FIELDS[missing].label,
				raw[missing],
				`Set both ${FIELDS[length].label} and ${FIELDS[unit].label}, e.g. 2 and Months.`,
				`is required when ${FIELDS[given].label} is set`,
			);
		}
	}
	const { probationStartDate: start, probationExpectedEndDate: end } = changes;
	if (start !== undefined && end !== undefined && end < start) {
		throw new InvalidInputError(
			FIELDS.probationExpectedEndDate.label,
			raw.probationExpectedEndDate,
			'A probation cannot end before it starts: check both dates.',
			`is before the ${FIELDS.probationStartDate.label} ${start}`,
		);
	}
	if (Object.keys(changes).length === 0) {
		throw new InvalidInputError(CHANGES_LABEL, undefined, 'Add at least one field with a value, e.g. Probation Outcome; blank values are not sent.', 'has nothing to send');
	}
	return changes;
}

/** Feishu's wire body: the employment and the changed fields, under Feishu's names. */
export function editBody(employmentId: string, changes: ProbationChanges): ProbationEditData {
	const body: ProbationEditData = { employment_id: employmentId };
	for (const [name, value] of Object.entries(changes) as Array<[Field, string | number]>) (body as IDataObject)[FIELDS[name].wire] = value;
	return body;
}

function readItem(ctx: IExecuteFunctions, itemIndex: number) {
	const changes = parseChanges(ctx.getNodeParameter('changes', itemIndex, {}) as IDataObject);
	return { ref: employeeRefOf(ctx, itemIndex), changes };
}

async function prepare(this: IExecuteFunctions, itemCount: number, run: RunContext): Promise<void> {
	prefetchEmployees(run, itemCount, (itemIndex) => readItem(this, itemIndex).ref);
}

async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]> {
	const { ref, changes } = readItem(this, itemIndex);
	const employment = await employmentOf(run, ref);
	// Feishu's edit takes no client token; sending the same values again changes nothing, so a retry is safe.
	const response = await send(run.client, probation.edit.request({ params: { user_id_type: employment.idType }, data: editBody(employment.id, changes) }, itemIndex));
	return [{ ...employment.who, edited: true, ...changes, ...writeResult(response) }];
}

export const edit: Operation = { description, prepare, execute };
