// A small HTTP/1.1 load generator, like wrk: `concurrency` keep-alive connections, each sending
// one request after another for a fixed time (a closed loop). It writes requests and reads
// answers on raw sockets (status line, headers, Content-Length body) because node:http's
// client costs several times the CPU of the servers' own work per request, and on a small
// machine the generator shares the CPUs with the server it measures. Every answer is
// classified by the caller, so a benchmark can prove that each request did the work it meant
// to measure (a verify answered "replayed" or "throttled" is cheaper than a real one).
import { connect, type Socket } from 'node:net';
import { percentile } from './measure.js';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResponse {
  status: number;
  /** Header names in lower case; a repeated header keeps its last value, except set-cookie (all, joined by "\n"). */
  headers: Record<string, string>;
  body: string;
}

export interface LoadOptions {
  port: number;
  concurrency: number;
  durationMs: number;
  warmupMs?: number;
  /** The next request, or undefined when the work is used up (the run then ends early). */
  next(): LoadRequest | undefined;
  /** A label for the outcome ("valid", "invalid_code", …); tallied per label. */
  classify(response: LoadResponse): string;
}

export interface LoadResult {
  /** Requests answered (all of them, also those answered after the deadline). */
  requests: number;
  /** The rate counts only the answers that arrived inside the window, over the window's length. */
  elapsedMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  outcomes: Record<string, number>;
  /** True when `next` ran dry before the time was up. */
  exhausted: boolean;
}

function encodeRequest(port: number, input: LoadRequest): Buffer {
  const body = input.body === undefined ? undefined : Buffer.from(input.body, 'utf8');
  let head = `${input.method} ${input.path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n`;
  for (const [name, value] of Object.entries(input.headers ?? {})) head += `${name}: ${value}\r\n`;
  if (body !== undefined) head += `content-length: ${body.length}\r\n`;
  head += '\r\n';
  return body === undefined ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection; requests on it go one at a time. */
export class HttpConnection {
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: { resolve(response: LoadResponse): void; reject(error: Error): void } | undefined;

  constructor(private readonly port: number) {}

  private open(): Socket {
    const socket = connect({ host: '127.0.0.1', port: this.port, noDelay: true });
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.tryParse();
    });
    const fail = (error: Error) => {
      if (this.socket === socket) this.socket = undefined;
      this.buffer = Buffer.alloc(0);
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed by the server')));
    this.socket = socket;
    return socket;
  }

  private tryParse(): void {
    const end = this.buffer.indexOf(HEADER_END);
    if (end === -1) return;
    const head = this.buffer.toString('latin1', 0, end).split('\r\n');
    const status = Number(head[0]?.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name === 'set-cookie' && headers[name] !== undefined ? `${headers[name]}\n${value}` : value;
    }
    if (headers['transfer-encoding'] !== undefined) throw new Error('chunked answers are not supported by this load generator');
    const length = Number(headers['content-length'] ?? 0);
    const total = end + HEADER_END.length + length;
    if (this.buffer.length < total) return;
    const body = this.buffer.toString('utf8', end + HEADER_END.length, total);
    this.buffer = this.buffer.subarray(total);
    const pending = this.pending;
    this.pending = undefined;
    if (headers.connection === 'close') this.close();
    pending?.resolve({ status, headers, body });
  }

  send(input: LoadRequest): Promise<LoadResponse> {
    if (this.pending !== undefined) throw new Error('one request at a time per connection');
    const socket = this.socket ?? this.open();
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      socket.write(encodeRequest(this.port, input));
    });
  }

  close(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.removeAllListeners('close');
    socket?.destroy();
  }
}

/** One request on a fresh connection, closed afterwards (for set-up steps). */
export async function sendRequest(port: number, input: LoadRequest): Promise<LoadResponse> {
  const connection = new HttpConnection(port);
  try {
    return await connection.send(input);
  } finally {
    connection.close();
  }
}

export async function runHttpLoad(options: LoadOptions): Promise<LoadResult> {
  const connections = Array.from({ length: options.concurrency }, () => new HttpConnection(options.port));
  try {
    const phase = async (durationMs: number, record: boolean) => {
      const latencies: number[] = [];
      const outcomes: Record<string, number> = {};
      let requests = 0;
      let inWindow = 0;
      let exhausted = false;
      let ranDryAt: number | undefined;
      const deadline = performance.now() + durationMs;
      const caller = async (connection: HttpConnection) => {
        while (performance.now() < deadline) {
          const next = options.next();
          if (next === undefined) {
            exhausted = true;
            ranDryAt ??= performance.now();
            return;
          }
          const started = performance.now();
          const response = await connection.send(next);
          const finished = performance.now();
          const label = options.classify(response);
          if (record) {
            latencies.push(finished - started);
            outcomes[label] = (outcomes[label] ?? 0) + 1;
            requests++;
            if (finished <= deadline) inWindow++;
          }
        }
      };
      const start = performance.now();
      await Promise.all(connections.map(caller));
      // Ran dry: the window ends when the work did (every answer then is inside it).
      const windowMs = ranDryAt === undefined ? durationMs : performance.now() - start;
      return { latencies, outcomes, requests, inWindow: ranDryAt === undefined ? inWindow : requests, exhausted, elapsedMs: windowMs };
    };
    if ((options.warmupMs ?? 0) > 0) await phase(options.warmupMs ?? 0, false);
    const run = await phase(options.durationMs, true);
    return {
      requests: run.requests,
      elapsedMs: run.elapsedMs,
      requestsPerSecond: (run.inWindow / run.elapsedMs) * 1000,
      p50Ms: percentile(run.latencies, 50),
      p99Ms: percentile(run.latencies, 99),
      outcomes: run.outcomes,
      exhausted: run.exhausted,
    };
  } finally {
    for (const connection of connections) connection.close();
  }
}
