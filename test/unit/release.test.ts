import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

/**
 * The release mechanics (issue 20): the publish workflow, the scripts it runs, and what `npm pack`
 * ships. GitHub Actions cannot run here: the workflow is checked as data, its scripts for real.
 */
const ROOT = path.join(__dirname, '..', '..');

interface Step {
	id?: string;
	name?: string;
	uses?: string;
	run?: string;
	if?: string;
	with?: Record<string, unknown>;
	env?: Record<string, string>;
}
interface Workflow {
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	jobs: Record<string, { steps: Step[] }>;
}

const workflow = (name: string): Workflow =>
	parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', name), 'utf8')) as Workflow;

/** The environment of a child process: PATH and HOME, plus what the test sets; nothing from `npm test`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir() };
	for (const key of ['TMPDIR', 'XDG_CACHE_HOME']) if (process.env[key]) env[key] = process.env[key];
	return { ...env, ...extra };
}

function node(script: string, args: string[], env: Record<string, string>, cwd = ROOT) {
	return spawnSync(process.execPath, [path.join(ROOT, script), ...args], { cwd, env: cleanEnv(env), encoding: 'utf8' });
}

const tempDirs: string[] = [];
function tempDir(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-test-'));
	tempDirs.push(dir);
	return dir;
}
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('the publish workflow', () => {
	const publish = workflow('publish.yml');
	const steps = Object.values(publish.jobs).flatMap((job) => job.steps);
	const runs = steps.map((s) => s.run ?? '');
	/** The index of the one step whose command matches; fails when none or several do. */
	const stepIndex = (pattern: RegExp) => {
		const found = runs.flatMap((run, i) => (pattern.test(run) ? [i] : []));
		expect(found).toHaveLength(1);
		return found[0];
	};

	it('runs on pushed v* tags only, with an OIDC token and no stored npm token', () => {
		expect(publish.on).toEqual({ push: { tags: ['v*'] } });
		expect(publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		expect(Object.keys(publish.jobs)).toHaveLength(1);
		expect(JSON.stringify(publish)).not.toMatch(/NPM_TOKEN|NODE_AUTH_TOKEN|secrets\./);
		const setupNode = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
		expect(setupNode?.with?.['node-version']).toBe(24);
	});

	it('checks the tag, tests, fills the metadata, builds, packs, scans the tarball with every rule, then publishes it', () => {
		const order = [
			stepIndex(/^node scripts\/release\/check-tag\.mjs$/),
			stepIndex(/^npm ci$/),
			stepIndex(/^npm test$/),
			stepIndex(/^node scripts\/release\/fill-metadata\.mjs$/),
			stepIndex(/^npm run build$/),
			stepIndex(/\bnpm pack\b/),
			stepIndex(/scripts\/scan\.mjs/),
			stepIndex(/\bnpm publish\b/),
		];
		expect(order).toEqual([...order].sort((a, b) => a - b));
		expect(order[order.length - 1]).toBe(steps.length - 1);
		// The checkout comes first; nothing else runs a command between these steps.
		expect(steps[0].uses).toMatch(/^actions\/checkout@/);
		expect(runs.filter((r) => r !== '')).toHaveLength(order.length);
	});

	it('passes the author email from the repository variable to the metadata step', () => {
		const fill = steps[stepIndex(/fill-metadata\.mjs/)];
		expect(fill.env).toEqual({ NPM_AUTHOR_EMAIL: '${{ vars.NPM_AUTHOR_EMAIL }}' });
	});

	it('scans the packed tarball with every rule on and publishes that tarball, with provenance, only if the scan passed', () => {
		const pack = steps[stepIndex(/\bnpm pack\b/)];
		expect(pack.id).toBe('pack');
		expect(pack.run).toMatch(/^npm pack --ignore-scripts --pack-destination release$/m);
		// "./": a bare release/<file>.tgz is a GitHub repository to npm.
		expect(pack.run).toContain('echo "tarball=./release/');
		expect(pack.run).toContain('>> "$GITHUB_OUTPUT"');

		const scan = steps[stepIndex(/scripts\/scan\.mjs/)];
		expect(scan.id).toBe('scan');
		expect(scan.run).toBe('node scripts/scan.mjs --tarball "${{ steps.pack.outputs.tarball }}" --all-rules');
		expect(runs.join('\n')).not.toMatch(/npm run scan/); // that one ignores two rules

		const publishStep = steps[stepIndex(/\bnpm publish\b/)];
		expect(publishStep.run).toBe('npm publish "${{ steps.pack.outputs.tarball }}" --provenance --access public');
		expect(publishStep.if).toMatch(/steps\.scan\.outcome == 'success'/);
	});

	it('names only scripts that exist', () => {
		for (const run of runs) {
			for (const [script] of run.matchAll(/scripts\/[\w/.-]+\.mjs/g)) expect(fs.existsSync(path.join(ROOT, script))).toBe(true);
		}
	});
});

