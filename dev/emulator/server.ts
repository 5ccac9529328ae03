import { randomBytes } from 'crypto';
import { createServer } from 'http';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { handleAdmin } from './admin';
import { handleEventsAdmin } from './events';
import type { AdminTarget } from './admin';
import { feishuError, gatewayPage, PAGE_NOT_FOUND, rateLimited } from './answers';
import type { Answer } from './answers';
import {
	createAssessments,
	deleteAssessment,
	employeeSearch,
	gradeField,
	patchAssessment,
	probationSearch,
} from './endpoints';
import type { EndpointContext } from './endpoints';
import { editProbation, enableDisableAssessment, submitConversion, withdrawConversion } from './lifecycle';
import { FaultQueue, TOKEN_PATH } from './faults';
import { DEFAULT_GRADE_OPTIONS } from './labels';
import { RateLimiter, toRateLimit } from './rateLimit';
import { DEMO_SEED, EmulatorState, generatedSeed } from './state';
import type {
	AppConfig,
	AssessmentFeature,
	AssessmentRecord,
	EmployeeField,
	EmploymentRecord,
	Emulator,
	EmulatorCounters,
	EmulatorOptions,
	EndpointName,
	FaultSpec,
	GradeOptionConfig,
	ProbationRecord,
	RateLimitConfig,
	RequestLogEntry,
	SeedData,
} from './types';
import { isRecord } from './validation';
import { LONG_CONNECTION_ENDPOINT_PATH, LongConnectionEmulator } from './longConnection';

export const DEFAULT_APP: AppConfig = {
	appId: 'cli_a1b2c3d4e5f6a7b8',
	appSecret: 'emulator-app-secret-0123456789abcdef',
};

const ADMIN_PREFIX = '/__emulator/';
const LONG_CONNECTION_ADMIN_PREFIX = `${ADMIN_PREFIX}long-connection/`;
const ASSESSMENTS_PATH = '/open-apis/corehr/v2/probation/assessments';
export const PROBATION_SEARCH_PATH = '/open-apis/corehr/v2/probation/search';
export const EMPLOYEE_SEARCH_PATH = '/open-apis/corehr/v2/employees/search';
const GRADE_PATH = '/open-apis/corehr/v1/custom_fields/get_by_param';
const PROBATION_PATH = '/open-apis/corehr/v2/probation';
/** The POST endpoints under PROBATION_PATH besides search, by their last path segment. */
const PROBATION_ACTIONS: Readonly<Record<string, EndpointName>> = {
	submit: 'submit',
	withdraw: 'withdraw',
	edit: 'edit',
	enable_disable_assessment: 'enableDisableAssessment',
};
const MAX_BODY_BYTES = 1 << 20;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

interface RouteRule {
	/** The app needs any one of these. */
	scopes: string[];
	/** Which rate limit applies: writes (100/min on Feishu) or reads (1000/min). */
	write: boolean;
	/** 'json': the body must be JSON; 'optional': JSON when there is one (searches); 'none': no body read. */
	body: 'json' | 'optional' | 'none';
	/**
	 * A write whose client_token query makes a repeat answer as the first without applying again.
	 * Default: every write. Off where Feishu documents no client_token (edit, enable/disable).
	 */
	clientToken?: boolean;
	run: (c: EndpointContext, id: string) => Answer;
}

