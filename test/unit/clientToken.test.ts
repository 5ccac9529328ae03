import { deriveClientToken } from '../../nodes/FeishuCoreHr/helpers/clientToken';

describe('client tokens derived for safe retries', () => {
	const token = (execution: string, node: string, operation: string, item: number) =>
		deriveClientToken(execution, node, operation, item);

	it('is the same for the same execution, node, operation and item (so a retry is one request to Feishu)', () => {
		expect(token('exec-1', 'node-a', 'probationAssessment.update', 7)).toBe(token('exec-1', 'node-a', 'probationAssessment.update', 7));
	});

	it('depends on nothing but its inputs (no randomness, no process state), so another process derives the same', () => {
		// Written down once: a change here would change the token a resumed execution sends.
		expect(token('1234', 'f0e1d2c3', 'probationAssessment.update', 0)).toBe('n8n-117a8ec4eb8925083c9873cead8f');
	});

	it('differs for another execution (a deliberate re-run writes again)', () => {
		expect(token('exec-1', 'node-a', 'probationAssessment.update', 0)).not.toBe(token('exec-2', 'node-a', 'probationAssessment.update', 0));
	});

	it('differs for another item, node or operation', () => {
		const base = token('exec-1', 'node-a', 'probationAssessment.update', 0);
		expect(token('exec-1', 'node-a', 'probationAssessment.update', 1)).not.toBe(base);
		expect(token('exec-1', 'node-b', 'probationAssessment.update', 0)).not.toBe(base);
		expect(token('exec-1', 'node-a', 'probationAssessment.delete', 0)).not.toBe(base);
	});

	it('does not confuse neighbouring inputs that concatenate to the same text', () => {
		expect(token('exec-1', '2', 'x', 3)).not.toBe(token('exec-12', '', 'x', 3));
		expect(token('exec', '1', 'x', 23)).not.toBe(token('exec', '12', 'x', 3));
	});

	it('gives 20,000 rows of one execution 20,000 different tokens', () => {
		const tokens = new Set<string>();
		for (let i = 0; i < 20_000; i++) tokens.add(token('exec-big', 'node-a', 'probationAssessment.update', i));
		expect(tokens.size).toBe(20_000);
	});
});
