import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestMethods, IHttpRequestOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { FEISHU_CREDENTIAL_NAME, feishuBaseUrl, holdsTokenForCurrentApp, tokenOwner } from '../../../credentials/FeishuCoreHrApi.credentials';
import type { FeishuFailure } from '../feishu/envelope';
import { JSON_CONTENT_TYPE, headerLogId, rateLimitResetMs, readEnvelope } from '../feishu/envelope';
import { RATE_LIMIT_CODE, TOKEN_ERROR_CODES, describeFailure, redact, violations } from '../feishu/errors';
import type { NetworkFault } from '../feishu/faults';
import { transientFault } from '../feishu/faults';
import type { RequestKind } from '../feishu/limits';
import type { TokenFailure } from '../feishu/token';
import type { FeishuContext } from './context';
import type { Clock, Pacer } from './pacer';
import { pacersFor } from './pacer';
import { IN_FLIGHT_AFTER_RATE_LIMIT, InFlightGate } from './inFlight';
import type { ExchangeFailed, ExchangeWatch } from './tokenExchange';
import { callerWithExchangePolicy, SharedTokenExchange } from './tokenExchange';

export { FEISHU_LIMITS } from '../feishu/limits';
export { IN_FLIGHT_AFTER_RATE_LIMIT } from './inFlight';
export type { RequestKind } from '../feishu/limits';
export type { FeishuContext } from './context';

export interface FeishuRequest {
	method: IHttpRequestMethods;
	/** Path below the base URL, e.g. /open-apis/corehr/v2/probation/assessments/123 */
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/** Which input item this is for, so errors point at it. */
	itemIndex?: number;
	/** Which of Feishu's limits it counts against (see FEISHU_LIMITS). Default: write. */
	kind?: RequestKind;
	/**
	 * Set by whoever orders the run's writes: once aborted, no attempt of this request goes out
	 * unless an earlier one may already have reached Feishu (then its retries finish the write).
	 * The request fails with `reason`. Checked right before each attempt, after every wait.
	 */
	stop?: StopSignal;
}

/** What the transport reads of an AbortSignal (an AbortSignal fits). */
export interface StopSignal {
	readonly aborted: boolean;
	readonly reason?: unknown;
}

/** Anything that sends FeishuRequests: the client itself, or a layer above that orders them. */
export interface FeishuRequester {
	request<T = unknown>(request: FeishuRequest): Promise<FeishuResponse<T>>;
}

/** One attempt at a request: what came back, and the log ID Feishu support can look it up by. */
export interface Attempt {
	/** e.g. "HTTP 500, code 1160997", "HTTP 502, not a Feishu answer", "no answer (connection reset)". */
	outcome: string;
	/** From Feishu's error body or its X-Tt-Logid header (sent on every answer, 5xx included). */
	logId?: string;
}

export interface FeishuResponse<T = unknown> {
	code: number;
	msg: string;
	data: T;
	logId?: string;
	/** Every attempt this request took, oldest first; the last is the answer above. */
	attempts: Attempt[];
}

/** What a failed request's NodeApiError carries for the operation that sent it. */
export interface RequestFailure {
	httpStatus: number;
	code: number;
	logId: string | null;
	/** An attempt before the last may have reached Feishu without its answer reaching us. */
	uncertainEarlierAttempt: boolean;
	attempts: Attempt[];
}

/** Reads back what the transport put in its error; undefined for any other error. */
export function requestFailure(error: unknown): RequestFailure | undefined {
	if (!(error instanceof NodeApiError)) return undefined;
	const details = error.errorResponse as Partial<Record<keyof RequestFailure | 'attemptLog', unknown>> | undefined;
	if (!details || !Array.isArray(details.attemptLog)) return undefined;
	return {
		httpStatus: typeof details.httpStatus === 'number' ? details.httpStatus : 0,
		code: typeof details.code === 'number' ? details.code : -1,
		logId: typeof details.logId === 'string' ? details.logId : null,
		uncertainEarlierAttempt: details.uncertainEarlierAttempt === true,
		attempts: details.attemptLog as Attempt[],
	};
}

