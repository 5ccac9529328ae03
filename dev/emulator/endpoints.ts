import { decodePageToken, feishuError, invalid, notFound, pageData, success } from './answers';
import type { Answer } from './answers';
import { parseEmployeeSearchBody, PHONE_SEARCH_SCOPE, searchEmployees } from './employees';
import { parseSearchBody, searchProbations } from './search';
import type { ProbationView } from './search';
import type { EmulatorState } from './state';
import { USER_ID_TYPES } from './types';
import type { AppConfig, DepartmentIds, EmployeeField, GradeOptionConfig, UserIdType } from './types';
import { checkAssessment, DIGITS, isRecord, shown } from './validation';
import type { AssessmentWrite, FieldViolation } from './validation';

/** The CoreHR endpoints, after authentication, scope and rate-limit checks have passed. */
export interface EndpointContext {
	logId: string;
	query: URLSearchParams;
	body: unknown;
	app: AppConfig;
	state: EmulatorState;
	grades: GradeOptionConfig[];
	/** employees/search fields the emulator is told to leave out (a missing field scope). */
	hiddenEmployeeFields: ReadonlySet<EmployeeField>;
	/** The emulator clock's date, YYYY-MM-DD (UTC): when a conversion was initiated, and whether it has taken effect. */
	today: string;
}

const DEPARTMENT_ID_TYPES: (keyof DepartmentIds)[] = [
	'open_department_id',
	'department_id',
	'people_corehr_department_id',
];
const ASSESSMENT_FIELD_SCOPES = ['corehr:probation.assessment:read', 'corehr:probation.assessment:write'];
const OUTCOME_FIELD_SCOPES = ['corehr:probation.probation_outcome:read', 'corehr:probation.probation_outcome:write'];
const NOTES_FIELD_SCOPES = ['corehr:probation.notes:read', 'corehr:probation.notes:write'];
const SELF_REVIEW_FIELD_SCOPES = ['corehr:probation.self_review:read', 'corehr:probation.self_review:write'];
const GRADE_SEARCH_SCOPE = 'corehr:probation.grade.search:read';
const PHONE_FIELD_SCOPES = ['corehr:person.phone:read', 'corehr:person.phone:write'];

/** The app lacks every one of these scopes. */
export function lacksAll(c: EndpointContext, scopes: string[]): boolean {
	const missing = c.app.missingScopes ?? [];
	return scopes.every((s) => missing.includes(s));
}

/** 400 / 1160017: a filter needs a field scope the app does not have. */
function fieldScopeError(c: EndpointContext, scope: string): Answer {
	return feishuError(c.logId, 400, 1160017, `field permission denied, apply for ${scope}`, {
		permission_violations: [{ type: 'field_scope_required', subject: scope, scope }],
	});
}

function openGrades(c: EndpointContext): Set<string> {
	return new Set(c.grades.filter((g) => g.isOpen !== false).map((g) => g.apiName));
}

function badPathId(c: EndpointContext, id: string): Answer | null {
	if (DIGITS.test(id)) return null;
	return invalid(c.logId, [{ field: 'assessment_id', value: id, description: 'must be a numeric string' }]);
}

/** A query parameter that must be one of `allowed`; Feishu's default when absent. */
function queryChoice<T extends string>(
	c: EndpointContext,
	name: string,
	allowed: readonly T[],
	fallback: T,
	violations: FieldViolation[],
): T {
	const value = c.query.get(name);
	if (value === null) return fallback;
	if ((allowed as readonly string[]).includes(value)) return value as T;
	violations.push({ field: name, value, description: `must be one of ${allowed.join(', ')}` });
	return fallback;
}

/** How probation_info is shown to this app: a missing field scope leaves those fields out, silently. */
export function probationView(c: EndpointContext, idType: UserIdType): ProbationView {
	return {
		idType,
		withAssessments: !lacksAll(c, ASSESSMENT_FIELD_SCOPES),
		withOutcome: !lacksAll(c, OUTCOME_FIELD_SCOPES),
		withNotes: !lacksAll(c, NOTES_FIELD_SCOPES),
		withSelfReview: !lacksAll(c, SELF_REVIEW_FIELD_SCOPES),
		grades: c.grades,
	};
}

