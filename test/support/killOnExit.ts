/**
 * Children a test helper started and has not stopped yet (mock launchers, Kafka nodes): killed
 * with SIGKILL if the test process exits without stopping them. One 'exit' hook for all of them.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hookInstalled = false;

/** Kills `child` if this process exits while it still runs; forget() it once it has exited. */
export function killOnExit(child: ChildProcess): void {
  if (!hookInstalled) {
    hookInstalled = true;
    process.on('exit', () => {
      for (const c of live) {
        try {
          c.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
  live.add(child);
}

/** `child` exited (or was stopped): nothing left to kill. */
export function forget(child: ChildProcess): void {
  live.delete(child);
}
