import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCompiled, sourceHash } from '../../functions/config/compiled.ts';
import { parseConfig } from '../../functions/config/parse.ts';

const DIR = 'build/function';

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(DIR, join(e.parentPath, e.name)));
}

describe('the deploy artifact (npm run package)', () => {
  let shipped: string[];
  beforeAll(async () => {
    execFileSync('npm', ['run', 'package'], { stdio: 'pipe' });
    shipped = await files(DIR);
  }, 120_000);

  it('holds the compiled entry point, the targets YAML and a runtime-only package.json', async () => {
    expect(shipped).toEqual(
      expect.arrayContaining([
        'dist/functions/index.js',
        'dist/functions/checks/registry.js',
        'config/targets.yaml',
        'package.json',
        'package-lock.json',
      ]),
    );
    const pkg = JSON.parse(await readFile(join(DIR, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).toMatchObject({ main: 'dist/functions/index.js', type: 'module' });
    expect(pkg).not.toHaveProperty('devDependencies');
    expect(pkg).not.toHaveProperty('scripts');
  });

  it('ships the very targets.yaml of the repository', async () => {
    expect(await readFile(join(DIR, 'config/targets.yaml'), 'utf8')).toBe(
      await readFile('config/targets.yaml', 'utf8'),
    );
  });

  it('ships the targets file compiled for its very text, so the function starts without parsing it', async () => {
    const file = join(DIR, 'config/targets.yaml');
    const text = await readFile(file, 'utf8');
    const compiled = await readCompiled(file, sourceHash(text));
    const { concurrency, routes, weeklyReports, targets } = parseConfig(text, file);
    expect(compiled).toStrictEqual({ concurrency, routes, weeklyReports, targets });
    expect(shipped).toContain('config/targets.yaml.compiled.json');
  });

  it('holds nothing from test/, no TypeScript sources and no source maps', () => {
    expect(shipped.filter((f) => f.startsWith('test') || f.includes('/test/'))).toEqual([]);
    expect(shipped.filter((f) => f.endsWith('.ts') || f.endsWith('.map'))).toEqual([]);
    expect(shipped.filter((f) => !/^(dist\/functions\/|config\/|package(-lock)?\.json$)/.test(f))).toEqual(
      [],
    );
  });

  it('locks no dev-only package: no Node binary, vitest or TypeScript', async () => {
    const lock = JSON.parse(await readFile(join(DIR, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>;
    };
    const names = Object.keys(lock.packages);
    for (const dev of [
      'node_modules/node',
      'node_modules/vitest',
      'node_modules/typescript',
      'node_modules/eslint',
    ]) {
      expect(names).not.toContain(dev);
    }
    expect(names).toContain('node_modules/google-auth-library');
    // Every Google API is called as REST through google-auth-library: no 170 MB googleapis.
    expect(names).not.toContain('node_modules/googleapis');
  });
});
