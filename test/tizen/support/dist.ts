/**
 * Child processes load rx-teec through the package's own name (`rx-teec/tizen`), i.e. the compiled
 * dist/: rebuild it when it is older than the sources.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageRoot } from '../../../src/core/native/addon';

export const ROOT = packageRoot();

/** Newest modification time under `dir` of files ending in `ext`. */
function newest(dir: string, ext: string): number {
  let t = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) t = Math.max(t, newest(file, ext));
    else if (entry.name.endsWith(ext)) t = Math.max(t, fs.statSync(file).mtimeMs);
  }
  return t;
}

function isFresh(built: string): boolean {
  return fs.existsSync(built) && fs.statSync(built).mtimeMs >= newest(path.join(ROOT, 'src'), '.ts');
}

const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds dist/ (the package's `prepare` step) unless it is newer than every source file. Jest runs
 * spec files in parallel processes: a lock directory keeps two builds from writing dist/ at once.
 */
export function ensureDist(): void {
  const built = path.join(ROOT, 'dist', 'tizen', 'register.js');
  if (isFresh(built)) return;
  const lock = path.join(os.tmpdir(), `rx-teec-dist-build-${process.getuid?.() ?? 0}.lock`);
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // Another process is building; a lock older than 2 minutes is left over from a killed run.
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 120_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      sleep(100);
    }
  }
  try {
    if (isFresh(built)) return;
    // Type errors elsewhere in the tree still emit; only a missing output is fatal here.
    const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
    if (!fs.existsSync(built)) throw new Error(`cannot build dist/: ${r.stdout}${r.stderr}`);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
