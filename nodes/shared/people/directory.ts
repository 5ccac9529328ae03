import type { FeishuRequester } from '../transport';
import type { EmployeeItem, EmployeeSearchData } from '../transport/endpoints';
import { EMPLOYEE_FIELDS, SEARCH_PAGE_SIZE, USER_ID_TYPES, employees, probation } from '../transport/endpoints';
import type { AssessmentFound, EmployeeFound, ProbationFound } from './found';
import { text, toEmployeeFound, toProbationFound } from './found';
import { LookupError } from './lookupError';
import { searchPages } from './paging';
import { chooseProbation } from './probationChoice';

/** How a row names an employee. */
export type EmployeeKeyKind = 'employeeNumber' | 'email' | 'employmentId';

/** CoreHR's own ID type; the lookups by number and email use it throughout, the trigger's too. */
export const COREHR_ID_TYPE = USER_ID_TYPES.coreHr;

/** Per kind of key: the search's filter list, and the answer's field that says which key an employment matched. */
const FILTER_BY_KIND: Record<EmployeeKeyKind, { body: keyof EmployeeSearchData; field: keyof EmployeeItem; label: string }> = {
	employeeNumber: { body: 'employee_number_list', field: 'employee_number', label: 'employee numbers' },
	email: { body: 'email_address_list', field: 'email_address', label: 'work emails' },
	employmentId: { body: 'employment_id_list', field: 'employment_id', label: 'employment IDs' },
};

/** Emails match whatever their case; the other keys exactly. */
function normaliseKey(kind: EmployeeKeyKind, value: string): string {
	return kind === 'email' ? value.toLowerCase() : value;
}

function chunks<T>(list: readonly T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
	return out;
}

/**
 * One failed search serves many rows: each row gets its own error (the router labels it with the
 * row), saying it was a lookup and that nothing was written.
 */
async function asLookupError<T>(load: Promise<T>, what: string): Promise<T> {
	return await load.catch((error: unknown) => {
		if (error instanceof LookupError) throw new LookupError(error.message);
		const reason = error instanceof Error ? error.message : String(error);
		throw new LookupError(`Looking up the ${what} failed: ${reason}`);
	});
}

/** Marks a stored promise as handled (an item may never ask for it) while keeping its rejection for whoever awaits it. */
function kept<T>(promise: Promise<T>): Promise<T> {
	promise.catch(() => undefined);
	return promise;
}

/**
 * The run's lookups from people to employments to probations, batched and cached: keys are
 * collected first (`prefetch…`) and resolved with one search call per 100 of them, one call at a
 * time through the transport's read pacer; a key asked for later is served from the cache.
 */
export class Directory {
	private readonly employeeLoads = new Map<string, Promise<EmployeeFound[]>>();

	private readonly probationLoads = new Map<string, Promise<ProbationFound[]>>();

	/** The assessments of the probations read so far, so a write updates them in O(1). */
	private readonly assessmentsById = new Map<string, AssessmentFound[]>();

	/** Employee lookups whose employments' probations have not been asked for yet. */
	private unfollowed: Array<{ idType: string; load: Promise<EmployeeFound[]> }> = [];

	/** Searches go one after another, so the pacer and Feishu see one request at a time. */
	private queue: Promise<unknown> = Promise.resolve();

	constructor(private readonly client: FeishuRequester) {}

	/** Starts the lookups of many rows at once: each kind of key and ID type in batches of 100. */
	prefetch(refs: ReadonlyArray<{ kind: EmployeeKeyKind; idType: string; values: readonly string[] }>, employments: ReadonlyArray<{ id: string; idType: string }>): void {
		const groups = new Map<string, { kind: EmployeeKeyKind; idType: string; values: string[] }>();
		for (const ref of refs) {
			const group = groups.get(`${ref.kind}|${ref.idType}`) ?? { kind: ref.kind, idType: ref.idType, values: [] };
			group.values.push(...ref.values);
			groups.set(`${ref.kind}|${ref.idType}`, group);
		}
		for (const { kind, idType, values } of groups.values()) this.prefetchEmployees(kind, idType, values);
		const byType = new Map<string, string[]>();
		for (const { id, idType } of employments) byType.set(idType, [...(byType.get(idType) ?? []), id]);
		for (const [idType, ids] of byType) this.prefetchProbations(idType, ids);
	}

	prefetchEmployees(kind: EmployeeKeyKind, idType: string, values: readonly string[]): void {
		// Each spelling is sent as given (Feishu matches exactly); answers are matched back to the
		// spellings case-insensitively for emails, so every spelling of one address sees them all.
		const fresh = [...new Set(values)].filter((v) => !this.employeeLoads.has(`${kind}|${idType}|${v}`));
		for (const chunk of chunks(fresh, SEARCH_PAGE_SIZE)) {
			const load = this.enqueue(async () => await this.searchEmployees(kind, idType, chunk));
			for (const value of chunk) {
				const found = kept(load.then((byKey) => byKey.get(normaliseKey(kind, value)) ?? []));
				this.employeeLoads.set(`${kind}|${idType}|${value}`, found);
				this.unfollowed.push({ idType, load: found });
			}
		}
	}

