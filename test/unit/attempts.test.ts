import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { describeAttempts, requestFailure } from '../../nodes/shared/transport';

const node = { id: 'n', name: 'Feishu CoreHR', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} } as INode;

describe('the attempts of one request', () => {
	it('lists each attempt with what came back and its log ID, counting from the first', () => {
		expect(describeAttempts([
			{ outcome: 'HTTP 500, code 1160997', logId: 'LOG1' },
			{ outcome: 'no answer (connection reset)' },
			{ outcome: 'HTTP 400, code 1162010', logId: 'LOG3' },
		])).toBe('attempt 1: HTTP 500, code 1160997, log ID LOG1; attempt 2: no answer (connection reset); attempt 3: HTTP 400, code 1162010, log ID LOG3');
		expect(describeAttempts([])).toBe('');
	});

	it("reads back the transport's own failure, and nothing from any other error", () => {
		const details = { httpStatus: 400, code: 1162010, logId: 'LOG2', uncertainEarlierAttempt: true, attemptLog: [{ outcome: 'HTTP 502, not a Feishu answer', logId: 'LOG1' }, { outcome: 'HTTP 400, code 1162010', logId: 'LOG2' }] };
		expect(requestFailure(new NodeApiError(node, details as unknown as JsonObject, { message: 'x' }))).toEqual({
			httpStatus: 400,
			code: 1162010,
			logId: 'LOG2',
			uncertainEarlierAttempt: true,
			attempts: details.attemptLog,
		});
		expect(requestFailure(new NodeApiError(node, { code: 1162010 } as JsonObject, { message: 'x' }))).toBeUndefined();
		expect(requestFailure(new NodeOperationError(node, 'x'))).toBeUndefined();
		expect(requestFailure(new Error('x'))).toBeUndefined();
	});
});
