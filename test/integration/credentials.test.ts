/**
 * The credential as the editor's "Test" button and a running node use it, against the emulator.
 */
import type { Emulator } from '../emulator';
import { startEmulator } from '../emulator';
import { testCredential } from '../harness/n8nCore';
import { leakedSecrets, secretsOf } from '../harness/secrets';
import { allPatches, freshCredentials, timedRun, updateParameters } from '../harness/updateRun';

const WRONG_SECRET = 'wrong-secret-5f0a9c7e1b2d4c6f';

let emulator: Emulator;
let ids: string[];

beforeAll(async () => {
	emulator = await startEmulator({ seed: 0 });
});
afterAll(async () => await emulator.close());
beforeEach(() => {
	emulator.reset(0);
	ids = emulator.seedAssessments(3);
});

const data = (overrides: Record<string, string> = {}) => ({
	domain: 'custom',
	baseUrl: emulator.url,
	appId: emulator.defaultApp.appId,
	appSecret: emulator.defaultApp.appSecret,
	...overrides,
});

describe("the credential's Test button", () => {
	it('passes for the right App ID and App Secret', async () => {
		expect(await testCredential(data())).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(emulator.tokenExchanges).toBeGreaterThanOrEqual(1);
	});

	it('fails for a wrong App ID and says to check the App ID', async () => {
		const result = await testCredential(data({ appId: 'cli_doesnotexist0001' }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/App ID/);
		expect(result.message).not.toContain(emulator.defaultApp.appSecret);
	});

	it('fails for a wrong App Secret, says so, and never shows the secret', async () => {
		const result = await testCredential(data({ appSecret: WRONG_SECRET }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/App Secret/);
		expect(result.message).not.toContain(WRONG_SECRET);
		expect(result.message).not.toContain(emulator.defaultApp.appSecret);
	});

	it('works with a base URL written with a trailing slash', async () => {
		expect((await testCredential(data({ baseUrl: `${emulator.url}/` }))).status).toBe('OK');
	});
});

describe('a running node with wrong credentials', () => {
	it('stops with advice about the App Secret, sends no write, and shows the secret nowhere', async () => {
		const credentials = freshCredentials(emulator, { appSecret: WRONG_SECRET });
		const result = await timedRun(credentials, [{ id: ids[0], status: 'completed', final: true }], updateParameters());
		expect(result.error?.message).toMatch(/^Item 1 \(index 0\): .*App Secret/);
		expect(allPatches(emulator)).toHaveLength(0);
		expect(credentials.savedTokens).toEqual([]);
		expect(leakedSecrets([result.items, result.run, result.error], secretsOf(emulator, [WRONG_SECRET]))).toEqual([]);
	});

	it('with Continue On Fail, reports the credential problem on every row and writes nothing', async () => {
		const credentials = freshCredentials(emulator, { appId: 'cli_doesnotexist0001' });
		const rows = ids.map((id) => ({ id, status: 'completed', final: true }));
		const result = await timedRun(credentials, rows, updateParameters(), { continueOnFail: true });
		expect(result.items).toHaveLength(3);
		result.items.forEach((item, i) => {
			expect(item.json.error).toMatch(new RegExp(`^Item ${i + 1} \\(index ${i}\\): .*App ID`));
			expect(item.pairedItem).toEqual({ item: i });
		});
		expect(allPatches(emulator)).toHaveLength(0);
		expect(leakedSecrets([result.items, result.run], secretsOf(emulator))).toEqual([]);
	});
});
