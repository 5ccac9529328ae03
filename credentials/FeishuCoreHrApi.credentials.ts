import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import type { TenantTokenAnswer } from '../nodes/shared/transport/endpoints';
import { TENANT_EXCHANGE, tenantTokenRequestBody } from '../nodes/shared/transport/endpoints';
import { RATE_LIMIT_CODE } from '../nodes/shared/transport/errors';

/** Base URL of each public Open Platform; an app made on one does not work on the other. */
export const FEISHU_DOMAINS = {
	feishu: 'https://open.feishu.cn',
	lark: 'https://open.larksuite.com',
} as const;

export const FEISHU_CREDENTIAL_NAME = 'feishuCoreHrApi';
/** Bounds the exchange where nothing else does (the Test button); the node applies its own Timeout. */
export const TOKEN_TIMEOUT_MS = 30_000;

// ---- Reading the credential: one way for the Test button, the token exchange and every request.

/** A URL as messages and the stored token owner show it: without any user:password@ part. */
export function withoutUserInfo(url: string): string {
	return url.replace(/^(https?:\/\/)[^@/]*@/i, '$1');
}

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

export interface AppCredentials {
	baseUrl: string;
	appId: string;
	appSecret: string;
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

// ---- The token endpoint's answers, in words: shared by the Test button and the node's retries.

/** Plain-words advice for the token endpoint's error codes (FEISHU.md: wrong app credentials). */
const TOKEN_ERROR_ADVICE: Record<number, string> = {
	10003: 'Feishu does not know this App ID. Check the App ID (it starts with "cli_") and that the Domain matches where the app was created (Feishu or Lark).',
	10014: 'Feishu rejected the App Secret. Copy it again from the app\'s "Credentials & Basic Info" page; it changes when someone resets it.',
	10013: 'Feishu could not issue a token for this app. Check that the app is enabled and published.',
	1000040351: 'The app belongs to the other platform: switch the credential\'s Domain between Feishu and Lark.',
};

export function describeTokenError(code: number, msg: string): string {
	const advice = TOKEN_ERROR_ADVICE[code] ?? 'Check the App ID, the App Secret and the Domain.';
	return `Could not get a tenant access token (Feishu code ${code}: ${msg}). ${advice}`;
}

export type TokenFailureKind = 'network' | 'timeout' | 'gateway' | 'rateLimit' | 'credentials' | 'baseUrl' | 'unexpected';

/** Why an exchange failed, classified once for the Test button and for the node's retry policy. */
export interface TokenFailure {
	kind: TokenFailureKind;
	/** The App ID and App Secret were never judged: the same exchange may well succeed later. */
	transient: boolean;
	/** What happened and what to do, in the user's words; never a secret. */
	message: string;
	httpStatus?: number;
	feishuCode?: number;
	logId?: string;
	/** Feishu's x-ogw-ratelimit-reset, in ms. */
	retryAfterMs?: number;
}

export type TokenOutcome = { token: string } | { failure: TokenFailure };

function header(headers: unknown, name: string): string | undefined {
	if (typeof headers !== 'object' || headers === null) return undefined;
	const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
	const value: unknown = entry?.[1];
	return value === undefined || value === null ? undefined : String(Array.isArray(value) ? value[0] : value);
}

const LEAD = 'Could not get a tenant access token';

/** Reads the exchange's full response (`returnFullResponse`, HTTP errors not thrown). */
export function readTokenAnswer(url: string, answer: unknown): TokenOutcome {
	const full = (typeof answer === 'object' && answer !== null ? answer : {}) as { statusCode?: unknown; headers?: unknown; body?: unknown };
	const status = typeof full.statusCode === 'number' ? full.statusCode : 0;
	const body = full.body;
	const envelope = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as IDataObject) : undefined;
	const code = typeof envelope?.code === 'number' ? envelope.code : undefined;
	const msg = typeof envelope?.msg === 'string' ? envelope.msg : '';
	const error = (typeof envelope?.error === 'object' && envelope.error !== null ? envelope.error : {}) as IDataObject;
	const foundLogId = error.log_id ?? error.logid ?? header(full.headers, 'x-tt-logid');
	const logId = typeof foundLogId === 'string' && foundLogId ? foundLogId : undefined;
	const facts = { httpStatus: status, feishuCode: code, logId };
	const logPart = logId ? `, log ID ${logId}` : '';
	const where = `the token endpoint ${withoutUserInfo(url)}`;

