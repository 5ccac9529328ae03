import type { Emulator } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { runFeishu } from '../../dev/harness/n8nCore';
import { withEmulator } from '../helpers/emulatorFixture';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;
withEmulator((e, c) => {
	emulator = e;
	credentials = c;
}, { resetTo: 20 });

const createFor = (employmentId: string) => ({
	resource: 'probationAssessment',
	operation: 'create',
	employee: { __rl: true, mode: 'id', value: employmentId },
	assessments: { assessment: [{ assessmentStatus: 'not_started', isFinalAssessment: false }] },
});

describe('client tokens never make Feishu skip or misdirect a write', () => {
	it('creates for a second employee when the node runs again in the same execution (a loop over batches)', async () => {
		const [first, second] = [...emulator.probations.keys()];
		const before = emulator.assessments.size;
		const a = await runFeishu(credentials, [{}], createFor(first), { executionId: 'exec-loop' });
		const b = await runFeishu(credentials, [{}], createFor(second), { executionId: 'exec-loop' });
		expect(emulator.assessments.size).toBe(before + 2);
		const [idA] = a.items[0].json.assessmentIds as string[];
		const [idB] = b.items[0].json.assessmentIds as string[];
		expect(emulator.assessments.get(idA)?.employment_id).toBe(first);
		expect(emulator.assessments.get(idB)?.employment_id).toBe(second);
	});

	it('refuses a fixed Client Token reused for a different item, before sending it', async () => {
		const [first, second] = [...emulator.probations.keys()];
		const before = emulator.assessments.size;
		const result = await runFeishu(credentials, [{ e: first }, { e: second }], {
			...createFor('={{ $json.e }}'),
			options: { clientToken: 'hr-import-may' },
		}, { continueOnFail: true });
		expect(result.items[0].json.assessmentIds).toHaveLength(1);
		expect(String(result.items[1].json.error)).toMatch(/Item 2 \(index 1\): Client Token "hr-import-may" was already used for a different request.*Nothing was sent/);
		expect(emulator.assessments.size).toBe(before + 1);
		expect(emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/assessments'))).toHaveLength(1);
	});
});
