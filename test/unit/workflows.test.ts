import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { parse } from 'yaml';

import { FeishuCoreHr } from '../../nodes/FeishuCoreHr/FeishuCoreHr.node';

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

/** The n8n workflows in examples/ are checked here too: what a Feishu CoreHR node in them is. */
interface ExampleNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: IDataObject;
}

const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');
const exampleNodes = fs
	.readdirSync(EXAMPLES_DIR)
	.filter((file) => file.endsWith('.json'))
	.flatMap((file) => (JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as { nodes: ExampleNode[] }).nodes.map((node) => ({ file, ...node })));
/** The Feishu CoreHR node and the tool variant n8n derives from it (not the trigger, a node of its own). */
const feishuNodes = exampleNodes.filter((n) => /\.feishuCoreHr(Tool)?$/.test(n.type));
const { description } = new FeishuCoreHr();
/** The version a node added from the nodes panel gets, read from the node's description. */
const CURRENT_VERSION = description.defaultVersion ?? (Array.isArray(description.version) ? Math.max(...description.version) : description.version);

/** Whether the editor shows `property` on a node with these parameters (displayOptions.show / hide). */
function shown(property: INodeProperties, parameters: IDataObject, tool: boolean): boolean {
	const value = (key: string): unknown => {
		if (key === '@tool') return tool;
		if (key === '@version') return CURRENT_VERSION;
		return parameters[key] ?? description.properties.find((p) => p.name === key && shown(p, parameters, tool))?.default;
	};
	const matches = ([key, allowed]: [string, unknown]) => Array.isArray(allowed) && allowed.includes(value(key));
	const { show, hide } = property.displayOptions ?? {};
	return Object.entries(show ?? {}).every(matches) && !Object.entries(hide ?? {}).some(matches);
}

describe('example n8n workflows (examples/*.json)', () => {
	it('has Feishu CoreHR nodes in every example that writes to Feishu', () => {
		expect(new Set(feishuNodes.map((n) => n.file)).size).toBe(5);
		expect(feishuNodes.length).toBe(7);
	});

	it(`every Feishu CoreHR node is the node's current version (${String(CURRENT_VERSION)}, read from its description)`, () => {
		expect(feishuNodes.map((n) => `${n.file}: ${n.name} v${n.typeVersion}`)).toEqual(feishuNodes.map((n) => `${n.file}: ${n.name} v${CURRENT_VERSION}`));
	});

	it('sets only parameters that version shows for the node\'s resource and operation (its collections too)', () => {
		const unknown = feishuNodes.flatMap((node) => {
			const tool = node.type.endsWith('Tool');
			const visible = description.properties.filter((p) => shown(p, node.parameters, tool));
			return Object.entries(node.parameters).flatMap(([name, value]): string[] => {
				// n8n's own fields of a tool variant
				if (tool && (name === 'descriptionType' || name === 'toolDescription')) return [];
				const property = visible.find((p) => p.name === name);
				if (!property) return [`${node.file}: ${node.name}: ${name}`];
				if (property.type !== 'collection') return [];
				const options = (property.options ?? []).map((o) => (o as INodeProperties).name);
				return Object.keys(value as IDataObject).filter((key) => !options.includes(key)).map((key) => `${node.file}: ${node.name}: ${name}.${key}`);
			});
		});
		expect(unknown).toEqual([]);
	});

	it('every Update sets its Assessment Status: it has no default, and n8n saves no parameter left at its default', () => {
		const updates = feishuNodes.filter((n) => n.parameters.resource === 'probationAssessment' && n.parameters.operation === 'update');
		expect(updates.length).toBe(5);
		expect(updates.filter((n) => typeof n.parameters.assessmentStatus !== 'string' || n.parameters.assessmentStatus === '').map((n) => `${n.file}: ${n.name}`)).toEqual([]);
	});
});
