import type { IncomingHttpHeaders } from 'http';
import type { LongConnectionControls } from './longConnection';

export const ASSESSMENT_STATUSES = ['not_started', 'in_process', 'completed', 'no_need'] as const;
export const ASSESSMENT_RESULTS = ['approved', 'rejected'] as const;
export const PROBATION_STATUSES = [
	'pending',
	'rejected',
	'waiting',
	'approved',
	'converted',
	'offboarded',
] as const;
export const SUBMISSION_TYPES = ['hr_submission', 'self_submission', 'system'] as const;
/** probation/submit's conversion_mode: 1 converts directly, 2 starts the conversion process. */
export const CONVERSION_MODES = [1, 2] as const;
export const PROBATION_OUTCOMES = ['passed', 'failed', 'delayed'] as const;
export const EXTENSION_UNITS = ['day', 'week', 'month'] as const;
export const EMPLOYMENT_STATUSES = ['hired', 'terminated'] as const;
/** How a CoreHR v2 call reads and writes employment IDs (`user_id_type`); open_id is Feishu's default. */
export const USER_ID_TYPES = ['open_id', 'union_id', 'user_id', 'people_corehr_id'] as const;

export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];
export type AssessmentResult = (typeof ASSESSMENT_RESULTS)[number];
export type ProbationStatus = (typeof PROBATION_STATUSES)[number];
export type SubmissionType = (typeof SUBMISSION_TYPES)[number];
export type ProbationOutcome = (typeof PROBATION_OUTCOMES)[number];
export type ExtensionUnit = (typeof EXTENSION_UNITS)[number];
export type EmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];
export type UserIdType = (typeof USER_ID_TYPES)[number];

/** One probation assessment as stored. Field names are the wire names (three `s` included). */
export interface AssessmentRecord {
	assessment_id: string;
	employment_id: string;
	assessment_status: AssessmentStatus;
	assessment_result?: AssessmentResult;
	assessment_score?: number;
	assessment_grade?: string;
	assessment_comment?: string;
	assessment_detail?: string;
	is_final_asssessment: boolean;
	/** Emulator bookkeeping: bumped on every applied write, used to pick the newest final assessment. */
	revision: number;
}

/** IDs of one department in the three `department_id_type` flavours. */
export interface DepartmentIds {
	open_department_id: string;
	department_id: string;
	people_corehr_department_id: string;
}

/** One employment's ID in every `user_id_type`; `people_corehr_id` is the 19-digit CoreHR ID. */
export type UserIds = Record<UserIdType, string>;

/** The part of `person_info` the emulator knows. */
export interface PersonInfo {
	/** 19-digit; the same for every employment of one person (a rehire). */
	person_id: string;
	preferred_name: string;
	/** e.g. 张三 */
	preferred_local_full_name: string;
	/** e.g. Zhang San */
	preferred_english_full_name: string;
	/** Personal mobile, digits only. */
	phone_number: string;
}

/** A person's employment, as employees/search sees it. A rehired person has two, the old one terminated. */
export interface EmploymentRecord {
	/** The CoreHR ID (= ids.people_corehr_id); the key of every map in the state. */
	employment_id: string;
	ids: UserIds;
	/** Text: leading zeros are part of it. Not unique (Feishu can reuse numbers, e.g. on rehire). */
	employee_number: string;
	/** Work email. */
	email_address: string;
	employment_status: EmploymentStatus;
	person_info: PersonInfo;
}

/** An employment on probation; owns its assessments (by ID, in creation order). */
export interface ProbationRecord {
	employment_id: string;
	probation_id: string;
	department: DepartmentIds;
	probation_start_date: string;
	probation_expected_end_date: string;
	actual_probation_end_date?: string;
	initiating_time?: string;
	submission_type?: SubmissionType;
	initiator_id?: string;
	probation_status: ProbationStatus;
	self_review?: string;
	notes?: string;
	process_id?: string;
	converted_via_bpm?: boolean;
	/** Set by probation/edit; search shows these only with the outcome field scope. */
	probation_outcome?: ProbationOutcome;
	probation_extend_expected_end_date?: string;
	extended_probation_period_duration?: number;
	extended_probation_period_unit?: ExtensionUnit;
	assessment_ids: string[];
}

