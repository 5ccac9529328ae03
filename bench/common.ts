/** What every benchmark section shares: the emulator, the credential, the update the node runs. */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Emulator, EmulatorOptions } from '../dev/emulator';
import { startEmulator } from '../dev/emulator';
import type { N8nInstance } from '../dev/n8n/runner';
import { buildWorkflow, manualTrigger } from '../dev/n8n/runner';
import { CREDENTIAL_ID, MemoryCredentialsHelper } from '../dev/harness/n8nCore';
import { FEISHU_NODE_VERSION } from '../dev/n8n/examples';
import { DEFAULT_REQUESTS_IN_PARALLEL } from '../nodes/FeishuCoreHr/actions/requestOptions';
import { updateByIdParameters } from '../test/helpers/updateParameters';

export const NODE_NAME = 'Feishu CoreHR';

/** The body every benchmark PATCH carries, as the node builds it from the rows below. */
export const WIRE_BODY = { assessment_status: 'completed', is_final_asssessment: true };

/** Rows as a spreadsheet gives them: the ID as text, the status as a label, "final" as text. */
export function rows(ids: string[]): IDataObject[] {
	return ids.map((id) => ({ id, status: 'Completed', final: 'true' }));
}

/** Update by assessment ID, Status and Is Final Assessment from the row: the tests' builder. */
export const updateParameters = updateByIdParameters;

/**
 * The Update the per-update sections (2 and the profiler) run: pacing off, Requests in Parallel
 * left unset as the editor starts it (so the node's default, DEFAULT_REQUESTS_IN_PARALLEL) unless
 * `inParallel` differs from that default.
 */
export function benchUpdateParameters(inParallel = DEFAULT_REQUESTS_IN_PARALLEL): INodeParameters {
	return updateParameters({ maxRequestsPerMinute: 0, ...(inParallel === DEFAULT_REQUESTS_IN_PARALLEL ? {} : { requestsInParallel: inParallel }) });
}

/** The workflow section 2 and the profiler run in a real n8n: Update as benchUpdateParameters has it. */
export const BENCH_WORKFLOW_ID = 'benchUpdate';

export interface BenchWorkflowOptions {
	/** Requests in Parallel (default: DEFAULT_REQUESTS_IN_PARALLEL, the node's default). */
	inParallel?: number;
}

/** Start → Rows (Set, raw JSON) → Split Out → Feishu CoreHR (its current version), with the node's parameters given. */
function benchWorkflow(id: string, ids: string[], parameters: INodeParameters, credential: { id: string; name: string }) {
	return buildWorkflow({
		id,
		nodes: [
			manualTrigger(),
			{ name: 'Rows', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows: rows(ids) }), options: {} } },
			{ name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'rows', options: {} } },
			{ name: NODE_NAME, type: 'CUSTOM.feishuCoreHr', typeVersion: FEISHU_NODE_VERSION, parameters, credentials: { feishuCoreHrApi: credential } },
		],
	});
}

/**
 * Into a real n8n: a credential for the emulator and Start → Rows (raw JSON) → Split Out → Feishu
 * CoreHR (its current version, pacing off, Requests in Parallel as given: benchUpdateParameters).
 */
export async function importBenchWorkflow(instance: N8nInstance, emulator: Emulator, ids: string[], options: BenchWorkflowOptions = {}): Promise<void> {
	const credential = { id: 'benchCred1', name: 'Feishu (bench)' };
	await instance.importCredentials([
		{ ...credential, type: 'feishuCoreHrApi', data: { domain: 'custom', baseUrl: emulator.url, ...emulator.defaultApp } },
	]);
	await instance.importWorkflows([benchWorkflow(BENCH_WORKFLOW_ID, ids, benchUpdateParameters(options.inParallel), credential)]);
}

/** A benchmark emulator: no rate limit and no request log unless asked. */
export async function benchEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	return await startEmulator({ seed: 0, writeRateLimit: null, logRequests: false, ...options });
}

/** A fresh credential (no stored token yet), as after "Create credential" in n8n. */
export function freshCredentials(emulator: Emulator): MemoryCredentialsHelper {
	const credentials = new MemoryCredentialsHelper();
	credentials.set(CREDENTIAL_ID, { domain: 'custom', baseUrl: emulator.url, ...emulator.defaultApp });
	return credentials;
}

/** Output items that are errors (continueOnFail) plus input items that produced no output. */
export function failedItems(inputCount: number, output: Array<{ json: IDataObject }>): number {
	const errors = output.filter((item) => item.json.error !== undefined || item.json.updated !== true).length;
	return errors + Math.max(0, inputCount - output.length);
}

export function fixed(value: number, digits: number): string {
	return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(1)} s`;
}

/** "  label ............ value" lines, so the figures line up. */
export function line(label: string, value: string, note = ''): void {
	console.log(`  ${label.padEnd(44, ' ')} ${value}${note ? `   ${note}` : ''}`);
}

export function goal(ok: boolean, text: string): string {
	return ok ? `(goal ${text}: met)` : `(goal ${text}: MISSED)`;
}

export function heading(text: string): void {
	console.log(`\n== ${text}`);
}
