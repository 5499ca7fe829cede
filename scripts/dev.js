#!/usr/bin/env node
// @ts-check
/**
 * Starts the portal for development (`npm run dev`): the local test cluster
 * `dev` (built from upstream Go modules on first run, seeded with a few
 * unmanaged egress resources), the backend on :7007 talking to that cluster
 * as the plugin's least-privilege identity, and the app on :3000. Ctrl-C
 * stops everything, including the cluster.
 *
 * EGRESS_DEV_CLUSTER=0 skips the test cluster (configure egress.clusters in
 * app-config.local.yaml, or KUBECONFIG, then).
 */
const { startStack } = require('./stack');

async function main() {
  const stack = await startStack({
    cluster: process.env.EGRESS_DEV_CLUSTER === '0' ? false : 'dev',
  });
  let stopping;
  const shutdown = () => {
    stopping ??= (async () => {
      console.log('[dev] stopping the app, the backend and the test cluster');
      await stack.stop();
      process.exit(0);
    })();
    return stopping;
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  for (const child of stack.children) {
    child.on('exit', code => {
      if (stopping) return;
      console.error(`[dev] a server exited with ${code}; stopping`);
      shutdown();
    });
  }
  console.log(
    `\n[dev] Egress portal: ${stack.appUrl}  (sign in as alice to request access, carol to approve)\n`,
  );
}

main().catch(err => {
  console.error(`[dev] ${err.message}`);
  process.exit(1);
});
