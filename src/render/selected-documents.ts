/**
 * The documents of SD_CONFIG_FILE `documents:`: each its own selection of the one labelled inventory, its own
 * name, prefix, targets and scrape plan. Pure, like the rest of render/.
 */
import type { Inventory } from '../discovery/resource.js';
import { AppError } from '../errors.js';
import type { DocumentSpec } from './documents-config.js';
import { labelInventory } from './labels.js';
import { checkOptions, type RenderedDocument, type RenderOptions, renderCombination } from './render.js';
import { selectResources, unmatchedParts } from './selection.js';

/** Every configured document, sorted by name; the inventory is checked and labelled once. */
export function renderSelectedDocuments(
  inventory: Inventory,
  documents: readonly DocumentSpec[],
  options: RenderOptions,
): RenderedDocument[] {
  const checked = checkOptions(options);
  const all = labelInventory(inventory);
  const docs = documents.map((spec) => {
    const resources = spec.selection ? selectResources(all, spec.selection) : all;
    const doc = renderCombination(resources, spec.combination, { ...checked, plan: spec.plan }, spec.name);
    if (!spec.selection) return doc;
    const unmatched = unmatchedParts(spec.selection, inventory.environments);
    if (resources.length === 0 && all.length > 0) unmatched.unshift('the selection matches no resource');
    return { ...doc, selection: spec.selection, unmatched };
  });
  docs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < docs.length; i++) {
    if (docs[i]!.name === docs[i - 1]!.name)
      throw new AppError('RENDER_INVALID', `render: two documents share the name "${docs[i]!.name}"`);
  }
  return docs;
}
