/**
 * A child process started in its own process group (`detached: true`), as every server the tools
 * start is (n8n with its task runners, PostgreSQL, Redis): signals go to the whole group, so
 * nothing it spawned is left behind.
 */
import type { ChildProcess } from 'node:child_process';

export class GroupProcess {
	/** exit code (or signal name) once the process has ended */
	exit: number | string | undefined;
	protected readonly exited: Promise<void>;

	constructor(
		readonly child: ChildProcess,
		/** the signal that asks for a clean, quick shutdown */
		private readonly stopSignal: NodeJS.Signals = 'SIGTERM',
	) {
		this.exited = new Promise((resolve) => {
			child.on('exit', (code, signal) => {
				this.exit = code ?? signal ?? 'unknown';
				resolve();
			});
			child.on('error', () => {
				this.exit ??= 'spawn error';
				resolve();
			});
		});
	}

	get running(): boolean {
		return this.exit === undefined;
	}

	/** Sends `sig` to the whole group; a group that is gone is fine. */
	protected signal(sig: NodeJS.Signals): void {
		if (this.child.pid === undefined) return;
		try {
			process.kill(-this.child.pid, sig);
		} catch {
			// already gone
		}
	}

	/** The stop signal to the group, SIGKILL after graceMs, then SIGKILL for anything left in it. */
	protected async stopGroup(graceMs: number): Promise<void> {
		if (this.running) {
			this.signal(this.stopSignal);
			const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
			await this.exited;
			clearTimeout(timer);
		}
		this.signal('SIGKILL');
	}

	/** SIGKILL to the group now (e.g. at process exit, where nothing can be awaited). */
	killNow(): void {
		this.signal('SIGKILL');
	}
}
