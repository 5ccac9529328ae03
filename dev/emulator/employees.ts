import { pageOf } from './answers';
import type { SearchPage } from './answers';
import { enumObject } from './labels';
import type { EmulatorState } from './state';
import { EMPLOYEE_FIELDS, EMPLOYMENT_STATUSES } from './types';
import type { EmployeeField, EmploymentRecord, PersonInfo, UserIdType } from './types';
import { bodyRecord, readEnum, readStringList, shown } from './validation';
import type { Checked, FieldViolation } from './validation';

/** Feishu caps `fields` and every list filter of employees/search at 100 entries. */
export const EMPLOYEE_LIST_MAX = 100;

type Text = (e: EmploymentRecord) => string;

/** Exact-match filters: a list (any entry matches) or a single value, on one text of the employment. */
const EXACT_LISTS: Record<string, Text> = {
	employee_number_list: (e) => e.employee_number,
	email_address_list: (e) => e.email_address,
	phone_number_list: (e) => e.person_info.phone_number,
	preferred_local_full_name_list: (e) => e.person_info.preferred_local_full_name,
	preferred_english_full_name_list: (e) => e.person_info.preferred_english_full_name,
};
const EXACT_VALUES: Record<string, Text> = {
	work_email: (e) => e.email_address,
	phone_number: (e) => e.person_info.phone_number,
};
/** Searching by personal phone needs this field scope (the docs say so on both filters). */
export const PHONE_SEARCH_SCOPE = 'corehr:person.phone.search:read';
const PHONE_FILTERS = ['phone_number_list', 'phone_number'];

/** Where key_word looks: work email, employee number and names. */
const KEY_WORD_TEXTS: Text[] = [
	(e) => e.email_address,
	(e) => e.employee_number,
	(e) => e.person_info.preferred_name,
	(e) => e.person_info.preferred_local_full_name,
	(e) => e.person_info.preferred_english_full_name,
];

const OTHER_KEYS = ['fields', 'employment_id_list', 'key_word', 'employment_status'];
const KNOWN_KEYS = new Set([...Object.keys(EXACT_LISTS), ...Object.keys(EXACT_VALUES), ...OTHER_KEYS]);

const PERSON_KEYS: (keyof PersonInfo)[] = [
	'person_id',
	'preferred_name',
	'preferred_local_full_name',
	'preferred_english_full_name',
	'phone_number',
];
const personField = (key: keyof PersonInfo): EmployeeField => `person_info.${key}`;

export interface EmployeeQuery {
	/** Every one must hold (Feishu ANDs all filters). */
	tests: ((e: EmploymentRecord) => boolean)[];
	fields: Set<EmployeeField>;
	/** A phone filter was sent, which needs PHONE_SEARCH_SCOPE. */
	byPhone: boolean;
}

/** `fields` entries the emulator knows; `person_info` means all of it, and unknown names are ignored. */
function selectedFields(names: string[]): Set<EmployeeField> {
	const fields = new Set<EmployeeField>();
	for (const name of names) {
		if (name === 'person_info') PERSON_KEYS.forEach((k) => fields.add(personField(k)));
		else if ((EMPLOYEE_FIELDS as readonly string[]).includes(name)) fields.add(name as EmployeeField);
	}
	return fields;
}

/** `resolve` turns a sent employment ID (of the request's user_id_type) into a CoreHR ID. */
export function parseEmployeeSearchBody(
	body: unknown,
	resolve: (id: string) => string | undefined,
): Checked<EmployeeQuery> {
	const v: FieldViolation[] = [];
	const b = bodyRecord(body, v);
	const query: EmployeeQuery = { tests: [], fields: new Set(), byPhone: false };
	for (const key of Object.keys(b)) {
		// Feishu has ~40 more filters; answering as if one were not sent would be a quiet lie.
		if (!KNOWN_KEYS.has(key) && b[key] !== null) {
			v.push({ field: key, value: shown(b[key]), description: 'this filter is not modelled by the emulator' });
		}
	}
	const fields = readStringList(b, 'fields', v, EMPLOYEE_LIST_MAX);
	if (fields) query.fields = selectedFields(fields);

	for (const [name, text] of Object.entries(EXACT_LISTS)) {
		const list = readStringList(b, name, v, EMPLOYEE_LIST_MAX);
		if (!list) continue;
		const wanted = new Set(list);
		query.tests.push((e) => wanted.has(text(e)));
	}
	for (const [name, text] of Object.entries(EXACT_VALUES)) {
		const value = readEnum(b, name, null, v);
		if (value !== undefined) query.tests.push((e) => text(e) === value);
	}
	const ids = readStringList(b, 'employment_id_list', v, EMPLOYEE_LIST_MAX);
	if (ids) {
		const wanted = new Set(ids.flatMap((id) => resolve(id) ?? []));
		query.tests.push((e) => wanted.has(e.employment_id));
	}
	const keyWord = readEnum(b, 'key_word', null, v);
	if (keyWord) {
		// Feishu ranks by relevance; a case-insensitive substring is enough to tell who matches.
		const needle = keyWord.toLowerCase();
		query.tests.push((e) => KEY_WORD_TEXTS.some((text) => text(e).toLowerCase().includes(needle)));
	}
	const status = readEnum(b, 'employment_status', EMPLOYMENT_STATUSES, v);
	if (status) query.tests.push((e) => e.employment_status === status);
	query.byPhone = PHONE_FILTERS.some((name) => b[name] !== undefined && b[name] !== null);
	return v.length > 0 ? { ok: false, violations: v } : { ok: true, value: query };
}

/** How items are shown: employment_id in the request's type, and no field that is hidden. */
export interface EmployeeView {
	idType: UserIdType;
	hidden: ReadonlySet<EmployeeField>;
}

/** One page of employments, in the order they were added to the state. */
export function searchEmployees(
	state: EmulatorState,
	query: EmployeeQuery,
	offset: number,
	pageSize: number,
	view: EmployeeView,
): SearchPage {
	return pageOf(
		state.employments.values(),
		(e) => query.tests.every((test) => test(e)),
		offset,
		pageSize,
		(e) => employeeItem(e, query.fields, view),
	);
}

/** Nothing but employment_id unless asked for, and a hidden field is left out, not nulled. */
function employeeItem(
	e: EmploymentRecord,
	fields: ReadonlySet<EmployeeField>,
	view: EmployeeView,
): Record<string, unknown> {
	const shows = (f: EmployeeField): boolean => fields.has(f) && !view.hidden.has(f);
	const item: Record<string, unknown> = { employment_id: e.ids[view.idType] };
	if (shows('employee_number')) item.employee_number = e.employee_number;
	if (shows('email_address')) item.email_address = e.email_address;
	if (shows('employment_status')) item.employment_status = enumObject('employment_status', e.employment_status);
	const person: Record<string, unknown> = {};
	for (const key of PERSON_KEYS) if (shows(personField(key))) person[key] = e.person_info[key];
	if (Object.keys(person).length > 0) item.person_info = person;
	return item;
}
