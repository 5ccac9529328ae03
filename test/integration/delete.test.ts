/**
 * Delete through n8n-core's execution against the emulator, with the faults that lose answers:
 * an ID the node cannot show was deleted never comes out as deleted.
 */
import type { Emulator } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { runFeishu } from '../../dev/harness/n8nCore';
import { leakedSecrets, secretsOf } from '../../dev/harness/secrets';
import { withEmulator } from '../helpers/emulatorFixture';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;
withEmulator((e, c) => {
	emulator = e;
	credentials = c;
}, 3);

/** An ID with the right shape that no assessment in the emulator has: a typo. */
const MISTYPED_ID = '7140964208476300001';
const deleteParameters = { resource: 'probationAssessment', operation: 'delete', assessmentId: '={{ $json.id }}', options: { maxRetries: 2 } };
const deletes = () => emulator.requests.filter((r) => r.method === 'DELETE');
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function deleteRows(ids: string[], continueOnFail = true) {
	const result = await runFeishu(credentials, ids.map((id) => ({ id })), deleteParameters, { continueOnFail });
	expect(leakedSecrets([result.items, result.run, result.error], secretsOf(emulator))).toEqual([]);
	return result;
}

describe('Delete never reports what it cannot show', () => {
	it('does not call a mistyped ID deleted when its first attempt met a server error: it says the outcome is unknown, with both log IDs', async () => {
		emulator.faults.serverErrors(1, { match: { method: 'DELETE' } });
		const result = await deleteRows([MISTYPED_ID]);
		const [first, retry] = deletes();
		expect(deletes()).toHaveLength(2);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).not.toHaveProperty('deleted');
		expect(result.items[0].json.error).toMatch(new RegExp(
			`^Item 1 \\(index 0\\): Assessment ${MISTYPED_ID} may or may not have been deleted: ` +
			`the answer to an earlier attempt was lost \\(attempt 1: HTTP 500, code 1160997, log ID ${escape(first.logId)}\\), ` +
			`and the retry found no such assessment \\(code 1162010, log ID ${escape(retry.logId)}\\)\\. ` +
			'Either that attempt deleted it, or no assessment with this ID existed\\.$',
		));
		expect(result.items[0].error).toBeDefined();
	});

	it('stops the run with the same words without On Error → Continue', async () => {
		emulator.faults.gatewayErrors(1, { match: { method: 'DELETE' } });
		const result = await deleteRows([MISTYPED_ID], false);
		expect(result.error?.message).toMatch(new RegExp(`Assessment ${MISTYPED_ID} may or may not have been deleted: .*attempt 1: HTTP 502, not a Feishu answer, log ID ${escape(deletes()[0].logId)}`));
	});

	it('says the outcome is unknown, not "deleted", when the answer to a delete that did apply was lost', async () => {
		const id = [...emulator.assessments.keys()][0];
		emulator.faults.dropConnections(1, { afterApply: true, match: { method: 'DELETE' } });
		const result = await deleteRows([id]);
		expect(emulator.assessments.has(id)).toBe(false);
		expect(result.items[0].json).not.toHaveProperty('deleted');
		expect(result.items[0].json.error).toMatch(new RegExp(
			`Assessment ${id} may or may not have been deleted: the answer to an earlier attempt was lost \\(attempt 1: no answer \\(connection reset\\)\\), ` +
			`and the retry found no such assessment \\(code 1162010, log ID ${escape(deletes()[1].logId)}\\)`,
		));
	});

	it('reports deleted when the retry after a lost answer deletes it', async () => {
		const id = [...emulator.assessments.keys()][0];
		emulator.faults.serverErrors(1, { status: 503, match: { method: 'DELETE' } });
		const result = await deleteRows([id]);
		expect(result.items[0].json).toMatchObject({ assessmentId: id, deleted: true, code: 0, logId: deletes()[1].logId });
		expect(emulator.assessments.has(id)).toBe(false);
	});

	it('reports a plain "not found" when no attempt was lost: after a rate-limit answer, or none', async () => {
		emulator.faults.rateLimitBurst(1, 0, { match: { method: 'DELETE' } });
		const result = await deleteRows([MISTYPED_ID, MISTYPED_ID]);
		for (const item of result.items) {
			expect(item.json.error).toMatch(/Feishu refused the request: object does not exist.*\(code 1162010, log ID \w+\)$/);
			expect(item.json.error).not.toMatch(/may or may not/);
		}
	});
});
