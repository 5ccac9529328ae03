import { ASSESSMENT_RESULTS, ASSESSMENT_STATUSES } from '../../nodes/FeishuCoreHr/helpers/choices';
import {
	InvalidInputError,
	isBlank,
	parseBoolean,
	parseChoice,
	parseDate,
	parseHttpUrl,
	parseId,
	parseNumber,
	parseText,
	parseTextId,
} from '../../nodes/FeishuCoreHr/helpers/parse';
import { assessmentLocatorProperty } from '../../nodes/FeishuCoreHr/actions/probationAssessment/shared';

/** The error a parser throws, for checking what it tells the user. */
function failure(fn: () => unknown): InvalidInputError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidInputError);
		return error as InvalidInputError;
	}
	throw new Error('expected the value to be refused');
}

describe('assessment IDs', () => {
	it('keeps a 19-digit ID as the exact digits, as text', () => {
		expect(parseId('Assessment ID', '7140964208476371331')).toBe('7140964208476371331');
	});

	it('trims spaces a spreadsheet cell carried around the ID', () => {
		expect(parseId('Assessment ID', '  7140964208476371331\t')).toBe('7140964208476371331');
	});

	it('accepts a small ID that arrived as a number, since no digit can have been lost', () => {
		expect(parseId('Assessment ID', 12345)).toBe('12345');
	});

	it('refuses an ID that lost precision in a spreadsheet and says it lost its last digits', () => {
		// 7140964208476371331 read as a number becomes 7140964208476371000: another assessment.
		const error = failure(() => parseId('Assessment ID', 7140964208476371331));
		expect(error.message).toContain('Assessment ID 7140964208476371000');
		expect(error.message).toMatch(/came in as a number and lost its last digits/);
		expect(error.message).toMatch(/as text/);
	});

	it('refuses any integer above 2^53 even when it happens to look whole', () => {
		expect(failure(() => parseId('Assessment ID', 2 ** 53 + 2)).message).toMatch(/lost its last digits/);
	});

	it('refuses an ID shown in scientific notation, the way Excel displays long numbers', () => {
		const error = failure(() => parseId('Assessment ID', '7.14096420847637E+18'));
		expect(error.message).toContain('"7.14096420847637E+18"');
		expect(error.message).toMatch(/scientific notation/);
		expect(failure(() => parseId('Assessment ID', '7.140964208476371e+18')).message).toMatch(/scientific notation/);
	});

	it.each([
		['letters', 'A7140964208476371331'],
		['a dash', '7140964208476-371331'],
		['a decimal point', '7140964208476371331.0'],
		['a negative sign', '-7140964208476371331'],
		['inner spaces', '7140964208 476371331'],
	])('refuses an ID with %s and says digits only', (_what, value) => {
		const error = failure(() => parseId('Assessment ID', value));
		expect(error.field).toBe('Assessment ID');
		expect(error.message).toContain(JSON.stringify(value));
		expect(error.message).toMatch(/digits only/);
	});

	it('refuses a fractional or negative number ID', () => {
		expect(failure(() => parseId('Assessment ID', 12.5)).message).toMatch(/digits only/);
		expect(failure(() => parseId('Assessment ID', -3)).message).toMatch(/digits only/);
	});

	it('reads full-width digits typed with a Chinese input method as the same digits', () => {
		expect(parseId('Assessment ID', '７１４０９６４２０８４７６３７１３３１')).toBe('7140964208476371331');
		expect(parseId('Assessment ID', '\u3000７１４０９６４２０８４７６３７１３３１\u3000')).toBe('7140964208476371331');
		expect(parseTextId('Employment ID', 'ｏｕ＿７ｄａｂ８ａ３ｄ')).toBe('ou_7dab8a3d');
	});

	it("lets through in the editor's By ID field what the node reads: full-width digits too, letters not", () => {
		const byId = assessmentLocatorProperty.modes?.find((m) => m.name === 'id');
		const validation = byId?.validation?.[0] as { properties: { regex: string } } | undefined;
		const pattern = new RegExp(validation?.properties.regex ?? '(?!)');
		for (const ok of ['7140964208476371331', ' 7140964208476371331 ', '７１４０９６４２０８４７６３７１３３１']) {
			expect(pattern.test(ok)).toBe(true);
			expect(parseId('Assessment ID', ok)).toBe('7140964208476371331');
		}
		for (const bad of ['A7140964208476371331', '7140964208476-371331']) expect(pattern.test(bad)).toBe(false);
	});

	it('refuses an ID of zeros, which is no record, instead of sending it', () => {
		for (const value of ['0', '000', '０', 0]) {
			const error = failure(() => parseId('Assessment ID', value));
			expect(error.field).toBe('Assessment ID');
			expect(error.message).toContain(`Assessment ID ${JSON.stringify(value)} is zero`);
		}
	});

	it('refuses an ID padded with leading zeros rather than guess which record it means', () => {
		const error = failure(() => parseId('Assessment ID', '07140964208476371331'));
		expect(error.message).toMatch(/"07140964208476371331" starts with 0, which no Feishu ID does/);
		expect(error.message).toMatch(/padded/);
	});

	it('refuses an empty ID as required', () => {
		for (const blank of ['', '   ', undefined, null]) {
			expect(failure(() => parseId('Assessment ID', blank)).message).toMatch(/Assessment ID .* is required but empty/);
		}
	});
});

