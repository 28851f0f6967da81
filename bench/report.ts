// Plain-text tables for the terminal, and the one-line verdicts of DESIGN §6.
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function rate(opsPerSecond: number): string {
  return opsPerSecond >= 100 ? `${Math.round(opsPerSecond).toLocaleString('en')}/s` : `${opsPerSecond.toFixed(1)}/s`;
}

export function ms(value: number): string {
  return value >= 10 ? `${value.toFixed(1)} ms` : `${value.toFixed(2)} ms`;
}

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(0)}%`;
}

export function verdict(pass: boolean): 'PASS' | 'MISS' {
  return pass ? 'PASS' : 'MISS';
}

/** One row of the summary: which target, what was measured, and whether it was met. */
export interface TargetLine {
  id: string;
  target: string;
  measured: string;
  pass: boolean;
}
