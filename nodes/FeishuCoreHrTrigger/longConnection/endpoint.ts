import type { IHttpRequestOptions } from 'n8n-workflow';

/** Where a long connection starts: this endpoint trades the app's credentials for a socket URL. */
export const ENDPOINT_PATH = '/callback/ws/endpoint';
const ENDPOINT_TIMEOUT_MS = 15_000;

/** Feishu's answer codes for the endpoint (from the official SDK). */
export const ENDPOINT_CODE = {
	ok: 0,
	busy: 1,
	forbidden: 403,
	authFailed: 514,
	internal: 1000040343,
	tooManyConnections: 1000040350,
} as const;

export type EndpointResult =
	| { ok: true; url: string; serviceId: number; clientConfig: unknown }
	| { ok: false; retryable: boolean; message: string };

/**
 * What an answer of the endpoint means. Messages name the cause in the user's words and never
 * carry the request (which holds the App Secret).
 */
export function interpretEndpointAnswer(statusCode: number, body: unknown): EndpointResult {
	const answer = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
	const code = answer?.code;
	if (typeof code !== 'number') {
		if (statusCode >= 500 || statusCode === 429) {
			return { ok: false, retryable: true, message: `Feishu answered HTTP ${statusCode}; it may be busy` };
		}
		return {
			ok: false,
			retryable: false,
			message: `Feishu's connection endpoint answered HTTP ${statusCode} without a Feishu code: check the credential's domain`,
		};
	}
	const said = typeof answer?.msg === 'string' && answer.msg !== '' ? `: ${answer.msg}` : '';
	switch (code) {
		case ENDPOINT_CODE.ok:
			break;
		case ENDPOINT_CODE.busy:
		case ENDPOINT_CODE.internal:
			return { ok: false, retryable: true, message: `Feishu is busy (code ${code}${said})` };
		case ENDPOINT_CODE.authFailed:
			return {
				ok: false,
				retryable: false,
				message: `Feishu refused the App ID or App Secret (code ${code}, authentication failed): check them in the credential`,
			};
		case ENDPOINT_CODE.forbidden:
			return {
				ok: false,
				retryable: false,
				message:
					`Feishu refused this app a persistent connection (code ${code}, forbidden): only a self-built app may ` +
					'open one, and its developer console must say "Receive events through persistent connection" under Events & Callbacks',
			};
		case ENDPOINT_CODE.tooManyConnections:
			return {
				ok: false,
				retryable: false,
				message:
					`Feishu allows this app no more persistent connections (code ${code}, too many connections): ` +
					'deactivate other workflows or programs listening for this app, or use Webhook mode',
			};
		default:
			return { ok: false, retryable: false, message: `Feishu refused the persistent connection (code ${code}${said})` };
	}
	const data = answer?.data;
	const url = typeof data === 'object' && data !== null ? (data as Record<string, unknown>).URL : undefined;
	let parsed: URL | undefined;
	try {
		parsed = typeof url === 'string' ? new URL(url) : undefined;
	} catch {
		parsed = undefined;
	}
	if (typeof url !== 'string' || parsed === undefined || !/^wss?:$/i.test(parsed.protocol)) {
		return { ok: false, retryable: true, message: 'Feishu answered without a usable connection URL' };
	}
	// Pings name the service the URL was issued for.
	const serviceId = Number(parsed.searchParams.get('service_id') ?? '0');
	return {
		ok: true,
		url,
		serviceId: Number.isInteger(serviceId) ? serviceId : 0,
		clientConfig: (data as Record<string, unknown>).ClientConfig,
	};
}

/** Asks Feishu for a socket URL. Never throws: a failure is a result the caller can retry. */
export async function requestEndpoint(args: {
	baseUrl: string;
	appId: string;
	appSecret: string;
	httpRequest: (o: IHttpRequestOptions) => Promise<unknown>;
	abortSignal?: AbortSignal;
}): Promise<EndpointResult> {
	const options: IHttpRequestOptions = {
		method: 'POST',
		url: `${args.baseUrl.replace(/\/+$/, '')}${ENDPOINT_PATH}`,
		// Feishu's gateway reads the locale header (the SDK always sends it).
		headers: { locale: 'zh' },
		body: { AppID: args.appId, AppSecret: args.appSecret },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: ENDPOINT_TIMEOUT_MS,
	};
	if (args.abortSignal) options.abortSignal = args.abortSignal;
	let response: unknown;
	try {
		response = await args.httpRequest(options);
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		return {
			ok: false,
			retryable: true,
			message: `could not reach Feishu's connection endpoint (${scrub(reason, args.appSecret)})`,
		};
	}
	const full = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
	const statusCode = typeof full.statusCode === 'number' ? full.statusCode : 200;
	let body = full.body;
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body) as unknown;
		} catch {
			// Not JSON: judged by its status alone.
		}
	}
	const result = interpretEndpointAnswer(statusCode, body);
	return result.ok ? result : { ...result, message: scrub(result.message, args.appSecret) };
}

/** The secret never leaves in a message, whatever a server or library echoed. */
export function scrub(text: string, secret: string): string {
	return secret.length > 0 ? text.split(secret).join('***') : text;
}
