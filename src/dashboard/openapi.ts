/**
 * The OpenAPI 3.1 description of every route the dashboard serves (pages,
 * probes and the JSON API); docs/openapi.json is this document, and a test
 * holds the two and the router to each other.
 *
 * @example
 * ```ts
 * Object.keys(openApiDocument().paths); // ["/", "/tags/{reference}", …]
 * ```
 */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "digestguard watch API",
      version: "1",
      description:
        "What `dg watch --listen` serves. Reads are open on a loopback bind; beyond loopback every request needs `Authorization: Bearer <token>`. Write actions (POST) always need the token and are refused cross-site.",
    },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } }, schemas: SCHEMAS },
    paths: {
      "/": page("The watched images, with filters", [query("registry"), query("status"), query("kind")]),
      "/tags/{reference}": page("A tag's timeline, platforms, pin --update command and events", [reference]),
      "/fleet": page("The workers sharing the history: who checked what, and when", []),
      "/static/dashboard.css": { get: { summary: "The dashboard's stylesheet", responses: { 200: text("text/css") } } },
      "/healthz": { get: { summary: "The process answers", responses: { 200: json("Status") } } },
      "/readyz": {
        get: {
          summary: "The history answers and the first cycle is done",
          responses: { 200: json("Status"), 503: error },
        },
      },
      "/metrics": { get: { summary: "Prometheus metrics", responses: { 200: text("text/plain") } } },
      "/api/v1/images": read("Watched images with status", "ImageList", [
        query("registry"),
        query("status"),
        query("kind"),
      ]),
      "/api/v1/images/{reference}": read("A tag's history: observations and events", "TagHistory", [reference]),
      "/api/v1/workers": read("The fleet: each worker's newest check and its count of references", "WorkerList", []),
      "/api/v1/events": read("Events, newest first", "EventList", [query("reference"), query("kind"), limit]),
      "/api/v1/deliveries": read("Pending notification deliveries, earliest due first", "DeliveryList", [limit]),
      "/api/v1/openapi.json": { get: { summary: "This document", responses: { 200: json("Status") } } },
      "/api/v1/checks": write("Start a watch cycle now", 202, []),
      "/api/v1/deliveries/{id}/retry": write("Send one pending delivery now", 200, [
        { name: "id", in: "path", required: true, schema: { type: "string" } },
      ]),
    },
  };
}

const error = {
  description: "Error",
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
};
const reference = {
  name: "reference",
  in: "path",
  required: true,
  description: "registry/repository:tag, percent-encoded (`/` as %2F)",
  schema: { type: "string" },
};
const query = (name: string) => ({ name, in: "query", required: false, schema: { type: "string" } });
const limit = {
  name: "limit",
  in: "query",
  required: false,
  description: "How many to answer at most.",
  schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
};
const json = (schema: string) => ({
  description: "OK",
  content: { "application/json": { schema: { $ref: `#/components/schemas/${schema}` } } },
});
const text = (type: string) => ({ description: "OK", content: { [type]: { schema: { type: "string" } } } });
const page = (summary: string, parameters: unknown[]) => ({
  get: { summary, parameters, responses: { 200: text("text/html"), 400: error, 404: error } },
});
const read = (summary: string, schema: string, parameters: unknown[]) => ({
  get: { summary, parameters, responses: { 200: json(schema), 400: error, 401: error, 404: error } },
});
const write = (summary: string, status: number, parameters: unknown[]) => ({
  post: {
    summary,
    parameters,
    security: [{ bearer: [] }],
    responses: { [status]: json("Status"), 401: error, 403: error, 404: error, 405: error },
  },
});

const event = {
  type: "object",
  required: ["id", "kind", "reference", "at"],
  properties: {
    id: { type: "integer" },
    kind: { type: "string" },
    reference: { type: "string" },
    at: { type: "string", format: "date-time" },
    from: { type: "string" },
    to: { type: "string" },
    detail: { type: "object" },
  },
};
const observation = {
  type: "object",
  required: ["id", "reference", "platforms", "firstSeen", "lastSeen"],
  properties: {
    id: { type: "integer" },
    reference: { type: "string" },
    digest: { type: "string" },
    mediaType: { type: "string" },
    platforms: {
      type: "array",
      items: { type: "object", properties: { platform: { type: "string" }, digest: { type: "string" } } },
    },
    firstSeen: { type: "string", format: "date-time" },
    lastSeen: { type: "string", format: "date-time" },
  },
};
const SCHEMAS = {
  Error: {
    type: "object",
    required: ["error"],
    properties: {
      error: {
        type: "object",
        required: ["code", "message"],
        properties: { code: { type: "string" }, message: { type: "string" } },
      },
    },
  },
  Status: { type: "object" },
  Event: event,
  Observation: observation,
  ImageList: {
    type: "object",
    properties: {
      images: {
        type: "array",
        items: {
          type: "object",
          required: ["reference", "registry", "platforms", "status", "pins"],
          properties: {
            reference: { type: "string" },
            registry: { type: "string" },
            digest: { type: "string" },
            platforms: { type: "integer" },
            lastChecked: { type: "string", format: "date-time" },
            checkedBy: { type: "string", description: "The worker that checked it last (absent without a name)" },
            checkedAt: { type: "string", format: "date-time" },
            status: { enum: ["verified", "drifted", "error"] },
            lastEvent: { $ref: "#/components/schemas/Event" },
            pins: { type: "array", items: { type: "string" } },
          },
        },
      },
    },
  },
  TagHistory: {
    type: "object",
    properties: {
      reference: { type: "string" },
      observations: { type: "array", items: { $ref: "#/components/schemas/Observation" } },
      events: { type: "array", items: { $ref: "#/components/schemas/Event" } },
      pins: { type: "array", items: { type: "string" } },
      checkedBy: { type: "string" },
      checkedAt: { type: "string", format: "date-time" },
    },
  },
  WorkerList: {
    type: "object",
    properties: {
      workers: {
        type: "array",
        items: {
          type: "object",
          required: ["worker", "lastCheckAt", "checks"],
          properties: {
            worker: { type: "string" },
            lastCheckAt: { type: "string", format: "date-time" },
            checks: {
              type: "integer",
              description: "References this worker was the last to check: its share of the latest cycle(s)",
            },
          },
        },
      },
    },
  },
  EventList: {
    type: "object",
    properties: { events: { type: "array", items: { $ref: "#/components/schemas/Event" } } },
  },
  DeliveryList: {
    type: "object",
    properties: {
      deliveries: {
        type: "array",
        items: {
          type: "object",
          properties: {
            id: { type: "string" },
            eventId: { type: "integer" },
            notifier: { type: "string" },
            attempts: { type: "integer" },
            nextAttemptAt: { type: "string" },
            lastError: { type: "string" },
          },
        },
      },
      total: { type: "integer", description: "Every pending delivery, beyond this page too." },
    },
  },
};
