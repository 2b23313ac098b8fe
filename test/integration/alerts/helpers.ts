/** Alert test pieces: a fixture cascade, a loopback webhook receiver, bus event capture. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ItemInput } from '../../../server/domain/schemas.js';
import type { DomainEvents } from '../../../server/events/bus.js';
import { anItem, idOf } from '../../helpers/factories.js';

const HOUR = 3_600_000;

/**
 * An original interrogation video from a UA official source, then copies across sides and
 * languages over the following hours (copies carry the original's id as releaseId).
 */
export function cascade(t0: number) {
  const original = anItem({
    sourceId: 'ua-presidency',
    kind: 'video',
    side: 'UA',
    lang: 'uk',
    title: 'Interrogation of captured North Korean soldiers',
    text: 'Captured North Korean soldiers speak about the front; an exchange of prisoners is offered.',
    publishedAt: new Date(t0).toISOString(),
    engagement: { views: 50_000, forwards: 10, reactions: 5, comments: 2 },
  });
  original.releaseId = idOf(original);
  const copy = (n: number, side: ItemInput['side'], lang: string, sourceId: string): ItemInput =>
    anItem({
      sourceId,
      side,
      lang,
      kind: 'post',
      title: `Copy ${n} of the interrogation video`,
      text: `Repost ${n}: video of North Korean soldiers captured in Kursk.`,
      publishedAt: new Date(t0 + n * 0.5 * HOUR).toISOString(),
      releaseId: idOf(original),
      engagement: { views: 1000 * n, forwards: 0, reactions: 0, comments: 0 },
    });
  const early = [copy(1, 'UA', 'uk', 'ua-channel'), copy(2, 'RU', 'ru', 'ru-milblog'), copy(3, 'KP', 'ko', 'kp-kcna')];
  const late = [copy(4, 'KR', 'ko', 'kr-yonhap'), copy(5, 'INTL', 'en', 'intl-wire'), copy(6, 'EU', 'en', 'eu-desk')];
  return { original, early, late };
}

export type AlertEvent = DomainEvents['alert:fired'];

export function captureAlerts(app: FastifyInstance): AlertEvent[] {
  const events: AlertEvent[] = [];
  app.bus.on('alert:fired', (e) => events.push(e));
  return events;
}

export interface Received {
  at: number;
  body: string;
  headers: IncomingMessage['headers'];
}

export interface Receiver {
  url: string;
  received: Received[];
  hits: number;
  close: () => Promise<void>;
}

/** A webhook receiver on 127.0.0.1:0 answering with `status`, or never answering when status is 'hang'. */
export async function receiver(behaviour: number | 'hang' | ((hit: number) => number) = 200): Promise<Receiver> {
  const received: Received[] = [];
  const state = { hits: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.hits++;
      received.push({ at: performance.now(), body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      if (behaviour === 'hang') return;
      const status = typeof behaviour === 'function' ? behaviour(state.hits) : behaviour;
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    get hits() {
      return state.hits;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
