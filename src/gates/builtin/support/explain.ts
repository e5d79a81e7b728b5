import { postgreSplitterOptions, splitQuery } from 'dbgate-query-splitter';
import { HermesError } from '../../../errors/hermes-error.ts';
import type { QueryConfig, QueryResult, QueryResultRow } from 'pg';

/** One node of an EXPLAIN (FORMAT JSON) plan, with the fields the gates read. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}

export interface ExplainResult {
  Plan: PlanNode;
  'Planning Time'?: number;
  'Execution Time'?: number;
}

const indexScans = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Index Scan', 'Bitmap Heap Scan']);

export function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

/** What the plan does with each table it reads: the gates' judgement in one place. */
export function scansOf(plan: PlanNode): { seqScans: string[]; indexScans: string[] } {
  const nodes = planNodes(plan);
  return {
    seqScans: nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name'] ?? '?'),
    // Index-reading nodes first: a Bitmap Heap Scan names the table, its Bitmap Index Scan the index.
    indexScans: nodes
      .filter((n) => indexScans.has(n['Node Type']))
      .sort((a, b) => Number(b['Index Name'] !== undefined) - Number(a['Index Name'] !== undefined))
      .map((n) => `${n['Node Type']} using ${n['Index Name'] ?? n['Relation Name'] ?? '?'}`),
  };
}

/**
 * A pool or a checked-out client: EXPLAIN goes as a query config, so that pg uses the extended
 * protocol (`queryMode` is in pg 8.23 but not in its type definitions).
 */
export interface ExplainTarget {
  query<R extends QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>>;
}

type ExtendedQueryConfig = QueryConfig & { queryMode: 'extended' };

/**
 * EXPLAIN of one configured query. The query comes from hermes.yaml, not from a request; it must
 * be a single statement, so that EXPLAIN cannot be followed by anything else, and it is sent with
 * the extended protocol, which refuses a second statement anyway.
 */
export async function explain(
  db: ExplainTarget,
  name: string,
  sql: string,
  analyze: boolean,
): Promise<ExplainResult> {
  const statements = splitQuery(sql, postgreSplitterOptions).filter(
    (s): s is string => typeof s === 'string' && s.trim() !== '',
  );
  if (statements.length !== 1) {
    throw new HermesError(
      'gate_query_invalid',
      `query "${name}": expected one SQL statement, got ${statements.length}`,
    );
  }
  const options = analyze ? 'ANALYZE, BUFFERS, FORMAT JSON' : 'FORMAT JSON';
  const config: ExtendedQueryConfig = {
    text: `EXPLAIN (${options}) ${statements[0] ?? ''}`,
    values: [],
    queryMode: 'extended',
  };
  const { rows } = await db.query<{ 'QUERY PLAN': ExplainResult[] }>(config);
  const result = rows[0]?.['QUERY PLAN'][0];
  if (!result) throw new HermesError('gate_query_invalid', `query "${name}": EXPLAIN returned no plan`);
  return result;
}

/** The indexes a plan reads, by name. */
export function indexNamesOf(plan: PlanNode): string[] {
  return planNodes(plan).flatMap((n) => (n['Index Name'] === undefined ? [] : [n['Index Name']]));
}
