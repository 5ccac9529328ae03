const { task, src, dest, parallel } = require('gulp');

// tsc emits only JavaScript: n8n reads the icons and the codex file from dist/, next to the code.
const copy = (pattern, to) => () => src(pattern, { encoding: false, allowEmpty: true }).pipe(dest(to));

task(
	'build:icons',
	parallel(
		copy('nodes/**/*.{png,svg,node.json}', 'dist/nodes'),
		copy('credentials/**/*.{png,svg}', 'dist/credentials'),
	),
);