const WRITE_SCOPE = 'corehr:probation.assessment:write';
const PROBATION_WRITE_SCOPE = 'corehr:probation:write';
const ROUTE_RULES: Record<Exclude<EndpointName, 'token' | 'notFound'>, RouteRule> = {
	patch: { scopes: [WRITE_SCOPE], write: true, body: 'json', run: patchAssessment },
	delete: { scopes: [WRITE_SCOPE], write: true, body: 'none', run: deleteAssessment },
	create: { scopes: [WRITE_SCOPE], write: true, body: 'json', run: (c) => createAssessments(c) },
	probationSearch: {
		scopes: ['corehr:probation:read', 'corehr:probation:write'],
		write: false,
		body: 'optional',
		run: (c) => probationSearch(c),
	},
	// The scopes the docs name for employees/search. Feishu documents 100/min for this call (not
	// 1,000 like the other reads); here it shares the read limit, which tests set as they need.
	employeeSearch: {
		scopes: ['corehr:employee:read', 'corehr:employee:write'],
		write: false,
		body: 'optional',
		run: (c) => employeeSearch(c),
	},
	grades: {
		scopes: ['corehr:common_data.meta_data:read', 'corehr:corehr:readonly', 'corehr:corehr'],
		write: false,
		body: 'none',
		run: (c) => gradeField(c),
	},
	// Feishu documents 100/min for submit, withdraw and enable/disable; none for edit, counted as a write here.
	submit: { scopes: [PROBATION_WRITE_SCOPE], write: true, body: 'json', run: (c) => submitConversion(c) },
	withdraw: { scopes: [PROBATION_WRITE_SCOPE], write: true, body: 'json', run: (c) => withdrawConversion(c) },
	edit: { scopes: [PROBATION_WRITE_SCOPE], write: true, body: 'json', clientToken: false, run: (c) => editProbation(c) },
	enableDisableAssessment: {
		scopes: [WRITE_SCOPE],
		write: true,
		body: 'json',
		clientToken: false,
		run: (c) => enableDisableAssessment(c),
	},
};

const noCalls = (): Record<EndpointName, number> => ({
	token: 0,
	patch: 0,
	delete: 0,
	create: 0,
	probationSearch: 0,
	employeeSearch: 0,
	grades: 0,
	submit: 0,
	withdraw: 0,
	edit: 0,
	enableDisableAssessment: 0,
	notFound: 0,
});

interface Route {
	name: EndpointName;
	/** The assessment ID of a PATCH or DELETE path. */
	id?: string;
}

interface Ctx {
	route: Route;
	req: IncomingMessage;
	res: ServerResponse;
	method: string;
	path: string;
	query: URLSearchParams;
	rawBody: string;
	/** Parsed JSON; undefined when empty or not JSON. */
	body: unknown;
	/** The body was non-empty and did not parse as JSON. */
	badJson: boolean;
	isJsonType: boolean;
	/** Empty for admin calls, which get no X-Tt-Logid. */
	logId: string;
	entry?: RequestLogEntry;
}

interface TokenRecord {
	token: string;
	appId: string;
	expiresAt: number;
}

interface RuntimeConfig {
	tokenLifetimeSeconds: number;
	latencyMs: number;
	logRequests: boolean;
	hiddenEmployeeFields: EmployeeField[];
}

function route(method: string, path: string): Route {
	if (path === TOKEN_PATH) return { name: method === 'POST' ? 'token' : 'notFound' };
	if (path === ASSESSMENTS_PATH) return { name: method === 'POST' ? 'create' : 'notFound' };
	if (path.startsWith(`${ASSESSMENTS_PATH}/`)) {
		const id = safeDecode(path.slice(ASSESSMENTS_PATH.length + 1));
		if (id.length > 0 && !id.includes('/')) {
			if (method === 'PATCH') return { name: 'patch', id };
			if (method === 'DELETE') return { name: 'delete', id };
		}
		return { name: 'notFound' };
	}
	if (path === PROBATION_SEARCH_PATH && method === 'POST') return { name: 'probationSearch' };
	if (path === EMPLOYEE_SEARCH_PATH && method === 'POST') return { name: 'employeeSearch' };
	if (path === GRADE_PATH && method === 'GET') return { name: 'grades' };
	if (path.startsWith(`${PROBATION_PATH}/`) && method === 'POST') {
		const action = path.slice(PROBATION_PATH.length + 1);
		if (Object.prototype.hasOwnProperty.call(PROBATION_ACTIONS, action)) return { name: PROBATION_ACTIONS[action] };
	}
	return { name: 'notFound' };
}

