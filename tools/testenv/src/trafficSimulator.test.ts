import { TrafficSimulator } from '..';

/** The simulator's exposition lines of one workload that went to this catch-all cluster. */
function lines(text: string, workload: string, cluster: string) {
  return text.split('\n').filter(l => l.includes(`source_workload="${workload}"`) && l.includes(cluster));
}

describe('the demo load of the traffic simulator', () => {
  afterEach(() => jest.restoreAllMocks());

  it('blocks unregistered calls in REGISTRY_ONLY and lets them pass through in ALLOW_ANY', async () => {
    // Every random branch taken: each kind of attempt the mode allows appears in the first tick.
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const simulator = new TrafficSimulator();
    simulator.startLoad([
      { namespace: 'payments', workload: 'locked', hosts: ['api.github.com'], meshMode: 'REGISTRY_ONLY' },
      { namespace: 'payments', workload: 'open', hosts: ['api.github.com'], meshMode: 'ALLOW_ANY' },
      { namespace: 'payments', workload: 'unknown', hosts: ['api.github.com'] },
    ]);
    const text = simulator.metricsText();
    await simulator.close();

    expect(lines(text, 'locked', 'BlackHoleCluster').length).toBeGreaterThan(0);
    expect(lines(text, 'locked', 'PassthroughCluster')).toEqual([]);
    expect(lines(text, 'open', 'PassthroughCluster').length).toBeGreaterThan(0);
    expect(lines(text, 'open', 'BlackHoleCluster')).toEqual([]);
    // Without a mode, both kinds (as before modes existed).
    expect(lines(text, 'unknown', 'BlackHoleCluster').length).toBeGreaterThan(0);
    expect(lines(text, 'unknown', 'PassthroughCluster').length).toBeGreaterThan(0);
  });
});
