import { CancelledError, cancellableClock } from '../../nodes/shared/transport';

describe('waits end when the user cancels the execution', () => {
	it('does not start a rate-limit or pacing wait in a cancelled execution', async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(cancellableClock(controller.signal).sleep(60_000)).rejects.toBeInstanceOf(CancelledError);
	});

	it('stops a long wait soon after the cancel instead of sleeping it out', async () => {
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 50);
		// A minute-long wait: without the cancel check this test would hit jest's timeout.
		await expect(cancellableClock(controller.signal).sleep(60_000)).rejects.toBeInstanceOf(CancelledError);
	}, 5_000);

	it('waits the full time when nobody cancels', async () => {
		const clock = cancellableClock(new AbortController().signal);
		const before = clock.now();
		await clock.sleep(300);
		expect(clock.now() - before).toBeGreaterThanOrEqual(295);
	});
});
