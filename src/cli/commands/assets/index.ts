import type { Command } from 'commander';
import type { CliContext } from '../../context.ts';

export function registerAssets(assets: Command, ctx: CliContext): void {
  assets
    .command('manifest')
    .description(
      "this release's browser assets (versioned file, sha256, SRI integrity, URL) and the references its pages make to them",
    )
    .action(async () => {
      const { printManifest, releaseManifest } = await import('./release-manifest.ts');
      const manifest = await releaseManifest(ctx.config());
      ctx.output.result(manifest, () => printManifest(ctx.output, manifest));
    });
}