/** user_id_type decides how every employment ID in the request and the answer is read and written. */
export function userIdType(c: EndpointContext, violations: FieldViolation[]): UserIdType {
	return queryChoice(c, 'user_id_type', USER_ID_TYPES, 'open_id', violations);
}

/** page_size (required, 1–100) and page_token of the two searches. */
function paging(c: EndpointContext, violations: FieldViolation[]): { pageSize: number; offset: number } {
	const pageSizeText = c.query.get('page_size');
	const pageSize = pageSizeText !== null && /^\d+$/.test(pageSizeText) ? Number(pageSizeText) : NaN;
	if (!(pageSize >= 1 && pageSize <= 100)) {
		violations.push({
			field: 'page_size',
			value: pageSizeText ?? '',
			description: 'page_size is required, an integer from 1 to 100',
		});
	}
	const pageToken = c.query.get('page_token');
	const offset = pageToken ? decodePageToken(pageToken) : 0;
	if (offset === null) {
		violations.push({ field: 'page_token', value: pageToken ?? '', description: 'invalid page_token' });
	}
	return { pageSize, offset: offset ?? 0 };
}

/** PATCH /open-apis/corehr/v2/probation/assessments/:assessment_id */
export function patchAssessment(c: EndpointContext, id: string): Answer {
	const badId = badPathId(c, id);
	if (badId) return badId;
	const checked = checkAssessment(c.body, '', openGrades(c));
	if (!checked.ok) return invalid(c.logId, checked.violations);
	if (!c.state.patchAssessment(id, checked.value)) return notFound(c.logId, `assessment ${id}`);
	return success({});
}

/** DELETE /open-apis/corehr/v2/probation/assessments/:assessment_id */
export function deleteAssessment(c: EndpointContext, id: string): Answer {
	const badId = badPathId(c, id);
	if (badId) return badId;
	if (!c.state.deleteAssessment(id)) return notFound(c.logId, `assessment ${id}`);
	return success({});
}

/** POST /open-apis/corehr/v2/probation/assessments */
export function createAssessments(c: EndpointContext): Answer {
	const violations: FieldViolation[] = [];
	const idType = userIdType(c, violations);
	const body = c.body;
	if (!isRecord(body)) {
		violations.push({ field: 'body', value: shown(body), description: 'must be a JSON object' });
		return invalid(c.logId, violations);
	}
	const employmentId = body.employment_id;
	if (typeof employmentId !== 'string' || employmentId === '') {
		violations.push({
			field: 'employment_id',
			value: shown(employmentId),
			description: 'employment_id is required (string)',
		});
	}
	const writes: AssessmentWrite[] = [];
	if (!Array.isArray(body.assessments) || body.assessments.length === 0) {
		violations.push({
			field: 'assessments',
			value: shown(body.assessments),
			description: 'assessments is required (non-empty array)',
		});
	} else {
		const open = openGrades(c);
		body.assessments.forEach((item: unknown, i: number) => {
			const checked = checkAssessment(item, `assessments[${i}]`, open);
			if (checked.ok) writes.push(checked.value);
			else violations.push(...checked.violations);
		});
	}
	if (violations.length > 0) return invalid(c.logId, violations);
	const corehrId = c.state.resolveEmploymentId(employmentId as string, idType);
	if (!corehrId) return notFound(c.logId, `employment ${String(employmentId)} (user_id_type ${idType})`);
	const ids = c.state.createAssessments(corehrId, writes);
	if (!ids) return notFound(c.logId, `probation of employment ${String(employmentId)}`);
	return success({ assessment_ids: ids });
}

