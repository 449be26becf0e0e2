import { randomUUID } from 'node:crypto';
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

/**
 * Every request: its id (X-Request-Id taken when sane, made otherwise, and returned), its
 * operation and status counted with its time, and its access line when asked.
 */
export function observeRequests({ metrics, logger, accessLog }: RequestObservation): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const asked = req.headers['x-request-id'];
    const id = typeof asked === 'string' && REQUEST_ID.test(asked) ? asked : randomUUID();
    res.setHeader('X-Request-Id', id);
    res.locals.requestId = id;
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const url = req.originalUrl;
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const operation = operationOf(req.method, path);
      metrics.observe(operation, res.statusCode, seconds);
      if (accessLog) {
        logger.info({ requestId: id, method: req.method, path, query: q < 0 ? undefined : url.slice(q + 1), operation, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 }, 'request');
      }
    });
    next();
  };
}
