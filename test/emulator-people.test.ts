import axios from 'axios';
import type { AxiosInstance } from 'axios';
import {
	EMAIL_AND_NAME_FIELDS,
	EMPLOYEE_SEARCH_PATH,
	PEOPLE_CASES,
	PEOPLE_SEED,
	PROBATION_SEARCH_PATH,
	startEmulator,
	TOKEN_PATH,
	UNKNOWN_EMPLOYEE,
	USER_ID_TYPES,
} from '../dev/emulator';
import type { Emulator, UserIdType } from '../dev/emulator';

const CREATE = '/open-apis/corehr/v2/probation/assessments';
const ALL_FIELDS = ['employee_number', 'email_address', 'employment_status', 'person_info'];

interface FeishuBody {
	code: number;
	msg: string;
	data?: { items?: Item[]; has_more?: boolean; page_token?: string; assessment_ids?: string[] };
	error?: {
		field_violations?: { field: string; value: string; description: string }[];
		permission_violations?: { scope: string }[];
	};
	tenant_access_token?: string;
}

interface Item {
	employment_id: string;
	employee_number?: string;
	email_address?: string;
	employment_status?: { enum_name: string; display: { lang: string; value: string }[] };
	person_info?: Record<string, string>;
	initiator_id?: string;
	probation_status?: { enum_name: string };
	assessments?: { assessment_id: string; is_final_asssessment: boolean }[];
	final_assessment_status?: unknown;
}

let emu: Emulator;
let api: AxiosInstance;

async function authedClient(e: Emulator, appId = e.defaultApp.appId, appSecret = e.defaultApp.appSecret): Promise<AxiosInstance> {
	const c = axios.create({ baseURL: e.url, validateStatus: () => true, proxy: false });
	const token = (await c.post<FeishuBody>(TOKEN_PATH, { app_id: appId, app_secret: appSecret })).data.tenant_access_token;
	c.defaults.headers.common.Authorization = `Bearer ${token}`;
	return c;
}

/** employees/search, page_size 100 unless the query says otherwise. */
async function employees(body: unknown, query = '', client: AxiosInstance = api): Promise<FeishuBody> {
	const qs = query.includes('page_size') ? query : `page_size=100${query ? `&${query}` : ''}`;
	return (await client.post<FeishuBody>(`${EMPLOYEE_SEARCH_PATH}?${qs}`, body)).data;
}

async function found(body: Record<string, unknown>, query = ''): Promise<Item[]> {
	const res = await employees(body, query);
	expect(res.code).toBe(0);
	return res.data?.items ?? [];
}

async function probations(body: Record<string, unknown>, idType: UserIdType): Promise<Item[]> {
	const res = await api.post<FeishuBody>(`${PROBATION_SEARCH_PATH}?page_size=100&user_id_type=${idType}`, body);
	expect(res.data.code).toBe(0);
	return res.data.data?.items ?? [];
}

const employmentOf = (corehrId: string) => emu.employments.get(corehrId)!;

beforeAll(async () => {
	emu = await startEmulator({ seed: PEOPLE_SEED });
});
afterAll(async () => await emu.close());
beforeEach(async () => {
	emu.reset();
	api = await authedClient(emu);
});