/** POST /open-apis/corehr/v2/probation/search */
export function probationSearch(c: EndpointContext): Answer {
	const violations: FieldViolation[] = [];
	const idType = userIdType(c, violations);
	const { pageSize, offset } = paging(c, violations);
	const departmentIdType = queryChoice(
		c,
		'department_id_type',
		DEPARTMENT_ID_TYPES,
		'open_department_id',
		violations,
	);
	const filter = parseSearchBody(c.body, departmentIdType, (id) => c.state.resolveEmploymentId(id, idType));
	if (!filter.ok) violations.push(...filter.violations);
	if (violations.length > 0 || !filter.ok) return invalid(c.logId, violations);

	if (filter.value.finalGrade !== undefined && lacksAll(c, [GRADE_SEARCH_SCOPE])) {
		return fieldScopeError(c, GRADE_SEARCH_SCOPE);
	}
	// Without a field scope Feishu silently leaves those fields out.
	const page = searchProbations(c.state, filter.value, offset, pageSize, probationView(c, idType));
	return success(pageData(page));
}

/** POST /open-apis/corehr/v2/employees/search */
export function employeeSearch(c: EndpointContext): Answer {
	const violations: FieldViolation[] = [];
	const idType = userIdType(c, violations);
	const { pageSize, offset } = paging(c, violations);
	// Checked like Feishu does, though no department field is modelled.
	queryChoice(c, 'department_id_type', DEPARTMENT_ID_TYPES, 'open_department_id', violations);
	const query = parseEmployeeSearchBody(c.body, (id) => c.state.resolveEmploymentId(id, idType));
	if (!query.ok) violations.push(...query.violations);
	if (violations.length > 0 || !query.ok) return invalid(c.logId, violations);

	if (query.value.byPhone && lacksAll(c, [PHONE_SEARCH_SCOPE])) return fieldScopeError(c, PHONE_SEARCH_SCOPE);
	const hidden = new Set(c.hiddenEmployeeFields);
	// A missing field scope leaves the field out of the answer; the call still succeeds.
	if (lacksAll(c, PHONE_FIELD_SCOPES)) hidden.add('person_info.phone_number');
	return success(pageData(searchEmployees(c.state, query.value, offset, pageSize, { idType, hidden })));
}

/** GET /open-apis/corehr/v1/custom_fields/get_by_param (only probation_management.final_assessment_grade). */
export function gradeField(c: EndpointContext): Answer {
	const objectName = c.query.get('object_api_name');
	const customName = c.query.get('custom_api_name');
	const empty: FieldViolation[] = [];
	if (!objectName) empty.push({ field: 'object_api_name', value: '', description: 'object_api_name is required' });
	if (!customName) empty.push({ field: 'custom_api_name', value: '', description: 'custom_api_name is required' });
	if (empty.length > 0) {
		return feishuError(c.logId, 400, 1160006, 'required parameter is empty', { field_violations: empty });
	}
	if (objectName !== 'probation_management') return notFound(c.logId, `object ${String(objectName)}`);
	if (customName !== 'final_assessment_grade') {
		return feishuError(c.logId, 400, 1162020, `field does not exist: ${String(customName)}`);
	}
	// Note the doubled `data`: the field is at data.data, the options deeper still.
	return success({
		data: {
			custom_api_name: 'final_assessment_grade',
			name: { zh_cn: '最终考核等级', en_us: 'Final assessment grade' },
			description: { zh_cn: '试用期最终考核等级', en_us: 'Final grade of the probation assessment' },
			is_open: true,
			is_required: false,
			is_unique: false,
			object_api_name: 'probation_management',
			type: 4,
			common_schema_config: {
				enum_field_setting: {
					is_multiple: false,
					enum_field_option_list: c.grades.map((g) => ({
						api_name: g.apiName,
						name: { zh_cn: g.zh, en_us: g.en },
						description: { zh_cn: `考核等级 ${g.zh}`, en_us: `Assessment grade ${g.en}` },
						is_open: g.isOpen !== false,
					})),
				},
			},
			create_time: '1660000000',
			update_time: '1700000000',
		},
	});
}
