/**
 * A blue/green release's role: `live` takes traffic and delivers; `standby` is kept warm for an
 * instant switch back and delivers nothing. The deploy target writes the role to the release's
 * role file (server.roleFile) and sends SIGUSR2; without a role file a release is live.
 */
export type ReleaseRole = 'live' | 'standby';

/** The role a role file's text names; null when it names none (the release keeps the role it has). */
export function parseReleaseRole(text: string): ReleaseRole | null {
  const role = text.trim();
  return role === 'live' || role === 'standby' ? role : null;
}