describe('choices (status and result)', () => {
	it.each([
		['completed', 'completed'],
		['Completed', 'completed'],
		['COMPLETED', 'completed'],
		['  completed  ', 'completed'],
		['已完成', 'completed'],
		['in_process', 'in_process'],
		['In Process', 'in_process'],
		['in process', 'in_process'],
		['In Progress', 'in_process'],
		['进行中', 'in_process'],
		['Not Started', 'not_started'],
		['未开始', 'not_started'],
		['no_need', 'no_need'],
		['无需考核', 'no_need'],
	])('reads status %j as %s', (given, wire) => {
		expect(parseChoice('Assessment Status', given, ASSESSMENT_STATUSES)).toBe(wire);
	});

	it.each([
		['approved', 'approved'],
		['Approved', 'approved'],
		['通过', 'approved'],
		['rejected', 'rejected'],
		['REJECTED', 'rejected'],
		['不通过', 'rejected'],
	])('reads result %j as %s', (given, wire) => {
		expect(parseChoice('Assessment Result', given, ASSESSMENT_RESULTS)).toBe(wire);
	});

	it('refuses an unknown status, naming the field, the value and every allowed value', () => {
		const error = failure(() => parseChoice('Assessment Status', 'finished', ASSESSMENT_STATUSES));
		expect(error.message).toMatch(/^Assessment Status "finished" is not valid\./);
		for (const allowed of ['Not Started', 'not_started', 'In Process', 'in_process', 'Completed', 'completed', '已完成', 'No Need', 'no_need']) {
			expect(error.message).toContain(allowed);
		}
	});

	it('refuses a result that only contains an allowed word', () => {
		expect(() => parseChoice('Assessment Result', '通过了', ASSESSMENT_RESULTS)).toThrow(InvalidInputError);
		expect(() => parseChoice('Assessment Result', 'approved!', ASSESSMENT_RESULTS)).toThrow(InvalidInputError);
	});

	it('refuses a number where a choice is expected', () => {
		expect(() => parseChoice('Assessment Result', 1, ASSESSMENT_RESULTS)).toThrow(/Assessment Result 1 is not valid/);
	});
});

describe('booleans', () => {
	it.each([
		[true, true],
		[false, false],
		['true', true],
		['false', false],
		['TRUE', true],
		[' False ', false],
		['yes', true],
		['no', false],
		['是', true],
		['否', false],
		[1, true],
		[0, false],
	])('reads %j as %s', (given, expected) => {
		expect(parseBoolean('Is Final Assessment', given)).toBe(expected);
	});

	it('refuses anything else, naming the value and the allowed words', () => {
		const error = failure(() => parseBoolean('Is Final Assessment', 'maybe'));
		expect(error.message).toMatch(/^Is Final Assessment "maybe" is not valid\. Allowed: true or false/);
		expect(() => parseBoolean('Is Final Assessment', 2)).toThrow(InvalidInputError);
	});
});

describe('numbers', () => {
	it('reads a decimal given as text', () => {
		expect(parseNumber('Assessment Score', '88.5')).toBe(88.5);
		expect(parseNumber('Assessment Score', ' 61 ')).toBe(61);
		expect(parseNumber('Assessment Score', 92.25)).toBe(92.25);
	});

	it('keeps a score of 0 (it is a value, not a blank)', () => {
		expect(parseNumber('Assessment Score', 0)).toBe(0);
		expect(parseNumber('Assessment Score', '0')).toBe(0);
	});

	it('refuses text that is not a number, and a decimal comma', () => {
		expect(failure(() => parseNumber('Assessment Score', 'eighty')).message).toMatch(/^Assessment Score "eighty" is not valid\. Use a number such as 88\.5/);
		expect(failure(() => parseNumber('Assessment Score', '88,5')).message).toContain('"88,5"');
	});

	it('refuses NaN and Infinity, and names them as they are', () => {
		for (const value of [NaN, Infinity, -Infinity]) {
			const error = failure(() => parseNumber('Assessment Score', value));
			// The user must see the value they sent, not JSON's "null".
			expect(error.message).toContain(`Assessment Score ${String(value)} is not valid`);
		}
		expect(failure(() => parseNumber('Assessment Score', 'Infinity')).message).toContain('"Infinity"');
		expect(failure(() => parseNumber('Assessment Score', 'NaN')).message).toContain('"NaN"');
	});
});

