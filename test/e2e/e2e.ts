/**
 * End-to-end: the built package inside a real n8n, on every version under test (N8N_VERSIONS, or
 * N8N_E2E_VERSIONS=1.123.0,2.41.0), against the Feishu emulator on loopback. It imports and runs
 * the example workflows of examples/ (adapted only where a headless run needs it, see examples.ts)
 * and checks what a user would see: the emulator's records, the run's output, the exit code.
 *
 *   npm run build && npx tsx test/e2e/e2e.ts        (npm run test:e2e)
 *
 * Scenarios per version:
 *   spreadsheet      examples/assessments.csv (30 rows, 6 bad) → Feishu CoreHR, On Error: Continue
 *   failed rows      the same rows through the error output into failed-assessments.csv
 *   form + grades    the manager's form (answers given by a Set node), grade given by label
 *   token expiry     three runs; the emulator expires every token between the first two
 *   bad credentials  wrong App Secret: non-zero exit, readable error, no secret in the output
 *   import           all four examples import (2.x also checks their structure on import)
 *   community pkg    `npm pack` → installed like Settings → Community nodes; the spreadsheet
 *                    example runs with its published node type
 *   AI agent tool    the AI-agent example with its published tool type, the chat model answered by a
 *                    scripted OpenAI-compatible server on loopback (scriptedChatModel.ts): the
 *                    model's tool call writes the assessment; a mangled ID is refused and explained
 * Ends with `e2e: N passed, M failed`; exit code 1 when anything failed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { startEmulator } from '../emulator';
import type { AssessmentRecord, Emulator, RequestLogEntry } from '../emulator/types';
import {
	CUSTOM_TYPE_PREFIX,
	EXAMPLE_CSV,
	EXAMPLE_SEED,
	PACKAGE_TYPE_PREFIX,
	emulatorCredential,
	loadAllExamples,
	parseCsv,
	withChatMessage,
	withCredential,
	withFilesDir,
	withFormAnswers,
	withId,
	withNodeCredential,
	withTypePrefix,
	type ExampleWorkflow,
} from './examples';
import {
	ensureN8n,
	N8nInstance,
	n8nVersionsUnderTest,
	nodeOutput,
	packPackage,
	readCredentialData,
	REPO_ROOT,
	summarizeRun,
	type CommandResult,
	type ExecuteResult,
	type JsonObject,
	type N8nInstall,
} from './n8n';
import { startScriptedChatModel, type ChatRequest } from './scriptedChatModel';

// ---------------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------------

class Scenario {
	readonly failures: string[] = [];
	readonly notes: string[] = [];
	constructor(readonly name: string) {}

	check(cond: boolean, what: string, detail?: () => string): boolean {
		if (cond) this.notes.push(`ok   ${what}`);
		else this.failures.push(`FAIL ${what}${detail ? `\n${indent(detail(), 8)}` : ''}`);
		return cond;
	}
}

const results: Array<{ version: string; scenario: string; passed: boolean }> = [];

function indent(text: string, n: number): string {
	const pad = ' '.repeat(n);
	return String(text)
		.split('\n')
		.map((l) => pad + l)
		.join('\n');
}

async function scenario(version: string, name: string, body: (s: Scenario) => Promise<void>): Promise<void> {
	const s = new Scenario(name);
	const t0 = Date.now();
	console.log(`\n  -- ${name}`);
	try {
		await body(s);
	} catch (error) {
		s.failures.push(`FAIL threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	}
	for (const line of [...s.notes, ...s.failures]) console.log(indent(line, 6));
	const passed = s.failures.length === 0;
	results.push({ version, scenario: name, passed });
	console.log(`  ${passed ? 'PASS' : 'FAIL'} [n8n ${version}] ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

async function timed<T extends CommandResult | object>(label: string, fn: () => Promise<T> | T): Promise<T> {
	const t0 = Date.now();
	const value = await fn();
	const exit = 'exitCode' in value ? `, exit ${(value as CommandResult).exitCode}` : '';
	console.log(`     ran ${label} (${((Date.now() - t0) / 1000).toFixed(1)} s${exit})`);
	return value;
}

function dump(res: CommandResult): string {
	return `exit ${res.exitCode}\n--- stdout (tail)\n${res.stdout.slice(-2500)}\n--- stderr (tail)\n${res.stderr.slice(-2500)}`;
}

// ---------------------------------------------------------------------------------------------
// What the sample spreadsheet should do (examples/assessments.csv against seed 20)
// ---------------------------------------------------------------------------------------------

/** The spreadsheet's words → Feishu's wire values, as a user means them. */
const STATUS: Record<string, string> = {
	Completed: 'completed',
	已完成: 'completed',
	'In progress': 'in_process',
	'Not started': 'not_started',
};
const FINAL: Record<string, boolean> = { TRUE: true, FALSE: false };
const RESULT: Record<string, string> = {
	Pass: 'approved',
	Approved: 'approved',
	通过: 'approved',
	Rejected: 'rejected',
	不通过: 'rejected',
};
const GRADE: Record<string, string> = {
	A: 'grade_a',
	B: 'grade_b',
	C: 'grade_c',
	D: 'grade_d',
	优秀: 'grade_a',
	不合格: 'grade_d',
	grade_b: 'grade_b',
};

