import type { CacheService } from '@backstage/backend-plugin-api';
import type { Flow, IstioCounter, TrafficSimulator } from '@backstage-egress/testenv';

/** One counter of one flow, with its value at each timeline point (oldest first; start at 0). */
export interface ScriptedSeries {
  metric: IstioCounter;
  flow: Flow;
  values: number[];
}

/**
 * Writes a timeline into the simulator: point k of every series carries the timestamp
 * `end - (points - 1 - k) * 60` seconds, and each point is scraped (twice, to be sure)
 * before the next is set (a scrape is stored before the next one starts), so Prometheus
 * then holds exactly these samples.
 */
export async function playTimeline(
  sim: TrafficSimulator,
  series: ScriptedSeries[],
  endSeconds: number,
): Promise<void> {
  const points = Math.max(...series.map(s => s.values.length));
  for (let k = 0; k < points; k++) {
    const ts = (endSeconds - (points - 1 - k) * 60) * 1000;
    for (const s of series) {
      const offset = points - s.values.length;
      if (k >= offset) sim.set(s.metric, s.flow, s.values[k - offset], ts);
    }
    const seen = sim.scrapes;
    while (sim.scrapes < seen + 2) await new Promise(r => setTimeout(r, 50));
  }
}

/** A CacheService in a Map, without expiry: enough to see what the traffic service caches. */
export function memoryCache(): CacheService {
  const store = new Map<string, unknown>();
  const cache = {
    get: async (k: string) => store.get(k),
    set: async (k: string, v: unknown) => void store.set(k, v),
    delete: async (k: string) => void store.delete(k),
    withOptions: () => cache,
  };
  return cache as CacheService;
}
