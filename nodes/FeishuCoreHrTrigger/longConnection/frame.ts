/**
 * Feishu's long-connection frame (`pbbp2.Frame`, proto2), encoded and decoded by hand: verified
 * community nodes may not import a protobuf library, and the message is small. Pure functions.
 *
 *   1 SeqID uint64 · 2 LogID uint64 · 3 service int32 · 4 method int32 · 5 headers (repeated
 *   Header{1 key, 2 value}) · 6 payload_encoding · 7 payload_type · 8 payload bytes · 9 LogIDNew
 *
 * SeqID and LogID are 64-bit: they are bigints here, so no ID loses precision on the way back.
 */

export interface FrameHeader {
	key: string;
	value: string;
}

export interface Frame {
	seqId: bigint;
	logId: bigint;
	service: number;
	/** 0 control (ping / pong), 1 data (events). */
	method: number;
	headers: FrameHeader[];
	payloadEncoding?: string;
	payloadType?: string;
	payload?: Uint8Array;
	logIdNew?: string;
}

export const FRAME_METHOD = { control: 0, data: 1 } as const;

/** A frame that is not a well-formed `pbbp2.Frame`. */
export class FrameDecodeError extends Error {
	constructor(message: string) {
		super(`Malformed long-connection frame: ${message}`);
		this.name = 'FrameDecodeError';
	}
}

const WIRE = { varint: 0, fixed64: 1, bytes: 2, startGroup: 3, endGroup: 4, fixed32: 5 } as const;
const UINT64_MAX = (1n << 64n) - 1n;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

// ---- encoding ------------------------------------------------------------------------------

class Writer {
	private readonly bytes: number[] = [];

	varint(value: bigint): void {
		let v = value;
		while (v > 0x7fn) {
			this.bytes.push(Number(v & 0x7fn) | 0x80);
			v >>= 7n;
		}
		this.bytes.push(Number(v));
	}

	tag(field: number, wireType: number): void {
		this.varint(BigInt((field << 3) | wireType));
	}

	uint64(field: number, value: bigint): void {
		if (value < 0n || value > UINT64_MAX) throw new RangeError(`field ${field}: ${value} is not a uint64`);
		this.tag(field, WIRE.varint);
		this.varint(value);
	}

	/** proto2 int32: a negative value is sign-extended to ten bytes, as protobuf does. */
	int32(field: number, value: number): void {
		if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
			throw new RangeError(`field ${field}: ${value} is not an int32`);
		}
		this.tag(field, WIRE.varint);
		this.varint(BigInt.asUintN(64, BigInt(value)));
	}

	bytesField(field: number, value: Uint8Array): void {
		this.tag(field, WIRE.bytes);
		this.varint(BigInt(value.length));
		for (const b of value) this.bytes.push(b);
	}

	string(field: number, value: string): void {
		this.bytesField(field, utf8Encoder.encode(value));
	}

	finish(): Uint8Array {
		return Uint8Array.from(this.bytes);
	}
}

function encodeHeader(header: FrameHeader): Uint8Array {
	const w = new Writer();
	w.string(1, header.key);
	w.string(2, header.value);
	return w.finish();
}

/** The frame's bytes, fields in number order (as protobuf encoders write them). */
export function encodeFrame(frame: Frame): Uint8Array {
	const w = new Writer();
	w.uint64(1, frame.seqId);
	w.uint64(2, frame.logId);
	w.int32(3, frame.service);
	w.int32(4, frame.method);
	for (const header of frame.headers) w.bytesField(5, encodeHeader(header));
	if (frame.payloadEncoding !== undefined) w.string(6, frame.payloadEncoding);
	if (frame.payloadType !== undefined) w.string(7, frame.payloadType);
	if (frame.payload !== undefined) w.bytesField(8, frame.payload);
	if (frame.logIdNew !== undefined) w.string(9, frame.logIdNew);
	return w.finish();
}

// ---- decoding ------------------------------------------------------------------------------

class Reader {
	pos = 0;

	constructor(private readonly buf: Uint8Array) {}

	get done(): boolean {
		return this.pos >= this.buf.length;
	}

	varint(): bigint {
		let result = 0n;
		for (let shift = 0n; shift < 70n; shift += 7n) {
			if (this.pos >= this.buf.length) throw new FrameDecodeError('a varint runs past the end');
			const b = this.buf[this.pos++];
			result |= BigInt(b & 0x7f) << shift;
			if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
		}
		throw new FrameDecodeError('a varint is longer than ten bytes');
	}

	take(n: number): Uint8Array {
		if (n > this.buf.length - this.pos) throw new FrameDecodeError('a field runs past the end');
		const out = this.buf.subarray(this.pos, this.pos + n);
		this.pos += n;
		return out;
	}

	lengthDelimited(): Uint8Array {
		const n = this.varint();
		if (n > BigInt(this.buf.length - this.pos)) throw new FrameDecodeError('a field runs past the end');
		return this.take(Number(n));
	}

