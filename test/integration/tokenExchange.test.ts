/**
 * The token exchange (the credential's preAuthentication, run by n8n-core inside the node's
 * request) under the faults every other request is retried through: gateway pages, server
 * errors, dropped connections, 429 and slow answers — against the emulator's real token endpoint.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { Emulator, RequestLogEntry } from '../../dev/emulator';
import { TOKEN_PATH } from '../../dev/emulator';
import { CREDENTIAL_ID, MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { leakedSecrets, secretsOf } from '../../dev/harness/secrets';
import { allPatches, timedRun, updateParameters } from '../helpers/updateRun';
import { freshCredentials, withEmulator } from '../helpers/emulatorFixture';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;
const runs: unknown[] = [];

withEmulator((e, c) => {
	emulator = e;
	credentials = c;
});
afterEach(() => {
	expect(leakedSecrets(runs.splice(0), secretsOf(emulator))).toEqual([]);
});

const onTokenPath = { match: { path: 'tenant_access_token' } };
/** Words that put the blame on the App ID or App Secret. */
const BLAMES_CREDENTIALS = /Check the App ID|App Secret and the Domain|rejected the App Secret|does not know this App ID/;
const tokenRequests = (): RequestLogEntry[] => emulator.requests.filter((r) => r.path === TOKEN_PATH);

async function update(options: INodeParameters = {}, helper = credentials) {
	const [id] = emulator.seedAssessments(1);
	const result = await timedRun(helper, [{ id, status: 'completed', final: true }], updateParameters({ maxRequestsPerMinute: 0, ...options }), {
		continueOnFail: true,
	});
	runs.push([result.items, result.run, result.error]);
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(1);
	return { ...result, id, item: result.items[0].json };
}

describe('a token endpoint that fails transiently', () => {
	it('is retried after a gateway page (HTML 502) with the back-off, and the run writes with the token it then gets', async () => {
		emulator.faults.gatewayErrors(2, onTokenPath);
		const { item, id } = await update();
		expect(item.updated).toBe(true);
		const tries = tokenRequests();
		expect(tries.map((r) => r.status)).toEqual([502, 502, 200]);
		// Growing waits: about 0.5 s, then about 1 s.
		expect(tries[1].time - tries[0].time).toBeGreaterThanOrEqual(450);
		expect(tries[2].time - tries[1].time).toBeGreaterThanOrEqual(900);
		expect(credentials.savedTokens).toEqual(emulator.issuedTokens());
		expect(emulator.applyCount(id)).toBe(1);
	});

	it('is retried after a Feishu server error (5xx with a JSON body)', async () => {
		emulator.faults.serverErrors(1, { status: 503, ...onTokenPath });
		const { item } = await update();
		expect(item.updated).toBe(true);
		expect(tokenRequests().map((r) => r.status)).toEqual([503, 200]);
	});

	it('is retried after a dropped connection', async () => {
		emulator.faults.dropConnections(1, onTokenPath);
		const { item } = await update();
		expect(item.updated).toBe(true);
		expect(tokenRequests().map((r) => r.status)).toEqual([null, 200]);
	});

	it('waits as long as x-ogw-ratelimit-reset says after a 429 (code 99991400), then gets its token', async () => {
		emulator.faults.rateLimitBurst(1, 1, onTokenPath);
		const { item } = await update();
		expect(item.updated).toBe(true);
		const tries = tokenRequests();
		expect(tries.map((r) => r.status)).toEqual([429, 200]);
		expect(tries[1].time - tries[0].time).toBeGreaterThanOrEqual(990);
	});

	it("is bounded by the node's Timeout option: an answer slower than that is abandoned and asked for again", async () => {
		emulator.faults.slowResponses(1, 3_000, onTokenPath);
		const { item, ms } = await update({ timeoutSeconds: 0.5 });
		expect(item.updated).toBe(true);
		expect(tokenRequests()).toHaveLength(2);
		// Not the 30 s the exchange allowed itself, nor the 3 s the slow answer took.
		expect(ms).toBeLessThan(2_500);
	});

	it('after a refused token (99991663), a re-exchange that meets a gateway page is retried too', async () => {
		await update();
		emulator.expireAllTokens();
		emulator.faults.gatewayErrors(1, onTokenPath);
		const { item } = await update();
		expect(item.updated).toBe(true);
		expect(tokenRequests().map((r) => r.status)).toEqual([200, 502, 200]);
	});
});

