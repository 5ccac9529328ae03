/** A lookup could not be answered in a way that lets the node be sure; nothing is written. */
export class LookupError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'LookupError';
	}
}