	/** Reads a field key; returns the field number and wire type. */
	key(): { field: number; wireType: number } {
		const k = this.varint();
		if (k > 0xffffffffn) throw new FrameDecodeError('a field key is out of range');
		const field = Number(k >> 3n);
		if (field === 0) throw new FrameDecodeError('field number 0');
		return { field, wireType: Number(k & 7n) };
	}

	/** Skips a field this decoder does not know, whatever its wire type (groups included). */
	skip(field: number, wireType: number): void {
		switch (wireType) {
			case WIRE.varint:
				this.varint();
				return;
			case WIRE.fixed64:
				this.take(8);
				return;
			case WIRE.bytes:
				this.lengthDelimited();
				return;
			case WIRE.fixed32:
				this.take(4);
				return;
			case WIRE.startGroup:
				for (;;) {
					if (this.done) throw new FrameDecodeError(`group ${field} is not closed`);
					const inner = this.key();
					if (inner.wireType === WIRE.endGroup) {
						if (inner.field !== field) throw new FrameDecodeError(`group ${field} closed as ${inner.field}`);
						return;
					}
					this.skip(inner.field, inner.wireType);
				}
			default:
				throw new FrameDecodeError(`field ${field} has wire type ${wireType}`);
		}
	}
}

function expectWireType(field: number, got: number, want: number): void {
	if (got !== want) throw new FrameDecodeError(`field ${field} has wire type ${got}, expected ${want}`);
}

function utf8(field: number, bytes: Uint8Array): string {
	let text: string | undefined;
	try {
		text = utf8Decoder.decode(bytes);
	} catch {
		text = undefined; // reported below: n8n's scanner wants no plain error thrown from a catch
	}
	if (text === undefined) throw new FrameDecodeError(`field ${field} is not UTF-8 text`);
	return text;
}

/** int32 as protobuf reads it: the low 32 bits of the varint, signed. */
function toInt32(v: bigint): number {
	return Number(BigInt.asIntN(32, v));
}

function decodeHeader(bytes: Uint8Array): FrameHeader {
	const r = new Reader(bytes);
	let key: string | undefined;
	let value: string | undefined;
	while (!r.done) {
		const { field, wireType } = r.key();
		if (field === 1 || field === 2) {
			expectWireType(field, wireType, WIRE.bytes);
			const text = utf8(field, r.lengthDelimited());
			if (field === 1) key = text;
			else value = text;
		} else {
			r.skip(field, wireType);
		}
	}
	if (key === undefined || value === undefined) throw new FrameDecodeError('a header lacks its key or value');
	return { key, value };
}

/**
 * Reads a frame. Unknown fields are skipped (a newer server may add some); the required fields
 * must be present; a later occurrence of a scalar wins, as in protobuf.
 */
export function decodeFrame(bytes: Uint8Array): Frame {
	const r = new Reader(bytes);
	let seqId: bigint | undefined;
	let logId: bigint | undefined;
	let service: number | undefined;
	let method: number | undefined;
	const frame: Partial<Frame> & { headers: FrameHeader[] } = { headers: [] };
	while (!r.done) {
		const { field, wireType } = r.key();
		switch (field) {
			case 1:
				expectWireType(field, wireType, WIRE.varint);
				seqId = r.varint();
				break;
			case 2:
				expectWireType(field, wireType, WIRE.varint);
				logId = r.varint();
				break;
			case 3:
				expectWireType(field, wireType, WIRE.varint);
				service = toInt32(r.varint());
				break;
			case 4:
				expectWireType(field, wireType, WIRE.varint);
				method = toInt32(r.varint());
				break;
			case 5:
				expectWireType(field, wireType, WIRE.bytes);
				frame.headers.push(decodeHeader(r.lengthDelimited()));
				break;
			case 6:
				expectWireType(field, wireType, WIRE.bytes);
				frame.payloadEncoding = utf8(field, r.lengthDelimited());
				break;
			case 7:
				expectWireType(field, wireType, WIRE.bytes);
				frame.payloadType = utf8(field, r.lengthDelimited());
				break;
			case 8:
				expectWireType(field, wireType, WIRE.bytes);
				// A copy: the caller's buffer may be reused once this returns.
				frame.payload = Uint8Array.from(r.lengthDelimited());
				break;
			case 9:
				expectWireType(field, wireType, WIRE.bytes);
				frame.logIdNew = utf8(field, r.lengthDelimited());
				break;
			default:
				r.skip(field, wireType);
		}
	}
	const missing = [
		seqId === undefined && 'SeqID',
		logId === undefined && 'LogID',
		service === undefined && 'service',
		method === undefined && 'method',
	].filter(Boolean);
	if (missing.length > 0) throw new FrameDecodeError(`missing ${missing.join(', ')}`);
	return { ...frame, seqId: seqId!, logId: logId!, service: service!, method: method! };
}

/** The value of the first header named `key`. */
export function headerValue(frame: Frame, key: string): string | undefined {
	return frame.headers.find((h) => h.key === key)?.value;
}
