/**
 * Runs the node for real inside n8n-core: WorkflowExecute over a small workflow, n8n's own
 * request helpers (axios) over loopback, and a credentials helper that behaves like n8n's CLI
 * one (preAuthentication when the expirable token is empty, the new token stored).
 */
import { ExecuteContext, ExecutionLifecycleHooks, LoadOptionsContext, RoutingNode, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsDecrypted,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	Workflow as WorkflowType,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, Workflow } from 'n8n-workflow';

import { FeishuCoreHrApi } from '../../credentials/FeishuCoreHrApi.credentials';
import { FeishuCoreHr } from '../../nodes/FeishuCoreHr/FeishuCoreHr.node';

export const FEISHU_NODE_TYPE = 'CUSTOM.feishuCoreHr';
/** The node's version as a node added from the panel has it. */
export const FEISHU_NODE_VERSION: number = (() => {
	const { version, defaultVersion } = new FeishuCoreHr().description;
	return defaultVersion ?? (Array.isArray(version) ? Math.max(...version) : version);
})();
export const INPUT_NODE_TYPE = 'test.input';
export const CREDENTIAL_ID = 'cred-feishu-1';

/** Emits the items given in its `items` parameter: the spreadsheet of a test. */
class InputNode implements INodeType {
	description = {
		displayName: 'Test Input',
		name: INPUT_NODE_TYPE,
		group: ['trigger'],
		version: 1,
		description: 'test input',
		defaults: { name: 'Input' },
		inputs: [],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' } as INodeProperties],
	} as unknown as INodeType['description'];

	async execute(this: import('n8n-workflow').IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as unknown;
		const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
		return [list.map((json) => ({ json }))];
	}
}

const credentialType = new FeishuCoreHrApi();

