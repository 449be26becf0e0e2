import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { AddressInfo, createConnection, createServer, Socket } from 'node:net';
import path from 'node:path';

/**
 * The server as a process: start-up failures, workers that die, and SIGTERM. The server runs
 * from its TypeScript sources (run-typescript.js), so these tests need no build.
 */

const ROOT = path.resolve(__dirname, '../..');
const REGISTER = path.join(__dirname, 'run-typescript.js');
const MAIN = path.join(ROOT, 'src/http/main.ts');
jest.setTimeout(90_000);

interface Running {
  child: ChildProcess;
  port: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

const running: ChildProcess[] = [];

async function start(env: Record<string, string> = {}, port?: number): Promise<Running> {
  const p = port ?? (await freePort());
  const child = spawn(process.execPath, ['-r', REGISTER, MAIN], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(p), HOST: '127.0.0.1', FHIR_CORE_TERMINOLOGY: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, port: p, stdout: () => out, stderr: () => err, exited };
}

/** Resolves once `test` holds of what the process has written, or fails after `ms`. */
async function until(what: string, test: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!test()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const readyPids = (r: Running): number[] => [...r.stdout().matchAll(/ready at .*\(pid (\d+)/g)].map((m) => Number(m[1]));

afterAll(() => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('start-up', () => {
  it('a busy port is a non-zero exit with the reason, and no "ready"', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const server = await start({}, (blocker.address() as AddressInfo).port);
    expect(await server.exited).toBe(1);
    expect(server.stdout()).toMatch(/cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
    expect(server.stdout()).not.toMatch(/ready/);
    blocker.close();
  });

  it('a malformed limit stops start-up with the variable named', async () => {
    const server = await start({ REQUEST_DEADLINE_MS: 'soon' });
    expect(await server.exited).toBe(1);
    expect(server.stdout()).toMatch(/REQUEST_DEADLINE_MS must be a positive whole number/);
  });

  it('with workers, a worker that never became ready stops start-up', async () => {
    const server = await start({ WORKERS: '2', CONTENT_DIRS: path.join(ROOT, 'no-such-directory') });
    expect(await server.exited).toBe(1);
    expect(server.stdout()).toMatch(/failed to start/);
  });
});

describe('workers', () => {
  it('a worker that dies at run time is replaced; the service goes on; SIGTERM stops all with 0', async () => {
    const server = await start({ WORKERS: '2' });
    await until('two ready workers', () => readyPids(server).length === 2);
    const [first, second] = readyPids(server);
    process.kill(first, 'SIGKILL');
    await until('a replacement worker', () => readyPids(server).length === 3);
    expect(server.stdout()).toMatch(new RegExp(`Worker ${first} ended \\(SIGKILL\\); starting another`));
    expect(readyPids(server)[2]).not.toBe(second);
    const health = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(health.status).toBe(200);
    // each worker says ready on /ready once its text indexes are built, moments after listening
    let readyStatus = 0;
    await until('/ready 200', () => {
      void fetch(`http://127.0.0.1:${server.port}/ready`).then((r) => (readyStatus = r.status), () => undefined);
      return readyStatus === 200;
    });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toMatch(/All workers stopped; exiting/);
  });
});

/** A POST whose body is sent in two parts: the request is in flight between them. */
function slowPost(port: number): { socket: Socket; finish: () => void; response: Promise<string> } {
  const body = JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'url', valueUri: 'http://www.ama-assn.org/go/cpt' }, { name: 'code', valueCode: '0556T' }] });
  const socket = createConnection(port, '127.0.0.1');
  socket.write(`POST /fhir/CodeSystem/$validate-code HTTP/1.1\r\nHost: x\r\nContent-Type: application/fhir+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`);
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString()));
  const response = new Promise<string>((resolve) => socket.on('close', () => resolve(text)));
  return { socket, finish: () => socket.write(body.slice(10)), response };
}

/** A kept-alive connection that has had its answer and sits idle. */
async function idleKeepAlive(port: number): Promise<{ closed: Promise<void> }> {
  const socket = createConnection(port, '127.0.0.1');
  socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
  await once(socket, 'data');
  return { closed: new Promise<void>((resolve) => socket.on('close', () => resolve())) };
}

describe('SIGTERM', () => {
  it('closes idle kept-alive sockets, answers the request in flight with Connection: close, logs, exits 0', async () => {
    const server = await start({ SHUTDOWN_GRACE_MS: '20000' });
    await until('ready', () => readyPids(server).length === 1);
    const idle = await idleKeepAlive(server.port);
    const slow = slowPost(server.port);
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill('SIGTERM');
    await idle.closed;
    await until('the drain to start', () => /draining: 1 request/.test(server.stdout()));
    await new Promise((r) => setTimeout(r, 500));
    expect(server.child.exitCode).toBeNull(); // still waiting for the slow request
    slow.finish();
    const response = await slow.response;
    expect(response).toMatch(/^HTTP\/1\.1 200/);
    expect(response).toMatch(/\r\nConnection: close\r\n/i);
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toMatch(/1 request\(s\) in flight finished/);
  });

  it('cuts a request still running after the grace period, says so, and exits non-zero', async () => {
    const server = await start({ SHUTDOWN_GRACE_MS: '500' });
    await until('ready', () => readyPids(server).length === 1);
    const slow = slowPost(server.port);
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(2);
    expect(server.stdout()).toMatch(/grace of 500 ms over: 1 request\(s\) cut/);
    slow.socket.destroy();
  });
});
