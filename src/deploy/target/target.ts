import type { DeploymentTarget } from '../ledger/deployment.ts';

/** What a target runs: a built bundle with its version and the environment it runs with. */
export interface Release {
  /** The ledger row it belongs to; null for a step run on its own (`npm run deploy:api`). */
  deploymentId: string | null;
  version: string;
  /** The production build (`dist/production`): the bundle, release.json and what it needs beside it. */
  bundleDir: string;
  /** The source it was built from (its node_modules and hermes.yaml serve the release). */
  sourceDir: string;
  /** The hermes.yaml the release runs with (copied into it); null: the defaults and the environment. */
  configFile: string | null;
  /** Variables the release runs with; stored with it, so a switch back runs with its own. */
  env: Readonly<Record<string, string>>;
}

/** A release as a target knows it. */
export interface ReleaseInfo {
  /** What the target calls it (`blue`, a Vercel deployment id); the ledger's release_handle. */
  handle: string;
  version: string;
  deploymentId: string | null;
  /** Where this release itself answers (a colour's private port); the public URL is the target's. */
  url: string;
  /** Whether it can take traffic now (a stopped standby colour cannot until started). */
  running: boolean;
}

/** Where a target serves uploaded assets from: a directory it serves, and the URL it serves it at. */
export interface AssetsHome {
  dir: string;
  baseUrl: string;
}

/**
 * DESIGN.md "A target": the one thing that knows how releases run. The pipeline, the watcher and
 * rollback talk to this interface only; nothing here assumes a host the pipeline can reach.
 */
export interface Target {
  readonly name: DeploymentTarget;
  /** Where users reach the live release. */
  readonly publicUrl: string;
  /** The actions prepare and activate would take, for `hermes deploy --dry-run`; changes nothing. */
  plan(release: Release): Promise<string[]>;
  /** Makes the release ready to take traffic without giving it any. */
  prepare(release: Release, signal: AbortSignal): Promise<ReleaseInfo>;
  /** Sends the traffic to a prepared release; the one live before becomes the previous. */
  activate(prepared: ReleaseInfo, signal: AbortSignal): Promise<void>;
  /** A prepared release that will not go live (a later step failed before activation): let it go. */
  discard(prepared: ReleaseInfo): Promise<void>;
  current(): Promise<ReleaseInfo | null>;
  previous(): Promise<ReleaseInfo | null>;
  /** Sends the traffic back to the previous release; returns it. */
  rollback(signal: AbortSignal): Promise<ReleaseInfo>;
  /**
   * A target that serves static files itself (local: its nginx) gives the directory assets:validate
   * uploads a release's versioned assets to, serving it before the release goes live. A target
   * without one serves each release's assets from the release.
   */
  assetsHome?(): Promise<AssetsHome>;
}
