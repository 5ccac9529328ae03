import { enumObject } from './labels';
import type { EmulatorState } from './state';
import { ASSESSMENT_RESULTS, PROBATION_STATUSES } from './types';
import type { AssessmentRecord, DepartmentIds, GradeOptionConfig, ProbationRecord } from './types';
import { isDate, isRecord, shown } from './validation';
import type { Checked, FieldViolation } from './validation';

type DateField =
	| 'probation_start_date'
	| 'probation_expected_end_date'
	| 'actual_probation_end_date'
	| 'initiating_time';

const RANGES: { field: DateField; start: string; end: string }[] = [
	{ field: 'probation_start_date', start: 'probation_start_date_start', end: 'probation_start_date_end' },
	{
		field: 'probation_expected_end_date',
		start: 'probation_expected_end_date_start',
		end: 'probation_expected_end_date_end',
	},
	{
		field: 'actual_probation_end_date',
		start: 'actual_probation_end_date_start',
		end: 'actual_probation_end_date_end',
	},
	{ field: 'initiating_time', start: 'initiating_time_start', end: 'initiating_time_end' },
];

export interface SearchFilter {
	employmentIds?: Set<string>;
	departmentIds?: Set<string>;
	departmentIdType: keyof DepartmentIds;
	ranges: { field: DateField; from: string; to: string }[];
	probationStatus?: string;
	finalResult?: string;
	finalGrade?: string;
}

export function parseSearchBody(body: unknown, departmentIdType: keyof DepartmentIds): Checked<SearchFilter> {
	// Every filter is optional; an empty body means "everything".
	const b: Record<string, unknown> = body === undefined || body === null ? {} : isRecord(body) ? body : {};
	const v: FieldViolation[] = [];
	if (body !== undefined && body !== null && !isRecord(body)) {
		v.push({ field: 'body', value: shown(body), description: 'must be a JSON object' });
	}
	const filter: SearchFilter = { departmentIdType, ranges: [] };
	const stringList = (name: string): Set<string> | undefined => {
		const value = b[name];
		if (value === undefined || value === null) return undefined;
		if (!Array.isArray(value) || !value.every((x) => typeof x === 'string')) {
			v.push({ field: name, value: shown(value), description: 'must be an array of strings' });
			return undefined;
		}
		return new Set(value as string[]);
	};
	filter.employmentIds = stringList('employment_ids');
	filter.departmentIds = stringList('department_ids');
	for (const r of RANGES) {
		const from = b[r.start];
		const to = b[r.end];
		if ((from === undefined || from === null) && (to === undefined || to === null)) continue;
		// The docs: a range start "must be sent with _end" (and the other way round).
		let ok = true;
		for (const [name, value] of [
			[r.start, from],
			[r.end, to],
		] as const) {
			if (value === undefined || value === null) {
				v.push({ field: name, value: '', description: `${r.start} and ${r.end} must be sent together` });
				ok = false;
			} else if (typeof value !== 'string' || !isDate(value)) {
				v.push({ field: name, value: shown(value), description: 'must be a date as YYYY-MM-DD' });
				ok = false;
			}
		}
		if (ok) filter.ranges.push({ field: r.field, from: from as string, to: to as string });
	}
	const enumFilter = (name: string, allowed: readonly string[] | null): string | undefined => {
		const value = b[name];
		if (value === undefined || value === null) return undefined;
		if (typeof value !== 'string' || (allowed && !allowed.includes(value))) {
			v.push({
				field: name,
				value: shown(value),
				description: allowed ? `must be one of ${allowed.join(', ')}` : 'must be a string',
			});
			return undefined;
		}
		return value;
	};
	filter.probationStatus = enumFilter('probation_status', PROBATION_STATUSES);
	filter.finalResult = enumFilter('final_assessment_result', ASSESSMENT_RESULTS);
	filter.finalGrade = enumFilter('final_assessment_grade', null);
	return v.length > 0 ? { ok: false, violations: v } : { ok: true, value: filter };
}

