import Long from 'long';
import * as protobuf from 'protobufjs';
import {
	decodeFrame,
	encodeFrame,
	FrameDecodeError,
	headerValue,
} from '../../nodes/FeishuCoreHrTrigger/longConnection/frame';
import type { Frame } from '../../nodes/FeishuCoreHrTrigger/longConnection/frame';

// The SDK's schema, given to protobufjs as the independent reference for every byte below.
const REFERENCE = protobuf.parse(`
syntax = "proto2";
package pbbp2;
message Header { required string key = 1; required string value = 2; }
message Frame {
  required uint64 SeqID = 1;
  required uint64 LogID = 2;
  required int32 service = 3;
  required int32 method = 4;
  repeated Header headers = 5;
  optional string payload_encoding = 6;
  optional string payload_type = 7;
  optional bytes payload = 8;
  optional string LogIDNew = 9;
}`, { keepCase: true }).root.lookupType('pbbp2.Frame');

function referenceEncode(frame: Frame): Uint8Array {
	const message: Record<string, unknown> = {
		SeqID: Long.fromString(frame.seqId.toString(), true),
		LogID: Long.fromString(frame.logId.toString(), true),
		service: frame.service,
		method: frame.method,
		headers: frame.headers,
	};
	if (frame.payloadEncoding !== undefined) message.payload_encoding = frame.payloadEncoding;
	if (frame.payloadType !== undefined) message.payload_type = frame.payloadType;
	if (frame.payload !== undefined) message.payload = frame.payload;
	if (frame.logIdNew !== undefined) message.LogIDNew = frame.logIdNew;
	return REFERENCE.encode(REFERENCE.fromObject(message)).finish();
}

