/**
 * A scripted stand-in for an OpenAI-compatible chat model, on loopback, so the AI-agent example can
 * run headless: the agent and the Feishu CoreHR tool are real n8n, only the model's answers are
 * fixed. It follows a script of tool calls, one per request: with n tool answers in the
 * conversation so far it makes call n of `script()` (the tool `toolName` picks, with
 * `toolArguments`, which see the tools' answers so far); once the script is done, or a step picks
 * no tool, it replies with `finalAnswer`.
 * Every request is kept in `requests` so a test can see what the agent offered and sent.
 * Handles `POST …/chat/completions` with or without `stream: true`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
	model?: string;
	messages: Array<{ role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: string; name?: string }>;
	tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
	stream?: boolean;
}

export interface ScriptedToolCall {
	/** picks the tool to call among the offered ones (undefined: answer instead) */
	toolName: (offered: string[]) => string | undefined;
	/** the arguments of the call, given the tool's JSON schema and the tools' answers so far (oldest first) */
	toolArguments: (schema: unknown, toolAnswers: string[]) => Record<string, unknown>;
}

export interface ScriptedChatModelOptions {
	/** the tool calls to make, read at each request (so a test can change them between runs) */
	script: () => ScriptedToolCall[];
	finalAnswer: string;
}

/** A tool message's content as text (a string, or OpenAI's list of text parts). */
export function messageText(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : String((part as { text?: unknown }).text ?? ''))).join('');
	return content === undefined || content === null ? '' : JSON.stringify(content);
}

export interface ScriptedChatModel {
	/** base URL to put in an OpenAI credential, e.g. http://127.0.0.1:1234/v1 */
	readonly baseUrl: string;
	readonly requests: ChatRequest[];
	/** paths of requests that were not chat completions */
	readonly otherRequests: string[];
	close(): Promise<void>;
}

function completion(message: Record<string, unknown>, finishReason: string): Record<string, unknown> {
	return {
		id: `chatcmpl-e2e-${Date.now()}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: 'scripted-e2e',
		choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

/** The same answer as server-sent chunks, for clients that asked for a stream. */
function streamChunks(message: Record<string, unknown>, finishReason: string): string {
	const base = { id: `chatcmpl-e2e-${Date.now()}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: 'scripted-e2e' };
	const delta: Record<string, unknown> = { role: 'assistant' };
	if (typeof message.content === 'string') delta.content = message.content;
	if (Array.isArray(message.tool_calls)) {
		delta.tool_calls = (message.tool_calls as Array<Record<string, unknown>>).map((c, index) => ({ index, ...c }));
	}
	const chunks = [
		{ ...base, choices: [{ index: 0, delta, finish_reason: null }] },
		{ ...base, choices: [{ index: 0, delta: {}, finish_reason: finishReason }], usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } },
	];
	return `${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`;
}

export async function startScriptedChatModel(options: ScriptedChatModelOptions): Promise<ScriptedChatModel> {
	const requests: ChatRequest[] = [];
	const otherRequests: string[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const url = req.url ?? '';
			if (req.method !== 'POST' || !url.endsWith('/chat/completions')) {
				otherRequests.push(`${req.method ?? ''} ${url}`);
				res.writeHead(404, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ error: { message: `scripted model: no ${req.method ?? ''} ${url}` } }));
				return;
			}
			let body: ChatRequest;
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
			} catch {
				res.writeHead(400, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ error: { message: 'scripted model: body is not JSON' } }));
				return;
			}
			requests.push(body);
			const toolAnswers = body.messages.filter((m) => m.role === 'tool').map((m) => messageText(m.content));
			const offered = (body.tools ?? []).map((t) => t.function.name);
			const step = options.script()[toolAnswers.length];
			const tool = step?.toolName(offered);
			let message: Record<string, unknown>;
			let finish: string;
			if (step !== undefined && tool !== undefined) {
				const schema = body.tools?.find((t) => t.function.name === tool)?.function.parameters;
				const args = step.toolArguments(schema, toolAnswers);
				message = {
					role: 'assistant',
					content: null,
					tool_calls: [{ id: `call_e2e_${toolAnswers.length + 1}`, type: 'function', function: { name: tool, arguments: JSON.stringify(args) } }],
				};
				finish = 'tool_calls';
			} else {
				message = { role: 'assistant', content: options.finalAnswer };
				finish = 'stop';
			}
			if (body.stream === true) {
				res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
				res.end(streamChunks(message, finish));
			} else {
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify(completion(message, finish)));
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		otherRequests,
		close: async () =>
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
