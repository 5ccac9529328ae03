/**
 * The rest of a probation's life: submit and withdraw a conversion, edit the probation, and the
 * tenant's assessment feature switch. Validation as the docs describe it (schemas §5); where the
 * docs say nothing (which probation states accept a submit or a withdraw) the emulator's rule is
 * named in README.md.
 */
import { feishuError, invalid, notFound, success } from './answers';
import type { Answer } from './answers';
import type { EndpointContext } from './endpoints';
import { probationView, userIdType } from './endpoints';
import { probationItem } from './search';
import type { ConversionSubmit, ProbationEdit } from './state';
import { CONVERSION_MODES, EXTENSION_UNITS, PROBATION_OUTCOMES, SUBMISSION_TYPES } from './types';
import type { ProbationRecord, ProbationStatus, SubmissionType, UserIdType } from './types';
import { isDate, isRecord, readEnum, shown } from './validation';
import type { FieldViolation } from './validation';

/** Feishu's answer to a repeated switch: "Do not repeatedly turn on/off the function". */
export const ALREADY_IN_STATE = 1161025;

/** A probation in these states has a conversion to submit; anything else is refused (emulator's rule). */
const SUBMITTABLE: readonly ProbationStatus[] = ['waiting', 'rejected'];
/** Only a conversion still in approval can be withdrawn (emulator's rule). */
const WITHDRAWABLE: readonly ProbationStatus[] = ['pending'];

type Body = Record<string, unknown>;

function present(body: Body, name: string): boolean {
	return body[name] !== undefined && body[name] !== null;
}

/**
 * What submit, withdraw and edit start with: user_id_type, a JSON object body and its required
 * employment_id (checked for type only). Problems go into `v`, to be answered with the rest.
 */
function readRequest(c: EndpointContext): { v: FieldViolation[]; idType: UserIdType; body: Body; employmentId: string } {
	const v: FieldViolation[] = [];
	const idType = userIdType(c, v);
	if (!isRecord(c.body)) v.push({ field: 'body', value: shown(c.body), description: 'must be a JSON object' });
	const body = isRecord(c.body) ? c.body : {};
	const id = body.employment_id;
	if (typeof id !== 'string' || id === '') {
		v.push({ field: 'employment_id', value: shown(id), description: 'employment_id is required (string)' });
	}
	return { v, idType, body, employmentId: typeof id === 'string' ? id : '' };
}

function optionalString(body: Body, name: string, v: FieldViolation[]): string | undefined {
	if (!present(body, name)) return undefined;
	if (typeof body[name] === 'string') return body[name] as string;
	v.push({ field: name, value: shown(body[name]), description: 'must be a string' });
	return undefined;
}

function optionalDate(body: Body, name: string, v: FieldViolation[]): string | undefined {
	if (!present(body, name)) return undefined;
	const value = body[name];
	if (typeof value === 'string' && isDate(value)) return value;
	v.push({ field: name, value: shown(value), description: 'must be a date as YYYY-MM-DD' });
	return undefined;
}

/** custom_fields exist on submit and edit, but their metadata is not modelled: refused rather than ignored. */
function refuseCustomFields(body: Body, v: FieldViolation[]): void {
	if (present(body, 'custom_fields')) {
		v.push({ field: 'custom_fields', value: shown(body.custom_fields), description: 'custom_fields are not modelled by the emulator' });
	}
}

/** The employment's probation, or the answer that says why there is none. */
function probationOf(c: EndpointContext, employmentId: string, idType: UserIdType): ProbationRecord | Answer {
	const corehrId = c.state.resolveEmploymentId(employmentId, idType);
	if (!corehrId) return notFound(c.logId, `employment ${employmentId} (user_id_type ${idType})`);
	return c.state.probations.get(corehrId) ?? notFound(c.logId, `probation of employment ${employmentId}`);
}

function wrongState(c: EndpointContext, employmentId: string, status: ProbationStatus, allowed: readonly ProbationStatus[], what: string): Answer {
	return invalid(c.logId, [
		{
			field: 'employment_id',
			value: employmentId,
			description: `the probation is ${status}: ${what} only a probation that is ${allowed.join(' or ')}`,
		},
	]);
}

