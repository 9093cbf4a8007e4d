// The OpenAPI document as a tested contract: every response a test receives through server.inject
// is checked against the document the same server serves at /openapi.json, with an independent
// JSON-Schema validator (Ajv), not the Joi schemas that produced it. An undocumented status code, a
// body that does not match the documented schema (nullable and formats included) or an undocumented
// media type throws, so the test that received it fails with the route, the status and the error.
import type { RequestRoute, Server, ServerInjectOptions, ServerInjectResponse } from '@hapi/hapi';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = any;

/** Routes that are not API operations: the docs plugin's own UI, assets, document and redirect. */
export const UNDOCUMENTED_PLUGINS = new Set(['hapi-swagger', 'docs']);

const OPENAPI_PATH = '/openapi.json';

/** What the server sends with every JSON body (and so what the document names). */
const JSON_TYPE = 'application/json; charset=utf-8';

function normalizeType(type: string): string {
  return type
    .toLowerCase()
    .replace(/\s*;\s*/g, '; ')
    .trim();
}

interface Documented {
  readonly content?: Record<string, { schema?: unknown }>;
}

class Contract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly spec: Spec) {
    addFormats(this.ajv);
    this.ajv.addSchema(spec, 'openapi');
  }

  /** Throws when `res` is not what the document says its route answers. */
  check(res: ServerInjectResponse): void {
    const { route, method } = res.request;
    if (UNDOCUMENTED_PLUGINS.has(route.realm.plugin ?? '')) {
      return;
    }
    const where = `${method.toUpperCase()} ${route.path} (${res.request.path}) answered ${res.statusCode}`;
    // hapi's own routes (unknown path, CORS preflight) have no operation; their errors are still Boom errors.
    if ((route.method as string) === '_special' || route.path === '/{p*}') {
      if (res.statusCode >= 400 && method !== 'head') {
        this.checkBody(where, res, { content: { [JSON_TYPE]: {} } }, () => '/components/schemas/Error');
      }
      return;
    }
    const operation = this.operation(route);
    if (!operation) {
      throw new Error(`OpenAPI contract: ${where}, but the document has no operation ${route.method.toUpperCase()} ${route.path}`);
    }
    const documented: Documented | undefined = operation.responses?.[String(res.statusCode)];
    if (!documented) {
      throw new Error(
        `OpenAPI contract: ${where}, a status the document does not list for this operation (it lists ${Object.keys(operation.responses ?? {}).join(', ')}); body: ${res.payload.slice(0, 300)}`,
      );
    }
    if (method === 'head') {
      return; // HEAD answers no body
    }
    const pointer = `/paths/${escape(route.path)}/${route.method}/responses/${res.statusCode}`;
    this.checkBody(where, res, documented, (type) => `${pointer}/content/${escape(type)}/schema`);
  }

  operation(route: Pick<RequestRoute, 'path' | 'method'>): Spec | undefined {
    return this.spec.paths?.[route.path]?.[route.method];
  }

  private checkBody(where: string, res: ServerInjectResponse, documented: Documented, schemaAt: (type: string) => string): void {
    const types = Object.keys(documented.content ?? {});
    if (!types.length) {
      if (res.payload.length) {
        throw new Error(
          `OpenAPI contract: ${where} with a body, but the document says this response has none; body: ${res.payload.slice(0, 300)}`,
        );
      }
      return;
    }
    // The whole Content-Type, parameters included: clients and tools compare it verbatim.
    const type = normalizeType(String(res.headers['content-type'] ?? ''));
    const documentedType = types.find((candidate) => normalizeType(candidate) === type);
    if (!documentedType) {
      throw new Error(`OpenAPI contract: ${where} as "${type}", but the document lists only ${types.join(', ')}`);
    }
    if (!type.startsWith('application/json')) {
      return; // a text body (CSV, Prometheus) has no schema: its format is in the description
    }
    const validate = this.validator(schemaAt(documentedType));
    let body: unknown;
    try {
      body = JSON.parse(res.payload);
    } catch {
      throw new Error(`OpenAPI contract: ${where} with a body that is not JSON: ${res.payload.slice(0, 300)}`);
    }
    if (!validate(body)) {
      throw new Error(
        `OpenAPI contract: ${where} with a body that does not match its schema: ${this.ajv.errorsText(validate.errors, { dataVar: 'body' })}; body: ${res.payload.slice(0, 500)}`,
      );
    }
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.getSchema(`openapi#${pointer}`);
      if (!validate) {
        throw new Error(`OpenAPI contract: no schema at ${pointer}`);
      }
      this.validators.set(pointer, validate);
    }
    return validate;
  }
}

/** JSON Pointer escaping of one path segment (`/courses/{courseId}` → `~1courses~1{courseId}`). */
function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

const contracts = new Map<string, Contract>();

/** The served document of `server` (one Contract per distinct document, shared by the servers of a test file). */
async function contractOf(inject: (options: ServerInjectOptions | string) => Promise<ServerInjectResponse>): Promise<Contract> {
  const res = await inject(OPENAPI_PATH);
  if (res.statusCode !== 200) {
    throw new Error(`GET ${OPENAPI_PATH} answered ${res.statusCode}`);
  }
  let contract = contracts.get(res.payload);
  if (!contract) {
    contract = new Contract(JSON.parse(res.payload));
    contracts.set(res.payload, contract);
  }
  return contract;
}

/**
 * Makes every `server.inject` of this server check its response against the served document. The
 * document is read again after routes are added (tests that register probe routes).
 */
export async function withContract(server: Server): Promise<Server> {
  const inject = server.inject.bind(server) as (options: ServerInjectOptions | string) => Promise<ServerInjectResponse>;
  let contract = await contractOf(inject);
  let routeCount = server.table().length;
  const checked = async (options: ServerInjectOptions | string) => {
    const res = await inject(options);
    if (server.table().length !== routeCount) {
      routeCount = server.table().length;
      contract = await contractOf(inject);
    }
    contract.check(res);
    return res;
  };
  server.inject = checked as Server['inject'];
  return server;
}