function safeDecode(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}

class EmulatorServer implements AdminTarget {
	readonly state = new EmulatorState();
	readonly requests: RequestLogEntry[] = [];
	readonly faults: FaultQueue;
	readonly apps: readonly AppConfig[];
	readonly defaultApp: { appId: string; appSecret: string };
	/** Feishu's persistent connection: its endpoint and sockets live on this server too. */
	readonly longConnection: LongConnectionEmulator;
	url = '';
	port = 0;

	private server: Server;
	private seed: SeedData | number;
	private readonly grades: GradeOptionConfig[];
	private config: RuntimeConfig;
	private readonly writeLimiter: RateLimiter;
	private readonly readLimiter: RateLimiter;
	private tokens = new Map<string, TokenRecord>();
	private currentToken = new Map<string, TokenRecord>();
	private issued: string[] = [];
	/** Successful write answers by app + client_token, replayed without re-applying. */
	private idempotent = new Map<string, Answer>();
	private timers = new Set<NodeJS.Timeout>();
	private counts = { tokenExchanges: 0, rateLimited: 0, faultsInjected: 0, requests: 0 };
	private calls = noCalls();
	private seq = 0;
	private readonly logPrefix = randomBytes(4).toString('hex').toUpperCase();
	private readonly now: () => number;

	constructor(private readonly options: EmulatorOptions) {
		this.now = options.now ?? Date.now;
		this.apps = (options.apps && options.apps.length > 0 ? options.apps : [DEFAULT_APP]).map((a) => ({
			...a,
			missingScopes: [...(a.missingScopes ?? [])],
		}));
		this.defaultApp = { appId: this.apps[0].appId, appSecret: this.apps[0].appSecret };
		this.grades = (options.gradeOptions ?? DEFAULT_GRADE_OPTIONS).map((g) => ({ ...g }));
		this.seed = options.seed ?? DEMO_SEED;
		this.config = this.initialConfig();
		this.writeLimiter = new RateLimiter(toRateLimit(options.writeRateLimit));
		this.readLimiter = new RateLimiter(toRateLimit(options.readRateLimit));
		this.faults = new FaultQueue(() => this.expireAllTokens());
		this.loadSeed(this.seed);
		this.server = createServer((req, res) => this.onRequest(req, res));
		this.longConnection = new LongConnectionEmulator(
			() => this.apps,
			() => this.url,
		);
		this.server.on('upgrade', (req, socket, head) => this.longConnection.handleUpgrade(req, socket, head));
		// Keep-alive friendly: reuse sockets for a while, as Feishu's gateway does.
		this.server.keepAliveTimeout = 5_000;
	}

	private initialConfig(): RuntimeConfig {
		return {
			tokenLifetimeSeconds: this.options.tokenLifetimeSeconds ?? 7200,
			latencyMs: this.options.latencyMs ?? 0,
			logRequests: this.options.logRequests ?? true,
			hiddenEmployeeFields: [...(this.options.hiddenEmployeeFields ?? [])],
		};
	}

	private loadSeed(seed: SeedData | number): void {
		this.state.load(typeof seed === 'number' ? generatedSeed(seed, this.grades) : seed);
	}

	async listen(): Promise<void> {
		const host = this.options.host ?? '127.0.0.1';
		if (!LOOPBACK.has(host)) throw new Error(`the emulator listens on loopback only, not ${host}`);
		await new Promise<void>((resolve, reject) => {
			const onError = (err: Error): void => reject(err);
			this.server.once('error', onError);
			this.server.listen(this.options.port ?? 0, host, () => {
				this.server.off('error', onError);
				resolve();
			});
		});
		const address = this.server.address() as AddressInfo;
		this.port = address.port;
		const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
		this.url = `http://${shownHost}:${this.port}`;
	}

	// ---- public API --------------------------------------------------------------------------

	get assessments(): Map<string, AssessmentRecord> {
		return this.state.assessments;
	}

