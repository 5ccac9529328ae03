/**
 * How Feishu answers: the `{code, msg, data}` envelope with its `error` details, and the headers
 * beside it. The credential's token exchange and the transport both read answers through here.
 */
import type { IDataObject } from 'n8n-workflow';

/** What every Feishu call with a body sends. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** What Feishu said, as the node shows it: never the request (it carries the token). */
export interface FeishuFailure {
	httpStatus: number;
	code: number;
	msg: string;
	logId?: string;
	fieldViolations?: IDataObject[];
	permissionViolations?: IDataObject[];
	troubleshooter?: string;
}

/** A response header by name, whatever its case; the first value of a repeated one. */
export function headerValue(headers: unknown, name: string): string | undefined {
	if (typeof headers !== 'object' || headers === null) return undefined;
	const wanted = name.toLowerCase();
	const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === wanted);
	const value: unknown = entry?.[1];
	return value === undefined || value === null ? undefined : String(Array.isArray(value) ? value[0] : value);
}

/** The log ID Feishu support looks an answer up by, from the X-Tt-Logid header (sent on every answer, 5xx included). */
export function headerLogId(headers: unknown): string | undefined {
	return headerValue(headers, 'x-tt-logid');
}

/** How long a rate-limited answer asks to wait (x-ogw-ratelimit-reset, in seconds), in ms; undefined without it. */
export function rateLimitResetMs(headers: unknown): number | undefined {
	const seconds = Number(headerValue(headers, 'x-ogw-ratelimit-reset'));
	return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function asObjects(value: unknown): IDataObject[] | undefined {
	return Array.isArray(value) ? value.filter((v): v is IDataObject => typeof v === 'object' && v !== null) : undefined;
}

/** Reads Feishu's envelope; `null` when the body is not a Feishu JSON answer at all (no numeric code). */
export function readEnvelope(
	httpStatus: number,
	body: unknown,
	headerLogId: string | undefined,
): (FeishuFailure & { data: unknown }) | null {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
	const envelope = body as IDataObject;
	if (typeof envelope.code !== 'number') return null;
	const error = (typeof envelope.error === 'object' && envelope.error !== null ? envelope.error : {}) as IDataObject;
	const logId = (error.log_id ?? error.logid ?? headerLogId) as string | undefined;
	return {
		httpStatus,
		code: envelope.code,
		msg: typeof envelope.msg === 'string' ? envelope.msg : '',
		logId: typeof logId === 'string' && logId ? logId : undefined,
		fieldViolations: asObjects(error.field_violations),
		permissionViolations: asObjects(error.permission_violations),
		troubleshooter: typeof error.troubleshooter === 'string' ? error.troubleshooter : undefined,
		data: envelope.data,
	};
}
