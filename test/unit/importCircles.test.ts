/**
 * No import circle among the published sources (nodes/ and credentials/). A circle makes what a
 * module sees at load time depend on which file was loaded first: an import can still be
 * undefined when it is read. Every relative `import … from`, `import type … from`,
 * `export … from` and bare `import '…'` counts: a type-only circle is still two modules that each
 * need the other to be understood.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

const ROOT = resolve(__dirname, '..', '..');
const SOURCE_DIRS = ['nodes', 'credentials'];

function tsFilesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return tsFilesUnder(path);
		return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
	});
}

/** The relative module specifiers a file imports or re-exports from. */
export function relativeImports(source: string): string[] {
	// Comments may quote imports. "//" after a colon is a URL's, not a comment.
	const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
	const specifiers = [
		...code.matchAll(/\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g),
		...code.matchAll(/\bimport\s*['"]([^'"]+)['"]/g),
	].map((match) => match[1]);
	return specifiers.filter((specifier) => specifier.startsWith('.'));
}

function resolveImport(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
	const base = resolve(dirname(from), specifier);
	return [base, `${base}.ts`, join(base, 'index.ts')].find((candidate) => known.has(candidate));
}

/** Every file's imports among the files given. */
export function importGraph(files: readonly string[], read: (file: string) => string): Map<string, string[]> {
	const known = new Set(files);
	return new Map(
		files.map((file) => [
			file,
			[...new Set(relativeImports(read(file)).map((s) => resolveImport(file, s, known)).filter((f): f is string => f !== undefined))],
		]),
	);
}

/**
 * The import circles: one per knot of files that all reach one another (a strongly connected
 * group, found with Tarjan's algorithm), as a shortest path through the knot that returns to its
 * start, e.g. [a, b, c, a]; `members` is every file of the knot, sorted.
 */
export function importCircles(graph: ReadonlyMap<string, readonly string[]>): Array<{ circle: string[]; members: string[] }> {
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const groups: string[][] = [];
	const visit = (file: string): void => {
		index.set(file, index.size);
		low.set(file, index.get(file)!);
		stack.push(file);
		onStack.add(file);
		for (const next of graph.get(file) ?? []) {
			if (!index.has(next)) {
				visit(next);
				low.set(file, Math.min(low.get(file)!, low.get(next)!));
			} else if (onStack.has(next)) {
				low.set(file, Math.min(low.get(file)!, index.get(next)!));
			}
		}
		if (low.get(file) !== index.get(file)) return;
		const group: string[] = [];
		let member: string;
		do {
			member = stack.pop()!;
			onStack.delete(member);
			group.push(member);
		} while (member !== file);
		if (group.length > 1 || (graph.get(file) ?? []).includes(file)) groups.push(group);
	};
	for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
	return groups.map((group) => ({ circle: circleThrough(graph, new Set(group)), members: group.sort() }));
}

/** A shortest path from the group's first file (by name) back to itself, inside the group. */
function circleThrough(graph: ReadonlyMap<string, readonly string[]>, group: ReadonlySet<string>): string[] {
	const start = [...group].sort()[0];
	const cameFrom = new Map<string, string>();
	const queue = [start];
	for (let i = 0; i < queue.length; i++) {
		for (const next of graph.get(queue[i]) ?? []) {
			if (!group.has(next)) continue;
			if (next === start) {
				const between: string[] = [];
				for (let at = queue[i]; at !== start; at = cameFrom.get(at)!) between.unshift(at);
				return [start, ...between, start];
			}
			if (!cameFrom.has(next)) {
				cameFrom.set(next, queue[i]);
				queue.push(next);
			}
		}
	}
	return [start, start];
}

describe('the import circle finder', () => {
	const graphOf = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

	it('reads every kind of relative import, type-only and re-exports included, and skips packages and comments', () => {
		const source = [
			"import type { A } from './a';",
			"import {\n\tB,\n\tC,\n} from '../b';",
			"export { D } from './d/index';",
			"export * from './e';",
			"import './f';",
			"import { NodeApiError } from 'n8n-workflow';",
			"// import { G } from './g';",
			'/* import { H } from "./h"; */',
			"const url = 'https://example.com/x'; // import { I } from './i'",
		].join('\n');
		expect(relativeImports(source)).toEqual(['./a', '../b', './d/index', './e', './f']);
	});

	it('names a circle with the path that closes it, and finds none in a tree', () => {
		expect(importCircles(graphOf({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] }))).toEqual([{ circle: ['a', 'b', 'c', 'a'], members: ['a', 'b', 'c'] }]);
		expect(importCircles(graphOf({ a: ['b', 'c'], b: ['a'], c: ['a'] }))).toEqual([{ circle: ['a', 'b', 'a'], members: ['a', 'b', 'c'] }]);
		expect(importCircles(graphOf({ a: ['a'] }))).toEqual([{ circle: ['a', 'a'], members: ['a'] }]);
		expect(importCircles(graphOf({ a: ['b', 'c'], b: ['c'], c: [] }))).toEqual([]);
	});
});

describe('the sources under nodes/ and credentials/', () => {
	it('import one another without a circle', () => {
		const files = SOURCE_DIRS.flatMap((dir) => tsFilesUnder(join(ROOT, dir)));
		expect(files.length).toBeGreaterThan(10);
		const circles = importCircles(importGraph(files, (file) => readFileSync(file, 'utf8')));
		const named = circles.map(({ circle, members }) => {
			const others = members.filter((file) => !circle.includes(file));
			const knot = others.length > 0 ? `; the same knot also holds ${others.map((file) => relative(ROOT, file)).join(', ')}` : '';
			return `${circle.map((file) => relative(ROOT, file)).join(' → ')}${knot}`;
		});
		expect(named).toEqual([]);
	});
});
