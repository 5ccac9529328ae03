/**
 * Feishu / Lark CoreHR emulator: an HTTP server on loopback that answers the probation-assessment
 * APIs, probation submit / withdraw / edit / enable_disable_assessment, employees/search (and the
 * token endpoint) the way the Open Platform does, with fault injection for tests. README.md beside
 * this file lists what it models.
 */
export { startEmulator, DEFAULT_APP, EMPLOYEE_SEARCH_PATH, PROBATION_SEARCH_PATH } from './server';
export { DEFAULT_ASSESSMENT_APP_URL, DEMO_SEED, PEOPLE_SEED, generatedSeed } from './state';
export { PEOPLE_CASES, UNKNOWN_EMPLOYEE, generatedPerson } from './people';
export type { PeopleCase, PeopleCaseEmployment, PeopleCaseName } from './people';
export { userIds } from './ids';
export { DEFAULT_GRADE_OPTIONS } from './labels';
export { TOKEN_PATH } from './faults';
export { ALREADY_IN_STATE } from './lifecycle';
export * from './types';
export { ENDPOINT_FAULT_CODES, FEISHU_CLIENT_CONFIG, LONG_CONNECTION_ENDPOINT_PATH } from './longConnection';
export type {
	AckRecord,
	EndpointFault,
	LongConnectionClientConfig,
	LongConnectionControls,
	LongConnectionInfo,
	PushOptions,
	PushResult,
} from './longConnection';
export { DEFAULT_EVENT_SECRETS, DELIVERY_KINDS, eventCredentialFields, buildDelivery, deliver, probationEnvelope, setProbationStatus } from './events';
export type { DeliveryKind, DeliveryResult, EventSecrets, ProbationEventSpec } from './events';
