/**
 * The `dokuei` command in the reader's language (issue #18), run as a user runs it: DOKUEI_LANG=ja gives Japanese
 * help and usage errors, DOKUEI_LANG=en today's English. Synopses (what the user types) are the same in both.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI_RESOURCES } from '../../../../../electron/cli/i18n/cliText';
import { repoRoot } from '../../../../support/data';

const run = promisify(execFile);
const bin = path.join(repoRoot, 'bin', 'dokuei.mjs');

/** Kana or kanji: what English text never holds. */
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

async function dokuei(args: string[], lang: 'ja' | 'en'): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, DOKUEI_LANG: lang }, timeout: 60000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Every command the help lists: the start of each synopsis line ("dokuei settings export"). */
function commandsOf(help: string): string[] {
  return [...help.matchAll(/^ {2}(dokuei [a-z]+(?: [a-z|]+)?)/gm)].map((m) => m[1]!);
}

describe('dokuei in Japanese and English', () => {
  it('--help is Japanese under DOKUEI_LANG=ja and lists the same commands as the English one', async () => {
    const [ja, en] = await Promise.all([dokuei(['--help'], 'ja'), dokuei(['--help'], 'en')]);
    expect(ja.code).toBe(0);
    expect(en.code).toBe(0);
    expect(ja.stdout).toMatch(JAPANESE);
    expect(ja.stdout).toContain('使い方:');
    expect(ja.stdout).toContain('オプション:');
    expect(en.stdout).not.toMatch(JAPANESE);
    expect(en.stdout).toContain('Usage:');
    expect(en.stdout).toContain('  -h, --help       this text');
    const commands = commandsOf(en.stdout);
    expect(commands).toEqual(expect.arrayContaining(['dokuei inspect', 'dokuei import', 'dokuei settings export', 'dokuei settings import', 'dokuei prefetch', 'dokuei secrets delete']));
    expect(commandsOf(ja.stdout)).toEqual(commands);
  });

  it('a usage error is said in Japanese, with exit code 2', async () => {
    const r = await dokuei(['inspect'], 'ja');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('dokuei: inspect には FILE を 1 つ以上指定してください');
    expect(r.stderr).toContain("'dokuei --help'");
    expect(r.stderr).not.toContain('needs at least one FILE');
    const en = await dokuei(['inspect'], 'en');
    expect(en.stderr).toBe("dokuei: inspect needs at least one FILE\nRun 'dokuei --help' for usage.\n");
  });

  it('the main, pacs, settings and prefetch catalogues hold the same keys and placeholders in both languages', () => {
    const flat = (o: unknown, prefix = ''): Map<string, string> =>
      new Map(
        Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as const] : [...flat(v, `${prefix}${k}.`)])),
      );
    const placeholders = (s: string) => [...new Set(s.match(/\{\{[^}]+\}\}/g) ?? [])].sort();
    for (const group of ['main', 'pacs', 'settings', 'prefetch'] as const) {
      const en = flat(CLI_RESOURCES.en[group], `${group}.`);
      const ja = flat(CLI_RESOURCES.ja[group], `${group}.`);
      expect([...ja.keys()].sort(), group).toEqual([...en.keys()].sort());
      expect(en.size, group).toBeGreaterThan(0);
      for (const [key, text] of en) {
        expect(text, key).not.toBe('');
        expect(ja.get(key), key).not.toBe('');
        expect(placeholders(ja.get(key)!), key).toEqual(placeholders(text));
      }
    }
  });
});
