/**
 * Section 5: what finding the assessment by employee costs in read calls. A sheet of N rows naming
 * N different employees by employee number goes through Update (the node's current version, Find
 * Assessment By: Employee, the final assessment) in n8n-core's execution. The emulator's limits are off and the
 * node's pacing too, so the figure is the number of calls, not the time spent waiting for them.
 * Issue 10's budget: at most 50 read calls for 2,000 rows.
 *
 * Two sheets: (a) the numbers as text, as a sheet whose column is formatted as text gives them —
 * the headline figure; (b) the same numbers as JSON numbers, as a sheet that reads them as numbers
 * gives them: the node then also searches the spellings with leading zeros restored.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { EndpointName, RequestLogEntry } from '../dev/emulator';
import { runFeishu } from '../dev/harness/n8nCore';
import { benchEmulator, failedItems, fixed, freshCredentials, goal, line, NODE_NAME } from './common';

/** Issue 10: resolving a 2,000-row sheet costs at most 50 read calls. */
const BUDGET = { rows: 2_000, readCalls: 50 };

/** The generated person of employment k has employee number 100001 + k (dev/emulator/people.ts). */
function employeeNumber(k: number, asNumber: boolean): string | number {
	return asNumber ? 100_001 + k : String(100_001 + k);
}

/** Update by employee as a sheet user sets it up: the number from the row, the final assessment, its flag kept. */
function byEmployeeParameters(options: IDataObject = {}): INodeParameters {
	return {
		resource: 'probationAssessment',
		operation: 'update',
		assessmentBy: 'employee',
		// As the editor saves a resource locator set to "By Employee Number" with an expression.
		employee: { __rl: true, mode: 'employeeNumber', value: '={{ $json.employeeNumber }}' },
		// Every generated probation has exactly one final assessment (its last).
		whichAssessment: 'final',
		assessmentStatus: 'completed',
		options: options as INodeParameters,
	};
}

/** One search endpoint's calls: how many, how many were follow-up pages, the keys each carried. */
interface SearchCalls {
	calls: number;
	pages: number;
	keysPerCall: number[];
}

function searchCalls(log: readonly RequestLogEntry[], endpoint: EndpointName, listKey: string): SearchCalls {
	const entries = log.filter((entry) => entry.endpoint === endpoint);
	return {
		calls: entries.length,
		pages: entries.filter((entry) => entry.query.page_token !== undefined).length,
		keysPerCall: entries.map((entry) => {
			const list = (entry.body as IDataObject | undefined)?.[listKey];
			return Array.isArray(list) ? list.length : 0;
		}),
	};
}

/** "100×20" for twenty calls of 100 keys; "100×19, 37" when the last chunk is short. */
function chunkShape(keys: readonly number[]): string {
	const runs: Array<[number, number]> = [];
	for (const n of keys) {
		const last = runs[runs.length - 1];
		if (last !== undefined && last[0] === n) last[1]++;
		else runs.push([n, 1]);
	}
	return runs.map(([n, times]) => (times > 1 ? `${n}×${times}` : String(n))).join(', ') || '–';
}

export interface LookupResult {
	rows: number;
	readCalls: number;
	lookupsPer1k: number;
	writes: number;
	failed: number;
	misplaced: number;
	msPerRow: number;
}

export async function lookupCost(rowCount: number, asNumbers: boolean): Promise<LookupResult> {
	// As many generated employments as rows; limits off (benchEmulator), the log on to see each call's keys.
	const emulator = await benchEmulator({ seed: rowCount, logRequests: true });
	try {
		const rows = Array.from({ length: rowCount }, (_, k) => ({ employeeNumber: employeeNumber(k, asNumbers) }));
		const before = emulator.counters().calls;
		const started = performance.now();
		const result = await runFeishu(freshCredentials(emulator), rows, byEmployeeParameters({ maxRequestsPerMinute: 0 }), { continueOnFail: true });
		const wall = performance.now() - started;
		const after = emulator.counters().calls;
		const calls = (name: EndpointName): number => after[name] - before[name];

		const employees = searchCalls(emulator.requests, 'employeeSearch', 'employee_number_list');
		const probations = searchCalls(emulator.requests, 'probationSearch', 'employment_ids');
		const readCalls = calls('employeeSearch') + calls('probationSearch');
		const writes = calls('patch') + calls('create');
		const failed = failedItems(rowCount, result.items);
		// Each row written once, to the final assessment of the employee it names, which stays final.
		const misplaced = result.items.filter((item) => {
			const row = rows[(item.pairedItem as { item?: number } | undefined)?.item ?? -1];
			const assessment = emulator.assessments.get(String(item.json.assessmentId));
			const employment = assessment && emulator.employments.get(assessment.employment_id);
			return (
				item.json.updated === true &&
				(row === undefined || employment?.employee_number !== String(row.employeeNumber) || assessment?.is_final_asssessment !== true || emulator.applyCount(assessment.assessment_id) !== 1)
			);
		}).length;
		const task = result.run.data.resultData.runData[NODE_NAME]?.[0];
		const nodeMs = task?.executionTime ?? NaN;
		const out: LookupResult = {
			rows: rowCount,
			readCalls,
			lookupsPer1k: (readCalls / rowCount) * 1_000,
			writes,
			failed,
			misplaced,
			msPerRow: nodeMs / rowCount,
		};
		// The budget scales with the sheet: 50 per 2,000 rows is 25 per 1,000.
		const allowed = Math.floor((BUDGET.readCalls / BUDGET.rows) * rowCount);
		const budget = `≤ ${allowed} read calls for ${rowCount} rows${rowCount === BUDGET.rows ? '' : ', i.e. 50 per 2,000'}`;
		const keysPerRow = employees.keysPerCall.reduce((sum, n) => sum + n, 0) / rowCount;

		line(`rows (one employee number each, as ${asNumbers ? 'numbers' : 'text'})`, String(rowCount));
		line('read calls', String(readCalls), goal(readCalls <= allowed, budget));
		line('  employees/search', String(calls('employeeSearch')), `keys per call ${chunkShape(employees.keysPerCall)} (${fixed(keysPerRow, 1)} per row); ${employees.pages} follow-up pages`);
		line('  probation/search', String(calls('probationSearch')), `employment IDs per call ${chunkShape(probations.keysPerCall)}; ${probations.pages} follow-up pages`);
		line('lookups per 1,000 rows', fixed(out.lookupsPer1k, 1));
		line('writes (PATCH + create)', String(writes), `grades: ${calls('grades')}, token exchanges: ${calls('token')}`);
		line('failed rows', String(failed), goal(failed === 0, '0'));
		if (misplaced > 0) line('WRITTEN TO THE WRONG ASSESSMENT (or not once)', String(misplaced));
		line('ms per row (node executionTime)', fixed(out.msPerRow, 2), `whole run ${fixed(wall / 1000, 1)} s wall clock`);
		if (failed > 0) {
			const first = result.items.find((item) => item.json.error !== undefined)?.json.error;
			if (first !== undefined) line('  first error', String(first).slice(0, 300));
		}
		return out;
	} finally {
		await emulator.close();
	}
}
