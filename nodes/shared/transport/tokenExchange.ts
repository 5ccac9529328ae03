import type { IHttpRequestOptions } from 'n8n-workflow';

import type { TokenFailure } from '../feishu/token';
import { isTokenExchangeUrl, readTokenAnswer, readTokenRequestError } from '../feishu/token';
import type { FeishuContext } from './context';

/** What the node learned about the token exchange n8n ran inside one request. */
export interface ExchangeWatch {
	failure?: TokenFailure;
	/** Told the new token as soon as the exchange answered, before the request itself goes out. */
	onToken?: (token: string) => void;
}

/**
 * The `this` to call httpRequestWithAuthentication on, so that the node's request policy reaches
 * the token exchange n8n runs inside it.
 *
 * n8n runs the credential's preAuthentication with `{ helpers: this.helpers }` of the context the
 * helper was called on (n8n-core: request-helper-functions.ts in 1.x,
 * request-helpers/authentication.ts in 2.x; 2.x wraps it to apply the credential's allowed
 * domains and still calls our httpRequest). A child of the node's context whose httpRequest
 * applies the node's Timeout to the token endpoint therefore bounds the exchange, without putting
 * the Timeout into the credential data — n8n 1.x writes that whole object back to its database
 * after an exchange. The same httpRequest notes why an exchange failed: n8n re-wraps
 * preAuthentication's error, and 1.x drops its cause on the way.
 *
 * If a future n8n passed other helpers, the exchange would keep the credential's own 30 s bound
 * and its failure would reach the user unretried, in the credential's words.
 */
export function callerWithExchangePolicy(ctx: FeishuContext, timeoutMs: number, watch: ExchangeWatch): FeishuContext {
	const helpers = ctx.helpers;
	const httpRequest = async (options: IHttpRequestOptions): Promise<unknown> => {
		const url = String(options.url ?? '');
		if (!isTokenExchangeUrl(url)) return await helpers.httpRequest(options);
		// n8n's credential machinery handles the request's own error: note why, and pass it on unchanged.
		return await helpers.httpRequest({ ...options, timeout: timeoutMs }).then(
			(answer: unknown) => {
				if (options.returnFullResponse) {
					const outcome = readTokenAnswer(url, answer);
					if ('failure' in outcome) watch.failure = outcome.failure;
					else watch.onToken?.(outcome.token);
				}
				return answer;
			},
			(error: unknown) => {
				watch.failure = readTokenRequestError(url, error, timeoutMs);
				throw error;
			},
		);
	};
	return Object.create(ctx, { helpers: { value: { ...helpers, httpRequest } } }) as FeishuContext;
}

/** What a request learned when it needed a token: it runs the exchange, a token is there, or the exchange failed for good. */
export type ExchangeTurn = { mine: true } | { ready: true } | ExchangeFailed;

/** An exchange that failed for good: its last failure, how many attempts it made, and how long it waited for 429s. */
export interface ExchangeFailed {
	failed: TokenFailure;
	attempts: number;
	rateLimitWaitedMs: number;
}

/** How the exchange may be retried: the node's Max Retries, Rate-Limit Wait and back-off. */
export interface ExchangePolicy {
	maxRetries: number;
	retryBaseDelayMs: number;
	maxRetryDelayMs: number;
	maxRateLimitWaitMs: number;
	defaultRateLimitWaitMs: number;
	sleep(ms: number): Promise<void>;
}

type Ending = ExchangeFailed | 'token' | 'abandoned';

/**
 * The one token exchange a run's requests share. The first request that finds no token runs it
 * (n8n exchanges inside that request); the others wait for its end. The exchange retries on its
 * own budget — Max Retries for faults, Rate-Limit Wait for Feishu's 429s — while they wait, so
 * three dropped exchanges cost the waiting requests none of their own retries: they go on with
 * the token, or all fail with the exchange's final failure.
 *
 * A request that runs the exchange and must stop (cancelled, or the run stopped before it sent
 * anything) hands it on: the next waiter runs it, with the budget that is left.
 */
export class SharedTokenExchange {
	private running?: { runner: object; ended: Promise<Ending>; end(ending: Ending): void };

	private retriesLeft: number;

	private delayMs: number;

	private rateLimitWaitedMs = 0;

	/** Attempts of the current exchange, over every runner. */
	private attempts = 0;

	constructor(private readonly policy: ExchangePolicy) {
		this.retriesLeft = policy.maxRetries;
		this.delayMs = policy.retryBaseDelayMs;
	}

	/** Called by a request that holds no token: run the exchange, or wait for the one under way. */
	async join(runner: object): Promise<ExchangeTurn> {
		for (;;) {
			if (!this.running) {
				let end!: (ending: Ending) => void;
				const ended = new Promise<Ending>((resolve) => (end = resolve));
				this.running = { runner, ended, end };
			}
			if (this.running.runner === runner) {
				this.attempts++;
				return { mine: true };
			}
			const ending = await this.running.ended;
			if (ending === 'token') return { ready: true };
			if (ending !== 'abandoned') return ending;
		}
	}

	/** The runner's exchange gave a token: the waiting requests go on with it. */
	succeeded(runner: object): void {
		this.finish(runner, 'token');
	}

	/**
	 * The runner's exchange attempt failed: waits as the failure asks and returns true when the
	 * exchange may be tried again; false when its budget is spent (then `failed` ends it).
	 */
	async retry(runner: object, failure: TokenFailure): Promise<boolean> {
		if (this.running?.runner !== runner) return false;
		let wait: number;
		if (failure.kind === 'rateLimit') {
			wait = failure.retryAfterMs === undefined ? this.policy.defaultRateLimitWaitMs : Math.max(failure.retryAfterMs, 100);
			if (this.rateLimitWaitedMs + wait > this.policy.maxRateLimitWaitMs) return false;
			this.rateLimitWaitedMs += wait;
		} else {
			if (!failure.transient || this.retriesLeft <= 0) return false;
			this.retriesLeft--;
			wait = this.delayMs;
			this.delayMs = Math.min(this.delayMs * 2, this.policy.maxRetryDelayMs);
		}
		await this.policy.sleep(wait);
		return true;
	}

	/** The exchange failed for good: every waiting request fails with it, as does the runner. */
	failed(runner: object, failure: TokenFailure): ExchangeFailed {
		const ending: ExchangeFailed = { failed: failure, attempts: this.attempts, rateLimitWaitedMs: this.rateLimitWaitedMs };
		this.finish(runner, ending);
		return ending;
	}

	/** The runner leaves (any way): if its exchange is still open, the next waiter takes it on. */
	leave(runner: object): void {
		if (this.running?.runner !== runner) return;
		const { end } = this.running;
		this.running = undefined;
		end('abandoned');
	}

	private finish(runner: object, ending: Ending): void {
		if (this.running?.runner !== runner) return;
		const { end } = this.running;
		this.running = undefined;
		// The next exchange (a token that expires later) starts with a whole budget.
		this.retriesLeft = this.policy.maxRetries;
		this.delayMs = this.policy.retryBaseDelayMs;
		this.rateLimitWaitedMs = 0;
		this.attempts = 0;
		end(ending);
	}
}
