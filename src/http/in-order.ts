import type { RequestHandler } from 'express';

/**
 * Handlers run one after another as one Express layer: each answers or calls next() to pass on,
 * and an error (thrown or passed to next) goes to the app's error handler. The steps every
 * request takes (request id, headers, probes; web page or FHIR answer) are this cheap: no path
 * matching, no router per step.
 */
export function inOrder(...handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err);
      const handler = handlers[i++];
      if (!handler) return next();
      try {
        const done: unknown = handler(req, res, step);
        if (done instanceof Promise) done.catch(next);
      } catch (e) {
        next(e);
      }
    };
    step();
  };
}
