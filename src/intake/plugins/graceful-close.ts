import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Once the server is closing (SIGTERM), every answer carries `Connection: close`. A keep-alive
 * connection busy when close began would otherwise stay open after its answer, and the server
 * (and the process) would wait for the client to hang up.
 */
export const gracefulClose = fp(
  (app: FastifyInstance, _options: object, done: (err?: Error) => void) => {
    let closing = false;
    app.addHook('preClose', (next) => {
      closing = true;
      next();
    });
    app.addHook('onSend', (_request, reply, payload, next) => {
      if (closing) void reply.header('connection', 'close');
      next(null, payload);
    });
    done();
  },
  { name: 'hermes-graceful-close' },
);
