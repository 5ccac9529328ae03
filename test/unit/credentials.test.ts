import { FEISHU_DOMAINS, FeishuCoreHrApi, describeTokenError, feishuBaseUrl } from '../../credentials/FeishuCoreHrApi.credentials';

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
