/**
 * The facts of the k8s/ workloads that matter in production: the CronJob's schedule and limits, the server's
 * replicas and probes, pod hardening, which component holds which Secret, and that Services, the
 * PodDisruptionBudget and the NetworkPolicies select the pods they are meant for.
 */
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULTS } from '../../../src/config-parts.js';
import { parseListen } from '../../../src/serve/config.js';
import { readDockerfileStages, type Stage, userOf } from '../../helpers/dockerfile.js';
import {
  containersOf,
  findObject,
  K8S_DIR,
  type Obj,
  podLabelsOf,
  podSpecOf,
  ROOT,
  readManifests,
  secretsOf,
  selects,
} from '../../helpers/k8s-manifests.js';

const manifests = readManifests(K8S_DIR);
const cronJob = findObject(manifests, 'CronJob', 'confluent-sd-publish');
const deployment = findObject(manifests, 'Deployment', 'confluent-sd-server');
const jobPod = podSpecOf(cronJob) as Obj;
const serverPod = podSpecOf(deployment) as Obj;
const jobContainer = containersOf(jobPod)[0] as Obj;
const serverContainer = containersOf(serverPod)[0] as Obj;
const listenPort = parseListen(DEFAULTS.SD_LISTEN, []).port;

test('CronJob: every 30 minutes, never overlapping, bounded in time and retries', () => {
  const spec = cronJob.spec;
  assert.is(spec.schedule, '*/30 * * * *');
  assert.is(spec.schedule, DEFAULTS.SD_SCHEDULE);
  assert.is(spec.concurrencyPolicy, 'Forbid');
  assert.ok(spec.startingDeadlineSeconds > 0 && spec.startingDeadlineSeconds < 1800);
  assert.ok(spec.successfulJobsHistoryLimit >= 1);
  assert.ok(spec.failedJobsHistoryLimit >= 1);
  const job = spec.jobTemplate.spec;
  // Shorter than the period, so Forbid never skips a run because the previous one hangs.
  assert.ok(job.activeDeadlineSeconds > 0 && job.activeDeadlineSeconds < 1800);
  assert.ok(job.backoffLimit >= 0 && job.backoffLimit <= 3);
  assert.equal(job.podFailurePolicy.rules[0], {
    action: 'FailJob',
    onExitCodes: { containerName: 'publish', operator: 'In', values: [2, 3] },
  });
  assert.is(jobPod.restartPolicy, 'Never');
  assert.equal(jobContainer.args, ['publish']);
  assert.is(jobContainer.name, 'publish');
});

test('Deployment: 2 replicas, /health liveness, /ready readiness on the SD_LISTEN port', () => {
  assert.is(deployment.spec.replicas, 2);
  assert.ok(selects(deployment.spec.selector.matchLabels, podLabelsOf(deployment)));
  assert.equal(serverContainer.args, ['serve']);
  assert.equal(serverContainer.ports, [{ name: 'http', containerPort: listenPort, protocol: 'TCP' }]);
  assert.equal(serverContainer.livenessProbe.httpGet, { path: '/health', port: 'http' });
  assert.equal(serverContainer.readinessProbe.httpGet, { path: '/ready', port: 'http' });
  const listen = serverContainer.env.find((e: Obj) => e.name === 'SD_LISTEN');
  assert.is(parseListen(listen.value, []).port, listenPort);
});

