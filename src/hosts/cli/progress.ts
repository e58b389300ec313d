/** A one-line progress bar with rate and ETA for interactive terminals (stderr). */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`
    : `${m}:${String(sec).padStart(2, '0')}`;
}

export function renderBar(
  stage: string,
  done: number,
  total: number,
  rate: number,
  eta: number | null,
  width = 30,
): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const count = total > 0 ? `${done}/${total}` : `${done}`;
  const speed = rate > 0 ? `${rate.toFixed(1)}/s` : '';
  return `${stage.padEnd(12)} ${bar} ${count.padStart(11)} ${speed.padStart(8)} ETA ${formatDuration(eta)}`;
}

export function createProgressPrinter(stream: NodeJS.WriteStream): {
  update: (stage: string, done: number, total: number, rate: number, eta: number | null) => void;
  done: () => void;
} {
  const interactive = stream.isTTY;
  let last = '';
  return {
    update(stage, done, total, rate, eta) {
      if (!interactive) return;
      const line = renderBar(
        stage,
        done,
        total,
        rate,
        eta,
        Math.max(10, Math.min(40, (stream.columns || 80) - 50)),
      );
      if (line !== last) stream.write(`\r\x1b[2K${line}`);
      last = line;
    },
    done() {
      if (interactive && last) stream.write('\r\x1b[2K');
    },
  };
}
