/**
 * Smoke test of the real-n8n harness (dev/n8n/runner.ts), on every version under test
 * (N8N_VERSIONS, or N8N_E2E_VERSIONS=1.123.0,2.41.0):
 *   1. manualTrigger → Set → NoOp runs, exit code 0, the Set value comes out;
 *   2. manualTrigger → Stop and Error exits non-zero with the error in the run data;
 *   3. a custom extension (N8N_CUSTOM_EXTENSIONS, type CUSTOM.e2eProbe) with an imported credential,
 *      whose decrypted data export:credentials gives back; a failing run of it exits non-zero;
 *   4. the same package packed and installed as a community package (type n8n-nodes-e2e-probe.e2eProbe).
 * The fixture package is test/e2e/fixtures/n8n-nodes-e2e-probe (plain JS: no build needed).
 *
 *   npx tsx test/e2e/smoke.ts
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	buildWorkflow,
	ensureN8n,
	manualTrigger,
	N8nInstance,
	n8nVersionsUnderTest,
	nodeOutput,
	packPackage,
	readCredentialData,
	summarizeRun,
	type ExecuteResult,
	type N8nInstall,
} from '../../dev/n8n/runner';

const FIXTURE = path.join(__dirname, 'fixtures', 'n8n-nodes-e2e-probe');

let failures = 0;
function check(cond: boolean, what: string, detail?: () => string): void {
	if (cond) {
		console.log(`    ok   ${what}`);
	} else {
		failures++;
		console.log(`    FAIL ${what}${detail ? `\n${detail()}` : ''}`);
	}
}

function dump(res: ExecuteResult): string {
	return `      exit ${res.exitCode}\n      --- stdout (tail)\n${res.stdout.slice(-3000)}\n      --- stderr (tail)\n${res.stderr.slice(-3000)}`;
}

async function timed<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
	const t0 = Date.now();
	const value = await fn();
	console.log(`  ${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	return value;
}

const okWorkflow = buildWorkflow({
	id: 'smokeOk',
	nodes: [
		manualTrigger(),
		{
			name: 'Set',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: {
				mode: 'manual',
				assignments: {
					assignments: [
						{ id: 'a1', name: 'answer', value: 42, type: 'number' },
						{ id: 'a2', name: 'greeting', value: 'hello 飞书', type: 'string' },
					],
				},
				options: {},
			},
		},
		{ name: 'NoOp', type: 'n8n-nodes-base.noOp', typeVersion: 1 },
	],
});

const failWorkflow = buildWorkflow({
	id: 'smokeFail',
	nodes: [
		manualTrigger(),
		{
			name: 'Stop',
			type: 'n8n-nodes-base.stopAndError',
			typeVersion: 1,
			parameters: { errorType: 'errorMessage', errorMessage: 'smoke failure on purpose' },
		},
	],
});

function probeWorkflows(nodeType: string, credentialId?: string): object[] {
	const probe = (fail: boolean) => ({
		name: 'Probe',
		type: nodeType,
		typeVersion: 1,
		parameters: { value: 'probe-value', fail },
		...(credentialId !== undefined ? { credentials: { e2eProbeApi: { id: credentialId, name: 'Probe cred' } } } : {}),
	});
	return [
		buildWorkflow({ id: 'probeOk', nodes: [manualTrigger(), probe(false)] }),
		buildWorkflow({ id: 'probeFail', nodes: [manualTrigger(), probe(true)] }),
	];
}

async function smokeBase(install: N8nInstall): Promise<void> {
	const n8n = new N8nInstance(install, { extensionPackages: [FIXTURE] });
	try {
		await timed('import:workflow (first command: DB migrations)', () => n8n.importWorkflows([okWorkflow, failWorkflow]));

		const ok = await timed('execute ok workflow', () => n8n.execute('smokeOk'));
		check(ok.exitCode === 0, 'ok workflow exits 0', () => dump(ok));
		const set = nodeOutput(ok.run, 'Set');
		check(set.length === 1 && set[0].answer === 42 && set[0].greeting === 'hello 飞书', 'Set outputs answer=42', () =>
			JSON.stringify(set),
		);
		check(nodeOutput(ok.run, 'NoOp')[0]?.answer === 42, 'NoOp passes it on');
		const okSummary = summarizeRun(ok.run);
		check(okSummary.error === undefined && okSummary.lastNodeExecuted === 'NoOp', 'run has no error, last node NoOp', () =>
			JSON.stringify(okSummary),
		);

		const bad = await timed('execute failing workflow', () => n8n.execute('smokeFail'));
		check(bad.exitCode !== 0, `failing workflow exits non-zero (${bad.exitCode})`, () => dump(bad));
		const badSummary = summarizeRun(bad.run);
		check(badSummary.error?.message === 'smoke failure on purpose', 'run data carries the Stop and Error message', () =>
			`${JSON.stringify(badSummary)}\n${dump(bad)}`,
		);

		// custom extension + credential
		await timed('import:credentials', () =>
			n8n.importCredentials([{ id: 'probeCred1', name: 'Probe cred', type: 'e2eProbeApi', data: { secret: 's3cret' } }]),
		);
		await timed('import:workflow (probe)', () => n8n.importWorkflows(probeWorkflows('CUSTOM.e2eProbe', 'probeCred1')));
		const probe = await timed('execute custom-extension node', () => n8n.execute('probeOk'));
		check(probe.exitCode === 0, 'CUSTOM.e2eProbe runs', () => dump(probe));
		const out = nodeOutput(probe.run, 'Probe')[0];
		check(out?.value === 'probe-value' && out?.secret === 's3cret', 'custom node sees its parameter and decrypted credential', () =>
			JSON.stringify(out),
		);
		console.log(`    info custom extension resolves n8n-workflow from ${String(out?.n8nWorkflowPath)}`);
		check(
			typeof out?.n8nWorkflowPath === 'string' && out.n8nWorkflowPath.startsWith(install.installDir),
			"copied custom extension uses n8n's own n8n-workflow",
		);
		const probeBad = await timed('execute failing custom node', () => n8n.execute('probeFail'));
		check(probeBad.exitCode !== 0, `failing custom node exits non-zero (${probeBad.exitCode})`, () => dump(probeBad));
		check(summarizeRun(probeBad.run).error?.message === 'E2E probe failure requested', 'its error message is in the run data', () =>
			JSON.stringify(summarizeRun(probeBad.run)),
		);
		const data = await timed('export:credentials --decrypted', () => readCredentialData(n8n, 'probeCred1'));
		check(data.secret === 's3cret', 'readCredentialData gives the decrypted data', () => JSON.stringify(data));
	} finally {
		n8n.cleanup();
	}
}

async function smokeCommunityPackage(install: N8nInstall, tgz: string): Promise<void> {
	const n8n = new N8nInstance(install);
	try {
		const pkg = await timed('install community package (tgz)', () => n8n.installCommunityPackage(tgz));
		check(fs.existsSync(path.join(n8n.nodesDir, 'node_modules', pkg.name, 'package.json')), `installed in ${pkg.dir}`);
		await timed('import:workflow (community probe)', () => n8n.importWorkflows(probeWorkflows(`${pkg.name}.e2eProbe`)));
		const res = await timed('execute community-package node', () => n8n.execute('probeOk'));
		check(res.exitCode === 0, `${pkg.name}.e2eProbe runs`, () => dump(res));
		const out = nodeOutput(res.run, 'Probe')[0];
		check(out?.value === 'probe-value' && out?.nodeType === `${pkg.name}.e2eProbe`, 'community node output', () => JSON.stringify(out));
		console.log(`    info community package resolves n8n-workflow from ${String(out?.n8nWorkflowPath)}`);
		const bad = await timed('execute failing community node', () => n8n.execute('probeFail'));
		check(bad.exitCode !== 0, `failing community node exits non-zero (${bad.exitCode})`, () => dump(bad));
	} finally {
		n8n.cleanup();
	}
}

async function main(): Promise<void> {
	const versions = n8nVersionsUnderTest();
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-pack-'));
	try {
		const tgz = packPackage(FIXTURE, packDir);
		for (const version of versions) {
			const t0 = Date.now();
			console.log(`\n== n8n ${version}`);
			const install = await timed('ensureN8n', () => ensureN8n(version));
			console.log(`  node ${install.nodeBin}\n  n8n  ${install.n8nBin}`);
			await smokeBase(install);
			await smokeCommunityPackage(install, tgz);
			console.log(`  total for ${version}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
		}
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}
	console.log(failures === 0 ? '\nsmoke: all checks passed' : `\nsmoke: ${failures} check(s) FAILED`);
	process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