/** "attempt 1: HTTP 500, code 1160997, log ID …; attempt 2: no answer (connection reset)" */
export function describeAttempts(attempts: readonly Attempt[]): string {
	return attempts
		.map((a, n) => `attempt ${n + 1}: ${a.outcome}${a.logId ? `, log ID ${a.logId}` : ''}`)
		.join('; ');
}

export interface TransportSettings {
	/** Per-request timeout. */
	timeoutMs: number;
	/** Retries for 5xx answers, non-JSON gateway answers, resets and timeouts (0 = none). */
	maxRetries: number;
	/** First wait before a retry; doubled each time. */
	retryBaseDelayMs: number;
	/** The most time one request may spend waiting on rate-limit answers before it fails. */
	maxRateLimitWaitMs: number;
	/** Wait used when a 429 comes without x-ogw-ratelimit-reset. */
	defaultRateLimitWaitMs: number;
	/**
	 * The run's own cap on requests per minute, below Feishu's documented limits, which are always
	 * kept (undefined = those limits alone; 0 = no pacing at all).
	 */
	maxRequestsPerMinute?: number;
}

export const DEFAULT_SETTINGS: TransportSettings = {
	timeoutMs: 30_000,
	maxRetries: 3,
	retryBaseDelayMs: 500,
	maxRateLimitWaitMs: 180_000,
	defaultRateLimitWaitMs: 5_000,
};

/** Raised when the user stops the execution during a wait. */
export class CancelledError extends Error {
	constructor() {
		super('The execution was cancelled');
		this.name = 'CancelledError';
	}
}

/**
 * Real time whose waits end early when the execution is cancelled. n8n-workflow 2.x has no
 * sleepWithAbort, so it sleeps in short slices and looks at the signal between them.
 */
export function cancellableClock(signal: { aborted: boolean } | undefined): Clock {
	return {
		now: () => Date.now(),
		sleep: async (ms) => {
			for (let left = ms; left > 0; left -= 250) {
				if (signal?.aborted) throw new CancelledError();
				await sleep(Math.min(250, left));
			}
			if (signal?.aborted) throw new CancelledError();
		},
	};
}

/**
 * How one attempt ended: an answer; this request's token exchange failed (nothing sent); the
 * exchange it waited for failed for good (nothing sent); the request failed; or it was not sent.
 */
type SendOutcome = { answer: HttpAnswer } | { exchangeFailed: TokenFailure } | { sharedExchangeFailed: ExchangeFailed } | { failed: unknown } | { refused: unknown };

interface HttpAnswer {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

const MAX_RETRY_DELAY_MS = 30_000;

/** Said when an attempt's outcome was never learned: the write may have been applied. */
function mayHaveLanded(trail: readonly Attempt[]): string {
	const earlier = trail.slice(0, -1);
	return `. An earlier attempt may have reached Feishu; its outcome is unknown${earlier.length ? ` (${describeAttempts(earlier)})` : ''}.`;
}

/**
 * What a write changes, for keeping writes to it in order: the path names the assessment (update,
 * delete), the body the employment (create, submit, withdraw, edit). Reads have none.
 */
export function writeTarget(request: FeishuRequest): string | undefined {
	if ((request.kind ?? 'write') !== 'write') return undefined;
	const employment = request.body?.employment_id;
	return typeof employment === 'string' && employment !== '' ? `employment ${employment}` : request.path;
}

/**
 * The one way the node talks to Feishu: base URL from the credential, bearer token from n8n's
 * credential machinery, token refresh on Feishu's 400-not-401 token codes, pacing, bounded
 * retries, and Feishu errors turned into NodeApiErrors that never echo the request.
 */
export class FeishuClient implements FeishuRequester {
	private credentials?: Promise<ICredentialDataDecryptedObject>;

	private readonly pacers: Record<RequestKind, Pacer>;

	/** The run's one token exchange: one request runs it on its own budget, the others wait for its end. */
	private readonly tokens: SharedTokenExchange;

	/** Whether Feishu has answered any request of this run with its rate limit (429). */
	private rateLimited = false;

