import type { ErrorRequestHandler, Request, Response } from 'express';
import { clientErrorResponse, FhirError, operationOutcome } from '../fhir/operation-outcome';
import { type Logger, requestIdOf } from './logging';
import { sendOutcome } from './respond';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  message?: string;
}

/** Known errors become OperationOutcomes with their status; anything else is a logged 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next) => {
    const known = clientErrorResponse(err);
    if (known) return sendOutcome(req, res, known.status, known.outcome, known.allowedMethods ? { Allow: known.allowedMethods.join(', ') } : undefined);
    const e = err as HttpLikeError;
    if (e?.type === 'entity.parse.failed') {
      return sendOutcome(req, res, 400, new FhirError('BODY_NOT_JSON', [e.message ?? '']).toOperationOutcome());
    }
    if (e?.type === 'entity.too.large') {
      return sendOutcome(req, res, 413, new FhirError('BODY_TOO_LARGE').toOperationOutcome());
    }
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendOutcome(req, res, status, new FhirError('HTTP_CLIENT_ERROR', [e.message ?? 'Bad request'], { status }).toOperationOutcome());
    }
    logger.error({ err, requestId: requestIdOf(res), method: req.method, path: req.originalUrl }, 'request failed');
    sendOutcome(req, res, 500, operationOutcome([{ severity: 'fatal', code: 'exception', diagnostics: 'Internal server error' }]));
  };
}
