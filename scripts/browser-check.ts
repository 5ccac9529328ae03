/// <reference lib="dom" />
/**
 * `npm run check:browser`: the node as a person meets it in n8n's editor, in a real browser.
 *
 * Starts the Feishu emulator and a real n8n 2.41.0 (Node 24, from the cache that
 * scripts/n8n/install.sh fills) with this package loaded, logs in through the sign-in page and
 * drives the editor in headless Chromium (Debian's `chromium`, driven by `puppeteer-core`):
 *
 *   - the nodes panel finds the node by its other names (Lark, 飞书, probation, 试用期, HR);
 *   - a workflow that maps a sheet's labels ("Completed", "Pass", "通过", "A", "Waiting") by
 *     expressions into Update's and Search's fields shows no parameter issue in any panel;
 *   - every operation's panel renders; parameter labels are not cut off;
 *   - fields added to a fresh Update from its collection start empty, and Status starts unset;
 *   - the node as an AI Agent tool lets the model fill employee, status, result, score, grade and
 *     comment ($fromAI);
 *   - the credential's Test with a wrong App Secret names the App Secret, on a new credential and
 *     after editing one that has a token stored.
 *
 * Screenshots of every panel land in .browser-check/ (git-ignored). Prints one line per check,
 * then "N passed, M failed"; exits non-zero on any failure. Everything listens on 127.0.0.1 and
 * stops at the end.
 *
 *   options: --no-build   --n8n=2.41.0   --keep (leave n8n's throwaway folder for a look)
 *
 * Installs what it needs: Debian's chromium (and a CJK font for the screenshots) through apt-get
 * when missing (needs root, as CI has), n8n through the install script; puppeteer-core is a
 * devDependency.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import puppeteer from 'puppeteer-core';

import { tokenOwner } from '../credentials/FeishuCoreHrApi.credentials';
import { TENANT_EXCHANGE } from '../nodes/shared/feishu/token';
import { OWNER, ensureOwner, loginOwner } from '../dev/n8n/owner';
import { startEmulator } from '../dev/emulator';
import type { Emulator } from '../dev/emulator/types';
import { CREDENTIAL_TYPE, CUSTOM_TYPE_PREFIX, EXAMPLE_SEED, emulatorCredential } from '../dev/n8n/examples';
import { ensureN8n, N8nInstance, REPO_ROOT, type N8nServer } from '../dev/n8n/runner';
import { FeishuCoreHr } from '../nodes/FeishuCoreHr/FeishuCoreHr.node';

const CHROMIUM = '/usr/bin/chromium';
/** A CJK font, so the screenshots show the sheet's Chinese labels instead of empty boxes. */
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc';
const OUT_DIR = path.join(REPO_ROOT, '.browser-check');
const NODE_TYPE = `${CUSTOM_TYPE_PREFIX}feishuCoreHr`;
const NODE_NAME = 'Feishu CoreHR';
const WORKFLOW_ID = 'browserCheck1';
const GOOD_CREDENTIAL = { id: 'browserCheckGood', name: 'Feishu CoreHR (emulator)' };
const TOKEN_CREDENTIAL = { id: 'browserCheckTok', name: 'Feishu CoreHR (token stored)' };
const WRONG_SECRET = 'not-the-app-secret-000000000000';
/** n8n's own width for a parameter label in the node panel is what cuts long labels. */
const PANEL_VIEWPORT = { width: 1440, height: 2000 };

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

interface Result {
	name: string;
	ok: boolean;
	detail: string;
}
const results: Result[] = [];
const screenshots: string[] = [];

