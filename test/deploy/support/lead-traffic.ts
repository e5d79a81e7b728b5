// Imports nothing of vitest, so bench/deploy sends the same traffic as the zero-downtime test.
import { Agent, request as httpRequest } from 'node:http';
import { validLead } from '../../intake/support/valid-lead.ts';

/** One lead sent: when, how long its answer took, and what it was. */
export interface LeadAnswer {
  /** Milliseconds since the epoch when it was sent. */
  at: number;
  ms: number;
  email: string;
  /** 0 when no answer came (see `failure`). */
  status: number;
  leadId: string | undefined;
  /** Sent again on a new connection: the first one closed before any answer (see below). */
  retried: boolean;
  failure: string | undefined;
}

interface Answer {
  status: number;
  body: string;
}

/** A POST on `agent`'s kept-alive connections (`false`: a connection of its own). */
function postJson(url: string, body: string, agent: Agent | false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json' },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      response.on('error', reject);
    });
    request.end(body);
  });
}

/**
 * An nginx reload closes the old workers' idle keep-alive connections; a request written on one
 * at that instant meets a closed connection before any byte of answer, and nginx never read it.
 * Browsers send such a request again on a new connection (Chromium does for a reused one); so
 * does this client, once. Anything else, or a second failure, is a failure.
 */
function closedBeforeAnswer(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ECONNRESET';
}

/** `workers` clients, each on its own kept-alive connection, posting valid leads one after another until `stop`. */
export function sendLeads(url: string, workers: number, stop: AbortSignal): Promise<LeadAnswer[]> {
  const answers: LeadAnswer[] = [];
  const worker = async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (!stop.aborted) {
      const lead = validLead();
      const body = JSON.stringify(lead);
      const at = Date.now();
      const started = performance.now();
      let retried = false;
      const answer: LeadAnswer = {
        at,
        ms: 0,
        email: String(lead['email']),
        status: 0,
        leadId: undefined,
        retried,
        failure: undefined,
      };
      try {
        const got = await postJson(url, body, agent).catch((error: unknown) => {
          if (!closedBeforeAnswer(error)) throw error;
          retried = true;
          return postJson(url, body, false);
        });
        answer.status = got.status;
        answer.leadId =
          got.status === 201 ? (JSON.parse(got.body) as { lead_id?: string }).lead_id : undefined;
      } catch (error) {
        answer.failure = error instanceof Error ? error.message : String(error);
      }
      answer.ms = performance.now() - started;
      answer.retried = retried;
      answers.push(answer);
    }
    agent.destroy();
  };
  return Promise.all(Array.from({ length: workers }, worker)).then(() => answers);
}
