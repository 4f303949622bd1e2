/**
 * A one-line progress indicator on stderr while a large file is read (`bytes read / total`), only
 * when stderr is a terminal; elsewhere (pipes, CI, tests) it prints nothing.
 */

export interface Progress {
  update(bytes: number): void;
  done(): void;
}

export const NO_PROGRESS: Progress = { update() {}, done() {} };

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** A progress line for reading `total` bytes of `label`, redrawn at most every `intervalMs`. */
export function createProgress(label: string, total: number, stream: ProgressStream = process.stderr, intervalMs = 150): Progress {
  if (!stream.isTTY) return NO_PROGRESS;
  let last = 0;
  let shown = false;
  const draw = (bytes: number): void => {
    const pct = total > 0 ? ` (${Math.min(100, Math.floor((bytes / total) * 100))}%)` : '';
    stream.write(`\r\x1b[2Kreading ${label}: ${formatBytes(bytes)} / ${formatBytes(total)}${pct}`);
    shown = true;
  };
  return {
    update(bytes) {
      const now = Date.now();
      if (now - last < intervalMs) return;
      last = now;
      draw(bytes);
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