describe('people in the seed', () => {
	it('keeps seed 20 as the sample sheet knows it, its people named as in the sheet, and the cases after it', () => {
		const employments = [...emu.employments.values()];
		const caseEmployments = Object.values(PEOPLE_CASES).flatMap((c) => c.employments);
		expect(employments).toHaveLength(20 + caseEmployments.length);
		// IDs from test/e2e/fixtures/probation-reviews-by-assessment-id.csv (row 1, row 2 and row 28) still name the same assessments.
		const first = emu.assessments.get('7140964208476371331')!;
		expect(first.employment_id).toBe('7140964208476371111');
		expect(emu.assessments.get('7140964208476379250')?.employment_id).toBe('7140964208476379030');
		expect(emu.assessments.get('7140964208476585144')?.assessment_status).toBe('completed');
		expect(employments[0].person_info).toMatchObject({ preferred_local_full_name: '张三', preferred_english_full_name: 'Zhang San' });
		expect(employments[1].person_info.preferred_local_full_name).toBe('李四');
		expect(employments[19].person_info.preferred_english_full_name).toBe('Feng Qian');
		expect(employments.slice(20).map((e) => e.employment_id)).toEqual(caseEmployments.map((e) => e.employmentId));
	});

	it('gives every employment an ID of every type, deterministic and distinct', async () => {
		const again = await startEmulator({ seed: PEOPLE_SEED });
		try {
			expect([...again.employments.values()]).toEqual([...emu.employments.values()]);
		} finally {
			await again.close();
		}
		for (const e of emu.employments.values()) {
			expect(e.ids.people_corehr_id).toBe(e.employment_id);
			expect(e.employment_id).toMatch(/^\d{19}$/);
			expect(e.ids.open_id).toMatch(/^ou_[0-9a-f]{32}$/);
			expect(e.ids.union_id).toMatch(/^on_[0-9a-f]{32}$/);
			expect(e.ids.user_id).toMatch(/^[0-9a-f]{8}$/);
			expect(e.person_info.person_id).toMatch(/^\d{19}$/);
			expect(typeof e.employee_number).toBe('string');
		}
		for (const type of USER_ID_TYPES) {
			const ids = [...emu.employments.values()].map((e) => e.ids[type]);
			expect(new Set(ids).size).toBe(ids.length);
		}
	});

	it('describes each people case exactly as the state holds it', () => {
		for (const c of Object.values(PEOPLE_CASES)) {
			for (const e of c.employments) {
				expect(employmentOf(e.employmentId)).toMatchObject({
					ids: e.ids,
					employee_number: c.employeeNumber,
					email_address: c.email,
					employment_status: e.status,
					person_info: { person_id: c.personId, preferred_local_full_name: c.localName, preferred_english_full_name: c.englishName, phone_number: c.phone },
				});
				const probation = emu.probations.get(e.employmentId);
				expect(probation?.assessment_ids ?? null).toEqual(e.probation?.assessmentIds ?? null);
			}
			expect(c.current.status).toBe('hired');
		}
		expect(PEOPLE_CASES.leadingZeros.employeeNumber).toBe('000123');
		expect(PEOPLE_CASES.numericLooking.employeeNumber).toBe('030123');
		expect(PEOPLE_CASES.withoutProbation.current.probation).toBeNull();
		expect(PEOPLE_CASES.severalNonFinal.current.probation).toMatchObject({ finalAssessmentId: null });
		expect(PEOPLE_CASES.severalNonFinal.current.probation?.assessmentIds).toHaveLength(2);
	});

	it('leaves other seeds without the cases, and gives their people generated values', async () => {
		const e = await startEmulator({ seed: 3 });
		try {
			expect(e.employments.size).toBe(3);
			expect(e.probations.size).toBe(3);
			expect([...e.employments.values()].map((x) => x.employee_number)).toEqual(['100001', '100002', '100003']);
			// seedAssessments continues the generated people.
			e.seedAssessments(1);
			expect([...e.employments.values()][3].person_info.preferred_english_full_name).toBe('Zhao Liu');
		} finally {
			await e.close();
		}
		// The default seed's three people are the first three of the sheet, too.
		const demo = await startEmulator();
		try {
			expect([...demo.employments.values()].map((x) => x.person_info.preferred_local_full_name)).toEqual(['张三', '李四', '王五']);
		} finally {
			await demo.close();
		}
	});

	it('takes people, a rehire and an employment without probation from an explicit seed', async () => {
		const person = { person_id: '7140964208476399999', preferred_local_full_name: '测试' };
		const e = await startEmulator({
			seed: {
				employments: [
					{ employee_number: '007', employment_status: 'terminated', person_info: person, probation_start_date: '2024-01-01', probation_expected_end_date: '2024-04-01' },
					{ employee_number: '007', person_info: person, without_probation: true },
				],
			},
		});
		try {
			const [old, current] = [...e.employments.values()];
			expect(old.person_info.person_id).toBe(current.person_info.person_id);
			expect(old.person_info.preferred_local_full_name).toBe('测试');
			expect(old.person_info.preferred_english_full_name).toBe('Zhang San'); // not given: generated
			expect([old.employment_status, current.employment_status]).toEqual(['terminated', 'hired']);
			expect([...e.probations.keys()]).toEqual([old.employment_id]);
		} finally {
			await e.close();
		}
	});
});

