import {
	FEISHU_DOMAINS,
	FeishuCoreHrApi,
	appCredentials,
	feishuBaseUrl,
	holdsTokenForCurrentApp,
	tokenOwner,
} from '../../credentials/FeishuCoreHrApi.credentials';
import { describeTokenError, readTokenAnswer, readTokenRequestError } from '../../nodes/shared/feishu/token';

describe('the credential', () => {
	it('maps the domain choice to the base URL, and a custom URL without its trailing slash', () => {
		expect(feishuBaseUrl({ domain: 'feishu' })).toBe(FEISHU_DOMAINS.feishu);
		expect(feishuBaseUrl({ domain: 'lark' })).toBe('https://open.larksuite.com');
		expect(feishuBaseUrl({ domain: 'custom', baseUrl: ' http://127.0.0.1:3900/ ' })).toBe('http://127.0.0.1:3900');
	});

	it('refuses a custom base URL that is not http(s)', () => {
		expect(() => feishuBaseUrl({ domain: 'custom', baseUrl: 'open.feishu.cn' })).toThrow(/not an http\(s\) URL/);
	});

	it('explains a wrong App ID and a wrong App Secret in words', () => {
		expect(describeTokenError(10003, 'invalid param')).toMatch(/Check the App ID/);
		expect(describeTokenError(10014, 'app secret invalid')).toMatch(/App Secret/);
		expect(describeTokenError(99, 'odd')).toMatch(/Feishu code 99: odd/);
	});

	it('keeps the secret and the token out of sight', () => {
		const type = new FeishuCoreHrApi();
		const secret = type.properties.find((p) => p.name === 'appSecret');
		const token = type.properties.find((p) => p.name === 'tenantAccessToken');
		expect(secret?.typeOptions?.password).toBe(true);
		expect(token).toMatchObject({ type: 'hidden', typeOptions: { expirable: true } });
	});
});

describe('reading the credential the same way everywhere', () => {
	it('drops trailing slashes and a trailing /open-apis from a custom Base URL', () => {
		for (const tail of ['', '/', '//', '/open-apis', '/open-apis/', '/OPEN-APIS/']) {
			expect(feishuBaseUrl({ domain: 'custom', baseUrl: `https://open.example.com${tail}` })).toBe('https://open.example.com');
		}
		// A path of its own stays: only the API root is dropped.
		expect(feishuBaseUrl({ domain: 'custom', baseUrl: 'https://gw.example.com/feishu/' })).toBe('https://gw.example.com/feishu');
	});

	it('trims the App ID and the App Secret', () => {
		expect(appCredentials({ domain: 'lark', appId: ' cli_a1b2 ', appSecret: 'secret\r\n' })).toEqual({
			baseUrl: FEISHU_DOMAINS.lark,
			appId: 'cli_a1b2',
			appSecret: 'secret',
		});
	});
});

describe('whom a token was issued for', () => {
	const app = { domain: 'custom', baseUrl: 'https://user:pw-in-url@open.example.com/', appId: 'cli_a1b2', appSecret: 'the-app-secret-0123' };

	it('names the App ID and the server, and nothing secret', () => {
		const owner = tokenOwner(app);
		expect(owner).toContain('cli_a1b2');
		expect(owner).toContain('open.example.com');
		expect(owner).not.toContain('the-app-secret-0123');
		expect(owner).not.toContain('pw-in-url');
	});

	it('matches the credential it was taken from, however the same values are written', () => {
		const stored = { ...app, tenantAccessToken: 't-abc', tokenAppIdAndBaseUrl: tokenOwner(app) };
		expect(holdsTokenForCurrentApp(stored)).toBe(true);
		expect(holdsTokenForCurrentApp({ ...stored, appId: ' cli_a1b2', baseUrl: 'https://user:pw-in-url@open.example.com/open-apis' })).toBe(true);
		expect(holdsTokenForCurrentApp({ ...stored, appSecret: 'reset-secret' })).toBe(true);
	});

	it('does not match another app, another server, no record, or no token', () => {
		const stored = { ...app, tenantAccessToken: 't-abc', tokenAppIdAndBaseUrl: tokenOwner(app) };
		expect(holdsTokenForCurrentApp({ ...stored, appId: 'cli_other' })).toBe(false);
		expect(holdsTokenForCurrentApp({ ...stored, baseUrl: 'https://open.other.com' })).toBe(false);
		expect(holdsTokenForCurrentApp({ ...stored, domain: 'feishu' })).toBe(false);
		expect(holdsTokenForCurrentApp({ ...stored, tokenAppIdAndBaseUrl: '' })).toBe(false);
		expect(holdsTokenForCurrentApp({ ...stored, tenantAccessToken: '' })).toBe(false);
		expect(holdsTokenForCurrentApp({ ...stored, domain: 'custom', baseUrl: 'not a url' })).toBe(false);
	});
});

