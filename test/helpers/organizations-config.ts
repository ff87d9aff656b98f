/**
 * A config file for "two organisations, two teams" against a simulator started with `organizations: 2`: the
 * organisations `prod` (the simulator's first key) and `nonprod` (its second), and documents selected from them.
 * The secrets come from a variable and from a file, as the README tells users to do.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Env } from '../../src/config/vars.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { listSimResources, resourceKey } from './sim-resources.js';

export interface OrganizationsConfig {
  /** SD_CONFIG_FILE and the variables its organisations name. */
  env: Env;
  /** The file holding nonprod's secret; tests overwrite it to make nonprod's key fail. */
  secretFile: string;
  cleanup: () => Promise<void>;
}

/** Two teams' documents and one of everything, plus a document whose environment pattern matches nothing. */
export const TEAM_DOCUMENTS = `
documents:
  - name: team-payments
    organizations: [prod]
    environments: { include: [production] }
  - name: team-platform
    organizations: [nonprod]
    environments: { exclude: [production] }
    resource_types: [kafka, connector]
    plan: { scrapers: 1 }
  - name: everything
  - name: typo
    organizations: [prod]
    environments: [prodction]
`;

export async function writeOrganizationsConfig(
  sim: RunningSimulator,
  documents = TEAM_DOCUMENTS,
): Promise<OrganizationsConfig> {
  const [prod, nonprod] = sim.organizations;
  if (!prod || !nonprod) throw new Error('the simulator needs organizations: 2');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sd-orgs-'));
  const secretFile = path.join(dir, 'nonprod.secret');
  await writeFile(secretFile, `${nonprod.apiSecret}\n`);
  const file = path.join(dir, 'confluent-sd.yaml');
  await writeFile(
    file,
    `organizations:
  - name: prod
    api_key: ${prod.apiKey}
    api_secret_env: TEST_SECRET_PROD
  - name: nonprod
    api_key_env: TEST_KEY_NONPROD
    api_secret_file: ${secretFile}
${documents}`,
  );
  return {
    env: { SD_CONFIG_FILE: file, TEST_SECRET_PROD: prod.apiSecret, TEST_KEY_NONPROD: nonprod.apiKey },
    secretFile,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** `type:id` of what each document of TEAM_DOCUMENTS holds, from the simulator's organisations as they are now. */
export function expectedTeamResources(sim: RunningSimulator): Record<string, string[]> {
  const [prod, nonprod] = sim.organizations;
  const p = listSimResources(prod!.org);
  const n = listSimResources(nonprod!.org);
  const keys = (list: typeof p) => list.map(resourceKey).sort();
  return {
    everything: keys([...p, ...n]),
    'team-payments': keys(p.filter((r) => r.environment.displayName === 'production')),
    'team-platform': keys(
      n.filter(
        (r) => r.environment.displayName !== 'production' && (r.type === 'kafka' || r.type === 'connector'),
      ),
    ),
    typo: [],
  };
}