describe('employees/search: request checks', () => {
	it.each([
		['no page_size', 'user_id_type=open_id', 'page_size'],
		['page_size 0', 'page_size=0', 'page_size'],
		['page_size 101', 'page_size=101', 'page_size'],
		['page_size abc', 'page_size=abc', 'page_size'],
		['a foreign page_token', 'page_size=10&page_token=abc', 'page_token'],
		['an unknown user_id_type', 'page_size=10&user_id_type=email', 'user_id_type'],
		['an unknown department_id_type', 'page_size=10&department_id_type=x', 'department_id_type'],
	])('refuses %s (%s) with 99992402 naming %s', async (_name, query, field) => {
		const res = await api.post<FeishuBody>(`${EMPLOYEE_SEARCH_PATH}?${query}`, {});
		expect([res.status, res.data.code]).toEqual([400, 99992402]);
		expect(res.data.error?.field_violations?.map((v) => v.field)).toContain(field);
	});

	it.each([
		['a list of 101 numbers', { employee_number_list: Array.from({ length: 101 }, (_, i) => String(i)) }, 'employee_number_list'],
		['101 fields', { fields: Array.from({ length: 101 }, () => 'employee_number') }, 'fields'],
		['101 employment IDs', { employment_id_list: Array.from({ length: 101 }, () => 'ou_x') }, 'employment_id_list'],
		['a number instead of a list', { employee_number_list: [123] }, 'employee_number_list'],
		['an unknown employment_status', { employment_status: 'active' }, 'employment_status'],
		['a filter the emulator does not model', { department_id_list: ['1'] }, 'department_id_list'],
		['a body that is not an object', ['000123'], 'body'],
	])('refuses %s with 99992402', async (_name, body, field) => {
		const res = await employees(body);
		expect(res.code).toBe(99992402);
		expect(res.error?.field_violations?.map((v) => v.field)).toContain(field);
	});

	it('takes exactly 100 entries, an empty body, and no body at all', async () => {
		const list = [PEOPLE_CASES.leadingZeros.employeeNumber, ...Array.from({ length: 99 }, (_, i) => `x${i}`)];
		expect(await found({ employee_number_list: list })).toHaveLength(1);
		expect(await found({})).toHaveLength(emu.employments.size);
		const none = await api.post<FeishuBody>(`${EMPLOYEE_SEARCH_PATH}?page_size=5`);
		expect(none.data.data?.items).toHaveLength(5);
	});

	it('needs an employee read scope (99991672 names both), not the probation ones', async () => {
		const e = await startEmulator({
			seed: PEOPLE_SEED,
			apps: [
				{ appId: 'cli_noemployee', appSecret: 's', missingScopes: ['corehr:employee:read', 'corehr:employee:write'] },
				{ appId: 'cli_writeonly', appSecret: 's', missingScopes: ['corehr:employee:read', 'corehr:probation:read', 'corehr:probation:write'] },
			],
		});
		try {
			const refused = await employees({}, '', await authedClient(e, 'cli_noemployee', 's'));
			expect(refused.code).toBe(99991672);
			expect(refused.error?.permission_violations?.map((p) => p.scope)).toEqual(['corehr:employee:read', 'corehr:employee:write']);
			const writeOnly = await authedClient(e, 'cli_writeonly', 's');
			expect((await employees({}, '', writeOnly)).code).toBe(0);
			expect((await writeOnly.post<FeishuBody>(`${PROBATION_SEARCH_PATH}?page_size=1`, {})).data.code).toBe(99991672);
		} finally {
			await e.close();
		}
	});
});

