/**
 * A saved credential edited to another app or server: n8n keeps the hidden token through the
 * edit, so the token must carry whom it was issued for and be replaced when that changed.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import type { AppConfig, Emulator, RequestLogEntry } from '../../dev/emulator';
import { DEFAULT_APP, TOKEN_PATH, startEmulator } from '../../dev/emulator';
import { CREDENTIAL_ID, MemoryCredentialsHelper, NodeTypes, runChain } from '../../dev/harness/n8nCore';
import { leakedSecrets, secretsOf } from '../../dev/harness/secrets';
import { PATCH_PREFIX, allPatches, timedRun, updateParameters } from '../helpers/updateRun';

const APP_B: AppConfig = { appId: 'cli_b2c3d4e5f6a7b8c9', appSecret: 'second-app-secret-fedcba9876543210' };

let emulator: Emulator;
let other: Emulator;
let credentials: MemoryCredentialsHelper;
const runs: unknown[] = [];

beforeAll(async () => {
	emulator = await startEmulator({ seed: 0, apps: [DEFAULT_APP, APP_B] });
	other = await startEmulator({ seed: 0 });
});
afterAll(async () => {
	await emulator.close();
	await other.close();
});
beforeEach(() => {
	emulator.reset(0);
	other.reset(0);
	credentials = new MemoryCredentialsHelper();
	credentials.set(CREDENTIAL_ID, { domain: 'custom', baseUrl: emulator.url, ...DEFAULT_APP });
});
afterEach(() => {
	const secrets = [...secretsOf(emulator, [APP_B.appSecret]), ...secretsOf(other)];
	expect(leakedSecrets(runs.splice(0), secrets)).toEqual([]);
});

const bearer = (r: RequestLogEntry) => String(r.headers.authorization ?? '').replace(/^Bearer /, '');
/** The token each exchange handed out, with the app it was asked for. */
const exchanges = (e: Emulator) =>
	e.requests
		.filter((r) => r.path === TOKEN_PATH && r.status === 200)
		.map((r) => ({ appId: (r.body as IDataObject).app_id, token: (r.responseBody as IDataObject).tenant_access_token }));

async function update(on: Emulator) {
	const [id] = on.seedAssessments(1);
	const result = await timedRun(credentials, [{ id, status: 'completed', final: true }], updateParameters({ maxRequestsPerMinute: 0 }));
	runs.push([result.items, result.run, result.error]);
	expect(result.error).toBeUndefined();
	expect(result.items[0].json.updated).toBe(true);
	return id;
}

describe('a credential switched to another App ID and App Secret', () => {
	it("never writes with the old app's token: the next run gets one for the new app, and n8n stores it", async () => {
		await update(emulator);
		const [tokenA] = exchanges(emulator).map((e) => e.token);

		credentials.edit(CREDENTIAL_ID, { ...APP_B });
		const id = await update(emulator);

		const tokens = exchanges(emulator);
		expect(tokens.map((e) => e.appId)).toEqual([DEFAULT_APP.appId, APP_B.appId]);
		const tokenB = tokens[1].token;
		expect(tokenB).not.toBe(tokenA);
		const write = allPatches(emulator).filter((p) => p.path === `${PATCH_PREFIX}${id}`);
		expect(write.map(bearer)).toEqual([tokenB]);
		const stored = credentials.store.get(CREDENTIAL_ID)!;
		expect(stored.tenantAccessToken).toBe(tokenB);
		expect(stored.tokenAppIdAndBaseUrl).toContain(APP_B.appId);
	});

	it('then reuses the new token in later runs without another exchange', async () => {
		await update(emulator);
		credentials.edit(CREDENTIAL_ID, { ...APP_B });
		await update(emulator);
		await update(emulator);
		expect(exchanges(emulator)).toHaveLength(2);
	});
});

describe('a credential switched to another Base URL', () => {
	it("never sends the old server's token to the new one", async () => {
		await update(emulator);
		const [tokenA] = exchanges(emulator).map((e) => e.token);

		credentials.edit(CREDENTIAL_ID, { baseUrl: other.url });
		await update(other);

		expect(other.requests.filter((r) => bearer(r) === tokenA)).toEqual([]);
		expect(other.requests[0].path).toBe(TOKEN_PATH);
		expect(other.tokenExchanges).toBe(1);
		expect(credentials.store.get(CREDENTIAL_ID)!.tenantAccessToken).toBe(other.issuedTokens()[0]);
	});

	it('counts the same server written differently (a trailing /open-apis) as the same: no new exchange', async () => {
		await update(emulator);
		credentials.edit(CREDENTIAL_ID, { baseUrl: `${emulator.url}/open-apis/` });
		await update(emulator);
		expect(emulator.tokenExchanges).toBe(1);
	});
});

describe('a token stored without a record of its app (saved by an earlier version)', () => {
	it('is replaced before the first write instead of being tried', async () => {
		credentials.edit(CREDENTIAL_ID, { tenantAccessToken: 't-storedbyanearlierversion0000' });
		await update(emulator);
		expect(emulator.requests[0].path).toBe(TOKEN_PATH);
		expect(allPatches(emulator).map(bearer)).toEqual(emulator.issuedTokens());
	});
});

describe('changing only the App Secret (same app, secret reset)', () => {
	it('keeps the token, which still belongs to that app', async () => {
		await update(emulator);
		credentials.edit(CREDENTIAL_ID, { appSecret: `${DEFAULT_APP.appSecret} ` });
		await update(emulator);
		expect(emulator.tokenExchanges).toBe(1);
	});
});

/** Any node that uses the credential through n8n's helper, as the HTTP Request node does. */
class RawWrite implements INodeType {
	description = {
		displayName: 'Raw Write', name: 'test.rawWrite', group: ['transform'], version: 1, description: '', defaults: { name: 'Raw' },
		inputs: ['main'], outputs: ['main'],
		credentials: [{ name: 'feishuCoreHrApi', required: true }],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { url } = this.getInputData()[0].json as { url: string };
		const body = (await this.helpers.httpRequestWithAuthentication.call(this, 'feishuCoreHrApi', {
			method: 'PATCH',
			url,
			body: { assessment_status: 'completed', is_final_asssessment: true },
			json: true,
			ignoreHttpStatusErrors: true,
		})) as IDataObject;
		return [[{ json: body }]];
	}
}

describe('another node using the credential through n8n (e.g. HTTP Request)', () => {
	it('also gets a token for the new app: the credential makes n8n fetch one', async () => {
		await update(emulator);
		credentials.edit(CREDENTIAL_ID, { ...APP_B });
		const [id] = emulator.seedAssessments(1);
		const nodeTypes = new NodeTypes();
		nodeTypes.register('test.rawWrite', new RawWrite());
		const result = await runChain(credentials, [{ url: `${emulator.url}${PATCH_PREFIX}${id}` }], [{ name: 'Raw', type: 'test.rawWrite', parameters: {} }], {
			nodeTypes,
		});
		runs.push([result.outputs, result.run, result.error]);
		expect(result.error).toBeUndefined();
		expect(result.outputs.Raw[0].json.code).toBe(0);
		const tokens = exchanges(emulator);
		expect(tokens.map((e) => e.appId)).toEqual([DEFAULT_APP.appId, APP_B.appId]);
		expect(allPatches(emulator).filter((p) => p.path === `${PATCH_PREFIX}${id}`).map(bearer)).toEqual([tokens[1].token]);
		expect(credentials.store.get(CREDENTIAL_ID)!.tenantAccessToken).toBe(tokens[1].token);
	});
});
