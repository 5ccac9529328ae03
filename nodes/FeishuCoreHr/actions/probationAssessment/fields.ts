/**
 * One assessment's fields, shared by Update and Create: ONE row per field, from which the
 * editor's parameter, the AI tool's parameter, the label in errors, the check and Feishu's wire
 * name all derive. Adding a Feishu field is one row here plus its key in the endpoint's type
 * (`AssessmentData`).
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { ASSESSMENT_RESULTS, ASSESSMENT_STATUSES, toOptions } from '../../helpers/choices';
import { isBlank, parseBoolean, parseChoice, parseHttpUrl, parseNumber, parseText } from '../../helpers/parse';
import type { GradeOption } from '../grades';
import { GRADE_LABEL, resolveGrade } from '../grades';
import type { AssessmentData } from '../../../shared/transport/endpoints';
import { FINAL_FLAG_WIRE } from '../../../shared/transport/endpoints';

interface FieldRow<T, Required extends boolean> {
	/** Feishu's wire name (a key of the endpoint's body type). */
	wire: keyof AssessmentData;
	/** The full label errors use, e.g. "Assessment Score". */
	label: string;
	/** Required fields sit at the top of the form and are always sent; the others sit in Additional Fields and are sent when given. */
	required: Required;
	/** Checks a value (any of it may be text from a spreadsheet); `label` names the field in the error. */
	parse(label: string, value: unknown, grades: readonly GradeOption[] | undefined): T;
	/**
	 * The editor's parameter, without its name (the row's key) and label: the label is `label`,
	 * unless the field sits in Additional Fields, where a short one fits (`displayName`).
	 */
	property: Omit<INodeProperties, 'name' | 'displayName'> & { displayName?: string };
	/** For an AI Agent tool, which fills text, numbers and booleans ($fromAI) but not dropdowns: the same field as text, under the same label unless given. */
	toolProperty?: Omit<INodeProperties, 'name' | 'displayName'> & { displayName?: string };
	/** The value needs the tenant's grade options to be read first. */
	needsGrades?: true;
}

function field<T, Required extends boolean>(row: FieldRow<T, Required>): FieldRow<T, Required> {
	return row;
}

const valuesOf = (choices: ReadonlyArray<{ value: string }>) => choices.map((c) => c.value).join(', ');

/**
 * The fields, in the order the editor shows them. Options parameters take any expression value
 * (allowArbitraryValues): the node accepts the labels and Chinese names a sheet holds, so the
 * editor must not flag them. Nothing starts with a value: a field is written only when chosen.
 */
export const ASSESSMENT_FIELDS = {
	assessmentStatus: field({
		wire: 'assessment_status',
		label: 'Assessment Status',
		required: true,
		parse: (label, value) => parseChoice(label, value, ASSESSMENT_STATUSES),
		property: {
			type: 'options',
			options: toOptions(ASSESSMENT_STATUSES),
			allowArbitraryValues: true,
			default: '',
			required: true,
			description: 'The state of this assessment',
			hint: 'From a sheet, the label works too, in English or Chinese: e.g. Completed or 已完成',
		},
		toolProperty: {
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. completed',
			description: `The state of this assessment: one of ${valuesOf(ASSESSMENT_STATUSES)}`,
		},
	}),
	isFinalAssessment: field({
		wire: FINAL_FLAG_WIRE,
		label: 'Is Final Assessment',
		required: true,
		parse: (label, value) => parseBoolean(label, value),
		property: {
			type: 'boolean',
			default: false,
			required: true,
			description: 'Whether this is the final assessment of the probation, whose result then counts as the probation outcome',
			hint: 'Text such as "true" or "false" is accepted',
		},
	}),
	assessmentResult: field({
		wire: 'assessment_result',
		label: 'Assessment Result',
		required: false,
		parse: (label, value) => parseChoice(label, value, ASSESSMENT_RESULTS),
		property: {
			displayName: 'Result',
			type: 'options',
			options: toOptions(ASSESSMENT_RESULTS),
			allowArbitraryValues: true,
			default: '',
			description: 'Whether the employee passed this assessment',
			hint: 'From a sheet, Pass / Fail and 通过 / 不通过 work too',
		},
		toolProperty: {
			type: 'string',
			default: '',
			placeholder: 'e.g. approved',
			description: `Whether the employee passed: ${valuesOf(ASSESSMENT_RESULTS)}`,
		},
	}),
	assessmentScore: field({
		wire: 'assessment_score',
		label: 'Assessment Score',
		required: false,
		parse: (label, value) => parseNumber(label, value),
		property: {
			displayName: 'Score',
			type: 'number',
			typeOptions: { numberPrecision: 2 },
			// An empty number: n8n shows no value, and a blank score is not sent.
			default: null,
			placeholder: 'e.g. 88.5',
			description: 'The score, decimals allowed; text such as "88.5" is accepted',
		},
	}),
	assessmentGrade: field({
		wire: 'assessment_grade',
		label: GRADE_LABEL,
		required: false,
		parse: (label, value, grades) => resolveGrade(value, grades, label),
		needsGrades: true,
		property: {
			// n8n's label for a list loaded from the service, short enough to fit.
			displayName: 'Grade Name or ID',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getAssessmentGrades' },
			allowArbitraryValues: true,
			default: '',
			description:
				'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
			hint: "Your tenant's grades, loaded from Feishu. An expression may give the label (e.g. A) or the API name (e.g. grade_a).",
		},
		toolProperty: {
			displayName: 'Grade',
			type: 'string',
			default: '',
			placeholder: 'e.g. A',
			description: "The grade's label as the tenant shows it (e.g. A) or its API name",
		},
	}),
	assessmentComment: field({
		wire: 'assessment_comment',
		label: 'Assessment Comment',
		required: false,
		parse: (label, value) => parseText(label, value),
		property: {
			displayName: 'Comment',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			description: "The reviewer's comment",
		},
	}),
	assessmentDetail: field({
		wire: 'assessment_detail',
		label: 'Assessment Detail Link',
		required: false,
		parse: (label, value) => parseHttpUrl(label, value),
		property: {
			displayName: 'Detail Link',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://hr.example.com/assessments/123',
			description: 'Link to the page with the full assessment (http or https)',
		},
	}),
};

