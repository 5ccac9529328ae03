import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { deriveClientToken, requestKey } from './clientToken';
import { InvalidInputError } from './parse';

/** Where the node keeps its run's key in n8n's execution data (the node's execution context). */
const RUN_KEY = 'feishuClientTokenRun';

/** The request a token is for. */
export interface TokenRequest {
	method: string;
	path: string;
	body: unknown;
	/**
	 * A create: a new execution started by the very same event (a retry after a crash, a webhook
	 * sent again) is the same work, so it must not create again. Other writes are the same when
	 * applied twice, and a deliberate second run of them must reach Feishu: their token is per
	 * execution (and its retries after a node error).
	 */
	creates?: boolean;
}

/**
 * The event the execution started from: the output of the trigger (or other parentless node) the
 * items came from — a schedule's time, a form's submission, a webhook call's headers and body.
 * n8n stores it with the execution when it creates it and hands it unchanged to a retry, even
 * when the execution crashed before anything else was saved. Undefined when it carries nothing
 * (Manual Trigger's empty item) or cannot be read.
 */
function startEvent(ctx: IExecuteFunctions): string | undefined {
	try {
		const roots = ctx
			.getParentNodes(ctx.getNode().name)
			.filter((parent) => ctx.getParentNodes(parent.name).length === 0)
			.map((parent) => parent.name)
			.sort();
		const proxy = ctx.getWorkflowDataProxy(0);
		const events: Array<[string, unknown[]]> = [];
		for (const name of roots) {
			const node = proxy.$(name) as { isExecuted?: boolean; all?: (branch?: number, run?: number) => INodeExecutionData[] };
			if (node?.isExecuted !== true || typeof node.all !== 'function') continue;
			const items = node.all(0, 0);
			if (items.some((item) => Object.keys(item.json ?? {}).length > 0 || item.binary !== undefined)) {
				events.push([name, items.map((item) => [item.json, Object.keys(item.binary ?? {})])]);
			}
		}
		return events.length > 0 ? JSON.stringify(events) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * What identifies this run of the work, the same for every retry of it:
 * - kept in the execution's own data once found, so a retry that resumes a failed execution
 *   (n8n hands it the failed execution's data) finds the same key;
 * - else, for a create outside a manual run, the event the execution started from (see
 *   startEvent), which a retry of a crashed execution still has;
 * - else the execution ID: a manual run, a start that carries nothing, or a write that is not a
 *   create, is a run of its own.
 */
function runKey(ctx: IExecuteFunctions, creates: boolean): string {
	let context: IDataObject | undefined;
	try {
		context = ctx.getContext('node') as IDataObject;
	} catch {
		context = undefined;
	}
	const kept = context?.[RUN_KEY];
	if (typeof kept === 'string' && kept !== '') return kept;
	const event = !creates || ctx.getMode() === 'manual' ? undefined : startEvent(ctx);
	const key = event !== undefined ? `event ${event}` : `execution ${ctx.getExecutionId() || `run-${Date.now()}`}`;
	if (context) context[RUN_KEY] = key;
	return key;
}

/**
 * True when the node's Client Token option is set (a value or an expression): then the node sends
 * one item at a time, so a token reused for a different request is always refused on the later item.
 */
export function usesOwnClientToken(ctx: IExecuteFunctions): boolean {
	const options = ctx.getNode().parameters.options as IDataObject | undefined;
	const given = options?.clientToken;
	return given !== undefined && given !== null && String(given).trim() !== '';
}

/**
 * The run's client-token policy: the user's token if given (refused when the run already used it
 * for a different request), else one derived from where the write comes from — instance,
 * workflow, run of the work (runKey), node, pass of a loop, item — and the request itself.
 */
export function clientTokenPolicy(ctx: IExecuteFunctions): (itemIndex: number, request: TokenRequest) => string {
	const origins = new Map<boolean, string[]>();
	const userTokens = new Map<string, string>();
	// Not set at all: no expression to evaluate per item.
	const ownToken = usesOwnClientToken(ctx);
	return (itemIndex, { method, path, body, creates = false }) => {
		const key = requestKey(method, path, body);
		const given = ownToken ? (ctx.getNodeParameter('options.clientToken', itemIndex, '') as unknown) : '';
		const text = typeof given === 'string' || typeof given === 'number' ? String(given).trim() : '';
		if (!text) {
			let origin = origins.get(creates);
			if (!origin) {
				origin = [
					ctx.getInstanceId(),
					String(ctx.getWorkflow().id ?? ''),
					runKey(ctx, creates),
					ctx.getNode().id || ctx.getNode().name,
					// The run index tells apart the passes of a loop in one execution.
					String(ctx.getWorkflowDataProxy(0).$runIndex ?? 0),
				];
				origins.set(creates, origin);
			}
			return deriveClientToken([...origin, String(itemIndex)], key);
		}
		// Feishu would answer a second, different write with this token as if it were the first.
		if ((userTokens.get(text) ?? key) !== key) {
			throw new InvalidInputError(
				'Client Token',
				text,
				'Give each item its own token (e.g. from a row ID), or leave it empty so the node makes one per item.',
				'was already used for a different request in this run, so Feishu would skip this one',
			);
		}
		userTokens.set(text, key);
		return text;
	};
}
