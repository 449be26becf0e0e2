import type { RequestHandler } from 'express';

/** One JSON line per request answered: time, method, path, status, milliseconds. */
export function accessLogger(write: (line: string) => void): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      write(JSON.stringify({ time: new Date().toISOString(), method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round(ms * 10) / 10 }));
    });
    next();
  };
}
