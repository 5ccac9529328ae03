import { idAt, userIds } from './ids';
import type {
	EmploymentStatus,
	PersonInfo,
	SeedEmployment,
	SeedEmploymentWithoutProbation,
	SeedPerson,
	UserIds,
} from './types';

/*
 * Generated people: the k-th employment of any seed gets the k-th person. The first 20 are the
 * people of the sample sheets (张三, 工号 100001, is employment 0 of seed 20, and so on), so
 * examples/probation-reviews.csv (by employee number) lines up with the sheet
 * test/e2e/fixtures/probation-reviews-by-assessment-id.csv (by assessment ID).
 * Surname k % 20 with given name (k % 20 + lap) % 20 keeps names distinct for the first 400.
 */
const SURNAMES: readonly (readonly [string, string])[] = [
	['张', 'Zhang'], ['李', 'Li'], ['王', 'Wang'], ['赵', 'Zhao'], ['孙', 'Sun'],
	['周', 'Zhou'], ['吴', 'Wu'], ['郑', 'Zheng'], ['陈', 'Chen'], ['林', 'Lin'],
	['何', 'He'], ['郭', 'Guo'], ['马', 'Ma'], ['罗', 'Luo'], ['梁', 'Liang'],
	['宋', 'Song'], ['谢', 'Xie'], ['韩', 'Han'], ['唐', 'Tang'], ['冯', 'Feng'],
];
const GIVEN_NAMES: readonly (readonly [string, string])[] = [
	['三', 'San'], ['四', 'Si'], ['五', 'Wu'], ['六', 'Liu'], ['七', 'Qi'],
	['八', 'Ba'], ['九', 'Jiu'], ['十', 'Shi'], ['静', 'Jing'], ['涛', 'Tao'],
	['敏', 'Min'], ['阳', 'Yang'], ['丽', 'Li'], ['飞', 'Fei'], ['宇', 'Yu'],
	['佳', 'Jia'], ['楠', 'Nan'], ['雪', 'Xue'], ['磊', 'Lei'], ['倩', 'Qian'],
];

/** Everything of a person but the IDs, which the state hands out. */
export type GeneratedPerson = Required<Omit<SeedPerson, 'employment_id' | 'person_info'>> & {
	person_info: Omit<PersonInfo, 'person_id'>;
};

/** The person of the k-th employment (0-based): same k, same person, on every run. */
export function generatedPerson(k: number): GeneratedPerson {
	const n = SURNAMES.length;
	const [surname, surnameEn] = SURNAMES[k % n];
	const [given, givenEn] = GIVEN_NAMES[((k % n) + Math.floor(k / n)) % n];
	const lap = Math.floor(k / (n * n));
	const local = `${surname}${given}`;
	return {
		// Six digits without leading zeros, so the leading-zero cases below stay the only ones.
		employee_number: String(100001 + k),
		email_address: `${surnameEn}.${givenEn}${lap > 0 ? lap + 1 : ''}@example.com`.toLowerCase(),
		employment_status: 'hired',
		person_info: {
			preferred_name: local,
			preferred_local_full_name: local,
			preferred_english_full_name: `${surnameEn} ${givenEn}`,
			phone_number: `138${String(k + 1).padStart(8, '0')}`,
		},
	};
}

// ---- the people cases -------------------------------------------------------------------------

/** The probation half of a seeded employment. */
type SeedProbation = Omit<SeedEmployment, keyof SeedPerson>;

/** What a case says about its person, as defined and as exported. */
interface PersonFacts {
	/** What the case is for. */
	why: string;
	employeeNumber: string;
	/** Work email. */
	email: string;
	/** preferred_local_full_name (also preferred_name) */
	localName: string;
	/** preferred_english_full_name */
	englishName: string;
	phone: string;
}

interface CaseDefinition extends PersonFacts {
	/** Oldest first; `probation: null` for an employment without one. */
	employments: { status: EmploymentStatus; probation: SeedProbation | null }[];
}

