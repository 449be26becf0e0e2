import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { FhirDispatcher, FhirRequest, FhirResponse, LARGE_BODY_BYTES } from '../fhir/dispatcher';
import type { QueryValues } from '../fhir/parameters';
import { checkJsonDepth } from '../fhir/json-measure';
import { Deadline } from '../terminology/deadline';
import type { RequestLimits } from './limits';
import { responseFormat, sendResource } from './respond';

const JSON_TYPES = ['application/json', 'application/fhir+json', 'application/json+fhir', 'application/*+json'];

/** The size of each JSON body as received (chunked uploads too), told by the parser. */
const bodySizes = new WeakMap<Request, number>();

/** The request as the dispatcher takes it: nothing of Express goes further. */
function fhirRequest(req: Request, query: QueryValues): FhirRequest {
  const request: FhirRequest = {
    method: req.method === 'HEAD' ? 'GET' : req.method,
    path: req.path,
    query,
    headers: { 'accept-language': req.get('accept-language'), 'x-cache-id': req.get('x-cache-id'), prefer: req.get('prefer'), 'if-none-match': req.get('if-none-match') },
  };
  if (req.method === 'POST') {
    const body: unknown = req.body;
    if (req.is('application/x-www-form-urlencoded')) {
      request.form = true;
      request.body = body;
    } else {
      // the JSON parser leaves an empty object when it did not read the body (another content type)
      const emptyObject = typeof body === 'object' && body !== null && Object.keys(body).length === 0;
      if (body !== undefined && !(emptyObject && !req.is(['json', 'application/fhir+json']))) request.body = body;
      request.bodyBytes = bodySizes.get(req);
    }
  }
  return request;
}

/**
 * The FHIR endpoint: each request handed to the dispatcher, its answer sent as JSON (or as a page
 * for a browser reading a resource). Bodies are parsed for POSTs only.
 */
export function fhirEndpoint(dispatcher: FhirDispatcher, options: { bodyLimit: string | number; limits: RequestLimits }): RequestHandler {
  const { limits } = options;
  const parseJson = express.json({ type: JSON_TYPES, limit: options.bodyLimit, verify: (req, _res, raw) => void bodySizes.set(req as Request, raw.length) });
  const parseForm = express.urlencoded({ extended: false, limit: '1mb' });
  // before anything walks the body: a recursive walk of 100,000 nested levels overflows the stack
  const checkDepth = (req: Request): void => {
    if (typeof req.body === 'object' && req.body !== null) checkJsonDepth(req.body, limits.maxJsonDepth);
  };
  const answer = (req: Request, res: Response, next: NextFunction, depthChecked = false): void => {
    try {
      const query = req.query as QueryValues;
      const format = responseFormat(query, req.get('accept'));
      if (!depthChecked) checkDepth(req);
      const request = fhirRequest(req, query);
      const send = (response: FhirResponse): void => {
        sendResource(res, response.status, response.resource, format, limits.maxResponseBytes, response.headers);
      };
      const response = new Deadline(limits.requestDeadlineMs).run(() => dispatcher.dispatch(request));
      if (response instanceof Promise) response.then(send).catch(next);
      else send(response);
    } catch (e) {
      next(e);
    }
  };
  // a large body's parse, its depth check and its answer each take a turn of the event loop of their own
  const answerParsed = (req: Request, res: Response, next: NextFunction): void => {
    if ((bodySizes.get(req) ?? 0) <= LARGE_BODY_BYTES) return answer(req, res, next);
    setImmediate(() => {
      try {
        checkDepth(req);
      } catch (e) {
        return next(e);
      }
      setImmediate(() => answer(req, res, next, true));
    });
  };
  return (req, res, next) => {
    if (req.method !== 'POST') return answer(req, res, next);
    parseJson(req, res, (e?: unknown) => (e ? next(e) : parseForm(req, res, (e2?: unknown) => (e2 ? next(e2) : answerParsed(req, res, next)))));
  };
}
