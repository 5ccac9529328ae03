/**
 * Feishu at a distance, on loopback: a TLS front (a self-signed certificate made at run time with
 * the openssl CLI) in front of the emulator, and a TCP proxy that delays each direction by half a
 * round trip. n8n's request helper opens a new connection per request, so each request pays the
 * TCP handshake (the proxy holds a connection's first bytes one extra round trip: the kernel's
 * handshake with the proxy costs nothing on loopback), the TLS handshake and the request itself.
 * Everything listens on 127.0.0.1 on free ports and stops with close().
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';

export interface SelfSignedCert {
	dir: string;
	certPath: string;
	keyPath: string;
	remove(): void;
}

/** A certificate for 127.0.0.1 valid for a day; trust it with NODE_EXTRA_CA_CERTS=certPath. */
export function makeSelfSignedCert(): SelfSignedCert {
	const dir = mkdtempSync(join(tmpdir(), 'feishu-tls-'));
	const certPath = join(dir, 'cert.pem');
	const keyPath = join(dir, 'key.pem');
	const res = spawnSync('openssl', [
		'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
		'-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=127.0.0.1',
		'-addext', 'subjectAltName=IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:TRUE',
	], { encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`openssl could not make a certificate: ${res.stderr}`);
	return { dir, certPath, keyPath, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Listener {
	port: number;
	close(): Promise<void>;
}

async function listen(server: net.Server): Promise<number> {
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	return (server.address() as net.AddressInfo).port;
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
	return async () => {
		for (const s of sockets) s.destroy();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
}

/** TLS on the outside, the plain HTTP server at `upstreamPort` inside. */
export async function tlsFront(cert: SelfSignedCert, upstreamPort: number): Promise<Listener & { connections: number }> {
	const sockets = new Set<net.Socket>();
	const state = { connections: 0 };
	const server = tls.createServer({ key: readFileSync(cert.keyPath), cert: readFileSync(cert.certPath) }, (socket) => {
		state.connections++;
		const upstream = net.connect(upstreamPort, '127.0.0.1');
		for (const s of [socket, upstream]) {
			sockets.add(s);
			s.on('close', () => sockets.delete(s));
			s.on('error', () => {
				socket.destroy();
				upstream.destroy();
			});
		}
		socket.pipe(upstream);
		upstream.pipe(socket);
	});
	const port = await listen(server);
	return {
		port,
		get connections() {
			return state.connections;
		},
		close: closer(server, sockets),
	};
}

/** Sends what `from` says to `to` after `delayMs`, in order; the first bytes `firstExtraMs` later still. */
function delayed(from: net.Socket, to: net.Socket, delayMs: number, firstExtraMs: number): void {
	let due = 0;
	let first = true;
	const later = (fn: () => void) => {
		const at = Math.max(Date.now() + delayMs + (first ? firstExtraMs : 0), due);
		first = false;
		due = at;
		setTimeout(fn, Math.max(0, at - Date.now()));
	};
	from.on('data', (chunk: Buffer) => later(() => to.destroyed || to.write(chunk)));
	from.on('end', () => later(() => to.end()));
}

/** A TCP proxy to `upstreamPort` that adds `rttMs` of round-trip time (half each way). */
export async function latencyProxy(upstreamPort: number, rttMs: number): Promise<Listener> {
	const sockets = new Set<net.Socket>();
	const server = net.createServer((client) => {
		const upstream = net.connect(upstreamPort, '127.0.0.1');
		for (const s of [client, upstream]) {
			s.setNoDelay(true);
			sockets.add(s);
			s.on('close', () => sockets.delete(s));
			s.on('error', () => {
				client.destroy();
				upstream.destroy();
			});
		}
		delayed(client, upstream, rttMs / 2, rttMs);
		delayed(upstream, client, rttMs / 2, 0);
	});
	const port = await listen(server);
	return { port, close: closer(server, sockets) };
}