for (const [name, pod] of [
  ['CronJob', jobPod],
  ['Deployment', serverPod],
] as const) {
  test(`${name}: non-root, read-only root, no privilege escalation, no capabilities, resources`, () => {
    const dockerUser = userOf(readDockerfileStages(path.join(ROOT, 'Dockerfile')).at(-1) as Stage);
    assert.equal(
      {
        runAsNonRoot: pod.securityContext.runAsNonRoot,
        runAsUser: pod.securityContext.runAsUser,
        seccomp: pod.securityContext.seccompProfile,
        automount: pod.automountServiceAccountToken,
      },
      {
        runAsNonRoot: true,
        runAsUser: Number(dockerUser?.user),
        seccomp: { type: 'RuntimeDefault' },
        automount: false,
      },
    );
    for (const c of containersOf(pod)) {
      assert.equal(c.securityContext, {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        privileged: false,
        capabilities: { drop: ['ALL'] },
      });
      assert.ok(c.resources.requests.cpu && c.resources.requests.memory, `${c.name} requests`);
      assert.ok(c.resources.limits.memory, `${c.name} memory limit`);
      // The only writable path: /tmp on an emptyDir.
      assert.equal(
        c.volumeMounts.filter((v: Obj) => !v.readOnly).map((v: Obj) => v.mountPath),
        ['/tmp'],
      );
    }
    const tmp = pod.volumes.find((v: Obj) => v.name === 'tmp');
    assert.ok(tmp.emptyDir, 'tmp is an emptyDir');
  });
}

test('the job alone holds the Confluent key and read-write S3; the server the tokens and read-only S3', () => {
  assert.equal(secretsOf(jobPod), ['confluent-sd-confluent', 'confluent-sd-s3-readwrite']);
  assert.equal(secretsOf(serverPod), ['confluent-sd-bearer-tokens', 'confluent-sd-s3-readonly']);
  assert.is(jobPod.serviceAccountName, 'confluent-sd-publish');
  assert.is(serverPod.serviceAccountName, 'confluent-sd-server');
});

test('Services, PodDisruptionBudget and NetworkPolicies select the right pods', () => {
  const serverLabels = podLabelsOf(deployment);
  const jobLabels = podLabelsOf(cronJob);
  for (const name of ['confluent-sd', 'confluent-sd-pods']) {
    const svc = findObject(manifests, 'Service', name).spec;
    assert.ok(selects(svc.selector, serverLabels), `${name} selects the server`);
    assert.not.ok(selects(svc.selector, jobLabels), `${name} does not select the job`);
    assert.equal(svc.ports, [{ name: 'http', port: listenPort, targetPort: 'http', protocol: 'TCP' }]);
  }
  assert.is(findObject(manifests, 'Service', 'confluent-sd-pods').spec.clusterIP, 'None');

  const pdb = findObject(manifests, 'PodDisruptionBudget', 'confluent-sd-server').spec;
  assert.ok(selects(pdb.selector.matchLabels, serverLabels));
  assert.ok(pdb.minAvailable < deployment.spec.replicas, 'a drain can still proceed');

  const serverPolicy = findObject(manifests, 'NetworkPolicy', 'confluent-sd-server').spec;
  assert.ok(selects(serverPolicy.podSelector.matchLabels, serverLabels));
  assert.equal(serverPolicy.policyTypes, ['Ingress', 'Egress']);
  assert.equal(
    serverPolicy.ingress.flatMap((r: Obj) => r.ports),
    [{ protocol: 'TCP', port: listenPort }],
  );

  const jobPolicy = findObject(manifests, 'NetworkPolicy', 'confluent-sd-publish').spec;
  assert.ok(selects(jobPolicy.podSelector.matchLabels, jobLabels));
  assert.not.ok(selects(jobPolicy.podSelector.matchLabels, serverLabels));
  assert.equal(jobPolicy.policyTypes, ['Ingress', 'Egress']);
  assert.equal(jobPolicy.ingress, []);
});

test('the bearer-token Secret is mounted as a directory, so updates reach the pod', () => {
  const mount = serverContainer.volumeMounts.find((v: Obj) => v.name === 'bearer-tokens');
  assert.equal(mount, { name: 'bearer-tokens', mountPath: '/var/run/secrets/confluent-sd', readOnly: true });
  const file = serverContainer.env.find((e: Obj) => e.name === 'SD_BEARER_TOKEN_FILE').value;
  const volume = serverPod.volumes.find((v: Obj) => v.name === 'bearer-tokens');
  assert.is(file, `${mount.mountPath}/${volume.secret.items[0].path}`);
  assert.is(volume.secret.defaultMode, 0o440);
});

test.run();
