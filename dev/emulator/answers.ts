import type { FieldViolation } from './validation';
import { isRecord } from './validation';

/** What to send back. A string body goes out as is; anything else as JSON. */
export interface Answer {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
	contentType?: string;
	/** Replayed from the client_token store. */
	deduplicated?: boolean;
}

export interface ErrorDetails {
	field_violations?: FieldViolation[];
	permission_violations?: unknown[];
}

/** Feishu's error envelope: `{code, msg, error: {log_id, troubleshooter, …}}`; log_id equals X-Tt-Logid. */
export function feishuError(
	logId: string,
	status: number,
	code: number,
	msg: string,
	details: ErrorDetails = {},
	headers?: Record<string, string>,
): Answer {
	const troubleshooter =
		'排查建议查看(Troubleshooting suggestions): ' +
		`https://open.feishu.cn/search?from=openapi&log_id=${logId}&code=${code}`;
	return { status, headers, body: { code, msg, error: { log_id: logId, troubleshooter, ...details } } };
}

/** Validation errors come as HTTP 400 with code 99992402 and the offending fields. */
export function invalid(logId: string, violations: FieldViolation[]): Answer {
	return feishuError(logId, 400, 99992402, 'field validation failed', { field_violations: violations });
}

export function notFound(logId: string, what: string): Answer {
	return feishuError(logId, 400, 1162010, `object does not exist: ${what}`);
}

export function success(data: unknown): Answer {
	return { status: 200, body: { code: 0, msg: 'success', data } };
}

/** 429 / 99991400; the reset header is whole seconds until a request may go, at least 1. */
export function rateLimited(logId: string, limit: number, waitMs: number): Answer {
	return feishuError(
		logId,
		429,
		99991400,
		'request trigger frequency limit',
		{},
		{
			'x-ogw-ratelimit-limit': String(limit),
			'x-ogw-ratelimit-reset': String(Math.max(1, Math.ceil(waitMs / 1000))),
		},
	);
}

/** Feishu's gateway answers unknown paths (and wrong methods) in plain text, not JSON. */
export const PAGE_NOT_FOUND: Answer = {
	status: 404,
	body: '404 page not found',
	contentType: 'text/plain; charset=utf-8',
};

/** nginx's wording of the gateway statuses a load balancer in front of the API sends. */
const GATEWAY_REASONS: Record<number, string> = {
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Temporarily Unavailable',
	504: 'Gateway Time-out',
};

/** What a load balancer in front of the API sends when the backend is gone or busy: HTML, not JSON. */
export function gatewayPage(status = 502): Answer {
	const title = `${status} ${GATEWAY_REASONS[status] ?? 'Error'}`;
	return {
		status,
		contentType: 'text/html',
		body:
			`<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
			`<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
	};
}

/** The 502 page. */
export const BAD_GATEWAY: Answer = gatewayPage(502);

// Page tokens are opaque to clients; here a base64url-wrapped offset.
export function encodePageToken(offset: number): string {
	return Buffer.from(JSON.stringify({ v: 1, o: offset })).toString('base64url');
}

export function decodePageToken(token: string): number | null {
	try {
		const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
		if (isRecord(parsed) && parsed.v === 1 && Number.isInteger(parsed.o) && (parsed.o as number) >= 0) {
			return parsed.o as number;
		}
	} catch {
		// not ours: fall through
	}
	return null;
}

export interface SearchPage {
	items: Record<string, unknown>[];
	/** Offset of the next page, or null on the last page. */
	next: number | null;
}

/** One page of the matching candidates, in candidate order, each shown as an answer item. */
export function pageOf<T>(
	candidates: Iterable<T>,
	matches: (candidate: T) => boolean,
	offset: number,
	pageSize: number,
	show: (candidate: T) => Record<string, unknown>,
): SearchPage {
	const items: Record<string, unknown>[] = [];
	let seen = 0;
	for (const candidate of candidates) {
		if (!matches(candidate)) continue;
		if (seen++ < offset) continue;
		if (items.length === pageSize) return { items, next: offset + pageSize };
		items.push(show(candidate));
	}
	return { items, next: null };
}

/** A search answer's data: no `total`, and page_token only while has_more (as Feishu sends it). */
export function pageData(page: SearchPage): Record<string, unknown> {
	const data: Record<string, unknown> = { items: page.items, has_more: page.next !== null };
	if (page.next !== null) data.page_token = encodePageToken(page.next);
	return data;
}
