import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

/** Base URL of each public Open Platform; an app made on one does not work on the other. */
export const FEISHU_DOMAINS = {
	feishu: 'https://open.feishu.cn',
	lark: 'https://open.larksuite.com',
} as const;

export const FEISHU_CREDENTIAL_NAME = 'feishuCoreHrApi';
export const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
const TOKEN_TIMEOUT_MS = 30_000;

/** The one place that turns the credential's domain choice into a base URL. */
export function feishuBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const domain = String(credentials.domain ?? 'feishu');
	if (domain === 'custom') {
		const custom = String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
		if (!/^https?:\/\/[^\s/]+/i.test(custom)) {
			throw new Error(
				`The credential's Base URL "${custom}" is not an http(s) URL. Use e.g. https://open.feishu.cn for a private deployment.`,
			);
		}
		return custom;
	}
	return domain === 'lark' ? FEISHU_DOMAINS.lark : FEISHU_DOMAINS.feishu;
}

/** Plain-words advice for the token endpoint's error codes (FEISHU.md: wrong app credentials). */
const TOKEN_ERROR_ADVICE: Record<number, string> = {
	10003: 'Feishu does not know this App ID. Check the App ID (it starts with "cli_") and that the Domain matches where the app was created (Feishu or Lark).',
	10014: 'Feishu rejected the App Secret. Copy it again from the app\'s "Credentials & Basic Info" page; it changes when someone resets it.',
	10013: 'Feishu could not issue a token for this app. Check that the app is enabled and published.',
	99991400: 'Too many token requests for this app just now; wait a minute and try again.',
};

export function describeTokenError(code: number, msg: string): string {
	const advice = TOKEN_ERROR_ADVICE[code] ?? 'Check the App ID, the App Secret and the Domain.';
	return `Could not get a tenant access token (Feishu code ${code}: ${msg}). ${advice}`;
}

/** Builds the base URL expression for the declarative credential test from FEISHU_DOMAINS, so the mapping is written once. */
const baseUrlExpression =
	'={{ $credentials.domain === "custom" ? String($credentials.baseUrl).trim().replace(/\\/+$/, "")' +
	` : $credentials.domain === "lark" ? "${FEISHU_DOMAINS.lark}" : "${FEISHU_DOMAINS.feishu}" }}`;

export class FeishuCoreHrApi implements ICredentialType {
	name = FEISHU_CREDENTIAL_NAME;

	displayName = 'Feishu CoreHR API';

	icon = 'file:../nodes/FeishuCoreHr/feishu.svg' as const;

	documentationUrl = 'https://open.feishu.cn/document/server-docs/getting-started/api-access-token/app-access-token-development-guide';

	properties: INodeProperties[] = [
		{
			displayName: 'Domain',
			name: 'domain',
			type: 'options',
			options: [
				{ name: 'Feishu (open.feishu.cn, mainland China)', value: 'feishu' },
				{ name: 'Lark (open.larksuite.com, international)', value: 'lark' },
				{ name: 'Custom Base URL (private deployment or test emulator)', value: 'custom' },
			],
			default: 'feishu',
			description: 'Where the app was created. An app made on Feishu does not work on Lark, and the other way round.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://open.example.com',
			description: 'Base URL of the Open Platform; API paths such as /open-apis/… are appended to it',
			displayOptions: { show: { domain: ['custom'] } },
			required: true,
		},
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			placeholder: 'cli_a1b2c3d4e5f6a7b8',
			description: 'The App ID of your custom (self-built) app, from "Credentials & Basic Info" in the developer console',
			required: true,
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The App Secret from the same page',
			required: true,
		},
		{
			// Filled by preAuthentication and stored by n8n; emptied by the node to force a new exchange.
			displayName: 'Tenant Access Token',
			name: 'tenantAccessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const url = `${feishuBaseUrl(credentials)}${TOKEN_PATH}`;
		let response: { code?: unknown; msg?: unknown; tenant_access_token?: unknown } | undefined;
		try {
			response = (await this.helpers.httpRequest({
				method: 'POST',
				url,
				headers: { 'Content-Type': 'application/json; charset=utf-8' },
				body: { app_id: String(credentials.appId ?? '').trim(), app_secret: credentials.appSecret },
				json: true,
				// Feishu answers wrong credentials with HTTP 400 and a code; read the code instead of throwing.
				ignoreHttpStatusErrors: true,
				// Without a bound, a server that accepts but never answers would hold the run forever.
				timeout: TOKEN_TIMEOUT_MS,
			})) as typeof response;
		} catch (error) {
			// A transport error carries the request (with the secret in its body): keep only its code.
			const code = (error as { code?: unknown }).code;
			const reason = code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? `no answer within ${TOKEN_TIMEOUT_MS / 1000} s` : String(code ?? 'no connection');
			throw new Error(`Could not reach the token endpoint ${url} (${reason}). Check the Domain or Base URL.`);
		}

		const code = typeof response?.code === 'number' ? response.code : -1;
		if (code !== 0 || typeof response?.tenant_access_token !== 'string') {
			const msg = typeof response?.msg === 'string' ? response.msg : 'no answer from the token endpoint';
			throw new Error(describeTokenError(code, msg));
		}
		return { tenantAccessToken: response.tenant_access_token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.tenantAccessToken}}',
			},
		},
	};

	// n8n runs preAuthentication first (always, for a test), so a wrong ID or secret fails
	// with the message above; the request then proves the exchange answers with code 0.
	test: ICredentialTestRequest = {
		request: {
			baseURL: baseUrlExpression,
			url: TOKEN_PATH,
			method: 'POST',
			body: {
				app_id: '={{$credentials.appId}}',
				app_secret: '={{$credentials.appSecret}}',
			},
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: { key: 'code', value: 10003, message: TOKEN_ERROR_ADVICE[10003] },
			},
			{
				type: 'responseSuccessBody',
				properties: { key: 'code', value: 10014, message: TOKEN_ERROR_ADVICE[10014] },
			},
		],
	};
}
