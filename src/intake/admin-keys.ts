// The admin API's keys are API keys like the intake's: one digest store, one constant-time match.
export { ApiKeys as AdminKeys } from './api-keys.ts';
