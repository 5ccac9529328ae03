// Loaded before n8n-core: n8n-core keeps instance settings in N8N_USER_FOLDER (default ~/.n8n), so
// the demo gives it a throwaway folder, removed on exit, and a key for it, so that n8n-core does
// not announce a generated key in the middle of the table.
import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

if (!process.env.N8N_USER_FOLDER) {
	const folder = mkdtempSync(join(tmpdir(), 'feishu-corehr-demo-'));
	process.env.N8N_USER_FOLDER = folder;
	process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
}
process.env.N8N_ENCRYPTION_KEY ??= randomBytes(24).toString('hex');
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'false';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
