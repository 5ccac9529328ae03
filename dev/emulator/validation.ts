import { ASSESSMENT_RESULTS, ASSESSMENT_STATUSES } from './types';
import type { AssessmentResult, AssessmentStatus } from './types';

export interface FieldViolation {
	field: string;
	value: string;
	description: string;
}

/** A checked assessment body: only the fields the client sent (plus the two required ones). */
export interface AssessmentWrite {
	assessment_status: AssessmentStatus;
	is_final_asssessment: boolean;
	assessment_result?: AssessmentResult;
	assessment_score?: number;
	assessment_grade?: string;
	assessment_comment?: string;
	assessment_detail?: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; violations: FieldViolation[] };

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function shown(value: unknown): string {
	if (value === undefined) return '';
	return typeof value === 'string' ? value : JSON.stringify(value);
}

export const DIGITS = /^[0-9]{1,30}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isDate(value: string): boolean {
	if (!DATE.test(value)) return false;
	const d = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function oneOf<T extends string>(list: readonly T[], value: unknown): value is T {
	return typeof value === 'string' && (list as readonly string[]).includes(value);
}

/**
 * Check one assessment body (PATCH body, or one `assessments[]` item of create).
 * JSON null counts as "not sent", as Feishu's Go decoders treat it.
 */
export function checkAssessment(
	body: unknown,
	prefix: string,
	openGrades: ReadonlySet<string>,
): Checked<AssessmentWrite> {
	const field = (name: string): string => (prefix ? `${prefix}.${name}` : name);
	if (!isRecord(body)) {
		return {
			ok: false,
			violations: [{ field: prefix || 'body', value: shown(body), description: 'must be a JSON object' }],
		};
	}
	const v: FieldViolation[] = [];
	const present = (name: string): boolean => body[name] !== undefined && body[name] !== null;

	const status = body.assessment_status;
	if (!present('assessment_status')) {
		v.push({ field: field('assessment_status'), value: '', description: 'assessment_status is required' });
	} else if (!oneOf(ASSESSMENT_STATUSES, status)) {
		v.push({
			field: field('assessment_status'),
			value: shown(status),
			description: `must be one of ${ASSESSMENT_STATUSES.join(', ')}`,
		});
	}

	// The wire key really is spelt with three "s"; the correctly spelt key is an unknown field to
	// Feishu and is ignored, so the required check fails. Say so, it is the classic mistake.
	const finalFlag = body.is_final_asssessment;
	if (!present('is_final_asssessment')) {
		const hint = present('is_final_assessment')
			? ' (got is_final_assessment: the wire key is spelt with three "s", is_final_asssessment)'
			: '';
		v.push({
			field: field('is_final_asssessment'),
			value: '',
			description: `is_final_asssessment is required${hint}`,
		});
	} else if (typeof finalFlag !== 'boolean') {
		v.push({ field: field('is_final_asssessment'), value: shown(finalFlag), description: 'must be a boolean' });
	}

	if (present('assessment_result') && !oneOf(ASSESSMENT_RESULTS, body.assessment_result)) {
		v.push({
			field: field('assessment_result'),
			value: shown(body.assessment_result),
			description: `must be one of ${ASSESSMENT_RESULTS.join(', ')}`,
		});
	}
	if (
		present('assessment_score') &&
		(typeof body.assessment_score !== 'number' || !Number.isFinite(body.assessment_score))
	) {
		v.push({
			field: field('assessment_score'),
			value: shown(body.assessment_score),
			description: 'must be a number',
		});
	}
	if (present('assessment_grade')) {
		const grade = body.assessment_grade;
		if (typeof grade !== 'string' || !openGrades.has(grade)) {
			v.push({
				field: field('assessment_grade'),
				value: shown(grade),
				description:
					'must be the api_name of an enabled option of probation_management.final_assessment_grade',
			});
		}
	}
	for (const name of ['assessment_comment', 'assessment_detail'] as const) {
		if (present(name) && typeof body[name] !== 'string') {
			v.push({ field: field(name), value: shown(body[name]), description: 'must be a string' });
		}
	}
	if (v.length > 0) return { ok: false, violations: v };

	const value: AssessmentWrite = {
		assessment_status: status as AssessmentStatus,
		is_final_asssessment: finalFlag as boolean,
	};
	if (present('assessment_result')) value.assessment_result = body.assessment_result as AssessmentResult;
	if (present('assessment_score')) value.assessment_score = body.assessment_score as number;
	if (present('assessment_grade')) value.assessment_grade = body.assessment_grade as string;
	if (present('assessment_comment')) value.assessment_comment = body.assessment_comment as string;
	if (present('assessment_detail')) value.assessment_detail = body.assessment_detail as string;
	return { ok: true, value };
}

/** A body field that must be a string array, or undefined when not sent (JSON null = not sent). */
export function readStringList(
	body: Record<string, unknown>,
	name: string,
	violations: FieldViolation[],
	maxLength = Infinity,
): string[] | undefined {
	const value = body[name];
	if (value === undefined || value === null) return undefined;
	if (!Array.isArray(value) || !value.every((x) => typeof x === 'string')) {
		violations.push({ field: name, value: shown(value), description: 'must be an array of strings' });
		return undefined;
	}
	if (value.length > maxLength) {
		violations.push({
			field: name,
			value: `${value.length} entries`,
			description: `at most ${maxLength} entries`,
		});
		return undefined;
	}
	return value as string[];
}

/** A body field that must be one of `allowed` (any string when null), or undefined when not sent. */
export function readEnum<T extends string>(
	body: Record<string, unknown>,
	name: string,
	allowed: readonly T[] | null,
	violations: FieldViolation[],
): T | undefined {
	const value = body[name];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string' || (allowed && !(allowed as readonly string[]).includes(value))) {
		violations.push({
			field: name,
			value: shown(value),
			description: allowed ? `must be one of ${allowed.join(', ')}` : 'must be a string',
		});
		return undefined;
	}
	return value as T;
}

/** The body as a record; a body that is not an object (or absent) counts as empty, with a violation if sent. */
export function bodyRecord(body: unknown, violations: FieldViolation[]): Record<string, unknown> {
	if (body === undefined || body === null) return {};
	if (isRecord(body)) return body;
	violations.push({ field: 'body', value: shown(body), description: 'must be a JSON object' });
	return {};
}