	/** No bound of its own (the router's Requests in Parallel is) until Feishu answers 429. */
	private readonly gate = new InFlightGate(() => (this.rateLimited ? IN_FLIGHT_AFTER_RATE_LIMIT : Infinity));

	constructor(
		private readonly ctx: FeishuContext,
		private readonly settings: TransportSettings = DEFAULT_SETTINGS,
		private readonly clock: Clock = cancellableClock(
			'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal?.() : undefined,
		),
	) {
		this.pacers = pacersFor(settings.maxRequestsPerMinute, clock);
		this.tokens = new SharedTokenExchange({ ...settings, maxRetryDelayMs: MAX_RETRY_DELAY_MS, sleep: async (ms) => await clock.sleep(ms) });
	}

	private async loadCredentials(): Promise<ICredentialDataDecryptedObject> {
		// One copy for the run, however many requests ask for it at once.
		this.credentials ??= this.ctx.getCredentials(FEISHU_CREDENTIAL_NAME).then((stored) => {
			// A private copy: n8n writes a fresh token into it, and we reuse it for every later item.
			const copy: ICredentialDataDecryptedObject = { ...stored };
			// n8n keeps the stored token when a saved credential is edited: a token issued for
			// another App ID or server counts as none, so n8n exchanges and stores a new one.
			if (!holdsTokenForCurrentApp(copy)) copy.tenantAccessToken = '';
			return copy;
		});
		// A failed read is not kept: the next request reads the credential again.
		return await this.credentials.catch((error: unknown) => {
			this.credentials = undefined;
			throw error;
		});
	}

	/**
	 * One attempt. `runner` names the request for the token exchange; `reached` says whether an
	 * earlier attempt may have reached Feishu (then a stop no longer holds it back).
	 */
	private async send(request: FeishuRequest, runner: object, reached: boolean): Promise<SendOutcome & { token: unknown }> {
		let credentials = await this.loadCredentials();
		// No token: run the exchange (n8n does it inside this request), or wait for the one under way.
		let runsExchange = false;
		while (!holdsTokenForCurrentApp(credentials)) {
			const turn = await this.tokens.join(runner);
			if ('failed' in turn) return { sharedExchangeFailed: turn, token: undefined };
			if ('mine' in turn) {
				runsExchange = true;
				break;
			}
			credentials = await this.loadCredentials();
		}
		// The last moment before it goes, after every wait: a cancelled execution sends nothing more,
		// nor does a request whose run stopped while nothing of it has reached Feishu.
		const refused = this.cancelled() ? new CancelledError() : request.stop?.aborted && !reached ? (request.stop.reason ?? new CancelledError()) : undefined;
		if (refused) {
			if (runsExchange) this.tokens.leave(runner);
			return { refused, token: undefined };
		}
		const token = credentials.tenantAccessToken;
		const options: IHttpRequestOptions = {
			method: request.method,
			url: `${feishuBaseUrl(credentials)}${request.path}`,
			qs: request.qs,
			json: true,
			timeout: this.settings.timeoutMs,
			returnFullResponse: true,
			// We read Feishu's code ourselves: a non-zero code can come with HTTP 200 and token errors with 400.
			ignoreHttpStatusErrors: true,
		};
		if (request.body !== undefined) {
			options.body = request.body;
			options.headers = { 'Content-Type': JSON_CONTENT_TYPE };
		}
		const node = this.ctx.getNode().credentials?.[FEISHU_CREDENTIAL_NAME];
		const watch: ExchangeWatch = {};
		if (runsExchange) {
			watch.onToken = (fresh) => {
				// What n8n stores from preAuthentication a moment later; the waiting requests use it now.
				credentials.tenantAccessToken = fresh;
				credentials.tokenAppIdAndBaseUrl = tokenOwner(credentials);
				this.tokens.succeeded(runner);
			};
		}
		// Passing our copy lets n8n run preAuthentication when its token is empty and store the
			// new token (it needs the credential's id for that), and lets us reuse that token after.
			// Only credential fields go into it: n8n 1.x stores that whole object after an exchange.
		const call = this.ctx.helpers.httpRequestWithAuthentication.call(
			callerWithExchangePolicy(this.ctx, this.settings.timeoutMs, watch),
			FEISHU_CREDENTIAL_NAME,
			options,
			{
				credentialsDecrypted: {
					id: node?.id ?? '',
					name: node?.name ?? '',
					type: FEISHU_CREDENTIAL_NAME,
					data: credentials,
				},
			},
		) as Promise<{ statusCode?: number; headers?: Record<string, unknown>; body?: unknown }>;
		const outcome = call.then(
			(answer): SendOutcome => ({ answer: { statusCode: answer.statusCode ?? 0, headers: answer.headers ?? {}, body: answer.body } }),
			// A failed token exchange is told apart from a failed request: only the latter may have landed.
			(error: unknown): SendOutcome => (watch.failure ? { exchangeFailed: watch.failure } : { failed: error }),
		);
		const settled = await outcome;
		// An exchange n8n ran without our helper (no token seen): the waiters look for a token again.
		if (runsExchange && !('exchangeFailed' in settled)) this.tokens.succeeded(runner);
		return { ...settled, token };
	}

