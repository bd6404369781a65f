import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_README, benchFigures, withFigures } from '../../bench/write-bench-readme.ts';

// The docs a person reads: the README stays a short guide, every link inside the repository
// lands on a file (and a heading), nothing points outside it but public https:// sites, and
// bench/README.md's figures are the ones bench/results/*.json hold.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README_MAX_LINES = 250;

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

const DOCS = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs')), BENCH_README];

/** The text outside code blocks and code spans, where a link is a link. */
const prose = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');

function linksOf(markdown: string): string[] {
  const text = prose(markdown);
  return [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g), ...text.matchAll(/<((?:https?|ftp|file):[^>]+)>/g)].map((match) => match[1]!);
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens; repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const match of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = match[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Hosts an https:// link may not name: this machine and private networks are nobody else's. */
const PRIVATE_HOST = /^(localhost|127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|\[?::1\]?|[^/]*\.(internal|local|localhost)$)/;

function problemsOf(file: string): string[] {
  const markdown = readFileSync(file, 'utf8');
  const problems: string[] = [];
  for (const link of linksOf(markdown)) {
    if (/^https:\/\//.test(link)) {
      if (PRIVATE_HOST.test(new URL(link).hostname)) problems.push(`${link}: not a public site`);
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) {
      problems.push(`${link}: only https:// links may leave the repository`);
      continue;
    }
    const [path, anchor] = link.split('#') as [string, string | undefined];
    const target = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
    if (relative(ROOT, target).startsWith('..')) {
      problems.push(`${link}: outside the repository`);
      continue;
    }
    if (!existsSync(target)) {
      problems.push(`${link}: no such file`);
      continue;
    }
    if (anchor !== undefined && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
      problems.push(`${link}: no heading #${anchor} in ${relative(ROOT, target)}`);
    }
  }
  return problems.map((problem) => `${relative(ROOT, file)}: ${problem}`);
}

test('every link in the README and docs resolves inside the repository, or is https:// to a public site', () => {
  assert.ok(DOCS.length > 3, 'the docs are found');
  assert.deepEqual(DOCS.flatMap(problemsOf), []);
});

test('the link checker catches what it must', () => {
  assert.deepEqual(linksOf('[a](x.md#b) `[c](not-a-link)` <https://example.org/x>\n```\n[d](nor-this)\n```\n'), ['x.md#b', 'https://example.org/x']);
  assert.ok(anchorsOf('# Instrumenting a service (`@stitch/sdk`)\n## A\n## A\n').has('instrumenting-a-service-stitchsdk'));
  assert.ok(anchorsOf('## A\n## A\n').has('a-1'));
  assert.ok(PRIVATE_HOST.test('localhost') && PRIVATE_HOST.test('agent.payments.internal') && !PRIVATE_HOST.test('opentelemetry.io'));
});

test(`the README is a guide of at most ${README_MAX_LINES} lines`, () => {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').trimEnd().split('\n').length;
  assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines; move the reference into docs/`);
});

test('bench/README.md shows the figures bench/results/*.json hold (npm run bench:readme writes them)', () => {
  const readme = readFileSync(BENCH_README, 'utf8');
  assert.equal(readme, withFigures(readme, benchFigures()), 'bench/README.md\'s figures differ from bench/results: run `npm run bench:readme`, never edit them by hand');
});
