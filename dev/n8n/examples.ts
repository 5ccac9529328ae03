/**
 * The example workflows in examples/, loaded and adapted for a headless or local n8n. Used by the
 * end-to-end run (test/e2e/e2e.ts) and by `npm run dev` (scripts/dev.ts), so both import the very
 * files a user imports, changed only where a machine needs it:
 *   - node types: the examples use the community-package type (`n8n-nodes-feishu-corehr.feishuCoreHr`);
 *     a package loaded through N8N_CUSTOM_EXTENSIONS is `CUSTOM.feishuCoreHr` instead;
 *   - file paths: the examples read and write under `/home/node/.n8n-files/` (the Docker image's
 *     allowed folder on n8n 2.x); here they point at a folder of the caller's choosing;
 *   - triggers: `n8n execute` can only start from a manual trigger, so a Form Trigger becomes a Set
 *     node of the same name carrying the form's answers, behind a manual trigger;
 *   - credentials and ids, so one example can run against several credentials.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { FeishuCoreHr } from '../../nodes/FeishuCoreHr/FeishuCoreHr.node';
import { PEOPLE_SEED } from '../emulator';
import type { JsonObject } from './runner';

export const EXAMPLES_DIR: string = path.resolve(__dirname, '..', '..', 'examples');
/** The HR sheet the spreadsheet and report examples read (工号, 姓名, 结果, 分数, 等级, 评语). */
export const EXAMPLE_SHEET_NAME = 'probation-reviews.csv';
export const EXAMPLE_SHEET: string = path.join(EXAMPLES_DIR, EXAMPLE_SHEET_NAME);
/** The report failed-rows-report.json writes next to the sheet. */
export const EXAMPLE_REPORT_NAME = 'failed-probation-reviews.csv';

/**
 * A sheet keyed by assessment ID (seed 20; 30 rows, 6 deliberately bad; test/e2e/fixtures/README.md),
 * read by {@link spreadsheetByAssessmentId}.
 */
export const BY_ID_SHEET_NAME = 'probation-reviews-by-assessment-id.csv';
export const BY_ID_SHEET: string = path.resolve(__dirname, '..', '..', 'test', 'e2e', 'fixtures', BY_ID_SHEET_NAME);

/** The Feishu CoreHR node's current version (what a node added from the nodes panel gets), read from its description. */
export const FEISHU_NODE_VERSION: number = (() => {
	const { version, defaultVersion } = new FeishuCoreHr().description;
	return defaultVersion ?? (Array.isArray(version) ? Math.max(...version) : version);
})();

/** The folder the examples read from and write to (n8n 2.x's default allowed folder in Docker). */
export const EXAMPLE_FILES_DIR = '/home/node/.n8n-files';

/** Node type prefix of the package when installed from npm (Settings → Community nodes). */
export const PACKAGE_TYPE_PREFIX = 'n8n-nodes-feishu-corehr.';
/** Node type prefix of packages loaded through N8N_CUSTOM_EXTENSIONS. */
export const CUSTOM_TYPE_PREFIX = 'CUSTOM.';

/** The credential the examples reference; `npm run dev` and the e2e import one with this id. */
export const EXAMPLE_CREDENTIAL = { id: 'feishuCoreHrDemo', name: 'Feishu CoreHR account' } as const;
export const CREDENTIAL_TYPE = 'feishuCoreHrApi';

/** Emulator seed whose people the sample sheet names (PEOPLE_SEED: `startEmulator({ seed: 20 })`, SEED=20). */
export const EXAMPLE_SEED: number = PEOPLE_SEED;

export const EXAMPLE_FILES = {
	spreadsheet: 'spreadsheet-to-assessments.json',
	form: 'form-to-assessment.json',
	failedRows: 'failed-rows-report.json',
	aiAgent: 'ai-agent-update-assessment.json',
	probationLoop: 'probation-loop.json',
} as const;
export type ExampleName = keyof typeof EXAMPLE_FILES;

export interface ExampleNode extends JsonObject {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: JsonObject;
	credentials?: Record<string, { id: string; name: string }>;
}

export interface ExampleWorkflow extends JsonObject {
	id: string;
	name: string;
	versionId: string;
	nodes: ExampleNode[];
	connections: Record<string, Record<string, Array<Array<{ node: string; type: string; index: number }>>>>;
}

