import {
	decodePageToken,
	encodePageToken,
	feishuError,
	invalid,
	notFound,
	success,
} from './answers';
import type { Answer } from './answers';
import { parseSearchBody, searchProbations } from './search';
import type { EmulatorState } from './state';
import type { AppConfig, DepartmentIds, GradeOptionConfig } from './types';
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
}

const USER_ID_TYPES = ['open_id', 'union_id', 'user_id', 'people_corehr_id'];
const DEPARTMENT_ID_TYPES: (keyof DepartmentIds)[] = [
	'open_department_id',
	'department_id',
	'people_corehr_department_id',
];
const ASSESSMENT_FIELD_SCOPES = ['corehr:probation.assessment:read', 'corehr:probation.assessment:write'];
const GRADE_SEARCH_SCOPE = 'corehr:probation.grade.search:read';

function openGrades(c: EndpointContext): Set<string> {
	return new Set(c.grades.filter((g) => g.isOpen !== false).map((g) => g.apiName));
}

function badPathId(c: EndpointContext, id: string): Answer | null {
	if (DIGITS.test(id)) return null;
	return invalid(c.logId, [{ field: 'assessment_id', value: id, description: 'must be a numeric string' }]);
}

/**
 * user_id_type is checked but IDs are not translated: the emulator keeps one 19-digit
 * employment_id whatever the type asked for.
 */
function checkUserIdType(c: EndpointContext): FieldViolation[] {
	const value = c.query.get('user_id_type');
	if (value === null || USER_ID_TYPES.includes(value)) return [];
	return [{ field: 'user_id_type', value, description: `must be one of ${USER_ID_TYPES.join(', ')}` }];
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
	const violations: FieldViolation[] = checkUserIdType(c);
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
	const ids = c.state.createAssessments(employmentId as string, writes);
	if (!ids) return notFound(c.logId, `employment ${String(employmentId)}`);
	return success({ assessment_ids: ids });
}

/** POST /open-apis/corehr/v2/probation/search */
export function search(c: EndpointContext): Answer {
	const violations = checkUserIdType(c);
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
	const departmentIdType = (c.query.get('department_id_type') ?? 'open_department_id') as keyof DepartmentIds;
	if (!DEPARTMENT_ID_TYPES.includes(departmentIdType)) {
		violations.push({
			field: 'department_id_type',
			value: departmentIdType,
			description: `must be one of ${DEPARTMENT_ID_TYPES.join(', ')}`,
		});
	}
	const filter = parseSearchBody(c.body, departmentIdType);
	if (!filter.ok) violations.push(...filter.violations);
	if (violations.length > 0 || !filter.ok || offset === null) return invalid(c.logId, violations);

	const missing = c.app.missingScopes ?? [];
	if (filter.value.finalGrade !== undefined && missing.includes(GRADE_SEARCH_SCOPE)) {
		return feishuError(c.logId, 400, 1160017, `field permission denied, apply for ${GRADE_SEARCH_SCOPE}`, {
			permission_violations: [
				{ type: 'field_scope_required', subject: GRADE_SEARCH_SCOPE, scope: GRADE_SEARCH_SCOPE },
			],
		});
	}
	// Without the assessment field scope Feishu silently leaves those fields out.
	const withAssessments = !ASSESSMENT_FIELD_SCOPES.every((s) => missing.includes(s));
	const page = searchProbations(c.state, filter.value, offset, pageSize, withAssessments, c.grades);
	// No `total`: Feishu does not send one.
	const data: Record<string, unknown> = { items: page.items, has_more: page.next !== null };
	if (page.next !== null) data.page_token = encodePageToken(page.next);
	return success(data);
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