type Fields = typeof ASSESSMENT_FIELDS;
export type FieldName = keyof Fields;
type ValueOf<K extends FieldName> = ReturnType<Fields[K]['parse']>;
type RequiredName = { [K in FieldName]: Fields[K]['required'] extends true ? K : never }[FieldName];

/** One assessment as checked from parameters: required fields always, the others when given. */
export type AssessmentInput = { [K in RequiredName]: ValueOf<K> } & { [K in Exclude<FieldName, RequiredName>]?: ValueOf<K> };

/** Everything but the final flag, which Update may keep as Feishu holds it. */
export type AssessmentChanges = Omit<AssessmentInput, 'isFinalAssessment'>;

const NAMES = Object.keys(ASSESSMENT_FIELDS) as FieldName[];
const OPTIONAL = NAMES.filter((name) => !ASSESSMENT_FIELDS[name].required);

export const FIELD_LABELS = Object.fromEntries(NAMES.map((name) => [name, ASSESSMENT_FIELDS[name].label])) as Record<FieldName, string>;

function propertyOf(name: FieldName, tool = false): INodeProperties {
	const row: FieldRow<unknown, boolean> = ASSESSMENT_FIELDS[name];
	const displayName = row.property.displayName ?? row.label;
	return { displayName, ...((tool && row.toolProperty) || row.property), name } as INodeProperties;
}

/** A required field's parameter, as the node shows it or (tool) as an AI Agent fills it. */
export function fieldProperty(name: RequiredName, tool = false): INodeProperties {
	return propertyOf(name, tool);
}

/** The optional fields as the editor's "Additional Fields" collection (Update, and each Create entry). */
export function additionalFieldsProperty(tool = false): INodeProperties {
	return {
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: OPTIONAL.map((name) => propertyOf(name, tool)),
	};
}

/**
 * Checks one assessment's fields but the final flag. Blank optional fields count as not given.
 * `within` names where the fields sit when there are several assessments (e.g. "Assessment 2: ").
 */
export function parseAssessmentChanges(raw: IDataObject, grades?: readonly GradeOption[], within = ''): AssessmentChanges {
	const input: IDataObject = {};
	for (const name of NAMES) {
		const row: FieldRow<unknown, boolean> = ASSESSMENT_FIELDS[name];
		if (name === 'isFinalAssessment' || (!row.required && isBlank(raw[name]))) continue;
		input[name] = row.parse(within + row.label, raw[name], grades) as IDataObject[string];
	}
	return input as unknown as AssessmentChanges;
}

/** Checks one whole assessment, the final flag included. */
export function parseAssessment(raw: IDataObject, grades?: readonly GradeOption[], within = ''): AssessmentInput {
	const final = ASSESSMENT_FIELDS.isFinalAssessment;
	return { ...parseAssessmentChanges(raw, grades, within), isFinalAssessment: final.parse(within + final.label, raw.isFinalAssessment, undefined) };
}

/** Whether checking `raw` needs the tenant's grade options. */
export function needsGrades(raw: IDataObject): boolean {
	return NAMES.some((name) => (ASSESSMENT_FIELDS[name] as FieldRow<unknown, boolean>).needsGrades && !isBlank(raw[name]));
}

/** Feishu's wire body for one assessment; only fields the user gave are sent. */
export function toWireAssessment(input: AssessmentInput): AssessmentData {
	const wire: IDataObject = {};
	for (const name of NAMES) {
		const value = (input as IDataObject)[name];
		if (value !== undefined) wire[ASSESSMENT_FIELDS[name].wire] = value;
	}
	return wire as AssessmentData;
}
