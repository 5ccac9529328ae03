// Jest for the tests under test/ (kept out of package.json, which n8n's scanner reads as published metadata).
const path = require('path');

/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: [path.join(__dirname, 'test')],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
	testTimeout: 60000,
	// The tests mostly wait (on answers, back-offs, rate-limit windows) rather than compute: three
	// files at a time halve the wall time on a 2-core machine, and keep the suite honest about load.
	maxWorkers: 3,
	transformIgnorePatterns: ['/node_modules/(?!(p-retry|is-network-error)/)'],
	setupFiles: [path.join(__dirname, 'test', 'setup-env.ts')],
	setupFilesAfterEnv: [path.join(__dirname, 'test', 'setup-after-env.ts')],
};
