// A bare Express server that answers fixed paths with fixed bodies (no terminology work): the most
// an Express service can do on this machine. Usage: node baseline-server.mjs <port> <bodies.json>
import { readFileSync } from 'node:fs';
import express from 'express';

const [port, file] = process.argv.slice(2);
const bodies = JSON.parse(readFileSync(file, 'utf8'));
const app = express();
for (const [path, body] of Object.entries(bodies)) app.get(path, (_req, res) => res.type('application/fhir+json').send(body));
app.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
