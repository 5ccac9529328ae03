/**
 * Which probation of an employment is meant: the one rule both nodes use. Feishu's
 * probation/search answers by employment, and nothing in its documentation promises one
 * probation per employment; so several are taken apart here, and only an unambiguous answer
 * becomes a choice. Pure: the search's answer comes in, a probation or a refusal goes out.
 */
import type { ProbationFound } from './found';
import type { ProbationStatus } from './choices';
import { LookupError } from './lookupError';

/** A probation in one of these is over: it is never the one a write or an event is about, when another is still running. */
const ENDED: ReadonlySet<string> = new Set<ProbationStatus>(['converted', 'offboarded']);

/** What the caller knows of the probation it means, beyond its employment: an event's probation status. */
export interface ProbationNamed {
	probationStatus?: string;
}

function describeProbations(probations: readonly ProbationFound[]): string {
	return probations.map((p) => `${p.probationId ?? '?'}: ${p.probationStatus ?? 'status not stated'}`).join('; ');
}

/**
 * The employment's probation: the only one; with several, of those in the status the caller
 * names (the trigger: the event's) — none of them is refused — the only one, else the only one
 * still running (not converted, not offboarded). Anything else is refused with what Feishu holds,
 * including several probations of which one has no stated status, since that one cannot be
 * ruled in or out.
 */
export function chooseProbation(who: string, probations: readonly ProbationFound[], named: ProbationNamed = {}): ProbationFound {
	if (probations.length === 0) throw new LookupError(`${who} has no probation in CoreHR.`);
	if (probations.length === 1) return probations[0];
	const all = `${who} has ${probations.length} probations (${describeProbations(probations)})`;
	const inNamedStatus = named.probationStatus ? probations.filter((p) => p.probationStatus === named.probationStatus) : [];
	if (named.probationStatus && inNamedStatus.length === 0) {
		// E.g. the event's probation changed again since: another probation must not stand in for it.
		throw new LookupError(`${all}; none is in status ${named.probationStatus}, so the node cannot tell which one is meant.`);
	}
	const candidates = named.probationStatus ? inNamedStatus : probations;
	if (candidates.length === 1) return candidates[0];
	if (candidates.some((p) => p.probationStatus === undefined)) {
		throw new LookupError(`${all}, and Feishu did not state the status of each, so the node cannot tell which one is meant.`);
	}
	const running = candidates.filter((p) => !ENDED.has(p.probationStatus!));
	if (running.length === 1) return running[0];
	const among = inNamedStatus.length > 0 ? ` in status ${named.probationStatus}` : '';
	throw new LookupError(
		`${all}; ${running.length === 0 ? `none${among} is` : `${running.length}${among} are`} still running (neither converted nor offboarded), so the node cannot tell which one is meant.`,
	);
}