describe('when the token endpoint keeps failing', () => {
	it('says the gateway failed, how often it tried, that nothing was sent, and does not blame the App ID or App Secret', async () => {
		emulator.faults.gatewayErrors(5, onTokenPath);
		const { item } = await update({ maxRetries: 2 });
		expect(tokenRequests().map((r) => r.status)).toEqual([502, 502, 502]);
		expect(item.error).toMatch(/^Item 1 \(index 0\): Could not get a tenant access token/);
		expect(item.error).toMatch(/HTTP 502/);
		expect(item.error).toMatch(/gateway/i);
		expect(item.error).toMatch(/3 times/);
		expect(item.error).toMatch(/not sent/);
		expect(item.error).not.toMatch(BLAMES_CREDENTIALS);
		expect(allPatches(emulator)).toHaveLength(0);
		expect(credentials.savedTokens).toEqual([]);
	});

	it("says it got no answer within the node's Timeout", async () => {
		emulator.faults.slowResponses(1, 2_000, onTokenPath);
		const { item } = await update({ timeoutSeconds: 0.3, maxRetries: 0 });
		expect(item.error).toMatch(/did not answer within 0\.3 s/);
		expect(item.error).not.toMatch(BLAMES_CREDENTIALS);
		expect(allPatches(emulator)).toHaveLength(0);
	});

	it('says the rate limit was still hit after waiting as long as Rate-Limit Wait allows', async () => {
		emulator.faults.rateLimitBurst(5, 1, onTokenPath);
		const { item } = await update({ maxRateLimitWaitSeconds: 1.5 });
		expect(tokenRequests().map((r) => r.status)).toEqual([429, 429]);
		expect(item.error).toMatch(/rate limit/i);
		expect(item.error).toMatch(/99991400/);
		expect(item.error).not.toMatch(BLAMES_CREDENTIALS);
	});

	it('cannot reach a closed port: says the connection failed, not the credentials', async () => {
		const closed = freshCredentials(emulator, { baseUrl: 'http://127.0.0.1:9' });
		const { item } = await update({ maxRetries: 1 }, closed);
		expect(item.error).toMatch(/connection was refused/);
		expect(item.error).toMatch(/2 times/);
		expect(item.error).not.toMatch(BLAMES_CREDENTIALS);
	});
});

describe('genuinely wrong credentials', () => {
	it('are not retried: one exchange, the App Secret named', async () => {
		const wrong = freshCredentials(emulator, { appSecret: 'wrong-secret-5f0a9c7e1b2d4c6f' });
		const { item } = await update({ maxRetries: 3 }, wrong);
		expect(tokenRequests()).toHaveLength(1);
		expect(item.error).toMatch(/10014/);
		expect(item.error).toMatch(/App Secret/);
		expect(leakedSecrets(runs, ['wrong-secret-5f0a9c7e1b2d4c6f'])).toEqual([]);
	});
});

describe('what n8n stores after an exchange', () => {
	const CREDENTIAL_KEYS = ['appId', 'appSecret', 'baseUrl', 'domain', 'tenantAccessToken', 'tokenAppIdAndBaseUrl'];

	it.each(['n8n1', 'n8n2'] as const)("is the credential's own fields, the token and whom it was issued for — none of the node's options (%s)", async (persistence) => {
		const helper = new MemoryCredentialsHelper(undefined, persistence);
		helper.set(CREDENTIAL_ID, { domain: 'custom', baseUrl: emulator.url, ...emulator.defaultApp });
		emulator.faults.gatewayErrors(1, onTokenPath);
		const { item } = await update({ timeoutSeconds: 7, maxRetries: 2, maxRateLimitWaitSeconds: 9 }, helper);
		expect(item.updated).toBe(true);
		expect(helper.savedData).toHaveLength(1);
		expect(Object.keys(helper.savedData[0]).sort()).toEqual(CREDENTIAL_KEYS);
		expect(helper.savedData[0].tenantAccessToken).toBe(emulator.issuedTokens()[0]);
	});
});
