import { update } from './probationAssessment/update.operation';
import type { Operation } from './types';

/** Every resource's operations, by parameter value. */
export const operations: Record<string, Record<string, Operation>> = {
	probationAssessment: { update },
};
