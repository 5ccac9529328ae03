import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { toOptions } from '../../helpers/choices';
import type { EmployeeRef } from '../../helpers/employee';
import { parseEmploymentId } from '../../helpers/employee';
import { COREHR_ID_TYPE } from '../../../shared/people/directory';
import { toOutput } from '../../../shared/people/output';
import { InvalidInputError, isBlank } from '../../helpers/parse';
import type { ProbationSubmitData } from '../../../shared/transport/endpoints';
import { probation as probationApi, send } from '../../../shared/transport/endpoints';
import { employeeLocatorProperty, employeeRefOf, employmentOf, prefetchEmployees } from '../probationAssessment/employeeTarget';
import { clientTokenOption, writeResult } from '../probationAssessment/shared';
import { optionsProperty } from '../requestOptions';
import type { Operation, RunContext } from '../types';
import type { ConversionMode } from './lifecycle';
import { CONVERSION_MODES, CONVERSION_MODE_WIRE, SUBMISSION_TYPES, optionalDate, optionalText, parseLooseChoice } from './lifecycle';

const LABELS = {
	conversionMode: 'Conversion Mode',
	submissionType: 'Submission Type',
	notes: 'Notes',
	actualProbationEndDate: 'Actual Probation End Date',
	initiatorId: 'Initiator Employment ID',
	selfReview: 'Self-Review',
} as const;

const MODE_MEANING: Record<ConversionMode, string> = {
	direct: 'Makes the employee regular at once: cannot be undone from this node. Needs Notes.',
	process: "Starts Feishu's conversion approval; Withdraw Conversion can take it back while it is pending.",
};

const properties: INodeProperties[] = [
	{
		...employeeLocatorProperty,
		description: 'The employee on probation whose conversion to a regular employee is submitted',
	},
	{
		displayName: LABELS.conversionMode,
		name: 'conversionMode',
		type: 'options',
		allowArbitraryValues: true,
		options: CONVERSION_MODES.map((c) => ({ name: c.name, value: c.value, description: `${MODE_MEANING[c.value]} Also accepted: ${c.aliases.join(', ')}` })),
		// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- 'process' is in CONVERSION_MODES
		default: 'process',
		required: true,
		description: 'Convert directly, or start the conversion approval (the default, because it can still be withdrawn)',
	},
	{
		displayName: LABELS.submissionType,
		name: 'submissionType',
		type: 'options',
		allowArbitraryValues: true,
		options: toOptions(SUBMISSION_TYPES),
		// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- 'hr_submission' is in SUBMISSION_TYPES
		default: 'hr_submission',
		required: true,
		description: 'Who submits the conversion, as Feishu records it',
	},
	{
		displayName: LABELS.notes,
		name: 'notes',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'e.g. Met every probation goal',
		description: 'Remarks on the conversion: required for Convert Directly, optional for the conversion process',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: LABELS.actualProbationEndDate,
				name: 'actualProbationEndDate',
				type: 'dateTime',
				typeOptions: { dateOnly: true },
				default: '',
				description: 'The last day of the probation',
				hint: 'Feishu takes the expected end date when empty; it must lie between the probation start and its expected end',
			},
			{
				displayName: LABELS.initiatorId,
				name: 'initiatorId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 7140964208476371111 or ou_7dab8a3d…',
				description: 'Who started an HR Submission: a CoreHR employment ID (digits) or an Open ID (ou_…)',
				hint: 'Feishu fills it in for the other submission types',
			},
			{
				displayName: LABELS.selfReview,
				name: 'selfReview',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				description: "The employee's own review of the probation",
			},
		],
	},
	optionsProperty(clientTokenOption),
];

export const description = updateDisplayOptions({ show: { resource: ['probation'], operation: ['submitConversion'] } }, properties);

/** Everything one item asks for, in the node's words, checked before any request. */
interface SubmitInput {
	conversionMode: ConversionMode;
	submissionType: string;
	notes?: string;
	actualProbationEndDate?: string;
	initiatorId?: string;
	selfReview?: string;
}

const ID_KINDS: Readonly<Record<string, string>> = {
	[COREHR_ID_TYPE]: 'a CoreHR employment ID',
	open_id: 'an Open ID',
	union_id: 'a Union ID',
};

