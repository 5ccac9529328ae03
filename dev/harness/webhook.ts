/**
 * Runs the Feishu CoreHR Trigger's webhook() for real inside n8n-core's WebhookContext, behind an
 * HTTP server on 127.0.0.1 that hands the node what n8n's webhook server does: the parsed body,
 * the raw body as a Buffer (`req.rawBody`, n8n's body parser in 1.x and 2.x), the headers, and the
 * response object. Like a production webhook, every request reads the workflow's static data
 * afresh and it is saved after the answer, so two deliveries at once see the same stored state.
 */
import { createServer } from 'http';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';

import { WebhookContext } from 'n8n-core';
import type { IDataObject, INode, INodeExecutionData, INodeParameters, IWebhookData, IWebhookResponseData } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { FeishuCoreHrTrigger, WEBHOOK_PATH } from '../../nodes/FeishuCoreHrTrigger/FeishuCoreHrTrigger.node';
import type { MemoryCredentialsHelper } from './n8nCore';
import { CREDENTIAL_ID, NodeTypes, additionalData } from './n8nCore';

export const TRIGGER_NODE_TYPE = 'CUSTOM.feishuCoreHrTrigger';

/** One request the webhook answered. */
export interface WebhookDelivery {
	status: number;
	body: string;
	/** What n8n would start an execution with; undefined = no execution. */
	workflowData?: INodeExecutionData[][];
	/** What webhook() threw (n8n would answer 500). */
	error?: Error;
}

export interface TriggerWebhook {
	/** The URL to POST to, as n8n's /webhook/<id>/<path>. */
	url: string;
	deliveries: WebhookDelivery[];
	/** Deliveries that would have started an execution. */
	executions(): INodeExecutionData[][][];
	/**
	 * Resolves once `n` requests have been fully handled: the answer goes out before the lookup,
	 * so a caller's response arrives before webhook() has returned.
	 */
	settled(n: number): Promise<void>;
	/** The workflow's static data as n8n would have stored it. */
	storedStaticData: IDataObject;
	close(): Promise<void>;
}

let counter = 0;

function readRaw(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

export async function startTriggerWebhook(
	credentials: MemoryCredentialsHelper,
	parameters: INodeParameters = {},
	options: { mode?: 'webhook' | 'manual'; workflowId?: string } = {},
): Promise<TriggerWebhook> {
	const nodeTypes = new NodeTypes();
	nodeTypes.register(TRIGGER_NODE_TYPE, new FeishuCoreHrTrigger());
	const webhookId = `hook-${++counter}`;
	const node: INode = {
		id: 'trigger-node',
		name: 'Feishu CoreHR Trigger',
		type: TRIGGER_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		parameters,
		credentials: { feishuCoreHrApi: { id: CREDENTIAL_ID, name: 'Feishu (test)' } },
	};
	const workflowId = options.workflowId ?? `wf-trigger-${counter}`;
	const stored: { staticData: IDataObject } = { staticData: {} };
	const deliveries: WebhookDelivery[] = [];
	const waiters: Array<{ n: number; resolve: () => void }> = [];
	const type = nodeTypes.getByNameAndVersion(TRIGGER_NODE_TYPE, 1) as FeishuCoreHrTrigger;

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const raw = await readRaw(req);
		const request = req as IncomingMessage & { rawBody?: Buffer; body?: unknown };
		request.rawBody = raw;
		try {
			request.body = raw.length ? (JSON.parse(raw.toString('utf8')) as unknown) : {};
		} catch {
			request.body = {};
		}
		// A fresh Workflow per request, with the static data as stored: what n8n's LiveWebhooks does.
		const workflow = new Workflow({
			id: workflowId,
			name: 'trigger test',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes,
			staticData: JSON.parse(JSON.stringify(stored.staticData)) as IDataObject,
			settings: { executionOrder: 'v1' },
		});
		const data = additionalData(credentials, `webhook-${++counter}`);
		data.httpRequest = request as unknown as typeof data.httpRequest;
		data.httpResponse = res as unknown as typeof data.httpResponse;
		const description = type.description.webhooks![0];
		const webhookData: IWebhookData = {
			httpMethod: 'POST',
			node: node.name,
			path: `${webhookId}/${WEBHOOK_PATH}`,
			webhookDescription: description,
			workflowId,
			workflowExecuteAdditionalData: data,
		};
		const context = new WebhookContext(workflow, node, data, options.mode ?? 'webhook', webhookData, [], null);
		const delivery: WebhookDelivery = { status: 0, body: '' };
		const chunks: Buffer[] = [];
		const end = res.end.bind(res);
		res.end = ((chunk?: unknown, ...rest: unknown[]) => {
			if (chunk !== undefined && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
			delivery.status = res.statusCode;
			delivery.body = Buffer.concat(chunks).toString('utf8');
			return (end as (...a: unknown[]) => ServerResponse)(chunk, ...rest);
		}) as typeof res.end;
		let result: IWebhookResponseData | undefined;
		try {
			result = await type.webhook.call(context);
		} catch (error) {
			delivery.error = error as Error;
			if (!res.headersSent) {
				res.writeHead(500);
				res.end('Workflow Webhook Error: Workflow could not be started!');
			}
		}
		// n8n saves the static data once the response is sent (LiveWebhooks' response callback).
		if (workflow.staticData.__dataChanged === true) {
			const saved = JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
			delete saved.__dataChanged;
			stored.staticData = saved;
		}
		if (result && !result.noWebhookResponse && !res.headersSent) {
			// onReceived without an own answer: n8n's default text.
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ message: 'Workflow was started' }));
		}
		delivery.workflowData = result?.workflowData;
		deliveries.push(delivery);
		for (const w of waiters.filter((x) => deliveries.length >= x.n)) {
			waiters.splice(waiters.indexOf(w), 1);
			w.resolve();
		}
	};

	const server: Server = createServer((req, res) => {
		// A fault in the harness itself must fail the test, not leave it waiting for a delivery.
		handle(req, res).catch((error: unknown) => {
			deliveries.push({ status: -1, body: '', error: error as Error });
			for (const w of waiters.splice(0)) w.resolve();
			if (!res.headersSent) res.writeHead(500).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/webhook/${webhookId}/${WEBHOOK_PATH}`,
		deliveries,
		executions: () => deliveries.filter((d) => d.workflowData !== undefined).map((d) => d.workflowData!),
		settled: async (n) => {
			if (deliveries.length >= n) return;
			await new Promise<void>((resolve) => waiters.push({ n, resolve }));
		},
		get storedStaticData() {
			return stored.staticData;
		},
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