/** The deliberately bad rows (1-based data row), and what their error must say. */
const BAD_ROWS: Array<{ row: number; why: string; error: RegExp; sent: boolean }> = [
	{ row: 20, why: 'ID in scientific notation', error: /Assessment ID "7\.14096E\+18".*scientific notation/, sent: false },
	{ row: 23, why: 'link without http(s)', error: /Assessment Detail Link "hr\.example\.com\/probation\/reviews\/1023"/, sent: false },
	{ row: 27, why: 'score "85分" is not a number', error: /Assessment Score "85分"/, sent: false },
	{ row: 28, why: 'status "Passed" does not exist', error: /Assessment Status "Passed"/, sent: false },
	{ row: 29, why: 'ID rounded by a spreadsheet (unknown to Feishu)', error: /1162010/, sent: true },
	{ row: 30, why: 'empty ID', error: /Assessment ID .*required/, sent: false },
];

interface ExpectedWrite {
	row: number;
	id: string;
	/** the PATCH body the row must produce */
	body: Record<string, unknown>;
}

function expectedWrites(rows: Array<Record<string, string>>): ExpectedWrite[] {
	const bad = new Set(BAD_ROWS.map((b) => b.row));
	const out: ExpectedWrite[] = [];
	rows.forEach((r, i) => {
		const row = i + 1;
		if (bad.has(row)) return;
		const body: Record<string, unknown> = {
			assessment_status: STATUS[r.status],
			is_final_asssessment: FINAL[r.final],
		};
		if (r.result) body.assessment_result = RESULT[r.result];
		if (r.score) body.assessment_score = Number(r.score);
		if (r.grade) body.assessment_grade = GRADE[r.grade];
		if (r.comment) body.assessment_comment = r.comment;
		if (r.detail_link) body.assessment_detail = r.detail_link;
		for (const [k, v] of Object.entries(body)) {
			if (v === undefined || Number.isNaN(v)) throw new Error(`e2e table has no mapping for row ${row} ${k}: ${JSON.stringify(r)}`);
		}
		out.push({ row, id: r.assessment_id, body });
	});
	return out;
}

const SAMPLE_ROWS = parseCsv(fs.readFileSync(EXAMPLE_CSV, 'utf8'));
const EXPECTED = expectedWrites(SAMPLE_ROWS);

// ---------------------------------------------------------------------------------------------
// Emulator helpers
// ---------------------------------------------------------------------------------------------

const GRADE_PATH = '/open-apis/corehr/v1/custom_fields/get_by_param';
const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
const ASSESSMENT_PATH = '/open-apis/corehr/v2/probation/assessments/';

function snapshot(emulator: Emulator): Map<string, AssessmentRecord> {
	return new Map([...emulator.assessments].map(([id, a]) => [id, { ...a }]));
}

function code(entry: RequestLogEntry): unknown {
	return (entry.responseBody as { code?: unknown } | undefined)?.code;
}

function patches(requests: RequestLogEntry[]): RequestLogEntry[] {
	return requests.filter((r) => r.method === 'PATCH' && r.path.startsWith(ASSESSMENT_PATH));
}

function sameJson(a: unknown, b: unknown): boolean {
	const sort = (v: unknown): unknown =>
		Array.isArray(v)
			? v.map(sort)
			: v && typeof v === 'object'
				? Object.fromEntries(Object.entries(v as JsonObject).sort(([x], [y]) => x.localeCompare(y)).map(([k, x]) => [k, sort(x)]))
				: v;
	return JSON.stringify(sort(a)) === JSON.stringify(sort(b));
}

