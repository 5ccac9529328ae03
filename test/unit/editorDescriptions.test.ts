/**
 * What the editor shows of the node's description, in the node's current version (what a node
 * added from the panel gets): labels that fit, one-sentence descriptions, `e.g.` placeholders,
 * dropdowns that accept a sheet's labels, and no field that starts with a value which would be
 * written. What only a browser shows (cut text, red warnings) is checked by
 * `npm run check:browser`.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import type { INodeParameters, INodeProperties, INodePropertyCollection, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { FEISHU_NODE_VERSION } from '../../dev/harness/n8nCore';
import { FeishuCoreHr } from '../../nodes/FeishuCoreHr/FeishuCoreHr.node';

const node = new FeishuCoreHr().description;
const tool: INodeTypeDescription = { ...node, name: `${node.name}Tool` };

type Option = INodeProperties | INodePropertyOptions | INodePropertyCollection;
const isProperty = (o: Option): o is INodeProperties => 'type' in o && 'displayName' in o;
const isCollectionEntry = (o: Option): o is INodePropertyCollection => 'values' in o;

/** Every parameter, with the entries of its collections, and how deep it sits. */
function allProperties(properties: readonly INodeProperties[], depth = 0): Array<{ p: INodeProperties; depth: number }> {
	return properties.flatMap((p) => [
		{ p, depth },
		...allProperties(((p.options ?? []) as Option[]).filter(isProperty), depth + 1),
		...((p.options ?? []) as Option[]).filter(isCollectionEntry).flatMap((entry) => allProperties(entry.values, depth + 1)),
	]);
}
const every = allProperties(node.properties);

/** The node as a workflow holds it: the current version, never a number written here. */
const current = { typeVersion: FEISHU_NODE_VERSION };

/** The parameters the editor shows for these values (as the node or as a tool). */
function shown(values: INodeParameters, description: INodeTypeDescription = node): INodeProperties[] {
	const filled = NodeHelpers.getNodeParameters(description.properties, values, true, false, current, description) ?? {};
	return description.properties.filter((p) => NodeHelpers.displayParameter(filled, p, current, description));
}
const shownOne = (name: string, values: INodeParameters, description: INodeTypeDescription = node): INodeProperties => {
	const found = shown(values, description).filter((p) => p.name === name);
	expect(found).toHaveLength(1);
	return found[0];
};
const entry = (collection: INodeProperties, name: string) => (collection.options as INodeProperties[]).find((o) => o.name === name);
const UPDATE = { resource: 'probationAssessment', operation: 'update' };
const CREATE = { resource: 'probationAssessment', operation: 'create' };
const SEARCH = { resource: 'probation', operation: 'search' };

describe('versions', () => {
	it('gives a new node the newest version the node offers', () => {
		expect(FEISHU_NODE_VERSION).toBe(Math.max(...[node.version].flat()));
	});
});

describe('writes only what the user chose', () => {
	it('starts Update with no Status, and a Result or Score added from Additional Fields empty', () => {
		expect(shownOne('assessmentStatus', UPDATE).default).toBe('');
		const fields = shownOne('additionalFields', UPDATE);
		expect(entry(fields, 'assessmentResult')?.default).toBe('');
		expect(entry(fields, 'assessmentScore')?.default).toBeNull();
		expect(NodeHelpers.getNodeParameters(node.properties, UPDATE, true, false, current, node)?.assessmentStatus).toBe('');
	});

	it('starts an assessment added to Create with no Status, Result or Score', () => {
		const assessments = shownOne('assessments', CREATE);
		const values = (assessments.options as INodePropertyCollection[])[0].values;
		expect(values.find((v) => v.name === 'assessmentStatus')?.default).toBe('');
		const fields = values.find((v) => v.name === 'additionalFields')!;
		expect(entry(fields, 'assessmentResult')?.default).toBe('');
		expect(entry(fields, 'assessmentScore')?.default).toBeNull();
	});
});

describe('Probation → Search', () => {
	it('shows Split Out on its own and each ID type right after its IDs', () => {
		expect(shown(SEARCH).map((p) => p.name)).toContain('splitOutAssessments');
		const filters = (shownOne('filters', SEARCH).options as INodeProperties[]).map((o) => o.name);
		expect(filters.slice(0, 4)).toEqual(['employmentIds', 'userIdType', 'departmentIds', 'departmentIdType']);
		expect(filters.indexOf('probationStartDateFrom')).toBe(filters.indexOf('probationStartDateTo') - 1);
		const options = (shownOne('options', SEARCH).options as INodeProperties[]).map((o) => o.name);
		expect(options).not.toContain('splitOutAssessments');
		expect(options).not.toContain('userIdType');
	});
});

