import type { IDataObject } from 'n8n-workflow';

import { Directory } from '../FeishuCoreHr/actions/directory';
import type { EmployeeFound, ProbationFound } from '../FeishuCoreHr/actions/directory';
import { assessmentsWithheldMessage } from '../FeishuCoreHr/actions/probation/assessmentScope';
import { OUTPUT_RENAMES } from '../FeishuCoreHr/actions/probationAssessment/fields';
import { COREHR_ID_TYPE } from '../FeishuCoreHr/helpers/employee';
import { toOutput } from '../FeishuCoreHr/helpers/output';
import { DEFAULT_SETTINGS, FeishuClient } from '../shared/transport';
import type { FeishuContext, TransportSettings } from '../shared/transport';
import type { ProbationEvent } from './events/probationEvent';

/**
 * The lookups run after Feishu has had its answer, but they still hold an n8n request handler (or
 * the persistent connection's acknowledgement): bounded tighter than an operation's.
 */
export const ENRICH_SETTINGS: TransportSettings = { ...DEFAULT_SETTINGS, timeoutMs: 10_000, maxRetries: 2, maxRateLimitWaitMs: 30_000 };

/** What the trigger adds to an event: the probation now, with its assessments, and the employee. */
export interface Enrichment {
	employee: IDataObject | null;
	probation: IDataObject | null;
	/** The final assessment's ID, for an Update by Assessment ID; null when none is marked final. */
	finalAssessmentId: string | null;
	/** Set when part of the lookup failed; the event itself is genuine and is still delivered. */
	enrichmentError?: string;
}

function employeeOutput(found: EmployeeFound): IDataObject {
	const out: IDataObject = { employmentId: found.employmentId };
	if (found.employeeNumber !== undefined) out.employeeNumber = found.employeeNumber;
	if (found.name !== undefined) out.name = found.name;
	if (found.email !== undefined) out.email = found.email;
	if (found.employmentStatus !== undefined) out.employmentStatus = found.employmentStatus;
	return out;
}

/** Picks the event's probation: the only one, or the only one in the event's status (a rehire can have two). */
export function pickProbation(found: readonly ProbationFound[], event: ProbationEvent): ProbationFound | string {
	if (found.length === 1) return found[0];
	if (found.length === 0) return `Feishu has no probation for employment ${event.employmentId} (the event may be older than a change that removed it).`;
	const inStatus = found.filter((p) => p.probationStatus === event.probationStatus);
	if (inStatus.length === 1) return inStatus[0];
	return `Feishu has ${found.length} probations for employment ${event.employmentId}; none stands out as this event's.`;
}

/**
 * Looks the event's employment up through the main node's transport and directory: one
 * employees/search and one probation/search by CoreHR employment ID. Never throws: a failed
 * lookup becomes `enrichmentError`, because Feishu will not deliver the event again.
 */
export async function enrichEvent(ctx: FeishuContext, event: ProbationEvent): Promise<Enrichment> {
	const directory = new Directory(new FeishuClient(ctx, ENRICH_SETTINGS));
	const result: Enrichment = { employee: null, probation: null, finalAssessmentId: null };
	const problems: string[] = [];
	const [employees, probations] = await Promise.allSettled([
		directory.employees('employmentId', COREHR_ID_TYPE, event.employmentId),
		directory.probations(COREHR_ID_TYPE, event.employmentId),
	]);
	if (employees.status === 'fulfilled') {
		if (employees.value.length === 1) result.employee = employeeOutput(employees.value[0]);
		else problems.push(`Feishu found ${employees.value.length} employments for employment ID ${event.employmentId}.`);
	} else {
		problems.push((employees.reason as Error).message);
	}
	if (probations.status === 'fulfilled') {
		const picked = pickProbation(probations.value, event);
		if (typeof picked === 'string') {
			problems.push(picked);
		} else {
			result.probation = toOutput(picked.raw, OUTPUT_RENAMES) as IDataObject;
			if (!picked.assessments) problems.push(assessmentsWithheldMessage(1));
			const finals = (picked.assessments ?? []).filter((a) => a.isFinalAssessment === true);
			result.finalAssessmentId = finals.length === 1 ? finals[0].assessmentId : null;
		}
	} else {
		problems.push((probations.reason as Error).message);
	}
	if (problems.length > 0) result.enrichmentError = problems.join(' ');
	return result;
}