/** Assessments whose record differs from `before` (or that were written at all). */
function changedIds(emulator: Emulator, before: Map<string, AssessmentRecord>): string[] {
	return [...emulator.assessments.values()]
		.filter((a) => emulator.applyCount(a.assessment_id) > 0 || !sameJson(a, before.get(a.assessment_id)))
		.map((a) => a.assessment_id);
}

// ---------------------------------------------------------------------------------------------
// One n8n version
// ---------------------------------------------------------------------------------------------

const APP_SECRET_WRONG = 'wrong-secret-for-e2e-9f8e7d6c5b4a';
const TOKEN_CREDENTIAL = { id: 'feishuTokenCred', name: 'Feishu CoreHR (token expiry test)' };
const BAD_CREDENTIAL = { id: 'feishuBadSecret', name: 'Feishu CoreHR (wrong App Secret)' };
const SCRIPTED_MODEL_CREDENTIAL = { id: 'openAiScripted', name: 'OpenAI (scripted e2e model on loopback)' };
const AGENT_MESSAGE = "Mark Zhang San's final probation assessment (ID 7140964208476371331) as passed with grade A";

const FORM_ANSWERS = {
	'Assessment ID': '7140964208476371331',
	Status: 'Completed',
	'Final assessment?': 'Yes',
	Result: 'Approved',
	Score: '91.5',
	Grade: 'A',
	Comment: 'Passed with distinction — 表现优秀, confirmed by the manager',
};
const FORM_EXPECTED = {
	assessment_status: 'completed',
	is_final_asssessment: true,
	assessment_result: 'approved',
	assessment_score: 91.5,
	assessment_grade: 'grade_a',
	assessment_comment: FORM_ANSWERS.Comment,
};

/** A throwaway n8n with its own HOME, so n8n 2.x's default allowed folder ~/.n8n-files is ours. */
class Sandbox {
	readonly workDir: string;
	readonly filesDir: string;
	readonly n8n: N8nInstance;

	constructor(install: N8nInstall, extension: boolean) {
		this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), `feishu-e2e-${install.version}-`));
		const home = path.join(this.workDir, 'home');
		this.filesDir = path.join(home, '.n8n-files');
		fs.mkdirSync(this.filesDir, { recursive: true });
		fs.copyFileSync(EXAMPLE_CSV, path.join(this.filesDir, 'assessments.csv'));
		this.n8n = new N8nInstance(install, {
			...(extension ? { extensionPackages: [REPO_ROOT] } : {}),
			baseDir: this.workDir,
			// No N8N_RESTRICT_FILE_ACCESS_TO: the defaults are what is tested (2.x: ~/.n8n-files only).
			env: { HOME: home },
		});
	}

	adapt(wf: ExampleWorkflow, typePrefix: string): ExampleWorkflow {
		return withFilesDir(typePrefix === PACKAGE_TYPE_PREFIX ? wf : withTypePrefix(wf, typePrefix), this.filesDir);
	}

	cleanup(): void {
		this.n8n.cleanup();
		if (process.env.N8N_E2E_KEEP === '1') return;
		fs.rmSync(this.workDir, { recursive: true, force: true });
	}
}

function secretsIn(res: CommandResult, emulator: Emulator, tokens: string[]): string[] {
	const text = `${res.stdout}\n${res.stderr}`;
	const secrets = [
		['the App Secret', emulator.defaultApp.appSecret],
		['the wrong App Secret', APP_SECRET_WRONG],
		...tokens.map((t, i) => [`tenant token #${i + 1}`, t]),
	];
	return secrets.filter(([, value]) => value !== '' && text.includes(value)).map(([what]) => what);
}

function checkNoSecrets(s: Scenario, res: CommandResult, emulator: Emulator): void {
	const leaked = secretsIn(res, emulator, emulator.issuedTokens());
	s.check(leaked.length === 0, 'no App Secret or tenant token in the output', () => `found: ${leaked.join(', ')}`);
}

