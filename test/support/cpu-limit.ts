/**
 * The test suite's own reading of the CPU time this process may use, to know what the addon's
 * busy-wait defaults should be here: a container limited below two CPUs (`--cpus`, a pod's CPU
 * limit) turns them off, so a test expecting them on would fail there.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A cgroup directory's limit in CPUs, or Infinity for none (v2 cpu.max; v1 CFS quota/period). */
function directoryLimit(dir: string, v2: boolean): number {
  const read = (name: string) => {
    try {
      return fs.readFileSync(path.join(dir, name), 'utf8').trim();
    } catch {
      return '';
    }
  };
  const [quota, period] = v2 ? read('cpu.max').split(/\s+/).map(Number) : [Number(read('cpu.cfs_quota_us')), Number(read('cpu.cfs_period_us'))];
  return quota > 0 && period > 0 ? quota / period : Infinity;
}

/** The tightest limit from `cgroupPath` up to the root of the hierarchy at `mount`. */
function tightestAlong(mount: string, cgroupPath: string, v2: boolean): number {
  let limit = Infinity;
  for (let p = cgroupPath; ; p = path.posix.dirname(p)) {
    limit = Math.min(limit, directoryLimit(path.join(mount, p), v2));
    if (p === '/' || p === '.' || p === '') return limit;
  }
}

/**
 * The CPU limit of this process's cgroups in CPUs (Infinity: none), the tightest of v2 and v1's
 * cpu controller, read under `root` (the mount point of the cgroup file systems).
 * @example usableCpus() < 2 // the addon's busy-waits default to off
 */
export function cgroupCpuLimit(root = '/sys/fs/cgroup'): number {
  let limit = Infinity;
  for (const line of fs.readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')) {
    const [, id, controllers, cgroupPath] = line.match(/^([^:]*):([^:]*):(.*)$/) ?? [];
    if (cgroupPath === undefined) continue;
    if (id === '0' && controllers === '') {
      limit = Math.min(limit, tightestAlong(root, cgroupPath, true), tightestAlong(path.join(root, 'unified'), cgroupPath, true));
    } else if (controllers.split(',').includes('cpu')) {
      limit = Math.min(limit, tightestAlong(path.join(root, controllers), cgroupPath, false), tightestAlong(path.join(root, 'cpu'), cgroupPath, false));
    }
  }
  return limit;
}

/**
 * The CPUs' worth of time this process may use: its affinity mask's CPUs, capped by its cgroup
 * CPU limit.
 * @example const busyWaitsOnByDefault = usableCpus() >= 2;
 */
export function usableCpus(): number {
  return Math.min(os.availableParallelism(), cgroupCpuLimit());
}