describe('employees/search: fields', () => {
	const { leadingZeros } = PEOPLE_CASES;

	it('returns nothing but employment_id (in open_id, the default) unless asked', async () => {
		const [item] = await found({ employee_number_list: [leadingZeros.employeeNumber] });
		expect(item).toEqual({ employment_id: leadingZeros.current.ids.open_id });
	});

	it('returns what `fields` names: top-level names, dotted person_info paths, and enum objects', async () => {
		const [all] = await found({ employee_number_list: [leadingZeros.employeeNumber], fields: ALL_FIELDS });
		expect(all).toEqual({
			employment_id: leadingZeros.current.ids.open_id,
			employee_number: '000123',
			email_address: 'huang.li@example.com',
			employment_status: { enum_name: 'hired', display: [{ lang: 'zh-CN', value: '在职' }, { lang: 'en-US', value: 'Hired' }] },
			person_info: {
				person_id: leadingZeros.personId,
				preferred_name: '黄丽',
				preferred_local_full_name: '黄丽',
				preferred_english_full_name: 'Huang Li',
				phone_number: leadingZeros.phone,
			},
		});
		const [some] = await found({
			employee_number_list: [leadingZeros.employeeNumber],
			fields: ['person_info.preferred_local_full_name', 'employee_number', 'no_such_field', 'person_info.nope'],
		});
		expect(some).toEqual({
			employment_id: leadingZeros.current.ids.open_id,
			employee_number: '000123',
			person_info: { preferred_local_full_name: '黄丽' },
		});
	});

	it('leaves out email and names when they are hidden (as a missing field scope does), and shows them again', async () => {
		emu.setHiddenEmployeeFields(EMAIL_AND_NAME_FIELDS);
		const body = { email_address_list: [leadingZeros.email], fields: ALL_FIELDS };
		const [hidden] = await found(body);
		expect(hidden).not.toHaveProperty('email_address');
		expect(hidden.person_info).toEqual({ person_id: leadingZeros.personId, phone_number: leadingZeros.phone });
		expect(hidden.employee_number).toBe('000123'); // filters still work; only the answer is thinner
		emu.setHiddenEmployeeFields([]);
		expect((await found(body))[0].email_address).toBe(leadingZeros.email);
	});

	it('hides fields through the admin API and startEmulator, and reset() restores the option', async () => {
		const bad = await axios.post(`${emu.url}/__emulator/config`, { hiddenEmployeeFields: ['email'] }, { validateStatus: () => true, proxy: false });
		expect(bad.status).toBe(400);
		await axios.post(`${emu.url}/__emulator/config`, { hiddenEmployeeFields: ['email_address'] }, { proxy: false });
		const body = { employee_number_list: [leadingZeros.employeeNumber], fields: ['email_address', 'employee_number'] };
		expect(await found(body)).toEqual([{ employment_id: leadingZeros.current.ids.open_id, employee_number: '000123' }]);
		emu.reset();
		api = await authedClient(emu);
		expect((await found(body))[0].email_address).toBe(leadingZeros.email);

		const e = await startEmulator({ seed: PEOPLE_SEED, hiddenEmployeeFields: ['person_info.preferred_name'] });
		try {
			const res = await employees({ ...body, fields: ['person_info'] }, '', await authedClient(e));
			const [item] = res.data?.items ?? [];
			expect(item.person_info).not.toHaveProperty('preferred_name');
			expect(item.person_info?.preferred_local_full_name).toBe('黄丽');
		} finally {
			await e.close();
		}
	});

	it('leaves out the phone without a phone field scope, and refuses a phone filter without the phone search scope', async () => {
		const e = await startEmulator({
			seed: PEOPLE_SEED,
			apps: [{ appId: 'cli_nophone', appSecret: 's', missingScopes: ['corehr:person.phone:read', 'corehr:person.phone:write', 'corehr:person.phone.search:read'] }],
		});
		try {
			const c = await authedClient(e, 'cli_nophone', 's');
			const res = await employees({ employee_number_list: ['000123'], fields: ['person_info'] }, '', c);
			expect(res.data?.items?.[0].person_info).not.toHaveProperty('phone_number');
			expect(res.data?.items?.[0].person_info?.preferred_name).toBe('黄丽');
			const byPhone = await employees({ phone_number_list: [leadingZeros.phone] }, '', c);
			expect(byPhone.code).toBe(1160017);
			expect(byPhone.error?.permission_violations?.[0].scope).toBe('corehr:person.phone.search:read');
		} finally {
			await e.close();
		}
	});
});