/** Words that put the blame on the App ID or App Secret. */
const BLAMES_CREDENTIALS = /Check the App ID|App Secret and the Domain|rejected the App Secret|does not know this App ID/;

describe("the token endpoint's answers, in words", () => {
	const url = 'https://open.example.com/open-apis/auth/v3/tenant_access_token/internal';
	const failure = (answer: unknown) => {
		const outcome = readTokenAnswer(url, answer);
		if (!('failure' in outcome)) throw new Error('expected a failure');
		return outcome.failure;
	};

	it('takes the token from a code 0 answer', () => {
		expect(readTokenAnswer(url, { statusCode: 200, headers: {}, body: { code: 0, msg: 'ok', tenant_access_token: 't-abc', expire: 7200 } })).toEqual({ token: 't-abc' });
	});

	it("calls a gateway's HTML page a transient gateway failure, not a credentials problem", () => {
		const f = failure({ statusCode: 502, headers: { 'content-type': 'text/html' }, body: '<html>502 Bad Gateway</html>' });
		expect(f).toMatchObject({ kind: 'gateway', transient: true, httpStatus: 502 });
		expect(f.message).not.toMatch(BLAMES_CREDENTIALS);
	});

	it("calls Feishu's own 5xx transient, with its code and log ID", () => {
		const f = failure({ statusCode: 500, headers: {}, body: { code: 1160997, msg: 'internal error', error: { log_id: 'LOG1' } } });
		expect(f).toMatchObject({ kind: 'gateway', transient: true, feishuCode: 1160997, logId: 'LOG1' });
	});

	it('reads the wait from x-ogw-ratelimit-reset on a 429 or code 99991400', () => {
		expect(failure({ statusCode: 429, headers: { 'x-ogw-ratelimit-reset': '2' }, body: { code: 99991400, msg: 'limit' } })).toMatchObject({ kind: 'rateLimit', transient: true, retryAfterMs: 2000 });
		expect(failure({ statusCode: 400, headers: {}, body: { code: 99991400, msg: 'limit' } })).toMatchObject({ kind: 'rateLimit', retryAfterMs: undefined });
	});

	it('names the App ID, the App Secret or the Domain for their codes, and never retries them', () => {
		expect(failure({ statusCode: 400, headers: {}, body: { code: 10003, msg: 'invalid param' } })).toMatchObject({ kind: 'credentials', transient: false, message: expect.stringMatching(/App ID/) });
		expect(failure({ statusCode: 400, headers: {}, body: { code: 10014, msg: 'app secret invalid' } }).message).toMatch(/App Secret/);
		expect(failure({ statusCode: 400, headers: {}, body: { code: 1000040351, msg: 'Incorrect domain name' } }).message).toMatch(/Domain/);
	});

	it('says the Base URL is wrong when nothing answers at that path', () => {
		const f = failure({ statusCode: 404, headers: {}, body: '404 page not found' });
		expect(f).toMatchObject({ kind: 'baseUrl', transient: false });
		expect(f.message).toMatch(/Base URL/);
		expect(f.message).not.toMatch(BLAMES_CREDENTIALS);
	});

	it('tells network faults, timeouts and unknown hosts apart', () => {
		const dropped = readTokenRequestError(url, Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 30_000);
		expect(dropped).toMatchObject({ kind: 'network', transient: true });
		// n8n swaps any message naming such a code for its own generic sentence.
		expect(dropped.message).not.toMatch(/ECONN|EPIPE|ENOTFOUND|ETIMEDOUT/);
		const timeout = readTokenRequestError(url, Object.assign(new Error('timeout of 500ms exceeded'), { code: 'ECONNABORTED' }), 500);
		expect(timeout).toMatchObject({ kind: 'timeout', transient: true, message: expect.stringMatching(/within 0\.5 s/) });
		expect(readTokenRequestError(url, Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), 30_000)).toMatchObject({ kind: 'baseUrl', transient: false });
		// The socket's code under n8n's wrapper counts the same.
		const wrapped = Object.assign(new Error('request failed'), { cause: Object.assign(new Error('connect'), { code: 'EHOSTUNREACH' }) });
		expect(readTokenRequestError(url, wrapped, 30_000)).toMatchObject({ kind: 'network', transient: true, message: expect.stringMatching(/the host is unreachable/) });
		expect(readTokenRequestError(url, new Error('something else'), 30_000)).toMatchObject({ kind: 'network', transient: false });
	});
});
