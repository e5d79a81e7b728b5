import type { ManifestAsset } from '../../../../intake/asset-manifest.ts';
import { errorMessage } from '../../../../errors/error-message.ts';
import { formatDuration } from '../../../../text/duration.ts';
import { sha256Hex } from '../../../../text/sha256-hex.ts';

/** One asset as it came back over HTTP. */
export interface ServedAsset {
  /** null when no answer came (refused, timed out). */
  readonly status: number | null;
  readonly failure: string | null;
  readonly body: Buffer | null;
  readonly contentType: string | null;
  readonly allowOrigin: string | null;
}

export interface ServedContext {
  /** Whether the pages load the assets from another origin (then CORS must allow it for SRI). */
  readonly crossOrigin: boolean;
  /** The pages' origin when known: the one `Access-Control-Allow-Origin` must allow. */
  readonly pageOrigin: string | null;
  /** Content of earlier releases' assets, by sha256: the release that had it. */
  readonly earlier: ReadonlyMap<string, string>;
}

const mediaType = (contentType: string) => contentType.split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * Why an asset fetched back from where the pages load it is not the release's, or null when it
 * is: missing (no 200), stale (an earlier release's content), altered (other bytes), served as
 * another type (a browser with `nosniff` refuses it), or not loadable from the pages' origin.
 */
export function servedProblem(
  asset: ManifestAsset,
  served: ServedAsset,
  context: ServedContext,
): string | null {
  if (served.status === null)
    return `${asset.file}: missing (${served.failure ?? 'no answer'} from ${asset.url})`;
  if (served.status !== 200 || served.body === null)
    return `${asset.file}: missing (${asset.url} answered ${String(served.status)})`;
  const sha256 = sha256Hex(served.body);
  if (sha256 !== asset.sha256) {
    const release = context.earlier.get(sha256);
    return release === undefined
      ? `${asset.file}: altered (served sha256 ${sha256}, ${String(served.body.byteLength)} bytes; the release's is ${asset.sha256}, ${String(asset.bytes)} bytes)`
      : `${asset.file}: stale (serves the content of release ${release}, not this one's)`;
  }
  const expected = mediaType(asset.contentType);
  const got = served.contentType === null ? '(none)' : mediaType(served.contentType);
  if (got !== expected) return `${asset.file}: served as ${got}, expected ${expected} (a browser refuses it)`;
  if (context.crossOrigin) {
    const allowed = served.allowOrigin;
    if (allowed === null)
      return `${asset.file}: no Access-Control-Allow-Origin: a page on another origin cannot check its integrity`;
    if (allowed !== '*' && context.pageOrigin !== null && allowed !== context.pageOrigin)
      return `${asset.file}: Access-Control-Allow-Origin is ${allowed}, not ${context.pageOrigin} or *`;
  }
  return null;
}

/** GETs one asset as a browser would load it from a page on `pageOrigin` (no cache, within `timeoutMs`). */
export async function fetchServed(
  url: string,
  pageOrigin: string | null,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ServedAsset> {
  const timer = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      headers: { 'cache-control': 'no-cache', ...(pageOrigin === null ? {} : { origin: pageOrigin }) },
      signal: AbortSignal.any([signal, timer]),
    });
    const body = Buffer.from(await response.arrayBuffer());
    return {
      status: response.status,
      failure: null,
      body: response.status === 200 ? body : null,
      contentType: response.headers.get('content-type'),
      allowOrigin: response.headers.get('access-control-allow-origin'),
    };
  } catch (error) {
    if (timer.aborted && !signal.aborted)
      return {
        status: null,
        failure: `no answer within ${formatDuration(timeoutMs)}`,
        body: null,
        contentType: null,
        allowOrigin: null,
      };
    const cause =
      error instanceof Error && error.cause !== undefined ? errorMessage(error.cause) : errorMessage(error);
    return { status: null, failure: cause, body: null, contentType: null, allowOrigin: null };
  }
}
