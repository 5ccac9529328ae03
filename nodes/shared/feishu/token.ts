/**
 * The tenant token exchange on the wire (auth/v3 tenant_access_token/internal): the request, and
 * its answer — or the error that came instead — read into a token or a classified failure. The
 * credential's preAuthentication runs it; the transport reads the same answers to retry it.
 */
import type { IDataObject, IHttpRequestHelper, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';

import { JSON_CONTENT_TYPE, headerLogId, rateLimitResetMs, readEnvelope } from './envelope';
import { RATE_LIMIT_CODE, hintFor, withoutUserInfo } from './errors';
import { networkFault } from './faults';

/** App ID and secret → tenant access token. */
export const TENANT_EXCHANGE = {
	method: 'POST',
	path: '/open-apis/auth/v3/tenant_access_token/internal',
} as const satisfies { method: IHttpRequestMethods; path: string };

/** The credential as the exchange needs it: its base URL and the trimmed App ID and secret. */
export interface AppCredentials {
	baseUrl: string;
	appId: string;
	appSecret: string;
}

/** Whether a request goes to the token endpoint. */
export function isTokenExchangeUrl(url: string): boolean {
	return url.endsWith(TENANT_EXCHANGE.path);
}

/** The exchange's request for one app (its body holds the secret: never show it). */
export function tokenExchangeRequest(app: AppCredentials): IHttpRequestOptions & { url: string } {
	const body: IDataObject = { app_id: app.appId, app_secret: app.appSecret };
	return {
		method: TENANT_EXCHANGE.method,
		url: `${app.baseUrl}${TENANT_EXCHANGE.path}`,
		headers: { 'Content-Type': JSON_CONTENT_TYPE },
		body,
		json: true,
	};
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

const LEAD = 'Could not get a tenant access token';

export function describeTokenError(code: number, msg: string): string {
	const advice = hintFor(code) ?? 'Check the App ID, the App Secret and the Domain.';
	return `${LEAD} (Feishu code ${code}: ${msg}). ${advice}`;
}

/** Reads the exchange's full response (`returnFullResponse`, HTTP errors not thrown). */
export function readTokenAnswer(url: string, answer: unknown): TokenOutcome {
	const full = (typeof answer === 'object' && answer !== null ? answer : {}) as { statusCode?: unknown; headers?: unknown; body?: unknown };
	const status = typeof full.statusCode === 'number' ? full.statusCode : 0;
	const headerLog = headerLogId(full.headers);
	const envelope = readEnvelope(status, full.body, headerLog);
	const code = envelope?.code;
	const msg = envelope?.msg ?? '';
	const logId = envelope ? envelope.logId : headerLog || undefined;
	const facts = { httpStatus: status, feishuCode: code, logId };
	const logPart = logId ? `, log ID ${logId}` : '';
	const where = `the token endpoint ${withoutUserInfo(url)}`;

	// The exchange's answer is not wrapped in `data`: the token sits beside code and msg.
	const token = (full.body as { tenant_access_token?: unknown } | undefined)?.tenant_access_token;
	if (code === 0 && status < 300 && typeof token === 'string' && token !== '') return { token };

	if (status === 429 || code === RATE_LIMIT_CODE) {
		return {
			failure: {
				kind: 'rateLimit',
				transient: true,
				...facts,
				retryAfterMs: rateLimitResetMs(full.headers),
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

/** Classifies an exchange that got no HTTP answer. Keeps nothing of the error: it carries the request and its secret. */
export function readTokenRequestError(url: string, error: unknown, timeoutMs: number): TokenFailure {
	const response = (error as { response?: { status?: unknown; headers?: unknown; data?: unknown } } | undefined)?.response;
	if (response && typeof response.status === 'number') {
		const outcome = readTokenAnswer(url, { statusCode: response.status, headers: response.headers, body: response.data });
		if ('failure' in outcome) return outcome.failure;
	}
	const where = `the token endpoint ${withoutUserInfo(url)}`;
	const fault = networkFault(error);
	if (fault?.timeout) {
		return { kind: 'timeout', transient: true, message: `${LEAD}: ${where} did not answer within ${timeoutMs / 1000} s. The App ID and App Secret were not checked.` };
	}
	if (fault?.permanent) {
		return { kind: 'baseUrl', transient: false, message: `${LEAD}: the host name of ${where} is unknown. Check the Domain or Base URL.` };
	}
	if (fault) {
		return {
			kind: 'network',
			transient: true,
			message: `${LEAD}: could not reach ${where}: ${fault.clause}. This is a network problem; the App ID and App Secret were not checked.`,
		};
	}
	return {
		kind: 'network',
		transient: false,
		message: `${LEAD}: could not reach ${where}. Check the Domain or Base URL and the network.`,
	};
}

/**
 * Runs the exchange for one app with the given helpers and reads its outcome. Feishu answers wrong
 * credentials with HTTP 400 and a code, gateways with their own status: both are read here
 * instead of becoming n8n's generic error.
 */
export async function exchangeTenantToken(helpers: IHttpRequestHelper['helpers'], app: AppCredentials, timeoutMs: number): Promise<TokenOutcome> {
	const request = tokenExchangeRequest(app);
	let answer: unknown;
	try {
		answer = await helpers.httpRequest({ ...request, ignoreHttpStatusErrors: true, returnFullResponse: true, timeout: timeoutMs });
	} catch (error) {
		// The error carries the request, secret included: only its classification leaves here.
		return { failure: readTokenRequestError(request.url, error, timeoutMs) };
	}
	return readTokenAnswer(request.url, answer);
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
