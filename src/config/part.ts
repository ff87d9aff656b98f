/**
 * A config part: the variables one component reads, their defaults, and a zod schema from their text to the
 * component's config. Each part sits next to its code (`store/config.ts`, `serve/config.ts`, …); a command
 * declares the parts it needs and `loadParts` validates only those.
 */
import { z } from 'zod';
import { fileVariableOf } from './secret-files.js';

/** The schema of one variable, given its name (its messages name it): text or unset → a value. */
export type Field<T> = (name: string) => z.ZodType<T, string | undefined>;
// biome-ignore lint/suspicious/noExplicitAny: zod's types are invariant in their output; any field fits
type Fields = Record<string, Field<any>>;
export type FieldValues<F extends Fields> = { [K in keyof F]: z.output<ReturnType<F[K]>> };

export interface PartContext {
  /** Relative paths resolve against this directory. */
  readonly cwd: string;
  /** The structured sections of SD_CONFIG_FILE (`organizations:`, `documents:`), as parsed YAML; absent ones unset. */
  readonly sections?: Readonly<Record<string, unknown>>;
  /** Every variable of the process (file < environment), for a section that names one (`api_key_env:`). */
  readonly vars?: Readonly<Record<string, string>>;
}

export interface ConfigPart<T, D extends string = string> {
  /** Every variable the schema reads. */
  readonly variables: readonly string[];
  /** Variables a library reads on its own (the AWS SDK's credential chain): known to the program, not validated. */
  readonly external: readonly string[];
  /** The value a variable has when it is set neither in the environment nor in the file. */
  readonly defaults: Readonly<Record<D, string>>;
  /** Defaults the schema applies itself, because another variable stands in first (CACHE_DURATION). */
  readonly ownDefaults: readonly string[];
  /** Variables only the environment (or their file variable) may set, never SD_CONFIG_FILE. */
  readonly secrets: readonly string[];
  /** Variables the loader also takes from `<name>_FILE` (`config/secret-files.ts`). */
  readonly fromFile: readonly string[];
  /** The variable naming the file of each secret: `<name>_FILE`, unless the part reads a file of its own. */
  readonly secretFiles: Readonly<Record<string, string>>;
  /** Structured sections of SD_CONFIG_FILE the part reads (from `context.sections`); optional, none by default. */
  readonly sections?: readonly string[];
  /** The variables (defaults applied) → the config. Each issue's message is a whole sentence naming its variable. */
  schema(context: PartContext): z.ZodType<T>;
}

/** A rule across variables, checked as soon as the variables it reads are valid (even when others are not). */
export interface CrossCheck<F extends Fields> {
  reads: readonly (keyof F & string)[];
  check(values: FieldValues<F>, problems: string[], context: PartContext): void;
}

export interface PartSpec<F extends Fields, T, D extends keyof F & string> {
  defaults?: { readonly [K in D]: string };
  ownDefaults?: readonly (keyof F & string)[];
  secrets?: readonly (keyof F & string)[];
  fromFile?: readonly (keyof F & string)[];
  /** A secret whose file variable the part reads itself (SD_BEARER_TOKENS → SD_BEARER_TOKEN_FILE). */
  secretFiles?: { readonly [K in keyof F & string]?: string };
  external?: readonly string[];
  checks?: readonly CrossCheck<F>[];
  sections?: readonly string[];
  /**
   * Valid field values → the part's config; runs only when every field and check passed. A part that reads a
   * section pushes its problems (whole sentences) to `problems`; any makes the part invalid.
   */
  build(values: FieldValues<F>, context: PartContext, problems: string[]): T;
}

/** A part from its fields (variable name → field; apart from the rest so that TypeScript infers their types). */
export function defineConfigPart<F extends Fields, T, D extends keyof F & string = never>(
  fields: F,
  spec: PartSpec<F, T, D>,
): ConfigPart<T, D> {
  const variables = Object.keys(fields);
  return Object.freeze({
    variables: Object.freeze(variables),
    external: Object.freeze([...(spec.external ?? [])]),
    defaults: Object.freeze({ ...spec.defaults }) as Record<D, string>,
    ownDefaults: Object.freeze([...(spec.ownDefaults ?? [])]),
    secrets: Object.freeze([...(spec.secrets ?? [])]),
    fromFile: Object.freeze([...(spec.fromFile ?? [])]),
    secretFiles: Object.freeze(
      Object.fromEntries((spec.secrets ?? []).map((n) => [n, spec.secretFiles?.[n] ?? fileVariableOf(n)])),
    ),
    ...(spec.sections ? { sections: Object.freeze([...spec.sections]) } : {}),
    schema(context: PartContext): z.ZodType<T> {
      const shape = Object.fromEntries(variables.map((name) => [name, fields[name]!(name)]));
      let object: z.ZodType<FieldValues<F>> = z.object(shape) as unknown as z.ZodType<FieldValues<F>>;
      for (const c of spec.checks ?? [])
        object = object.superRefine(crossCheck(c, context), { when: readsValid(c) });
      return object.transform((values, ctx) => {
        const problems: string[] = [];
        const built = spec.build(values, context, problems);
        for (const message of problems) ctx.addIssue({ code: 'custom', message, path: [] });
        return problems.length > 0 ? z.NEVER : built;
      });
    },
  });
}

/** A copy of `part` with other defaults (the demo logs `pretty` unless told otherwise). */
export function withDefaults<T, D extends string>(
  part: ConfigPart<T, D>,
  defaults: Partial<Record<D, string>>,
): ConfigPart<T, D> {
  return Object.freeze({ ...part, defaults: Object.freeze({ ...part.defaults, ...defaults }) });
}

function crossCheck<F extends Fields>(c: CrossCheck<F>, context: PartContext) {
  return (values: FieldValues<F>, ctx: z.RefinementCtx) => {
    const problems: string[] = [];
    c.check(values, problems, context);
    for (const message of problems) ctx.addIssue({ code: 'custom', message, path: [] });
  };
}

function readsValid<F extends Fields>(c: CrossCheck<F>) {
  return (payload: z.core.ParsePayload): boolean =>
    !payload.issues.some((i) => c.reads.includes(String(i.path?.[0]) as keyof F & string));
}

/**
 * A field from a parse function that pushes one message per problem (the same functions the server and the
 * render stage use for their own input): any problem makes the field invalid.
 */
export function field<T>(parse: (text: string | undefined, name: string, problems: string[]) => T): Field<T> {
  return (name) =>
    z
      .string()
      .optional()
      .transform((text, ctx) => {
        const problems: string[] = [];
        const value = parse(text, name, problems);
        for (const message of problems) ctx.addIssue({ code: 'custom', message, input: text });
        return problems.length > 0 ? z.NEVER : value;
      });
}