/** The spreadsheet run's effects, shared by the custom-extension and the community-package runs. */
function checkSpreadsheetRun(s: Scenario, res: ExecuteResult, emulator: Emulator, before: Map<string, AssessmentRecord>, nodeName: string): void {
	s.check(res.exitCode === 0, 'exits 0 although 6 rows are bad (On Error: Continue)', () => dump(res));
	checkNoSecrets(s, res, emulator);

	const out = nodeOutput(res.run, nodeName);
	s.check(out.length === SAMPLE_ROWS.length, `one output item per row (${out.length}/${SAMPLE_ROWS.length})`);
	const wrongItems = EXPECTED.filter((e) => out[e.row - 1]?.updated !== true || out[e.row - 1]?.assessmentId !== e.id);
	s.check(wrongItems.length === 0, `${EXPECTED.length} good rows come out as updated, each with its own 19-digit ID`, () =>
		wrongItems.map((e) => `row ${e.row}: ${JSON.stringify(out[e.row - 1])}`).join('\n'),
	);
	for (const bad of BAD_ROWS) {
		const item = out[bad.row - 1];
		const message = typeof item?.error === 'string' ? item.error : '';
		const id = SAMPLE_ROWS[bad.row - 1]?.assessment_id ?? '';
		const patched = emulator.requests.some((r) => r.method === 'PATCH' && id !== '' && r.path === ASSESSMENT_PATH + id);
		s.check(
			bad.error.test(message) && message.includes(`Item ${bad.row} `) && patched === bad.sent,
			`row ${bad.row} (${bad.why}) ${bad.sent ? 'sent, refused by Feishu' : 'not sent'}: ${message.slice(0, 90)}…`,
			() => `${JSON.stringify(item)}\nPATCH for ${id}: ${String(patched)}`,
		);
	}

	// Feishu's side: exactly the good rows written, once each, with the row's values.
	const sent = patches(emulator.requests);
	const expectedPaths = [...EXPECTED.map((e) => e.id), '7140964208476590000'].map((id) => ASSESSMENT_PATH + id).sort();
	s.check(
		sameJson(sent.map((r) => r.path).sort(), expectedPaths),
		`PATCH sent for the ${EXPECTED.length} good rows and the unknown ID only (${sent.length} requests)`,
		() => sent.map((r) => r.path).join('\n'),
	);
	const badBodies = EXPECTED.filter((e) => {
		const req = sent.find((r) => r.path === ASSESSMENT_PATH + e.id);
		return !req || !sameJson(req.body, e.body);
	});
	s.check(badBodies.length === 0, 'each PATCH body holds exactly the row\'s fields (labels → API values, empty cells left out)', () =>
		badBodies
			.map((e) => `row ${e.row}: sent ${JSON.stringify(sent.find((r) => r.path === ASSESSMENT_PATH + e.id)?.body)}\n  want ${JSON.stringify(e.body)}`)
			.join('\n'),
	);
	const changed = changedIds(emulator, before).sort();
	s.check(sameJson(changed, EXPECTED.map((e) => e.id).sort()), `exactly the ${EXPECTED.length} good rows' assessments changed`, () =>
		`changed: ${changed.join(', ')}`,
	);
	const wrongRecords = EXPECTED.filter((e) => {
		const rec = emulator.assessments.get(e.id);
		const seeded = before.get(e.id);
		if (!rec || !seeded || emulator.applyCount(e.id) !== 1) return true;
		return !sameJson({ ...rec, revision: 0 }, { ...seeded, ...e.body, revision: 0 });
	});
	s.check(wrongRecords.length === 0, 'each written once; the record = its seed + the row (nothing else touched)', () =>
		wrongRecords.map((e) => `row ${e.row}: ${JSON.stringify(emulator.assessments.get(e.id))} applied ${emulator.applyCount(e.id)}`).join('\n'),
	);
	const gradeCalls = emulator.requests.filter((r) => r.path === GRADE_PATH);
	s.check(
		gradeCalls.length === 1 && gradeCalls[0].status === 200 && gradeCalls[0].seq < (sent[0]?.seq ?? 0),
		'grade list fetched once (before the first write) to turn labels such as "A" and "优秀" into API names',
		() => JSON.stringify(gradeCalls.map((g) => [g.seq, g.status])),
	);
	s.check(emulator.tokenExchanges === 1, `one token exchange for the whole run (${emulator.tokenExchanges})`);
}

