import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { GradeOption } from './grades';
import type { FeishuRequester } from '../../shared/transport';
import type { Directory } from '../../shared/people/directory';
import type { TokenRequest } from '../helpers/clientTokenPolicy';

/** What the router gives every operation for one run of the node. */
export interface RunContext {
	client: FeishuRequester;
	/** The run's batched, cached lookups of employees and their probations. */
	directory: Directory;
	/** The tenant's open grade options, fetched at most once per run; undefined if unreadable. */
	grades(): Promise<GradeOption[] | undefined>;
	/**
	 * The client token for this item's write: the user's if given (refused if this run already
	 * used it for a different request), else one derived from the run, the item and the request
	 * (see TokenRequest for what `creates` changes).
	 */
	clientToken(itemIndex: number, request: TokenRequest): string;
}

export interface Operation {
	/** Parameters of this operation, already limited to it by displayOptions. */
	description: INodeProperties[];
	/** Looks at every item before the first is executed, e.g. to batch lookups. Must not fail for one bad item. */
	prepare?(this: IExecuteFunctions, itemCount: number, run: RunContext): Promise<void>;
	/** Turns one input item into output JSON (several for list operations). */
	execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]>;
}
