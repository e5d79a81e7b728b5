import { z } from 'zod';
import { configSchema } from './schema.ts';

/** One key of hermes.yaml: a section (a mapping of keys) or a setting (a value). */
export interface ConfigKey {
  readonly path: string;
  readonly kind: 'section' | 'setting';
}

/** The schema inside defaults, optionality and nullability: what a key holds when it is set. */
function unwrap(schema: z.ZodType): z.ZodType {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodNullable
  ) {
    return unwrap(schema.unwrap() as z.ZodType);
  }
  return schema;
}

/**
 * Every key the schema knows, in its order, each section before its keys. An object is a section
 * (optional ones too: `n8n.headerAuth` lists `name` and `secret`); anything else (lists, unions,
 * records such as `gates.overrides`) is one setting.
 */
export function configKeys(schema: z.ZodType = configSchema, prefix = ''): ConfigKey[] {
  const inner = unwrap(schema);
  if (!(inner instanceof z.ZodObject)) return prefix ? [{ path: prefix, kind: 'setting' }] : [];
  const own: ConfigKey[] = prefix ? [{ path: prefix, kind: 'section' }] : [];
  const shape = inner.shape as Record<string, z.ZodType>;
  return [
    ...own,
    ...Object.entries(shape).flatMap(([name, child]) =>
      configKeys(child, prefix ? `${prefix}.${name}` : name),
    ),
  ];
}

/** True when `key` is `section` or lies inside it. */
export function isInSection(key: string, section: string): boolean {
  return key === section || key.startsWith(`${section}.`);
}

/**
 * What to name when `section` is not a key: the keys directly inside the deepest section it starts
 * with (`intake.rateLimt`: intake's), else the top-level ones; sections and settings apart.
 */
export function keysNear(
  keys: readonly ConfigKey[],
  section: string,
): { parent: string; sections: string[]; settings: string[] } {
  const known = new Set(keys.filter((k) => k.kind === 'section').map((k) => k.path));
  const parts = section.split('.');
  let parent = '';
  for (let i = parts.length - 1; i > 0 && !parent; i--) {
    const candidate = parts.slice(0, i).join('.');
    if (known.has(candidate)) parent = candidate;
  }
  const depth = parent ? parent.split('.').length + 1 : 1;
  const children = keys.filter(
    (k) => k.path.split('.').length === depth && (!parent || isInSection(k.path, parent)),
  );
  const of = (kind: ConfigKey['kind']) => children.filter((k) => k.kind === kind).map((k) => k.path);
  return { parent, sections: of('section'), settings: of('setting') };
}