describe('employees/search: filters', () => {
	const { leadingZeros, numericLooking, droppedZerosTwin, rehired, sameNameA, sameNameB } = PEOPLE_CASES;
	const corehr = async (body: Record<string, unknown>): Promise<string[]> =>
		(await found(body, 'user_id_type=people_corehr_id')).map((i) => i.employment_id);

	it('matches employee numbers exactly, as text: leading zeros count', async () => {
		expect(await corehr({ employee_number_list: ['000123'] })).toEqual([leadingZeros.current.employmentId]);
		expect(await corehr({ employee_number_list: ['123'] })).toEqual([]);
		expect(await corehr({ employee_number_list: ['030123'] })).toEqual([numericLooking.current.employmentId]);
		expect(await corehr({ employee_number_list: ['30123'] })).toEqual([droppedZerosTwin.current.employmentId]);
		expect(await corehr({ employee_number_list: ['030123', '30123', UNKNOWN_EMPLOYEE.employeeNumber] })).toEqual([
			numericLooking.current.employmentId,
			droppedZerosTwin.current.employmentId,
		]);
	});

	it('matches work emails, phones and names exactly, alone or as work_email / phone_number', async () => {
		expect(await corehr({ email_address_list: [leadingZeros.email, UNKNOWN_EMPLOYEE.email] })).toEqual([leadingZeros.current.employmentId]);
		expect(await corehr({ work_email: leadingZeros.email })).toEqual([leadingZeros.current.employmentId]);
		expect(await corehr({ email_address_list: ['HUANG.LI@example.com'] })).toEqual([]);
		expect(await corehr({ phone_number_list: [leadingZeros.phone] })).toEqual([leadingZeros.current.employmentId]);
		expect(await corehr({ phone_number: leadingZeros.phone })).toEqual([leadingZeros.current.employmentId]);
		expect(await corehr({ preferred_local_full_name_list: ['王伟'] })).toEqual([sameNameA.current.employmentId, sameNameB.current.employmentId]);
		expect(await corehr({ preferred_english_full_name_list: ['Wang Wei'] })).toHaveLength(2);
		expect(await corehr({ preferred_local_full_name_list: ['王'] })).toEqual([]);
	});

	it('key_word finds a part of a name, email or employee number, in any case', async () => {
		expect(await corehr({ key_word: '王伟' })).toEqual([sameNameA.current.employmentId, sameNameB.current.employmentId]);
		expect(await corehr({ key_word: 'wang wei' })).toHaveLength(2);
		expect(await corehr({ key_word: 'HUANG.LI@' })).toEqual([leadingZeros.current.employmentId]);
		expect(await corehr({ key_word: '0301' })).toEqual([numericLooking.current.employmentId]);
		// "30123" is inside "030123" too: a keyword is fuzzy, not an identification.
		expect(await corehr({ key_word: '30123' })).toHaveLength(2);
		expect(await corehr({ key_word: '' })).toHaveLength(emu.employments.size);
	});

	it('filters by employment status and ANDs every filter', async () => {
		expect(await corehr({ employee_number_list: [rehired.employeeNumber] })).toEqual(rehired.employments.map((e) => e.employmentId));
		expect(await corehr({ employee_number_list: [rehired.employeeNumber], employment_status: 'hired' })).toEqual([rehired.current.employmentId]);
		expect(await corehr({ employment_status: 'terminated' })).toEqual([rehired.employments[0].employmentId]);
		expect(await corehr({ key_word: '王伟', email_address_list: [sameNameB.email] })).toEqual([sameNameB.current.employmentId]);
		expect(await corehr({ employee_number_list: ['000123'], email_address_list: [sameNameA.email] })).toEqual([]);
	});

	it.each(USER_ID_TYPES.map((t) => [t]))('finds and answers employment IDs as %s', async (idType) => {
		const ids = leadingZeros.current.ids;
		const items = await found({ employment_id_list: [ids[idType], 'ou_unknown'] }, `user_id_type=${idType}`);
		expect(items).toEqual([{ employment_id: ids[idType] }]);
	});

	it('accepts a 19-digit CoreHR ID under any type (emulator lenience) but answers in the type asked for', async () => {
		const { ids } = leadingZeros.current;
		expect(await found({ employment_id_list: [ids.people_corehr_id] })).toEqual([{ employment_id: ids.open_id }]);
		// The other way round is not lenient: an open_id is no CoreHR ID.
		expect(await found({ employment_id_list: [ids.open_id] }, 'user_id_type=people_corehr_id')).toEqual([]);
		expect(await found({ employment_id_list: [ids.union_id] }, 'user_id_type=open_id')).toEqual([]);
	});

	it('pages with has_more and page_token, each employment once, no total', async () => {
		const seen: string[] = [];
		let token: string | undefined;
		let calls = 0;
		do {
			const res = await employees({ fields: ['employee_number'] }, `page_size=7${token ? `&page_token=${token}` : ''}`);
			expect(res.code).toBe(0);
			expect(res.data).not.toHaveProperty('total');
			seen.push(...(res.data?.items ?? []).map((i) => i.employment_id));
			token = res.data?.has_more ? res.data.page_token : undefined;
			if (!res.data?.has_more) expect(res.data).not.toHaveProperty('page_token');
			calls++;
		} while (token);
		expect(seen).toEqual([...emu.employments.values()].map((e) => e.ids.open_id));
		expect(calls).toBe(Math.ceil(emu.employments.size / 7));
	});
});

