import { headerValue, rateLimitResetMs, readEnvelope } from '../../nodes/shared/feishu/envelope';
import { RATE_LIMIT_CODE, TOKEN_ERROR_CODES, describeFailure, hintFor, redact, violations } from '../../nodes/shared/feishu/errors';
import { causeChain, networkFault, transientFault } from '../../nodes/shared/feishu/faults';

describe("reading Feishu's answer", () => {
	it('reads a success envelope with its data', () => {
		expect(readEnvelope(200, { code: 0, msg: 'success', data: { x: 1 } }, 'HDRLOG')).toMatchObject({
			httpStatus: 200,
			code: 0,
			msg: 'success',
			data: { x: 1 },
			logId: 'HDRLOG',
		});
	});

	it('reads the error details: log id, field and permission violations, troubleshooter', () => {
		const envelope = readEnvelope(
			400,
			{
				code: 99992402,
				msg: 'field validation failed',
				error: {
					log_id: 'BODYLOG',
					troubleshooter: 'https://open.feishu.cn/search?log_id=BODYLOG',
					field_violations: [{ field: 'assessment_status', value: 'x', description: 'must be one of …' }, 'junk'],
					permission_violations: [{ scope: 'corehr:probation.assessment:write' }],
				},
			},
			'HDRLOG',
		);
		expect(envelope).toMatchObject({
			httpStatus: 400,
			code: 99992402,
			logId: 'BODYLOG',
			troubleshooter: 'https://open.feishu.cn/search?log_id=BODYLOG',
			fieldViolations: [{ field: 'assessment_status', value: 'x', description: 'must be one of …' }],
			permissionViolations: [{ scope: 'corehr:probation.assessment:write' }],
		});
	});

	it("takes the log id from error.logid, else from the X-Tt-Logid header", () => {
		expect(readEnvelope(400, { code: 1, msg: '', error: { logid: 'OLDSTYLE' } }, 'HDR')?.logId).toBe('OLDSTYLE');
		expect(readEnvelope(400, { code: 1, msg: '' }, 'HDR')?.logId).toBe('HDR');
		expect(readEnvelope(400, { code: 1, msg: '' }, undefined)?.logId).toBeUndefined();
	});

	it('says "not Feishu" for an HTML gateway page, plain text, an array or JSON without a numeric code', () => {
		expect(readEnvelope(502, '<html><body>502 Bad Gateway</body></html>', undefined)).toBeNull();
		expect(readEnvelope(404, '404 page not found', undefined)).toBeNull();
		expect(readEnvelope(200, [{ code: 0 }], undefined)).toBeNull();
		expect(readEnvelope(200, { code: '0', msg: 'ok' }, undefined)).toBeNull();
		expect(readEnvelope(200, null, undefined)).toBeNull();
	});
});