/**
 * Feishu reads employment_id and initiator_id with one user_id_type. An employee found by number
 * or email can be looked up as an ID of the initiator's type; one given by ID cannot change type.
 */
function alignRef(ref: EmployeeRef, initiator: { id: string; idType: string } | undefined): EmployeeRef {
	if (!initiator || initiator.idType === ref.idType) return ref;
	if (ref.kind !== 'employmentId') return { ...ref, idType: initiator.idType };
	throw new InvalidInputError(
		LABELS.initiatorId,
		initiator.id,
		`Give the initiator as ${ID_KINDS[ref.idType] ?? ref.idType}, like the employee, or identify the employee by employee number or work email.`,
		`is ${ID_KINDS[initiator.idType] ?? initiator.idType} but the employee is given as ${ID_KINDS[ref.idType] ?? ref.idType}, and Feishu reads both IDs as one kind`,
	);
}

function readItem(ctx: IExecuteFunctions, itemIndex: number): { ref: EmployeeRef; input: SubmitInput } {
	const extra = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const conversionMode = parseLooseChoice(LABELS.conversionMode, ctx.getNodeParameter('conversionMode', itemIndex), CONVERSION_MODES);
	const submissionType = parseLooseChoice(LABELS.submissionType, ctx.getNodeParameter('submissionType', itemIndex), SUBMISSION_TYPES);
	const rawNotes = ctx.getNodeParameter('notes', itemIndex, '');
	const input: SubmitInput = { conversionMode, submissionType };
	const notes = optionalText(LABELS.notes, rawNotes);
	if (notes !== undefined) input.notes = notes;
	if (conversionMode === 'direct' && notes === undefined) {
		throw new InvalidInputError(
			LABELS.notes,
			rawNotes,
			'Feishu needs a remark to convert directly, e.g. "Met every probation goal"; or choose Start Conversion Process.',
			'is required for Conversion Mode "Convert Directly" but empty',
		);
	}
	const endDate = optionalDate(LABELS.actualProbationEndDate, extra.actualProbationEndDate);
	if (endDate !== undefined) input.actualProbationEndDate = endDate;
	const selfReview = optionalText(LABELS.selfReview, extra.selfReview);
	if (selfReview !== undefined) input.selfReview = selfReview;
	const initiator = isBlank(extra.initiatorId) ? undefined : parseEmploymentId(LABELS.initiatorId, extra.initiatorId);
	if (initiator) input.initiatorId = initiator.id;
	return { ref: alignRef(employeeRefOf(ctx, itemIndex), initiator), input };
}

/** Feishu's wire body: only what the item gave. */
export function submitBody(employmentId: string, input: SubmitInput): ProbationSubmitData {
	const body: ProbationSubmitData = {
		employment_id: employmentId,
		conversion_mode: CONVERSION_MODE_WIRE[input.conversionMode],
		submission_type: input.submissionType,
	};
	if (input.actualProbationEndDate !== undefined) body.actual_probation_end_date = input.actualProbationEndDate;
	if (input.initiatorId !== undefined) body.initiator_id = input.initiatorId;
	if (input.notes !== undefined) body.notes = input.notes;
	if (input.selfReview !== undefined) body.self_review = input.selfReview;
	return body;
}

async function prepare(this: IExecuteFunctions, itemCount: number, run: RunContext): Promise<void> {
	prefetchEmployees(run, itemCount, (itemIndex) => readItem(this, itemIndex).ref);
}

async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]> {
	const { ref, input } = readItem(this, itemIndex);
	const employment = await employmentOf(run, ref);
	const data = submitBody(employment.id, input);
	// Submitting twice would be refused, or worse, start a second process: a retry must be recognised.
	const clientToken = run.clientToken(itemIndex, probationApi.submit.request({ data }));
	const params = { client_token: clientToken, user_id_type: employment.idType };
	const response = await send(run.client, probationApi.submit.request({ params, data }, itemIndex));
	const probation = toOutput(response.data?.probation_info ?? null) as IDataObject | null;
	return [{ ...employment.who, submitted: true, ...input, probation, clientToken, ...writeResult(response) }];
}

export const submitConversion: Operation = { description, prepare, execute };
