import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { CommandTarget } from '../../../src/deploy/command/command-target.ts';
import { LocalTarget } from '../../../src/deploy/local/local-target.ts';
import { openTarget } from '../../../src/deploy/target/open-target.ts';
import { hasCode } from '../../../src/errors/hermes-error.ts';

const config = configSchema.parse({
  deploy: {
    local: { host: '127.0.0.1', port: 18080, dir: '/tmp/hermes-open-target' },
    command: { activate: 'true', publicUrl: 'https://shop.example/' },
  },
});

describe('openTarget', () => {
  it('refuses the local target on the embedded database with deploy_target_unsupported', () => {
    let caught: unknown;
    try {
      openTarget('local', '/srv/shop', config, { embedded: true });
    } catch (error) {
      caught = error;
    }
    expect(hasCode(caught, 'deploy_target_unsupported')).toBe(true);
    expect(String(caught)).toContain('needs a real PostgreSQL');
  });

  it('opens the local target on a real PostgreSQL', () => {
    const target = openTarget('local', '/srv/shop', config, { embedded: false });
    expect(target).toBeInstanceOf(LocalTarget);
    expect(target.name).toBe('local');
    expect(target.publicUrl).toBe('http://127.0.0.1:18080');
  });

  it('opens the command target on either database: its commands own where releases run', () => {
    for (const embedded of [true, false]) {
      const target = openTarget('command', '/srv/shop', config, { embedded });
      expect(target).toBeInstanceOf(CommandTarget);
      expect(target.name).toBe('command');
      expect(target.publicUrl).toBe('https://shop.example');
    }
  });
});