function record(name: string, ok: boolean, detail = ''): void {
	results.push({ name, ok, detail });
	console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}${detail ? ` — ${detail}` : ''}`);
}

/** The page a failed check is photographed on. */
let currentPage: Page | undefined;

async function check(name: string, fn: () => Promise<string | void>): Promise<void> {
	try {
		const detail = await fn();
		record(name, true, detail ?? '');
	} catch (error) {
		record(name, false, error instanceof Error ? error.message : String(error));
		if (currentPage) await shot(currentPage, `failed-${results.length}`).catch(() => undefined);
	}
}

function step(text: string): void {
	console.log(`[browser-check] ${text}`);
}

// ---------------------------------------------------------------------------------------------
// Setup: chromium, n8n, emulator
// ---------------------------------------------------------------------------------------------

function ensureChromium(): void {
	const missing = [
		...(fs.existsSync(CHROMIUM) ? [] : ['chromium']),
		...(fs.existsSync(CJK_FONT) ? [] : ['fonts-wqy-zenhei']),
	];
	if (missing.length === 0) return;
	step(`installing Debian's ${missing.join(' and ')} (apt-get)`);
	const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const apt = (args: string[]) => {
		const res = spawnSync(asRoot ? 'apt-get' : 'sudo', asRoot ? args : ['-n', 'apt-get', ...args], {
			stdio: 'inherit',
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		});
		if (res.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed; install them by hand (apt-get install -y ${missing.join(' ')})`);
	};
	apt(['update']);
	apt(['install', '-y', '--no-install-recommends', ...missing]);
	if (!fs.existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium, but ${CHROMIUM} is still missing`);
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
			srv.close(() => resolve(port));
		});
	});
}