	private cancelled(): boolean {
		return 'getExecutionCancelSignal' in this.ctx && this.ctx.getExecutionCancelSignal?.()?.aborted === true;
	}

	async request<T = unknown>(request: FeishuRequest): Promise<FeishuResponse<T>> {
		const runner = {};
		try {
			return await this.attempts<T>(request, runner);
		} finally {
			// A request that ran the token exchange and stops hands it to the next one waiting.
			this.tokens.leave(runner);
		}
	}

	private async attempts<T>(request: FeishuRequest, runner: object): Promise<FeishuResponse<T>> {
		let retriesLeft = this.settings.maxRetries;
		let retryDelay = this.settings.retryBaseDelayMs;
		let rateLimitWaited = 0;
		let refreshed = false;
		// Set once a write's attempt may have reached Feishu without us learning the outcome.
		let uncertain = false;
		// Set once any attempt may have reached Feishu (unanswered, or failed on the server): a stop no longer holds its retries back.
		let reached = false;
		const trail: Attempt[] = [];
		/** Waits before a retry of a transient fault; false when no retries are left. */
		const backOff = async (mayHaveLanded: boolean): Promise<boolean> => {
			if (retriesLeft <= 0) return false;
			retriesLeft--;
			// Only a write can have landed; a read that may have reached Feishu changed nothing.
			if (mayHaveLanded && (request.kind ?? 'write') === 'write') uncertain = true;
			await this.clock.sleep(retryDelay);
			retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY_MS);
			return true;
		};
		const pacer = this.pacers[request.kind ?? 'write'];
		/**
		 * Waits as a rate-limit answer asks; false when that would pass Rate-Limit Wait. The wait
		 * is the pacer's: every request of this kind holds back until the reset, not just this one.
		 */
		const rateLimitWait = async (waitMs: number | undefined): Promise<boolean> => {
			this.rateLimited = true;
			const wait = waitMs === undefined ? this.settings.defaultRateLimitWaitMs : Math.max(waitMs, 100);
			if (rateLimitWaited + wait > this.settings.maxRateLimitWaitMs) return false;
			rateLimitWaited += wait;
			pacer.pause(this.clock.now() + wait);
			return true;
		};

