import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { FEISHU_CREDENTIAL_NAME, appCredentials } from '../../credentials/FeishuCoreHrApi.credentials';
import { JSON_CONTENT_TYPE } from '../shared/feishu/envelope';
import { PROBATION_STATUSES } from '../shared/people/choices';
import { PROBATION_UPDATED_EVENT } from './events/probationEvent';
import type { ProbationEvent } from './events/probationEvent';
import { verifyRequest } from './events/request';
import { enrichEvent } from './enrich';
import type { EventOptions } from './handler';
import { acceptEnvelope, claimOnce, eventItem } from './handler';
import { openLongConnection } from './longConnection';

/** The webhook's path below n8n's /webhook/<id>/: fixed, so the URL in Feishu's console never changes. */
export const WEBHOOK_PATH = 'feishu-corehr';

const PERSISTENT = 'persistentConnection';

type Context = IWebhookFunctions | ITriggerFunctions;

function readOptions(ctx: Context): EventOptions {
	const statuses = ctx.getNodeParameter('probationStatuses', []) as unknown;
	const enrich = ctx.getNodeParameter('enrich', true) as unknown;
	return {
		statuses: Array.isArray(statuses) ? statuses.map(String) : [],
		// An expression may hand over the text "false".
		enrich: enrich !== false && String(enrich).toLowerCase() !== 'false',
	};
}

/** Which accepted IDs an event is checked against: per workflow and node, test runs apart from live ones. */
function dedupeScope(ctx: Context): string {
	return `${ctx.getWorkflow().id ?? ''}|${ctx.getNode().id}|${ctx.getMode() === 'manual' ? 'test' : 'live'}`;
}

function claimer(ctx: Context): (eventId: string) => boolean {
	const scope = dedupeScope(ctx);
	return (eventId) => claimOnce(scope, ctx.getWorkflowStaticData('node'), eventId, Date.now());
}

/** Answers with plain Node calls, which Express's response and a bare ServerResponse both have. */
function answer(ctx: IWebhookFunctions, status: number, body: IDataObject): void {
	const res = ctx.getResponseObject();
	res.writeHead(status, { 'Content-Type': JSON_CONTENT_TYPE });
	res.end(JSON.stringify(body));
}

async function item(ctx: Context, event: ProbationEvent, options: EventOptions): Promise<INodeExecutionData> {
	const json = await eventItem(event, options, async (e) => await enrichEvent(ctx, e));
	if (typeof json.enrichmentError === 'string') {
		ctx.logger.warn(`Feishu CoreHR Trigger: event ${event.eventId} is delivered without full details: ${json.enrichmentError}`);
	}
	return { json };
}