	const token = (envelope as TenantTokenAnswer | undefined)?.tenant_access_token;
	if (code === 0 && status < 300 && typeof token === 'string' && token !== '') return { token };

	if (status === 429 || code === RATE_LIMIT_CODE) {
		const reset = Number(header(full.headers, 'x-ogw-ratelimit-reset'));
		return {
			failure: {
				kind: 'rateLimit',
				transient: true,
				...facts,
				retryAfterMs: Number.isFinite(reset) && reset >= 0 ? reset * 1000 : undefined,
				message: `${LEAD}: Feishu's rate limit for token requests was hit (HTTP ${status}, code ${code ?? RATE_LIMIT_CODE}${logPart}). This says nothing about the App ID or App Secret; wait a moment and try again.`,
			},
		};
	}
	if (status >= 500) {
		const what = code === undefined
			? `answered HTTP ${status} with a page that is not Feishu's answer: a gateway or proxy between n8n and Feishu, or Feishu itself, failed`
			: `failed on Feishu's side (HTTP ${status}, code ${code}: ${msg || 'no message'}${logPart})`;
		return {
			failure: {
				kind: 'gateway',
				transient: true,
				...facts,
				message: `${LEAD}: ${where} ${what}. The App ID and App Secret were not checked; try again later.`,
			},
		};
	}
	if (code !== undefined && code !== 0) {
		return { failure: { kind: 'credentials', transient: false, ...facts, message: `${describeTokenError(code, msg)}${logId ? ` Log ID ${logId}.` : ''}` } };
	}
	if (code === 0) {
		return { failure: { kind: 'unexpected', transient: false, ...facts, message: `${LEAD}: ${where} answered code 0 (HTTP ${status}) without a token.` } };
	}
	// No Feishu JSON at all: something else answers at this address.
	const what = status === 404 || status === 405
		? `does not exist (HTTP ${status}), so the Base URL is wrong`
		: `answered HTTP ${status} without Feishu's JSON answer, so the Domain or Base URL does not point at Feishu's Open Platform (or a proxy answered instead)`;
	return {
		failure: {
			kind: 'baseUrl',
			transient: false,
			...facts,
			message: `${LEAD}: ${where} ${what}. A Custom Base URL is the server's address without /open-apis, e.g. https://open.feishu.cn. The App ID and App Secret were not checked.`,
		},
	};
}

/**
 * Network faults worth another try, in words: n8n replaces any error message that contains such a
 * code (ECONNREFUSED…) with its own generic sentence, so the code itself never goes into ours.
 */
