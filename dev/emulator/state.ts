import { departmentIds, idAt, IdSequence, userIds } from './ids';
import type { IdKind } from './ids';
import { generatedPerson, PEOPLE_CASE_EMPLOYMENTS } from './people';
import type {
	AssessmentFeature,
	AssessmentRecord,
	AssessmentResult,
	AssessmentStatus,
	EmploymentRecord,
	GradeOptionConfig,
	ProbationRecord,
	ProbationStatus,
	SeedData,
	SeedEmployment,
	SeedEmploymentWithoutProbation,
	SeedPerson,
	SubmissionType,
	UserIdType,
} from './types';
import { USER_ID_TYPES } from './types';
import type { AssessmentWrite } from './validation';

/** Small deterministic PRNG (mulberry32) so generated seeds are identical on every run. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function addDays(date: string, days: number): string {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
}

export function addMonths(date: string, months: number): string {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCMonth(d.getUTCMonth() + months);
	return d.toISOString().slice(0, 10);
}

/**
 * The seed of the examples, the demo and `npm run emulator` (examples/probation-reviews.csv names
 * its people): 20 generated employments, then the PEOPLE_CASES. Appending the cases left the IDs
 * and records of the first 20 exactly as they were.
 */
export const PEOPLE_SEED = 20;

/** The default data of startEmulator(): three people, four assessments; the first assessment is the docs' example ID. */
export const DEMO_SEED: SeedData = {
	employments: [
		{
			...generatedPerson(0),
			probation_start_date: '2025-09-01',
			probation_expected_end_date: '2025-12-01',
			probation_status: 'waiting',
			assessments: [
				{
					assessment_status: 'completed',
					assessment_result: 'approved',
					assessment_score: 92.5,
					assessment_grade: 'grade_a',
					assessment_comment: 'Strong first quarter',
					is_final_asssessment: false,
				},
				{ assessment_status: 'not_started', is_final_asssessment: true },
			],
		},
		{
			...generatedPerson(1),
			probation_start_date: '2025-10-15',
			probation_expected_end_date: '2026-01-15',
			probation_status: 'waiting',
			assessments: [{ assessment_status: 'in_process', is_final_asssessment: false }],
		},
		{
			...generatedPerson(2),
			probation_start_date: '2025-06-01',
			probation_expected_end_date: '2025-09-01',
			actual_probation_end_date: '2025-08-29',
			initiating_time: '2025-08-20',
			submission_type: 'hr_submission',
			probation_status: 'approved',
			assessments: [
				{
					assessment_status: 'completed',
					assessment_result: 'approved',
					assessment_score: 88,
					assessment_grade: 'grade_b',
					assessment_comment: '符合预期',
					assessment_detail: 'https://example.com/assessments/3',
					is_final_asssessment: true,
				},
			],
		},
	],
};

/** Where the assessment system of every seed lives: the feature starts enabled, as the seeds hold assessments. */
export const DEFAULT_ASSESSMENT_APP_URL = 'https://assessment.example.com/probation';

/** A checked probation/submit request: the employment and initiator already as CoreHR IDs. */
export interface ConversionSubmit {
	/** 1 = convert directly, 2 = start the conversion process. */
	conversionMode: 1 | 2;
	submissionType: SubmissionType;
	actualEndDate?: string;
	initiatorId?: string;
	notes?: string;
	selfReview?: string;
}

/** The fields probation/edit may change, as checked: only those sent. */
export type ProbationEdit = Partial<
	Pick<
		ProbationRecord,
		| 'probation_start_date'
		| 'probation_expected_end_date'
		| 'actual_probation_end_date'
		| 'probation_outcome'
		| 'probation_extend_expected_end_date'
		| 'extended_probation_period_duration'
		| 'extended_probation_period_unit'
		| 'notes'
		| 'self_review'
	>
>;

const GENERATED_STATUSES: ProbationStatus[] = ['waiting', 'waiting', 'waiting', 'pending', 'approved', 'converted'];
const GENERATED_ASSESSMENT_STATUSES: AssessmentStatus[] = ['not_started', 'in_process', 'completed'];

/**
 * Generate n employments (1–2 assessments each), the same for the same n; PEOPLE_SEED also gets the
 * PEOPLE_CASES after them. People come from generatedPerson, not the PRNG, so adding them changed
 * no probation or assessment of any generated seed.
 */