/** The tenant-wide switch of probation/enable_disable_assessment. */
export interface AssessmentFeature {
	active: boolean;
	/** The assessment system's entry page, given when it was enabled. */
	app_url?: string;
}

export interface SeedAssessment {
	/** 19-digit string; generated when absent. */
	assessment_id?: string;
	assessment_status: AssessmentStatus;
	assessment_result?: AssessmentResult;
	assessment_score?: number;
	assessment_grade?: string;
	assessment_comment?: string;
	assessment_detail?: string;
	is_final_asssessment?: boolean;
}

/** The person behind a seeded employment; every field absent is generated from the employment's position. */
export interface SeedPerson {
	/** 19-digit string; generated when absent. */
	employment_id?: string;
	employee_number?: string;
	email_address?: string;
	/** Default hired. */
	employment_status?: EmploymentStatus;
	/** Give two employments the same person_id to make them one (rehired) person. */
	person_info?: Partial<PersonInfo>;
}

export interface SeedEmployment extends SeedPerson {
	/** people_corehr_department_id (19 digits); the other two department ID flavours are derived. */
	department_id?: string;
	probation_start_date: string;
	probation_expected_end_date: string;
	actual_probation_end_date?: string;
	initiating_time?: string;
	submission_type?: SubmissionType;
	initiator_id?: string;
	probation_status?: ProbationStatus;
	self_review?: string;
	notes?: string;
	assessments?: SeedAssessment[];
}

/** An employment that has no probation at all (employees/search finds it, probation/search does not). */
export interface SeedEmploymentWithoutProbation extends SeedPerson {
	without_probation: true;
}

export interface SeedData {
	employments: (SeedEmployment | SeedEmploymentWithoutProbation)[];
	/** Default: enabled, with DEFAULT_ASSESSMENT_APP_URL (the seeds hold assessments). */
	assessment_feature?: AssessmentFeature;
}

export interface AppConfig {
	appId: string;
	appSecret: string;
	/**
	 * Scopes this app has NOT been granted; calls needing only these fail with 99991672. Field scopes
	 * here make Feishu leave fields out instead (assessment fields of probation search;
	 * `corehr:person.phone:read`/`:write` for person_info.phone_number of employees/search), or
	 * refuse a filter on them (`corehr:person.phone.search:read`, `corehr:probation.grade.search:read`).
	 */
	missingScopes?: string[];
}

export interface RateLimitConfig {
	limit: number;
	windowMs: number;
}

export interface GradeOptionConfig {
	apiName: string;
	zh: string;
	en: string;
	/** Default true; closed options are listed by get_by_param but rejected by writes. */
	isOpen?: boolean;
}

export interface EmulatorOptions {
	/** Default 0: a random free port. */
	port?: number;
	/** Default 127.0.0.1. Only loopback addresses are accepted. */
	host?: string;
	apps?: AppConfig[];
	tokenLifetimeSeconds?: number;
	writeRateLimit?: RateLimitConfig | null;
	readRateLimit?: RateLimitConfig | null;
	gradeOptions?: GradeOptionConfig[];
	/** Explicit data, or N = generate N employments with 1–2 assessments each. Default: the demo seed. */
	seed?: SeedData | number;
	latencyMs?: number;
	/** Keep every request in `requests`. Default true; turn off for long benchmarks. */
	logRequests?: boolean;
	/** Clock for token expiry and rate-limit windows (epoch ms). Default Date.now; tests may fake it. */
	now?: () => number;
	/**
	 * employees/search fields left out of every answer even when asked for, as Feishu does when a
	 * field scope is missing or the tenant has turned the field off. EMAIL_AND_NAME_FIELDS drops the
	 * work email and the names. Default none; runtime: setHiddenEmployeeFields, admin POST config.
	 */
	hiddenEmployeeFields?: readonly EmployeeField[];
}

