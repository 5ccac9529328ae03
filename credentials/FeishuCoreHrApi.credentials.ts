import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { withoutUserInfo } from '../nodes/shared/feishu/errors';
import type { AppCredentials } from '../nodes/shared/feishu/token';
import { FeishuTokenError, TENANT_EXCHANGE, exchangeTenantToken, isTokenExchangeUrl, tokenExchangeRequest } from '../nodes/shared/feishu/token';

/** Base URL of each public Open Platform; an app made on one does not work on the other. */
export const FEISHU_DOMAINS = {
	feishu: 'https://open.feishu.cn',
	lark: 'https://open.larksuite.com',
} as const;

export const FEISHU_CREDENTIAL_NAME = 'feishuCoreHrApi';
/** Bounds the exchange where nothing else does (the Test button); the node applies its own Timeout. */
export const TOKEN_TIMEOUT_MS = 30_000;

// ---- Reading the credential: one way for the Test button, the token exchange and every request.

/** The one place that turns the credential's domain choice into a base URL. */
export function feishuBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const domain = String(credentials.domain ?? 'feishu');
	if (domain === 'custom') {
		const given = String(credentials.baseUrl ?? '').trim();
		// Users paste the API root from Feishu's docs; "…/open-apis/" is the same server.
		const custom = given.replace(/\/+$/, '').replace(/\/open-apis$/i, '').replace(/\/+$/, '');
		if (!/^https?:\/\/[^\s/]+/i.test(custom)) {
			throw new Error(
				`The credential's Base URL "${withoutUserInfo(given)}" is not an http(s) URL. Use e.g. https://open.feishu.cn for a private deployment.`,
			);
		}
		return custom;
	}
	return domain === 'lark' ? FEISHU_DOMAINS.lark : FEISHU_DOMAINS.feishu;
}

/** The credential as the Test button, the token exchange and the node all read it. */
export function appCredentials(credentials: ICredentialDataDecryptedObject): AppCredentials {
	return {
		baseUrl: feishuBaseUrl(credentials),
		// Pasted values often bring a space or a line break; Feishu IDs and secrets never hold one.
		appId: String(credentials.appId ?? '').trim(),
		appSecret: String(credentials.appSecret ?? '').trim(),
	};
}

/**
 * Whom a token was issued for: the App ID and the server, nothing secret. n8n keeps the hidden
 * token when a saved credential is edited, so the token is stored with this and only used while
 * it still matches. A new App Secret for the same app keeps the token: it is still that app's.
 */
export function tokenOwner(credentials: ICredentialDataDecryptedObject): string {
	const { appId, baseUrl } = appCredentials(credentials);
	return `${appId} ${withoutUserInfo(baseUrl)}`;
}

/** True when the credential holds a token that was issued for its current App ID and server. */
export function holdsTokenForCurrentApp(credentials: ICredentialDataDecryptedObject): boolean {
	const token = credentials.tenantAccessToken;
	if (typeof token !== 'string' || token === '') return false;
	try {
		return credentials.tokenAppIdAndBaseUrl === tokenOwner(credentials);
	} catch {
		return false;
	}
}

/**
 * Raised by `authenticate` when the token must be fetched again. n8n's request helpers answer a
 * 401 by running preAuthentication with `credentialsExpired` and repeating the request
 * (n8n-core httpRequestWithAuthentication, 1.x and 2.x), so this never reaches the user unless a
 * fresh token still does not fit.
 */
class TokenRenewalNeeded extends Error {
	readonly response = { status: 401 };

	constructor(reason: string) {
		super(`The stored tenant access token ${reason}; n8n fetches a new one and repeats the request.`);
		this.name = 'TokenRenewalNeeded';
	}
}

/**
 * Credential objects whose token preAuthentication fetched during the current request. n8n hands
 * preAuthentication and authenticate the same object; a WeakSet marks it without anything that
 * could be written back to n8n's database.
 */
const freshlyExchanged = new WeakSet<object>();

/**
 * The Test request's base URL as an expression, from FEISHU_DOMAINS and the same normalisation as
 * feishuBaseUrl: n8n 2.x treats that host as the credential's own when it applies allowed domains.
 */
