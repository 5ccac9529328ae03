import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** GitHub Actions cannot run here: the workflow files are checked as data instead. */
interface Workflow {
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	jobs: Record<string, { 'runs-on': string; steps: Array<{ uses?: string; run?: string; with?: Record<string, unknown> }> }>;
}

const load = (name: string): Workflow => parse(fs.readFileSync(path.join(__dirname, '..', '..', '.github', 'workflows', name), 'utf8')) as Workflow;
const runs = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.run).filter((r): r is string => !!r));

describe('GitHub workflows', () => {
	it('CI installs the locked dependencies, runs the test command and the scanner on pushes and pull requests', () => {
		const ci = load('ci.yml');
		expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
		expect(runs(ci)).toEqual(['npm ci', 'npm test', 'npm run scan']);
		expect(ci.permissions).toEqual({ contents: 'read' });
	});

	// The publish workflow (tag, metadata, pack, scan with every rule, provenance): test/unit/release.test.ts.

	it('names the same commands the README and .ci/run use', () => {
		const ciRun = fs.readFileSync(path.join(__dirname, '..', '..', '.ci', 'run'), 'utf8');
		for (const command of runs(load('ci.yml'))) expect(ciRun).toContain(command);
	});
});
