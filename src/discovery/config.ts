/**
 * The `discovery` config part: SD_RESOURCE_TYPES, the resource types to list and publish. Unset (the default),
 * the Metrics API's descriptors say which; set, exactly the types named are listed and published, whatever the
 * Metrics API says (e.g. `kafka,connector` to skip the others' listings, or to publish a type an old descriptor
 * list leaves out).
 */
import { defineConfigPart, field } from '../config/part.js';
import { isResourceType, RESOURCE_TYPES, type ResourceType } from './resource.js';

export interface DiscoveryConfig {
  /** Undefined: as the Metrics API says. */
  resourceTypes?: readonly ResourceType[];
}

/** `kafka, connector` → ['kafka', 'connector'] (in RESOURCE_TYPES order); '' → undefined. */
function parseResourceTypes(text: string | undefined, name: string, problems: string[]) {
  const entries = (text ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (entries.length === 0) return undefined;
  const unknown = entries.filter((t) => !isResourceType(t));
  if (unknown.length > 0)
    problems.push(
      `${name} names unknown resource types ${unknown.map((t) => `"${t}"`).join(', ')}; known: ${RESOURCE_TYPES.join(', ')}`,
    );
  return RESOURCE_TYPES.filter((t) => entries.includes(t));
}

export const discoveryPart = defineConfigPart(
  { SD_RESOURCE_TYPES: field(parseResourceTypes) },
  {
    build: (v): DiscoveryConfig => (v.SD_RESOURCE_TYPES ? { resourceTypes: v.SD_RESOURCE_TYPES } : {}),
  },
);