describe('employment IDs by user_id_type across calls', () => {
	const { leadingZeros, rehired, withoutProbation, severalNonFinal } = PEOPLE_CASES;

	it.each(USER_ID_TYPES.map((t) => [t]))('%s: employees/search → probation/search → create all speak the same ID', async (idType) => {
		const [person] = await found({ employee_number_list: [leadingZeros.employeeNumber] }, `user_id_type=${idType}`);
		expect(person.employment_id).toBe(leadingZeros.current.ids[idType]);
		const [probation] = await probations({ employment_ids: [person.employment_id] }, idType);
		expect(probation.employment_id).toBe(person.employment_id);
		expect(probation.assessments?.map((a) => a.assessment_id)).toEqual(leadingZeros.current.probation?.assessmentIds);
		const created = await api.post<FeishuBody>(`${CREATE}?user_id_type=${idType}`, {
			employment_id: person.employment_id,
			assessments: [{ assessment_status: 'not_started', is_final_asssessment: false }],
		});
		expect(created.data.code).toBe(0);
		const [newId] = created.data.data?.assessment_ids ?? [];
		expect(emu.assessments.get(newId)?.employment_id).toBe(leadingZeros.current.employmentId);
	});

	it('answers probation/search in open_id by default, also for initiator_id, and takes 19-digit IDs leniently', async () => {
		const all = await probations({}, 'open_id');
		expect(all).toHaveLength(emu.probations.size);
		expect(all.every((p) => p.employment_id.startsWith('ou_'))).toBe(true);
		const started = all.filter((p) => p.initiator_id);
		expect(started.length).toBeGreaterThan(0);
		for (const p of started) expect(p.initiator_id).toMatch(/^ou_/);
		const byCoreHrId = await probations({ employment_ids: [leadingZeros.current.employmentId] }, 'open_id');
		expect(byCoreHrId.map((p) => p.employment_id)).toEqual([leadingZeros.current.ids.open_id]);
		// An open_id sent as a CoreHR ID names nothing.
		expect(await probations({ employment_ids: [leadingZeros.current.ids.open_id] }, 'people_corehr_id')).toEqual([]);
	});

	it('refuses create for an ID of the wrong type, and for an employment without probation (1162010)', async () => {
		const body = (employmentId: string) => ({ employment_id: employmentId, assessments: [{ assessment_status: 'not_started', is_final_asssessment: false }] });
		const size = emu.assessments.size;
		const wrongType = await api.post<FeishuBody>(`${CREATE}?user_id_type=people_corehr_id`, body(leadingZeros.current.ids.open_id));
		expect([wrongType.status, wrongType.data.code]).toEqual([400, 1162010]);
		const noProbation = await api.post<FeishuBody>(CREATE, body(withoutProbation.current.ids.open_id));
		expect([noProbation.status, noProbation.data.code]).toEqual([400, 1162010]);
		expect(noProbation.data.msg).toMatch(/probation/);
		expect(emu.assessments.size).toBe(size);
	});

	it('shows the special cases as a by-employee lookup meets them', async () => {
		// A rehire: one person, two employments, each with its own probation; the old one offboarded.
		const rehire = await found({ employee_number_list: [rehired.employeeNumber], fields: ['employment_status', 'person_info.person_id'] });
		expect(rehire.map((i) => i.employment_status?.enum_name)).toEqual(['terminated', 'hired']);
		expect(new Set(rehire.map((i) => i.person_info?.person_id)).size).toBe(1);
		const rehireProbations = await probations({ employment_ids: rehire.map((i) => i.employment_id) }, 'open_id');
		expect(rehireProbations.map((p) => p.probation_status?.enum_name)).toEqual(['offboarded', 'waiting']);
		// No probation: employees/search finds the person, probation/search nothing.
		const [alone] = await found({ email_address_list: [withoutProbation.email] });
		expect(await probations({ employment_ids: [alone.employment_id] }, 'open_id')).toEqual([]);
		// Several non-final assessments: no final one, so no final_* fields either.
		const [several] = await probations({ employment_ids: [severalNonFinal.current.ids.open_id] }, 'open_id');
		expect(several.assessments?.map((a) => a.is_final_asssessment)).toEqual([false, false]);
		expect(several).not.toHaveProperty('final_assessment_status');
		// Nobody.
		expect(await found({ employee_number_list: [UNKNOWN_EMPLOYEE.employeeNumber] })).toEqual([]);
		expect(await found({ email_address_list: [UNKNOWN_EMPLOYEE.email] })).toEqual([]);
	});
});

