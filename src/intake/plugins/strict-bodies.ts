import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { visit } from 'jsonc-parser';
import { describeGot } from '../../leads/describe-got.ts';
import { HttpProblem } from '../http-problem.ts';

// US-ASCII is a subset of UTF-8; anything else would be read as UTF-8 and stored altered.
const readableCharsets = new Set(['utf-8', 'utf8', 'us-ascii']);
const charsetParameter = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}

/** The first key that appears twice in one object of a JSON text, if any (JSON.parse keeps the last silently). */
export function duplicateKey(text: string): string | undefined {
  const objects: Set<string>[] = [];
  let duplicate: string | undefined;
  visit(text, {
    onObjectBegin: () => {
      objects.push(new Set());
    },
    onObjectEnd: () => {
      objects.pop();
    },
    onObjectProperty: (property) => {
      const keys = objects.at(-1);
      if (keys?.has(property) === true) duplicate ??= property;
      keys?.add(property);
    },
  });
  return duplicate;
}

/** Why a request's body cannot be read as sent, if it cannot. */
function unreadableBody(request: FastifyRequest): HttpProblem | undefined {
  if (!hasBody(request)) return undefined;
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '') {
    return new HttpProblem(
      'unsupported_content_encoding',
      `send the body without a Content-Encoding (got ${describeGot(encoding)}); Hermes does not decompress bodies`,
    );
  }
  const charset = charsetParameter.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && !readableCharsets.has(charset)) {
    return new HttpProblem(
      'unsupported_charset',
      `send the body in UTF-8 (charset=utf-8 or no charset parameter; got ${describeGot(charset)})`,
    );
  }
  return undefined;
}

/**
 * Bodies are read exactly as sent or refused: a body in a charset other than UTF-8 or with a
 * Content-Encoding (Hermes decompresses nothing) gets 415 instead of being read as UTF-8 text,
 * and a JSON object with a key twice gets 400 instead of the last value winning unseen.
 */
export const strictBodies = fp(
  (app: FastifyInstance, _options: unknown, done: (err?: Error) => void) => {
    app.addHook('preParsing', (request, _reply, payload, next) => {
      const problem = unreadableBody(request);
      if (problem) next(problem);
      else next(null, payload);
    });

    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, parsed) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      const key = duplicateKey(text);
      if (key !== undefined) {
        const field = describeGot(key).replace(/^"|"$/g, '');
        parsed(
          new HttpProblem('invalid_body', `the JSON object has the key "${field}" more than once`, {
            extra: { fields: [{ field, expected: 'each key once', got: 'the key more than once' }] },
          }),
          undefined,
        );
        return;
      }
      void parseJson(request, text, parsed);
    });
    done();
  },
  { name: 'hermes-strict-bodies' },
);