export function generatedSeed(n: number, grades: GradeOptionConfig[]): SeedData {
	const rnd = prng(0x5eed ^ n);
	const openGrades = grades.filter((g) => g.isOpen !== false).map((g) => g.apiName);
	const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
	const employments: (SeedEmployment | SeedEmploymentWithoutProbation)[] = [];
	for (let i = 0; i < n; i++) {
		const start = addDays('2025-01-06', Math.floor(rnd() * 300));
		const status = pick(GENERATED_STATUSES);
		const count = rnd() < 0.5 ? 1 : 2;
		const employment: SeedEmployment = {
			...generatedPerson(i),
			department_id: idAt('department', Math.floor(rnd() * 5)),
			probation_start_date: start,
			probation_expected_end_date: addMonths(start, rnd() < 0.8 ? 3 : 6),
			probation_status: status,
			assessments: [],
		};
		if (status === 'approved' || status === 'converted' || status === 'pending') {
			employment.initiating_time = addDays(employment.probation_expected_end_date, -10);
			employment.submission_type = pick(['hr_submission', 'self_submission', 'system'] as const);
			if (status !== 'pending') employment.actual_probation_end_date = employment.probation_expected_end_date;
		}
		for (let k = 0; k < count; k++) {
			const assessmentStatus = pick(GENERATED_ASSESSMENT_STATUSES);
			const done = assessmentStatus === 'completed';
			const result: AssessmentResult = rnd() < 0.85 ? 'approved' : 'rejected';
			employment.assessments?.push({
				assessment_status: assessmentStatus,
				...(done
					? {
							assessment_result: result,
							assessment_score: Math.round((60 + rnd() * 40) * 10) / 10,
							...(openGrades.length > 0 ? { assessment_grade: pick(openGrades) } : {}),
						}
					: {}),
				is_final_asssessment: k === count - 1,
			});
		}
		employments.push(employment);
	}
	if (n === PEOPLE_SEED) employments.push(...PEOPLE_CASE_EMPLOYMENTS);
	return { employments };
}

function withoutProbation(
	seed: SeedEmployment | SeedEmploymentWithoutProbation,
): seed is SeedEmploymentWithoutProbation {
	return 'without_probation' in seed && seed.without_probation === true;
}

const freshIdIndex = (): Record<UserIdType, Map<string, string>> => ({
	open_id: new Map(),
	union_id: new Map(),
	user_id: new Map(),
	people_corehr_id: new Map(),
});

/** The data behind the emulator: employments and their people, probations, assessments, apply counts. No HTTP here. */
export class EmulatorState {
	readonly employments = new Map<string, EmploymentRecord>();
	readonly assessments = new Map<string, AssessmentRecord>();
	readonly probations = new Map<string, ProbationRecord>();
	readonly applyCounts = new Map<string, number>();
	/** The tenant's probation assessment feature (enable_disable_assessment). */
	assessmentFeature: AssessmentFeature = { active: true, app_url: DEFAULT_ASSESSMENT_APP_URL };
	private ids = this.freshSequences();
	/** Per user_id_type: ID of that type → CoreHR employment ID. */
	private idIndex = freshIdIndex();
	private personIds = new Set<string>();
	private revision = 0;

	private freshSequences(): Record<IdKind, IdSequence> {
		return {
			employment: new IdSequence('employment'),
			department: new IdSequence('department'),
			probation: new IdSequence('probation'),
			assessment: new IdSequence('assessment'),
			process: new IdSequence('process'),
			person: new IdSequence('person'),
		};
	}

	/** Empty everything (keeping the Map instances) and load a seed. */
	load(seed: SeedData): void {
		this.employments.clear();
		this.assessments.clear();
		this.probations.clear();
		this.applyCounts.clear();
		this.ids = this.freshSequences();
		this.idIndex = freshIdIndex();
		this.personIds.clear();
		this.revision = 0;
		this.assessmentFeature = { ...(seed.assessment_feature ?? { active: true, app_url: DEFAULT_ASSESSMENT_APP_URL }) };
		for (const employment of seed.employments) this.addEmployment(employment);
	}

	addEmployment(seed: SeedEmployment | SeedEmploymentWithoutProbation): EmploymentRecord {
		const employment = this.addPerson(seed);
		if (!withoutProbation(seed)) this.addProbation(employment.employment_id, seed);
		return employment;
	}

	/**
	 * The CoreHR ID of the employment an ID of `type` names, or undefined. Lenient where Feishu is
	 * not: a known 19-digit CoreHR ID is accepted under every type, because callers and tests from
	 * before the ID types were modelled send those with the default open_id. Answers still use `type`.
	 */
	resolveEmploymentId(id: string, type: UserIdType): string | undefined {
		return this.idIndex[type].get(id) ?? (this.employments.has(id) ? id : undefined);
	}