/** POST /open-apis/corehr/v2/probation/submit */
export function submitConversion(c: EndpointContext): Answer {
	const { v, idType, body, employmentId } = readRequest(c);
	const mode = body.conversion_mode;
	if (!present(body, 'conversion_mode')) {
		v.push({ field: 'conversion_mode', value: '', description: 'conversion_mode is required' });
	} else if (!(CONVERSION_MODES as readonly unknown[]).includes(mode)) {
		// An int on the wire: "1" (a string) is a type error, as in Feishu's decoders.
		v.push({ field: 'conversion_mode', value: shown(mode), description: 'must be the integer 1 (convert directly) or 2 (start the conversion process)' });
	}
	const submissionType = readEnum(body, 'submission_type', SUBMISSION_TYPES, v);
	if (!present(body, 'submission_type')) {
		v.push({ field: 'submission_type', value: '', description: 'submission_type is required' });
	}
	const actualEndDate = optionalDate(body, 'actual_probation_end_date', v);
	const initiator = optionalString(body, 'initiator_id', v);
	const notes = optionalString(body, 'notes', v);
	const selfReview = optionalString(body, 'self_review', v);
	if (mode === 1 && (notes === undefined || notes.trim() === '')) {
		v.push({ field: 'notes', value: shown(notes), description: 'notes is required when conversion_mode is 1 (convert directly)' });
	}
	refuseCustomFields(body, v);
	if (v.length > 0) return invalid(c.logId, v);

	const probation = probationOf(c, employmentId, idType);
	if ('status' in probation) return probation;
	if (!SUBMITTABLE.includes(probation.probation_status)) {
		return wrongState(c, employmentId, probation.probation_status, SUBMITTABLE, 'a conversion can be submitted for');
	}
	if (actualEndDate !== undefined && (actualEndDate < probation.probation_start_date || actualEndDate > probation.probation_expected_end_date)) {
		return invalid(c.logId, [
			{
				field: 'actual_probation_end_date',
				value: actualEndDate,
				description: `must be from the probation start ${probation.probation_start_date} to its expected end ${probation.probation_expected_end_date}`,
			},
		]);
	}
	let initiatorId: string | undefined;
	if (initiator !== undefined && initiator !== '') {
		initiatorId = c.state.resolveEmploymentId(initiator, idType);
		if (!initiatorId) return notFound(c.logId, `initiator ${initiator} (user_id_type ${idType})`);
	}
	const submit: ConversionSubmit = {
		conversionMode: mode as 1 | 2,
		submissionType: submissionType as SubmissionType,
		actualEndDate,
		initiatorId,
		notes,
		selfReview,
	};
	c.state.submitConversion(probation, submit, c.today);
	// probation_info: the search item's fields up to final_assessment_detail; no assessments[], no outcome.
	const item = probationItem(c.state, probation, { ...probationView(c, idType), withOutcome: false });
	delete item.assessments;
	return success({ probation_info: item });
}

/** POST /open-apis/corehr/v2/probation/withdraw */
export function withdrawConversion(c: EndpointContext): Answer {
	const { v, idType, employmentId } = readRequest(c);
	if (v.length > 0) return invalid(c.logId, v);
	const probation = probationOf(c, employmentId, idType);
	if ('status' in probation) return probation;
	if (!WITHDRAWABLE.includes(probation.probation_status)) {
		return wrongState(c, employmentId, probation.probation_status, WITHDRAWABLE, 'a conversion can be withdrawn for');
	}
	c.state.withdrawConversion(probation);
	return success({});
}

/** POST /open-apis/corehr/v2/probation/edit */
export function editProbation(c: EndpointContext): Answer {
	const { v, idType, body, employmentId } = readRequest(c);
	const edit: ProbationEdit = {};
	const dates = ['probation_start_date', 'probation_expected_end_date', 'actual_probation_end_date', 'probation_extend_expected_end_date'] as const;
	for (const name of dates) {
		const date = optionalDate(body, name, v);
		if (date !== undefined) edit[name] = date;
	}
	const outcome = readEnum(body, 'probation_outcome', PROBATION_OUTCOMES, v);
	if (outcome !== undefined) edit.probation_outcome = outcome;
	if (present(body, 'extended_probation_period_duration')) {
		const duration = body.extended_probation_period_duration;
		if (typeof duration === 'number' && Number.isInteger(duration) && duration >= 1 && duration <= 500) {
			edit.extended_probation_period_duration = duration;
		} else {
			v.push({ field: 'extended_probation_period_duration', value: shown(duration), description: 'must be an integer from 1 to 500' });
		}
	}
	const unit = readEnum(body, 'extended_probation_period_unit', EXTENSION_UNITS, v);
	if (unit !== undefined) edit.extended_probation_period_unit = unit;
	const notes = optionalString(body, 'notes', v);
	if (notes !== undefined) edit.notes = notes;
	const selfReview = optionalString(body, 'self_review', v);
	if (selfReview !== undefined) edit.self_review = selfReview;
	refuseCustomFields(body, v);
	if (v.length > 0) return invalid(c.logId, v);

	const probation = probationOf(c, employmentId, idType);
	if ('status' in probation) return probation;
	const start = edit.probation_start_date ?? probation.probation_start_date;
	const expectedEnd = edit.probation_expected_end_date ?? probation.probation_expected_end_date;
	if (start > expectedEnd) {
		return invalid(c.logId, [
			{ field: 'probation_expected_end_date', value: expectedEnd, description: `must not be before the probation start ${start}` },
		]);
	}
	c.state.editProbation(probation, edit);
	return success({});
}

/** POST /open-apis/corehr/v2/probation/enable_disable_assessment */
export function enableDisableAssessment(c: EndpointContext): Answer {
	const v: FieldViolation[] = [];
	if (!isRecord(c.body)) return invalid(c.logId, [{ field: 'body', value: shown(c.body), description: 'must be a JSON object' }]);
	const body = c.body;
	const active = body.active;
	if (typeof active !== 'boolean') {
		v.push({ field: 'active', value: shown(active), description: present(body, 'active') ? 'must be a boolean' : 'active is required' });
	}
	const appUrl = optionalString(body, 'app_url', v);
	if (active === true) {
		if (appUrl === undefined || appUrl.trim() === '') {
			v.push({ field: 'app_url', value: shown(appUrl), description: 'app_url is required when active is true' });
		} else if (!/^https?:\/\/[^\s/]+/i.test(appUrl)) {
			v.push({ field: 'app_url', value: appUrl, description: 'must be an http or https link' });
		}
	}
	if (v.length > 0) return invalid(c.logId, v);
	const feature = c.state.assessmentFeature;
	if (feature.active === active) {
		return feishuError(c.logId, 400, ALREADY_IN_STATE, 'Do not repeatedly turn on/off the function');
	}
	// Disabling keeps the link Feishu was given; enabling again must give one anyway.
	c.state.assessmentFeature = active ? { active: true, app_url: appUrl } : { active: false, app_url: feature.app_url };
	return success({});
}
