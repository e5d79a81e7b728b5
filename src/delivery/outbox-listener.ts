import pg from 'pg';
import type { Logger } from '../observability/logger.ts';
import { errorMessage } from '../errors/error-message.ts';
import { serviceApplicationNames } from '../db/service-sessions.ts';

export interface OutboxListener {
  close(): Promise<void>;
}

const channel = 'hermes_outbox';

/**
 * LISTENs for outbox inserts (migration 0022's trigger) on a connection of its own, and reconnects
 * by itself when the database goes away; each (re)connection also wakes the worker, since
 * notifications sent while it was away are lost.
 */
export function listenForOutbox(url: string, onNotify: () => void, logger: Logger): OutboxListener {
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 250;
  let timer: NodeJS.Timeout | undefined;
  let lostLogged = false;

  const reconnectLater = (reason: unknown) => {
    if (closed || timer) return;
    if (!lostLogged) {
      logger.warn({ reason: errorMessage(reason) }, 'delivery: LISTEN connection lost; reconnecting');
      lostLogged = true;
    }
    const old = client;
    client = undefined;
    void old?.end().catch(() => undefined);
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, 5_000);
  };

  const connect = async () => {
    const next = new pg.Client({ connectionString: url, application_name: serviceApplicationNames.listener });
    client = next;
    next.on('notification', () => onNotify());
    next.on('error', (error) => {
      if (client === next) reconnectLater(error);
    });
    next.on('end', () => {
      if (client === next) reconnectLater('connection ended');
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
      if (lostLogged) logger.info('delivery: LISTEN connection restored');
      lostLogged = false;
      retryMs = 250;
      onNotify();
    } catch (error) {
      if (client === next) reconnectLater(error);
    }
  };

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
