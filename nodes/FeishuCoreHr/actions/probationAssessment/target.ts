/**
 * Which employment, probation and assessment a row means — decided only when the answer is
 * unambiguous. Every other case ends the row with a LookupError that says what was found.
 * Pure: the lookups' answers come in, a choice or a refusal goes out.
 */
import { describeEmployee } from '../../../shared/people/employeeOutput';
import type { AssessmentFound, EmployeeFound, ProbationFound } from '../../../shared/people/found';
import { LookupError } from '../../../shared/people/lookupError';
import { chooseProbation } from '../../../shared/people/probationChoice';
import { assessmentsWithheldMessage } from '../../../shared/people/assessmentScope';

export type WhichAssessment = 'final' | 'only' | 'onlyOrCreate';

export const WHICH_ASSESSMENT_OPTIONS: Array<{ name: string; value: WhichAssessment; description: string }> = [
	{ name: 'Final Assessment', value: 'final', description: 'The assessment marked final; refused if the probation has none' },
	{ name: 'Only Assessment', value: 'only', description: 'The probation\'s single assessment; refused if it has none or several' },
	{
		name: 'Only Assessment, or Create It',
		value: 'onlyOrCreate',
		description: 'The single assessment, or a new one when the probation has none; refused if it has several',
	},
];

function finalWord(a: AssessmentFound): string {
	return a.isFinalAssessment === undefined ? 'final or not: not stated' : a.isFinalAssessment ? 'final' : 'not final';
}

function describeAssessments(assessments: readonly AssessmentFound[]): string {
	return assessments.map((a) => `${a.assessmentId} (${[finalWord(a), a.assessmentStatus].filter(Boolean).join(', ')})`).join('; ');
}

/**
 * One employment per row. A former employment is never written to: a rehired person's terminated
 * employment is passed over when exactly one current employment remains; otherwise the row is
 * refused. An employment whose status Feishu did not state is not assumed to be current.
 */
export function pickEmployment(asked: string, matches: readonly EmployeeFound[]): EmployeeFound {
	const unique = [...new Map(matches.map((m) => [m.employmentId, m])).values()];
	if (unique.length === 0) throw new LookupError(`${asked} matches no employee in CoreHR.`);
	const unstated = unique.filter((m) => m.employmentStatus !== 'hired' && m.employmentStatus !== 'terminated');
	if (unstated.length > 0) {
		throw new LookupError(
			`${asked} matches ${unique.map(describeEmployee).join('; ')}, but Feishu did not say whether ${unstated.length > 1 ? 'they are' : 'this employment is'} current (no employment status in its answer), so the node cannot rule out a former employment. Give the app access to the employment status field.`,
		);
	}
	const current = unique.filter((m) => m.employmentStatus === 'hired');
	if (current.length === 1) return current[0];
	if (current.length === 0) {
		throw new LookupError(
			`${asked} matches only a terminated employment: ${unique.map(describeEmployee).join('; ')}. A former employment is never written to.`,
		);
	}
	throw new LookupError(
		`${asked} matches ${current.length} employments: ${current.map(describeEmployee).join('; ')}. Identify the employee by something unique, such as the work email or the employment ID.`,
	);
}

/**
 * The probation to write to, chosen by the rule both nodes share (shared/people/probationChoice.ts),
 * with its assessments as Feishu listed them.
 */
export function pickProbation(who: string, probations: readonly ProbationFound[]): ProbationFound & { assessments: AssessmentFound[] } {
	const probation = chooseProbation(who, probations);
	if (probation.assessments === undefined) throw new LookupError(`${who}: ${assessmentsWithheldMessage(1)}`);
	return { ...probation, assessments: probation.assessments };
}

/**
 * Feishu creates an assessment by employment, not by probation: with several probations nothing
 * says which one would get it, so the node creates only in an employment with one.
 */