const waiting = (start: string, end: string, assessments: SeedProbation['assessments']): SeedProbation => ({
	probation_start_date: start,
	probation_expected_end_date: end,
	probation_status: 'waiting',
	assessments,
});
/** One hired employment whose probation is waiting for conversion. */
const hiredWith = (
	start: string,
	end: string,
	assessments: SeedProbation['assessments'],
): CaseDefinition['employments'] => [{ status: 'hired', probation: waiting(start, end, assessments) }];
const FINAL_NOT_STARTED = { assessment_status: 'not_started', is_final_asssessment: true } as const;
const FINAL_IN_PROCESS = { assessment_status: 'in_process', is_final_asssessment: true } as const;

/*
 * Each case is a situation a by-employee lookup must get right. Names, numbers and emails are
 * chosen so no generated person matches them (no generated surname is 黄 杨 许 刘 邓 高, and 伟 is no
 * generated given name), so a search for a case finds exactly the employments listed here.
 */
const CASE_DEFINITIONS = {
	leadingZeros: {
		why: 'employee number with leading zeros that a spreadsheet turns into 123; only this person matches 123',
		employeeNumber: '000123',
		email: 'huang.li@example.com',
		localName: '黄丽',
		englishName: 'Huang Li',
		phone: '13900000123',
		employments: hiredWith('2025-11-03', '2026-02-03', [FINAL_NOT_STARTED]),
	},
	numericLooking: {
		why: 'numeric-looking number with a leading zero: as the text "030123" it is one person, as the number 30123 it also matches droppedZerosTwin',
		employeeNumber: '030123',
		email: 'yang.fan@example.com',
		localName: '杨帆',
		englishName: 'Yang Fan',
		phone: '13900030123',
		employments: hiredWith('2025-10-13', '2026-01-13', [FINAL_IN_PROCESS]),
	},
	droppedZerosTwin: {
		why: 'employee number "30123": what "030123" becomes without its zero, so the number 30123 is ambiguous',
		employeeNumber: '30123',
		email: 'xu.qing@example.com',
		localName: '许晴',
		englishName: 'Xu Qing',
		phone: '13900300123',
		employments: hiredWith('2025-10-20', '2026-01-20', [FINAL_NOT_STARTED]),
	},
	rehired: {
		why: 'left and came back: two employments of one person (same person_id, number and email), the old one terminated, each with its own probation',
		employeeNumber: '000456',
		email: 'liu.yang@example.com',
		localName: '刘洋',
		englishName: 'Liu Yang',
		phone: '13900000456',
		employments: [
			{
				status: 'terminated',
				probation: {
					probation_start_date: '2024-03-01',
					probation_expected_end_date: '2024-06-01',
					probation_status: 'offboarded',
					assessments: [
						{
							assessment_status: 'completed',
							assessment_result: 'rejected',
							assessment_score: 55,
							assessment_grade: 'grade_d',
							assessment_comment: '未达到试用期目标',
							is_final_asssessment: true,
						},
					],
				},
			},
			...hiredWith('2025-11-10', '2026-02-10', [FINAL_NOT_STARTED]),
		],
	},
	withoutProbation: {
		why: 'hired, but no probation at all (probation/search finds nothing for this employment)',
		employeeNumber: '000789',
		email: 'deng.hao@example.com',
		localName: '邓浩',
		englishName: 'Deng Hao',
		phone: '13900000789',
		employments: [{ status: 'hired', probation: null }],
	},
	severalNonFinal: {
		why: 'a probation with two non-final assessments and no final one: "the only" or "the final" one does not exist',
		employeeNumber: '000321',
		email: 'gao.feng@example.com',
		localName: '高峰',
		englishName: 'Gao Feng',
		phone: '13900000321',
		employments: hiredWith('2025-09-15', '2025-12-15', [
			{
				assessment_status: 'completed',
				assessment_result: 'approved',
				assessment_score: 85,
				assessment_grade: 'grade_b',
				assessment_comment: 'First month review',
				is_final_asssessment: false,
			},
			{ assessment_status: 'not_started', is_final_asssessment: false },
		]),
	},
	sameNameA: {
		why: 'one of two different people named 王伟 / Wang Wei (a name search finds both)',
		employeeNumber: '000555',
		email: 'wang.wei@example.com',
		localName: '王伟',
		englishName: 'Wang Wei',
		phone: '13900000555',
		employments: hiredWith('2025-10-27', '2026-01-27', [FINAL_NOT_STARTED]),
	},
	sameNameB: {
		why: 'the other 王伟 / Wang Wei, with another number and email',
		employeeNumber: '000556',
		email: 'wei.wang@example.com',
		localName: '王伟',
		englishName: 'Wang Wei',
		phone: '13900000556',
		employments: hiredWith('2025-11-17', '2026-02-17', [FINAL_IN_PROCESS]),
	},
} satisfies Record<string, CaseDefinition>;

