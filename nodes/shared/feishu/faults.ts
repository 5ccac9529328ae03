/**
 * The network faults a call to Feishu may meet before any answer, classified once for the token
 * exchange and for every API call: which are worth another try, which are timeouts, and which
 * prove that nothing was sent.
 */

/** An error and its causes, outermost first: n8n wraps a socket's error, and its code sits somewhere down the chain. */
export function* causeChain(error: unknown): Generator<object> {
	const seen = new Set<unknown>();
	for (let current: unknown = error; typeof current === 'object' && current !== null && !seen.has(current); current = (current as { cause?: unknown }).cause) {
		seen.add(current);
		yield current;
	}
}

export interface FaultFacts {
	/** Short, for a request's attempt log: "no answer (connection reset)". */
	label: string;
	/** As a clause of a sentence: "could not reach …: the connection was dropped". */
	clause: string;
	/** No answer within the Timeout: said as "did not answer within … s". */
	timeout?: true;
	/** No byte of the request can have reached Feishu. */
	neverSent?: true;
	/** The same attempt will fail the same way: not worth another try. */
	permanent?: true;
}

const TIMED_OUT = 'no answer came in time';

/**
 * Every socket fault worth a retry, and ENOTFOUND (an unknown host name, not worth one). Words
 * only: n8n replaces any error message that contains such a code with its own generic sentence,
 * so a code never goes into ours. Not ECANCELED: that is the user stopping the execution.
 */
const FAULTS: Readonly<Record<string, FaultFacts>> = {
	ECONNRESET: { label: 'connection reset', clause: 'the connection was dropped' },
	EPIPE: { label: 'connection broken', clause: 'the connection broke' },
	ECONNREFUSED: { label: 'connection refused', clause: 'the connection was refused (nothing answers at that address and port)', neverSent: true },
	EAI_AGAIN: { label: 'DNS lookup failed', clause: 'the name lookup failed for now', neverSent: true },
	// Routing failures, transient on a flapping network or VPN. Not neverSent: an ICMP
	// "unreachable" can also end a connection that already carried the request.
	EHOSTUNREACH: { label: 'host unreachable', clause: 'the host is unreachable' },
	ENETUNREACH: { label: 'network unreachable', clause: 'the network is unreachable' },
	ENETDOWN: { label: 'network down', clause: 'the network is down' },
	// axios' code for its own `timeout`: the request may have gone out.
	ECONNABORTED: { label: 'connection aborted', clause: TIMED_OUT, timeout: true },
	ETIMEDOUT: { label: 'timed out', clause: TIMED_OUT, timeout: true },
	// The read timeout of older HTTP clients (the `request` library's code).
	ESOCKETTIMEDOUT: { label: 'timed out', clause: TIMED_OUT, timeout: true },
	ERR_SOCKET_CONNECTION_TIMEOUT: { label: 'connecting timed out', clause: TIMED_OUT, timeout: true },
	ENOTFOUND: { label: 'host name unknown', clause: 'the host name is unknown', neverSent: true, permanent: true },
};

/** A classified fault; `code` is the socket's (or the one its message stands for), for details, never for a message. */
export type NetworkFault = FaultFacts & { code: string };

/**
 * The network fault behind an error that brought no answer, or undefined when it is none of them.
 * Each error of the cause chain is read in turn: its `code`, then its `httpCode` (n8n's
 * NodeApiError keeps the socket's code there and drops the cause), then its message — a code-less
 * "timeout" counts as ETIMEDOUT, "socket hang up" (the server closed the connection) as ECONNRESET.
 */
export function networkFault(error: unknown): NetworkFault | undefined {
	const known = (code: string): NetworkFault => ({ code, ...FAULTS[code] });
	for (const current of causeChain(error)) {
		for (const code of [(current as { code?: unknown }).code, (current as { httpCode?: unknown }).httpCode]) {
			if (typeof code === 'string' && Object.prototype.hasOwnProperty.call(FAULTS, code)) return known(code);
		}
		const message = (current as { message?: unknown }).message;
		if (typeof message === 'string' && /timeout/i.test(message)) return known('ETIMEDOUT');
		if (typeof message === 'string' && /socket hang up/i.test(message)) return known('ECONNRESET');
	}
	return undefined;
}

/** The fault behind an error when it is worth another try; undefined for anything else. */
export function transientFault(error: unknown): NetworkFault | undefined {
	const fault = networkFault(error);
	return fault?.permanent ? undefined : fault;
}
