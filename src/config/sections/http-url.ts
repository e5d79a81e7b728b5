import { z } from 'zod';

/** An http:// or https:// URL without credentials in it; `credentialsHint` says where they go instead. */
export function httpUrl(credentialsHint: string) {
  return (
    z
      .string()
      .refine((value) => /^https?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
        error: 'expected an http:// or https:// URL',
      })
      // fetch refuses URLs with user:pass@, so every request would fail (and the URL land in errors).
      // Printed through redactUrl when refused: the password never shows.
      .refine((value) => !URL.canParse(value) || !/^[^:]+:\/\/[^/?#]*@/.test(value), {
        error: `expected a URL without user:password@; ${credentialsHint}`,
      })
  );
}
