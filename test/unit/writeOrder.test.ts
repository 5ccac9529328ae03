/**
 * WriteOrder, the one owner of the order of a run's writes and of On Error → Stop, against a
 * transport whose answers the test hands out one by one: what may go, and when, by item.
 */
import type { FeishuRequest, FeishuRequester, FeishuResponse } from '../../nodes/shared/transport';
import { NotStarted, targetKey, WriteOrder } from '../../nodes/FeishuCoreHr/actions/writeOrder';

/** Lets every pending promise callback run. */
const settle = async () => await new Promise((resolve) => setTimeout(resolve, 5));

/** A transport that records each request and answers (or fails) it when the test says. */
class HeldTransport implements FeishuRequester {
	readonly sent: FeishuRequest[] = [];

	private readonly answers = new Map<FeishuRequest, { resolve: () => void; reject: (e: Error) => void }>();

	async request<T>(request: FeishuRequest): Promise<FeishuResponse<T>> {
		// What the real transport does right before an attempt goes out.
		if (request.stop?.aborted) throw request.stop.reason as Error;
		this.sent.push(request);
		await new Promise<void>((resolve, reject) => this.answers.set(request, { resolve, reject }));
		return { code: 0, msg: 'ok', data: {} as T, attempts: [] };
	}

	/** Items whose request went out, in order. */
	get items(): number[] {
		return this.sent.map((r) => r.itemIndex as number);
	}

	answer(itemIndex: number, error?: Error): void {
		const request = this.sent.find((r) => r.itemIndex === itemIndex && this.answers.has(r));
		if (!request) throw new Error(`item ${itemIndex} has nothing on its way`);
		const answer = this.answers.get(request);
		this.answers.delete(request);
		if (error) answer?.reject(error);
		else answer?.resolve();
	}
}

const patch = (itemIndex: number, assessment = `a${itemIndex}`): FeishuRequest => ({
	method: 'PATCH',
	path: `/open-apis/corehr/v2/probation/assessments/${assessment}`,
	itemIndex,
});

/** The router's part: item i writes once; its failure or success is told to the order. */
function startItems(order: WriteOrder, transport: HeldTransport, count: number, request = patch): Array<Promise<string>> {
	const client = order.requester(transport);
	return Array.from({ length: count }, async (_, i) => {
		try {
			const ran = await order.run(i, [], async () => {
				await client.request(request(i));
				return 'written';
			});
			return ran ?? 'not started';
		} catch (error) {
			if (error instanceof NotStarted) return 'not sent';
			order.failed(i);
			return 'failed';
		} finally {
			order.finish(i);
		}
	});
}

