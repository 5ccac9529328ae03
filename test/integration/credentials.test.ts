/**
 * The credential as the editor's "Test" button and a running node use it, against the emulator.
 */
import type { Emulator } from '../../dev/emulator';
import { TOKEN_PATH, startEmulator } from '../../dev/emulator';
import type { CredentialTestResult, MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { CREDENTIAL_ID, testCredential } from '../../dev/harness/n8nCore';
import { leakedSecrets, secretsOf } from '../../dev/harness/secrets';
import { allPatches, timedRun, updateParameters } from '../helpers/updateRun';
import { freshCredentials } from '../helpers/emulatorFixture';

const WRONG_SECRET = 'wrong-secret-5f0a9c7e1b2d4c6f';
/** Words that put the blame on the App ID or App Secret. */
const BLAMES_CREDENTIALS = /Check the App ID|App Secret and the Domain|rejected the App Secret|does not know this App ID/;

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

	it('passes for an App ID pasted with a trailing space, as a run does', async () => {
		expect(await testCredential(data({ appId: `${emulator.defaultApp.appId} ` }))).toEqual({ status: 'OK', message: 'Connection successful!' });
	});

	it('passes for an App Secret pasted with a trailing line break', async () => {
		expect((await testCredential(data({ appSecret: `${emulator.defaultApp.appSecret}\n` }))).status).toBe('OK');
	});

	it.each(['/open-apis', '/open-apis/', '//'])('passes for a Base URL ending in %s', async (tail) => {
		expect((await testCredential(data({ baseUrl: `${emulator.url}${tail}` }))).status).toBe('OK');
	});

	it('says the Base URL is wrong, not the App ID, when there is no token endpoint there (HTTP 404)', async () => {
		const result = await testCredential(data({ baseUrl: `${emulator.url}/feishu` }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/404/);
		expect(result.message).toMatch(/Base URL/);
		expect(result.message).not.toMatch(BLAMES_CREDENTIALS);
	});

	it("says a gateway failed, not the credentials, when the token endpoint answers with a gateway's 502 page", async () => {
		emulator.faults.gatewayErrors(1, { match: { path: 'tenant_access_token' } });
		const result = await testCredential(data());
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/502/);
		expect(result.message).toMatch(/gateway/i);
		expect(result.message).not.toMatch(BLAMES_CREDENTIALS);
	});

	it("says Feishu's rate limit was hit when the token endpoint answers 429", async () => {
		emulator.faults.rateLimitBurst(1, 1, { match: { path: 'tenant_access_token' } });
		const result = await testCredential(data());
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/rate limit/i);
	});
});

describe('the Test button on a saved credential that already holds a token', () => {
	let saved: MemoryCredentialsHelper;

	/** Stores a token the way a first run does, then edits the credential as the editor would. */
	async function savedWithToken(edits: Record<string, string>): Promise<CredentialTestResult> {
		saved = freshCredentials(emulator);
		const run = await timedRun(saved, [{ id: ids[0], status: 'completed', final: true }], updateParameters());
		expect(run.items[0].json.updated).toBe(true);
		expect(saved.store.get(CREDENTIAL_ID)!.tenantAccessToken).toBe(emulator.issuedTokens()[0]);
		saved.edit(CREDENTIAL_ID, edits);
		return await testCredential(saved.store.get(CREDENTIAL_ID)!, { helper: saved, id: CREDENTIAL_ID });
	}

	it('explains a wrong new App Secret (10014), not just "Bad Request"', async () => {
		const result = await savedWithToken({ appSecret: WRONG_SECRET });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/10014/);
		expect(result.message).toMatch(/App Secret/);
		expect(leakedSecrets(result, [WRONG_SECRET, ...secretsOf(emulator)])).toEqual([]);
	});

	it('explains a wrong new App ID (10003)', async () => {
		const result = await savedWithToken({ appId: 'cli_doesnotexist0001' });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/App ID/);
	});

	it('checks the values as they are now with a new exchange, and passes when they are right', async () => {
		const result = await savedWithToken({ appId: `${emulator.defaultApp.appId} ` });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		const exchanges = emulator.requests.filter((r) => r.path === TOKEN_PATH);
		// One for the run, and the Test's own: the Test never trusts the stored token.
		expect(exchanges.length).toBeGreaterThanOrEqual(2);
		expect(exchanges.every((r) => r.status === 200)).toBe(true);
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

	it('works with an App Secret pasted with a trailing line break, and a Base URL ending in /open-apis', async () => {
		const credentials = freshCredentials(emulator, { appSecret: `${emulator.defaultApp.appSecret}\n`, baseUrl: `${emulator.url}/open-apis/` });
		const result = await timedRun(credentials, [{ id: ids[0], status: 'completed', final: true }], updateParameters());
		expect(result.items[0].json.updated).toBe(true);
	});

	it('says the Base URL is wrong when there is no token endpoint there (HTTP 404), and does not retry that', async () => {
		const credentials = freshCredentials(emulator, { baseUrl: `${emulator.url}/feishu` });
		const result = await timedRun(credentials, [{ id: ids[0], status: 'completed', final: true }], updateParameters(), { continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/404/);
		expect(result.items[0].json.error).toMatch(/Base URL/);
		expect(result.items[0].json.error).not.toMatch(BLAMES_CREDENTIALS);
		expect(emulator.requests).toHaveLength(1);
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
