/** Feishu paths, each written once. */
export const PROBATION_SEARCH_PATH = '/open-apis/corehr/v2/probation/search';
export const PROBATION_SUBMIT_PATH = '/open-apis/corehr/v2/probation/submit';
export const PROBATION_WITHDRAW_PATH = '/open-apis/corehr/v2/probation/withdraw';
export const PROBATION_EDIT_PATH = '/open-apis/corehr/v2/probation/edit';
export const ASSESSMENT_FEATURE_PATH = '/open-apis/corehr/v2/probation/enable_disable_assessment';
export const EMPLOYEE_SEARCH_PATH = '/open-apis/corehr/v2/employees/search';

/** Both searches return at most 100 per page, and take filter lists of at most 100 entries. */
export const SEARCH_PAGE_SIZE = 100;

/**
 * The employee fields a lookup asks for: Feishu returns nothing but IDs unless asked, and omits a
 * field the app has no field permission for (rather than failing).
 */
export const EMPLOYEE_FIELDS = [
	'employee_number',
	'email_address',
	'employment_status',
	'person_info.preferred_name',
	'person_info.preferred_local_full_name',
	'person_info.preferred_english_full_name',
];
