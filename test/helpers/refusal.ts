import { LookupError } from '../../nodes/shared/people/lookupError';

/** The message of the LookupError `fn` throws: a lookup's refusal, which writes nothing. */
export function refusal(fn: () => unknown): string {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(LookupError);
		return (error as Error).message;
	}
	throw new Error('expected a refusal');
}
