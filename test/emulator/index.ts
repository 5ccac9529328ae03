/**
 * Feishu / Lark CoreHR emulator: an HTTP server on loopback that answers the probation-assessment
 * APIs (and the token endpoint) the way the Open Platform does, with fault injection for tests.
 */
export { startEmulator, DEFAULT_APP } from './server';
export { DEMO_SEED, generatedSeed } from './state';
export { DEFAULT_GRADE_OPTIONS } from './labels';
export { TOKEN_PATH } from './faults';
export * from './types';
