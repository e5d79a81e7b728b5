const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Whether a URL's hostname is this machine (localhost, 127.0.0.0/8, ::1): plain HTTP never leaves it. */
export function isLoopback(hostname: string): boolean {
  return loopbackHosts.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
