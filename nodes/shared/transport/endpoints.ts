/**
 * Every Feishu call the nodes make, typed once: method, path, and the
 * `{ path, params, data }` of a call as Feishu's official SDK (larksuite/node-sdk) shapes it —
 * `path` fills the path's `:segments`, `params` is the query, `data` the JSON body — with the
 * `data` of the answer. Every API path and wire name is written here and nowhere else (the
 * credential's token exchange is in ../feishu/token.ts); operations build their requests through
 * these endpoints and `send` them through the transport.
 */
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { FeishuRequest, FeishuRequester, FeishuResponse } from './index';
import type { RequestKind } from '../feishu/limits';

/** What one call may carry, as the SDK names it. */
export interface CallPayload {
	path?: Record<string, string>;
	params?: IDataObject;
	data?: IDataObject;
}

declare const answerType: unique symbol;

/** A request to one endpoint with body `B`; `R` is the type of the `data` in its answer (compile time only). */
export type FeishuCall<R, B = IDataObject | undefined> = FeishuRequest & { body: B; readonly [answerType]?: R };

type BodyOf<P> = P extends { data: infer B } ? B : undefined;

export interface Endpoint<P extends CallPayload, R> {
	readonly method: IHttpRequestMethods;
	/** Below the base URL; a `:name` segment is filled from the call's `path.name`. */
	readonly path: string;
	/** Which of Feishu's limits it counts against (see FEISHU_LIMITS). */
	readonly kind: RequestKind;
	/** The transport's request for one call; `itemIndex` is the input item it is for. */
	request(payload: P, itemIndex?: number): FeishuCall<R, BodyOf<P>>;
}

function endpoint<P extends CallPayload, R>(method: IHttpRequestMethods, path: string, kind: RequestKind): Endpoint<P, R> {
	return {
		method,
		path,
		kind,
		request(payload, itemIndex) {
			// IDs go into the path as the digits they are: never through a JS number.
			const filled = path.replace(/:(\w+)/g, (_, name: string) => payload.path?.[name] ?? '');
			return { method, path: filled, qs: payload.params, body: payload.data, itemIndex, kind } as FeishuCall<R, BodyOf<P>>;
		},
	};
}

/** Sends one call through the transport, its answer typed by the endpoint. */
export async function send<R, B>(client: FeishuRequester, call: FeishuCall<R, B>): Promise<FeishuResponse<R>> {
	return await client.request<R>(call);
}

// ---------------------------------------------------------------------------------------------
// Shared shapes

/** Feishu's names for the kinds of ID a call may read or return people by (`user_id_type`). */
export const USER_ID_TYPES = { openId: 'open_id', unionId: 'union_id', userId: 'user_id', coreHr: 'people_corehr_id' } as const;

/** The same for departments (`department_id_type`). */
export const DEPARTMENT_ID_TYPES = { openDepartmentId: 'open_department_id', departmentId: 'department_id', coreHr: 'people_corehr_department_id' } as const;

/** How the IDs of people in a call are given (Open ID, Union ID, user ID or CoreHR people_corehr_id). */
export interface UserIdTypeParams extends IDataObject {
	user_id_type?: string;
}

/** Makes a write idempotent: Feishu treats requests with the same token as one. */
export interface ClientTokenParams extends IDataObject {
	client_token?: string;
}

/** Both searches page with these. */
export interface PageParams extends IDataObject {
	page_size?: number;
	page_token?: string;
}

export interface Page<T> {
	items?: T[];
	has_more?: boolean;
	page_token?: string;
}

/** Both searches return at most 100 per page, and take filter lists of at most 100 entries. */
export const SEARCH_PAGE_SIZE = 100;

/** An enum in an answer: its value, with labels (or, in some answers, the bare value). */
export type WireEnum = string | { enum_name?: string; display?: IDataObject[] };

