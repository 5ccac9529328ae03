import type { IDataObject } from 'n8n-workflow';

import { assessmentsWithheldMessage } from '../shared/people/assessmentScope';
import { COREHR_ID_TYPE, Directory } from '../shared/people/directory';
import { employeeOutput } from '../shared/people/employeeOutput';
import type { ProbationFound } from '../shared/people/found';
import { toOutput } from '../shared/people/output';
import { chooseProbation } from '../shared/people/probationChoice';
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

/** The event's probation by the rule the action node writes by, the event naming it by its status; or why none is. */
function probationOf(event: ProbationEvent, found: readonly ProbationFound[]): ProbationFound | string {
	if (found.length === 0) return `Feishu has no probation for employment ${event.employmentId} (the event may be older than a change that removed it).`;
	try {
		return chooseProbation(`Employment ${event.employmentId}`, found, { probationStatus: event.probationStatus });
	} catch (error) {
		// A refusal (LookupError) says what Feishu holds; enrichEvent never throws.
		return (error as Error).message;
	}
}

/**
 * Looks the event's employment up through the shared transport and directory: one
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
		const picked = probationOf(event, probations.value);
		if (typeof picked === 'string') {
			problems.push(picked);
		} else {
			result.probation = toOutput(picked.raw) as IDataObject;
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
