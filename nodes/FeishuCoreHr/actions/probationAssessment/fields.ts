import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { AssessmentResult, AssessmentStatus } from '../../helpers/choices';
import { ASSESSMENT_RESULTS, ASSESSMENT_STATUSES, toOptions } from '../../helpers/choices';
import {
	InvalidInputError,
	isBlank,
	booleanWord,
	parseBoolean,
	parseChoice,
	parseHttpUrl,
	parseNumber,
	parseText,
} from '../../helpers/parse';
import type { GradeOption } from '../grades';
import { GRADE_LABEL, resolveGrade } from '../grades';
import type { AssessmentData } from '../../../shared/transport/endpoints';

/**
 * One assessment's fields, shared by Update and Create: the editor's parameters, the labels
 * used in errors, the checks, and the mapping to Feishu's wire names.
 */
export interface AssessmentInput {
	assessmentStatus: AssessmentStatus;
	isFinalAssessment: boolean;
	assessmentResult?: AssessmentResult;
	assessmentScore?: number;
	assessmentGrade?: string;
	assessmentComment?: string;
	assessmentDetail?: string;
}

export const FIELD_LABELS: Record<keyof AssessmentInput, string> = {
	assessmentStatus: 'Assessment Status',
	isFinalAssessment: 'Is Final Assessment',
	assessmentResult: 'Assessment Result',
	assessmentScore: 'Assessment Score',
	assessmentGrade: GRADE_LABEL,
	assessmentComment: 'Assessment Comment',
	assessmentDetail: 'Assessment Detail Link',
};

/**
 * Versions 1 and 2: Status starts at Completed, which is written unless changed. Options
 * parameters take any expression value (allowArbitraryValues): the node accepts the labels and
 * Chinese names a sheet holds, so the editor must not flag them as unsupported.
 */
export const statusProperty: INodeProperties = {
	displayName: FIELD_LABELS.assessmentStatus,
	name: 'assessmentStatus',
	type: 'options',
	options: toOptions(ASSESSMENT_STATUSES),
	allowArbitraryValues: true,
	// The options come from ASSESSMENT_STATUSES, which the linter cannot read; 'completed' is one of them.
	// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options
	default: 'completed',
	required: true,
	description: 'The state of this assessment',
	hint: 'From a sheet, the label works too, in English or Chinese: e.g. Completed or 已完成',
};

/** Version 3: no status until the user chooses one (Feishu requires it, so an empty one is refused). */
export const statusPropertyV3: INodeProperties = {
	...statusProperty,
	default: '',
};

const valuesOf = (choices: ReadonlyArray<{ value: string }>) => choices.map((c) => c.value).join(', ');

/**
 * Version 3 as an AI Agent tool: n8n lets the model fill text, number and boolean parameters
 * ($fromAI), not dropdowns, so the tool shows Status as text, checked like a sheet's label.
 */
export const statusToolProperty: INodeProperties = {
	displayName: FIELD_LABELS.assessmentStatus,
	name: 'assessmentStatus',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. completed',
	description: `The state of this assessment: one of ${valuesOf(ASSESSMENT_STATUSES)}`,
};

export const finalProperty: INodeProperties = {
	displayName: FIELD_LABELS.isFinalAssessment,
	name: 'isFinalAssessment',
	type: 'boolean',
	default: false,
	required: true,
	description: 'Whether this is the final assessment of the probation, whose result then counts as the probation outcome',
	hint: 'Text such as "true" or "false" is accepted',
};

/**
 * Version 2: the final flag is kept as Feishu holds it unless the user says otherwise. Version 1
 * sent false by default, which silently demoted final assessments (Feishu requires the field).
 */
