// Sends login tokens: through SendGrid when SENDGRID_API_KEY is set, otherwise to the log so a
// newcomer can log in with no account anywhere.
import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { EMAIL_TOKEN_TTL_MS } from './tokens';

export interface LoginMailer {
  sendLoginToken(to: string, emailToken: string): Promise<void>;
}

const internals = {
  subject: 'Your login token for the grading API',

  body(emailToken: string): string {
    const minutes = EMAIL_TOKEN_TTL_MS / 60_000;
    return `Your login token is ${emailToken}. It is valid for ${minutes} minutes and can be used once.`;
  },
};

export function createLoginMailer(config: Config, logger: Pick<Logger, 'info'>): LoginMailer {
  const { apiKey, baseUrl } = config.sendgrid;
  if (!apiKey) {
    return {
      async sendLoginToken(to, emailToken) {
        logger.info({ to, emailToken }, `login email (SENDGRID_API_KEY unset, not sent): ${internals.body(emailToken)}`);
      },
    };
  }

  const client = new Client();
  client.setApiKey(apiKey);
  if (baseUrl) {
    // Regional endpoints (e.g. the EU one) and the tests' local stand-in.
    client.setDefaultRequest('baseUrl', baseUrl);
  }
  const sendgrid = new MailService();
  sendgrid.setClient(client);
  // A hung SendGrid must not hang /login: fail fast, answer 503.
  sendgrid.setTimeout(5_000);
  return {
    async sendLoginToken(to, emailToken) {
      await sendgrid.send({ to, from: config.emailFrom, subject: internals.subject, text: internals.body(emailToken) });
    },
  };
}