export function loadExample(name: ExampleName): ExampleWorkflow {
	const file = path.join(EXAMPLES_DIR, EXAMPLE_FILES[name]);
	return JSON.parse(fs.readFileSync(file, 'utf8')) as ExampleWorkflow;
}

/**
 * The spreadsheet example (`spreadsheet`, as loaded) set up for a sheet keyed by assessment ID:
 * it reads {@link BY_ID_SHEET_NAME} from the same folder, and its Feishu CoreHR node finds each
 * assessment by the row's ID (Find Assessment By: Assessment ID, no Employment ID, so no lookups)
 * and takes every field from the row: status, final flag (given, so there is nothing to keep),
 * result, score, grade, comment and detail link. The parameters are those the editor saves for
 * that setup; the rest of the node (type, version, credential, On Error: Continue) is the example's.
 */
export function spreadsheetByAssessmentId(spreadsheet: ExampleWorkflow, id = 'feishuSheetById'): ExampleWorkflow {
	const wf = withId(spreadsheet, id, 'Feishu CoreHR: sheet by assessment ID → probation assessments');
	const read = wf.nodes.find((n) => n.type === 'n8n-nodes-base.readWriteFile');
	const feishu = wf.nodes.find((n) => n.type.endsWith('.feishuCoreHr'));
	if (!read || !feishu) throw new Error(`${EXAMPLE_FILES.spreadsheet} has no Read/Write Files node or no Feishu CoreHR node`);
	read.parameters.fileSelector = `${EXAMPLE_FILES_DIR}/${BY_ID_SHEET_NAME}`;
	renameNode(wf, read.name, `Read ${BY_ID_SHEET_NAME}`);
	const row = (column: string) => `={{ $json.${column} }}`;
	feishu.parameters = {
		resource: 'probationAssessment',
		operation: 'update',
		assessmentBy: 'assessmentId',
		assessmentId: { __rl: true, mode: 'id', value: row('assessment_id') },
		assessmentStatus: row('status'),
		isFinalAssessment: row('final'),
		additionalFields: {
			assessmentResult: row('result'),
			assessmentScore: row('score'),
			assessmentGrade: row('grade'),
			assessmentComment: row('comment'),
			assessmentDetail: row('detail_link'),
		},
		options: {},
	};
	// The sticky note explains the by-employee setup: not this one.
	wf.nodes = wf.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');
	return wf;
}

/** Renames a node and every connection from or to it. */
function renameNode(wf: ExampleWorkflow, from: string, to: string): void {
	for (const node of wf.nodes) if (node.name === from) node.name = to;
	if (wf.connections[from]) {
		wf.connections[to] = wf.connections[from];
		delete wf.connections[from];
	}
	for (const outputs of Object.values(wf.connections)) {
		for (const targets of Object.values(outputs)) for (const list of targets) for (const target of list) if (target.node === from) target.node = to;
	}
}

export function loadAllExamples(): Record<ExampleName, ExampleWorkflow> {
	const out = {} as Record<ExampleName, ExampleWorkflow>;
	for (const name of Object.keys(EXAMPLE_FILES) as ExampleName[]) out[name] = loadExample(name);
	return out;
}

function clone<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

/** A copy with this package's node types (tool variants included) moved to another prefix. */
export function withTypePrefix(workflow: ExampleWorkflow, prefix: string): ExampleWorkflow {
	const wf = clone(workflow);
	for (const node of wf.nodes) {
		if (node.type.startsWith(PACKAGE_TYPE_PREFIX)) node.type = prefix + node.type.slice(PACKAGE_TYPE_PREFIX.length);
	}
	return wf;
}

/** A copy whose file paths under {@link EXAMPLE_FILES_DIR} point into `dir` instead. */
export function withFilesDir(workflow: ExampleWorkflow, dir: string): ExampleWorkflow {
	const wf = clone(workflow);
	for (const node of wf.nodes) {
		if (node.type !== 'n8n-nodes-base.readWriteFile') continue;
		for (const key of ['fileSelector', 'fileName']) {
			const value = node.parameters[key];
			if (typeof value === 'string' && value.startsWith(`${EXAMPLE_FILES_DIR}/`)) {
				node.parameters[key] = path.join(dir, value.slice(EXAMPLE_FILES_DIR.length + 1));
			}
		}
	}
	return wf;
}