const TRANSIENT_NETWORK_FAULTS: Record<string, string> = {
	ECONNRESET: 'the connection was dropped',
	ECONNREFUSED: 'the connection was refused (nothing answers at that address and port)',
	EPIPE: 'the connection broke',
	EAI_AGAIN: 'the name lookup failed for now',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	ENETDOWN: 'the network is down',
};
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/** Classifies an exchange that got no HTTP answer. Keeps nothing of the error: it carries the request and its secret. */
export function readTokenRequestError(url: string, error: unknown, timeoutMs: number): TokenFailure {
	const response = (error as { response?: { status?: unknown; headers?: unknown; data?: unknown } } | undefined)?.response;
	if (response && typeof response.status === 'number') {
		const outcome = readTokenAnswer(url, { statusCode: response.status, headers: response.headers, body: response.data });
		if ('failure' in outcome) return outcome.failure;
	}
	// n8n-core throws axios' error or wraps it: the socket's code sits on it or down its cause chain.
	let code: string | undefined;
	let text = '';
	const seen = new Set<unknown>();
	for (let current: unknown = error; typeof current === 'object' && current !== null && !seen.has(current) && !code; current = (current as { cause?: unknown }).cause) {
		seen.add(current);
		const own = (current as { code?: unknown }).code;
		if (typeof own === 'string' && /^E[A-Z_]+$/.test(own)) code = own;
		text += ` ${String((current as { message?: unknown }).message ?? '')}`;
	}
	const where = `the token endpoint ${withoutUserInfo(url)}`;
	if ((code && TIMEOUT_CODES.has(code)) || /timeout/i.test(text)) {
		return { kind: 'timeout', transient: true, message: `${LEAD}: ${where} did not answer within ${timeoutMs / 1000} s. The App ID and App Secret were not checked.` };
	}
	if (code === 'ENOTFOUND') {
		return { kind: 'baseUrl', transient: false, message: `${LEAD}: the host name of ${where} is unknown. Check the Domain or Base URL.` };
	}
	const fault = code ? TRANSIENT_NETWORK_FAULTS[code] : /socket hang up/i.test(text) ? TRANSIENT_NETWORK_FAULTS.ECONNRESET : undefined;
	if (fault) {
		return {
			kind: 'network',
			transient: true,
			message: `${LEAD}: could not reach ${where}: ${fault}. This is a network problem; the App ID and App Secret were not checked.`,
		};
	}
	return {
		kind: 'network',
		transient: false,
		message: `${LEAD}: could not reach ${where}. Check the Domain or Base URL and the network.`,
	};
}

/**
 * What preAuthentication throws: the classified failure's words, no secrets. It has no `code`,
 * `status` or `response`: n8n would show its generic text for those instead of ours.
 */
export class FeishuTokenError extends Error {
	constructor(readonly failure: TokenFailure) {
		super(failure.message);
		this.name = 'FeishuTokenError';
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
		const app = appCredentials(credentials);
		const url = `${app.baseUrl}${TENANT_EXCHANGE.path}`;
		let answer: unknown;
		try {
			answer = await this.helpers.httpRequest({
				method: TENANT_EXCHANGE.method,
				url,
				headers: { 'Content-Type': 'application/json; charset=utf-8' },
				body: tenantTokenRequestBody(app.appId, app.appSecret),
				json: true,
				// Feishu answers wrong credentials with HTTP 400 and a code, gateways with their own
				// status: read both instead of n8n's generic error.
				ignoreHttpStatusErrors: true,
				returnFullResponse: true,
				// The node replaces this with its Timeout option (transport/tokenExchange.ts).
				timeout: TOKEN_TIMEOUT_MS,
			});
		} catch (error) {
			// The error carries the request, secret included: only its classification leaves here.
			throw new FeishuTokenError(readTokenRequestError(url, error, TOKEN_TIMEOUT_MS));
		}
		const outcome = readTokenAnswer(url, answer);
		if ('failure' in outcome) throw new FeishuTokenError(outcome.failure);
		freshlyExchanged.add(credentials);
		return { tenantAccessToken: outcome.token, tokenAppIdAndBaseUrl: tokenOwner(credentials) };
	}

	authenticate: IAuthenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) => {
		if (String(requestOptions.url ?? '').endsWith(TENANT_EXCHANGE.path)) return credentialTestRequest(credentials, requestOptions);
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
	const app = appCredentials(credentials);
	return {
		...requestOptions,
		baseURL: undefined,
		url: `${app.baseUrl}${TENANT_EXCHANGE.path}`,
		headers: { ...requestOptions.headers, 'Content-Type': 'application/json; charset=utf-8' },
		body: tenantTokenRequestBody(app.appId, app.appSecret),
		json: true,
	};
}
