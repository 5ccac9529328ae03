#!/usr/bin/env node
// `npm test` and `npm run demo` must work on a fresh clone (they call this first; not as pre-scripts,
// which the project's ignore-scripts setting skips): install the locked dev dependencies
// first when they are missing or older than the lockfile. Plain JS: it runs before anything is installed.
const { existsSync, statSync } = require('fs');
const { execSync } = require('child_process');
const { join } = require('path');

const root = join(__dirname, '..');
const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
	console.log('Installing the locked dev dependencies (npm ci)…');
	execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
