import type { GradeOptionConfig } from './types';

/** Display labels Feishu returns inside enum objects (`display: [{lang, value}]`). */
export const ENUM_LABELS: Record<string, Record<string, { zh: string; en: string }>> = {
	assessment_status: {
		not_started: { zh: '未开始', en: 'Not started' },
		in_process: { zh: '进行中', en: 'In progress' },
		completed: { zh: '已完成', en: 'Completed' },
		no_need: { zh: '无需考核', en: 'No need' },
	},
	assessment_result: {
		approved: { zh: '通过', en: 'Approved' },
		rejected: { zh: '不通过', en: 'Rejected' },
	},
	probation_status: {
		pending: { zh: '审批中', en: 'Pending' },
		rejected: { zh: '已拒绝', en: 'Rejected' },
		waiting: { zh: '待发起转正', en: 'Waiting' },
		approved: { zh: '审批通过', en: 'Approved' },
		converted: { zh: '已转正', en: 'Converted' },
		offboarded: { zh: '已离职', en: 'Offboarded' },
	},
	employment_status: {
		hired: { zh: '在职', en: 'Hired' },
		terminated: { zh: '离职', en: 'Terminated' },
	},
	probation_outcome: {
		passed: { zh: '通过', en: 'Passed' },
		failed: { zh: '不通过', en: 'Failed' },
		delayed: { zh: '延长试用期', en: 'Delayed' },
	},
	extended_probation_period_unit: {
		day: { zh: '天', en: 'Day' },
		week: { zh: '周', en: 'Week' },
		month: { zh: '月', en: 'Month' },
	},
	submission_type: {
		hr_submission: { zh: 'HR 提交', en: 'HR submission' },
		self_submission: { zh: '员工自助提交', en: 'Self submission' },
		system: { zh: '系统发起', en: 'System' },
	},
};

export const DEFAULT_GRADE_OPTIONS: GradeOptionConfig[] = [
	{ apiName: 'grade_a', zh: '优秀', en: 'A' },
	{ apiName: 'grade_b', zh: '良好', en: 'B' },
	{ apiName: 'grade_c', zh: '合格', en: 'C' },
	{ apiName: 'grade_d', zh: '不合格', en: 'D' },
	// A retired option: get_by_param still lists it (is_open false), writes must not use it.
	{ apiName: 'grade_x', zh: '待定（已停用）', en: 'X (retired)', isOpen: false },
];

export interface EnumObject {
	enum_name: string;
	display: { lang: string; value: string }[];
}

/** Feishu answers enums as objects, never plain strings (requests send plain strings). */
export function enumObject(kind: string, value: string, grades?: GradeOptionConfig[]): EnumObject {
	let label: { zh: string; en: string } | undefined;
	if (kind === 'grade') {
		const option = grades?.find((g) => g.apiName === value);
		label = option ? { zh: option.zh, en: option.en } : undefined;
	} else {
		label = ENUM_LABELS[kind]?.[value];
	}
	return {
		enum_name: value,
		display: [
			{ lang: 'zh-CN', value: label?.zh ?? value },
			{ lang: 'en-US', value: label?.en ?? value },
		],
	};
}
