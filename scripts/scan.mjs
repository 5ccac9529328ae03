#!/usr/bin/env node
// n8n's own community-package scanner, offline: its analyzePackage() lints the sources and the
// packed tarball with the rules n8n applies when it verifies a package. The scanner is installed
// once into the cache (its CLI needs the registry and provenance; this needs neither).
//
//   node scripts/scan.mjs                                  (npm run scan; part of .ci/run)
//   node scripts/scan.mjs --tarball <file.tgz> --all-rules (the publish workflow, before npm publish)
//   node scripts/scan.mjs --print-ignored                  (the rules ignored without --all-rules)
//
// Without --all-rules, package.json's author email and homepage are reported but not failed on:
// they must be the maintainers' real addresses, which the sources do not hold; the publish
// workflow fills them in (scripts/release/fill-metadata.mjs) and then scans with every rule on.
// Without --tarball, the package is packed into a temp dir and that tarball is scanned.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SCANNER_VERSION = '0.32.0';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'n8n-nodes-feishu-corehr', `scanner-${SCANNER_VERSION}`);
/** The rules ignored on the unpublished sources: exactly these two, and only without --all-rules. */
const IGNORED_UNTIL_PUBLISH = ['@n8n/community-nodes/valid-author', '@n8n/community-nodes/require-homepage'];

const argv = process.argv.slice(2);
if (argv.includes('--print-ignored')) {
	console.log(JSON.stringify(IGNORED_UNTIL_PUBLISH));
	process.exit(0);
}
const allRules = argv.includes('--all-rules');
const tarballArg = argv.includes('--tarball') ? argv[argv.indexOf('--tarball') + 1] : undefined;
const unknown = argv.filter((a, i) => !['--all-rules', '--tarball'].includes(a) && argv[i - 1] !== '--tarball');
if (unknown.length > 0 || (argv.includes('--tarball') && !tarballArg?.endsWith('.tgz'))) {
	console.error(`usage: node scripts/scan.mjs [--tarball <file.tgz>] [--all-rules] | --print-ignored (got: ${argv.join(' ')})`);
	process.exit(2);
}
if (tarballArg && !existsSync(tarballArg)) {
	console.error(`scan: no such tarball: ${tarballArg}`);
	process.exit(2);
}
const ignored = new Set(allRules ? [] : IGNORED_UNTIL_PUBLISH);

// Nested npm calls must not inherit this package's npm_config_* (see scripts/n8n/clean-npm-env.sh).
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_(config|package|lifecycle)_/i.test(k)));
function npm(args, cwd) {
	const res = spawnSync('npm', args, { cwd, env, encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`npm ${args.join(' ')} failed:\n${res.stderr}`);
	return res.stdout;
}

const entry = join(cache, 'node_modules', '@n8n', 'scan-community-package', 'scanner', 'scanner.mjs');
if (!existsSync(entry)) {
	console.log(`Installing @n8n/scan-community-package@${SCANNER_VERSION} into ${cache} …`);
	mkdirSync(cache, { recursive: true });
	writeFileSync(join(cache, 'package.json'), JSON.stringify({ name: 'scanner-cache', private: true }));
	// Resolved as the registry stood on one day, as scripts/n8n/install.sh does, so the tree stays the same.
	npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-save', '--before=2026-11-01', `@n8n/scan-community-package@${SCANNER_VERSION}`], cache);
}
const { analyzePackage } = await import(pathToFileURL(entry).href);

/** ESLint's JSON-like results are only in the formatted text: count errors per rule from it. */
function errorsIn(details) {
	return [...(details ?? '').matchAll(/^\s+\d+:\d+\s+error\s+.*?\s(\S+)$/gm)].map((m) => m[1]);
}

let failed = false;
async function check(label, dir, patterns) {
	const result = await analyzePackage(dir, patterns);
	const errors = errorsIn(result.details);
	const blocking = errors.filter((rule) => !ignored.has(rule));
	if (result.passed) console.log(`scan: ${label}: passed`);
	else if (blocking.length === 0 && errors.length > 0) console.log(`scan: ${label}: passed but for the ignored rules (${[...new Set(errors)].join(', ')})`);
	else {
		failed = true;
		console.log(`scan: ${label}: FAILED — ${result.message}\n${result.details ?? ''}`);
	}
}

console.log(allRules ? 'scan: every rule on' : `scan: ignoring ${IGNORED_UNTIL_PUBLISH.join(', ')}`);
await check('sources', root, ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json']);

const packDir = mkdtempSync(join(tmpdir(), 'scan-pack-'));
try {
	if (!tarballArg) npm(['pack', '--ignore-scripts', `--pack-destination=${packDir}`], root);
	const tgz = tarballArg ? resolve(tarballArg) : join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz')));
	const tar = spawnSync('tar', ['-xzf', tgz, '-C', packDir], { encoding: 'utf8' });
	if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
	await check(`packed tarball ${tarballArg ? basename(tgz) : ''}`.trim(), join(packDir, 'package'));
} finally {
	rmSync(packDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
