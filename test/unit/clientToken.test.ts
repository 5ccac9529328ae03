import { deriveClientToken, requestKey } from '../../nodes/FeishuCoreHr/helpers/clientToken';

describe('client tokens derived for safe retries', () => {
	// instance, workflow, execution, node, run index of the node, item
	const origin = (overrides: Partial<Record<'instance' | 'workflow' | 'execution' | 'node' | 'run' | 'item', string>> = {}) => {
		const o = { instance: 'inst-1', workflow: 'wf-1', execution: 'exec-1', node: 'node-a', run: '0', item: '0', ...overrides };
		return [o.instance, o.workflow, o.execution, o.node, o.run, o.item];
	};
	const patchA = requestKey('PATCH', '/open-apis/corehr/v2/probation/assessments/7140964208476371331', { assessment_status: 'completed', is_final_asssessment: true });
	const patchB = requestKey('PATCH', '/open-apis/corehr/v2/probation/assessments/7140964208476379250', { assessment_status: 'completed', is_final_asssessment: true });

	it('is the same for the same origin and request, so a retry is one request to Feishu', () => {
		expect(deriveClientToken(origin(), patchA)).toBe(deriveClientToken(origin(), patchA));
	});

	it('depends on nothing but its inputs (no randomness, no process state)', () => {
		// Written down once: a change here changes the token a resumed execution sends.
		// A silent change of the derivation would make a retry after a crash create or write twice.
		expect(deriveClientToken(['i', 'w', '1234', 'f0e1d2c3', '0', '0'], 'PATCH /x {}')).toBe('n8n-0039a1cb952bc20c0145c6c26281');
	});

	it('differs for another execution (a deliberate re-run writes again)', () => {
		expect(deriveClientToken(origin({ execution: 'exec-2' }), patchA)).not.toBe(deriveClientToken(origin(), patchA));
	});

	it('differs for the next pass of a loop in the same execution, whose item numbers start again at 0', () => {
		expect(deriveClientToken(origin({ run: '1' }), patchB)).not.toBe(deriveClientToken(origin({ run: '0' }), patchA));
		expect(deriveClientToken(origin({ run: '1' }), patchA)).not.toBe(deriveClientToken(origin({ run: '0' }), patchA));
	});

	it('differs for another request from the same place, so it can never name another write', () => {
		expect(deriveClientToken(origin(), patchB)).not.toBe(deriveClientToken(origin(), patchA));
	});

	it('differs for another item, node, workflow or n8n instance', () => {
		const base = deriveClientToken(origin(), patchA);
		for (const other of [{ item: '1' }, { node: 'node-b' }, { workflow: 'wf-2' }, { instance: 'inst-2' }]) {
			expect(deriveClientToken(origin(other), patchA)).not.toBe(base);
		}
	});

	it('does not confuse neighbouring parts that concatenate to the same text', () => {
		expect(deriveClientToken(['exec-1', '2'], 'x')).not.toBe(deriveClientToken(['exec-12', ''], 'x'));
	});

	it('gives 20,000 rows of one execution 20,000 different tokens', () => {
		const tokens = new Set<string>();
		for (let i = 0; i < 20_000; i++) tokens.add(deriveClientToken(origin({ item: String(i) }), patchA));
		expect(tokens.size).toBe(20_000);
	});
});
