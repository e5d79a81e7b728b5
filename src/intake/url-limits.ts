import type { onRequestHookHandler } from 'fastify';
import { uriTooLong } from './edge-problems.ts';

/**
 * An onRequest hook refusing URLs longer than `maxLength` characters with 414, before any
 * plugin or route reads them. Node already refuses request lines and headers above its
 * `maxHeaderSize` (16 KB); this keeps what the service reads, logs and routes far shorter.
 */
export function refuseLongUrls(maxLength: number): onRequestHookHandler {
  return (request, _reply, done) => {
    if (request.raw.url !== undefined && request.raw.url.length > maxLength) {
      done(uriTooLong(`the URL is longer than ${maxLength} characters`));
      return;
    }
    done();
  };
}
