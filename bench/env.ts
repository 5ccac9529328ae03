// n8n-core keeps instance settings in N8N_USER_FOLDER (default ~/.n8n): the benchmark uses a
// throwaway one, like the tests, with its settings file in place so n8n-core has nothing to say.
// Imported first, before anything loads n8n-core.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created = process.env.N8N_USER_FOLDER === undefined ? mkdtempSync(join(tmpdir(), 'feishu-corehr-bench-')) : undefined;
if (created !== undefined) {
	process.env.N8N_USER_FOLDER = created;
	mkdirSync(join(created, '.n8n'));
	writeFileSync(join(created, '.n8n', 'config'), JSON.stringify({ encryptionKey: randomBytes(24).toString('base64') }), { mode: 0o600 });
}
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'false';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';

process.on('exit', () => {
	if (created !== undefined) rmSync(created, { recursive: true, force: true });
});
