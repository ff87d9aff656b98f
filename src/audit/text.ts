/** Small pieces of the auditors' text output, shared by the JSON summaries and the human reports. */

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A setting or label value as it is printed: JSON, or `(none)` when absent. */
export function formatValue(v: string | string[] | null): string {
  return v === null ? '(none)' : JSON.stringify(v);
}