	get probations(): Map<string, ProbationRecord> {
		return this.state.probations;
	}

	get employments(): Map<string, EmploymentRecord> {
		return this.state.employments;
	}

	get tokenExchanges(): number {
		return this.counts.tokenExchanges;
	}

	get rateLimited(): number {
		return this.counts.rateLimited;
	}

	get faultsInjected(): number {
		return this.counts.faultsInjected;
	}

	counters(): EmulatorCounters {
		return { ...this.counts, calls: { ...this.calls }, applyCounts: Object.fromEntries(this.state.applyCounts) };
	}

	applyCount(id: string): number {
		return this.state.applyCounts.get(id) ?? 0;
	}

	get assessmentFeature(): AssessmentFeature {
		return { ...this.state.assessmentFeature };
	}

	issuedTokens(): string[] {
		return [...this.issued];
	}

	expireAllTokens(): number {
		const now = this.now();
		let n = 0;
		for (const t of this.tokens.values()) {
			if (t.expiresAt > now) n++;
			t.expiresAt = Math.min(t.expiresAt, now);
		}
		return n;
	}

	setWriteRateLimit(limit: RateLimitConfig | number | null): void {
		this.writeLimiter.set(toRateLimit(limit));
	}

	setReadRateLimit(limit: RateLimitConfig | number | null): void {
		this.readLimiter.set(toRateLimit(limit));
	}

	setTokenLifetime(seconds: number): void {
		this.config.tokenLifetimeSeconds = seconds;
	}

	setLatency(ms: number): void {
		this.config.latencyMs = ms;
	}

	setLogRequests(on: boolean): void {
		this.config.logRequests = on;
	}

	setHiddenEmployeeFields(fields: readonly EmployeeField[]): void {
		this.config.hiddenEmployeeFields = [...fields];
	}

	configView(): Record<string, unknown> {
		return {
			...this.config,
			writeRateLimit: this.writeLimiter.current,
			readRateLimit: this.readLimiter.current,
			apps: this.apps.map((a) => ({ appId: a.appId, missingScopes: a.missingScopes })),
		};
	}

	seedAssessments(n: number): string[] {
		return this.state.seedAssessments(n);
	}

	gradeOptions(): GradeOptionConfig[] {
		return this.grades.map((g) => ({ ...g }));
	}

	reset(seed?: SeedData | number): void {
		if (seed !== undefined) {
			try {
				this.loadSeed(seed);
			} catch (err) {
				this.loadSeed(this.seed);
				throw err;
			}
			this.seed = seed;
		} else {
			this.loadSeed(this.seed);
		}
		this.requests.length = 0;
		this.counts = { tokenExchanges: 0, rateLimited: 0, faultsInjected: 0, requests: 0 };
		this.calls = noCalls();
		this.faults.clear();
		this.tokens.clear();
		this.currentToken.clear();
		this.issued = [];
		this.idempotent.clear();
		this.config = this.initialConfig();
		this.longConnection.reset();
		this.writeLimiter.set(toRateLimit(this.options.writeRateLimit));
		this.readLimiter.set(toRateLimit(this.options.readRateLimit));
	}

