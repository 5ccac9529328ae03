#!/usr/bin/env node
// The publish workflow runs on a pushed tag v*: the tag must name package.json's version, and
// CHANGELOG.md must have an entry for it, or the release would publish another version than the
// one tagged, or one nobody described.
//
//   GITHUB_REF_NAME=v1.0.0 node scripts/release/check-tag.mjs [path/to/package.json]
//
// Plain Node, no dependencies. Exits 1 with a message saying what to change.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const file = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');
const { version } = JSON.parse(readFileSync(file, 'utf8'));
const tag = process.env.GITHUB_REF_NAME ?? '';

function fail(message) {
	console.error(`${process.env.GITHUB_ACTIONS === 'true' ? '::error::' : ''}check-tag: ${message}`);
	process.exit(1);
}

if (tag !== `v${version}`) {
	fail(`the tag "${tag}" does not match package.json's version ${version}. Tag the release v${version}, or set "version" to the tag's number, add it to CHANGELOG.md and tag that commit.`);
}
const changelog = join(dirname(file), 'CHANGELOG.md');
const escaped = version.replace(/[.+]/g, '\\$&');
if (!existsSync(changelog) || !new RegExp(`^## \\[?${escaped}\\]?[\\s—-]`, 'm').test(readFileSync(changelog, 'utf8'))) {
	fail(`CHANGELOG.md has no "## [${version}]" entry. Describe the release there before tagging it.`);
}
const entry = readFileSync(changelog, 'utf8').split('\n').find((line) => new RegExp(`^## \\[?${escaped}\\]?[\\s—-]`).test(line)) ?? '';
if (/unreleased/i.test(entry)) {
	fail(`CHANGELOG.md's entry for ${version} still says "unreleased": give it the release date (## [${version}] — YYYY-MM-DD) before tagging.`);
}
console.log(`check-tag: ${tag} matches package.json's version ${version}, which CHANGELOG.md describes`);