describe('CI keeps ignoring exactly the two metadata rules on the unpublished sources', () => {
	it('runs the scanner without --all-rules, ignoring valid-author and require-homepage only', () => {
		const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
		expect(pkg.scripts.scan).toBe('npm run build && node scripts/scan.mjs');
		const ci = workflow('ci.yml');
		expect(Object.values(ci.jobs).flatMap((job) => job.steps.map((s) => s.run))).toContain('npm run scan');
		const res = node('scripts/scan.mjs', ['--print-ignored'], {});
		expect(res.status).toBe(0);
		expect(JSON.parse(res.stdout)).toEqual(['@n8n/community-nodes/valid-author', '@n8n/community-nodes/require-homepage']);
	});
});

describe('scripts/release/fill-metadata.mjs', () => {
	const original = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
	const github = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme-hr/n8n-nodes-feishu-corehr' };
	const where = 'Settings → Secrets and variables → Actions → Variables';

	function fill(env: Record<string, string>) {
		const file = path.join(tempDir(), 'package.json');
		fs.copyFileSync(path.join(ROOT, 'package.json'), file);
		const before = fs.readFileSync(file, 'utf8');
		const res = node('scripts/release/fill-metadata.mjs', [file], env);
		const text = fs.readFileSync(file, 'utf8');
		return { ...res, changed: text !== before, pkg: JSON.parse(text) as Record<string, unknown> };
	}

	it('fills repository, homepage, bugs and the author email, and changes nothing else', () => {
		const res = fill({ ...github, NPM_AUTHOR_EMAIL: ' maintainers@acme-hr.example ' });
		expect(res.status).toBe(0);
		const { repository, homepage, bugs, author, ...rest } = res.pkg;
		expect(repository).toEqual({ type: 'git', url: 'git+https://github.com/acme-hr/n8n-nodes-feishu-corehr.git' });
		expect(homepage).toBe('https://github.com/acme-hr/n8n-nodes-feishu-corehr#readme');
		expect(bugs).toEqual({ url: 'https://github.com/acme-hr/n8n-nodes-feishu-corehr/issues' });
		expect(author).toEqual({ ...(original.author as object), email: 'maintainers@acme-hr.example' });
		const { author: _author, ...originalRest } = original;
		expect(rest).toEqual(originalRest);
	});

	it('fails, naming the variable and where to set it, when the email variable is unset or empty', () => {
		for (const env of [github, { ...github, NPM_AUTHOR_EMAIL: '' }]) {
			const res = fill(env);
			expect(res.status).toBe(1);
			expect(res.stderr).toContain('the repository variable NPM_AUTHOR_EMAIL is not set');
			expect(res.stderr).toContain(where);
			expect(res.changed).toBe(false);
		}
	});

	it('fails when the variable is not an email address', () => {
		const res = fill({ ...github, NPM_AUTHOR_EMAIL: 'maintainers at acme' });
		expect(res.status).toBe(1);
		expect(res.stderr).toContain('"maintainers at acme", which is not an email address');
		expect(res.changed).toBe(false);
	});

	it('fails outside GitHub Actions context, and marks its message as an error annotation inside it', () => {
		const res = fill({ NPM_AUTHOR_EMAIL: 'a@b.example', GITHUB_SERVER_URL: 'https://github.com' });
		expect(res.status).toBe(1);
		expect(res.stderr).toContain('GITHUB_REPOSITORY must be owner/name');
		expect(fill({ ...github, GITHUB_ACTIONS: 'true' }).stderr).toMatch(/^::error::fill-metadata: /);
	});
});