describe('dropdowns accept what the node accepts', () => {
	// The node reads these with the labels and Chinese names a sheet holds; the editor flags any
	// expression value not among an options parameter's values unless it allows arbitrary ones.
	const idTypes = ['userIdType', 'departmentIdType'];
	const takesData = every.filter(({ p }) => p.type === 'options' && !p.noDataExpression && !idTypes.includes(p.name));

	it('lets every data-taking dropdown take any expression value (n8n: allowArbitraryValues)', () => {
		expect(takesData.length).toBeGreaterThan(10);
		for (const { p } of takesData) expect({ name: p.name, allowArbitraryValues: p.allowArbitraryValues }).toEqual({ name: p.name, allowArbitraryValues: true });
	});

	it('does not describe options with wire values ("Sent as …")', () => {
		for (const { p } of every) {
			for (const option of (p.options ?? []) as Option[]) {
				if (!isProperty(option) && !isCollectionEntry(option)) expect(String(option.description ?? '')).not.toMatch(/Sent as/);
			}
		}
	});
});

describe('as an AI Agent tool', () => {
	it('shows Status as text the model can fill, and Result and Grade likewise', () => {
		const values = { ...UPDATE, assessmentBy: 'employee' };
		expect(shownOne('assessmentStatus', values, tool).type).toBe('string');
		const fields = shownOne('additionalFields', values, tool);
		expect(entry(fields, 'assessmentResult')?.type).toBe('string');
		expect(entry(fields, 'assessmentGrade')?.type).toBe('string');
		expect(entry(fields, 'assessmentScore')?.type).toBe('number');
		expect(entry(fields, 'assessmentComment')?.type).toBe('string');
		// In a workflow, the node keeps its dropdowns.
		expect(shownOne('assessmentStatus', values).type).toBe('options');
	});

	it('names the accepted values in the descriptions the model reads', () => {
		const values = { ...UPDATE, assessmentBy: 'employee' };
		expect(shownOne('assessmentStatus', values, tool).description).toMatch(/one of .*not_started.*in_process.*completed.*no_need/s);
		expect(entry(shownOne('additionalFields', values, tool), 'assessmentResult')?.description).toMatch(/approved, rejected/);
	});
});

describe('text that fits and reads plainly', () => {
	// Measured in n8n 2.41's panel (npm run check:browser): 27 characters fit a label, 9 a
	// resource locator's mode.
	it('keeps labels to 27 characters and locator modes to 9', () => {
		for (const { p } of every) {
			expect({ label: p.displayName, fits: p.displayName.length <= 27 }).toEqual({ label: p.displayName, fits: true });
			for (const mode of p.modes ?? []) expect({ mode: mode.displayName, fits: mode.displayName.length <= 9 }).toEqual({ mode: mode.displayName, fits: true });
		}
	});

	it('describes each parameter in one sentence; the rest goes to hints', () => {
		for (const { p } of every) {
			const description = p.description ?? '';
			expect({ name: p.name, description, oneSentence: !/(?<!e\.g)[.!?]\s+[A-Z"]/.test(description) }).toEqual({ name: p.name, description, oneSentence: true });
		}
	});

	it('writes placeholders of text and number fields as "e.g. …"', () => {
		const withPlaceholder = every.filter(({ p }) => (p.type === 'string' || p.type === 'number') && p.placeholder !== undefined);
		expect(withPlaceholder.length).toBeGreaterThan(5);
		for (const { p } of withPlaceholder) expect({ name: p.name, placeholder: p.placeholder }).toEqual({ name: p.name, placeholder: expect.stringMatching(/^e\.g\. /) });
	});

	it('reads the canvas subtitle as words, e.g. "update: assessment"', () => {
		const expression = String(node.subtitle).replace(/^=\{\{/, '').replace(/\}\}$/, '');
		const subtitle = (parameters: Record<string, string>) => new Function('$parameter', `return ${expression};`)(parameters) as string;
		expect(subtitle(UPDATE)).toBe('update: assessment');
		expect(subtitle({ resource: 'probation', operation: 'submitConversion' })).toBe('submit conversion: probation');
		const operations = node.properties.filter((p) => p.name === 'operation');
		for (const property of operations) {
			const resource = property.displayOptions?.show?.resource?.[0] as string;
			for (const option of property.options as INodePropertyOptions[]) {
				expect(subtitle({ resource, operation: String(option.value) })).toMatch(/^[a-z/ ]+: [a-z ]+$/);
			}
		}
	});

	it('names every action in the singular, and says Delete cannot be undone', () => {
		const actions = node.properties.filter((p) => p.name === 'operation').flatMap((p) => p.options as INodePropertyOptions[]);
		const create = actions.find((a) => a.value === 'create');
		expect(create?.action).toBe('Create a probation assessment');
		expect(actions.find((a) => a.value === 'delete')?.description).toMatch(/cannot be undone/);
	});
});

describe('the codex', () => {
	const codex = JSON.parse(readFileSync(join(__dirname, '../../nodes/FeishuCoreHr/FeishuCoreHr.node.json'), 'utf8')) as { alias?: string[] };

	it('lists the names people search the nodes panel by', () => {
		expect(codex.alias).toEqual(expect.arrayContaining(['Lark', '飞书', 'Probation', '试用期', 'HR']));
	});
});