/** What employees/search can return besides employment_id; `fields` names them (or `person_info` for all of it). */
export const EMPLOYEE_FIELDS = [
	'employee_number',
	'email_address',
	'employment_status',
	'person_info.person_id',
	'person_info.preferred_name',
	'person_info.preferred_local_full_name',
	'person_info.preferred_english_full_name',
	'person_info.phone_number',
] as const;
export type EmployeeField = (typeof EMPLOYEE_FIELDS)[number];

/** The fields a missing field scope would take away: work email and every name. */
export const EMAIL_AND_NAME_FIELDS: readonly EmployeeField[] = [
	'email_address',
	'person_info.preferred_name',
	'person_info.preferred_local_full_name',
	'person_info.preferred_english_full_name',
];

/** The API endpoints by name, as counted in `counters().calls` and tagged on each log entry. */
export type EndpointName =
	| 'token'
	| 'patch'
	| 'delete'
	| 'create'
	| 'probationSearch'
	| 'employeeSearch'
	| 'grades'
	| 'submit'
	| 'withdraw'
	| 'edit'
	| 'enableDisableAssessment'
	| 'notFound';

export interface RequestLogEntry {
	seq: number;
	/** Which endpoint the method and path name ('notFound' for anything else). */
	endpoint: EndpointName;
	/** Epoch milliseconds when the request arrived. */
	time: number;
	method: string;
	path: string;
	query: Record<string, string>;
	/** As received (lower-cased names), authorization included. */
	headers: IncomingHttpHeaders;
	/** Parsed JSON body, the raw text when it was not JSON, undefined when empty. */
	body: unknown;
	/** null when the connection was dropped without an answer. */
	status: number | null;
	/** Parsed JSON answer, or the raw text (e.g. the gateway HTML page). */
	responseBody: unknown;
	logId: string;
	/** Name of the injected fault that shaped this answer, if any. */
	fault?: FaultKind;
	/** Set when the answer came from the client_token store instead of a fresh apply. */
	deduplicated?: boolean;
}

export type FaultKind =
	| 'serverError'
	| 'gatewayError'
	| 'dropConnection'
	| 'slowResponse'
	| 'rateLimitBurst'
	| 'respondWith'
	/** Shapes no answer: every issued token expires as the request arrives (see FaultControls.expireTokensOn). */
	| 'expireTokens';

/** Which requests a fault applies to. Default: every API request except the token endpoint. */
export interface FaultMatch {
	/** HTTP method, case-insensitive. */
	method?: string;
	/** Substring of the path. A path that matches the token endpoint makes the fault apply there too. */
	path?: string;
}

export interface FaultSpec {
	kind: FaultKind;
	remaining: number;
	match?: FaultMatch;
	status?: number;
	code?: number;
	afterApply?: boolean;
	delayMs?: number;
	resetSeconds?: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** Fires on every `every`-th matching request only (the others pass it by); unset: on each. */
	every?: number;
	/** Matching requests this fault has counted so far (with `every`). */
	seen?: number;
}

