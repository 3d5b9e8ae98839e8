// A starter that dies without cleaning up, for the launcher's test of a crashed jest worker:
// starts a 1-node KafkaCluster, prints `started {"dir":…,"pids":[…]}` and waits to be killed.
// Run by: node -r ./test/soak/register.js test/support/startAndHang.ts
import { KafkaCluster } from './KafkaCluster';

// The nodes' pipes are unref'd (they must not keep a jest worker alive): hold the process open.
setInterval(() => undefined, 60_000);
KafkaCluster.start({ nodes: 1 }).then(
  (cluster) => process.stdout.write(`started ${JSON.stringify({ dir: cluster.dir, pids: [...cluster.pids().values()] })}\n`),
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  },
);
