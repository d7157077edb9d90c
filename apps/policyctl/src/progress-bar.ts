import type { CliOutput } from './cli-io';

interface ProgressBarOptions {
  /** Redraw at most this often on a terminal (ms). Default 100. */
  readonly redrawMs?: number;
  /** Off a terminal, print a line at most this often (ms). Default 5000. */
  readonly logEveryMs?: number;
  readonly now?: () => number;
}

const WIDTH = 24;

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

const count = (value: number) => value.toLocaleString('en-US');

/**
 * A progress line for long jobs on stderr: `label [=====>    ] done/total unit  pct  rate unit/s  ETA mm:ss`.
 * The rate is the average since the start; the ETA assumes it holds. On a terminal the line is redrawn in place;
 * in logs (no TTY) a line is printed every few seconds and at the end.
 */
export class ProgressBar {
  private readonly startedAt: number;
  private lastDrawAt = -Infinity;
  private done = 0;
  private total: number | null;
  private detail: string | undefined;
  private readonly now: () => number;

  constructor(
    private readonly output: CliOutput,
    private readonly label: string,
    total: number | null,
    private readonly unit = 'events',
    private readonly options: ProgressBarOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.total = total;
  }

  /**
   * `total` grows when more work appeared than counted at the start (e.g. events appended meanwhile). `detail`, shown
   * after the label, says where the job is (e.g. the day being run); it stays until changed.
   */
  update(done: number, total: number | null = this.total, detail: string | undefined = this.detail): void {
    this.done = done;
    this.detail = detail;
    this.total = total === null ? null : Math.max(total, done);
    const now = this.now();
    const interval = this.output.isTTY ? (this.options.redrawMs ?? 100) : (this.options.logEveryMs ?? 5000);
    if (now - this.lastDrawAt < interval) return;
    this.lastDrawAt = now;
    this.draw(now);
  }

  /** Draws the final state and ends the line. */
  finish(): void {
    this.draw(this.now());
    if (this.output.isTTY) this.output.write('\n');
  }

  /** The current line (also what is drawn). */
  line(now: number = this.now()): string {
    const seconds = Math.max((now - this.startedAt) / 1000, 1e-3);
    const rate = this.done / seconds;
    const parts = this.detail === undefined ? [this.label] : [this.label, this.detail];
    if (this.total !== null && this.total > 0) {
      const fraction = Math.min(1, this.done / this.total);
      const filled = Math.round(fraction * WIDTH);
      const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (fraction >= 1 ? '=' : '>') : '');
      parts.push(`[${bar.padEnd(WIDTH)}]`, `${count(this.done)}/${count(this.total)} ${this.unit}`);
      parts.push(`${Math.floor(fraction * 100)}%`);
      parts.push(`${count(Math.round(rate))} ${this.unit}/s`);
      const remaining = this.total - this.done;
      parts.push(`ETA ${remaining <= 0 ? '00:00' : formatDuration(rate > 0 ? remaining / rate : Infinity)}`);
    } else {
      parts.push(`${count(this.done)} ${this.unit}`, `${count(Math.round(rate))} ${this.unit}/s`);
    }
    parts.push(`elapsed ${formatDuration(seconds)}`);
    return parts.join('  ');
  }

  private draw(now: number): void {
    const line = this.line(now);
    if (this.output.isTTY) {
      const columns = this.output.columns ?? 120;
      this.output.write(`\r${line.slice(0, columns - 1).padEnd(Math.min(columns - 1, line.length))}\x1b[K`);
    } else {
      this.output.write(`${line}\n`);
    }
  }
}
