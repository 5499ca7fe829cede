/** A short local date and time, or a dash. */
export function formatTime(iso?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** A local date, or a dash. */
export function formatDate(iso?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString();
}

/** `443/HTTPS, 80/HTTP` */
export function formatPorts(ports: Array<{ number: number; protocol?: string }>): string {
  return ports.map(p => (p.protocol ? `${p.number}/${p.protocol}` : String(p.number))).join(', ');
}

/** `user:default/jane` → `jane`; other refs unchanged. */
export function shortRef(ref?: string): string {
  if (!ref) return '—';
  const match = /^user:default\/(.+)$/.exec(ref);
  return match ? match[1] : ref;
}

/** How long ago: `5 min ago`, `3 h ago`, `2 days ago`. */
export function formatAge(iso?: string, now: Date = new Date()): string {
  if (!iso) return '—';
  const ms = now.getTime() - new Date(iso).getTime();
  if (Number.isNaN(ms)) return iso;
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const hours = Math.floor(min / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}
