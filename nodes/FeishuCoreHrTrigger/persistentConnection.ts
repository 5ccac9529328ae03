import type { IDataObject, IHttpRequestOptions, Logger } from 'n8n-workflow';

/**
 * The persistent-connection client's contract (built in `longConnection/`, on its own branch):
 * it joins split messages and acknowledges each event after `onEvent` resolves (or rejects).
 */
export interface LongConnectionOptions {
	baseUrl: string;
	appId: string;
	appSecret: string;
	onEvent: (envelope: IDataObject) => Promise<void>;
	logger: Logger;
	httpRequest: (options: IHttpRequestOptions) => Promise<unknown>;
}

export type OpenLongConnection = (options: LongConnectionOptions) => Promise<{ close(): Promise<void> }>;

/**
 * Until `longConnection/index.ts` is merged this is undefined and the mode says so at activation.
 * After the merge this file becomes: `export { openLongConnection } from './longConnection';`
 */
export const openLongConnection: OpenLongConnection | undefined = undefined;
