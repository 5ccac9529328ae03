/**
 * The bare floor the node is compared with: one keep-alive socket, one token exchange, then the
 * same PATCHes the node sends (same path, query, headers and body), one after the other, nothing
 * else. Plain JavaScript so any Node binary runs it as it is: imported in-process by bench/run.ts,
 * and run as a child under the Node binary a real n8n uses:
 *
 *   node bench/keepAliveLoop.mjs <job.json>     → prints {"ms":…,"count":…,"failed":…} on stdout
 *
 * job.json: {"baseUrl","appId","appSecret","ids":[…],"body":{…},"runId":"…"}
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { pathToFileURL } from 'node:url';

const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
const ASSESSMENTS_PATH = '/open-apis/corehr/v2/probation/assessments';

function call(agent, url, method, headers, payload) {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(payload) } }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				try {
					resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
				} catch (error) {
					reject(error);
				}
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(payload);
	});
}

/**
 * @param {{baseUrl: string, appId: string, appSecret: string, ids: string[], body: object, runId: string}} job
 * @returns {Promise<{ms: number, count: number, failed: number}>} ms: the PATCH loop alone
 */
export async function keepAliveLoop(job) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	try {
		const json = { 'Content-Type': 'application/json; charset=utf-8' };
		const token = await call(agent, `${job.baseUrl}${TOKEN_PATH}`, 'POST', json, JSON.stringify({ app_id: job.appId, app_secret: job.appSecret }));
		if (token.body?.code !== 0) throw new Error(`token exchange failed: code ${String(token.body?.code)}`);
		const headers = { ...json, Authorization: `Bearer ${token.body.tenant_access_token}` };
		const payload = JSON.stringify(job.body);
		let failed = 0;
		const started = performance.now();
		for (let i = 0; i < job.ids.length; i++) {
			const url = `${job.baseUrl}${ASSESSMENTS_PATH}/${job.ids[i]}?client_token=${encodeURIComponent(`bare-${job.runId}-${i}`)}`;
			const answer = await call(agent, url, 'PATCH', headers, payload);
			if (answer.status !== 200 || answer.body?.code !== 0) failed++;
		}
		return { ms: performance.now() - started, count: job.ids.length, failed };
	} finally {
		agent.destroy();
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
	keepAliveLoop(job).then(
		(result) => process.stdout.write(`${JSON.stringify(result)}\n`),
		(error) => {
			process.stderr.write(`keepAliveLoop: ${error instanceof Error ? error.message : String(error)}\n`);
			process.exitCode = 1;
		},
	);
}
