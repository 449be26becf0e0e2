import cluster, { Worker } from 'node:cluster';
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ServerSettings } from './limits';

/**
 * How the server process lives and ends: listen (an error is a non-zero exit with the reason),
 * server timeouts and a connection cap, and a drain on SIGTERM; and, with several workers, a
 * primary that replaces a worker that dies at run time.
 */

type Log = (message: string) => void;

/** Exit codes: 0 a clean stop, 1 start-up failed (content, configuration, listen), 2 a stop that cut requests. */
export const EXIT_START_FAILED = 1;
export const EXIT_REQUESTS_CUT = 2;

export function applyServerSettings(server: Server, settings: ServerSettings): void {
  server.headersTimeout = settings.headersTimeoutMs;
  server.requestTimeout = settings.requestTimeoutMs;
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  server.maxConnections = settings.maxConnections;
}

/** Listen; resolves once listening, rejects with the reason (port in use, no permission, ...). */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(new Error(`cannot listen on ${host}:${port}: ${e.code ?? e.message}`));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * The response a connection is answering now, if any. Node keeps it on the socket (the same
 * property graceful-shutdown libraries read), so no request needs tracking until a drain starts:
 * a listener per request would cost every answer a few percent.
 */
function responseInFlight(socket: Socket): ServerResponse | undefined {
  const res = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  return res && !res.writableFinished ? res : undefined;
}

/**
 * On SIGTERM or SIGINT: stop accepting, close idle kept-alive connections, answer requests in
 * flight (and any that arrive on their connections) with `Connection: close`, give them
 * `graceMs`, then cut what is left. Logs what it did; exits 0 only when nothing was cut.
 */
export function drainOnSignal(server: Server, graceMs: number, log: Log, exit: (code: number) => void = (c) => process.exit(c)): void {
  let draining = false;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const drain = (signal: string): void => {
    if (draining) return;
    draining = true;
    const started = Date.now();
    const inFlight = new Set<ServerResponse>();
    const closing = (res: ServerResponse): void => {
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
      if (!res.headersSent) res.setHeader('Connection', 'close');
    };
    for (const socket of sockets) {
      const res = responseInFlight(socket);
      if (res) closing(res);
    }
    server.on('request', (_req, res: ServerResponse) => closing(res));
    const waiting = inFlight.size;
    server.close(() => {
      log(`${signal}: stopped accepting; ${waiting} request(s) in flight finished in ${Date.now() - started} ms; exiting`);
      exit(0);
    });
    const idle = sockets.size;
    server.closeIdleConnections();
    log(`${signal}: draining: ${waiting} request(s) in flight, ${idle - waiting > 0 ? idle - waiting : 0} idle connection(s) closed, grace ${graceMs} ms`);
    setTimeout(() => {
      const cut = inFlight.size;
      server.closeAllConnections();
      log(`${signal}: grace of ${graceMs} ms over: ${cut} request(s) cut, ${waiting - cut} finished; exiting`);
      exit(cut > 0 ? EXIT_REQUESTS_CUT : 0);
    }, graceMs).unref();
  };
  process.on('SIGTERM', () => drain('SIGTERM'));
  process.on('SIGINT', () => drain('SIGINT'));
}

/** Told by a worker to its primary once it listens. */
export const READY_MESSAGE = 'terminology-server-ready';

/** In a worker: let the primary know this worker serves. */
export function announceReady(): void {
  if (cluster.isWorker) process.send?.(READY_MESSAGE);
}

/**
 * The primary of several workers on one port. A worker that exits before it ever served, while
 * no worker has yet, means start-up failed (bad content, port in use): a retry would fail too, so
 * the primary stops with that failure. A worker that dies later is replaced, after a back-off that
 * grows while workers keep dying (so a crash loop does not spin the CPU). On SIGTERM the workers
 * drain; the primary exits 0 only when every one of them did cleanly.
 */
export function superviseWorkers(workers: number, graceMs: number, log: Log): void {
  let stopping = false;
  let anyReady = false;
  const ready = new WeakSet<Worker>();
  const recentDeaths: number[] = [];
  let worstExit = 0;

  const fork = (): void => {
    const worker = cluster.fork();
    worker.on('message', (m: unknown) => {
      if (m === READY_MESSAGE) {
        ready.add(worker);
        anyReady = true;
      }
    });
  };
  for (let i = 0; i < workers; i++) fork();

  cluster.on('exit', (worker, code, signal) => {
    const how = signal ?? `code ${code}`;
    if (stopping) {
      if (code !== 0) worstExit = Math.max(worstExit, code ?? EXIT_REQUESTS_CUT);
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        log(`All workers stopped${worstExit ? ' (some cut requests)' : ''}; exiting`);
        process.exit(worstExit);
      }
      return;
    }
    if (!ready.has(worker) && !anyReady) {
      log(`Worker ${worker.process.pid} failed to start (${how}); stopping`);
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGKILL');
      process.exit(EXIT_START_FAILED);
    }
    const now = Date.now();
    recentDeaths.push(now);
    while (recentDeaths.length && recentDeaths[0] < now - 60_000) recentDeaths.shift();
    const delay = Math.min(10_000, 100 * 2 ** (recentDeaths.length - 1));
    log(`Worker ${worker.process.pid} ended (${how}); starting another in ${delay} ms`);
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
  });

  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    log(`${signal}: stopping ${live.length} worker(s)`);
    if (!live.length) process.exit(0);
    for (const w of live) w.process.kill(signal);
    setTimeout(() => {
      log(`${signal}: workers still running after ${graceMs + 5000} ms; killing them`);
      process.exit(EXIT_REQUESTS_CUT);
    }, graceMs + 5000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
