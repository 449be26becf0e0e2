import { randomUUID } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import pino, { DestinationStream, Logger } from 'pino';
import { operationOf, ServiceMetrics } from './metrics';

export type { Logger };

/**
 * Structured logs: one JSON object per line (pino), for start-up, failures and, when asked, one
 * access line per request. LOG_LEVEL sets the level (info by default).
 */
export function createLogger(destination?: DestinationStream): Logger {
  const options = { level: process.env.LOG_LEVEL ?? 'info', base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

/** An X-Request-Id worth keeping: short, printable, nothing that could forge a log line. */
const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

export interface RequestObservation {
  metrics: ServiceMetrics;
  logger: Logger;
  /** One access line per request (off by default: the line costs more than a cached answer). */
  accessLog: boolean;
}

/** What to do when a response has been sent, and when its request came in (set per response). */
const OBSERVER = Symbol('observer');
const STARTED = Symbol('started');
const REQUEST_ID_OF = Symbol('requestId');
type Observer = (req: IncomingMessage, res: ServerResponse, seconds: number) => void;
type ObservedResponse = ServerResponse & { [OBSERVER]?: Observer; [STARTED]?: number; [REQUEST_ID_OF]?: string };

/** The id of the request a response answers (sent back as X-Request-Id with every response, see headers.ts). */
export function requestIdOf(res: ServerResponse): string | undefined {
  return (res as ObservedResponse)[REQUEST_ID_OF];
}

/**
 * One subscriber for the whole process to Node's "response finished" channel, which calls the
 * observer the response carries: cheaper than a 'finish' listener (a closure and an emitter
 * entry) on every response, and each app still sees only its own responses.
 */
let subscribed = false;
function subscribeToFinishedResponses(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe('http.server.response.finish', (message) => {
    const { request, response } = message as { request: IncomingMessage; response: ObservedResponse };
    const observer = response[OBSERVER];
    if (observer) observer(request, response, (performance.now() - (response[STARTED] ?? 0)) / 1000);
  });
}

/**
 * Every request: its id (X-Request-Id taken when sane, made otherwise, and returned), its
 * operation and status counted with its time, and its access line when asked.
 */
export function observeRequests({ metrics, logger, accessLog }: RequestObservation): RequestHandler {
  subscribeToFinishedResponses();
  const finished: Observer = (req, res, seconds) => {
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const operation = operationOf(req.method ?? '', path);
    metrics.observe(operation, res.statusCode, seconds);
    if (accessLog) {
      logger.info({ requestId: requestIdOf(res), method: req.method, path, query: q < 0 ? undefined : url.slice(q + 1), operation, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 }, 'request');
    }
  };
  return (req, res, next) => {
    const observed = res as ObservedResponse;
    observed[STARTED] = performance.now();
    observed[OBSERVER] = finished;
    const asked = req.headers['x-request-id'];
    observed[REQUEST_ID_OF] = typeof asked === 'string' && REQUEST_ID.test(asked) ? asked : randomUUID();
    next();
  };
}