describe('what a failure tells the user', () => {
	it('explains a missing scope: add it and publish a new app version', () => {
		const text = describeFailure({
			httpStatus: 400,
			code: 99991672,
			msg: 'Access denied. One of the following scopes is required: [corehr:probation.assessment:write].',
			logId: 'LOG1',
			permissionViolations: [{ subject: 'corehr:probation.assessment:write' }],
		});
		expect(text).toMatch(/scope/i);
		expect(text).toMatch(/publish a new app version/i);
		expect(text).toContain('missing scope corehr:probation.assessment:write');
		expect(text).toContain('HTTP 400, Feishu code 99991672, log ID LOG1');
	});

	it("explains an IP allow-list refusal", () => {
		const text = describeFailure({ httpStatus: 400, code: 99991401, msg: 'ip not in whitelist' });
		expect(text).toMatch(/IP address is not on the app's IP allow-list/);
		expect(text).toContain('Feishu code 99991401');
	});

	it('tells what to do when the rate limit is hit', () => {
		const text = describeFailure({ httpStatus: 429, code: RATE_LIMIT_CODE, msg: 'request trigger frequency limit' });
		expect(text).toMatch(/100 requests per minute/);
		expect(text).toMatch(/split the run/);
		expect(text).toMatch(/Max Requests per Minute/);
	});

	it('lists the fields Feishu refused', () => {
		const text = describeFailure({
			httpStatus: 400,
			code: 99992402,
			msg: 'field validation failed',
			fieldViolations: [{ field: 'assessment_grade', value: 'grade_x', description: 'option is closed' }],
		});
		expect(text).toContain('assessment_grade = "grade_x": option is closed');
	});

	it('names each refused field with its value and reason, and each missing scope, as lines for the message', () => {
		expect(violations({
			httpStatus: 400,
			code: 99992402,
			msg: 'field validation failed',
			fieldViolations: [
				{ field: 'assessment_score', value: 'abc', description: 'must be a number' },
				{ field: 'is_final_asssessment', value: '', description: 'is_final_asssessment is required' },
				{ field: 'assessment_comment', value: 'x'.repeat(200), description: 'too long' },
			],
			permissionViolations: [{ type: 'action_scope_required', subject: 'corehr:probation.assessment:write' }, { scope: 'corehr:probation.notes:read' }],
		})).toEqual([
			'assessment_score = "abc": must be a number',
			'is_final_asssessment: is_final_asssessment is required',
			`assessment_comment = "${'x'.repeat(77)}...": too long`,
			'missing scope corehr:probation.assessment:write',
			'missing scope corehr:probation.notes:read',
		]);
		expect(violations({ httpStatus: 400, code: 1, msg: '' })).toEqual([]);
	});

	it('still gives the status and code for a code without a hint', () => {
		expect(hintFor(123456)).toBeUndefined();
		expect(describeFailure({ httpStatus: 500, code: 123456, msg: 'boom' })).toBe('HTTP 500, Feishu code 123456.');
	});

	it('points an unknown ID at the ID and the tenant', () => {
		expect(hintFor(1162010)).toMatch(/No record with this ID/);
	});
});

describe('token and rate-limit codes', () => {
	it("treats Feishu's 400-not-401 token codes as a reason to refresh, and only those", () => {
		expect([...TOKEN_ERROR_CODES].sort()).toEqual([99991661, 99991663, 99991665, 99991671]);
		expect(TOKEN_ERROR_CODES.has(99991672)).toBe(false);
		expect(RATE_LIMIT_CODE).toBe(99991400);
	});
});

describe('redaction', () => {
	it('hides bearer tokens and bare tenant tokens in text we did not write', () => {
		const token = 't-g1044ddd5Q3ZQAHUUZUI5LWBYQKRVNYKS5WGBCW5';
		expect(redact(`Authorization: Bearer ${token} was refused`)).toBe('Authorization: Bearer *** was refused');
		expect(redact(`token ${token} expired`)).toBe('token *** expired');
		expect(redact(`user token u-abcdef123456789`)).toBe('user token ***');
	});

	it('leaves ordinary text alone', () => {
		const text = 'Could not get a tenant access token (Feishu code 10014: app secret invalid). Check the App Secret.';
		expect(redact(text)).toBe(text);
		expect(redact('at-most 100 requests, cli_a1b2c3d4e5f6a7b8')).toBe('at-most 100 requests, cli_a1b2c3d4e5f6a7b8');
	});
});

describe("Feishu's headers", () => {
	it('finds a header whatever its case, and takes the first of a repeated one', () => {
		expect(headerValue({ 'X-Tt-Logid': 'LOG1' }, 'x-tt-logid')).toBe('LOG1');
		expect(headerValue({ 'x-tt-logid': ['LOG2', 'LOG3'] }, 'X-TT-LOGID')).toBe('LOG2');
		expect(headerValue({ 'x-tt-logid': null }, 'x-tt-logid')).toBeUndefined();
		expect(headerValue(undefined, 'x-tt-logid')).toBeUndefined();
	});

	it('reads the wait of x-ogw-ratelimit-reset in ms, and nothing from a missing or odd value', () => {
		expect(rateLimitResetMs({ 'x-ogw-ratelimit-reset': '2' })).toBe(2000);
		expect(rateLimitResetMs({ 'X-Ogw-Ratelimit-Reset': '0' })).toBe(0);
		expect(rateLimitResetMs({ 'x-ogw-ratelimit-reset': 'soon' })).toBeUndefined();
		expect(rateLimitResetMs({ 'x-ogw-ratelimit-reset': '-1' })).toBeUndefined();
		expect(rateLimitResetMs({})).toBeUndefined();
	});
});

describe('network faults', () => {
	const failed = (code: string) => Object.assign(new Error('request failed'), { code });

	it('retries every socket fault of the one list, and tells timeouts and never-sent faults apart', () => {
		const transient = ['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT'];
		for (const code of transient) expect(transientFault(failed(code))).toMatchObject({ code });
		expect(transient.filter((code) => networkFault(failed(code))?.timeout)).toEqual(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);
		expect(transient.filter((code) => networkFault(failed(code))?.neverSent)).toEqual(['ECONNREFUSED', 'EAI_AGAIN']);
	});

	it('knows an unknown host name but does not retry it, and knows nothing of other errors', () => {
		expect(networkFault(failed('ENOTFOUND'))).toMatchObject({ code: 'ENOTFOUND', permanent: true });
		expect(transientFault(failed('ENOTFOUND'))).toBeUndefined();
		// The user stopping the execution is not a fault to retry.
		expect(networkFault(failed('ECANCELED'))).toBeUndefined();
		expect(networkFault(new Error('Unexpected token < in JSON'))).toBeUndefined();
		expect(networkFault(undefined)).toBeUndefined();
	});

	it("finds the socket's code down the cause chain, or in n8n's httpCode, and survives a cause loop", () => {
		const wrapped = Object.assign(new Error('outer'), { cause: Object.assign(new Error('middle'), { cause: failed('EPIPE') }) });
		expect(networkFault(wrapped)?.code).toBe('EPIPE');
		expect(networkFault(Object.assign(new Error('The connection was aborted'), { httpCode: 'ECONNABORTED' }))?.code).toBe('ECONNABORTED');
		const loop: { message: string; cause?: unknown } = { message: 'loop' };
		loop.cause = { message: 'back', cause: loop };
		expect(networkFault(loop)).toBeUndefined();
		expect([...causeChain(loop)]).toHaveLength(2);
	});

	it('reads a code-less timeout as a timeout and a socket hang-up as a dropped connection', () => {
		expect(networkFault(new Error('timeout of 500ms exceeded'))).toMatchObject({ code: 'ETIMEDOUT', timeout: true });
		expect(networkFault(new Error('socket hang up'))).toMatchObject({ code: 'ECONNRESET', label: 'connection reset' });
	});

	it('words every fault without its code: n8n swaps a message naming one for its own sentence', () => {
		for (const code of ['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ETIMEDOUT', 'ENOTFOUND']) {
			const fault = networkFault(failed(code));
			expect(`${fault?.label} ${fault?.clause}`).not.toMatch(/\bE[A-Z_]{3,}\b/);
		}
	});
});
