/**
 * Joins an event Feishu split into `sum` frames (`seq` 0 … sum-1, one `message_id`). Bounded: a
 * message whose parts stop coming is forgotten after PART_TTL_MS, and at most MAX_PENDING messages
 * wait at once, so a misbehaving server cannot grow memory. Time is passed in: no timers.
 */

export const PART_TTL_MS = 30_000;
export const MAX_PENDING = 100;
export const MAX_PARTS = 1_000;
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

interface Pending {
	parts: Array<Uint8Array | undefined>;
	received: number;
	bytes: number;
	firstSeen: number;
}

export type PartResult =
	| { kind: 'complete'; data: Uint8Array }
	| { kind: 'waiting' }
	| { kind: 'invalid'; reason: string };

export class MessageAssembler {
	private readonly pending = new Map<string, Pending>();

	get waiting(): number {
		return this.pending.size;
	}

	add(part: { messageId: string | undefined; sum: string | undefined; seq: string | undefined; data: Uint8Array }, now: number): PartResult {
		this.expire(now);
		// Unsplit messages may come without the headers.
		const sum = part.sum === undefined ? 1 : Number(part.sum);
		const seq = part.seq === undefined ? 0 : Number(part.seq);
		if (!Number.isInteger(sum) || sum < 1 || sum > MAX_PARTS) return { kind: 'invalid', reason: `sum ${part.sum}` };
		if (!Number.isInteger(seq) || seq < 0 || seq >= sum) return { kind: 'invalid', reason: `seq ${part.seq} of ${sum}` };
		if (sum === 1) return { kind: 'complete', data: part.data };
		if (!part.messageId) return { kind: 'invalid', reason: 'a split message without message_id' };

		let entry = this.pending.get(part.messageId);
		if (entry && entry.parts.length !== sum) {
			return { kind: 'invalid', reason: `sum ${sum} after ${entry.parts.length} for one message` };
		}
		if (!entry) {
			if (this.pending.size >= MAX_PENDING) this.dropOldest();
			entry = { parts: new Array<Uint8Array | undefined>(sum).fill(undefined), received: 0, bytes: 0, firstSeen: now };
			this.pending.set(part.messageId, entry);
		}
		if (entry.parts[seq] === undefined) {
			entry.received++;
			entry.bytes += part.data.length;
		} else {
			entry.bytes += part.data.length - entry.parts[seq]!.length; // a resent part replaces the first
		}
		entry.parts[seq] = part.data;
		if (entry.bytes > MAX_MESSAGE_BYTES) {
			this.pending.delete(part.messageId);
			return { kind: 'invalid', reason: `a message over ${MAX_MESSAGE_BYTES} bytes` };
		}
		if (entry.received < sum) return { kind: 'waiting' };

		this.pending.delete(part.messageId);
		const data = new Uint8Array(entry.bytes);
		let offset = 0;
		for (const p of entry.parts as Uint8Array[]) {
			data.set(p, offset);
			offset += p.length;
		}
		return { kind: 'complete', data };
	}

	clear(): void {
		this.pending.clear();
	}

	private expire(now: number): void {
		for (const [id, entry] of this.pending) {
			if (now - entry.firstSeen >= PART_TTL_MS) this.pending.delete(id);
		}
	}

	private dropOldest(): void {
		const oldest = this.pending.keys().next();
		if (!oldest.done) this.pending.delete(oldest.value);
	}
}