	async close(): Promise<void> {
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		await this.longConnection.close();
		if (!this.server.listening) return;
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			// Idle keep-alive sockets and held (slow) requests would keep close() waiting.
			this.server.closeAllConnections();
		});
	}

	// ---- plumbing ------------------------------------------------------------------------------

	private later(ms: number, fn: () => void): void {
		if (ms <= 0) {
			fn();
			return;
		}
		const t = setTimeout(() => {
			this.timers.delete(t);
			fn();
		}, ms);
		this.timers.add(t);
	}

	private newLogId(): string {
		// Feishu log IDs: a timestamp followed by hex; unique per request.
		const d = new Date();
		const stamp =
			`${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
			`${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
		return `${stamp}${this.logPrefix}${(++this.seq).toString(16).toUpperCase().padStart(12, '0')}`;
	}

	private onRequest(req: IncomingMessage, res: ServerResponse): void {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		req.on('end', () => {
			try {
				this.dispatch(req, res, size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8'));
			} catch (err) {
				// A bug in the emulator must show up as a clear 500, not a hung test.
				if (!res.headersSent) {
					res.writeHead(500, { 'Content-Type': 'text/plain' });
					res.end(`emulator error: ${err instanceof Error ? err.stack : String(err)}`);
				}
			}
		});
	}

	private dispatch(req: IncomingMessage, res: ServerResponse, rawBody: string | null): void {
		const url = new URL(req.url ?? '/', 'http://emulator.local');
		const method = (req.method ?? 'GET').toUpperCase();
		const path = url.pathname;
		let body: unknown;
		let badJson = false;
		if (rawBody && rawBody.trim() !== '') {
			try {
				body = JSON.parse(rawBody);
			} catch {
				badJson = true;
			}
		}
		const ctx: Ctx = {
			route: route(method, path),
			req,
			res,
			method,
			path,
			query: url.searchParams,
			rawBody: rawBody ?? '',
			body,
			badJson,
			isJsonType: String(req.headers['content-type'] ?? '').toLowerCase().includes('application/json'),
			logId: '',
		};
		if (path.startsWith(LONG_CONNECTION_ADMIN_PREFIX)) {
			this.send(ctx, this.longConnection.admin(method, path.slice(LONG_CONNECTION_ADMIN_PREFIX.length), body));
			return;
		}
		if (path === LONG_CONNECTION_ENDPOINT_PATH) {
			// Not in the API request log: its body holds the App Secret, and it is no CoreHR call.
			this.send(ctx, this.longConnection.endpoint(method, body, req.headers));
			return;
		}
		if (method === 'POST' && path === `${ADMIN_PREFIX}events`) {
			// Pushes an event to a webhook: the one admin call that waits on another server.
			void handleEventsAdmin(this, badJson ? undefined : body).then((answer) => this.send(ctx, answer));
			return;
		}
		if (path.startsWith(ADMIN_PREFIX)) {
			this.send(ctx, handleAdmin(this, method, path.slice(ADMIN_PREFIX.length), url.searchParams, body, badJson));
			return;
		}
		ctx.logId = this.newLogId();
		this.counts.requests++;
		this.calls[ctx.route.name]++;
		if (this.config.logRequests) {
			ctx.entry = {
				seq: this.counts.requests,
				endpoint: ctx.route.name,
				time: this.now(),
				method,
				path,
				query: Object.fromEntries(url.searchParams),
				headers: req.headers,
				body: badJson ? rawBody : body,
				status: null,
				responseBody: undefined,
				logId: ctx.logId,
			};
			this.requests.push(ctx.entry);
		}
		if (rawBody === null) {
			this.answer(ctx, feishuError(ctx.logId, 413, 9499, 'Bad Request: request body too large'));
			return;
		}

		const fault = this.faults.take(method, path);
		if (!fault) {
			this.answer(ctx, this.handle(ctx));
			return;
		}
		this.counts.faultsInjected++;
		if (ctx.entry) ctx.entry.fault = fault.kind;
		this.injectFault(ctx, fault);
	}

	private injectFault(ctx: Ctx, fault: FaultSpec): void {
		switch (fault.kind) {
			case 'serverError':
				this.answer(
					ctx,
					feishuError(ctx.logId, fault.status ?? 500, fault.code ?? 1160997, 'internal error, please retry later'),
				);
				return;
			case 'gatewayError':
				this.answer(ctx, gatewayPage(fault.status ?? 502));
				return;
			case 'expireTokens':
				// Never chosen to answer (FaultQueue.take fires it on the side); handled as usual if it were.
				this.answer(ctx, this.handle(ctx));
				return;
			case 'rateLimitBurst': {
				this.counts.rateLimited++;
				// Report the limit of the class of call hit: Feishu documents 100/min for writes, 1000/min for reads.
				const name = ctx.route.name;
				const isRead = name !== 'token' && name !== 'notFound' && !ROUTE_RULES[name].write;
				const limit = isRead
					? (this.readLimiter.current?.limit ?? 1000)
					: (this.writeLimiter.current?.limit ?? 100);
				this.answer(ctx, rateLimited(ctx.logId, limit, (fault.resetSeconds ?? 1) * 1000));
				return;
			}
			case 'respondWith':
				this.answer(ctx, {
					status: fault.status ?? 200,
					body: fault.body ?? {},
					headers: fault.headers,
					contentType: typeof fault.body === 'string' ? 'text/plain; charset=utf-8' : undefined,
				});
				return;
			case 'dropConnection':
				// afterApply: the write lands but the client never hears, so its retry must be
				// recognised by client_token.
				if (fault.afterApply) this.handle(ctx);
				ctx.req.socket.destroy();
				return;
			case 'slowResponse': {
				const delay = fault.delayMs ?? 0;
				if (fault.afterApply) {
					const answer = this.handle(ctx);
					this.later(delay, () => this.answer(ctx, answer));
				} else {
					this.later(delay, () => this.answer(ctx, this.handle(ctx)));
				}
				return;
			}
		}
	}

	/** Log and send an API answer, after the configured latency. */
	private answer(ctx: Ctx, answer: Answer): void {
		if (ctx.entry) {
			ctx.entry.status = answer.status;
			ctx.entry.responseBody = answer.body;
			if (answer.deduplicated) ctx.entry.deduplicated = true;
		}
		this.later(this.config.latencyMs, () => this.send(ctx, answer));
	}

	private send(ctx: Ctx, answer: Answer): void {
		const { res } = ctx;
		if (res.writableEnded || res.destroyed) return;
		const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
		const headers: Record<string, string | number> = {
			'Content-Type': answer.contentType ?? 'application/json; charset=utf-8',
			'Content-Length': Buffer.byteLength(text),
			...answer.headers,
		};
		if (ctx.logId) headers['X-Tt-Logid'] = ctx.logId;
		res.writeHead(answer.status, headers);
		res.end(text);
	}

	// ---- the API pipeline: route → token | auth → scope → rate limit → body type → client_token → endpoint

	private handle(ctx: Ctx): Answer {
		const r = ctx.route;
		if (r.name === 'notFound') return PAGE_NOT_FOUND;
		if (r.name === 'token') return this.token(ctx);
		const rules = ROUTE_RULES[r.name];

		const app = this.authenticate(ctx);
		if ('status' in app) return app;

		const missing = app.missingScopes ?? [];
		if (rules.scopes.every((s) => missing.includes(s))) return this.scopeError(ctx, app, rules.scopes);

		const limiter = rules.write ? this.writeLimiter : this.readLimiter;
		const waitMs = limiter.take(app.appId, this.now());
		if (waitMs > 0) {
			this.counts.rateLimited++;
			return rateLimited(ctx.logId, limiter.current?.limit ?? 0, waitMs);
		}

		const hasBody = ctx.rawBody.trim() !== '';
		const needsJson = rules.body === 'json' || (rules.body === 'optional' && hasBody);
		if (needsJson && !ctx.isJsonType) {
			return feishuError(ctx.logId, 400, 9499, 'Bad Request: Content-Type must be application/json; charset=utf-8');
		}
		if (needsJson && ctx.badJson) {
			return feishuError(ctx.logId, 400, 9499, 'Bad Request: the request body is not valid JSON');
		}

		const clientToken = rules.write && rules.clientToken !== false ? ctx.query.get('client_token') : null;
		// Feishu: the same token means the same request, whatever the method or path.
		const key = clientToken ? `${app.appId}\n${clientToken}` : '';
		const previous = key ? this.idempotent.get(key) : undefined;
		// Same client_token = same request: answer as the first time, apply nothing.
		if (previous) return { ...previous, deduplicated: true };

		const ec: EndpointContext = {
			logId: ctx.logId,
			query: ctx.query,
			body: ctx.body,
			app,
			state: this.state,
			grades: this.grades,
			hiddenEmployeeFields: new Set(this.config.hiddenEmployeeFields),
			today: new Date(this.now()).toISOString().slice(0, 10),
		};
		const answer = rules.run(ec, r.id ?? '');
		if (key && answer.status === 200) this.idempotent.set(key, answer);
		return answer;
	}

	private token(ctx: Ctx): Answer {
		if (!ctx.isJsonType || ctx.badJson || !isRecord(ctx.body)) {
			return feishuError(ctx.logId, 400, 10003, 'invalid param: the body must be JSON {"app_id","app_secret"}');
		}
		const { app_id: appId, app_secret: appSecret } = ctx.body;
		const app = typeof appId === 'string' ? this.apps.find((a) => a.appId === appId) : undefined;
		if (!app || typeof appSecret !== 'string' || appSecret === '') {
			return feishuError(ctx.logId, 400, 10003, 'invalid param');
		}
		if (app.appSecret !== appSecret) return feishuError(ctx.logId, 400, 10014, 'app secret invalid');

		this.counts.tokenExchanges++;
		const now = this.now();
		const lifetimeMs = this.config.tokenLifetimeSeconds * 1000;
		let current = this.currentToken.get(app.appId);
		// Feishu hands back the same token while more than a quarter of its life (30 of 120 min)
		// remains; after that a new one, and the old one stays valid until its own expiry.
		if (!current || current.expiresAt - now <= lifetimeMs / 4) {
			current = {
				token: `t-${randomBytes(16).toString('hex')}`,
				appId: app.appId,
				expiresAt: now + lifetimeMs,
			};
			this.tokens.set(current.token, current);
			this.currentToken.set(app.appId, current);
			this.issued.push(current.token);
		}
		return {
			status: 200,
			body: {
				code: 0,
				msg: 'ok',
				tenant_access_token: current.token,
				expire: Math.max(0, Math.floor((current.expiresAt - now) / 1000)),
			},
		};
	}

	/** The app behind the Authorization header, or the error answer. Feishu says 400 here, never 401. */
	private authenticate(ctx: Ctx): AppConfig | Answer {
		const header = ctx.req.headers.authorization;
		const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
		const invalidToken = 'Invalid access token for authorization. Please make a request with token attached.';
		if (!match) {
			return feishuError(
				ctx.logId,
				400,
				99991661,
				'Missing access token for authorization. Please make a request with token attached.',
			);
		}
		const token = match[1];
		if (!token.startsWith('t-') && !token.startsWith('u-')) {
			return feishuError(ctx.logId, 400, 99991671, 'Invalid access token format: it must start with "t-" or "u-".');
		}
		const record = this.tokens.get(token);
		const live = record !== undefined && record.expiresAt > this.now();
		const app = live ? this.apps.find((a) => a.appId === record.appId) : undefined;
		return app ?? feishuError(ctx.logId, 400, 99991663, invalidToken);
	}

	private scopeError(ctx: Ctx, app: AppConfig, scopes: string[]): Answer {
		const list = scopes.join(', ');
		const url =
			`https://open.feishu.cn/app/${app.appId}/auth?q=${encodeURIComponent(scopes.join(','))}` +
			'&op_from=openapi&token_type=tenant';
		return feishuError(
			ctx.logId,
			400,
			99991672,
			`Access denied. One of the following scopes is required: [${list}].` +
				`应用尚未开通所需的应用身份权限：[${list}]，点击链接申请并开通任一权限即可：${url}`,
			{
				permission_violations: scopes.map((scope) => ({
					type: 'action_scope_required',
					subject: scope,
					scope,
					url,
				})),
			},
		);
	}
}

function pad(n: number): string {
	return n < 10 ? `0${n}` : String(n);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const emulator = new EmulatorServer(options);
	await emulator.listen();
	return emulator;
}
