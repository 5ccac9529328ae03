import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CLEAN = path.join(__dirname, '..', '..', 'scripts', 'n8n', 'clean-npm-env.sh');

/** What a nested npm sees after the install script's clean-up, started as `npm run` starts it. */
function nestedNpmConfig(key: string): string {
	// A folder without .npmrc and a HOME without one: only the inherited variables could set it.
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-env-'));
	try {
		const res = spawnSync('bash', ['-c', `source "${CLEAN}"; npm config get ${key}`], {
			cwd: dir,
			encoding: 'utf8',
			env: {
				PATH: process.env.PATH ?? '',
				HOME: dir,
				npm_config_ignore_scripts: 'true',
				npm_config_nodedir: '/nonexistent/node-headers',
				npm_package_name: 'n8n-nodes-feishu-corehr',
			},
		});
		expect(res.status).toBe(0);
		return res.stdout.trim();
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

describe('installing n8n from inside an npm script', () => {
	it('lets the native-module rebuild run scripts although the project sets ignore-scripts', () => {
		expect(nestedNpmConfig('ignore-scripts')).toBe('false');
	});

	it('does not inherit a nodedir that points the rebuild at the wrong headers', () => {
		expect(nestedNpmConfig('nodedir')).not.toBe('/nonexistent/node-headers');
	});
});