	/** How Feishu shows a CoreHR employment ID under `type`; IDs of no known employment (e.g. '') stay as they are. */
	employmentIdAs(employmentId: string, type: UserIdType): string {
		return this.employments.get(employmentId)?.ids[type] ?? employmentId;
	}

	private addPerson(seed: SeedPerson): EmploymentRecord {
		const employmentId = seed.employment_id ?? this.ids.employment.next((id) => this.employments.has(id));
		assertId(employmentId, 'employment_id');
		if (this.employments.has(employmentId)) throw new Error(`duplicate employment_id ${employmentId}`);
		const generated = generatedPerson(this.employments.size);
		const info = seed.person_info ?? {};
		// Generated people get fresh person IDs; a seed gives two employments one ID to make a rehire.
		const personId = info.person_id ?? this.ids.person.next((id) => this.personIds.has(id));
		assertId(personId, 'person_info.person_id');
		const record: EmploymentRecord = {
			employment_id: employmentId,
			ids: userIds(employmentId),
			employee_number: seed.employee_number ?? generated.employee_number,
			email_address: seed.email_address ?? generated.email_address,
			employment_status: seed.employment_status ?? generated.employment_status,
			person_info: {
				person_id: personId,
				preferred_name: info.preferred_name ?? generated.person_info.preferred_name,
				preferred_local_full_name:
					info.preferred_local_full_name ?? generated.person_info.preferred_local_full_name,
				preferred_english_full_name:
					info.preferred_english_full_name ?? generated.person_info.preferred_english_full_name,
				phone_number: info.phone_number ?? generated.person_info.phone_number,
			},
		};
		for (const type of USER_ID_TYPES) {
			const id = record.ids[type];
			// Derived IDs are hashes: a clash would silently merge two people, so refuse it loudly.
			if (this.idIndex[type].has(id)) throw new Error(`${type} ${id} of employment ${employmentId} is taken`);
			this.idIndex[type].set(id, employmentId);
		}
		this.employments.set(employmentId, record);
		this.personIds.add(personId);
		return record;
	}

	private addProbation(employmentId: string, seed: SeedEmployment): ProbationRecord {
		const departmentId = seed.department_id ?? idAt('department', 0);
		assertId(departmentId, 'department_id');
		const status = seed.probation_status ?? 'waiting';
		const record: ProbationRecord = {
			employment_id: employmentId,
			probation_id: this.ids.probation.next(),
			department: departmentIds(departmentId),
			probation_start_date: seed.probation_start_date,
			probation_expected_end_date: seed.probation_expected_end_date,
			probation_status: status,
			assessment_ids: [],
		};
		if (seed.actual_probation_end_date) record.actual_probation_end_date = seed.actual_probation_end_date;
		if (seed.initiating_time) record.initiating_time = seed.initiating_time;
		if (seed.submission_type) {
			record.submission_type = seed.submission_type;
			record.process_id = this.ids.process.next();
			record.converted_via_bpm = status === 'converted';
			// Empty when the system started the conversion (per the docs).
			record.initiator_id = seed.initiator_id ?? (seed.submission_type === 'system' ? '' : employmentId);
		}
		if (seed.notes !== undefined) record.notes = seed.notes;
		if (seed.self_review !== undefined) record.self_review = seed.self_review;
		this.probations.set(employmentId, record);
		for (const a of seed.assessments ?? []) {
			const id = a.assessment_id ?? this.newAssessmentId();
			assertId(id, 'assessment_id');
			if (this.assessments.has(id)) throw new Error(`duplicate assessment_id ${id}`);
			this.insertAssessment(record, id, {
				assessment_status: a.assessment_status,
				is_final_asssessment: a.is_final_asssessment ?? false,
				...pickDefined(a),
			});
		}
		return record;
	}

	/** n new employments with one assessment each; returns the assessment IDs. */
	seedAssessments(n: number): string[] {
		const ids: string[] = [];
		for (let i = 0; i < n; i++) {
			const start = addDays('2025-11-03', i % 60);
			const probation = this.addProbation(this.addPerson({}).employment_id, {
				probation_start_date: start,
				probation_expected_end_date: addMonths(start, 3),
				assessments: [{ assessment_status: 'not_started', is_final_asssessment: false }],
			});
			ids.push(probation.assessment_ids[0]);
		}
		return ids;
	}