		for (;;) {
			await this.gate.enter();
			let outcome: SendOutcome & { token: unknown };
			try {
				const sentAt = await pacer.acquire();
				outcome = await this.send(request, runner, reached);
				pacer.settle(sentAt);
				// Refused for its token or the rate limit, or never sent: it changed nothing.
				if ('failed' in outcome || ('answer' in outcome && outcome.answer.statusCode >= 500)) reached = true;
			} finally {
				this.gate.leave();
			}
			if (!('answer' in outcome)) {
				if ('refused' in outcome) throw outcome.refused;
				if ('exchangeFailed' in outcome || 'sharedExchangeFailed' in outcome) {
					// The request itself never went out. The exchange retries on its own budget (see
					// SharedTokenExchange): n8n runs it again on the next attempt, as the token is
					// still empty. A request that waited for it takes its end and spends nothing.
					const failure = 'exchangeFailed' in outcome ? outcome.exchangeFailed : outcome.sharedExchangeFailed.failed;
					trail.push({ outcome: `token exchange failed (${failure.kind})`, ...(failure.logId ? { logId: failure.logId } : {}) });
					if ('sharedExchangeFailed' in outcome) throw this.tokenError(request, outcome.sharedExchangeFailed, uncertain);
					if (await this.tokens.retry(runner, failure)) continue;
					throw this.tokenError(request, this.tokens.failed(runner, failure), uncertain);
				}
				const fault = transientFault(outcome.failed);
				trail.push({ outcome: fault ? `no answer (${fault.label})` : 'no answer' });
				if (fault && (await backOff(true))) continue;
				throw this.transportError(request, outcome.failed, fault, trail, uncertain);
			}
			const { answer } = outcome;

			const logId = headerLogId(answer.headers);
			const envelope = readEnvelope(answer.statusCode, answer.body, logId);
			trail.push({
				outcome: envelope ? `HTTP ${answer.statusCode}, code ${envelope.code}` : `HTTP ${answer.statusCode}, not a Feishu answer`,
				...((envelope?.logId ?? logId) ? { logId: envelope?.logId ?? logId } : {}),
			});
			if (envelope?.code === 0 && answer.statusCode < 300) {
				return { code: 0, msg: envelope.msg, data: envelope.data as T, logId: envelope.logId, attempts: trail };
			}

			if (envelope && TOKEN_ERROR_CODES.has(envelope.code) && !refreshed) {
				// Feishu says the stored token is dead (n8n only refreshes on 401): exchange once, then repeat.
				refreshed = true;
				// Only if no other request in flight has already fetched a new one since this was sent.
				const credentials = await this.loadCredentials();
				if (credentials.tenantAccessToken === outcome.token) credentials.tenantAccessToken = '';
				continue;
			}

			if (answer.statusCode === 429 || envelope?.code === RATE_LIMIT_CODE) {
				if (await rateLimitWait(rateLimitResetMs(answer.headers))) continue;
				// A 429 without Feishu's body is still Feishu's rate limit: give it that code and hint.
				throw this.apiError(request, envelope ?? { ...this.notFeishu(answer, logId), code: RATE_LIMIT_CODE, msg: 'too many requests' }, trail, uncertain,
					`Feishu's rate limit was still hit after waiting ${Math.round(rateLimitWaited / 1000)} s`);
			}

			// 5xx, or a gateway's non-JSON 5xx page, may pass: retry. Any other 4xx is final.
			if (answer.statusCode >= 500 && (await backOff(true))) continue;
			throw envelope
				? this.apiError(request, envelope, trail, uncertain)
				: this.apiError(request, this.notFeishu(answer, logId), trail, uncertain, 'Feishu could not be reached properly');
		}
	}

	/** A gateway's or proxy's answer (an HTML page, say) in Feishu's error terms. */
	private notFeishu(answer: HttpAnswer, logId: string | undefined): FeishuFailure {
		return {
			httpStatus: answer.statusCode,
			code: -1,
			// A 5xx page is a gateway failing on the way (retried first); another status suggests a wrong address.
			msg:
				answer.statusCode >= 500
					? `a gateway between n8n and Feishu answered HTTP ${answer.statusCode} without a Feishu JSON body; Feishu or the network may be having trouble, try again later`
					: `the server answered HTTP ${answer.statusCode} without a Feishu JSON body; check the credential's Domain or Base URL`,
			logId,
		};
	}

