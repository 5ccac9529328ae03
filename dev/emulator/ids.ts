import { createHash } from 'crypto';
import type { DepartmentIds, UserIds } from './types';

/*
 * IDs are 19-digit strings above 2^53, made with BigInt only: a JS number would round them
 * (7140964208476371331 → 7140964208476371000), which is exactly the bug the node must not have.
 * Every kind of ID steps by the same prime stride from a base with a different remainder, so an
 * employment ID can never equal an assessment ID. Consecutive IDs are 7919 apart, so an ID rounded
 * through a number (to a multiple of 1024) almost never hits another existing record.
 */
const STRIDE = 7919n;
const BASE = {
	employment: 7140964208476371111n,
	department: 7140964208476371121n,
	probation: 7140964208476371222n,
	assessment: 7140964208476371331n,
	process: 7140964208476371444n,
	person: 7140964208476371555n,
} as const;
export type IdKind = keyof typeof BASE;

/** The n-th ID of a kind (0-based); a sequence hands them out in this order. */
export function idAt(kind: IdKind, n: number): string {
	return (BASE[kind] + BigInt(n) * STRIDE).toString();
}

export class IdSequence {
	private n = 0;
	constructor(private readonly kind: IdKind) {}
	next(taken?: (id: string) => boolean): string {
		for (;;) {
			const id = idAt(this.kind, this.n++);
			if (!taken || !taken(id)) return id;
		}
	}
}

function sha256Hex(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

export function departmentIds(peopleCorehrId: string): DepartmentIds {
	const hash = sha256Hex(peopleCorehrId);
	return {
		open_department_id: `od-${hash.slice(0, 32)}`,
		department_id: `D${peopleCorehrId.slice(-6)}`,
		people_corehr_department_id: peopleCorehrId,
	};
}

/**
 * One employment in every `user_id_type`, derived from its CoreHR ID so every run agrees.
 * Real open_ids differ per app and union_ids per developer; the emulator has one of each.
 */
export function userIds(peopleCorehrId: string): UserIds {
	return {
		open_id: `ou_${sha256Hex(`open_id:${peopleCorehrId}`).slice(0, 32)}`,
		union_id: `on_${sha256Hex(`union_id:${peopleCorehrId}`).slice(0, 32)}`,
		user_id: sha256Hex(`user_id:${peopleCorehrId}`).slice(0, 8),
		people_corehr_id: peopleCorehrId,
	};
}
