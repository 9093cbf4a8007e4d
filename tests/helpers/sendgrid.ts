// A local stand-in for SendGrid's HTTP API: receives POST /v3/mail/send from the real
// @sendgrid/mail client, records the messages, and can be told to fail.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface SentMail {
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly authorization: string | undefined;
}

export interface SendGridStandIn {
  readonly baseUrl: string;
  readonly sent: SentMail[];
  /** 'ok' answers 202 like SendGrid; 'error' answers 500. */
  mode: 'ok' | 'error';
  /** Each answer waits this long (a slow provider). */
  delayMs: number;
  /** The most requests that were in flight at once. */
  readonly maxConcurrent: number;
  /** The 8-digit token of the last email sent to `to`. */
  lastToken(to: string): string;
  close(): Promise<void>;
}

export async function startSendGridStandIn(): Promise<SendGridStandIn> {
  const standIn = {
    sent: [] as SentMail[],
    mode: 'ok' as 'ok' | 'error',
    delayMs: 0,
    maxConcurrent: 0,
  };
  let inFlight = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    inFlight++;
    standIn.maxConcurrent = Math.max(standIn.maxConcurrent, inFlight);
    res.on('finish', () => inFlight--);
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => setTimeout(answer, standIn.delayMs));
    const answer = () => {
      if (req.method !== 'POST' || req.url !== '/v3/mail/send') {
        res.writeHead(404).end();
        return;
      }
      if (standIn.mode === 'error') {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"message":"down"}]}');
        return;
      }
      const mail = JSON.parse(body);
      standIn.sent.push({
        to: mail.personalizations[0].to[0].email,
        from: mail.from.email,
        subject: mail.subject,
        text: mail.content.find((part: { type: string }) => part.type === 'text/plain').value,
        authorization: req.headers.authorization,
      });
      res.writeHead(202).end();
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return Object.assign(standIn, {
    baseUrl: `http://127.0.0.1:${port}`,
    lastToken(to: string): string {
      const mail = [...standIn.sent].reverse().find((message) => message.to === to);
      const token = mail?.text.match(/\b(\d{8})\b/)?.[1];
      if (!token) {
        throw new Error(`no login email was sent to ${to}`);
      }
      return token;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