// ---------------------------------------------------------------------------------------------
// Probation assessments (corehr/v2 probation.assessment)

/**
 * An assessment's final flag, with three "s": Feishu's API, docs and SDKs all spell the key this
 * way, and Feishu ignores the two-s key. Outputs read it back as isFinalAssessment.
 */
export const FINAL_FLAG_WIRE = 'is_final_asssessment';

/** One assessment as create and patch take it; only fields the user gave are sent. */
export interface AssessmentData extends IDataObject {
	assessment_status: string;
	[FINAL_FLAG_WIRE]: boolean;
	assessment_result?: string;
	assessment_score?: number;
	/** A grade option's API name (see `customFields.getByParam`). */
	assessment_grade?: string;
	assessment_comment?: string;
	/** Link to the full assessment (http or https). */
	assessment_detail?: string;
}

export interface AssessmentCreateData extends IDataObject {
	employment_id: string;
	assessments: AssessmentData[];
}

const ONE_ASSESSMENT = '/open-apis/corehr/v2/probation/assessments/:assessment_id';

export const probationAssessment = {
	/** Creates assessments for one employment; Feishu answers their IDs in the order given. */
	create: endpoint<
		{ params?: ClientTokenParams & UserIdTypeParams; data: AssessmentCreateData },
		{ assessment_ids?: string[] }
	>('POST', '/open-apis/corehr/v2/probation/assessments', 'write'),
	/** Overwrites one assessment. */
	patch: endpoint<{ path: { assessment_id: string }; params?: ClientTokenParams; data: AssessmentData }, unknown>('PATCH', ONE_ASSESSMENT, 'write'),
	/** Deletes one assessment (takes no client token). */
	delete: endpoint<{ path: { assessment_id: string } }, unknown>('DELETE', ONE_ASSESSMENT, 'write'),
};

// ---------------------------------------------------------------------------------------------
// Probations (corehr/v2 probation)

/** One assessment of a probation in a search answer. */
export interface ProbationAssessmentItem extends IDataObject {
	assessment_id?: string;
	[FINAL_FLAG_WIRE]?: boolean;
	assessment_status?: WireEnum;
}

/** One probation in a search answer; every field is optional, and fields the app may not read are left out. */
export interface ProbationItem extends IDataObject {
	employment_id?: string;
	probation_id?: string;
	probation_status?: WireEnum;
	/** Absent without the field scope corehr:probation.assessment:read. */
	assessments?: ProbationAssessmentItem[];
}

/** Search filters; each date range is a `…_start`/`…_end` pair of YYYY-MM-DD. */
export interface ProbationSearchData extends IDataObject {
	employment_ids?: string[];
	department_ids?: string[];
	probation_start_date_start?: string;
	probation_start_date_end?: string;
	probation_expected_end_date_start?: string;
	probation_expected_end_date_end?: string;
	actual_probation_end_date_start?: string;
	actual_probation_end_date_end?: string;
	initiating_time_start?: string;
	initiating_time_end?: string;
	probation_status?: string;
	final_assessment_result?: string;
	final_assessment_grade?: string;
}

/** The date ranges Probation → Search filters by, by their wire stem. */
export type ProbationSearchDateRange = 'probation_start_date' | 'probation_expected_end_date' | 'actual_probation_end_date' | 'initiating_time';

export interface ProbationSubmitData extends IDataObject {
	employment_id: string;
	/** 1: convert directly; 2: start the conversion process. */
	conversion_mode: 1 | 2;
	submission_type: string;
	actual_probation_end_date?: string;
	initiator_id?: string;
	notes?: string;
	self_review?: string;
}

/** The fields Edit may change, beside the employment. */
export interface ProbationEditData extends IDataObject {
	employment_id: string;
	probation_start_date?: string;
	probation_expected_end_date?: string;
	actual_probation_end_date?: string;
	probation_outcome?: string;
	probation_extend_expected_end_date?: string;
	extended_probation_period_duration?: number;
	extended_probation_period_unit?: string;
	notes?: string;
	self_review?: string;
}