export class NodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType> = {
		[FEISHU_NODE_TYPE]: new FeishuCoreHr(),
		[INPUT_NODE_TYPE]: new InputNode(),
	};

	register(name: string, type: INodeType): void {
		this.types[name] = type;
	}

	getByName(name: string): INodeType | IVersionedNodeType {
		return this.types[name];
	}

	getByNameAndVersion(name: string, version?: number): INodeType {
		const type = this.types[name];
		if (!type) throw new Error(`unknown node type ${name}`);
		return NodeHelpers.getVersionedNodeType(type, version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

/**
 * What n8n writes back to its database after preAuthentication fetched a token:
 * - `n8n1` (packages/cli/src/credentials-helper.ts up to 1.123): `Object.assign(credentials, output)`,
 *   i.e. the whole object the request helper was handed, plus what preAuthentication returned;
 * - `n8n2` (2.41): the stored data plus the keys preAuthentication returned.
 * Whatever a node puts into the credential object it passes to httpRequestWithAuthentication is
 * therefore stored for good by n8n 1.x.
 */
export type Persistence = 'n8n1' | 'n8n2';

/** n8n's credential store as far as this node sees it: decrypted data by id, token updates counted. */
export class MemoryCredentialsHelper extends ICredentialsHelper {
	readonly store = new Map<string, ICredentialDataDecryptedObject>();

	/** Every time n8n would have written a fresh token to its database. */
	readonly savedTokens: string[] = [];

	/** Everything n8n would have written to its database, in order. */
	readonly savedData: ICredentialDataDecryptedObject[] = [];

	preAuthenticationCalls = 0;

	constructor(
		private readonly type: ICredentialType = credentialType,
		readonly persistence: Persistence = 'n8n2',
	) {
		super();
	}

	set(id: string, data: ICredentialDataDecryptedObject): void {
		this.store.set(id, { tenantAccessToken: '', ...data });
	}

	/** Edits a saved credential as n8n's editor does: the hidden token (and what was stored with it) stays. */
	edit(id: string, changes: ICredentialDataDecryptedObject): void {
		this.store.set(id, { ...this.store.get(id), ...changes });
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: WorkflowType,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const auth = this.type.authenticate;
		if (typeof auth === 'function') return await auth(credentials, requestOptions);
		const headers = { ...(requestOptions.headers ?? {}) };
		for (const [key, value] of Object.entries(auth?.properties.headers ?? {})) {
			headers[key] = String(
				workflow.expression.getSimpleParameterValue(node, value as string, 'internal', { $credentials: credentials }, undefined, ''),
			);
		}
		return { ...requestOptions, headers };
	}

	/** As n8n's CLI CredentialsHelper.preAuthentication (1.123 and 2.41 agree but for what they store). */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const expirable = this.type.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (!expirable || typeof this.type.preAuthentication !== 'function') return undefined;
		// n8n's own test for "this is a credential test". It never matches a real Test: the tester's
		// node has the type `noOp`, as n8n's loader leaves NoOp's description.name (see testCredential).
		const isTesting = node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
		if (credentials[expirable.name] !== '' && !credentialsExpired && !isTesting) return undefined;
		this.preAuthenticationCalls++;
		const output = (await this.type.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
		if (output[expirable.name] === undefined) return undefined;
		const details = node.credentials?.[this.type.name];
		if (!details) return undefined;
		if (details.id && this.store.has(details.id)) {
			const toStore = this.persistence === 'n8n1' ? Object.assign(credentials, output) : { ...this.store.get(details.id), ...output };
			await this.updateCredentials(details, this.type.name, toStore);
		}
		return Object.assign(credentials, output);
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails): Promise<ICredentials> {
		const data = this.store.get(nodeCredentials.id ?? '');
		return { id: nodeCredentials.id, name: nodeCredentials.name, type: this.type.name, data: undefined, getData: () => ({ ...data }) } as unknown as ICredentials;
	}

	async getDecrypted(_a: IWorkflowExecuteAdditionalData, nodeCredentials: INodeCredentialsDetails): Promise<ICredentialDataDecryptedObject> {
		const data = this.store.get(nodeCredentials.id ?? '');
		if (!data) throw new Error(`no credential ${nodeCredentials.id}`);
		return { ...data };
	}

	async updateCredentials(nodeCredentials: INodeCredentialsDetails, _type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		// n8n encrypts JSON.stringify(data): only plain JSON survives.
		const stored = JSON.parse(JSON.stringify(data)) as ICredentialDataDecryptedObject;
		this.store.set(nodeCredentials.id ?? '', stored);
		this.savedData.push(stored);
		this.savedTokens.push(String(data.tenantAccessToken));
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(): INodeProperties[] {
		return this.type.properties;
	}
}

export function additionalData(credentialsHelper: ICredentialsHelper, executionId: string): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper,
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		variables: {},
		executeWorkflow: async () => {
			throw new Error('not supported in tests');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not supported in tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface FeishuCredentialData extends ICredentialDataDecryptedObject {
	domain: string;
	baseUrl: string;
	appId: string;
	appSecret: string;
}

export interface NodeSpec {
	name: string;
	type: string;
	parameters: INodeParameters;
	continueOnFail?: boolean;
	credentials?: boolean;
	/** The node's version in the workflow (default: the Feishu node's current version; 1 for other nodes). */
	typeVersion?: number;
}

export interface WorkflowRun {
	run: IRun;
	/** Output items of each node, by name (first output, last run). */
	outputs: Record<string, INodeExecutionData[]>;
	/** The run's error, if the workflow stopped on one. */
	error?: Error & { description?: string | null };
}

let executionCounter = 0;

/** Input → nodes[0] → nodes[1] …, as a workflow n8n-core can run. */
function chainWorkflow(inputItems: IDataObject[], chain: NodeSpec[], nodeTypes: NodeTypes) {
	const inputNode: INode = {
		id: 'input-node',
		name: 'Input',
		type: INPUT_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { items: JSON.stringify(inputItems) },
	};
	const nodes: INode[] = [
		inputNode,
		...chain.map((spec, i): INode => ({
			id: `node-${i}`,
			name: spec.name,
			type: spec.type,
			typeVersion: spec.typeVersion ?? (spec.type === FEISHU_NODE_TYPE ? FEISHU_NODE_VERSION : 1),
			position: [200 * (i + 1), 0],
			parameters: spec.parameters,
			continueOnFail: spec.continueOnFail,
			credentials: spec.credentials === false ? undefined : { feishuCoreHrApi: { id: CREDENTIAL_ID, name: 'Feishu (test)' } },
		})),
	];
	const connections: Workflow['connectionsBySourceNode'] = {};
	const names = nodes.map((n) => n.name);
	for (let i = 0; i < names.length - 1; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	const workflow = new Workflow({
		id: 'wf-test',
		name: 'test',
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	return { workflow, inputNode, nodes, connections };
}

function executionData(credentials: MemoryCredentialsHelper, executionId: string, mode: WorkflowExecuteMode, nodes: INode[], connections: Workflow['connectionsBySourceNode']) {
	const data = additionalData(credentials, executionId);
	data.hooks = new ExecutionLifecycleHooks(mode, executionId, {
		id: 'wf-test', name: 'test', nodes, connections, active: false, settings: {}, createdAt: new Date(), updatedAt: new Date(), activeVersionId: null, isArchived: false,
	} as unknown as ConstructorParameters<typeof ExecutionLifecycleHooks>[2]);
	return data;
}

function collect(run: IRun): WorkflowRun {
	const outputs: Record<string, INodeExecutionData[]> = {};
	for (const [name, taskData] of Object.entries(run.data.resultData.runData)) {
		const last = taskData[taskData.length - 1];
		outputs[name] = last?.data?.main?.[0] ?? [];
	}
	return { run, outputs, error: run.data.resultData.error as WorkflowRun['error'] };
}

/** Runs Input → nodes[0] → nodes[1] … through n8n-core's WorkflowExecute. */
export async function runChain(
	credentials: MemoryCredentialsHelper,
	inputItems: IDataObject[],
	chain: NodeSpec[],
	options: { executionId?: string; nodeTypes?: NodeTypes } = {},
): Promise<WorkflowRun> {
	const executionId = options.executionId ?? `exec-${++executionCounter}-${Date.now()}`;
	const { workflow, inputNode, nodes, connections } = chainWorkflow(inputItems, chain, options.nodeTypes ?? new NodeTypes());
	const execute = new WorkflowExecute(executionData(credentials, executionId, 'manual', nodes, connections), 'manual');
	return collect(await execute.run(workflow, inputNode));
}

/**
 * The execution data n8n stores when it creates a production execution (a trigger fired, a
 * webhook was called): the start node on the stack, nothing run yet. It is all n8n's database
 * holds of an execution whose worker died before it saved anything else.
 */
export function storedStart(inputItems: IDataObject[], chain: NodeSpec[]): IRunExecutionData {
	const { inputNode } = chainWorkflow(inputItems, chain, new NodeTypes());
	return {
		startData: {},
		resultData: { runData: {}, pinData: {} },
		executionData: {
			contextData: {},
			nodeExecutionStack: [{ node: inputNode, data: { main: [[{ json: {} }]] }, source: null }],
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as unknown as IRunExecutionData;
}

/**
 * What n8n's "Retry" (ExecutionService.retry in 1.123 and 2.41) hands the new execution: the
 * failed execution's data as stored (a JSON copy), without its error and without the failed run
 * of the node that failed, so that node runs again from the same input.
 */
export function retryOf(data: IRunExecutionData): IRunExecutionData {
	const copy = JSON.parse(JSON.stringify(data)) as IRunExecutionData;
	const last = copy.resultData.lastNodeExecuted;
	if (last) {
		delete copy.resultData.error;
		const runs = copy.resultData.runData?.[last];
		if (runs && runs.length > 0 && runs[runs.length - 1].error !== undefined) runs.pop();
	}
	return copy;
}

export interface StoredExecution {
	/** The execution's mode: 'trigger', 'webhook'… for a production run, 'retry' for n8n's Retry. */
	mode: WorkflowExecuteMode;
	/** The stored data it resumes (storedStart() for a new one, retryOf() for a retry). */
	data: IRunExecutionData;
	executionId?: string;
	/** Cancels the execution (as a dying worker leaves it) when this resolves. */
	cancelWhen?: Promise<unknown>;
}

/** Runs an execution from stored execution data, as n8n's workers do (WorkflowExecute.processRunExecutionData). */
export async function runStored(
	credentials: MemoryCredentialsHelper,
	inputItems: IDataObject[],
	chain: NodeSpec[],
	execution: StoredExecution,
): Promise<WorkflowRun> {
	const executionId = execution.executionId ?? `exec-${++executionCounter}-${Date.now()}`;
	const { workflow, nodes, connections } = chainWorkflow(inputItems, chain, new NodeTypes());
	const execute = new WorkflowExecute(executionData(credentials, executionId, execution.mode, nodes, connections), execution.mode, execution.data);
	const running = execute.processRunExecutionData(workflow);
	void execution.cancelWhen?.then(() => running.cancel());
	return collect(await running);
}

/** Runs the Feishu node once over the given items. */
export async function runFeishu(
	credentials: MemoryCredentialsHelper,
	items: IDataObject[],
	parameters: INodeParameters,
	options: { continueOnFail?: boolean; executionId?: string; typeVersion?: number } = {},
): Promise<WorkflowRun & { items: INodeExecutionData[] }> {
	const result = await runChain(credentials, items, [
		{ name: 'Feishu CoreHR', type: FEISHU_NODE_TYPE, parameters, continueOnFail: options.continueOnFail, typeVersion: options.typeVersion },
	], options);
	return { ...result, items: result.outputs['Feishu CoreHR'] ?? [] };
}

function contextNode(): INode {
	return {
		id: 'node-0',
		name: 'Feishu CoreHR',
		type: FEISHU_NODE_TYPE,
		typeVersion: FEISHU_NODE_VERSION,
		position: [0, 0],
		parameters: { resource: 'probationAssessment', operation: 'update' },
		credentials: { feishuCoreHrApi: { id: CREDENTIAL_ID, name: 'Feishu (test)' } },
	};
}

/** Calls a loadOptions method the way the editor does. */
export async function loadOptions(credentials: MemoryCredentialsHelper, method: string) {
	const node = contextNode();
	const nodeTypes = new NodeTypes();
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const context = new LoadOptionsContext(workflow, node, additionalData(credentials, 'load-options'), 'parameters.assessmentGrade');
	const type = nodeTypes.getByNameAndVersion(FEISHU_NODE_TYPE) as FeishuCoreHr;
	const fn = (type.methods.loadOptions as Record<string, (this: LoadOptionsContext) => Promise<unknown>>)[method];
	return await fn.call(context);
}

/** Calls a resource locator's search the way the editor's "From List" does, with its filter text. */
export async function listSearch(credentials: MemoryCredentialsHelper, method: string, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const node = contextNode();
	const nodeTypes = new NodeTypes();
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const context = new LoadOptionsContext(workflow, node, additionalData(credentials, 'list-search'), 'parameters.employee');
	const type = nodeTypes.getByNameAndVersion(FEISHU_NODE_TYPE, FEISHU_NODE_VERSION) as FeishuCoreHr;
	const fn = (type.methods.listSearch as Record<string, (this: LoadOptionsContext, filter?: string, token?: string) => Promise<INodeListSearchResult>>)[method];
	return await fn.call(context, filter, paginationToken);
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/**
 * The editor's "Test" button, as n8n's CredentialsTester runs it (packages/cli/src/services/
 * credentials-tester.service.ts, the same in 1.123 and 2.41): the credential's own `test` wins
 * over a node's `testedBy`; a request test runs through RoutingNode on a temporary node whose
 * credential entry carries the credential's id (so a token fetched during the Test is stored) and
 * whose type is `nodeType.description.name` of n8n's NoOp — `noOp`, unprefixed, as n8n-core's
 * DirectoryLoader.loadNodeFromFile leaves it. n8n's CredentialsHelper only treats a node of type
 * `n8n-nodes-base.noOp` as a test, so a real Test runs preAuthentication only when no token is
 * stored. The error branches below are the tester's.
 *
 * `data` is what the editor sends: for a saved credential, the stored data (hidden token
 * included) with the user's edits on top. Pass `saved` to test a saved credential.
 */
export async function testCredential(
	data: ICredentialDataDecryptedObject,
	saved?: { helper: MemoryCredentialsHelper; id: string },
): Promise<CredentialTestResult> {
	const helper = saved?.helper ?? new MemoryCredentialsHelper();
	const test = credentialType.test;
	if (!test) throw new Error('the credential has no test: n8n would look for a node testedBy, which this harness does not run');
	const nodeType: INodeType = {
		description: {
			displayName: 'No Op', name: 'noOp', group: ['transform'], version: 1, description: '', defaults: {},
			inputs: ['main'], outputs: ['main'],
			credentials: [{ name: credentialType.name, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: test.request }, default: '' }],
		} as unknown as INodeType['description'],
	};
	const node: INode = {
		id: 'temp', name: 'Temp-Node', type: nodeType.description.name, typeVersion: 1, position: [0, 0],
		parameters: {},
		credentials: { [credentialType.name]: { id: saved?.id ?? null, name: 'test' } },
	};
	const nodeTypes = new NodeTypes();
	nodeTypes.register(nodeType.description.name, nodeType);
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const runExecutionData: IRunExecutionData = { resultData: { runData: {} } } as IRunExecutionData;
	const context = new ExecuteContext(workflow, node, additionalData(helper, 'cred-test'), 'internal', runExecutionData, 0, [], { main: [[{ json: {} }]] }, { node, data: {}, source: null }, []);
	// The tester applies the credential's defaults first (applyDefaultsAndOverwrites): the token is '' when absent.
	const decrypted: ICredentialsDecrypted = { id: saved?.id ?? '', name: 'test', type: credentialType.name, data: { tenantAccessToken: '', ...data } };
	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await new RoutingNode(context, nodeType, decrypted).runNode();
	} catch (caught) {
		const error = caught as { message?: unknown; cause?: { response?: { status: number; statusText?: string }; code?: unknown } };
		if (error.cause?.response) {
			const { status, statusText } = error.cause.response;
			for (const rule of test.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === status) return { status: 'Error', message: rule.properties.message };
			}
			if (status < 199 || status > 299) return { status: 'Error', message: statusText || `Received HTTP status code: ${status}` };
		} else if (error.cause?.code) {
			return { status: 'Error', message: String(error.cause.code) };
		}
		return { status: 'Error', message: String(error.message) };
	}
	for (const rule of test.rules ?? []) {
		if (rule.type === 'responseSuccessBody' && response?.[0]?.[0]?.json?.[rule.properties.key] === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/**
 * n8n-core's real execute context for the Feishu node, outside a workflow run: for tests that
 * drive the transport directly (e.g. with a fake clock) through n8n's own request helpers.
 */
export function executeContext(credentials: MemoryCredentialsHelper, parameters: INodeParameters = {}): ExecuteContext {
	const node: INode = { ...contextNode(), parameters: { resource: 'probation', operation: 'search', ...parameters } };
	const workflow = new Workflow({ id: 'wf-ctx', nodes: [node], connections: {}, active: false, nodeTypes: new NodeTypes() });
	const runExecutionData = { resultData: { runData: {} } } as IRunExecutionData;
	return new ExecuteContext(workflow, node, additionalData(credentials, `ctx-${++executionCounter}`), 'manual', runExecutionData, 0, [], { main: [[{ json: {} }]] }, { node, data: {}, source: null }, []);
}