/** A token the emulator issued, as n8n stores it after a run: the "token stored" credential holds it. */
async function issuedToken(emulator: Emulator): Promise<string> {
	const res = await fetch(`${emulator.url}${TENANT_EXCHANGE.path}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ app_id: emulator.defaultApp.appId, app_secret: emulator.defaultApp.appSecret }),
	});
	const body = (await res.json()) as { tenant_access_token?: string };
	if (!body.tenant_access_token) throw new Error(`the emulator issued no token: ${JSON.stringify(body)}`);
	return body.tenant_access_token;
}

// ---------------------------------------------------------------------------------------------
// The workflow the panels are checked on
// ---------------------------------------------------------------------------------------------

/** One row of a spreadsheet as HR writes it: labels, not API values. */
const SHEET_ROW = {
	employeeNumber: '030123',
	assessmentId: '7140964208476371331',
	employmentId: '7140964208476371111',
	status: 'Completed',
	statusZh: '已完成',
	result: 'Pass',
	resultZh: '通过',
	grade: 'A',
	score: '88.5',
	comment: 'Met every goal',
	final: 'yes',
	probationStatus: 'Waiting',
};

interface PanelSpec {
	/** node name on the canvas */
	name: string;
	/** file name of its screenshot */
	shot: string;
	parameters: Record<string, unknown>;
	/** issues are checked (all but the fresh node, whose empty required fields are meant to be flagged) */
	expectNoIssues: boolean;
}

const expr = (field: keyof typeof SHEET_ROW) => `={{ $json.${field} }}`;
const byEmployee = { __rl: true, mode: 'employeeNumber', value: expr('employeeNumber') };

const PANELS: PanelSpec[] = [
	{
		name: 'Update by employee',
		shot: 'update-by-employee',
		expectNoIssues: true,
		parameters: {
			resource: 'probationAssessment',
			operation: 'update',
			assessmentBy: 'employee',
			employee: byEmployee,
			assessmentStatus: expr('status'),
			isFinalAssessment: expr('final'),
			additionalFields: {
				assessmentResult: expr('result'),
				assessmentScore: expr('score'),
				assessmentGrade: expr('grade'),
				assessmentComment: expr('comment'),
			},
			// every option shown, so their labels are measured too
			options: { clientToken: 'row-{{ $itemIndex }}', maxRequestsPerMinute: 50, requestsInParallel: 2, maxRateLimitWaitSeconds: 60, maxRetries: 2, timeoutSeconds: 20 },
		},
	},
	{
		name: 'Update by assessment ID',
		shot: 'update-by-assessment-id',
		expectNoIssues: true,
		parameters: {
			resource: 'probationAssessment',
			operation: 'update',
			assessmentBy: 'assessmentId',
			assessmentId: { __rl: true, mode: 'id', value: expr('assessmentId') },
			employmentId: expr('employmentId'),
			assessmentStatus: expr('statusZh'),
			additionalFields: { assessmentResult: expr('resultZh'), assessmentGrade: expr('grade') },
		},
	},
	{
		name: 'Search probations',
		shot: 'probation-search',
		expectNoIssues: true,
		parameters: {
			resource: 'probation',
			operation: 'search',
			splitOutAssessments: true,
			filters: {
				employmentIds: expr('employmentId'),
				userIdType: 'people_corehr_id',
				probationStatus: expr('probationStatus'),
				finalAssessmentResult: expr('result'),
				finalAssessmentGrade: expr('grade'),
				probationExpectedEndDateFrom: '2026-01-01',
				probationExpectedEndDateTo: '2026-12-31',
			},
		},
	},
	{
		name: 'Search employees',
		shot: 'employee-search',
		expectNoIssues: true,
		parameters: { resource: 'employee', operation: 'search', filters: { employeeNumbers: expr('employeeNumber') } },
	},
	{
		name: 'Create assessment',
		shot: 'create',
		expectNoIssues: true,
		parameters: { resource: 'probationAssessment', operation: 'create', employee: byEmployee },
	},
	{
		name: 'Delete assessment',
		shot: 'delete',
		expectNoIssues: true,
		parameters: { resource: 'probationAssessment', operation: 'delete', assessmentId: expr('assessmentId') },
	},
	{
		name: 'Edit probation',
		shot: 'probation-edit',
		expectNoIssues: true,
		parameters: { resource: 'probation', operation: 'edit', employee: byEmployee },
	},
	{
		name: 'Submit conversion',
		shot: 'probation-submit-conversion',
		expectNoIssues: true,
		parameters: { resource: 'probation', operation: 'submitConversion', employee: byEmployee },
	},
	{
		name: 'Withdraw conversion',
		shot: 'probation-withdraw-conversion',
		expectNoIssues: true,
		parameters: { resource: 'probation', operation: 'withdrawConversion', employee: byEmployee },
	},
	{
		name: 'Enable or disable assessment',
		shot: 'probation-enable-disable',
		expectNoIssues: true,
		parameters: { resource: 'probation', operation: 'enableDisableAssessment' },
	},
	{
		name: 'New update',
		shot: 'update-new',
		expectNoIssues: false,
		parameters: { resource: 'probationAssessment', operation: 'update' },
	},
];

/** The tool variant an AI Agent uses; the parameters a model needs must take $fromAI. */
const TOOL_PANEL = {
	name: 'Update tool',
	parameters: {
		resource: 'probationAssessment',
		operation: 'update',
		assessmentBy: 'employee',
		additionalFields: { assessmentResult: '', assessmentScore: null, assessmentGrade: '', assessmentComment: '' },
	},
};
const TOOL_FILLABLE = ['employee', 'assessmentStatus', 'assessmentResult', 'assessmentScore', 'assessmentGrade', 'assessmentComment'];

function checkWorkflow(typeVersion: number): object {
	const nodes: object[] = [
		{ id: 'sheet', name: 'Sheet', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		...PANELS.map((p, i) => ({
			id: `panel${i}`,
			name: p.name,
			type: NODE_TYPE,
			typeVersion,
			position: [320 + 280 * (i % 4), 200 * Math.floor(i / 4) - 200],
			parameters: p.parameters,
			credentials: { [CREDENTIAL_TYPE]: GOOD_CREDENTIAL },
		})),
		{
			id: 'tool',
			name: TOOL_PANEL.name,
			type: `${NODE_TYPE}Tool`,
			typeVersion,
			position: [320, 600],
			parameters: TOOL_PANEL.parameters,
			credentials: { [CREDENTIAL_TYPE]: GOOD_CREDENTIAL },
		},
	];
	return {
		id: WORKFLOW_ID,
		name: 'Browser check: a sheet mapped into every panel',
		active: false,
		versionId: '6f1c1d44-5b2a-4b0e-9a53-0d7b1f3ad001',
		nodes,
		connections: { Sheet: { main: [PANELS.map((p) => ({ node: p.name, type: 'main', index: 0 }))] } },
		// The editor resolves the panels' expressions against this row, as after a run.
		pinData: { Sheet: [{ json: SHEET_ROW }] },
		settings: { executionOrder: 'v1' },
	};
}

// ---------------------------------------------------------------------------------------------
// Browser helpers
// ---------------------------------------------------------------------------------------------

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function shot(page: Page, name: string): Promise<void> {
	const file = path.join(OUT_DIR, `${String(screenshots.length + 1).padStart(2, '0')}-${name}.png`);
	await page.screenshot({ path: file as `${string}.png` });
	screenshots.push(path.relative(REPO_ROOT, file));
}

async function waitFor(page: Page, selector: string, timeout = 15_000): Promise<ElementHandle<Element>> {
	const found = await page.waitForSelector(selector, { timeout, visible: true });
	if (!found) throw new Error(`${selector} did not appear`);
	return found;
}

async function login(page: Page, url: string): Promise<void> {
	await page.goto(`${url}/signin`, { waitUntil: 'networkidle2' });
	await (await waitFor(page, 'input[name=emailOrLdapLoginId]')).type(OWNER.email);
	await (await waitFor(page, 'input[name=password]')).type(OWNER.password);
	await page.click('[data-test-id=form-submit-button]');
	await page.waitForFunction(() => !location.pathname.startsWith('/signin'), { timeout: 20_000 });
}

async function openWorkflow(page: Page, url: string): Promise<void> {
	await page.goto(`${url}/workflow/${WORKFLOW_ID}`, { waitUntil: 'domcontentloaded' });
	await waitFor(page, '[data-test-id=canvas-node]', 30_000);
	await pause(500);
}

/** Node names the nodes panel lists for a search. */
async function searchNodesPanel(page: Page, query: string): Promise<string[]> {
	const selector = 'input[data-test-id=node-creator-search-bar], [data-test-id=node-creator-search-bar] input';
	let input: ElementHandle<Element> | null = await page.$(selector);
	if (!input) {
		await page.$eval('[data-test-id=node-creator-plus-button]', (el) => (el as HTMLElement).click());
		input = await waitFor(page, selector);
	}
	await input.evaluate((el) => {
		(el as HTMLInputElement).focus();
		(el as HTMLInputElement).select();
	});
	await page.keyboard.press('Backspace');
	await input.type(query);
	await pause(700);
	return await page.$$eval('[data-test-id=node-creator-item-name]', (els) => els.map((e) => (e.textContent ?? '').trim()));
}

async function closeOverlays(page: Page): Promise<void> {
	for (let i = 0; i < 3; i++) {
		await page.keyboard.press('Escape');
		await pause(200);
	}
}

async function openPanel(page: Page, nodeName: string): Promise<void> {
	const node = await waitFor(page, `[data-test-id=canvas-node][data-node-name="${nodeName}"]`);
	await node.click({ count: 2 });
	await waitFor(page, '[data-test-id=ndv] [data-test-id=node-parameters]');
	await pause(1500); // grades load, expressions resolve
}

interface PanelIssue {
	parameter: string;
	text: string;
}

/** The parameter issues (red triangles) the open panel shows, with the text of their tooltips. */
async function panelIssues(page: Page): Promise<PanelIssue[]> {
	const icons = await page.$$('[data-test-id=ndv] [data-test-id=node-parameters] [data-test-id=parameter-issues]');
	const issues: PanelIssue[] = [];
	for (const icon of icons) {
		const parameter = await icon.evaluate((el) => {
			for (let up: Element | null = el.parentElement; up; up = up.parentElement) {
				const own = up.getAttribute('data-test-id') ?? '';
				const m = /^(.+)-parameter-input-options-container$/.exec(own);
				if (m) return m[1];
				const inner = Array.from(up.querySelectorAll('[data-test-id$="-parameter-input-options-container"]'));
				if (inner.length === 1) return (inner[0].getAttribute('data-test-id') ?? '').replace(/-parameter-input-options-container$/, '');
				if (inner.length > 1) break;
			}
			return '?';
		});
		let text = '';
		try {
			await icon.hover();
			await pause(400);
			const texts = await page.$$eval('[role=tooltip], [data-reka-popper-content-wrapper]', (els) =>
				els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()).filter((t) => t.startsWith('Issues:')),
			);
			text = texts.length ? texts[texts.length - 1].replace(/^Issues:/, '') : '';
		} catch {
			// no tooltip: the parameter name still tells which field is flagged
		}
		issues.push({ parameter, text });
	}
	await page.mouse.move(5, 5);
	return issues;
}

/** Labels and chosen values of the open panel that the editor cut off (text wider than its box). */
async function cutLabels(page: Page): Promise<string[]> {
	const labels = await page.$$eval('[data-test-id=ndv] [data-test-id=node-parameters] label, [data-test-id=ndv] [data-test-id=node-parameters] [data-test-id=input-label] *', (els) =>
		els
			.filter((e) => e.children.length === 0 && (e as HTMLElement).scrollWidth > (e as HTMLElement).clientWidth + 1)
			.map((e) => (e.textContent ?? '').trim())
			.filter((t) => t !== ''),
	);
	// Dropdowns show their choice in a read-only input: a value wider than it is cut too.
	const values = await page.$$eval('[data-test-id=ndv] [data-test-id=node-parameters] input[readonly]', (els) =>
		els
			.filter((e) => (e as HTMLInputElement).value !== '' && (e as HTMLInputElement).scrollWidth > (e as HTMLInputElement).clientWidth + 1)
			.map((e) => `${(e as HTMLInputElement).value} (a chosen value)`),
	);
	return [...labels, ...values];
}

async function closePanel(page: Page): Promise<void> {
	const close = await page.$('[data-test-id=ndv-close-button]');
	if (close) await close.click();
	else await page.keyboard.press('Escape');
	await pause(500);
}

/** The value an input of the open panel shows (a select's chosen label, a text or number input's value). */
async function inputValue(page: Page, parameter: string): Promise<string | undefined> {
	const input = await page.$(`[data-test-id=ndv] [data-test-id=parameter-input-${parameter}] input, [data-test-id=ndv] [data-test-id=parameter-input-${parameter}] textarea`);
	if (!input) return undefined;
	return await input.evaluate((el) => (el as HTMLInputElement).value);
}

/** Adds a field of a collection ("Add Field") by its label. */
async function addCollectionField(page: Page, label: string): Promise<void> {
	const adders = await page.$$('[data-test-id=ndv] [data-test-id=collection-parameter-add]');
	for (const adder of adders) {
		await adder.click();
		await pause(400);
		const options = await page.$$('[data-test-id=collection-parameter-option]');
		for (const option of options) {
			const text = await option.evaluate((el) => (el.textContent ?? '').trim());
			if (text === label) {
				await option.click();
				await pause(600);
				return;
			}
		}
		await page.keyboard.press('Escape');
		await pause(200);
	}
	throw new Error(`no collection of the panel offers "${label}"`);
}

/** Saves the open credential (n8n tests it on save) and returns what the test banner says. */
async function saveAndReadTest(page: Page): Promise<string> {
	await pause(500);
	const tested = page.waitForResponse((r) => r.url().includes('/rest/credentials/test'), { timeout: 30_000 });
	await page.$eval('[data-test-id=credential-save-button] button, button[data-test-id=credential-save-button]', (el) => (el as HTMLElement).click());
	await tested;
	await pause(1500);
	// "More details" unfolds the reason under "Couldn't connect with these settings".
	await page.$$eval('[data-test-id=credential-edit-dialog] a, [data-test-id=credential-edit-dialog] span', (els) => {
		const more = els.find((e) => (e.textContent ?? '').trim() === 'More details');
		if (more) (more as HTMLElement).click();
	});
	await pause(800);
	const text = await page.$eval('[data-test-id=credential-edit-dialog]', (el) => (el as HTMLElement).innerText);
	const start = text.search(/Couldn.t connect|Connection tested successfully/);
	if (start === -1) return '(no test banner)';
	const end = text.indexOf('Domain', start);
	return text.slice(start, end === -1 ? start + 400 : end).replace(/\s+/g, ' ').replace(/ Retry\b/, '').trim();
}

async function typeInto(page: Page, parameter: string, value: string): Promise<void> {
	const input = await waitFor(page, `[data-test-id=credential-edit-dialog] [data-test-id=parameter-input-${parameter}] input`);
	await input.click({ clickCount: 3 });
	await page.keyboard.press('Backspace');
	await input.type(value);
}

// ---------------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------------

const ALIASES = ['Lark', '飞书', 'probation', '试用期', 'HR'];

async function checkNodesPanel(page: Page, url: string): Promise<void> {
	await check('the workflow opens in the editor', async () => {
		await openWorkflow(page, url);
	});
	for (const query of ['Feishu', ...ALIASES]) {
		await check(`nodes panel: "${query}" finds ${NODE_NAME}`, async () => {
			const names = await searchNodesPanel(page, query);
			if (query === 'Lark' || query === '飞书') await shot(page, `nodes-panel-${query === 'Lark' ? 'lark' : 'feishu-zh'}`);
			if (!names.includes(NODE_NAME)) throw new Error(`listed: ${names.slice(0, 8).join(', ') || 'nothing'}`);
			return `listed among ${names.length}`;
		});
	}
	await closeOverlays(page);
}

async function checkPanels(page: Page, url: string): Promise<void> {
	await page.setViewport(PANEL_VIEWPORT);
	await check('canvas: subtitles read as words', async () => {
		await openWorkflow(page, url);
		const subtitles = await page.$$eval(`[data-test-id=canvas-node][data-node-type="${NODE_TYPE}"]`, (els) => els.map((e) => (e.textContent ?? '').trim()));
		await shot(page, 'canvas');
		const technical = subtitles.filter((s) => /probationAssessment|enableDisableAssessment|submitConversion|withdrawConversion/.test(s));
		if (technical.length) throw new Error(`camelCase in: ${technical.join('; ')}`);
		return subtitles.slice(0, 3).join('; ');
	});
	for (const panel of PANELS) {
		await check(`panel "${panel.name}" renders${panel.expectNoIssues ? ' with no parameter issues' : ''} and uncut labels`, async () => {
			await openPanel(page, panel.name);
			try {
				const rendered = await page.$$eval('[data-test-id=ndv] [data-test-id=node-parameters] [data-test-id=parameter-item]', (els) => els.length);
				if (panel.name === 'New update') {
					await addCollectionField(page, 'Result');
					await addCollectionField(page, 'Score');
				}
				await shot(page, panel.shot);
				if (rendered < 3) throw new Error(`only ${rendered} parameters rendered`);
				const problems: string[] = [];
				if (panel.expectNoIssues) {
					const issues = await panelIssues(page);
					problems.push(...issues.map((i) => `issue on ${i.parameter}${i.text ? `: ${i.text}` : ''}`));
				}
				problems.push(...(await cutLabels(page)).map((l) => `label cut: "${l}"`));
				if (panel.name === 'New update') {
					for (const parameter of ['assessmentStatus', 'assessmentResult', 'assessmentScore']) {
						const value = await inputValue(page, parameter);
						if (value === undefined) problems.push(`${parameter} is not shown`);
						else if (value !== '') problems.push(`${parameter} starts with "${value}", which would be written`);
					}
				}
				if (problems.length) throw new Error(problems.join('; '));
				return `${rendered} parameters`;
			} finally {
				await closePanel(page);
			}
		});
	}
}

/** Clicks the first element matching `selector` whose text matches `text`. */
async function clickByText(page: Page, selector: string, text: RegExp): Promise<void> {
	const handle = await page.waitForFunction(
		(sel: string, source: string) => {
			const re = new RegExp(source);
			return Array.from(document.querySelectorAll(sel)).find((e) => re.test((e.textContent ?? '').trim()) && (e as HTMLElement).offsetParent !== null) ?? false;
		},
		{ timeout: 15_000 },
		selector,
		text.source,
	);
	await (handle as ElementHandle<Element>).click();
	await pause(400);
}

/** The names of the open panel's parameters that offer "let the model define this" ($fromAI). */
async function fromAiParameters(page: Page): Promise<string[]> {
	const names: string[] = [];
	for (const name of TOOL_FILLABLE) {
		const input = await page.$(`[data-test-id=ndv] [data-test-id=parameter-input-${name}]`);
		if (!input) continue;
		await input.hover();
		await pause(300);
		const offered = await input.evaluate((el) => {
			for (let up: Element | null = el.parentElement; up; up = up.parentElement) {
				if (up.querySelector('[data-test-id=from-ai-override-button]')) return true;
				if ((up.getAttribute('data-test-id') ?? '') === 'parameter-item') return false;
			}
			return false;
		});
		if (offered) names.push(name);
	}
	return names;
}

async function checkToolPanel(page: Page, url: string): Promise<void> {
	await page.setViewport(PANEL_VIEWPORT);
	await check('AI tool: the model can fill employee, status, result, score, grade and comment', async () => {
		await openWorkflow(page, url);
		await openPanel(page, TOOL_PANEL.name);
		try {
			await shot(page, 'update-as-ai-tool');
			const offered = await fromAiParameters(page);
			const missing = TOOL_FILLABLE.filter((name) => !offered.includes(name));
			const problems = [
				...(missing.length ? [`no "let the model define this" for: ${missing.join(', ')} (offered for: ${offered.join(', ') || 'none'})`] : []),
				...(await cutLabels(page)).map((l) => `label cut: "${l}"`),
			];
			if (problems.length) throw new Error(problems.join('; '));
			return offered.join(', ');
		} finally {
			await closePanel(page);
		}
	});
}

async function checkCredentialTests(page: Page, url: string, emulator: Emulator): Promise<void> {
	await page.setViewport({ width: 1440, height: 1100 });
	await check('credential Test after an edit (token stored): a wrong App Secret is named', async () => {
		// Opening a saved credential tests it; let that finish before editing.
		const firstTest = page.waitForResponse((r) => r.url().includes('/rest/credentials/test'), { timeout: 10_000 }).catch(() => undefined);
		await page.goto(`${url}/home/credentials/${TOKEN_CREDENTIAL.id}`, { waitUntil: 'networkidle2' });
		await waitFor(page, '[data-test-id=credential-edit-dialog]');
		await firstTest;
		await pause(1000);
		await typeInto(page, 'appSecret', WRONG_SECRET);
		const message = await saveAndReadTest(page);
		await shot(page, 'credential-edited-wrong-secret');
		if (!/App Secret/.test(message)) throw new Error(`the test said: ${message.slice(0, 300)}`);
		return message.slice(0, 200);
	});
	await closeOverlays(page);
	await check('credential Test of a new credential: a wrong App Secret is named', async () => {
		await page.goto(`${url}/home/credentials/create`, { waitUntil: 'networkidle2' });
		const select = await waitFor(page, '[data-test-id=new-credential-type-select] input');
		await select.type('Feishu CoreHR');
		await clickByText(page, '[data-test-id=new-credential-type-select-option]', /Feishu CoreHR API/);
		await page.click('[data-test-id=new-credential-type-button]');
		await waitFor(page, '[data-test-id=credential-edit-dialog] [data-test-id=parameter-input-domain]');
		await page.click('[data-test-id=credential-edit-dialog] [data-test-id=parameter-input-domain]');
		await pause(800); // the list slides open
		await clickByText(page, '.el-select-dropdown__item, [role=option]', /^Custom/);
		await typeInto(page, 'baseUrl', emulator.url);
		await typeInto(page, 'appId', emulator.defaultApp.appId);
		await typeInto(page, 'appSecret', WRONG_SECRET);
		const message = await saveAndReadTest(page);
		await shot(page, 'credential-new-wrong-secret');
		if (!/App Secret/.test(message)) throw new Error(`the test said: ${message.slice(0, 300)}`);
		return message.slice(0, 200);
	});
	await closeOverlays(page);
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

interface Args {
	version: string;
	build: boolean;
	keep: boolean;
}

function parseArgs(argv: string[]): Args {
	const args: Args = { version: '2.41.0', build: true, keep: false };
	for (const arg of argv) {
		const [key, value] = arg.split('=', 2);
		if (key === '--n8n' && value) args.version = value;
		else if (key === '--no-build') args.build = false;
		else if (key === '--keep') args.keep = true;
		else throw new Error(`unknown option ${arg} (options: --no-build --n8n=<version> --keep)`);
	}
	return args;
}

/** The node's versions as n8n serves them to the editor, and the one a node added from the nodes panel gets. */
async function servedVersions(url: string, cookie: string): Promise<{ versions: number[]; added: number }> {
	const types = (await (await fetch(`${url}/types/nodes.json`, { headers: { cookie } })).json()) as Array<{ name?: string; version?: number | number[]; defaultVersion?: number }>;
	const type = types.find((t) => t.name === NODE_TYPE);
	if (!type) throw new Error(`${NODE_TYPE} is not loaded`);
	const versions = Array.isArray(type.version) ? type.version : [type.version ?? 1];
	return { versions, added: type.defaultVersion ?? Math.max(...versions) };
}

/** What the package's source says: the node's versions and the one it adds. */
function sourceVersions(): { versions: number[]; added: number } {
	const { version, defaultVersion } = new FeishuCoreHr().description;
	const versions = Array.isArray(version) ? version : [version];
	return { versions, added: defaultVersion ?? Math.max(...versions) };
}

async function main(): Promise<number> {
	const args = parseArgs(process.argv.slice(2));
	ensureChromium();
	if (args.build) {
		step('npm run build');
		const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
		if (build.status !== 0) throw new Error('npm run build failed');
	}
	step(`n8n ${args.version}: checking the cached install (the first install takes a few minutes)`);
	const install = ensureN8n(args.version);
	fs.rmSync(OUT_DIR, { recursive: true, force: true });
	fs.mkdirSync(OUT_DIR, { recursive: true });

	const emulator = await startEmulator({ port: 0, seed: EXAMPLE_SEED });
	const n8n = new N8nInstance(install, { extensionPackages: [REPO_ROOT], keep: args.keep });
	let server: N8nServer | undefined;
	let browser: Browser | undefined;
	try {
		step(`emulator on ${emulator.url}; importing the credentials`);
		const good = emulatorCredential(emulator.url, emulator.defaultApp, GOOD_CREDENTIAL);
		const withToken = emulatorCredential(emulator.url, emulator.defaultApp, TOKEN_CREDENTIAL);
		const tokenData = withToken.data as Record<string, string>;
		tokenData.tenantAccessToken = await issuedToken(emulator);
		tokenData.tokenAppIdAndBaseUrl = tokenOwner(tokenData);
		await n8n.importCredentials([good, withToken]);

		const port = await freePort();
		const logFile = path.join(OUT_DIR, 'n8n.log');
		step(`starting n8n ${args.version} on 127.0.0.1:${port} (log: ${path.relative(REPO_ROOT, logFile)})`);
		server = await n8n.start({ port, logFile });
		await server.waitUntilReady();
		const cookie = (await ensureOwner(server.url)) ?? (await loginOwner(server.url));
		// The panels are checked in the version a node added from the panel gets, which must be the
		// package's own: a stale dist/ or a second version would make the checks below about another node.
		const served = await servedVersions(server.url, cookie);
		const source = sourceVersions();
		record(
			`n8n serves the node in the versions of its source (${source.versions.join(', ')}), a new node gets ${source.added}`,
			served.versions.join(',') === source.versions.join(',') && served.added === source.added,
			`served: ${served.versions.join(', ')}, a new node gets ${served.added}`,
		);
		await n8n.importWorkflows([checkWorkflow(served.added)]);
		step(`the panels are checked in node version ${served.added} (what a new node gets)`);

		browser = await puppeteer.launch({
			executablePath: CHROMIUM,
			args: ['--no-sandbox', '--headless=new', '--disable-dev-shm-usage', '--lang=en-US'],
			defaultViewport: { width: 1440, height: 900 },
		});
		const page = await browser.newPage();
		currentPage = page;
		// tsx names functions with a helper the page does not have; give it one.
		await page.evaluateOnNewDocument('window.__name = (f) => f;');
		page.setDefaultTimeout(20_000);
		// Leaving a panel with fields added asks "leave the page?": yes, nothing here is meant to be saved.
		page.on('dialog', (dialog) => void dialog.accept().catch(() => undefined));

		await check('log in through the sign-in page', async () => {
			await login(page, server!.url);
			return `as ${OWNER.email}`;
		});
		await checkNodesPanel(page, server.url);
		await checkPanels(page, server.url);
		await checkToolPanel(page, server.url);
		await checkCredentialTests(page, server.url, emulator);
	} finally {
		await browser?.close().catch(() => undefined);
		await server?.stop();
		await emulator.close();
		n8n.cleanup();
	}

	return summary();
}

/** Prints the screenshots and the count; 0 only when every check ran and passed. */
function summary(): number {
	console.log('');
	console.log(`Screenshots (${screenshots.length}) in ${path.relative(REPO_ROOT, OUT_DIR)}/:`);
	for (const file of screenshots) console.log(`  ${file}`);
	const failed = results.filter((r) => !r.ok);
	console.log('');
	console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
	return failed.length === 0 && results.length > 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(`[browser-check] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		record('the browser check ran to the end', false, error instanceof Error ? error.message : String(error));
		summary();
		process.exit(1);
	},
);
