/** The environments Hermes knows (`environment` in hermes.yaml, HERMES_ENV, NODE_ENV when it names one). */
export const environments = ['development', 'test', 'staging', 'production'] as const;

export type Environment = (typeof environments)[number];
