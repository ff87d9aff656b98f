/**
 * The audit commands for one organisation (`--organization NAME`, SD_CONFIG_FILE `organizations:`): a document
 * belongs to it when its selection includes it (a document without `organizations:` includes every one), a
 * resource when its `organization` label names it. Pure, but for `verify`'s, which reads the manifests.
 */
import { runIdOfKey } from '../bucket/keys.js';
import { type Manifest, selectsOrganization } from '../bucket/manifest.js';
import { readLatestManifest, readSnapshotManifest } from '../bucket/read.js';
import { AppError } from '../errors.js';
import type { StoreReader } from '../store/store.js';
import type { SnapshotContent } from './diff.js';
import type { DocumentContent } from './document-resources.js';
import type { VerifyReport } from './verify.js';

/** The manifest as one organisation sees it: its documents, and its resource counts (none when it has none). */
export function scopeManifest(m: Manifest, organization: string): Manifest {
  const documents = Object.fromEntries(
    Object.entries(m.documents).filter(([, e]) => selectsOrganization(e.selection, organization)),
  );
  const own = m.resources.byOrganization?.[organization];
  return {
    ...m,
    documents,
    resources: { total: own?.total ?? 0, byType: { ...own?.byType }, byEnvironment: {} },
  };
}

/** A document read back, with only the organisation's resources. */
export function scopeContent(content: DocumentContent, organization: string): DocumentContent {
  const keep = new Map([...content.resources].filter(([, r]) => r.labels.organization === organization));
  return {
    ...content,
    resources: keep,
    ...(content.placement
      ? { placement: new Map([...content.placement].filter(([key]) => keep.has(key))) }
      : {}),
  };
}

/** The document a key of the bucket (`…/<doc>.json`, `…/<doc>.info.prom`) belongs to; undefined for a manifest. */
export function documentOfKey(key: string): string | undefined {
  const file = key.slice(key.lastIndexOf('/') + 1);
  if (file === 'manifest.json' || file === 'status.json') return undefined;
  const m = /^(.+?)(?:\.info\.prom|\.json)$/.exec(file);
  return m?.[1];
}

/** `--organization NAME`: a name under `organizations:` (one the manifests do not know selects nothing). */
export function organizationArg(value: string | undefined): { organization?: string } {
  if (value === undefined) return {};
  if (value.trim() === '') throw new AppError('USAGE', '--organization must name an organization');
  return { organization: value.trim() };
}

/** A snapshot read back for `diff`, as one organisation sees it. */
export function scopeSnapshot(content: SnapshotContent, organization: string | undefined): SnapshotContent {
  if (organization === undefined) return content;
  const manifest = scopeManifest(content.manifest, organization);
  const documents = new Map(
    [...content.documents]
      .filter(([name]) => name in manifest.documents)
      .map(([name, d]) => [name, scopeContent(d, organization)] as const),
  );
  return { manifest, documents };
}

/**
 * `verify --organization`: the problems of documents that include the organisation, by the manifest of the
 * snapshot (or `latest/`) the object belongs to, and every problem that names no document (manifests). A problem
 * whose manifest cannot be read, or does not list the document, is kept: doubt is reported.
 */
export async function scopeVerifyReport(
  store: StoreReader,
  report: VerifyReport,
  organization: string | undefined,
): Promise<VerifyReport> {
  if (organization === undefined) return report;
  const manifests = new Map<string, Promise<Manifest | undefined>>();
  const manifestOf = (key: string) => {
    const runId = runIdOfKey(key) ?? 'latest';
    let m = manifests.get(runId);
    if (!m) {
      const read = runId === 'latest' ? readLatestManifest(store) : readSnapshotManifest(store, runId);
      m = read.catch(() => undefined);
      manifests.set(runId, m);
    }
    return m;
  };
  const problems = [];
  for (const p of report.problems) {
    const doc = documentOfKey(p.key);
    const entry = doc === undefined ? undefined : (await manifestOf(p.key))?.documents[doc];
    if (!entry || selectsOrganization(entry.selection, organization)) problems.push(p);
  }
  return { ...report, problems };
}
