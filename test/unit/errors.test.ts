import {
	RATE_LIMIT_CODE,
	TOKEN_ERROR_CODES,
	describeFailure,
	hintFor,
	readEnvelope,
	redact,
	violations,
} from '../../nodes/shared/transport/errors';

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
