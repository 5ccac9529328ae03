import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

// What is published (nodes/, credentials/, package.json) gets the rules n8n's package scanner
// applies: the legacy n8n-nodes-base configs and the community-nodes plugin's recommended config.
// The tools around it (tests, dev/, scripts/, bench/) get TypeScript's recommended rules.
const legacy = (name) => n8nNodesBase.configs[name].rules;
const published = ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'];
const tools = ['test/**/*.ts', 'dev/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'];

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'examples/**', 'gulpfile.js', 'eslint.config.mjs', '.n8n-dev/**', 'test/e2e/fixtures/**'] },
	{ ...n8nCommunityNodesPlugin.configs.recommended, files: published },
	...tseslint.configs.recommended.map((config) => ({ ...config, files: tools })),
	// `const { dropped, ...kept } = x` is how the tools strip fields.
	{ files: tools, rules: { '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }] } },
	{
		files: ['package.json'],
		languageOptions: { parser: { parse: (text) => ({ type: 'Program', body: [], sourceType: 'module', range: [0, text.length], loc: { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } }, tokens: [], comments: [] }) } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: legacy('community'),
	},
	{
		files: ['credentials/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...legacy('credentials'),
			// Documented as applying only to n8n's own repository, where docs slugs are camelCase.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...legacy('nodes'),
			// These legacy rules want the literal ['main']; n8n's current scanner requires
			// NodeConnectionTypes.Main instead (and no longer applies them).
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
];
