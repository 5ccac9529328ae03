import type { IHttpRequestOptions } from 'n8n-workflow';

import type { TokenFailure } from '../../../credentials/FeishuCoreHrApi.credentials';
import { readTokenAnswer, readTokenRequestError } from '../../../credentials/FeishuCoreHrApi.credentials';
import { TENANT_EXCHANGE } from './endpoints';
import type { FeishuContext } from './index';

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
		if (!url.endsWith(TENANT_EXCHANGE.path)) return await helpers.httpRequest(options);
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
