import type { IDataObject } from 'n8n-workflow';

import { FEISHU_LIMITS } from './limits';

/** Feishu answers an expired or bad tenant token with these codes, on HTTP 400 (sometimes 200), never 401. */
export const TOKEN_ERROR_CODES: ReadonlySet<number> = new Set([99991661, 99991663, 99991665, 99991671]);

export const RATE_LIMIT_CODE = 99991400;

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

const HINTS: Record<number, string> = {
	99991672:
		'The app lacks the scope this call needs. In the developer console, add it under "Permissions & Scopes", then create and publish a new app version (an admin may have to approve it).',
	99991676: 'The token has no permission for this call. Add the scope to the app and publish a new version.',
	99991401: "The n8n server's IP address is not on the app's IP allow-list. Add it in the developer console under Security Settings, or remove the allow-list.",
	99991662: 'The app is disabled or not installed in this tenant. Ask an admin to enable it.',
	99991673: 'The app is disabled or not installed in this tenant. Ask an admin to enable it.',
	1000040351: 'The app belongs to the other domain. Switch the credential between Feishu and Lark.',
	1162010: 'No record with this ID exists in this tenant. Check the ID (copy it as text) and that the credential points at the right tenant.',
	1160005: 'A required value is empty.',
	1160006: 'A required value is empty.',
	1161025: 'The assessment feature is already in the requested state.',
	99992402: 'Feishu refused a field value: the message names the field, the value and the rule it broke.',
	99991400: `Feishu's rate limit was hit: writes allow ${FEISHU_LIMITS.write.perMinute} requests per minute per app, probation searches ${FEISHU_LIMITS.read.perMinute} per minute and ${FEISHU_LIMITS.read.perSecond} per second, employee searches ${FEISHU_LIMITS.employeeSearch.perMinute} per minute, shared by every workflow using the app. Lower "Max Requests per Minute", split the run, or raise "Rate-Limit Wait".`,
};

export function hintFor(code: number): string | undefined {
	return HINTS[code];
}

/** A value Feishu quotes back, short enough for one line of a message. */
function quoted(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
	return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

/**
 * What Feishu said was wrong, one entry per field or scope: "assessment_score = "abc": must be
 * a number", "missing scope corehr:probation.assessment:write". These go into the message itself,
 * because n8n keeps only the message on an error item.
 */
export function violations(failure: FeishuFailure): string[] {
	const lines: string[] = [];
	for (const v of failure.fieldViolations ?? []) {
		const value = v.value === undefined || v.value === '' ? '' : ` = ${quoted(v.value)}`;
		const reason = typeof v.description === 'string' && v.description ? `: ${v.description}` : '';
		lines.push(`${String(v.field ?? '(unnamed field)')}${value}${reason}`);
	}
	for (const v of failure.permissionViolations ?? []) {
		lines.push(`missing scope ${String(v.subject ?? v.scope ?? '(not named)')}`);
	}
	return lines;
}

export function describeFailure(failure: FeishuFailure): string {
	const parts: string[] = [];
	const hint = hintFor(failure.code);
	if (hint) parts.push(hint);
	parts.push(...violations(failure));
	if (failure.troubleshooter) parts.push(`Troubleshooter: ${failure.troubleshooter}`);
	parts.push(`HTTP ${failure.httpStatus}, Feishu code ${failure.code}${failure.logId ? `, log ID ${failure.logId}` : ''}.`);
	return parts.join('\n');
}

function asObjects(value: unknown): IDataObject[] | undefined {
	return Array.isArray(value) ? value.filter((v): v is IDataObject => typeof v === 'object' && v !== null) : undefined;
}

/** Reads Feishu's error envelope; `null` when the body is not a Feishu JSON answer at all. */
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

/** Removes anything that looks like a bearer token or tenant token from text we did not write. */
export function redact(text: string): string {
	return text.replace(/Bearer\s+[\w.-]+/gi, 'Bearer ***').replace(/\b[tu]-[\w.-]{8,}/g, '***');
}