const baseUrlExpression =
	'={{ $credentials.domain === "custom" ? String($credentials.baseUrl).trim().replace(/\\/+$/, "").replace(/\\/open-apis$/i, "").replace(/\\/+$/, "")' +
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
			description: 'Base URL of the Open Platform, without /open-apis; API paths such as /open-apis/… are appended to it',
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
			displayName: 'Encrypt Key (Trigger)',
			// Named so that n8n's rules see a secret (it is one: it decrypts and signs events).
			name: 'encryptKeySecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for the Feishu CoreHR Trigger in webhook mode: the Encrypt Key from "Events & Callbacks → Encryption Strategy" of the same app. With it, events arrive encrypted and signed, and the trigger refuses any request without a valid signature.',
		},
		{
			displayName: 'Verification Token (Trigger)',
			name: 'verificationToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for the Feishu CoreHR Trigger in webhook mode: the Verification Token from the same page. The trigger refuses requests that do not carry it.',
		},
		{
			// Filled by preAuthentication and stored by n8n; emptied by the node to force a new exchange.
			displayName: 'Tenant Access Token',
			name: 'tenantAccessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			// Stored with the token by preAuthentication: the App ID and server it was issued for (tokenOwner).
			displayName: 'Token App ID and Base URL',
			name: 'tokenAppIdAndBaseUrl',
			type: 'hidden',
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		// The node replaces TOKEN_TIMEOUT_MS with its Timeout option (transport/tokenExchange.ts).
		const outcome = await exchangeTenantToken(this.helpers, appCredentials(credentials), TOKEN_TIMEOUT_MS);
		if ('failure' in outcome) throw new FeishuTokenError(outcome.failure);
		freshlyExchanged.add(credentials);
		return { tenantAccessToken: outcome.token, tokenAppIdAndBaseUrl: tokenOwner(credentials) };
	}

	authenticate: IAuthenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) => {
		if (isTokenExchangeUrl(String(requestOptions.url ?? ''))) return credentialTestRequest(credentials, requestOptions);
		// A saved credential keeps its token through an edit: never send one to another app or server.
		if (!holdsTokenForCurrentApp(credentials)) throw new TokenRenewalNeeded('was issued for another App ID or Base URL');
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.tenantAccessToken)}` },
		};
	};

	// `authenticate` turns this request into the token exchange of the credential as it is now,
	// after preAuthentication checked it (see credentialTestRequest): Test and runs read the
	// credential through the same appCredentials() and explain a failure in the same words.
	test: ICredentialTestRequest = {
		request: {
			baseURL: baseUrlExpression,
			method: TENANT_EXCHANGE.method,
			url: TENANT_EXCHANGE.path,
		},
		rules: [
			{ type: 'responseCode', properties: { value: 429, message: "Feishu's rate limit for token requests was hit; wait a moment and test again." } },
			...[500, 502, 503, 504].map((value) => ({
				type: 'responseCode' as const,
				properties: { value, message: `The token endpoint answered HTTP ${value}: Feishu or a gateway in between failed. The App ID and App Secret were accepted a moment ago; test again later.` },
			})),
		],
	};
}

/**
 * The Test button's request. Only the Test sends an authenticated request to the token endpoint
 * (preAuthentication uses the plain helper), and n8n runs preAuthentication before a Test only
 * when no token is stored: its check for "this is a Test" looks for a node type the tester does
 * not use. So when the request arrives without a token fetched just now, it asks n8n for one (a
 * 401), which runs preAuthentication on the values as they are now — a wrong App Secret is then
 * explained in the same words a run uses, first Test or not. The request itself repeats that
 * exchange with the same trimmed values and normalised Base URL.
 */
function credentialTestRequest(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): IHttpRequestOptions {
	if (!freshlyExchanged.has(credentials)) throw new TokenRenewalNeeded('must be checked against the values as they are now');
	const exchange = tokenExchangeRequest(appCredentials(credentials));
	return { ...requestOptions, ...exchange, baseURL: undefined, headers: { ...requestOptions.headers, ...exchange.headers } };
}
