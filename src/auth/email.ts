// Sends the emails of the API: the login token, the token that confirms a new email address, and the
// notice that a test's results are released. Through SendGrid when SENDGRID_API_KEY is set, otherwise
// to the log so a newcomer can log in with no account anywhere.
import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Release, ReleaseNotifier } from '../services/tests';
import { EMAIL_TOKEN_TTL_MS } from './tokens';

export interface LoginMailer {
  sendLoginToken(to: string, emailToken: string): Promise<void>;
  /** To the NEW address of an email change (POST /users/{userId}/email-confirmation spends it). */
  sendEmailChangeToken(to: string, emailToken: string): Promise<void>;
  /** To a student who has a result on a test that was just released. */
  sendResultsReleased(to: string, release: Pick<Release, 'testName' | 'courseName'>): Promise<void>;
}

/**
 * What a failed send throws: the message and code of the client's error only. The raw error of the
 * HTTP client carries the request (its `Authorization: Bearer <SendGrid key>` header and the mail
 * body with the token), so it must never reach a log or a caller.
 */
class MailDeliveryError extends Error {
  override name = 'MailDeliveryError';
  constructor(
    message: string,
    readonly code: string | number | undefined,
  ) {
    super(message);
  }
}

type Kind = 'login' | 'emailChange';

const internals = {
  minutes: EMAIL_TOKEN_TTL_MS / 60_000,

  subject: {
    login: 'Your login token for the grading API',
    emailChange: 'Confirm your new email address for the grading API',
  } satisfies Record<Kind, string>,

  body(kind: Kind, emailToken: string): string {
    const validity = `It is valid for ${internals.minutes} minutes and can be used once.`;
    return kind === 'login'
      ? `Your login token is ${emailToken}. ${validity}`
      : `Your email confirmation token is ${emailToken}. ${validity} If you did not ask to use this address for the grading API, ignore this email.`;
  },

  released({ testName, courseName }: Pick<Release, 'testName' | 'courseName'>): { subject: string; text: string } {
    return {
      subject: `Results released: ${testName} (${courseName})`,
      text: `Your result for "${testName}" in "${courseName}" is now available. Log in to the grading API to see it and your final grade.`,
    };
  },

  clean(err: unknown): MailDeliveryError {
    const { message, code } = (err ?? {}) as { message?: unknown; code?: unknown };
    return new MailDeliveryError(
      typeof message === 'string' ? message : 'the email could not be sent',
      typeof code === 'string' || typeof code === 'number' ? code : undefined,
    );
  },
};

export function createLoginMailer(config: Config, logger: Pick<Logger, 'info' | 'error'>): LoginMailer {
  const { apiKey, baseUrl } = config.sendgrid;
  if (!apiKey) {
    const toLog = async (kind: Kind, to: string, emailToken: string) => {
      logger.info({ to, emailToken, kind }, `${kind} email (SENDGRID_API_KEY unset, not sent): ${internals.body(kind, emailToken)}`);
    };
    return {
      sendLoginToken: (to, emailToken) => toLog('login', to, emailToken),
      sendEmailChangeToken: (to, emailToken) => toLog('emailChange', to, emailToken),
      async sendResultsReleased(to, release) {
        const { subject, text } = internals.released(release);
        logger.info({ to, kind: 'resultsReleased' }, `resultsReleased email (SENDGRID_API_KEY unset, not sent): ${subject}. ${text}`);
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
  // A hung SendGrid must not hang the request: fail fast, answer 503.
  sendgrid.setTimeout(5_000);

  const send = async (kind: Kind, to: string, emailToken: string) => {
    try {
      await sendgrid.send({ to, from: config.emailFrom, subject: internals.subject[kind], text: internals.body(kind, emailToken) });
    } catch (err) {
      const clean = internals.clean(err);
      logger.error({ err: { message: clean.message, code: clean.code }, kind }, 'email could not be sent');
      throw clean;
    }
  };
  return {
    sendLoginToken: (to, emailToken) => send('login', to, emailToken),
    sendEmailChangeToken: (to, emailToken) => send('emailChange', to, emailToken),
    async sendResultsReleased(to, release) {
      try {
        await sendgrid.send({ to, from: config.emailFrom, ...internals.released(release) });
      } catch (err) {
        throw internals.clean(err); // logged by the release notifier, with the message and code only
      }
    },
  };
}

export interface ReleaseMailer extends ReleaseNotifier {
  /** Resolves when every release email queued so far has been sent or has failed (tests, shutdown). */
  idle(): Promise<void>;
}

/**
 * Release emails, after the release is committed and without holding up its request: at most
 * `concurrency` in flight (a class of 500 neither waits for 500 sends in series nor opens 500
 * connections at once). A failed send is logged with its message and code only; it never reaches
 * the request, which has already been answered, and never undoes the release.
 */
export function createReleaseNotifier(
  mailer: Pick<LoginMailer, 'sendResultsReleased'>,
  logger: Pick<Logger, 'info' | 'error'>,
  concurrency = 8,
): ReleaseMailer {
  const limit = pLimit(concurrency);
  const pending = new Set<Promise<void>>();
  return {
    resultsReleased(release) {
      const sends = release.emails.map((to) =>
        limit(() => mailer.sendResultsReleased(to, release)).then(
          () => true,
          (err: unknown) => {
            const { message, code } = internals.clean(err);
            logger.error({ err: { message, code }, kind: 'resultsReleased', testId: release.testId }, 'release email could not be sent');
            return false;
          },
        ),
      );
      const done: Promise<void> = Promise.all(sends).then((results) => {
        pending.delete(done);
        const failed = results.filter((sent) => !sent).length;
        logger.info({ testId: release.testId, sent: results.length - failed, failed }, 'release emails done');
      });
      pending.add(done);
    },
    async idle() {
      while (pending.size) {
        await Promise.all(pending);
      }
    },
  };
}
