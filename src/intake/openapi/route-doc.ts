import type { z } from 'zod';
import type { HttpCode } from '../http-problem.ts';

export type HttpMethod = 'GET' | 'POST';

/** What a successful (or non-error) answer's body is. */
export type AnswerBody =
  | { readonly kind: 'json'; readonly schema: z.ZodType }
  | { readonly kind: 'html' }
  | { readonly kind: 'text'; readonly mediaType: string };

export interface Answer {
  readonly description: string;
  /** One body, or the alternatives a client chooses by its Accept header (JSON, or the HTML page). */
  readonly bodies: readonly AnswerBody[];
  /** Headers the answer carries (name: what it says). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RequestBodyDoc {
  /** The zod schema the handler validates with (the same object, not a copy). */
  readonly schema: z.ZodType;
  /** Each field's rule in words (the `expected` of the route's 400 answers): the fields' descriptions. */
  readonly fieldDescriptions: Readonly<Record<string, string>>;
  /** A body the route accepts as it is: the document's example, and the tests send it. */
  readonly example: Readonly<Record<string, unknown>>;
  readonly mediaTypes: readonly string[];
}

export interface QueryDoc {
  readonly schema: z.ZodObject;
  readonly fieldDescriptions: Readonly<Record<string, string>>;
  /** A query the route accepts as it is (the tests send it), each value as its schema has it. */
  readonly example: Readonly<Record<string, string | number | boolean>>;
}

/** Who may call a route: anyone, an admin key holder, or the intake (an API client's key when configured). */
export type RouteSecurity = 'public' | 'admin' | 'intake';

/**
 * One route of the service as the OpenAPI document shows it. `path` is Fastify's (`:leadId`), so
 * the table is compared with the routes Fastify registered as they are.
 */
export interface RouteDoc {
  readonly method: HttpMethod;
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly security: RouteSecurity;
  readonly params?: Readonly<Record<string, { readonly schema: z.ZodType; readonly description: string }>>;
  readonly headers?: Readonly<Record<string, { readonly schema: z.ZodType; readonly description: string }>>;
  readonly query?: QueryDoc;
  readonly body?: RequestBodyDoc;
  /** The answers that are not errors, by status. */
  readonly answers: Readonly<Record<number, Answer>>;
  /** The error codes the route can answer with; each one's status comes from the error catalogue. */
  readonly errors: readonly HttpCode[];
}
