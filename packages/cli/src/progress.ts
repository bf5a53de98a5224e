/**
 * A progress bar on stderr, drawn only on a TTY (never into pipes or logs): `label [#####.....] 12/40`.
 * Without a known total it shows a spinner with the elapsed time.
 */
import type { OutputStream } from './io.js';

export interface Progress {
  /** Set the number of finished steps. */
  update(done: number, detail?: string): void;
  /** One more step finished. */
  tick(detail?: string): void;
  /** Change the total (e.g. once the number of processes is known). */
  setTotal(total: number): void;
  /** Erase the bar. */
  finish(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createProgress(stream: OutputStream, label: string, total?: number): Progress {
  if (!stream.isTTY) return { update() {}, tick() {}, setTotal() {}, finish() {} };
  const started = Date.now();
  let done = 0;
  let detail = '';
  let last = 0;
  let frame = 0;
  let finished = false;
  const draw = (force = false) => {
    const now = Date.now();
    if (!force && now - last < 50) return;
    last = now;
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    let line: string;
    if (total !== undefined && total > 0) {
      const size = Math.max(10, Math.min(30, width - label.length - 30));
      const filled = Math.round((size * Math.min(done, total)) / total);
      line = `${label} [${'#'.repeat(filled)}${'.'.repeat(size - filled)}] ${done}/${total}`;
    } else {
      frame = (frame + 1) % FRAMES.length;
      line = `${FRAMES[frame]} ${label} ${((now - started) / 1000).toFixed(1)}s`;
    }
    if (detail) line += ` ${detail}`;
    if (line.length > width) line = `${line.slice(0, width - 1)}…`;
    stream.write(`\r\x1b[2K${line}`);
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  if (total === undefined) {
    timer = setInterval(() => draw(true), 100);
    timer.unref?.();
  }
  draw(true);
  return {
    update(value, text) {
      done = value;
      if (text !== undefined) detail = text;
      draw(done === total);
    },
    tick(text) {
      this.update(done + 1, text);
    },
    setTotal(value) {
      total = value;
      if (timer) clearInterval(timer);
      timer = undefined;
      draw(true);
    },
    finish() {
      if (finished) return;
      finished = true;
      if (timer) clearInterval(timer);
      stream.write('\r\x1b[2K');
    },
  };
}
