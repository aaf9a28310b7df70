import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { getAllStudySummaries } from '../study/create-study';
import { renderPage } from '../report/report';
import { renderTrialPage } from '../report/trial-page';
import { escapeHTML } from '../report/html/escape';
import type { Storage } from '../storage/base';
import { formatNumber } from '../util/format';
import { authorised, checkBinding } from './access';

export interface DashboardOptions {
  readonly storage: Storage;
  /** Default 127.0.0.1; any other address needs `token`. */
  readonly host?: string;
  /** Default 0: a free port (see `url`). */
  readonly port?: number;
  readonly token?: string;
  /** Allow `DELETE /api/studies?name=`; read-only otherwise. */
  readonly allowDelete?: boolean;
  /** How often open event streams re-read the storage. Default 1000 ms. */
  readonly pollMs?: number;
}

export interface Dashboard {
  /** Where it listens, e.g. http://127.0.0.1:43117 (without the token). */
  readonly url: string;
  close(): Promise<void>;
}

/** What changes when any trial of the study changes: number, state and reported steps of each. */
async function signature(storage: Storage, name: string): Promise<string> {
  const trials = await storage.getAllTrials(await storage.getStudyIdByName(name));
  return trials.map((t) => `${t.number}:${t.state}:${t.intermediateValues.size}`).join(',');
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

/**
 * The live dashboard: Node's own HTTP server. `/` lists the studies, `/study?name=` shows the
 * report's panels and table (each trial number links to `/trial?name=&number=`: its curves, params
 * and attributes) and reloads when `/events?name=` (server-sent events, polling the storage) says a
 * trial changed, `/api/studies` gives the summaries as JSON. Read-only unless
 * `allowDelete`.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const host = options.host ?? '127.0.0.1';
  checkBinding(host, options.token);
  const { storage } = options;
  const pollMs = options.pollMs ?? 1000;
  const withToken = (path: string): string =>
    options.token === undefined
      ? path
      : `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(options.token)}`;
  const streams = new Set<ServerResponse>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    if (!authorised(req, url, options.token)) return send(res, 401, 'text/plain', 'a token is required\n');
    const name = url.searchParams.get('name');
    if (req.method === 'DELETE' && url.pathname === '/api/studies') {
      if (options.allowDelete !== true) return send(res, 403, 'text/plain', 'read-only: start with --allow-delete\n');
      if (name === null) return send(res, 400, 'text/plain', 'name is required\n');
      await storage.deleteStudy(await storage.getStudyIdByName(name));
      return send(res, 200, 'application/json', `${JSON.stringify({ deleted: name })}\n`);
    }
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'GET only\n');
    if (url.pathname === '/') {
      const rows = (await getAllStudySummaries({ storage }))
        .map((s) => {
          const best =
            s.directions.length === 1 ? formatNumber(s.bestTrial?.value ?? null) : `${s.paretoSize} on front`;
          const href = escapeHTML(withToken(`/study?name=${encodeURIComponent(s.studyName)}`));
          return `<tr><td><a href="${href}">${escapeHTML(s.studyName)}</a></td><td>${escapeHTML(s.directions.join(', '))}</td><td>${s.nTrials}</td><td>${escapeHTML(best)}</td></tr>`;
        })
        .join('\n');
      return send(
        res,
        200,
        'text/html',
        `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>tfjs-tune dashboard</title><style>body{font-family:system-ui,sans-serif;margin:2rem}td,th{padding:.2rem .8rem;text-align:left}</style></head><body><h1>Studies</h1><table id="studies"><thead><tr><th>study</th><th>directions</th><th>trials</th><th>best</th></tr></thead><tbody>${rows}</tbody></table></body></html>`,
      );
    }
    if (url.pathname === '/api/studies') {
      const summaries = await getAllStudySummaries({ storage });
      const out = summaries.map((s) => ({
        studyName: s.studyName,
        directions: s.directions,
        nTrials: s.nTrials,
        trialsByState: s.trialsByState,
      }));
      return send(res, 200, 'application/json', `${JSON.stringify(out)}\n`);
    }
    if (name === null) return send(res, 404, 'text/plain', 'not found\n');
    if (url.pathname === '/study') {
      const record = await storage.getStudy(await storage.getStudyIdByName(name));
      const trials = await storage.getAllTrials(record.studyId);
      const events = withToken(`/events?name=${encodeURIComponent(name)}`);
      return send(
        res,
        200,
        'text/html',
        await renderPage({ studyName: record.studyName, directions: record.directions, trials }, events, (n) =>
          withToken(`/trial?name=${encodeURIComponent(name)}&number=${n}`),
        ),
      );
    }
    if (url.pathname === '/trial') {
      const number = Number(url.searchParams.get('number'));
      if (!Number.isInteger(number) || number < 0)
        return send(res, 400, 'text/plain', 'number must be a trial number\n');
      const record = await storage.getStudy(await storage.getStudyIdByName(name));
      const trials = await storage.getAllTrials(record.studyId);
      if (!trials.some((t) => t.number === number)) return send(res, 404, 'text/plain', `no trial ${number}\n`);
      const events = withToken(`/events?name=${encodeURIComponent(name)}`);
      return send(
        res,
        200,
        'text/html',
        await renderTrialPage({ studyName: record.studyName, directions: record.directions, trials }, number, events),
      );
    }
    if (url.pathname === '/events') {
      let last = await signature(storage, name);
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(`event: hello\ndata: ${JSON.stringify({ trials: last === '' ? 0 : last.split(',').length })}\n\n`);
      streams.add(res);
      const timer = setInterval(() => {
        signature(storage, name).then(
          (now) => {
            if (now === last) return void res.write(': still here\n\n');
            last = now;
            res.write(`event: change\ndata: ${JSON.stringify({ trials: now === '' ? 0 : now.split(',').length })}\n\n`);
          },
          () => res.end(),
        );
      }, pollMs);
      res.on('close', () => {
        clearInterval(timer);
        streams.delete(res);
      });
      return;
    }
    return send(res, 404, 'text/plain', 'not found\n');
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent)
        send(
          res,
          e instanceof Error && e.name === 'StudyNotFoundError' ? 404 : 500,
          'text/plain',
          `${e instanceof Error ? e.message : String(e)}\n`,
        );
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        server.close(() => resolve());
      }),
  };
}
