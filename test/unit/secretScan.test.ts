import { leakedSecrets, reachableText } from '../../dev/harness/secrets';

// The tests' leak check must see where a leak would hide, or "no secret found" means nothing.
describe('the leak check used by the integration and fault tests', () => {
	const token = 't-0123456789abcdef0123456789abcdef';

	it("sees an error's message, description and cause chain, which JSON.stringify skips", () => {
		const inner = new Error('request failed');
		Object.assign(inner, { config: { headers: { Authorization: `Bearer ${token}` } } });
		const outer = new Error('Item 1 (index 0): wrapped');
		Object.defineProperty(outer, 'cause', { value: inner, enumerable: false });
		Object.defineProperty(outer, 'description', { value: 'see details', enumerable: false });
		expect(JSON.stringify(outer)).not.toContain(token);
		expect(leakedSecrets([{ json: { ok: true }, error: outer }], [token])).toEqual([token]);
		expect(reachableText(outer)).toContain('see details');
	});

	it('copes with cycles and finds nothing when nothing leaked', () => {
		const a: Record<string, unknown> = { name: 'a' };
		a.self = a;
		expect(leakedSecrets([a, new Error('fine')], [token, 'app-secret-xyz'])).toEqual([]);
	});
});

describe("the leak check and the trigger's secrets", () => {
	const encryptKey = 'emulator-encrypt-key-5f1c0e7a9b2d4c6e';
	const verificationToken = 'emulator-verification-token-8a7b6c5d4e3f';

	it('sees a secret inside a raw request body kept as a Buffer, and in a webhook answer', () => {
		const delivery = { status: 401, body: '{"code":401}', request: { rawBody: Buffer.from(`{"token":"${verificationToken}"}`) } };
		expect(leakedSecrets([delivery], [encryptKey, verificationToken])).toEqual([verificationToken]);
		expect(leakedSecrets([{ status: 200, body: `{"challenge":"x","key":"${encryptKey}"}` }], [encryptKey])).toEqual([encryptKey]);
	});
});