describe('numbers are read only as a person means them', () => {
	it.each([
		['hexadecimal', '0x10', 16],
		['binary', '0b101', 5],
		['octal', '0o17', 15],
	])('refuses %s notation and says what JavaScript would have made of it', (notation, value, wouldBe) => {
		const error = failure(() => parseNumber('Assessment Score', value));
		expect(error.message).toContain(`Assessment Score "${value}" is written in ${notation} notation (it would be read as ${wouldBe}), so it was not used`);
		expect(error.message).toMatch(/Use a number such as 88\.5/);
	});

	it('refuses scientific notation in a score', () => {
		expect(failure(() => parseNumber('Assessment Score', '1e3')).message).toContain('"1e3" is written in scientific notation (it would be read as 1000)');
		expect(failure(() => parseNumber('Assessment Score', '8.85E1')).message).toMatch(/scientific notation/);
	});

	it('reads full-width digits and the full-width decimal point as the same number', () => {
		expect(parseNumber('Assessment Score', '８８．５')).toBe(88.5);
		expect(parseNumber('Assessment Score', '－３')).toBe(-3);
	});

	it('reads plain decimals with spaces, a sign or a bare point', () => {
		expect(parseNumber('Assessment Score', ' 12 ')).toBe(12);
		expect(parseNumber('Assessment Score', '+7')).toBe(7);
		expect(parseNumber('Assessment Score', '.5')).toBe(0.5);
		expect(parseNumber('Assessment Score', '61.')).toBe(61);
	});

	it.each([['1,000'], ['1_000'], ['88.5.1'], ['--3'], ['+'], ['.'], ['88 5'], ['true']])('refuses %s', (value) => {
		expect(failure(() => parseNumber('Assessment Score', value)).message).toContain(`Assessment Score ${JSON.stringify(value)} is not valid`);
	});

	it('refuses a value that is neither a number nor text (e.g. a boolean or a list)', () => {
		expect(failure(() => parseNumber('Assessment Score', true)).message).toContain('Assessment Score true is not valid');
		expect(failure(() => parseNumber('Assessment Score', [88])).message).toContain('Assessment Score [88] is not valid');
	});
});

describe('links', () => {
	it('accepts http and https links, trimmed', () => {
		expect(parseHttpUrl('Assessment Detail Link', 'https://hr.example.com/a/1')).toBe('https://hr.example.com/a/1');
		expect(parseHttpUrl('Assessment Detail Link', ' http://hr.example.com/a?id=1 ')).toBe('http://hr.example.com/a?id=1');
	});

	it.each([
		['another scheme', 'ftp://files.example.com/a.pdf'],
		['a script', 'javascript:alert(1)'],
		['no scheme', 'hr.example.com/a/1'],
		['no host', 'https://'],
		['plain words', 'see the HR system'],
	])('refuses %s and says a full http(s) link is needed', (_what, value) => {
		const error = failure(() => parseHttpUrl('Assessment Detail Link', value));
		expect(error.message).toContain(`Assessment Detail Link ${JSON.stringify(value)} is not valid`);
		expect(error.message).toMatch(/http:\/\/ or https:\/\//);
	});
});

describe('blank values', () => {
	it('treats empty cells, blank text, null and undefined as not given', () => {
		for (const blank of ['', '  ', '\t', null, undefined]) expect(isBlank(blank)).toBe(true);
	});

	it('treats 0, false and text as given', () => {
		for (const given of [0, false, 'x', ' 0 ']) expect(isBlank(given)).toBe(false);
	});
});

describe('text and dates', () => {
	it('keeps text as is and turns numbers and booleans into text', () => {
		expect(parseText('Assessment Comment', '  Strong start\nkeep going ')).toBe('  Strong start\nkeep going ');
		expect(parseText('Assessment Comment', 42)).toBe('42');
		expect(() => parseText('Assessment Comment', { a: 1 })).toThrow(/Assessment Comment .* Use plain text/);
	});

	it('reads dates as YYYY-MM-DD and refuses impossible ones', () => {
		expect(parseDate('Start', '2026-05-18')).toBe('2026-05-18');
		expect(parseDate('Start', '2026-05-18T10:00:00Z')).toBe('2026-05-18');
		expect(() => parseDate('Start', '2026-02-30')).toThrow(InvalidInputError);
		expect(() => parseDate('Start', '18/05/2026')).toThrow(/Use a date such as/);
	});
});