	async employees(kind: EmployeeKeyKind, idType: string, value: string): Promise<EmployeeFound[]> {
		this.prefetchEmployees(kind, idType, [value]);
		return await asLookupError(this.employeeLoads.get(`${kind}|${idType}|${value}`)!, 'employees');
	}

	prefetchProbations(idType: string, employmentIds: readonly string[]): void {
		const fresh = [...new Set(employmentIds)].filter((id) => !this.probationLoads.has(`${idType}|${id}`));
		for (const chunk of chunks(fresh, SEARCH_PAGE_SIZE)) {
			const load = this.enqueue(async () => await this.searchProbations(idType, chunk));
			for (const id of chunk) this.probationLoads.set(`${idType}|${id}`, kept(load.then((byId) => byId.get(id) ?? [])));
		}
	}

	/** Once the employees asked for so far are known, asks for all their probations in batches. */
	async prefetchProbationsOfEmployees(): Promise<void> {
		const pending = this.unfollowed;
		this.unfollowed = [];
		const byType = new Map<string, string[]>();
		for (const { idType, load } of pending) {
			// A failed lookup fails its own rows later; it does not stop the others.
			const employees = await load.catch(() => [] as EmployeeFound[]);
			byType.set(idType, [...(byType.get(idType) ?? []), ...employees.map((e) => e.employmentId)]);
		}
		for (const [idType, ids] of byType) this.prefetchProbations(idType, ids);
	}

	async probations(idType: string, employmentId: string): Promise<ProbationFound[]> {
		this.prefetchProbations(idType, [employmentId]);
		return await asLookupError(this.probationLoads.get(`${idType}|${employmentId}`)!, 'probations');
	}

	/**
	 * A write of this run changed an assessment: later rows must see it as it is now, or "Keep
	 * Current Value" would send back a flag an earlier row changed, and a second "create it" row
	 * would create again.
	 */
	recordUpdate(assessmentId: string, isFinalAssessment: boolean): void {
		for (const a of this.assessmentsById.get(assessmentId) ?? []) a.isFinalAssessment = isFinalAssessment;
	}

	async recordCreated(idType: string, employmentId: string, created: AssessmentFound[]): Promise<void> {
		const load = this.probationLoads.get(`${idType}|${employmentId}`);
		const probations = load ? await load.catch(() => [] as ProbationFound[]) : [];
		let chosen: ProbationFound;
		try {
			// The probation the write chose, by the same rule.
			chosen = chooseProbation(`employment ${employmentId}`, probations);
		} catch {
			return;
		}
		chosen.assessments = [...(chosen.assessments ?? []), ...created];
		this.index(chosen);
	}

	/** Every assessment the run has read, by ID (one ID may be cached under two ID types of its employment). */
	private index(probation: ProbationFound): void {
		for (const a of probation.assessments ?? []) {
			const known = this.assessmentsById.get(a.assessmentId) ?? [];
			if (!known.includes(a)) this.assessmentsById.set(a.assessmentId, [...known, a]);
		}
	}

	private async enqueue<T>(work: () => Promise<T>): Promise<T> {
		const next = this.queue.then(work, work);
		this.queue = next.catch(() => undefined);
		return await next;
	}

	private async searchEmployees(kind: EmployeeKeyKind, idType: string, values: string[]): Promise<Map<string, EmployeeFound[]>> {
		const filter = FILTER_BY_KIND[kind];
		const items = await searchPages(this.client, employees.search, {
			params: { user_id_type: idType },
			data: { [filter.body]: values, fields: EMPLOYEE_FIELDS },
		});
		const byKey = new Map<string, EmployeeFound[]>();
		for (const item of items) {
			const found = toEmployeeFound(item);
			const raw = text(item[filter.field]);
			// Without the field the node cannot tell which row an answer belongs to; with one key it can.
			const key = raw !== undefined ? normaliseKey(kind, raw) : new Set(values.map((v) => normaliseKey(kind, v))).size === 1 ? normaliseKey(kind, values[0]) : undefined;
			if (key === undefined) {
				throw new LookupError(
					`Feishu found employees but did not return their ${filter.label}, so the node cannot tell which row each belongs to. The app may not read that field (a permission, or the tenant's field settings for the app): give it access, or identify the rows by another key.`,
				);
			}
			byKey.set(key, [...(byKey.get(key) ?? []), found]);
		}
		return byKey;
	}

	private async searchProbations(idType: string, employmentIds: string[]): Promise<Map<string, ProbationFound[]>> {
		const items = await searchPages(this.client, probation.search, { params: { user_id_type: idType }, data: { employment_ids: employmentIds } });
		const byId = new Map<string, ProbationFound[]>();
		for (const item of items) {
			const found = toProbationFound(item);
			this.index(found);
			byId.set(found.employmentId, [...(byId.get(found.employmentId) ?? []), found]);
		}
		return byId;
	}
}
