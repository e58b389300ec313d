/**
 * One writer per library: a lock file in the data directory names the process that owns it.
 * Two processes on one library (two `sift scan`s, the app and the CLI) would mark each other's
 * files missing and race on the same rows. A lock whose process is gone (kill -9, power loss) is
 * stale and taken over; a live one makes the second process stop with a clear message.
 */
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { EngineError } from '../../common/errors';

export const LOCK_FILE = 'sift.lock';

interface Holder {
  pid: number;
  host: string;
  /** Linux: the process start time in clock ticks since boot, which tells a reused pid apart. */
  start: string | null;
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counted after the command name, which is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function parseHolder(text: string): Holder | null {
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    return typeof value.pid === 'number' && typeof value.host === 'string'
      ? { pid: value.pid, host: value.host, start: value.start ?? null }
      : null;
  } catch {
    return null;
  }
}

/** Whether the process named in a lock still runs (a process on another machine is assumed to). */
function holderAlive(holder: Holder): boolean {
  if (holder.host !== os.hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStart(holder.pid);
  return holder.start === null || start === null || start === holder.start;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Takes the library's lock or throws CONFLICT naming the process that has it. */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE);
  const mine = JSON.stringify({
    pid: process.pid,
    host: os.hostname(),
    start: processStart(process.pid),
  } satisfies Holder);
  for (let attempt = 0; attempt < 8; attempt++) {
    // Written whole under a private name, then linked into place: the lock never exists half-written.
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, mine, { mode: 0o644 });
    try {
      linkSync(temp, file);
      return held(file, mine);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(temp);
    }
    const text = readText(file);
    if (text === null) continue;
    const holder = parseHolder(text);
    if (holder && holderAlive(holder)) {
      const who =
        holder.pid === process.pid
          ? 'this process (another engine)'
          : `process ${holder.pid}${holder.host !== os.hostname() ? ` on ${holder.host}` : ''}`;
      throw new EngineError(
        'CONFLICT',
        `The library in ${dataDir} is in use by ${who}. Only one Sift may work on a library at a time: close the other one, or use another --data folder.`,
        { pid: holder.pid, host: holder.host },
      );
    }
    // Stale: move it aside atomically, then make sure what was moved is the stale lock we read.
    const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      renameSync(file, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const moved = readText(aside);
    if (moved !== text) {
      // Another process took the stale lock over in between: give its lock back.
      try {
        linkSync(aside, file);
      } catch {
        // Someone holds the name already; the next round reads who.
      }
    }
    unlinkSync(aside);
  }
  throw new EngineError(
    'CONFLICT',
    `Could not take the lock of the library in ${dataDir}: other processes keep taking it`,
  );
}

function held(file: string, mine: string): DataDirLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own lock is removed (a stale-lock takeover may have replaced it).
    if (readText(file) === mine) unlinkSync(file);
  };
  process.on('exit', release);
  return { file, release };
}