function referenceDecode(bytes: Uint8Array): Frame {
	const m = REFERENCE.toObject(REFERENCE.decode(bytes), { longs: String, bytes: Array }) as Record<string, unknown>;
	const frame: Frame = {
		seqId: BigInt(m.SeqID as string),
		logId: BigInt(m.LogID as string),
		service: m.service as number,
		method: m.method as number,
		headers: ((m.headers as Array<{ key: string; value: string }> | undefined) ?? []).map((h) => ({ key: h.key, value: h.value })),
	};
	if (m.payload_encoding !== undefined) frame.payloadEncoding = m.payload_encoding as string;
	if (m.payload_type !== undefined) frame.payloadType = m.payload_type as string;
	if (m.payload !== undefined) frame.payload = Uint8Array.from(m.payload as number[]);
	if (m.LogIDNew !== undefined) frame.logIdNew = m.LogIDNew as string;
	return frame;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

const PING: Frame = { seqId: 0n, logId: 0n, service: 33554678, method: 0, headers: [{ key: 'type', value: 'ping' }] };

const EVENT: Frame = {
	seqId: 7140964208476371331n,
	logId: (1n << 64n) - 1n,
	service: 33554678,
	method: 1,
	headers: [
		{ key: 'type', value: 'event' },
		{ key: 'message_id', value: 'msg-1' },
		{ key: 'sum', value: '2' },
		{ key: 'seq', value: '0' },
		{ key: 'trace_id', value: '试用期' },
	],
	payloadEncoding: '',
	payloadType: 'json',
	payload: new TextEncoder().encode('{"schema":"2.0","event":{"probation_status":"waiting"}}'),
	logIdNew: '20261124-abc',
};

describe('long-connection frame codec', () => {
	it('encodes a ping byte for byte as hand-computed from the schema', () => {
		// 08 00 · 10 00 · 18 varint(33554678) · 20 00 · 2a 0c (0a 04 "type" 12 04 "ping")
		expect(hex(encodeFrame(PING))).toBe('0800100018f681801020002a0c0a0474797065120470696e67');
	});

	it('writes the same bytes as protobufjs for pings, events, 64-bit IDs and negative int32', () => {
		const frames: Frame[] = [
			PING,
			EVENT,
			{ seqId: 1n, logId: 300n, service: -1, method: -2147483648, headers: [] },
			{ seqId: 0n, logId: 0n, service: 2147483647, method: 1, headers: [], payload: new Uint8Array(0) },
			{ ...EVENT, payload: new Uint8Array(70_000).map((_, i) => i % 251) },
		];
		for (const frame of frames) {
			const bytes = encodeFrame(frame);
			expect(hex(bytes)).toBe(hex(referenceEncode(frame)));
			expect(referenceDecode(bytes)).toEqual(frame);
			expect(decodeFrame(referenceEncode(frame))).toEqual(frame);
		}
	});

	it('keeps SeqID and LogID exact beyond 2^53 (no rounding on the way back)', () => {
		const frame = decodeFrame(encodeFrame(EVENT));
		expect(frame.seqId).toBe(7140964208476371331n);
		expect(frame.logId).toBe(18446744073709551615n);
		// uint64 max is ten bytes: nine 0xff and 0x01.
		expect(hex(encodeFrame({ ...PING, seqId: (1n << 64n) - 1n }))).toContain('08ffffffffffffffffff01');
	});

	it('round-trips frames built from varied values', () => {
		let state = 12345;
		const next = (): number => (state = (state * 1103515245 + 12345) % 2147483648);
		for (let i = 0; i < 200; i++) {
			const frame: Frame = {
				seqId: (BigInt(next()) << 33n) ^ BigInt(next()),
				logId: BigInt(next()),
				service: next() - 1073741824,
				method: next() % 2,
				headers: Array.from({ length: next() % 4 }, (_, k) => ({ key: `k${k}`, value: String(next()) })),
			};
			if (next() % 2) frame.payload = Uint8Array.from({ length: next() % 300 }, () => next() % 256);
			const bytes = encodeFrame(frame);
			expect(hex(bytes)).toBe(hex(referenceEncode(frame)));
			expect(decodeFrame(bytes)).toEqual(frame);
		}
	});

	it('skips unknown fields of every wire type, in the frame and in a header', () => {
		const unknown = fromHex(
			[
				'50 9601', // field 10, varint 150
				'59 0102030405060708', // field 11, fixed64
				'62 03 616263', // field 12, bytes "abc"
				'6d 01020304', // field 13, fixed32
				'73 0801 74', // field 14, a group (start 0x73, field 1 = 1, end 0x74)
			].join(''),
		);
		expect(decodeFrame(new Uint8Array([...unknown, ...encodeFrame(PING), ...unknown]))).toEqual(PING);
		// A header with an unknown varint field 3 between its key and value.
		const header = fromHex('2a0e 0a0474797065 1805 120470696e67');
		expect(decodeFrame(new Uint8Array([...fromHex('0800 1000 18f6818010 2000'), ...header]))).toEqual(PING);
	});

	it('lets a later scalar win and reads int32 from a ten-byte varint', () => {
		const bytes = new Uint8Array([...encodeFrame(PING), ...fromHex('20 01'), ...fromHex('18 ffffffffffffffffff01')]);
		const frame = decodeFrame(bytes);
		expect(frame.method).toBe(1);
		expect(frame.service).toBe(-1);
	});

	it('refuses truncated, incomplete or mistyped frames with a clear error', () => {
		const good = encodeFrame(EVENT);
		expect(() => decodeFrame(good.subarray(0, good.length - 3))).toThrow(FrameDecodeError);
		expect(() => decodeFrame(good.subarray(0, good.length - 3))).toThrow('runs past the end');
		expect(() => decodeFrame(fromHex('0800 1000 1801'))).toThrow('missing method');
		expect(() => decodeFrame(fromHex('0a00'))).toThrow('field 1 has wire type 2, expected 0');
		expect(() => decodeFrame(fromHex('08 ffffffffffffffffffff01'))).toThrow('longer than ten bytes');
		expect(() => decodeFrame(fromHex('0800 1000 1801 2000 2a02 0a00'))).toThrow('lacks its key or value');
		expect(() => decodeFrame(fromHex('0800 1000 1801 2000 73 0801'))).toThrow('group 14 is not closed');
		expect(() => decodeFrame(fromHex('0800 1000 1801 2000 0f'))).toThrow('wire type 7');
		expect(() => decodeFrame(fromHex('0800 1000 1801 2000 3202 c328'))).toThrow('field 6 is not UTF-8');
	});

	it('refuses to encode values outside their types', () => {
		expect(() => encodeFrame({ ...PING, seqId: -1n })).toThrow(RangeError);
		expect(() => encodeFrame({ ...PING, logId: 1n << 64n })).toThrow(RangeError);
		expect(() => encodeFrame({ ...PING, service: 2 ** 31 })).toThrow(RangeError);
		expect(() => encodeFrame({ ...PING, method: 0.5 })).toThrow(RangeError);
	});

	it('finds a header by key', () => {
		expect(headerValue(EVENT, 'message_id')).toBe('msg-1');
		expect(headerValue(EVENT, 'biz_rt')).toBeUndefined();
	});
});