export interface FaultControls {
	/** Feishu-style JSON 5xx answer (default status 500, code 1160997-like internal error). */
	serverErrors(n: number, opts?: { status?: number; code?: number; match?: FaultMatch }): void;
	/**
	 * An HTML page, not JSON, as a load balancer in front of Feishu sends: 502 by default, or
	 * `status` (503 "Service Temporarily Unavailable", 504 …). With `every`, only every `every`-th
	 * matching request gets it (counted from now, whichever fault answers the others), n times in all.
	 */
	gatewayErrors(n: number, opts?: { status?: number; every?: number; match?: FaultMatch }): void;
	/** Destroy the socket without answering; with afterApply the write is applied first. */
	dropConnections(n: number, opts?: { afterApply?: boolean; match?: FaultMatch }): void;
	/**
	 * Answer only after delayMs. afterApply true: apply at once, hold the answer.
	 * afterApply false (default): hold the request, then handle it normally (a late apply).
	 */
	slowResponses(n: number, delayMs: number, opts?: { afterApply?: boolean; match?: FaultMatch }): void;
	/** 429 / 99991400 with x-ogw-ratelimit-* headers (default resetSeconds 1). */
	rateLimitBurst(n: number, resetSeconds?: number, opts?: { match?: FaultMatch }): void;
	/** A canned answer: JSON-encoded unless body is a string. */
	respondWith(
		n: number,
		status: number,
		body: unknown,
		opts?: { headers?: Record<string, string>; match?: FaultMatch },
	): void;
	/** Every issued token expires now. */
	expireAllTokens(): void;
	/**
	 * Every issued token expires as a matching request arrives, before it is handled (so that
	 * request is refused with 99991663): on every `every`-th one (default 1), n times in all. It
	 * answers no request itself: the request then meets the other faults and the API as usual.
	 */
	expireTokensOn(n: number, opts?: { every?: number; match?: FaultMatch }): void;
	/** Drop every pending fault. */
	clear(): void;
	/** Pending faults with their remaining counts (copies). */
	pending(): FaultSpec[];
}

export interface EmulatorCounters {
	tokenExchanges: number;
	rateLimited: number;
	faultsInjected: number;
	requests: number;
	/** Requests received per endpoint, whatever the answer (errors, 429s and injected faults included). */
	calls: Record<EndpointName, number>;
	applyCounts: Record<string, number>;
}

export interface Emulator {
	/** 'http://127.0.0.1:PORT' */
	readonly url: string;
	readonly port: number;
	readonly defaultApp: { appId: string; appSecret: string };
	readonly apps: readonly AppConfig[];
	/** Feishu's persistent connection (endpoint, sockets, pushed events, acks): see longConnection.ts. */
	readonly longConnection: LongConnectionControls;
	close(): Promise<void>;
	/** Back to the seeded state (or a new seed); clears log, counters, faults, tokens, client_tokens, runtime config. */
	reset(seed?: SeedData | number): void;
	/** key: assessment_id (19-digit string). The same Map instance survives reset(). */
	readonly assessments: Map<string, AssessmentRecord>;
	/** key: employment_id (CoreHR ID); employments without probation are not here. Survives reset(). */
	readonly probations: Map<string, ProbationRecord>;
	/** key: employment_id (CoreHR ID); every employment, with its person. The same Map instance survives reset(). */
	readonly employments: Map<string, EmploymentRecord>;
	/** Every API and token request (not /__emulator/), oldest first. Same array instance across reset(). */
	readonly requests: RequestLogEntry[];
	/** Successful POSTs to the token endpoint (right credentials), whether a new token or the cached one came back. */
	readonly tokenExchanges: number;
	readonly rateLimited: number;
	readonly faultsInjected: number;
	counters(): EmulatorCounters;
	/**
	 * How many writes really applied to that ID (client_token replays do not count): an assessment
	 * ID, or a probation_id for submit, withdraw and edit.
	 */
	applyCount(id: string): number;
	/** The tenant's assessment feature switch (enable_disable_assessment); a copy. */
	readonly assessmentFeature: AssessmentFeature;
	issuedTokens(): string[];
	expireAllTokens(): void;
	readonly faults: FaultControls;
	/** A number means that many per 60 s. */
	setWriteRateLimit(limit: RateLimitConfig | number | null): void;
	setReadRateLimit(limit: RateLimitConfig | number | null): void;
	/** Applies to tokens issued from now on. */
	setTokenLifetime(seconds: number): void;
	setLatency(ms: number): void;
	/** employees/search leaves these fields out (e.g. EMAIL_AND_NAME_FIELDS); [] shows all again. */
	setHiddenEmployeeFields(fields: readonly EmployeeField[]): void;
	/** Add n fresh assessments, each with a new employment; returns their IDs. */
	seedAssessments(n: number): string[];
	/** The grade options currently served. */
	gradeOptions(): GradeOptionConfig[];
}
