/**
 * `status.json`: the last attempt (published, unchanged, failed or refused), failed runs included. Advisory: the
 * server turns it into the publish-age metrics, and an unreadable one means "no history", never a failed run.
 */
import { z } from 'zod';

export const OUTCOMES = ['published', 'unchanged', 'failed', 'refused'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const statusSchema = z.object({
  runId: z.string(),
  time: z.string(),
  outcome: z.enum(OUTCOMES),
  error: z.string().nullable(),
  snapshot: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastFailureAt: z.string().nullable(),
  durationMs: z.number().nonnegative(),
});
export type Status = z.infer<typeof statusSchema>;

/** The status in `text`, or undefined when it is not JSON or not of the status shape. */
export function parseStatus(text: string): Status | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = statusSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
