/**
 * Feishu's error codes, what each means for the user, and how a failure is put into words without
 * a secret in them. One table serves the token exchange and every API call.
 */
import type { FeishuFailure } from './envelope';
import { FEISHU_LIMITS } from './limits';

/** Feishu answers an expired or bad tenant token with these codes, on HTTP 400 (sometimes 200), never 401. */
export const TOKEN_ERROR_CODES: ReadonlySet<number> = new Set([99991661, 99991663, 99991665, 99991671]);

export const RATE_LIMIT_CODE = 99991400;

/** "Object does not exist": an ID Feishu does not know in this tenant. */
export const NOT_FOUND_CODE = 1162010;
/** Enable/Disable Assessment: "Do not repeatedly turn on/off the function", the feature already is as asked. */
export const ALREADY_IN_STATE_CODE = 1161025;

const ADVICE: Record<number, string> = {
	// The token endpoint's answers to wrong app credentials.
	10003: 'Feishu does not know this App ID. Check the App ID (it starts with "cli_") and that the Domain matches where the app was created (Feishu or Lark).',
	10014: 'Feishu rejected the App Secret. Copy it again from the app\'s "Credentials & Basic Info" page; it changes when someone resets it.',
	10013: 'Feishu could not issue a token for this app. Check that the app is enabled and published.',
	1000040351: "The app belongs to the other platform: switch the credential's Domain between Feishu and Lark.",
	99991672:
		'The app lacks the scope this call needs. In the developer console, add it under "Permissions & Scopes", then create and publish a new app version (an admin may have to approve it).',
	99991676: 'The token has no permission for this call. Add the scope to the app and publish a new version.',
	99991401: "The n8n server's IP address is not on the app's IP allow-list. Add it in the developer console under Security Settings, or remove the allow-list.",
	99991662: 'The app is disabled or not installed in this tenant. Ask an admin to enable it.',
	99991673: 'The app is disabled or not installed in this tenant. Ask an admin to enable it.',
	[NOT_FOUND_CODE]: 'No record with this ID exists in this tenant. Check the ID (copy it as text) and that the credential points at the right tenant.',
	1160005: 'A required value is empty.',
	1160006: 'A required value is empty.',
	[ALREADY_IN_STATE_CODE]: 'The assessment feature is already in the requested state.',
	99992402: 'Feishu refused a field value: the message names the field, the value and the rule it broke.',
	[RATE_LIMIT_CODE]: `Feishu's rate limit was hit: writes allow ${FEISHU_LIMITS.write.perMinute} requests per minute per app, probation searches ${FEISHU_LIMITS.read.perMinute} per minute and ${FEISHU_LIMITS.read.perSecond} per second, employee searches ${FEISHU_LIMITS.employeeSearch.perMinute} per minute, shared by every workflow using the app. Lower "Max Requests per Minute", split the run, or raise "Rate-Limit Wait".`,
};

/** What to do about a Feishu code, in plain words; undefined for a code without advice. */
export function hintFor(code: number): string | undefined {
	return ADVICE[code];
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

/** Removes anything that looks like a bearer token or tenant token from text we did not write. */
export function redact(text: string): string {
	return text.replace(/Bearer\s+[\w.-]+/gi, 'Bearer ***').replace(/\b[tu]-[\w.-]{8,}/g, '***');
}

/** A URL as messages show it: without any user:password@ part. */
export function withoutUserInfo(url: string): string {
	return url.replace(/^(https?:\/\/)[^@/]*@/i, '$1');
}
