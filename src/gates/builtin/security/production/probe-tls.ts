import { isIP } from 'node:net';
import { connect, rootCertificates } from 'node:tls';
import { errorMessage } from '../../../../errors/error-message.ts';
import type { TlsProbe } from './judge-tls.ts';

/**
 * One TLS handshake with host:port (SNI = host), verifying the chain against the given CAs (the
 * system's and `extraCaFile`); never refused for an untrusted chain, so that the judge can say why.
 */
export function probeTls(
  url: URL,
  options: { ca?: readonly string[] | undefined; timeoutMs: number; signal: AbortSignal },
): Promise<TlsProbe> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? 443 : Number(url.port);
  return new Promise((resolve) => {
    const failed = (failure: string) => {
      resolve({ protocol: null, authorized: false, authorizationError: null, validTo: null, failure });
    };
    const socket = connect({
      host,
      port,
      ...(isIP(host) === 0 ? { servername: host } : {}),
      ca: [...(options.ca ?? rootCertificates)],
      rejectUnauthorized: false,
      // Let an old server complete its handshake, so that its protocol is reported rather than refused.
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
    const abort = () => {
      socket.destroy();
      failed(`no handshake within ${String(options.timeoutMs)}ms`);
    };
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    socket.once('close', () => {
      signal.removeEventListener('abort', abort);
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const validTo =
        typeof cert.valid_to === 'string' && cert.valid_to !== '' ? new Date(cert.valid_to) : null;
      const error = socket.authorizationError as Error | string | null | undefined;
      resolve({
        protocol: socket.getProtocol(),
        authorized: socket.authorized,
        authorizationError: error == null ? null : typeof error === 'string' ? error : error.message,
        validTo,
        failure: null,
      });
      socket.end();
    });
    socket.once('error', (error) => {
      failed(errorMessage(error));
    });
  });
}