async function runVersion(version: string, tgz: string): Promise<void> {
	console.log(`\n== n8n ${version}`);
	const install = await timed(`ensureN8n ${version} (scripts/n8n/install.sh)`, () => ensureN8n(version));
	console.log(`     node ${install.nodeBin}\n     n8n  ${install.n8nBin}`);
	const emulator = await startEmulator({ seed: EXAMPLE_SEED, writeRateLimit: { limit: 100, windowMs: 60_000 } });
	const examples = loadAllExamples();
	const box = new Sandbox(install, true);
	const { n8n } = box;
	const t0 = Date.now();
	try {
		console.log(`     emulator ${emulator.url} (seed ${EXAMPLE_SEED}), N8N_CUSTOM_EXTENSIONS=${n8n.customExtensionDirs.join(';')}`);
		await timed('n8n import:credentials (3: example, token test, wrong secret)', () =>
			n8n.importCredentials([
				emulatorCredential(emulator.url, emulator.defaultApp),
				emulatorCredential(emulator.url, emulator.defaultApp, TOKEN_CREDENTIAL),
				emulatorCredential(emulator.url, { ...emulator.defaultApp, appSecret: APP_SECRET_WRONG }, BAD_CREDENTIAL),
			]),
		);
		const custom = (wf: ExampleWorkflow) => box.adapt(wf, CUSTOM_TYPE_PREFIX);
		const form = withFormAnswers(custom(examples.form), FORM_ANSWERS);
		const workflows = [
			custom(examples.spreadsheet),
			custom(examples.failedRows),
			form,
			withId(withCredential(form, TOKEN_CREDENTIAL), 'formTokenExpiry'),
			withId(withCredential(form, BAD_CREDENTIAL), 'formBadSecret'),
			custom(examples.aiAgent),
		];
		const imported = await timed(`n8n import:workflow (${workflows.length}: the 4 examples + 2 copies of the form)`, () =>
			n8n.importWorkflows(workflows),
		);

		await scenario(version, 'examples import (4 files + 2 form copies), AI agent included', async (s) => {
			s.check(imported.exitCode === 0 && /Successfully imported 6 workflows/.test(imported.stdout), 'import:workflow accepted all 6', () =>
				dump(imported),
			);
			const tool = examples.aiAgent.nodes.find((n) => n.type.endsWith('feishuCoreHrTool'));
			s.check(tool?.type === `${PACKAGE_TYPE_PREFIX}feishuCoreHrTool`, `the example uses the tool type ${String(tool?.type)}`);
		});

		await scenario(version, 'spreadsheet: 30 rows, 6 bad, On Error: Continue', async (s) => {
			emulator.reset();
			const before = snapshot(emulator);
			const res = await timed('n8n execute --id=feishuSheetToHr', () => n8n.execute(examples.spreadsheet.id));
			checkSpreadsheetRun(s, res, emulator, before, 'Update assessment in Feishu');
		});

		await scenario(version, 'failed rows: error output → failed-assessments.csv', async (s) => {
			emulator.reset();
			const before = snapshot(emulator);
			const report = path.join(box.filesDir, 'failed-assessments.csv');
			fs.rmSync(report, { force: true });
			const res = await timed('n8n execute --id=feishuFailedRows', () => n8n.execute(examples.failedRows.id));
			s.check(res.exitCode === 0, 'exits 0', () => dump(res));
			checkNoSecrets(s, res, emulator);
			s.check(nodeOutput(res.run, 'Update assessment in Feishu', 0, 0).length === EXPECTED.length, `${EXPECTED.length} items on the success output`);
			s.check(nodeOutput(res.run, 'Update assessment in Feishu', 0, 1).length === BAD_ROWS.length, `${BAD_ROWS.length} items on the error output`);
			s.check(sameJson(changedIds(emulator, before).sort(), EXPECTED.map((e) => e.id).sort()), 'only the good rows changed in Feishu');
			if (!s.check(fs.existsSync(report), `report written to ~/.n8n-files/failed-assessments.csv`)) return;
			const lines = parseCsv(fs.readFileSync(report, 'utf8'));
			s.check(lines.length === BAD_ROWS.length, `report has ${BAD_ROWS.length} rows (${lines.length})`, () => fs.readFileSync(report, 'utf8'));
			for (const bad of BAD_ROWS) {
				const source = SAMPLE_ROWS[bad.row - 1];
				const line = lines.find((l) => l.employee === source.employee && l.assessment_id === source.assessment_id);
				const same = line !== undefined && Object.keys(source).every((k) => line[k] === source[k]);
				s.check(same && bad.error.test(line?.error ?? ''), `report row for ${source.employee}: original columns + error`, () =>
					JSON.stringify(line),
				);
			}
		});

		await scenario(version, 'form answers → one assessment; grade given by label (grade options call)', async (s) => {
			emulator.reset();
			const before = snapshot(emulator);
			const res = await timed('n8n execute --id=feishuFormToHr', () => n8n.execute(examples.form.id));
			s.check(res.exitCode === 0, 'exits 0', () => dump(res));
			checkNoSecrets(s, res, emulator);
			const out = nodeOutput(res.run, 'Update assessment in Feishu');
			s.check(out.length === 1 && out[0].updated === true && out[0].assessmentGrade === 'grade_a', 'output: updated, grade_a', () =>
				JSON.stringify(out),
			);
			// The emulator's reset forgot the token n8n stored in the previous scenario: a refused
			// first call (99991663) followed by a refresh is expected and not counted.
			const grades = emulator.requests.filter((r) => r.path === GRADE_PATH && code(r) !== 99991663);
			s.check(
				grades.length === 1 &&
					grades[0].method === 'GET' &&
					grades[0].query.object_api_name === 'probation_management' &&
					grades[0].query.custom_api_name === 'final_assessment_grade' &&
					code(grades[0]) === 0,
				'the node called custom_fields/get_by_param (probation_management / final_assessment_grade) once',
				() => JSON.stringify(grades.map((g) => ({ method: g.method, query: g.query, status: g.status }))),
			);
			const sent = patches(emulator.requests);
			s.check(
				sent.length === 1 && sent[0].path === ASSESSMENT_PATH + FORM_ANSWERS['Assessment ID'] && sameJson(sent[0].body, FORM_EXPECTED),
				'one PATCH with the form\'s values; label "A" sent as its api_name grade_a, "Yes" as true, "91.5" as 91.5',
				() => JSON.stringify(sent.map((r) => [r.path, r.body])),
			);
			const rec = emulator.assessments.get(FORM_ANSWERS['Assessment ID']);
			s.check(rec?.assessment_grade === 'grade_a' && rec.assessment_score === 91.5, 'Feishu record holds grade_a and 91.5');
			s.check(sameJson(changedIds(emulator, before), [FORM_ANSWERS['Assessment ID']]), 'no other assessment changed');
		});

		await scenario(version, 'token expires between executions: one re-exchange, new token stored and reused', async (s) => {
			emulator.reset();
			const id = FORM_ANSWERS['Assessment ID'];
			const run = async (n: number) => {
				const res = await timed(`n8n execute --id=formTokenExpiry (run ${n})`, () => n8n.execute('formTokenExpiry'));
				s.check(res.exitCode === 0 && nodeOutput(res.run, 'Update assessment in Feishu')[0]?.updated === true, `run ${n} exits 0 and updates`, () =>
					dump(res),
				);
				checkNoSecrets(s, res, emulator);
				return res;
			};
			const storedToken = async () =>
				(await timed('n8n export:credentials --decrypted --id=feishuTokenCred', () => readCredentialData(n8n, TOKEN_CREDENTIAL.id)))
					.tenantAccessToken;

			await run(1);
			const first = emulator.issuedTokens();
			s.check(emulator.tokenExchanges === 1 && first.length === 1, `run 1: one exchange (${emulator.tokenExchanges})`);
			s.check((await storedToken()) === first[0], 'run 1: n8n stored the token it got');

			emulator.expireAllTokens();
			const seqBefore2 = emulator.requests.length;
			await run(2);
			const during2 = emulator.requests.slice(seqBefore2);
			const tokens = emulator.issuedTokens();
			s.check(emulator.tokenExchanges === 2 && tokens.length === 2, `run 2: exactly one re-exchange, no manual fix (${emulator.tokenExchanges} in total)`);
			s.check(during2.filter((r) => code(r) === 99991663).length === 1, 'run 2: Feishu refused the stored token once (99991663 on HTTP 400)', () =>
				during2.map((r) => `${r.method} ${r.path} ${r.status} ${String(code(r))}`).join('\n'),
			);
			const stored2 = await storedToken();
			s.check(stored2 === tokens[1] && stored2 !== tokens[0], 'run 2: the new token is what n8n stored');

			const seqBefore3 = emulator.requests.length;
			await run(3);
			const during3 = emulator.requests.slice(seqBefore3);
			const patch3 = patches(during3);
			s.check(emulator.tokenExchanges === 2, `run 3: no further exchange (${emulator.tokenExchanges} in total)`);
			s.check(
				patch3.length === 1 && patch3[0].headers.authorization === `Bearer ${tokens[1]}` && !during3.some((r) => code(r) === 99991663),
				'run 3: the write used the stored new token straight away',
				() => during3.map((r) => `${r.method} ${r.path} ${r.status} ${String(code(r))}`).join('\n'),
			);
			s.check(emulator.applyCount(id) === 3, `all three runs wrote the assessment (${emulator.applyCount(id)})`);
		});

		await scenario(version, 'bad credentials (wrong App Secret): non-zero exit, readable error', async (s) => {
			emulator.reset();
			const before = snapshot(emulator);
			const res = await timed('n8n execute --id=formBadSecret', () => n8n.execute('formBadSecret'));
			s.check(res.exitCode !== 0, `exits non-zero (${res.exitCode})`, () => dump(res));
			const error = summarizeRun(res.run).error;
			const message = `${error?.message ?? ''} ${error?.description ?? ''}`;
			s.check(/App Secret/.test(message) && /10014/.test(message), `run error names the App Secret: "${error?.message ?? '(none)'}"`, () => dump(res));
			s.check(/App Secret/.test(res.stdout + res.stderr), 'the CLI output shows that message');
			const text = res.stdout + res.stderr;
			s.check(!text.includes(APP_SECRET_WRONG) && !text.includes(emulator.defaultApp.appSecret), 'neither the wrong nor the right secret in stdout/stderr');
			const api = emulator.requests.filter((r) => r.path !== TOKEN_PATH);
			s.check(api.length === 0, 'nothing but the token endpoint was called', () => api.map((r) => `${r.method} ${r.path}`).join('\n'));
			s.check(emulator.tokenExchanges === 0 && changedIds(emulator, before).length === 0, 'no token issued, no assessment changed');
		});
	} finally {
		box.cleanup();
		console.log(`     (custom-extension scenarios on ${version}: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
	}

	const community = new Sandbox(install, false);
	// What the scripted model puts in its tool call; each scenario sets it before running.
	let toolCall: Record<string, unknown> = {};
	const model = await startScriptedChatModel({
		toolName: (offered) => offered.find((name) => /probation/i.test(name)),
		toolArguments: () => toolCall,
		finalAnswer: 'Done.',
	});
	try {
		await scenario(version, 'community package (npm pack → ~/.n8n/nodes): spreadsheet example with its published type', async (s) => {
			const pkg = await timed('install the packed .tgz as Community Nodes does', () => community.n8n.installCommunityPackage(tgz));
			s.check(pkg.name === 'n8n-nodes-feishu-corehr', `installed ${pkg.name}@${pkg.version} into ${path.relative(community.workDir, pkg.dir)}`);
			s.check(
				fs.existsSync(path.join(pkg.dir, 'dist', 'nodes', 'FeishuCoreHr', 'FeishuCoreHr.node.js')) && !fs.existsSync(path.join(pkg.dir, 'nodes')),
				'the tarball holds the built dist/ only',
			);
			await timed('n8n import:credentials (Feishu → emulator, OpenAI → scripted model)', () =>
				community.n8n.importCredentials([
					emulatorCredential(emulator.url, emulator.defaultApp),
					{ ...SCRIPTED_MODEL_CREDENTIAL, type: 'openAiApi', data: { apiKey: 'sk-e2e-scripted-model', url: model.baseUrl } },
				]),
			);
			const agent = withNodeCredential(
				withChatMessage(examples.aiAgent, AGENT_MESSAGE),
				'@n8n/n8n-nodes-langchain.lmChatOpenAi',
				'openAiApi',
				SCRIPTED_MODEL_CREDENTIAL,
			);
			const native = [community.adapt(examples.spreadsheet, PACKAGE_TYPE_PREFIX), agent];
			s.check(
				native.every((wf) => wf.nodes.some((n) => n.type.startsWith(PACKAGE_TYPE_PREFIX)) && wf.nodes.every((n) => !n.type.startsWith(CUSTOM_TYPE_PREFIX))),
				'node types n8n-nodes-feishu-corehr.feishuCoreHr / …Tool, as in the example files',
			);
			await timed('n8n import:workflow (spreadsheet + AI agent examples, types unchanged)', () => community.n8n.importWorkflows(native));
			emulator.reset();
			const before = snapshot(emulator);
			const res = await timed('n8n execute --id=feishuSheetToHr', () => community.n8n.execute(examples.spreadsheet.id));
			checkSpreadsheetRun(s, res, emulator, before, 'Update assessment in Feishu');
		});

		const runAgent = async (s: Scenario, args: Record<string, unknown>) => {
			toolCall = args;
			model.requests.length = 0;
			emulator.reset();
			const before = snapshot(emulator);
			const res = await timed(`n8n execute --id=${examples.aiAgent.id}`, () => community.n8n.execute(examples.aiAgent.id));
			s.check(res.exitCode === 0 && nodeOutput(res.run, 'AI Agent')[0]?.output === 'Done.', 'exits 0; the agent answered', () => dump(res));
			checkNoSecrets(s, res, emulator);
			const [first, second] = model.requests;
			const tool = first?.tools?.find((t) => /probation/i.test(t.function.name));
			const props = Object.keys((tool?.function.parameters as { properties?: object } | undefined)?.properties ?? {});
			s.check(
				['assessmentId', 'assessmentStatus', 'isFinalAssessment', 'assessmentGrade'].every((k) => props.includes(k)),
				`the model was offered the tool "${String(tool?.function.name)}" with the $fromAI fields (${props.join(', ')})`,
				() => JSON.stringify(first?.tools),
			);
			const toolReply = second?.messages.find((m) => m.role === 'tool');
			s.check(model.requests.length === 2 && toolReply !== undefined, 'the tool\'s answer went back to the model', () =>
				JSON.stringify(model.requests.map((r: ChatRequest) => r.messages.map((m) => m.role))),
			);
			return { before, toolReply: typeof toolReply?.content === 'string' ? toolReply.content : JSON.stringify(toolReply?.content ?? '') };
		};

		await scenario(version, 'AI agent example: the chat model calls Feishu CoreHR as a tool (published type …feishuCoreHrTool)', async (s) => {
			const id = '7140964208476371331';
			const { before, toolReply } = await runAgent(s, {
				assessmentId: id,
				assessmentStatus: 'completed',
				isFinalAssessment: true,
				assessmentResult: 'approved',
				assessmentScore: '',
				assessmentGrade: 'A',
				assessmentComment: 'Passed, confirmed in chat',
			});
			const sent = patches(emulator.requests);
			s.check(
				sent.length === 1 &&
					sent[0].path === ASSESSMENT_PATH + id &&
					sameJson(sent[0].body, {
						assessment_status: 'completed',
						is_final_asssessment: true,
						assessment_result: 'approved',
						assessment_grade: 'grade_a',
						assessment_comment: 'Passed, confirmed in chat',
					}),
				'one PATCH with the values the model chose (grade "A" → grade_a, empty score left out)',
				() => JSON.stringify(sent.map((r) => [r.path, r.body])),
			);
			s.check(sameJson(changedIds(emulator, before), [id]), 'only that assessment changed');
			s.check(/"updated":\s*true/.test(toolReply) && toolReply.includes(id), 'the model was told it was updated', () => toolReply);
		});

		await scenario(version, 'AI agent example: a mangled ID from the model is refused and explained, nothing written', async (s) => {
			const { before, toolReply } = await runAgent(s, {
				assessmentId: '7.14096E+18',
				assessmentStatus: 'completed',
				isFinalAssessment: true,
				assessmentResult: 'approved',
				assessmentScore: '',
				assessmentGrade: 'A',
				assessmentComment: '',
			});
			s.check(patches(emulator.requests).length === 0 && changedIds(emulator, before).length === 0, 'no PATCH, no assessment changed');
			s.check(/scientific notation/.test(toolReply), `the model was told why: ${toolReply.slice(0, 100)}…`, () => toolReply);
		});
	} finally {
		community.cleanup();
		await model.close();
		await emulator.close();
	}
}

async function main(): Promise<void> {
	const started = Date.now();
	const versions = n8nVersionsUnderTest();
	console.log(`e2e: n8n ${versions.join(', ')}; package ${REPO_ROOT} (dist/ from npm run build); sample ${path.relative(REPO_ROOT, EXAMPLE_CSV)}`);
	if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'nodes', 'FeishuCoreHr', 'FeishuCoreHr.node.js'))) {
		throw new Error('dist/ is missing: run npm run build first');
	}
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'feishu-e2e-pack-'));
	try {
		const tgz = await timed('npm pack', () => ({ path: packPackage(REPO_ROOT, packDir) }));
		console.log(`     ${path.basename(tgz.path)}`);
		for (const version of versions) {
			const t0 = Date.now();
			try {
				await runVersion(version, tgz.path);
			} catch (error) {
				results.push({ version, scenario: 'setup', passed: false });
				console.log(`  FAIL [n8n ${version}] setup: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
			}
			console.log(`\n  n8n ${version}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
		}
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}
	const passed = results.filter((r) => r.passed).length;
	const failed = results.length - passed;
	console.log('\nSummary');
	for (const r of results) console.log(`  ${r.passed ? 'PASS' : 'FAIL'} [n8n ${r.version}] ${r.scenario}`);
	console.log(`  total ${((Date.now() - started) / 1000).toFixed(1)} s`);
	console.log(`e2e: ${passed} passed, ${failed} failed`);
	process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
}

main().catch((error: unknown) => {
	console.error(error);
	console.log('e2e: 0 passed, 1 failed');
	process.exitCode = 1;
});