export class FeishuCoreHrTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Feishu CoreHR Trigger',
		name: 'feishuCoreHrTrigger',
		icon: { light: 'file:feishu.svg', dark: 'file:feishu.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["mode"] === "persistentConnection" ? "Persistent connection" : "Webhook" }}',
		description: 'Starts the workflow when a probation changes in Feishu / Lark CoreHR',
		eventTriggerDescription: 'Waiting for a probation to change in Feishu',
		activationMessage: 'Probation changes in Feishu now start this workflow.',
		defaults: { name: 'Feishu CoreHR Trigger' },
		// Stated, and left unset: n8n would wrap a trigger as an AI tool ("… Trigger Tool") that cannot work.
		usableAsTool: undefined,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: FEISHU_CREDENTIAL_NAME, required: true }],
		webhooks: [
			{
				name: 'default',
				// No method, no webhook: n8n registers none in persistent-connection mode.
				httpMethod: `={{ $parameter["mode"] === "${PERSISTENT}" ? "" : "POST" }}`,
				responseMode: 'onReceived',
				path: WEBHOOK_PATH,
				ndvHideUrl: `={{ $parameter["mode"] === "${PERSISTENT}" }}`,
				ndvHideMethod: true,
			},
		],
		properties: [
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Webhook (Request URL)',
						value: 'webhook',
						description: "Feishu posts each event to this node's Production URL; n8n must be reachable from the internet",
					},
					{
						name: 'Persistent Connection',
						value: PERSISTENT,
						description: 'Keeps a connection open from n8n to Feishu and receives events through it; no public URL needed',
					},
				],
				default: 'webhook',
			},
			{
				displayName:
					'In Feishu\'s developer console, under "Events & Callbacks", choose "Send events to developer\'s server", paste this node\'s Production URL as the Request URL and subscribe to "Probation updated" (corehr.probation.updated_v2). Put the Encrypt Key and Verification Token from that page into the credential.',
				name: 'webhookNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { mode: ['webhook'] } },
			},
			{
				displayName:
					'In Feishu\'s developer console, under "Events & Callbacks", choose "Receive events through persistent connection" and subscribe to "Probation updated" (corehr.probation.updated_v2). Only one n8n instance should hold the connection.',
				name: 'persistentNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { mode: [PERSISTENT] } },
			},
			{
				displayName: 'Probation Statuses',
				name: 'probationStatuses',
				type: 'multiOptions',
				options: PROBATION_STATUSES.map((s) => ({ name: s.name, value: s.value, description: `${s.aliases[0]} in Feishu (${s.value})` })),
				default: [],
				description: 'Start the workflow only when the probation changes to one of these; leave empty for every change',
			},
			{
				displayName: 'Enrich',
				name: 'enrich',
				type: 'boolean',
				default: true,
				description:
					'Whether to look the probation up and output it with its assessments and the employee, so a following node can update by employee or by assessment ID. Needs the scopes corehr:probation:read, corehr:probation.assessment:read and corehr:employee:read.',
			},
		],
	};

	/**
	 * Feishu has no API for the Request URL: the user pastes it into the developer console, and
	 * Feishu then sends the URL check that webhook() answers. So there is nothing to register with
	 * Feishu on activation, nor to remove on deactivation.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	/** Webhook mode: Feishu's POST. Answers within milliseconds; the lookup runs after the answer. */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const credentials = await this.getCredentials(FEISHU_CREDENTIAL_NAME);
		const request = this.getRequestObject() as ReturnType<IWebhookFunctions['getRequestObject']> & { rawBody?: Buffer };
		const verdict = verifyRequest(
			{ rawBody: Buffer.isBuffer(request.rawBody) ? request.rawBody : undefined, body: request.body as unknown, headers: request.headers },
			{ encryptKey: String(credentials.encryptKeySecret ?? '').trim(), verificationToken: String(credentials.verificationToken ?? '').trim() },
			Date.now(),
		);
		if (verdict.kind === 'rejected') {
			this.logger.warn(`Feishu CoreHR Trigger refused a request (HTTP 401, no execution): ${verdict.reason}`);
			answer(this, 401, { code: 401, msg: 'request not verified' });
			return { noWebhookResponse: true };
		}
		if (verdict.kind === 'urlCheck') {
			answer(this, 200, { challenge: verdict.challenge });
			return { noWebhookResponse: true };
		}
		const options = readOptions(this);
		const accepted = acceptEnvelope(verdict.envelope, options, claimer(this));
		// Feishu wants its 200 within 3 s and redelivers otherwise: answer before any lookup.
		answer(this, 200, { code: 0 });
		if ('skipped' in accepted) {
			this.logger.debug(`Feishu CoreHR Trigger: no execution for ${accepted.skipped}`);
			return { noWebhookResponse: true };
		}
		return { noWebhookResponse: true, workflowData: [[await item(this, accepted.event, options)]] };
	}

	/** Persistent-connection mode holds the connection; webhook mode needs nothing here. */
	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		if (this.getNodeParameter('mode', 'webhook') !== PERSISTENT) return {};
		const app = appCredentials(await this.getCredentials(FEISHU_CREDENTIAL_NAME));
		const options = readOptions(this);
		const claim = claimer(this);
		/** Lookups of accepted events that have not started their execution yet. */
		const pending = new Set<Promise<void>>();
		const connection = await openLongConnection({
			baseUrl: app.baseUrl,
			appId: app.appId,
			appSecret: app.appSecret,
			logger: this.logger,
			httpRequest: async (request) => (await this.helpers.httpRequest(request)) as unknown,
			// The same decision and output as a webhook delivery. The connection acknowledges when this
			// returns: Feishu wants that within 3 s, so, as in webhook mode, the lookup comes after it.
			onEvent: async (envelope) => {
				const accepted = acceptEnvelope(envelope, options, claim);
				if ('skipped' in accepted) {
					this.logger.debug(`Feishu CoreHR Trigger: no execution for ${accepted.skipped}`);
					return;
				}
				const started: Promise<void> = item(this, accepted.event, options)
					.then((data) => this.emit([[data]]))
					.catch((error: unknown) => this.emitError(new NodeOperationError(this.getNode(), error instanceof Error ? error : String(error))))
					.finally(() => pending.delete(started));
				pending.add(started);
			},
		});
		return {
			closeFunction: async () => {
				await connection.close();
				// Events already acknowledged still start their executions.
				await Promise.allSettled([...pending]);
			},
			// "Listen for test event": the connection is open; the first event's emit ends the wait.
			manualTriggerFunction: async () => {},
		};
	}
}

/** For the README and tests: the event this node subscribes to. */
export const SUBSCRIBED_EVENT = PROBATION_UPDATED_EVENT;
