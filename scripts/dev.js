#!/usr/bin/env node
// @ts-check
/**
 * Starts the portal for development (`npm run dev`): two local test clusters
 * side by side, `dev-eu` (mesh REGISTRY_ONLY) and `dev-us` (ALLOW_ANY), built
 * from upstream Go modules on first run and seeded with a few unmanaged egress
 * resources (scripts/demo-clusters.js); the backend on :7007 talking to both as
 * the plugin's least-privilege identity; and the app on :3000. Ctrl-C stops
 * everything, including the clusters, at any moment.
 *
 * EGRESS_DEV_CLUSTER=0 skips the test clusters (configure egress.clusters in
 * app-config.local.yaml, or KUBECONFIG, then); EGRESS_DEV_CLUSTER=<prefix> names the
 * local test clusters <prefix>-eu and <prefix>-us (the portal still calls them dev-eu
 * and dev-us). EGRESS_BACKEND_PORT and EGRESS_APP_PORT move the servers off 7007 and 3000.
 */
const { startStack, StackAborted } = require('./stack');

async function main() {
  // Signals are handled from the very first moment: before the portal is up, Ctrl-C abandons
  // start-up (the stack stops whatever it has started); afterwards it stops the running stack.
  const startup = new AbortController();
  /** @type {Awaited<ReturnType<typeof startStack>> | undefined} */
  let stack;
  let stopping;
  const shutdown = () => {
    if (!stack) {
      if (!startup.signal.aborted) console.log('[dev] stopping start-up');
      startup.abort();
      return;
    }
    const running = stack;
    stopping ??= (async () => {
      console.log('[dev] stopping the app, the backend and the test clusters');
      await running.stop();
      process.exit(0);
    })();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGHUP', shutdown);

  try {
    stack = await startStack({
      cluster: devCluster(process.env.EGRESS_DEV_CLUSTER),
      backendPort: port('EGRESS_BACKEND_PORT', 7007),
      appPort: port('EGRESS_APP_PORT', 3000),
      signal: startup.signal,
    });
  } catch (err) {
    if (err instanceof StackAborted) {
      console.log('[dev] stopped before the portal was ready; nothing is left running');
      process.exit(130);
    }
    throw err;
  }
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

/** `0` runs without test clusters; unset means `dev`; anything else is the local clusters' name prefix. */
function devCluster(value) {
  if (value === '0') return false;
  return value || 'dev';
}

/** A port from the environment (for running two portals side by side), or the default. */
function port(variable, fallback) {
  const value = process.env[variable];
  if (!value) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${variable} must be a port number, got ${value}`);
  return n;
}

main().catch(err => {
  console.error(`[dev] ${err.message}`);
  process.exit(1);
});
