import { pageOf } from './answers';
import type { SearchPage } from './answers';
import { enumObject } from './labels';
import type { EmulatorState } from './state';
import { ASSESSMENT_RESULTS, PROBATION_STATUSES } from './types';
import type { AssessmentRecord, DepartmentIds, GradeOptionConfig, ProbationRecord, UserIdType } from './types';
import { bodyRecord, isDate, readEnum, readStringList, shown } from './validation';
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
	/** CoreHR IDs, in request order; IDs that name no employment are left out (they match nothing). */
	employmentIds?: Set<string>;
	departmentIds?: Set<string>;
	departmentIdType: keyof DepartmentIds;
	ranges: { field: DateField; from: string; to: string }[];
	probationStatus?: string;
	finalResult?: string;
	finalGrade?: string;
}

/** `resolve` turns a sent employment ID (of the request's user_id_type) into a CoreHR ID. */
export function parseSearchBody(
	body: unknown,
	departmentIdType: keyof DepartmentIds,
	resolve: (id: string) => string | undefined,
): Checked<SearchFilter> {
	// Every filter is optional; an empty body means "everything".
	const v: FieldViolation[] = [];
	const b = bodyRecord(body, v);
	const filter: SearchFilter = { departmentIdType, ranges: [] };
	const employmentIds = readStringList(b, 'employment_ids', v);
	if (employmentIds) {
		filter.employmentIds = new Set(employmentIds.flatMap((id) => resolve(id) ?? []));
	}
	const departmentIds = readStringList(b, 'department_ids', v);
	if (departmentIds) filter.departmentIds = new Set(departmentIds);
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
	filter.probationStatus = readEnum(b, 'probation_status', PROBATION_STATUSES, v);
	filter.finalResult = readEnum(b, 'final_assessment_result', ASSESSMENT_RESULTS, v);
	filter.finalGrade = readEnum(b, 'final_assessment_grade', null, v);
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

/** How search items are shown: employment IDs in the request's type, field-scoped fields only with their scope. */
export interface ProbationView {
	idType: UserIdType;
	withAssessments: boolean;
	/** probation_outcome and the extension fields (corehr:probation.probation_outcome:read / :write). */
	withOutcome: boolean;
	/** corehr:probation.notes:read / :write */
	withNotes: boolean;
	/** corehr:probation.self_review:read / :write */
	withSelfReview: boolean;
	grades: GradeOptionConfig[];
}

export function searchProbations(
	state: EmulatorState,
	filter: SearchFilter,
	offset: number,
	pageSize: number,
	view: ProbationView,
): SearchPage {
	const candidates: Iterable<ProbationRecord> = filter.employmentIds
		? [...filter.employmentIds].flatMap((id) => state.probations.get(id) ?? [])
		: state.probations.values();
	return pageOf(
		candidates,
		(p) => matches(state, p, filter),
		offset,
		pageSize,
		(p) => probationItem(state, p, view),
	);
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
export function probationItem(state: EmulatorState, p: ProbationRecord, view: ProbationView): Record<string, unknown> {
	const { withAssessments, grades } = view;
	const item: Record<string, unknown> = {
		employment_id: state.employmentIdAs(p.employment_id, view.idType),
		probation_id: p.probation_id,
		probation_start_date: p.probation_start_date,
		probation_expected_end_date: p.probation_expected_end_date,
	};
	if (p.actual_probation_end_date) item.actual_probation_end_date = p.actual_probation_end_date;
	if (p.initiating_time) item.initiating_time = p.initiating_time;
	if (p.submission_type) item.submission_type = enumObject('submission_type', p.submission_type);
	if (p.initiator_id !== undefined) item.initiator_id = state.employmentIdAs(p.initiator_id, view.idType);
	item.probation_status = enumObject('probation_status', p.probation_status);
	if (p.self_review !== undefined && view.withSelfReview) item.self_review = p.self_review;
	if (p.notes !== undefined && view.withNotes) item.notes = p.notes;
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
	if (view.withOutcome) {
		if (p.probation_extend_expected_end_date) {
			item.probation_extend_expected_end_date = p.probation_extend_expected_end_date;
		}
		if (p.extended_probation_period_duration !== undefined) {
			item.extended_probation_period_duration = p.extended_probation_period_duration;
		}
		if (p.extended_probation_period_unit) {
			item.extended_probation_period_unit = enumObject('extended_probation_period_unit', p.extended_probation_period_unit);
		}
		if (p.probation_outcome) item.probation_outcome = enumObject('probation_outcome', p.probation_outcome);
	}
	return item;
}
