#!/usr/bin/env node
// Fills package.json's repository, homepage, bugs and author email just before the publish
// workflow packs the package (.github/workflows/publish.yml). The repository's real address and
// the maintainers' email are not committed: the address comes from the GitHub context the
// workflow runs in, the email from a repository variable. The filled file is never committed.
//
//   GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=owner/name NPM_AUTHOR_EMAIL=a@b.c \
//     node scripts/release/fill-metadata.mjs [path/to/package.json]
//
// Plain Node, no dependencies. Exits 1 with a message naming what is missing.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const EMAIL_VARIABLE = 'NPM_AUTHOR_EMAIL';

const file = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');
const { GITHUB_SERVER_URL: serverUrl = '', GITHUB_REPOSITORY: repository = '' } = process.env;
const email = (process.env[EMAIL_VARIABLE] ?? '').trim();

function fail(message) {
	// In Actions, "::error::" shows the message on the run's summary page too.
	console.error(`${process.env.GITHUB_ACTIONS === 'true' ? '::error::' : ''}fill-metadata: ${message}`);
	process.exit(1);
}

if (!/^https?:\/\/[^/\s]+$/.test(serverUrl.replace(/\/$/, ''))) {
	fail(`GITHUB_SERVER_URL must be the server's address, e.g. https://github.com (got "${serverUrl}"). GitHub Actions sets it.`);
}
if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
	fail(`GITHUB_REPOSITORY must be owner/name (got "${repository}"). GitHub Actions sets it.`);
}
const where = 'Settings → Secrets and variables → Actions → Variables';
if (email === '') {
	fail(`the repository variable ${EMAIL_VARIABLE} is not set. Set it to the email npm and n8n should show as the author's (${where} → New repository variable), then run the workflow again.`);
}
if (!/^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/.test(email)) {
	fail(`the repository variable ${EMAIL_VARIABLE} is "${email}", which is not an email address. Correct it under ${where}.`);
}

const base = `${serverUrl.replace(/\/$/, '')}/${repository}`;
const pkg = JSON.parse(readFileSync(file, 'utf8'));
pkg.repository = { type: 'git', url: `git+${base}.git` };
pkg.homepage = `${base}#readme`;
pkg.bugs = { url: `${base}/issues` };
const author = typeof pkg.author === 'object' && pkg.author ? pkg.author : { name: String(pkg.author ?? '').replace(/\s*[<(].*$/, '') };
pkg.author = { ...author, email };
writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
console.log(`fill-metadata: ${file}: repository ${pkg.repository.url}, homepage ${pkg.homepage}, bugs ${pkg.bugs.url}, author email set`);
