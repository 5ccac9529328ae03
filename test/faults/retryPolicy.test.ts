/**
 * What is retried and what is not, and the client token that makes a retry safe.
 */
import type { Emulator } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { checkOutcome, patchesFor, rowsFor, snapshot, timedRun, updateParameters } from '../helpers/updateRun';
import { withEmulator } from '../helpers/emulatorFixture';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;

withEmulator((e, c) => {
	emulator = e;
	credentials = c;
});

const only = (id: string) => ({ match: { path: id } });

describe('requests Feishu refused are never retried', () => {
	it.each([
		['field validation failed (400, 99992402)', 400, { code: 99992402, msg: 'field validation failed', error: { field_violations: [{ field: 'assessment_score', value: '1e9', description: 'out of range' }] } }],
		['object does not exist (400, 1162010)', 400, { code: 1162010, msg: 'object does not exist' }],
		['no permission (403, 99991672)', 403, { code: 99991672, msg: 'Access denied. One of the following scopes is required' }],
		['not found (404, Feishu JSON)', 404, { code: 1254000, msg: 'not found' }],
		['an unknown 4xx code (409)', 409, { code: 1161025, msg: 'conflict' }],
	])('%s: exactly one request, the row fails, the next rows go on', async (_what, status, body) => {
		const ids = emulator.seedAssessments(3);
		const rows = rowsFor(ids, '4xx');
		const before = snapshot(emulator, ids);
		// Enough copies that a retry would meet the same answer rather than succeed.
		emulator.faults.respondWith(5, status, body, only(ids[1]));
		const run = await timedRun(credentials, rows, updateParameters({ maxRequestsPerMinute: 0 }), { continueOnFail: true });
		const outcome = checkOutcome(emulator, rows, run, before);
		expect([...outcome.failed.keys()]).toEqual([1]);
		expect(outcome.failed.get(1)).toContain(String(body.code));
		expect(patchesFor(emulator, ids[1])).toHaveLength(1);
	});

	it("is not fooled by a plain-text 4xx page (e.g. a wrong Base URL's 404): one request, the row fails", async () => {
		const ids = emulator.seedAssessments(3);
		const rows = rowsFor(ids, '4xx-text');
		const before = snapshot(emulator, ids);
		emulator.faults.respondWith(5, 404, '404 page not found', only(ids[1]));
		// One retry allowed is enough to show whether the node retries a 4xx at all.
		const run = await timedRun(credentials, rows, updateParameters({ maxRequestsPerMinute: 0, maxRetries: 1 }), { continueOnFail: true });
		const outcome = checkOutcome(emulator, rows, run, before);
		expect([...outcome.failed.keys()]).toEqual([1]);
		expect(outcome.failed.get(1)).toMatch(/404/);
		// A 4xx is the request's fault, not a passing glitch: retrying it only delays the run.
		expect(patchesFor(emulator, ids[1]).map((p) => p.status)).toEqual([404]);
	});

	it('with Max Retries 0, does not retry a server error either', async () => {
		const ids = emulator.seedAssessments(2);
		emulator.faults.serverErrors(1, only(ids[0]));
		const run = await timedRun(credentials, rowsFor(ids, 'noretry'), updateParameters({ maxRequestsPerMinute: 0, maxRetries: 0 }), {
			continueOnFail: true,
		});
		expect(run.items[0].json.error).toMatch(/^Item 1 \(index 0\): /);
		expect(patchesFor(emulator, ids[0])).toHaveLength(1);
		expect(run.items[1].json.updated).toBe(true);
	});
});

describe('client tokens', () => {
	it('carries the same client token on every retry of a row, and a different one for each row', async () => {
		const ids = emulator.seedAssessments(4);
		const rows = rowsFor(ids, 'tokens');
		const before = snapshot(emulator, ids);
		emulator.faults.serverErrors(2, only(ids[0]));
		emulator.faults.dropConnections(1, { afterApply: true, ...only(ids[1]) });
		emulator.faults.gatewayErrors(1, only(ids[2]));
		const run = await timedRun(credentials, rows, updateParameters({ maxRequestsPerMinute: 0 }), { continueOnFail: true });
		checkOutcome(emulator, rows, run, before);

		const perRow = ids.map((id) => patchesFor(emulator, id).map((p) => p.query.client_token));
		expect(perRow.map((tokens) => tokens.length)).toEqual([3, 2, 2, 1]);
		for (const tokens of perRow) expect(new Set(tokens).size).toBe(1);
		expect(new Set(perRow.map((tokens) => tokens[0])).size).toBe(4);
		run.items.forEach((item, i) => expect(item.json.clientToken).toBe(perRow[i][0]));
	});

	it("uses a client token the user gave as is, on the first try and on the retry that Feishu recognises", async () => {
		const ids = emulator.seedAssessments(3);
		const rows = rowsFor(ids, 'user-token').map((row, i) => ({ ...row, token: `hr-sheet/2026-05 row ${i + 1}` }));
		const before = snapshot(emulator, ids);
		emulator.faults.dropConnections(1, { afterApply: true, ...only(ids[0]) });
		const run = await timedRun(
			credentials,
			rows,
			updateParameters({ maxRequestsPerMinute: 0, clientToken: '={{ $json.token }}' }),
			{ continueOnFail: true },
		);
		checkOutcome(emulator, rows, run, before);
		expect(patchesFor(emulator, ids[0]).map((p) => [p.query.client_token, p.deduplicated ?? false])).toEqual([
			['hr-sheet/2026-05 row 1', false],
			['hr-sheet/2026-05 row 1', true],
		]);
		expect(patchesFor(emulator, ids[2]).map((p) => p.query.client_token)).toEqual(['hr-sheet/2026-05 row 3']);
		expect(run.items.map((i) => i.json.clientToken)).toEqual(rows.map((r) => r.token));
		expect(emulator.applyCount(ids[0])).toBe(1);
	});
});