describe('counting lookups', () => {
	it('counts employees/search and probation/search per endpoint (also with the log off) and tags log entries', async () => {
		await employees({});
		await employees({}, 'page_size=0');
		await probations({}, 'open_id');
		expect(emu.counters().calls).toMatchObject({ employeeSearch: 2, probationSearch: 1, token: 1, create: 0 });
		expect(emu.requests.filter((r) => r.endpoint === 'employeeSearch').map((r) => r.status)).toEqual([200, 400]);
		expect(emu.requests.filter((r) => r.endpoint === 'probationSearch')).toHaveLength(1);

		await axios.post(`${emu.url}/__emulator/config`, { logRequests: false }, { proxy: false });
		await employees({});
		expect(emu.counters().calls.employeeSearch).toBe(3);
		expect(emu.requests.filter((r) => r.endpoint === 'employeeSearch')).toHaveLength(2);
		const state = await axios.get<{ counters: { calls: Record<string, number> }; employments: unknown[] }>(`${emu.url}/__emulator/state`, { proxy: false });
		expect(state.data.counters.calls.employeeSearch).toBe(3);
		expect(state.data.employments).toHaveLength(emu.employments.size);
		emu.reset();
		expect(emu.counters().calls.employeeSearch).toBe(0);
	});

	it('puts employees/search under the read rate limit, with probation search', async () => {
		emu.setReadRateLimit({ limit: 2, windowMs: 60_000 });
		expect((await employees({})).code).toBe(0);
		expect((await probations({}, 'open_id')).length).toBeGreaterThan(0);
		const limited = await api.post<FeishuBody>(`${EMPLOYEE_SEARCH_PATH}?page_size=1`, {});
		expect([limited.status, limited.data.code]).toEqual([429, 99991400]);
		expect(limited.headers['x-ogw-ratelimit-limit']).toBe('2');
	});

	it('applies injected faults to employees/search like any API call', async () => {
		emu.faults.rateLimitBurst(1, 3, { match: { path: EMPLOYEE_SEARCH_PATH } });
		const burst = await api.post<FeishuBody>(`${EMPLOYEE_SEARCH_PATH}?page_size=1`, {});
		expect([burst.status, burst.headers['x-ogw-ratelimit-reset'], burst.headers['x-ogw-ratelimit-limit']]).toEqual([429, '3', '1000']);
		expect((await employees({})).code).toBe(0);
	});
});
