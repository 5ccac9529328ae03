import { createDecipheriv, createHash, timingSafeEqual } from 'crypto';

/**
 * Feishu's event encryption (FEISHU-EVENTS.md): key = SHA-256 of the Encrypt Key, AES-256-CBC,
 * the IV is the first 16 bytes of the base64-decoded data, PKCS#7 padding.
 * Throws a plain Error (no key material in it) when the data does not decrypt.
 */
export function decryptEvent(encryptKey: string, encrypted: string): string {
	const data = Buffer.from(encrypted, 'base64');
	if (data.length < 32 || data.length % 16 !== 0) throw new Error('the encrypted body is not AES-256-CBC data');
	const key = createHash('sha256').update(encryptKey, 'utf8').digest();
	const decipher = createDecipheriv('aes-256-cbc', key, data.subarray(0, 16));
	let plain: Buffer | undefined;
	try {
		plain = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]);
	} catch {
		plain = undefined;
	}
	// A wrong key shows up as bad padding: say which, not how.
	if (plain === undefined) throw new Error('the body does not decrypt with the Encrypt Key');
	return plain.toString('utf8');
}

/** X-Lark-Signature: hex SHA-256 of timestamp + nonce + Encrypt Key + the raw request body. */
export function eventSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer | string): string {
	return createHash('sha256')
		.update(Buffer.concat([Buffer.from(timestamp + nonce + encryptKey, 'utf8'), Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody, 'utf8')]))
		.digest('hex');
}

/** Compares two secrets-derived strings in constant time (no early exit that a timer could see). */
export function sameSecret(given: string, expected: string): boolean {
	// Hashing first gives equal lengths, so the comparison itself never leaks the expected length.
	const a = createHash('sha256').update(given, 'utf8').digest();
	const b = createHash('sha256').update(expected, 'utf8').digest();
	return timingSafeEqual(a, b);
}
