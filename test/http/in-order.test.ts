import express, { RequestHandler } from 'express';
import request from 'supertest';
import { inOrder } from '../../src/http/in-order';

/** inOrder: handlers one after another in one Express layer, errors to the app's error handler. */

function appWith(...handlers: RequestHandler[]) {
  const app = express();
  app.use(inOrder(...handlers));
  app.use((_req, res) => {
    res.status(404).send('passed on');
  });
  app.use(((err, _req, res, _next) => {
    res.status(500).send(`error: ${err instanceof Error ? err.message : String(err)}`);
  }) as express.ErrorRequestHandler);
  return app;
}

const mark =
  (name: string): RequestHandler =>
  (_req, res, next) => {
    res.append('X-Steps', name);
    next();
  };

describe('inOrder', () => {
  it('runs each handler in turn and passes on after the last', async () => {
    const res = await request(appWith(mark('a'), mark('b'))).get('/').expect(404, 'passed on');
    expect(res.headers['x-steps']).toBe('a, b');
  });

  it('stops at the handler that answers', async () => {
    const answer: RequestHandler = (_req, res) => {
      res.send('answered');
    };
    const res = await request(appWith(mark('a'), answer, mark('never'))).get('/').expect(200, 'answered');
    expect(res.headers['x-steps']).toBe('a');
  });

  it('sends an error passed to next, a thrown error and a rejected promise to the error handler, once', async () => {
    const passed: RequestHandler = (_req, _res, next) => next(new Error('passed'));
    const thrown: RequestHandler = () => {
      throw new Error('thrown');
    };
    const rejected: RequestHandler = async () => {
      throw new Error('rejected');
    };
    await request(appWith(mark('a'), passed, mark('never'))).get('/').expect(500, 'error: passed');
    await request(appWith(thrown)).get('/').expect(500, 'error: thrown');
    await request(appWith(mark('a'), rejected)).get('/').expect(500, 'error: rejected');
  });
});
