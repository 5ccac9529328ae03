/**
 * The set-up most test files share: one emulator per file, reset before each test, and a
 * credential that points at it.
 */
import type { IDataObject } from 'n8n-workflow';

import type { AppConfig, Emulator } from '../../dev/emulator';
import { startEmulator } from '../../dev/emulator';
import { CREDENTIAL_ID, MemoryCredentialsHelper } from '../../dev/harness/n8nCore';

/** A credential for the emulator's default app (or `overrides`), as n8n would hold it. */
export function freshCredentials(emulator: Emulator, overrides: IDataObject = {}): MemoryCredentialsHelper {
	const credentials = new MemoryCredentialsHelper();
	credentials.set(CREDENTIAL_ID, { domain: 'custom', baseUrl: emulator.url, ...emulator.defaultApp, ...overrides });
	return credentials;
}

export interface EmulatorFixture {
	/** Seed the emulator starts with (default 0). */
	seed?: number;
	/** Seed each test starts from (default: `seed`). */
	resetTo?: number;
	/** Extra apps the emulator knows besides its default one. */
	apps?: AppConfig[];
	/** The app the credential uses (default: the emulator's default app). */
	app?: AppConfig;
}

/**
 * One emulator per test file, reset before each test with fresh credentials for it: `use`
 * receives both, so a file keeps its own `emulator` / `credentials` variables.
 */
export function withEmulator(use: (emulator: Emulator, credentials: MemoryCredentialsHelper) => void, fixture: number | EmulatorFixture = 0): void {
	const { seed = 0, resetTo, apps, app } = typeof fixture === 'number' ? { seed: fixture } : fixture;
	let emulator: Emulator | undefined;
	beforeAll(async () => {
		emulator = await startEmulator({ seed, ...(apps ? { apps } : {}) });
	});
	afterAll(async () => await emulator?.close());
	beforeEach(() => {
		emulator!.reset(resetTo ?? seed);
		use(emulator!, freshCredentials(emulator!, app ? { appId: app.appId, appSecret: app.appSecret } : {}));
	});
}
