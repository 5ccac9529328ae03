/**
 * One allowed value of a field: what is sent, the editor's label, and the other spellings a
 * spreadsheet may use. The lists that serve several operations sit in the action node's
 * helpers/choices.ts, lists only one resource uses sit with it (e.g. probation/lifecycle.ts); the
 * probation statuses are here because the trigger reads them too.
 */
export interface Choice<V extends string = string> {
	value: V;
	/** English label shown in the editor. */
	name: string;
	/** Other spellings accepted from spreadsheets and forms (Chinese labels, synonyms). */
	aliases: readonly string[];
}

export const PROBATION_STATUSES = [
	{ value: 'pending', name: 'Pending Approval', aliases: ['审批中'] },
	{ value: 'rejected', name: 'Rejected', aliases: ['已拒绝'] },
	{ value: 'waiting', name: 'Waiting', aliases: ['Waiting for Conversion', '待发起转正'] },
	{ value: 'approved', name: 'Approved', aliases: ['审批通过'] },
	{ value: 'converted', name: 'Converted to Regular', aliases: ['已转正'] },
	{ value: 'offboarded', name: 'Offboarded', aliases: ['已离职'] },
] as const satisfies readonly Choice[];

export type ProbationStatus = (typeof PROBATION_STATUSES)[number]['value'];
