import type { ErrorRequestHandler, Request, Response } from 'express';
import { clientErrorResponse, FhirError, operationOutcome } from '../fhir/operation-outcome';
import type { Logger } from './logging';
import { sendResource } from './respond';

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
    if (known) return sendResource(req, res, known.status, known.outcome);
    const e = err as HttpLikeError;
    if (e?.type === 'entity.parse.failed') {
      return sendResource(req, res, 400, new FhirError(400, 'structure', `The request body is not valid JSON: ${e.message}`).toOperationOutcome());
    }
    if (e?.type === 'entity.too.large') {
      return sendResource(req, res, 413, new FhirError(413, 'too-costly', 'The request body is too large').toOperationOutcome());
    }
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendResource(req, res, status, new FhirError(status, 'invalid', e.message ?? 'Bad request').toOperationOutcome());
    }
    logger.error({ err, requestId: res.locals.requestId, method: req.method, path: req.originalUrl }, 'request failed');
    sendResource(req, res, 500, operationOutcome([{ severity: 'fatal', code: 'exception', diagnostics: 'Internal server error' }]));
  };
}
