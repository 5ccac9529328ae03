import { readFileSync } from 'fs';
import { join } from 'path';

/**
 * The categories n8n's nodes panel groups app nodes by, as n8n's "Node codex files" reference
 * lists them (https://docs.n8n.io/integrations/creating-nodes/build/reference/node-codex-files/).
 * "HITL" is not among them: it is n8n's own human-in-the-loop group (Wait, Form, Send and Wait).
 */
const N8N_CATEGORIES = [
	'Analytics',
	'Communication',
	'Data & Storage',
	'Development',
	'Finance & Accounting',
	'Marketing & Content',
	'Miscellaneous',
	'Productivity',
	'Sales',
	'Utility',
];

const codex = JSON.parse(readFileSync(join(__dirname, '../../nodes/FeishuCoreHr/FeishuCoreHr.node.json'), 'utf8')) as {
	categories: string[];
};

describe('the codex file', () => {
	it("files the node only under n8n's documented categories, where its HR nodes (BambooHR, Workable) live", () => {
		expect(codex.categories.length).toBeGreaterThan(0);
		for (const category of codex.categories) expect(N8N_CATEGORIES).toContain(category);
		expect(codex.categories).toContain('Miscellaneous');
		expect(codex.categories).not.toContain('HITL');
	});
});