/** A copy under another workflow id (≤ 16 letters/digits) and name, with a fresh versionId. */
export function withId(workflow: ExampleWorkflow, id: string, name = `${workflow.name} [${id}]`): ExampleWorkflow {
	if (!/^[A-Za-z0-9]{1,16}$/.test(id)) throw new Error(`workflow id must be 1-16 letters/digits, got "${id}"`);
	return { ...clone(workflow), id, name, versionId: randomUUID() };
}

/** A copy whose Feishu CoreHR nodes use another credential. */
export function withCredential(workflow: ExampleWorkflow, credential: { id: string; name: string }): ExampleWorkflow {
	const wf = clone(workflow);
	for (const node of wf.nodes) {
		if (node.credentials?.[CREDENTIAL_TYPE]) node.credentials[CREDENTIAL_TYPE] = { ...credential };
	}
	return wf;
}

/**
 * A copy where the Form Trigger is replaced by "Start" (manual trigger) → a Set node with the
 * trigger's name that outputs `answers` (field label → value, as the form would), so expressions
 * such as `$json['Assessment ID']` and `$('On form submission')` keep working.
 */
export function withFormAnswers(workflow: ExampleWorkflow, answers: Record<string, string>): ExampleWorkflow {
	const form = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.formTrigger');
	if (!form) throw new Error(`workflow ${workflow.id} has no Form Trigger`);
	const labels = formFieldLabels(form);
	const unknown = Object.keys(answers).filter((k) => !labels.includes(k));
	if (unknown.length > 0) throw new Error(`the form has no field(s) ${unknown.join(', ')}; it has ${labels.join(', ')}`);
	return withTriggerAsSet(workflow, 'n8n-nodes-base.formTrigger', answers);
}

/** A copy where the Chat Trigger is replaced the same way, sending one chat message. */
export function withChatMessage(workflow: ExampleWorkflow, message: string): ExampleWorkflow {
	return withTriggerAsSet(workflow, '@n8n/n8n-nodes-langchain.chatTrigger', { sessionId: 'e2e-session', action: 'sendMessage', chatInput: message });
}

/** Replaces the trigger of type `triggerType` by "Start" (manual trigger) → Set node of the same name. */
export function withTriggerAsSet(workflow: ExampleWorkflow, triggerType: string, values: Record<string, string>): ExampleWorkflow {
	const wf = clone(workflow);
	const index = wf.nodes.findIndex((n) => n.type === triggerType);
	if (index === -1) throw new Error(`workflow ${wf.id} has no ${triggerType}`);
	const trigger = wf.nodes[index];
	wf.nodes[index] = {
		id: trigger.id,
		name: trigger.name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: trigger.position,
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: Object.entries(values).map(([name, value]) => ({ id: randomUUID(), name, value, type: 'string' })),
			},
			includeOtherFields: false,
			options: { dotNotation: false },
		},
	};
	const start = 'Start';
	wf.nodes.push({
		id: randomUUID(),
		name: start,
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [trigger.position[0] - 220, trigger.position[1]],
		parameters: {},
	});
	wf.connections[start] = { main: [[{ node: trigger.name, type: 'main', index: 0 }]] };
	return wf;
}

/** A copy where every node of `nodeType` uses the given credential of `credentialType`. */
export function withNodeCredential(
	workflow: ExampleWorkflow,
	nodeType: string,
	credentialType: string,
	credential: { id: string; name: string },
): ExampleWorkflow {
	const wf = clone(workflow);
	for (const node of wf.nodes) {
		if (node.type === nodeType) node.credentials = { ...node.credentials, [credentialType]: { ...credential } };
	}
	return wf;
}

/** The labels of a Form Trigger's fields (the keys of the item it outputs). */
export function formFieldLabels(formNode: ExampleNode): string[] {
	const fields = (formNode.parameters.formFields as { values?: Array<{ fieldLabel?: unknown }> } | undefined)?.values ?? [];
	return fields.map((f) => String(f.fieldLabel ?? ''));
}

/** The credential `npm run dev` and the e2e import: custom domain, base URL → the emulator. */
export function emulatorCredential(
	baseUrl: string,
	app: { appId: string; appSecret: string },
	credential: { id: string; name: string } = EXAMPLE_CREDENTIAL,
): JsonObject {
	return {
		id: credential.id,
		name: credential.name,
		type: CREDENTIAL_TYPE,
		data: { domain: 'custom', baseUrl, appId: app.appId, appSecret: app.appSecret },
	};
}

/** The example CSVs are read with the demo's reader, so both see the same rows. */
export { parseCsv } from '../../scripts/csv';
