// Network routes (API.md "Networks"): create a clustered, cluster-randomised graph for an
// experiment (JSON, or a `text/csv` edge list with the other fields in the query string), read it
// (whole or as a summary), list an experiment's graphs, and measure and list spillover effects.

import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { ValidationError, validationErrorFromZod } from "../../errors.js";
import type { ServiceContext } from "../../services/experiments.js";
import {
  createNetworkGraph,
  csvToCreateBody,
  getNetworkGraph,
  listNetworkGraphsPage,
  runInterferenceTest,
  listSpilloverPage,
  measureGraphSpillover,
} from "../../services/network-graphs.js";
import { bearerSecurity, errorResponses, IdParamSchema, json, pageOf, PageQuerySchema } from "../schemas.js";
import {
  CreateNetworkGraphSchema,
  type CreateNetworkGraphBody,
  CreateQuerySchema,
  CsvQuerySchema,
  GraphIncludeQuerySchema,
  InterferenceTestRequestSchema,
  InterferenceTestResultSchema,
  NetworkGraphSchema,
  SpilloverMeasurementSchema,
  SpilloverRequestSchema,
} from "./schemas.js";

const tags = ["networks"];

const createGraphRoute = createRoute({
  method: "post",
  path: "/v1/experiments/{id}/network-graphs",
  tags,
  summary: "Create a network graph: cluster it (louvain, components or given) and randomise whole clusters to treatments",
  description:
    "JSON body, or a `text/csv` edge list with the header `source,target,weight` (nodes are the edge list's endpoints) and " +
    "`graph_type`, `clustering`, `resolution`, `randomization_seed`, `influence_decay`, `threshold` (and optionally " +
    "comma-separated `treatments`) in the query string (400 naming the query field). 422 naming the node or edge " +
    "(`nodes.3.node_id`, `edges.12.weight`, `edges.4.target` for an unknown node) when a node id is empty or repeated, " +
    "an edge names an unknown node, is a self-loop or repeats a pair, a weight is outside [0, 1], a node lacks " +
    '`attributes.cluster_id` under clustering "given", or the spillover model or treatments are invalid. ' +
    "The response lists each node's cluster_id (nodes and node_clusters) but not the edges.",
  security: bearerSecurity,
  request: {
    params: IdParamSchema,
    query: CreateQuerySchema,
    body: {
      required: false,
      content: {
        "application/json": { schema: CreateNetworkGraphSchema },
        "text/csv": { schema: z.string().openapi({ example: "source,target,weight\na,b,0.5\nb,c,1" }) },
      },
    },
  },
  responses: { 201: json(NetworkGraphSchema, "The stored graph with its clusters and design"), ...errorResponses(400, 401, 404, 413, 415, 422) },
});

const getGraphRoute = createRoute({
  method: "get",
  path: "/v1/network-graphs/{id}",
  tags,
  summary: "A network graph with nodes (and their clusters) and edges; `?include=summary` leaves nodes and edges out",
  description:
    "Once the experiment has ended, retention prunes the graph's nodes and edges: it then answers its summary with " +
    "`pruned: true` (and `pruned_at`) whatever `include` asks.",
  security: bearerSecurity,
  request: { params: IdParamSchema, query: GraphIncludeQuerySchema },
  responses: { 200: json(NetworkGraphSchema, "The graph"), ...errorResponses(400, 401, 404) },
});

const listGraphsRoute = createRoute({
  method: "get",
  path: "/v1/experiments/{id}/network-graphs",
  tags,
  summary: "An experiment's network graphs (summaries without nodes and edges), oldest first",
  security: bearerSecurity,
  request: { params: IdParamSchema, query: PageQuerySchema },
  responses: { 200: json(pageOf(NetworkGraphSchema), "A page of graphs"), ...errorResponses(400, 401, 404) },
});

const spilloverRoute = createRoute({
  method: "post",
  path: "/v1/network-graphs/{id}/spillover",
  tags,
  summary: "Measure direct, indirect and total effects (with standard errors and 95% intervals) under the graph's design",
  description:
    "Aronow-Samii exposure-mapping estimators (Hájek by default) with exposure probabilities from seeded replays of the " +
    "stored cluster randomisation. Nodes without an outcome are excluded (counted in `outcomes.missing` and the notes); " +
    "an outcome for an unknown node, a repeated node or a non-finite value is a 422 naming `outcomes.<k>`. " +
    "409 graph_pruned when retention has pruned the graph (its experiment ended).",
  security: bearerSecurity,
  request: { params: IdParamSchema, body: { required: true, content: { "application/json": { schema: SpilloverRequestSchema } } } },
  responses: { 201: json(SpilloverMeasurementSchema, "The stored measurement"), ...errorResponses(400, 401, 404, 409, 413, 415, 422) },
});

const interferenceRoute = createRoute({
  method: "post",
  path: "/v1/network-graphs/{id}/interference-test",
  tags,
  summary: "Test for interference (Saveski et al. 2017) on a two-stage graph",
  description:
    "Compares the effect estimate of the cluster-randomised half with the unit-randomised half's: " +
    "z = difference / std_error, two-sided normal p-value. Needs a graph created with design \"two-stage\" (422 otherwise) " +
    "and outcomes for at least two treated and two control clusters and nodes in each half (422). Nodes without an outcome are left out.",
  security: bearerSecurity,
  request: { params: IdParamSchema, body: { required: true, content: { "application/json": { schema: InterferenceTestRequestSchema } } } },
  responses: { 200: json(InterferenceTestResultSchema, "The test"), ...errorResponses(400, 401, 404, 409, 413, 415, 422) },
});

const listSpilloverRoute = createRoute({
  method: "get",
  path: "/v1/network-graphs/{id}/spillover",
  tags,
  summary: "The graph's spillover measurements in time order",
  security: bearerSecurity,
  request: { params: IdParamSchema, query: PageQuerySchema },
  responses: { 200: json(pageOf(SpilloverMeasurementSchema), "A page of measurements"), ...errorResponses(400, 401, 404) },
});

function isCsv(contentType: string | undefined): boolean {
  return /^text\/csv\b/i.test((contentType ?? "").trim());
}

export function registerNetworkGraphRoutes(app: OpenAPIHono, ctx: ServiceContext): void {
  app.openapi(createGraphRoute, async (c) => {
    const { id } = c.req.valid("param");
    const contentType = c.req.header("content-type");
    let input: CreateNetworkGraphBody;
    if (isCsv(contentType)) {
      const parsed = CsvQuerySchema.safeParse(c.req.query());
      if (!parsed.success) throw validationErrorFromZod(parsed.error, "query string");
      input = csvToCreateBody(await c.req.text(), parsed.data);
    } else {
      const body = contentType ? c.req.valid("json") : undefined;
      if (typeof body !== "object" || !("graph_type" in body)) {
        throw new ValidationError("a request body is required: JSON, or a text/csv edge list", [{ path: "body", message: "missing" }]);
      }
      input = body;
    }
    return c.json(await createNetworkGraph(ctx, id, input), 201);
  });

  app.openapi(getGraphRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await getNetworkGraph(ctx, id, c.req.valid("query").include), 200);
  });

  app.openapi(listGraphsRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await listNetworkGraphsPage(ctx, id, c.req.valid("query")), 200);
  });

  app.openapi(spilloverRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await measureGraphSpillover(ctx, id, c.req.valid("json")), 201);
  });

  app.openapi(interferenceRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await runInterferenceTest(ctx, id, c.req.valid("json")), 200);
  });

  app.openapi(listSpilloverRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await listSpilloverPage(ctx, id, c.req.valid("query")), 200);
  });
}
