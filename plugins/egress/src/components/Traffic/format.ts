/** Per-second rate as the user reads it: per second, minute or hour, whichever is readable. */
export function formatRate(perSecond: number, unit: string): string {
  if (perSecond === 0) return '—';
  if (perSecond >= 1) return `${perSecond.toFixed(perSecond >= 10 ? 0 : 1)} ${unit}/s`;
  if (perSecond * 60 >= 1) return `${(perSecond * 60).toFixed(1)} ${unit}/min`;
  return `${(perSecond * 3600).toFixed(1)} ${unit}/h`;
}

/** Bytes with a binary unit. */
export function formatBytes(bytes: number): string {
  if (bytes === 0) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  const i = Math.min(units.length - 1, Math.floor(Math.log(bytes) / Math.log(1024)));
  return `${(bytes / 1024 ** i).toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** A ratio as a percentage, one decimal. */
export function formatPercent(ratio: number | undefined): string {
  return ratio === undefined ? '—' : `${(ratio * 100).toFixed(1)} %`;
}

/**
 * A count from Prometheus' increase(), which extrapolates to the window's edges and so is
 * rarely whole: rounded, as the user reads it.
 */
export function formatCount(count: number): string {
  if (count > 0 && count < 1) return 'fewer than 1';
  return Math.round(count).toLocaleString('en-US');
}
