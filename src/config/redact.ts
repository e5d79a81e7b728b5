const secretKey =
  /(secret|password|passwd|token|api[-_]?keys?|authorization|credential|routing[-_]?key|^keys$|data[-_]?keys?)/i;
const secretQueryParam = /^(password|secret|token|key|sig|signature|api[-_]?key|access[-_]?token)$/i;

export const REDACTED = '[redacted]';

/** True when a config key holds a secret whatever its value looks like. */
export function isSecretKey(key: string): boolean {
  return secretKey.test(key);
}

/** Masks a URL's password and any secret-looking query parameter; other strings come back as they are. */
export function redactUrl(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || !URL.canParse(value)) return value;
  const url = new URL(value);
  let changed = false;
  if (url.password) {
    url.password = 'redacted';
    changed = true;
  }
  for (const name of [...url.searchParams.keys()]) {
    if (secretQueryParam.test(name)) {
      url.searchParams.set(name, 'redacted');
      changed = true;
    }
  }
  return changed ? url.toString() : value;
}

/** A deep copy of `value` that is safe to print: secret keys replaced, URLs' credentials masked. */
export function redact(value: unknown, key = ''): unknown {
  if (key && isSecretKey(key) && value !== undefined && value !== null && value !== '') {
    return Array.isArray(value) ? value.map(() => REDACTED) : REDACTED;
  }
  if (typeof value === 'string') return redactUrl(value);
  if (Array.isArray(value)) return value.map((item) => redact(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}
