// Turns the JUnit XML files of a test run (test-artifacts/*junit*.xml: jest-junit for the jest projects,
// newman's junit reporter for the Postman workflow) into one readable page, test-artifacts/test-report.html:
// totals per file, then every suite with its cases, failures first and expanded. `npm run test:report`;
// `npm test` writes it at the end of every run. Only reads what jest-junit and newman write: attributes
// in double quotes, <failure>/<error> bodies as text or CDATA.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(__dirname, '..', 'test-artifacts');
const OUT = join(DIR, 'test-report.html');

interface Case {
  name: string;
  classname: string;
  time: number;
  failure?: string;
  skipped: boolean;
}
interface Suite {
  file: string;
  name: string;
  cases: Case[];
}

const unescapeXml = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : e === 'amp' ? '&' : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)),
  );
const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:-]+)="([^"]*)"/g)) out[m[1]] = unescapeXml(m[2]);
  return out;
}

function parse(file: string, xml: string): Suite[] {
  const suites: Suite[] = [];
  for (const suite of xml.matchAll(/<testsuite\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testsuite>)/g)) {
    const cases: Case[] = [];
    for (const c of (suite[2] ?? '').matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
      const a = attributes(c[1]);
      const body = c[2] ?? '';
      const failures = [...body.matchAll(/<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/g)].map((f) => {
        const text = (f[3] ?? '').replace(/^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/, '$1');
        return [attributes(f[2]).message, f[3]?.includes('CDATA') ? text : unescapeXml(text)].filter(Boolean).join('\n');
      });
      cases.push({
        name: a.name ?? '',
        classname: a.classname ?? '',
        time: Number(a.time ?? 0),
        failure: failures.length ? failures.join('\n\n') : undefined,
        skipped: /<skipped\b/.test(body),
      });
    }
    suites.push({ file, name: attributes(suite[1]).name ?? file, cases });
  }
  return suites;
}

function render(suites: Suite[]): string {
  const all = suites.flatMap((s) => s.cases);
  const failed = all.filter((c) => c.failure).length;
  const skipped = all.filter((c) => c.skipped).length;
  const byFile = new Map<string, Case[]>();
  for (const s of suites) byFile.set(s.file, [...(byFile.get(s.file) ?? []), ...s.cases]);
  const ordered = [...suites].sort((a, b) => Number(b.cases.some((c) => c.failure)) - Number(a.cases.some((c) => c.failure)));
  const rows = [...byFile]
    .map(([file, cases]) => {
      const f = cases.filter((c) => c.failure).length;
      return `<tr class="${f ? 'fail' : 'pass'}"><td>${escapeHtml(file)}</td><td>${cases.length}</td><td>${f}</td><td>${cases.filter((c) => c.skipped).length}</td><td>${cases.reduce((t, c) => t + c.time, 0).toFixed(1)} s</td></tr>`;
    })
    .join('\n');
  const details = ordered
    .map((s) => {
      const f = s.cases.filter((c) => c.failure).length;
      const items = s.cases
        .map((c) => {
          const state = c.failure ? 'fail' : c.skipped ? 'skip' : 'pass';
          const mark = c.failure ? '✗' : c.skipped ? '○' : '✓';
          const title = [c.classname, c.name].filter((x, i, xs) => x && xs.indexOf(x) === i).join(' › ');
          return `<li class="${state}">${mark} ${escapeHtml(title)} <small>${c.time.toFixed(2)} s</small>${c.failure ? `<pre>${escapeHtml(c.failure)}</pre>` : ''}</li>`;
        })
        .join('\n');
      return `<details${f ? ' open' : ''}><summary class="${f ? 'fail' : 'pass'}">${escapeHtml(s.name)} — ${s.cases.length} tests${f ? `, ${f} failed` : ''}</summary><ul>${items}</ul></details>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dompet test report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}h1{margin:0 0 .3em}table{border-collapse:collapse;margin:1em 0}
td,th{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:left}.fail{color:#b00020}.pass{color:#1b5e20}.skip{color:#777}
summary{cursor:pointer;font-weight:600;margin:.4em 0}ul{list-style:none;padding-left:1em}pre{background:#fff3f3;color:#222;padding:.6em;overflow:auto;white-space:pre-wrap}small{color:#777}
</style></head><body>
<h1 class="${failed ? 'fail' : 'pass'}">${failed ? `${failed} failed` : 'All passed'}: ${all.length} tests, ${skipped} skipped</h1>
<p>From ${[...byFile.keys()].map(escapeHtml).join(', ')} in test-artifacts/.</p>
<table><tr><th>file</th><th>tests</th><th>failed</th><th>skipped</th><th>time</th></tr>
${rows}
</table>
${details}
</body></html>
`;
}

function main(): number {
  let files: string[] = [];
  try {
    files = readdirSync(DIR).filter((f) => /junit.*\.xml$/.test(f)).sort();
  } catch {
    files = [];
  }
  if (!files.length) {
    process.stderr.write(`no JUnit XML in ${DIR}\n`);
    return 1;
  }
  const suites = files.flatMap((f) => parse(f, readFileSync(join(DIR, f), 'utf8')));
  writeFileSync(OUT, render(suites));
  const cases = suites.flatMap((s) => s.cases);
  process.stdout.write(`test report: ${OUT} (${cases.length} tests, ${cases.filter((c) => c.failure).length} failed, from ${files.join(', ')})\n`);
  return 0;
}

process.exit(main());
