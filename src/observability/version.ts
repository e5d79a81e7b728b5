import pkg from '../../package.json' with { type: 'json' };

export const hermesVersion: string = pkg.version;
