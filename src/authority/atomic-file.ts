// Replace a file so that a crash leaves the old or the new content, never a mix: write a
// temporary file beside it with the final mode, fsync it, rename over, fsync the directory.
// With `exclusive`, an existing file wins instead (link fails with EEXIST): two processes
// creating the same file at once then agree on one content.
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let sequence = 0;

export function writeFileAtomically(path: string, content: string, options: { mode: number; exclusive?: boolean }): { written: boolean } {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  sequence += 1;
  const temporary = join(dir, `.${basename(path)}.${process.pid}.${sequence}.tmp`);
  // 'wx': never follow or reuse an existing file; the mode applies from creation, so the file
  // is never readable by others even for an instant (umask can only remove bits).
  const fd = openSync(temporary, 'wx', options.mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  let written = true;
  if (options.exclusive) {
    try {
      linkSync(temporary, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      written = false;
    } finally {
      rmSync(temporary, { force: true });
    }
  } else {
    renameSync(temporary, path);
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
  return { written };
}