export const finalChoiceProperty: INodeProperties = {
	displayName: FIELD_LABELS.isFinalAssessment,
	name: 'isFinalAssessment',
	type: 'options',
	options: [
		{ name: 'Keep Current Value', value: 'keep', description: 'Read from Feishu and sent back unchanged' },
		{ name: 'Yes', value: 'true', description: 'This assessment\'s result is the probation\'s final one' },
		{ name: 'No', value: 'false' },
	],
	allowArbitraryValues: true,
	default: 'keep',
	description: 'Whether this is the final assessment of the probation',
	hint: 'An expression may give true/false, yes/no, 是/否, or an empty value to keep the current one',
};

const KEEP_WORDS = ['keep', 'keep current', 'keep current value', 'unchanged', '不变', '保持', '保持不变'];

/** Version 2's final flag: true or false as given, undefined for "keep the current value" (also a blank cell). */
export function parseFinalChoice(value: unknown): boolean | undefined {
	if (isBlank(value)) return undefined;
	if (typeof value === 'string' && KEEP_WORDS.includes(value.trim().toLowerCase())) return undefined;
	const answer = booleanWord(value);
	if (answer === undefined) {
		throw new InvalidInputError(
			FIELD_LABELS.isFinalAssessment,
			value,
			'Allowed: Keep Current Value (keep, or an empty value); Yes (true, yes, 1, 是); No (false, no, 0, 否).',
		);
	}
	return answer;
}

const resultProperty: INodeProperties = {
	displayName: 'Result',
	name: 'assessmentResult',
	type: 'options',
	options: toOptions(ASSESSMENT_RESULTS),
	allowArbitraryValues: true,
	// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- one of ASSESSMENT_RESULTS
	default: 'approved',
	description: 'Whether the employee passed this assessment',
	hint: 'From a sheet, Pass / Fail and 通过 / 不通过 work too',
};

const scoreProperty: INodeProperties = {
	displayName: 'Score',
	name: 'assessmentScore',
	type: 'number',
	typeOptions: { numberPrecision: 2 },
	default: 0,
	placeholder: 'e.g. 88.5',
	description: 'The score, decimals allowed; text such as "88.5" is accepted',
};

/** Shown as "Grade Name or ID": n8n's label for a list loaded from the service, short enough to fit. */
const gradeProperty: INodeProperties = {
	displayName: 'Grade Name or ID',
	name: 'assessmentGrade',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getAssessmentGrades' },
	allowArbitraryValues: true,
	default: '',
	description:
		'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	hint: "Your tenant's grades, loaded from Feishu. An expression may give the label (e.g. A) or the API name (e.g. grade_a).",
};

/**
 * Optional fields, as the entries of a collection (versions 1 and 2: Result and Score start with a
 * value). Short labels: inside an assessment's Additional Fields, "Assessment" goes without saying;
 * errors name them in full (FIELD_LABELS).
 */
export const optionalAssessmentProperties: INodeProperties[] = [
	resultProperty,
	scoreProperty,
	gradeProperty,
	{
		displayName: 'Comment',
		name: 'assessmentComment',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: "The reviewer's comment",
	},
	{
		displayName: 'Detail Link',
		name: 'assessmentDetail',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://hr.example.com/assessments/123',
		description: 'Link to the page with the full assessment (http or https)',
	},
];

/** The optional fields as the editor's "Additional Fields" collection (Update, and each Create entry). */
export const additionalFieldsProperty: INodeProperties = {
	displayName: 'Additional Fields',
	name: 'additionalFields',
	type: 'collection',
	placeholder: 'Add Field',
	default: {},
	options: optionalAssessmentProperties,
};

/**
 * Version 3: a field added from the collection starts empty, so nothing is written until the
 * user gives a value (versions 1 and 2 start Result at Approved and Score at 0).
 */
export const additionalFieldsPropertyV3: INodeProperties = {
	...additionalFieldsProperty,
	options: optionalAssessmentProperties.map((field) => {
		if (field.name === resultProperty.name) return { ...field, default: '' };
		// An empty number: n8n shows no value, and a blank score is not sent.
		if (field.name === scoreProperty.name) return { ...field, default: null };
		return field;
	}),
};