export type PeopleCaseName = keyof typeof CASE_DEFINITIONS;

export interface PeopleCaseEmployment {
	/** The CoreHR ID (people_corehr_id), 19 digits. */
	employmentId: string;
	/** The same employment in every user_id_type: ids.open_id is what Feishu's default type uses. */
	ids: UserIds;
	status: EmploymentStatus;
	/** null: this employment has no probation. */
	probation: { assessmentIds: string[]; finalAssessmentId: string | null } | null;
}

export interface PeopleCase extends PersonFacts {
	personId: string;
	/** Oldest first. */
	employments: PeopleCaseEmployment[];
	/** The hired employment (the last one). */
	current: PeopleCaseEmployment;
}

/** Case IDs sit far along each ID sequence, so they are the same in every seed that holds them. */
const CASE_ID_OFFSET = 900;

function buildCases(): {
	cases: Record<PeopleCaseName, PeopleCase>;
	seed: (SeedEmployment | SeedEmploymentWithoutProbation)[];
} {
	const seed: (SeedEmployment | SeedEmploymentWithoutProbation)[] = [];
	const cases = {} as Record<PeopleCaseName, PeopleCase>;
	const next = { employment: CASE_ID_OFFSET, assessment: CASE_ID_OFFSET, person: CASE_ID_OFFSET };
	for (const [name, def] of Object.entries(CASE_DEFINITIONS) as [PeopleCaseName, CaseDefinition][]) {
		const personId = idAt('person', next.person++);
		const { employments: definitions, ...facts } = def;
		const employments = definitions.map((e): PeopleCaseEmployment => {
			const employmentId = idAt('employment', next.employment++);
			const person: SeedPerson = {
				employment_id: employmentId,
				employee_number: def.employeeNumber,
				email_address: def.email,
				employment_status: e.status,
				person_info: {
					person_id: personId,
					preferred_name: def.localName,
					preferred_local_full_name: def.localName,
					preferred_english_full_name: def.englishName,
					phone_number: def.phone,
				},
			};
			if (!e.probation) {
				seed.push({ ...person, without_probation: true });
				return { employmentId, ids: userIds(employmentId), status: e.status, probation: null };
			}
			const assessments = (e.probation.assessments ?? []).map((a) => ({
				...a,
				assessment_id: idAt('assessment', next.assessment++),
			}));
			seed.push({ ...person, ...e.probation, assessments });
			const final = assessments.find((a) => a.is_final_asssessment);
			return {
				employmentId,
				ids: userIds(employmentId),
				status: e.status,
				probation: {
					assessmentIds: assessments.map((a) => a.assessment_id),
					finalAssessmentId: final ? final.assessment_id : null,
				},
			};
		});
		const current = employments.find((e) => e.status === 'hired') ?? employments[employments.length - 1];
		cases[name] = { ...facts, personId, employments, current };
	}
	return { cases, seed };
}

const built = buildCases();

/**
 * The special people of the seed PEOPLE_SEED, by name, for tests and the demo:
 * `PEOPLE_CASES.rehired.employments[0].ids.open_id`, `PEOPLE_CASES.leadingZeros.employeeNumber`.
 */
export const PEOPLE_CASES: Readonly<Record<PeopleCaseName, PeopleCase>> = built.cases;

/** The seed entries of the cases, appended to the generated seed PEOPLE_SEED. */
export const PEOPLE_CASE_EMPLOYMENTS: readonly (SeedEmployment | SeedEmploymentWithoutProbation)[] = built.seed;

/** Matches nobody in any seed: for "no such employee" tests. */
export const UNKNOWN_EMPLOYEE = { employeeNumber: '999999', email: 'nobody@example.com' } as const;
