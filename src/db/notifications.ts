// PostgreSQL LISTEN/NOTIFY for this process: one dedicated connection (not from the pool, which
// would hand it to queries and lose the subscriptions) that LISTENs on the channels subscribers ask
// for and hands each notification to them. Reusable: anything that caches rows another instance can
// change subscribes to a channel its triggers notify on (credentials: src/auth/strategy.ts).
//
// When the connection is lost, notifications committed meanwhile are lost too. So subscribers hear
// `listening: false` at once (stop trusting cached data) and `listening: true` only after every
// channel is LISTENed again (start afresh). A dead connection that never errors (a silent network
// loss) is found by a heartbeat: at most heartbeatMs + timeoutMs. Reconnects by itself with backoff.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { Client, type Notification } from 'pg';

export interface NotificationListenerOptions {
  readonly connectionString: string;
  /** Shown in pg_stat_activity.application_name (operators and tests find the connection by it). */
  readonly applicationName: string;
  /** Round trip through the connection every heartbeatMs; also the connect timeout's upper bound. */
  readonly heartbeatMs: number;
  /** A connect, LISTEN or heartbeat slower than this counts as a lost connection. */
  readonly timeoutMs: number;
  /** Reconnect backoff: 100 ms, doubling, at most this. */
  readonly reconnectMaxMs: number;
  readonly logger: Logger;
}

type Handler = (payload: string) => void;
type StatusHandler = (listening: boolean) => void;

const internals = {
  channelName: /^[a-z_][a-z0-9_]{0,62}$/,
  firstBackoffMs: 100,
};

export class NotificationListener {
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly statusHandlers = new Set<StatusHandler>();
  /** This process's own channel for fences (see fence()); nobody else listens on it. */
  private readonly fenceChannel = `fence_${randomBytes(8).toString('hex')}`;
  private fenceSequence = 0;
  private fenceWaiters: Array<{ sequence: number; resolve: () => void }> = [];
  private client: Client | undefined;
  private isListening = false;
  private stopped = true;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private firstAttempt: Promise<void> | undefined;

  constructor(private readonly options: NotificationListenerOptions) {}

  /** True while every subscribed channel is LISTENed on a live connection. */
  get listening(): boolean {
    return this.isListening;
  }

  /** The PostgreSQL backend of the LISTEN connection while it listens (for pg_stat_activity, tests). */
  get backendPid(): number | undefined {
    return this.isListening ? (this.client as Client & { processID?: number }).processID : undefined;
  }

  /**
   * Calls `handler` with each notification's payload on `channel`. Subscribe before start(); a later
   * subscription LISTENs at once and sees what is committed after that. Returns an unsubscribe function.
   */
  subscribe(channel: string, handler: Handler): () => void {
    if (!internals.channelName.test(channel)) {
      throw new Error(`Invalid channel name "${channel}" (lower-case letters, digits and _)`);
    }
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      if (this.client && this.isListening) {
        this.client.query(`LISTEN "${channel}"`).catch((err: Error) => this.lose(this.client as Client, err));
      }
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  /** `handler(false)` as soon as the connection is lost, `handler(true)` once it listens again. */
  onStatus(handler: StatusHandler): () => void {
    this.statusHandlers.add(handler);
    return () => this.statusHandlers.delete(handler);
  }

  /** Connects in the background; resolves after the first attempt, successful or not. */
  start(): Promise<void> {
    if (!this.stopped) {
      return this.firstAttempt ?? Promise.resolve();
    }
    this.stopped = false;
    this.heartbeatTimer = setInterval(() => void this.fence(), this.options.heartbeatMs);
    this.heartbeatTimer.unref();
    this.firstAttempt = this.connect();
    return this.firstAttempt;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    this.setListening(false);
    this.releaseFences();
    await client?.end().catch(() => undefined);
  }

  /**
   * Resolves once every notification committed before this call has been handed to the subscribers
   * (a NOTIFY to ourselves comes back after everything committed before it: the queue is in commit
   * order). Resolves at once when not listening: subscribers then trust nothing cached anyway.
   * A fence that does not come back within timeoutMs means the connection is dead: it is dropped.
   */
  fence(): Promise<void> {
    const client = this.client;
    if (!client || !this.isListening) {
      return Promise.resolve();
    }
    const sequence = ++this.fenceSequence;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.lose(client, new Error(`no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
      timer.unref();
      this.fenceWaiters.push({
        sequence,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      client.query('SELECT pg_notify($1, $2)', [this.fenceChannel, String(sequence)]).catch((err: Error) => this.lose(client, err));
    });
  }

  private async connect(): Promise<void> {
    if (this.stopped) {
      return;
    }
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName,
      connectionTimeoutMillis: this.options.timeoutMs,
      query_timeout: this.options.timeoutMs,
      keepAlive: true,
    });
    client.on('notification', (message) => this.dispatch(message));
    client.on('error', (err) => this.lose(client, err));
    client.on('end', () => this.lose(client, new Error('connection ended')));
    this.client = client;
    try {
      await client.connect();
      for (const channel of [this.fenceChannel, ...this.handlers.keys()]) {
        await client.query(`LISTEN "${channel}"`);
      }
    } catch (err) {
      this.lose(client, err as Error);
      return;
    }
    if (this.client !== client || this.stopped) {
      return;
    }
    this.attempt = 0;
    this.options.logger.info({ channels: [...this.handlers.keys()] }, 'notification listener: listening');
    this.setListening(true);
  }

  /** The connection is gone (or unusable): tell subscribers, then reconnect with backoff. */
  private lose(client: Client, err: Error): void {
    if (this.client !== client) {
      return; // already handled
    }
    this.client = undefined;
    client.end().catch(() => undefined);
    this.setListening(false);
    this.releaseFences();
    if (this.stopped) {
      return;
    }
    const delay = Math.min(this.options.reconnectMaxMs, internals.firstBackoffMs * 2 ** this.attempt);
    this.attempt++;
    this.options.logger.warn(
      { err: { message: err.message }, retryInMs: delay },
      'notification listener: connection lost, caches bypassed until it is back',
    );
    this.reconnectTimer = setTimeout(() => void this.connect(), delay * (0.8 + Math.random() * 0.4));
    this.reconnectTimer.unref();
  }

  private setListening(listening: boolean): void {
    if (this.isListening === listening) {
      return;
    }
    this.isListening = listening;
    for (const handler of this.statusHandlers) {
      handler(listening);
    }
  }

  /** Waiting fences resolve once subscribers heard `listening: false`: nothing cached is trusted then. */
  private releaseFences(): void {
    const waiters = this.fenceWaiters;
    this.fenceWaiters = [];
    waiters.forEach((waiter) => waiter.resolve());
  }

  private dispatch(message: Notification): void {
    if (message.channel === this.fenceChannel) {
      const sequence = Number(message.payload);
      const done = this.fenceWaiters.filter((waiter) => waiter.sequence <= sequence);
      this.fenceWaiters = this.fenceWaiters.filter((waiter) => waiter.sequence > sequence);
      done.forEach((waiter) => waiter.resolve());
      return;
    }
    for (const handler of this.handlers.get(message.channel) ?? []) {
      try {
        handler(message.payload ?? '');
      } catch (err) {
        this.options.logger.error({ err, channel: message.channel }, 'notification listener: a subscriber failed');
      }
    }
  }
}