/** Version 3 as an AI Agent tool: Result and Grade as text the model can fill. */
export const additionalFieldsToolProperty: INodeProperties = {
	...additionalFieldsPropertyV3,
	options: (additionalFieldsPropertyV3.options as INodeProperties[]).map((field) => {
		if (field.name === resultProperty.name) {
			return { displayName: field.displayName, name: field.name, type: 'string', default: '', placeholder: 'e.g. approved', description: `Whether the employee passed: ${valuesOf(ASSESSMENT_RESULTS)}` };
		}
		if (field.name === gradeProperty.name) {
			return { displayName: 'Grade', name: field.name, type: 'string', default: '', placeholder: 'e.g. A', description: "The grade's label as the tenant shows it (e.g. A) or its API name" };
		}
		return field;
	}),
};

/**
 * Checks one assessment as it came from parameters (any of the values may be text from a
 * spreadsheet). Blank optional fields count as not given. `within` names where the fields sit
 * when there are several assessments (e.g. "Assessment 2: ").
 */
export function parseAssessment(raw: IDataObject, grades?: readonly GradeOption[], within = ''): AssessmentInput {
	return { ...parseAssessmentChanges(raw, grades, within), isFinalAssessment: parseBoolean(within + FIELD_LABELS.isFinalAssessment, raw.isFinalAssessment) };
}

/** Everything but the final flag, which version 2 of Update may take from Feishu. */
export type AssessmentChanges = Omit<AssessmentInput, 'isFinalAssessment'>;

export function parseAssessmentChanges(raw: IDataObject, grades?: readonly GradeOption[], within = ''): AssessmentChanges {
	const label = (field: keyof AssessmentInput) => within + FIELD_LABELS[field];
	const input: AssessmentChanges = {
		assessmentStatus: parseChoice(label('assessmentStatus'), raw.assessmentStatus, ASSESSMENT_STATUSES),
	};
	if (!isBlank(raw.assessmentResult)) {
		input.assessmentResult = parseChoice(label('assessmentResult'), raw.assessmentResult, ASSESSMENT_RESULTS);
	}
	if (!isBlank(raw.assessmentScore)) input.assessmentScore = parseNumber(label('assessmentScore'), raw.assessmentScore);
	if (!isBlank(raw.assessmentGrade)) input.assessmentGrade = resolveGrade(raw.assessmentGrade, grades, label('assessmentGrade'));
	if (!isBlank(raw.assessmentComment)) input.assessmentComment = parseText(label('assessmentComment'), raw.assessmentComment);
	if (!isBlank(raw.assessmentDetail)) input.assessmentDetail = parseHttpUrl(label('assessmentDetail'), raw.assessmentDetail);
	return input;
}

export function needsGrades(raw: IDataObject): boolean {
	return !isBlank(raw.assessmentGrade);
}

/** Names in Feishu's answers that plain camelCase would get wrong. */
export const OUTPUT_RENAMES: Readonly<Record<string, string>> = {
	// Feishu's misspelling (three "s") is read back under the clean name.
	is_final_asssessment: 'isFinalAssessment',
};

/** Feishu's wire body for one assessment; only fields the user gave are sent. */
export function toWireAssessment(input: AssessmentInput): AssessmentData {
	const wire: AssessmentData = {
		assessment_status: input.assessmentStatus,
		is_final_asssessment: input.isFinalAssessment,
	};
	if (input.assessmentResult !== undefined) wire.assessment_result = input.assessmentResult;
	if (input.assessmentScore !== undefined) wire.assessment_score = input.assessmentScore;
	if (input.assessmentGrade !== undefined) wire.assessment_grade = input.assessmentGrade;
	if (input.assessmentComment !== undefined) wire.assessment_comment = input.assessmentComment;
	if (input.assessmentDetail !== undefined) wire.assessment_detail = input.assessmentDetail;
	return wire;
}
