/**
 * The tenant token's life through n8n-core's credential machinery: one exchange for many rows,
 * and a refresh when Feishu answers an expired token with HTTP 400 / 99991663 (never 401).
 */
import type { Emulator } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { leakedSecrets, secretsOf } from '../../dev/harness/secrets';
import { allPatches, onRequest, patchesFor, timedRun, updateParameters } from '../helpers/updateRun';
import { withEmulator } from '../helpers/emulatorFixture';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;
const runs: unknown[] = [];

const rowsOf = (ids: string[]) => ids.map((id, i) => ({ id, status: 'completed', final: true, comment: `token test ${i}` }));

// One item at a time: these tests follow each request's token; test/faults/concurrency.test.ts
// does the same with several requests in flight.
async function run(ids: string[]) {
	const result = await timedRun(credentials, rowsOf(ids), updateParameters({ maxRequestsPerMinute: 0, requestsInParallel: 1 }));
	runs.push([result.items, result.run, result.error]);
	expect(result.error).toBeUndefined();
	return result;
}

const bearerOf = (entry: { headers: Record<string, unknown> }) => String(entry.headers.authorization);

withEmulator((e, c) => {
	emulator = e;
	credentials = c;
});
afterEach(() => {
	expect(leakedSecrets(runs.splice(0), secretsOf(emulator))).toEqual([]);
});

describe('the tenant access token', () => {
	it('is exchanged once for 50 rows, stored, and sent on every write', async () => {
		const ids = emulator.seedAssessments(50);
		const result = await run(ids);
		expect(result.items.filter((i) => i.json.updated === true)).toHaveLength(50);
		expect(emulator.tokenExchanges).toBe(1);
		expect(credentials.preAuthenticationCalls).toBe(1);
		const [token] = emulator.issuedTokens();
		expect(credentials.savedTokens).toEqual([token]);
		expect(new Set(allPatches(emulator).map(bearerOf))).toEqual(new Set([`Bearer ${token}`]));
	});

	it('is reused by the next execution with no new exchange', async () => {
		const ids = emulator.seedAssessments(4);
		await run(ids.slice(0, 2));
		await run(ids.slice(2));
		expect(emulator.tokenExchanges).toBe(1);
		expect(credentials.preAuthenticationCalls).toBe(1);
	});

	it('expired between two executions: refreshed once, the run succeeds, and the new token is stored and reused next time', async () => {
		const ids = emulator.seedAssessments(7);
		await run(ids.slice(0, 2));
		const [first] = emulator.issuedTokens();
		emulator.expireAllTokens();

		const second = await run(ids.slice(2, 5));
		expect(second.items.map((i) => i.json.updated)).toEqual([true, true, true]);
		expect(emulator.tokenExchanges).toBe(2);
		const fresh = emulator.issuedTokens()[1];
		expect(fresh).toBeDefined();
		expect(fresh).not.toBe(first);
		// Row 1 met the dead token (HTTP 400, 99991663, as Feishu answers), then went again with the new one.
		expect(patchesFor(emulator, ids[2]).map((p) => [p.status, (p.responseBody as { code: number }).code, bearerOf(p)])).toEqual([
			[400, 99991663, `Bearer ${first}`],
			[200, 0, `Bearer ${fresh}`],
		]);
		expect(patchesFor(emulator, ids[3]).map(bearerOf)).toEqual([`Bearer ${fresh}`]);
		expect(credentials.savedTokens).toEqual([first, fresh]);
		for (const id of ids.slice(2, 5)) expect(emulator.applyCount(id)).toBe(1);

		await run(ids.slice(5));
		expect(emulator.tokenExchanges).toBe(2);
		expect(patchesFor(emulator, ids[5]).map(bearerOf)).toEqual([`Bearer ${fresh}`]);
		expect(credentials.savedTokens).toEqual([first, fresh]);
	});

	it('expiring between two rows of one run: that row is repeated with a fresh token after exactly one re-exchange', async () => {
		const ids = emulator.seedAssessments(4);
		const stop = onRequest(emulator, (r) => r.method === 'PATCH', (_r, nth) => {
			if (nth === 2) emulator.expireAllTokens();
		});
		try {
			const result = await run(ids);
			expect(result.items.map((i) => i.json.updated)).toEqual([true, true, true, true]);
		} finally {
			stop();
		}
		expect(emulator.tokenExchanges).toBe(2);
		const [first, fresh] = emulator.issuedTokens();
		expect(patchesFor(emulator, ids[0]).map(bearerOf)).toEqual([`Bearer ${first}`]);
		expect(patchesFor(emulator, ids[1]).map((p) => [p.status, bearerOf(p)])).toEqual([
			[400, `Bearer ${first}`],
			[200, `Bearer ${fresh}`],
		]);
		expect(patchesFor(emulator, ids[2]).map(bearerOf)).toEqual([`Bearer ${fresh}`]);
		expect(credentials.savedTokens).toEqual([first, fresh]);
		for (const id of ids) expect(emulator.applyCount(id)).toBe(1);
	});

	it('refreshes only once per request: a token refused again right after a refresh fails the row instead of looping', async () => {
		const ids = emulator.seedAssessments(2);
		const invalid = { code: 99991663, msg: 'Invalid access token for authorization.' };
		emulator.faults.respondWith(2, 400, invalid, { match: { path: ids[0] } });
		const result = await timedRun(credentials, rowsOf(ids), updateParameters({ maxRequestsPerMinute: 0 }), { continueOnFail: true });
		runs.push([result.items, result.run]);
		expect(result.items[0].json.error).toMatch(/^Item 1 \(index 0\): .*99991663/);
		expect(patchesFor(emulator, ids[0])).toHaveLength(2);
		expect(result.items[1].json.updated).toBe(true);
	});
});