	private newAssessmentId(): string {
		return this.ids.assessment.next((id) => this.assessments.has(id));
	}

	private insertAssessment(owner: ProbationRecord, id: string, write: AssessmentWrite): AssessmentRecord {
		const record: AssessmentRecord = {
			assessment_id: id,
			employment_id: owner.employment_id,
			...write,
			revision: ++this.revision,
		};
		this.assessments.set(id, record);
		owner.assessment_ids.push(id);
		return record;
	}

	private countApply(id: string): void {
		this.applyCounts.set(id, (this.applyCounts.get(id) ?? 0) + 1);
	}

	/** PATCH: the record takes exactly the fields sent. Returns false when the ID is unknown. */
	patchAssessment(id: string, write: AssessmentWrite): boolean {
		const record = this.assessments.get(id);
		if (!record) return false;
		Object.assign(record, write);
		record.revision = ++this.revision;
		this.countApply(id);
		return true;
	}

	/** Create: new IDs in request order, or null when the employment is unknown. */
	createAssessments(employmentId: string, writes: AssessmentWrite[]): string[] | null {
		const owner = this.probations.get(employmentId);
		if (!owner) return null;
		return writes.map((w) => {
			const id = this.newAssessmentId();
			this.insertAssessment(owner, id, w);
			this.countApply(id);
			return id;
		});
	}

	deleteAssessment(id: string): boolean {
		const record = this.assessments.get(id);
		if (!record) return false;
		this.assessments.delete(id);
		const owner = this.probations.get(record.employment_id);
		if (owner) owner.assessment_ids = owner.assessment_ids.filter((x) => x !== id);
		this.countApply(id);
		return true;
	}

	/**
	 * probation/submit: conversion started (pending, with a process) or done directly — converted
	 * when the actual end date has come, else approved until it does. `today` is YYYY-MM-DD.
	 */
	submitConversion(p: ProbationRecord, submit: ConversionSubmit, today: string): void {
		p.submission_type = submit.submissionType;
		p.initiating_time = today;
		p.actual_probation_end_date = submit.actualEndDate ?? p.probation_expected_end_date;
		// The docs: filled in automatically unless HR names one; empty when the system started it.
		p.initiator_id =
			submit.initiatorId ?? (submit.submissionType === 'self_submission' ? p.employment_id : '');
		if (submit.notes !== undefined) p.notes = submit.notes;
		if (submit.selfReview !== undefined) p.self_review = submit.selfReview;
		p.converted_via_bpm = false;
		if (submit.conversionMode === 2) {
			p.probation_status = 'pending';
			p.process_id = this.ids.process.next();
		} else {
			p.probation_status = p.actual_probation_end_date <= today ? 'converted' : 'approved';
			delete p.process_id;
		}
		this.countApply(p.probation_id);
	}

	/** probation/withdraw: back to waiting for conversion, as before the submit. */
	withdrawConversion(p: ProbationRecord): void {
		p.probation_status = 'waiting';
		delete p.initiating_time;
		delete p.submission_type;
		delete p.initiator_id;
		delete p.process_id;
		delete p.converted_via_bpm;
		delete p.actual_probation_end_date;
		this.countApply(p.probation_id);
	}

	/** probation/edit: the fields sent, as sent. */
	editProbation(p: ProbationRecord, edit: ProbationEdit): void {
		Object.assign(p, edit);
		this.countApply(p.probation_id);
	}

	/** The final assessment of an employment: the most recently written one flagged final. */
	finalAssessment(p: ProbationRecord): AssessmentRecord | undefined {
		let best: AssessmentRecord | undefined;
		for (const id of p.assessment_ids) {
			const a = this.assessments.get(id);
			if (a?.is_final_asssessment && (!best || a.revision > best.revision)) best = a;
		}
		return best;
	}
}

function assertId(id: string, name: string): void {
	if (!/^[0-9]{19}$/.test(id)) throw new Error(`seed ${name} must be a 19-digit string, got ${id}`);
}

function pickDefined(a: Partial<AssessmentWrite>): Partial<AssessmentWrite> {
	const out: Partial<AssessmentWrite> = {};
	if (a.assessment_result !== undefined) out.assessment_result = a.assessment_result;
	if (a.assessment_score !== undefined) out.assessment_score = a.assessment_score;
	if (a.assessment_grade !== undefined) out.assessment_grade = a.assessment_grade;
	if (a.assessment_comment !== undefined) out.assessment_comment = a.assessment_comment;
	if (a.assessment_detail !== undefined) out.assessment_detail = a.assessment_detail;
	return out;
}