export interface AssessmentFeatureData extends IDataObject {
	active: boolean;
	/** The assessment system's link; required when enabling. */
	app_url?: string;
}

export const probation = {
	search: endpoint<
		{ params: PageParams & UserIdTypeParams & { department_id_type?: string }; data: ProbationSearchData },
		Page<ProbationItem>
	>('POST', '/open-apis/corehr/v2/probation/search', 'read'),
	submit: endpoint<{ params?: ClientTokenParams & UserIdTypeParams; data: ProbationSubmitData }, { probation_info?: ProbationItem }>(
		'POST',
		'/open-apis/corehr/v2/probation/submit',
		'write',
	),
	withdraw: endpoint<{ params?: ClientTokenParams & UserIdTypeParams; data: { employment_id: string } }, unknown>(
		'POST',
		'/open-apis/corehr/v2/probation/withdraw',
		'write',
	),
	/** Takes no client token; sending the same values again changes nothing. */
	edit: endpoint<{ params: UserIdTypeParams; data: ProbationEditData }, unknown>('POST', '/open-apis/corehr/v2/probation/edit', 'write'),
	/** Switches the tenant's probation assessment feature (takes no client token). */
	enableDisableAssessment: endpoint<{ data: AssessmentFeatureData }, unknown>(
		'POST',
		'/open-apis/corehr/v2/probation/enable_disable_assessment',
		'write',
	),
};

// ---------------------------------------------------------------------------------------------
// Employees (corehr/v2 employees)

/**
 * The employee fields a lookup asks for: Feishu returns nothing but IDs unless asked, and omits a
 * field the app has no field permission for (rather than failing).
 */
export const EMPLOYEE_FIELDS = [
	'employee_number',
	'email_address',
	'employment_status',
	'person_info.preferred_name',
	'person_info.preferred_local_full_name',
	'person_info.preferred_english_full_name',
];

export interface EmployeeSearchData extends IDataObject {
	fields?: string[];
	employee_number_list?: string[];
	email_address_list?: string[];
	employment_id_list?: string[];
	/** Fuzzy match on name, employee number and email. */
	key_word?: string;
	employment_status?: string;
}

/** One employment in a search answer, with the EMPLOYEE_FIELDS the app may read. */
export interface EmployeeItem extends IDataObject {
	employment_id?: string;
	employee_number?: string;
	email_address?: string;
	employment_status?: WireEnum;
	person_info?: {
		preferred_name?: string;
		preferred_local_full_name?: string;
		preferred_english_full_name?: string;
	};
}

export const employees = {
	search: endpoint<{ params: PageParams & UserIdTypeParams; data: EmployeeSearchData }, Page<EmployeeItem>>(
		'POST',
		'/open-apis/corehr/v2/employees/search',
		'employeeSearch',
	),
};

// ---------------------------------------------------------------------------------------------
// Custom-field metadata (corehr/v1 custom_field)

interface I18nText {
	zh_cn?: string;
	en_us?: string;
}

export interface EnumFieldOption {
	api_name?: string;
	name?: I18nText;
	description?: I18nText;
	is_open?: boolean;
}

/** The answer nests `data` twice; a field's options live deep inside. */
export interface CustomFieldAnswer {
	data?: { common_schema_config?: { enum_field_setting?: { enum_field_option_list?: EnumFieldOption[] } } };
}

/** Where the tenant's probation grade options are configured. */
export const GRADE_FIELD = { object_api_name: 'probation_management', custom_api_name: 'final_assessment_grade' } as const;

export const customFields = {
	getByParam: endpoint<{ params: { object_api_name: string; custom_api_name: string } }, CustomFieldAnswer>(
		'GET',
		'/open-apis/corehr/v1/custom_fields/get_by_param',
		'read',
	),
};
