import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishToDir } from '../../../src/deploy/assets/publish-to-dir.ts';

const css = { file: 'contact-form.0123456789ab.css', body: Buffer.from('form { display: grid; }\n') };
const js = { file: 'contact-form.ba9876543210.js', body: Buffer.from('document.forms[0];\n') };

describe('publishToDir', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hermes-publish-assets-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the directory and writes every file new to it', () => {
    const dir = join(root, 'cdn', 'hermes');
    const done = publishToDir(dir, [css, js]);
    expect(done).toEqual({ written: [css.file, js.file], kept: [], replaced: [] });
    expect(readFileSync(join(dir, css.file)).equals(css.body)).toBe(true);
    expect(readFileSync(join(dir, js.file)).equals(js.body)).toBe(true);
  });

  it('leaves a file already there with the same bytes as it was', () => {
    writeFileSync(join(root, css.file), css.body);
    const past = new Date('2020-01-01T00:00:00Z');
    utimesSync(join(root, css.file), past, past);
    const done = publishToDir(root, [css, js]);
    expect(done).toEqual({ written: [js.file], kept: [css.file], replaced: [] });
    expect(statSync(join(root, css.file)).mtime.getTime()).toBe(past.getTime());
    expect(readFileSync(join(root, css.file)).equals(css.body)).toBe(true);
  });

  it('writes the right bytes over a file of the same name with other bytes', () => {
    writeFileSync(join(root, js.file), 'tampered();\n');
    const done = publishToDir(root, [js]);
    expect(done).toEqual({ written: [], kept: [], replaced: [js.file] });
    expect(readFileSync(join(root, js.file)).equals(js.body)).toBe(true);
  });

  it('never deletes the files of earlier releases already in the directory', () => {
    const earlier = 'contact-form.aaaaaaaaaaaa.js';
    writeFileSync(join(root, earlier), 'earlier();\n');
    writeFileSync(join(root, 'index.html'), '<p>other</p>');
    publishToDir(root, [css, js]);
    expect(readdirSync(root).sort()).toEqual([earlier, css.file, js.file, 'index.html'].sort());
    expect(readFileSync(join(root, earlier), 'utf8')).toBe('earlier();\n');
  });

  it('leaves no temporary file behind', () => {
    writeFileSync(join(root, js.file), 'tampered();\n');
    publishToDir(root, [css, js]);
    expect(readdirSync(root).sort()).toEqual([css.file, js.file].sort());
  });

  it('publishing the same files again keeps them all', () => {
    publishToDir(root, [css, js]);
    expect(publishToDir(root, [css, js])).toEqual({ written: [], kept: [css.file, js.file], replaced: [] });
  });
});