describe('WriteOrder with On Error → Stop', () => {
	it('lets at most Requests in Parallel items from the earliest unfinished one be on their way', async () => {
		const order = new WriteOrder(3, true);
		const transport = new HeldTransport();
		const items = startItems(order, transport, 6);
		await settle();
		expect(transport.items).toEqual([0, 1, 2]);
		// Item 2 finishing makes no room: item 0 is still out.
		transport.answer(2);
		await settle();
		expect(transport.items).toEqual([0, 1, 2]);
		transport.answer(0);
		await settle();
		expect(transport.items).toEqual([0, 1, 2, 3]);
		transport.answer(1);
		transport.answer(3);
		await settle();
		transport.answer(4);
		transport.answer(5);
		expect(await Promise.all(items)).toEqual(Array(6).fill('written'));
	});

	it('sends nothing more for later items from the moment a write fails: those on their way finish, the others never go', async () => {
		const order = new WriteOrder(3, true);
		const transport = new HeldTransport();
		const items = startItems(order, transport, 8);
		await settle();
		expect(transport.items).toEqual([0, 1, 2]);
		// Item 0's success and item 1's failure come back in the same turn: item 0's place must not
		// let item 3 out, because item 1's failure stops the run before the next turn.
		transport.answer(0);
		transport.answer(1, new Error('Feishu refused the request'));
		await settle();
		transport.answer(2);
		const outcomes = await Promise.all(items);
		expect(transport.items).toEqual([0, 1, 2]);
		expect(outcomes).toEqual(['written', 'failed', 'written', 'not sent', 'not sent', 'not sent', 'not sent', 'not sent']);
		expect(order.stoppedAt).toBe(1);
	});

	it('holds back an item that passed its turn but was still waiting to send when an earlier item failed', async () => {
		const order = new WriteOrder(5, true);
		const transport = new HeldTransport();
		const client = order.requester(transport);
		// Item 1 has passed its turn and waits (as for a place, the pacer or a token) when item 0 fails.
		let releaseWait!: () => void;
		const waiting = new Promise<void>((resolve) => (releaseWait = resolve));
		const slow: FeishuRequester = {
			request: async <T>(request: FeishuRequest) => {
				if (request.itemIndex === 1) await waiting;
				return await transport.request<T>(request);
			},
		};
		const held = order.requester(slow);
		const zero = client.request(patch(0));
		const one = held.request(patch(1)).then(
			() => 'written',
			(e: unknown) => (e instanceof NotStarted ? 'not sent' : 'failed'),
		);
		await settle();
		transport.answer(0, new Error('Feishu refused the request'));
		await expect(zero).rejects.toThrow('Feishu refused');
		releaseWait();
		await settle();
		expect(transport.items).toEqual([0]);
		expect(await one).toBe('not sent');
	});

	it('stops at an item refused before sending: later items do not send, earlier ones do', async () => {
		const order = new WriteOrder(4, true);
		const transport = new HeldTransport();
		const client = order.requester(transport);
		const results: Array<Promise<string>> = [0, 1, 2, 3].map(async (i) => {
			try {
				if (i === 1) throw new Error('Assessment Status "finished" is not valid');
				await client.request(patch(i));
				return 'written';
			} catch (error) {
				if (error instanceof NotStarted) return 'not sent';
				order.failed(i);
				return 'failed';
			} finally {
				order.finish(i);
			}
		});
		await settle();
		transport.answer(0);
		expect(await Promise.all(results)).toEqual(['written', 'failed', 'not sent', 'not sent']);
		expect(transport.items).toEqual([0]);
	});
});

describe('WriteOrder with On Error → Continue', () => {
	it('lets every item go and stops nothing when one fails', async () => {
		const order = new WriteOrder(3, false);
		const transport = new HeldTransport();
		const items = startItems(order, transport, 3);
		await settle();
		transport.answer(0, new Error('refused'));
		transport.answer(1);
		transport.answer(2);
		expect(await Promise.all(items)).toEqual(['failed', 'written', 'written']);
		expect(transport.sent.every((r) => r.stop === undefined)).toBe(true);
		expect(order.stoppedAt).toBeUndefined();
	});

	it('sends writes to one assessment one at a time, in the order they came', async () => {
		const order = new WriteOrder(3, false);
		const transport = new HeldTransport();
		const items = startItems(order, transport, 3, (i) => patch(i, 'same'));
		await settle();
		expect(transport.items).toEqual([0]);
		transport.answer(0);
		await settle();
		expect(transport.items).toEqual([0, 1]);
		transport.answer(1, new Error('refused'));
		await settle();
		transport.answer(2);
		expect(await Promise.all(items)).toEqual(['written', 'failed', 'written']);
	});

	it('runs items naming the same thing one after the other, in item order', async () => {
		const order = new WriteOrder(3, false);
		const done: string[] = [];
		const later = (name: string, ms: number) => async () => {
			await new Promise((resolve) => setTimeout(resolve, ms));
			done.push(name);
		};
		await Promise.all([
			order.run(0, [targetKey('ＥＭ001@Example.com ')], later('row 1', 30)),
			order.run(1, [targetKey('em001@example.com')], later('row 2', 0)),
			order.run(2, [targetKey('other')], later('row 3', 0)),
		]);
		expect(done).toEqual(['row 3', 'row 1', 'row 2']);
	});
});

describe('targetKey', () => {
	it('reads full-width digits, case, spaces and leading zeros as one', () => {
		expect(targetKey('０３０１２３')).toBe('30123');
		expect(targetKey(' 030123 ')).toBe('30123');
		expect(targetKey(30123)).toBe('30123');
		expect(targetKey('Li.Lei@Example.COM')).toBe('li.lei@example.com');
		expect(targetKey(undefined)).toBe('');
	});
});
