/** The transport's bound on requests on their way, which drops to a few once Feishu answers 429. */
import { InFlightGate } from '../../nodes/shared/transport/inFlight';

/** Lets pending promise callbacks run. */
const settle = async () => await new Promise((resolve) => setTimeout(resolve, 10));

describe('InFlightGate', () => {
	it('lets requests through up to the limit and the next one in when one leaves, first come first served', async () => {
		const gate = new InFlightGate(() => 2);
		const entered: string[] = [];
		for (const name of ['a', 'b', 'c', 'd']) void gate.enter().then(() => entered.push(name));
		await settle();
		expect(entered).toEqual(['a', 'b']);
		gate.leave();
		await settle();
		expect(entered).toEqual(['a', 'b', 'c']);
		expect(gate.inFlight).toBe(2);
		gate.leave();
		gate.leave();
		await settle();
		expect(entered).toEqual(['a', 'b', 'c', 'd']);
		expect(gate.inFlight).toBe(1);
	});

	it('lowers to a new limit as requests come back, without stopping the ones already out', async () => {
		let limit = 10;
		const gate = new InFlightGate(() => limit);
		for (let i = 0; i < 10; i++) await gate.enter();
		const later: number[] = [];
		for (let i = 0; i < 5; i++) void gate.enter().then(() => later.push(i));
		limit = 4;
		// Ten are out; the first six to come back let nobody in, the seventh lets one in.
		for (let i = 0; i < 6; i++) gate.leave();
		await settle();
		expect(later).toEqual([]);
		expect(gate.inFlight).toBe(4);
		gate.leave();
		await settle();
		expect(later).toEqual([0]);
		expect(gate.inFlight).toBe(4);
	});

	it('hands a freed place on only after the work of the answer that freed it is done, however deep', async () => {
		const gate = new InFlightGate(() => 1);
		await gate.enter();
		let stopped = false;
		const seen: boolean[] = [];
		const next = gate.enter().then(() => seen.push(stopped));
		gate.leave();
		// The answer's consequences travel up through many promise steps before the run stops.
		let chain = Promise.resolve();
		for (let i = 0; i < 1_000; i++) chain = chain.then(() => undefined);
		void chain.then(() => (stopped = true));
		await next;
		expect(seen).toEqual([true]);
	});
});