function matches(state: EmulatorState, p: ProbationRecord, f: SearchFilter): boolean {
	if (f.employmentIds && !f.employmentIds.has(p.employment_id)) return false;
	if (f.departmentIds && !f.departmentIds.has(p.department[f.departmentIdType])) return false;
	for (const r of f.ranges) {
		const value = p[r.field];
		if (!value || value < r.from || value > r.to) return false;
	}
	if (f.probationStatus && p.probation_status !== f.probationStatus) return false;
	if (f.finalResult || f.finalGrade) {
		const final = state.finalAssessment(p);
		if (f.finalResult && final?.assessment_result !== f.finalResult) return false;
		if (f.finalGrade && final?.assessment_grade !== f.finalGrade) return false;
	}
	return true;
}

export interface SearchPage {
	items: Record<string, unknown>[];
	/** Offset of the next page, or null on the last page. */
	next: number | null;
}

export function searchProbations(
	state: EmulatorState,
	filter: SearchFilter,
	offset: number,
	pageSize: number,
	withAssessments: boolean,
	grades: GradeOptionConfig[],
): SearchPage {
	const items: Record<string, unknown>[] = [];
	let seen = 0;
	let next: number | null = null;
	const candidates: Iterable<ProbationRecord> = filter.employmentIds
		? [...filter.employmentIds].flatMap((id) => {
				const p = state.probations.get(id);
				return p ? [p] : [];
			})
		: state.probations.values();
	for (const p of candidates) {
		if (!matches(state, p, filter)) continue;
		if (seen++ < offset) continue;
		if (items.length === pageSize) {
			next = offset + pageSize;
			break;
		}
		items.push(probationItem(state, p, withAssessments, grades));
	}
	return { items, next };
}

function assessmentItem(a: AssessmentRecord, grades: GradeOptionConfig[]): Record<string, unknown> {
	const item: Record<string, unknown> = {
		assessment_id: a.assessment_id,
		assessment_status: enumObject('assessment_status', a.assessment_status),
	};
	if (a.assessment_result) item.assessment_result = enumObject('assessment_result', a.assessment_result);
	if (a.assessment_score !== undefined) item.assessment_score = a.assessment_score;
	if (a.assessment_grade) item.assessment_grade = enumObject('grade', a.assessment_grade, grades);
	if (a.assessment_comment !== undefined) item.assessment_comment = a.assessment_comment;
	if (a.assessment_detail !== undefined) item.assessment_detail = a.assessment_detail;
	item.is_final_asssessment = a.is_final_asssessment;
	return item;
}

/** One `items[]` entry of search, shaped as probation_info in the docs. */
export function probationItem(
	state: EmulatorState,
	p: ProbationRecord,
	withAssessments: boolean,
	grades: GradeOptionConfig[],
): Record<string, unknown> {
	const item: Record<string, unknown> = {
		employment_id: p.employment_id,
		probation_id: p.probation_id,
		probation_start_date: p.probation_start_date,
		probation_expected_end_date: p.probation_expected_end_date,
	};
	if (p.actual_probation_end_date) item.actual_probation_end_date = p.actual_probation_end_date;
	if (p.initiating_time) item.initiating_time = p.initiating_time;
	if (p.submission_type) item.submission_type = enumObject('submission_type', p.submission_type);
	if (p.initiator_id !== undefined) item.initiator_id = p.initiator_id;
	item.probation_status = enumObject('probation_status', p.probation_status);
	if (p.self_review !== undefined) item.self_review = p.self_review;
	if (p.notes !== undefined) item.notes = p.notes;
	if (p.process_id) item.process_id = p.process_id;
	if (p.converted_via_bpm !== undefined) item.converted_via_bpm = p.converted_via_bpm;
	// Fields behind the assessment field scope are left out, not nulled, when the app lacks it.
	if (withAssessments) {
		const final = state.finalAssessment(p);
		if (final) {
			item.final_assessment_status = enumObject('assessment_status', final.assessment_status);
			if (final.assessment_result) {
				item.final_assessment_result = enumObject('assessment_result', final.assessment_result);
			}
			if (final.assessment_score !== undefined) item.final_assessment_score = final.assessment_score;
			if (final.assessment_grade) {
				item.final_assessment_grade = enumObject('grade', final.assessment_grade, grades);
			}
			if (final.assessment_comment !== undefined) item.final_assessment_comment = final.assessment_comment;
			if (final.assessment_detail !== undefined) item.final_assessment_detail = final.assessment_detail;
		}
		item.assessments = p.assessment_ids.flatMap((id) => {
			const a = state.assessments.get(id);
			return a ? [assessmentItem(a, grades)] : [];
		});
	}
	return item;
}
