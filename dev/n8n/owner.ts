/**
 * The owner account of a local n8n: created through the REST API on a fresh instance (what the
 * setup page does), then used to log in. `npm run dev` and the browser check share it.
 */

/** A local-only login (n8n wants an owner account before it shows the editor). */
export const OWNER = { email: 'dev@example.com', firstName: 'Dev', lastName: 'Owner', password: 'FeishuDev2025' } as const;

/** The `n8n-auth=…` cookie of an answer, if it set one. */
export function authCookieOf(res: Response): string | undefined {
	const raw = res.headers.get('set-cookie');
	const match = raw ? /n8n-auth=[^;]+/.exec(raw) : null;
	return match ? match[0] : undefined;
}

/** Creates the owner account on a fresh instance; returns the session cookie, or undefined if one exists. */
export async function ensureOwner(url: string): Promise<string | undefined> {
	const settings = (await (await fetch(`${url}/rest/settings`)).json()) as {
		data?: { userManagement?: { showSetupOnFirstLoad?: boolean } };
	};
	if (settings.data?.userManagement?.showSetupOnFirstLoad !== true) return undefined;
	const res = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	if (!res.ok) throw new Error(`owner setup failed: HTTP ${res.status} ${await res.text()}`);
	return authCookieOf(res);
}

/** Logs the owner in through the REST API; returns the session cookie. */
export async function loginOwner(url: string): Promise<string> {
	const res = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		// 1.x and 2.x both take emailOrLdapLoginId
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
	});
	const cookie = authCookieOf(res);
	if (!res.ok || cookie === undefined) throw new Error(`login failed: HTTP ${res.status} ${await res.text()}`);
	return cookie;
}