	private transportError(request: FeishuRequest, error: unknown, fault: NetworkFault | undefined, trail: Attempt[], uncertain: boolean): NodeApiError {
		const node = this.ctx.getNode();
		const attempts = trail.length;
		if (fault) {
			const what = fault.timeout ? `timed out after ${this.settings.timeoutMs / 1000} s` : `the connection failed (${fault.label})`;
			// A refused connection sent nothing; a reset or a timeout may have followed a delivered request.
			const landed = (request.kind ?? 'write') === 'write' && (uncertain || !fault.neverSent) ? mayHaveLanded(trail) : '';
			// Not under `code`: n8n would swap the message for its generic text for that code.
			const details = { networkError: fault.code, attemptLog: trail, uncertainEarlierAttempt: uncertain, logId: null };
			return new NodeApiError(node, details as unknown as JsonObject, {
				message: `Could not reach Feishu for ${request.method} ${request.path}: ${what}, ${attempts} attempt(s)${landed}`,
				description: `Tried ${attempts} time(s). Check the credential's Domain or Base URL and the network; raise "Timeout" or "Max Retries" in the node's options if the service is slow.`,
				itemIndex: request.itemIndex,
			});
		}
		// Not a network fault: e.g. the credential's token exchange said why it failed. A fresh
		// error keeps those words and drops the cause chain, which holds the request and its secrets.
		const message = redact(String((error as { message?: unknown }).message ?? 'unknown error'));
		return new NodeApiError(node, { message } as JsonObject, { message, itemIndex: request.itemIndex });
	}

	/** The token exchange before the request failed for good: its words, what was tried, and that nothing was sent. */
	private tokenError(request: FeishuRequest, exchange: ExchangeFailed, uncertain: boolean): NodeApiError {
		const { failed: failure, attempts } = exchange;
		const waited = exchange.rateLimitWaitedMs > 0 ? `, waiting ${Math.round(exchange.rateLimitWaitedMs / 1000)} s for Feishu's rate limit` : '';
		const tried = attempts > 1 ? ` Tried ${attempts} times${waited}.` : '';
		const sent = uncertain
			? ' An earlier attempt of the request may have reached Feishu; its outcome is unknown.'
			: ` The request (${request.method} ${request.path}) was not sent.`;
		const advice = failure.transient
			? 'The fault lies between n8n and Feishu, not in the credential. Raise "Max Retries", "Timeout" or "Rate-Limit Wait" in the node\'s options if this keeps happening.'
			: 'Fix the credential (App ID, App Secret, Domain or Base URL), then press its Test button.';
		const details: JsonObject = {
			tokenExchange: failure.kind,
			httpStatus: failure.httpStatus ?? null,
			feishuCode: failure.feishuCode ?? null,
			logId: failure.logId ?? null,
			request: `${request.method} ${request.path}`,
			attempts,
			uncertainEarlierAttempt: uncertain,
		};
		return new NodeApiError(this.ctx.getNode(), details, {
			message: `${failure.message}${tried}${sent}`,
			description: advice,
			httpCode: failure.httpStatus ? String(failure.httpStatus) : undefined,
			itemIndex: request.itemIndex,
		});
	}

	private apiError(request: FeishuRequest, failure: FeishuFailure, trail: Attempt[], uncertain: boolean, lead?: string): NodeApiError {
		const logId = failure.logId ? `, log ID ${failure.logId}` : '';
		const code = failure.code === -1 ? `HTTP ${failure.httpStatus}` : `code ${failure.code}`;
		const landed = uncertain ? mayHaveLanded(trail) : '';
		// Which field, value and rule (or which scope): n8n keeps only the message on an error item.
		const what = violations(failure);
		const said = what.length > 0 ? ` [${what.join('; ')}]` : '';
		const refused = failure.httpStatus >= 500 ? 'Feishu failed with a server error' : 'Feishu refused the request';
		const message = `${lead ?? refused}: ${failure.msg || 'no message'}${said} (${code}${logId})${landed}`;
		const details: JsonObject = {
			httpStatus: failure.httpStatus,
			code: failure.code,
			msg: failure.msg,
			logId: failure.logId ?? null,
			request: `${request.method} ${request.path}`,
			attempts: trail.length,
			attemptLog: trail as unknown as JsonObject[],
			uncertainEarlierAttempt: uncertain,
		};
		if (failure.fieldViolations) details.fieldViolations = failure.fieldViolations as JsonObject[];
		if (failure.permissionViolations) details.permissionViolations = failure.permissionViolations as JsonObject[];
		return new NodeApiError(this.ctx.getNode(), details, {
			message,
			description: describeFailure(failure),
			httpCode: String(failure.httpStatus),
			itemIndex: request.itemIndex,
		});
	}
}