describe('scripts/release/check-tag.mjs', () => {
	const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

	it('passes when the tag is v<package.json version> and CHANGELOG.md has its entry', () => {
		expect(version).toBe('1.0.0');
		expect(fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8')).toMatch(/^## \[1\.0\.0\]/m);
		expect(node('scripts/release/check-tag.mjs', [], { GITHUB_REF_NAME: `v${version}` }).status).toBe(0);
	});

	it('fails clearly on another tag', () => {
		const res = node('scripts/release/check-tag.mjs', [], { GITHUB_REF_NAME: 'v1.0.1' });
		expect(res.status).toBe(1);
		expect(res.stderr).toContain(`the tag "v1.0.1" does not match package.json's version ${version}`);
	});

	it('fails when CHANGELOG.md does not describe the version', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ version: '1.2.0' }));
		fs.writeFileSync(path.join(dir, 'CHANGELOG.md'), '# Changelog\n\n## [1.0.0] — 2026-12-01\n');
		const res = node('scripts/release/check-tag.mjs', [path.join(dir, 'package.json')], { GITHUB_REF_NAME: 'v1.2.0' });
		expect(res.status).toBe(1);
		expect(res.stderr).toContain('CHANGELOG.md has no "## [1.2.0]" entry');
	});

	it('fails when the version\'s CHANGELOG entry still says unreleased, so no tarball ships saying so', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ version: '1.2.0' }));
		fs.writeFileSync(path.join(dir, 'CHANGELOG.md'), '# Changelog\n\n## [1.2.0] — unreleased\n');
		const res = node('scripts/release/check-tag.mjs', [path.join(dir, 'package.json')], { GITHUB_REF_NAME: 'v1.2.0' });
		expect(res.status).toBe(1);
		expect(res.stderr).toContain('still says "unreleased"');
	});
});

describe('npm pack', () => {
	/** Every file of dist/ under `dir`, relative to `dir`. */
	function walk(dir: string, sub = 'dist'): string[] {
		return fs.readdirSync(path.join(dir, sub), { withFileTypes: true }).flatMap((e) =>
			e.isDirectory() ? walk(dir, `${sub}/${e.name}`) : [`${sub}/${e.name}`],
		);
	}

	it(
		'ships only what n8n loads: compiled nodes and credentials with icons and codex files, README, LICENSE, CHANGELOG, package.json',
		() => {
			// Built and packed in a copy of the working tree, so a build running next to the tests
			// cannot change what this one sees.
			const copy = tempDir();
			const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
			expect(listed.status).toBe(0);
			const files = listed.stdout.split('\n').filter((f) => f && fs.lstatSync(path.join(ROOT, f), { throwIfNoEntry: false })?.isFile());
			for (const file of files) {
				fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
				fs.copyFileSync(path.join(ROOT, file), path.join(copy, file));
			}
			fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
			const npm = (args: string[]) => spawnSync('npm', args, { cwd: copy, env: cleanEnv(), encoding: 'utf8' });

			const build = npm(['run', 'build']);
			if (build.status !== 0) throw new Error(`npm run build failed in the copy:\n${build.stdout}\n${build.stderr}`);
			const pack = npm(['pack', '--dry-run', '--json', '--ignore-scripts']);
			if (pack.status !== 0) throw new Error(`npm pack failed in the copy:\n${pack.stderr}`);
			const [result] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{ files: Array<{ path: string }> }>;
			const shipped = result.files.map((f) => f.path).sort();

			// Exactly the build's output without source maps (their .ts sources do not ship), plus the four files.
			const built = walk(copy);
			expect(built.some((f) => f.endsWith('.js.map'))).toBe(true);
			expect(shipped).toEqual(
				[...built.filter((f) => !f.endsWith('.map')), 'CHANGELOG.md', 'LICENSE.md', 'README.md', 'package.json'].sort(),
			);
			const allowed = [
				/^dist\/credentials\/[^/]+\.(js|svg|png)$/,
				/^dist\/nodes\/.+\.(js|svg|png|node\.json)$/,
				/^(README\.md|LICENSE\.md|CHANGELOG\.md|package\.json)$/,
			];
			expect(shipped.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([]);
			expect(shipped.filter((f) => /\.(ts|map)$|^(test|dev|scripts|bench|examples|nodes|credentials)\//.test(f))).toEqual([]);

			// What package.json tells n8n to load, and each node's codex file and icons, are there.
			const pkg = JSON.parse(fs.readFileSync(path.join(copy, 'package.json'), 'utf8')) as { n8n: { nodes: string[]; credentials: string[] } };
			for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(shipped).toContain(file);
			for (const nodeFile of pkg.n8n.nodes) {
				const dir = path.posix.dirname(nodeFile);
				expect(shipped).toContain(nodeFile.replace(/\.js$/, '.json'));
				expect(shipped.filter((f) => f.startsWith(`${dir}/`) && f.endsWith('.svg')).length).toBeGreaterThanOrEqual(2);
			}
		},
		180_000,
	);
});
