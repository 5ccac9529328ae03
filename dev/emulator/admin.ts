import type { Answer } from './answers';
import type { FaultQueue } from './faults';
import { EMPLOYEE_FIELDS } from './types';
import type { EmployeeField, Emulator, RateLimitConfig, SeedData } from './types';
import { isRecord } from './validation';

/** What the admin API needs from the running emulator. */
export interface AdminTarget extends Omit<Emulator, 'faults' | 'expireAllTokens'> {
	readonly faults: FaultQueue;
	/** Returns how many live tokens were expired. */
	expireAllTokens(): number;
	configView(): Record<string, unknown>;
	setLogRequests(on: boolean): void;
}

const ok = (extra: Record<string, unknown> = {}): Answer => ({ status: 200, body: { ok: true, ...extra } });
const bad = (error: string): Answer => ({ status: 400, body: { ok: false, error } });

function isEmployeeFieldList(v: unknown): v is EmployeeField[] {
	return Array.isArray(v) && v.every((f) => (EMPLOYEE_FIELDS as readonly unknown[]).includes(f));
}

function isRateLimit(v: unknown): v is RateLimitConfig | number | null {
	return (
		v === null ||
		typeof v === 'number' ||
		(isRecord(v) && typeof v.limit === 'number' && typeof v.windowMs === 'number')
	);
}

/**
 * `/__emulator/<name>`: controls for other processes (demo, e2e runs). No auth, no faults, not logged.
 *   GET  state               assessments, probations (omit with ?probations=0), employments (?employments=0),
 *                            assessmentFeature, counters (calls per endpoint included), tokens, faults, config
 *   GET  requests?since=N    request log entries with seq > N (each names its `endpoint`)
 *   POST reset               {seed?: SeedData | number}
 *   GET  faults / POST faults  FaultControls as JSON, see FaultQueue.applyJson
 *   POST config              {tokenLifetimeSeconds?, writeRateLimit?, readRateLimit?, latencyMs?, logRequests?,
 *                             hiddenEmployeeFields?: EmployeeField[]}  ([] shows every field again)
 *   POST expire-tokens
 *   POST seed-assessments    {n}
 */
export function handleAdmin(
	t: AdminTarget,
	method: string,
	name: string,
	query: URLSearchParams,
	body: unknown,
	badJson: boolean,
): Answer {
	if (method === 'POST' && (badJson || (body !== undefined && !isRecord(body) && name !== 'faults'))) {
		return bad('body must be a JSON object');
	}
	const b = isRecord(body) ? body : {};
	const key = `${method} ${name}`;
	switch (key) {
		case 'GET state':
			return ok({
				url: t.url,
				defaultApp: t.defaultApp,
				assessments: [...t.assessments.values()],
				probations: query.get('probations') === '0' ? undefined : [...t.probations.values()],
				employments: query.get('employments') === '0' ? undefined : [...t.employments.values()],
				assessmentFeature: t.assessmentFeature,
				counters: t.counters(),
				issuedTokens: t.issuedTokens(),
				faults: t.faults.pending(),
				config: t.configView(),
			});
		case 'GET requests': {
			const since = Number(query.get('since') ?? '0') || 0;
			return ok({ requests: t.requests.filter((r) => r.seq > since) });
		}
		case 'POST reset': {
			const seed = b.seed;
			if (seed !== undefined && typeof seed !== 'number' && !(isRecord(seed) && Array.isArray(seed.employments))) {
				return bad('seed must be a number or {employments: [...]}');
			}
			try {
				t.reset(seed as SeedData | number | undefined);
			} catch (err) {
				return bad(err instanceof Error ? err.message : String(err));
			}
			return ok({ assessmentIds: [...t.assessments.keys()] });
		}
		case 'GET faults':
			return ok({ faults: t.faults.pending() });
		case 'POST faults': {
			const problem = t.faults.applyJson(body ?? {});
			return problem ? bad(problem) : ok({ faults: t.faults.pending() });
		}
		case 'POST config': {
			const { tokenLifetimeSeconds, writeRateLimit, readRateLimit, latencyMs, logRequests, hiddenEmployeeFields } = b;
			if (tokenLifetimeSeconds !== undefined && typeof tokenLifetimeSeconds !== 'number') {
				return bad('tokenLifetimeSeconds must be a number');
			}
			if (hiddenEmployeeFields !== undefined && !isEmployeeFieldList(hiddenEmployeeFields)) {
				return bad(`hiddenEmployeeFields must be an array of ${EMPLOYEE_FIELDS.join(', ')}`);
			}
			for (const [field, v] of [
				['writeRateLimit', writeRateLimit],
				['readRateLimit', readRateLimit],
			] as const) {
				if (v !== undefined && !isRateLimit(v)) {
					return bad(`${field} must be null, a number per minute, or {limit, windowMs}`);
				}
			}
			if (typeof tokenLifetimeSeconds === 'number') t.setTokenLifetime(tokenLifetimeSeconds);
			if (isRateLimit(writeRateLimit)) t.setWriteRateLimit(writeRateLimit);
			if (isRateLimit(readRateLimit)) t.setReadRateLimit(readRateLimit);
			if (typeof latencyMs === 'number') t.setLatency(latencyMs);
			if (typeof logRequests === 'boolean') t.setLogRequests(logRequests);
			if (isEmployeeFieldList(hiddenEmployeeFields)) t.setHiddenEmployeeFields(hiddenEmployeeFields);
			return ok({ config: t.configView() });
		}
		case 'POST expire-tokens':
			return ok({ expired: t.expireAllTokens() });
		case 'POST seed-assessments': {
			const n = typeof b.n === 'number' ? Math.floor(b.n) : 1;
			return ok({ assessmentIds: t.seedAssessments(n) });
		}
		default:
			return { status: 404, body: { ok: false, error: `unknown admin call ${key}` } };
	}
}