export function checkOneProbationToCreateIn(who: string, probations: readonly ProbationFound[]): void {
	if (probations.length > 1) {
		throw new LookupError(
			`The probation of ${who} has no assessment yet, but the employment has ${probations.length} probations and Feishu creates an assessment by employment, not by probation, so the node cannot be sure which one would get it. Create the assessment in Feishu CoreHR itself.`,
		);
	}
}

export interface AssessmentTarget {
	/** The assessment to update; absent when a new one is to be created. */
	existing?: AssessmentFound;
}

/**
 * The spellings of one row's key (an employee number that lost its leading zeros, an email in
 * another case) may name different people: the terminated-employment rule applies within the
 * matches of one spelling, and spellings that find different employments are refused.
 */
export function pickEmploymentAmongSpellings(asked: string, bySpelling: ReadonlyArray<{ spelling: string; matches: readonly EmployeeFound[] }>): EmployeeFound {
	const found = bySpelling.filter((s) => s.matches.length > 0);
	const idsOf = (matches: readonly EmployeeFound[]) => [...new Set(matches.map((m) => m.employmentId))].sort().join(',');
	if (new Set(found.map((s) => idsOf(s.matches))).size > 1) {
		const people = found.map((s) => `${s.spelling}: ${s.matches.map(describeEmployee).join(', ')}`).join('; ');
		throw new LookupError(
			`${asked} matches different employees depending on how it is spelled (${people}). Give it exactly as CoreHR has it (format a column of employee numbers as text so leading zeros stay).`,
		);
	}
	return pickEmployment(asked, found[0]?.matches ?? []);
}

export function pickAssessment(which: WhichAssessment, who: string, assessments: readonly AssessmentFound[]): AssessmentTarget {
	const all = assessments.length ? `: ${describeAssessments(assessments)}` : '';
	if (which === 'final' && assessments.some((a) => a.isFinalAssessment === undefined)) {
		throw new LookupError(`Feishu did not say which assessments of the probation of ${who} are final${all}, so the node cannot tell which one is meant.`);
	}
	if (which === 'final') {
		const finals = assessments.filter((a) => a.isFinalAssessment);
		if (finals.length === 1) return { existing: finals[0] };
		if (finals.length === 0) {
			throw new LookupError(`The probation of ${who} has no final assessment (it has ${assessments.length}${all}). Choose "Only Assessment", or update one by its Assessment ID.`);
		}
		throw new LookupError(`The probation of ${who} has ${finals.length} assessments marked final${all}; the node cannot tell which one is meant.`);
	}
	if (assessments.length === 1) return { existing: assessments[0] };
	if (assessments.length === 0) {
		if (which === 'onlyOrCreate') return {};
		throw new LookupError(`The probation of ${who} has no assessment yet. Choose "Only Assessment, or Create It" to create one.`);
	}
	throw new LookupError(
		`The probation of ${who} has ${assessments.length} assessments${all}. Choose "Final Assessment", or update one by its Assessment ID.`,
	);
}

/**
 * The assessment named by ID must belong to the employment the row names. The ID names its
 * probation, so every probation of the employment is searched (no rule picks one here).
 */
export function findAssessment(assessmentId: string, who: string, probations: readonly ProbationFound[]): AssessmentFound {
	if (probations.length === 0) throw new LookupError(`${who} has no probation in CoreHR.`);
	const found = probations.flatMap((p) => p.assessments ?? []).find((a) => a.assessmentId === assessmentId);
	if (found) return found;
	if (probations.some((p) => p.assessments === undefined)) throw new LookupError(`${who}: ${assessmentsWithheldMessage(probations.length)}`);
	const listed = probations.flatMap((p) => p.assessments ?? []);
	const whose = probations.length === 1 ? 'its probation has' : `its ${probations.length} probations have`;
	throw new LookupError(
		`Assessment ${assessmentId} is not an assessment of ${who} (${whose} ${listed.length}${listed.length ? `: ${describeAssessments(listed)}` : ''}). Check that the row's Assessment ID and Employment ID belong together.`,
	);
}
