import { resolve } from 'node:path';
import type { CustomGateConfig } from '../../config/sections/gates.ts';
import type { Gate, GateOutcome } from '../gate.ts';
import { customGateHead, customThresholds } from './custom-gate-fields.ts';
import { outputTail } from '../../text/output-tail.ts';
import { runShell } from './run-shell.ts';

type ShellGateConfig = Extract<CustomGateConfig, { kind: 'shell' }>;

/** A team's shell command as a gate: its exit code, and optionally patterns its output must (not) match. */
export function shellGate(spec: ShellGateConfig): Gate {
  return {
    ...customGateHead(
      spec,
      spec.command,
      `Runs \`${spec.command}\`; passes when it exits with ${spec.expectExitCode}${
        spec.outputMatches ? ` and its output matches /${spec.outputMatches}/` : ''
      }${spec.outputNotMatches ? ` and its output does not match /${spec.outputNotMatches}/` : ''}.`,
    ),
    thresholds: () =>
      customThresholds(spec.id, [
        { key: 'expectExitCode', value: spec.expectExitCode, description: 'the exit code that passes' },
        { key: 'outputMatches', value: spec.outputMatches, description: 'the output must match' },
        { key: 'outputNotMatches', value: spec.outputNotMatches, description: 'the output must not match' },
      ]),
    async run(ctx): Promise<GateOutcome> {
      const { code, output } = await runShell(spec.command, {
        cwd: resolve(ctx.cwd, spec.cwd ?? '.'),
        env: { ...ctx.env, ...spec.env },
        signal: ctx.signal,
      });
      const evidence = [
        { kind: 'output' as const, title: `output of ${spec.command}`, content: outputTail(output) },
      ];
      if (code === null)
        return { status: 'error', summary: 'the command was killed', reason: 'killed', evidence };
      const measurements = [
        {
          name: 'exit code',
          value: code,
          unit: 'code',
          threshold: spec.expectExitCode,
          comparison: '==' as const,
          passed: code === spec.expectExitCode,
        },
      ];
      if (code !== spec.expectExitCode)
        return {
          status: 'fail',
          summary: `\`${spec.command}\` exited with ${code}, expected ${spec.expectExitCode}`,
          measurements,
          evidence,
        };
      // eslint-disable-next-line security/detect-non-literal-regexp -- the team's own pattern from hermes.yaml, validated at load
      if (spec.outputMatches && !new RegExp(spec.outputMatches, 'm').test(output))
        return {
          status: 'fail',
          summary: `the output does not match /${spec.outputMatches}/`,
          measurements,
          evidence,
        };
      // eslint-disable-next-line security/detect-non-literal-regexp -- the team's own pattern from hermes.yaml, validated at load
      const forbidden = spec.outputNotMatches ? new RegExp(spec.outputNotMatches, 'm').exec(output) : null;
      if (forbidden)
        return {
          status: 'fail',
          summary: `the output matches /${spec.outputNotMatches ?? ''}/: ${forbidden[0].slice(0, 120)}`,
          measurements,
          evidence,
        };
      return { status: 'pass', summary: `\`${spec.command}\` exited with ${code}`, measurements, evidence };
    },
  };
}
