/**
 * Shared pieces for tests that push spreadsheet rows through the Update operation against the
 * emulator: the rows, what Feishu should hold afterwards, and the end-of-run bookkeeping check
 * (every row applied exactly once or reported as failed, nothing applied twice, no secrets).
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { AssessmentRecord, Emulator, RequestLogEntry } from '../../dev/emulator';
import type { MemoryCredentialsHelper, WorkflowRun } from '../../dev/harness/n8nCore';
import { runFeishu } from '../../dev/harness/n8nCore';
import { leakedSecrets, secretsOf } from '../../dev/harness/secrets';

export { updateParameters } from './updateParameters';

export const PATCH_PREFIX = '/open-apis/corehr/v2/probation/assessments/';

/** A spreadsheet row as it reaches the node: everything may be text. */
export interface Row extends IDataObject {
	id: string | number;
	status: string;
	final: boolean | string;
	result?: string;
	score?: number | string;
	comment?: string;
}

const STATUSES = ['completed', 'in_process', 'no_need', 'not_started'] as const;

/** One row per ID, each asking for values no seeded record has (the comment names the row). */
export function rowsFor(ids: string[], tag: string): Row[] {
	return ids.map((id, i) => ({
		id,
		status: STATUSES[i % STATUSES.length],
		final: i % 2 === 0,
		result: i % 3 === 0 ? 'rejected' : 'approved',
		score: (i % 100) + 0.5,
		comment: `${tag} row ${i}`,
	}));
}

/** The wire fields Feishu should hold after `row` was applied (rows built by rowsFor). */
export function expectedRecord(row: Row): Partial<AssessmentRecord> {
	return {
		assessment_status: row.status as AssessmentRecord['assessment_status'],
		is_final_asssessment: row.final === true || row.final === 'true',
		assessment_result: row.result as AssessmentRecord['assessment_result'],
		assessment_score: Number(row.score),
		assessment_comment: row.comment,
	};
}

export function snapshot(emulator: Emulator, ids: Iterable<string>): Map<string, AssessmentRecord | undefined> {
	const copy = new Map<string, AssessmentRecord | undefined>();
	for (const id of ids) {
		const record = emulator.assessments.get(id);
		copy.set(id, record ? { ...record } : undefined);
	}
	return copy;
}

export function patchesFor(emulator: Emulator, id: string): RequestLogEntry[] {
	return emulator.requests.filter((r) => r.method === 'PATCH' && r.path === `${PATCH_PREFIX}${id}`);
}

export function allPatches(emulator: Emulator): RequestLogEntry[] {
	return emulator.requests.filter((r) => r.method === 'PATCH');
}

export interface TimedRun extends WorkflowRun {
	items: INodeExecutionData[];
	ms: number;
}

export async function timedRun(
	credentials: MemoryCredentialsHelper,
	rows: IDataObject[],
	parameters: INodeParameters,
	options: { continueOnFail?: boolean; executionId?: string } = {},
): Promise<TimedRun> {
	const started = Date.now();
	const result = await runFeishu(credentials, rows, parameters, options);
	return { ...result, ms: Date.now() - started };
}

export interface Outcome {
	/** Indexes of rows the node reported as applied. */
	applied: number[];
	/** Index → the error message the user sees. */
	failed: Map<number, string>;
}

/**
 * The bookkeeping every run must pass. Rows in `ambiguous` may have failed after their write
 * reached Feishu (the answer was lost): Feishu may hold either the old or the asked-for values,
 * but never a second apply. Every expectation about a row names the row, so a failure points
 * at the case that failed.
 */
export function checkOutcome(
	emulator: Emulator,
	rows: Row[],
	run: TimedRun,
	before: Map<string, AssessmentRecord | undefined>,
	ambiguous: ReadonlySet<number> = new Set(),
): Outcome {
	expect(run.error).toBeUndefined();
	// No row is lost: one output item per row, in order, each paired with its row.
	expect(run.items).toHaveLength(rows.length);
	const outcome: Outcome = { applied: [], failed: new Map() };
	rows.forEach((row, i) => {
		const item = run.items[i];
		expect({ row: i, pairedItem: item.pairedItem }).toEqual({ row: i, pairedItem: { item: i } });
		const id = String(row.id);
		const record = emulator.assessments.get(id);
		if (item.json.updated === true) {
			outcome.applied.push(i);
			expect({ row: i, id: item.json.assessmentId }).toEqual({ row: i, id });
			expect({ row: i, record }).toEqual({ row: i, record: expect.objectContaining(expectedRecord(row)) });
			expect({ row: i, applies: emulator.applyCount(id) }).toEqual({ row: i, applies: 1 });
		} else {
			const message = item.json.error;
			// The reason names the row and says more than the row number.
			expect({ row: i, error: message }).toEqual({ row: i, error: expect.stringMatching(new RegExp(`^Item ${i + 1} \\(index ${i}\\): .{10,}`)) });
			outcome.failed.set(i, message as string);
			if (ambiguous.has(i)) {
				expect({ row: i, applies: emulator.applyCount(id) <= 1 }).toEqual({ row: i, applies: true });
				const untouched = JSON.stringify(record) === JSON.stringify(before.get(id));
				const asAsked = record !== undefined && Object.entries(expectedRecord(row)).every(([k, v]) => record[k as keyof AssessmentRecord] === v);
				expect({ row: i, untouchedOrAsAsked: untouched || asAsked }).toEqual({ row: i, untouchedOrAsAsked: true });
			} else {
				expect({ row: i, record }).toEqual({ row: i, record: before.get(id) });
				expect({ row: i, applies: emulator.applyCount(id) }).toEqual({ row: i, applies: 0 });
			}
		}
	});
	// Never more than one apply per assessment, whatever the row said.
	const counts = emulator.counters().applyCounts;
	expect(Object.entries(counts).filter(([, n]) => n > 1)).toEqual([]);
	expect(leakedSecrets([run.items, run.run, run.error], secretsOf(emulator))).toEqual([]);
	return outcome;
}

/** Lets held (slow) answers and their late applies finish before the state is read. */
export async function settle(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `action` synchronously when a matching request reaches the emulator, before it is
 * answered: e.g. "every token expires just as row 2's request arrives". Returns a disposer.
 */
export function onRequest(
	emulator: Emulator,
	matches: (entry: RequestLogEntry) => boolean,
	action: (entry: RequestLogEntry, nth: number) => void,
): () => void {
	const log = emulator.requests;
	let nth = 0;
	const push = Array.prototype.push;
	Object.defineProperty(log, 'push', {
		configurable: true,
		value(...entries: RequestLogEntry[]): number {
			const length = push.apply(log, entries);
			for (const entry of entries) if (matches(entry)) action(entry, ++nth);
			return length;
		},
	});
	return () => {
		delete (log as { push?: unknown }).push;
	};
}

/**
 * Update by employee, reading the row as a sheet would give it: `key` (employee number,
 * email or ID, as the mode says), `final` (empty: keep), `result` and `comment`.
 */
export function updateByEmployee(mode: 'employeeNumber' | 'email' | 'id', extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'probationAssessment',
		operation: 'update',
		assessmentBy: 'employee',
		employee: { __rl: true, mode, value: '={{ $json.key }}' },
		assessmentStatus: 'completed',
		isFinalAssessment: '={{ $json.final }}',
		additionalFields: { assessmentResult: '={{ $json.result }}', assessmentComment: '={{ $json.comment }}' },
		...extra,
	};
}
