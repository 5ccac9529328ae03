/**
 * What a refused row says on n8n's error output: n8n keeps only the error's message there, so
 * Feishu's field violations and missing scopes must be in the message itself.
 */
import type { Emulator } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { runFeishu } from '../../dev/harness/n8nCore';
import { leakedSecrets, secretsOf } from '../../dev/harness/secrets';
import { withEmulator } from '../helpers/emulatorFixture';
import { updateParameters } from '../helpers/updateRun';

const METADATA_SCOPES = ['corehr:common_data.meta_data:read', 'corehr:corehr:readonly', 'corehr:corehr'];
const NO_METADATA_APP = { appId: 'cli_nometa00000000002', appSecret: 'no-metadata-scope-secret-5e0a77', missingScopes: METADATA_SCOPES };

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;

withEmulator((e, c) => {
	emulator = e;
	credentials = c;
}, { seed: 3, apps: [NO_METADATA_APP], app: NO_METADATA_APP });

describe('the error item of a row Feishu refused', () => {
	it("names the field, the value and Feishu's reason (code 99992402), with the log ID", async () => {
		// Without the metadata scope the grade list is unreadable, so the grade goes out as given and Feishu judges it.
		const id = [...emulator.assessments.keys()][0];
		const rows = [{ id, status: 'completed', final: false, grade: 'grade_zz' }];
		const result = await runFeishu(credentials, rows, updateParameters({}, {
			additionalFields: { assessmentGrade: '={{ $json.grade }}' },
		}), { continueOnFail: true });
		const patch = emulator.requests.find((r) => r.method === 'PATCH')!;
		expect(patch.responseBody).toMatchObject({ code: 99992402 });
		const message = result.items[0].json.error as string;
		expect(message).toMatch(/^Item 1 \(index 0\): Feishu refused the request: field validation failed/);
		expect(message).toContain('assessment_grade = "grade_zz": must be the api_name of an enabled option of probation_management.final_assessment_grade');
		expect(message).toContain(`code 99992402, log ID ${patch.logId}`);
		expect(leakedSecrets([result.items, result.run], secretsOf(emulator, [NO_METADATA_APP.appSecret]))).toEqual([]);
	});

	it('names every refused field when Feishu lists several', async () => {
		const id = [...emulator.assessments.keys()][0];
		emulator.faults.respondWith(1, 400, {
			code: 99992402,
			msg: 'field validation failed',
			error: {
				log_id: 'LOG-FIELDS-1',
				field_violations: [
					{ field: 'assessment_score', value: '120', description: 'must be between 0 and 100' },
					{ field: 'assessment_detail', value: 'http://intranet/x', description: 'must be an https link' },
				],
			},
		}, { match: { method: 'PATCH' } });
		const result = await runFeishu(credentials, [{ id, status: 'completed', final: true, score: 120 }], updateParameters(), { continueOnFail: true });
		const message = result.items[0].json.error as string;
		expect(message).toContain('assessment_score = "120": must be between 0 and 100');
		expect(message).toContain('assessment_detail = "http://intranet/x": must be an https link');
		expect(message).toContain('log ID LOG-FIELDS-1');
	});

	it('names the scope the app lacks, even when Feishu\'s own message does not', async () => {
		const id = [...emulator.assessments.keys()][0];
		emulator.faults.respondWith(1, 400, {
			code: 99991672,
			msg: 'Access denied.',
			error: {
				log_id: 'LOG-SCOPE-1',
				permission_violations: [{ type: 'action_scope_required', subject: 'corehr:probation.assessment:write' }],
			},
		}, { match: { method: 'PATCH' } });
		const result = await runFeishu(credentials, [{ id, status: 'completed', final: false }], updateParameters(), { continueOnFail: true });
		const message = result.items[0].json.error as string;
		expect(message).toMatch(/Access denied\. \[missing scope corehr:probation\.assessment:write\] \(code 99991672, log ID LOG-SCOPE-1\)/);
	});

	it("says in the node's words that every connection was reset, with each attempt, instead of n8n's generic text", async () => {
		// n8n swaps any message containing a socket code such as "ECONNRESET" for its own sentence.
		const id = [...emulator.assessments.keys()][0];
		emulator.faults.dropConnections(2, { match: { method: 'PATCH' } });
		const result = await runFeishu(credentials, [{ id, status: 'completed', final: false }], updateParameters({ maxRetries: 1 }), { continueOnFail: true });
		const message = result.items[0].json.error as string;
		expect(message).toMatch(/^Item 1 \(index 0\): Could not reach Feishu for PATCH \S+: the connection failed \(connection reset\), 2 attempt\(s\)\. An earlier attempt may have reached Feishu; its outcome is unknown \(attempt 1: no answer \(connection reset\)\)\.$/);
	});
});
