import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';

const cdn = 'https://cdn.example.test/hermes';

/** The issues of `assets` as hermes.yaml's section, as path and message. */
function issuesOf(assets: unknown): { path: PropertyKey[]; message: string }[] {
  const result = configSchema.safeParse({ assets });
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map(({ path, message }) => ({ path, message }));
}

describe('config: assets', () => {
  it('defaults to no public base URL and no upload', () => {
    const result = configSchema.safeParse({});
    expect(result.success).toBe(true);
    expect(result.data?.assets).toEqual({ publicBaseUrl: null, upload: { dir: null, command: null } });
  });

  it('takes an upload directory with the URL it is served from', () => {
    const result = configSchema.safeParse({
      assets: { publicBaseUrl: cdn, upload: { dir: '/srv/cdn/hermes' } },
    });
    expect(result.success).toBe(true);
    expect(result.data?.assets).toEqual({
      publicBaseUrl: cdn,
      upload: { dir: '/srv/cdn/hermes', command: null },
    });
  });

  it('takes an upload command with the URL it is served from', () => {
    const result = configSchema.safeParse({
      assets: { publicBaseUrl: cdn, upload: { command: 'aws s3 sync "$HERMES_ASSETS_DIR" s3://bucket' } },
    });
    expect(result.success).toBe(true);
    expect(result.data?.assets.upload).toEqual({
      dir: null,
      command: 'aws s3 sync "$HERMES_ASSETS_DIR" s3://bucket',
    });
  });

  it('refuses an upload directory and an upload command together, naming both', () => {
    const issues = issuesOf({ publicBaseUrl: cdn, upload: { dir: '/srv/cdn', command: 'sync' } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toEqual(['assets', 'upload']);
    expect(issues[0]?.message).toContain('upload.dir');
    expect(issues[0]?.message).toContain('upload.command');
  });

  it('refuses an upload without the URL the uploaded assets are served from', () => {
    for (const upload of [{ dir: '/srv/cdn' }, { command: 'sync' }]) {
      const issues = issuesOf({ upload });
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toEqual(['assets', 'publicBaseUrl']);
    }
  });

  it('refuses a public base URL that is not http or https', () => {
    const issues = issuesOf({ publicBaseUrl: 'ftp://cdn.example.test/hermes' });
    expect(issues.map((issue) => issue.path)).toEqual([['assets', 'publicBaseUrl']]);
  });

  it('refuses a key assets.upload does not have', () => {
    const issues = issuesOf({ publicBaseUrl: cdn, upload: { dir: '/srv/cdn', bucket: 's3://x' } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toEqual(['assets', 'upload']);
    expect(issues[0]?.message).toContain('bucket');
  });

  it('refuses an empty upload directory or command', () => {
    expect(issuesOf({ publicBaseUrl: cdn, upload: { dir: '' } })[0]?.path).toEqual([
      'assets',
      'upload',
      'dir',
    ]);
    expect(issuesOf({ publicBaseUrl: cdn, upload: { command: '' } })[0]?.path).toEqual([
      'assets',
      'upload',
      'command',
    ]);
  });
});
